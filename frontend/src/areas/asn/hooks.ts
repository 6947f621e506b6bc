// Data hooks of the ASN area. Keys start with ["asn", nip] so that invalidating keys.asn(nip) (as the
// shared profile update does) refreshes them too.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../../api/client";
import { keys } from "../../api/hooks";
import { unwrap } from "../../api/problem";
import type { RecordCreate, RecordRead, RecordStatus } from "./types";

export const asnKeys = {
  records: (nip: string, filter: { year?: number; status?: RecordStatus; cursor?: string | null; limit?: number }) =>
    ["asn", nip, "records", filter.year ?? "all", filter.status ?? "all", filter.cursor ?? null, filter.limit ?? 50] as const,
  record: (id: number) => ["learning-record", id] as const,
  gaps: (nip: string) => ["asn", nip, "competency-gaps"] as const,
  plan: (nip: string) => ["asn", nip, "development-plan"] as const,
  reference: (kind: "learning_forms") => ["reference", kind] as const,
  competencies: ["competencies", "active"] as const,
};

// The home page's cards each show their own error, so one failing card leaves the others usable.
const LOCAL_ERRORS = { throwOnError: false } as const;

/** One page of an ASN's learning records (newest first), optionally of one year and status. */
export function useLearningRecords(
  nip: string | null | undefined,
  filter: { year?: number; status?: RecordStatus; cursor?: string | null; limit?: number },
  options: { localErrors?: boolean } = {},
) {
  return useQuery({
    queryKey: asnKeys.records(nip ?? "", filter),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/asn/{nip}/learning-records", {
          params: {
            path: { nip: nip! },
            query: {
              year: filter.year,
              status: filter.status,
              cursor: filter.cursor ?? undefined,
              limit: filter.limit ?? 50,
            },
          },
          signal,
        }),
      ),
    enabled: Boolean(nip),
    placeholderData: keepPreviousData,
    ...(options.localErrors ? LOCAL_ERRORS : {}),
  });
}

/** One record with its history (the duplicate a claim collided with). */
export function useLearningRecord(id: number | null | undefined) {
  return useQuery({
    queryKey: asnKeys.record(id ?? 0),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/learning-records/{record_id}", { params: { path: { record_id: id! } }, signal })),
    enabled: typeof id === "number" && id > 0,
    ...LOCAL_ERRORS,
  });
}

export function useCompetencyGaps(nip: string | null | undefined) {
  return useQuery({
    queryKey: asnKeys.gaps(nip ?? ""),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/asn/{nip}/competency-gaps", { params: { path: { nip: nip! } }, signal })),
    enabled: Boolean(nip),
    ...LOCAL_ERRORS,
  });
}

export function useDevelopmentPlan(nip: string | null | undefined) {
  return useQuery({
    queryKey: asnKeys.plan(nip ?? ""),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/asn/{nip}/development-plan", { params: { path: { nip: nip! } }, signal })),
    enabled: Boolean(nip),
    ...LOCAL_ERRORS,
  });
}

/** The SIASN learning forms (jenisDiklat), for the claim form's picker and the ledger's labels. */
export function useLearningForms() {
  return useQuery({
    queryKey: asnKeys.reference("learning_forms"),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reference/{kind}", { params: { path: { kind: "learning_forms" } }, signal })),
    staleTime: Infinity,
    ...LOCAL_ERRORS,
  });
}

/** The competency dictionary (offered ones), for tagging a claim. */
export function useCompetencies() {
  return useQuery({
    queryKey: asnKeys.competencies,
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/competencies", { params: { query: { active: true, limit: 500 } }, signal })),
    staleTime: 10 * 60_000,
    ...LOCAL_ERRORS,
  });
}

type EvidenceBody = { file: string };

/**
 * Files a claim: creates the record (with an Idempotency-Key, so a retried submit cannot make two),
 * then uploads the certificate. When only the upload failed, call again with `created` to retry it
 * without creating the record twice.
 */
export function useFileClaim(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: {
      body: RecordCreate;
      file: File | null;
      idempotencyKey: string;
      created?: RecordRead | null;
    }): Promise<{ record: RecordRead; stage: "done" }> => {
      const record =
        input.created ??
        (await unwrap(
          api.POST("/api/v1/asn/{nip}/learning-records", {
            params: { path: { nip }, header: { "Idempotency-Key": input.idempotencyKey } },
            body: input.body,
          }),
        ));
      if (!input.file) return { record, stage: "done" };
      try {
        const form = new FormData();
        form.append("file", input.file, input.file.name);
        const withEvidence = await unwrap(
          api.POST("/api/v1/learning-records/{record_id}/evidence", {
            params: { path: { record_id: record.id } },
            // openapi-fetch passes FormData through and lets the browser set the multipart boundary.
            body: form as unknown as EvidenceBody,
          }),
        );
        return { record: withEvidence, stage: "done" };
      } catch (error) {
        throw new UploadFailed(record, error);
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.asn(nip) }),
  });
}

/** The record was created but its certificate did not upload. */
export class UploadFailed extends Error {
  readonly record: RecordRead;
  readonly cause: unknown;

  constructor(record: RecordRead, cause: unknown) {
    super("evidence upload failed");
    this.name = "UploadFailed";
    this.record = record;
    this.cause = cause;
  }
}

/** Withdraws a pending claim (POST /void with a reason). */
export function useVoidRecord(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) =>
      unwrap(api.POST("/api/v1/learning-records/{record_id}/void", { params: { path: { record_id: id } }, body: { reason } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.asn(nip) }),
  });
}
