import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { asnList, jpSummary } from "../../api/queries/asn";
import { useMe } from "../../api/queries/auth";
import { jpCompliance, jpComplianceExport, jpCompliancePdf } from "../../api/queries/reports";
import type { AsnRead, JpComplianceReport, UnitJpCompliance } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  Card,
  type Column,
  compareValues,
  DataTable,
  ProgressBar,
  Select,
  type Sort,
  Spinner,
  Stat,
  useCursorPages,
  useDebouncedValue,
} from "../../ui";

export const UNIT_PAGE_SIZE = 10;
const ASN_PAGE_SIZE = 20;

/** Rows of the unit table: the sub-units, and the people placed in the unit itself as one more row. */
export interface UnitRow extends UnitJpCompliance {
  direct?: boolean;
}

export function unitRows(report: JpComplianceReport, directLabel: string): UnitRow[] {
  const rows: UnitRow[] = [...report.units];
  if (report.direct && report.direct.headcount > 0 && report.unit_id !== null) {
    rows.push({ ...report.direct, unit_id: report.unit_id, code: "", name: directLabel, direct: true });
  }
  return rows;
}

/** Rows whose name or code contains the query (case- and accent-insensitive enough for unit names). */
export function filterUnits(rows: UnitRow[], query: string): UnitRow[] {
  const q = query.trim().toLocaleLowerCase("id");
  if (!q) return rows;
  return rows.filter((row) => `${row.name} ${row.code}`.toLocaleLowerCase("id").includes(q));
}

/** Rows ordered by the sorted column's sortValue (as DataTable would), unchanged without a sort. */
export function sortRows<T>(rows: T[], columns: Column<T>[], sort: Sort | null): T[] {
  const value = sort && columns.find((column) => column.key === sort.key)?.sortValue;
  if (!sort || !value) return rows;
  const sign = sort.direction === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => sign * compareValues(value(a), value(b)));
}

/**
 * /opd/kepatuhan: this year's JP compliance of the admin's unit — the figures, a table per sub-unit
 * (?unit= drills into one), the unit's ASN with their JP, and the spreadsheet download.
 */
export function CompliancePage() {
  const { t } = useTranslation();
  usePageTitle(t("opd.complianceTitle"));
  const { data: me } = useMe();
  // The report is asked for the admin's own unit, so it waits for /auth/me.
  if (!me) {
    return (
      <div className="page page--wide opd-page">
        <h1>{t("opd.complianceTitle")}</h1>
        <Spinner />
      </div>
    );
  }
  return <Compliance ownUnitId={me.unit_id ?? undefined} />;
}

function Compliance({ ownUnitId }: { ownUnitId?: number }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const thisYear = new Date().getFullYear();
  const year = Number(params.get("tahun")) || thisYear;
  const unitParam = Number(params.get("unit")) || undefined;
  const unitId = unitParam ?? ownUnitId;
  // Failure stays on the page (toolbar and year picker usable) with its own "Coba lagi".
  const report = useQuery({ ...jpCompliance(year, unitId), throwOnError: false });

  function setParam(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  }

  return (
    <div className="page page--wide opd-page">
      <h1>{t("opd.complianceTitle")}</h1>
      <div className="opd-toolbar">
        <div className="opd-toolbar__year">
          <Select
            label={t("opd.year")}
            value={String(year)}
            options={[0, 1, 2].map((back) => ({ value: String(thisYear - back), label: String(thisYear - back) }))}
            onChange={(event) => setParam("tahun", event.target.value === String(thisYear) ? null : event.target.value)}
          />
        </div>
        <ComplianceDownload unitId={unitId} year={year} />
      </div>
      {report.error && !report.data ? (
        <ProblemAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <Spinner />
      ) : (
        <>
          {unitParam !== undefined && unitParam !== ownUnitId && (
            <p>
              <Link to={year === thisYear ? "/opd/kepatuhan" : `/opd/kepatuhan?tahun=${year}`}>
                {t("opd.backToOwnUnit")}
              </Link>
            </p>
          )}
          <Summary report={report.data} />
          <UnitTable report={report.data} year={year} />
          <AsnTable unitId={unitId} year={year} />
        </>
      )}
    </div>
  );
}

