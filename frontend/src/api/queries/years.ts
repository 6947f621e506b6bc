import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";

const closingKey = ["year-closing"] as const;

/** When claims for the year close (null: not set), with the ETag a change must send back. */
export const yearClosing = (year: number) =>
  queryOptions({
    queryKey: [...closingKey, year],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/years/{year}/closing", { params: { path: { year } }, signal });
      const closing = await unwrap(call);
      return { closing, etag: (await call).response.headers.get("ETag") };
    },
  });

/** Sets the last day claims for the year may be filed: a first date is created, a later change needs If-Match. */
export function useSaveYearClosing(year: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ claimsCloseOn, etag }: { claimsCloseOn: string; etag: string | null }) => {
      const call = api.PUT("/api/v1/years/{year}/closing", {
        params: { path: { year }, header: etag ? { "If-Match": etag } : {} },
        body: { claims_close_on: claimsCloseOn },
      });
      const closing = await unwrap(call);
      return { closing, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => queryClient.setQueryData(yearClosing(year).queryKey, saved),
  });
}

/** One page of the year's claims still pending, oldest submission first: left for a final decision. */
export const closingPending = ({ year, cursor, limit }: { year: number; cursor: string | null; limit: number }) =>
  queryOptions({
    queryKey: [...closingKey, year, "pending", cursor, limit],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/years/{year}/closing/pending", {
          params: { path: { year }, query: { cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });
