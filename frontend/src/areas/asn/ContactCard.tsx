import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/problem";
import { asnProfile, useUpdateAsn } from "../../api/queries/asn";
import type { AsnRead, AsnUpdate } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, Card, Spinner, TextField, useToast } from "../../ui";

export function ContactCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const profile = useQuery(asnProfile(nip));
  return (
    <Card title={t("asn.contactTitle")}>
      {profile.data ? <ContactForm nip={nip} saved={profile.data.profile} etag={profile.data.etag} /> : <Spinner />}
    </Card>
  );
}

// The server's rules (app/asn/schemas.py), checked before sending so a typo is caught at once; the
// server still checks, and its message (in the UI language) shows if it refuses anyway.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9][0-9 -]{6,18}[0-9]$/;

/** The server's message for one body field of a 422, in the UI language, if any. */
function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem?.errors?.find((item) => item.loc[item.loc.length - 1] === field)?.msg;
}

function ContactForm({ nip, saved, etag }: { nip: string; saved: AsnRead; etag: string | null }) {
  const { t } = useTranslation();
  const toast = useToast();
  const update = useUpdateAsn(nip);
  const [email, setEmail] = useState(saved.email ?? "");
  const [phone, setPhone] = useState(saved.phone ?? "");

  const changes: AsnUpdate = {};
  if (email.trim() !== (saved.email ?? "")) changes.email = email.trim() || null;
  if (phone.trim() !== (saved.phone ?? "")) changes.phone = phone.trim() || null;
  const dirty = Object.keys(changes).length > 0;
  const [checked, setChecked] = useState(false);
  const emailProblem = changes.email && !EMAIL.test(changes.email) ? t("asn.emailInvalid") : undefined;
  const phoneProblem = changes.phone && !PHONE.test(changes.phone) ? t("asn.phoneInvalid") : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (!dirty || emailProblem || phoneProblem) return;
    update.mutate({ changes, etag }, { onSuccess: () => toast.show(t("ui.saved"), { tone: "success" }) });
  }

  return (
    <form className="stack" onSubmit={submit} noValidate>
      {update.error && <ProblemAlert error={update.error} />}
      <TextField
        label={t("asn.email")}
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        error={(checked && emailProblem) || fieldError(update.error, "email")}
      />
      <TextField
        label={t("asn.phone")}
        name="phone"
        type="tel"
        autoComplete="tel"
        value={phone}
        onChange={(event) => setPhone(event.target.value)}
        hint={t("asn.phoneHint")}
        error={(checked && phoneProblem) || fieldError(update.error, "phone")}
      />
      <div className="form-actions">
        <Button type="submit" busy={update.isPending} busyLabel={t("ui.saving")} disabled={!dirty}>
          {t("ui.save")}
        </Button>
      </div>
    </form>
  );
}
