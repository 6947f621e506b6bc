"""A small integration written against the client that openapi-python-client generates from the live
OpenAPI document (run by check_generated_client.py, `make check-client`; not collected by pytest).

It does what SIMPEG does: a token with client_credentials, a batch of profiles pushed with
`sync_asn` (one of them invalid) under an Idempotency-Key, the change feed read page by page to its
end with `sync_changes`, a profile read back with `asn_get`, the feed resumed from the stored
cursor after one more change, and a training certificate recorded for that profile, uploaded as
evidence and downloaded again byte for byte. Everything goes through the generated functions and models, so a
change to the document that breaks a generated client fails here. Exits 1 with the first mismatch.

    PYTHONPATH=<dir holding bangkom_client> python program.py BASE_URL CLIENT_ID CLIENT_SECRET
"""

from __future__ import annotations

import datetime
import os
import sys
from io import BytesIO
from itertools import pairwise
from typing import NoReturn, TypeVar

from bangkom_client import AuthenticatedClient, Client
from bangkom_client.api.asn import asn_get
from bangkom_client.api.auth import auth_token
from bangkom_client.api.learning import (
    learning_records_create,
    learning_records_evidence_download,
    learning_records_evidence_upload,
)
from bangkom_client.api.organisation import positions_list, units_list
from bangkom_client.api.sync import sync_asn, sync_changes
from bangkom_client.errors import UnexpectedStatus
from bangkom_client.models import (
    AsnCreate,
    AsnCreateEmploymentType,
    AsnRead,
    BodyAuthToken,
    BodyLearningRecordsEvidenceUpload,
    ChangeItem,
    ChangeItemEntity,
    ChangeItemOp,
    ChangesPage,
    PositionPage,
    Problem,
    RecordCreate,
    RecordRead,
    SyncAsnBody,
    SyncResult,
    TokenResponse,
    UnitPage,
)
from bangkom_client.types import UNSET, File

SCOPES = "asn:read asn:write reference:read learning:read learning:write"
BATCH = 20
INVALID_AT = 7  # the invalid row sits inside the batch: the rows after it must still be applied
PAGE = 25  # small pages, so reading the feed takes several requests and next_cursor is exercised
T = TypeVar("T")


class Mismatch(Exception):
    pass


def fail(message: str) -> NoReturn:
    raise Mismatch(message)


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def parsed(result: object, expected: type[T], what: str) -> T:
    """The generated functions return the documented model, a Problem, or None for an undocumented
    status; only the expected model is a success."""
    if isinstance(result, Problem):
        fail(f"{what}: {result.status} {result.code}: {result.detail}")
    if not isinstance(result, expected):
        fail(f"{what}: expected {expected.__name__}, got {result!r}")
    return result


def nips() -> list[str]:
    # PNS layout: born 1991-02-03, TMT 2016-04, gender digit, sequence (none of the demo's NIPs).
    return [f"19910203201604{1 + i % 2}{i + 1:03d}" for i in range(BATCH)]


def token(base_url: str, client_id: str, secret: str) -> str:
    body = BodyAuthToken(
        grant_type="client_credentials", client_id=client_id, client_secret=secret, scope=SCOPES
    )
    with Client(base_url=base_url) as anonymous:
        answer = parsed(auth_token.sync(client=anonymous, body=body), TokenResponse, "auth_token")
    check(answer.expires_in > 0, f"auth_token: expires_in {answer.expires_in}")
    check(set(str(answer.scope).split()) == set(SCOPES.split()), f"auth_token: granted {answer.scope!r}")
    return answer.access_token


def placement(client: AuthenticatedClient) -> tuple[int, int]:
    """A unit that has positions, and one of its positions, found through the list operations."""
    units = parsed(units_list.sync(client=client, limit=100), UnitPage, "units_list")
    check(units.total > 0, "units_list: the demo province has no units")
    for unit in units.items:
        positions = parsed(
            positions_list.sync(client=client, unit_id=unit.id, limit=1),
            PositionPage,
            "positions_list",
        )
        if positions.items:
            check(positions.items[0].unit_id == unit.id, "positions_list: unit_id filter not applied")
            return unit.id, positions.items[0].id
    fail("positions_list: no unit of the first page has a position")


