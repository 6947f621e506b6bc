import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { CampaignRun, ReminderRun, RunRecipient } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { type Column, DataTable, Stat } from "../../ui";

export const RECIPIENTS_PAGE_SIZE = 20;

/** What a run chose, campaign by campaign: its counts and who gets which message. */
export function RunResults({ run }: { run: ReminderRun }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <section className="run-results" aria-live="polite" data-testid="run-results">
      <h3>
        {run.dry_run
          ? t("reminders.previewOf", { date: f.date(run.as_of) })
          : t("reminders.sentOf", { date: f.date(run.as_of) })}
      </h3>
      {run.results.map((result) => (
        <CampaignResult key={result.campaign} result={result} dryRun={run.dry_run} />
      ))}
    </section>
  );
}

type Row = RunRecipient & { index: number };

function CampaignResult({ result, dryRun }: { result: CampaignRun; dryRun: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [page, setPage] = useState(0);
  const pageCount = Math.max(1, Math.ceil(result.recipients.length / RECIPIENTS_PAGE_SIZE));
  // One person may be listed more than once (BPSDM gets one message per OPD): rows are keyed by place.
  const rows = result.recipients.map((recipient, index) => ({ ...recipient, index }));
  const columns: Column<Row>[] = [
    {
      key: "who",
      header: t("reminders.col.recipient"),
      cell: (r) => (
        <>
          <span className="cell-main">{r.username}</span>
          {r.nip && r.nip !== r.username && <span className="cell-sub">{r.nip}</span>}
        </>
      ),
    },
    { key: "reason", header: t("reminders.col.reason"), cell: (r) => r.reason },
    {
      key: "message",
      header: t("reminders.col.message"),
      cell: (r) => (
        <>
          <span className="cell-main">{r.title}</span>
          <span className="run-message">{r.message}</span>
        </>
      ),
    },
  ];
  return (
    <article className="run-result" data-campaign={result.campaign}>
      <h4>
        {t(`reminders.audience.${result.audience}`)} <span className="cell-sub">{result.campaign}</span>
      </h4>
      <dl className="stats run-result__stats">
        <Stat label={t("reminders.selected")} value={f.number(result.selected)} />
        <Stat label={t("reminders.skippedRecent")} value={f.number(result.skipped_recent)} />
        <Stat label={t("reminders.recipients")} value={f.number(result.recipients_total)} />
        {!dryRun && (
          <Stat label={t("reminders.queued")} value={<span data-testid="queued">{f.number(result.queued)}</span>} />
        )}
      </dl>
      {result.recipients.length === 0 ? (
        <p className="reminders-note">{t("reminders.noRecipients")}</p>
      ) : (
        <>
          {result.recipients_total > result.recipients.length && (
            <p className="reminders-note">
              {t("reminders.firstRecipients", {
                shown: f.number(result.recipients.length),
                total: f.number(result.recipients_total),
              })}
            </p>
          )}
          <DataTable
            caption={t("reminders.recipientsOf", { name: t(`reminders.audience.${result.audience}`) })}
            columns={columns}
            rows={rows.slice(page * RECIPIENTS_PAGE_SIZE, (page + 1) * RECIPIENTS_PAGE_SIZE)}
            rowKey={(r) => r.index}
            pagination={
              pageCount > 1
                ? {
                    pageIndex: page,
                    pageSize: RECIPIENTS_PAGE_SIZE,
                    total: result.recipients.length,
                    hasPrevious: page > 0,
                    hasNext: page < pageCount - 1,
                    onPrevious: () => setPage(page - 1),
                    onNext: () => setPage(page + 1),
                  }
                : undefined
            }
          />
        </>
      )}
    </article>
  );
}
