export interface ProgressProps {
  value: number;
  max: number;
  /** The accessible name ("JP terverifikasi"). */
  label: string;
  /** Spoken instead of the bare numbers ("29 dari 20 JP"). */
  valueText?: string;
}

export interface ProgressRingProps extends ProgressProps {
  /** Diameter in CSS pixels. */
  size?: number;
  /** Text in the middle; the percentage when omitted. */
  centerLabel?: string;
  /** Small text under the centre label. */
  caption?: string;
  /** Drawn in the warning colour whatever the share (e.g. a PPPK over the JP cap: full is not good). */
  warning?: boolean;
}

/** Share of max as a percentage, 0 when max is not positive. Not clamped: 145 % is reported. */
export function percentOf(value: number, max: number): number {
  return max > 0 ? (100 * value) / max : 0;
}

function tone(percent: number): string {
  if (percent >= 100) return "complete";
  if (percent >= 50) return "partial";
  return "low";
}

const STROKE = 10;

/** A circular progress indicator (role=progressbar); the drawn arc stops at a full circle. */
export function ProgressRing({
  value,
  max,
  label,
  valueText,
  size = 160,
  centerLabel,
  caption,
  warning = false,
}: ProgressRingProps) {
  const percent = percentOf(value, max);
  const drawn = Math.min(100, Math.max(0, percent));
  const radius = (100 - STROKE) / 2;
  const circumference = 2 * Math.PI * radius;
  return (
    <div
      className={`progress-ring progress-ring--${warning ? "low" : tone(percent)}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={valueText}
      style={{ width: size, height: size }}
    >
      <svg viewBox="0 0 100 100" width={size} height={size} aria-hidden="true">
        <circle className="progress-ring__track" cx="50" cy="50" r={radius} strokeWidth={STROKE} fill="none" />
        <circle
          className="progress-ring__value"
          cx="50"
          cy="50"
          r={radius}
          strokeWidth={STROKE}
          fill="none"
          strokeLinecap="round"
          strokeDasharray={circumference}
          strokeDashoffset={circumference * (1 - drawn / 100)}
          transform="rotate(-90 50 50)"
        />
      </svg>
      <div className="progress-ring__center" aria-hidden="true">
        <span className="progress-ring__label">{centerLabel ?? `${Math.round(percent)}%`}</span>
        {caption && <span className="progress-ring__caption">{caption}</span>}
      </div>
    </div>
  );
}

/** A horizontal progress bar (role=progressbar), for table cells and import jobs. */
export function ProgressBar({ value, max, label, valueText }: ProgressProps) {
  const percent = percentOf(value, max);
  return (
    <div
      className={`progress-bar progress-bar--${tone(percent)}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={valueText}
    >
      <div className="progress-bar__fill" style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
    </div>
  );
}
