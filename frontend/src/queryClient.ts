import { QueryClient } from "@tanstack/react-query";
import { RequestTimeoutError } from "./api/client";
import { ApiError } from "./api/problem";

/**
 * A 4xx will not change by asking again; refused connections and 5xx (which fail fast) get two more
 * tries. A read that timed out is not repeated: each try would add another 10 s before the page can
 * say the server is not answering and offer "Coba lagi".
 */
export function shouldRetry(failures: number, error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return false;
  if (error instanceof ApiError && error.status < 500) return false;
  return failures < 2;
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: shouldRetry,
        // A query with nothing to show fails into the page's error boundary (problem details and a
        // retry); one that already has data keeps showing it.
        throwOnError: (_error, query) => query.state.data === undefined,
      },
    },
  });
}
