import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../api/queries/auth";
import { allUnits } from "../../api/queries/units";
import { useCreateUser, userList } from "../../api/queries/users";
import type { ProvisionResult, UnitRead, UserCreate, UserRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { isRole } from "../../auth/roles";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, type Column, Modal, Select, TextField, useCursorPages, useDebouncedValue, useToast } from "../../ui";
import { ProvisionDialog, ProvisionedList, ResetPasswordButton } from "../accounts/Accounts";

const ROLES = ["asn", "opd_admin", "bpsdm_admin", "auditor"] as const;
const PAGE = 50;

/**
 * /bpsdm/pengguna: user accounts (with unit names), searchable, a form to add one, the ASN accounts of
 * a unit created at once with one-time passwords, and a password reset per account.
 */
export function UsersPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("bpsdm.users.title"));
  const can = useCan();
  const me = useMe();
  const [query, setQuery] = useState("");
  const q = useDebouncedValue(query.trim(), 300);
  const pages = useCursorPages();
  const users = useQuery(userList(q, pages.cursor, PAGE));
  const [creating, setCreating] = useState(false);
  const [provisioning, setProvisioning] = useState(false);
  const [provisioned, setProvisioned] = useState<ProvisionResult | null>(null);
  // Only for unit names: without them the list still works (ids shown), so no error page.
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const unitNames = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u.name])), [units.data]);
  const sortedUnits = useMemo(
    () => [...(units.data ?? [])].sort((a, b) => a.name.localeCompare(b.name, "id")),
    [units.data],
  );

  const columns: Column<UserRead>[] = [
    { key: "username", header: t("bpsdm.users.username"), cell: (u) => u.username },
    // The ASN profile's name for ASN accounts: a NIP alone says nothing to whoever reads the list.
    { key: "name", header: t("accounts.name"), cell: (u) => u.name ?? "–" },
    { key: "role", header: t("bpsdm.users.role"), cell: (u) => (isRole(u.role) ? t(`roles.${u.role}`) : u.role) },
    {
      key: "unit",
      header: t("accounts.unit"),
      // The name once the units are loaded; the id until then (or for a unit this list lacks).
      cell: (u) => (u.unit_id === null ? "–" : (unitNames.get(u.unit_id) ?? `#${u.unit_id}`)),
    },
    { key: "active", header: t("bpsdm.users.active"), cell: (u) => (u.active ? t("bpsdm.yes") : t("bpsdm.no")) },
    { key: "created", header: t("bpsdm.users.created"), cell: (u) => f.date(u.created_at) },
  ];
  if (can("users_password_reset")) {
    columns.push({
      key: "reset",
      header: t("accounts.reset"),
      // The API refuses a reset of one's own account: that password is changed from the menu.
      cell: (u) =>
        u.username === me.data?.username ? null : <ResetPasswordButton userId={u.id} username={u.username} />,
    });
  }

  return (
    <div className="page page--wide">
      <div className="bpsdm-heading">
        <h1>{t("bpsdm.users.title")}</h1>
        <div className="form-actions">
          {can("users_provision") && (
            <Button variant="secondary" onClick={() => setProvisioning(true)}>
              {t("accounts.provision")}
            </Button>
          )}
          {can("users_create") && <Button onClick={() => setCreating(true)}>{t("bpsdm.users.add")}</Button>}
        </div>
      </div>
      {provisioned ? (
        // In place of the table while shown, so "Cetak" prints the passwords and nothing else.
        <ProvisionedList result={provisioned} onDone={() => setProvisioned(null)} />
      ) : (
        <CursorTable
          testId="users-list"
          caption={t("bpsdm.users.title")}
          columns={columns}
          rowKey={(u) => u.id}
          list={users}
          pages={pages}
          pageSize={PAGE}
          search={{ value: query, applied: q, onChange: setQuery, label: t("bpsdm.users.search") }}
          empty={t("ui.empty")}
        />
      )}
      <ProvisionDialog
        open={provisioning}
        units={sortedUnits}
        onClose={() => setProvisioning(false)}
        onProvisioned={(result) => {
          setProvisioning(false);
          setProvisioned(result);
        }}
      />
      <Modal open={creating} title={t("bpsdm.users.add")} onClose={() => setCreating(false)}>
        <UserForm units={sortedUnits} onDone={() => setCreating(false)} />
      </Modal>
    </div>
  );
}

/** A new account; an OPD admin's unit is picked by name (the id only if the unit list failed to load). */
function UserForm({ units, onDone }: { units: readonly UnitRead[]; onDone: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const create = useCreateUser();
  const [values, setValues] = useState({ username: "", password: "", role: "opd_admin", unit_id: "", nip: "" });
  const bind = (name: keyof typeof values) => ({
    value: values[name],
    onChange: (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value })),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: UserCreate = {
      username: values.username.trim(),
      password: values.password,
      role: values.role as UserCreate["role"],
      unit_id: values.role === "opd_admin" && values.unit_id ? Number(values.unit_id) : null,
      nip: values.role === "asn" && values.nip ? values.nip.trim() : null,
    };
    create.mutate(body, {
      onSuccess: (user) => {
        toast.show(t("bpsdm.users.createdToast", { username: user.username }), { tone: "success" });
        onDone();
      },
    });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <TextField label={t("bpsdm.users.username")} required autoComplete="off" {...bind("username")} />
      <TextField
        label={t("bpsdm.users.password")}
        type="password"
        required
        autoComplete="new-password"
        minLength={8}
        hint={t("bpsdm.users.passwordHint")}
        {...bind("password")}
      />
      <Select
        label={t("bpsdm.users.role")}
        options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
        {...bind("role")}
      />
      {values.role === "opd_admin" &&
        (units.length > 0 ? (
          <Select
            label={t("accounts.unit")}
            required
            placeholder={t("accounts.pickUnit")}
            options={units.map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
            {...bind("unit_id")}
          />
        ) : (
          <TextField label={t("bpsdm.users.unitId")} required inputMode="numeric" {...bind("unit_id")} />
        ))}
      {values.role === "asn" && (
        <TextField label={t("bpsdm.users.nip")} required inputMode="numeric" maxLength={18} {...bind("nip")} />
      )}
      {create.error && <ProblemAlert error={create.error} />}
      <div className="form-actions">
        <Button type="submit" busy={create.isPending} busyLabel={t("bpsdm.saving")}>
          {t("bpsdm.save")}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t("bpsdm.cancel")}
        </Button>
      </div>
    </form>
  );
}
