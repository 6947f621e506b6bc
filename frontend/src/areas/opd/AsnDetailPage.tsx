import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useLocation, useParams, useSearchParams } from "react-router";
import { asnLearningRecords, asnProfile, competencyGaps, jpSummary, useAsnPlacement } from "../../api/queries/asn";
import { learningFormNames } from "../../api/queries/reference";
import { asnJpRecapPdf } from "../../api/queries/reports";
import type { AsnRead, CompetencyGaps, GapActionCode, JpSummary, RecordRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  Alert,
  BarChart,
  Button,
  Card,
  type Column,
  DataTable,
  ProgressRing,
  ScrollRegion,
  Spinner,
  Stat,
} from "../../ui";
import { ACTION_SECTION, FIX_PARAM, isProfileAction } from "../completeness/figures";
import { ProfileDialog } from "./ProfileDialog";
import { TalentRecordsCard } from "./TalentRecordsCard";

const ACTIONS: readonly GapActionCode[] = [
  "fill_contact",
  "fill_education",
  "set_position",
  "define_standard",
  "record_assessment",
  "record_potential",
  "record_performance",
  "file_claim",
  "verify_claims",
];

/** The action a link from "Data yang belum lengkap" names (`?lengkapi=fill_contact`), if any. */
function useFixAction(): GapActionCode | null {
  const [params] = useSearchParams();
  const value = params.get(FIX_PARAM);
  return (ACTIONS as readonly string[]).includes(value ?? "") ? (value as GapActionCode) : null;
}

/** Where "Kembali" leads: the list the admin came from (router state), else the compliance page. */
function useBackLink(): { to: string; fromList: boolean } {
  const location = useLocation();
  const from = (location.state as { from?: unknown } | null)?.from;
  return typeof from === "string" && from.startsWith("/") && !from.startsWith("//")
    ? { to: from, fromList: true }
    : { to: "/opd/kepatuhan", fromList: false };
}

/** /opd/asn/:nip — one ASN as their OPD admin sees them: profile, this year's JP, records, gaps, talent. */
export function AsnDetailPage() {
  const { t } = useTranslation();
  const { nip = "" } = useParams();
  const profile = useQuery(asnProfile(nip));
  const name = profile.data?.profile.name;
  usePageTitle(name ?? t("opd.asnDetailTitle"));
  const year = new Date().getFullYear();

  const back = useBackLink();

  if (profile.error) {
    return (
      <div className="page opd-page">
        <h1>{t("opd.asnDetailTitle")}</h1>
        <ProblemAlert error={profile.error} />
        <p>
          <Link to={back.to}>{back.fromList ? t("opd.backToList") : t("opd.backToCompliance")}</Link>
        </p>
      </div>
    );
  }
  if (!profile.data) {
    return (
      <div className="page page--wide opd-page">
        <Spinner />
      </div>
    );
  }
  const asn = profile.data.profile;
  return <AsnDetail asn={asn} etag={profile.data.etag} year={year} />;
}

