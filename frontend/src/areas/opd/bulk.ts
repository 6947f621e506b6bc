import { ApiError } from "../../api/problem";

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
