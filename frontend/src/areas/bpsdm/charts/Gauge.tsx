import { type ReactNode, useId } from "react";

/** Where value and threshold sit on the dial, as fractions 0…1 of its scale. */
export function gaugeScale(value: number, threshold: number): { max: number; value: number; threshold: number } {
  // The threshold sits at the middle of the dial unless the value runs further.
  const max = Math.max(threshold * 2, value, Number.EPSILON);
  const clamp = (x: number) => Math.min(1, Math.max(0, x / max));
  return { max, value: clamp(value), threshold: clamp(threshold) };
}

const CX = 100;
const CY = 100;
const R = 80;

/** A point on the semicircle at a fraction of it (0 left, 1 right). */
export function pointAt(fraction: number, radius = R): { x: number; y: number } {
  const angle = Math.PI * (1 - fraction);
  return { x: CX + radius * Math.cos(angle), y: CY - radius * Math.sin(angle) };
}

function arc(from: number, to: number): string {
  const a = pointAt(from);
  const b = pointAt(to);
  return `M ${a.x.toFixed(2)} ${a.y.toFixed(2)} A ${R} ${R} 0 0 1 ${b.x.toFixed(2)} ${b.y.toFixed(2)}`;
}

export interface GaugeProps {
  /** Accessible name and caption. */
  title: ReactNode;
  value: number;
  threshold: number;
  /** Drawn in the middle ("0,35 %"). */
  valueLabel: string;
  /** Next to the threshold mark ("Batas 0,34 %"). */
  thresholdLabel: string;
  /** The sentence read out instead of the drawing. */
  description: string;
  met: boolean;
}

/**
 * A semicircle dial: the value's arc (green when it reaches the threshold, red when short) and a
 * mark at the threshold. The drawing is hidden from screen readers; `description` says it in words.
 */
export function Gauge({ title, value, threshold, valueLabel, thresholdLabel, description, met }: GaugeProps) {
  const titleId = useId();
  const scale = gaugeScale(value, threshold);
  const inner = pointAt(scale.threshold, R - 16);
  const outer = pointAt(scale.threshold, R + 12);
  const label = pointAt(scale.threshold, R + 22);
  return (
    <figure className="gauge" aria-labelledby={titleId} data-testid="budget-gauge">
      <figcaption id={titleId} className="visually-hidden">
        {title}
      </figcaption>
      <svg viewBox="-10 -8 220 122" className="gauge__dial" aria-hidden="true">
        <path className="gauge__track" d={arc(0, 1)} />
        {scale.value > 0 && (
          <path
            className={met ? "gauge__value gauge__value--met" : "gauge__value gauge__value--short"}
            d={arc(0, scale.value)}
            data-testid="gauge-value"
            data-fraction={scale.value.toFixed(4)}
          />
        )}
        <line className="gauge__threshold" x1={inner.x} y1={inner.y} x2={outer.x} y2={outer.y} />
        <text className="gauge__threshold-label" x={label.x} y={label.y} textAnchor="middle">
          {thresholdLabel}
        </text>
        <text className="gauge__center" x={CX} y={CY - 12} textAnchor="middle">
          {valueLabel}
        </text>
      </svg>
      <p className="visually-hidden">{description}</p>
    </figure>
  );
}
