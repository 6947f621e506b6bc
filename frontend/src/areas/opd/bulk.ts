import { ApiError } from "../../api/problem";
import { can } from "../../auth/can";

export interface BulkFailure {
  id: number;
  /** problem.code of the refusal (e.g. "self_verification", "invalid_state"), or http_<status>/"network". */
  code: string;
  detail: string;
}

export interface BulkResult {
  succeeded: number[];
  failed: BulkFailure[];
}

/**
 * Run `action` for each id one after the other (the server decides one record per request; in
 * sequence so a large selection doesn't flood it), reporting progress. A refused record is noted and
 * the rest go on.
 */
export async function runBulk(
  ids: readonly number[],
  action: (id: number) => Promise<unknown>,
  onProgress?: (done: number, total: number) => void,
): Promise<BulkResult> {
  const result: BulkResult = { succeeded: [], failed: [] };
  onProgress?.(0, ids.length);
  for (const [index, id] of ids.entries()) {
    try {
      await action(id);
      result.succeeded.push(id);
    } catch (error) {
      if (error instanceof ApiError) {
        result.failed.push({ id, code: error.code, detail: error.problem?.detail ?? error.message });
      } else {
        result.failed.push({ id, code: "network", detail: error instanceof Error ? error.message : String(error) });
      }
    }
    onProgress?.(index + 1, ids.length);
  }
  return result;
}

/** The part of a queue item the no-evidence rule reads. */
export interface BulkCandidate {
  id: number;
  evidence?: unknown;
}

/**
 * Split a selection for bulk approval: claims with a certificate file go ahead; claims without one
 * are skipped, never approved. A claim without evidence is approved only one at a time, by an admin
 * who opened it and answered "Setujui tanpa bukti?" (RecordPanel).
 */
export function splitForBulk<T extends BulkCandidate>(items: readonly T[]): { ready: T[]; noEvidence: T[] } {
  const ready: T[] = [];
  const noEvidence: T[] = [];
  for (const item of items) (item.evidence ? ready : noEvidence).push(item);
  return { ready, noEvidence };
}

/** May this role approve or reject a claim? (The API refuses the auditor with a 403.) */
export function canDecide(role: string | null | undefined): boolean {
  return can(role, "learning_records_verify");
}

/** May this role read the audit trail, and so a claim's history (GET /audit)? */
export function canReadHistory(role: string | null | undefined): boolean {
  return can(role, "audit_list");
}

/** Whole days a claim has waited since it was filed (never negative on a skewed clock). */
export function ageInDays(createdAt: string, now: Date = new Date()): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(createdAt).getTime()) / 86_400_000));
}
