"""The generated-client check (`make check-client`, part of `make test`; not collected by pytest).

A clean SQLite database in a temporary directory gets the migrations, a small demo province and an
integration client; `bangkom serve` runs on a free port; openapi-python-client generates a Python
package from the live `/api/v1/openapi.json` with `--fail-on-warning` (a document the generator
cannot fully turn into code fails here); program.py, type-checked against that package with mypy
--strict, then uses it as an integrator would.
Everything generated stays in the temporary directory, outside the repository and its linters.

    .venv/bin/python -m tests.client.check_generated_client [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from tests.live_server import StepFailed, free_port, stop, wait_until_up
from tests.live_server import run as run_step

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CONFIG = HERE / "openapi-python-client.yaml"
PACKAGE = "bangkom_client"
SCOPES = "asn:read asn:write reference:read learning:read learning:write"
STEP_TIMEOUT = 180  # seconds for any one command; the whole check takes well under a minute


CheckFailed = StepFailed


def run(args: list[str], env: dict[str, str], cwd: Path, what: str) -> str:
    return run_step(args, env, cwd, what, STEP_TIMEOUT)


def environment(work: Path) -> dict[str, str]:
    # Nothing of the caller's Bangkom settings (the Makefile exports its own database) may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANGKOM_")}
    env |= {
        "BANGKOM_DATA_DIR": str(work / "data"),
        "BANGKOM_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'data' / 'bangkom.db'}",
        "BANGKOM_LOG_LEVEL": "WARNING",
        # The generator's post hooks run ruff, installed beside this interpreter.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    env.pop("PYTHONPATH", None)
    return env


def client_credentials(output: str) -> tuple[str, str]:
    found = dict(re.findall(r"^(client_id|client_secret)=(\S+)$", output, re.MULTILINE))
    if set(found) != {"client_id", "client_secret"}:
        raise CheckFailed(f"bangkom clients create printed no credentials:\n{output}")
    return found["client_id"], found["client_secret"]


def check(work: Path) -> str:
    env = environment(work)
    (work / "data").mkdir()
    bangkom = str(BIN / "bangkom")
    run([bangkom, "db", "upgrade"], env, work, "bangkom db upgrade")
    # A small province: units and positions to place the new profiles, and a feed of a few hundred changes.
    demo = ["demo", "load", "--asn", "50", "--records-per-asn", "2", "--assessments-per-asn", "1"]
    run([bangkom, *demo], env, work, "bangkom demo load")
    created = run(
        [bangkom, "clients", "create", "--name", "ci-check", "--scopes", SCOPES], env, work, "clients create"
    )
    client_id, secret = client_credentials(created)

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = work / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [bangkom, "serve", "--port", str(port)], env=env, cwd=work, stdout=sink, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(server, base_url, log)
        output = work / PACKAGE
        run(
            [
                str(BIN / "openapi-python-client"),
                "generate",
                "--url",
                f"{base_url}/api/v1/openapi.json",
                "--config",
                str(CONFIG),
                "--meta",
                "none",
                "--output-path",
                str(output),
                "--overwrite",
                "--fail-on-warning",
            ],
            env,
            work,
            "openapi-python-client generate",
        )
        operations = sum(1 for module in (output / "api").glob("*/*.py") if module.name != "__init__.py")
        # The program must also type-check against the generated models (its own code only: the
        # generated package is the generator's business).
        run(
            [
                str(BIN / "mypy"),
                "--strict",
                "--follow-imports=silent",
                "--cache-dir",
                str(work / ".mypy_cache"),
                str(HERE / "program.py"),
            ],
            env | {"MYPYPATH": str(work)},
            work,
            "mypy over the generated-client program",
        )
        summary = run(
            [sys.executable, str(HERE / "program.py"), base_url, client_id, secret],
            env | {"PYTHONPATH": str(work)},
            work,
            "the generated-client program",
        ).strip()
    finally:
        stop(server)
    return f"{operations} operations generated; {summary}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (printed)")
    keep = parser.parse_args().keep
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="bangkom-client-check-"))
    try:
        summary = check(work)
    except CheckFailed as exc:
        print(f"generated-client check FAILED: {exc}", file=sys.stderr)
        if keep:
            print(f"kept {work}", file=sys.stderr)
        return 1
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    generator = version("openapi-python-client")
    print(
        f"generated-client check passed in {time.monotonic() - started:.1f} s "
        f"(openapi-python-client {generator}): {summary}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
