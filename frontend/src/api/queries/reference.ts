import { queryOptions } from "@tanstack/react-query";
import { api } from "../client";
import { unwrap } from "../problem";
import type { CodeList, CompetencyRead, ReferenceKind } from "../types";

/** A code list of the API (SIASN codes and the like). */
export const referenceList = (kind: ReferenceKind) =>
  queryOptions({
    queryKey: ["reference", kind],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/reference/{kind}", { params: { path: { kind } }, signal })),
    // Code lists change with a deployment, not during a session.
    staleTime: Infinity,
  });

// Module-level, so the query memoises the map instead of building one per render.
const namesByCode = (list: CodeList) => new Map(list.items.map((item) => [item.code, item.name]));

/** Names of the learning forms (SIASN jenis diklat), code → name. */
export const learningFormNames = () =>
  queryOptions({
    ...referenceList("learning_forms"),
    select: namesByCode,
    // Without the names a page shows the codes: no reason to fail it.
    throwOnError: false,
  });

export interface CompetencyParams {
  q?: string;
  group?: CompetencyRead["group"];
  active?: boolean;
  cursor?: string | null;
  limit: number;
}

/** The competency dictionary, searched by code or name, a cursor page at a time. */
export const competencies = ({ q, group, active, cursor, limit }: CompetencyParams) => {
  const query = { q: q || undefined, group, active, cursor: cursor ?? undefined, limit };
  return queryOptions({
    queryKey: ["competencies", query],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/competencies", { params: { query }, signal })),
  });
};
