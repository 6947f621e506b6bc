"""ASN profiles: validation against the NIP and code lists, scope, and field-level edit rights."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.asn.nip import NipInvalid, parse_nip
from app.asn.schemas import AsnCreate, AsnUpdate
from app.core import audit
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable, refuse_nulls
from app.core.fastread import FastReader
from app.core.hooks import Hooks
from app.core.i18n import msg
from app.core.security import Principal, Role
from app.org import service as org_service
from app.reference import codes

PROFILE_FIELDS = (
    "nip",
    "name",
    "gender",
    "birth_date",
    "employment_type",
    "golongan",
    "position_id",
    "unit_id",
    "email",
    "phone",
    "education_level",
    "active",
)
# What an ASN may change on its own profile; the rest is SIMPEG's (docs/domain.md).
SELF_EDITABLE = frozenset({"email", "phone", "education_level"})
# Fields whose change moves figures other domains keep per ASN (competency gaps per unit).
PLACEMENT_FIELDS = frozenset({"position_id", "unit_id", "active"})
# Fields the IP ASN is computed from (with the placement): who is measured and their education.
FACT_FIELDS = PLACEMENT_FIELDS | {"employment_type", "education_level"}


class NewAsn(NamedTuple):
    """A profile created in the current transaction, with the placement derived figures depend on.

    Being new, it has no ratings (they reference the profile) and no derived rows yet, so a hook can
    add its figures without first removing old ones.
    """

    nip: str
    position_id: int | None
    unit_id: int
    active: bool


PlacementHook = Callable[[AsyncSession, Sequence[str], Sequence[NewAsn]], Awaitable[None]]
# Each runs as `hook(session, moved, created)` in the transaction that creates ASN or changes their
# position, unit or active flag (single edits, SIMPEG sync, imports), so derived figures follow without
# this domain importing theirs. `moved` are NIPs of existing ASN, `created` the new ones.
after_placement_change: Hooks[PlacementHook] = Hooks()

ProfileHook = Callable[[AsyncSession, Sequence[str]], Awaitable[None]]
# Each runs as `hook(session, nips)` in the transaction that creates ASN or changes any of their
# FACT_FIELDS (single edits, SIMPEG sync), so figures computed per ASN from them follow.
after_profile_change: Hooks[ProfileHook] = Hooks()


async def profile_changed(session: AsyncSession, nips: Sequence[str]) -> None:
    """Tell the listening domains that these ASN were created or their FACT_FIELDS changed."""
    if nips:
        for hook in after_profile_change:
            await hook(session, nips)


async def placement_changed(
    session: AsyncSession, moved: Sequence[str], created: Sequence[NewAsn] = ()
) -> None:
    """Tell the listening domains that these ASN moved or were created (bulk writers call this too).

    A writer passes an ASN in `created` only if its own INSERT created the row in this transaction;
    anything else it wrote and that may have moved goes in `moved`.
    """
    if moved or created:
        for hook in after_placement_change:
            await hook(session, moved, created)


class AsnNotFound(NotFound):
    code = "asn_not_found"


class AsnExists(Conflict):
    code = "asn_exists"


class InvalidNip(Unprocessable):
    code = "invalid_nip"


class NipMismatch(Unprocessable):
    code = "nip_mismatch"


class NipImmutable(Unprocessable):
    code = "nip_immutable"


class InvalidGolongan(Unprocessable):
    code = "invalid_golongan"


class FieldNotEditable(Forbidden):
    code = "field_not_editable"


class UnitOutOfScope(Forbidden):
    code = "unit_out_of_scope"


class PositionOutOfScope(Forbidden):
    code = "position_out_of_scope"


# -- scope ----------------------------------------------------------------------------------------


def scope_condition(principal: Principal) -> Any:
    """Which ASN rows the caller reaches: self for an ASN, the unit subtree for an OPD admin."""
    if principal.role is Role.asn:
        return Asn.nip == (principal.nip or "")
    return org_service.unit_scope_condition(principal, Asn.unit_id)


async def get_in_scope(session: AsyncSession, principal: Principal, nip: str) -> Asn:
    stmt = select(Asn).where(Asn.nip == nip)
    condition = scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(condition)
    asn = (await session.execute(stmt)).scalar_one_or_none()
    if asn is None:
        raise AsnNotFound(msg("No ASN with NIP {nip} in your scope", nip=nip[:18]))
    return asn


def list_query(
    principal: Principal,
    *,
    unit_id: int | None,
    q: str | None,
    employment_type: str | None,
    active: bool | None,
) -> Select[Asn]:
    stmt = select(Asn)
    condition = scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(condition)
    if unit_id is not None:
        stmt = stmt.where(Asn.unit_id.in_(org_service.subtree_ids(unit_id)))
    if employment_type:
        stmt = stmt.where(Asn.employment_type == employment_type)
    if active is not None:
        stmt = stmt.where(Asn.active.is_(active))
    if q and q.strip():
        needle = q.strip()
        stmt = stmt.where(
            or_(
                Asn.nip.startswith(needle, autoescape=True),
                func.lower(Asn.name).contains(needle.lower(), autoescape=True),
            )
        )
    return stmt


# -- the fast read path (GET /asn/{nip}) --------------------------------------------------------------

_READ_COLUMNS = (*(getattr(Asn, f) for f in PROFILE_FIELDS), Asn.version, Asn.updated_at)


def _profile_statement(shape: str) -> Any:
    return scoped_by_shape(select(*_READ_COLUMNS).where(Asn.nip == bindparam("nip")), shape)


def scope_shape(principal: Principal, nip: str) -> tuple[str, dict[str, Any]]:
    """scope_condition for statements compiled once: a shape ("all", "self", "subtree") and its
    parameters (`own_nip`, `scope_unit_id`), applied to `Asn` by `scoped_by_shape`."""
    if org_service.sees_everything(principal):
        return "all", {}
    if principal.role is Role.asn and principal.nip:
        return "self", {"own_nip": principal.nip}
    if principal.role is Role.opd_admin and principal.unit_id is not None:
        return "subtree", {"scope_unit_id": principal.unit_id}
    raise AsnNotFound(msg("No ASN with NIP {nip} in your scope", nip=nip[:18]))


def scoped_by_shape(stmt: Any, shape: str) -> Any:
    if shape == "self":
        return stmt.where(Asn.nip == bindparam("own_nip"))
    if shape == "subtree":
        return stmt.where(Asn.unit_id.in_(org_service.subtree_ids_param("scope_unit_id")))
    return stmt


async def read_profile(reader: FastReader, principal: Principal, nip: str) -> dict[str, Any]:
    """One profile as a dict (with `version`), scoped exactly like get_in_scope, without the ORM."""
    shape, params = scope_shape(principal, nip)
    params["nip"] = nip
    row = await reader.fetch_one(f"asn.profile.{shape}", lambda: _profile_statement(shape), params)
    if row is None:
        raise AsnNotFound(msg("No ASN with NIP {nip} in your scope", nip=nip[:18]))
    return dict(row)


# -- validation -----------------------------------------------------------------------------------


def _nip_facts(
    nip: str, employment_type: str, gender: str | None, birth_date: date | None
) -> tuple[str, date]:
    try:
        facts = parse_nip(nip, employment_type)
    except NipInvalid as exc:
        raise InvalidNip(
            msg(
                "NIP {nip} is not valid for {employment_type}: {reason}",
                nip=nip[:18],
                employment_type=employment_type,
                reason=exc.args[0],
            )
        ) from exc
    if gender is not None and gender != facts.gender:
        raise NipMismatch(
            msg(
                "gender {gender} does not match the NIP, which encodes {encoded}",
                gender=gender,
                encoded=facts.gender,
            )
        )
    if birth_date is not None and birth_date != facts.birth_date:
        raise NipMismatch(
            msg(
                "birth_date {birth_date} does not match the NIP, which encodes {encoded}",
                birth_date=birth_date.isoformat(),
                encoded=facts.birth_date.isoformat(),
            )
        )
    return facts.gender, facts.birth_date


def _check_golongan(golongan: str | None, employment_type: str) -> None:
    if golongan is None:
        return
    allowed = codes.golongan_for(employment_type)
    if golongan not in allowed:
        kind = "PPPK (I..XVII)" if employment_type == "pppk" else "PNS/CPNS (I/a..IV/e)"
        raise InvalidGolongan(
            msg(
                "golongan {golongan!r} is not a {kind} golongan; see /api/v1/reference/golongan",
                golongan=golongan,
                kind=kind,
            )
        )


async def _check_unit(session: AsyncSession, principal: Principal, unit_id: int) -> None:
    await org_service.require_unit(session, unit_id)
    if not await org_service.unit_in_scope(session, principal, unit_id):
        raise UnitOutOfScope(msg("unit {unit_id} is outside the units you administer", unit_id=unit_id))


async def _check_position(session: AsyncSession, principal: Principal, position_id: int) -> None:
    # A position belongs to a unit; an OPD admin placing its ASN in another agency's position
    # (say, that agency's Sekretaris Daerah) would reach outside its own tree.
    position = await org_service.require_position(session, position_id)
    if not await org_service.unit_in_scope(session, principal, position.unit_id):
        raise PositionOutOfScope(
            msg(
                "position {position_id} belongs to unit {unit_id}, outside the units you administer",
                position_id=position_id,
                unit_id=position.unit_id,
            )
        )


# -- writes ---------------------------------------------------------------------------------------


async def create(session: AsyncSession, principal: Principal, data: AsnCreate) -> Asn:
    gender, birth_date = _nip_facts(data.nip, data.employment_type, data.gender, data.birth_date)
    _check_golongan(data.golongan, data.employment_type)
    await _check_unit(session, principal, data.unit_id)
    if data.position_id is not None:
        await _check_position(session, principal, data.position_id)
    if await session.get(Asn, data.nip) is not None:
        raise AsnExists(msg("An ASN with NIP {nip} exists", nip=data.nip))
    asn = Asn(**(data.model_dump() | {"gender": gender, "birth_date": birth_date}))
    session.add(asn)
    await session.flush()
    audit.record(session, principal, "create", "asn", asn.nip, after=audit.snapshot(asn, PROFILE_FIELDS))
    await placement_changed(session, (), [NewAsn(asn.nip, asn.position_id, asn.unit_id, asn.active)])
    await profile_changed(session, [asn.nip])
    return asn


async def update(session: AsyncSession, principal: Principal, asn: Asn, data: AsnUpdate) -> Asn:
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    if principal.role is Role.asn:
        refused = sorted(set(changes) - SELF_EDITABLE)
        if refused:
            raise FieldNotEditable(
                msg(
                    "You may change only {editable}; {refused} come from SIMPEG",
                    editable=", ".join(sorted(SELF_EDITABLE)),
                    refused=", ".join(refused),
                ),
                fields=refused,
            )
    if "nip" in changes and changes.pop("nip") != asn.nip:
        raise NipImmutable("The NIP identifies the profile and cannot change; create a new profile instead")
    refuse_nulls(changes, ("name", "employment_type", "unit_id", "gender", "birth_date", "active"))
    employment_type = changes.get("employment_type", asn.employment_type)
    if {"employment_type", "gender", "birth_date"} & changes.keys():
        _nip_facts(asn.nip, employment_type, changes.get("gender"), changes.get("birth_date"))
    if {"employment_type", "golongan"} & changes.keys():
        _check_golongan(changes.get("golongan", asn.golongan), employment_type)
    if "unit_id" in changes and changes["unit_id"] != asn.unit_id:
        await _check_unit(session, principal, changes["unit_id"])
    if changes.get("position_id") is not None and changes["position_id"] != asn.position_id:
        await _check_position(session, principal, changes["position_id"])
    changed = {k: v for k, v in changes.items() if getattr(asn, k) != v}
    if not changed:
        return asn
    before = audit.snapshot(asn, PROFILE_FIELDS)
    for field, value in changed.items():
        setattr(asn, field, value)
    await session.flush()
    audit.record(
        session, principal, "update", "asn", asn.nip, before=before, after=audit.snapshot(asn, PROFILE_FIELDS)
    )
    if PLACEMENT_FIELDS & changed.keys():
        await placement_changed(session, [asn.nip])
    if FACT_FIELDS & changed.keys():
        await profile_changed(session, [asn.nip])
    return asn
