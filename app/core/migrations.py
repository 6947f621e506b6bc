"""Locating and running the Alembic migrations from any working directory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic.config import Config


def migrations_dir() -> Path:
    return Path(str(resources.files("migrations")))


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", database_url)
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(database_url), revision)
