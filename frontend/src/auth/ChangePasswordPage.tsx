import type { TFunction } from "i18next";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useChangePassword, useMe } from "../api/queries/auth";
import { ProblemAlert } from "../shell/ProblemAlert";
import { usePageTitle } from "../shell/usePageTitle";
import { Button, TextField } from "../ui";
import { useAuth } from "./AuthProvider";
import { homeFor } from "./roles";

// The API's policy (POST /auth/password), checked here first so most mistakes need no round trip.
export const MIN_PASSWORD_LENGTH = 10;

interface Errors {
  current?: string;
  next?: string;
  repeat?: string;
}

/** What is wrong with a new password before it is sent, or nothing. */
export function passwordProblems(
  t: TFunction,
  username: string,
  current: string,
  next: string,
  repeat: string,
): Errors {
  const errors: Errors = {};
  if (!current) errors.current = t("auth.required");
  if (next.length < MIN_PASSWORD_LENGTH) errors.next = t("password.tooShort", { count: MIN_PASSWORD_LENGTH });
  else if (username && next.toLowerCase().includes(username.toLowerCase())) errors.next = t("password.isUsername");
  else if (next === current) errors.next = t("password.unchanged");
  if (!errors.next && repeat !== next) errors.repeat = t("password.mismatch");
  return errors;
}

/**
 * "Ganti kata sandi", from the user menu; and, with `forced`, the only screen a user sees after
 * logging in with a one-time password until they have chosen their own.
 */
export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const { t } = useTranslation();
  usePageTitle(t("password.title"));
  const { data: me } = useMe();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [done, setDone] = useState(false);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = passwordProblems(t, me?.username ?? "", current, next, repeat);
    setErrors(found);
    if (found.current || found.next || found.repeat) return;
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          setDone(true);
          setCurrent("");
          setNext("");
          setRepeat("");
          if (forced && me) void navigate(homeFor(me.role), { replace: true });
        },
      },
    );
  }

  return (
    <div className="page page--narrow">
      <h1>{t(forced ? "password.forcedTitle" : "password.title")}</h1>
      <p>{t(forced ? "password.forcedIntro" : "password.intro", { count: MIN_PASSWORD_LENGTH })}</p>
      {done && (
        <p role="status" className="notice notice--success">
          {t("password.done")}
        </p>
      )}
      <form className="stack" onSubmit={submit} noValidate>
        {change.error && <ProblemAlert error={change.error} />}
        <TextField
          label={t(forced ? "password.oneTime" : "password.current")}
          name="current-password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
          error={errors.current}
          required
        />
        <TextField
          label={t("password.new")}
          name="new-password"
          type="password"
          autoComplete="new-password"
          hint={t("password.rules", { count: MIN_PASSWORD_LENGTH })}
          value={next}
          onChange={(event) => setNext(event.target.value)}
          error={errors.next}
          required
        />
        <TextField
          label={t("password.repeat")}
          name="repeat-password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(event) => setRepeat(event.target.value)}
          error={errors.repeat}
          required
        />
        <Button type="submit" busy={change.isPending} busyLabel={t("password.saving")}>
          {t("password.submit")}
        </Button>
        {forced && (
          <Button type="button" variant="secondary" onClick={() => void logout()}>
            {t("auth.logout")}
          </Button>
        )}
      </form>
    </div>
  );
}
