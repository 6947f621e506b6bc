import { useTranslation } from "react-i18next";
import type { CompetencyGaps } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card, ScrollRegion, Stat } from "../../ui";
import { Radar } from "./charts/Radar";
import { useCompetencyGaps } from "./hooks";
import { Skeleton } from "./Skeleton";

/** The ASN's competencies against the position standard: radar, the figures as a table, JPM and band. */
export function GapsCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const gaps = useCompetencyGaps(nip);
  return (
    <Card title={t("asn.gaps.title")} className="gaps-card">
      {gaps.data ? (
        <GapsView gaps={gaps.data} />
      ) : gaps.error ? (
        <ProblemAlert error={gaps.error} onRetry={() => void gaps.refetch()} />
      ) : (
        <Skeleton lines={6} label={t("asn.loadingGaps")} />
      )}
    </Card>
  );
}

export function GapsView({ gaps }: { gaps: CompetencyGaps }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (gaps.position_id === null || gaps.items.length === 0) {
    return (
      <p className="empty-note">{gaps.position_id === null ? t("asn.gaps.noPosition") : t("asn.gaps.noStandard")}</p>
    );
  }
  const short = gaps.items.filter((item) => item.gap !== null && item.gap < 0).length;
  return (
    <div className="stack">
      <dl className="stats gaps-card__stats">
        <Stat
          label={t("asn.gaps.jpm")}
          value={gaps.jpm !== null ? f.percent(gaps.jpm, 2) : "–"}
          note={gaps.jpm_category ?? undefined}
        />
        <Stat label={t("asn.gaps.ikk")} value={gaps.ikk !== null ? f.percent(gaps.ikk, 2) : "–"} />
        <Stat label={t("asn.gaps.short")} value={t("asn.gaps.shortOf", { count: short, total: gaps.items.length })} />
      </dl>
      {gaps.missing.length > 0 && (
        <p className="text-warning">{t("asn.gaps.missing", { codes: gaps.missing.join(", ") })}</p>
      )}
      <div className="gaps-card__body">
        <Radar
          title={t("asn.gaps.chartTitle")}
          description={t("asn.gaps.chartDescription", { short, total: gaps.items.length })}
          requiredLabel={t("asn.gaps.required")}
          actualLabel={t("asn.gaps.actual")}
          axes={gaps.items.map((item) => ({
            key: item.competency_code,
            label: item.competency_code,
            name: item.name,
            required: item.required_level,
            actual: item.actual_level,
          }))}
        />
        <ScrollRegion className="gap-table__wrap" label={t("asn.gaps.tableCaption")}>
          <table className="gap-table">
            <caption className="visually-hidden">{t("asn.gaps.tableCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("asn.gaps.competency")}</th>
                <th scope="col" className="align-end">
                  {t("asn.gaps.requiredShort")}
                </th>
                <th scope="col" className="align-end">
                  {t("asn.gaps.actualShort")}
                </th>
                <th scope="col" className="align-end">
                  {t("asn.gaps.gap")}
                </th>
              </tr>
            </thead>
            <tbody>
              {gaps.items.map((item) => (
                <tr
                  key={item.competency_code}
                  className={item.gap !== null && item.gap < 0 ? "gap-table__short" : undefined}
                >
                  <th scope="row">
                    <span className="cell-main">{item.name}</span>
                    <span className="cell-sub">{item.competency_code}</span>
                  </th>
                  <td className="align-end">{item.required_level}</td>
                  <td className="align-end">{item.actual_level ?? t("asn.gaps.unrated")}</td>
                  <td className="align-end">{item.gap === null ? "–" : item.gap > 0 ? `+${item.gap}` : item.gap}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      </div>
    </div>
  );
}
