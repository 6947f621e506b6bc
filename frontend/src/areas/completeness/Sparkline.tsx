import type { SparkPoint } from "../../api/types";

export interface SparklineProps {
  points: SparkPoint[];
  /** The accessible name: what the line shows, with its first and last values in words. */
  label: string;
  width?: number;
  height?: number;
  /** Scales to its container's width (the drawing keeps `width` × `height` proportions). */
  fluid?: boolean;
}

const PAD = 2;
/** The narrowest score range drawn: a flat or nearly flat history stays a flat line in the middle. */
const MIN_SPAN = 10;

/** The score range drawn: the values' own, widened to MIN_SPAN points around their middle, within 0–100. */
export function scale(values: number[]): { low: number; high: number } {
  if (values.length === 0) return { low: 0, high: 100 };
  let low = Math.min(...values);
  let high = Math.max(...values);
  if (high - low < MIN_SPAN) {
    const middle = (low + high) / 2;
    low = middle - MIN_SPAN / 2;
    high = middle + MIN_SPAN / 2;
    if (low < 0) [low, high] = [0, MIN_SPAN];
    if (high > 100) [low, high] = [100 - MIN_SPAN, 100];
  }
  return { low, high };
}

const coordinate = (value: number) => String(Math.round(value * 10) / 10);

/**
 * The SVG path of scores oldest first, x spread evenly over `width`, y scaled to the drawn range
 * (higher scores higher up). A day without a score (no active ASN) breaks the line; a lone point
 * between breaks is a dot (a zero-length segment, drawn by the round line cap).
 */
export function sparklinePath(scores: Array<number | null>, width: number, height: number): string {
  const known = scores.filter((s): s is number => s !== null);
  if (known.length === 0) return "";
  const { low, high } = scale(known);
  const step = scores.length > 1 ? (width - 2 * PAD) / (scores.length - 1) : 0;
  const x = (i: number) => (scores.length > 1 ? PAD + i * step : width / 2);
  const y = (v: number) => PAD + (height - 2 * PAD) * (1 - (v - low) / (high - low));
  const parts: string[] = [];
  let drawing = false;
  scores.forEach((score, i) => {
    if (score === null) {
      drawing = false;
      return;
    }
    const next = scores[i + 1];
    const alone = !drawing && (next === null || next === undefined);
    parts.push(`${drawing ? "L" : "M"}${coordinate(x(i))} ${coordinate(y(score))}`);
    if (alone) parts.push("h0");
    drawing = true;
  });
  return parts.join(" ");
}

/** A small hand-drawn line of the last snapshot scores (a table cell's worth), with its last day marked. */
export function Sparkline({ points, label, width = 120, height = 28, fluid = false }: SparklineProps) {
  const scores = points.map((p) => p.score);
  const path = sparklinePath(scores, width, height);
  const known = scores.filter((s): s is number => s !== null);
  const last = scores.at(-1);
  let dot: { cx: number; cy: number } | null = null;
  if (last !== null && last !== undefined && known.length > 0) {
    const { low, high } = scale(known);
    dot = {
      cx: scores.length > 1 ? width - PAD : width / 2,
      cy: PAD + (height - 2 * PAD) * (1 - (last - low) / (high - low)),
    };
  }
  return (
    <svg
      className={fluid ? "sparkline sparkline--fluid" : "sparkline"}
      viewBox={`0 0 ${width} ${height}`}
      width={fluid ? undefined : width}
      height={fluid ? undefined : height}
      role="img"
      aria-label={label}
      data-testid="sparkline"
    >
      {path && <path className="sparkline__line" d={path} fill="none" data-testid="sparkline-path" />}
      {dot && <circle className="sparkline__last" cx={dot.cx} cy={dot.cy} r={2.5} />}
    </svg>
  );
}
