import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/problem";
import {
  disciplinaryRecords,
  type PerformanceOfYear,
  performanceOfYear,
  potentialAssessments,
  useCreateDisciplinaryRecord,
  usePutPerformance,
} from "../../api/queries/talent";
import type { DisciplinaryRecordRead, PerformanceRead, PotentialAssessmentRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import {
  Alert,
  Button,
  Card,
  type Column,
  DataTable,
  DateField,
  Modal,
  Select,
  Spinner,
  TextField,
  useToast,
} from "../../ui";
import { localToday, newIdempotencyKey } from "../asn/claimValidation";
import {
  type FormErrors,
  PREDIKATS,
  SANCTION_LEVELS,
  type SanctionDraft,
  type SkpDraft,
  toPerformanceBody,
  toSanctionCreate,
  validateSanction,
  validateSkp,
} from "./talentForms";

/** How many years of SKP results the section shows (and the form offers). */
const SKP_YEARS = 3;

// The section's reads fail into its own alerts (throwOnError: false), never the whole ASN page.

/**
 * "Talenta" on the ASN page: the SKP results of the last three years, the disciplinary sanctions and the
 * potential assessments. Only the roles that may read sanctions see it (never an ASN); the write controls
 * follow can(), so the auditor reads everything and changes nothing.
 */
export function TalentRecordsCard({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const headingId = useId();
  if (!can("disciplinary_records_list")) return null;
  return (
    <section className="stack" aria-labelledby={headingId} data-testid="talent-records">
      <h2 id={headingId}>{t("opd.talent.title")}</h2>
      <div className="grid grid--wide">
        <SkpCard nip={nip} year={year} canWrite={can("performance_put")} />
        <SanctionsCard nip={nip} canWrite={can("disciplinary_records_create")} />
      </div>
      <PotentialCard nip={nip} />
    </section>
  );
}

const skpYears = (year: number) => Array.from({ length: SKP_YEARS }, (_, i) => year - i);

interface SkpRow {
  year: number;
  result: PerformanceRead | null;
}

function SkpCard({ nip, year, canWrite }: { nip: string; year: number; canWrite: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const years = skpYears(year);
  const results = useQueries({
    queries: years.map((y) => ({ ...performanceOfYear(nip, y), throwOnError: false })),
  });
  const [editing, setEditing] = useState(false);
  const error = results.find((r) => r.error)?.error;
  const loaded = results.every((r) => r.data !== undefined);
  const rows: SkpRow[] = years.map((y, i) => ({ year: y, result: results[i].data?.result ?? null }));
  const columns: Column<SkpRow>[] = [
    { key: "year", header: t("opd.talent.year"), cell: (r) => r.year },
    {
      key: "predikat",
      header: t("opd.talent.predikat"),
      cell: (r) =>
        r.result ? (
          <span className="cell-main">{t(`opd.talent.predikats.${r.result.predikat}`)}</span>
        ) : (
          <span className="cell-sub">{t("opd.talent.noSkp")}</span>
        ),
    },
    {
      key: "score",
      header: t("opd.talent.score"),
      align: "end",
      cell: (r) => (r.result?.score == null ? "–" : f.number(r.result.score)),
    },
  ];
  return (
    <Card
      level={3}
      title={t("opd.talent.skpTitle", { count: SKP_YEARS })}
      actions={
        canWrite &&
        loaded && (
          <Button variant="secondary" onClick={() => setEditing(true)}>
            {t("opd.talent.skpEdit")}
          </Button>
        )
      }
    >
      {error ? (
        <ProblemAlert error={error} onRetry={() => results.forEach((r) => void r.refetch())} />
      ) : !loaded ? (
        <Spinner />
      ) : (
        <DataTable caption={t("opd.talent.skpCaption")} columns={columns} rows={rows} rowKey={(r) => r.year} />
      )}
      <Modal open={editing} title={t("opd.talent.skpFormTitle")} onClose={() => setEditing(false)}>
        {editing && <SkpForm nip={nip} years={years} rows={rows} onDone={() => setEditing(false)} />}
      </Modal>
    </Card>
  );
}

const draftOf = (result: PerformanceRead | null | undefined): SkpDraft => ({
  predikat: result?.predikat ?? "",
  score: result?.score == null ? "" : String(result.score),
});

function SkpForm({ nip, years, rows, onDone }: { nip: string; years: number[]; rows: SkpRow[]; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const queryClient = useQueryClient();
  const put = usePutPerformance(nip);
  // The newest year without a result; with all of them filled, last year's (the one usually corrected).
  const [year, setYear] = useState(() => rows.find((r) => r.result === null)?.year ?? years[1] ?? years[0]);
  const stored = useQuery({ ...performanceOfYear(nip, year), throwOnError: false }).data;
  const [draft, setDraft] = useState<SkpDraft>(() => draftOf(stored?.result));
  const [errors, setErrors] = useState<FormErrors<keyof SkpDraft>>({});
  const [conflict, setConflict] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (attempt > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  function pickYear(value: number) {
    setYear(value);
    setDraft(draftOf(queryClient.getQueryData<PerformanceOfYear>(performanceOfYear(nip, value).queryKey)?.result));
    setErrors({});
    setConflict(false);
    put.reset();
  }

  function set<K extends keyof SkpDraft>(key: K, value: SkpDraft[K]) {
    setDraft((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateSkp(draft);
    setErrors(found);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    setConflict(false);
    put.mutate(
      { year, body: toPerformanceBody(draft), etag: stored?.result ? stored.etag : null },
      {
        onSuccess: () => {
          toast.show(t("opd.talent.skpSaved", { year }), { tone: "success" });
          onDone();
        },
        onError: async (error) => {
          if (!(error instanceof ApiError) || (error.status !== 412 && error.status !== 428)) return;
          // Someone else saved this year's result meanwhile: show theirs, to be checked and saved again.
          setConflict(true);
          const fresh = await queryClient.fetchQuery({ ...performanceOfYear(nip, year), staleTime: 0 });
          setDraft(draftOf(fresh.result));
        },
      },
    );
  }

  const isConflict = put.error instanceof ApiError && (put.error.status === 412 || put.error.status === 428);
  const message = (field: keyof SkpDraft) =>
    errors[field] ? t(`opd.talent.errors.${errors[field]}` as "opd.talent.errors.required") : undefined;
  return (
    <form ref={formRef} className="stack" onSubmit={submit} noValidate>
      {conflict && (
        <Alert tone="warning" title={t("opd.talent.conflictTitle")}>
          <p>{t("opd.talent.conflictBody")}</p>
        </Alert>
      )}
      {put.error && !isConflict && <ProblemAlert error={put.error} />}
      <Select
        label={t("opd.talent.year")}
        name="year"
        required
        options={years.map((y) => ({ value: String(y), label: String(y) }))}
        value={String(year)}
        onChange={(event) => pickYear(Number(event.target.value))}
        hint={stored?.result ? t("opd.talent.skpReplaceHint") : t("opd.talent.skpNewHint")}
      />
      <Select
        label={t("opd.talent.predikat")}
        name="predikat"
        required
        placeholder={t("opd.talent.pickPredikat")}
        options={PREDIKATS.map((p) => ({ value: p, label: t(`opd.talent.predikats.${p}`) }))}
        value={draft.predikat}
        onChange={(event) => set("predikat", event.target.value as SkpDraft["predikat"])}
        error={message("predikat")}
      />
      <TextField
        label={t("opd.talent.scoreOptional")}
        name="score"
        inputMode="decimal"
        autoComplete="off"
        value={draft.score}
        onChange={(event) => set("score", event.target.value)}
        hint={t("opd.talent.scoreHint")}
        error={message("score")}
      />
      <div className="form-actions">
        <Button type="submit" busy={put.isPending} busyLabel={t("opd.talent.saving")}>
          {t("opd.talent.save")}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t("opd.talent.cancel")}
        </Button>
      </div>
    </form>
  );
}

function SanctionsCard({ nip, canWrite }: { nip: string; canWrite: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const records = useQuery({ ...disciplinaryRecords(nip), throwOnError: false });
  const [adding, setAdding] = useState(false);
  const columns: Column<DisciplinaryRecordRead>[] = [
    {
      key: "level",
      header: t("opd.talent.level"),
      sortValue: (r) => SANCTION_LEVELS.indexOf(r.level),
      cell: (r) => <span className="cell-main">{t(`opd.talent.levels.${r.level}`)}</span>,
    },
    {
      key: "decided",
      header: t("opd.talent.decidedOn"),
      sortValue: (r) => r.decided_on,
      cell: (r) => f.date(r.decided_on),
    },
    {
      key: "ends",
      header: t("opd.talent.endsOn"),
      sortValue: (r) => r.ends_on,
      cell: (r) => (r.ends_on ? f.date(r.ends_on) : t("opd.talent.openEnded")),
    },
    { key: "reference", header: t("opd.talent.reference"), cell: (r) => r.reference ?? "–" },
  ];
  return (
    <Card
      level={3}
      title={t("opd.talent.sanctionsTitle")}
      actions={
        canWrite && (
          <Button variant="secondary" onClick={() => setAdding(true)}>
            {t("opd.talent.sanctionAdd")}
          </Button>
        )
      }
    >
      {records.error ? (
        <ProblemAlert error={records.error} onRetry={() => void records.refetch()} />
      ) : !records.data ? (
        <Spinner />
      ) : (
        <DataTable
          caption={t("opd.talent.sanctionsTitle")}
          columns={columns}
          rows={records.data.items}
          rowKey={(r) => r.id}
          empty={t("opd.talent.noSanctions")}
        />
      )}
      <Modal open={adding} title={t("opd.talent.sanctionAdd")} onClose={() => setAdding(false)}>
        {adding && <SanctionForm nip={nip} onDone={() => setAdding(false)} />}
      </Modal>
    </Card>
  );
}

const EMPTY_SANCTION: SanctionDraft = { level: "", decidedOn: "", endsOn: "", reference: "" };

function SanctionForm({ nip, onDone }: { nip: string; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const create = useCreateDisciplinaryRecord(nip);
  const [draft, setDraft] = useState<SanctionDraft>(EMPTY_SANCTION);
  const [errors, setErrors] = useState<FormErrors<keyof SanctionDraft>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const [attempt, setAttempt] = useState(0);
  // One key per distinct record: a double click or a retry after a lost answer is a replay.
  const idempotency = useRef<{ body: string; key: string } | null>(null);
  const today = localToday();

  useEffect(() => {
    if (attempt > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  function set<K extends keyof SanctionDraft>(key: K, value: SanctionDraft[K]) {
    setDraft((current) => ({ ...current, [key]: value }));
    setErrors((current) => ({ ...current, [key]: undefined }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validateSanction(draft, today);
    setErrors(found);
    setAttempt((n) => n + 1);
    if (Object.keys(found).length > 0) return;
    const body = toSanctionCreate(draft);
    const serialized = JSON.stringify(body);
    if (idempotency.current?.body !== serialized) idempotency.current = { body: serialized, key: newIdempotencyKey() };
    create.mutate(
      { body, idempotencyKey: idempotency.current.key },
      {
        onSuccess: () => {
          toast.show(t("opd.talent.sanctionSaved"), { tone: "success" });
          onDone();
        },
      },
    );
  }

  const message = (field: keyof SanctionDraft) =>
    errors[field] ? t(`opd.talent.errors.${errors[field]}` as "opd.talent.errors.required") : undefined;
  return (
    <form ref={formRef} className="stack" onSubmit={submit} noValidate>
      {create.error && <ProblemAlert error={create.error} />}
      <Select
        label={t("opd.talent.level")}
        name="level"
        required
        placeholder={t("opd.talent.pickLevel")}
        options={SANCTION_LEVELS.map((level) => ({ value: level, label: t(`opd.talent.levels.${level}`) }))}
        value={draft.level}
        onChange={(event) => set("level", event.target.value as SanctionDraft["level"])}
        error={message("level")}
      />
      <DateField
        label={t("opd.talent.decidedOn")}
        name="decided_on"
        required
        max={today}
        value={draft.decidedOn}
        onChange={(event) => set("decidedOn", event.target.value)}
        error={message("decidedOn")}
      />
      <DateField
        label={t("opd.talent.endsOnOptional")}
        name="ends_on"
        min={draft.decidedOn || undefined}
        value={draft.endsOn}
        onChange={(event) => set("endsOn", event.target.value)}
        hint={t("opd.talent.endsOnHint")}
        error={message("endsOn")}
      />
      <TextField
        label={t("opd.talent.referenceOptional")}
        name="reference"
        maxLength={200}
        autoComplete="off"
        value={draft.reference}
        onChange={(event) => set("reference", event.target.value)}
        hint={t("opd.talent.referenceHint")}
        error={message("reference")}
      />
      <div className="form-actions">
        <Button type="submit" busy={create.isPending} busyLabel={t("opd.talent.saving")}>
          {t("opd.talent.save")}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t("opd.talent.cancel")}
        </Button>
      </div>
    </form>
  );
}

function PotentialCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const assessments = useQuery({ ...potentialAssessments(nip), throwOnError: false });
  const columns: Column<PotentialAssessmentRead>[] = [
    {
      key: "date",
      header: t("opd.talent.assessedOn"),
      sortValue: (r) => r.assessed_on,
      cell: (r) => f.date(r.assessed_on),
    },
    {
      key: "method",
      header: t("opd.talent.method"),
      cell: (r) => (
        <>
          <span className="cell-main">{t(`opd.talent.methods.${r.method}`)}</span>
          {r.assessor && <span className="cell-sub">{r.assessor}</span>}
        </>
      ),
    },
    {
      key: "score",
      header: t("opd.talent.score"),
      align: "end",
      sortValue: (r) => r.score,
      cell: (r) => f.number(r.score),
    },
    {
      key: "category",
      header: t("opd.talent.category"),
      cell: (r) => (r.category ? t(`opd.talent.categories.${r.category}`) : "–"),
    },
  ];
  return (
    <Card level={3} title={t("opd.talent.potentialTitle")}>
      {assessments.error ? (
        <ProblemAlert error={assessments.error} onRetry={() => void assessments.refetch()} />
      ) : !assessments.data ? (
        <Spinner />
      ) : (
        <DataTable
          caption={t("opd.talent.potentialTitle")}
          columns={columns}
          rows={assessments.data.items}
          rowKey={(r) => r.id}
          empty={t("opd.talent.noPotential")}
        />
      )}
    </Card>
  );
}
