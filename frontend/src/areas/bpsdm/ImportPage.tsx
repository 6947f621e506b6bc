import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  type AttendanceFields,
  importJob,
  importJobs,
  importReport,
  importTemplate,
  isActive,
  useStartImport,
} from "../../api/queries/imports";
import type { ImportJob, ImportKind, TemplateKind } from "../../api/types";
import { type Operation, useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, Card, type Column, DataTable, DateField, ProgressBar, Select, TextField } from "../../ui";

const KINDS: ImportKind[] = ["asn", "learning_records", "attendance", "assessment_results", "performance"];
// The API operation that starts each kind: a role is offered only the kinds it may start.
const START: Record<ImportKind, Operation> = {
  asn: "imports_asn",
  learning_records: "imports_learning_records",
  attendance: "imports_attendance",
  assessment_results: "imports_assessment_results",
  performance: "imports_performance",
};
const TEMPLATE: Partial<Record<ImportKind, TemplateKind>> = {
  asn: "asn",
  learning_records: "learning-records",
  assessment_results: "assessment-results",
  performance: "performance",
};

/** /bpsdm/impor: upload a spreadsheet as an import job and follow it to its report. */
export function ImportPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.import.title"));
  const [jobId, setJobId] = useState<number | null>(null);
  const can = useCan();
  const kinds = KINDS.filter((k) => can(START[k]));

  return (
    <div className="page page--wide">
      <h1>{t("bpsdm.import.title")}</h1>
      <p className="lead">{t("bpsdm.import.lead")}</p>
      <div className="stack">
        <div className="bpsdm-grid">
          {kinds.length > 0 ? <ImportForm kinds={kinds} onStarted={setJobId} /> : <Alert>{t("bpsdm.readOnly")}</Alert>}
          <Templates />
        </div>
        {jobId !== null && <JobCard jobId={jobId} />}
        <RecentJobs onShow={setJobId} />
      </div>
    </div>
  );
}

