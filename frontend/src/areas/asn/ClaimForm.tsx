import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/problem";
import { useFileClaim } from "../../api/queries/learningRecords";
import type { RecordRead } from "../../api/types";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Alert, Button, DateField, Select, TextField } from "../../ui";
import {
  type ClaimDraft,
  type ClaimErrors,
  type ClaimField,
  CODE_FIELDS,
  checkFile,
  type DurationUnit,
  EVIDENCE_TYPES,
  FILE_CODES,
  fieldOfApi,
  fileIdentity,
  localToday,
  newIdempotencyKey,
  toRecordCreate,
  validateClaim,
} from "./claimValidation";
import { DuplicateWarning } from "./DuplicateWarning";
import { EvidencePreview } from "./EvidencePreview";
import { useCompetencies, useLearningForms } from "./hooks";

const EMPTY: ClaimDraft = {
  formCode: "",
  title: "",
  startDate: "",
  endDate: "",
  unit: "jp",
  amount: "",
  organizer: "",
  certificateNumber: "",
  competencyCodes: [],
};

/** Field messages from a failed create: pydantic's per-field list, or a domain code tied to one field. */
function serverFieldErrors(error: unknown): Partial<Record<ClaimField, string>> {
  if (!(error instanceof ApiError) || error.status !== 422) return {};
  const out: Partial<Record<ClaimField, string>> = {};
  for (const item of error.problem?.errors ?? []) {
    const field = fieldOfApi(item.loc);
    if (field && !out[field]) out[field] = item.msg;
  }
  const field = CODE_FIELDS[error.code];
  if (field && !out[field]) out[field] = error.problem?.detail ?? error.code;
  return out;
}

