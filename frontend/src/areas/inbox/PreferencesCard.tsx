import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../api/queries/auth";
import { notificationPreferences, useSavePreferences } from "../../api/queries/notifications";
import type { NotificationPreferences } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, Card, Select, Spinner, TextField, useToast } from "../../ui";

// The server's rule for an address, checked first so a typo is caught at once (it checks again).
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** How the user is told: the inbox's badge, email, the address (for accounts without a profile) and language. */
export function PreferencesCard() {
  const { t } = useTranslation();
  const preferences = useQuery({ ...notificationPreferences(), throwOnError: false });
  return (
    <Card title={t("inbox.prefs.title")}>
      {preferences.error && !preferences.data ? (
        <ProblemAlert error={preferences.error} onRetry={() => void preferences.refetch()} />
      ) : !preferences.data ? (
        <Spinner />
      ) : (
        <PreferencesForm
          // A saved change (a new ETag) starts the form again from what the server stored.
          key={preferences.data.etag ?? ""}
          saved={preferences.data.preferences}
          etag={preferences.data.etag}
        />
      )}
    </Card>
  );
}

function PreferencesForm({ saved, etag }: { saved: NotificationPreferences; etag: string | null }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { data: me } = useMe();
  const save = useSavePreferences();
  const [inApp, setInApp] = useState(saved.in_app);
  const [email, setEmail] = useState(saved.email);
  const [address, setAddress] = useState(saved.email_address ?? "");
  const [language, setLanguage] = useState(saved.language);
  const [checked, setChecked] = useState(false);

  const trimmed = address.trim();
  const addressProblem = trimmed && !EMAIL.test(trimmed) ? t("inbox.prefs.addressInvalid") : undefined;
  const dirty =
    inApp !== saved.in_app ||
    email !== saved.email ||
    trimmed !== (saved.email_address ?? "") ||
    language !== saved.language;

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (!dirty || addressProblem) return;
    save.mutate(
      { etag, body: { in_app: inApp, email, email_address: trimmed || null, language } },
      { onSuccess: () => toast.show(t("inbox.prefs.saved"), { tone: "success" }) },
    );
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <fieldset className="inbox-fieldset">
        <legend>{t("inbox.prefs.channels")}</legend>
        <label className="inbox-check">
          <input type="checkbox" checked={inApp} onChange={(event) => setInApp(event.target.checked)} />
          <span>
            {t("inbox.prefs.inApp")}
            <span className="inbox-check__hint">{t("inbox.prefs.inAppHint")}</span>
          </span>
        </label>
        <label className="inbox-check">
          <input type="checkbox" checked={email} onChange={(event) => setEmail(event.target.checked)} />
          <span>{t("inbox.prefs.email")}</span>
        </label>
      </fieldset>
      <TextField
        label={t("inbox.prefs.address")}
        type="email"
        autoComplete="email"
        value={address}
        onChange={(event) => setAddress(event.target.value)}
        hint={me?.role === "asn" ? t("inbox.prefs.addressHintAsn") : t("inbox.prefs.addressHint")}
        error={checked ? addressProblem : undefined}
      />
      <p className="inbox-delivery" data-testid="delivery-address">
        {saved.delivery_address
          ? t("inbox.prefs.deliveryTo", { address: saved.delivery_address })
          : t("inbox.prefs.noDelivery")}
      </p>
      <Select
        label={t("inbox.prefs.language")}
        value={language}
        options={[
          { value: "id", label: t("language.id") },
          { value: "en", label: t("language.en") },
        ]}
        onChange={(event) => setLanguage(event.target.value === "en" ? "en" : "id")}
      />
      {save.error && <ProblemAlert error={save.error} />}
      <div className="form-actions">
        <Button type="submit" busy={save.isPending} busyLabel={t("ui.saving")} disabled={!dirty}>
          {t("ui.save")}
        </Button>
      </div>
    </form>
  );
}
