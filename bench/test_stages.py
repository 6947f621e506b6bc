"""What `make test` costs, stage by stage (issue 14: under 10 minutes from a clean clone).

Usage: python3 bench/test_stages.py [--only lint,test-backend] [--out bench/results/test_stages.json]

Runs the stages of `make test` one after another, in the order the Makefile's `test` target lists
them, from the repository root, and prints the wall seconds of each and of the whole. Run it in a
fresh clone to count the installs too (the first stage: the virtualenv and node_modules); in a
working copy that is already installed, that stage takes a second. A stage that fails stops the run
and is reported with its exit code: the figures are only worth having for a green suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (name, make targets): `make test` = lint test-backend test-contract check-client check-ts-client
# test-frontend frontend test-e2e, after the installs its prerequisites trigger.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("install (venv, node_modules)", ("backend", "frontend/node_modules/.installed")),
    ("lint (ruff, mypy, Biome)", ("lint",)),
    ("backend suites, SQLite and PostgreSQL side by side", ("test-backend",)),
    ("Schemathesis on both databases", ("test-contract",)),
    ("generated Python client", ("check-client",)),
    ("TypeScript client up to date", ("check-ts-client",)),
    ("Vitest", ("test-frontend",)),
    ("SPA build", ("frontend",)),
    ("end-to-end tests in Chromium", ("test-e2e",)),
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only", default="", help="comma-separated make targets to run (default: all stages)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "test_stages.json")
    args = parser.parse_args()
    wanted = {t for t in args.only.split(",") if t}
    stages = [s for s in STAGES if not wanted or wanted & set(s[1])]

    results: list[dict[str, object]] = []
    started = time.monotonic()
    for name, targets in stages:
        print(f"== {name}: make {' '.join(targets)}", flush=True)
        t0 = time.monotonic()
        done = subprocess.run(["make", "--no-print-directory", *targets], cwd=ROOT, env=os.environ.copy())
        seconds = time.monotonic() - t0
        results.append(
            {"stage": name, "targets": list(targets), "seconds": round(seconds, 1), "exit": done.returncode}
        )
        if done.returncode != 0:
            print(f"!! {name} failed (exit {done.returncode}) after {seconds:.0f} s", flush=True)
            break
    total = time.monotonic() - started

    print()
    print(f"{'stage':<55} {'seconds':>8}")
    for r in results:
        print(f"{r['stage']!s:<55} {r['seconds']:>8}")
    print(f"{'total':<55} {total:>8.1f}  ({total / 60:.1f} min)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "stages": results,
                "total_seconds": round(total, 1),
                "cpus": os.cpu_count(),
                "machine": platform.platform(),
                "python": sys.version.split()[0],
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            },
            indent=2,
        )
        + "\n"
    )
    return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
