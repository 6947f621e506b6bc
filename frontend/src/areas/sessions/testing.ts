// What the session page tests share: sessions, nominations and certificates as the API sends them.
import type { CertificateRead, NominationRead, SessionRead } from "../../api/queries/sessions";

export const OPD_ADMIN = {
  username: "opd.diskominfo",
  role: "opd_admin",
  nip: null,
  unit_id: 14,
  scopes: [],
  must_change_password: false,
};

export const UNITS = {
  items: [
    {
      id: 14,
      code: "DISKOMINFO",
      name: "Dinas Komunikasi dan Informatika",
      kind: "opd",
      parent_id: null,
      updated_at: "2026-01-01T00:00:00Z",
    },
    {
      id: 101,
      code: "APTIKA",
      name: "Bidang Aplikasi Informatika",
      kind: "bidang",
      parent_id: 14,
      updated_at: "2026-01-01T00:00:00Z",
    },
    {
      id: 18,
      code: "DPK",
      name: "Dinas Perpustakaan dan Kearsipan",
      kind: "opd",
      parent_id: null,
      updated_at: "2026-01-01T00:00:00Z",
    },
  ],
  next_cursor: null,
  total: 3,
};

export function courseSession(overrides: Partial<SessionRead> = {}): SessionRead {
  return {
    id: 12,
    course_id: 57,
    course_code: "PKP-2026",
    course_title: "Pelatihan Kepemimpinan Pengawas",
    batch: 3,
    starts_on: "2026-09-07",
    ends_on: "2026-09-11",
    quota: 40,
    taken: 12,
    available: 28,
    unit_quota: [{ unit_id: 14, unit_name: "Dinas Komunikasi dan Informatika", quota: 10, taken: 4 }],
    place: "Kampus BPSDM Provinsi Kalimantan Timur, Samarinda",
    online_url: null,
    cancelled: false,
    nominations_open: true,
    created_by: "bpsdm",
    created_at: "2026-06-01T02:00:00Z",
    updated_at: "2026-06-01T02:00:00Z",
    nominations: null,
    ...overrides,
  };
}

export function nomination(overrides: Partial<NominationRead> = {}): NominationRead {
  return {
    id: 311,
    session_id: 12,
    nip: "198503142010012003",
    name: "Siti Rahmawati",
    unit_id: 18,
    status: "nominated",
    nominated_by: "opd.dpk",
    nominated_at: "2026-07-01T02:00:00Z",
    decided_by: null,
    decided_at: null,
    decision_note: null,
    record_id: null,
    attended_at: null,
    ...overrides,
  };
}

export function certificate(overrides: Partial<CertificateRead> = {}): CertificateRead {
  return {
    number: "BPSDM-KT-2026-PKP-2026-A03-0001-7KQ2",
    session_id: 12,
    sequence: 1,
    nip: "198503142010012003",
    name: "Siti Rahmawati",
    course_id: 57,
    course_code: "PKP-2026",
    course_title: "Pelatihan Kepemimpinan Pengawas",
    batch: 3,
    starts_on: "2026-08-03",
    ends_on: "2026-08-07",
    jp: 40,
    record_id: 4521,
    issued_by: "bpsdm",
    issued_at: "2026-08-10T02:00:00Z",
    issued_on: "2026-08-10",
    revoked: false,
    ...overrides,
  } as CertificateRead;
}

export const page = <T>(items: T[]) => ({ items, next_cursor: null, total: items.length });
