"""xAPI intake: statements from an LMS become verified records; replays, conflicts, voiding, auth."""

from __future__ import annotations

import base64
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.learning.models import LearningEvent, LearningRecord
from app.learning.xapi import service as xapi
from tests import factories
from tests.factories import World, bearer, client_principal
from tests.http import as_, audit_rows, problem
from tests.learning.helpers import events, totals

STATEMENTS = "/api/v1/xapi/statements"
VERSION = {"X-Experience-API-Version": "1.0.3"}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
JP_EXTENSION = "https://lms.kaltimprov.go.id/xapi/extensions/jp"
FORM_EXTENSION = "https://lms.kaltimprov.go.id/xapi/extensions/form_code"
_courses = iter(range(1, 1_000_000))


def writer(settings: Settings) -> dict[str, str]:
    return bearer(settings, client_principal("learning:write")) | VERSION


def statement(nip: str, **overrides: Any) -> dict[str, Any]:
    """A completed statement of an e-learning course no other statement of the test names."""
    n = next(_courses)
    return {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": "https://lms.kaltimprov.go.id", "name": nip},
        },
        "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
        "object": {
            "objectType": "Activity",
            "id": f"https://lms.kaltimprov.go.id/course/{n}",
            "definition": {"name": {"en-US": f"Course {n}", "id-ID": f"Kursus Daring {n}"}},
        },
        "result": {"completion": True, "duration": "PT1H30M"},
        "timestamp": "2026-03-10T15:42:00+08:00",
    } | overrides


def voiding(target: str, nip: str = "lms-admin") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"account": {"homePage": "https://lms.kaltimprov.go.id", "name": nip}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }


