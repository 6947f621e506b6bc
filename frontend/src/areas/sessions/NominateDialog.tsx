import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  idempotencyKey,
  type NominationsResult,
  type SessionRead,
  sessionSuggestions,
  useNominate,
} from "../../api/queries/sessions";
import { allUnits } from "../../api/queries/units";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Alert, Button, Modal, Spinner, TextArea } from "../../ui";

const REFUSALS = ["asn_not_found", "asn_inactive", "already_nominated", "quota_full", "unit_quota_full"] as const;
type Refusal = (typeof REFUSALS)[number];
const isRefusal = (code: string | null | undefined): code is Refusal => REFUSALS.includes(code as Refusal);

/** The NIPs typed in the field: separated by spaces, commas, semicolons or new lines. */
export function typedNips(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((nip) => nip.trim())
    .filter(Boolean);
}

/**
 * "Usulkan peserta": the ranked suggestions (why each, tick to nominate) and a field for other NIPs;
 * the answer says, per NIP, whether it was nominated or why not.
 */
export function NominateDialog({
  session,
  seatsLeft,
  onClose,
  onNominated,
}: {
  session: SessionRead;
  seatsLeft: number;
  onClose: () => void;
  onNominated: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [key] = useState(idempotencyKey);
  const suggestions = useQuery({ ...sessionSuggestions(session.id), throwOnError: false });
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const unitName = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u.name])), [units.data]);
  const nominate = useNominate(session.id);
  const [ticked, setTicked] = useState<string[]>([]);
  const [typed, setTyped] = useState("");
  const [result, setResult] = useState<NominationsResult | null>(null);
  const nips = [...new Set([...ticked, ...typedNips(typed)])];
  const names = new Map((suggestions.data?.items ?? []).map((s) => [s.nip, s.name]));
  const title = t("sessions.nominate.title", { title: session.course_title, batch: session.batch });

  function submit() {
    nominate.mutate(
      { nips, key },
      {
        onSuccess: (answer) => {
          setResult(answer);
          if (answer.nominated > 0) onNominated();
        },
      },
    );
  }

  if (result)
    return (
      <Modal
        open
        size="wide"
        title={title}
        onClose={onClose}
        footer={<Button onClick={onClose}>{t("ui.close")}</Button>}
      >
        <div className="stack" data-testid="nomination-result">
          <Alert
            tone={result.refused > 0 ? "warning" : "success"}
            title={t("sessions.nominate.summary", { nominated: result.nominated, refused: result.refused })}
          />
          <ul className="sessions-results" aria-label={t("sessions.nominate.perNip")}>
            {result.results.map((r) => (
              <li
                key={r.nip}
                className={`sessions-result sessions-result--${r.status === "nominated" ? "credited" : "refused"}`}
              >
                <span className="cell-main">
                  {names.get(r.nip) ?? r.nip} <span className="cell-sub">{r.nip}</span>
                </span>
                <span>
                  {r.status === "nominated"
                    ? t("sessions.nominate.nominated")
                    : isRefusal(r.code)
                      ? t(`sessions.nominate.refused.${r.code}`)
                      : (r.detail ?? r.code)}
                </span>
              </li>
            ))}
          </ul>
        </div>
      </Modal>
    );

  return (
    <Modal
      open
      size="wide"
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button variant="secondary" onClick={onClose}>
            {t("sessions.cancel")}
          </Button>
          <Button onClick={submit} disabled={nips.length === 0} busy={nominate.isPending} busyLabel={t("ui.saving")}>
            {t("sessions.nominate.submit", { count: nips.length })}
          </Button>
        </>
      }
    >
      <div className="stack">
        <p className="sessions-note" data-testid="nominate-seats">
          {t("sessions.nominate.seats", { count: seatsLeft, seats: f.number(seatsLeft) })}
        </p>
        {nips.length > seatsLeft && <Alert tone="warning">{t("sessions.nominate.overSeats")}</Alert>}
        <fieldset className="sessions-fieldset">
          <legend>{t("sessions.nominate.suggestions")}</legend>
          {suggestions.error && !suggestions.data ? (
            <ProblemAlert error={suggestions.error} onRetry={() => void suggestions.refetch()} />
          ) : !suggestions.data ? (
            <Spinner />
          ) : suggestions.data.items.length === 0 ? (
            <p className="sessions-note">{t("sessions.nominate.noSuggestions")}</p>
          ) : (
            <ul className="sessions-checklist sessions-suggestions">
              {suggestions.data.items.map((s) => (
                <li key={s.nip}>
                  <label className="sessions-check">
                    <input
                      type="checkbox"
                      checked={ticked.includes(s.nip)}
                      onChange={(event) =>
                        setTicked((now) => (event.target.checked ? [...now, s.nip] : now.filter((n) => n !== s.nip)))
                      }
                    />
                    <span>
                      <span className="cell-main">
                        {s.name}
                        {s.planned && (
                          <span className="session-chip session-chip--planned">{t("sessions.nominate.planned")}</span>
                        )}
                      </span>
                      <span className="cell-sub">
                        {s.nip} · {unitName.get(s.unit_id) ?? `#${s.unit_id}`}
                      </span>
                      <span className="sessions-reasons">{s.reasons.join(" · ")}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <TextArea
          label={t("sessions.nominate.nipField")}
          hint={t("sessions.nominate.nipHint")}
          rows={2}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          inputMode="numeric"
        />
        {nominate.error && <ProblemAlert error={nominate.error} />}
      </div>
    </Modal>
  );
}
