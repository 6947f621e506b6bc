import type { Campaign, CampaignAudience, CampaignChannel } from "../../api/types";

export const AUDIENCES: readonly CampaignAudience[] = [
  "asn_below_jp_target",
  "opd_queue_overdue",
  "opd_completeness_below",
  "account_invitation",
  "year_closing",
];

export const CHANNELS: readonly CampaignChannel[] = ["in_app", "email"];

const COMMON = ["name", "username", "year", "login_url"];

/** The placeholders each audience fills (the API refuses any other with 422 unknown_placeholder). */
export const PLACEHOLDERS: Record<CampaignAudience, readonly string[]> = {
  asn_below_jp_target: [...COMMON, "nip", "unit", "target_jp", "verified_jp", "remaining_jp", "courses"],
  opd_queue_overdue: [...COMMON, "unit", "overdue", "oldest_days", "sla_days"],
  opd_completeness_below: [...COMMON, "unit", "score", "previous_score", "threshold"],
  account_invitation: [...COMMON, "nip", "unit"],
  year_closing: [...COMMON, "unit", "close_date", "days_left", "pending"],
};

/** The audiences whose `threshold` means something: a score, or days before the closing date. */
export function thresholdKind(audience: CampaignAudience): "score" | "days" | null {
  if (audience === "opd_completeness_below") return "score";
  if (audience === "year_closing") return "days";
  return null;
}

/** The draft of the edit dialog: what is typed, as text. */
export interface CampaignDraft {
  active: boolean;
  channels: CampaignChannel[];
  from_month: string;
  threshold: string;
  min_interval_days: string;
  title_id: string;
  title_en: string;
  template_id: string;
  template_en: string;
}

export function draftOf(campaign: Campaign): CampaignDraft {
  return {
    active: campaign.active ?? true,
    channels: [...campaign.channels],
    from_month: String(campaign.from_month ?? 1),
    threshold: campaign.threshold === null || campaign.threshold === undefined ? "" : String(campaign.threshold),
    min_interval_days: String(campaign.min_interval_days),
    title_id: campaign.title_id ?? "",
    title_en: campaign.title_en ?? "",
    template_id: campaign.template_id,
    template_en: campaign.template_en,
  };
}

export type DraftErrors = Partial<Record<keyof CampaignDraft, "channels" | "whole" | "range" | "required">>;

const WHOLE = /^\d{1,4}$/;

/** What the dialog refuses before sending; the server checks again (and the templates' placeholders). */
export function validateDraft(audience: CampaignAudience, draft: CampaignDraft): DraftErrors {
  const errors: DraftErrors = {};
  if (draft.channels.length === 0) errors.channels = "channels";
  const interval = draft.min_interval_days.trim();
  if (!WHOLE.test(interval)) errors.min_interval_days = "whole";
  else if (Number(interval) < 1 || Number(interval) > 366) errors.min_interval_days = "range";
  const kind = thresholdKind(audience);
  const threshold = draft.threshold.trim();
  if (kind !== null) {
    if (!threshold) errors.threshold = "required";
    else if (!WHOLE.test(threshold)) errors.threshold = "whole";
    else if (kind === "score" ? Number(threshold) < 1 || Number(threshold) > 100 : Number(threshold) > 366)
      errors.threshold = "range";
  }
  if (!draft.template_id.trim()) errors.template_id = "required";
  if (!draft.template_en.trim()) errors.template_en = "required";
  return errors;
}

/** The campaign as the PUT sends it, from its stored self and the checked draft. */
export function applyDraft(campaign: Campaign, draft: CampaignDraft): Campaign {
  const kind = thresholdKind(campaign.audience);
  return {
    ...campaign,
    active: draft.active,
    channels: CHANNELS.filter((c) => draft.channels.includes(c)),
    from_month: Number(draft.from_month),
    threshold: kind === null ? (campaign.threshold ?? null) : Number(draft.threshold.trim()),
    min_interval_days: Number(draft.min_interval_days.trim()),
    title_id: draft.title_id.trim() || null,
    title_en: draft.title_en.trim() || null,
    template_id: draft.template_id.trim(),
    template_en: draft.template_en.trim(),
  };
}

/** A month's name in the UI's locale (1 = January). */
export function monthName(month: number, locale: string): string {
  return new Intl.DateTimeFormat(locale, { month: "long" }).format(new Date(2026, month - 1, 1));
}
