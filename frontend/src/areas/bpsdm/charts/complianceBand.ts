import type { BarTone } from "../../../ui";

/**
 * The bands of an OPD's JP compliance (share of its PNS/CPNS that reached the yearly minimum), best
 * first: green from 80 %, amber from 50 %, red below. A reading aid for the province's bar chart,
 * not a regulation threshold (the regulation's is per person: pns_min_jp).
 */
export const COMPLIANCE_BANDS = [
  { tone: "good", min: 80 },
  { tone: "fair", min: 50 },
  { tone: "poor", min: -Infinity },
] as const satisfies ReadonlyArray<{ tone: BarTone; min: number }>;

/** The band of a compliance percentage (0–100). */
export function complianceBand(pct: number): BarTone {
  return COMPLIANCE_BANDS.find((band) => pct >= band.min)?.tone ?? "poor";
}
