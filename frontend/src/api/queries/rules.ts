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
