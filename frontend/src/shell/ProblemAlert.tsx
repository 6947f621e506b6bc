import { useTranslation } from "react-i18next";
import { Alert, Button } from "../ui";
import { problemText } from "./problemText";

/** An API failure as an alert: the translated message, the server's detail and request id on demand. */
export function ProblemAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = problemText(t, error);
  return (
    <Alert tone="error" title={text.message}>
      {(text.detail || text.requestId) && (
        <details className="problem-details">
          <summary>{t("problem.details")}</summary>
          {text.detail && <p lang="en">{text.detail}</p>}
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
