import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";

const talentMapKey = ["reports", "talent-map"] as const;

/** The year's 9-box counts for a unit and its sub-units (the province, or an OPD admin's own unit, without one). */
export const talentMap = (year: number, unitId?: number) =>
  queryOptions({
    queryKey: [...talentMapKey, year, unitId ?? "default"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/talent-map", { params: { query: { year, unit_id: unitId } }, signal })),
  });

export interface BoxPeopleQuery {
  year: number;
  box: number;
  unitId?: number;
  cursor?: string | null;
  limit: number;
  /** Part of the NIP or of the name. */
  q?: string;
}

/** One page of the active ASN placed in a box, by NIP; the page shown stays while the next loads. */
export const boxPeople = ({ year, box, unitId, cursor, limit, q }: BoxPeopleQuery) =>
  queryOptions({
    queryKey: [...talentMapKey, year, unitId ?? "default", "box", box, q ?? "", cursor ?? null, limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/reports/talent-map/box/{box}", {
          params: {
            path: { box },
            query: { year, unit_id: unitId, cursor: cursor ?? undefined, limit, q: q || undefined },
          },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

/** The talent map as a spreadsheet (sheets Peta Talenta and Daftar Talenta), for a DownloadButton. */
export const talentMapExport = (year: number, unitId?: number) =>
  api.GET("/api/v1/exports/talent-map", {
    params: { query: { year, unit_id: unitId, format: "xlsx" } },
    parseAs: "blob",
  });