function AsnDetail({ asn, etag, year }: { asn: AsnRead; etag: string | null; year: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const back = useBackLink();
  const fix = useFixAction();
  const editable = can("asn_update");
  const [editing, setEditing] = useState(false);
  // Opened from "Data yang belum lengkap" for a profile field: the dialog opens by itself, once (as
  // soon as the role is known to allow the edit), and stays closed after the admin closes it.
  const [opened, setOpened] = useState(false);
  if (editable && isProfileAction(fix) && !opened) {
    setOpened(true);
    setEditing(true);
  }
  const { position, unit } = useAsnPlacement(asn);
  // The same query as the gaps card below: one request, and the standard named up front.
  const gaps = useQuery({ ...competencyGaps(asn.nip), throwOnError: false });
  const standard =
    gaps.data === undefined
      ? null
      : gaps.data.items.length === 0
        ? t("opd.placement.noStandard")
        : t("opd.placement.standard", {
            position: position?.name ?? t("opd.placement.thePosition"),
            count: gaps.data.items.length,
          });
  return (
    <div className="page page--wide opd-page">
      <p className="opd-back">
        <Link to={back.to}>{back.fromList ? t("opd.backToList") : t("opd.backToCompliance")}</Link>
      </p>
      <h1>{asn.name}</h1>
      <p className="lead">
        {t("opd.nipLine", { nip: asn.nip, type: asn.employment_type.toUpperCase(), golongan: asn.golongan ?? "–" })}
      </p>
      {fix && <FixNote action={fix} />}
      <div className="grid">
        <Card
          title={<span id="profil">{t("opd.profileTitle")}</span>}
          actions={
            editable ? (
              <Button variant="secondary" onClick={() => setEditing(true)}>
                {t("opd.profileEdit.open")}
              </Button>
            ) : undefined
          }
        >
          <dl className="opd-facts" data-testid="asn-placement">
            <Fact
              label={t("opd.placement.position")}
              value={asn.position_id === null ? t("opd.placement.noPosition") : (position?.name ?? "…")}
            />
            <Fact label={t("opd.placement.unit")} value={unit?.name ?? "…"} />
            {standard && <Fact label={t("opd.placement.standardLabel")} value={standard} />}
            <Fact label={t("opd.email")} value={asn.email} />
            <Fact label={t("opd.phone")} value={asn.phone} />
            <Fact label={t("opd.education")} value={asn.education_level} />
            <Fact label={t("opd.active")} value={asn.active ? t("opd.yes") : t("opd.no")} />
          </dl>
        </Card>
        <JpCard nip={asn.nip} year={year} />
      </div>
      <RecordsCard nip={asn.nip} year={year} />
      <div id="kompetensi">
        <GapsCard nip={asn.nip} />
      </div>
      <div id="talenta">
        <TalentRecordsCard nip={asn.nip} year={year} />
      </div>
      {editing && (
        <ProfileDialog
          asn={asn}
          etag={etag}
          focus={isProfileAction(fix) ? fix : undefined}
          onClose={() => setEditing(false)}
        />
      )}
    </div>
  );
}

/**
 * What the link from "Data yang belum lengkap" came to do, and where on the page it is done: the
 * section it names is scrolled into view (a profile field opens the dialog instead).
 */
function FixNote({ action }: { action: GapActionCode }) {
  const { t } = useTranslation();
  const section = ACTION_SECTION[action];
  useEffect(() => {
    if (section) document.getElementById(section)?.scrollIntoView?.({ block: "start" });
  }, [section]);
  return (
    <Alert tone="info" title={t("opd.fix.title")}>
      <p>{t(`completeness.action.${action}`)}</p>
      <p className="cell-sub">{t(`opd.fix.where.${action}`)}</p>
    </Alert>
  );
}

function Fact({ label, value }: { label: string; value: string | null }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value || "–"}</dd>
    </div>
  );
}

