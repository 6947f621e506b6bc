import { useMe } from "../api/queries/auth";
import type { Role } from "../api/types";
import { isRole } from "./roles";

/**
 * Which roles may call each API operation the SPA offers a control for, keyed by the operation id and
 * copied from docs/api.md's Operations table (can.test.ts fails when the two disagree). A page asks
 * `can(operation)` and never spells role names itself: a control the API would refuse with 403 (an
 * auditor's "Tambah pengguna") is not shown at all. The API still checks scope (which unit, whose
 * claim) on every object; this only decides what to offer.
 */
export const OPERATION_ROLES = {
  // The audit trail (read-only for everyone, but only these two may read it).
  audit_list: ["bpsdm_admin", "auditor"],
  audit_entities: ["bpsdm_admin", "auditor"],
  // Accounts and integration clients.
  users_create: ["bpsdm_admin"],
  users_update: ["bpsdm_admin"],
  users_provision: ["opd_admin", "bpsdm_admin"],
  users_password_reset: ["opd_admin", "bpsdm_admin"],
  clients_create: ["bpsdm_admin"],
  clients_update: ["bpsdm_admin"],
  clients_rotate_secret: ["bpsdm_admin"],
  // Imports.
  imports_asn: ["bpsdm_admin"],
  imports_learning_records: ["opd_admin", "bpsdm_admin"],
  imports_attendance: ["opd_admin", "bpsdm_admin"],
  imports_assessment_results: ["opd_admin", "bpsdm_admin"],
  imports_performance: ["opd_admin", "bpsdm_admin"],
  imports_retry: ["opd_admin", "bpsdm_admin"],
  // Rules, reference data, structure, budgets.
  rules_put: ["bpsdm_admin"],
  rules_copy: ["bpsdm_admin"],
  units_create: ["bpsdm_admin"],
  units_update: ["bpsdm_admin"],
  positions_create: ["bpsdm_admin"],
  positions_update: ["bpsdm_admin"],
  competencies_create: ["bpsdm_admin"],
  competencies_update: ["bpsdm_admin"],
  position_standards_put: ["bpsdm_admin"],
  position_standards_bulk: ["bpsdm_admin"],
  standard_defaults_put: ["bpsdm_admin"],
  courses_create: ["bpsdm_admin"],
  courses_update: ["bpsdm_admin"],
  // Course sessions (angkatan), nominations and attendance.
  course_sessions_create: ["bpsdm_admin"],
  course_sessions_update: ["bpsdm_admin"],
  course_sessions_suggestions: ["opd_admin", "bpsdm_admin"],
  course_sessions_attendance: ["bpsdm_admin"],
  nominations_create: ["opd_admin", "bpsdm_admin"],
  nominations_list: ["opd_admin", "bpsdm_admin", "auditor"],
  nominations_decide: ["bpsdm_admin"],
  nominations_withdraw: ["opd_admin", "bpsdm_admin"],
  // Certificates BPSDM issues (their public check needs no login; the PDF is for whoever reads the ASN).
  certificates_issue: ["bpsdm_admin"],
  certificates_list: ["opd_admin", "bpsdm_admin", "auditor"],
  asn_certificates_list: ["asn", "opd_admin", "bpsdm_admin", "auditor"],
  budgets_put: ["bpsdm_admin"],
  unit_budgets_put: ["bpsdm_admin"],
  development_programs_put: ["opd_admin", "bpsdm_admin"],
  // Reminder campaigns and closing a year.
  reminder_rules_put: ["bpsdm_admin"],
  reminder_rules_run: ["bpsdm_admin"],
  year_closing_put: ["bpsdm_admin"],
  // The training-needs analysis and the programme proposal (read-only; an OPD admin within its subtree).
  reports_training_needs: ["opd_admin", "bpsdm_admin", "auditor"],
  development_programs_proposal: ["opd_admin", "bpsdm_admin", "auditor"],
  // ASN profiles, learning records and assessments.
  asn_create: ["opd_admin", "bpsdm_admin"],
  asn_update: ["asn", "opd_admin", "bpsdm_admin"],
  learning_records_create: ["asn", "opd_admin", "bpsdm_admin"],
  learning_records_verify: ["opd_admin", "bpsdm_admin"],
  learning_records_void: ["asn", "opd_admin", "bpsdm_admin"],
  learning_records_evidence_upload: ["asn", "opd_admin", "bpsdm_admin"],
  assessments_create: ["opd_admin", "bpsdm_admin"],
  // Talent records (sanctions and potential are confidential: never an ASN's, not even their own).
  performance_put: ["opd_admin", "bpsdm_admin"],
  potential_assessments_list: ["opd_admin", "bpsdm_admin", "auditor"],
  disciplinary_records_create: ["opd_admin", "bpsdm_admin"],
  disciplinary_records_list: ["opd_admin", "bpsdm_admin", "auditor"],
  // Individual development plans (IDP).
  development_plans_create: ["asn", "opd_admin", "bpsdm_admin"],
  development_plans_items_put: ["asn", "opd_admin", "bpsdm_admin"],
  development_plans_submit: ["asn", "opd_admin", "bpsdm_admin"],
  development_plans_decide: ["opd_admin", "bpsdm_admin"],
  development_plans_list: ["opd_admin", "bpsdm_admin", "auditor"],
} as const satisfies Record<string, readonly Role[]>;

export type Operation = keyof typeof OPERATION_ROLES;

/** May a user of this role call the operation? Unknown roles (and no user yet) may call nothing. */
export function can(role: string | null | undefined, operation: Operation): boolean {
  return role != null && isRole(role) && (OPERATION_ROLES[operation] as readonly Role[]).includes(role);
}

/**
 * `const can = useCan(); can("users_create")` for the logged-in user. False while /auth/me loads, so
 * a write control appears only once the role is known and never flashes for a read-only account.
 */
export function useCan(): (operation: Operation) => boolean {
  const { data: me } = useMe();
  const role = me?.role;
  return (operation) => can(role, operation);
}
