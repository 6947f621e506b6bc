import { describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { can, OPERATION_ROLES, type Operation } from "./can";
import { canVisit } from "./roles";

// That the table agrees with the API's own policy is checked on the server side, against the role
// matrix the API tests exercise: tests/core/test_spa_permissions.py.
describe("can(role, operation)", () => {
  it("keeps the auditor read-only: no write operation, but the audit trail", () => {
    // A write is any operation the API serves on a method other than GET.
    const reads = new Set<string>();
    for (const methods of Object.values(openapi.paths)) {
      const get = (methods as { get?: { operationId?: string } }).get;
      if (get?.operationId) reads.add(get.operationId);
    }
    const writes = (Object.keys(OPERATION_ROLES) as Operation[]).filter((op) => !reads.has(op));
    expect(writes.length).toBeGreaterThan(40);
    expect(writes.filter((op) => can("auditor", op))).toEqual([]);
    expect(can("auditor", "audit_list")).toBe(true);
    expect(can("auditor", "audit_entities")).toBe(true);
  });

  it("lets the BPSDM admin write and the OPD admin only within its part", () => {
    expect(can("bpsdm_admin", "users_create")).toBe(true);
    expect(can("bpsdm_admin", "learning_records_verify")).toBe(true);
    expect(can("opd_admin", "learning_records_verify")).toBe(true);
    expect(can("opd_admin", "users_create")).toBe(false);
    expect(can("opd_admin", "imports_asn")).toBe(false);
    expect(can("opd_admin", "audit_list")).toBe(false);
    expect(can("asn", "learning_records_verify")).toBe(false);
  });

  it("lets the auditor read talent records but never an ASN, and only the admins record them", () => {
    expect(can("auditor", "disciplinary_records_list")).toBe(true);
    expect(can("auditor", "potential_assessments_list")).toBe(true);
    expect(can("auditor", "performance_put")).toBe(false);
    expect(can("asn", "disciplinary_records_list")).toBe(false);
    expect(can("asn", "potential_assessments_list")).toBe(false);
    expect(can("opd_admin", "performance_put")).toBe(true);
    expect(can("bpsdm_admin", "disciplinary_records_create")).toBe(true);
  });

  it("allows nothing to an unknown role or before the user is known", () => {
    expect(can(undefined, "audit_list")).toBe(false);
    expect(can(null, "users_create")).toBe(false);
    expect(can("superuser", "users_create")).toBe(false);
  });
});

describe("canVisit(role, path)", () => {
  it("lets every role back to the inbox and the password page after a login, but not into another's area", () => {
    expect(canVisit("asn", "/kotak-masuk")).toBe(true);
    expect(canVisit("opd_admin", "/kotak-masuk?x=1")).toBe(true);
    expect(canVisit("auditor", "/kata-sandi")).toBe(true);
    expect(canVisit("asn", "/opd/kelengkapan")).toBe(false);
    expect(canVisit("opd_admin", "/opd/kelengkapan")).toBe(true);
    expect(canVisit("superuser", "/kotak-masuk")).toBe(false);
  });
});
