import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSaveReminderRules } from "../../api/queries/reminders";
import type { Campaign, ReminderRules } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, Modal, Select, TextArea, TextField, useToast } from "../../ui";
import {
  applyDraft,
  type CampaignDraft,
  CHANNELS,
  type DraftErrors,
  draftOf,
  monthName,
  PLACEHOLDERS,
  thresholdKind,
  validateDraft,
} from "./campaigns";

/**
 * Edits one campaign of the year. The PUT sends the whole set back (the other campaigns as they are);
 * a year that falls back to another set gets its own with this change (no If-Match), a year with its
 * own set replaces it with the ETag it was read with (412 when someone changed it meanwhile).
 */
export function CampaignDialog({
  year,
  rules,
  etag,
  campaign,
  onClose,
}: {
  year: number;
  rules: ReminderRules;
  etag: string | null;
  campaign: Campaign;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const toast = useToast();
  const save = useSaveReminderRules(year);
  const [draft, setDraft] = useState<CampaignDraft>(() => draftOf(campaign));
  const [errors, setErrors] = useState<DraftErrors>({});
  const formRef = useRef<HTMLFormElement>(null);
  const kind = thresholdKind(campaign.audience);
  const name = t(`reminders.audience.${campaign.audience}`);

  const set =
    (field: keyof CampaignDraft) =>
    (event: { target: { value: string } }): void =>
      setDraft((d) => ({ ...d, [field]: event.target.value }));
  const message = (field: keyof CampaignDraft) => {
    const error = errors[field];
    if (!error) return undefined;
    if (field === "threshold" && error === "range") return t(`reminders.errors.threshold_${kind ?? "score"}`);
    if (field === "min_interval_days" && error === "range") return t("reminders.errors.interval");
    return t(`reminders.errors.${error}`);
  };

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateDraft(campaign.audience, draft);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    const campaigns = rules.campaigns.map((c) => (c.code === campaign.code ? applyDraft(c, draft) : c));
    save.mutate(
      { etag, body: { campaigns } },
      {
        onSuccess: () => {
          toast.show(t("reminders.saved", { name }), { tone: "success" });
          onClose();
        },
      },
    );
  }

  return (
    <Modal
      open
      size="wide"
      title={t("reminders.editTitle", { name })}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t("reminders.cancel")}
          </Button>
          <Button type="submit" form="campaign-form" busy={save.isPending} busyLabel={t("ui.saving")}>
            {t("ui.save")}
          </Button>
        </>
      }
    >
      <form id="campaign-form" ref={formRef} className="stack" onSubmit={submit} noValidate>
        <p className="reminders-note">{t(`reminders.audienceHint.${campaign.audience}`)}</p>
        <label className="reminders-check">
          <input
            type="checkbox"
            checked={draft.active}
            onChange={(event) => setDraft((d) => ({ ...d, active: event.target.checked }))}
          />
          <span>{t("reminders.activeLabel")}</span>
        </label>
        <fieldset
          className="reminders-fieldset"
          aria-describedby={errors.channels ? "campaign-channels-error" : undefined}
        >
          <legend>{t("reminders.col.channels")}</legend>
          {CHANNELS.map((channel) => (
            <label key={channel} className="reminders-check">
              <input
                type="checkbox"
                checked={draft.channels.includes(channel)}
                aria-invalid={errors.channels ? true : undefined}
                onChange={(event) =>
                  setDraft((d) => ({
                    ...d,
                    channels: event.target.checked ? [...d.channels, channel] : d.channels.filter((c) => c !== channel),
                  }))
                }
              />
              <span>{t(`reminders.channel.${channel}`)}</span>
            </label>
          ))}
          {errors.channels && (
            <p id="campaign-channels-error" className="field__error">
              {t("reminders.errors.channels")}
            </p>
          )}
        </fieldset>
        <div className="reminders-form-grid">
          {campaign.audience !== "year_closing" && (
            <Select
              label={t("reminders.fromMonthLabel")}
              value={draft.from_month}
              onChange={set("from_month")}
              options={Array.from({ length: 12 }, (_, i) => ({
                value: String(i + 1),
                label: monthName(i + 1, f.locale),
              }))}
              hint={t("reminders.fromMonthHint", { year })}
            />
          )}
          {kind !== null && (
            <TextField
              label={kind === "score" ? t("reminders.thresholdScoreLabel") : t("reminders.thresholdDaysLabel")}
              inputMode="numeric"
              value={draft.threshold}
              onChange={set("threshold")}
              error={message("threshold")}
            />
          )}
          <TextField
            label={t("reminders.intervalLabel")}
            inputMode="numeric"
            value={draft.min_interval_days}
            onChange={set("min_interval_days")}
            hint={t("reminders.intervalHint")}
            error={message("min_interval_days")}
          />
        </div>
        <div className="reminders-form-grid">
          <TextField
            label={t("reminders.titleId")}
            value={draft.title_id}
            onChange={set("title_id")}
            maxLength={200}
            hint={t("reminders.titleHint")}
          />
          <TextField
            label={t("reminders.titleEn")}
            value={draft.title_en}
            onChange={set("title_en")}
            maxLength={200}
            hint={t("reminders.titleHint")}
          />
        </div>
        <TextArea
          label={t("reminders.templateId")}
          rows={4}
          value={draft.template_id}
          onChange={set("template_id")}
          maxLength={2000}
          required
          error={message("template_id")}
          lang="id"
        />
        <TextArea
          label={t("reminders.templateEn")}
          rows={4}
          value={draft.template_en}
          onChange={set("template_en")}
          maxLength={2000}
          required
          error={message("template_en")}
          lang="en"
        />
        <div className="reminders-placeholders">
          <p>{t("reminders.placeholders")}</p>
          <ul>
            {PLACEHOLDERS[campaign.audience].map((p) => (
              <li key={p}>
                <code>{`{${p}}`}</code>
              </li>
            ))}
          </ul>
        </div>
        {save.error && <ProblemAlert error={save.error} />}
      </form>
    </Modal>
  );
}
