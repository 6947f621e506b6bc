// Client-side checks of the claim form, mirroring the API's (RecordCreate and the ledger's rules), so
// most mistakes are flagged before a round trip. The server stays the judge: its 422s are shown too.
import type { RecordCreate } from "../../api/types";

export type DurationUnit = "jp" | "minutes";

export interface ClaimDraft {
  formCode: string;
  title: string;
  startDate: string;
  endDate: string;
  unit: DurationUnit;
  amount: string;
  organizer: string;
  certificateNumber: string;
  competencyCodes: string[];
}

export type ClaimField =
  | "formCode"
  | "title"
  | "startDate"
  | "endDate"
  | "amount"
  | "organizer"
  | "certificateNumber"
  | "competencyCodes"
  | "file";

/** Error message keys (under asn.claim.errors) per field. */
export type ClaimErrors = Partial<Record<ClaimField, string>>;

export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const EVIDENCE_TYPES = ["application/pdf", "image/png", "image/jpeg"];
const MAX_JP = 2000;
const MAX_MINUTES = 120_000;

/** "1,5" (Indonesian) or "1.5" as a number; NaN when it is not one. */
export function parseAmount(text: string): number {
  const cleaned = text.trim().replace(/\s/g, "").replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return Number.NaN;
  return Number(cleaned);
}

/** Today in the browser's zone as "YYYY-MM-DD". */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function checkFile(file: File | null): string | undefined {
  if (!file) return "fileRequired";
  if (!EVIDENCE_TYPES.includes(file.type)) return "fileType";
  if (file.size > MAX_FILE_BYTES) return "fileSize";
  if (file.size === 0) return "fileEmpty";
  return undefined;
}

export function validateClaim(draft: ClaimDraft, file: File | null, today = localToday()): ClaimErrors {
  const errors: ClaimErrors = {};
  if (!draft.formCode) errors.formCode = "required";
  if (!draft.title.trim()) errors.title = "required";
  else if (draft.title.trim().length > 300) errors.title = "tooLong";
  if (!draft.startDate) errors.startDate = "required";
  if (!draft.endDate) errors.endDate = "required";
  else if (draft.startDate && draft.endDate < draft.startDate) errors.endDate = "endBeforeStart";
  else if (draft.endDate > today) errors.endDate = "future";
  const amount = parseAmount(draft.amount);
  if (!draft.amount.trim()) errors.amount = "required";
  else if (Number.isNaN(amount) || amount <= 0) errors.amount = "positive";
  else if (draft.unit === "jp" && amount > MAX_JP) errors.amount = "jpTooLarge";
  else if (draft.unit === "minutes" && !Number.isInteger(amount)) errors.amount = "wholeMinutes";
  else if (draft.unit === "minutes" && amount > MAX_MINUTES) errors.amount = "minutesTooLarge";
  if (draft.organizer.trim().length > 200) errors.organizer = "tooLong";
  if (draft.certificateNumber.trim().length > 100) errors.certificateNumber = "tooLong";
  const fileError = checkFile(file);
  if (fileError) errors.file = fileError;
  return errors;
}

/** The API body of a valid draft. */
export function toRecordCreate(draft: ClaimDraft): RecordCreate {
  const amount = parseAmount(draft.amount);
  return {
    form_code: draft.formCode,
    title: draft.title.trim(),
    start_date: draft.startDate,
    end_date: draft.endDate,
    ...(draft.unit === "jp" ? { jp: amount } : { duration_minutes: amount }),
    organizer: draft.organizer.trim() || null,
    certificate_number: draft.certificateNumber.trim() || null,
    competency_codes: draft.competencyCodes,
  };
}

const API_FIELDS: Record<string, ClaimField> = {
  form_code: "formCode",
  title: "title",
  start_date: "startDate",
  end_date: "endDate",
  jp: "amount",
  duration_minutes: "amount",
  organizer: "organizer",
  certificate_number: "certificateNumber",
  competency_codes: "competencyCodes",
};

/** Which form field an API field name (the last string of a 422 `loc`) belongs to. */
export function fieldOfApi(loc: Array<string | number>): ClaimField | undefined {
  for (let i = loc.length - 1; i >= 0; i--) {
    const part = loc[i];
    if (typeof part === "string" && part in API_FIELDS) return API_FIELDS[part];
  }
  return undefined;
}

/** Domain 422 codes that concern one field. */
export const CODE_FIELDS: Record<string, ClaimField> = {
  invalid_dates: "endDate",
  invalid_jp: "amount",
  unknown_form_code: "formCode",
  unknown_competency: "competencyCodes",
};

/** The server's verdicts on a file (judged by its bytes), as message keys of the file field. */
export const FILE_CODES: Record<string, string> = {
  unsupported_evidence_type: "fileContent",
  evidence_too_large: "fileSize",
  evidence_empty: "fileEmpty",
  payload_too_large: "fileSize",
};

/** What tells one chosen file from another, for the Idempotency-Key. */
export function fileIdentity(file: File | null): string | null {
  return file ? `${file.name}|${file.size}|${file.lastModified}` : null;
}

/** A random key for Idempotency-Key; crypto.randomUUID only exists on secure origins. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
