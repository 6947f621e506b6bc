import {
  keepPreviousData,
  queryOptions,
  skipToken,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { AsnUpdate, PositionRead, RecordStatus, UnitRead } from "../types";
import { positionDetail } from "./positions";
import { unitDetail } from "./units";

/** Everything about one ASN sits under its key, so one invalidation refreshes all of it. */
export const asnKey = (nip: string) => ["asn", nip] as const;

export interface AsnListParams {
  unitId?: number;
  q: string;
  cursor: string | null;
  limit: number;
}

/** The active ASN of a unit (and its sub-units), searched by NIP prefix or name, a cursor page at a time. */
export const asnList = ({ unitId, q, cursor, limit }: AsnListParams) =>
  queryOptions({
    queryKey: ["asn-list", { unitId, q, cursor, limit }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/asn", {
          params: { query: { unit_id: unitId, q: q || undefined, active: true, cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    // Keep the current page on screen while the next one loads.
    placeholderData: keepPreviousData,
  });

/** An ASN profile with its ETag, which an update must send back as If-Match. */
export const asnProfile = (nip: string | null | undefined) =>
  queryOptions({
    queryKey: [...asnKey(nip ?? ""), "profile"],
    queryFn: nip
      ? async ({ signal }) => {
          const call = api.GET("/api/v1/asn/{nip}", { params: { path: { nip } }, signal });
          const profile = await unwrap(call);
          return { profile, etag: (await call).response.headers.get("ETag") };
        }
      : skipToken,
  });

/** One ASN's JP of a year (the current year when omitted) against the year's target or cap. */
export const jpSummary = (nip: string | null | undefined, year?: number) =>
  queryOptions({
    queryKey: [...asnKey(nip ?? ""), "jp-summary", year ?? "current"],
    queryFn: nip
      ? ({ signal }) =>
          unwrap(api.GET("/api/v1/asn/{nip}/jp-summary", { params: { path: { nip }, query: { year } }, signal }))
      : skipToken,
  });

export interface LearningRecordsParams {
  year?: number;
  status?: RecordStatus;
  cursor?: string | null;
  limit?: number;
}

/** One page of an ASN's learning records (newest first), optionally of one year and status. */
export const asnLearningRecords = (nip: string | null | undefined, params: LearningRecordsParams) => {
  const query = {
    year: params.year,
    status: params.status,
    cursor: params.cursor ?? undefined,
    limit: params.limit ?? 50,
  };
  return queryOptions({
    queryKey: [...asnKey(nip ?? ""), "learning-records", query],
    queryFn: nip
      ? ({ signal }) =>
          unwrap(api.GET("/api/v1/asn/{nip}/learning-records", { params: { path: { nip }, query }, signal }))
      : skipToken,
  });
};

/** An ASN's competency levels against the position's standard. */
export const competencyGaps = (nip: string | null | undefined) =>
  queryOptions({
    queryKey: [...asnKey(nip ?? ""), "competency-gaps"],
    queryFn: nip
      ? ({ signal }) => unwrap(api.GET("/api/v1/asn/{nip}/competency-gaps", { params: { path: { nip } }, signal }))
      : skipToken,
  });

/** Catalogue courses for each competency below the position's standard. */
export const developmentPlan = (nip: string | null | undefined) =>
  queryOptions({
    queryKey: [...asnKey(nip ?? ""), "development-plan"],
    queryFn: nip
      ? ({ signal }) => unwrap(api.GET("/api/v1/asn/{nip}/development-plan", { params: { path: { nip } }, signal }))
      : skipToken,
  });

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
      queryClient.setQueryData(asnProfile(nip).queryKey, saved);
      void queryClient.invalidateQueries({ queryKey: asnKey(nip) });
    },
  });
}

/**
 * Where an ASN sits: the position (jabatan) and the unit (unit kerja) named, read from their own
 * endpoints because the profile carries only their ids. Missing names leave the page usable.
 */
export function useAsnPlacement(asn: { position_id: number | null; unit_id: number } | undefined): {
  position: PositionRead | undefined;
  unit: UnitRead | undefined;
} {
  const positionId = asn?.position_id ?? null;
  const position = useQuery({
    ...positionDetail(positionId ?? 0),
    enabled: positionId !== null,
    throwOnError: false,
    staleTime: 5 * 60_000,
  });
  const unit = useQuery({
    ...unitDetail(asn?.unit_id ?? 0),
    enabled: asn !== undefined,
    throwOnError: false,
    staleTime: 5 * 60_000,
  });
  return { position: position.data?.position, unit: unit.data?.unit };
}