function Summary({ report }: { report: JpComplianceReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <Card title={report.name ?? t("opd.allUnits")}>
        <dl className="stats" data-testid="compliance-summary">
          <Stat
            label={t("opd.compliancePct")}
            value={f.percent(report.compliance_pct)}
            note={t("opd.compliantOf", {
              compliant: f.number(report.compliant),
              headcount: f.number(report.headcount),
            })}
          />
          <Stat label={t("opd.nonCompliant")} value={f.number(report.non_compliant)} />
          <Stat
            label={t("opd.meanJp")}
            value={f.number(report.mean_jp)}
            note={t("opd.targetJp", { jp: f.number(report.target_jp) })}
          />
          <Stat label={t("opd.totalJp")} value={f.number(report.total_jp)} />
        </dl>
        <ProgressBar
          value={report.compliance_pct}
          max={100}
          label={t("opd.compliancePct")}
          valueText={f.percent(report.compliance_pct)}
        />
      </Card>
      <Card title={t("opd.pppkTitle")}>
        <p className="cell-sub">{t("opd.pppkNote", { cap: f.number(report.pppk.cap_jp) })}</p>
        <dl className="stats" data-testid="pppk-summary">
          <Stat label={t("opd.pppkHeadcount")} value={f.number(report.pppk.headcount)} />
          <Stat label={t("opd.meanJp")} value={f.number(report.pppk.mean_jp)} />
          <Stat label={t("opd.pppkOverCap")} value={f.number(report.pppk.over_cap)} />
          <Stat label={t("opd.totalJp")} value={f.number(report.pppk.total_jp)} />
        </dl>
      </Card>
    </>
  );
}

