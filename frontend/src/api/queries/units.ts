import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { UnitCreate, UnitRead, UnitUpdate } from "../types";

export const unitsKey = ["units"] as const;

/**
 * Every unit of the province, for the organisation tree. A province has a few hundred units at most,
 * so the pages are fetched up front and the tree (and its search) is built in the browser.
 */
export const allUnits = () =>
  queryOptions({
    queryKey: [...unitsKey, "all"],
    queryFn: async ({ signal }) => {
      const units: UnitRead[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET("/api/v1/units", { params: { query: { limit: 500, cursor } }, signal }));
        units.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return units;
    },
  });

/** One unit with its ETag: an edit form starts from here, never from the list (which has no ETag). */
export const unitDetail = (unitId: number) =>
  queryOptions({
    queryKey: [...unitsKey, "detail", unitId],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/units/{unit_id}", { params: { path: { unit_id: unitId } }, signal });
      const unit = await unwrap(call);
      return { unit, etag: (await call).response.headers.get("ETag") ?? "" };
    },
  });

export function useCreateUnit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UnitCreate) => unwrap(api.POST("/api/v1/units", { body })),
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: unitsKey });
    },
  });
}

export function useUpdateUnit(unitId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: UnitUpdate; etag: string }) =>
      unwrap(
        api.PATCH("/api/v1/units/{unit_id}", {
          params: { path: { unit_id: unitId }, header: { "If-Match": etag } },
          body,
        }),
      ),
    // Also after a failure: a 412 means the cached copy is stale, and the form shows the fresh one.
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: unitsKey });
    },
  });
}
