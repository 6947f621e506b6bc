import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { developmentPlanHistory } from "../../api/queries/plans";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card, Spinner } from "../../ui";

/** Every step of the plan, newest first: who did what and when, the note, how many items it had then. */
export function PlanHistoryCard({ nip, year }: { nip: string; year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const history = useQuery({ ...developmentPlanHistory(nip, year), throwOnError: false });
  let body: React.ReactNode;
  if (history.error && !history.data) {
    body = <ProblemAlert error={history.error} onRetry={() => void history.refetch()} />;
  } else if (!history.data) {
    body = <Spinner />;
  } else {
    body = (
      <ol className="plan-history" data-testid="plan-history">
        {[...history.data.events].reverse().map((event) => (
          <li key={`${event.at}-${event.action}`} className="plan-history__step">
            <p className="plan-history__what">
              <strong>{t(`plans.history.${event.action}`)}</strong>{" "}
              <span className="plan-history__who">
                {t("plans.history.by", { actor: event.actor, role: t(`plans.history.role.${roleKey(event.role)}`) })}
              </span>
            </p>
            <p className="plan-history__when">
              {f.dateTime(event.at)} · {t("plans.history.items", { count: event.items.length })}
            </p>
            {event.note && <p className="plan-history__note">“{event.note}”</p>}
          </li>
        ))}
      </ol>
    );
  }
  return <Card title={t("plans.history.title")}>{body}</Card>;
}

const ROLES = ["asn", "opd_admin", "bpsdm_admin"] as const;

function roleKey(role: string): (typeof ROLES)[number] | "other" {
  return (ROLES as readonly string[]).includes(role) ? (role as (typeof ROLES)[number]) : "other";
}
