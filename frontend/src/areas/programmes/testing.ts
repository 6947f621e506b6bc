// What the programme tests share: users, a unit's programme, a proposal, the province view and needs.
import type {
  ProgramLineRead,
  ProgramProposal,
  ProgramRead,
  ProvinceProgram,
  TrainingNeedsReport,
} from "../../api/queries/programmes";
import { type Handler, json } from "../../test/fakeApi";
import { THIS_YEAR } from "./parts";

export const YEAR = THIS_YEAR;
export const UNIT = 30;
export const UNIT_NAME = "Badan Pengembangan Sumber Daya Manusia";
export const PROGRAMME_PATH = `/api/v1/units/${UNIT}/development-programs/${YEAR}`;

export const OPD_USER = {
  username: "opd.bpsdm",
  role: "opd_admin",
  nip: null,
  unit_id: UNIT,
  scopes: [],
  must_change_password: false,
};
export const BPSDM_USER = { ...OPD_USER, username: "bpsdm", role: "bpsdm_admin", unit_id: null };
export const AUDITOR_USER = { ...BPSDM_USER, username: "auditor", role: "auditor" };

export function line(overrides: Partial<ProgramLineRead> = {}): ProgramLineRead {
  return {
    id: 501,
    course_id: 3,
    title: "Pelatihan Kepemimpinan Pengawas",
    sessions: 1,
    participants: 2,
    jp: 830,
    cost_idr: 249_000_000,
    competency_codes: ["M2", "M5"],
    source: "idp",
    note: null,
    ...overrides,
  };
}

/** A unit's programme; without lines it is the "none yet" answer (version 0, no ETag). */
export function programme(overrides: Partial<ProgramRead> = {}): ProgramRead {
  const lines = overrides.lines ?? [line()];
  const cost = lines.reduce((sum, l) => sum + l.cost_idr, 0);
  const pagu = overrides.pagu_idr === undefined ? 1_000_000_000 : overrides.pagu_idr;
  return {
    unit_id: UNIT,
    unit_name: UNIT_NAME,
    year: YEAR,
    note: null,
    lines,
    total_cost_idr: cost,
    total_participants: lines.reduce((sum, l) => sum + l.participants, 0),
    total_jp: lines.reduce((sum, l) => sum + l.jp * l.participants, 0),
    pagu_idr: pagu,
    within_pagu: pagu === null ? null : cost <= pagu,
    remaining_pagu_idr: pagu === null ? null : pagu - cost,
    gap_closed: {
      below_standard: 5,
      covered: 2,
      pct: 40,
      competencies: [
        { competency_code: "M2", below_standard: 1, planned_participants: 2, covered: 1 },
        { competency_code: "M5", below_standard: 1, planned_participants: 2, covered: 1 },
        { competency_code: "M8", below_standard: 3, planned_participants: 0, covered: 0 },
      ],
    },
    updated_at: lines.length > 0 ? "2026-12-01T02:00:00Z" : null,
    version: lines.length > 0 ? 3 : 0,
    ...overrides,
  };
}

export function proposal(overrides: Partial<ProgramProposal> = {}): ProgramProposal {
  return {
    unit_id: UNIT,
    unit_name: UNIT_NAME,
    year: YEAR,
    cost_per_jp_idr: 150_000,
    lines: [
      {
        course_id: 3,
        title: "Pelatihan Kepemimpinan Pengawas",
        sessions: 1,
        participants: 2,
        jp: 830,
        cost_idr: 249_000_000,
        competency_codes: ["M2", "M5"],
        source: "idp",
        note: "2 ASN dengan IDP yang disetujui",
      },
      {
        course_id: 9,
        title: "Diklat Kepemimpinan Tingkat II",
        sessions: 1,
        participants: 3,
        jp: null,
        cost_idr: 0,
        competency_codes: ["M8"],
        source: "gap",
        note: "3 ASN di bawah standar pada M8",
      },
    ],
    total_cost_idr: 249_000_000,
    total_participants: 5,
    ...overrides,
  };
}

