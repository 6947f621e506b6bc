import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { IndicatorCode } from "../types";

/**
 * Every completeness figure starts with this key. Any write may change them (the API drops its cached
 * report on every audited write), so the query client marks them stale after each successful
 * mutation (src/queryClient.ts): a fixed phone number shows in the counts on the way back.
 */
export const completenessKey = ["completeness"] as const;

/** A unit's completeness today (the province without unitId; an OPD admin's own unit by default). */
export const completenessReport = (unitId?: number) =>
  queryOptions({
    queryKey: [...completenessKey, "report", unitId ?? "default"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/data-completeness", { params: { query: { unit_id: unitId } }, signal })),
  });

/** The unit's score and shares on each day with a snapshot over the last 30 days, oldest first. */
export const completenessTrend = (unitId?: number) =>
  queryOptions({
    queryKey: [...completenessKey, "trend", unitId ?? "default"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/data-completeness/trend", { params: { query: { unit_id: unitId } }, signal })),
  });

/** The OPDs ranked by score, with their scores 7 and 30 days before and the last 30 snapshots. */
export const completenessLeague = () =>
  queryOptions({
    queryKey: [...completenessKey, "league"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/reports/data-completeness/league", { signal })),
  });

export interface DataGapsQuery {
  unitId: number;
  /** Only those missing this item; any item when left out. */
  indicator?: IndicatorCode;
  cursor?: string | null;
  limit: number;
}

/** One page (by NIP) of the unit's active ASN missing an item, each with what closes it. */
export const dataGaps = ({ unitId, indicator, cursor, limit }: DataGapsQuery) =>
  queryOptions({
    queryKey: [...completenessKey, "gaps", unitId, indicator ?? "any", cursor ?? null, limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/units/{unit_id}/data-gaps", {
          params: { path: { unit_id: unitId }, query: { indicator, cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

/** The completeness report and the people missing items as a spreadsheet, for a DownloadButton. */
export const completenessExport = (unitId?: number) =>
  api.GET("/api/v1/exports/data-completeness", {
    params: { query: { unit_id: unitId, format: "xlsx" } },
    parseAs: "blob",
  });
