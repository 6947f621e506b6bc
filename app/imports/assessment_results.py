"""Assessment-centre result sheets: each row records one competency assessment (its levels) and one
potential assessment (its score) of an ASN, through the services that record them one at a time.

Columns: nip, assessed_on, method, assessor, potential_score, potential_category (the API's names or
the template's Indonesian headers), and one column per competency code of the dictionary (`M1`, `SK1`,
`T.TIK`; also `Level M1`) holding its level 1–5, an empty cell leaving that competency unrated. A
header shaped like a competency code the dictionary lacks (`M9`, `T.XYZ`, `Level Apa`) is an unknown
competency: a row with a value under it is rejected rather than half recorded. Other columns (Nama,
Jabatan, No) are ignored and listed on the job.

Idempotent per row: an assessment already stored for the NIP with the same date, method, assessor and
levels (a potential assessment: the same score and category) is not recorded again, so uploading a
sheet again creates nothing new. A row whose values differ adds to the history, and being recorded
last it gives the current levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.assessments import service as assessments
from app.competencies.assessments.schemas import AssessmentCreate
from app.competencies.models import Assessment, AssessmentResult, Competency
from app.competencies.standards import lookup
from app.core.db import chunked
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.security import Principal
from app.core.spreadsheets import Kind
from app.core.types import latest_indonesian_date, round2
from app.imports import cells
from app.imports.layouts import (
    EXAMPLE_NIP,
    Column,
    DuplicateColumns,
    Layout,
    Mapping,
    MissingColumns,
    SourceRow,
    match,
    template_slug,
)
from app.imports.lines import Applied, ReportLine, field_errors, notes
from app.imports.models import ASSESSMENT_RESULTS, ERROR
from app.talent import service as talent_service
from app.talent.models import POTENTIAL_CATEGORIES, POTENTIAL_METHODS, PotentialAssessment
from app.talent.schemas import PotentialAssessmentCreate

VALIDATION_ERROR = "validation_error"
DUPLICATE_IN_FILE = "duplicate_in_file"
# The competency assessment a potential method gives; a tes potensi rates potential only.
COMPETENCY_METHOD = {"assessment_center": "assessment_center", "atasan": "atasan"}
METHOD_NAMES = {
    "assessment_center": "Assessment center (penilaian kompetensi dan potensi)",
    "tes_potensi": "Tes potensi (hanya skor potensi, tanpa level kompetensi)",
    "atasan": "Penilaian oleh atasan",
}
CATEGORY_NAMES = {"rendah": "Rendah", "menengah": "Menengah", "tinggi": "Tinggi"}
FIXED_FIELDS = ("nip", "name", "assessed_on", "method", "assessor", "potential_score", "potential_category")
_PREFIX = re.compile(r"^(?:level\s+kompetensi|kompetensi|level)\s*[:\-]?\s*", re.IGNORECASE)
# What a competency code looks like when the dictionary does not know it: M9, SK2, T.XYZ.
_CODE_SHAPE = re.compile(r"^(?:[A-Za-z]{1,4}\d{1,3}|[A-Za-z]+\.[A-Za-z0-9_.\-]+)$")


# -- cells ---------------------------------------------------------------------------------------------


def _method(value: Any) -> str:
    out = re.sub(r"[\s\-]+", "_", cells.text(value).strip().lower())
    out = {"assessment_centre": "assessment_center", "ac": "assessment_center"}.get(out, out)
    if out not in POTENTIAL_METHODS:
        raise cells.CellError(
            msg(
                "expected assessment_center, tes_potensi or atasan, not {value!r}",
                value=cells.text(value)[:40],
            )
        )
    return out


def _level(value: Any) -> int:
    try:
        level = cells.integer(value)
    except cells.CellError as exc:
        raise cells.CellError(
            msg("expected a level from 1 to 5, not {value!r}", value=cells.text(value)[:40])
        ) from exc
    if not 1 <= level <= 5:
        raise cells.CellError(msg("expected a level from 1 to 5, not {value}", value=level))
    return level


def _category(value: Any) -> str:
    out = cells.text(value).strip().lower()
    if out not in POTENTIAL_CATEGORIES:
        raise cells.CellError(
            msg("expected rendah, menengah or tinggi, not {value!r}", value=cells.text(value)[:40])
        )
    return out


# -- columns -------------------------------------------------------------------------------------------

FIXED = Layout(
    ASSESSMENT_RESULTS,
    (
        Column(
            "nip",
            "NIP",
            cells.nip,
            "NIP pegawai yang dinilai (format kolom sebagai Teks).",
            EXAMPLE_NIP,
            required=True,
            aliases=("nip baru", "ni pppk", "nomor induk pegawai"),
            width=21,
        ),
        Column(
            "name",
            "Nama",
            cells.text,
            "Opsional, hanya untuk dibaca: nama pegawai (tidak mengubah profil).",
            "Siti Rahmawati, S.Kom.",
            aliases=("nama lengkap", "nama pegawai", "nama asn", "nama peserta"),
            width=30,
        ),
        Column(
            "assessed_on",
            "Tanggal Asesmen",
            cells.day,
            "Tanggal pelaksanaan asesmen: YYYY-MM-DD atau DD/MM/YYYY; tidak boleh di masa depan.",
            date(2025, 8, 14),
            Kind.date,
            required=True,
            aliases=("tanggal penilaian", "tgl asesmen", "tanggal assessment", "tanggal pelaksanaan"),
            width=16,
        ),
        Column(
            "method",
            "Metode",
            _method,
            "assessment_center, tes_potensi atau atasan. tes_potensi hanya memuat skor potensi.",
            "assessment_center",
            required=True,
            aliases=("metode asesmen", "metode penilaian", "jenis asesmen"),
            width=20,
        ),
        Column(
            "assessor",
            "Asesor",
            cells.text,
            "Lembaga atau tim penilai.",
            "UPT Penilaian Kompetensi BKD Provinsi Kalimantan Timur",
            aliases=("penilai", "lembaga penilai", "lembaga asesor", "tim asesor"),
            width=30,
        ),
        Column(
            "potential_score",
            "Skor Potensi",
            cells.score,
            "Skor potensi 0–100 (paling banyak 2 desimal). Kosong: tidak ada penilaian potensi.",
            Decimal("78.25"),
            Kind.jp,
            aliases=("nilai potensi", "skor potensial", "nilai potensial"),
            width=14,
        ),
        Column(
            "potential_category",
            "Kategori Potensi",
            _category,
            "Opsional: rendah, menengah atau tinggi sebagaimana diberikan asesor; kosong: dihitung dari "
            "batas kategori aturan tahun itu.",
            "menengah",
            aliases=("kategori potensial",),
            width=16,
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class Columns:
    """Where an uploaded sheet holds each field, each competency level, and the unknown competencies."""

    mapping: Mapping
    codes: tuple[str, ...]  # the dictionary's codes with a column, in the sheet's order
    unknown: tuple[str, ...]  # headers shaped like a competency code the dictionary lacks


def _code_in(title: str) -> tuple[str, bool]:
    """The competency code a header names (`Level M1` → `M1`), and whether it said so by a prefix."""
    stripped = _PREFIX.sub("", title).strip()
    return (stripped, True) if stripped and stripped != title else (title, False)


async def columns(session: AsyncSession, header: list[str]) -> Columns:
    """The fields and competency columns of an uploaded header row; 422 when it lacks required columns
    or names one thing twice, or has neither a competency column nor potential_score."""
    fixed = match(FIXED, header)
    taken = {index for index, _ in fixed.positions}
    dictionary = {
        code.upper(): (code, name)
        for code, name in await session.execute(select(Competency.code, Competency.name))
    }
    positions = list(fixed.positions)
    codes: list[str] = []
    unknown: list[str] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for index, raw in enumerate(header):
        title = (raw or "").strip()
        if not title or index in taken:
            continue
        candidate, prefixed = _code_in(title)
        found = dictionary.get(candidate.upper())
        if found is not None:
            code, name = found
            if code in seen:
                duplicates.append(msg("{first!r} and {second!r}", first=seen[code], second=title[:60]))
                continue
            seen[code] = title[:60]
            positions.append((index, Column(code, name[:60], _level, "", None, Kind.integer)))
            codes.append(code)
        elif prefixed or _CODE_SHAPE.match(candidate):
            positions.append((index, Column(title[:60], title[:60], cells.text, "", None)))
            unknown.append(title[:60])
        else:
            ignored.append(title[:60])
    if duplicates:
        raise DuplicateColumns(
            msg(
                "These columns name the same field: {duplicates}; keep one of each",
                duplicates=notes(duplicates),
            ),
            columns=duplicates,
        )
    if not codes and not unknown and not any(c.field == "potential_score" for _, c in fixed.positions):
        raise MissingColumns(
            msg(
                "The header row has no competency column (a code of the dictionary such as M1; see "
                "/api/v1/competencies) and no potential_score (Skor Potensi); give at least one. "
                "Download the template from /api/v1/imports/templates/{template}",
                template=template_slug(ASSESSMENT_RESULTS),
            ),
            columns=["competency_code", "potential_score"],
        )
    return Columns(Mapping(tuple(positions), tuple(ignored)), tuple(codes), tuple(unknown))


# -- the template --------------------------------------------------------------------------------------


async def template_layout(session: AsyncSession) -> Layout:
    """The template's columns: the fields, then every active competency of the dictionary in its order
    (manajerial and sosial kultural with an example level, teknis empty)."""
    found = sorted(
        await session.execute(
            select(Competency.code, Competency.name, Competency.group).where(Competency.active)
        ),
        key=lambda c: lookup.dictionary_order(c[0], c[2]),
    )
    levels = tuple(
        Column(
            code,
            code,
            _level,
            f"Level 1–5 kompetensi {name} ({code}). Kosong: kompetensi ini tidak dinilai.",
            3 if group != "teknis" else None,
            Kind.integer,
            width=8,
        )
        for code, name, group in found
    )
    return Layout(ASSESSMENT_RESULTS, FIXED.columns + levels)


GUIDE_LISTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("method", tuple(METHOD_NAMES.items())),
    ("potential_category", tuple(CATEGORY_NAMES.items())),
)
GUIDE_NOTE = (
    "Satu kolom per kode kompetensi kamus (M1…M8, SK1, kode teknis; boleh ditulis 'Level M1') berisi "
    "level 1–5. Isi level kompetensi, Skor Potensi, atau keduanya. Mengunggah berkas yang sama lagi "
    "tidak membuat penilaian baru."
)


# -- rows ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Candidate:
    row: SourceRow
    nip: str
    competency: AssessmentCreate | None
    potential: PotentialAssessmentCreate | None


@dataclass(slots=True)
class _Chunk:
    applied: Applied = field(default_factory=Applied)
    names: dict[str, str] = field(default_factory=dict)

    def reject(
        self,
        row: SourceRow,
        nip: str | None,
        code: str,
        detail: str,
        at: str | None = None,
        message: dict[str, Any] | None = None,
    ) -> None:
        given = row.values.get("name")
        name = self.names.get(nip) if nip else None
        name = name or (str(given)[:200] if given is not None else None)
        self.applied.lines.append(
            ReportLine(row.number, ERROR, nip[:32] if nip else None, name, code, at, detail, message=message)
        )


def _parse(
    chunk: _Chunk, columns: Columns, rows: list[SourceRow], seen: dict[Any, int], today: date
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for row in rows:
        values = row.values
        nip = values.get("nip")
        if row.error is not None:
            chunk.reject(row, nip, VALIDATION_ERROR, row.error, row.error_field)
            continue
        missing = next((f for f in ("nip", "assessed_on", "method") if values.get(f) is None), None)
        if missing is not None:
            header = FIXED.column(missing).header
            chunk.reject(
                row,
                nip,
                VALIDATION_ERROR,
                msg("{field} ({header}): required", field=missing, header=header),
                missing,
            )
            continue
        unknown = [title for title in columns.unknown if title in values]
        if unknown:
            chunk.reject(
                row,
                nip,
                lookup.UnknownCompetency.code,
                msg(
                    "No competency {codes} in the dictionary (column {column}); see /api/v1/competencies",
                    codes=", ".join(_code_in(t)[0][:20] for t in unknown[:20]),
                    column=unknown[0],
                ),
                unknown[0],
            )
            continue
        levels = {code: values[code] for code in columns.codes if code in values}
        score, category = values.get("potential_score"), values.get("potential_category")
        assessed_on, method, assessor = values["assessed_on"], values["method"], values.get("assessor")
        if not levels and score is None:
            chunk.reject(
                row,
                nip,
                VALIDATION_ERROR,
                msg(
                    "The row gives no competency level and no potential_score (Skor Potensi); nothing to record"
                ),
            )
            continue
        if category is not None and score is None:
            chunk.reject(
                row,
                nip,
                VALIDATION_ERROR,
                msg("potential_category (Kategori Potensi) needs a potential_score (Skor Potensi)"),
                "potential_category",
            )
            continue
        if levels and method not in COMPETENCY_METHOD:
            chunk.reject(
                row,
                nip,
                VALIDATION_ERROR,
                msg(
                    "method {method} rates potential only; give competency levels with assessment_center or atasan",
                    method=method,
                ),
                "method",
            )
            continue
        if assessed_on > today:
            chunk.reject(
                row,
                nip,
                assessments.InvalidAssessmentDate.code,
                msg(
                    "assessed_on {date} is in the future; record an assessment once it took place",
                    date=assessed_on.isoformat(),
                ),
                "assessed_on",
            )
            continue
        if assessed_on < assessments.EARLIEST:
            chunk.reject(
                row,
                nip,
                assessments.InvalidAssessmentDate.code,
                msg("assessed_on must be on or after {earliest}", earliest=assessments.EARLIEST.isoformat()),
                "assessed_on",
            )
            continue
        try:
            competency = (
                AssessmentCreate.model_validate(
                    {
                        "assessed_on": assessed_on.isoformat(),
                        "method": COMPETENCY_METHOD[method],
                        "assessor": assessor,
                        "results": [{"competency_code": c, "level": v} for c, v in levels.items()],
                    }
                )
                if levels
                else None
            )
            potential = (
                PotentialAssessmentCreate.model_validate(
                    {
                        "assessed_on": assessed_on.isoformat(),
                        "method": method,
                        "assessor": assessor,
                        "score": score,
                        "category": category,
                    }
                )
                if score is not None
                else None
            )
        except ValidationError as exc:
            at, detail, message = field_errors(exc)
            chunk.reject(row, nip, VALIDATION_ERROR, detail, at, message)
            continue
        key = (str(nip), assessed_on, method)
        earlier = seen.get(key)
        if earlier is not None:
            chunk.reject(
                row,
                nip,
                DUPLICATE_IN_FILE,
                msg(
                    "Row {row} of this file already gives the {method} assessment of {date} for NIP {nip}; "
                    "give it once",
                    row=earlier,
                    method=method,
                    date=assessed_on.isoformat(),
                    nip=nip,
                ),
            )
            continue
        seen[key] = row.number
        out.append(_Candidate(row, str(nip), competency, potential))
    return out


def first_rows(columns: Columns, rows: list[SourceRow], seen: dict[Any, int]) -> None:
    """Remember the (NIP, date, method) of rows a resumed job already applied."""
    for c in _parse(_Chunk(), columns, rows, {}, latest_indonesian_date()):
        seen.setdefault((c.nip, c.row.values["assessed_on"], c.row.values["method"]), c.row.number)


async def _people(session: AsyncSession, principal: Principal, rows: list[SourceRow]) -> dict[str, Asn]:
    """The ASN of the chunk's NIPs that the caller reaches (their names go on every report line)."""
    nips = sorted({str(n) for n in (row.values.get("nip") for row in rows) if n})
    found: dict[str, Asn] = {}
    condition = asn_service.scope_condition(principal)
    for part in chunked(nips):
        stmt = select(Asn).where(Asn.nip.in_(part))
        if condition is not None:
            stmt = stmt.where(condition)
        found.update({a.nip: a for a in (await session.execute(stmt)).scalars()})
    return found


