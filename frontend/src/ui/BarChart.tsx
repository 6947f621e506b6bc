import { type ReactNode, useId } from "react";

export interface Bar {
  key: string | number;
  label: string;
  value: number;
}

export interface BarChartProps {
  title: ReactNode;
  data: Bar[];
  /** The scale's end; the largest value (or target) when omitted. */
  max?: number;
  /** A reference line, e.g. the 100 % target; bars at or past it are drawn as met. */
  target?: number;
  formatValue?: (value: number) => string;
  /** Keep the title for screen readers only (when a card heading above already shows it). */
  hideTitle?: boolean;
}

/**
 * Horizontal bars, one row per item: the label and value are text (they wrap on a phone and are read
 * out as a list), the bar itself is a small SVG scaled to the row's width.
 */
export function BarChart({ title, data, max, target, formatValue = String, hideTitle = false }: BarChartProps) {
  const titleId = useId();
  const scale = max ?? Math.max(target ?? 0, ...data.map((d) => d.value), 1);
  const at = (value: number) => Math.max(0, Math.min(100, (100 * value) / scale));
  return (
    <figure className="bar-chart" aria-labelledby={titleId}>
      <figcaption id={titleId} className={hideTitle ? "visually-hidden" : "bar-chart__title"}>
        {title}
      </figcaption>
      <ul className="bar-chart__rows">
        {data.map((bar) => {
          const met = target !== undefined && bar.value >= target;
          return (
            <li key={bar.key} className="bar-chart__row">
              <span className="bar-chart__label">{bar.label}</span>
              <svg className="bar-chart__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect className="bar-chart__track" x="0" y="0" width="100" height="10" />
                <rect
                  className={met ? "bar-chart__fill bar-chart__fill--met" : "bar-chart__fill"}
                  x="0"
                  y="0"
                  width={at(bar.value)}
                  height="10"
                  data-testid="bar"
                />
                {target !== undefined && (
                  <line className="bar-chart__target" x1={at(target)} x2={at(target)} y1="0" y2="10" />
                )}
              </svg>
              <span className="bar-chart__value">{formatValue(bar.value)}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
