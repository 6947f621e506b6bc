"""The demo PNS login sees competency gaps of its own through the API, as the ASN home page needs."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.generator import DEMO_PASSWORD, load_demo
from tests.http import problem

ASN_COUNT = 150


async def test_demo_pns_login_has_a_gap_in_its_own_competency_gaps(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    summary = await load_demo(
        session, asn_count=ASN_COUNT, seed=2026, actor="test", records_per_asn=2, assessments_per_asn=2
    )
    await session.commit()
    assert summary.loaded
    pns = [login for login in summary.logins if login.role == "asn" and login.reaches.endswith("(PNS)")]
    assert len(pns) == 1, summary.logins
    login = pns[0]
    assert login.nip is not None and login.username == login.nip

    token = await client.post(
        "/api/v1/auth/token",
        data={"grant_type": "password", "username": login.username, "password": DEMO_PASSWORD},
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}

    r = await client.get(f"/api/v1/asn/{login.nip}/competency-gaps", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["nip"] == login.nip
    items = body["items"]
    assert items, body
    for item in items:
        if item["actual_level"] is not None:
            assert item["gap"] == item["actual_level"] - item["required_level"], item
    below = [item for item in items if item["gap"] is not None and item["gap"] < 0]
    assert below, f"no competency below the standard in {items}"

    # The login reaches its own profile only: another demo ASN's gaps are not found.
    other = next(lg.nip for lg in summary.logins if lg.role == "asn" and lg.nip != login.nip)
    problem(await client.get(f"/api/v1/asn/{other}/competency-gaps", headers=headers), 404, "asn_not_found")
