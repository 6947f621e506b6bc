import { useId } from "react";

export interface BudgetBar {
  key: string;
  label: string;
  value: number;
  /** Whether the bar reaches the marker, said in words beside the value. */
  reaches: boolean;
  reachesLabel: string;
}

/**
 * Horizontal bars of rupiah amounts on one scale, with a vertical line across them at a reference
 * amount (the required minimum). Labels and amounts are text above each bar, so long rupiah figures
 * wrap on a phone; the bars and the line are drawn in SVG and hidden from screen readers, which read
 * the same figures as text.
 */
export function BudgetChart({
  title,
  bars,
  marker,
  markerLabel,
  format,
}: {
  title: string;
  bars: BudgetBar[];
  marker: number;
  markerLabel: string;
  format: (value: number) => string;
}) {
  const titleId = useId();
  // A little room past the largest amount, so a bar at the marker does not touch the edge.
  const scale = Math.max(marker, ...bars.map((bar) => bar.value), 1) * 1.05;
  const at = (value: number) => Math.max(0, Math.min(100, (100 * value) / scale));
  const markerAt = at(marker);
  return (
    <figure className="budget-chart" aria-labelledby={titleId}>
      <figcaption id={titleId} className="budget-chart__title">
        {title}
      </figcaption>
      <ul className="budget-chart__rows">
        {bars.map((bar) => (
          <li key={bar.key} className="budget-chart__row" data-testid={`budget-bar-${bar.key}`}>
            <span className="budget-chart__label">{bar.label}</span>
            <span className="budget-chart__value">
              {format(bar.value)}{" "}
              <span className={bar.reaches ? "budget-chart__tone--good" : "budget-chart__tone--poor"}>
                ({bar.reachesLabel})
              </span>
            </span>
            <svg className="budget-chart__bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">
              <rect className="budget-chart__track" x="0" y="0" width="100" height="12" />
              <rect
                className={bar.reaches ? "budget-chart__fill budget-chart__fill--good" : "budget-chart__fill"}
                x="0"
                y="0"
                width={at(bar.value)}
                height="12"
                data-width={at(bar.value).toFixed(2)}
              />
              <line
                className="budget-chart__marker"
                x1={markerAt}
                x2={markerAt}
                y1="0"
                y2="12"
                vectorEffect="non-scaling-stroke"
              />
            </svg>
          </li>
        ))}
      </ul>
      <p className="budget-chart__legend" data-testid="chart-marker">
        <span className="budget-chart__swatch" aria-hidden="true" />
        {markerLabel}
      </p>
    </figure>
  );
}