function JpCard({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const summary = useQuery(jpSummary(nip, year));
  return (
    <Card
      title={t("opd.jpTitle", { year })}
      actions={
        <DownloadButton request={() => asnJpRecapPdf(nip, year)} fallbackName={`rekap-jp-${nip}-${year}.pdf`}>
          {t("opd.printRecap")}
        </DownloadButton>
      }
    >
      {summary.data ? <JpFigures summary={summary.data} /> : <Spinner />}
    </Card>
  );
}

function JpFigures({ summary }: { summary: JpSummary }) {
  const { t } = useTranslation();
  const f = useFormat();
  const pppk = summary.employment_type === "pppk";
  const max = (pppk ? summary.cap_jp : summary.target_jp) ?? 0;
  return (
    <div className="opd-jp">
      {summary.over_cap === true && (
        <Alert tone="warning" title={t("opd.overCapTitle")}>
          {t("opd.overCapNote", { cap: f.number(summary.cap_jp ?? 0) })}
        </Alert>
      )}
      <ProgressRing
        value={summary.verified_jp}
        max={max}
        size={128}
        label={t("opd.jpRingLabel", { year: summary.year })}
        valueText={t("opd.jpOf", { jp: f.number(summary.verified_jp), max: f.number(max) })}
        centerLabel={f.number(summary.verified_jp)}
        caption={t(pppk ? "opd.capOf" : "opd.targetOf", { jp: f.number(max) })}
        warning={summary.over_cap === true}
      />
      <dl className="opd-facts">
        <Stat label={t("opd.pendingJp")} value={f.number(summary.pending_jp)} />
        {pppk ? (
          <Stat
            label={t("opd.overCap")}
            value={summary.over_cap ? t("opd.yes") : t("opd.no")}
            note={summary.over_cap ? t("opd.overCapNote", { cap: f.number(summary.cap_jp ?? 0) }) : undefined}
          />
        ) : (
          <Stat
            label={t("opd.remainingJp")}
            value={f.number(summary.remaining_jp ?? 0)}
            note={summary.compliant ? t("opd.isCompliant") : t("opd.notCompliant")}
          />
        )}
      </dl>
    </div>
  );
}

function RecordsCard({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const records = useQuery(asnLearningRecords(nip, { year, limit: 200 }));
  const formNames = useQuery(learningFormNames());
  const columns: Column<RecordRead>[] = [
    {
      key: "title",
      header: t("opd.colTitle"),
      sortValue: (r) => r.title,
      cell: (r) => (
        <>
          <span className="cell-main">{r.title}</span>
          {r.organizer && <span className="cell-sub">{r.organizer}</span>}
        </>
      ),
    },
    { key: "form", header: t("opd.colForm"), cell: (r) => formNames.data?.get(r.form_code) ?? r.form_code },
    { key: "dates", header: t("opd.colDates"), sortValue: (r) => r.end_date, cell: (r) => f.date(r.end_date) },
    { key: "jp", header: t("opd.colJp"), align: "end", sortValue: (r) => r.jp, cell: (r) => f.number(r.jp) },
    {
      key: "status",
      header: t("opd.status"),
      sortValue: (r) => r.status,
      cell: (r) => <span className={`opd-status opd-status--${r.status}`}>{t(`opd.statuses.${r.status}`)}</span>,
    },
  ];
  return (
    <Card title={t("opd.recordsTitle", { year })}>
      {records.error ? (
        <ProblemAlert error={records.error} />
      ) : !records.data ? (
        <Spinner />
      ) : (
        <DataTable
          caption={t("opd.recordsTitle", { year })}
          columns={columns}
          rows={records.data.items}
          rowKey={(r) => r.id}
          empty={t("opd.noRecords")}
        />
      )}
    </Card>
  );
}

function GapsCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const gaps = useQuery(competencyGaps(nip));
  return (
    <Card title={t("opd.gapsTitle")}>
      {gaps.error ? <ProblemAlert error={gaps.error} /> : !gaps.data ? <Spinner /> : <Gaps gaps={gaps.data} />}
    </Card>
  );
}

function Gaps({ gaps }: { gaps: CompetencyGaps }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (gaps.items.length === 0) return <Alert>{t("opd.noStandard")}</Alert>;
  const short = gaps.items.filter((item) => item.gap !== null && item.gap < 0);
  return (
    <>
      <dl className="stats">
        <Stat
          label={t("opd.jpm")}
          value={gaps.jpm === null ? "–" : f.percent(gaps.jpm)}
          note={gaps.jpm_category ?? undefined}
        />
        <Stat
          label={t("opd.belowStandard")}
          value={f.number(short.length)}
          note={t("opd.ofCompetencies", { count: gaps.items.length })}
        />
      </dl>
      <BarChart
        title={t("opd.gapsChart")}
        data={gaps.items.map((item) => ({
          key: item.competency_code,
          label: `${item.name} (${item.competency_code})`,
          value: item.actual_level ?? 0,
        }))}
        max={5}
        formatValue={(value) => t("opd.levelOf", { level: f.number(value) })}
      />
      <ScrollRegion className="opd-gaps-scroll" label={t("opd.gapsTable")}>
        <table className="opd-gaps">
          <caption className="visually-hidden">{t("opd.gapsTable")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("opd.competency")}</th>
              <th scope="col" className="align-end">
                {t("opd.required")}
              </th>
              <th scope="col" className="align-end">
                {t("opd.actual")}
              </th>
              <th scope="col" className="align-end">
                {t("opd.gap")}
              </th>
            </tr>
          </thead>
          <tbody>
            {gaps.items.map((item) => (
              <tr key={item.competency_code}>
                <th scope="row">
                  {item.name} <span className="cell-sub">{item.competency_code}</span>
                </th>
                <td className="align-end">{item.required_level}</td>
                <td className="align-end">{item.actual_level ?? "–"}</td>
                <td className={item.gap !== null && item.gap < 0 ? "align-end text-warning" : "align-end"}>
                  {item.gap === null ? t("opd.unrated") : item.gap > 0 ? `+${item.gap}` : item.gap}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </>
  );
}