def batch(unit_id: int, position_id: int, names: dict[str, str]) -> SyncAsnBody:
    items = [
        AsnCreate(
            nip=nip,
            name=name,
            employment_type=AsnCreateEmploymentType.PNS,
            unit_id=unit_id,
            position_id=position_id,
            golongan="III/a",
        )
        for nip, name in names.items()
    ]
    # Month 13 in the TMT: the row is reported as invalid_nip, the others are applied.
    bad = AsnCreate(
        nip="199102032016131001",
        name="Baris Salah",
        employment_type=AsnCreateEmploymentType.PNS,
        unit_id=unit_id,
    )
    items.insert(INVALID_AT, bad)
    # The document takes any value as an item (each is validated on its own row), so the generated
    # model holds plain JSON: the profiles go in as AsnCreate's dicts.
    return SyncAsnBody(items=[item.to_dict() for item in items])


def push(client: AuthenticatedClient, body: SyncAsnBody, key: str, *, replay: bool) -> SyncResult:
    response = sync_asn.sync_detailed(client=client, body=body, idempotency_key=key)
    result = parsed(response.parsed, SyncResult, f"sync_asn ({key})")
    replayed = response.headers.get("Idempotent-Replayed") == "true"
    check(replayed == replay, f"sync_asn ({key}): Idempotent-Replayed {replayed}, expected {replay}")
    check(len(result.errors) == 1, f"sync_asn ({key}): errors {[e.to_dict() for e in result.errors]}")
    error = result.errors[0]
    check(
        (error.index, error.nip, error.code) == (INVALID_AT, "199102032016131001", "invalid_nip"),
        f"sync_asn ({key}): unexpected error {error.to_dict()}",
    )
    return result


def read_feed(client: AuthenticatedClient, since: str | None) -> tuple[list[ChangeItem], str, int]:
    """Every change after `since`, page by page; returns them, the cursor to store, and the pages read."""
    items: list[ChangeItem] = []
    cursor = since
    pages = 0
    while True:
        page = parsed(
            sync_changes.sync(client=client, since=UNSET if cursor is None else cursor, limit=PAGE),
            ChangesPage,
            "sync_changes",
        )
        pages += 1
        check(len(page.items) <= PAGE, f"sync_changes: {len(page.items)} items for limit={PAGE}")
        items.extend(page.items)
        cursor = page.next_cursor  # a real consumer stores it once the page is processed
        if not page.has_more:
            return items, cursor, pages
        check(bool(page.items), "sync_changes: has_more on an empty page")


def check_feed(items: list[ChangeItem], names: dict[str, str]) -> None:
    seqs = [item.seq for item in items]
    check(all(a < b for a, b in pairwise(seqs)), f"sync_changes: seq not strictly increasing: {seqs}")
    ours = [item for item in items if item.entity == ChangeItemEntity.ASN and item.key in names]
    keys = [item.key for item in ours]
    check(
        sorted(keys) == sorted(names),
        f"sync_changes: expected each of the {len(names)} NIPs once, got {len(keys)} entries "
        f"({len(set(keys))} distinct)",
    )
    for item in ours:
        check(item.op == ChangeItemOp.UPSERT, f"sync_changes: {item.key} has op {item.op}")
        # data is the profile as it is now, parsed by the generated client into its AsnRead model.
        data = item.data
        if not isinstance(data, AsnRead):
            fail(f"sync_changes: {item.key} data is {data!r}")
        check(
            (data.nip, data.name) == (item.key, names[item.key]),
            f"sync_changes: {item.key} data is not the current profile: {data.to_dict()}",
        )


def certificate() -> bytes:
    """A small PDF with bytes of its own, so the download is compared with this upload and no other."""
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n" + os.urandom(
        32
    )


