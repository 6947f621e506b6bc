import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { jpCompliance, jpComplianceExport } from "../../api/queries/reports";
import type { JpComplianceReport, UnitJpCompliance } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { usePageTitle } from "../../shell/usePageTitle";
import { BarChart, Card, type Column, DataTable, ProgressBar, Spinner, Stat } from "../../ui";
import { BudgetGaugeCard, BudgetTrendCard } from "./BudgetCards";
import { COMPLIANCE_BANDS, complianceBand } from "./charts/complianceBand";
import { GapHeatMapCard } from "./GapHeatMapCard";

/**
 * /bpsdm: the province's JP compliance per OPD (bars banded green/amber/red, with words and a legend),
 * the PPPK apart (a cap, not a minimum), the budget check and the competency gaps.
 */
export function DashboardPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("bpsdm.dashboardTitle"));
  const report = useQuery(jpCompliance());
  const [query, setQuery] = useState("");

  const units = useMemo(() => report.data?.units ?? [], [report.data]);
  const matching = useMemo(() => {
    const q = query.trim().toLocaleLowerCase("id");
    return q ? units.filter((u) => `${u.name} ${u.code}`.toLocaleLowerCase("id").includes(q)) : units;
  }, [units, query]);

  if (!report.data) return <Spinner />;
  const data = report.data;

  const columns: Column<UnitJpCompliance>[] = [
    { key: "name", header: t("bpsdm.colUnit"), cell: (u) => u.name, sortValue: (u) => u.name },
    {
      key: "headcount",
      header: t("bpsdm.colHeadcount"),
      align: "end",
      cell: (u) => f.number(u.headcount),
      sortValue: (u) => u.headcount,
    },
    {
      key: "compliant",
      header: t("bpsdm.colCompliant"),
      align: "end",
      cell: (u) => f.number(u.compliant),
      sortValue: (u) => u.compliant,
    },
    {
      key: "pct",
      header: t("bpsdm.colPct"),
      cell: (u) => (
        <span className="cell-progress">
          <ProgressBar value={u.compliance_pct} max={100} label={u.name} valueText={f.percent(u.compliance_pct)} />
          {f.percent(u.compliance_pct)}
        </span>
      ),
      sortValue: (u) => u.compliance_pct,
    },
    {
      key: "mean",
      header: t("bpsdm.colMeanJp"),
      align: "end",
      cell: (u) => f.number(u.mean_jp),
      sortValue: (u) => u.mean_jp,
    },
  ];

  const bars = [...units]
    .filter((u) => u.headcount > 0)
    .sort((a, b) => a.compliance_pct - b.compliance_pct)
    .map((u) => {
      const tone = complianceBand(u.compliance_pct);
      return {
        key: u.unit_id,
        label: u.name,
        value: u.compliance_pct,
        tone,
        toneLabel: t(`bpsdm.complianceBand.${tone}`),
      };
    });
  const legend = COMPLIANCE_BANDS.map((band) => ({
    tone: band.tone,
    label: t(`bpsdm.complianceLegend.${band.tone}`),
  }));

  return (
    <div className="page page--wide">
      <div className="bpsdm-heading">
        <h1>{t("bpsdm.dashboardTitle")}</h1>
        <DownloadButton request={() => jpComplianceExport(data.year)} fallbackName={`kepatuhan-jp-${data.year}.xlsx`}>
          {t("bpsdm.downloadXlsx")}
        </DownloadButton>
      </div>
      <p className="lead">
        {t("bpsdm.yearLabel", { year: data.year })} · {t("bpsdm.targetJp", { target: f.number(data.target_jp) })}
      </p>
      <dl className="stats">
        <Stat label={t("bpsdm.headcount")} value={f.number(data.headcount)} />
        <Stat label={t("bpsdm.compliant")} value={f.number(data.compliant)} />
        <Stat
          label={t("bpsdm.compliancePct")}
          value={<span data-testid="province-compliance">{f.percent(data.compliance_pct)}</span>}
        />
        <Stat label={t("bpsdm.meanJp")} value={f.number(data.mean_jp)} />
      </dl>
      <div className="stack">
        <PppkCard pppk={data.pppk} />
        <div className="bpsdm-grid">
          <Card title={t("bpsdm.chartTitle")}>
            <BarChart
              title={t("bpsdm.chartTitle")}
              data={bars}
              max={100}
              target={100}
              formatValue={(v) => f.percent(v)}
              hideTitle
              legend={legend}
              legendLabel={t("bpsdm.complianceLegendLabel")}
            />
          </Card>
          <div className="stack">
            <BudgetGaugeCard />
            <BudgetTrendCard />
          </div>
        </div>
        <GapHeatMapCard />
        <Card title={t("bpsdm.tableCaption")}>
          <DataTable
            caption={t("bpsdm.tableCaption")}
            columns={columns}
            rows={matching}
            rowKey={(u) => u.unit_id}
            search={{ value: query, onChange: setQuery, label: t("bpsdm.searchUnits") }}
          />
        </Card>
      </div>
    </div>
  );
}

/**
 * The province's PPPK: PP 49/2018 caps their development at pppk_max_jp a year instead of setting a
 * minimum, so "reached" means their verified JP came up to the cap.
 */
export function PppkCard({ pppk }: { pppk: JpComplianceReport["pppk"] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const cap = f.number(pppk.cap_jp);
  const share = pppk.headcount > 0 ? (100 * pppk.reached_cap) / pppk.headcount : 0;
  const shareText = t("bpsdm.pppk.reachedOf", {
    reached: f.number(pppk.reached_cap),
    total: f.number(pppk.headcount),
    pct: f.percent(share),
  });
  return (
    <Card title={t("bpsdm.pppk.title")}>
      <p className="card__intro">{t("bpsdm.pppk.intro", { cap })}</p>
      <dl className="stats" data-testid="province-pppk">
        <Stat
          label={t("bpsdm.pppk.headcount")}
          value={<span data-testid="pppk-headcount">{f.number(pppk.headcount)}</span>}
        />
        <Stat
          label={t("bpsdm.pppk.reached", { cap })}
          value={<span data-testid="pppk-reached">{f.number(pppk.reached_cap)}</span>}
          note={shareText}
        />
        <Stat
          label={t("bpsdm.pppk.overCap")}
          value={<span data-testid="pppk-over-cap">{f.number(pppk.over_cap)}</span>}
          note={t("bpsdm.pppk.overCapNote", { cap })}
        />
        <Stat label={t("bpsdm.meanJp")} value={f.number(pppk.mean_jp)} />
      </dl>
      {pppk.headcount > 0 && (
        <ProgressBar
          value={pppk.reached_cap}
          max={pppk.headcount}
          label={t("bpsdm.pppk.reached", { cap })}
          valueText={shareText}
        />
      )}
    </Card>
  );
}
