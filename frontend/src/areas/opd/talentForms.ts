// Client-side checks of the SKP and sanction forms, mirroring the API's (PerformanceBody and
// DisciplinaryRecordCreate), so most mistakes are flagged before a round trip. The server stays the judge.
import type { DisciplinaryRecordCreate, PerformanceBody, Predikat, SanctionLevel } from "../../api/types";

export const PREDIKATS: readonly Predikat[] = ["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"];
export const SANCTION_LEVELS: readonly SanctionLevel[] = ["ringan", "sedang", "berat"];

/** Error message keys (under opd.talent.errors) per field. */
export type FormErrors<F extends string> = Partial<Record<F, string>>;

export interface SkpDraft {
  predikat: Predikat | "";
  score: string;
}

/**
 * A score typed as "84,5" (Indonesian) or "84.5": the number as the API's decimal text ("84.5"), null
 * when left empty, or an error key when it is not a number of 0–100 with two decimals at most.
 */
export function parseScore(text: string): { value: string | null } | { error: string } {
  const cleaned = text.trim().replace(/\s/g, "").replace(",", ".");
  if (cleaned === "") return { value: null };
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return { error: "scoreFormat" };
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return { error: "scoreDecimals" };
  if (Number(cleaned) > 100) return { error: "scoreRange" };
  return { value: String(Number(cleaned)) };
}

export function validateSkp(draft: SkpDraft): FormErrors<keyof SkpDraft> {
  const errors: FormErrors<keyof SkpDraft> = {};
  if (!draft.predikat) errors.predikat = "required";
  const score = parseScore(draft.score);
  if ("error" in score) errors.score = score.error;
  return errors;
}

/** The API body of a valid SKP draft. */
export function toPerformanceBody(draft: SkpDraft): PerformanceBody {
  const score = parseScore(draft.score);
  return { predikat: draft.predikat as Predikat, score: "value" in score ? score.value : null };
}

export interface SanctionDraft {
  level: SanctionLevel | "";
  decidedOn: string;
  endsOn: string;
  reference: string;
}

export function validateSanction(draft: SanctionDraft, today: string): FormErrors<keyof SanctionDraft> {
  const errors: FormErrors<keyof SanctionDraft> = {};
  if (!draft.level) errors.level = "required";
  if (!draft.decidedOn) errors.decidedOn = "required";
  else if (draft.decidedOn > today) errors.decidedOn = "decidedFuture";
  if (draft.endsOn && draft.decidedOn && draft.endsOn < draft.decidedOn) errors.endsOn = "endsBeforeDecided";
  if (draft.reference.trim().length > 200) errors.reference = "tooLong";
  return errors;
}

/** The API body of a valid sanction draft. */
export function toSanctionCreate(draft: SanctionDraft): DisciplinaryRecordCreate {
  return {
    level: draft.level as SanctionLevel,
    decided_on: draft.decidedOn,
    ends_on: draft.endsOn || null,
    reference: draft.reference.trim() || null,
  };
}
