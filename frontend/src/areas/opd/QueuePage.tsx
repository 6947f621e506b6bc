import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMe } from "../../api/queries/auth";
import { learningFormNames } from "../../api/queries/reference";
import {
  type QueueFilters,
  queueUnits,
  useAfterDecision,
  verificationQueue,
  verifyRecord,
} from "../../api/queries/verification";
import type { QueueItem } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  Alert,
  Button,
  type Column,
  DataTable,
  ProgressBar,
  Select,
  Spinner,
  useCursorPages,
  useToast,
} from "../../ui";
import { ageInDays, type BulkResult, canDecide, runBulk, splitForBulk } from "./bulk";
import { RecordPanel } from "./RecordPanel";

const PAGE_SIZE = 25;

/**
 * /opd: the claims waiting for this admin's verification, oldest filed first, a cursor page at a time,
 * narrowed by sub-unit, form, year and evidence. "Periksa" opens a claim with its certificate to
 * approve or reject it; ticked claims with evidence are approved together (those without are skipped
 * and reported: each must be opened and confirmed). The auditor sees the same list without any
 * control that writes. On a phone the table becomes a one-line-per-claim list.
 */
export function QueuePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const toast = useToast();
  usePageTitle(t("opd.queueTitle"));
  const pages = useCursorPages();
  const { data: me } = useMe();
  const writes = canDecide(me?.role);
  const [filters, setFilters] = useState<QueueFilters>({});
  const queue = useQuery(verificationQueue({ ...filters, cursor: pages.cursor, limit: PAGE_SIZE }));
  const formNames = useQuery(learningFormNames());
  const afterDecision = useAfterDecision();
  const [openId, setOpenId] = useState<number | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [result, setResult] = useState<{
    outcome: BulkResult;
    titles: Map<number, string>;
    skipped: string[];
  } | null>(null);

  function filter(change: Partial<QueueFilters>) {
    setFilters((current) => ({ ...current, ...change }));
    setSelected(new Set());
    pages.reset();
  }

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
    // Never approve a claim without evidence in bulk: it is skipped and reported.
    const { ready: batch, noEvidence } = splitForBulk(chosen);
    setResult(null);
    const outcome = await runBulk(
      batch.map((item) => item.id),
      (id) => verifyRecord(id, { decision: "approve", note: null }),
      (done, total) => setProgress({ done, total }),
    );
    setProgress(null);
    setResult({
      outcome,
      titles: new Map(batch.map((item) => [item.id, item.title])),
      skipped: noEvidence.map((item) => item.title),
    });
    // The skipped stay ticked: they are still waiting, for the admin to open one by one.
    setSelected(new Set(noEvidence.map((item) => item.id)));
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
    {
      key: "submitted",
      header: t("opd.colSubmitted"),
      cell: (item) => (
        <>
          <span className="cell-main">{t("opd.ageDays", { count: ageInDays(item.created_at) })}</span>
          <span className="cell-sub">{f.date(item.created_at)}</span>
        </>
      ),
    },
    {
      key: "evidence",
      header: t("opd.colEvidence"),
      cell: (item) => <EvidenceMark present={Boolean(item.evidence)} />,
    },
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
      <QueueFilterBar filters={filters} me={me} onChange={filter} />
      {!queue.data ? (
        <Spinner />
      ) : (
        <>
          <p className="lead" data-testid="queue-count">
            {t("opd.queueCount", { count: queue.data.total })}
          </p>
          {writes && (
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
              <Button
                disabled={chosen.length === 0}
                busy={busy}
                busyLabel={t("opd.bulkBusy")}
                onClick={approveSelected}
              >
                {t("opd.bulkApprove", { count: chosen.length })}
              </Button>
            </div>
          )}
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
          {result && (
            <BulkSummary
              result={result.outcome}
              titles={result.titles}
              skipped={result.skipped}
              onDismiss={() => setResult(null)}
            />
          )}
          <ul className="opd-compact" aria-label={t("opd.queueCaption")}>
            {items.length === 0 && <li className="opd-compact__empty">{t("opd.empty")}</li>}
            {items.map((item) => (
              <li key={item.id}>
                <button
                  type="button"
                  className="opd-compact__row"
                  onClick={() => setOpenId(item.id)}
                  data-compact={item.id}
                >
                  <span className="opd-compact__title">{item.title}</span>
                  <span className="opd-compact__meta">
                    {t("opd.ageDays", { count: ageInDays(item.created_at) })} · {f.number(item.jp)} JP · {item.asn_name}
                  </span>
                  <EvidenceMark present={Boolean(item.evidence)} />
                </button>
              </li>
            ))}
          </ul>
          <div className="opd-queue-table">
            <DataTable
              caption={t("opd.queueCaption")}
              columns={writes ? columns : columns.filter((column) => column.key !== "select")}
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
          </div>
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
  skipped,
  onDismiss,
}: {
  result: BulkResult;
  titles: Map<number, string>;
  /** Titles of the ticked claims left alone because they carry no evidence. */
  skipped: string[];
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  const codes = t("opd.codes", { returnObjects: true }) as Record<string, string>;
  const done = t("opd.bulkDone", { count: result.succeeded.length });
  const skippedNote =
    skipped.length > 0 ? (
      <div data-testid="bulk-skipped">
        <p>{t("opd.bulkSkipped", { count: skipped.length })}</p>
        <ul>
          {skipped.map((title) => (
            <li key={title}>{title}</li>
          ))}
        </ul>
      </div>
    ) : null;
  if (result.failed.length === 0) {
    return (
      <div className="opd-bulk-result">
        <Alert tone={skipped.length > 0 ? "warning" : "success"} title={done}>
          {skippedNote}
        </Alert>
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
        {skippedNote}
      </Alert>
      <Button variant="ghost" onClick={onDismiss}>
        {t("opd.dismiss")}
      </Button>
    </div>
  );
}

function EvidenceMark({ present }: { present: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={present ? "opd-evidence opd-evidence--yes" : "opd-evidence opd-evidence--no"}>
      {present ? t("opd.evidenceYes") : t("opd.evidenceNo")}
    </span>
  );
}

const YEARS_BACK = 5;

/** Sub-unit, form, year (of the activity) and evidence: each "all" when left empty. */
function QueueFilterBar({
  filters,
  me,
  onChange,
}: {
  filters: QueueFilters;
  /** The user: an admin's own unit (unit_id) is the subtree it may narrow to; none for BPSDM and auditors. */
  me: { unit_id: number | null } | undefined;
  onChange: (change: Partial<QueueFilters>) => void;
}) {
  const { t } = useTranslation();
  // Asked once the user is known, so an OPD admin is never offered the whole province's units.
  const units = useQuery(queueUnits(me?.unit_id ?? null, me !== undefined));
  const formNames = useQuery(learningFormNames());
  const thisYear = new Date().getFullYear();
  const unitOptions = (units.data?.items ?? [])
    .map((unit) => ({ value: String(unit.id), label: unit.name }))
    .sort((a, b) => a.label.localeCompare(b.label, "id"));
  const formOptions = [...(formNames.data ?? new Map<string, string>()).entries()].map(([code, name]) => ({
    value: code,
    label: name,
  }));
  const yearOptions = Array.from({ length: YEARS_BACK }, (_, i) => String(thisYear - i)).map((year) => ({
    value: year,
    label: year,
  }));
  return (
    <fieldset className="opd-filters">
      <legend className="visually-hidden">{t("opd.filtersLegend")}</legend>
      <Select
        label={t("opd.filterUnit")}
        placeholder={t("opd.allUnits")}
        options={unitOptions}
        value={filters.unitId === undefined ? "" : String(filters.unitId)}
        onChange={(event) => onChange({ unitId: event.target.value ? Number(event.target.value) : undefined })}
      />
      <Select
        label={t("opd.colForm")}
        placeholder={t("opd.allForms")}
        options={formOptions}
        value={filters.formCode ?? ""}
        onChange={(event) => onChange({ formCode: event.target.value || undefined })}
      />
      <Select
        label={t("opd.filterYear")}
        placeholder={t("opd.allYears")}
        options={yearOptions}
        value={filters.year === undefined ? "" : String(filters.year)}
        onChange={(event) => onChange({ year: event.target.value ? Number(event.target.value) : undefined })}
      />
      <Select
        label={t("opd.colEvidence")}
        placeholder={t("opd.evidenceAny")}
        options={[
          { value: "yes", label: t("opd.evidenceWith") },
          { value: "no", label: t("opd.evidenceWithout") },
        ]}
        value={filters.hasEvidence === undefined ? "" : filters.hasEvidence ? "yes" : "no"}
        onChange={(event) =>
          onChange({ hasEvidence: event.target.value === "" ? undefined : event.target.value === "yes" })
        }
      />
    </fieldset>
  );
}
