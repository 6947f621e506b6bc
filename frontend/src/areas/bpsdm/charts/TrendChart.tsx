import { useId } from "react";

export interface TrendPoint {
  key: string | number;
  label: string;
  value: number;
  met: boolean;
}

export interface TrendChartProps {
  title: string;
  points: TrendPoint[];
  /** A horizontal reference line (the threshold). */
  reference?: { value: number; label: string };
  formatValue: (value: number) => string;
  /** Column headings of the data table read by screen readers. */
  labelHeader: string;
  valueHeader: string;
}

const W = 320;
const H = 180;
const TOP = 22;
const BOTTOM = 24;

/** Vertical bars per year with a reference line; a hidden table carries the same figures in words. */
export function TrendChart({ title, points, reference, formatValue, labelHeader, valueHeader }: TrendChartProps) {
  const titleId = useId();
  const max = Math.max(reference ? reference.value * 1.25 : 0, ...points.map((p) => p.value * 1.1), Number.EPSILON);
  const plot = H - TOP - BOTTOM;
  const y = (value: number) => TOP + plot * (1 - value / max);
  const slot = W / Math.max(points.length, 1);
  const bar = Math.min(48, slot * 0.6);
  return (
    <figure className="trend-chart" aria-labelledby={titleId}>
      <figcaption id={titleId} className="visually-hidden">
        {title}
        {reference && ` (${reference.label})`}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} className="trend-chart__svg" aria-hidden="true" data-testid="trend-chart">
        <line className="trend-chart__axis" x1={0} x2={W} y1={H - BOTTOM} y2={H - BOTTOM} />
        {points.map((point, index) => {
          const x = slot * index + (slot - bar) / 2;
          const top = y(point.value);
          return (
            <g key={point.key}>
              <rect
                className={
                  point.met ? "trend-chart__bar trend-chart__bar--met" : "trend-chart__bar trend-chart__bar--short"
                }
                x={x}
                y={top}
                width={bar}
                height={H - BOTTOM - top}
              />
              <text className="trend-chart__value" x={x + bar / 2} y={top - 4} textAnchor="middle">
                {formatValue(point.value)}
              </text>
              <text className="trend-chart__label" x={x + bar / 2} y={H - 6} textAnchor="middle">
                {point.label}
              </text>
            </g>
          );
        })}
        {reference && (
          <g>
            <line className="trend-chart__reference" x1={0} x2={W} y1={y(reference.value)} y2={y(reference.value)} />
          </g>
        )}
      </svg>
      {reference && (
        <p className="trend-chart__legend" aria-hidden="true">
          <span className="trend-chart__legend-line" /> {reference.label}
        </p>
      )}
      {/* A table ignores the clipping of .visually-hidden; its wrapper does not. */}
      <div className="visually-hidden">
        <table>
          <thead>
            <tr>
              <th scope="col">{labelHeader}</th>
              <th scope="col">{valueHeader}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={point.key}>
                <th scope="row">{point.label}</th>
                <td>{formatValue(point.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
