import { queryOptions } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";

/** What a verification decision changes. */
export const jpComplianceKey = ["reports", "jp-compliance"] as const;

/** JP compliance of a year (the current one when omitted) per unit (per OPD without unitId). */
export const jpCompliance = (year?: number, unitId?: number) =>
  queryOptions({
    queryKey: [...jpComplianceKey, year ?? "current", unitId ?? "all"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/jp-compliance", { params: { query: { year, unit_id: unitId } }, signal })),
  });

/** The JP compliance report as a spreadsheet (for a DownloadButton). */
export const jpComplianceExport = (year: number, unitId?: number) =>
  api.GET("/api/v1/exports/jp-compliance", {
    params: { query: { unit_id: unitId, year, format: "xlsx" } },
    parseAs: "blob",
  });

/** The unit's JP compliance recap as a PDF to print and sign (for a DownloadButton). */
export const jpCompliancePdf = (year: number, unitId?: number) =>
  api.GET("/api/v1/exports/jp-compliance", {
    params: { query: { unit_id: unitId, year, format: "pdf" } },
    parseAs: "blob",
  });

/** One ASN's rekap JP of a year as a PDF to print and sign (for a DownloadButton). */
export const asnJpRecapPdf = (nip: string, year: number) =>
  api.GET("/api/v1/exports/asn/{nip}/jp-recap", {
    params: { path: { nip }, query: { year, format: "pdf" } },
    parseAs: "blob",
  });

/** Mean competency gap per top-level unit × competency (the province's heat map). */
export const competencyGapMatrix = () =>
  queryOptions({
    queryKey: ["reports", "competency-gap-matrix"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/reports/competency-gap-matrix", { signal })),
  });

/** The budget check of every year on record, oldest first. */
export const budgetCompliance = () =>
  queryOptions({
    queryKey: ["budgets", "compliance"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/budgets/compliance", { signal })),
  });
