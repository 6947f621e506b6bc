import { useQuery } from "@tanstack/react-query";
import { type FormEvent, type RefObject, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/problem";
import { useUpdateAsn } from "../../api/queries/asn";
import { unitPositions } from "../../api/queries/positions";
import type { AsnRead, AsnUpdate } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, Modal, Select, TextField, useToast } from "../../ui";
import type { ProfileAction } from "../completeness/figures";

// The server's rules (app/asn/schemas.py), checked first so a typo is caught at once; it checks again.
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[0-9][0-9 -]{6,18}[0-9]$/;
export const EDUCATION_LEVELS = ["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"] as const;
type Education = (typeof EDUCATION_LEVELS)[number];

function isEducation(value: string): value is Education {
  return (EDUCATION_LEVELS as readonly string[]).includes(value);
}

/** The server's message for one body field of a 422, in the UI language, if any. */
function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem?.errors?.find((item) => item.loc[item.loc.length - 1] === field)?.msg;
}

/**
 * "Ubah profil" on an ASN's page: the data an admin completes for the checklist (email and phone,
 * highest education, the position in the ASN's unit). Only changed fields are sent, with the ETag the
 * profile was read with (412 when someone changed it meanwhile). `focus` is the field the action that
 * opened the dialog is about (from "Data yang belum lengkap").
 */
export function ProfileDialog({
  asn,
  etag,
  focus,
  onClose,
}: {
  asn: AsnRead;
  etag: string | null;
  focus?: ProfileAction;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const update = useUpdateAsn(asn.nip);
  const positions = useQuery({ ...unitPositions(asn.unit_id), throwOnError: false, staleTime: 5 * 60_000 });
  const [email, setEmail] = useState(asn.email ?? "");
  const [phone, setPhone] = useState(asn.phone ?? "");
  const [education, setEducation] = useState<string>(asn.education_level ?? "");
  const [position, setPosition] = useState(asn.position_id === null ? "" : String(asn.position_id));
  const [checked, setChecked] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLInputElement>(null);
  const educationRef = useRef<HTMLSelectElement>(null);
  const positionRef = useRef<HTMLSelectElement>(null);
  // The first empty field of the action's: a missing phone rather than the email already there.
  const initialFocus: RefObject<HTMLElement | null> | undefined =
    focus === "fill_contact"
      ? asn.email && !asn.phone
        ? phoneRef
        : emailRef
      : focus === "fill_education"
        ? educationRef
        : focus === "set_position"
          ? positionRef
          : undefined;

  const changes: AsnUpdate = {};
  if (email.trim() !== (asn.email ?? "")) changes.email = email.trim() || null;
  if (phone.trim() !== (asn.phone ?? "")) changes.phone = phone.trim() || null;
  if (education !== (asn.education_level ?? "")) changes.education_level = isEducation(education) ? education : null;
  if (position !== (asn.position_id === null ? "" : String(asn.position_id))) {
    changes.position_id = position ? Number(position) : null;
  }
  const dirty = Object.keys(changes).length > 0;
  const emailProblem = changes.email && !EMAIL.test(changes.email) ? t("opd.profileEdit.emailInvalid") : undefined;
  const phoneProblem = changes.phone && !PHONE.test(changes.phone) ? t("opd.profileEdit.phoneInvalid") : undefined;

  // The unit's positions, and the current one even when it is another unit's.
  const positionOptions = (positions.data ?? []).map((p) => ({ value: String(p.id), label: p.name }));
  if (asn.position_id !== null && !positionOptions.some((o) => o.value === String(asn.position_id))) {
    positionOptions.unshift({ value: String(asn.position_id), label: t("opd.profileEdit.currentPosition") });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (!dirty || emailProblem || phoneProblem) return;
    update.mutate(
      { changes, etag },
      {
        onSuccess: () => {
          toast.show(t("opd.profileEdit.saved", { name: asn.name }), { tone: "success" });
          onClose();
        },
      },
    );
  }

  return (
    <Modal
      open
      size="wide"
      title={t("opd.profileEdit.title")}
      onClose={onClose}
      initialFocus={initialFocus}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t("opd.profileEdit.cancel")}
          </Button>
          <Button
            type="submit"
            form="asn-profile-form"
            busy={update.isPending}
            busyLabel={t("ui.saving")}
            disabled={!dirty}
          >
            {t("ui.save")}
          </Button>
        </>
      }
    >
      <form id="asn-profile-form" className="stack" onSubmit={submit} noValidate>
        <p className="cell-sub">{t("opd.profileEdit.intro", { name: asn.name, nip: asn.nip })}</p>
        <div className="opd-form-grid">
          <TextField
            ref={emailRef}
            label={t("opd.email")}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={(checked && emailProblem) || fieldError(update.error, "email")}
          />
          <TextField
            ref={phoneRef}
            label={t("opd.phone")}
            type="tel"
            autoComplete="off"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            hint={t("opd.profileEdit.phoneHint")}
            error={(checked && phoneProblem) || fieldError(update.error, "phone")}
          />
          <Select
            ref={educationRef}
            label={t("opd.education")}
            value={education}
            placeholder={t("opd.profileEdit.choose")}
            options={EDUCATION_LEVELS.map((level) => ({ value: level, label: level }))}
            onChange={(event) => setEducation(event.target.value)}
            error={fieldError(update.error, "education_level")}
          />
          <Select
            ref={positionRef}
            label={t("opd.placement.position")}
            value={position}
            placeholder={t("opd.placement.noPosition")}
            options={positionOptions}
            onChange={(event) => setPosition(event.target.value)}
            hint={positions.error ? t("opd.profileEdit.positionsFailed") : t("opd.profileEdit.positionHint")}
            error={fieldError(update.error, "position_id")}
          />
        </div>
        {update.error && <ProblemAlert error={update.error} />}
      </form>
    </Modal>
  );
}
