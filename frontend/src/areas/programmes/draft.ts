// The programme editor's model: lines as the form holds them (text as typed), checked and turned into
// the PUT body, and the live totals (cost against the pagu, the gap the lines close) while editing.
import type { TFunction } from "i18next";
import { ApiError } from "../../api/problem";
import type { LineSource, ProgramBody, ProgramLineRead, ProgramRead, ProposalLine } from "../../api/queries/programmes";

export const MAX_LINES = 500;
export const MAX_SESSIONS = 10_000;
export const MAX_PARTICIPANTS = 100_000;
export const MAX_JP = 2000;
export const MAX_COST = 10 ** 13;
export const SOURCES: readonly LineSource[] = ["idp", "gap", "mandatory"];

export interface DraftLine {
  key: number;
  /** The saved line's id (kept by the PUT), null for a new line. */
  id: number | null;
  /** "" for a free title. */
  course_id: string;
  title: string;
  sessions: string;
  participants: string;
  jp: string;
  cost: string;
  competency_codes: string[];
  source: LineSource;
  note: string | null;
}

export type LineField = "course_id" | "title" | "sessions" | "participants" | "jp" | "cost" | "competency_codes";
export type LineErrors = Partial<Record<LineField | "source" | "note", string>>;

let nextKey = 1;

/**
 * A saved line, or a proposal's (no id; a null JP stays empty for the admin to fill). `number` writes
 * the cost with the UI language's thousands separators.
 */
export function draftOf(line: ProgramLineRead | ProposalLine, number: (value: number) => string = String): DraftLine {
  return {
    key: nextKey++,
    id: "id" in line ? line.id : null,
    course_id: line.course_id != null ? String(line.course_id) : "",
    title: line.title,
    sessions: String(line.sessions),
    participants: String(line.participants),
    jp: line.jp != null ? String(line.jp) : "",
    cost: number(line.cost_idr),
    competency_codes: [...line.competency_codes],
    source: line.source,
    note: line.note,
  };
}

export function emptyLine(): DraftLine {
  return {
    key: nextKey++,
    id: null,
    course_id: "",
    title: "",
    sessions: "1",
    participants: "",
    jp: "",
    cost: "0",
    competency_codes: [],
    source: "gap",
    note: null,
  };
}

/** A whole number as typed in [min, max], or null. */
export function parseCount(text: string, min: number, max: number): number | null {
  const typed = text.trim().replace(/[.,\s](?=\d{3}(\D|$))/g, "");
  if (!/^\d{1,9}$/.test(typed)) return null;
  const value = Number(typed);
  return value >= min && value <= max ? value : null;
}

/** JP as typed ("24", "2,5" or "2.5") in (0, 2000] with at most 2 decimals → "2.5", or null. */
export function parseJp(text: string): string | null {
  const normalised = text.trim().replace(",", ".");
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(normalised)) return null;
  const value = Number(normalised);
  return value > 0 && value <= MAX_JP ? normalised : null;
}

/** Whole rupiah as typed, thousands separators allowed ("124.500.000", "Rp 1,500,000") → a number, or null. */
export function parseRupiah(text: string): number | null {
  const typed = text.replace(/^\s*Rp\.?/i, "").replace(/\s/g, "");
  if (typed === "") return 0;
  // Digits, or groups of three after "." or "," ("12,5" is a decimal, not 125).
  if (!/^(\d{1,14}|\d{1,3}([.,]\d{3}){1,4})$/.test(typed)) return null;
  const value = Number(typed.replace(/[.,]/g, ""));
  return value <= MAX_COST ? value : null;
}

export function validateLine(line: DraftLine, t: TFunction): LineErrors {
  const errors: LineErrors = {};
  if (!line.course_id && !line.title.trim()) errors.title = t("programmes.edit.titleRequired");
  if (line.title.length > 300) errors.title = t("programmes.edit.titleLong");
  if (parseCount(line.sessions, 1, MAX_SESSIONS) === null) errors.sessions = t("programmes.edit.sessionsInvalid");
  if (parseCount(line.participants, 1, MAX_PARTICIPANTS) === null)
    errors.participants = t("programmes.edit.participantsInvalid");
  if (parseJp(line.jp) === null)
    errors.jp = line.jp.trim() ? t("programmes.edit.jpInvalid") : t("programmes.edit.jpRequired");
  if (parseRupiah(line.cost) === null) errors.cost = t("programmes.edit.costInvalid");
  return errors;
}

