import { useMemo } from "react";
import { useTranslation } from "react-i18next";

/** Intl locales per UI language: Indonesian conventions (1.234,5; 28 Nov 2026) by default. */
export function localeFor(language: string): string {
  return language === "en" ? "en-GB" : "id-ID";
}

/** A calendar date from the API ("2026-11-28") as a local date, so no time zone shifts the day. */
export function parseDate(value: string): Date {
  const [year, month, day] = value.slice(0, 10).split("-").map(Number);
  return new Date(year, month - 1, day);
}

export interface Format {
  locale: string;
  number: (value: number, maximumFractionDigits?: number) => string;
  /** `value` is a percentage as the API sends it (66.67 for 66.67 %). */
  percent: (value: number, maximumFractionDigits?: number) => string;
  rupiah: (value: number) => string;
  /** A date ("2026-11-28") or a timestamp ("2026-11-28T01:38:00Z"). */
  date: (value: string) => string;
  dateTime: (value: string) => string;
}

export function makeFormat(locale: string): Format {
  const numbers = new Map<number, Intl.NumberFormat>();
  const number = (value: number, digits = 2) => {
    let format = numbers.get(digits);
    if (!format) {
      format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
      numbers.set(digits, format);
    }
    return format.format(value);
  };
  const day = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric" });
  const moment = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  const rupiah = new Intl.NumberFormat(locale, { style: "currency", currency: "IDR", maximumFractionDigits: 0 });
  return {
    locale,
    number,
    percent: (value, digits = 1) =>
      new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: digits }).format(value / 100),
    rupiah: (value) => rupiah.format(value),
    date: (value) => day.format(value.length > 10 ? new Date(value) : parseDate(value)),
    dateTime: (value) => moment.format(new Date(value)),
  };
}

/** Formatting in the current UI language: `const f = useFormat(); f.number(12.5)`. */
export function useFormat(): Format {
  const { i18n } = useTranslation();
  const locale = localeFor(i18n.language);
  return useMemo(() => makeFormat(locale), [locale]);
}
