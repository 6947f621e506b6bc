import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useMe } from "../../api/queries/auth";
import { useVoidRecord } from "../../api/queries/learningRecords";
import type { RecordRead, RecordStatus } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, type Column, DataTable, Modal, Select, useToast } from "../../ui";
import { useLearningFormNames, useLearningRecords } from "./hooks";
import { StatusChip } from "./StatusChip";

// The API's largest page: a career's records (about ten a year) fit in one, so the ledger can be
// ordered by date and summed per year here rather than page by page.
const LEDGER_LIMIT = 500;
const STATUSES: RecordStatus[] = ["pending", "verified", "rejected", "voided"];

export interface FormSubtotal {
  formCode: string;
  jp: number;
}

export interface YearGroup {
  year: number;
  records: RecordRead[];
  /** JP that counts: verified records only. */
  verifiedJp: number;
  /** JP still waiting for verification. */
  pendingJp: number;
  /** Verified JP per learning form, largest first. */
  forms: FormSubtotal[];
}

/** Newest activity first: by end date, then start date, then the later entry. */
export function byActivityDate(a: RecordRead, b: RecordRead): number {
  return b.end_date.localeCompare(a.end_date) || b.start_date.localeCompare(a.start_date) || b.id - a.id;
}

/** The records in date order, grouped by year (newest first) with the year's JP and per-form subtotals. */
export function groupByYear(records: RecordRead[]): YearGroup[] {
  const groups = new Map<number, YearGroup>();
  for (const record of [...records].sort(byActivityDate)) {
    let group = groups.get(record.year);
    if (!group) {
      group = { year: record.year, records: [], verifiedJp: 0, pendingJp: 0, forms: [] };
      groups.set(record.year, group);
    }
    group.records.push(record);
    if (record.status === "pending") group.pendingJp += record.jp;
    if (record.status !== "verified") continue;
    group.verifiedJp += record.jp;
    const form = group.forms.find((f) => f.formCode === record.form_code);
    if (form) form.jp += record.jp;
    else group.forms.push({ formCode: record.form_code, jp: record.jp });
  }
  const result = [...groups.values()].sort((a, b) => b.year - a.year);
  for (const group of result) group.forms.sort((a, b) => b.jp - a.jp || a.formCode.localeCompare(b.formCode));
  return result;
}

/** /saya/riwayat: the ASN's learning ledger by year and status; pending claims can be withdrawn. */
export function RecordsPage() {
  const { t } = useTranslation();
  usePageTitle(t("asn.records.title"));
  const { data: me } = useMe();
  return (
    <div className="page page--wide">
      <p>
        <Link to="/saya">← {t("asn.backHome")}</Link>
      </p>
      <div className="page-head">
        <h1>{t("asn.records.title")}</h1>
        <Link className="btn btn--primary" to="/saya/klaim">
          {t("asn.newClaim")}
        </Link>
      </div>
      {me?.nip ? <Ledger nip={me.nip} /> : <Alert tone="warning">{t("asn.noNip")}</Alert>}
    </div>
  );
}

