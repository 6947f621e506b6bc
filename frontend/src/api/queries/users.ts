import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { UserCreate } from "../types";

const usersKey = ["users"] as const;

/** User accounts, searched by username, a cursor page at a time. */
export const userList = (q: string, cursor: string | null, limit = 50) =>
  queryOptions({
    queryKey: [...usersKey, { q, cursor, limit }],
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/v1/users", {
          params: { query: { q: q || undefined, cursor: cursor ?? undefined, limit } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  });

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate) => unwrap(api.POST("/api/v1/users", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}
