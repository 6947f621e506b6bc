"""Fixtures of the login tests."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from tests.factories import FAST_HASH, World


@pytest.fixture
async def fast_logins(world: World, session: AsyncSession) -> None:
    """The World's accounts with a cheap password hash (see tests.factories.FAST_HASH)."""
    await session.execute(update(User).values(password_hash=FAST_HASH))
    await session.commit()
