import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { BulkApply, PositionCreate, PositionRead, PositionUpdate, StandardItem } from "../types";

export const positionsKey = ["positions"] as const;
const standardsKey = ["position-standards"] as const;

/** The positions of one unit (not its sub-units), every page of them. */
export const unitPositions = (unitId: number) =>
  queryOptions({
    queryKey: [...positionsKey, "unit", unitId],
    queryFn: async ({ signal }) => {
      const positions: PositionRead[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          api.GET("/api/v1/positions", { params: { query: { unit_id: unitId, limit: 500, cursor } }, signal }),
        );
        positions.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return positions;
    },
  });

/** One position with its ETag, for its edit form and its standard page. */
export const positionDetail = (positionId: number) =>
  queryOptions({
    queryKey: [...positionsKey, "detail", positionId],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/positions/{position_id}", {
        params: { path: { position_id: positionId } },
        signal,
      });
      const position = await unwrap(call);
      return { position, etag: (await call).response.headers.get("ETag") ?? "" };
    },
  });

export function useCreatePosition() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PositionCreate) => unwrap(api.POST("/api/v1/positions", { body })),
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: positionsKey });
    },
  });
}

export function useUpdatePosition(positionId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, etag }: { body: PositionUpdate; etag: string }) =>
      unwrap(
        api.PATCH("/api/v1/positions/{position_id}", {
          params: { path: { position_id: positionId }, header: { "If-Match": etag } },
          body,
        }),
      ),
    // Also after a failure: a 412 means the cached copy is stale, and the form shows the fresh one.
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: positionsKey });
    },
  });
}

/** A position's competency standard (SKJ) with its ETag; null ETag while it has none yet. */
export const positionStandard = (positionId: number) =>
  queryOptions({
    queryKey: [...standardsKey, positionId],
    queryFn: async ({ signal }) => {
      const call = api.GET("/api/v1/positions/{position_id}/standards", {
        params: { path: { position_id: positionId } },
        signal,
      });
      const standard = await unwrap(call);
      return { standard, etag: (await call).response.headers.get("ETag") };
    },
  });

export function useSaveStandard(positionId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ items, etag }: { items: StandardItem[]; etag: string | null }) => {
      const call = api.PUT("/api/v1/positions/{position_id}/standards", {
        params: { path: { position_id: positionId }, header: { "If-Match": etag } },
        body: { items },
      });
      const standard = await unwrap(call);
      return { standard, etag: (await call).response.headers.get("ETag") };
    },
    onSuccess: (saved) => queryClient.setQueryData(positionStandard(positionId).queryKey, saved),
    // A 412 means another admin saved meanwhile: fetch theirs so the editor can show it.
    onError: () => queryClient.invalidateQueries({ queryKey: [...standardsKey, positionId] }),
  });
}

/** Applies one standard to every position of a jenis jabatan (and jenjang, unit subtree). */
export function useBulkApplyStandard() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BulkApply) => unwrap(api.POST("/api/v1/position-standards/bulk", { body })),
    // Any cached standard may have changed.
    // Not awaited: a refetched ETag would rebuild the form before it closes or shows a conflict.
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: standardsKey });
    },
  });
}
