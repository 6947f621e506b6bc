"""The evidence download as generated clients take it: typed as the file's own type by default, and
as application/octet-stream (the binary type client generators know) when Accept asks for that."""

from __future__ import annotations

import httpx
import pytest

from app.core.config import Settings
from tests.factories import World
from tests.http import as_
from tests.learning.test_evidence import PDF, PNG, RECORDS, claim, unique, upload


class TestDownloadMediaType:
    @pytest.mark.parametrize(
        ("content", "filename", "stored"),
        [(PDF, "sertifikat.pdf", "application/pdf"), (PNG, "scan.png", "image/png")],
    )
    @pytest.mark.parametrize(
        ("accept", "served"),
        [
            (None, "stored"),
            ("*/*", "stored"),
            ("application/octet-stream", "application/octet-stream"),
            ("application/octet-stream, */*;q=0.1", "stored"),
            ("application/pdf;q=0, image/png;q=0, application/octet-stream", "application/octet-stream"),
            ("text/html", "stored"),
        ],
    )
    async def test_accept_chooses_the_type(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        content: bytes,
        filename: str,
        stored: str,
        accept: str | None,
        served: str,
    ) -> None:
        owner = as_(settings, world, "asn_a")
        record = await claim(client, settings, world)
        data = unique(content)
        assert (await upload(client, record["id"], owner, data, filename, stored)).status_code == 200
        headers = owner | ({"Accept": accept} if accept else {})
        r = await client.get(f"{RECORDS}/{record['id']}/evidence", headers=headers)
        assert r.status_code == 200
        assert r.headers["content-type"] == (stored if served == "stored" else served)
        assert r.headers["vary"] == "Accept"
        assert r.content == data

    async def test_the_document_offers_bytes(self, client: httpx.AsyncClient) -> None:
        document = (await client.get("/api/v1/openapi.json")).json()
        content = document["paths"]["/api/v1/learning-records/{record_id}/evidence"]["get"]["responses"][
            "200"
        ]["content"]
        assert set(content) == {"application/pdf", "image/png", "image/jpeg", "application/octet-stream"}
        for media in content.values():
            assert media["schema"]["type"] == "string" and media["schema"]["format"] == "binary"
