"""The year's talent_rules and ip_asn_rules: the defaults of docs/domain.md, validation, and a year's own values."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from app.rules.defaults import DEFAULT_IP_ASN_RULES, DEFAULT_TALENT_RULES
from tests.factories import RULES_BODY, World
from tests.http import as_, problem


def with_talent(**changes: Any) -> dict[str, Any]:
    talent = copy.deepcopy(DEFAULT_TALENT_RULES) | changes
    return RULES_BODY | {"talent_rules": talent}


def with_ip_asn(**changes: Any) -> dict[str, Any]:
    rules = copy.deepcopy(DEFAULT_IP_ASN_RULES) | changes
    return RULES_BODY | {"ip_asn_rules": rules}


class TestDefaults:
    async def test_every_year_has_the_domain_defaults(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/rules/2030", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200
        body = r.json()
        assert body["jpm_method"] == "capped" and body["jpm_group_weights"] == []
        talent = body["talent_rules"]
        assert talent["kinerja_by_predikat"]["sangat_baik"] == "di_atas"
        assert talent["kinerja_by_predikat"]["baik"] == "sesuai"
        assert talent["potensial_weights"] == {"jpm": 0.5, "potential_score": 0.5}
        assert talent["potensial_cutoffs"] == {"tinggi": 80, "menengah": 65}
        assert [(b["box"], b["kinerja"], b["potensial"]) for b in talent["boxes"]][-1] == (
            9,
            "di_atas",
            "tinggi",
        )
        assert talent["pool_boxes"] == [7, 8, 9] and talent["visible_to_asn"] is False
        ip = body["ip_asn_rules"]
        assert ip["kualifikasi"]["S3"] == 25 and ip["kualifikasi"]["SD"] == 1
        assert ip["kompetensi"]["technical"] == {"forms": ["3", "8", "11"], "points": 15, "min_jp": 20}
        assert [c["label"] for c in ip["categories"]] == [
            "Sangat Tinggi",
            "Tinggi",
            "Sedang",
            "Rendah",
            "Sangat Rendah",
        ]
        assert ip["disiplin"] == {"none": 5, "ringan": 3, "sedang": 1, "berat": 0}


class TestAYearsOwnValues:
    async def test_a_year_keeps_its_own_talent_and_ip_asn_rules(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        body = with_talent(pool_boxes=[8, 9], visible_to_asn=True)
        body["ip_asn_rules"] = copy.deepcopy(DEFAULT_IP_ASN_RULES) | {"disiplin_max": 5}
        body["ip_asn_rules"]["kualifikasi"]["S3"] = 24
        r = await client.put("/api/v1/rules/2041", json=body, headers=h)
        assert r.status_code == 201, r.text
        for year in (2041, 2042):
            read = (await client.get(f"/api/v1/rules/{year}", headers=h)).json()
            assert read["talent_rules"]["pool_boxes"] == [8, 9]
            assert read["talent_rules"]["visible_to_asn"] is True
            assert read["ip_asn_rules"]["kualifikasi"]["S3"] == 24
        assert (await client.get("/api/v1/rules/2040", headers=h)).json()["talent_rules"]["pool_boxes"] == [
            7,
            8,
            9,
        ]


def _boxes_without(box: int) -> list[dict[str, Any]]:
    return [b for b in DEFAULT_TALENT_RULES["boxes"] if b["box"] != box]


def _swapped_pairs() -> list[dict[str, Any]]:
    boxes: list[dict[str, Any]] = copy.deepcopy(DEFAULT_TALENT_RULES["boxes"])
    boxes[0]["potensial"] = boxes[1]["potensial"]
    boxes[0]["kinerja"] = boxes[1]["kinerja"]
    return boxes


class TestValidation:
    @pytest.mark.parametrize(
        ("body", "needle"),
        [
            (with_talent(potensial_weights={"jpm": 0.6, "potential_score": 0.5}), "add up to 1"),
            (with_talent(potensial_cutoffs={"tinggi": 60, "menengah": 65}), "below the tinggi"),
            (with_talent(boxes=_boxes_without(5)), "boxes"),
            (with_talent(boxes=_swapped_pairs()), "exactly one box"),
            (with_talent(pool_boxes=[9, 9]), "pool_boxes"),
            (with_talent(pool_boxes=[10]), "pool_boxes"),
            (with_talent(kinerja_by_predikat={"sangat_baik": "di_atas"}), "every predikat"),
            (with_talent(kinerja_by_predikat={"sangat_baik": "luar_biasa"}), "kinerja_by_predikat"),
            (
                with_ip_asn(
                    categories=[
                        {"label": "A", "min": 50},
                        {"label": "B", "min": 60},
                        {"label": "C", "min": 0},
                    ]
                ),
                "highest min down",
            ),
            (with_ip_asn(categories=[{"label": "A", "min": 50}]), "min 0"),
            (with_ip_asn(disiplin={"none": 5, "ringan": 3}), "disiplin"),
            (with_ip_asn(kinerja_by_predikat={"baik": 25}), "every predikat"),
            (with_ip_asn(kualifikasi={"S3": 101}), "kualifikasi"),
        ],
    )
    async def test_refused_with_what_to_fix(
        self, client: httpx.AsyncClient, settings: Settings, world: World, body: dict[str, Any], needle: str
    ) -> None:
        r = await client.put("/api/v1/rules/2044", json=body, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert needle in data["detail"] + str(data["errors"])

    async def test_refused_in_indonesian_too(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = with_talent(potensial_weights={"jpm": 0.6, "potential_score": 0.5})
        headers = as_(settings, world, "bpsdm") | {"Accept-Language": "id"}
        r = await client.put("/api/v1/rules/2044", json=body, headers=headers)
        assert "harus berjumlah 1" in problem(r, 422, "validation_error")["detail"]
