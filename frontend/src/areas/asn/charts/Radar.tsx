import { type ReactNode, useId } from "react";

export interface RadarAxis {
  key: string;
  /** Short label at the axis end (a competency code). */
  label: string;
  /** The full name, for the tooltip. */
  name?: string;
  required: number;
  /** null: never rated (drawn at the centre). */
  actual: number | null;
}

export interface RadarProps {
  title: ReactNode;
  axes: RadarAxis[];
  /** The scale's end; the highest level shown (at least 3) when omitted, so low levels stay readable. */
  max?: number;
  /** Legend texts for the two shapes. */
  requiredLabel: string;
  actualLabel: string;
  /** Spoken summary of the whole chart (the data themselves are in a table beside it). */
  description?: string;
}

const SIZE = 300;
const CENTER = SIZE / 2;
const RADIUS = 105;

/** The point of value `value` (0..max) on axis `index` of `count`, the first axis pointing up. */
export function radarPoint(index: number, count: number, value: number, max: number): [number, number] {
  const angle = -Math.PI / 2 + (2 * Math.PI * index) / count;
  const r = (RADIUS * Math.max(0, Math.min(value, max))) / max;
  return [round(CENTER + r * Math.cos(angle)), round(CENTER + r * Math.sin(angle))];
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function polygon(values: number[], max: number): string {
  return values.map((value, index) => radarPoint(index, values.length, value, max).join(",")).join(" ");
}

/**
 * A radar (spider) chart of required against actual levels, one axis per competency. It needs at
 * least three axes to form a shape; callers show a table of the same figures next to it, which is
 * what screen readers read (the SVG is one labelled image).
 */
export function Radar({ title, axes, max: fixedMax, requiredLabel, actualLabel, description }: RadarProps) {
  const titleId = useId();
  const descId = useId();
  const count = axes.length;
  if (count < 3) return null;
  const max = fixedMax ?? Math.max(3, ...axes.map((a) => Math.max(a.required, a.actual ?? 0)));
  const rings = Array.from({ length: max }, (_, i) => i + 1);
  return (
    <figure className="radar">
      <svg
        className="radar__svg"
        viewBox={`0 0 ${SIZE} ${SIZE}`}
        role="img"
        aria-labelledby={titleId}
        aria-describedby={description ? descId : undefined}
      >
        <title id={titleId}>{title}</title>
        {description && <desc id={descId}>{description}</desc>}
        {rings.map((level) => (
          <polygon
            key={level}
            className="radar__ring"
            points={polygon(
              axes.map(() => level),
              max,
            )}
          />
        ))}
        {rings.map((level) => {
          const [x, y] = radarPoint(0, count, level, max);
          return (
            <text key={level} className="radar__tick" x={x + 4} y={y} dominantBaseline="middle">
              {level}
            </text>
          );
        })}
        {axes.map((axis, index) => {
          const [x, y] = radarPoint(index, count, max, max);
          const [lx, ly] = radarPoint(index, count, max * 1.22, max);
          const anchor = Math.abs(lx - CENTER) < 4 ? "middle" : lx > CENTER ? "start" : "end";
          return (
            <g key={axis.key}>
              <line className="radar__axis" x1={CENTER} y1={CENTER} x2={x} y2={y} />
              <text className="radar__label" x={lx} y={ly} textAnchor={anchor} dominantBaseline="middle">
                {axis.name && <title>{axis.name}</title>}
                {axis.label}
              </text>
            </g>
          );
        })}
        <polygon
          className="radar__required"
          data-testid="radar-required"
          points={polygon(
            axes.map((a) => a.required),
            max,
          )}
        />
        <polygon
          className="radar__actual"
          data-testid="radar-actual"
          points={polygon(
            axes.map((a) => a.actual ?? 0),
            max,
          )}
        />
        {axes.map((axis, index) => {
          const [x, y] = radarPoint(index, count, axis.actual ?? 0, max);
          return (
            <circle
              key={axis.key}
              className={
                axis.actual !== null && axis.actual < axis.required ? "radar__dot radar__dot--short" : "radar__dot"
              }
              cx={x}
              cy={y}
              r={3.5}
            />
          );
        })}
      </svg>
      <figcaption className="radar__legend">
        <span className="radar__key radar__key--required" aria-hidden="true" />
        <span>{requiredLabel}</span>
        <span className="radar__key radar__key--actual" aria-hidden="true" />
        <span>{actualLabel}</span>
      </figcaption>
    </figure>
  );
}
