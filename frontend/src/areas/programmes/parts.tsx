import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import type { LineSource } from "../../api/queries/programmes";
import { Select } from "../../ui";

export const THIS_YEAR = new Date().getFullYear();
const FIRST_YEAR = 2000;
const LAST_YEAR = 2100;

/** The year in the address (`?tahun=2027`), this year by default: a link to a unit's programme keeps it. */
export function useYearParam(): [number, (year: number) => void] {
  const [params, setParams] = useSearchParams();
  const typed = Number(params.get("tahun"));
  const year = Number.isInteger(typed) && typed >= FIRST_YEAR && typed <= LAST_YEAR ? typed : THIS_YEAR;
  const setYear = (next: number) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next === THIS_YEAR) updated.delete("tahun");
        else updated.set("tahun", String(next));
        return updated;
      },
      { replace: true },
    );
  return [year, setYear];
}

/** Last year (what was planned), this year and the next (the programme proposed for the coming APBD). */
export function YearSelect({
  year,
  onChange,
  disabled,
}: {
  year: number;
  onChange: (year: number) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const years = [...new Set([THIS_YEAR + 1, THIS_YEAR, THIS_YEAR - 1, year])].sort((a, b) => b - a);
  return (
    <Select
      label={t("programmes.year")}
      value={String(year)}
      disabled={disabled}
      options={years.map((y) => ({ value: String(y), label: String(y) }))}
      onChange={(event) => onChange(Number(event.target.value))}
    />
  );
}

export function SourceChip({ source }: { source: LineSource }) {
  const { t } = useTranslation();
  return <span className={`programme-chip programme-chip--${source}`}>{t(`programmes.source.${source}`)}</span>;
}

/** Within the pagu, over it, or no pagu recorded: in words, never by colour alone. */
export function PaguChip({ within }: { within: boolean | null }) {
  const { t } = useTranslation();
  if (within === null) return <span className="programme-chip">{t("programmes.pagu.none")}</span>;
  return (
    <span className={within ? "programme-chip programme-chip--good" : "programme-chip programme-chip--poor"}>
      {t(within ? "programmes.pagu.within" : "programmes.pagu.over")}
    </span>
  );
}

/** The query string that carries the year to another programme page ("" for this year). */
export function yearQuery(year: number): string {
  return year === THIS_YEAR ? "" : `?tahun=${year}`;
}
