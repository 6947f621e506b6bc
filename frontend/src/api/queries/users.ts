import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { ProvisionRequest, ProvisionResult, UserCreate } from "../types";

const usersKey = ["users"] as const;

/** User accounts (an OPD admin gets the ASN accounts of its units), searched by username, NIP or name. */
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

/**
 * Creates the accounts of a unit's ASN that have none (POST /users/provision) and answers them with
 * their one-time passwords. Always JSON: the passwords exist only in this one answer (a second call,
 * say for the XLSX, would create nothing and show none), so the page prints and downloads from it.
 * The Idempotency-Key makes a retried click a replay, never a second batch.
 */
export function useProvisionAccounts() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: ProvisionRequest; idempotencyKey: string }) =>
      unwrap(
        api.POST("/api/v1/users/provision", {
          params: { query: { format: "json" }, header: { "Idempotency-Key": idempotencyKey } },
          body,
        }),
      ) as Promise<ProvisionResult>,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: usersKey }),
  });
}

/** A new one-time password for an account (ends its sessions; it must be changed at the next login). */
export function useResetPassword() {
  return useMutation({
    mutationFn: (userId: number) =>
      unwrap(api.POST("/api/v1/users/{user_id}/password-reset", { params: { path: { user_id: userId } } })),
  });
}