export function toBody(lines: DraftLine[], note: string): ProgramBody {
  return {
    note: note.trim() || null,
    lines: lines.map((line) => ({
      id: line.id,
      course_id: line.course_id ? Number(line.course_id) : null,
      title: line.title.trim() || null,
      sessions: parseCount(line.sessions, 1, MAX_SESSIONS) ?? 0,
      participants: parseCount(line.participants, 1, MAX_PARTICIPANTS) ?? 0,
      jp: parseJp(line.jp) ?? line.jp,
      cost_idr: parseRupiah(line.cost) ?? 0,
      competency_codes: line.competency_codes,
      source: line.source,
      note: line.note,
    })),
  };
}

const FIELD_OF: Record<string, LineField | "source" | "note"> = {
  course_id: "course_id",
  title: "title",
  sessions: "sessions",
  participants: "participants",
  jp: "jp",
  cost_idr: "cost",
  competency_codes: "competency_codes",
  source: "source",
  note: "note",
};

/**
 * The server's 422 errors on lines (`invalid_program_lines` or a validation error, both with
 * `loc: ["body", "lines", i, field, ...]`), by line index and field.
 */
export function serverLineErrors(error: unknown): Map<number, LineErrors> {
  const out = new Map<number, LineErrors>();
  if (!(error instanceof ApiError) || error.status !== 422) return out;
  for (const issue of error.problem?.errors ?? []) {
    const [, list, index, field] = issue.loc;
    if (list !== "lines" || typeof index !== "number") continue;
    const name = typeof field === "string" ? (FIELD_OF[field] ?? "title") : "title";
    out.set(index, { ...out.get(index), [name]: issue.msg });
  }
  return out;
}

/** What a programme costs and reaches: from the saved programme, or live from the lines being edited. */
export interface Totals {
  cost: number;
  participants: number;
  jp: number;
  belowStandard: number;
  covered: number;
  /** covered / below × 100, null when nobody is below. */
  pct: number | null;
}

export function savedTotals(programme: ProgramRead): Totals {
  return {
    cost: programme.total_cost_idr,
    participants: programme.total_participants,
    jp: programme.total_jp,
    belowStandard: programme.gap_closed.below_standard,
    covered: programme.gap_closed.covered,
    pct: programme.gap_closed.pct,
  };
}

/**
 * The totals of the lines being edited, the way the API computes them on save: per competency, the
 * participants of the lines naming it cover at most those below standard in it (a surplus on one
 * competency never covers another's gap).
 */
export function draftTotals(lines: DraftLine[], programme: ProgramRead): Totals {
  let cost = 0;
  let participants = 0;
  let jpHundredths = 0;
  const planned = new Map<string, number>();
  for (const line of lines) {
    const people = parseCount(line.participants, 1, MAX_PARTICIPANTS) ?? 0;
    const jp = parseJp(line.jp);
    cost += parseRupiah(line.cost) ?? 0;
    participants += people;
    if (jp !== null) jpHundredths += Math.round(Number(jp) * 100) * people;
    for (const code of line.competency_codes) planned.set(code, (planned.get(code) ?? 0) + people);
  }
  let below = 0;
  let covered = 0;
  for (const competency of programme.gap_closed.competencies) {
    below += competency.below_standard;
    covered += Math.min(competency.below_standard, planned.get(competency.competency_code) ?? 0);
  }
  return {
    cost,
    participants,
    jp: jpHundredths / 100,
    belowStandard: below,
    covered,
    pct: below > 0 ? Math.round((10_000 * covered) / below) / 100 : null,
  };
}

/** A line's identity for merging a proposal: the course (or the title) and where the need came from. */
function identity(line: DraftLine): string {
  return `${line.source}:${line.course_id || `title:${line.title.trim().toLowerCase()}`}`;
}

/** The lines with the proposal's lines added that are not there yet (same course or title, same source). */
export function mergeProposal(
  lines: DraftLine[],
  proposal: ProposalLine[],
  number: (value: number) => string = String,
): DraftLine[] {
  const present = new Set(lines.map(identity));
  const added = proposal.map((line) => draftOf(line, number)).filter((line) => !present.has(identity(line)));
  return [...lines, ...added];
}
