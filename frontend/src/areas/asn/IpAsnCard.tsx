import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import { jpSummary } from "../../api/queries/asn";
import { type IpAsnRead, ipAsn } from "../../api/queries/ipAsn";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card, ProgressBar } from "../../ui";
import "./ipAsn.css";
import { Skeleton } from "./Skeleton";

const DIMENSIONS = ["kualifikasi", "kompetensi", "kinerja", "disiplin"] as const;
type DimensionCode = (typeof DIMENSIONS)[number];
const isDimension = (code: string): code is DimensionCode => (DIMENSIONS as readonly string[]).includes(code);

/**
 * The PNS's Indeks Profesionalitas ASN: the total of 100 and its category, the four dimensions as
 * bars, and the missing indicators as steps with the points each would add. A PPPK is not measured,
 * so nothing is shown to them: not from the profile when it is known, nor on the API's 422.
 *
 * The JP ring is the page's first figure (bench/spa_home.py times it), so this card asks only once
 * the JP summary has answered: its request never competes with the ring's.
 */
export function IpAsnCard({ nip, employmentType }: { nip: string; employmentType: string | undefined }) {
  const { t } = useTranslation();
  const measured = employmentType !== undefined && employmentType !== "pppk";
  const jp = useQuery({ ...jpSummary(nip), throwOnError: false });
  const ip = useQuery({ ...ipAsn(nip), enabled: measured && jp.status !== "pending", throwOnError: false });
  if (!measured || ip.data === null) return null;
  return (
    <div className="home-wide">
      {ip.data ? (
        <IpAsnView ip={ip.data} />
      ) : (
        <Card title={t("asn.ipAsn.title")} className="ip-card">
          {ip.error ? (
            <ProblemAlert error={ip.error} onRetry={() => void ip.refetch()} />
          ) : (
            <Skeleton lines={5} label={t("asn.ipAsn.loading")} />
          )}
        </Card>
      )}
    </div>
  );
}

export function IpAsnView({ ip }: { ip: IpAsnRead }) {
  const { t } = useTranslation();
  const f = useFormat();
  const adviceId = useId();
  const dimensionName = (code: string) => (isDimension(code) ? t(`asn.ipAsn.dimension.${code}`) : code);
  return (
    <Card title={t("asn.ipAsn.titleYear", { year: ip.year })} className="ip-card">
      <div className="ip-card__body">
        <div className="ip-card__score">
          <p className="ip-card__total" data-testid="ip-asn-total">
            <span className="ip-card__figure">{f.number(ip.total)}</span>{" "}
            <span className="ip-card__of">{t("asn.ipAsn.of100")}</span>
          </p>
          <p className="ip-card__category">
            {t("asn.ipAsn.category")}{" "}
            <strong className="ip-card__chip" data-testid="ip-asn-category">
              {ip.category}
            </strong>
          </p>
          <ul className="ip-card__dimensions" aria-label={t("asn.ipAsn.dimensionsLabel")}>
            {ip.dimensions.map((dimension) => {
              const name = dimensionName(dimension.code);
              const score = t("asn.ipAsn.scoreOf", { score: f.number(dimension.score), max: f.number(dimension.max) });
              return (
                <li key={dimension.code} className="ip-card__dimension" data-testid={`ip-dimension-${dimension.code}`}>
                  <span className="ip-card__dimension-name">{name}</span>
                  <ProgressBar value={dimension.score} max={dimension.max} label={name} valueText={score} />
                  <span className="ip-card__dimension-score">{score}</span>
                </li>
              );
            })}
          </ul>
          <details className="ip-card__details">
            <summary>{t("asn.ipAsn.details")}</summary>
            <dl>
              {ip.dimensions.flatMap((dimension) =>
                dimension.indicators.map((indicator) => (
                  <div key={`${dimension.code}-${indicator.code}`}>
                    <dt>{indicator.label}</dt>
                    <dd>
                      {t("asn.ipAsn.scoreOf", { score: f.number(indicator.points), max: f.number(indicator.max) })}
                    </dd>
                  </div>
                )),
              )}
            </dl>
          </details>
        </div>
        <section className="ip-card__advice" aria-labelledby={adviceId}>
          <h3 id={adviceId} className="ip-card__advice-title">
            {t("asn.ipAsn.improveTitle")}
          </h3>
          {ip.how_to_improve.length === 0 ? (
            <p className="empty-note">{t("asn.ipAsn.allMet")}</p>
          ) : (
            <ul data-testid="ip-asn-advice">
              {ip.how_to_improve.map((step) => (
                <li key={step.indicator}>
                  {step.action}:{" "}
                  <strong className="ip-card__gain">{t("asn.ipAsn.gain", { points: f.number(step.points) })}</strong>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </Card>
  );
}
