import type { ReactNode } from "react";
import { ScrollRegion } from "../../../ui";

/** Colour bands of a mean gap (actual − required level; negative is a shortfall), worst last. */
export const GAP_BANDS = [
  { id: "met", min: 0 },
  { id: "slight", min: -0.25 },
  { id: "moderate", min: -0.5 },
  { id: "large", min: -1 },
  { id: "severe", min: -Infinity },
] as const;

export type GapBand = (typeof GAP_BANDS)[number]["id"] | "none";

/** The band of a mean gap; "none" when nobody was assessed (null). */
export function gapBand(gap: number | null | undefined): GapBand {
  if (gap === null || gap === undefined || Number.isNaN(gap)) return "none";
  return GAP_BANDS.find((band) => gap >= band.min)?.id ?? "severe";
}

export interface HeatRow {
  key: string | number;
  label: string;
  /** `sub`: a second, smaller line under the figure (the n behind it). */
  cells: Array<{ gap: number | null; title: string; text: string; sub?: string }>;
}

export interface HeatMapProps {
  caption: string;
  /** The column headings: a short code, and the full name for the tooltip. */
  columns: Array<{ key: string; short: string; name: string }>;
  rowHeader: string;
  rows: HeatRow[];
  legend: Array<{ band: GapBand; label: string }>;
  empty?: ReactNode;
}

/**
 * A table coloured by band: it stays a real table (row and column headers, each cell's figure as
 * text and a title saying what it means), so it reads without the colours too. Wide matrices scroll
 * sideways inside their frame.
 */
export function HeatMap({ caption, columns, rowHeader, rows, legend, empty }: HeatMapProps) {
  return (
    <div className="heat-map">
      <ul className="heat-map__legend" aria-label={caption}>
        {legend.map((item) => (
          <li key={item.band}>
            <span className={`heat-map__swatch heat--${item.band}`} aria-hidden="true" />
            {item.label}
          </li>
        ))}
      </ul>
      {rows.length === 0 || columns.length === 0 ? (
        <p className="heat-map__empty">{empty}</p>
      ) : (
        <ScrollRegion className="heat-map__scroll" label={caption}>
          <table data-testid="heat-map">
            <caption className="visually-hidden">{caption}</caption>
            <thead>
              <tr>
                <th scope="col">{rowHeader}</th>
                {columns.map((column) => (
                  <th key={column.key} scope="col" title={column.name}>
                    <abbr title={column.name}>{column.short}</abbr>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.label}</th>
                  {row.cells.map((cell, index) => {
                    const band = gapBand(cell.gap);
                    return (
                      <td
                        key={columns[index]?.key ?? index}
                        className={`heat--${band}`}
                        title={cell.title}
                        data-band={band}
                      >
                        <span className="heat-map__figure">{cell.text}</span>
                        {cell.sub !== undefined && <span className="heat-map__sub">{cell.sub}</span>}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
    </div>
  );
}
