import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useMe } from "../api/queries/auth";
import { LanguageSwitch } from "../i18n/LanguageSwitch";
import { ProblemAlert } from "../shell/ProblemAlert";
import { usePageTitle } from "../shell/usePageTitle";
import { Button, Spinner, TextField } from "../ui";
import { useAuth } from "./AuthProvider";
import { canVisit, homeFor } from "./roles";

interface Errors {
  username?: string;
  password?: string;
}

/** Where to go after logging in: back where the user was sent from, if that is theirs to see. */
function destination(role: string, from: unknown): string {
  return typeof from === "string" && canVisit(role, from) ? from : homeFor(role);
}

export function LoginPage() {
  const { t } = useTranslation();
  usePageTitle(t("auth.loginTitle"));
  const { status, login } = useAuth();
  const me = useMe(status === "active");
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from;
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (status === "restoring") return <Spinner />;
  if (status === "active" && me.data && !busy) return <Navigate to={destination(me.data.role, from)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: Errors = {};
    if (!username.trim()) found.username = t("auth.required");
    if (!password) found.password = t("auth.required");
    setErrors(found);
    setFailure(null);
    if (found.username || found.password) return;
    setBusy(true);
    try {
      const who = await login(username.trim(), password);
      void navigate(destination(who.role, from), { replace: true });
    } catch (error) {
      setFailure(error);
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <div className="login__top">
        <LanguageSwitch />
      </div>
      <main className="login__panel" id="main">
        <p className="login__brand">
          <span className="brand-mark" aria-hidden="true">
            B
          </span>
          {t("app.name")} · {t("app.tagline")}
        </p>
        <h1>{t("auth.loginTitle")}</h1>
        <p>{t("auth.loginIntro")}</p>
        <form className="stack" onSubmit={submit} noValidate>
          {failure !== null && <ProblemAlert error={failure} />}
          <TextField
            label={t("auth.username")}
            name="username"
            autoComplete="username"
            inputMode="text"
            autoCapitalize="none"
            spellCheck={false}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            error={errors.username}
            required
          />
          <TextField
            label={t("auth.password")}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={errors.password}
            required
          />
          <Button type="submit" busy={busy} busyLabel={t("auth.submitting")} className="btn--block">
            {t("auth.submit")}
          </Button>
        </form>
      </main>
    </div>
  );
}
