import { useQuery } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useMe } from "../../api/queries/auth";
import { developmentPlanOfYear, type PlanRead, useCreatePlan, useSubmitPlan } from "../../api/queries/plans";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, Card, Modal, Select, Spinner, useToast } from "../../ui";
import { newIdempotencyKey } from "../asn/claimValidation";
import { PlanEditor } from "./PlanEditor";
import { PlanHistoryCard } from "./PlanHistoryCard";
import { PlanItemList, PlanStatusChip, PlanStatusNotice, PlanTotals } from "./parts";
import "./plans.css";

/**
 * /saya/rencana: the ASN's individual development plan (IDP) of a year. Without one, it offers a draft
 * proposed from the competency gaps; a draft or returned plan is edited and submitted to the OPD admin,
 * whose note on a returned plan is shown first.
 */
export function MyPlanPage() {
  const { t } = useTranslation();
  usePageTitle(t("plans.my.title"));
  const { data: me } = useMe();
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2];
  return (
    <div className="page page--wide stack plans-page">
      <p className="plans-back">
        <Link to="/saya">{t("plans.my.back")}</Link>
      </p>
      <div>
        <h1>{t("plans.my.title")}</h1>
        <p className="lead">{t("plans.my.lead")}</p>
      </div>
      <div className="plans-toolbar">
        <Select
          label={t("plans.year")}
          value={String(year)}
          onChange={(event) => setYear(Number(event.target.value))}
          options={years.map((y) => ({ value: String(y), label: String(y) }))}
        />
      </div>
      {me?.nip ? <PlanOfYear key={year} nip={me.nip} year={year} /> : <Alert tone="warning">{t("plans.noNip")}</Alert>}
    </div>
  );
}

function PlanOfYear({ nip, year }: { nip: string; year: number }) {
  const plan = useQuery({ ...developmentPlanOfYear(nip, year), throwOnError: false });
  if (plan.error && !plan.data) return <ProblemAlert error={plan.error} onRetry={() => void plan.refetch()} />;
  if (!plan.data) return <Spinner />;
  if (!plan.data.plan) return <NoPlan nip={nip} year={year} />;
  return <MyPlan plan={plan.data.plan} etag={plan.data.etag} />;
}

function NoPlan({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const create = useCreatePlan(nip, year);
  // One key per attempt: a retried click after a lost answer is a replay, not a second plan.
  const key = useRef(newIdempotencyKey());
  return (
    <Card title={t("plans.none.title", { year })}>
      <div className="stack" data-testid="plan-none">
        <p>{t("plans.none.body", { year })}</p>
        {can("development_plans_create") && (
          <>
            <p className="plans-note">{t("plans.none.how")}</p>
            {create.error && <ProblemAlert error={create.error} />}
            <div className="form-actions">
              <Button
                busy={create.isPending}
                busyLabel={t("plans.none.creating")}
                onClick={() => create.mutate({ idempotencyKey: key.current })}
              >
                {t("plans.none.create")}
              </Button>
            </div>
          </>
        )}
      </div>
    </Card>
  );
}

function MyPlan({ plan, etag }: { plan: PlanRead; etag: string | null }) {
  const { t } = useTranslation();
  const can = useCan();
  const toast = useToast();
  const f = useFormat();
  const [editing, setEditing] = useState(false);
  const [conflict, setConflict] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const submit = useSubmitPlan(plan.nip, plan.year);
  const editable = (plan.status === "draft" || plan.status === "returned") && can("development_plans_items_put");
  const submittable = (plan.status === "draft" || plan.status === "returned") && can("development_plans_submit");
  return (
    <>
      <Card
        title={t("plans.my.planTitle", { year: plan.year })}
        actions={<PlanStatusChip status={plan.status} />}
        className="idp-card"
      >
        <div className="stack">
          <PlanStatusNotice plan={plan} audience="asn" />
          {conflict && (
            <Alert tone="warning" title={t("plans.conflict.title")}>
              {t("plans.conflict.body")}
            </Alert>
          )}
          <PlanTotals plan={plan} />
          {editing ? (
            <PlanEditor
              plan={plan}
              etag={etag}
              onDone={() => setEditing(false)}
              onConflict={() => {
                setEditing(false);
                setConflict(true);
              }}
            />
          ) : (
            <>
              <PlanItemList items={plan.items} />
              {submit.error && <ProblemAlert error={submit.error} />}
              {(editable || submittable) && (
                <div className="form-actions">
                  {editable && (
                    <Button
                      variant="secondary"
                      onClick={() => {
                        setConflict(false);
                        submit.reset();
                        setEditing(true);
                      }}
                    >
                      {t("plans.my.edit")}
                    </Button>
                  )}
                  {submittable && (
                    <Button disabled={plan.items.length === 0} onClick={() => setConfirming(true)}>
                      {plan.status === "returned" ? t("plans.my.resubmit") : t("plans.my.submit")}
                    </Button>
                  )}
                </div>
              )}
              {submittable && plan.items.length === 0 && <p className="plans-note">{t("plans.my.submitEmpty")}</p>}
            </>
          )}
        </div>
      </Card>
      <PlanHistoryCard nip={plan.nip} year={plan.year} />
      <Modal
        open={confirming}
        title={t("plans.confirm.title", { year: plan.year })}
        onClose={() => setConfirming(false)}
        footer={
          <>
            <Button variant="secondary" onClick={() => setConfirming(false)} disabled={submit.isPending}>
              {t("plans.confirm.cancel")}
            </Button>
            <Button
              busy={submit.isPending}
              busyLabel={t("plans.confirm.sending")}
              onClick={() =>
                submit.mutate(undefined, {
                  onSuccess: () => toast.show(t("plans.confirm.done", { year: plan.year }), { tone: "success" }),
                  onSettled: () => setConfirming(false),
                })
              }
            >
              {t("plans.confirm.submit")}
            </Button>
          </>
        }
      >
        <p>
          {t("plans.confirm.body", {
            count: plan.items.length,
            jp: f.number(plan.planned_jp),
          })}
        </p>
      </Modal>
    </>
  );
}
