import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { RuleSetBody } from "../types";

/** The rule set in force for a year, with its ETag for an update. */
export const ruleSet = (year: number) =>
  queryOptions({
    queryKey: ["rules", year],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/rules/{year}", { params: { path: { year } }, signal });
      const ruleSet = await unwrap(call);
      return { rules: ruleSet, etag: (await call).response.headers.get("ETag") };
    },
  });

export function useSaveRules(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, etag }: { body: RuleSetBody; etag: string | null }) => {
      const call = api.PUT("/api/v1/rules/{year}", {
        params: { path: { year }, header: { "If-Match": etag } },
        body,
      });
      const ruleSet = await unwrap(call);
      return { rules: ruleSet, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => queryClient.setQueryData(ruleSet(year).queryKey, saved),
  });
}

/**
 * Gives `year` its own copy of `fromYear`'s rule set. Every cached year is refetched afterwards: the
 * years after `year` that fell back to an older set now fall back to this one.
 */
export function useCopyRules(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ fromYear }: { fromYear: number }) => {
      const call = api.POST("/api/v1/rules/{year}/copy", {
        params: { path: { year } },
        body: { from_year: fromYear, replace: false },
      });
      const ruleSet = await unwrap(call);
      return { rules: ruleSet, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: async (copied) => {
      queryClient.setQueryData(ruleSet(year).queryKey, copied);
      await queryClient.invalidateQueries({ queryKey: ["rules"], predicate: (q) => q.queryKey[1] !== year });
    },
  });
}
