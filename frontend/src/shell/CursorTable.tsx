import { useTranslation } from "react-i18next";
import { type Column, DataTable } from "../ui/DataTable";
import type { useCursorPages } from "../ui/useCursorPages";
import { ProblemAlert } from "./ProblemAlert";

/** One page of a cursor-paginated API list, as the list queries return it. */
export interface CursorList<T> {
  items: T[];
  next_cursor?: string | null;
  total?: number;
}

/** The part of a list query (useQuery of a cursor list) the table reads. */
export interface CursorListQuery<T> {
  data: CursorList<T> | undefined;
  error: unknown;
  isFetching: boolean;
  refetch: () => unknown;
}

/**
 * A searchable DataTable over a cursor-paginated API list: the problem with a retry while nothing has
 * loaded, otherwise the current page with Previous/Next from `pages` (reset when the search changes).
 * `search.applied` is the search the list was fetched with (the debounced one), for the empty text.
 * It lives in the shell, beside the ProblemAlert it renders, which the kit (ui/) must not import.
 */
export function CursorTable<T>({
  testId,
  caption,
  columns,
  rowKey,
  list,
  pages,
  pageSize,
  search,
  empty,
}: {
  testId: string;
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  list: CursorListQuery<T>;
  pages: ReturnType<typeof useCursorPages>;
  pageSize: number;
  /** A search box (the API list's `q`); left out for lists without one. */
  search?: { value: string; applied: string; onChange: (value: string) => void; label: string };
  empty: string;
}) {
  const { t } = useTranslation();
  if (list.error && !list.data) return <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <div data-testid={testId}>
      <DataTable
        caption={caption}
        columns={columns}
        rows={list.data?.items ?? []}
        rowKey={rowKey}
        loading={list.isFetching}
        empty={search?.applied ? t("ui.noMatches", { query: search.applied }) : empty}
        search={
          search && {
            value: search.value,
            onChange: (value) => {
              search.onChange(value);
              pages.reset();
            },
            label: search.label,
          }
        }
        pagination={{
          pageIndex: pages.pageIndex,
          pageSize,
          total: list.data?.total,
          hasPrevious: pages.hasPrevious,
          hasNext: Boolean(list.data?.next_cursor),
          onPrevious: pages.previous,
          onNext: () => pages.next(list.data?.next_cursor),
        }}
      />
    </div>
  );
}
