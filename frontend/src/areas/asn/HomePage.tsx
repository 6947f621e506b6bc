import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { asnProfile, jpSummary } from "../../api/queries/asn";
import { useMe } from "../../api/queries/auth";
import { asnJpRecapPdf } from "../../api/queries/reports";
import type { JpSummary } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Card, ProgressRing } from "../../ui";
import { ContactCard } from "./ContactCard";
import { GapsCard } from "./GapsCard";
import { PendingCard } from "./PendingCard";
import { PlanCard } from "./PlanCard";
import { Skeleton } from "./Skeleton";

/**
 * /saya: this year's JP against the target, pending claims, competency gaps against the position
 * standard, the development plan, and the ASN's own contact details.
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
          {summary.over_cap === true && <li className="text-warning">{t("asn.jpOverCap")}</li>}
        </ul>
      </div>
    </Card>
  );
}
