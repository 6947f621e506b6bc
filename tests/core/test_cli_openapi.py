"""`bangkom openapi --output FILE`: the app's OpenAPI document as stable JSON, built without a server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.core.config import Settings, get_settings


@pytest.fixture
def bangkom(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    # The command reads its settings from the environment: point it at the test database and keep
    # its data directory out of the checkout.
    monkeypatch.setenv("BANGKOM_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BANGKOM_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def write(bangkom: CliRunner, path: Path) -> str:
    result = bangkom.invoke(cli, ["openapi", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    return path.read_text(encoding="utf-8")


def test_output_file_is_the_apps_document_as_stable_sorted_json(
    bangkom: CliRunner, app: Any, tmp_path: Path
) -> None:
    first = write(bangkom, tmp_path / "openapi.json")
    second = write(bangkom, tmp_path / "again.json")
    assert first == second

    document = json.loads(first)
    assert document == json.loads(json.dumps(app.openapi()))
    assert first == json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path in (
        "/api/v1/imports",
        "/api/v1/imports/asn",
        "/api/v1/imports/learning-records",
        "/api/v1/imports/{job_id}",
        "/api/v1/imports/{job_id}/report",
        "/api/v1/sync/asn",
        "/api/v1/sync/changes",
    ):
        assert path in paths, path
    assert paths["/api/v1/sync/asn"]["post"]["operationId"] == "sync_asn"


def test_without_output_the_document_goes_to_stdout(bangkom: CliRunner, tmp_path: Path) -> None:
    result = bangkom.invoke(cli, ["openapi"])
    assert result.exit_code == 0, result.output
    assert result.stdout == write(bangkom, tmp_path / "openapi.json")


def test_output_to_a_directory_is_refused(bangkom: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    result = bangkom.invoke(cli, ["openapi", "--output", str(target)])
    assert result.exit_code == 2
    # Click's message inside rich's box, which may wrap it: compare the words only.
    words = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--output'" in words and "is a directory." in words
    assert list(target.iterdir()) == []
