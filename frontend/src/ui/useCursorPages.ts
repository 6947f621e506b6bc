import { useCallback, useState } from "react";

/**
 * Pages of a cursor-paginated API list. The API only knows "next" (next_cursor), so the cursors of
 * the pages already seen are kept to go back. Call reset() when a filter changes.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const next = useCallback((nextCursor: string | null | undefined) => {
    if (nextCursor) setCursors((list) => [...list, nextCursor]);
  }, []);
  const previous = useCallback(() => setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list)), []);
  const reset = useCallback(() => setCursors([null]), []);
  return {
    cursor: cursors[cursors.length - 1],
    pageIndex: cursors.length - 1,
    hasPrevious: cursors.length > 1,
    next,
    previous,
    reset,
  };
}
