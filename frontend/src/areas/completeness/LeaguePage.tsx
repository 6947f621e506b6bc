import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { completenessExport, completenessLeague, completenessReport } from "../../api/queries/completeness";
import type { CompletenessReport, LeagueRow } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Card, type Column, DataTable, Spinner, Stat } from "../../ui";
import { INDICATORS } from "./figures";
import { Delta, pctOf, Score } from "./parts";
import { Sparkline } from "./Sparkline";
import "./completeness.css";

/**
 * /bpsdm/kelengkapan: how complete each OPD's data is, ranked, with the change over 7 and 30 days and
 * the last 30 daily scores as a sparkline; an OPD's name opens its own report and its people.
 */
export function LeaguePage() {
  const { t } = useTranslation();
  usePageTitle(t("completeness.leagueTitle"));
  const league = useQuery({ ...completenessLeague(), throwOnError: false });
  const province = useQuery({ ...completenessReport(), throwOnError: false });

  return (
    <div className="page page--wide stack completeness-page">
      <div className="completeness-heading">
        <h1>{t("completeness.leagueTitle")}</h1>
        <DownloadButton request={() => completenessExport()} fallbackName="kelengkapan-data.xlsx">
          {t("completeness.download")}
        </DownloadButton>
      </div>
      <p className="lead">{t("completeness.leagueLead")}</p>
      {province.error && !province.data ? (
        <ProblemAlert error={province.error} onRetry={() => void province.refetch()} />
      ) : province.data ? (
        <ProvinceSummary report={province.data} />
      ) : null}
      {league.error && !league.data ? (
        <ProblemAlert error={league.error} onRetry={() => void league.refetch()} />
      ) : !league.data ? (
        <Spinner />
      ) : (
        <LeagueTable rows={league.data.units} asOf={league.data.as_of} />
      )}
    </div>
  );
}

function ProvinceSummary({ report }: { report: CompletenessReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <dl className="stats" data-testid="province-completeness">
      <Stat label={t("completeness.provinceScore")} value={<Score value={report.score} testId="province-score" />} />
      <Stat label={t("completeness.headcount")} value={f.number(report.headcount)} />
      <Stat
        label={t("completeness.overSla")}
        value={f.number(report.queue.over_sla)}
        note={t("completeness.pendingNote", { count: report.queue.pending, pending: f.number(report.queue.pending) })}
      />
      <Stat label={t("completeness.asOf")} value={f.date(report.as_of)} />
    </dl>
  );
}

function LeagueTable({ rows, asOf }: { rows: LeagueRow[]; asOf: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [query, setQuery] = useState("");
  const matching = useMemo(() => {
    const q = query.trim().toLocaleLowerCase("id");
    return q ? rows.filter((r) => `${r.name} ${r.code}`.toLocaleLowerCase("id").includes(q)) : rows;
  }, [rows, query]);
  // The API's labels (in the UI language) name each indicator in full; the headers are short.
  const labels = new Map(rows[0]?.indicators.map((i) => [i.code, i.label]) ?? []);

  const columns: Column<LeagueRow>[] = [
    {
      key: "rank",
      header: t("completeness.col.rank"),
      align: "end",
      sortValue: (r) => r.rank,
      cell: (r) => (r.rank === null ? "–" : f.number(r.rank)),
    },
    {
      key: "name",
      header: t("completeness.col.opd"),
      sortValue: (r) => r.name,
      cell: (r) => (
        <>
          <Link className="cell-main" to={`/bpsdm/kelengkapan/${r.unit_id}`}>
            {r.name}
          </Link>
          <span className="cell-sub">{r.code}</span>
        </>
      ),
    },
    {
      key: "headcount",
      header: t("completeness.col.headcount"),
      align: "end",
      sortValue: (r) => r.headcount,
      cell: (r) => f.number(r.headcount),
    },
    {
      key: "score",
      header: t("completeness.col.score"),
      align: "end",
      sortValue: (r) => r.score,
      cell: (r) => <Score value={r.score} />,
    },
    {
      key: "week",
      header: t("completeness.col.change7"),
      align: "end",
      sortValue: (r) => (r.score === null || r.score_7_days_ago === null ? null : r.score - r.score_7_days_ago),
      cell: (r) => <Delta now={r.score} before={r.score_7_days_ago} days={7} />,
    },
    {
      key: "month",
      header: t("completeness.col.change30"),
      align: "end",
      sortValue: (r) => (r.score === null || r.score_30_days_ago === null ? null : r.score - r.score_30_days_ago),
      cell: (r) => <Delta now={r.score} before={r.score_30_days_ago} days={30} />,
    },
    {
      key: "trend",
      header: t("completeness.col.trend"),
      cell: (r) => <LeagueSparkline row={r} />,
    },
    ...INDICATORS.map(
      (code): Column<LeagueRow> => ({
        key: code,
        header: t(`completeness.short.${code}`),
        align: "end",
        sortValue: (r) => pctOf(r.indicators, code),
        cell: (r) => {
          const pct = pctOf(r.indicators, code);
          return <span title={labels.get(code)}>{pct === null ? "–" : f.percent(pct, 1)}</span>;
        },
      }),
    ),
  ];

  return (
    <Card title={t("completeness.leagueCaption", { date: f.date(asOf) })}>
      <p className="completeness-hint">{t("completeness.leagueHint")}</p>
      <div data-testid="completeness-league">
        <DataTable
          caption={t("completeness.leagueTable")}
          columns={columns}
          rows={matching}
          rowKey={(r) => r.unit_id}
          search={{ value: query, onChange: setQuery, label: t("completeness.searchOpd") }}
          empty={query ? undefined : t("completeness.noOpd")}
          phoneLayout="scroll"
        />
      </div>
      <IndicatorKey labels={labels} />
    </Card>
  );
}

function LeagueSparkline({ row }: { row: LeagueRow }) {
  const { t } = useTranslation();
  const f = useFormat();
  const known = row.sparkline.filter((p) => p.score !== null);
  if (known.length === 0) return <span className="cell-sub">{t("completeness.noHistory")}</span>;
  const first = known[0];
  const last = known[known.length - 1];
  return (
    <Sparkline
      points={row.sparkline}
      label={t("completeness.sparklineLabel", {
        name: row.name,
        from: f.date(first.date),
        to: f.date(last.date),
        first: f.number(first.score ?? 0, 2),
        last: f.number(last.score ?? 0, 2),
      })}
    />
  );
}

/** What the short column headers stand for. */
function IndicatorKey({ labels }: { labels: Map<string, string> }) {
  const { t } = useTranslation();
  if (labels.size === 0) return null;
  return (
    <details className="completeness-key">
      <summary>{t("completeness.keyTitle")}</summary>
      <dl>
        {INDICATORS.map((code) => (
          <div key={code}>
            <dt>{t(`completeness.short.${code}`)}</dt>
            <dd>{labels.get(code)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
