import { type ReactNode, useId } from "react";

/** A bar's band, drawn green, amber or red: always with its text too (`toneLabel`, the legend). */
export type BarTone = "good" | "fair" | "poor";

export interface Bar {
  key: string | number;
  label: string;
  value: number;
  tone?: BarTone;
  /** The band in words, shown next to the value so the colour is never the only cue. */
  toneLabel?: string;
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
  /** What each tone means, shown above the bars (with `tone` on the bars). */
  legend?: Array<{ tone: BarTone; label: string }>;
  legendLabel?: string;
}

/**
 * Horizontal bars, one row per item: the label and value are text (they wrap on a phone and are read
 * out as a list), the bar itself is a small SVG scaled to the row's width.
 */
export function BarChart({
  title,
  data,
  max,
  target,
  formatValue = String,
  hideTitle = false,
  legend,
  legendLabel,
}: BarChartProps) {
  const titleId = useId();
  const scale = max ?? Math.max(target ?? 0, ...data.map((d) => d.value), 1);
  const at = (value: number) => Math.max(0, Math.min(100, (100 * value) / scale));
  const toned = data.some((bar) => bar.tone !== undefined);
  const fillClass = (bar: Bar) => {
    if (bar.tone) return `bar-chart__fill bar-chart__fill--${bar.tone}`;
    return target !== undefined && bar.value >= target ? "bar-chart__fill bar-chart__fill--met" : "bar-chart__fill";
  };
  return (
    <figure className={toned ? "bar-chart bar-chart--toned" : "bar-chart"} aria-labelledby={titleId}>
      <figcaption id={titleId} className={hideTitle ? "visually-hidden" : "bar-chart__title"}>
        {title}
      </figcaption>
      {legend && legend.length > 0 && (
        <ul className="bar-chart__legend" aria-label={legendLabel} data-testid="bar-legend">
          {legend.map((item) => (
            <li key={item.tone}>
              <span className={`bar-chart__swatch bar-chart__swatch--${item.tone}`} aria-hidden="true" />
              {item.label}
            </li>
          ))}
        </ul>
      )}
      <ul className="bar-chart__rows">
        {data.map((bar) => (
          <li key={bar.key} className="bar-chart__row" data-tone={bar.tone}>
            <span className="bar-chart__label">{bar.label}</span>
            <svg className="bar-chart__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
              <rect className="bar-chart__track" x="0" y="0" width="100" height="10" />
              <rect className={fillClass(bar)} x="0" y="0" width={at(bar.value)} height="10" data-testid="bar" />
              {target !== undefined && (
                <line className="bar-chart__target" x1={at(target)} x2={at(target)} y1="0" y2="10" />
              )}
            </svg>
            <span className="bar-chart__value">{formatValue(bar.value)}</span>
            {toned && (
              <span className={bar.tone ? `bar-chart__tone bar-chart__tone--${bar.tone}` : "bar-chart__tone"}>
                {bar.toneLabel}
              </span>
            )}
          </li>
        ))}
      </ul>
    </figure>
  );
}
