import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useMe } from "../../api/queries/auth";
import { allUnits } from "../../api/queries/units";
import type { ProvisionResult } from "../../api/types";
import { useCan } from "../../auth/can";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Spinner } from "../../ui";
import { ProvisionDialog, ProvisionedList, unitTree } from "../accounts/Accounts";

/**
 * /opd/akun: the OPD admin creates accounts for the ASN of its unit tree and hands out the one-time
 * passwords. An OPD admin may not list user accounts (users_list is BPSDM's and the auditor's), so a
 * reset is offered on the accounts just created; older accounts are reset by BPSDM.
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
      <p className="accounts-lead no-print">{t("accounts.opd.resetNote")}</p>
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
