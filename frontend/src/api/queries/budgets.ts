import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { ApiError, unwrap } from "../problem";
import type { BudgetBody, BudgetRead, UnitBudgetBody, UnitBudgetRead } from "../types";

// The same root as reports.ts's budgetCompliance() trend: a save here refreshes the dashboard gauge too.
export const budgetsKey = ["budgets"] as const;

/** The years with a budget on record (a province keeps a few decades at most: one page). */
export const budgetYears = () =>
  queryOptions({
    queryKey: [...budgetsKey, "years"],
    queryFn: async ({ signal }) => {
      const page = await unwrap(api.GET("/api/v1/budgets", { params: { query: { limit: 500 } }, signal }));
      return page.items.map((budget) => budget.year);
    },
  });

/**
 * A year's belanja daerah with its ETag, or null when none is recorded yet (a 404 budget_not_found is
 * the normal state of a new year, not a failure: the page offers to record it).
 */
export const budgetDetail = (year: number) =>
  queryOptions({
    queryKey: [...budgetsKey, "year", year],
    queryFn: async ({ signal }): Promise<{ budget: BudgetRead; etag: string } | null> => {
      const call = api.GET("/api/v1/budgets/{year}", { params: { path: { year } }, signal });
      try {
        const budget = await unwrap(call);
        return { budget, etag: (await call).response.headers.get("ETag") ?? "" };
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });

/** The year's mandatory-spending check (needs the year's budget; BPSDM and auditors only). */
export const yearCompliance = (year: number) =>
  queryOptions({
    queryKey: [...budgetsKey, "year", year, "compliance"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/budgets/{year}/compliance", { params: { path: { year } }, signal })),
  });

/** Every unit's pagu and realisasi of a year (a few hundred rows at most: fetched up front). */
export const unitBudgets = (year: number) =>
  queryOptions({
    queryKey: [...budgetsKey, "year", year, "units"],
    queryFn: async ({ signal }) => {
      const rows: UnitBudgetRead[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          api.GET("/api/v1/budgets/{year}/units", {
            params: { path: { year }, query: { limit: 500, cursor } },
            signal,
          }),
        );
        rows.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return rows;
    },
  });

/** One unit's row with its ETag: an edit starts from here, never from the list (which has none). */
export const unitBudgetDetail = (year: number, unitId: number) =>
  queryOptions({
    queryKey: [...budgetsKey, "year", year, "unit", unitId],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/budgets/{year}/units/{unit_id}", {
        params: { path: { year, unit_id: unitId } },
        signal,
      });
      const row = await unwrap(call);
      return { row, etag: (await call).response.headers.get("ETag") ?? "" };
    },
  });

/** Record (etag null) or replace (If-Match) a year's belanja daerah. */
export function usePutBudget(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: BudgetBody; etag: string | null }) =>
      unwrap(
        api.PUT("/api/v1/budgets/{year}", {
          params: { path: { year }, header: etag === null ? undefined : { "If-Match": etag } },
          body,
        }),
      ),
    // Also after a failure: a 412 means the cached copy is stale, and the form shows the fresh one.
    // Not awaited: the refetched ETag remounts the form, and a caller's onSuccess/onError (close the
    // dialog, show the conflict) would be dropped if it ran after that unmount.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: budgetsKey });
    },
  });
}

/** Record (etag null) or replace (If-Match) a unit's pagu and realisasi for a year. */
export function usePutUnitBudget(year: number, unitId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: UnitBudgetBody; etag: string | null }) =>
      unwrap(
        api.PUT("/api/v1/budgets/{year}/units/{unit_id}", {
          params: {
            path: { year, unit_id: unitId },
            header: etag === null ? undefined : { "If-Match": etag },
          },
          body,
        }),
      ),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: budgetsKey });
    },
  });
}
