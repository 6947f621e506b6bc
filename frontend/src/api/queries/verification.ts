import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { Decision, RecordRead } from "../types";
import { asnKey } from "./asn";
import { learningRecordKey } from "./learningRecords";
import { jpComplianceKey } from "./reports";

const queueKey = ["verification-queue"] as const;

/** The queue's filters; each left out (undefined) means "all". */
export interface QueueFilters {
  /** This unit and its sub-units. */
  unitId?: number;
  formCode?: string;
  /** The activity's year (the year it ended), not the year it was filed. */
  year?: number;
  hasEvidence?: boolean;
}

export interface QueueParams extends QueueFilters {
  cursor: string | null;
  limit?: number;
}

/** Pending claims awaiting verification in the caller's reach, oldest submission first, a cursor page at a time. */
export const verificationQueue = ({ unitId, formCode, year, hasEvidence, cursor, limit = 50 }: QueueParams) =>
  queryOptions({
    queryKey: [...queueKey, { unitId, formCode, year, hasEvidence, cursor, limit }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/verification-queue", {
          params: {
            query: {
              unit_id: unitId,
              form_code: formCode,
              year,
              has_evidence: hasEvidence,
              cursor: cursor ?? undefined,
              limit,
            },
          },
          signal,
        }),
      ),
    // Keep the current page on screen while the next one loads.
    placeholderData: keepPreviousData,
  });

/** Approve or reject one pending record. */
export function verifyRecord(id: number, decision: Decision): Promise<RecordRead> {
  return unwrap(
    api.POST("/api/v1/learning-records/{record_id}/verification", {
      params: { path: { record_id: id } },
      body: decision,
    }),
  );
}

/** After decisions: the queue, the JP figures, the decided records and their ASN's data are out of date. */
export function useAfterDecision() {
  const queryClient = useQueryClient();
  return (nips: Iterable<string>, ids: Iterable<number>) => {
    void queryClient.invalidateQueries({ queryKey: queueKey });
    void queryClient.invalidateQueries({ queryKey: jpComplianceKey });
    for (const id of ids) {
      void queryClient.invalidateQueries({ queryKey: learningRecordKey(id) });
      void queryClient.invalidateQueries({ queryKey: ["audit", "learning_record", id] });
    }
    for (const nip of new Set(nips)) void queryClient.invalidateQueries({ queryKey: asnKey(nip) });
  };
}

export function useVerify() {
  const afterDecision = useAfterDecision();
  return useMutation({
    mutationFn: ({ id, decision }: { id: number; nip: string; decision: Decision }) => verifyRecord(id, decision),
    onSuccess: (_record, { id, nip }) => afterDecision([nip], [id]),
  });
}

/** The units an admin can narrow the queue to: its own unit and every sub-unit (all units for BPSDM). */
export const queueUnits = (under: number | null, enabled = true) =>
  queryOptions({
    queryKey: ["units", "queue-filter", { under }],
    enabled,
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/units", { params: { query: { under: under ?? undefined, limit: 500 } }, signal })),
    staleTime: 5 * 60_000,
    // Without the units the filter offers "all units" only: no reason to fail the queue.
    throwOnError: false,
  });

/**
 * A claim's history as the audit trail records it (entity "learning_record", keyed by the record id),
 * newest first; only bpsdm_admin and auditor may read the trail. Kept here, beside the queue that
 * shows it, rather than in a page of the audit log's own.
 */
export const recordHistory = (recordId: number | null, enabled = true) =>
  queryOptions({
    queryKey: ["audit", "learning_record", recordId],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/audit", {
          params: { query: { entity: "learning_record", key: String(recordId), limit: 100 } },
          signal,
        }),
      ),
    enabled: enabled && recordId !== null,
  });
