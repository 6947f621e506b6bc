import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { learningFormNames } from "../../api/queries/reference";
import { useAfterDecision, verificationQueue, verifyRecord } from "../../api/queries/verification";
import type { QueueItem } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, type Column, DataTable, ProgressBar, Spinner, useCursorPages, useToast } from "../../ui";
import { type BulkResult, runBulk } from "./bulk";
import { RecordPanel } from "./RecordPanel";

const PAGE_SIZE = 25;

/**
 * /opd: the claims waiting for this admin's verification, a cursor page at a time. "Periksa" opens a
 * claim with its certificate to approve or reject it; ticked claims are approved together.
 */
export function QueuePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const toast = useToast();
  usePageTitle(t("opd.queueTitle"));
  const pages = useCursorPages();
  const queue = useQuery(verificationQueue({ cursor: pages.cursor, limit: PAGE_SIZE }));
  const formNames = useQuery(learningFormNames());
  const afterDecision = useAfterDecision();
  const [openId, setOpenId] = useState<number | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<{ outcome: BulkResult; titles: Map<number, string> } | null>(null);

  const items = queue.data?.items ?? [];
  // After a decision the keyboard user lands on the next claim's "Periksa" (once the queue reloads).
  const [focusAfter, setFocusAfter] = useState<number | null>(null);
  useEffect(() => {
    if (focusAfter === null || queue.isFetching) return;
    const target = items.find((item) => item.id === focusAfter) ?? items.at(-1);
    if (target) document.querySelector<HTMLElement>(`[data-review="${target.id}"]`)?.focus();
    setFocusAfter(null);
  }, [focusAfter, items, queue.isFetching]);
  // Ticks of rows that have left the queue (decided elsewhere, other page) don't count.
  const chosen = items.filter((item) => selected.has(item.id));
  const allChosen = items.length > 0 && chosen.length === items.length;

  function toggle(id: number, on: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }

  async function approveSelected() {
    const batch = chosen;
    setResult(null);
    const outcome = await runBulk(
      batch.map((item) => item.id),
      (id) => verifyRecord(id, { decision: "approve", note: null }),
      (done, total) => setProgress({ done, total }),
    );
    setProgress(null);
    setResult({ outcome, titles: new Map(batch.map((item) => [item.id, item.title])) });
    setSelected(new Set());
    afterDecision(
      batch.map((item) => item.nip),
      batch.map((item) => item.id),
    );
  }

  const busy = progress !== null;

  const columns: Column<QueueItem>[] = [
    {
      key: "select",
      header: t("opd.colSelect"),
      cell: (item) => (
        <input
          type="checkbox"
          className="opd-check"
          checked={selected.has(item.id)}
          disabled={busy}
          aria-label={t("opd.selectRow", { title: item.title, name: item.asn_name })}
          onChange={(event) => toggle(item.id, event.target.checked)}
        />
      ),
    },
    {
      key: "asn",
      header: t("opd.colAsn"),
      cell: (item) => (
        <>
          <Link className="cell-main" to={`/opd/asn/${item.nip}`}>
            {item.asn_name}
          </Link>
          <span className="cell-sub">{item.nip}</span>
        </>
      ),
    },
    {
      key: "title",
      header: t("opd.colTitle"),
      cell: (item) => (
        <>
          <span className="cell-main">{item.title}</span>
          {item.organizer && <span className="cell-sub">{item.organizer}</span>}
        </>
      ),
    },
    {
      key: "form",
      header: t("opd.colForm"),
      cell: (item) => formNames.data?.get(item.form_code) ?? item.form_code,
    },
    {
      key: "dates",
      header: t("opd.colDates"),
      cell: (item) =>
        item.start_date === item.end_date
          ? f.date(item.start_date)
          : `${f.date(item.start_date)} – ${f.date(item.end_date)}`,
    },
    { key: "jp", header: t("opd.colJp"), align: "end", cell: (item) => f.number(item.jp) },
    { key: "submitted", header: t("opd.colSubmitted"), cell: (item) => f.date(item.created_at) },
    {
      key: "actions",
      header: t("opd.colActions"),
      cell: (item) => (
        <Button
          variant="secondary"
          data-review={item.id}
          onClick={() => setOpenId(item.id)}
          aria-label={t("opd.reviewRow", { title: item.title, name: item.asn_name })}
        >
          {t("opd.review")}
        </Button>
      ),
    },
  ];

  return (
    <div className="page page--wide opd-page">
      <h1>{t("opd.queueTitle")}</h1>
      {!queue.data ? (
        <Spinner />
      ) : (
        <>
          <p className="lead" data-testid="queue-count">
            {t("opd.queueCount", { count: queue.data.total })}
          </p>
          <div className="opd-toolbar">
            <label className="opd-toolbar__all">
              <input
                type="checkbox"
                className="opd-check"
                checked={allChosen}
                disabled={busy || items.length === 0}
                onChange={(event) =>
                  setSelected(event.target.checked ? new Set(items.map((item) => item.id)) : new Set())
                }
              />
              {t("opd.selectPage")}
            </label>
            <Button disabled={chosen.length === 0} busy={busy} busyLabel={t("opd.bulkBusy")} onClick={approveSelected}>
              {t("opd.bulkApprove", { count: chosen.length })}
            </Button>
          </div>
          {progress && (
            <div className="opd-bulk-progress">
              <ProgressBar
                value={progress.done}
                max={progress.total}
                label={t("opd.bulkProgressLabel")}
                valueText={t("opd.bulkProgress", progress)}
              />
              <p aria-live="polite">{t("opd.bulkProgress", progress)}</p>
            </div>
          )}
          {result && <BulkSummary result={result.outcome} titles={result.titles} onDismiss={() => setResult(null)} />}
          <DataTable
            caption={t("opd.queueCaption")}
            columns={columns}
            rows={items}
            rowKey={(item) => item.id}
            loading={queue.isFetching}
            empty={t("opd.empty")}
            pagination={{
              pageIndex: pages.pageIndex,
              pageSize: PAGE_SIZE,
              total: queue.data.total,
              hasPrevious: pages.hasPrevious,
              hasNext: Boolean(queue.data.next_cursor) && !queue.isPlaceholderData,
              onPrevious: pages.previous,
              onNext: () => pages.next(queue.data?.next_cursor),
            }}
          />
        </>
      )}
      <RecordPanel
        recordId={openId}
        onClose={() => setOpenId(null)}
        onDecided={(decision, title) => {
          const index = items.findIndex((item) => item.id === openId);
          setFocusAfter(items[index + 1]?.id ?? items[index - 1]?.id ?? null);
          setOpenId(null);
          toast.show(t(decision === "approve" ? "opd.approved" : "opd.rejected", { title }), { tone: "success" });
        }}
      />
    </div>
  );
}

function BulkSummary({
  result,
  titles,
  onDismiss,
}: {
  result: BulkResult;
  titles: Map<number, string>;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const codes = t("opd.codes", { returnObjects: true }) as Record<string, string>;
  const done = t("opd.bulkDone", { count: result.succeeded.length });
  if (result.failed.length === 0) {
    return (
      <div className="opd-bulk-result">
        <Alert tone="success" title={done} />
        <Button variant="ghost" onClick={onDismiss}>
          {t("opd.dismiss")}
        </Button>
      </div>
    );
  }
  return (
    <div className="opd-bulk-result">
      <Alert tone="warning" title={`${done} ${t("opd.bulkFailed", { count: result.failed.length })}`}>
        <ul>
          {result.failed.map((failure) => (
            <li key={failure.id}>
              <strong>{titles.get(failure.id) ?? `#${failure.id}`}</strong>
              {": "}
              {codes[failure.code] ?? t("opd.codeOther", { code: failure.code })}
            </li>
          ))}
        </ul>
      </Alert>
      <Button variant="ghost" onClick={onDismiss}>
        {t("opd.dismiss")}
      </Button>
    </div>
  );
}