function ImportForm({ kinds, onStarted }: { kinds: ImportKind[]; onStarted: (id: number) => void }) {
  const { t } = useTranslation();
  const start = useStartImport();
  const [kind, setKind] = useState<ImportKind>(kinds[0]);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [attendance, setAttendance] = useState<AttendanceFields>({ min_share: "0.75" });
  const field = (name: keyof AttendanceFields) => ({
    value: attendance[name] ?? "",
    onChange: (event: { target: { value: string } }) => setAttendance((a) => ({ ...a, [name]: event.target.value })),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) {
      setFileError(t("bpsdm.import.fileRequired"));
      return;
    }
    start.mutate(
      { kind, file, attendance: kind === "attendance" ? attendance : undefined },
      { onSuccess: (job) => onStarted(job.id) },
    );
  }

  return (
    <Card title={t("bpsdm.import.formTitle")}>
      <form className="stack" onSubmit={submit} noValidate>
        <Select
          label={t("bpsdm.import.kind")}
          value={kind}
          onChange={(event) => setKind(event.target.value as ImportKind)}
          options={kinds.map((k) => ({ value: k, label: t(`bpsdm.import.kinds.${k}`) }))}
          hint={t(`bpsdm.import.kindHints.${kind}`)}
        />
        <TextField
          label={t("bpsdm.import.file")}
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          required
          error={fileError}
          hint={t("bpsdm.import.fileHint")}
          onChange={(event) => {
            setFile(event.target.files?.[0] ?? null);
            setFileError(null);
          }}
        />
        {kind === "attendance" && (
          <fieldset className="bpsdm-fieldset">
            <legend>{t("bpsdm.import.sessionLegend")}</legend>
            <TextField label={t("bpsdm.import.sessionTitle")} required {...field("title")} />
            <TextField
              label={t("bpsdm.import.formCode")}
              required
              hint={t("bpsdm.import.formCodeHint")}
              {...field("form_code")}
            />
            <DateField label={t("bpsdm.import.sessionDate")} required {...field("session_date")} />
            <TextField
              label={t("bpsdm.import.sessionMinutes")}
              required
              inputMode="numeric"
              {...field("session_minutes")}
            />
            <TextField
              label={t("bpsdm.import.minShare")}
              inputMode="decimal"
              hint={t("bpsdm.import.minShareHint")}
              {...field("min_share")}
            />
          </fieldset>
        )}
        {start.error && <ProblemAlert error={start.error} />}
        <div className="form-actions">
          <Button type="submit" busy={start.isPending} busyLabel={t("bpsdm.import.uploading")}>
            {t("bpsdm.import.upload")}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function Templates() {
  const { t } = useTranslation();
  return (
    <Card title={t("bpsdm.import.templatesTitle")}>
      <p>{t("bpsdm.import.templatesIntro")}</p>
      <div className="form-actions">
        {(Object.entries(TEMPLATE) as Array<[ImportKind, TemplateKind]>).map(([kind, template]) => (
          <DownloadButton
            key={kind}
            request={() => importTemplate(template)}
            fallbackName={`template-${template}.xlsx`}
          >
            {t("bpsdm.import.template", { kind: t(`bpsdm.import.kinds.${kind}`) })}
          </DownloadButton>
        ))}
      </div>
    </Card>
  );
}

/** The job being followed: progress while it runs, then the counts, the first errors and the report. */
function JobCard({ jobId }: { jobId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const queryClient = useQueryClient();
  const job = useQuery(importJob(jobId));
  const data = job.data;
  const active = isActive(data);

  // The list shows the job's final status once it has one.
  useEffect(() => {
    if (data && !isActive(data)) void queryClient.invalidateQueries({ queryKey: importJobs().queryKey, exact: true });
  }, [data, queryClient]);

  if (job.error && !data) return <ProblemAlert error={job.error} />;
  if (!data) return null;
  const total = data.total ?? 0;
  const percent = total > 0 ? Math.round((100 * data.processed) / total) : active ? 0 : 100;
  return (
    <Card title={t("bpsdm.import.jobTitle", { id: data.id, file: data.filename })}>
      <div className="stack" data-testid="import-job">
        <p className="import-status" role="status">
          <span className={`job-status job-status--${data.status}`} data-testid="job-status">
            {t(`bpsdm.import.status.${data.status}`)}
          </span>{" "}
          {data.total !== null &&
            t("bpsdm.import.progressText", { processed: f.number(data.processed), total: f.number(data.total) })}
        </p>
        <div className="import-progress">
          <ProgressBar
            value={total > 0 ? data.processed : percent}
            max={total > 0 ? total : 100}
            label={t("bpsdm.import.progressLabel")}
            valueText={t("bpsdm.import.progressValue", { percent: f.number(percent, 0) })}
          />
          <span aria-hidden="true">{f.number(percent, 0)} %</span>
        </div>
        <dl className="stats">
          {(["created", "updated", "unchanged", "failed"] as const).map((count) => (
            <div className="stat" key={count}>
              <dt className="stat__label">{t(`bpsdm.import.counts.${count}`)}</dt>
              <dd className="stat__value" data-testid={`job-${count}`}>
                {f.number(data[count])}
              </dd>
            </div>
          ))}
        </dl>
        {data.message && <Alert tone="error">{data.message}</Alert>}
        {!active && data.errors.length > 0 && (
          <div className="import-errors">
            <h3>{t("bpsdm.import.errorsTitle", { count: data.failed })}</h3>
            <ul>
              {data.errors.slice(0, 10).map((line) => (
                <li key={line.row}>
                  {t("bpsdm.import.errorLine", { row: line.row })} {line.nip && <code>{line.nip}</code>}{" "}
                  {line.field && <code>{line.field}</code>} {/* The server's detail is English; the code is stable. */}
                  <span lang="en">{line.detail ?? line.code}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {!active && (
          <div className="form-actions">
            <DownloadButton request={() => importReport(data.id)} fallbackName={`laporan-impor-${data.id}.xlsx`}>
              {t("bpsdm.import.downloadReport")}
            </DownloadButton>
          </div>
        )}
      </div>
    </Card>
  );
}

function RecentJobs({ onShow }: { onShow: (id: number) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const jobs = useQuery(importJobs());
  const columns: Column<ImportJob>[] = [
    {
      key: "file",
      header: t("bpsdm.import.colFile"),
      cell: (j) => (
        <>
          <span className="cell-main">{j.filename}</span>
          <span className="cell-sub">{t(`bpsdm.import.kinds.${j.kind}`)}</span>
        </>
      ),
    },
    { key: "status", header: t("bpsdm.import.colStatus"), cell: (j) => t(`bpsdm.import.status.${j.status}`) },
    {
      key: "rows",
      header: t("bpsdm.import.colRows"),
      align: "end",
      cell: (j) => `${f.number(j.processed)} / ${j.total === null ? "–" : f.number(j.total)}`,
    },
    { key: "failed", header: t("bpsdm.import.counts.failed"), align: "end", cell: (j) => f.number(j.failed) },
    {
      key: "when",
      header: t("bpsdm.import.colWhen"),
      cell: (j) => (
        <>
          <span className="cell-main">{f.dateTime(j.created_at)}</span>
          <span className="cell-sub">{j.created_by}</span>
        </>
      ),
    },
    {
      key: "show",
      header: t("bpsdm.import.colShow"),
      cell: (j) => (
        <Button
          variant="ghost"
          onClick={() => onShow(j.id)}
          aria-label={t("bpsdm.import.showJob", { id: j.id, file: j.filename })}
        >
          {t("bpsdm.import.show")}
        </Button>
      ),
    },
  ];
  return (
    <Card title={t("bpsdm.import.recentTitle")}>
      {jobs.error && !jobs.data ? (
        <ProblemAlert error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : (
        <DataTable
          caption={t("bpsdm.import.recentTitle")}
          columns={columns}
          rows={jobs.data?.items ?? []}
          rowKey={(j) => j.id}
          loading={jobs.isLoading}
          empty={t("bpsdm.import.noJobs")}
        />
      )}
    </Card>
  );
}
