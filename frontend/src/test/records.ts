// Learning records as the API sends them, for the fake backends of unit tests.
import type { RecordRead } from "../api/types";

export const TEST_NIP = "198901062015011008";

/** A pending self-reported claim of TEST_NIP without evidence; a test overrides what it is about. */
export function recordRead(overrides: Partial<RecordRead> = {}): RecordRead {
  return {
    id: 1,
    nip: TEST_NIP,
    title: "Seminar",
    form_code: "9",
    organizer: "BPSDM Kaltim",
    start_date: "2026-03-02",
    end_date: "2026-03-02",
    year: 2026,
    jp: 2,
    jp_claimed: 2,
    duration_minutes: null,
    competency_codes: [],
    certificate_number: null,
    cost_idr: null,
    source: "self",
    external_id: null,
    status: "pending",
    created_by: TEST_NIP,
    created_at: "2026-03-05T01:00:00Z",
    decided_by: null,
    decided_at: null,
    decision_note: null,
    voided_by: null,
    voided_at: null,
    void_reason: null,
    evidence: null,
    ...overrides,
  };
}
