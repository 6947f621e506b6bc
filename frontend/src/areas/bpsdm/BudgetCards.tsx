import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { budgetCompliance } from "../../api/queries/reports";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card, Spinner } from "../../ui";
import { Gauge } from "./charts/Gauge";
import { TrendChart } from "./charts/TrendChart";

/** The latest budget year's competency-development pagu against the mandatory share of belanja daerah. */
export function BudgetGaugeCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const trend = useQuery(budgetCompliance());
  const title = t("bpsdm.budget.gaugeTitle");
  if (trend.error)
    return (
      <Card title={title}>
        <ProblemAlert error={trend.error} onRetry={() => void trend.refetch()} />
      </Card>
    );
  if (!trend.data)
    return (
      <Card title={title}>
        <Spinner />
      </Card>
    );
  const latest = trend.data.items.at(-1);
  if (!latest)
    return (
      <Card title={title}>
        <p>{t("bpsdm.budget.none")}</p>
      </Card>
    );
  const pct = (value: number) => f.percent(value, 2);
  return (
    <Card title={t("bpsdm.budget.gaugeTitleYear", { year: latest.year })}>
      <div className="budget-gauge">
        <Gauge
          title={t("bpsdm.budget.gaugeTitleYear", { year: latest.year })}
          value={latest.pagu_pct}
          threshold={latest.threshold_pct}
          met={latest.compliant}
          valueLabel={pct(latest.pagu_pct)}
          thresholdLabel={t("bpsdm.budget.thresholdShort", { pct: pct(latest.threshold_pct) })}
          description={t("bpsdm.budget.gaugeDescription", {
            share: pct(latest.pagu_pct),
            threshold: pct(latest.threshold_pct),
          })}
        />
        <p
          className={latest.compliant ? "budget-status budget-status--met" : "budget-status budget-status--short"}
          data-testid="budget-status"
        >
          {latest.compliant
            ? t("bpsdm.budget.met")
            : t("bpsdm.budget.short", { amount: f.rupiah(latest.shortfall_idr) })}
        </p>
        <dl className="budget-figures">
          <div>
            <dt>{t("bpsdm.budget.share")}</dt>
            <dd data-testid="budget-share">{pct(latest.pagu_pct)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.pagu")}</dt>
            <dd data-testid="budget-pagu">{f.rupiah(latest.bangkom_pagu_idr)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.requiredMin", { pct: pct(latest.threshold_pct) })}</dt>
            <dd data-testid="budget-required">{f.rupiah(latest.required_min_idr)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.total")}</dt>
            <dd>{f.rupiah(latest.total_belanja_daerah_idr)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.realisasi")}</dt>
            <dd>
              {f.rupiah(latest.bangkom_realisasi_idr)}
              {latest.realisation_rate_pct !== null && ` (${f.percent(latest.realisation_rate_pct)})`}
            </dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}

/** The pagu share of every budget year on record against each year's threshold. */
export function BudgetTrendCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const trend = useQuery(budgetCompliance());
  const title = t("bpsdm.budget.trendTitle");
  if (!trend.data)
    return trend.error ? null : (
      <Card title={title}>
        <Spinner />
      </Card>
    );
  const items = trend.data.items;
  if (items.length === 0) return null;
  const latest = items[items.length - 1];
  return (
    <Card title={title}>
      <TrendChart
        title={title}
        points={items.map((item) => ({
          key: item.year,
          label: String(item.year),
          value: item.pagu_pct,
          met: item.compliant,
        }))}
        reference={{
          value: latest.threshold_pct,
          label: t("bpsdm.budget.thresholdShort", { pct: f.percent(latest.threshold_pct, 2) }),
        }}
        formatValue={(v) => f.percent(v, 2)}
        labelHeader={t("bpsdm.budget.year")}
        valueHeader={t("bpsdm.budget.share")}
      />
    </Card>
  );
}
