// What the ASN's page and the OPD admin's review share: the status chip, the decision notice, the items
// as cards (one per planned activity, so a phone shows them without a table) and the totals.
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { PlanItemRead, PlanRead, PlanStatus } from "../../api/queries/plans";
import { competencies, learningFormNames } from "../../api/queries/reference";
import { useFormat } from "../../i18n/format";
import { Alert, ProgressBar, Stat } from "../../ui";

export const QUARTERS = [1, 2, 3, 4] as const;

/** The plan's state as a coloured chip with a word (never colour alone). */
export function PlanStatusChip({ status }: { status: PlanStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`plan-chip plan-chip--${status}`} data-testid="plan-status">
      {t(`plans.status.${status}`)}
    </span>
  );
}

/**
 * What the state means for the reader: a returned plan shows the OPD admin's note first and large
 * (it says what to change), an approved one when and with what note, a submitted one that it waits.
 */
export function PlanStatusNotice({ plan, audience }: { plan: PlanRead; audience: "asn" | "admin" }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (plan.status === "returned") {
    return (
      <div className="plan-returned" data-testid="plan-returned">
        <Alert
          tone="warning"
          title={t("plans.notice.returnedTitle", { date: plan.decided_at ? f.dateTime(plan.decided_at) : "" })}
        >
          <p className="plan-returned__note">{plan.decision_note}</p>
          {audience === "asn" && <p>{t("plans.notice.returnedHint")}</p>}
        </Alert>
      </div>
    );
  }
  if (plan.status === "approved") {
    return (
      <Alert
        tone="success"
        title={t("plans.notice.approvedTitle", { date: plan.decided_at ? f.dateTime(plan.decided_at) : "" })}
      >
        {plan.decision_note && <p>{t("plans.notice.note", { note: plan.decision_note })}</p>}
      </Alert>
    );
  }
  if (plan.status === "submitted") {
    return (
      <Alert tone="info">
        {audience === "asn"
          ? t("plans.notice.submittedAsn", { date: plan.submitted_at ? f.dateTime(plan.submitted_at) : "" })
          : t("plans.notice.submittedAdmin", { date: plan.submitted_at ? f.dateTime(plan.submitted_at) : "" })}
      </Alert>
    );
  }
  return audience === "asn" ? <Alert tone="info">{t("plans.notice.draftAsn")}</Alert> : null;
}

/** Planned JP, the JP of the items done, and the estimated cost. */
export function PlanTotals({ plan }: { plan: PlanRead }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="stack">
      <dl className="stats plan-totals" data-testid="plan-totals">
        <Stat label={t("plans.totals.planned")} value={t("plans.jp", { value: f.number(plan.planned_jp) })} />
        <Stat label={t("plans.totals.done")} value={t("plans.jp", { value: f.number(plan.done_jp) })} />
        <Stat label={t("plans.totals.cost")} value={f.rupiah(plan.estimated_cost_idr)} />
      </dl>
      {plan.planned_jp > 0 && (
        <ProgressBar
          value={plan.done_jp}
          max={plan.planned_jp}
          label={t("plans.totals.progress")}
          valueText={t("plans.totals.progressText", {
            done: f.number(plan.done_jp),
            planned: f.number(plan.planned_jp),
          })}
        />
      )}
    </div>
  );
}

/** Competency names (every competency, offered or not: an old plan may name a retired one) and form names. */
export function usePlanLookups() {
  const list = useQuery({
    ...competencies({ limit: 500 }),
    staleTime: 10 * 60_000,
    throwOnError: false,
  });
  const forms = useQuery(learningFormNames());
  const competencyNames = useMemo(
    () => new Map((list.data?.items ?? []).map((c) => [c.code, c.name] as const)),
    [list.data],
  );
  return {
    competencyList: list.data?.items ?? [],
    competencyNames,
    formNames: forms.data ?? new Map<string, string>(),
  };
}

/** The items as a list of cards: what, for which competency, how, when, how much, why, and if done. */
export function PlanItemList({ items }: { items: PlanItemRead[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { competencyNames, formNames } = usePlanLookups();
  if (items.length === 0) return <p className="plan-empty">{t("plans.noItems")}</p>;
  return (
    <ol className="plan-items" data-testid="plan-items">
      {items.map((item, index) => (
        // Items have no id of their own: their place in the plan is what names them.
        // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced whole on every save
        <li key={index} className={item.done ? "plan-item plan-item--done" : "plan-item"}>
          <div className="plan-item__head">
            <h3 className="plan-item__title">{item.title}</h3>
            {item.done ? (
              <span className="plan-item__done">
                {item.record_id !== null ? t("plans.item.doneRecord", { id: item.record_id }) : t("plans.item.done")}
              </span>
            ) : null}
          </div>
          <dl className="plan-item__facts">
            <div>
              <dt>{t("plans.item.competency")}</dt>
              <dd>
                {item.competency_code
                  ? `${competencyNames.get(item.competency_code) ?? item.competency_code} (${item.competency_code})`
                  : t("plans.item.noCompetency")}
              </dd>
            </div>
            <div>
              <dt>{t("plans.item.source")}</dt>
              <dd>{item.course_id !== null ? t("plans.item.catalogue") : t("plans.item.free")}</dd>
            </div>
            <div>
              <dt>{t("plans.item.form")}</dt>
              <dd>{formNames.get(item.form_code) ?? item.form_code}</dd>
            </div>
            <div>
              <dt>{t("plans.item.jp")}</dt>
              <dd>{t("plans.jp", { value: f.number(item.planned_jp) })}</dd>
            </div>
            <div>
              <dt>{t("plans.item.quarter")}</dt>
              <dd>{t(`plans.quarter.${item.planned_quarter as 1 | 2 | 3 | 4}`)}</dd>
            </div>
            <div>
              <dt>{t("plans.item.cost")}</dt>
              <dd>{f.rupiah(item.estimated_cost_idr)}</dd>
            </div>
          </dl>
          {item.reason && (
            <p className="plan-item__reason">
              <span className="plan-item__label">{t("plans.item.reason")}:</span> {item.reason}
            </p>
          )}
        </li>
      ))}
    </ol>
  );
}
