// Pieces the BPSDM and OPD session pages share: a session's dates, place, seats and state, and a
// nomination's status chip.
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { NominationStatus, SessionRead } from "../../api/queries/sessions";
import { useFormat } from "../../i18n/format";
import { ProgressBar } from "../../ui";
import type { Phase } from "./model";

/** A nomination's status as a coloured chip with a word (never colour alone). */
export function NominationChip({ status }: { status: NominationStatus }) {
  const { t } = useTranslation();
  return <span className={`session-chip session-chip--${status}`}>{t(`sessions.status.${status}`)}</span>;
}

export function PhaseChip({ phase }: { phase: Phase }) {
  const { t } = useTranslation();
  return <span className={`session-chip session-chip--phase-${phase}`}>{t(`sessions.phase.${phase}`)}</span>;
}

/** "3 Agu 2026 – 7 Agu 2026" (one date for a one-day session). */
export function DateRange({ from, to }: { from: string; to: string }) {
  const f = useFormat();
  return <>{from === to ? f.date(from) : `${f.date(from)} – ${f.date(to)}`}</>;
}

/** Where the session is held: the place, the online link, or both. */
export function Where({ session }: { session: SessionRead }) {
  const { t } = useTranslation();
  const parts: ReactNode[] = [];
  if (session.place) parts.push(<span key="place">{session.place}</span>);
  if (session.online_url)
    parts.push(
      <a key="online" href={session.online_url} target="_blank" rel="noreferrer noopener">
        {t("sessions.online")}
      </a>,
    );
  return <span className="session-where">{parts.length === 2 ? [parts[0], " · ", parts[1]] : parts}</span>;
}

/** Seats taken of the quota, as a bar with the figures, and each OPD's reserved seats. */
export function Seats({ session, showUnits = true }: { session: SessionRead; showUnits?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const text = t("sessions.seatsTaken", { taken: f.number(session.taken), quota: f.number(session.quota) });
  return (
    <div className="session-seats">
      <ProgressBar value={session.taken} max={session.quota} label={t("sessions.seatsLabel")} valueText={text} />
      <span className="session-seats__text">{text}</span>
      {showUnits && session.unit_quota.length > 0 && (
        <ul className="session-unit-quotas" aria-label={t("sessions.unitQuotas")}>
          {session.unit_quota.map((u) => (
            <li key={u.unit_id}>
              {t("sessions.unitQuotaLine", { name: u.unit_name, taken: f.number(u.taken), quota: f.number(u.quota) })}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
