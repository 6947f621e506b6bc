"""Province reports computed once per change of the data, not once per reader.

Every OPD opens the province dashboards each morning; the figures only change when someone writes.
Each committed transaction that queued an audit row about the data (not a login, not a notification
read) stamps a new random value on the `data_versions` row, in the same commit (under the commit-order
lock the change feed takes). A cached report is stored with the stamp it was computed under, and it is
used only while the stamp is unchanged — one primary-key read per request — so a write followed by a
read always sees the write, on every worker and host. A random stamp (not a counter) means a
transaction rolled back after bumping can never make an old report look current again.

The cache lives in each process (a dict with a time limit and a size bound); reports are small.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import BigInteger, Connection, String, event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core import audit, changes
from app.core.db import Base

T = TypeVar("T")
DATA = "data"


class DataVersion(Base):
    """The stamp of the data's last committed change (see the module docstring)."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


_CURRENT = select(DataVersion.value).where(DataVersion.name == DATA)


def _take(session: Session) -> bool | None:
    changed: bool | None = session.info.pop(audit.DATA_CHANGED, None)
    return changed


def _write(connection: Connection, _: bool) -> None:
    connection.execute(update(DataVersion).where(DataVersion.name == DATA).values(value=secrets.randbits(62)))


_connected: list[bool] = []


def connect() -> None:
    """Stamps the data at each commit that changed it; every process that writes connects it (once)."""
    if not _connected:
        changes.in_commit_order(_take, _write)
        _connected.append(True)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(audit.DATA_CHANGED, None)


class ReportCache:
    """Reports by key, each valid while the data's stamp is the one it was computed under."""

    def __init__(self, ttl_s: float, max_entries: int = 512) -> None:
        # The time limit only bounds how long a change made outside the application (a manual fix in
        # the database) can stay unseen; every change made through Bangkom is seen at once.
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, float, Any]] = OrderedDict()

    async def get(self, session: AsyncSession, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        if self.ttl_s <= 0 or audit.has_pending(session):
            # A session holding its own uncommitted writes must not publish what only it can see.
            return await compute()
        stamp = (await session.execute(_CURRENT)).scalar_one_or_none()
        if stamp is None:
            return await compute()
        now = time.monotonic()
        found = self._entries.get(key)
        if found is not None and found[0] == stamp and now - found[1] < self.ttl_s:
            self._entries.move_to_end(key)
            value: T = found[2]
            return value
        value = await compute()
        # Stored only if nothing was committed while it was computed: under READ COMMITTED each
        # statement sees the latest commits, so an unchanged stamp means the report saw one state.
        if (await session.execute(_CURRENT)).scalar_one_or_none() == stamp:
            self._entries[key] = (stamp, now, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


def _from_app(request: Request) -> ReportCache:
    cache: ReportCache = request.app.state.report_cache
    return cache


ReportCacheDep = Annotated[ReportCache, Depends(_from_app)]
