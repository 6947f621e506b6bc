"""OWASP API1:2023 Broken Object Level Authorization, over every route with a path parameter.

Two ASN (asn_a, asn_b) and two OPD admins (opd_a over DINAS_A, opd_b over DINAS_B) each try to reach
the other side's object. Every parameterised /api/v1 operation must appear in CASES (a builder of
another owner's object) or in SHARED (a reason the parameter names no owned object); a new route
without either fails `test_every_parameterised_route_has_a_case`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.notifications import outbox
from app.notifications.models import Notification
from app.rules.defaults import DEFAULT_TALENT_RULES
from tests import factories
from tests.budgets.helpers import put_budget, put_unit
from tests.core.test_role_matrix import OPERATIONS, PARAM, POLICY, PUBLIC, USERS, Operation
from tests.factories import World
from tests.http import as_
from tests.imports.helpers import RECORD_HEADER, csv_bytes, upload
from tests.learning.helpers import body as record_body
from tests.planning.certificates import helpers as credited
from tests.planning.plans.helpers import item as plan_item
from tests.planning.programs.helpers import line as programme_line
from tests.planning.sessions.helpers import make_course, make_session, nominate

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

Side = str  # "a" or "b": whose object
_clients = itertools.count(1)
OTHER = {"a": "b", "b": "a"}
# (attacker, owner side of the object it reaches for): each ASN and each OPD admin, both directions.
ATTACKS = [("asn_b", "a"), ("asn_a", "b"), ("opd_b", "a"), ("opd_a", "b")]


@dataclass
class Ctx:
    client: httpx.AsyncClient
    settings: Settings
    world: World
    session: AsyncSession
    budgeted: set[int] = field(default_factory=set)

    def h(self, who: str) -> dict[str, str]:
        return as_(self.settings, self.world, who)

    def asn(self, side: Side) -> Any:
        return self.world.asn_a if side == "a" else self.world.asn_b

    def unit(self, side: Side) -> Any:
        return self.world.unit_a if side == "a" else self.world.unit_b


# A builder creates the object owned by `side` and returns (path values, request kwargs).
Builder = Callable[[Ctx, Side], Awaitable[tuple[dict[str, Any], dict[str, Any]]]]


async def _nip(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nip": ctx.asn(side).nip}, {}


async def _nip_patch(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nip": ctx.asn(side).nip}, {"json": {"phone": "+62 811-5400-999"}, "headers": {"If-Match": '"1"'}}


async def _nip_claim(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nip": ctx.asn(side).nip}, {"json": record_body()}


async def _nip_claim_with_evidence(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nip": ctx.asn(side).nip}, {
        "data": {"record": json.dumps(record_body())},
        "files": {"file": ("sertifikat.pdf", PDF, "application/pdf")},
    }


async def _nip_assessment(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    body = {
        "assessed_on": "2025-08-14",
        "method": "assessment_center",
        "results": [{"competency_code": "M1", "level": 3}],
    }
    return {"nip": ctx.asn(side).nip}, {"json": body}


async def _nip_performance_put(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nip": ctx.asn(side).nip, "year": 2025}, {"json": {"predikat": "baik", "score": 84.5}}


async def _performance(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    r = await ctx.client.put(
        f"/api/v1/asn/{ctx.asn(side).nip}/performance/2025", json={"predikat": "baik"}, headers=ctx.h("bpsdm")
    )
    assert r.status_code in (201, 428), r.text  # recorded now, or by an earlier call
    return {"nip": ctx.asn(side).nip, "year": 2025}, {}


async def _nip_potential(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    body = {"assessed_on": "2025-08-14", "method": "tes_potensi", "score": 72}
    return {"nip": ctx.asn(side).nip}, {"json": body}


async def _nip_sanction(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nip": ctx.asn(side).nip}, {"json": {"level": "ringan", "decided_on": "2025-03-10"}}


async def _nip_talent(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    # An ASN reads their own 9-box only when the year's rules show it: here they do.
    year = latest_indonesian_date().year
    h = ctx.h("bpsdm")
    got = await ctx.client.get(f"/api/v1/rules/{year}", headers=h)
    current = got.json()
    if not current["talent_rules"]["visible_to_asn"]:
        own = current["source_year"] == year
        body = factories.RULES_BODY | {"talent_rules": DEFAULT_TALENT_RULES | {"visible_to_asn": True}}
        headers = h | ({"If-Match": got.headers["etag"]} if own else {})
        r = await ctx.client.put(f"/api/v1/rules/{year}", json=body, headers=headers)
        assert r.status_code in (200, 201), r.text
    return {"nip": ctx.asn(side).nip}, {}


async def _claim(ctx: Ctx, side: Side, *, evidence: bool = False) -> int:
    """A pending claim filed by the ASN of `side` itself."""
    who = f"asn_{side}"
    r = await ctx.client.post(
        f"/api/v1/asn/{ctx.asn(side).nip}/learning-records", json=record_body(), headers=ctx.h(who)
    )
    assert r.status_code == 201, r.text
    record_id: int = r.json()["id"]
    if evidence:
        up = await ctx.client.post(
            f"/api/v1/learning-records/{record_id}/evidence",
            files={"file": ("sertifikat.pdf", PDF, "application/pdf")},
            headers=ctx.h(who),
        )
        assert up.status_code in (200, 201), up.text
    return record_id


async def _record(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"record_id": await _claim(ctx, side)}, {}


async def _record_verify(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"record_id": await _claim(ctx, side)}, {"json": {"decision": "approve"}}


async def _record_void(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"record_id": await _claim(ctx, side)}, {"json": {"reason": "Tercatat ganda"}}


async def _record_upload(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"record_id": await _claim(ctx, side)}, {
        "files": {"file": ("sertifikat.pdf", PDF, "application/pdf")}
    }


async def _record_with_evidence(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"record_id": await _claim(ctx, side, evidence=True)}, {}


async def _assessment(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    _, kwargs = await _nip_assessment(ctx, side)
    r = await ctx.client.post(
        f"/api/v1/asn/{ctx.asn(side).nip}/assessments", json=kwargs["json"], headers=ctx.h("bpsdm")
    )
    assert r.status_code == 201, r.text
    return {"assessment_id": r.json()["id"]}, {}


async def _unit_budget(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    if not ctx.budgeted:
        await put_budget(ctx.client, ctx.h("bpsdm"))
        ctx.budgeted.add(0)
    if ctx.unit(side).id not in ctx.budgeted:
        await put_unit(ctx.client, ctx.h("bpsdm"), ctx.unit(side).id, 1_000_000_000, 100_000_000)
        ctx.budgeted.add(ctx.unit(side).id)
    return {"year": 2026, "unit_id": ctx.unit(side).id}, {}


async def _unit_budget_put(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    if not ctx.budgeted:
        await put_budget(ctx.client, ctx.h("bpsdm"))
        ctx.budgeted.add(0)
    return {"year": 2026, "unit_id": ctx.unit(side).id}, {"json": {"pagu_idr": 5, "realisasi_idr": 1}}


async def _import_job(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    rows = [
        RECORD_HEADER,
        [ctx.asn(side).nip, "Webinar Literasi Digital", "8", "2026-03-02", "2026-03-02", 2],
    ]
    r = await upload(ctx.client, "learning-records", csv_bytes(rows), ctx.h(f"opd_{side}"))
    assert r.status_code == 202, r.text
    return {"job_id": r.json()["id"]}, {}


async def _unit(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"unit_id": ctx.unit(side).id}, {}


async def _notification(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    """A notification in the inbox of the ASN of `side`."""
    user = ctx.world.users[f"asn_{side}"]
    text = "Pengingat"
    item = outbox.Outgoing(user.id, "bola", f"bola-{next(_clients)}", text, text, text, text, None, False)
    assert await outbox.queue(ctx.session, item)
    await ctx.session.commit()
    newest = await ctx.session.scalar(
        select(func.max(Notification.id)).where(Notification.user_id == user.id)
    )
    return {"notification_id": newest}, {}


async def _user(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"user_id": ctx.world.users[f"asn_{side}"].id}, {}


async def _user_patch(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"user_id": ctx.world.users[f"opd_{side}"].id}, {
        "json": {"unit_id": ctx.unit(OTHER[side]).id},
        "headers": {"If-Match": '"1"'},
    }


async def _user_reset(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    # An OPD admin resets the ASN accounts of its own units only.
    return {"user_id": ctx.world.users[f"asn_{side}"].id}, {}


async def _client(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    client = await factories.create_client(
        ctx.session, "learning:write", client_id=f"bk_bola_{next(_clients)}"
    )
    await ctx.session.commit()
    return {"client_pk": client.id}, {"json": {"active": False}, "headers": {"If-Match": '"1"'}}


# -- development planning (issue 18) ----------------------------------------------------------------------

PROGRAMME_YEAR = 2027


async def _plan(ctx: Ctx, side: Side, *, submitted: bool = False) -> tuple[dict[str, Any], str]:
    """This year's plan of the ASN of `side` (a draft, or submitted), made by BPSDM when missing;
    its path values and ETag."""
    values = {"nip": ctx.asn(side).nip, "year": latest_indonesian_date().year}
    url = f"/api/v1/asn/{values['nip']}/development-plans/{values['year']}"
    h = ctx.h("bpsdm")
    got = await ctx.client.get(url, headers=h)
    if got.status_code == 404:
        made = await ctx.client.post(url, json={"items": [plan_item()]}, headers=h)
        assert made.status_code == 201, made.text
        got = await ctx.client.get(url, headers=h)
    assert got.status_code == 200, got.text
    if submitted and got.json()["status"] == "draft":
        sent = await ctx.client.post(f"{url}/submit", headers=h)
        assert sent.status_code == 200, sent.text
        got = await ctx.client.get(url, headers=h)
    return values, got.headers["etag"]


async def _plan_read(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    values, _ = await _plan(ctx, side)
    return values, {}


async def _plan_create(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    # No plan yet: the owner's request makes it.
    return {"nip": ctx.asn(side).nip, "year": latest_indonesian_date().year}, {
        "json": {"items": [plan_item()]}
    }


async def _plan_items(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    values, tag = await _plan(ctx, side)
    return values, {"json": {"items": [plan_item(planned_jp=6)]}, "headers": {"If-Match": tag}}


async def _plan_decide(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    values, _ = await _plan(ctx, side, submitted=True)
    return values, {"json": {"decision": "approve"}}


async def _programme(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    """The programme of the unit of `side`, put by BPSDM when missing."""
    values = {"unit_id": ctx.unit(side).id, "year": PROGRAMME_YEAR}
    url = f"/api/v1/units/{values['unit_id']}/development-programs/{PROGRAMME_YEAR}"
    got = await ctx.client.get(url, headers=ctx.h("bpsdm"))
    assert got.status_code == 200, got.text
    if "etag" not in got.headers:
        r = await ctx.client.put(
            url, json={"note": None, "lines": [programme_line()]}, headers=ctx.h("bpsdm")
        )
        assert r.status_code == 201, r.text
    return values, {}


async def _programme_put(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    # No programme yet: the owner's request creates it (no If-Match needed).
    values = {"unit_id": ctx.unit(side).id, "year": PROGRAMME_YEAR}
    return values, {"json": {"note": "Usulan program", "lines": [programme_line()]}}


async def _unit_year(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"unit_id": ctx.unit(side).id, "year": PROGRAMME_YEAR}, {}


async def _nomination(ctx: Ctx, side: Side) -> int:
    """A pending nomination of the ASN of `side`, made by its own OPD admin for a new session."""
    h = ctx.h("bpsdm")
    course = await make_course(ctx.client, h)
    made = await make_session(ctx.client, h, course["id"])
    result = await nominate(ctx.client, ctx.h(f"opd_{side}"), made["id"], ctx.asn(side).nip)
    nomination_id: int = result["results"][0]["nomination_id"]
    assert nomination_id, result
    return nomination_id


async def _nomination_decide(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nomination_id": await _nomination(ctx, side)}, {"json": {"decision": "accept"}}


async def _nomination_withdraw(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    return {"nomination_id": await _nomination(ctx, side)}, {"json": {"note": "Tugas luar daerah"}}


async def issued_certificate(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, asn: Any
) -> str:
    """The number of a certificate BPSDM issued to `asn` for a session it was credited for."""
    course_session = await credited.course_session(session)
    await credited.nominate(session, course_session, asn)
    await session.commit()
    r = await client.post(
        f"/api/v1/course-sessions/{course_session.id}/certificates", headers=as_(settings, world, "bpsdm")
    )
    assert r.status_code == 200, r.text
    [issued] = r.json()["issued"]
    number: str = issued["number"]
    return number


async def _certificate(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    number = await issued_certificate(ctx.client, ctx.settings, ctx.world, ctx.session, ctx.asn(side))
    return {"number": number}, {}


async def _nip_with_certificate(ctx: Ctx, side: Side) -> tuple[dict[str, Any], dict[str, Any]]:
    await _certificate(ctx, side)
    return {"nip": ctx.asn(side).nip}, {}


CASES: dict[str, Builder] = {
    "asn_get": _nip,
    "asn_update": _nip_patch,
    "jp_summary_get": _nip,
    "exports_asn_jp_recap": _nip,
    "learning_records_create": _nip_claim,
    "learning_records_create_with_evidence": _nip_claim_with_evidence,
    "learning_records_list": _nip,
    "assessments_create": _nip_assessment,
    "assessments_list": _nip,
    "competency_gaps_get": _nip,
    "performance_get": _performance,
    "performance_put": _nip_performance_put,
    "potential_assessments_create": _nip_potential,
    "potential_assessments_list": _nip,
    "disciplinary_records_create": _nip_sanction,
    "disciplinary_records_list": _nip,
    "talent_get": _nip_talent,
    "ip_asn_get": _nip,
    "development_plan_get": _nip,
    "units_data_gaps": _unit,
    "learning_records_get": _record,
    "learning_records_verify": _record_verify,
    "learning_records_void": _record_void,
    "learning_records_evidence_upload": _record_upload,
    "learning_records_evidence_download": _record_with_evidence,
    "assessments_get": _assessment,
    "unit_budgets_get": _unit_budget,
    "unit_budgets_put": _unit_budget_put,
    "imports_get": _import_job,
    "imports_report": _import_job,
    "imports_retry": _import_job,
    "users_get": _user,
    "users_update": _user_patch,
    "users_password_reset": _user_reset,
    "clients_update": _client,
    "clients_rotate_secret": _client,
    "me_notifications_read": _notification,
    "development_plans_get": _plan_read,
    "development_plans_history": _plan_read,
    "development_plans_create": _plan_create,
    "development_plans_items_put": _plan_items,
    "development_plans_submit": _plan_read,
    "development_plans_decide": _plan_decide,
    "development_programs_get": _programme,
    "development_programs_put": _programme_put,
    "development_programs_proposal": _unit_year,
    "nominations_decide": _nomination_decide,
    "nominations_withdraw": _nomination_withdraw,
    "asn_certificates_list": _nip_with_certificate,
    "certificates_pdf": _certificate,
}

# The path parameter names provincial reference data every user may read; writes are BPSDM-only
# (checked here for the four callers, and for every role in tests/core/test_role_matrix.py).
SHARED: dict[str, str] = {
    "reference_get": "code lists are public to every user",
    "rules_get": "the yearly rule set applies to everyone",
    "rules_put": "rule sets are BPSDM's",
    "rules_copy": "rule sets are BPSDM's",
    "units_get": "the organisation chart is readable by every user",
    "units_update": "units are BPSDM's",
    "positions_get": "positions are readable by every user",
    "positions_update": "positions are BPSDM's",
    "competencies_get": "the competency dictionary is shared",
    "competencies_update": "the dictionary is BPSDM's",
    "position_standards_get": "position standards (SKJ) are shared",
    "position_standards_put": "standards are BPSDM's",
    "courses_get": "the course catalogue is shared",
    "courses_update": "the catalogue is BPSDM's",
    "budgets_get": "the province's budget of a year is one row for all admins",
    "budgets_put": "budgets are BPSDM's",
    "budgets_compliance": "the province-wide figure is for BPSDM and auditors",
    "unit_budgets_list": "a year; rows are filtered by scope (test_unit_budget_list_is_scoped)",
    "imports_template": "templates are empty files",
    "reports_talent_map_box": "a box number names no object; the people listed follow the caller's scope "
    "(tests/talent/test_talent_map.py)",
    "reminder_rules_get": "a year's reminder campaigns are BPSDM's rule data",
    "reminder_rules_put": "reminder campaigns are BPSDM's",
    "reminder_rules_run": "running the campaigns is BPSDM's",
    "year_closing_get": "a year's closing date applies to everyone; its pending count follows the caller's scope",
    "year_closing_put": "closing a year is BPSDM's",
    "year_closing_pending": "a year names no object; the claims listed follow the caller's scope "
    "(tests/years/test_closing.py)",
    "development_programs_province": "a year; the province's consolidation is for BPSDM and auditors",
    "course_sessions_list": "a course's sessions are the calendar every user reads",
    "course_sessions_create": "sessions are BPSDM's",
    "course_sessions_get": "every user reads the calendar; the nominations shown follow the caller's scope "
    "(tests/planning/sessions/test_sessions.py::TestRead::test_seats_and_each_callers_nominations)",
    "course_sessions_update": "sessions are BPSDM's",
    "course_sessions_attendance": "crediting attendance is BPSDM's",
    "course_sessions_suggestions": "a session is open to every OPD; the ASN suggested follow the caller's "
    "scope (tests/planning/sessions/test_suggestions.py::test_ranking_exclusions_and_scope)",
    "nominations_create": "a session is open to every OPD; a NIP outside the caller's scope is refused as "
    "unknown (tests/planning/sessions/test_nominations.py::TestNominate::test_per_nip_results_and_audit)",
    "nominations_list": "a session is open to every OPD; the nominations listed follow the caller's scope "
    "(tests/planning/sessions/test_nominations.py::TestList::test_scoped_and_paged)",
    "certificates_issue": "issuing certificates is BPSDM's",
    "certificates_list": "a session names no owned object; the certificates listed follow the caller's "
    "scope (tests/planning/certificates/test_certificates.py::TestLists::"
    "test_opd_admins_see_their_own_units_participants)",
    "public_certificates_get": "the public check needs no login by design and shows name, course, dates "
    "and JP only (tests/planning/certificates/test_certificates.py::TestPublicCheck)",
}

PARAMETERISED = [op for op in OPERATIONS if PARAM.search(op.path)]
OWNED = [op for op in PARAMETERISED if op.operation_id in CASES]


def _path(op: Operation, values: dict[str, Any]) -> str:
    return PARAM.sub(lambda m: str(values[m.group(1)]), op.path)


def _owner(op: Operation, side: Side) -> str:
    audience = POLICY[op.operation_id]
    if "asn_a" in audience:
        return f"asn_{side}"
    if "opd_a" in audience:
        return f"opd_{side}"
    return "bpsdm"


def test_every_parameterised_route_has_a_case() -> None:
    ids = {op.operation_id for op in PARAMETERISED}
    missing = sorted(ids - CASES.keys() - SHARED.keys())
    assert not missing, f"parameterised routes without a BOLA case or a SHARED reason: {missing}"
    assert not (CASES.keys() & SHARED.keys())
    assert not (CASES.keys() | SHARED.keys()) - ids, "stale entries"


@pytest.mark.parametrize("op", OWNED, ids=str)
async def test_other_owners_object_is_out_of_reach(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, op: Operation
) -> None:
    ctx = Ctx(client, settings, world, session)
    for attacker, side in ATTACKS:
        values, kwargs = await CASES[op.operation_id](ctx, side)
        headers = kwargs.pop("headers", {}) | ctx.h(attacker)
        r = await client.request(op.method, _path(op, values), headers=headers, **kwargs)
        assert r.status_code in (403, 404), f"{op} by {attacker} on side {side}: {r.status_code} {r.text}"
        assert r.headers["content-type"] == "application/problem+json"
    # The same request by the object's own side gets past the object check, so the refusals above
    # were about ownership rather than a broken request.
    values, kwargs = await CASES[op.operation_id](ctx, "a")
    owner = _owner(op, "a")
    headers = kwargs.pop("headers", {}) | ctx.h(owner)
    r = await client.request(op.method, _path(op, values), headers=headers, **kwargs)
    assert r.status_code not in (401, 403, 404) and r.status_code < 500, f"{op} by {owner}: {r.text}"


SHARED_VALUES = {
    "kind": "golongan",
    "year": 2026,
    "code": "M1",
    "box": 9,
}


# A write whose callers include an OPD admin or an ASN needs a valid body to answer 200.
SHARED_BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "nominations_create": lambda world: {"nips": [world.asn_a.nip]},
}


@pytest.mark.parametrize("op", [op for op in PARAMETERISED if op.operation_id in SHARED], ids=str)
async def test_shared_objects_follow_the_role_policy(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, op: Operation
) -> None:
    await put_budget(client, as_(settings, world, "bpsdm"))
    values = SHARED_VALUES | {"unit_id": world.unit_a.id, "position_id": world.position_a.id}
    if "{course_id}" in op.path:
        r = await client.post(
            "/api/v1/courses",
            json={"code": "BOLA-1", "title": "Pelatihan Dasar", "form_code": "1", "jp": 10},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        values["course_id"] = r.json()["id"]
    if "{session_id}" in op.path:
        bpsdm = as_(settings, world, "bpsdm")
        values["session_id"] = (await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"]))[
            "id"
        ]
    if "{number}" in op.path:
        values["number"] = await issued_certificate(client, settings, world, session, world.asn_a)
    if op.path.startswith("/api/v1/imports/templates"):
        values["kind"] = "asn"
    audience = USERS if op.operation_id in PUBLIC else POLICY[op.operation_id]
    body = SHARED_BODIES[op.operation_id](world) if op.operation_id in SHARED_BODIES else {}
    for attacker, _side in ATTACKS:
        r = await client.request(
            op.method,
            _path(op, values),
            headers=as_(settings, world, attacker) | {"If-Match": '"1"'},
            json=body if op.is_write else None,
        )
        if attacker.replace("_b", "_a") in audience:
            assert r.status_code == 200, f"{op} by {attacker}: {r.status_code} {r.text}"
        else:
            assert r.status_code == 403, f"{op} by {attacker}: {r.status_code} {r.text}"


async def test_unit_budget_list_is_scoped(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    bpsdm = as_(settings, world, "bpsdm")
    await put_budget(client, bpsdm)
    for unit in (world.unit_a, world.unit_b):
        await put_unit(client, bpsdm, unit.id, 1_000_000, 10)
    for who, own, other in (("opd_a", world.unit_a, world.unit_b), ("opd_b", world.unit_b, world.unit_a)):
        r = await client.get("/api/v1/budgets/2026/units", headers=as_(settings, world, who))
        assert r.status_code == 200, r.text
        units = {item["unit_id"] for item in r.json()["items"]}
        assert own.id in units and other.id not in units


@pytest.mark.parametrize("who, own, other", [("asn_a", "asn_a", "asn_b"), ("opd_b", "asn_b", "asn_a")])
async def test_asn_list_holds_only_the_callers_scope(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str, own: str, other: str
) -> None:
    r = await client.get("/api/v1/asn?limit=500", headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    nips = {item["nip"] for item in r.json()["items"]}
    assert getattr(world, own).nip in nips and getattr(world, other).nip not in nips