async def post(
    client: httpx.AsyncClient, settings: Settings, body: Any, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    r = await client.post(STATEMENTS, json=body, headers=headers or writer(settings))
    assert r.status_code == 200, r.text
    assert r.headers["x-experience-api-version"] == "1.0.3"
    data: dict[str, Any] = r.json()
    return data


async def record_of(session: AsyncSession, statement_id: str) -> LearningRecord:
    row = await session.execute(
        select(LearningRecord)
        .where(LearningRecord.source == "xapi", LearningRecord.external_id == statement_id)
        .execution_options(populate_existing=True)
    )
    return row.scalar_one()


async def row_counts(session: AsyncSession) -> tuple[int, int, int]:
    records = await session.scalar(select(func.count()).select_from(LearningRecord))
    history = await session.scalar(select(func.count()).select_from(LearningEvent))
    trail = await session.scalar(select(func.count()).select_from(AuditEntry))
    return records or 0, history or 0, trail or 0


class TestAbout:
    async def test_about_needs_no_credentials(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/xapi/about")
        assert r.status_code == 200
        assert r.json() == {"version": ["1.0.3"]}
        assert r.headers["x-experience-api-version"] == "1.0.3"


class TestSingleStatement:
    async def test_completed_becomes_a_verified_record(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        assert await post(client, settings, s) == {"ids": [s["id"]], "rejected": []}
        record = await record_of(session, s["id"])
        assert record.nip == world.asn_a.nip
        assert record.status == "verified"
        assert record.source == "xapi"
        assert record.title == s["object"]["definition"]["name"]["id-ID"]
        assert record.form_code == "16"
        assert record.start_date == record.end_date == date(2026, 3, 10)
        assert record.duration_minutes == 90
        assert record.jp == Decimal("2.00")
        assert record.created_by == record.decided_by == "client:bk_test"
        history = await events(session, record.id)
        assert [(e.action, e.to_status, e.role) for e in history] == [("created", "verified", "client")]
        trail = await audit_rows(session, "learning_record", record.id)
        assert [(a.action, a.actor) for a in trail] == [("create", "client:bk_test")]
        assert trail[0].after is not None
        assert trail[0].after["external_id"] == s["id"]
        assert trail[0].after["jp"] == "2.00"
        assert (await totals(session, world.asn_a.nip))[(2026, "16")] == (Decimal("2.00"), 1)

    async def test_the_learners_calendar_day_counts(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        # 01:00 WITA on 11 March is still 10 March in UTC; the learner finished on the 11th.
        s = statement(world.asn_a.nip, timestamp="2026-03-11T01:00:00+08:00")
        await post(client, settings, s)
        assert (await record_of(session, s["id"])).end_date == date(2026, 3, 11)

    async def test_start_date_extension_and_title_fallbacks(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        ranged = statement(
            world.asn_a.nip,
            context={"extensions": {"https://lms.example/xapi/extensions/start_date": "2026-03-02"}},
        )
        english = statement(world.asn_a.nip)
        english["object"]["definition"]["name"] = {"en-US": "Public Speaking", "fr-FR": "Parler en public"}
        unnamed = statement(world.asn_a.nip)
        del unnamed["object"]["definition"]
        assert len((await post(client, settings, [ranged, english, unnamed]))["ids"]) == 3
        assert (await record_of(session, ranged["id"])).start_date == date(2026, 3, 2)
        assert (await record_of(session, english["id"])).title == "Public Speaking"
        assert (await record_of(session, unnamed["id"])).title == unnamed["object"]["id"]

    async def test_a_statement_without_id_gets_one(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        del s["id"]
        ids = (await post(client, settings, s))["ids"]
        assert len(ids) == 1
        assert uuid.UUID(ids[0]).version == 4
        assert (await record_of(session, ids[0])).nip == world.asn_a.nip


class TestJp:
    @pytest.mark.parametrize(
        ("duration", "minutes", "jp"),
        [
            ("PT1H30M", 90, "2.00"),
            ("PT90M", 90, "2.00"),
            ("P1DT2H", 1560, "32.00"),  # 34.67 JP, but one day holds 32
            ("PT45M", 45, "1.00"),
            ("PT45M30S", 46, "1.02"),
            ("PT0.75H", 45, "1.00"),
            ("PT2700.4S", 45, "1.00"),
        ],
    )
    async def test_duration(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        session: AsyncSession,
        world: World,
        duration: str,
        minutes: int,
        jp: str,
    ) -> None:
        s = statement(world.asn_a.nip, result={"duration": duration})
        assert (await post(client, settings, s))["ids"] == [s["id"]]
        record = await record_of(session, s["id"])
        assert (record.duration_minutes, record.jp) == (minutes, Decimal(jp))

    def test_duration_parsing(self) -> None:
        assert xapi.duration_seconds("PT45M30S") == Decimal(2730)
        assert xapi.duration_seconds("P1W") == Decimal(7 * 86400)
        assert xapi.duration_seconds("pt1,5h") == Decimal(5400)
        for bad in ("P", "PT", "P1DT", "1H", "PT-5M", "P1Y", "P2M", "PT1H30"):
            with pytest.raises(ValueError):
                xapi.duration_seconds(bad)

    async def test_jp_and_form_code_extensions(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(
            world.asn_a.nip,
            result={"extensions": {JP_EXTENSION: 3.5}},
            context={"extensions": {FORM_EXTENSION: "9"}},
        )
        await post(client, settings, s)
        record = await record_of(session, s["id"])
        assert (record.jp, record.jp_claimed, record.form_code, record.duration_minutes) == (
            Decimal("3.50"),
            Decimal("3.50"),
            "9",
            None,
        )

    async def test_form_rules_apply(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        from tests.learning.helpers import put_rules

        await put_rules(client, settings, world, 2026, form_rules=[{"form_code": "16", "max_jp_per_day": 3}])
        s = statement(world.asn_a.nip, result={"duration": "P1DT2H"})
        await post(client, settings, s)
        assert (await record_of(session, s["id"])).jp == Decimal("3.00")


class TestBatch:
    async def test_bad_statements_are_rejected_and_the_rest_applied(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        good_a = statement(world.asn_a.nip)
        unknown = statement("199001012015011999")
        experienced = statement(world.asn_b.nip, verb={"id": "http://adlnet.gov/expapi/verbs/experienced"})
        no_jp = statement(world.asn_b.nip, result={"completion": True})
        no_verb = statement(world.asn_b.nip)
        del no_verb["verb"]
        bad_duration = statement(world.asn_b.nip, result={"duration": "ninety minutes"})
        future = statement(world.asn_b.nip, timestamp="2099-01-01T00:00:00Z")
        bad_form = statement(
            world.asn_b.nip, result={"duration": "PT1H", "extensions": {FORM_EXTENSION: "99"}}
        )
        mbox_only = statement(world.asn_b.nip, actor={"mbox": "mailto:someone@example.org"})
        attended = statement(world.asn_b.nip, verb={"id": "https://w3id.org/xapi/adl/verbs/attended"})
        zero = statement(world.asn_b.nip, result={"duration": "PT0S"})
        anonymous = statement("199001012015011999")
        del anonymous["id"]
        batch = [good_a, unknown, experienced, no_jp, no_verb, bad_duration, future, bad_form, mbox_only]
        body = await post(client, settings, [*batch, "not a statement", attended, zero, anonymous])
        assert body["ids"] == [good_a["id"], attended["id"]]
        assert [(r["index"], r["id"], r["code"]) for r in body["rejected"]] == [
            (1, unknown["id"], "unknown_nip"),
            (2, experienced["id"], "unsupported_verb"),
            (3, no_jp["id"], "missing_jp"),
            (4, no_verb["id"], "invalid_statement"),
            (5, bad_duration["id"], "invalid_statement"),
            (6, future["id"], "invalid_dates"),
            (7, bad_form["id"], "unknown_form_code"),
            (8, mbox_only["id"], "unknown_nip"),
            (9, None, "invalid_statement"),
            (11, zero["id"], "invalid_jp"),
            (12, None, "unknown_nip"),  # an id the server would have assigned is not reported
        ]
        assert all(r["detail"] for r in body["rejected"])
        assert (await record_of(session, good_a["id"])).nip == world.asn_a.nip
        assert (await record_of(session, attended["id"])).nip == world.asn_b.nip
        assert (await totals(session, world.asn_b.nip))[(2026, "16")] == (Decimal("2.00"), 1)

    async def test_totals_sum_per_asn_year_and_form(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        nip = world.asn_a1.nip
        batch = [
            statement(nip),
            statement(nip, result={"duration": "PT45M"}),
            statement(nip, timestamp="2025-12-30T10:00:00+07:00"),
            statement(
                nip, result={"extensions": {JP_EXTENSION: 4}}, context={"extensions": {FORM_EXTENSION: "9"}}
            ),
        ]
        assert len((await post(client, settings, batch))["ids"]) == 4
        assert await totals(session, nip) == {
            (2026, "16"): (Decimal("3.00"), 2),
            (2025, "16"): (Decimal("2.00"), 1),
            (2026, "9"): (Decimal("4.00"), 1),
        }

    async def test_same_title_and_dates_is_a_possible_duplicate(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        first = statement(world.asn_a.nip)
        same_course = {**statement(world.asn_a.nip), "object": first["object"]}
        await post(client, settings, first)
        original = await record_of(session, first["id"])
        again = await post(client, settings, same_course)
        assert again["ids"] == []
        assert again["rejected"][0] | {"detail": ""} == {
            "index": 0,
            "id": same_course["id"],
            "code": "possible_duplicate",
            "detail": "",
            "duplicate_of": original.id,
        }
        # Within one batch the second copy points at the record the first one just made.
        one = statement(world.asn_b.nip)
        two = {**statement(world.asn_b.nip), "object": one["object"]}
        body = await post(client, settings, [one, two])
        assert body["ids"] == [one["id"]]
        assert body["rejected"][0]["duplicate_of"] == (await record_of(session, one["id"])).id

    async def test_too_many_statements(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        r = await client.post(STATEMENTS, json=[s] * (xapi.MAX_STATEMENTS + 1), headers=writer(settings))
        problem(r, 400, "too_many_statements")


class TestReplays:
    async def test_a_replayed_batch_changes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        batch = [statement(world.asn_a.nip), statement(world.asn_b.nip), statement(world.asn_a1.nip)]
        first = await post(client, settings, batch)
        before = await row_counts(session)
        totals_before = await totals(session, world.asn_a.nip)
        # A reordered resend with a stamp the LRS would have added is still the same statements.
        resend = [batch[2], batch[0] | {"stored": "2026-03-10T08:00:00Z"}, batch[1]]
        again = await post(client, settings, resend)
        assert again == {"ids": [batch[2]["id"], batch[0]["id"], batch[1]["id"]], "rejected": []}
        assert sorted(again["ids"]) == sorted(first["ids"])
        assert await row_counts(session) == before
        assert await totals(session, world.asn_a.nip) == totals_before

    async def test_a_repeat_within_the_batch_is_the_same_statement(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        before = await row_counts(session)
        assert (await post(client, settings, [s, s]))["ids"] == [s["id"], s["id"]]
        assert await row_counts(session) == (before[0] + 1, before[1] + 1, before[2] + 1)

    async def test_the_same_id_with_other_content_is_a_conflict(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        await post(client, settings, s)
        changed = s | {"result": {"duration": "PT3H"}}
        body = await post(client, settings, changed)
        assert body["ids"] == []
        assert body["rejected"][0]["code"] == "statement_conflict"
        assert (await record_of(session, s["id"])).jp == Decimal("2.00")
        other = statement(world.asn_b.nip)
        body = await post(client, settings, [other, other | {"timestamp": "2026-03-09T10:00:00Z"}])
        assert body["ids"] == [other["id"]]
        assert [(r["index"], r["code"]) for r in body["rejected"]] == [(1, "statement_conflict")]

    async def test_an_id_used_for_another_learner_is_a_conflict(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        await post(client, settings, s)
        before = await row_counts(session)
        reused = statement(world.asn_b.nip) | {"id": s["id"]}
        body = await post(client, settings, reused)
        assert body["ids"] == []
        assert body["rejected"][0]["code"] == "statement_conflict"
        assert await row_counts(session) == before


class TestVoiding:
    async def test_voided_statement_voids_its_record(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        await post(client, settings, s)
        void = voiding(s["id"])
        assert (await post(client, settings, void)) == {"ids": [void["id"]], "rejected": []}
        record = await record_of(session, s["id"])
        assert record.status == "voided"
        assert record.void_reason == f"voided by xAPI statement {void['id']}"
        assert record.voided_by == "client:bk_test"
        assert [e.action for e in await events(session, record.id)] == ["created", "voided"]
        assert [a.action for a in await audit_rows(session, "learning_record", record.id)] == [
            "create",
            "void",
        ]
        assert (await totals(session, world.asn_a.nip))[(2026, "16")] == (Decimal("0.00"), 0)
        before = await row_counts(session)
        assert (await post(client, settings, void))["ids"] == [void["id"]]  # a replay is a no-op
        assert await row_counts(session) == before

    async def test_create_and_void_in_one_batch_by_the_learner(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_b.nip)
        void = voiding(s["id"], nip=world.asn_b.nip)
        assert (await post(client, settings, [s, void]))["ids"] == [s["id"], void["id"]]
        assert (await record_of(session, s["id"])).status == "voided"

    async def test_voiding_an_unknown_statement_is_rejected(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        void = voiding(str(uuid.uuid4()))
        body = await post(client, settings, void)
        assert body["ids"] == []
        assert body["rejected"][0]["code"] == "statement_not_found"
        bad = voiding("not-a-uuid")
        assert (await post(client, settings, bad))["rejected"][0]["code"] == "invalid_statement"


class TestPut:
    async def test_put_is_idempotent_and_conflicts_on_other_content(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        s = statement(world.asn_a.nip)
        sid = s.pop("id")
        url = f"{STATEMENTS}?statementId={sid}"
        r = await client.put(url, json=s, headers=writer(settings))
        assert r.status_code == 204, r.text
        assert r.headers["x-experience-api-version"] == "1.0.3"
        before = await row_counts(session)
        assert (await client.put(url, json=s | {"id": sid}, headers=writer(settings))).status_code == 204
        assert await row_counts(session) == before
        r = await client.put(url, json=s | {"result": {"duration": "PT2H"}}, headers=writer(settings))
        problem(r, 409, "statement_conflict")
        assert (await record_of(session, sid)).jp == Decimal("2.00")

    async def test_put_refuses_unusable_statements(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = writer(settings)

        async def put(body: Any) -> httpx.Response:
            sid = body.get("id") if isinstance(body, dict) else None
            return await client.put(f"{STATEMENTS}?statementId={sid or uuid.uuid4()}", json=body, headers=h)

        problem(await put(statement("199001012015011999")), 422, "unknown_nip")
        experienced = statement(world.asn_a.nip, verb={"id": "http://adlnet.gov/expapi/verbs/experienced"})
        problem(await put(experienced), 422, "unsupported_verb")
        problem(await put(statement(world.asn_a.nip, result={})), 422, "missing_jp")
        other_id = f"{STATEMENTS}?statementId={uuid.uuid4()}"
        r = await client.put(other_id, json=statement(world.asn_a.nip), headers=h)
        problem(r, 400, "invalid_statement")  # the body's id is not the statementId
        problem(await put([statement(world.asn_a.nip)]), 400, "invalid_statement")
        r = await client.put(STATEMENTS, json=statement(world.asn_a.nip), headers=h)
        problem(r, 422, "validation_error")  # statementId is required


class TestProtocol:
    @pytest.mark.parametrize(
        ("version", "code"),
        [
            (None, "xapi_version_required"),
            ("0.95", "xapi_version_unsupported"),
            ("2.0.0", "xapi_version_unsupported"),
        ],
    )
    async def test_version_header(
        self, client: httpx.AsyncClient, settings: Settings, world: World, version: str | None, code: str
    ) -> None:
        h = bearer(settings, client_principal("learning:write"))
        if version is not None:
            h["X-Experience-API-Version"] = version
        problem(await client.post(STATEMENTS, json=statement(world.asn_a.nip), headers=h), 400, code)

    async def test_older_1_0_versions_are_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = writer(settings) | {"X-Experience-API-Version": "1.0.1"}
        assert len((await post(client, settings, statement(world.asn_a.nip), h))["ids"]) == 1

    async def test_malformed_json(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = writer(settings) | {"Content-Type": "application/json"}
        problem(await client.post(STATEMENTS, content=b"[{not json", headers=h), 400, "invalid_json")
        h["Content-Type"] = "multipart/mixed; boundary=abc"
        problem(await client.post(STATEMENTS, content=b"--abc--", headers=h), 415, "unsupported_media_type")

    async def test_idempotency_key_replays_the_first_response(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        h = writer(settings) | {"Idempotency-Key": "lms-batch-0042"}
        body = [statement(world.asn_a.nip), statement(world.asn_b.nip)]
        first = await client.post(STATEMENTS, json=body, headers=h)
        before = await row_counts(session)
        again = await client.post(STATEMENTS, json=body, headers=h)
        assert again.status_code == 200
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert await row_counts(session) == before

    async def test_empty_batch(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        assert await post(client, settings, []) == {"ids": [], "rejected": []}


def basic(client_id: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"} | VERSION


class TestAuthentication:
    async def test_basic_client_credentials(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await factories.create_client(session, "learning:write", client_id="bk_lms")
        h = basic("bk_lms", factories.CLIENT_SECRET)
        s = statement(world.asn_a.nip)
        assert (await post(client, settings, s, h))["ids"] == [s["id"]]
        assert (await record_of(session, s["id"])).created_by == "client:bk_lms"
        # The verified header is remembered, so the next call skips the Argon2 check.
        again = statement(world.asn_a.nip)
        assert (await post(client, settings, again, h))["ids"] == [again["id"]]

    async def test_wrong_secret_or_unknown_client(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await factories.create_client(session, "learning:write", client_id="bk_lms")
        for h in (
            basic("bk_lms", "wrong-secret"),
            basic("bk_nobody", factories.CLIENT_SECRET),
            {"Authorization": "Basic !!!"} | VERSION,
            {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()} | VERSION,
            VERSION,
        ):
            r = await client.post(STATEMENTS, json=statement(world.asn_a.nip), headers=h)
            problem(r, 401, "unauthorized")
            assert r.headers["www-authenticate"].startswith("Basic")

    async def test_basic_client_without_learning_write(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        await factories.create_client(session, "learning:read asn:read", client_id="bk_reader")
        r = await client.post(
            STATEMENTS, json=statement(world.asn_a.nip), headers=basic("bk_reader", factories.CLIENT_SECRET)
        )
        problem(r, 403, "forbidden")

    @pytest.mark.parametrize("who", ["opd_a", "bpsdm", "asn_a"])
    async def test_users_may_not_post_statements(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        h = as_(settings, world, who) | VERSION
        problem(await client.post(STATEMENTS, json=statement(world.asn_a.nip), headers=h), 403, "forbidden")

    async def test_bearer_client_without_learning_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = bearer(settings, client_principal("learning:read")) | VERSION
        problem(await client.post(STATEMENTS, json=statement(world.asn_a.nip), headers=h), 403, "forbidden")
        r = await client.put(f"{STATEMENTS}?statementId={uuid.uuid4()}", json={}, headers=h)
        problem(r, 403, "forbidden")


class TestOpenApi:
    async def test_operations_are_documented(self, client: httpx.AsyncClient) -> None:
        paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
        post_op = paths["/api/v1/xapi/statements"]["post"]
        assert post_op["operationId"] == "xapi_statements_post"
        assert post_op["tags"] == ["xapi"]
        assert "oneOf" in post_op["requestBody"]["content"]["application/json"]["schema"]
        assert (
            "StatementsResult" in post_op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        )
        assert paths["/api/v1/xapi/statements"]["put"]["operationId"] == "xapi_statement_put"
        assert paths["/api/v1/xapi/about"]["get"]["operationId"] == "xapi_about"
