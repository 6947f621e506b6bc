import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { type SessionRead, sessionCalendar } from "../../api/queries/sessions";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Spinner } from "../../ui";
import { CreateSessionDialog } from "./CreateSessionDialog";
import { byMonth, indonesianToday, monthOf, monthWindow, phaseOf } from "./model";
import { DateRange, PhaseChip, Seats, Where } from "./parts";
import "./sessions.css";

const MONTHS = 4;

/** "Agustus 2026" for "2026-08". */
export function monthTitle(month: string, locale: string): string {
  const [year, m] = month.split("-").map(Number);
  return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric" }).format(new Date(year, m - 1, 1));
}

/**
 * /bpsdm/sesi: the course calendar, four months at a time from last month, sessions grouped by the
 * month they start in, each with its seats taken and the seats reserved for OPDs; "Buat angkatan"
 * schedules a new one.
 */
export function CalendarPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const navigate = useNavigate();
  usePageTitle(t("sessions.calendar.title"));
  const today = indonesianToday();
  const [start, setStart] = useState(() => monthOf(today, -1));
  const [creating, setCreating] = useState(false);
  const { from, to } = monthWindow(start, MONTHS);
  const calendar = useQuery({ ...sessionCalendar(from, to), throwOnError: false, placeholderData: keepPreviousData });
  const last = monthOf(`${start}-01`, MONTHS - 1);

  return (
    <div className="page page--wide stack sessions-page">
      <div className="sessions-heading">
        <h1>{t("sessions.calendar.title")}</h1>
        {can("course_sessions_create") && (
          <Button onClick={() => setCreating(true)}>{t("sessions.create.open")}</Button>
        )}
      </div>
      <p className="lead">{t("sessions.calendar.lead")}</p>
      <nav className="sessions-period" aria-label={t("sessions.calendar.period")}>
        <Button variant="secondary" onClick={() => setStart((m) => monthOf(`${m}-01`, -1))}>
          {t("sessions.calendar.previous")}
        </Button>
        <p className="sessions-period__label" aria-live="polite">
          {t("sessions.calendar.range", { from: monthTitle(start, f.locale), to: monthTitle(last, f.locale) })}
        </p>
        <Button variant="secondary" onClick={() => setStart((m) => monthOf(`${m}-01`, 1))}>
          {t("sessions.calendar.next")}
        </Button>
      </nav>
      {calendar.error && !calendar.data ? (
        <ProblemAlert error={calendar.error} onRetry={() => void calendar.refetch()} />
      ) : !calendar.data ? (
        <Spinner />
      ) : calendar.data.length === 0 ? (
        <p className="sessions-empty">{t("sessions.calendar.empty")}</p>
      ) : (
        <div className="stack" data-testid="session-calendar" aria-busy={calendar.isFetching || undefined}>
          {byMonth(calendar.data).map(({ month, sessions }) => (
            <section key={month} className="card" aria-labelledby={`month-${month}`}>
              <h2 id={`month-${month}`} className="card__title">
                {monthTitle(month, f.locale)}
              </h2>
              <ul className="session-list">
                {sessions.map((s) => (
                  <CalendarItem key={s.id} session={s} today={today} />
                ))}
              </ul>
            </section>
          ))}
        </div>
      )}
      {creating && (
        <CreateSessionDialog
          onClose={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            void navigate(`/bpsdm/sesi/${created.id}`);
          }}
        />
      )}
    </div>
  );
}

function CalendarItem({ session, today }: { session: SessionRead; today: string }) {
  const { t } = useTranslation();
  return (
    <li className="session-item" data-testid={`session-${session.id}`}>
      <div className="session-item__head">
        <Link className="session-item__title" to={`/bpsdm/sesi/${session.id}`}>
          {t("sessions.sessionName", { title: session.course_title, batch: session.batch })}
        </Link>
        <PhaseChip phase={phaseOf(session, today)} />
      </div>
      <p className="session-item__meta">
        <DateRange from={session.starts_on} to={session.ends_on} /> · <Where session={session} />
      </p>
      <Seats session={session} />
    </li>
  );
}
