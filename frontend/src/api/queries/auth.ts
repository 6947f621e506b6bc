import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, session } from "../client";
import { unwrap } from "../problem";

/** Who is logged in: username, role, nip (ASN), unit_id (OPD admin). */
export const currentUser = () =>
  queryOptions({
    queryKey: ["me"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/auth/me", { signal })),
    // Changes only with a login, which clears the cache.
    staleTime: Infinity,
  });

export function useMe(enabled = true) {
  return useQuery({ ...currentUser(), enabled });
}

/**
 * "Change my password". The server ends every login of the account and answers with a new login's
 * tokens, which replace this tab's; /auth/me is read again (its must_change_password is now false).
 */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { current_password: string; new_password: string }) =>
      unwrap(api.POST("/api/v1/auth/password", { body })),
    onSuccess: async (grant) => {
      session.adopt(grant);
      await queryClient.fetchQuery({ ...currentUser(), staleTime: 0 });
    },
  });
}
