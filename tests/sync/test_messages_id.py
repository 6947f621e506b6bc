"""The SIMPEG sync's row errors are written in the caller's language, like a problem document."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_
from tests.sync.test_sync_asn import SYNC, WRITER, make_nips, profile

INDONESIAN = {"Accept-Language": "id"}


async def test_row_errors_are_in_indonesian(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    nips = make_nips(3, gender="female")
    items: list[Any] = [profile(n, world) for n in nips]
    items[1] = profile(nips[0], world)  # row 0's NIP again
    items[2]["unit_id"] = 999_999
    items.append("not an object")
    headers = as_(settings, world, WRITER) | {"Idempotency-Key": str(uuid.uuid4())} | INDONESIAN
    r = await client.post(SYNC, json={"items": items}, headers=headers)
    assert r.status_code == 200, r.text
    errors = {e["index"]: (e["code"], e["detail"]) for e in r.json()["errors"]}
    assert errors == {
        1: (
            "duplicate_in_batch",
            f"NIP {nips[0]} sudah muncul sebelumnya dalam kiriman ini; kirim sekali saja",
        ),
        2: ("unit_not_found", errors[2][1]),
        3: ("validation_error", "setiap item harus berupa objek JSON yang berisi kolom-kolom profil"),
    }
