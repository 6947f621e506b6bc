// The 9-box as drawn: potensial rows from tinggi (top) to rendah, kinerja columns from di bawah
// (left) to di atas; which box sits where, and its label and advice, are the year's talent_rules.
import type { BoxCount, Kinerja, Potensial, TalentBox, UnitRead } from "../../api/types";

export const POTENSIAL_ROWS: readonly Potensial[] = ["tinggi", "menengah", "rendah"];
export const KINERJA_COLUMNS: readonly Kinerja[] = ["di_bawah", "sesuai", "di_atas"];

/** The colour family of a box: the talent pool apart, the others by how far up the diagonal they sit. */
export type Tone = "pool" | "high" | "mid" | "low";
export const TONES: readonly Tone[] = ["pool", "high", "mid", "low"];

export interface GridCell {
  box: number;
  kinerja: Kinerja;
  potensial: Potensial;
  label: string;
  recommendation: string;
  count: number;
  /** Percent of those placed (66.67 for 66.67 %); null when nobody is placed. */
  share: number | null;
  pool: boolean;
  tone: Tone;
}

export interface BoxLayout {
  boxes: readonly TalentBox[];
  pool_boxes: readonly number[];
}

function toneOf(kinerja: Kinerja, potensial: Potensial, pool: boolean): Tone {
  if (pool) return "pool";
  const height = KINERJA_COLUMNS.indexOf(kinerja) + (2 - POTENSIAL_ROWS.indexOf(potensial));
  return height >= 3 ? "high" : height === 2 ? "mid" : "low";
}

/**
 * The three rows of the grid, top to bottom, each with its three cells left to right; a cell the
 * rules leave empty is null. Counts and labels come from the map (the label the map was built with),
 * the place and the recommendation from the rules.
 */
export function gridRows(
  layout: BoxLayout,
  counts: readonly BoxCount[],
  assessed: number,
): Array<Array<GridCell | null>> {
  const pool = new Set(layout.pool_boxes);
  const byBox = new Map(counts.map((c) => [c.box, c]));
  return POTENSIAL_ROWS.map((potensial) =>
    KINERJA_COLUMNS.map((kinerja) => {
      const rule = layout.boxes.find((b) => b.kinerja === kinerja && b.potensial === potensial);
      if (!rule) return null;
      const count = byBox.get(rule.box)?.count ?? 0;
      const inPool = pool.has(rule.box);
      return {
        box: rule.box,
        kinerja,
        potensial,
        label: byBox.get(rule.box)?.label ?? rule.label,
        recommendation: rule.recommendation,
        count,
        share: assessed > 0 ? (100 * count) / assessed : null,
        pool: inPool,
        tone: toneOf(kinerja, potensial, inPool),
      };
    }),
  );
}

/** How many are in the talent pool's boxes. */
export function poolCount(layout: BoxLayout, counts: readonly BoxCount[]): number {
  const pool = new Set(layout.pool_boxes);
  return counts.filter((c) => pool.has(c.box)).reduce((sum, c) => sum + c.count, 0);
}

/** The count of one box in a unit's boxes (0 when the box is not listed). */
export function countIn(boxes: readonly BoxCount[], box: number): number {
  return boxes.find((b) => b.box === box)?.count ?? 0;
}

export interface UnitOption {
  id: number;
  name: string;
  depth: number;
}

/**
 * The units for the unit filter, depth first (each unit followed by its sub-units, by name): the
 * whole province without a root, else the root and its subtree (an OPD admin's reach).
 */
export function unitOptions(units: readonly UnitRead[], rootId: number | null): UnitOption[] {
  const ids = new Set(units.map((u) => u.id));
  const children = new Map<number | null, UnitRead[]>();
  for (const unit of units) {
    // A unit whose parent is not in the list starts a tree of its own.
    const parent = unit.parent_id !== null && ids.has(unit.parent_id) ? unit.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), unit]);
  }
  for (const list of children.values()) list.sort((a, b) => a.name.localeCompare(b.name, "id"));
  const out: UnitOption[] = [];
  const walk = (unit: UnitRead, depth: number) => {
    out.push({ id: unit.id, name: unit.name, depth });
    for (const child of children.get(unit.id) ?? []) walk(child, depth + 1);
  };
  if (rootId === null) {
    for (const top of children.get(null) ?? []) walk(top, 0);
  } else {
    const root = units.find((u) => u.id === rootId);
    if (root) walk(root, 0);
  }
  return out;
}
