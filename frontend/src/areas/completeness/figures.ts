import type { GapActionCode, IndicatorCode } from "../../api/types";

/** The checklist in its order (the API answers indicators in the same one). */
export const INDICATORS: readonly IndicatorCode[] = [
  "contact",
  "education",
  "position_standard",
  "competency_assessment",
  "potential_assessment",
  "performance_last_year",
  "jp_this_year",
  "queue_within_sla",
];

export function isIndicator(value: string | null): value is IndicatorCode {
  return value !== null && (INDICATORS as readonly string[]).includes(value);
}

export type Band = "good" | "fair" | "poor";

/**
 * A share or score drawn green, amber or red (always with its words too). Only a way of drawing:
 * the thresholds that send reminders are rule data (the campaigns' `threshold`).
 */
export function band(value: number): Band {
  if (value >= 90) return "good";
  if (value >= 70) return "fair";
  return "poor";
}

/** Points gained since an earlier score (negative: lost), or null when either is unknown. */
export function change(now: number | null, before: number | null): number | null {
  if (now === null || before === null) return null;
  return Math.round((now - before) * 100) / 100;
}

/** Where an action of a data gap is done: a page of the SPA, or only a hint (the ASN does it). */
export type ActionTarget = { to: string } | { hint: true };

/** The profile fields an admin fills on the ASN's page, in its "Ubah profil" dialog. */
export const PROFILE_ACTIONS = ["fill_contact", "fill_education", "set_position"] as const;
export type ProfileAction = (typeof PROFILE_ACTIONS)[number];

export function isProfileAction(value: string | null): value is ProfileAction {
  return value !== null && (PROFILE_ACTIONS as readonly string[]).includes(value);
}

/** The query parameter of the ASN page that names what to complete there (`?lengkapi=fill_contact`). */
export const FIX_PARAM = "lengkapi";

/**
 * The one click that closes a gap. Everything about the person is done on their page in the OPD area
 * (which BPSDM and the auditor may open too), which opens the form or the section the action names;
 * overdue claims are decided in the verification queue. A claim is the ASN's own to file: an admin
 * cannot open the ASN's claim page, so that one is a hint.
 */
export function actionTarget(code: GapActionCode, nip: string): ActionTarget {
  switch (code) {
    case "file_claim":
      return { hint: true };
    case "verify_claims":
      return { to: "/opd" };
    default:
      return { to: `/opd/asn/${encodeURIComponent(nip)}?${FIX_PARAM}=${code}` };
  }
}

/** The id of the section of the ASN page where an action that is not a profile field is done. */
export const ACTION_SECTION: Partial<Record<GapActionCode, string>> = {
  define_standard: "profil",
  record_assessment: "kompetensi",
  record_potential: "talenta",
  record_performance: "talenta",
};
