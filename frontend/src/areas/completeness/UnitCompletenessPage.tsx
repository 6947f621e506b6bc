import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useParams, useSearchParams } from "react-router";
import { useMe } from "../../api/queries/auth";
import { completenessExport, completenessReport, completenessTrend } from "../../api/queries/completeness";
import { ruleSet } from "../../api/queries/rules";
import type { CompletenessReport, IndicatorCode, UnitCompleteness } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Card, type Column, DataTable, ProgressBar, Spinner, Stat } from "../../ui";
import { DataGapsCard } from "./DataGapsCard";
import { band, INDICATORS, isIndicator } from "./figures";
import { pctOf, Score } from "./parts";
import { Sparkline } from "./Sparkline";
import "./completeness.css";

// The address holds the choices, so Back from a person's page returns to the same list: ?unit=12&item=contact.
const PARAM = { unit: "unit", item: "item" } as const;

function wholeNumber(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{1,10}$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 2 ** 31 - 1 ? n : undefined;
}

/** /bpsdm/kelengkapan/:unitId — one OPD (or sub-unit) opened from the league table. */
export function BpsdmUnitCompletenessPage() {
  const { unitId } = useParams();
  const id = wholeNumber(unitId);
  return (
    <UnitCompletenessView
      unitId={id ?? 0}
      title="completeness.unitTitle"
      back={{ to: "/bpsdm/kelengkapan", label: "completeness.backToLeague" }}
      unitHref={(sub) => `/bpsdm/kelengkapan/${sub}`}
    />
  );
}

/** /opd/kelengkapan — "Data yang belum lengkap": the admin's own unit, its sub-units by ?unit=. */
export function OpdCompletenessPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [params] = useSearchParams();
  if (!me) {
    return (
      <div className="page page--wide">
        <h1>{t("completeness.opdTitle")}</h1>
        <Spinner />
      </div>
    );
  }
  const unitId = wholeNumber(params.get(PARAM.unit)) ?? me.unit_id ?? undefined;
  const own = me.unit_id ?? undefined;
  return (
    <UnitCompletenessView
      unitId={unitId}
      title="completeness.opdTitle"
      back={
        unitId !== own && own !== undefined ? { to: "/opd/kelengkapan", label: "completeness.backToOwn" } : undefined
      }
      unitHref={(sub) => `/opd/kelengkapan?${PARAM.unit}=${sub}`}
    />
  );
}

interface ViewProps {
  /** The unit shown; the caller's default (an OPD admin's own unit) when undefined. */
  unitId: number | undefined;
  title: "completeness.unitTitle" | "completeness.opdTitle";
  back?: { to: string; label: "completeness.backToLeague" | "completeness.backToOwn" };
  unitHref: (unitId: number) => string;
}

/** A unit's completeness: its score and queue, each indicator's share, its sub-units and its people. */
export function UnitCompletenessView({ unitId, title, back, unitHref }: ViewProps) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const report = useQuery({ ...completenessReport(unitId), throwOnError: false });
  const name = report.data?.name;
  usePageTitle(name ? `${t(title)} · ${name}` : t(title));
  const itemParam = params.get(PARAM.item);
  const item = isIndicator(itemParam) ? itemParam : undefined;

  function chooseItem(code: IndicatorCode | undefined) {
    const next = new URLSearchParams(params);
    if (code) next.set(PARAM.item, code);
    else next.delete(PARAM.item);
    setParams(next, { replace: true });
  }

  return (
    <div className="page page--wide stack completeness-page">
      {back && (
        <p className="completeness-back">
          <Link to={back.to}>{t(back.label)}</Link>
        </p>
      )}
      <div className="completeness-heading">
        <div>
          <h1>{t(title)}</h1>
          {name && <p className="lead completeness-unit-name">{name}</p>}
        </div>
        {report.data && (
          <DownloadButton
            request={() => completenessExport(report.data.unit_id ?? undefined)}
            fallbackName="kelengkapan-data.xlsx"
          >
            {t("completeness.download")}
          </DownloadButton>
        )}
      </div>
      {report.error && !report.data ? (
        <ProblemAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <Spinner />
      ) : (
        <>
          <Summary report={report.data} />
          <div className="grid">
            <IndicatorsCard report={report.data} onShow={chooseItem} />
            <TrendCard unitId={report.data.unit_id ?? undefined} />
          </div>
          {report.data.units.length > 0 && <SubUnitsCard units={report.data.units} unitHref={unitHref} />}
          {report.data.unit_id !== null && (
            <DataGapsCard
              key={report.data.unit_id}
              unitId={report.data.unit_id}
              report={report.data}
              indicator={item}
              onIndicatorChange={chooseItem}
            />
          )}
        </>
      )}
    </div>
  );
}

