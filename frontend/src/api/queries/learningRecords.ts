import { queryOptions, skipToken, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { RecordCreate } from "../types";
import { asnKey } from "./asn";

/** A record's evidence sits under the record's key: refreshing the record refreshes its file too. */
export const learningRecordKey = (id: number) => ["learning-records", id] as const;

const isId = (id: number | null | undefined): id is number => typeof id === "number" && id > 0;

/** One learning record with its history. */
export const learningRecord = (id: number | null | undefined) =>
  queryOptions({
    queryKey: learningRecordKey(id ?? 0),
    queryFn: isId(id)
      ? ({ signal }) =>
          unwrap(api.GET("/api/v1/learning-records/{record_id}", { params: { path: { record_id: id } }, signal }))
      : skipToken,
  });

/** The evidence file of a record as a Blob (PDF or image), fetched with the session's token. */
export const recordEvidence = (id: number | null | undefined) =>
  queryOptions({
    queryKey: [...learningRecordKey(id ?? 0), "evidence"],
    queryFn: isId(id)
      ? async ({ signal }) => {
          const call = api.GET("/api/v1/learning-records/{record_id}/evidence", {
            params: { path: { record_id: id } },
            parseAs: "blob",
            signal,
          });
          return (await unwrap(call)) as unknown as Blob;
        }
      : skipToken,
    staleTime: Infinity,
    // A missing file is an answer (shown where the file would be), not a page error.
    throwOnError: false,
    retry: false,
  });

type ClaimWithEvidenceBody = { record: string; file: string };

/**
 * Files a claim: the record and its certificate in one request (POST …/with-evidence), so a refused
 * file leaves no claim behind; without a file, the JSON create. The Idempotency-Key makes a retried
 * submit of the same claim and file a replay, never a second record.
 */
export function useFileClaim(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { body: RecordCreate; file: File | null; idempotencyKey: string }) => {
      const header = { "Idempotency-Key": input.idempotencyKey };
      if (!input.file) {
        const record = await unwrap(
          api.POST("/api/v1/asn/{nip}/learning-records", { params: { path: { nip }, header }, body: input.body }),
        );
        return { record };
      }
      const form = new FormData();
      form.append("record", JSON.stringify(input.body));
      form.append("file", input.file, input.file.name);
      const record = await unwrap(
        api.POST("/api/v1/asn/{nip}/learning-records/with-evidence", {
          params: { path: { nip }, header },
          // openapi-fetch passes FormData through and lets the browser set the multipart boundary.
          body: form as unknown as ClaimWithEvidenceBody,
        }),
      );
      return { record };
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: asnKey(nip) }),
  });
}

/** Withdraws a pending claim (POST /void with a reason). */
export function useVoidRecord(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) =>
      unwrap(
        api.POST("/api/v1/learning-records/{record_id}/void", {
          params: { path: { record_id: id } },
          body: { reason },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: asnKey(nip) }),
  });
}
