import { queryOptions, skipToken } from "@tanstack/react-query";
import { api } from "../client";
import { ApiError, unwrap } from "../problem";
import type { components } from "../schema";
import { asnKey } from "./asn";

type Schemas = components["schemas"];
export type IpAsnRead = Schemas["IpAsnRead"];
export type IpAsnDimension = Schemas["IpAsnDimension"];
export type IpAsnAdvice = Schemas["IpAsnAdvice"];
export type IpAsnReport = Schemas["IpAsnReport"];
export type UnitIpAsn = Schemas["UnitIpAsn"];

/**
 * One PNS's Indeks Profesionalitas ASN of a year (the current one when omitted). A PPPK is not
 * measured: the API's 422 `ip_asn_not_applicable` comes back as `null`, so a page shows nothing
 * rather than an error. Kept under the ASN's key: what refreshes the ASN (a verified claim, a new
 * SKP result) refreshes the index too.
 */
export const ipAsn = (nip: string | null | undefined, year?: number) =>
  queryOptions({
    queryKey: [...asnKey(nip ?? ""), "ip-asn", year ?? "current"],
    queryFn: nip
      ? async ({ signal }): Promise<IpAsnRead | null> => {
          try {
            return await unwrap(
              api.GET("/api/v1/asn/{nip}/ip-asn", { params: { path: { nip }, query: { year } }, signal }),
            );
          } catch (error) {
            if (error instanceof ApiError && error.code === "ip_asn_not_applicable") return null;
            throw error;
          }
        }
      : skipToken,
  });

/** The IP ASN report of a year: the province (or a unit) with one row per top-level (or child) unit. */
export const ipAsnReport = (year?: number, unitId?: number) =>
  queryOptions({
    queryKey: ["reports", "ip-asn", year ?? "current", unitId ?? "all"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/ip-asn", { params: { query: { year, unit_id: unitId } }, signal })),
  });

/** The IP ASN report as a spreadsheet: one row per PNS/CPNS and the unit summary (for a DownloadButton). */
export const ipAsnExport = (year: number, unitId?: number) =>
  api.GET("/api/v1/exports/ip-asn", {
    params: { query: { year, unit_id: unitId, format: "xlsx" } },
    parseAs: "blob",
  });