function UnitTable({ report, year }: { report: JpComplianceReport; year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<Sort | null>(null);
  const rows = useMemo(() => unitRows(report, t("opd.directRow", { name: report.name ?? "" })), [report, t]);
  const suffix = year === new Date().getFullYear() ? "" : `&tahun=${year}`;

  const columns: Column<UnitRow>[] = useMemo(
    () => [
      {
        key: "name",
        header: t("opd.colUnit"),
        sortValue: (row) => row.name,
        cell: (row) =>
          row.direct ? (
            <span className="cell-main">{row.name}</span>
          ) : (
            <>
              <Link className="cell-main" to={`/opd/kepatuhan?unit=${row.unit_id}${suffix}`}>
                {row.name}
              </Link>
              <span className="cell-sub">{row.code}</span>
            </>
          ),
      },
      {
        key: "headcount",
        header: t("opd.colHeadcount"),
        align: "end",
        sortValue: (row) => row.headcount,
        cell: (row) => f.number(row.headcount),
      },
      {
        key: "compliant",
        header: t("opd.colCompliant"),
        align: "end",
        sortValue: (row) => row.compliant,
        cell: (row) => f.number(row.compliant),
      },
      {
        key: "pct",
        header: t("opd.colPct"),
        sortValue: (row) => row.compliance_pct,
        cell: (row) => (
          <span className="cell-progress">
            <ProgressBar
              value={row.compliance_pct}
              max={100}
              label={t("opd.pctOf", { name: row.name })}
              valueText={f.percent(row.compliance_pct)}
            />
            {f.percent(row.compliance_pct)}
          </span>
        ),
      },
      {
        key: "mean",
        header: t("opd.colMeanJp"),
        align: "end",
        sortValue: (row) => row.mean_jp,
        cell: (row) => f.number(row.mean_jp),
      },
    ],
    [t, f, suffix],
  );

  // Sorted and searched over all rows here, then paged: the table shows one page of the result.
  const matching = useMemo(() => sortRows(filterUnits(rows, query), columns, sort), [rows, query, columns, sort]);
  const pageCount = Math.max(1, Math.ceil(matching.length / UNIT_PAGE_SIZE));
  const current = Math.min(page, pageCount - 1);
  const shown = matching.slice(current * UNIT_PAGE_SIZE, (current + 1) * UNIT_PAGE_SIZE);

  return (
    <Card title={t("opd.unitsTitle")}>
      <DataTable
        caption={t("opd.unitsCaption")}
        columns={columns}
        rows={shown}
        rowKey={(row) => (row.direct ? `direct-${row.unit_id}` : row.unit_id)}
        sort={sort}
        onSortChange={(next) => {
          setSort(next);
          setPage(0);
        }}
        search={{
          value: query,
          onChange: (value) => {
            setQuery(value);
            setPage(0);
          },
          label: t("opd.searchUnits"),
        }}
        empty={query ? undefined : t("opd.noUnits")}
        pagination={{
          pageIndex: current,
          pageSize: UNIT_PAGE_SIZE,
          total: matching.length,
          hasPrevious: current > 0,
          hasNext: current < pageCount - 1,
          onPrevious: () => setPage(current - 1),
          onNext: () => setPage(current + 1),
        }}
      />
    </Card>
  );
}

function AsnTable({ unitId, year }: { unitId?: number; year: number }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState("");
  const q = useDebouncedValue(query.trim(), 300);
  const pages = useCursorPages();
  const list = useQuery(asnList({ unitId, q, cursor: pages.cursor, limit: ASN_PAGE_SIZE }));

  const columns: Column<AsnRead>[] = [
    {
      key: "name",
      header: t("opd.colAsn"),
      cell: (asn) => (
        <>
          <Link className="cell-main" to={`/opd/asn/${asn.nip}`}>
            {asn.name}
          </Link>
          <span className="cell-sub">{asn.nip}</span>
        </>
      ),
    },
    { key: "type", header: t("opd.colType"), cell: (asn) => asn.employment_type.toUpperCase() },
    { key: "golongan", header: t("opd.colGolongan"), cell: (asn) => asn.golongan ?? "–" },
    { key: "jp", header: t("opd.colJpYear", { year }), cell: (asn) => <JpCell nip={asn.nip} year={year} /> },
  ];

  return (
    <Card title={t("opd.asnTitle")}>
      <DataTable
        caption={t("opd.asnCaption")}
        columns={columns}
        rows={list.data?.items ?? []}
        rowKey={(asn) => asn.nip}
        loading={list.isFetching}
        search={{
          value: query,
          onChange: (value) => {
            setQuery(value);
            pages.reset();
          },
          label: t("opd.searchAsn"),
        }}
        pagination={{
          pageIndex: pages.pageIndex,
          pageSize: ASN_PAGE_SIZE,
          total: list.data?.total,
          hasPrevious: pages.hasPrevious,
          hasNext: Boolean(list.data?.next_cursor) && !list.isPlaceholderData,
          onPrevious: pages.previous,
          onNext: () => pages.next(list.data?.next_cursor),
        }}
      />
    </Card>
  );
}

/** One ASN's verified JP against the target (or the PPPK cap), loaded per visible row. */
function JpCell({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const summary = useQuery(jpSummary(nip, year));
  if (!summary.data) return <span className="cell-sub">…</span>;
  const s = summary.data;
  const max = s.target_jp ?? s.cap_jp ?? 0;
  const text = t("opd.jpOf", { jp: f.number(s.verified_jp), max: f.number(max) });
  return (
    <span className="cell-progress">
      <ProgressBar value={s.verified_jp} max={max} label={t("opd.jpOfName", { nip })} valueText={text} />
      {text}
    </span>
  );
}

function ComplianceDownload({ unitId, year }: { unitId?: number; year: number }) {
  const { t } = useTranslation();
  return (
    <div className="opd-download">
      <DownloadButton request={() => jpComplianceExport(year, unitId)} fallbackName={`kepatuhan-jp-${year}.xlsx`}>
        {t("opd.downloadXlsx")}
      </DownloadButton>
      <DownloadButton request={() => jpCompliancePdf(year, unitId)} fallbackName={`rekap-kepatuhan-jp-${year}.pdf`}>
        {t("opd.downloadPdf")}
      </DownloadButton>
    </div>
  );
}
