import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card } from "../../ui";
import { useDevelopmentPlan } from "./hooks";
import { Skeleton } from "./Skeleton";

/** The development plan: each competency short of the standard with the catalogue courses for it. */
export function PlanCard({ nip }: { nip: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const plan = useDevelopmentPlan(nip);
  let body: ReactNode;
  if (plan.error && !plan.data) body = <ProblemAlert error={plan.error} onRetry={() => void plan.refetch()} />;
  else if (!plan.data) body = <Skeleton lines={5} label={t("asn.loadingPlan")} />;
  else if (plan.data.items.length === 0) {
    body = (
      <p className="empty-note">
        {plan.data.unassessed.length > 0
          ? t("asn.plan.emptyUnassessed", { codes: plan.data.unassessed.join(", ") })
          : t("asn.plan.empty")}
      </p>
    );
  } else {
    const data = plan.data;
    body = (
      <div className="stack">
        <p className="lead plan-card__summary">
          {data.target_jp !== null
            ? t("asn.plan.summary", {
                planned: f.number(data.planned_jp),
                projected: f.number(data.projected_jp),
                target: f.number(data.target_jp),
              })
            : t("asn.plan.summaryNoTarget", {
                planned: f.number(data.planned_jp),
                projected: f.number(data.projected_jp),
              })}
        </p>
        <ol className="plan-list">
          {data.items.map((item) => (
            <li key={item.competency_code} className="plan-list__item">
              <h3 className="plan-list__title">
                {item.name} <span className="muted">({item.competency_code})</span>
              </h3>
              <p className="plan-list__gap">
                {t("asn.plan.gapLine", { actual: item.actual_level, required: item.required_level, gap: item.gap })}
              </p>
              {item.courses.length === 0 ? (
                <p className="empty-note">{t("asn.plan.noCourses")}</p>
              ) : (
                <ul className="course-list">
                  {item.courses.map((course) => (
                    <li key={course.id} className="course-list__item">
                      <span className="cell-main">{course.title}</span>
                      <span className="cell-sub">
                        {[
                          course.organizer,
                          course.starts_on
                            ? course.ends_on
                              ? `${f.date(course.starts_on)} – ${f.date(course.ends_on)}`
                              : f.date(course.starts_on)
                            : null,
                          course.jp !== null ? t("asn.jpValue", { value: f.number(course.jp) }) : null,
                        ]
                          .filter(Boolean)
                          .join(" · ")}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      </div>
    );
  }
  return (
    <Card
      title={t("asn.plan.title")}
      className="plan-card"
      actions={
        <Link to="/saya/rencana" data-testid="plan-link">
          {t("plans.navLink")}
        </Link>
      }
    >
      {body}
    </Card>
  );
}
