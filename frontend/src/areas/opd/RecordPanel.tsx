import { useQuery } from "@tanstack/react-query";
import { type RefObject, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { asnProfile } from "../../api/queries/asn";
import { useMe } from "../../api/queries/auth";
import { publicCertificate } from "../../api/queries/certificates";
import { learningRecord } from "../../api/queries/learningRecords";
import { learningFormNames } from "../../api/queries/reference";
import { recordHistory, useVerify } from "../../api/queries/verification";
import type { RecordDetail } from "../../api/types";
import { isRole } from "../../auth/roles";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, Modal, Spinner } from "../../ui";
import { canDecide, canReadHistory } from "./bulk";
import { EvidencePreview } from "./EvidencePreview";

export interface RecordPanelProps {
  recordId: number | null;
  onClose: () => void;
  /** After a decision was saved ("approve" or "reject"). */
  onDecided: (decision: "approve" | "reject", title: string) => void;
}

/**
 * One claim in a dialog: the details, approve / reject, then the certificate. "Setujui" has the focus
 * when it opens (Enter approves a claim with evidence; one without asks "Setujui tanpa bukti?" first);
 * rejecting needs a reason, asked for in the same dialog, above the preview so it is never scrolled
 * away. The auditor gets no decision controls; auditors and BPSDM see the claim's audit history.
 */
export function RecordPanel({ recordId, onClose, onDecided }: RecordPanelProps) {
  const { t } = useTranslation();
  const record = useQuery(learningRecord(recordId));
  const { data: me } = useMe();
  const approveRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      open={recordId !== null}
      onClose={onClose}
      title={record.data?.title ?? t("opd.detailTitle")}
      initialFocus={approveRef}
    >
      {record.error ? (
        <ProblemAlert error={record.error} />
      ) : !record.data ? (
        <Spinner />
      ) : (
        <RecordBody
          key={record.data.id}
          record={record.data}
          role={me?.role}
          approveRef={approveRef}
          onDecided={onDecided}
        />
      )}
    </Modal>
  );
}

