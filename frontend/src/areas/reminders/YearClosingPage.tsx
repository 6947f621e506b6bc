import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { closingPending, useSaveYearClosing, yearClosing } from "../../api/queries/years";
import type { QueueItem, YearClosing } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, Card, type Column, DateField, Select, Spinner, Stat, useCursorPages, useToast } from "../../ui";
import "./reminders.css";

export const PENDING_PAGE_SIZE = 25;

/**
 * /bpsdm/tutup-tahun: the last day claims for a year may be filed, and the year's claims still pending,
 * left for a final decision in the verification queue.
 */
export function YearClosingPage() {
  const { t } = useTranslation();
  usePageTitle(t("reminders.closing.title"));
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2];
  return (
    <div className="page page--wide stack reminders-page">
      <div>
        <h1>{t("reminders.closing.title")}</h1>
        <p className="lead">{t("reminders.closing.lead")}</p>
      </div>
      <div className="reminders-toolbar">
        <Select
          label={t("reminders.year")}
          value={String(year)}
          onChange={(event) => setYear(Number(event.target.value))}
          options={years.map((y) => ({ value: String(y), label: String(y) }))}
        />
      </div>
      <ClosingOfYear key={year} year={year} />
    </div>
  );
}

function ClosingOfYear({ year }: { year: number }) {
  const { t } = useTranslation();
  const closing = useQuery({ ...yearClosing(year), throwOnError: false });
  if (closing.error && !closing.data) {
    return <ProblemAlert error={closing.error} onRetry={() => void closing.refetch()} />;
  }
  if (!closing.data) return <Spinner />;
  return (
    <>
      <ClosingCard closing={closing.data.closing} etag={closing.data.etag} />
      <PendingCard year={year} count={closing.data.closing.pending_claims} />
      <p className="reminders-note">{t("reminders.closing.reminderHint")}</p>
    </>
  );
}

function ClosingCard({ closing, etag }: { closing: YearClosing; etag: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  return (
    <Card title={t("reminders.closing.dateTitle", { year: closing.year })}>
      {closing.closed && closing.claims_close_on && (
        <Alert tone="warning" title={t("reminders.closing.closedTitle", { year: closing.year })}>
          {t("reminders.closing.closedBody", { year: closing.year, date: f.date(closing.claims_close_on) })}
        </Alert>
      )}
      <dl className="stats" data-testid="year-closing">
        <Stat
          label={t("reminders.closing.closesOn")}
          value={closing.claims_close_on ? f.date(closing.claims_close_on) : t("reminders.closing.notSet")}
        />
        <Stat
          label={t("reminders.closing.state")}
          value={closing.closed ? t("reminders.closing.closed") : t("reminders.closing.open")}
        />
        <Stat label={t("reminders.closing.pending")} value={f.number(closing.pending_claims)} />
      </dl>
      {can("year_closing_put") && (
        <ClosingForm
          // A saved date (a new ETag) starts the form again from it.
          key={etag ?? "new"}
          closing={closing}
          etag={etag}
        />
      )}
    </Card>
  );
}

function ClosingForm({ closing, etag }: { closing: YearClosing; etag: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const toast = useToast();
  const save = useSaveYearClosing(closing.year);
  const [date, setDate] = useState(closing.claims_close_on ?? "");
  const [checked, setChecked] = useState(false);
  const early = date !== "" && date < `${closing.year}-01-01`;
  const problem = !date
    ? t("reminders.closing.dateRequired")
    : early
      ? t("reminders.closing.dateEarly", { year: closing.year })
      : undefined;

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (problem) return;
    save.mutate(
      { claimsCloseOn: date, etag: closing.claims_close_on ? etag : null },
      {
        onSuccess: (saved) =>
          toast.show(
            t("reminders.closing.saved", {
              year: closing.year,
              date: f.date(saved.closing.claims_close_on ?? date),
            }),
            { tone: "success" },
          ),
      },
    );
  }

  return (
    <form className="stack closing-form" onSubmit={submit} noValidate>
      <DateField
        label={t("reminders.closing.dateLabel")}
        value={date}
        onChange={(event) => setDate(event.target.value)}
        hint={t("reminders.closing.dateHint", { year: closing.year })}
        error={checked ? problem : undefined}
        required
      />
      {save.error && <ProblemAlert error={save.error} />}
      <div className="form-actions">
        <Button
          type="submit"
          busy={save.isPending}
          busyLabel={t("ui.saving")}
          disabled={date === (closing.claims_close_on ?? "")}
        >
          {closing.claims_close_on ? t("reminders.closing.change") : t("reminders.closing.set")}
        </Button>
      </div>
    </form>
  );
}

/** The year's claims still pending (in the caller's units), oldest submission first. */
function PendingCard({ year, count }: { year: number; count: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const pages = useCursorPages();
  const list = useQuery({
    ...closingPending({ year, cursor: pages.cursor, limit: PENDING_PAGE_SIZE }),
    throwOnError: false,
  });
  const columns: Column<QueueItem>[] = [
    {
      key: "asn",
      header: t("reminders.closing.col.asn"),
      cell: (c) => (
        <>
          <span className="cell-main">{c.asn_name}</span>
          <span className="cell-sub">{c.nip}</span>
        </>
      ),
    },
    { key: "title", header: t("reminders.closing.col.title"), cell: (c) => c.title },
    { key: "ended", header: t("reminders.closing.col.ended"), cell: (c) => f.date(c.end_date) },
    { key: "jp", header: t("reminders.closing.col.jp"), align: "end", cell: (c) => f.number(c.jp) },
    { key: "filed", header: t("reminders.closing.col.filed"), cell: (c) => f.date(c.created_at) },
  ];
  return (
    <Card
      title={t("reminders.closing.pendingTitle", { year })}
      actions={<Link to="/opd">{t("reminders.closing.toQueue")}</Link>}
    >
      <p className="reminders-note">{t("reminders.closing.pendingIntro", { count, pending: f.number(count), year })}</p>
      <CursorTable
        testId="closing-pending"
        caption={t("reminders.closing.pendingTitle", { year })}
        columns={columns}
        rowKey={(c) => c.id}
        list={list}
        pages={pages}
        pageSize={PENDING_PAGE_SIZE}
        empty={t("reminders.closing.noPending", { year })}
      />
    </Card>
  );
}
