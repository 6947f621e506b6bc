"""The edge world of the completeness tests (tests/completeness/helpers.py: build_edges)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.completeness.helpers import Edges, build_edges
from tests.factories import World


@pytest.fixture
async def edges(session: AsyncSession, world: World) -> Edges:
    """After `world`: its units and users come first."""
    return await build_edges(session)
