// Data hooks of the OPD admin area (verification, compliance, one ASN's detail). Query keys live
// here, under "opd", apart from the shared ones in api/hooks.ts; a decision also refreshes the
// shared keys of the ASN it concerns.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { keys } from "../../api/hooks";
import { unwrap } from "../../api/problem";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type RecordDetail = Schemas["RecordDetail"];
export type RecordRead = Schemas["RecordRead"];
export type CompetencyGaps = Schemas["CompetencyGaps"];
export type Decision = Schemas["Decision"];

export const opdKeys = {
  record: (id: number) => ["opd", "record", id] as const,
  evidence: (id: number) => ["opd", "record", id, "evidence"] as const,
  forms: ["opd", "reference", "learning_forms"] as const,
  asnList: (unitId: number | undefined, q: string, cursor: string | null, limit: number) =>
    ["opd", "asn-list", unitId ?? "all", q, cursor, limit] as const,
  records: (nip: string, year: number) => ["asn", nip, "opd-records", year] as const,
  gaps: (nip: string) => ["asn", nip, "opd-gaps"] as const,
};

/** One learning record with its history (the queue's detail panel). */
export function useRecord(id: number | null) {
  return useQuery({
    queryKey: opdKeys.record(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/learning-records/{record_id}", { params: { path: { record_id: id! } }, signal })),
    enabled: id !== null,
  });
}

/** The evidence file of a record as a Blob (PDF or image), fetched with the session's token. */
export async function fetchEvidence(id: number, signal?: AbortSignal): Promise<Blob> {
  const call = api.GET("/api/v1/learning-records/{record_id}/evidence", {
    params: { path: { record_id: id } },
    parseAs: "blob",
    signal,
  });
  return (await unwrap(call)) as unknown as Blob;
}

export function useEvidence(id: number | null, enabled: boolean) {
  return useQuery({
    queryKey: opdKeys.evidence(id ?? 0),
    queryFn: ({ signal }) => fetchEvidence(id!, signal),
    enabled: id !== null && enabled,
    staleTime: Infinity,
    // A missing file is an answer (shown in the panel), not a page error.
    throwOnError: false,
    retry: false,
  });
}

/** Names of the learning forms (SIASN jenis diklat), code → name. */
export function useLearningForms() {
  return useQuery({
    queryKey: opdKeys.forms,
    queryFn: async ({ signal }) => {
      const list = await unwrap(api.GET("/api/v1/reference/{kind}", { params: { path: { kind: "learning_forms" } }, signal }));
      return new Map(list.items.map((item) => [item.code, item.name]));
    },
    staleTime: Infinity,
    throwOnError: false,
  });
}

/** Approve or reject one pending record. */
export function verifyRecord(id: number, decision: Decision): Promise<RecordRead> {
  return unwrap(
    api.POST("/api/v1/learning-records/{record_id}/verification", {
      params: { path: { record_id: id } },
      body: decision,
    }),
  );
}

/** After decisions: the queue, the decided records and the ASN's figures are out of date. */
export function useAfterDecision() {
  const queryClient = useQueryClient();
  return (nips: Iterable<string>, ids: Iterable<number>) => {
    void queryClient.invalidateQueries({ queryKey: ["verification-queue"] });
    void queryClient.invalidateQueries({ queryKey: ["reports"] });
    for (const id of ids) void queryClient.invalidateQueries({ queryKey: opdKeys.record(id) });
    for (const nip of new Set(nips)) void queryClient.invalidateQueries({ queryKey: keys.asn(nip) });
  };
}

export function useVerify() {
  const afterDecision = useAfterDecision();
  return useMutation({
    mutationFn: ({ id, decision }: { id: number; nip: string; decision: Decision }) => verifyRecord(id, decision),
    onSuccess: (_record, { id, nip }) => afterDecision([nip], [id]),
  });
}

/** The active ASN of a unit (and its sub-units), searched by NIP prefix or name. */
export function useAsnList(params: { unitId?: number; q: string; cursor: string | null; limit: number }) {
  const { unitId, q, cursor, limit } = params;
  return useQuery({
    queryKey: opdKeys.asnList(unitId, q, cursor, limit),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/asn", {
          params: { query: { unit_id: unitId, q: q || undefined, active: true, cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
}

/** An ASN's learning records of a year (all statuses), up to 200. */
export function useAsnRecords(nip: string, year: number) {
  return useQuery({
    queryKey: opdKeys.records(nip, year),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/asn/{nip}/learning-records", {
          params: { path: { nip }, query: { year, limit: 200 } },
          signal,
        }),
      ),
  });
}

export function useCompetencyGaps(nip: string) {
  return useQuery({
    queryKey: opdKeys.gaps(nip),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/asn/{nip}/competency-gaps", { params: { path: { nip } }, signal })),
  });
}
