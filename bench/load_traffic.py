"""The mixed load itself: virtual users reading, claiming, verifying and syncing against one server."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
from load_stats import Claim, Outcomes, SyncBatch

# Operation -> weight (per cent of operations). Reads ~70, claims 15, verifications 10, sync 5.
MIX: dict[str, int] = {
    "asn_get": 18,
    "asn_list": 12,
    "jp_summary": 12,
    "jp_compliance": 8,
    "competency_gaps": 10,
    "verification_queue": 5,
    "learning_records_list": 5,
    "claim": 15,
    "verify": 10,
    "sync": 5,
}
FORMS = ("3", "8", "11", "16")
RETRIES = 4


@dataclass
class Actor:
    username: str
    token: str
    unit_id: int  # an ASN's own unit; an OPD admin's top-level unit
    nip: str | None = None
    opd_id: int = 0  # an ASN's OPD (top-level unit), whose admin verifies its claims


@dataclass
class World:
    run: str
    bpsdm: Actor
    client_token: str
    asn: list[Actor]
    opd: list[Actor]
    all_nips: list[str]
    units: list[int]
    # Existing profiles the sync may update (never a claimant's, so scopes stay as they were).
    updatable: list[dict[str, Any]]
    new_nips: Iterator[str]
    today: date
    counter: list[int] = field(default_factory=lambda: [0])
    # OPD unit id -> ids of the claims the load created there, newest last.
    claims_by_opd: dict[int, list[int]] = field(default_factory=dict)

    def next_number(self) -> int:
        self.counter[0] += 1
        return self.counter[0]


def new_nip_source(taken: set[str], seed: int) -> Iterator[str]:
    """Valid PNS NIPs that are not in the database yet (birth date, TMT, gender, sequence)."""
    rng = random.Random(seed)
    start = date(1970, 1, 1) + timedelta(days=rng.randrange(3000))
    i = 0
    while True:
        birth = start + timedelta(days=(i // 2000) * 3)
        gender = "1" if i % 2 else "2"
        nip = f"{birth:%Y%m%d}{birth.year + 25}{(i // 2) % 12 + 1:02d}{gender}{(i // 24) % 83 + 1:03d}"
        i += 1
        if nip not in taken:
            taken.add(nip)
            yield nip


class Traffic:
    def __init__(self, http: httpx.AsyncClient, world: World, out: Outcomes) -> None:
        self.http = http
        self.world = world
        self.out = out

    async def call(
        self,
        route: str,
        method: str,
        url: str,
        token: str,
        *,
        body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int | None, Any]:
        """One request: its latency and status under `route`; (None, error) on a transport error."""
        stats = self.out.route(route)
        started = time.perf_counter()
        try:
            r = await self.http.request(
                method,
                url,
                json=body,
                params=params,
                headers={"Authorization": f"Bearer {token}", **(headers or {})},
            )
        except httpx.TransportError as exc:
            stats.transport_errors += 1
            if len(self.out.transport_error_samples) < 20:
                self.out.transport_error_samples.append(f"{method} {url}: {exc!r}")
            return None, exc
        stats.latencies_ms.append((time.perf_counter() - started) * 1000)
        stats.statuses[r.status_code] += 1
        if r.status_code >= 500:
            self.out.server_errors.append(
                f"{method} {url} -> {r.status_code} request_id={r.headers.get('x-request-id')}: {r.text[:300]}"
            )
        try:
            return r.status_code, r.json()
        except ValueError:
            return r.status_code, r.text

    # --- reads -------------------------------------------------------------------------------------

    async def asn_get(self, rng: random.Random) -> None:
        if rng.random() < 0.5:
            me = rng.choice(self.world.asn)
            await self.call("GET /asn/{nip}", "GET", f"/api/v1/asn/{me.nip}", me.token)
        else:
            nip = rng.choice(self.world.all_nips)
            await self.call("GET /asn/{nip}", "GET", f"/api/v1/asn/{nip}", self.world.bpsdm.token)

    async def asn_list(self, rng: random.Random) -> None:
        if rng.random() < 0.5:
            admin = rng.choice(self.world.opd)
            params = {"unit_id": admin.unit_id, "limit": 50}
            await self.call("GET /asn?unit_id=", "GET", "/api/v1/asn", admin.token, params=params)
        else:
            params = {"unit_id": rng.choice(self.world.units), "limit": 50}
            await self.call("GET /asn?unit_id=", "GET", "/api/v1/asn", self.world.bpsdm.token, params=params)

    async def jp_summary(self, rng: random.Random) -> None:
        me = rng.choice(self.world.asn)
        await self.call("GET /asn/{nip}/jp-summary", "GET", f"/api/v1/asn/{me.nip}/jp-summary", me.token)

    async def jp_compliance(self, rng: random.Random) -> None:
        who = rng.choice(self.world.opd) if rng.random() < 0.6 else self.world.bpsdm
        await self.call("GET /reports/jp-compliance", "GET", "/api/v1/reports/jp-compliance", who.token)

    async def competency_gaps(self, rng: random.Random) -> None:
        me = rng.choice(self.world.asn)
        url = f"/api/v1/asn/{me.nip}/competency-gaps"
        await self.call("GET /asn/{nip}/competency-gaps", "GET", url, me.token)

    async def verification_queue(self, rng: random.Random) -> None:
        admin = rng.choice(self.world.opd)
        params = {"limit": 20}
        await self.call(
            "GET /verification-queue", "GET", "/api/v1/verification-queue", admin.token, params=params
        )

    async def learning_records_list(self, rng: random.Random) -> None:
        me = rng.choice(self.world.asn)
        url = f"/api/v1/asn/{me.nip}/learning-records"
        await self.call("GET /asn/{nip}/learning-records", "GET", url, me.token, params={"limit": 20})

    # --- writes ------------------------------------------------------------------------------------

    async def claim(self, rng: random.Random) -> None:
        """An ASN claims learning of its own; a transport error is retried with the same key and body."""
        me = rng.choice(self.world.asn)
        n = self.world.next_number()
        end = self.world.today - timedelta(days=rng.randrange(1, 320))
        start = end - timedelta(days=rng.randrange(0, 4))
        external_id = f"load-{self.world.run}-{n}"
        body = {
            "title": f"Bimtek uji beban {self.world.run}-{n}",
            "form_code": rng.choice(FORMS),
            "organizer": "BPSDM Provinsi Kalimantan Timur",
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "jp": rng.randrange(2, 25),
            "external_id": external_id,
        }
        assert me.nip is not None
        claim = Claim(nip=me.nip, idempotency_key=str(uuid.uuid4()), external_id=external_id)
        self.out.claims.append(claim)
        url = f"/api/v1/asn/{me.nip}/learning-records"
        for attempt in range(RETRIES):
            status, answer = await self.call(
                "POST /asn/{nip}/learning-records",
                "POST",
                url,
                me.token,
                body=body,
                headers={"Idempotency-Key": claim.idempotency_key},
            )
            claim.status = status
            if status in (200, 201):
                claim.record_id = int(answer["id"])
                self.world.claims_by_opd.setdefault(me.opd_id, []).append(claim.record_id)
                return
            if not _retry(status, answer):
                return
            await asyncio.sleep(0.5 * (attempt + 1))

    async def verify(self, rng: random.Random) -> None:
        """An OPD admin decides a claim of its OPD: one of the oldest in its queue, or one made by the load.

        Other admins of the same OPD may be deciding it too: 409 or 412 then is an expected outcome.
        """
        admin = rng.choice(self.world.opd)
        mine = self.world.claims_by_opd.get(admin.unit_id, [])
        if mine and rng.random() < 0.5:
            record_id = rng.choice(mine[-50:])
        else:
            status, page = await self.call(
                "GET /verification-queue",
                "GET",
                "/api/v1/verification-queue",
                admin.token,
                params={"limit": 10},
            )
            if status != 200 or not page["items"]:
                return
            record_id = int(rng.choice(page["items"])["id"])
        decision = "approve" if rng.random() < 0.8 else "reject"
        status, _ = await self.call(
            "POST /learning-records/{id}/verification",
            "POST",
            f"/api/v1/learning-records/{record_id}/verification",
            admin.token,
            body={"decision": decision, "note": f"uji beban {self.world.run}"},
        )
        if status == 200:
            if record_id in self.out.decisions:
                self.out.double_decisions.append((record_id, self.out.decisions[record_id], decision))
            self.out.decisions[record_id] = (decision, admin.username)
        elif status in (409, 412):
            self.out.decision_conflicts[status] += 1
        elif status is None:
            self.out.decisions_unknown.add(record_id)

    async def sync(self, rng: random.Random) -> None:
        """SIMPEG sends 200-500 profiles, about a third new; retried with the same key on transport errors."""
        size = rng.randrange(200, 501)
        fresh = [next(self.world.new_nips) for _ in range(size // 3)]
        updates = rng.sample(self.world.updatable, size - len(fresh))
        items: list[dict[str, Any]] = [
            {
                "nip": nip,
                "name": f"Pegawai Uji {nip[-6:]}",
                "employment_type": "pns",
                "unit_id": rng.choice(self.world.units),
                "golongan": "III/a",
            }
            for nip in fresh
        ]
        items += [
            p | {"phone": f"+62 812-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"} for p in updates
        ]
        rng.shuffle(items)
        batch = SyncBatch(str(uuid.uuid4()), fresh, [p["nip"] for p in updates])
        self.out.sync_batches.append(batch)
        for attempt in range(RETRIES):
            status, answer = await self.call(
                "POST /sync/asn",
                "POST",
                "/api/v1/sync/asn",
                self.world.client_token,
                body={"items": items},
                headers={"Idempotency-Key": batch.idempotency_key},
            )
            batch.status = status
            if status == 200:
                batch.result = answer
                return
            if not _retry(status, answer):
                return
            await asyncio.sleep(0.5 * (attempt + 1))


def _retry(status: int | None, answer: Any) -> bool:
    """Retry a write only when its outcome is unknown: no answer, or the first try still running."""
    if status is None:
        return True
    return status == 409 and isinstance(answer, dict) and answer.get("code") == "idempotency_key_in_progress"


async def run(
    base: str, world: World, *, duration: float, concurrency: int, seed: int
) -> tuple[Outcomes, float]:
    """`concurrency` virtual users, each doing weighted-random operations until the time is up."""
    out = Outcomes()
    ops = list(MIX)
    weights = [MIX[o] for o in ops]
    limits = httpx.Limits(max_connections=concurrency + 4, max_keepalive_connections=concurrency + 4)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(120.0), limits=limits) as http:
        traffic = Traffic(http, world, out)

        async def user(number: int) -> None:
            rng = random.Random(seed * 1000 + number)
            while time.monotonic() < deadline:
                await getattr(traffic, rng.choices(ops, weights)[0])(rng)

        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*(user(n) for n in range(concurrency)))
        return out, time.monotonic() - started
