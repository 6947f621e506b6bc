import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { currentUser } from "../api/queries/auth";
import type { Session } from "../api/session";
import { ProblemAlert } from "../shell/ProblemAlert";
import { Button, Modal, TextField } from "../ui";

/**
 * Shown over the current page when the session expired mid-use. The page stays mounted (so a
 * half-filled form keeps its contents) and the requests that met the expiry wait; logging in again
 * here sends them again. Only the same user may continue: another one would see this one's page.
 */
export function ReloginDialog({
  open,
  session,
  onLogout,
}: {
  open: boolean;
  session: Session;
  onLogout: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const me = queryClient.getQueryData(currentUser().queryKey);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const knownUser = me?.username;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.login(knownUser ?? username, password);
      setPassword("");
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal open={open} title={t("auth.reloginTitle")} initialFocus={knownUser ? passwordRef : undefined}>
      <form className="stack" onSubmit={submit} noValidate>
        <p>{t("auth.reloginIntro")}</p>
        {error !== null && <ProblemAlert error={error} />}
        <TextField
          label={t("auth.username")}
          name="username"
          autoComplete="username"
          value={knownUser ?? username}
          readOnly={Boolean(knownUser)}
          onChange={(event) => setUsername(event.target.value)}
          required
        />
        <TextField
          ref={passwordRef}
          label={t("auth.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          required
        />
        <div className="form-actions">
          <Button type="submit" busy={busy} busyLabel={t("auth.submitting")} disabled={!password}>
            {t("auth.reloginSubmit")}
          </Button>
          <Button variant="ghost" onClick={() => void onLogout()}>
            {t("auth.reloginLogout")}
          </Button>
        </div>
      </form>
    </Modal>
  );
}
