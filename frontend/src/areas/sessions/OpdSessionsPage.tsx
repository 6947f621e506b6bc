import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../api/queries/auth";
import {
  type NominationRead,
  type SessionRead,
  sessionCalendar,
  sessionNominations,
  useWithdrawNomination,
} from "../../api/queries/sessions";
import { allUnits } from "../../api/queries/units";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Spinner, useToast } from "../../ui";
import { monthTitle } from "./CalendarPage";
import { byMonth, indonesianToday, monthOf, monthWindow, opdOf, phaseOf, seatsForOpd } from "./model";
import { NominateDialog } from "./NominateDialog";
import { DateRange, NominationChip, PhaseChip, Where } from "./parts";
import "./sessions.css";

/**
 * /opd/sesi: the sessions of the coming twelve months with the seats left (in all and for the admin's
 * OPD); "Usulkan peserta" proposes ASN from the ranked suggestions or by NIP, and each session shows
 * the OPD's own nominations with their status.
 */
export function OpdSessionsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("sessions.opd.title"));
  const today = indonesianToday();
  const { to } = monthWindow(monthOf(today), 12);
  const calendar = useQuery({ ...sessionCalendar(today, to), throwOnError: false });
  const me = useMe();
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const opdId = useMemo(() => opdOf(me.data?.unit_id, units.data ?? []), [me.data, units.data]);
  const opdName = units.data?.find((u) => u.id === opdId)?.name;
  const upcoming = (calendar.data ?? []).filter((s) => !s.cancelled && s.ends_on >= today);

  return (
    <div className="page page--wide stack sessions-page">
      <h1>{t("sessions.opd.title")}</h1>
      <p className="lead">{t("sessions.opd.lead")}</p>
      {calendar.error && !calendar.data ? (
        <ProblemAlert error={calendar.error} onRetry={() => void calendar.refetch()} />
      ) : !calendar.data || !units.data ? (
        <Spinner />
      ) : upcoming.length === 0 ? (
        <p className="sessions-empty">{t("sessions.opd.empty")}</p>
      ) : (
        <div className="stack" data-testid="opd-sessions">
          {byMonth(upcoming).map(({ month, sessions }) => (
            <section key={month} className="stack" aria-labelledby={`opd-month-${month}`}>
              <h2 id={`opd-month-${month}`}>{monthTitle(month, f.locale)}</h2>
              {sessions.map((s) => (
                <OpdSessionCard key={s.id} session={s} today={today} opdId={opdId} opdName={opdName} />
              ))}
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

function OpdSessionCard({
  session,
  today,
  opdId,
  opdName,
}: {
  session: SessionRead;
  today: string;
  opdId: number | null;
  opdName: string | undefined;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const [nominating, setNominating] = useState(false);
  const [showOwn, setShowOwn] = useState(false);
  const left = seatsForOpd(session, opdId);
  const reserved = session.unit_quota.find((u) => u.unit_id === opdId);
  const name = t("sessions.sessionName", { title: session.course_title, batch: session.batch });
  const ownId = `own-${session.id}`;

  return (
    <article className="card session-card" aria-label={name} data-testid={`opd-session-${session.id}`}>
      <header className="session-item__head">
        <h3 className="session-item__title">{name}</h3>
        <PhaseChip phase={phaseOf(session, today)} />
      </header>
      <p className="session-item__meta">
        <DateRange from={session.starts_on} to={session.ends_on} /> · <Where session={session} />
      </p>
      <dl className="session-figures">
        <div>
          <dt>{t("sessions.opd.seatsLeft")}</dt>
          <dd>{t("sessions.opd.ofQuota", { left: f.number(session.available), quota: f.number(session.quota) })}</dd>
        </div>
        <div>
          <dt>{opdName ? t("sessions.opd.seatsForNamed", { name: opdName }) : t("sessions.opd.seatsFor")}</dt>
          <dd data-testid="seats-for-opd">
            {f.number(left)}
            {reserved && (
              <span className="cell-sub">
                {t("sessions.opd.reserved", { taken: f.number(reserved.taken), quota: f.number(reserved.quota) })}
              </span>
            )}
          </dd>
        </div>
      </dl>
      <div className="sessions-actions">
        {can("nominations_create") && session.nominations_open && (
          <Button onClick={() => setNominating(true)} disabled={left === 0}>
            {t("sessions.nominate.open")}
          </Button>
        )}
        {!session.nominations_open && <span className="sessions-note">{t("sessions.opd.closed")}</span>}
        <Button variant="secondary" aria-expanded={showOwn} aria-controls={ownId} onClick={() => setShowOwn((v) => !v)}>
          {showOwn ? t("sessions.opd.hideOwn") : t("sessions.opd.showOwn")}
        </Button>
      </div>
      {showOwn && (
        <div id={ownId}>
          <OwnNominations session={session} />
        </div>
      )}
      {nominating && (
        <NominateDialog
          session={session}
          seatsLeft={left}
          onClose={() => setNominating(false)}
          onNominated={() => setShowOwn(true)}
        />
      )}
    </article>
  );
}

/** The OPD's nominations for a session, with their status; "Tarik" withdraws one before the session starts. */
function OwnNominations({ session }: { session: SessionRead }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const list = useQuery({ ...sessionNominations(session.id), throwOnError: false });
  const withdraw = useWithdrawNomination();
  const withdrawable = (n: NominationRead) =>
    can("nominations_withdraw") && session.nominations_open && (n.status === "nominated" || n.status === "accepted");

  if (list.error && !list.data) return <ProblemAlert error={list.error} onRetry={() => void list.refetch()} />;
  if (!list.data) return <Spinner />;
  if (list.data.length === 0) return <p className="sessions-note">{t("sessions.opd.noOwn")}</p>;
  return (
    <>
      {withdraw.error && <ProblemAlert error={withdraw.error} />}
      <ul className="sessions-own" aria-label={t("sessions.opd.ownList")}>
        {list.data.map((n) => (
          <li key={n.id} className="sessions-own__item">
            <span>
              <span className="cell-main">{n.name}</span>
              <span className="cell-sub">{n.nip}</span>
              {n.decision_note && <span className="cell-sub">{n.decision_note}</span>}
            </span>
            <span className="sessions-own__status">
              <NominationChip status={n.status} />
              {withdrawable(n) && (
                <Button
                  variant="ghost"
                  busy={withdraw.isPending && withdraw.variables?.nominationId === n.id}
                  aria-label={t("sessions.opd.withdrawName", { name: n.name })}
                  onClick={() =>
                    withdraw.mutate(
                      { nominationId: n.id },
                      {
                        onSuccess: () => toast.show(t("sessions.opd.withdrawn", { name: n.name }), { tone: "success" }),
                      },
                    )
                  }
                >
                  {t("sessions.opd.withdraw")}
                </Button>
              )}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
