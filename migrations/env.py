"""Alembic environment: async engines for both SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.types import TypeDecorator

# The app is imported here for autogenerate's target and the settings only: a revision in versions/
# imports nothing from it (tests/core/test_migrations.py), so it does the same whatever the app becomes.
import app.models  # noqa: F401  (registers every table on the metadata)
from app.core.config import get_settings
from app.core.db import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """The app's own column types are written as the SQLAlchemy types they store as, so that a new
    revision does not import the app."""
    if (
        type_ == "type"
        and isinstance(obj, TypeDecorator)
        and type(obj.impl).__module__ == "sqlalchemy.sql.sqltypes"
    ):
        return f"sa.{obj.impl!r}"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=_render_item,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # ALTER TABLE waiting for a lock makes every later query on the table wait behind it: a
            # migration that cannot have its locks soon fails (and can be run again) rather than stall the app.
            timeout = get_settings().migration_lock_timeout_ms
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout:d}")
        context.run_migrations()


async def _run_async() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    existing = config.attributes.get("connection")
    if existing is not None:
        _run(existing)
    else:
        asyncio.run(_run_async())
