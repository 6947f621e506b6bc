"""The SPA's import hints name the template's headers, so they must follow the layouts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.imports.layouts import LAYOUTS, Layout

AREAS = Path(__file__).resolve().parents[2] / "frontend" / "src" / "i18n" / "areas"


def hints(language: str) -> dict[str, str]:
    data = json.loads((AREAS / f"bpsdm.{language}.json").read_text(encoding="utf-8"))
    found: dict[str, str] = data["import"]["kindHints"]
    return found


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("kind", sorted(LAYOUTS))
def test_hint_names_every_required_header_and_no_field_name(language: str, kind: str) -> None:
    layout: Layout = LAYOUTS[kind]
    hint = hints(language)[kind]
    required = [c for c in layout.columns if c.required]
    required += [layout.column(f) for group in layout.one_of for f in group]
    for column in required:
        assert column.header in hint, f"{kind} ({language}) hint lacks {column.header!r}"
    for column in layout.columns:
        if column.field != column.header.lower():  # "nip" / "NIP", "jp" / "JP" read the same
            assert column.field not in hint, f"{kind} ({language}) hint names the field {column.field!r}"