def evidence_round_trip(client: AuthenticatedClient, nip: str) -> int:
    """An LMS's flow: record a completed training (verified, as a system with learning:write), attach
    its certificate, and read the certificate back as the SPA's download does."""
    body = RecordCreate(
        title="Pelatihan Integrasi SIMPEG",
        form_code="8",
        start_date=datetime.date(2026, 3, 2),
        end_date=datetime.date(2026, 3, 4),
        jp="12.5",  # a decimal string of plain digits, as the schema's pattern spells it
        source="ci_check",
        external_id="evidence-round-trip",
    )
    created = parsed(
        learning_records_create.sync(nip, client=client, body=body, idempotency_key="ci-check-record"),
        RecordRead,
        "learning_records_create",
    )
    check(created.jp == 12.5, f"learning_records_create: jp {created.jp}")
    content = certificate()
    upload = BodyLearningRecordsEvidenceUpload(
        file=File(payload=BytesIO(content), file_name="sertifikat.pdf", mime_type="application/pdf")
    )
    response = learning_records_evidence_upload.sync_detailed(created.id, client=client, body=upload)
    attached = parsed(response.parsed, RecordRead, "learning_records_evidence_upload")
    check(attached.evidence is not None, f"learning_records_evidence_upload: {attached.to_dict()}")
    check(response.headers.get("ETag", "").startswith('"'), "learning_records_evidence_upload: no ETag")
    downloaded = parsed(
        learning_records_evidence_download.sync(created.id, client=client),
        File,
        "learning_records_evidence_download",
    )
    check(downloaded.payload.read() == content, "learning_records_evidence_download: not the uploaded bytes")
    return len(content)


def main(base_url: str, client_id: str, secret: str) -> str:
    access = token(base_url, client_id, secret)
    with AuthenticatedClient(base_url=base_url, token=access, raise_on_unexpected_status=True) as client:
        unit_id, position_id = placement(client)
        names = {nip: f"Pegawai Uji {i + 1:02d}" for i, nip in enumerate(nips())}
        body = batch(unit_id, position_id, names)

        first = push(client, body, "ci-check-batch-1", replay=False)
        check(
            (first.created, first.updated, first.unchanged) == (BATCH, 0, 0), f"sync_asn: {first.to_dict()}"
        )
        again = push(client, body, "ci-check-batch-1", replay=True)
        check(again.to_dict() == first.to_dict(), "sync_asn: the replay differs from the first answer")
        same = push(client, body, "ci-check-batch-2", replay=False)
        check((same.created, same.updated, same.unchanged) == (0, 0, BATCH), f"sync_asn: {same.to_dict()}")

        items, cursor, pages = read_feed(client, None)
        check_feed(items, names)

        nip = next(iter(names))
        profile = parsed(asn_get.sync(nip, client=client), AsnRead, "asn_get")
        check(
            (profile.nip, profile.name, profile.unit_id, profile.position_id)
            == (nip, names[nip], unit_id, position_id),
            f"asn_get: {profile.to_dict()}",
        )

        # The sync loop: one more change, and the feed from the stored cursor holds just that change.
        names[nip] = "Pegawai Uji 01, S.Kom."
        renamed = SyncAsnBody(items=[AsnCreate.from_dict({**body.items[0], "name": names[nip]}).to_dict()])
        result = parsed(
            sync_asn.sync(client=client, body=renamed, idempotency_key="ci-check-rename"),
            SyncResult,
            "sync_asn (rename)",
        )
        check((result.updated, result.errors) == (1, []), f"sync_asn (rename): {result.to_dict()}")
        later, _, _ = read_feed(client, cursor)
        check(
            [(i.entity, i.key) for i in later] == [(ChangeItemEntity.ASN, nip)],
            f"sync_changes since the stored cursor: {[i.to_dict() for i in later]}",
        )
        check(later[0].seq > items[-1].seq, "sync_changes: the new change is not numbered after the old ones")
        check_feed(later, {nip: names[nip]})

        size = evidence_round_trip(client, nip)

    return (
        f"token ok; sync_asn created {BATCH} + 1 invalid_nip, replay and unchanged ok; "
        f"sync_changes {len(items)} changes in {pages} pages, then 1 from the stored cursor; asn_get ok; "
        f"evidence of {size} bytes uploaded and downloaded intact"
    )


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    try:
        print(main(*sys.argv[1:]))
    except (Mismatch, UnexpectedStatus) as exc:
        sys.exit(f"generated-client program: {exc}")
