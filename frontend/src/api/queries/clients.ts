import { keepPreviousData, queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { ClientCreate } from "../types";

const clientsKey = ["clients"] as const;

/** Integration clients (machine accounts), a cursor page at a time. */
export const clientList = (cursor: string | null) =>
  queryOptions({
    queryKey: [...clientsKey, { cursor }],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/clients", { params: { query: { cursor: cursor ?? undefined } }, signal })),
    placeholderData: keepPreviousData,
  });

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ClientCreate) => unwrap(api.POST("/api/v1/clients", { body })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: clientsKey }),
  });
}

export function useRotateSecret() {
  return useMutation({
    mutationFn: (clientPk: number) =>
      unwrap(api.POST("/api/v1/clients/{client_pk}/secret", { params: { path: { client_pk: clientPk } } })),
  });
}
