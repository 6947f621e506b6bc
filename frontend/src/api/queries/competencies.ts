import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { CompetencyCreate, CompetencyUpdate, StandardDefault } from "../types";

// The root of reference.ts's competencies() list too: a save refreshes every list of the dictionary.
const competenciesKey = ["competencies"] as const;

/** One competency with its ETag: an edit form starts from here, never from the list (which has none). */
export const competencyDetail = (code: string) =>
  queryOptions({
    queryKey: [...competenciesKey, "detail", code],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/competencies/{code}", { params: { path: { code } }, signal });
      const competency = await unwrap(call);
      return { competency, etag: (await call).response.headers.get("ETag") ?? "" };
    },
  });

export function useCreateCompetency() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CompetencyCreate) => unwrap(api.POST("/api/v1/competencies", { body })),
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: competenciesKey });
    },
  });
}

/** Edits (or retires, `active: false`) a competency with If-Match. */
export function useUpdateCompetency(code: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: CompetencyUpdate; etag: string }) =>
      unwrap(
        api.PATCH("/api/v1/competencies/{code}", {
          params: { path: { code }, header: { "If-Match": etag } },
          body,
        }),
      ),
    // Also after a failure: a 412 means the cached copy is stale, and the form shows the fresh one.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: competenciesKey });
    },
  });
}

/** The manajerial/sosial kultural level a new position gets, per jenis jabatan (and jenjang), with its ETag. */
export const standardDefaults = () =>
  queryOptions({
    queryKey: [...competenciesKey, "standard-defaults"],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/competencies/standard-defaults", { signal });
      const { items } = await unwrap(call);
      return { items, etag: (await call).response.headers.get("ETag") ?? "" };
    },
  });

/** Replaces the whole table of default levels (If-Match is required: the table always exists). */
export function usePutStandardDefaults() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ items, etag }: { items: StandardDefault[]; etag: string }) =>
      unwrap(
        api.PUT("/api/v1/competencies/standard-defaults", {
          params: { header: { "If-Match": etag } },
          body: { items },
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: [...competenciesKey, "standard-defaults"] });
    },
  });
}
