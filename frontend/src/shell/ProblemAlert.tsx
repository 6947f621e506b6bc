import { QueryClientContext } from "@tanstack/react-query";
import { useContext } from "react";
import { useTranslation } from "react-i18next";
import { currentUser } from "../api/queries/auth";
import { Alert, Button } from "../ui";
import { problemText } from "./problemText";

// Who may see the request id and the problem code: the admins who report a fault to BPSDM's support.
// An ASN, an auditor and a visitor of the login page see only what to do.
const TECHNICAL_ROLES = new Set(["opd_admin", "bpsdm_admin"]);

/**
 * Whether the logged-in user sees "Rincian teknis". It reads the cached /auth/me and never fetches it
 * (the login page has none), and works outside the query provider too (the last-resort crash page).
 */
export function useShowsTechnicalDetails(): boolean {
  const queryClient = useContext(QueryClientContext);
  const me = queryClient?.getQueryData(currentUser().queryKey);
  return me != null && TECHNICAL_ROLES.has(me.role);
}

/** An API failure as an alert: what went wrong and what to do, in the UI language; the code and the
 * request id for admins on demand. */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const technical = useShowsTechnicalDetails();
  const text = problemText(t, error);
  return (
    <Alert tone="error" title={text.message}>
      {text.detail && <p className="problem-detail">{text.detail}</p>}
      {technical && (text.code || text.requestId) && (
        <details className="problem-details">
          <summary>{t("problem.details")}</summary>
          {text.code && (
            <p>
              <code>{text.code}</code>
            </p>
          )}
          {text.requestId && <p>{t("problem.requestId", { id: text.requestId })}</p>}
        </details>
      )}
      {onRetry && (
        <Button variant="secondary" onClick={onRetry}>
          {t("problem.retry")}
        </Button>
      )}
    </Alert>
  );
}
