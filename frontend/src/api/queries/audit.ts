import { infiniteQueryOptions, keepPreviousData, queryOptions } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";

/** The audit page's filters as typed: dates are calendar days ("2026-03-02") in the browser's zone. */
export interface AuditFilters {
  entity: string;
  key: string;
  actor: string;
  from: string;
  to: string;
}

export const NO_AUDIT_FILTERS: AuditFilters = { entity: "", key: "", actor: "", from: "", to: "" };

export interface AuditQuery {
  entity?: string;
  key?: string;
  actor?: string;
  since?: string;
  until?: string;
}

/** Local midnight of a calendar day, `days` later, as an ISO instant (the API wants a zone). */
function localMidnight(day: string, days = 0): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(year, month - 1, date + days).toISOString();
}

/**
 * The API's query for the filters: blanks left out, text trimmed, and the day range made into
 * instants — `since` the start of "from", `until` the start of the day after "to" (the API's
 * `until` is exclusive), so "to 2 March" includes everything written on 2 March.
 */
export function auditQuery(filters: AuditFilters): AuditQuery {
  const query: AuditQuery = {};
  const entity = filters.entity.trim();
  const key = filters.key.trim();
  const actor = filters.actor.trim();
  if (entity) query.entity = entity;
  if (key) query.key = key;
  if (actor) query.actor = actor;
  if (filters.from) query.since = localMidnight(filters.from);
  if (filters.to) query.until = localMidnight(filters.to, 1);
  return query;
}

const auditKey = ["audit"] as const;

/** The audit trail, newest first, page after page ("Muat lagi" fetches the next cursor). */
export const auditLog = (query: AuditQuery, limit = 50) =>
  infiniteQueryOptions({
    queryKey: [...auditKey, "list", query, limit],
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/v1/audit", {
          params: { query: { ...query, cursor: pageParam ?? undefined, limit } },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor ?? null,
    placeholderData: keepPreviousData,
  });

/** The entity names in the trail, for the entity filter; new kinds appear rarely. */
export const auditEntities = () =>
  queryOptions({
    queryKey: [...auditKey, "entities"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/audit/entities", { signal })),
    staleTime: 5 * 60_000,
  });
