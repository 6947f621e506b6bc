"""GET /units/{unit_id}/data-gaps (who misses what, and what closes it, paged) and the spreadsheet."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from openpyxl import load_workbook

from app.completeness import exports
from app.core.config import Settings
from tests.completeness.helpers import Edges, today
from tests.factories import World
from tests.http import as_, problem

EVERYTHING_BUT_QUEUE = [
    "contact",
    "education",
    "position_standard",
    "competency_assessment",
    "potential_assessment",
    "performance_last_year",
    "jp_this_year",
]


def gaps_url(unit_id: int, query: str = "") -> str:
    return f"/api/v1/units/{unit_id}/data-gaps{query}"


class TestGaps:
    async def test_each_person_with_what_they_miss_and_the_actions(
        self, client: httpx.AsyncClient, settings: Settings, world: World, edges: Edges
    ) -> None:
        r = await client.get(gaps_url(edges.unit.id), headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        body = r.json()
        # `full` misses nothing and the inactive ASN is not counted.
        assert body["total"] == 2 and body["next_cursor"] is None
        short, bare = sorted(body["items"], key=lambda i: i["name"])
        assert (short["nip"], short["unit_id"], short["unit_name"]) == (
            edges.short.nip,
            edges.unit.id,
            edges.unit.name,
        )
        assert short["missing"] == [*EVERYTHING_BUT_QUEUE, "queue_within_sla"]
        assert [a["code"] for a in short["actions"]] == [
            "fill_contact",
            "fill_education",
            "define_standard",  # a position without a standard
            "record_assessment",
            "record_potential",
            "record_performance",
            "file_claim",
            "verify_claims",
        ]
        assert short["actions"][0]["label"] == "Fill in the email and phone number in the profile"
        assert bare["missing"] == EVERYTHING_BUT_QUEUE
        assert bare["actions"][2]["code"] == "set_position"  # no position at all

    async def test_one_indicator_paged_by_nip(
        self, client: httpx.AsyncClient, settings: Settings, world: World, edges: Edges
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        first = await client.get(gaps_url(edges.unit.id, "?indicator=queue_within_sla"), headers=headers)
        assert [i["nip"] for i in first.json()["items"]] == [edges.short.nip]
        nips = sorted([edges.short.nip, edges.bare.nip])
        page = await client.get(gaps_url(edges.unit.id, "?indicator=contact&limit=1"), headers=headers)
        data = page.json()
        assert [i["nip"] for i in data["items"]] == nips[:1] and data["total"] == 2
        rest = await client.get(
            gaps_url(edges.unit.id, f"?indicator=contact&limit=1&cursor={data['next_cursor']}"),
            headers=headers,
        )
        assert [i["nip"] for i in rest.json()["items"]] == nips[1:] and rest.json()["next_cursor"] is None
        bad = await client.get(gaps_url(edges.unit.id, "?cursor=WzFd"), headers=headers)
        problem(bad, 422, "invalid_cursor")
        unknown = await client.get(gaps_url(edges.unit.id, "?indicator=shoe_size"), headers=headers)
        problem(unknown, 422, "validation_error")

    async def test_descendants_in_scope_and_others_out(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        opd_a = as_(settings, world, "opd_a")
        r = await client.get(gaps_url(world.unit_a.id), headers=opd_a)
        assert {i["nip"] for i in r.json()["items"]} == {world.asn_a.nip, world.pppk_a.nip, world.asn_a1.nip}
        problem(await client.get(gaps_url(world.unit_b.id), headers=opd_a), 404, "unit_not_found")
        problem(
            await client.get(gaps_url(999_999), headers=as_(settings, world, "bpsdm")), 404, "unit_not_found"
        )

    async def test_actions_in_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"Accept-Language": "id"}
        item = (await client.get(gaps_url(world.unit_b.id), headers=headers)).json()["items"][0]
        assert item["actions"][0] == {
            "code": "fill_contact",
            "label": "Lengkapi email dan nomor telepon di profil",
        }


class TestExport:
    async def test_the_workbook_holds_the_units_and_the_people(
        self, client: httpx.AsyncClient, settings: Settings, world: World, edges: Edges
    ) -> None:
        r = await client.get(
            f"/api/v1/exports/data-completeness?unit_id={edges.unit.id}",
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
        assert f'filename="kelengkapan-data-{today()}-dinas-e.xlsx"' in r.headers["content-disposition"]
        book = load_workbook(io.BytesIO(r.content))
        assert book.sheetnames == ["Kelengkapan Unit", "Data Belum Lengkap"]
        units = list(book["Kelengkapan Unit"].iter_rows(values_only=True))
        assert units[0][:4] == ("Kode Unit", "Unit Kerja", "Jumlah ASN", "Skor")
        total = units[-1]
        assert total[:4] == ("DINAS_E", "Jumlah", 3, 37.5)
        assert total[4:12] == (33.33,) * 7 + (66.67,)
        assert total[12:] == (4, 1, 15)
        people = list(book["Data Belum Lengkap"].iter_rows(values_only=True))
        assert people[0][:4] == ("NIP", "Nama", "Unit Kerja", "Kontak")
        rows = {row[0]: row for row in people[1:]}
        assert set(rows) == {edges.short.nip, edges.bare.nip}
        bare = rows[edges.bare.nip]
        assert bare[3:11] == ("Belum",) * 7 + ("Ada",)
        assert str(bare[12]).split("; ")[2] == "Tetapkan jabatan ASN"

    @pytest.mark.parametrize("who", ["opd_a", "auditor"])
    async def test_csv_carries_the_people(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(
            "/api/v1/exports/data-completeness?format=csv", headers=as_(settings, world, who)
        )
        assert r.status_code == 200, r.text
        rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff")), delimiter=";"))
        nips = {row[0] for row in rows[1:]}
        assert world.asn_a1.nip in nips and (world.asn_b.nip in nips) == (who == "auditor")

    async def test_people_are_read_in_batches_of_nips(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        edges: Edges,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # Batches of one NIP: the batch of the ASN missing nothing yields no row, which must not end the file.
        monkeypatch.setattr(exports, "BATCH", 1)
        r = await client.get(
            f"/api/v1/exports/data-completeness?format=csv&unit_id={edges.unit.id}",
            headers=as_(settings, world, "bpsdm"),
        )
        rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff")), delimiter=";"))
        assert [row[0] for row in rows[1:]] == sorted([edges.short.nip, edges.bare.nip])
