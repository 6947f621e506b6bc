import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { asnProfile, competencyGaps, useAsnPlacement } from "../../api/queries/asn";
import { developmentPlanOfYear, type PlanRead, useDecidePlan } from "../../api/queries/plans";
import { useCan } from "../../auth/can";
import { NotFound } from "../../shell/NotFound";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, Card, Spinner, TextArea, useToast } from "../../ui";
import { PlanHistoryCard } from "./PlanHistoryCard";
import { PlanItemList, PlanStatusChip, PlanStatusNotice, PlanTotals } from "./parts";
import "./plans.css";

/**
 * /opd/rencana/:nip/:year: one ASN's plan for the OPD admin's decision: the items, the ASN's competency
 * gaps they answer, the history, and Setujui / Kembalikan (a returned plan needs a note saying what to
 * change).
 */
export function PlanReviewPage() {
  const { nip = "", year: yearParam = "" } = useParams();
  const year = Number(yearParam);
  if (!/^\d{18}$/.test(nip) || !Number.isInteger(year) || year < 2000 || year > 2100) return <NotFound />;
  return <PlanReview key={`${nip}/${year}`} nip={nip} year={year} />;
}

function PlanReview({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const profile = useQuery({ ...asnProfile(nip), throwOnError: false });
  const plan = useQuery({ ...developmentPlanOfYear(nip, year), throwOnError: false });
  const name = profile.data?.profile.name;
  const { position, unit } = useAsnPlacement(profile.data?.profile);
  usePageTitle(t("plans.review.title", { name: name ?? nip, year }));
  let body: React.ReactNode;
  if (plan.error && !plan.data) body = <ProblemAlert error={plan.error} onRetry={() => void plan.refetch()} />;
  else if (!plan.data) body = <Spinner />;
  else if (!plan.data.plan) body = <Alert tone="info">{t("plans.review.none", { year })}</Alert>;
  else body = <Review plan={plan.data.plan} />;
  return (
    <div className="page page--wide stack plans-page">
      <p className="plans-back">
        <Link to="/opd/rencana">{t("plans.review.back")}</Link>
      </p>
      <div>
        <h1>{t("plans.review.title", { name: name ?? nip, year })}</h1>
        <p className="lead" data-testid="plan-asn">
          {[nip, position?.name, unit?.name].filter(Boolean).join(" · ")}
        </p>
      </div>
      {body}
    </div>
  );
}

function Review({ plan }: { plan: PlanRead }) {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <>
      <Card
        title={t("plans.review.planTitle", { year: plan.year })}
        actions={<PlanStatusChip status={plan.status} />}
        className="idp-card"
      >
        <div className="stack">
          <PlanStatusNotice plan={plan} audience="admin" />
          <PlanTotals plan={plan} />
          <PlanItemList items={plan.items} />
        </div>
      </Card>
      {plan.status === "submitted" && can("development_plans_decide") && <DecisionCard plan={plan} />}
      <div className="grid">
        <GapsSummary nip={plan.nip} />
        <PlanHistoryCard nip={plan.nip} year={plan.year} />
      </div>
    </>
  );
}

function DecisionCard({ plan }: { plan: PlanRead }) {
  const { t } = useTranslation();
  const toast = useToast();
  const decide = useDecidePlan(plan.nip, plan.year);
  const [note, setNote] = useState("");
  const [noteMissing, setNoteMissing] = useState(false);

  function send(decision: "approve" | "return") {
    const trimmed = note.trim();
    if (decision === "return" && !trimmed) {
      setNoteMissing(true);
      return;
    }
    setNoteMissing(false);
    decide.mutate(
      { decision, note: trimmed || null },
      {
        onSuccess: () =>
          toast.show(decision === "approve" ? t("plans.review.approved") : t("plans.review.returned"), {
            tone: "success",
          }),
      },
    );
  }

  return (
    <Card title={t("plans.review.decisionTitle")}>
      <form
        className="stack"
        noValidate
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          send("approve");
        }}
      >
        <TextArea
          label={t("plans.review.note")}
          hint={t("plans.review.noteHint")}
          value={note}
          maxLength={2000}
          error={noteMissing ? t("plans.review.noteRequired") : undefined}
          onChange={(event) => setNote(event.target.value)}
        />
        {decide.error && <ProblemAlert error={decide.error} />}
        <div className="form-actions">
          <Button
            type="submit"
            busy={decide.isPending && decide.variables?.decision === "approve"}
            disabled={decide.isPending}
          >
            {t("plans.review.approve")}
          </Button>
          <Button
            variant="danger"
            busy={decide.isPending && decide.variables?.decision === "return"}
            disabled={decide.isPending}
            onClick={() => send("return")}
          >
            {t("plans.review.return")}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** The competencies below the position's standard, largest gap first: what the plan should answer. */
function GapsSummary({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const gaps = useQuery({ ...competencyGaps(nip), throwOnError: false });
  let body: React.ReactNode;
  if (gaps.error && !gaps.data) body = <ProblemAlert error={gaps.error} onRetry={() => void gaps.refetch()} />;
  else if (!gaps.data) body = <Spinner />;
  else {
    const short = gaps.data.items
      .filter((item) => item.gap !== null && item.gap < 0)
      .sort((a, b) => (a.gap ?? 0) - (b.gap ?? 0));
    body =
      short.length === 0 ? (
        <p className="plans-note">{gaps.data.items.length === 0 ? t("plans.gaps.noStandard") : t("plans.gaps.none")}</p>
      ) : (
        <ul className="plan-gaps" data-testid="plan-gaps">
          {short.map((item) => (
            <li key={item.competency_code}>
              <span className="cell-main">
                {item.name} ({item.competency_code})
              </span>
              <span className="cell-sub">
                {t("plans.gaps.line", {
                  actual: item.actual_level ?? "–",
                  required: item.required_level,
                  gap: item.gap,
                })}
              </span>
            </li>
          ))}
        </ul>
      );
  }
  return <Card title={t("plans.gaps.title")}>{body}</Card>;
}
