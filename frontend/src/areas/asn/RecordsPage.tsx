import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useMe } from "../../api/queries/auth";
import { useVoidRecord } from "../../api/queries/learningRecords";
import type { RecordRead, RecordStatus } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, type Column, DataTable, Modal, Select, useCursorPages, useToast } from "../../ui";
import { useLearningFormNames, useLearningRecords } from "./hooks";
import { StatusChip } from "./StatusChip";

const PAGE_SIZE = 20;
const STATUSES: RecordStatus[] = ["pending", "verified", "rejected", "voided"];

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
  const pages = useCursorPages();
  const records = useLearningRecords(nip, { year, status, cursor: pages.cursor, limit: PAGE_SIZE });
  const formNames = useLearningFormNames();
  const formName = (code: string) => formNames.data?.get(code) ?? code;
  const [withdrawing, setWithdrawing] = useState<RecordRead | null>(null);

  const years = Array.from({ length: 6 }, (_, i) => thisYear - i);
  function setFilter(key: "tahun" | "status", value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    pages.reset();
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
      <DataTable
        caption={t("asn.records.caption")}
        columns={columns}
        rows={records.data?.items ?? []}
        rowKey={(r) => r.id}
        loading={records.isFetching}
        empty={year !== undefined ? t("asn.records.emptyYear", { year }) : t("asn.records.empty")}
        pagination={{
          pageIndex: pages.pageIndex,
          pageSize: PAGE_SIZE,
          total: records.data?.total,
          hasPrevious: pages.hasPrevious,
          hasNext: Boolean(records.data?.next_cursor),
          onPrevious: pages.previous,
          onNext: () => pages.next(records.data?.next_cursor),
        }}
      />
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
