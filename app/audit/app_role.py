"""The PostgreSQL role the application runs as: every right it needs, none to rewrite history.

Deploy with two roles: the owner runs the migrations (and this grant), the application connects as
this role. The append-only triggers stop even the owner by mistake; this role cannot UPDATE, DELETE
or TRUNCATE audit_log at all, nor drop or disable the triggers (only an owner may).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.i18n import msg

# Append-only for the application: rows are only ever inserted (and read).
APPEND_ONLY = ("audit_log", "change_log")
READ_ONLY = ("alembic_version",)


async def _run(connection: AsyncConnection, template: str, *args: str) -> None:
    """Runs DDL built by PostgreSQL's format(): %I quotes a name, %L a literal (DDL takes no parameters)."""
    params = {f"a{i}": a for i, a in enumerate(args)}
    placeholders = "".join(f", CAST(:a{i} AS text)" for i in range(len(args)))
    statement = (
        await connection.execute(text(f"SELECT format('{template}'{placeholders})"), params)
    ).scalar_one()
    await connection.execute(text(statement))


async def grant_app_role(connection: AsyncConnection, name: str, password: str | None) -> list[str]:
    """Creates the login role (or updates its password) and sets its rights; returns what was done."""
    owner, database, schema = (
        await connection.execute(text("SELECT current_user, current_database(), current_schema()"))
    ).one()
    if name == owner:
        raise ValueError(
            msg(
                "{name} is the role running the migrations; the application needs a role of its own",
                name=name,
            )
        )
    exists = (
        await connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name})
    ).first()
    done = []
    if exists is None:
        await _run(connection, "CREATE ROLE %I LOGIN", name)
        done.append(f"created role {name}")
    if password:
        await _run(connection, "ALTER ROLE %I PASSWORD %L", name, password)
        done.append("password set")
    await _run(connection, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", database, name)
    await _run(connection, "GRANT USAGE ON SCHEMA %I TO %I", schema, name)
    await _run(
        connection, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I", schema, name
    )
    await _run(connection, "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I", schema, name)
    for table in APPEND_ONLY:
        await _run(connection, "REVOKE UPDATE, DELETE, TRUNCATE ON %I.%I FROM %I", schema, table, name)
    for table in READ_ONLY:
        await _run(
            connection, "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON %I.%I FROM %I", schema, table, name
        )
    done.append(
        f"{name} may read and write every table of {database}.{schema}; only read and insert "
        f"{', '.join(APPEND_ONLY)}; only read {', '.join(READ_ONLY)}"
    )
    return done