function RecordBody({
  record,
  role,
  approveRef,
  onDecided,
}: {
  record: RecordDetail;
  role: string | undefined;
  approveRef: RefObject<HTMLButtonElement | null>;
  onDecided: RecordPanelProps["onDecided"];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const formNames = useQuery(learningFormNames());
  // Who filed the claim by name; without the profile (still loading, or refused) the NIP says it.
  const asn = useQuery({ ...asnProfile(record.nip), throwOnError: false, retry: false });
  const asnName = asn.data?.profile.name;
  const verify = useVerify();
  const noteId = useId();
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const [note, setNote] = useState("");
  const [rejecting, setRejecting] = useState(false);
  const [noteMissing, setNoteMissing] = useState(false);
  // A claim without evidence: "Setujui" first asks, and only the answer approves.
  const [confirmingBare, setConfirmingBare] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const pending = record.status === "pending";
  const decides = pending && canDecide(role);
  // The dialog opened before the record had loaded; now that "Setujui" exists it takes the focus.
  useEffect(() => approveRef.current?.focus(), [approveRef]);

  function decide(decision: "approve" | "reject", withoutEvidence = false) {
    if (decision === "approve" && !record.evidence && !withoutEvidence) {
      setConfirmingBare(true);
      requestAnimationFrame(() => confirmRef.current?.focus());
      return;
    }
    if (decision === "reject" && !note.trim()) {
      setRejecting(true);
      setNoteMissing(true);
      // The field appears with this render; focus it on the next frame.
      requestAnimationFrame(() => noteRef.current?.focus());
      return;
    }
    verify.mutate(
      { id: record.id, nip: record.nip, decision: { decision, note: note.trim() || null } },
      { onSuccess: () => onDecided(decision, record.title) },
    );
  }

  const formName = formNames.data?.get(record.form_code);
  return (
    <div className="opd-record">
      <dl className="opd-record__facts">
        <div>
          <dt>{t("opd.colAsn")}</dt>
          <dd data-testid="record-asn">
            <Link to={`/opd/asn/${record.nip}`}>{asnName ?? record.nip}</Link>
            {asnName && <span className="cell-sub">{t("opd.nipOf", { nip: record.nip })}</span>}
          </dd>
        </div>
        <div>
          <dt>{t("opd.colForm")}</dt>
          <dd>{formName ? `${formName} (${record.form_code})` : record.form_code}</dd>
        </div>
        <div>
          <dt>{t("opd.colDates")}</dt>
          <dd>
            {record.start_date === record.end_date
              ? f.date(record.start_date)
              : `${f.date(record.start_date)} – ${f.date(record.end_date)}`}
          </dd>
        </div>
        <div>
          <dt>{t("opd.colJp")}</dt>
          <dd>
            {f.number(record.jp)}
            {record.jp_claimed != null && record.jp_claimed !== record.jp && (
              <span className="cell-sub">{t("opd.jpClaimed", { jp: f.number(record.jp_claimed) })}</span>
            )}
          </dd>
        </div>
        {record.organizer && (
          <div>
            <dt>{t("opd.organizer")}</dt>
            <dd>{record.organizer}</dd>
          </div>
        )}
        {record.certificate_number && (
          <div>
            <dt>{t("opd.certificate")}</dt>
            <dd>
              {record.certificate_number}
              <BpsdmCertificate number={record.certificate_number} holder={asnName} />
            </dd>
          </div>
        )}
        <div>
          <dt>{t("opd.colSubmitted")}</dt>
          <dd>{f.dateTime(record.created_at)}</dd>
        </div>
        <div>
          <dt>{t("opd.status")}</dt>
          <dd>{t(`opd.statuses.${record.status}`)}</dd>
        </div>
      </dl>

      {decides ? (
        <div className="opd-record__decide">
          {(rejecting || note) && (
            <div className={noteMissing ? "field field--invalid" : "field"}>
              <label className="field__label" htmlFor={noteId}>
                {t("opd.rejectReason")}
              </label>
              <textarea
                id={noteId}
                ref={noteRef}
                className="input"
                rows={2}
                maxLength={2000}
                value={note}
                aria-invalid={noteMissing || undefined}
                aria-describedby={noteMissing ? `${noteId}-error` : undefined}
                onChange={(event) => {
                  setNote(event.target.value);
                  if (event.target.value.trim()) setNoteMissing(false);
                }}
              />
              {noteMissing && (
                <p id={`${noteId}-error`} className="field__error">
                  {t("opd.rejectReasonRequired")}
                </p>
              )}
            </div>
          )}
          {verify.error && <ProblemAlert error={verify.error} />}
          {confirmingBare ? (
            <div className="opd-record__confirm" aria-live="polite">
              <p className="opd-record__confirm-question">
                <strong>{t("opd.bareQuestion")}</strong> {t("opd.bareExplain")}
              </p>
              <div className="opd-record__buttons">
                <button
                  ref={confirmRef}
                  type="button"
                  className="btn btn--primary"
                  disabled={verify.isPending}
                  aria-busy={verify.isPending || undefined}
                  onClick={() => decide("approve", true)}
                >
                  {t("opd.bareConfirm")}
                </button>
                <Button variant="secondary" disabled={verify.isPending} onClick={() => setConfirmingBare(false)}>
                  {t("opd.bareCancel")}
                </Button>
              </div>
            </div>
          ) : (
            <div className="opd-record__buttons">
              {/* A plain button: the dialog focuses it through a ref, which the kit's Button doesn't take. */}
              <button
                ref={approveRef}
                type="button"
                className="btn btn--primary"
                disabled={verify.isPending}
                aria-busy={(verify.isPending && verify.variables?.decision.decision === "approve") || undefined}
                onClick={() => decide("approve")}
              >
                {t("opd.approve")}
              </button>
              <Button
                variant="danger"
                busy={verify.isPending && verify.variables?.decision.decision === "reject"}
                disabled={verify.isPending}
                onClick={() => decide("reject")}
              >
                {rejecting ? t("opd.rejectConfirm") : t("opd.reject")}
              </Button>
            </div>
          )}
        </div>
      ) : pending ? (
        <p className="lead">{t("opd.readOnly")}</p>
      ) : (
        <p className="lead">{t("opd.alreadyDecided", { status: t(`opd.statuses.${record.status}`) })}</p>
      )}

      <h3 className="opd-record__heading">{t("opd.evidence")}</h3>
      <EvidencePreview record={record} />

      {canReadHistory(role) && <RecordHistory recordId={record.id} />}
    </div>
  );
}

/** The claim's rows of the audit trail, newest first: when, who, and what they did. */
function RecordHistory({ recordId }: { recordId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const history = useQuery(recordHistory(recordId));
  const actions = t("opd.historyActions", { returnObjects: true }) as Record<string, string>;
  return (
    <section className="opd-record__history" aria-labelledby={`history-${recordId}`}>
      <h3 id={`history-${recordId}`} className="opd-record__heading">
        {t("opd.history")}
      </h3>
      {history.error ? (
        <ProblemAlert error={history.error} />
      ) : !history.data ? (
        <Spinner />
      ) : history.data.items.length === 0 ? (
        <p>{t("opd.historyEmpty")}</p>
      ) : (
        <ol className="opd-history">
          {history.data.items.map((row) => (
            <li key={row.id}>
              <time dateTime={row.at}>{f.dateTime(row.at)}</time>
              <span>
                <strong>{actions[row.action] ?? row.action}</strong>
                {" — "}
                {row.actor}
                {isRole(row.role) ? ` (${t(`roles.${row.role}`)})` : ""}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

// Numbers BPSDM's own certificates carry (app/planning/certificates/numbers.py).
const BPSDM_NUMBER = /^\s*BPSDM-KT-/i;

/**
 * A certificate BPSDM issued through Bangkom is checked at a glance: its public record (name, course,
 * JP) beside the claim, and whether the holder's name is the claimant's. Other numbers show as typed.
 */
export function BpsdmCertificate({ number, holder }: { number: string; holder: string | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const bpsdm = BPSDM_NUMBER.test(number);
  const check = useQuery({ ...publicCertificate(number), enabled: bpsdm });
  if (!bpsdm || check.isPending) return null;
  if (!check.data) {
    return (
      <span className="cell-sub" data-testid="bpsdm-certificate" data-state="unknown">
        {t("opd.bpsdmCertificateUnknown")}
      </span>
    );
  }
  const same = holder !== undefined && sameName(check.data.name, holder);
  const state = !check.data.valid ? "revoked" : same ? "valid" : "other";
  return (
    <span className="cell-sub" data-testid="bpsdm-certificate" data-state={state}>
      {state === "revoked"
        ? t("opd.bpsdmCertificateRevoked")
        : t(state === "valid" ? "opd.bpsdmCertificateValid" : "opd.bpsdmCertificateOther", {
            name: check.data.name,
            course: check.data.course_title,
            jp: f.number(check.data.jp),
          })}
    </span>
  );
}

function sameName(a: string, b: string): boolean {
  const plain = (name: string) => name.normalize("NFKC").toLocaleLowerCase("id").replace(/\s+/g, " ").trim();
  return plain(a) === plain(b);
}
