import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import {
  type AttendanceResult,
  type NominationRead,
  type SessionRead,
  sessionDetail,
  sessionNominations,
  useDecideNomination,
  useRecordAttendance,
} from "../../api/queries/sessions";
import { allUnits } from "../../api/queries/units";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { NotFound } from "../../shell/NotFound";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, Card, type Column, DataTable, Modal, Spinner, TextArea, useToast } from "../../ui";
import { CertificatesCard } from "./CertificatesCard";
import { attendanceOpen, indonesianToday, phaseOf } from "./model";
import { DateRange, NominationChip, PhaseChip, Seats, Where } from "./parts";
import "./sessions.css";

/**
 * /bpsdm/sesi/:id: one session with its seats; its nominations to accept or decline; the attendance
 * of the accepted nominees (each credited once, with the answer per NIP); and its certificates.
 */
export function SessionPage() {
  const { t } = useTranslation();
  const { sessionId } = useParams();
  const id = Number(sessionId);
  const valid = Number.isInteger(id) && id > 0;
  const detail = useQuery({ ...sessionDetail(id), enabled: valid, throwOnError: false });
  const title = detail.data
    ? t("sessions.sessionName", { title: detail.data.course_title, batch: detail.data.batch })
    : t("sessions.calendar.title");
  usePageTitle(title);
  if (!valid) return <NotFound />;

  return (
    <div className="page page--wide stack sessions-page">
      <Link to="/bpsdm/sesi" className="sessions-back">
        {t("sessions.back")}
      </Link>
      {detail.error && !detail.data ? (
        <ProblemAlert error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !detail.data ? (
        <Spinner />
      ) : (
        <SessionBody session={detail.data} />
      )}
    </div>
  );
}

function SessionBody({ session }: { session: SessionRead }) {
  const { t } = useTranslation();
  const can = useCan();
  const today = indonesianToday();
  const nominations = useQuery({ ...sessionNominations(session.id), throwOnError: false });
  return (
    <>
      <div className="sessions-heading">
        <h1>{t("sessions.sessionName", { title: session.course_title, batch: session.batch })}</h1>
        <PhaseChip phase={phaseOf(session, today)} />
      </div>
      <dl className="session-facts">
        <div>
          <dt>{t("sessions.col.dates")}</dt>
          <dd>
            <DateRange from={session.starts_on} to={session.ends_on} />
          </dd>
        </div>
        <div>
          <dt>{t("sessions.col.where")}</dt>
          <dd>
            <Where session={session} />
          </dd>
        </div>
        <div>
          <dt>{t("sessions.col.course")}</dt>
          <dd>{session.course_code}</dd>
        </div>
      </dl>
      <Card title={t("sessions.seatsTitle")}>
        <Seats session={session} />
      </Card>
      {nominations.error && !nominations.data ? (
        <ProblemAlert error={nominations.error} onRetry={() => void nominations.refetch()} />
      ) : !nominations.data ? (
        <Spinner />
      ) : (
        <>
          <NominationsCard session={session} nominations={nominations.data} />
          {can("course_sessions_attendance") && (
            <AttendanceCard session={session} nominations={nominations.data} today={today} />
          )}
        </>
      )}
      {can("certificates_list") && <CertificatesCard session={session} />}
    </>
  );
}

function NominationsCard({ session, nominations }: { session: SessionRead; nominations: NominationRead[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const toast = useToast();
  const decide = useDecideNomination();
  const [declining, setDeclining] = useState<NominationRead | null>(null);
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const unitName = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u.name])), [units.data]);
  const deciding = can("nominations_decide") && !session.cancelled;
  const pending = nominations.filter((n) => n.status === "nominated").length;

  function accept(n: NominationRead) {
    decide.mutate(
      { nominationId: n.id, decision: "accept" },
      { onSuccess: () => toast.show(t("sessions.decide.accepted", { name: n.name }), { tone: "success" }) },
    );
  }

  const columns: Column<NominationRead>[] = [
    {
      key: "name",
      header: t("sessions.col.nominee"),
      sortValue: (n) => n.name,
      cell: (n) => (
        <>
          <span className="cell-main">{n.name}</span>
          <span className="cell-sub">{n.nip}</span>
        </>
      ),
    },
    {
      key: "opd",
      header: t("sessions.col.opd"),
      sortValue: (n) => unitName.get(n.unit_id) ?? String(n.unit_id),
      cell: (n) => unitName.get(n.unit_id) ?? `#${n.unit_id}`,
    },
    {
      key: "status",
      header: t("sessions.col.status"),
      sortValue: (n) => n.status,
      cell: (n) => (
        <>
          <NominationChip status={n.status} />
          {n.decision_note && <span className="cell-sub">{n.decision_note}</span>}
        </>
      ),
    },
    {
      key: "nominated",
      header: t("sessions.col.nominatedAt"),
      sortValue: (n) => n.nominated_at,
      cell: (n) => (
        <>
          <span>{f.dateTime(n.nominated_at)}</span>
          <span className="cell-sub">{n.nominated_by}</span>
        </>
      ),
    },
  ];
  if (deciding)
    columns.push({
      key: "actions",
      header: t("sessions.col.actions"),
      cell: (n) =>
        n.status === "nominated" ? (
          <span className="sessions-actions">
            <Button
              onClick={() => accept(n)}
              busy={decide.isPending && decide.variables?.nominationId === n.id}
              aria-label={t("sessions.decide.acceptName", { name: n.name })}
            >
              {t("sessions.decide.accept")}
            </Button>
            <Button
              variant="secondary"
              onClick={() => setDeclining(n)}
              aria-label={t("sessions.decide.declineName", { name: n.name })}
            >
              {t("sessions.decide.decline")}
            </Button>
          </span>
        ) : null,
    });

  return (
    <Card title={t("sessions.nominations.title", { count: nominations.length })}>
      {pending > 0 && deciding && (
        <p className="sessions-note">{t("sessions.nominations.pending", { count: pending })}</p>
      )}
      {decide.error && !declining && <ProblemAlert error={decide.error} />}
      <div data-testid="session-nominations">
        <DataTable
          caption={t("sessions.nominations.caption")}
          columns={columns}
          rows={nominations}
          rowKey={(n) => n.id}
          empty={t("sessions.nominations.empty")}
        />
      </div>
      {declining && <DeclineDialog nomination={declining} onClose={() => setDeclining(null)} />}
    </Card>
  );
}

