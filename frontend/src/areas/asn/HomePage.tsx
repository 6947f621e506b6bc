import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { asnProfile, jpSummary, useAsnPlacement } from "../../api/queries/asn";
import { useMe } from "../../api/queries/auth";
import { asnJpRecapPdf } from "../../api/queries/reports";
import type { AsnRead, JpSummary } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Card, ProgressRing } from "../../ui";
import { ContactCard } from "./ContactCard";
import { GapsCard } from "./GapsCard";
import { useCompetencyGaps } from "./hooks";
import { IpAsnCard } from "./IpAsnCard";
import { PendingCard } from "./PendingCard";
import { PlanCard } from "./PlanCard";
import { Skeleton } from "./Skeleton";

/**
 * /saya: this year's JP against the target, pending claims, the Indeks Profesionalitas ASN (PNS only),
 * competency gaps against the position standard, the development plan, and the ASN's own contact details.
 */
export function HomePage() {
  const { t } = useTranslation();
  usePageTitle(t("asn.homeTitle"));
  const { data: me } = useMe();
  const nip = me?.nip;
  const profile = useQuery(asnProfile(nip));
  if (!nip) {
    return (
      <div className="page">
        <h1>{t("asn.homeTitle")}</h1>
        <Alert tone="warning">{t("asn.noNip")}</Alert>
      </div>
    );
  }
  return (
    <div className="page page--wide">
      <h1>{profile.data ? t("asn.greeting", { name: profile.data.profile.name }) : t("asn.homeTitle")}</h1>
      {profile.data && <Placement asn={profile.data.profile} />}
      <div className="home-actions">
        <Link className="btn btn--primary" to="/saya/klaim">
          {t("asn.newClaim")}
        </Link>
        <Link className="btn btn--secondary" to="/saya/riwayat">
          {t("asn.records.title")}
        </Link>
      </div>
      <div className="grid">
        <JpCard nip={nip} />
        <PendingCard nip={nip} />
      </div>
      <IpAsnCard nip={nip} employmentType={profile.data?.profile.employment_type} />
      <div className="home-wide">
        <GapsCard nip={nip} />
      </div>
      <div className="grid">
        <PlanCard nip={nip} />
        <ContactCard nip={nip} />
      </div>
    </div>
  );
}

/** Who the page is about: jabatan, unit kerja, and the standard the competencies are measured against. */
function Placement({ asn }: { asn: AsnRead }) {
  const { t } = useTranslation();
  const { position, unit } = useAsnPlacement(asn);
  const gaps = useCompetencyGaps(asn.nip);
  const standard =
    gaps.data === undefined
      ? null
      : gaps.data.items.length === 0
        ? t("asn.placement.noStandard")
        : t("asn.placement.standard", {
            position: position?.name ?? t("asn.placement.thePosition"),
            count: gaps.data.items.length,
          });
  return (
    <dl className="asn-placement" data-testid="asn-placement">
      <div>
        <dt>{t("asn.placement.position")}</dt>
        <dd>{asn.position_id === null ? t("asn.placement.noPosition") : (position?.name ?? "…")}</dd>
      </div>
      <div>
        <dt>{t("asn.placement.unit")}</dt>
        <dd>{unit?.name ?? "…"}</dd>
      </div>
      {standard && (
        <div>
          <dt>{t("asn.placement.standardLabel")}</dt>
          <dd>{standard}</dd>
        </div>
      )}
    </dl>
  );
}

function JpCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const summary = useQuery(jpSummary(nip));
  if (!summary.data) {
    return (
      <Card title={t("asn.jpTitle", { year: new Date().getFullYear() })}>
        <Skeleton lines={4} label={t("app.loading")} />
      </Card>
    );
  }
  return <JpProgress summary={summary.data} />;
}

function JpProgress({ summary }: { summary: JpSummary }) {
  const { t } = useTranslation();
  const f = useFormat();
  // PNS/CPNS work towards a yearly minimum; PPPK have a cap instead.
  const limit = summary.target_jp ?? summary.cap_jp ?? 0;
  const value = f.number(summary.verified_jp);
  return (
    <Card
      title={t("asn.jpTitle", { year: summary.year })}
      className="jp-card"
      actions={
        <DownloadButton
          request={() => asnJpRecapPdf(summary.nip, summary.year)}
          fallbackName={`rekap-jp-${summary.nip}-${summary.year}.pdf`}
        >
          {t("asn.printRecap")}
        </DownloadButton>
      }
    >
      <div className="jp-card__body">
        <ProgressRing
          value={summary.verified_jp}
          max={limit}
          label={t("asn.jpTitle", { year: summary.year })}
          valueText={t("asn.jpRing", { value, target: f.number(limit) })}
          centerLabel={value}
          caption={`/ ${f.number(limit)} JP`}
          warning={summary.over_cap === true}
        />
        <ul className="jp-card__facts">
          <li>
            {summary.target_jp !== null
              ? t("asn.jpOfTarget", { value, target: f.number(summary.target_jp) })
              : t("asn.jpOfCap", { value, cap: f.number(summary.cap_jp ?? 0) })}
          </li>
          {summary.pending_jp > 0 && <li>{t("asn.jpPending", { value: f.number(summary.pending_jp) })}</li>}
          {summary.compliant === true && <li className="text-success">{t("asn.jpCompliant")}</li>}
          {summary.compliant === false && (
            <li className="text-warning">{t("asn.jpRemaining", { value: f.number(summary.remaining_jp ?? 0) })}</li>
          )}
          {summary.over_cap === true && (
            <li className="text-warning" data-testid="jp-over-cap">
              <strong>{t("asn.jpOverCap")}</strong> {t("asn.jpOverCapNote", { cap: f.number(summary.cap_jp ?? 0) })}
            </li>
          )}
        </ul>
      </div>
    </Card>
  );
}