export const COURSES = {
  items: [
    {
      id: 3,
      code: "BPSDM-003",
      title: "Pelatihan Kepemimpinan Pengawas",
      organizer: "BPSDM",
      form_code: "1",
      jp: 830,
      quota: 30,
      starts_on: null,
      ends_on: null,
      active: true,
      competency_codes: ["M2", "M5"],
      updated_at: "2026-01-05T08:00:00Z",
    },
    {
      id: 12,
      code: "BPSDM-012",
      title: "Orientasi PPPK",
      organizer: "BPSDM",
      form_code: "2",
      jp: 24,
      quota: 40,
      starts_on: null,
      ends_on: null,
      active: true,
      competency_codes: ["SK1"],
      updated_at: "2026-01-05T08:00:00Z",
    },
  ],
  next_cursor: null,
  total: 2,
};

const competency = (code: string, name: string, group: string) => ({
  code,
  name,
  group,
  active: true,
  description: null,
  levels: [],
  updated_at: "2026-01-05T08:00:00Z",
});

export const COMPETENCIES = {
  items: [
    competency("M2", "Kerja Sama", "manajerial"),
    competency("M5", "Pelayanan Publik", "manajerial"),
    competency("M8", "Pengambilan Keputusan", "manajerial"),
    competency("SK1", "Perekat Bangsa", "sosial_kultural"),
  ],
  next_cursor: null,
  total: 4,
};

/** The lookups every programme page reads: the logged-in user, the catalogue and the dictionary. */
export function lookups(user: object = OPD_USER): Record<string, Handler> {
  return {
    "GET /api/v1/auth/me": () => json(user),
    "GET /api/v1/courses": () => json(COURSES),
    "GET /api/v1/competencies": () => json(COMPETENCIES),
  };
}

export function province(overrides: Partial<ProvinceProgram> = {}): ProvinceProgram {
  return {
    year: YEAR,
    jurisdiction: "provinsi",
    total_belanja_daerah_idr: 22_391_185_000_000,
    threshold_pct: 0.34,
    required_min_idr: 76_130_029_000,
    total_cost_idr: 1_538_550_000,
    total_participants: 17,
    total_jp: 10_257,
    compliant: false,
    shortfall_idr: 74_591_479_000,
    programme_pct: 0.0069,
    bangkom_pagu_idr: 71_036_756_000,
    units: [
      {
        unit_id: 29,
        code: "BKD",
        name: "Badan Kepegawaian Daerah",
        lines: [line({ id: 7, cost_idr: 1_538_550_000 })],
        total_cost_idr: 1_538_550_000,
        total_participants: 17,
        total_jp: 10_257,
        pagu_idr: 1_136_890_000,
        within_pagu: false,
      },
      {
        unit_id: 32,
        code: "KESBANGPOL",
        name: "Badan Kesatuan Bangsa dan Politik",
        lines: [],
        total_cost_idr: 0,
        total_participants: 0,
        total_jp: 0,
        pagu_idr: 816_846_000,
        within_pagu: true,
      },
    ],
    by_course: [
      {
        course_id: 4,
        course_code: "BPSDM-004",
        title: "Pelatihan Dasar CPNS Golongan III",
        units: 3,
        sessions: 3,
        participants: 3,
        total_jp: 3423,
        cost_idr: 513_450_000,
      },
    ],
    ...overrides,
  };
}

export function needs(overrides: Partial<TrainingNeedsReport> = {}): TrainingNeedsReport {
  return {
    year: YEAR,
    unit_id: UNIT,
    items: [
      {
        competency_code: "M8",
        name: "Pengambilan Keputusan",
        group: "manajerial",
        assessed: 6,
        below_standard: 3,
        total_shortfall: 4,
        approved_items: 2,
        approved_jp: 48,
        approved_cost_idr: 7_200_000,
        courses: [
          {
            course_id: 9,
            code: "BPSDM-009",
            title: "Diklat Kepemimpinan Tingkat II",
            jp: null,
            approved_items: 2,
            approved_jp: 48,
          },
        ],
      },
      {
        competency_code: "SK1",
        name: "Perekat Bangsa",
        group: "sosial_kultural",
        assessed: 7,
        below_standard: 1,
        total_shortfall: 1,
        approved_items: 0,
        approved_jp: 0,
        approved_cost_idr: 0,
        courses: [],
      },
    ],
    mandatory: [
      { code: "latsar", title: "Pelatihan Dasar CPNS", course_id: 4, count: 2 },
      { code: "pim", title: "Pelatihan Kepemimpinan (PKN, PKA, PKP)", course_id: null, count: 1 },
    ],
    approved: { items: 3, jp: 72, cost_idr: 10_800_000 },
    ...overrides,
  };
}