def _in_scope(chunk: _Chunk, people: dict[str, Asn], candidates: list[_Candidate]) -> list[_Candidate]:
    kept = []
    for c in candidates:
        if c.nip in people:
            kept.append(c)
        else:
            chunk.reject(
                c.row,
                c.nip,
                asn_service.AsnNotFound.code,
                msg("No ASN with NIP {nip} in your scope", nip=c.nip[:18]),
            )
    return kept


CompetencyKey = tuple[str, date, str, str | None, frozenset[tuple[str, int]]]
PotentialKey = tuple[str, date, str, str | None, Decimal, str | None]


def _competency_key(nip: str, data: AssessmentCreate) -> CompetencyKey:
    levels = frozenset((r.competency_code, r.level) for r in data.results)
    return nip, data.assessed_on, data.method, data.assessor, levels


def _potential_key(nip: str, data: PotentialAssessmentCreate) -> PotentialKey:
    return nip, data.assessed_on, data.method, data.assessor, round2(data.score), data.category


async def _stored(
    session: AsyncSession, candidates: list[_Candidate]
) -> tuple[set[CompetencyKey], set[PotentialKey]]:
    """The assessments already recorded for the candidates' NIPs on the candidates' dates."""
    nips = sorted({c.nip for c in candidates})
    days = sorted({c.row.values["assessed_on"] for c in candidates})
    a, p = Assessment, PotentialAssessment
    heads: dict[int, tuple[str, date, str, str | None]] = {}
    potentials: set[PotentialKey] = set()
    for part in chunked(nips):
        for aid, nip, day, method, assessor in await session.execute(
            select(a.id, a.nip, a.assessed_on, a.method, a.assessor).where(
                a.nip.in_(part), a.assessed_on.in_(days)
            )
        ):
            heads[aid] = (nip, day, method, assessor)
        for nip, day, method, assessor, score, category in await session.execute(
            select(p.nip, p.assessed_on, p.method, p.assessor, p.score, p.category).where(
                p.nip.in_(part), p.assessed_on.in_(days)
            )
        ):
            potentials.add((nip, day, method, assessor, round2(Decimal(score)), category))
    levels: dict[int, set[tuple[str, int]]] = {aid: set() for aid in heads}
    for ids in chunked(sorted(heads)):
        for aid, code, level in await session.execute(
            select(
                AssessmentResult.assessment_id, AssessmentResult.competency_code, AssessmentResult.level
            ).where(AssessmentResult.assessment_id.in_(ids))
        ):
            levels[aid].add((code, int(level)))
    competencies = {(*heads[aid], frozenset(levels[aid])) for aid in heads}
    return competencies, potentials


