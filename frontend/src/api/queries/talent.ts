import { queryOptions, skipToken, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { ApiError, unwrap } from "../problem";
import type { DisciplinaryRecordCreate, PerformanceBody, PerformanceRead } from "../types";
import { asnKey } from "./asn";

// Talent records sit under the ASN's key (asn.ts), so a change of the ASN refreshes them too.
const performanceKey = (nip: string) => [...asnKey(nip), "performance"] as const;
const potentialKey = (nip: string) => [...asnKey(nip), "potential-assessments"] as const;
const sanctionsKey = (nip: string) => [...asnKey(nip), "disciplinary-records"] as const;

/** A year's SKP result and its ETag; `result` is null when the year has none yet (404 performance_not_found). */
export interface PerformanceOfYear {
  result: PerformanceRead | null;
  etag: string | null;
}

/** The ASN's SKP result of one year, with the ETag a replacement must send back as If-Match. */
export const performanceOfYear = (nip: string | null | undefined, year: number) =>
  queryOptions({
    queryKey: [...performanceKey(nip ?? ""), year],
    queryFn: nip
      ? async ({ signal }): Promise<PerformanceOfYear> => {
          const call = api.GET("/api/v1/asn/{nip}/performance/{year}", { params: { path: { nip, year } }, signal });
          try {
            const result = await unwrap(call);
            return { result, etag: (await call).response.headers.get("ETag") };
          } catch (error) {
            if (error instanceof ApiError && error.code === "performance_not_found")
              return { result: null, etag: null };
            throw error;
          }
        }
      : skipToken,
  });

/** The ASN's potential assessments, newest first (confidential: never an ASN's own). */
export const potentialAssessments = (nip: string | null | undefined) =>
  queryOptions({
    queryKey: potentialKey(nip ?? ""),
    queryFn: nip
      ? ({ signal }) =>
          unwrap(
            api.GET("/api/v1/asn/{nip}/potential-assessments", {
              params: { path: { nip }, query: { limit: 50 } },
              signal,
            }),
          )
      : skipToken,
  });

/** The ASN's disciplinary sanctions, newest decision first (never shown to any ASN). */
export const disciplinaryRecords = (nip: string | null | undefined) =>
  queryOptions({
    queryKey: sanctionsKey(nip ?? ""),
    queryFn: nip
      ? ({ signal }) =>
          unwrap(
            api.GET("/api/v1/asn/{nip}/disciplinary-records", {
              params: { path: { nip }, query: { limit: 50 } },
              signal,
            }),
          )
      : skipToken,
  });

/**
 * Records (201) or replaces (200) a year's SKP result. `etag` is the stored result's: sent as If-Match
 * when replacing, left out when the year has none (the server answers 428 if one appeared meanwhile).
 */
export function usePutPerformance(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ year, body, etag }: { year: number; body: PerformanceBody; etag: string | null }) => {
      const call = api.PUT("/api/v1/asn/{nip}/performance/{year}", {
        params: { path: { nip, year }, header: etag ? { "If-Match": etag } : undefined },
        body,
      });
      const result = await unwrap(call);
      return { result, etag: (await call).response.headers.get("ETag") } satisfies PerformanceOfYear;
    },
    onSuccess: (saved, { year }) => {
      queryClient.setQueryData(performanceOfYear(nip, year).queryKey, saved);
    },
    // A 412/428 means the cached result is stale: read it again, and the form shows the fresh one.
    onError: () => void queryClient.invalidateQueries({ queryKey: performanceKey(nip) }),
  });
}

/** Records a disciplinary sanction; the Idempotency-Key makes a retried click a replay, never a second record. */
export function useCreateDisciplinaryRecord(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: DisciplinaryRecordCreate; idempotencyKey: string }) =>
      unwrap(
        api.POST("/api/v1/asn/{nip}/disciplinary-records", {
          params: { path: { nip }, header: { "Idempotency-Key": idempotencyKey } },
          body,
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: sanctionsKey(nip) }),
  });
}
