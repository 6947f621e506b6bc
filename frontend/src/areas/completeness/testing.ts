// What the completeness tests share: reports and league rows as the API sends them.
import type { CompletenessReport, IndicatorCode, IndicatorFigure, LeagueRow } from "../../api/types";
import { INDICATORS } from "./figures";

export const LABELS: Record<IndicatorCode, string> = {
  contact: "Email dan nomor telepon di profil",
  education: "Pendidikan tertinggi di profil",
  position_standard: "Jabatan yang memiliki standar kompetensi",
  competency_assessment: "Penilaian kompetensi yang masih berlaku",
  potential_assessment: "Penilaian potensi",
  performance_last_year: "Hasil SKP tahun lalu",
  jp_this_year: "Pembelajaran (JP) tercatat tahun ini",
  queue_within_sla: "Tidak ada klaim yang menunggu melewati batas verifikasi",
};

/** Indicators of a unit of `headcount` people where `complete[code]` have the item (all by default). */
export function indicators(
  headcount: number,
  complete: Partial<Record<IndicatorCode, number>> = {},
): IndicatorFigure[] {
  return INDICATORS.map((code) => {
    const n = complete[code] ?? headcount;
    return {
      code,
      label: LABELS[code],
      complete: n,
      pct: headcount === 0 ? null : Math.round((10_000 * n) / headcount) / 100,
    };
  });
}

export function report(overrides: Partial<CompletenessReport> = {}): CompletenessReport {
  return {
    as_of: "2026-12-07",
    source: "live",
    unit_id: 14,
    name: "Dinas Komunikasi dan Informatika",
    headcount: 7,
    score: 76.79,
    indicators: indicators(7, { contact: 5, potential_assessment: 2, queue_within_sla: 1 }),
    queue: { pending: 13, oldest_days: 40, over_sla: 12 },
    units: [
      {
        unit_id: 101,
        code: "DISKOMINFO_APTIKA",
        name: "Bidang Aplikasi Informatika",
        headcount: 3,
        score: 79.17,
        indicators: indicators(3, { potential_assessment: 1 }),
        queue: { pending: 7, oldest_days: 40, over_sla: 7 },
      },
    ],
    ...overrides,
  };
}

export function leagueRow(overrides: Partial<LeagueRow> = {}): LeagueRow {
  return {
    rank: 1,
    unit_id: 18,
    code: "DPK",
    name: "Dinas Perpustakaan dan Kearsipan",
    headcount: 2,
    score: 87.5,
    indicators: indicators(2, { contact: 1, potential_assessment: 1 }),
    score_7_days_ago: 80,
    score_30_days_ago: 90,
    sparkline: [
      { date: "2026-11-08", score: 90 },
      { date: "2026-11-30", score: 80 },
      { date: "2026-12-07", score: 87.5 },
    ],
    ...overrides,
  };
}
