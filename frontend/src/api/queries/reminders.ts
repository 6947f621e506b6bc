import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { ReminderRulesBody } from "../types";
import { invalidateNotifications } from "./notifications";

const remindersKey = ["reminder-rules"] as const;

/** The reminder campaigns in force for a year (its own, an earlier year's or the defaults), with the ETag. */
export const reminderRules = (year: number) =>
  queryOptions({
    queryKey: [...remindersKey, year],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/reminder-rules/{year}", { params: { path: { year } }, signal });
      const rules = await unwrap(call);
      return { rules, etag: (await call).response.headers.get("ETag") };
    },
  });

/**
 * Sets the year's own campaigns: without an ETag (the year falls back to another set) the PUT creates
 * them, with it the PUT replaces them.
 */
export function useSaveReminderRules(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, etag }: { body: ReminderRulesBody; etag: string | null }) => {
      const call = api.PUT("/api/v1/reminder-rules/{year}", {
        params: { path: { year }, header: etag ? { "If-Match": etag } : {} },
        body,
      });
      const rules = await unwrap(call);
      return { rules, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(reminderRules(year).queryKey, saved);
      // Later years that fell back to an older set now fall back to this one.
      await queryClient.invalidateQueries({ queryKey: remindersKey, predicate: (q) => q.queryKey[1] !== year });
    },
  });
}

/**
 * Runs the year's active campaigns today: a dry run lists who each would choose and what they would
 * read; a real one queues the messages (never twice for the same reason and period).
 */
export function useRunReminders(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ dryRun, campaign }: { dryRun: boolean; campaign?: string }) =>
      unwrap(
        api.POST("/api/v1/reminder-rules/{year}/run", {
          params: { path: { year }, query: { dry_run: dryRun, campaign } },
        }),
      ),
    onSuccess: (run) => {
      if (!run.dry_run) void invalidateNotifications(queryClient);
    },
  });
}
