// What the development-plan tests share: users, plans and the reference answers the pages read.
import type { PlanItemRead, PlanRead } from "../../api/queries/plans";
import { type Handler, json } from "../../test/fakeApi";

export const NIP = "198503142010012003";
export const YEAR = new Date().getFullYear();
export const PLAN_PATH = `/api/v1/asn/${NIP}/development-plans/${YEAR}`;

export const ASN_USER = {
  username: NIP,
  role: "asn",
  nip: NIP,
  unit_id: 14,
  scopes: [],
  must_change_password: false,
};
export const OPD_USER = { ...ASN_USER, username: "opd.diskominfo", role: "opd_admin", nip: null };
export const AUDITOR_USER = { ...OPD_USER, username: "auditor", role: "auditor", unit_id: null };

export function item(overrides: Partial<PlanItemRead> = {}): PlanItemRead {
  return {
    competency_code: "T12",
    course_id: 57,
    title: "Pelatihan Pengelolaan Arsip Digital",
    form_code: "3",
    planned_jp: 24,
    planned_quarter: 2,
    estimated_cost_idr: 3_500_000,
    reason: "Kesenjangan T12: level 1 dari 2",
    done: false,
    record_id: null,
    ...overrides,
  };
}

export function plan(overrides: Partial<PlanRead> = {}): PlanRead {
  const items = overrides.items ?? [
    item(),
    item({
      competency_code: "M4",
      course_id: null,
      title: "Orientasi pada Hasil",
      form_code: "24",
      planned_jp: 10,
      planned_quarter: 3,
      estimated_cost_idr: 0,
      reason: "Kesenjangan M4: level 2 dari 3",
      done: true,
      record_id: 901,
    }),
  ];
  return {
    nip: NIP,
    year: YEAR,
    unit_id: 14,
    status: "draft",
    items,
    planned_jp: items.reduce((sum, i) => sum + i.planned_jp, 0),
    done_jp: items.filter((i) => i.done).reduce((sum, i) => sum + i.planned_jp, 0),
    estimated_cost_idr: items.reduce((sum, i) => sum + i.estimated_cost_idr, 0),
    created_by: NIP,
    created_at: "2026-01-05T01:00:00Z",
    submitted_at: null,
    decided_by: null,
    decided_at: null,
    decision_note: null,
    updated_at: "2026-01-05T01:00:00Z",
    ...overrides,
  };
}

/** An answer with the plan and its ETag (the version the next write sends back). */
export const planAnswer = (body: PlanRead, version = 1, status = 200) => json(body, status, { ETag: `"${version}"` });

/** The competency dictionary, the learning forms and the catalogue the editor offers. */
export const referenceHandlers: Record<string, Handler> = {
  "GET /api/v1/competencies": () =>
    json({
      items: [
        { code: "M4", name: "Orientasi pada Hasil", group: "manajerial", active: true },
        { code: "T12", name: "Pengelolaan Arsip", group: "teknis", active: true },
      ],
      next_cursor: null,
      total: 2,
    }),
  "GET /api/v1/reference/learning_forms": () =>
    json({
      kind: "learning_forms",
      items: [
        { code: "3", name: "Pelatihan Teknis" },
        { code: "24", name: "Bimbingan di Tempat Kerja" },
      ],
    }),
  "GET /api/v1/courses": (request) =>
    json({
      items:
        request.query.get("competency_code") === "M4"
          ? [
              {
                id: 71,
                code: "PKH-01",
                title: "Pelatihan Kepemimpinan Berorientasi Hasil",
                form_code: "3",
                jp: 30,
                organizer: "BPSDM",
                competency_codes: ["M4"],
                active: true,
                starts_on: null,
                ends_on: null,
                quota: null,
                updated_at: "2026-01-01T00:00:00Z",
              },
            ]
          : [],
      next_cursor: null,
      total: 1,
    }),
};

export const historyAnswer = (events: unknown[]) => json({ nip: NIP, year: YEAR, events });
