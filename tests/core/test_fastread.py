"""The fast read path on committed data: the asyncpg driver on PostgreSQL, Core on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.core.config import Settings
from app.core.fastread import FastReader
from app.core.security import Principal, Role
from app.org.models import Unit
from tests import factories


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[dict[str, object]]:
    async with AsyncSession(engine, expire_on_commit=False) as s:
        parent = await factories.create_unit(s, "FAST_PARENT")
        child = await factories.create_unit(s, "FAST_CHILD", parent=parent, kind="bidang")
        other = await factories.create_unit(s, "FAST_OTHER")
        asn = await factories.create_asn(s, child, birth=date(1990, 5, 17), name="Fitri Handayani")
        await s.commit()
    yield {"parent": parent, "child": child, "other": other, "asn": asn}
    async with AsyncSession(engine) as s:
        await s.execute(delete(Asn).where(Asn.nip == asn.nip))
        await s.execute(delete(Unit).where(Unit.id.in_([child.id, parent.id, other.id])))
        await s.commit()


async def test_scoped_reads(settings: Settings, engine: AsyncEngine, committed: dict[str, object]) -> None:
    reader = FastReader(settings, engine)
    asn = committed["asn"]
    assert isinstance(asn, Asn)
    parent, other = committed["parent"], committed["other"]
    assert isinstance(parent, Unit) and isinstance(other, Unit)
    try:
        everything = Principal(subject="bpsdm", role=Role.bpsdm_admin)
        row = await asn_service.read_profile(reader, everything, asn.nip)
        assert (row["name"], row["birth_date"], row["version"]) == ("Fitri Handayani", date(1990, 5, 17), 1)
        assert row["updated_at"].tzinfo is not None

        parent_admin = Principal(subject="opd.p", role=Role.opd_admin, unit_id=parent.id)
        assert (await asn_service.read_profile(reader, parent_admin, asn.nip))["nip"] == asn.nip

        other_admin = Principal(subject="opd.o", role=Role.opd_admin, unit_id=other.id)
        with pytest.raises(asn_service.AsnNotFound):
            await asn_service.read_profile(reader, other_admin, asn.nip)

        itself = Principal(subject=asn.nip, role=Role.asn, nip=asn.nip)
        assert (await asn_service.read_profile(reader, itself, asn.nip))["nip"] == asn.nip
        someone = Principal(subject="x", role=Role.asn, nip="199001012015011001")
        with pytest.raises(asn_service.AsnNotFound):
            await asn_service.read_profile(reader, someone, asn.nip)
    finally:
        await reader.close()
