"""Rule-set errors, the model validator's included, answer in Indonesian to a caller that asks for it."""

from __future__ import annotations

import copy

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem
from tests.rules.test_rules import RULES_2026

INDONESIAN = {"Accept-Language": "id"}


async def test_copying_a_year_onto_itself_is_refused_in_indonesian(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    r = await client.post(
        "/api/v1/rules/2026/copy",
        json={"from_year": 2026},
        headers=as_(settings, world, "bpsdm") | INDONESIAN,
    )
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        "Menyalin tahun 2026 ke tahun itu sendiri tidak mengubah apa pun; pilih from_year yang lain"
    )


async def test_the_rule_set_validator_speaks_both_languages(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    rules = copy.deepcopy(RULES_2026)
    rules["form_rules"] = [{"form_code": "9", "fixed_jp": 4}, {"form_code": "9", "jp_factor": 2}]
    auth = as_(settings, world, "bpsdm")
    indonesian = problem(
        await client.put("/api/v1/rules/2026", json=rules, headers=auth | INDONESIAN), 422, "validation_error"
    )
    english = problem(
        await client.put("/api/v1/rules/2026", json=rules, headers=auth), 422, "validation_error"
    )
    assert [e["msg"] for e in indonesian["errors"]] == [
        "form_rules mencantumkan form_code yang sama dua kali"
    ]
    assert [e["msg"] for e in english["errors"]] == ["Value error, form_rules lists a form_code twice"]
