"""Function-level authorization (OWASP API5:2023) over every /api/v1 route, for every kind of caller.

Each route's expected audience comes from POLICY (docs/api.md, Operations); a route missing there falls
back to what its `allow()` dependency declares, so new routes are still exercised. Either way the
checks are behavioural: requests are sent and the status, media type, code and headers asserted.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import params as fastapi_params
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.ext.asyncio import AsyncConnection

from app.auth.dependencies import get_principal, get_principal_before_password_change
from app.auth.router import revoking_caller
from app.core.config import Settings
from app.core.security import Role
from app.main import create_app, reset_caches
from tests.factories import World, bearer, client_principal

PROBLEM = "application/problem+json"
USERS = frozenset({"bpsdm", "auditor", "opd_a", "asn_a"})
PRINCIPALS = USERS | {"client"}
CALLERS = ("bpsdm", "auditor", "opd_a", "asn_a", "client", "anonymous")
ROLE_CALLER = {Role.bpsdm_admin: "bpsdm", Role.auditor: "auditor", Role.opd_admin: "opd_a", Role.asn: "asn_a"}
PUBLIC = frozenset({"auth_token", "xapi_about", "public_certificates_get"})
# Who passes the function-level check ("client" is an integration client holding no scope at all).
POLICY: dict[str, frozenset[str]] = {
    "auth_revoke": PRINCIPALS,
    "certificates_issue": frozenset({"bpsdm"}),
    "certificates_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "asn_certificates_list": USERS,
    "certificates_pdf": USERS,
    "auth_me": PRINCIPALS,
    "course_sessions_list": USERS,
    "course_sessions_create": frozenset({"bpsdm"}),
    "course_sessions_calendar": USERS,
    "course_sessions_get": USERS,
    "course_sessions_update": frozenset({"bpsdm"}),
    "course_sessions_suggestions": frozenset({"bpsdm", "opd_a"}),
    "course_sessions_attendance": frozenset({"bpsdm"}),
    "nominations_create": frozenset({"bpsdm", "opd_a"}),
    "nominations_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "nominations_decide": frozenset({"bpsdm"}),
    "nominations_withdraw": frozenset({"bpsdm", "opd_a"}),
    "auth_password": PRINCIPALS,
    "reference_get": USERS,
    "rules_get": USERS,
    "rules_put": frozenset({"bpsdm"}),
    "rules_copy": frozenset({"bpsdm"}),
    "units_list": USERS,
    "units_get": USERS,
    "units_create": frozenset({"bpsdm"}),
    "units_update": frozenset({"bpsdm"}),
    "positions_list": USERS,
    "positions_get": USERS,
    "positions_create": frozenset({"bpsdm"}),
    "positions_update": frozenset({"bpsdm"}),
    "asn_list": USERS,
    "asn_get": USERS,
    "asn_create": frozenset({"bpsdm", "opd_a"}),
    "asn_update": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "users_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "users_get": frozenset({"bpsdm", "auditor"}),
    "users_create": frozenset({"bpsdm"}),
    "users_update": frozenset({"bpsdm"}),
    "users_provision": frozenset({"bpsdm", "opd_a"}),
    "users_password_reset": frozenset({"bpsdm", "opd_a"}),
    "clients_list": frozenset({"bpsdm", "auditor"}),
    "clients_create": frozenset({"bpsdm"}),
    "clients_update": frozenset({"bpsdm"}),
    "clients_rotate_secret": frozenset({"bpsdm"}),
    "audit_list": frozenset({"bpsdm", "auditor"}),
    "audit_entities": frozenset({"bpsdm", "auditor"}),
    "learning_records_create": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "learning_records_create_with_evidence": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "learning_records_list": USERS,
    "learning_records_get": USERS,
    "learning_records_verify": frozenset({"bpsdm", "opd_a"}),
    "learning_records_void": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "learning_records_evidence_upload": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "learning_records_evidence_download": USERS,
    "jp_summary_get": USERS,
    "reports_jp_compliance": frozenset({"bpsdm", "auditor", "opd_a"}),
    "verification_queue_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "xapi_statements_post": frozenset(),
    "xapi_statement_put": frozenset(),
    "sync_asn": frozenset({"bpsdm"}),
    "sync_changes": frozenset({"bpsdm", "auditor"}),
    "imports_asn": frozenset({"bpsdm"}),
    "imports_learning_records": frozenset({"bpsdm", "opd_a"}),
    "imports_attendance": frozenset({"bpsdm", "opd_a"}),
    "imports_assessment_results": frozenset({"bpsdm", "opd_a"}),
    "imports_performance": frozenset({"bpsdm", "opd_a"}),
    "imports_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "imports_get": frozenset({"bpsdm", "auditor", "opd_a"}),
    "imports_report": frozenset({"bpsdm", "auditor", "opd_a"}),
    "imports_retry": frozenset({"bpsdm", "opd_a"}),
    "imports_template": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_jp_compliance": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_asn_jp_recap": USERS,
    "exports_verification_queue": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_competency_gaps": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_budget_compliance": frozenset({"bpsdm", "auditor"}),
    "competencies_list": USERS,
    "competencies_get": USERS,
    "competencies_create": frozenset({"bpsdm"}),
    "competencies_update": frozenset({"bpsdm"}),
    "standard_defaults_get": USERS,
    "standard_defaults_put": frozenset({"bpsdm"}),
    "position_standards_get": USERS,
    "position_standards_put": frozenset({"bpsdm"}),
    "position_standards_bulk": frozenset({"bpsdm"}),
    "reports_competency_gaps": frozenset({"bpsdm", "auditor", "opd_a"}),
    "reports_competency_gap_matrix": frozenset({"bpsdm", "auditor", "opd_a"}),
    "budgets_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "budgets_get": frozenset({"bpsdm", "auditor", "opd_a"}),
    "budgets_put": frozenset({"bpsdm"}),
    "budgets_compliance": frozenset({"bpsdm", "auditor"}),
    "budgets_compliance_trend": frozenset({"bpsdm", "auditor"}),
    "unit_budgets_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "unit_budgets_get": frozenset({"bpsdm", "auditor", "opd_a"}),
    "unit_budgets_put": frozenset({"bpsdm"}),
    "courses_list": USERS,
    "courses_get": USERS,
    "courses_create": frozenset({"bpsdm"}),
    "courses_update": frozenset({"bpsdm"}),
    "development_plan_get": USERS,
    "assessments_create": frozenset({"bpsdm", "opd_a"}),
    "assessments_list": USERS,
    "assessments_get": USERS,
    "competency_gaps_get": USERS,
    "performance_get": USERS,
    "performance_put": frozenset({"bpsdm", "opd_a"}),
    "potential_assessments_create": frozenset({"bpsdm", "opd_a"}),
    "potential_assessments_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "disciplinary_records_create": frozenset({"bpsdm", "opd_a"}),
    "disciplinary_records_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "ip_asn_get": USERS,
    "reports_ip_asn": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_ip_asn": frozenset({"bpsdm", "auditor", "opd_a"}),
    "sync_performance": frozenset({"bpsdm"}),
    "talent_get": USERS,
    "reports_talent_map": frozenset({"bpsdm", "auditor", "opd_a"}),
    "reports_talent_map_box": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_talent_map": frozenset({"bpsdm", "auditor", "opd_a"}),
    "me_notifications_list": USERS,
    "me_notifications_read": USERS,
    "me_notifications_read_all": USERS,
    "me_notification_preferences_get": USERS,
    "me_notification_preferences_put": USERS,
    "notification_deliveries_list": frozenset({"bpsdm", "auditor"}),
    "reminder_rules_get": frozenset({"bpsdm", "auditor"}),
    "reminder_rules_put": frozenset({"bpsdm"}),
    "reminder_rules_run": frozenset({"bpsdm"}),
    "year_closing_get": USERS,
    "development_programs_get": frozenset({"bpsdm", "auditor", "opd_a"}),
    "development_programs_put": frozenset({"bpsdm", "opd_a"}),
    "development_programs_province": frozenset({"bpsdm", "auditor"}),
    "exports_development_programs": frozenset({"bpsdm", "auditor", "opd_a"}),
    "year_closing_put": frozenset({"bpsdm"}),
    "reports_training_needs": frozenset({"bpsdm", "auditor", "opd_a"}),
    "development_programs_proposal": frozenset({"bpsdm", "auditor", "opd_a"}),
    "year_closing_pending": frozenset({"bpsdm", "auditor", "opd_a"}),
    "development_plans_get": USERS,
    "development_plans_create": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "development_plans_items_put": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "development_plans_submit": frozenset({"bpsdm", "opd_a", "asn_a"}),
    "development_plans_decide": frozenset({"bpsdm", "opd_a"}),
    "development_plans_history": USERS,
    "development_plans_list": frozenset({"bpsdm", "auditor", "opd_a"}),
    "reports_data_completeness": frozenset({"bpsdm", "auditor", "opd_a"}),
    "reports_data_completeness_trend": frozenset({"bpsdm", "auditor", "opd_a"}),
    "reports_data_completeness_league": frozenset({"bpsdm", "auditor", "opd_a"}),
    "units_data_gaps": frozenset({"bpsdm", "auditor", "opd_a"}),
    "exports_data_completeness": frozenset({"bpsdm", "auditor", "opd_a"}),
}
# The second ASN and OPD admin of the two-OPD world hold asn_a's and opd_a's roles: what the role may
# not call they may not call either. (Where the role may, their scope decides: test_owasp_api1_bola.)
SAME_ROLE = {"asn_b": "asn_a", "opd_b": "opd_a"}
# Routes about the caller's own session, open to every authenticated principal whatever its role.
SELF_SERVICE = frozenset({"auth_me", "auth_revoke", "auth_password"})
# A user's own inbox and preferences: every role writes its own (an auditor too), no client has one.
OWN_INBOX = frozenset(
    {"me_notifications_read", "me_notifications_read_all", "me_notification_preferences_put"}
)
READ_METHODS = frozenset({"GET", "HEAD"})
PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    operation_id: str
    json_body: bool
    declared: frozenset[str] | None  # None: no authentication dependency at all

    @property
    def is_write(self) -> bool:
        return self.method not in READ_METHODS

    @property
    def audience(self) -> frozenset[str]:
        if self.operation_id in POLICY:
            return POLICY[self.operation_id]
        return PRINCIPALS if self.declared is None else self.declared

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def _declared(dependant: Any) -> frozenset[str] | None:
    calls = list(_calls(dependant))
    checks: list[Any] = [c for c in calls if getattr(c, "access", None) is not None]  # made by allow()
    if checks:
        audience = set(USERS)
        for check in checks:
            roles, _scope = check.access
            audience &= {ROLE_CALLER[r] for r in roles if r in ROLE_CALLER}
        return frozenset(audience)  # allow() never admits a client without the route's scope
    # A bearer token; to revoke, client credentials too.
    if get_principal in calls or revoking_caller in calls or get_principal_before_password_change in calls:
        return PRINCIPALS
    return None


def operations(app: Any) -> list[Operation]:
    out = []
    for rc in iter_route_contexts(app.routes):
        route = rc.original_route
        path = str(rc.path)
        if not isinstance(route, APIRoute) or not path.startswith("/api/v1/"):
            continue
        body = route.body_field
        json_body = body is not None and not isinstance(body.field_info, fastapi_params.Form)
        for method in sorted(rc.methods or ()):
            out.append(
                Operation(method, path, str(rc.operation_id or rc.name), json_body, _declared(rc.dependant))
            )
    return out


_COLLECTION_APP = create_app(
    Settings(
        environment="test",
        secret_key="role-matrix-secret-0123456789-abcdefghijklmnop",
        database_url="sqlite+aiosqlite:///:memory:",
    )
)
OPERATIONS = operations(_COLLECTION_APP)
PROTECTED = [op for op in OPERATIONS if op.operation_id not in PUBLIC]
JSON_WRITES = [op for op in PROTECTED if op.json_body]


def role_callers(op: Operation) -> list[str]:
    """Every authenticated caller of an operation, and the second OPD admin and ASN where their role may not."""
    return [caller for caller in CALLERS if caller != "anonymous"] + [
        caller for caller, role in SAME_ROLE.items() if role not in op.audience
    ]


def url(op: Operation, world: World, *, junk_params: bool = False) -> str:
    values: dict[str, Any] = {
        "unit_id": world.unit_a.id,
        "position_id": world.position_a.id,
        "nip": world.asn_a.nip,
        "year": 2026,
        "kind": "golongan",
        "user_id": world.users["bpsdm"].id,
    }
    return PARAM.sub(lambda m: "not-valid" if junk_params else str(values.get(m.group(1), 1)), op.path)


def headers_for(settings: Settings, world: World, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller == "client":
        return bearer(settings, client_principal())
    return bearer(settings, world.principal(caller))


async def call(
    client: httpx.AsyncClient, op: Operation, path: str, headers: dict[str, str], **kwargs: Any
) -> httpx.Response:
    if op.is_write and "content" not in kwargs:
        kwargs["json"] = {}
    return await client.request(op.method, path, headers=headers, **kwargs)


def assert_unauthorized(r: httpx.Response, op: Operation) -> None:
    assert r.status_code == 401, f"{op}: {r.status_code} {r.text}"
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == "unauthorized"
    scheme = r.headers.get("www-authenticate", "")
    assert scheme.split(" ")[0] in {"Bearer", "Basic"}, f"{op}: WWW-Authenticate {scheme!r}"


class TestRouteInventory:
    def test_the_policy_covers_every_protected_operation(self) -> None:
        assert not [op for op in PROTECTED if op.operation_id not in POLICY]
        admin_only = {op.operation_id for op in PROTECTED if "asn_a" not in op.audience}
        assert {
            "users_create",
            "rules_put",
            "sync_asn",
            "audit_list",
            "learning_records_verify",
        } <= admin_only

    def test_routes_were_found(self) -> None:
        ids = {op.operation_id for op in OPERATIONS}
        assert {
            "units_create",
            "positions_update",
            "rules_put",
            "audit_list",
            "reference_get",
            "asn_update",
        } <= ids
        assert len(OPERATIONS) == len({(op.method, op.path) for op in OPERATIONS})

    def test_collection_app_matches_the_test_app(self, app: Any) -> None:
        assert [(op.method, op.path) for op in operations(app)] == [(op.method, op.path) for op in OPERATIONS]

    @pytest.mark.parametrize("op", [op for op in PROTECTED if op.operation_id in POLICY], ids=str)
    def test_policy_matches_what_the_route_declares(self, op: Operation) -> None:
        assert op.declared == POLICY[op.operation_id]

    @pytest.mark.parametrize("op", PROTECTED, ids=str)
    def test_auditor_is_read_only_and_scopeless_clients_get_nothing(self, op: Operation) -> None:
        if op.operation_id in SELF_SERVICE:
            return
        if op.operation_id in OWN_INBOX:
            assert "client" not in op.audience
            return
        if op.is_write:
            assert "auditor" not in op.audience
        assert "client" not in op.audience


class Checks:
    """The checks of one operation, each in a savepoint of the test's transaction rolled back after it and
    with the app's caches emptied, so that each sees the world as a test of its own would: one world per
    operation instead of one per check. Every failing check is reported, each by its name."""

    def __init__(self, op: Operation, app: Any, settings: Settings, connection: AsyncConnection) -> None:
        self.op, self.app, self.settings, self.connection = op, app, settings, connection
        self.failures: list[str] = []

    @asynccontextmanager
    async def check(self, name: str) -> AsyncIterator[None]:
        savepoint = await self.connection.begin_nested()
        try:
            yield
        except AssertionError as e:
            self.failures.append(f"{name}: {e}")
        finally:
            if savepoint.is_active:
                await savepoint.rollback()
            reset_caches(self.app, self.settings)

    def verdict(self) -> None:
        if self.failures:
            pytest.fail(f"{self.op}:\n" + "\n".join(self.failures), pytrace=False)


@pytest.fixture
def checks(app: Any, settings: Settings, connection: AsyncConnection) -> Callable[[Operation], Checks]:
    return lambda op: Checks(op, app, settings, connection)


def op_id(op: Operation) -> str:
    """A test id naming the route and its operation id, so that `-k <operation_id>` selects its tests."""
    return f"{op} {op.operation_id}"


class TestAnonymous:
    @pytest.mark.parametrize("op", PROTECTED, ids=op_id)
    async def test_401_everywhere(
        self, client: httpx.AsyncClient, world: World, checks: Callable[[Operation], Checks], op: Operation
    ) -> None:
        c = checks(op)
        async with c.check("no token"):
            assert_unauthorized(await client.request(op.method, url(op, world)), op)
        async with c.check("before validation"):
            # Junk path parameters, junk query parameters and an empty body still get 401, never 422.
            r = await call(client, op, url(op, world, junk_params=True) + "?limit=0&cursor=%%&year=x", {})
            assert_unauthorized(r, op)
        for headers in (
            {"Authorization": "Bearer not.a.jwt"},
            {"Authorization": "Bearer "},
            {"Authorization": "Token abc"},
        ):
            async with c.check(f"bad token {headers['Authorization']!r}"):
                assert_unauthorized(await call(client, op, url(op, world), headers), op)
        if op.is_write and not op.json_body:
            async with c.check("malformed body without a JSON model"):
                r = await call(
                    client, op, url(op, world), {"Content-Type": "application/json"}, content=b"{not json"
                )
                assert_unauthorized(r, op)
        if op.json_body:
            async with c.check("malformed JSON body"):
                r = await client.request(
                    op.method,
                    url(op, world),
                    content=b"{not json",
                    headers={"Content-Type": "application/json"},
                )
                assert_unauthorized(r, op)
        c.verdict()


class TestRoles:
    @pytest.mark.parametrize("op", PROTECTED, ids=op_id)
    async def test_function_level_authorization(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        checks: Callable[[Operation], Checks],
        op: Operation,
    ) -> None:
        if op.operation_id not in POLICY:
            print(f"{op.operation_id} is not in POLICY; expecting what its allow() declares")
        c = checks(op)
        for caller in role_callers(op):
            async with c.check(f"as {caller}"):
                r = await call(client, op, url(op, world), headers_for(settings, world, caller))
                assert r.status_code < 500, f"{op} as {caller}: {r.status_code} {r.text}"
                assert r.status_code != 401, f"{op} as {caller}: a valid token was refused"
                if SAME_ROLE.get(caller, caller) in op.audience:
                    forbidden = r.status_code == 403 and r.json().get("code") == "forbidden"
                    assert not forbidden, f"{op} as {caller}: refused, but {caller} may call it"
                else:
                    assert r.status_code == 403, f"{op} as {caller}: {r.status_code} {r.text}"
                    assert r.headers["content-type"] == PROBLEM
                    assert r.json()["code"] == "forbidden"
        if "asn_a" not in op.audience and op.is_write:
            async with c.check("denied before validation"):
                # An ASN sending junk to an admin route learns nothing about the route's validation rules.
                r = await call(
                    client,
                    op,
                    url(op, world, junk_params=True) + "?limit=0",
                    headers_for(settings, world, "asn_a"),
                    json={"x": 1},
                )
                assert r.status_code == 403, f"{op}: {r.status_code} {r.text}"
                assert r.json()["code"] == "forbidden"
        if "asn_a" not in op.audience and op.json_body:
            async with c.check("denied before JSON parsing"):
                h = headers_for(settings, world, "asn_a") | {"Content-Type": "application/json"}
                r = await client.request(op.method, url(op, world), content=b"{not json", headers=h)
                assert r.status_code == 403, f"{op}: {r.status_code} {r.text}"
        c.verdict()

    @pytest.mark.parametrize("caller", ["asn_a", "opd_b"])
    async def test_a_role_claim_cannot_be_raised_by_asking(
        self, client: httpx.AsyncClient, settings: Settings, world: World, caller: str
    ) -> None:
        # Headers or query parameters naming a role change nothing: the role comes from the signed token.
        r = await client.get(
            "/api/v1/audit?role=bpsdm_admin",
            headers=headers_for(settings, world, caller)
            | {"X-Role": "bpsdm_admin", "X-Forwarded-User": "bpsdm"},
        )
        assert r.status_code == 403, r.text
        assert r.json()["code"] == "forbidden"


class TestPublicTokenEndpoint:
    async def test_token_endpoint_answers_anonymous_callers(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/v1/auth/token", data={"grant_type": "password", "username": "nobody", "password": "x"}
        )
        assert r.status_code in (400, 401)
        assert r.json()["error"] == "invalid_grant"