function Ledger({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const thisYear = new Date().getFullYear();
  const [params, setParams] = useSearchParams();
  const yearParam = params.get("tahun");
  const year = yearParam === "semua" ? undefined : Number(yearParam) || thisYear;
  const statusParam = params.get("status");
  const status = STATUSES.includes(statusParam as RecordStatus) ? (statusParam as RecordStatus) : undefined;
  const records = useLearningRecords(nip, { year, status, limit: LEDGER_LIMIT });
  const items = records.data?.items ?? [];
  const groups = groupByYear(items);
  const formNames = useLearningFormNames();
  const formName = (code: string) => formNames.data?.get(code) ?? code;
  const [withdrawing, setWithdrawing] = useState<RecordRead | null>(null);

  const years = Array.from({ length: 6 }, (_, i) => thisYear - i);
  function setFilter(key: "tahun" | "status", value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  const columns: Column<RecordRead>[] = [
    {
      key: "title",
      header: t("asn.records.activity"),
      cell: (r) => (
        <>
          <span className="cell-main">{r.title}</span>
          <span className="cell-sub">{[formName(r.form_code), r.organizer].filter(Boolean).join(" · ")}</span>
        </>
      ),
    },
    {
      key: "dates",
      header: t("asn.records.dates"),
      cell: (r) =>
        r.start_date === r.end_date ? f.date(r.end_date) : `${f.date(r.start_date)} – ${f.date(r.end_date)}`,
    },
    { key: "jp", header: t("asn.records.jp"), align: "end", cell: (r) => f.number(r.jp) },
    {
      key: "status",
      header: t("asn.records.status"),
      cell: (r) => (
        <>
          <StatusChip status={r.status} />
          {r.status === "rejected" && r.decision_note && <span className="cell-sub">{r.decision_note}</span>}
          {r.status === "voided" && r.void_reason && <span className="cell-sub">{r.void_reason}</span>}
        </>
      ),
    },
    {
      key: "evidence",
      header: t("asn.records.evidence"),
      cell: (r) => (r.evidence ? (r.evidence.filename ?? t("asn.records.evidenceYes")) : t("asn.records.evidenceNone")),
    },
    {
      key: "actions",
      header: t("asn.records.actions"),
      cell: (r) =>
        r.status === "pending" ? (
          <Button
            variant="secondary"
            onClick={() => setWithdrawing(r)}
            aria-label={t("asn.records.withdrawNamed", { title: r.title })}
          >
            {t("asn.records.withdraw")}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <div className="filters">
        <Select
          label={t("asn.records.year")}
          value={year === undefined ? "semua" : String(year)}
          onChange={(event) => setFilter("tahun", event.target.value === String(thisYear) ? "" : event.target.value)}
          options={[
            ...years.map((y) => ({ value: String(y), label: String(y) })),
            { value: "semua", label: t("asn.records.allYears") },
          ]}
        />
        <Select
          label={t("asn.records.status")}
          value={status ?? ""}
          onChange={(event) => setFilter("status", event.target.value)}
          options={[
            { value: "", label: t("asn.records.allStatuses") },
            ...STATUSES.map((s) => ({ value: s, label: t(`asn.status.${s}`) })),
          ]}
        />
      </div>
      {records.data && items.length < records.data.total && (
        <Alert tone="info">{t("asn.records.truncated", { shown: items.length, total: records.data.total })}</Alert>
      )}
      {groups.length === 0 ? (
        <DataTable
          caption={t("asn.records.caption")}
          columns={columns}
          rows={[]}
          rowKey={(r) => r.id}
          loading={records.isFetching}
          empty={year !== undefined ? t("asn.records.emptyYear", { year }) : t("asn.records.empty")}
        />
      ) : (
        groups.map((group) => (
          <section key={group.year} className="records-year" aria-labelledby={`records-year-${group.year}`}>
            <div className="records-year__head">
              <h2 id={`records-year-${group.year}`}>{group.year}</h2>
              <p className="records-year__total" data-testid={`year-total-${group.year}`}>
                {t("asn.records.yearTotal", { jp: f.number(group.verifiedJp) })}
                {group.pendingJp > 0 && ` · ${t("asn.records.yearPending", { jp: f.number(group.pendingJp) })}`}
              </p>
            </div>
            {group.forms.length > 0 && (
              <ul className="records-year__forms" aria-label={t("asn.records.perForm", { year: group.year })}>
                {group.forms.map((form) => (
                  <li key={form.formCode}>
                    {formName(form.formCode)}: <strong>{t("asn.records.jpValue", { jp: f.number(form.jp) })}</strong>
                  </li>
                ))}
              </ul>
            )}
            <DataTable
              caption={t("asn.records.yearCaption", { year: group.year })}
              columns={columns}
              rows={group.records}
              rowKey={(r) => r.id}
              loading={records.isFetching}
              empty={t("asn.records.emptyYear", { year: group.year })}
            />
          </section>
        ))
      )}
      <WithdrawDialog nip={nip} record={withdrawing} onClose={() => setWithdrawing(null)} />
    </>
  );
}

function WithdrawDialog({ nip, record, onClose }: { nip: string; record: RecordRead | null; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const voidRecord = useVoidRecord(nip);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | undefined>();

  function close() {
    setReason("");
    setError(undefined);
    voidRecord.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!record) return;
    if (reason.trim().length < 3) {
      setError(t("asn.records.reasonTooShort"));
      return;
    }
    voidRecord.mutate(
      { id: record.id, reason: reason.trim() },
      {
        onSuccess: () => {
          toast.show(t("asn.records.withdrawn", { title: record.title }), { tone: "success" });
          close();
        },
      },
    );
  }

  return (
    <Modal
      open={record !== null}
      title={t("asn.records.withdrawTitle")}
      onClose={close}
      footer={
        <>
          <Button variant="secondary" onClick={close}>
            {t("asn.records.cancel")}
          </Button>
          <Button
            variant="danger"
            type="submit"
            form="withdraw-form"
            busy={voidRecord.isPending}
            busyLabel={t("asn.records.withdrawing")}
          >
            {t("asn.records.withdrawConfirm")}
          </Button>
        </>
      }
    >
      <form id="withdraw-form" className="stack" onSubmit={submit} noValidate>
        <p>{t("asn.records.withdrawBody", { title: record?.title ?? "" })}</p>
        {voidRecord.error && <ProblemAlert error={voidRecord.error} />}
        <ReasonField
          value={reason}
          onChange={(v) => {
            setReason(v);
            setError(undefined);
          }}
          error={error}
        />
      </form>
    </Modal>
  );
}

function ReasonField({ value, onChange, error }: { value: string; onChange: (value: string) => void; error?: string }) {
  const { t } = useTranslation();
  return (
    <div className={error ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor="withdraw-reason">
        {t("asn.records.reason")}
      </label>
      <textarea
        id="withdraw-reason"
        className="input"
        rows={3}
        maxLength={2000}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "withdraw-reason-error" : undefined}
      />
      {error && (
        <p id="withdraw-reason-error" className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
