import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { clientList, useCreateClient, useRotateSecret } from "../../api/queries/clients";
import type { ClientCreate, ClientRead, ClientWithSecret } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, type Column, DataTable, Modal, TextField, useCursorPages } from "../../ui";

/** Every scope the API grants (ClientsPage.test.tsx checks the list against openapi.json). */
export const SCOPES: ClientCreate["scopes"] = [
  "asn:read",
  "asn:write",
  "learning:read",
  "learning:write",
  "budget:read",
  "budget:write",
  "reference:read",
  "talent:read",
  "talent:write",
];

/** /bpsdm/klien: integration clients; a new or rotated secret is shown once. */
export function ClientsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  usePageTitle(t("bpsdm.clients.title"));
  const can = useCan();
  const pages = useCursorPages();
  const clients = useQuery(clientList(pages.cursor));
  const rotate = useRotateSecret();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<ClientWithSecret | null>(null);

  const columns: Column<ClientRead>[] = [
    {
      key: "name",
      header: t("bpsdm.clients.name"),
      cell: (c) => (
        <>
          <span className="cell-main">{c.name}</span>
          <code className="cell-sub">{c.client_id}</code>
        </>
      ),
    },
    { key: "scopes", header: t("bpsdm.clients.scopes"), cell: (c) => c.scopes.join(", ") },
    { key: "active", header: t("bpsdm.users.active"), cell: (c) => (c.active ? t("bpsdm.yes") : t("bpsdm.no")) },
    { key: "created", header: t("bpsdm.users.created"), cell: (c) => f.date(c.created_at) },
  ];
  if (can("clients_rotate_secret")) {
    columns.push({
      key: "rotate",
      header: t("bpsdm.clients.secret"),
      cell: (c) => (
        <Button
          variant="secondary"
          busy={rotate.isPending && rotate.variables === c.id}
          aria-label={t("bpsdm.clients.rotateFor", { name: c.name })}
          onClick={() => {
            if (window.confirm(t("bpsdm.clients.rotateConfirm", { name: c.name }))) {
              rotate.mutate(c.id, { onSuccess: setSecret });
            }
          }}
        >
          {t("bpsdm.clients.rotate")}
        </Button>
      ),
    });
  }

  return (
    <div className="page page--wide">
      <div className="bpsdm-heading">
        <h1>{t("bpsdm.clients.title")}</h1>
        {can("clients_create") && <Button onClick={() => setCreating(true)}>{t("bpsdm.clients.add")}</Button>}
      </div>
      <p className="lead">{t("bpsdm.clients.lead")}</p>
      {rotate.error && <ProblemAlert error={rotate.error} />}
      {clients.error && !clients.data ? (
        <ProblemAlert error={clients.error} onRetry={() => void clients.refetch()} />
      ) : (
        <DataTable
          caption={t("bpsdm.clients.title")}
          columns={columns}
          rows={clients.data?.items ?? []}
          rowKey={(c) => c.id}
          loading={clients.isFetching}
          empty={t("bpsdm.clients.none")}
          pagination={{
            pageIndex: pages.pageIndex,
            pageSize: 50,
            total: clients.data?.total,
            hasPrevious: pages.hasPrevious,
            hasNext: Boolean(clients.data?.next_cursor),
            onPrevious: pages.previous,
            onNext: () => pages.next(clients.data?.next_cursor),
          }}
        />
      )}
      <Modal open={creating} title={t("bpsdm.clients.add")} onClose={() => setCreating(false)}>
        <ClientForm
          onCancel={() => setCreating(false)}
          onCreated={(created) => {
            setCreating(false);
            setSecret(created);
          }}
        />
      </Modal>
      <Modal
        open={secret !== null}
        title={t("bpsdm.clients.secretTitle")}
        onClose={() => setSecret(null)}
        footer={<Button onClick={() => setSecret(null)}>{t("bpsdm.clients.secretDone")}</Button>}
      >
        {secret && (
          <div className="stack">
            <Alert tone="warning">{t("bpsdm.clients.secretOnce")}</Alert>
            <dl className="budget-figures">
              <div>
                <dt>{t("bpsdm.clients.clientId")}</dt>
                <dd>
                  <code>{secret.client_id}</code>
                </dd>
              </div>
              <div>
                <dt>{t("bpsdm.clients.clientSecret")}</dt>
                <dd>
                  <code className="secret" data-testid="client-secret">
                    {secret.client_secret}
                  </code>
                </dd>
              </div>
            </dl>
          </div>
        )}
      </Modal>
    </div>
  );
}

function ClientForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (client: ClientWithSecret) => void }) {
  const { t } = useTranslation();
  const create = useCreateClient();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ClientCreate["scopes"]>(["asn:read"]);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim(), scopes }, { onSuccess: onCreated });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <TextField
        label={t("bpsdm.clients.name")}
        required
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <fieldset className="bpsdm-fieldset">
        <legend>{t("bpsdm.clients.scopes")}</legend>
        {SCOPES.map((scope) => (
          <label key={scope} className="checkbox">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(event) =>
                setScopes((list) => (event.target.checked ? [...list, scope] : list.filter((s) => s !== scope)))
              }
            />{" "}
            <code>{scope}</code>
          </label>
        ))}
      </fieldset>
      {create.error && <ProblemAlert error={create.error} />}
      <div className="form-actions">
        <Button type="submit" busy={create.isPending} busyLabel={t("bpsdm.saving")} disabled={scopes.length === 0}>
          {t("bpsdm.save")}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          {t("bpsdm.cancel")}
        </Button>
      </div>
    </form>
  );
}