async def apply(
    session: AsyncSession,
    principal: Principal,
    columns: Columns,
    rows: list[SourceRow],
    seen: dict[Any, int],
) -> Applied:
    """Record a chunk's rows; a row whose assessments are all stored already is counted unchanged."""
    people = await _people(session, principal, rows)
    chunk = _Chunk(names={nip: a.name for nip, a in people.items()})
    candidates = _in_scope(chunk, people, _parse(chunk, columns, rows, seen, latest_indonesian_date()))
    if candidates:
        # Two uploads of one sheet at once: the second waits, then finds the first's records.
        nips = sorted({c.nip for c in candidates})
        keys = [f"{prefix}:{n}" for n in nips for prefix in ("assessments", "potential")]
        for part in chunked(sorted(keys)):
            await advisory_xact_lock(session, *part)
        competencies, potentials = await _stored(session, candidates)
        for c in candidates:
            created = False
            if c.competency is not None and _competency_key(c.nip, c.competency) not in competencies:
                await assessments.create(session, principal, people[c.nip], c.competency)
                competencies.add(_competency_key(c.nip, c.competency))
                created = True
            if c.potential is not None and _potential_key(c.nip, c.potential) not in potentials:
                await talent_service.create_potential_assessment(session, principal, c.nip, c.potential)
                potentials.add(_potential_key(c.nip, c.potential))
                created = True
            if created:
                chunk.applied.created += 1
            else:
                chunk.applied.unchanged += 1
    chunk.applied.lines.sort(key=lambda line: line.row)
    return chunk.applied