function Summary({ report }: { report: CompletenessReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  const year = Number(report.as_of.slice(0, 4));
  const rules = useQuery({ ...ruleSet(year), throwOnError: false });
  const sla = rules.data?.rules.completeness_rules?.queue_sla_days;
  const { queue } = report;
  const late = queue.over_sla > 0;
  return (
    <Card title={t("completeness.summaryTitle", { date: f.date(report.as_of) })}>
      {report.headcount === 0 && <Alert>{t("completeness.noAsn")}</Alert>}
      <dl className="stats" data-testid="unit-completeness">
        <Stat label={t("completeness.score")} value={<Score value={report.score} testId="unit-score" />} />
        <Stat label={t("completeness.headcount")} value={f.number(report.headcount)} />
        <Stat
          label={t("completeness.pending")}
          value={f.number(queue.pending)}
          note={
            queue.oldest_days === null
              ? t("completeness.queueEmpty")
              : t("completeness.oldest", { count: queue.oldest_days, days: f.number(queue.oldest_days) })
          }
        />
        <Stat
          label={sla ? t("completeness.overSlaDays", { days: f.number(sla) }) : t("completeness.overSla")}
          value={
            <span className={late ? "text-warning" : "text-success"} data-testid="queue-over-sla">
              {f.number(queue.over_sla)}
            </span>
          }
          note={late ? t("completeness.overSlaNote") : t("completeness.withinSlaNote")}
        />
      </dl>
    </Card>
  );
}

/** Each indicator's share as a bar, with how many have it and a way to list those who do not. */
function IndicatorsCard({ report, onShow }: { report: CompletenessReport; onShow: (code: IndicatorCode) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Card title={t("completeness.indicatorsTitle")}>
      <ul className="indicator-list" data-testid="indicators">
        {report.indicators.map((indicator) => {
          const missing = report.headcount - indicator.complete;
          const tone = indicator.pct === null ? "none" : band(indicator.pct);
          return (
            <li key={indicator.code} className={`indicator indicator--${tone}`} data-indicator={indicator.code}>
              <div className="indicator__head">
                <span className="indicator__label">{indicator.label}</span>
                <span className="indicator__pct">{indicator.pct === null ? "–" : f.percent(indicator.pct, 2)}</span>
              </div>
              <ProgressBar
                value={indicator.complete}
                max={Math.max(report.headcount, 1)}
                label={indicator.label}
                valueText={t("completeness.completeOf", {
                  complete: f.number(indicator.complete),
                  headcount: f.number(report.headcount),
                })}
              />
              <div className="indicator__foot">
                <span>
                  {t("completeness.completeOf", {
                    complete: f.number(indicator.complete),
                    headcount: f.number(report.headcount),
                  })}
                </span>
                {missing > 0 && (
                  <button
                    type="button"
                    className="link-button"
                    data-testid={`missing-${indicator.code}`}
                    onClick={() => onShow(indicator.code)}
                  >
                    {t("completeness.showMissing", { count: missing, missing: f.number(missing) })}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/** The unit's score on each day with a snapshot over the last 30 days. */
function TrendCard({ unitId }: { unitId: number | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const trend = useQuery({ ...completenessTrend(unitId), throwOnError: false });
  const points = trend.data?.points.map((p) => ({ date: p.date, score: p.score })) ?? [];
  const known = points.filter((p) => p.score !== null);
  return (
    <Card title={t("completeness.trendTitle")}>
      {trend.error && !trend.data ? (
        <ProblemAlert error={trend.error} onRetry={() => void trend.refetch()} />
      ) : !trend.data ? (
        <Spinner />
      ) : known.length === 0 ? (
        <p className="completeness-hint">{t("completeness.noHistory")}</p>
      ) : (
        <div className="trend">
          <Sparkline
            points={points}
            width={320}
            height={80}
            fluid
            label={t("completeness.trendLabel", {
              from: f.date(known[0].date),
              to: f.date(known[known.length - 1].date),
              first: f.number(known[0].score ?? 0, 2),
              last: f.number(known[known.length - 1].score ?? 0, 2),
            })}
          />
          <p className="trend__range">
            <span>
              {f.date(known[0].date)}: <strong>{f.percent(known[0].score ?? 0, 2)}</strong>
            </span>
            <span>
              {f.date(known[known.length - 1].date)}:{" "}
              <strong>{f.percent(known[known.length - 1].score ?? 0, 2)}</strong>
            </span>
          </p>
        </div>
      )}
    </Card>
  );
}

function SubUnitsCard({ units, unitHref }: { units: UnitCompleteness[]; unitHref: (id: number) => string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const columns: Column<UnitCompleteness>[] = [
    {
      key: "name",
      header: t("completeness.col.unit"),
      sortValue: (u) => u.name,
      cell: (u) => (
        <>
          <Link className="cell-main" to={unitHref(u.unit_id)}>
            {u.name}
          </Link>
          <span className="cell-sub">{u.code}</span>
        </>
      ),
    },
    {
      key: "headcount",
      header: t("completeness.col.headcount"),
      align: "end",
      sortValue: (u) => u.headcount,
      cell: (u) => f.number(u.headcount),
    },
    {
      key: "score",
      header: t("completeness.col.score"),
      align: "end",
      sortValue: (u) => u.score,
      cell: (u) => <Score value={u.score} />,
    },
    {
      key: "overSla",
      header: t("completeness.col.overSla"),
      align: "end",
      sortValue: (u) => u.queue.over_sla,
      cell: (u) => f.number(u.queue.over_sla),
    },
    ...INDICATORS.map(
      (code): Column<UnitCompleteness> => ({
        key: code,
        header: t(`completeness.short.${code}`),
        align: "end",
        sortValue: (u) => pctOf(u.indicators, code),
        cell: (u) => {
          const pct = pctOf(u.indicators, code);
          return pct === null ? "–" : f.percent(pct, 1);
        },
      }),
    ),
  ];
  return (
    <Card title={t("completeness.subUnitsTitle")}>
      <div data-testid="sub-units">
        <DataTable
          caption={t("completeness.subUnitsTitle")}
          columns={columns}
          rows={units}
          rowKey={(u) => u.unit_id}
          phoneLayout="scroll"
        />
      </div>
    </Card>
  );
}
