import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { components } from "../schema";

type Schemas = components["schemas"];
export type TrainingNeedsReport = Schemas["TrainingNeedsReport"];
export type TrainingNeedItem = Schemas["TrainingNeedItem"];
export type MandatoryNeedCount = Schemas["MandatoryNeedCount"];
export type ProgramRead = Schemas["ProgramRead"];
export type ProgramLineRead = Schemas["ProgramLineRead"];
export type ProgramBody = Schemas["ProgramBody"];
export type ProgramLineBody = Schemas["ProgramLineBody"];
export type ProgramProposal = Schemas["ProgramProposal"];
export type ProposalLine = Schemas["ProposalLine"];
export type ProvinceProgram = Schemas["ProvinceProgram"];
export type ProvinceUnit = Schemas["ProvinceUnit"];
export type CourseTotal = Schemas["CourseTotal"];
export type LineSource = ProgramLineRead["source"];

/**
 * Every programme figure starts with this key: a saved programme changes the unit's page, the province
 * view and the proposal's "already planned" notes, so a save refreshes them all.
 */
export const programmesKey = ["programmes"] as const;

/** The training-needs analysis of a unit's subtree (the province without unitId; an OPD admin's own by default). */
export const trainingNeeds = (year: number, unitId?: number) =>
  queryOptions({
    queryKey: [...programmesKey, "needs", year, unitId ?? "default"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/reports/training-needs", { params: { query: { year, unit_id: unitId } }, signal })),
  });

/**
 * A unit's programme for the year with its ETag; a unit without one answers version 0 and no ETag
 * (etag null: the save creates it without If-Match).
 */
export const unitProgramme = (unitId: number, year: number) =>
  queryOptions({
    queryKey: [...programmesKey, "unit", unitId, year],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/units/{unit_id}/development-programs/{year}", {
        params: { path: { unit_id: unitId, year } },
        signal,
      });
      const programme = await unwrap(call);
      return { programme, etag: (await call).response.headers.get("ETag") };
    },
  });

/** The suggested lines for the unit's subtree: approved IDP courses, uncovered gaps, mandatory needs. */
export const programmeProposal = (unitId: number, year: number) =>
  queryOptions({
    queryKey: [...programmesKey, "proposal", unitId, year],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/units/{unit_id}/development-programs/{year}/proposal", {
          params: { path: { unit_id: unitId, year } },
          signal,
        }),
      ),
    // Always asked afresh: the admin wants what the plans say now.
    staleTime: 0,
  });

/** Every unit's programme, by unit and by course, against the year's mandatory spending (BPSDM, auditors). */
export const provinceProgramme = (year: number) =>
  queryOptions({
    queryKey: [...programmesKey, "province", year],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/development-programs/{year}", { params: { path: { year } }, signal })),
  });

/** Creates (etag null) or replaces (If-Match) a unit's programme for the year: the body is the whole programme. */
export function useSaveProgramme(unitId: number, year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, etag }: { body: ProgramBody; etag: string | null }) => {
      const call = api.PUT("/api/v1/units/{unit_id}/development-programs/{year}", {
        params: { path: { unit_id: unitId, year }, header: etag ? { "If-Match": etag } : {} },
        body,
      });
      const programme = await unwrap(call);
      return { programme, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(unitProgramme(unitId, year).queryKey, saved);
      void queryClient.invalidateQueries({
        queryKey: programmesKey,
        predicate: (query) => query.queryKey[1] !== "unit" || query.queryKey[2] !== unitId,
      });
    },
    // A 412 means the cached copy is stale: read it again so the page shows what is there now.
    onError: () => {
      void queryClient.invalidateQueries({ queryKey: unitProgramme(unitId, year).queryKey });
    },
  });
}

/** The programmes as the APBD planning spreadsheet (a unit and its descendants, or the province), for a DownloadButton. */
export const programmesExport = (year: number, unitId?: number) =>
  api.GET("/api/v1/exports/development-programs", {
    params: { query: { year, unit_id: unitId, format: "xlsx" } },
    parseAs: "blob",
  });
