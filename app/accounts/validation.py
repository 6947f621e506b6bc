"""Checks on new accounts, shared by the CLI and the admin API."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.errors import Unprocessable
from app.core.i18n import msg
from app.core.security import Role
from app.org import service as org_service

MIN_PASSWORD_LENGTH = 8


class InvalidAccount(Unprocessable):
    code = "invalid_account"


async def validate_user_fields(
    session: AsyncSession, role: Role, unit_id: int | None, nip: str | None, password: str
) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidAccount(
            msg("The password must have at least {length} characters", length=MIN_PASSWORD_LENGTH)
        )
    if role is Role.opd_admin and unit_id is None:
        raise InvalidAccount("An opd_admin needs the unit it administers (unit_id)")
    if role is Role.asn and nip is None:
        raise InvalidAccount("An asn user needs its NIP")
    if unit_id is not None:
        await org_service.require_unit(session, unit_id)
    if nip is not None and await session.get(Asn, nip) is None:
        raise InvalidAccount(msg("No ASN profile with NIP {nip}", nip=nip[:18]))
