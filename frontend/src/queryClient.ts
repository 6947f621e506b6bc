import { MutationCache, QueryClient } from "@tanstack/react-query";
import { RequestTimeoutError } from "./api/client";
import { ApiError } from "./api/problem";
import { completenessKey } from "./api/queries/completeness";

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
  const queryClient: QueryClient = new QueryClient({
    // Completeness figures count what every other page edits (a profile's phone, an SKP result, a
    // decided claim): after any write they are read again when next shown, as the API's own report
    // cache is dropped on every write.
    mutationCache: new MutationCache({
      onSuccess: () => {
        // Not awaited: the write is done; its page need not wait for the figures.
        void queryClient.invalidateQueries({ queryKey: completenessKey });
      },
    }),
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
  return queryClient;
}