function DeclineDialog({ nomination, onClose }: { nomination: NominationRead; onClose: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const decide = useDecideNomination();
  const [note, setNote] = useState("");
  return (
    <Modal
      open
      title={t("sessions.decide.declineTitle", { name: nomination.name })}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t("sessions.cancel")}
          </Button>
          <Button
            variant="danger"
            busy={decide.isPending}
            onClick={() =>
              decide.mutate(
                { nominationId: nomination.id, decision: "decline", note: note.trim() },
                {
                  onSuccess: () => {
                    toast.show(t("sessions.decide.declined", { name: nomination.name }), { tone: "success" });
                    onClose();
                  },
                },
              )
            }
          >
            {t("sessions.decide.decline")}
          </Button>
        </>
      }
    >
      <div className="stack">
        <TextArea
          label={t("sessions.decide.note")}
          hint={t("sessions.decide.noteHint")}
          value={note}
          maxLength={1000}
          onChange={(event) => setNote(event.target.value)}
        />
        {decide.error && <ProblemAlert error={decide.error} />}
      </div>
    </Modal>
  );
}

type Outcome = { nip: string; name: string; kind: "credited" | "already" | "refused"; code?: string; detail?: string };

/** What the attendance answer means for each NIP sent: credited now, before, or not (and why). */
export function outcomes(sent: string[], before: NominationRead[], result: AttendanceResult): Outcome[] {
  const byNip = new Map(before.map((n) => [n.nip, n]));
  const refused = new Map(result.not_credited.map((r) => [r.nip, r]));
  return sent.map((nip) => {
    const name = byNip.get(nip)?.name ?? nip;
    const no = refused.get(nip);
    if (no) return { nip, name, kind: "refused", code: no.code, detail: no.detail };
    return { nip, name, kind: byNip.get(nip)?.record_id != null ? "already" : "credited" };
  });
}

