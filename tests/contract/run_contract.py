"""The contract run (`make test-contract`, part of `make test`; not collected by pytest).

Schemathesis drives the live API from its own OpenAPI document: the examples, coverage, fuzzing and
stateful phases with every check, once with a BPSDM admin's token and once with an ASN's, on a fresh
database per engine (a temporary SQLite file, or a temporary PostgreSQL database that is dropped
afterwards) holding a small demo province. Settings and the documented exceptions are in
schemathesis.toml beside this file; hooks.py gives each Idempotency-Key a fresh value.

    .venv/bin/python -m tests.contract.run_contract --db sqlite
    .venv/bin/python -m tests.contract.run_contract --db postgres --pg-admin postgresql://postgres@127.0.0.1:5432/postgres

Exit 0 only when no check failed and nothing but schemathesis' own known internal error (hypothesis
failing to read a lambda's source) went wrong; the summary of each run is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.live_server import StepFailed, free_port, stop, wait_until_up
from tests.live_server import run as run_step

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
CONFIG = HERE / "schemathesis.toml"
PASSWORD = "Bangkom#2026"  # the demo logins' password (app/demo)
ADMIN = "bpsdm"
STEP_TIMEOUT = 300  # seconds for any one command
# Errors raised inside schemathesis or hypothesis, not by the API: hypothesis cannot always read the
# source of a lambda in a generated strategy. Any other error fails the run.
INTERNAL_ERRORS = re.compile(r"lambda|could not get source code", re.IGNORECASE)


# Each run is time-boxed (schemathesis --max-time: fuzzing and stateful repeat until it is spent) so
# that `make test` stays under 10 minutes: 90 s of testing per database. The stateful phase runs on
# its own so the others cannot use up its time. The ASN sees little (its own profile and records),
# so its runs are shorter.
# The ASN runs first: the BPSDM admin's run may reset any other account's password (ending its
# sessions), and both roles' tokens are taken before any run, because fuzzing "change my password"
# with wrong current passwords locks the account's logins (tests/auth/test_throttle.py).
PLAN: tuple[tuple[str, str, int], ...] = (
    ("asn", "examples,coverage,fuzzing", 20),
    ("asn", "stateful", 10),
    ("bpsdm_admin", "examples,coverage,fuzzing", 40),
    ("bpsdm_admin", "stateful", 20),
)


ContractFailed = StepFailed


def run(args: list[str], env: dict[str, str], what: str) -> str:
    return run_step(args, env, ROOT, what, STEP_TIMEOUT)


@dataclass
class Outcome:
    role: str
    seconds: float
    exit_code: int
    report: dict[str, object]
    phases: list[str] = field(default_factory=list)
    failures: int = 0
    app_errors: list[str] = field(default_factory=list)
    internal_errors: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failures == 0 and not self.app_errors


async def _pg(admin_dsn: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def database(kind: str, work: Path, pg_admin: str) -> Iterator[str]:
    """A fresh, empty database URL; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{work / 'data' / 'bangkom.db'}"
        return
    name = f"bangkom_contract_{secrets.token_hex(5)}"
    asyncio.run(_pg(pg_admin, f'CREATE DATABASE "{name}"'))
    try:
        server = pg_admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        yield f"{server}/{name}"
    finally:
        asyncio.run(_pg(pg_admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def environment(work: Path, url: str) -> dict[str, str]:
    # Nothing of the caller's Bangkom settings (the Makefile exports its own database) may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BANGKOM_", "SCHEMATHESIS_"))}
    env |= {
        "BANGKOM_DATA_DIR": str(work / "data"),
        "BANGKOM_DATABASE_URL": url,
        "BANGKOM_SECRET_KEY": secrets.token_urlsafe(32),
        "BANGKOM_LOG_LEVEL": "WARNING",
        # Thousands of requests from one caller in a minute: the limits are tested in tests/security.
        "BANGKOM_RATE_LIMIT_PER_MINUTE": "0",
        "BANGKOM_CLAIMS_PER_HOUR": "0",
        # The fuzzing reads and writes; the daily jobs would only compete with it for the time box.
        "BANGKOM_BACKGROUND_JOBS": "false",
        "BANGKOM_ACCESS_TOKEN_MINUTES": "60",
    }
    env.pop("PYTHONPATH", None)
    return env


def asn_login(demo_output: str) -> str:
    """The first ASN demo login (a NIP) that `bangkom demo load` printed."""
    found = re.search(rf"^\s*(\d{{18}})\s+{re.escape(PASSWORD)}\s+asn\b", demo_output, re.MULTILINE)
    if not found:
        raise ContractFailed(f"bangkom demo load printed no ASN login:\n{demo_output}")
    return found.group(1)


def token(base_url: str, username: str) -> str:
    r = httpx.post(
        f"{base_url}/api/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": PASSWORD},
        timeout=30,
    )
    if r.status_code != 200:
        raise ContractFailed(f"no token for {username}: {r.status_code} {r.text}")
    access: str = r.json()["access_token"]
    return access


def schemathesis(
    base_url: str,
    role: str,
    phases: str,
    bearer: str,
    work: Path,
    env: dict[str, str],
    max_time: int,
    seed: int,
) -> Outcome:
    label = f"{role} {phases}"
    reports = work / f"report-{role}-{phases.replace(',', '-')}"
    args = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        phases,
        "--header",
        f"Authorization: Bearer {bearer}",
        "--max-time",
        str(max_time),
        "--seed",
        str(seed),
        "--report",
        "json",
        "--report-dir",
        str(reports),
        "--no-color",
    ]
    hooks_env = env | {"SCHEMATHESIS_HOOKS": "tests.contract.hooks", "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run(
        args,
        env=hooks_env,
        cwd=work,  # schemathesis keeps a cache (.schemathesis/) in its working directory
        capture_output=True,
        text=True,
        timeout=max_time + STEP_TIMEOUT,
        check=False,
    )
    seconds = time.monotonic() - started
    (work / f"schemathesis-{role}-{phases.replace(',', '-')}.txt").write_text(done.stdout + done.stderr)
    found = sorted(reports.glob("*.json"))
    if not found:
        raise ContractFailed(
            f"schemathesis ({role} {phases}) wrote no report, exit {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    report = json.loads(found[-1].read_text())
    outcome = Outcome(role=label, seconds=seconds, exit_code=done.returncode, report=report)
    outcome.phases = phase_lines(done.stdout)
    failures = report.get("failures") or []
    outcome.failures = sum(int(f.get("count", 1)) for f in failures) if isinstance(failures, list) else 0
    for block in error_blocks(done.stdout):
        if INTERNAL_ERRORS.search(block):
            outcome.internal_errors.append(block)
        else:
            outcome.app_errors.append(block)
    errors = report.get("errors") or []
    if isinstance(errors, list) and errors and not outcome.app_errors and not outcome.internal_errors:
        outcome.app_errors.extend(str(e) for e in errors)  # reported but not printed: count it
    if outcome.failures or outcome.app_errors:
        print(done.stdout[-20000:])
    return outcome


def phase_lines(stdout: str) -> list[str]:
    """The per-phase lines of schemathesis' progress output (`Coverage (in 12.3s)`, `✅ 84 passed`,
    the stateful phase's scenarios and links)."""
    keep = re.compile(
        r"(Examples|Coverage|Fuzzing|Stateful) \(in |passed|failed|skipped|Scenarios:|API Links:"
    )
    lines = []
    for line in stdout.splitlines():
        if line.startswith("===="):
            break
        if keep.search(line):
            lines.append(line.strip())
    return lines


def error_blocks(stdout: str) -> list[str]:
    """The blocks of the ERRORS section: one per operation that errored."""
    match = re.search(
        r"^=+ ERRORS =+$(.*?)^=+ (FAILURES|WARNINGS|SUMMARY) =+$", stdout, re.MULTILINE | re.DOTALL
    )
    if not match:
        return []
    return [b for b in re.split(r"^_{3,} .* _{3,}$", match.group(1), flags=re.MULTILINE) if b.strip()]


def check(kind: str, work: Path, pg_admin: str, scale: float, seed: int) -> list[Outcome]:
    (work / "data").mkdir()
    bangkom = str(BIN / "bangkom")
    with database(kind, work, pg_admin) as url:
        env = environment(work, url)
        started = time.monotonic()
        run([bangkom, "db", "upgrade"], env, "bangkom db upgrade")
        # A small province: enough rows for every list, lookup and report to have something to show.
        demo = ["demo", "load", "--asn", "100", "--records-per-asn", "5", "--assessments-per-asn", "1"]
        nip = asn_login(run([bangkom, *demo], env, "bangkom demo load"))
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        log = work / "server.log"
        with log.open("wb") as sink:
            server = subprocess.Popen(
                [bangkom, "serve", "--port", str(port)],
                env=env,
                cwd=work,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_up(server, base_url, log)
            print(
                f"[{kind}] database, demo and server ready in {time.monotonic() - started:.1f} s", flush=True
            )
            outcomes = []
            logins = {"bpsdm_admin": ADMIN, "asn": nip}
            bearers = {role: token(base_url, logins[role]) for role in dict.fromkeys(r for r, _, _ in PLAN)}
            for role, phases, seconds in PLAN:
                bearer = bearers[role]
                budget = max(5, round(seconds * scale))
                outcome = schemathesis(base_url, role, phases, bearer, work, env, budget, seed)
                outcomes.append(outcome)
                summarise(kind, outcome)
        finally:
            stop(server)
        crashes = [line for line in log.read_text(errors="replace").splitlines() if "unhandled error" in line]
        if crashes:
            raise ContractFailed("the server logged unhandled errors:\n" + "\n".join(crashes[:20]))
    return outcomes


def summarise(kind: str, outcome: Outcome) -> None:
    cases = outcome.report.get("test_cases") or {}
    generated = cases.get("generated", "?") if isinstance(cases, dict) else "?"
    verdict = "passed" if outcome.passed else "FAILED"
    print(
        f"[{kind}] {outcome.role}: {verdict} in {outcome.seconds:.0f} s: {generated} cases, "
        f"{outcome.failures} failures, {len(outcome.app_errors)} errors"
        + (
            f" ({len(outcome.internal_errors)} schemathesis-internal errors ignored)"
            if outcome.internal_errors
            else ""
        )
    )
    for line in outcome.phases:
        print(f"    {line}")
    for error in outcome.app_errors:
        print(f"    error: {error.strip()[:2000]}")
    for error in outcome.internal_errors:
        print(f"    ignored (schemathesis-internal): {' '.join(error.split())[:300]}")
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), required=True)
    parser.add_argument(
        "--pg-admin",
        default=os.environ.get("BANGKOM_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="an administrator's DSN, to create and drop the temporary database",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply every run's time box (default 1: 90 s in all)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="schemathesis' random seed (default 2026)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (printed)")
    options = parser.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix=f"bangkom-contract-{options.db}-"))
    try:
        outcomes = check(options.db, work, options.pg_admin, options.scale, options.seed)
    except ContractFailed as exc:
        print(f"contract run on {options.db} FAILED: {exc}", file=sys.stderr)
        if options.keep:
            print(f"kept {work}", file=sys.stderr)
        return 1
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    passed = sum(o.passed for o in outcomes)
    failed = len(outcomes) - passed
    print(f"contract run on {options.db} took {time.monotonic() - started:.0f} s")
    # The plain closing line CI reads: one line per schemathesis run.
    print(f"{passed} passed, {failed} failed")
    if options.keep:
        print(f"kept {work}")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
