import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { developmentPlans, type PlanStatus, type PlanSummary } from "../../api/queries/plans";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { usePageTitle } from "../../shell/usePageTitle";
import { type Column, Select, useCursorPages, useDebouncedValue } from "../../ui";
import { PlanStatusChip } from "./parts";
import "./plans.css";

export const QUEUE_PAGE_SIZE = 25;
const STATUSES: PlanStatus[] = ["submitted", "returned", "approved", "draft"];

/**
 * /opd/rencana: the development plans of the ASN in the admin's units. It opens on the approval queue
 * (submitted plans, oldest submission first); the other states and years are a filter away. A row
 * leads to the plan's review page.
 */
export function PlanQueuePage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("plans.queue.title"));
  const thisYear = new Date().getFullYear();
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2];
  const [status, setStatus] = useState<PlanStatus | "">("submitted");
  const [year, setYear] = useState<number | null>(thisYear);
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search.trim(), 300);
  const pages = useCursorPages();
  const list = useQuery({
    ...developmentPlans({
      status: status || undefined,
      year: year ?? undefined,
      q,
      cursor: pages.cursor,
      limit: QUEUE_PAGE_SIZE,
    }),
    throwOnError: false,
  });
  const columns: Column<PlanSummary>[] = [
    {
      key: "asn",
      header: t("plans.queue.col.asn"),
      cell: (plan) => (
        <>
          <Link className="cell-main" to={`/opd/rencana/${plan.nip}/${plan.year}`}>
            {plan.name}
          </Link>
          <span className="cell-sub">{plan.nip}</span>
        </>
      ),
    },
    { key: "unit", header: t("plans.queue.col.unit"), cell: (plan) => plan.unit },
    { key: "year", header: t("plans.year"), cell: (plan) => plan.year },
    { key: "status", header: t("plans.queue.col.status"), cell: (plan) => <PlanStatusChip status={plan.status} /> },
    { key: "items", header: t("plans.queue.col.items"), align: "end", cell: (plan) => f.number(plan.item_count) },
    {
      key: "jp",
      header: t("plans.queue.col.jp"),
      align: "end",
      cell: (plan) => f.number(plan.planned_jp),
    },
    {
      key: "cost",
      header: t("plans.queue.col.cost"),
      align: "end",
      cell: (plan) => f.rupiah(plan.estimated_cost_idr),
    },
    {
      key: "submitted",
      header: t("plans.queue.col.submitted"),
      cell: (plan) => (plan.submitted_at ? f.dateTime(plan.submitted_at) : "–"),
    },
  ];
  const caption = status ? t(`plans.queue.caption.${status}`) : t("plans.queue.caption.all");
  return (
    <div className="page page--wide stack plans-page">
      <div>
        <h1>{t("plans.queue.title")}</h1>
        <p className="lead">{t("plans.queue.lead")}</p>
      </div>
      <div className="plans-toolbar">
        <Select
          label={t("plans.queue.status")}
          value={status}
          onChange={(event) => {
            setStatus(event.target.value as PlanStatus | "");
            pages.reset();
          }}
          options={[
            ...STATUSES.map((s) => ({ value: s, label: t(`plans.status.${s}`) })),
            { value: "", label: t("plans.queue.allStatuses") },
          ]}
        />
        <Select
          label={t("plans.year")}
          value={year === null ? "" : String(year)}
          onChange={(event) => {
            setYear(event.target.value ? Number(event.target.value) : null);
            pages.reset();
          }}
          options={[
            ...years.map((y) => ({ value: String(y), label: String(y) })),
            { value: "", label: t("plans.queue.allYears") },
          ]}
        />
      </div>
      {list.data && (
        <p className="plans-note" data-testid="plans-total">
          {t("plans.queue.total", { count: list.data.total, total: f.number(list.data.total) })}
        </p>
      )}
      <CursorTable
        testId="plans-queue"
        caption={caption}
        columns={columns}
        rowKey={(plan) => `${plan.nip}/${plan.year}`}
        list={list}
        pages={pages}
        pageSize={QUEUE_PAGE_SIZE}
        search={{ value: search, applied: q, onChange: setSearch, label: t("plans.queue.search") }}
        empty={status === "submitted" ? t("plans.queue.emptyQueue") : t("plans.queue.empty")}
      />
    </div>
  );
}
