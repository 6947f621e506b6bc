"""Code lists shipped with the system (golongan, jenis jabatan, eselon, learning forms, ...)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

KINDS = (
    "golongan",
    "jenis_jabatan",
    "jenjang",
    "eselon",
    "learning_forms",
    "employment_types",
    "education_levels",
    "unit_kinds",
)


@cache
def _all() -> dict[str, list[dict[str, Any]]]:
    text = resources.files("app.reference").joinpath("data/codes.json").read_text(encoding="utf-8")
    data: dict[str, list[dict[str, Any]]] = json.loads(text)
    return data


def items(kind: str) -> list[dict[str, Any]]:
    return _all()[kind]


@cache
def codes(kind: str) -> frozenset[str]:
    return frozenset(item["code"] for item in _all()[kind])


@cache
def golongan_for(employment_type: str) -> frozenset[str]:
    """PNS and CPNS hold I/a..IV/e; PPPK hold I..XVII."""
    wanted = "pppk" if employment_type == "pppk" else "pns"
    return frozenset(g["code"] for g in _all()["golongan"] if g["employment"] == wanted)


def data_file(name: str) -> str:
    """The text of a shipped reference CSV (Kaltim OPDs, positions, BPSDM courses)."""
    return resources.files("app.reference").joinpath(f"data/{name}").read_text(encoding="utf-8")
