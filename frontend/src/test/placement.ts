// An ASN placed in a position and unit, as the API sends them, for the "who is this" tests.
import type { CompetencyGaps, JpSummary } from "../api/types";
import { json } from "./fakeApi";

export const PLACED_NIP = "199203152019032011";
export const YEAR = new Date().getFullYear();

export const PLACED_PROFILE = {
  nip: PLACED_NIP,
  name: "Maria Goreti, S.H.",
  employment_type: "pppk",
  golongan: "IX",
  email: null,
  phone: null,
  education_level: "S1",
  active: true,
  gender: "P",
  birth_date: "1992-03-15",
  position_id: 41,
  unit_id: 9,
};

/** A PPPK whose verified JP reached the cap (the summary caps it and says over_cap). */
export const OVER_CAP: JpSummary = {
  nip: PLACED_NIP,
  year: YEAR,
  employment_type: "pppk",
  verified_jp: 24,
  pending_jp: 0,
  target_jp: null,
  cap_jp: 24,
  remaining_jp: null,
  compliant: null,
  over_cap: true,
  by_form: [],
};

export const GAPS = {
  nip: PLACED_NIP,
  position_id: 41,
  year: YEAR,
  jpm: 80,
  jpm_category: "Sedang",
  ikk: 20,
  missing: [],
  items: [
    { competency_code: "M.1", name: "Integritas", group: "manajerial", required_level: 3, actual_level: 3, gap: 0 },
    { competency_code: "T.1", name: "Arsip", group: "teknis", required_level: 3, actual_level: 2, gap: -1 },
  ],
} as unknown as CompetencyGaps;

export const placementHandlers = {
  [`GET /api/v1/asn/${PLACED_NIP}`]: () => json(PLACED_PROFILE),
  [`GET /api/v1/asn/${PLACED_NIP}/jp-summary`]: () => json(OVER_CAP),
  [`GET /api/v1/asn/${PLACED_NIP}/competency-gaps`]: () => json(GAPS),
  "GET /api/v1/positions/41": () =>
    json({
      id: 41,
      code: "ARS-01",
      name: "Arsiparis Ahli Pertama",
      jenis_jabatan: "fungsional",
      jenjang: "ahli_pertama",
      unit_id: 9,
      updated_at: "2026-01-01T00:00:00Z",
    }),
  "GET /api/v1/units/9": () =>
    json({
      id: 9,
      code: "U9",
      name: "Bidang Aptika",
      kind: "bidang",
      parent_id: 7,
      updated_at: "2026-01-01T00:00:00Z",
    }),
};