function AttendanceCard({
  session,
  nominations,
  today,
}: {
  session: SessionRead;
  nominations: NominationRead[];
  today: string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const record = useRecordAttendance(session.id);
  const accepted = nominations.filter((n) => n.status === "accepted");
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const [answer, setAnswer] = useState<{ result: AttendanceResult; outcomes: Outcome[] } | null>(null);
  const open = attendanceOpen(session, today);
  const waiting = accepted.filter((n) => n.record_id === null);

  function submit() {
    const nips = accepted.filter((n) => ticked.has(n.nip)).map((n) => n.nip);
    const before = nominations;
    record.mutate(nips, {
      onSuccess: (result) => {
        setAnswer({ result, outcomes: outcomes(nips, before, result) });
        setTicked(new Set());
      },
    });
  }

  return (
    <Card title={t("sessions.attendance.title")}>
      {session.cancelled ? (
        <p className="sessions-note">{t("sessions.attendance.cancelled")}</p>
      ) : !open ? (
        <p className="sessions-note">{t("sessions.attendance.notYet", { date: f.date(session.ends_on) })}</p>
      ) : accepted.length === 0 ? (
        <p className="sessions-note">{t("sessions.attendance.none")}</p>
      ) : (
        <form
          className="stack"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <p className="sessions-note">{t("sessions.attendance.hint")}</p>
          <fieldset className="sessions-fieldset">
            <legend>{t("sessions.attendance.legend")}</legend>
            {waiting.length > 1 && (
              <Button
                variant="ghost"
                onClick={() =>
                  setTicked((now) => (now.size === waiting.length ? new Set() : new Set(waiting.map((n) => n.nip))))
                }
              >
                {ticked.size === waiting.length ? t("sessions.attendance.clear") : t("sessions.attendance.all")}
              </Button>
            )}
            <ul className="sessions-checklist">
              {accepted.map((n) => (
                <li key={n.id}>
                  <label className="sessions-check">
                    <input
                      type="checkbox"
                      checked={n.record_id !== null || ticked.has(n.nip)}
                      disabled={n.record_id !== null}
                      onChange={(event) =>
                        setTicked((now) => {
                          const next = new Set(now);
                          if (event.target.checked) next.add(n.nip);
                          else next.delete(n.nip);
                          return next;
                        })
                      }
                    />
                    <span>
                      <span className="cell-main">{n.name}</span>
                      <span className="cell-sub">
                        {n.nip}
                        {n.record_id !== null &&
                          ` · ${t("sessions.attendance.creditedOn", { date: f.dateTime(n.attended_at ?? "") })}`}
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <div>
            <Button type="submit" disabled={ticked.size === 0} busy={record.isPending} busyLabel={t("ui.saving")}>
              {t("sessions.attendance.submit", { count: ticked.size })}
            </Button>
          </div>
        </form>
      )}
      {record.error && <ProblemAlert error={record.error} />}
      {answer && <AttendanceAnswer result={answer.result} outcomes={answer.outcomes} />}
    </Card>
  );
}

const NOT_CREDITED = ["asn_not_found", "not_nominated", "nomination_not_accepted", "possible_duplicate"] as const;
type NotCreditedCode = (typeof NOT_CREDITED)[number];
const isNotCreditedCode = (code: string | undefined): code is NotCreditedCode =>
  NOT_CREDITED.includes(code as NotCreditedCode);

function AttendanceAnswer({ result, outcomes }: { result: AttendanceResult; outcomes: Outcome[] }) {
  const { t } = useTranslation();
  // Our words for the codes we know; the API's detail (in the UI language) says which and why.
  const refusal = (code: string | undefined, detail: string | undefined) => {
    const label = isNotCreditedCode(code) ? t(`sessions.attendance.refused.${code}`) : (code ?? "");
    return detail ? `${label} — ${detail}` : label;
  };
  return (
    <div className="stack" data-testid="attendance-result">
      <Alert tone={result.not_credited.length > 0 ? "warning" : "success"} title={t("sessions.attendance.resultTitle")}>
        <p>
          {t("sessions.attendance.summary", {
            credited: result.credited,
            already: result.already_credited,
            refused: result.not_credited.length,
          })}
        </p>
      </Alert>
      <ul className="sessions-results" aria-label={t("sessions.attendance.perNip")}>
        {outcomes.map((o) => (
          <li key={o.nip} className={`sessions-result sessions-result--${o.kind}`}>
            <span className="cell-main">
              {o.name} <span className="cell-sub">{o.nip}</span>
            </span>
            <span>{o.kind === "refused" ? refusal(o.code, o.detail) : t(`sessions.attendance.${o.kind}`)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
