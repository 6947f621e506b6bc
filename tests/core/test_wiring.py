"""Cross-domain reactions are connected by app.reactions.connect() alone: by create_app() and by the CLI
before it writes, once however often it runs, and never as a side effect of importing a module.

Each check runs in a fresh interpreter: this one has long since built apps and connected everything.
The reactions themselves are exercised through the API elsewhere: ASN moves keep the gap totals
(tests/competencies/test_standings.py), a new position gets its default standard
(tests/competencies/test_dictionary.py), a rules change re-caps the JP year totals
(tests/learning/test_year_totals.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from app import reactions
from app.core.config import Settings

ROOT = Path(__file__).resolve().parents[2]

# How often each reaction is connected (a hook list may hold several domains' reactions).
COUNTS = "[sum(hook is r.then for hook in r.when) for r in reactions.REACTIONS]"

IMPORT_EVERYTHING_THEN_CREATE_APP = f"""
import importlib, json, pkgutil, sys
import app

for module in pkgutil.walk_packages(app.__path__, "app."):
    importlib.import_module(module.name)
from app import reactions
from app.core.config import Settings
from app.main import create_app

seen = {{"imported": {COUNTS}}}
create_app(Settings.model_validate_json(sys.argv[1]))
seen["app"] = {COUNTS}
seen["app_connected"] = all(r.connected for r in reactions.REACTIONS)
reactions.connect()
seen["again"] = {COUNTS}
print(json.dumps(seen))
"""

CLI_SETUP = f"""
import json
from app import reactions
from app.cli import run_in_session

async def work(session):
    return {{"counts": {COUNTS}, "connected": all(r.connected for r in reactions.REACTIONS)}}

print(json.dumps(run_in_session(work)))
"""


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_table_names_each_reaction_once() -> None:
    pairs = [(id(r.when), r.then) for r in reactions.REACTIONS]
    assert len(set(pairs)) == len(pairs)
    assert all(r.why for r in reactions.REACTIONS)


def test_importing_connects_nothing_and_create_app_connects_everything_once(settings: Settings) -> None:
    seen = _run(IMPORT_EVERYTHING_THEN_CREATE_APP, settings.model_dump_json())
    every = len(reactions.REACTIONS)
    assert seen["imported"] == [0] * every, "a module connected a reaction as it was imported"
    assert seen["app_connected"]
    assert seen["app"] == [1] * every
    assert seen["again"] == [1] * every, "connecting again ran a reaction twice"


def test_the_cli_connects_before_it_writes(settings: Settings) -> None:
    env = {
        "BANGKOM_ENVIRONMENT": "test",
        "BANGKOM_DATABASE_URL": settings.database_url,
        "BANGKOM_SECRET_KEY": settings.secret_key,
        "BANGKOM_DATA_DIR": str(settings.data_dir),
    }
    seen = _run(CLI_SETUP, env=env)
    assert seen == {"counts": [1] * len(reactions.REACTIONS), "connected": True}


def test_connect_is_idempotent_here_too() -> None:
    reactions.connect()
    reactions.connect()
    assert all(r.connected and sum(hook is r.then for hook in r.when) == 1 for r in reactions.REACTIONS)
