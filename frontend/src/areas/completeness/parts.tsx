import { useTranslation } from "react-i18next";
import type { IndicatorCode, IndicatorFigure } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { band, change } from "./figures";

/** A share or score with its band in words (the colour is never the only cue); "–" when there is none. */
export function Score({ value, testId }: { value: number | null; testId?: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (value === null) {
    return (
      <span className="score score--none" data-testid={testId}>
        –
      </span>
    );
  }
  const tone = band(value);
  return (
    <span className={`score score--${tone}`} data-testid={testId}>
      {f.percent(value, 2)}
      <span className="visually-hidden"> ({t(`completeness.band.${tone}`)})</span>
    </span>
  );
}

/** Points gained or lost since an earlier score: "▲ 5,2", "▼ 3", "0", or "–" when either is unknown. */
export function Delta({ now, before, days }: { now: number | null; before: number | null; days: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const delta = change(now, before);
  if (delta === null) {
    return (
      <span className="delta delta--none" title={t("completeness.noEarlier", { days })}>
        –
      </span>
    );
  }
  const direction = delta > 0 ? "up" : delta < 0 ? "down" : "same";
  const points = f.number(Math.abs(delta), 2);
  return (
    <span className={`delta delta--${direction}`}>
      <span aria-hidden="true">{direction === "up" ? "▲ " : direction === "down" ? "▼ " : ""}</span>
      {direction === "same" ? points : <span aria-hidden="true">{points}</span>}
      {direction !== "same" && (
        <span className="visually-hidden">{t(`completeness.delta.${direction}`, { points, days })}</span>
      )}
    </span>
  );
}

/** An indicator's share in a unit as the API counts it, or "–" for a unit without active ASN. */
export function pctOf(indicators: IndicatorFigure[], code: IndicatorCode): number | null {
  return indicators.find((i) => i.code === code)?.pct ?? null;
}
