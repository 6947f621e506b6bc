import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { Decision, RecordRead } from "../types";
import { asnKey } from "./asn";
import { learningRecordKey } from "./learningRecords";
import { jpComplianceKey } from "./reports";

const queueKey = ["verification-queue"] as const;

export interface QueueParams {
  unitId?: number;
  cursor: string | null;
  limit?: number;
}

/** Pending claims awaiting verification in the caller's reach, one cursor page at a time. */
export const verificationQueue = ({ unitId, cursor, limit = 50 }: QueueParams) =>
  queryOptions({
    queryKey: [...queueKey, { unitId, cursor, limit }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/verification-queue", {
          params: { query: { unit_id: unitId, cursor: cursor ?? undefined, limit } },
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
    for (const id of ids) void queryClient.invalidateQueries({ queryKey: learningRecordKey(id) });
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
