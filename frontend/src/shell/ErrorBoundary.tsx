import { useQueryErrorResetBoundary } from "@tanstack/react-query";
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useRouteError } from "react-router";
import { ProblemAlert } from "./ProblemAlert";

/**
 * The errorElement of the routes inside the shell: a page that throws (a failed query with
 * throwOnError, a bug) shows the problem in place of the page, with the navigation still there.
 */
export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const { reset } = useQueryErrorResetBoundary();
  return (
    <div className="page">
      <h1>{t("errors.crashTitle")}</h1>
      <ProblemAlert
        error={error}
        onRetry={() => {
          reset();
          // A navigation (to the same place) clears the router's error state and renders the page again.
          void navigate(location, { replace: true });
        }}
      />
    </div>
  );
}

interface State {
  error: unknown;
}

/** The last line of defence, around everything (the router included). */
export class GlobalErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("Unhandled error", error, info.componentStack);
  }

  render() {
    return this.state.error ? <CrashPage error={this.state.error} /> : this.props.children;
  }
}

function CrashPage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <main className="page">
      <h1>{t("errors.crashTitle")}</h1>
      <ProblemAlert error={error} onRetry={() => window.location.reload()} />
    </main>
  );
}
