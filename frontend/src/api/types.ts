// Names for the generated schema types the UI uses; add a line here rather than spelling out
// components["schemas"][...] in pages.
import type { components } from "./schema";

type Schemas = components["schemas"];

export type Problem = Schemas["Problem"];
export type Me = Schemas["Me"];
export type TokenResponse = Schemas["TokenResponse"];
export type JpSummary = Schemas["JpSummary"];
export type AsnRead = Schemas["AsnRead"];
export type AsnUpdate = Schemas["AsnUpdate"];
export type QueueItem = Schemas["QueueItem"];
export type QueuePage = Schemas["QueuePage"];
export type JpComplianceReport = Schemas["JpComplianceReport"];
export type UnitJpCompliance = Schemas["app__learning__report_schemas__UnitCompliance"];

/** The four user roles (GET /auth/me `role`). */
export type Role = "asn" | "opd_admin" | "bpsdm_admin" | "auditor";
