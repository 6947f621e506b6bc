import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/problem";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        // A 4xx will not change by asking again; network errors and 5xx get two more tries.
        retry: (failures, error) => !(error instanceof ApiError && error.status < 500) && failures < 2,
        // A query with nothing to show fails into the page's error boundary (problem details and a
        // retry); one that already has data keeps showing it.
        throwOnError: (_error, query) => query.state.data === undefined,
      },
    },
  });
}
