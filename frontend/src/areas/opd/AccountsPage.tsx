import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../api/queries/auth";
import { allUnits } from "../../api/queries/units";
import { userList } from "../../api/queries/users";
import type { ProvisionResult, UserRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { CursorTable } from "../../shell/CursorTable";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, type Column, Spinner, useCursorPages, useDebouncedValue } from "../../ui";
import { ProvisionDialog, ProvisionedList, ResetPasswordButton, unitTree } from "../accounts/Accounts";

const PAGE = 50;

/**
 * /opd/akun: the OPD admin creates accounts for the ASN of its unit tree and hands out the one-time
 * passwords, and finds any account of its units (the API lists only those) to reset its password.
 */
export function AccountsPage() {
  const { t } = useTranslation();
  usePageTitle(t("accounts.opd.title"));
  const can = useCan();
  const me = useMe();
  // A failure shows in place with a retry (below), not as the area's error page.
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const [provisioning, setProvisioning] = useState(false);
  const [provisioned, setProvisioned] = useState<ProvisionResult | null>(null);
  const rootId = me.data?.unit_id ?? null;
  // Its own unit first, then the sub-units by name: the API refuses any other unit anyway.
  const ownUnits = useMemo(() => {
    if (rootId === null || !units.data) return [];
    const tree = unitTree(units.data, rootId);
    return [
      ...tree.filter((u) => u.id === rootId),
      ...tree.filter((u) => u.id !== rootId).sort((a, b) => a.name.localeCompare(b.name, "id")),
    ];
  }, [units.data, rootId]);

  return (
    <div className="page page--wide">
      <h1>{t("accounts.opd.title")}</h1>
      <p className="accounts-lead">{t("accounts.opd.lead")}</p>
      {units.error && !units.data ? (
        <ProblemAlert error={units.error} onRetry={() => void units.refetch()} />
      ) : !units.data ? (
        <Spinner />
      ) : provisioned ? (
        // In place of the account list while shown, so "Cetak" prints the passwords and nothing else.
        <ProvisionedList result={provisioned} onDone={() => setProvisioned(null)} />
      ) : (
        <>
          {can("users_provision") && (
            <Button onClick={() => setProvisioning(true)} disabled={ownUnits.length === 0}>
              {t("accounts.provision")}
            </Button>
          )}
          {ownUnits.length === 0 && <p>{t("accounts.noUnits")}</p>}
        </>
      )}
      {!provisioned && <AccountList />}
      <ProvisionDialog
        open={provisioning}
        units={ownUnits}
        onClose={() => setProvisioning(false)}
        onProvisioned={(result) => {
          setProvisioning(false);
          setProvisioned(result);
        }}
      />
    </div>
  );
}

/** The ASN accounts of the admin's units, searched by NIP or name, each with its password reset. */
function AccountList() {
  const { t } = useTranslation();
  const can = useCan();
  const [query, setQuery] = useState("");
  const q = useDebouncedValue(query.trim(), 300);
  const pages = useCursorPages();
  // A failure shows in place with a retry, and leaves provisioning usable.
  const accounts = useQuery({ ...userList(q, pages.cursor, PAGE), throwOnError: false });

  const columns: Column<UserRead>[] = [
    { key: "nip", header: t("accounts.nip"), cell: (u) => u.nip ?? u.username },
    { key: "name", header: t("accounts.name"), cell: (u) => u.name ?? "–" },
    {
      key: "status",
      header: t("accounts.opd.status"),
      cell: (u) => (u.active ? t("accounts.opd.active") : t("accounts.opd.inactive")),
    },
  ];
  if (can("users_password_reset")) {
    columns.push({
      key: "reset",
      header: t("accounts.reset"),
      cell: (u) => <ResetPasswordButton userId={u.id} username={u.username} />,
    });
  }

  return (
    <section className="accounts-list" aria-labelledby="accounts-list-title">
      <h2 id="accounts-list-title">{t("accounts.opd.listTitle")}</h2>
      <p className="accounts-lead">{t("accounts.opd.listLead")}</p>
      <CursorTable
        testId="accounts-list"
        caption={t("accounts.opd.listTitle")}
        columns={columns}
        rowKey={(u) => u.id}
        list={accounts}
        pages={pages}
        pageSize={PAGE}
        search={{ value: query, applied: q, onChange: setQuery, label: t("accounts.opd.search") }}
        empty={t("accounts.opd.empty")}
      />
    </section>
  );
}
