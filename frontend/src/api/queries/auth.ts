import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "../client";
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
