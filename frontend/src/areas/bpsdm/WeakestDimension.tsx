import type { TFunction } from "i18next";
import type { Format } from "../../i18n/format";
import type { Column } from "../../ui";

// The weakest IP ASN dimension of each OPD, from GET /reports/ip-asn's `units[].dimensions`
// ([{code, mean, max}]); a unit nobody is measured in has null means and shows "–", and the page
// leaves the column out when no row has a mean.

export interface DimensionMean {
  code: string;
  mean: number;
  max: number;
}

const KNOWN = ["kualifikasi", "kompetensi", "kinerja", "disiplin"] as const;
const isKnown = (code: string): code is (typeof KNOWN)[number] => (KNOWN as readonly string[]).includes(code);

const isNumber = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** A row's dimension means, or null when the row has none (the report of today). */
export function unitDimensions(row: unknown): DimensionMean[] | null {
  if (typeof row !== "object" || row === null) return null;
  const list = (row as { dimensions?: unknown }).dimensions;
  if (!Array.isArray(list)) return null;
  const means: DimensionMean[] = [];
  for (const item of list) {
    if (typeof item !== "object" || item === null) continue;
    const { code, mean, score, max } = item as Record<string, unknown>;
    const value = isNumber(mean) ? mean : isNumber(score) ? score : null;
    if (typeof code === "string" && value !== null && isNumber(max) && max > 0) means.push({ code, mean: value, max });
  }
  return means.length > 0 ? means : null;
}

/** The dimension furthest from its maximum (lowest share of it); the first listed wins a tie. */
export function weakestDimension(means: DimensionMean[]): DimensionMean | null {
  let weakest: DimensionMean | null = null;
  for (const dimension of means) {
    if (weakest === null || dimension.mean / dimension.max < weakest.mean / weakest.max) weakest = dimension;
  }
  return weakest;
}

/** Whether any row carries dimension means, i.e. whether the column has something to show. */
export const hasDimensions = (rows: readonly unknown[]) => rows.some((row) => unitDimensions(row) !== null);

export function dimensionName(t: TFunction, code: string): string {
  return isKnown(code) ? t(`bpsdm.ipAsn.dimension.${code}`) : code;
}

export function WeakestDimension({ row, t, f }: { row: unknown; t: TFunction; f: Format }) {
  const means = unitDimensions(row);
  const weakest = means && weakestDimension(means);
  if (!weakest) return <span className="muted">–</span>;
  return (
    <span className="ip-weakest" data-testid="weakest-dimension">
      <strong>{dimensionName(t, weakest.code)}</strong>{" "}
      <span className="ip-weakest__score">
        {t("bpsdm.ipAsn.scoreOf", { score: f.number(weakest.mean), max: f.number(weakest.max) })}
      </span>
    </span>
  );
}

/** The table column: the weakest dimension, sorted by how far below its maximum it is. */
export function weakestDimensionColumn<T>(t: TFunction, f: Format): Column<T> {
  return {
    key: "weakest",
    header: t("bpsdm.ipAsn.colWeakest"),
    cell: (row) => <WeakestDimension row={row} t={t} f={f} />,
    sortValue: (row) => {
      const means = unitDimensions(row);
      const weakest = means && weakestDimension(means);
      return weakest ? weakest.mean / weakest.max : null;
    },
  };
}
