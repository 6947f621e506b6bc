// ASN accounts with one-time passwords, shared by the BPSDM users page and the OPD "Akun ASN" page:
// the provisioning dialog, the list of new passwords (printed or downloaded, shown this once), and
// the per-account password reset.
import type { TFunction } from "i18next";
import { type FormEvent, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useProvisionAccounts, useResetPassword } from "../../api/queries/users";
import type { PasswordReset, ProvisionedAccount, ProvisionResult, UnitRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Button, Modal, Select } from "../../ui";
import { newIdempotencyKey } from "../asn/claimValidation";
import "./accounts.css";

/** The unit and every unit under it (an OPD admin provisions its own tree only). */
export function unitTree(units: readonly UnitRead[], rootId: number): UnitRead[] {
  const inTree = new Set([rootId]);
  // Parents may come after their children in the list: repeat until nothing more joins.
  for (let grew = true; grew; ) {
    grew = false;
    for (const unit of units) {
      if (!inTree.has(unit.id) && unit.parent_id != null && inTree.has(unit.parent_id)) {
        inTree.add(unit.id);
        grew = true;
      }
    }
  }
  return units.filter((u) => inTree.has(u.id));
}

/** A spreadsheet cell that starts with = + - @ is a formula in Excel: names and units are made text. */
function csvCell(value: string, guardFormula: boolean): string {
  const text = guardFormula && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * The list as CSV (with a BOM so Excel reads UTF-8). NIP, username and password are written as they
 * are: a guard quote in a password would make it wrong, and those columns never hold user text.
 */
export function accountsCsv(t: TFunction, items: readonly ProvisionedAccount[]): string {
  const header = [
    t("accounts.nip"),
    t("accounts.name"),
    t("accounts.unit"),
    t("accounts.username"),
    t("accounts.password"),
  ];
  const lines = [header.map((h) => csvCell(h, false)).join(",")];
  for (const item of items) {
    lines.push(
      [
        csvCell(item.nip, false),
        csvCell(item.name, true),
        csvCell(item.unit_name, true),
        csvCell(item.username, false),
        csvCell(item.one_time_password ?? "", false),
      ].join(","),
    );
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

function download(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

interface ProvisionDialogProps {
  open: boolean;
  /** The units that may be picked, in display order. */
  units: readonly UnitRead[];
  onClose: () => void;
  onProvisioned: (result: ProvisionResult) => void;
}

/** Pick a unit (with or without its sub-units) and create the accounts of its ASN that have none. */
export function ProvisionDialog({ open, units, onClose, onProvisioned }: ProvisionDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal open={open} title={t("accounts.provision")} onClose={onClose}>
      {open && <ProvisionForm units={units} onClose={onClose} onProvisioned={onProvisioned} />}
    </Modal>
  );
}

function ProvisionForm({ units, onClose, onProvisioned }: Omit<ProvisionDialogProps, "open">) {
  const { t } = useTranslation();
  const provision = useProvisionAccounts();
  const checkboxId = useId();
  const [unitId, setUnitId] = useState(units.length === 1 ? String(units[0].id) : "");
  const [subUnits, setSubUnits] = useState(true);
  // One key per distinct request: a double click or a retry after a lost answer is a replay.
  const idempotency = useRef<{ body: string; key: string } | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!unitId) return;
    const body = { unit_id: Number(unitId), include_sub_units: subUnits };
    const serialized = JSON.stringify(body);
    if (idempotency.current?.body !== serialized) idempotency.current = { body: serialized, key: newIdempotencyKey() };
    provision.mutate({ body, idempotencyKey: idempotency.current.key }, { onSuccess: onProvisioned });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <p className="accounts-lead">{t("accounts.provisionLead")}</p>
      <Select
        label={t("accounts.unit")}
        required
        placeholder={t("accounts.pickUnit")}
        options={units.map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
        value={unitId}
        onChange={(event) => setUnitId(event.target.value)}
      />
      <label className="accounts-checkbox" htmlFor={checkboxId}>
        <input
          id={checkboxId}
          type="checkbox"
          checked={subUnits}
          onChange={(event) => setSubUnits(event.target.checked)}
        />
        {t("accounts.includeSubUnits")}
      </label>
      {provision.error && <ProblemAlert error={provision.error} />}
      <div className="form-actions">
        <Button type="submit" busy={provision.isPending} busyLabel={t("accounts.submitting")}>
          {t("accounts.submit")}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          {t("accounts.cancel")}
        </Button>
      </div>
    </form>
  );
}

/**
 * The new accounts with their one-time passwords, on the page (not in a dialog, so "Cetak" prints
 * it: the print stylesheet hides dialogs and controls). It lives only in the page's state: once closed
 * the passwords are gone, as on the server, and only a reset issues new ones.
 */
export function ProvisionedList({ result, onDone }: { result: ProvisionResult; onDone: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  // A reset from this list replaces the row's password, so the printout stays the one to hand out.
  const [items, setItems] = useState(result.items);
  const replayed = items.length > 0 && items.every((i) => i.one_time_password === null);
  const hasAccount = result.skipped.filter((s) => s.reason === "has_account").length;
  const notFound = result.skipped.length - hasAccount;
  const unitName = items[0]?.unit_name;

  return (
    <section className="accounts-result" aria-labelledby="accounts-result-title" data-testid="provisioned-list">
      <h2 id="accounts-result-title">{t("accounts.resultTitle")}</h2>
      <div className="accounts-result__notes">
        <p role="status">
          {items.length > 0 ? t("accounts.created", { count: items.length }) : t("accounts.noneCreated")}
          {hasAccount > 0 && ` ${t("accounts.skippedHasAccount", { count: hasAccount })}`}
          {notFound > 0 && ` ${t("accounts.skippedNotFound", { count: notFound })}`}
        </p>
        {items.length > 0 && (
          <p className="accounts-once no-print">{replayed ? t("accounts.replayed") : t("accounts.resultOnce")}</p>
        )}
      </div>
      <div className="accounts-result__actions">
        {items.length > 0 && !replayed && (
          <>
            <Button onClick={() => window.print()}>{t("accounts.print")}</Button>
            <Button
              variant="secondary"
              onClick={() => download(`akun-asn-unit-${result.unit_id}.csv`, accountsCsv(t, items))}
            >
              {t("accounts.downloadCsv")}
            </Button>
          </>
        )}
        <Button variant="ghost" onClick={onDone}>
          {t("accounts.done")}
        </Button>
      </div>
      {items.length > 0 && (
        <div className="accounts-table-wrap">
          <table className="accounts-table">
            <caption>{unitName ? t("accounts.caption", { unit: unitName }) : t("accounts.resultTitle")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("accounts.nip")}</th>
                <th scope="col">{t("accounts.name")}</th>
                <th scope="col">{t("accounts.unit")}</th>
                <th scope="col">{t("accounts.username")}</th>
                <th scope="col">{t("accounts.password")}</th>
                {can("users_password_reset") && (
                  <th scope="col" className="no-print">
                    <span className="visually-hidden">{t("accounts.reset")}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.user_id}>
                  <td>{item.nip}</td>
                  <td>{item.name}</td>
                  <td>{item.unit_name}</td>
                  <td>{item.username}</td>
                  <td className="accounts-password" data-testid={`otp-${item.username}`}>
                    {item.one_time_password ?? "–"}
                  </td>
                  {can("users_password_reset") && (
                    <td className="no-print">
                      <ResetPasswordButton
                        userId={item.user_id}
                        username={item.username}
                        onReset={(reset) =>
                          setItems((all) =>
                            all.map((i) =>
                              i.user_id === reset.user_id ? { ...i, one_time_password: reset.one_time_password } : i,
                            ),
                          )
                        }
                      />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * "Reset kata sandi": asks first (the old password stops working and the sessions end), then shows
 * the new one-time password once. `onReset` lets a list show it in place instead.
 */
export function ResetPasswordButton({
  userId,
  username,
  onReset,
}: {
  userId: number;
  username: string;
  onReset?: (reset: PasswordReset) => void;
}) {
  const { t } = useTranslation();
  const reset = useResetPassword();
  const [asking, setAsking] = useState(false);
  const [shown, setShown] = useState<PasswordReset | null>(null);

  function close() {
    setAsking(false);
    setShown(null);
    reset.reset();
  }

  return (
    <>
      <Button variant="secondary" onClick={() => setAsking(true)} aria-label={t("accounts.resetFor", { username })}>
        {t("accounts.reset")}
      </Button>
      <Modal
        open={asking}
        title={shown ? t("accounts.resetTitle") : t("accounts.resetFor", { username })}
        onClose={close}
      >
        {shown ? (
          <div className="stack">
            <p>{t("accounts.resetOnce", { username: shown.username })}</p>
            <p className="accounts-password accounts-password--big" data-testid="reset-password">
              {shown.one_time_password}
            </p>
            <div className="form-actions">
              <Button onClick={close}>{t("accounts.resetDone")}</Button>
            </div>
          </div>
        ) : (
          <div className="stack">
            <p>{t("accounts.resetConfirm", { username })}</p>
            {reset.error && <ProblemAlert error={reset.error} />}
            <div className="form-actions">
              <Button
                variant="danger"
                busy={reset.isPending}
                busyLabel={t("accounts.resetting")}
                onClick={() =>
                  reset.mutate(userId, {
                    onSuccess: (answer) => {
                      setShown(answer);
                      onReset?.(answer);
                    },
                  })
                }
              >
                {t("accounts.resetSubmit")}
              </Button>
              <Button variant="secondary" onClick={close}>
                {t("accounts.cancel")}
              </Button>
            </div>
          </div>
        )}
      </Modal>
    </>
  );
}
