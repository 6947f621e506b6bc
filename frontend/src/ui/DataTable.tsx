import { type ReactNode, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./Button";
import { ScrollRegion } from "./ScrollRegion";

export interface Column<T> {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** Makes the column sortable; the value rows are ordered by when the table sorts by itself. */
  sortValue?: (row: T) => string | number | null | undefined;
  align?: "start" | "end";
}

export type SortDirection = "asc" | "desc";
export interface Sort {
  key: string;
  direction: SortDirection;
}

export interface CursorPagination {
  /** 0-based index of the page shown. */
  pageIndex: number;
  pageSize: number;
  /** Rows in all pages (the API's `total`), if known. */
  total?: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

export interface DataTableProps<T> {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string | number;
  /**
   * Controlled sorting (the API sorts): pass both. Without them the table sorts the rows it has
   * by the columns' sortValue.
   */
  sort?: Sort | null;
  onSortChange?: (sort: Sort) => void;
  /** A search box above the table; the caller filters (through the API or locally). */
  search?: { value: string; onChange: (value: string) => void; label?: string };
  pagination?: CursorPagination;
  loading?: boolean;
  /** Shown instead of the rows when there are none. */
  empty?: ReactNode;
  /**
   * On a phone: "cards" shows each row as a block of label/value lines (the default), "scroll"
   * keeps the table and scrolls it sideways (for tables compared column by column).
   */
  phoneLayout?: "cards" | "scroll";
}

const collator = new Intl.Collator("id", { numeric: true, sensitivity: "base" });

export function compareValues(a: string | number | null | undefined, b: string | number | null | undefined): number {
  if (a == null || b == null) return a == null ? (b == null ? 0 : 1) : -1; // blanks last
  if (typeof a === "number" && typeof b === "number") return a - b;
  return collator.compare(String(a), String(b));
}

/**
 * A table with sortable headers (buttons, aria-sort), an optional search box and cursor pagination
 * controls. Wide tables scroll sideways inside their frame on a phone.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { caption, columns, rows, rowKey, search, pagination, loading, empty, phoneLayout = "cards" } = props;
  const { t } = useTranslation();
  const searchId = useId();
  const [ownSort, setOwnSort] = useState<Sort | null>(null);
  const controlled = props.onSortChange !== undefined;
  const sort = controlled ? (props.sort ?? null) : ownSort;

  const shown = useMemo(() => {
    if (controlled || !sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column?.sortValue) return rows;
    const value = column.sortValue;
    const sign = sort.direction === "asc" ? 1 : -1;
    return [...rows].sort((a, b) => sign * compareValues(value(a), value(b)));
  }, [controlled, sort, rows, columns]);

  function toggle(key: string) {
    const next: Sort = {
      key,
      direction: sort?.key === key && sort.direction === "asc" ? "desc" : "asc",
    };
    if (controlled) props.onSortChange?.(next);
    else setOwnSort(next);
  }

  return (
    <div className={`data-table data-table--${phoneLayout}`} aria-busy={loading || undefined}>
      {search && (
        <div className="data-table__search">
          <label htmlFor={searchId}>{search.label ?? t("ui.search")}</label>
          <input
            id={searchId}
            className="input"
            type="search"
            value={search.value}
            onChange={(event) => search.onChange(event.target.value)}
          />
        </div>
      )}
      <ScrollRegion className="data-table__scroll" label={caption}>
        {/* Explicit roles: the phone layout restyles the rows as blocks, which would otherwise drop the
            table semantics in some browsers. */}
        <table role="table">
          <caption className="visually-hidden">{caption}</caption>
          <thead role="rowgroup">
            <tr role="row">
              {columns.map((column) => {
                const sorted = sort?.key === column.key ? sort.direction : undefined;
                return (
                  <th
                    key={column.key}
                    role="columnheader"
                    scope="col"
                    className={headerClass(column, controlled)}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                  >
                    {column.sortValue || controlled ? (
                      <button type="button" className="data-table__sort" onClick={() => toggle(column.key)}>
                        {column.header}
                        <span className="data-table__sort-icon" aria-hidden="true">
                          {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                        </span>
                      </button>
                    ) : (
                      column.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody role="rowgroup">
            {shown.length === 0 && !loading ? (
              <tr role="row">
                <td role="cell" colSpan={columns.length} className="data-table__empty">
                  {empty ?? (search?.value ? t("ui.noMatches", { query: search.value }) : t("ui.empty"))}
                </td>
              </tr>
            ) : (
              shown.map((row) => (
                <tr key={rowKey(row)} role="row">
                  {columns.map((column) => (
                    <td
                      key={column.key}
                      role="cell"
                      className={column.align === "end" ? "align-end" : undefined}
                      data-label={column.header}
                    >
                      {/* One box for the content: the phone layout puts the label beside it. */}
                      <div className="data-table__value">{column.cell(row)}</div>
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </ScrollRegion>
      {pagination && <Pager pagination={pagination} shown={shown.length} />}
    </div>
  );
}

function headerClass<T>(column: Column<T>, controlled: boolean): string | undefined {
  const classes = [];
  if (column.align === "end") classes.push("align-end");
  if (!column.sortValue && !controlled) classes.push("data-table__plain");
  return classes.join(" ") || undefined;
}

function Pager({ pagination, shown }: { pagination: CursorPagination; shown: number }) {
  const { t } = useTranslation();
  const { pageIndex, pageSize, total, hasPrevious, hasNext, onPrevious, onNext } = pagination;
  const from = shown === 0 ? 0 : pageIndex * pageSize + 1;
  const to = pageIndex * pageSize + shown;
  return (
    <nav className="data-table__pager" aria-label={t("ui.pagination")}>
      <Button variant="secondary" disabled={!hasPrevious} onClick={onPrevious}>
        {t("ui.previous")}
      </Button>
      <span className="data-table__range" aria-live="polite">
        {total !== undefined ? t("ui.rangeOfTotal", { from, to, total }) : t("ui.pageOf", { page: pageIndex + 1 })}
      </span>
      <Button variant="secondary" disabled={!hasNext} onClick={onNext}>
        {t("ui.next")}
      </Button>
    </nav>
  );
}
