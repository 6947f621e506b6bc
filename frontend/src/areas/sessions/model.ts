// What the sessions pages compute from the API's answers: Indonesia's date, the calendar's months and
// the seats an OPD may still take.
import type { NominationRead, SessionRead } from "../../api/queries/sessions";
import type { UnitRead } from "../../api/types";

/** The date "YYYY-MM-DD" in Indonesia's easternmost zone (WIT, UTC+9), as the API judges "today". */
export function indonesianToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** "YYYY-MM" of a date, or of the month `shift` months later. */
export function monthOf(day: string, shift = 0): string {
  const [year, month] = day.split("-").map(Number);
  const index = year * 12 + (month - 1) + shift;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** The first and the last day of `months` months from `month` ("YYYY-MM"). */
export function monthWindow(month: string, months: number): { from: string; to: string } {
  const [year, m] = monthOf(`${month}-01`, months).split("-").map(Number);
  const last = new Date(Date.UTC(year, m - 1, 0)).toISOString().slice(0, 10);
  return { from: `${month}-01`, to: last };
}

/** Sessions grouped by the month they start in, in date order. */
export function byMonth(sessions: SessionRead[]): Array<{ month: string; sessions: SessionRead[] }> {
  const groups = new Map<string, SessionRead[]>();
  for (const s of [...sessions].sort((a, b) => a.starts_on.localeCompare(b.starts_on) || a.id - b.id)) {
    const month = s.starts_on.slice(0, 7);
    groups.set(month, [...(groups.get(month) ?? []), s]);
  }
  return [...groups].map(([month, list]) => ({ month, sessions: list }));
}

export type Phase = "cancelled" | "open" | "closed" | "running" | "ended";

/** Where a session stands today: nominations open, closed (the day before it starts), running, ended. */
export function phaseOf(session: SessionRead, today: string): Phase {
  if (session.cancelled) return "cancelled";
  if (session.nominations_open) return "open";
  if (today > session.ends_on) return "ended";
  if (today >= session.starts_on) return "running";
  return "closed";
}

/** Attendance is taken from the session's last day on. */
export function attendanceOpen(session: SessionRead, today: string): boolean {
  return !session.cancelled && today >= session.ends_on;
}

/**
 * The seats an OPD may still take: its own reserved seats when it has a unit quota, else what the
 * OPDs without one share (quota − Σ unit quotas, less what they hold); never more than the session's.
 */
export function seatsForOpd(session: SessionRead, opdId: number | null): number {
  if (opdId === null) return session.available;
  const own = session.unit_quota.find((u) => u.unit_id === opdId);
  if (own) return Math.max(0, Math.min(session.available, own.quota - own.taken));
  const reserved = session.unit_quota.reduce((sum, u) => sum + u.quota, 0);
  const reservedTaken = session.unit_quota.reduce((sum, u) => sum + u.taken, 0);
  const shared = session.quota - reserved - (session.taken - reservedTaken);
  return Math.max(0, Math.min(session.available, shared));
}

/** The top-level unit (the OPD) a unit belongs to, walking up the units known. */
export function opdOf(unitId: number | null | undefined, units: UnitRead[]): number | null {
  if (unitId == null) return null;
  const parent = new Map(units.map((u) => [u.id, u.parent_id]));
  let current = unitId;
  for (let guard = 0; guard < 64; guard++) {
    const up = parent.get(current);
    if (up == null) return current;
    current = up;
  }
  return current;
}

/** The nominations holding a seat. */
export const holdsSeat = (n: NominationRead) => n.status === "nominated" || n.status === "accepted";
