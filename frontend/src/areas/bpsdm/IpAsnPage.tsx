import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { type IpAsnReport, ipAsnExport, ipAsnReport, type UnitIpAsn } from "../../api/queries/ipAsn";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { BarChart, Card, type Column, DataTable, Select, Spinner, Stat } from "../../ui";
import "./ipAsn.css";
import { hasDimensions, weakestDimensionColumn } from "./WeakestDimension";

const YEARS_BACK = 4;

/**
 * /bpsdm/ip-asn: the province's Indeks Profesionalitas ASN of a year (PNS and CPNS): the mean, the
 * spread over the year's categories, and one sortable row per OPD; the report as XLSX.
 */
export function IpAsnPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.ipAsn.title"));
  const [params, setParams] = useSearchParams();
  const thisYear = new Date().getFullYear();
  const year = Number(params.get("tahun")) || thisYear;
  // A failure stays on the page (the year picker usable) with its own "Coba lagi".
  const report = useQuery({ ...ipAsnReport(year), throwOnError: false, placeholderData: keepPreviousData });

  function setYear(value: string) {
    const next = new URLSearchParams(params);
    if (value === String(thisYear)) next.delete("tahun");
    else next.set("tahun", value);
    setParams(next);
  }

  return (
    <div className="page page--wide">
      <div className="bpsdm-heading">
        <h1>{t("bpsdm.ipAsn.title")}</h1>
        <DownloadButton request={() => ipAsnExport(year)} fallbackName={`ip-asn-${year}.xlsx`}>
          {t("bpsdm.downloadXlsx")}
        </DownloadButton>
      </div>
      <div className="bpsdm-toolbar">
        <Select
          label={t("bpsdm.ipAsn.year")}
          value={String(year)}
          options={Array.from({ length: YEARS_BACK }, (_, back) => String(thisYear - back)).map((y) => ({
            value: y,
            label: y,
          }))}
          onChange={(event) => setYear(event.target.value)}
        />
      </div>
      {report.error && !report.data ? (
        <ProblemAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <Spinner />
      ) : (
        <IpAsnReportView report={report.data} />
      )}
    </div>
  );
}

export function IpAsnReportView({ report }: { report: IpAsnReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [query, setQuery] = useState("");
  const units = report.units;
  const matching = useMemo(() => {
    const q = query.trim().toLocaleLowerCase("id");
    return q ? units.filter((u) => `${u.name} ${u.code}`.toLocaleLowerCase("id").includes(q)) : units;
  }, [units, query]);

  const mean = (value: number | null) => (value === null ? "–" : f.number(value));
  const share = (count: number, of: number) => (of > 0 ? (100 * count) / of : 0);
  const columns: Column<UnitIpAsn>[] = [
    { key: "name", header: t("bpsdm.colUnit"), cell: (u) => u.name, sortValue: (u) => u.name },
    {
      key: "headcount",
      header: t("bpsdm.ipAsn.colHeadcount"),
      align: "end",
      cell: (u) => f.number(u.headcount),
      sortValue: (u) => u.headcount,
    },
    {
      key: "mean",
      header: t("bpsdm.ipAsn.colMean"),
      align: "end",
      cell: (u) => mean(u.mean),
      sortValue: (u) => u.mean,
    },
    // One column per category of the year's rules, highest first, as the report lists them.
    ...report.categories.map(
      ({ category }, index): Column<UnitIpAsn> => ({
        key: `category-${index}`,
        header: category,
        align: "end",
        cell: (u) => f.number(u.categories.find((c) => c.category === category)?.count ?? 0),
        sortValue: (u) => u.categories.find((c) => c.category === category)?.count ?? 0,
      }),
    ),
    ...(hasDimensions(units) ? [weakestDimensionColumn<UnitIpAsn>(t, f)] : []),
  ];

  return (
    <>
      <p className="lead">
        {t("bpsdm.yearLabel", { year: report.year })} · {t("bpsdm.ipAsn.counted")}
      </p>
      <dl className="stats">
        <Stat
          label={t("bpsdm.ipAsn.headcount")}
          value={<span data-testid="ip-province-headcount">{f.number(report.headcount)}</span>}
        />
        <Stat
          label={t("bpsdm.ipAsn.mean")}
          value={<span data-testid="ip-province-mean">{mean(report.mean)}</span>}
          note={t("bpsdm.ipAsn.of100")}
        />
      </dl>
      <div className="stack">
        <Card title={t("bpsdm.ipAsn.distributionTitle")}>
          <BarChart
            title={t("bpsdm.ipAsn.distributionTitle")}
            hideTitle
            max={Math.max(report.headcount, 1)}
            data={report.categories.map((c) => ({ key: c.category, label: c.category, value: c.count }))}
            formatValue={(count) =>
              t("bpsdm.ipAsn.countShare", { people: f.number(count), share: f.percent(share(count, report.headcount)) })
            }
          />
        </Card>
        <Card title={t("bpsdm.ipAsn.tableCaption")}>
          <DataTable
            caption={t("bpsdm.ipAsn.tableCaption")}
            columns={columns}
            rows={matching}
            rowKey={(u) => u.unit_id}
            search={{ value: query, onChange: setQuery, label: t("bpsdm.searchUnits") }}
            // OPD are compared column by column: on a phone the table scrolls sideways.
            phoneLayout="scroll"
          />
        </Card>
      </div>
    </>
  );
}
