// TanStack Query hooks over the generated client: the pattern for every page.
//
// - one `keys` entry per resource, hierarchical so invalidating ["asn", nip] refreshes everything
//   about that ASN;
// - queryFn = unwrap(api.GET(path, { params, signal })): typed by the path, cancelled when the query
//   is, failing with an ApiError that carries the problem document;
// - mutations invalidate the keys they change.
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import { unwrap } from "./problem";
import type { AsnUpdate } from "./types";

export const keys = {
  me: ["me"] as const,
  asn: (nip: string) => ["asn", nip] as const,
  asnProfile: (nip: string) => ["asn", nip, "profile"] as const,
  jpSummary: (nip: string, year?: number) => ["asn", nip, "jp-summary", year ?? "current"] as const,
  verificationQueue: (unitId: number | undefined, cursor: string | null, limit: number) =>
    ["verification-queue", unitId ?? "all", cursor, limit] as const,
  jpCompliance: (year?: number, unitId?: number) => ["reports", "jp-compliance", year ?? "current", unitId ?? "all"] as const,
};

export const meQuery = () =>
  queryOptions({
    queryKey: keys.me,
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/auth/me", { signal })),
    staleTime: Infinity,
  });

/** Who is logged in: username, role, nip (ASN), unit_id (OPD admin). */
export function useMe(enabled = true) {
  return useQuery({ ...meQuery(), enabled });
}

/** One ASN's JP of a year (the current year when omitted) against the year's target or cap. */
export function useJpSummary(nip: string | null | undefined, year?: number) {
  return useQuery({
    queryKey: keys.jpSummary(nip ?? "", year),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/asn/{nip}/jp-summary", { params: { path: { nip: nip! }, query: { year } }, signal })),
    enabled: Boolean(nip),
  });
}

/** An ASN profile with its ETag, which an update must send back as If-Match. */
export function useAsnProfile(nip: string | null | undefined) {
  return useQuery({
    queryKey: keys.asnProfile(nip ?? ""),
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/asn/{nip}", { params: { path: { nip: nip! } }, signal });
      const profile = await unwrap(call);
      return { profile, etag: (await call).response.headers.get("ETag") };
    },
    enabled: Boolean(nip),
  });
}

export function useUpdateAsn(nip: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ changes, etag }: { changes: AsnUpdate; etag: string | null }) => {
      const call = api.PATCH("/api/v1/asn/{nip}", {
        // A profile read without an ETag cannot be updated safely; a blank If-Match gets the
        // server's 428, which the form shows, instead of an unconditional overwrite.
        params: { path: { nip }, header: { "If-Match": etag ?? "" } },
        body: changes,
      });
      const profile = await unwrap(call);
      return { profile, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(keys.asnProfile(nip), saved);
      void queryClient.invalidateQueries({ queryKey: keys.asn(nip) });
    },
  });
}

/** Pending claims awaiting verification in the caller's reach, one cursor page at a time. */
export function useVerificationQueue(params: { unitId?: number; cursor: string | null; limit?: number }) {
  const limit = params.limit ?? 50;
  return useQuery({
    queryKey: keys.verificationQueue(params.unitId, params.cursor, limit),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/verification-queue", {
          params: { query: { unit_id: params.unitId, cursor: params.cursor ?? undefined, limit } },
          signal,
        }),
      ),
    // Keep the current page on screen while the next one loads.
    placeholderData: keepPreviousData,
  });
}

/** JP compliance of a year per unit (per OPD without unitId). */
export function useJpCompliance(year?: number, unitId?: number) {
  return useQuery({
    queryKey: keys.jpCompliance(year, unitId),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/jp-compliance", { params: { query: { year, unit_id: unitId } }, signal })),
  });
}