/** The fast claim form: one screen, the certificate attached, submitted in one go. */
export function ClaimForm({ nip, onFiled }: { nip: string; onFiled: (record: RecordRead) => void }) {
  const { t } = useTranslation();
  const formId = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const forms = useLearningForms();
  const competencies = useCompetencies();
  const fileClaim = useFileClaim(nip);
  const [draft, setDraft] = useState<ClaimDraft>(EMPTY);
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<ClaimErrors>({});
  const [attempt, setAttempt] = useState(0);
  // One key per distinct claim and file: resubmitting the same (a lost response) is a replay, an
  // edited claim or another file is a new request.
  const idempotency = useRef<{ body: string; key: string } | null>(null);
  const today = localToday();

  const set = <K extends keyof ClaimDraft>(key: K, value: ClaimDraft[K]) => {
    setDraft((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  };

  // Move focus to the first field the last submit found wrong; otherwise bring the message (a
  // duplicate, a failed upload) at the top of the form into view.
  useEffect(() => {
    if (attempt === 0 || !formRef.current) return;
    const invalid = formRef.current.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else
      formRef.current
        .querySelector<HTMLElement>(".duplicate-warning, .alert--error")
        ?.scrollIntoView?.({ block: "start" });
  }, [attempt]);

  const serverErrors = useMemo(() => serverFieldErrors(fileClaim.error), [fileClaim.error]);
  // The server judges the file by its bytes; its verdict is said next to the file field, in words.
  const serverFileError =
    fileClaim.error instanceof ApiError && !errors.file ? FILE_CODES[fileClaim.error.code] : undefined;
  const message = (field: ClaimField): string | undefined => {
    const key = errors[field] ?? (field === "file" ? serverFileError : undefined);
    if (key) return t(`asn.claim.errors.${key}` as "asn.claim.errors.required");
    return serverErrors[field];
  };

  const duplicate =
    fileClaim.error instanceof ApiError && fileClaim.error.code === "possible_duplicate" ? fileClaim.error : null;
  const otherError =
    fileClaim.error && !duplicate && !serverFileError && Object.keys(serverErrors).length === 0
      ? fileClaim.error
      : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateClaim(draft, file, today);
    setErrors(found);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    const body = toRecordCreate(draft);
    const serialized = JSON.stringify([body, fileIdentity(file)]);
    if (idempotency.current?.body !== serialized) idempotency.current = { body: serialized, key: newIdempotencyKey() };
    fileClaim.mutate(
      { body, file, idempotencyKey: idempotency.current.key },
      {
        onSuccess: ({ record }) => onFiled(record),
        onError: () => setAttempt((n) => n + 1),
      },
    );
  }

  function chooseFile(chosen: File | null) {
    setFile(chosen);
    setErrors((current) => ({ ...current, file: chosen ? checkFile(chosen) : undefined }));
    // A new file answers the server's complaint about the old one.
    if (serverFileError) fileClaim.reset();
  }

  const formOptions = (forms.data?.items ?? []).map((item) => ({ value: item.code, label: item.name }));
  const amountLabel = draft.unit === "jp" ? t("asn.claim.jp") : t("asn.claim.minutes");

  return (
    <form ref={formRef} className="claim-form stack" onSubmit={submit} noValidate aria-describedby={`${formId}-intro`}>
      <p id={`${formId}-intro`} className="lead">
        {t("asn.claim.intro")}
      </p>
      {duplicate && <DuplicateWarning duplicateOf={Number(duplicate.problem?.duplicate_of ?? 0) || null} />}
      {serverFileError && <Alert tone="error" title={t("asn.claim.fileRefused")} />}
      {otherError && <ProblemAlert error={otherError} />}
      {Object.keys(serverErrors).length > 0 && <Alert tone="error" title={t("asn.claim.serverInvalid")} />}
      {forms.error && <ProblemAlert error={forms.error} onRetry={() => void forms.refetch()} />}

      <fieldset className="claim-form__group">
        <legend>{t("asn.claim.activity")}</legend>
        <Select
          label={t("asn.claim.form")}
          name="form_code"
          required
          placeholder={forms.data ? t("asn.claim.formPlaceholder") : t("app.loading")}
          options={formOptions}
          value={draft.formCode}
          onChange={(event) => set("formCode", event.target.value)}
          error={message("formCode")}
        />
        <TextField
          label={t("asn.claim.title")}
          name="title"
          required
          maxLength={300}
          autoComplete="off"
          value={draft.title}
          onChange={(event) => set("title", event.target.value)}
          hint={t("asn.claim.titleHint")}
          error={message("title")}
        />
        <div className="claim-form__row">
          <DateField
            label={t("asn.claim.startDate")}
            name="start_date"
            required
            max={today}
            value={draft.startDate}
            onChange={(event) => set("startDate", event.target.value)}
            error={message("startDate")}
          />
          <DateField
            label={t("asn.claim.endDate")}
            name="end_date"
            required
            min={draft.startDate || undefined}
            max={today}
            value={draft.endDate}
            onChange={(event) => set("endDate", event.target.value)}
            error={message("endDate")}
          />
        </div>
        <fieldset className="segmented">
          <legend className="field__label">{t("asn.claim.unit")}</legend>
          {(["jp", "minutes"] as DurationUnit[]).map((unit) => (
            <label
              key={unit}
              className={draft.unit === unit ? "segmented__option segmented__option--on" : "segmented__option"}
            >
              <input
                type="radio"
                name="unit"
                value={unit}
                checked={draft.unit === unit}
                onChange={() => set("unit", unit)}
              />
              {t(`asn.claim.unit_${unit}`)}
            </label>
          ))}
        </fieldset>
        <TextField
          label={amountLabel}
          name={draft.unit === "jp" ? "jp" : "duration_minutes"}
          required
          inputMode={draft.unit === "jp" ? "decimal" : "numeric"}
          autoComplete="off"
          value={draft.amount}
          onChange={(event) => set("amount", event.target.value)}
          hint={draft.unit === "jp" ? t("asn.claim.jpHint") : t("asn.claim.minutesHint")}
          error={message("amount")}
        />
        <TextField
          label={t("asn.claim.organizer")}
          name="organizer"
          maxLength={200}
          value={draft.organizer}
          onChange={(event) => set("organizer", event.target.value)}
          error={message("organizer")}
        />
        <TextField
          label={t("asn.claim.certificateNumber")}
          name="certificate_number"
          maxLength={100}
          autoComplete="off"
          value={draft.certificateNumber}
          onChange={(event) => set("certificateNumber", event.target.value)}
          error={message("certificateNumber")}
        />
        <CompetencyPicker
          options={(competencies.data?.items ?? []).map((c) => ({ code: c.code, name: c.name }))}
          loading={competencies.isPending}
          value={draft.competencyCodes}
          onChange={(codes) => set("competencyCodes", codes)}
          error={message("competencyCodes")}
        />
      </fieldset>

      <FileField file={file} onChange={chooseFile} error={message("file")} />

      <div className="form-actions">
        <Button type="submit" busy={fileClaim.isPending} busyLabel={t("asn.claim.submitting")}>
          {t("asn.claim.submit")}
        </Button>
      </div>
    </form>
  );
}

function FileField({
  file,
  onChange,
  error,
}: {
  file: File | null;
  onChange: (file: File | null) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const describedBy = [`${id}-hint`, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className={error ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={id}>
        {t("asn.claim.certificate")}
        <span className="field__required" aria-hidden="true">
          {" "}
          *
        </span>
      </label>
      <input
        id={id}
        className="input input--file"
        type="file"
        name="file"
        accept={EVIDENCE_TYPES.join(",")}
        required
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(event) => onChange(event.target.files?.[0] ?? null)}
      />
      <p id={`${id}-hint`} className="field__hint">
        {t("asn.claim.certificateHint")}
      </p>
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
      {file && !error && <EvidencePreview file={file} />}
    </div>
  );
}

function CompetencyPicker({
  options,
  loading,
  value,
  onChange,
  error,
}: {
  options: Array<{ code: string; name: string }>;
  loading: boolean;
  value: string[];
  onChange: (codes: string[]) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [filter, setFilter] = useState("");
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? options.filter((o) => o.code.toLowerCase().includes(needle) || o.name.toLowerCase().includes(needle))
    : options;
  const toggle = (code: string, on: boolean) =>
    onChange(on ? [...value, code] : value.filter((existing) => existing !== code));
  return (
    <fieldset
      className={error ? "picker field--invalid" : "picker"}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend className="field__label">
        {t("asn.claim.competencies")} <span className="muted">{t("asn.claim.optional")}</span>
      </legend>
      {value.length > 0 && <p className="cell-sub">{t("asn.claim.selected", { codes: value.join(", ") })}</p>}
      {options.length > 10 && (
        <input
          className="input picker__filter"
          type="search"
          aria-label={t("asn.claim.competencyFilter")}
          placeholder={t("asn.claim.competencyFilter")}
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      )}
      {loading ? (
        <p className="cell-sub">{t("app.loading")}</p>
      ) : (
        <ul className="picker__list">
          {shown.map((option) => (
            <li key={option.code}>
              <label className="picker__option">
                <input
                  type="checkbox"
                  name="competency_codes"
                  value={option.code}
                  checked={value.includes(option.code)}
                  onChange={(event) => toggle(option.code, event.target.checked)}
                />
                <span>
                  {option.name} <span className="muted">({option.code})</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
