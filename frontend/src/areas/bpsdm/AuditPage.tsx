import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { type AuditFilters, auditEntities, auditLog, auditQuery, NO_AUDIT_FILTERS } from "../../api/queries/audit";
import type { AuditRead } from "../../api/types";
import { isRole } from "../../auth/roles";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Card, type Column, DataTable, DateField, Select, TextField } from "../../ui";
import "./audit.css";

const PAGE = 50;

// The filters live in the address (Indonesian names, like /bpsdm/referensi?jenis=…), so a filtered
// view can be bookmarked or sent to a colleague, and Back undoes a filter.
const PARAM: Record<keyof AuditFilters, string> = {
  entity: "entitas",
  key: "kunci",
  actor: "pelaku",
  from: "dari",
  to: "sampai",
};
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function filtersFrom(params: URLSearchParams): AuditFilters {
  const value = (name: keyof AuditFilters) => params.get(PARAM[name]) ?? "";
  const day = (name: "from" | "to") => (DAY.test(value(name)) ? value(name) : "");
  return { entity: value("entity"), key: value("key"), actor: value("actor"), from: day("from"), to: day("to") };
}

function paramsFrom(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of Object.keys(PARAM) as Array<keyof AuditFilters>) {
    const value = filters[name].trim();
    if (value) params.set(PARAM[name], value);
  }
  return params;
}

/** /bpsdm/audit: the audit trail of every write, newest first, for BPSDM admins and auditors. */
export function AuditPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.audit.title"));
  const [params, setParams] = useSearchParams();
  const filters = filtersFrom(params);
  const filtered = paramsFrom(filters).size > 0;
  const log = useInfiniteQuery(auditLog(auditQuery(filters), PAGE));
  const rows = log.data?.pages.flatMap((page) => page.items) ?? [];
  const total = log.data?.pages[0]?.total;
  const columns = useColumns();

  return (
    <div className="page page--wide stack">
      <div>
        <h1>{t("bpsdm.audit.title")}</h1>
        <p className="lead">{t("bpsdm.audit.lead")}</p>
      </div>
      <Card title={t("bpsdm.audit.filtersTitle")}>
        {/* Keyed by the address: following a key link or going Back refills the form. */}
        <FilterForm key={params.toString()} initial={filters} onApply={(next) => setParams(paramsFrom(next))} />
      </Card>
      {log.error && !log.data ? (
        <ProblemAlert error={log.error} onRetry={() => void log.refetch()} />
      ) : (
        <section className="stack" aria-labelledby="audit-results">
          <h2 id="audit-results" className="audit-results__title">
            {total === undefined
              ? t("bpsdm.audit.resultsTitle")
              : t("bpsdm.audit.shown", { shown: rows.length, total })}
          </h2>
          <div className="audit-table">
            <DataTable
              caption={t("bpsdm.audit.title")}
              columns={columns}
              rows={rows}
              rowKey={(row) => row.id}
              loading={log.isFetching && !log.isFetchingNextPage}
              empty={filtered ? t("bpsdm.audit.emptyFiltered") : t("bpsdm.audit.empty")}
            />
          </div>
          {log.isFetchNextPageError && <ProblemAlert error={log.error} onRetry={() => void log.fetchNextPage()} />}
          {log.hasNextPage && !log.isFetchNextPageError && (
            <div className="form-actions">
              <Button
                variant="secondary"
                busy={log.isFetchingNextPage}
                busyLabel={t("bpsdm.audit.loadingMore")}
                onClick={() => void log.fetchNextPage()}
              >
                {t("bpsdm.audit.loadMore")}
              </Button>
            </div>
          )}
        </section>
      )}
    </div>
  );
}

function FilterForm({ initial, onApply }: { initial: AuditFilters; onApply: (filters: AuditFilters) => void }) {
  const { t } = useTranslation();
  const entities = useQuery(auditEntities());
  const [values, setValues] = useState(initial);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const bind = (name: keyof AuditFilters) => ({
    value: values[name],
    onChange: (event: { target: { value: string } }) => {
      setValues((v) => ({ ...v, [name]: event.target.value }));
      if (name === "from" || name === "to") setRangeError(null);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (values.from && values.to && values.from > values.to) {
      setRangeError(t("bpsdm.audit.rangeError"));
      return;
    }
    onApply(values);
  }

  // The names the trail holds; one typed into the address that is not among them still shows.
  const names = entities.data?.items ?? [];
  const known = values.entity && !names.includes(values.entity) ? [...names, values.entity] : names;
  const entityLabel = useEntityLabel();

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={t("bpsdm.audit.filtersTitle")}>
      <div className="audit-filters">
        {entities.error ? (
          // Without the list, the name can still be typed.
          <TextField label={t("bpsdm.audit.entity")} hint={t("bpsdm.audit.entityHint")} {...bind("entity")} />
        ) : (
          <Select
            label={t("bpsdm.audit.entity")}
            placeholder={t("bpsdm.audit.allEntities")}
            options={known.map((name) => ({ value: name, label: entityLabel(name) }))}
            {...bind("entity")}
          />
        )}
        <TextField label={t("bpsdm.audit.key")} hint={t("bpsdm.audit.keyHint")} maxLength={120} {...bind("key")} />
        <TextField
          label={t("bpsdm.audit.actor")}
          hint={t("bpsdm.audit.actorHint")}
          maxLength={120}
          autoComplete="off"
          {...bind("actor")}
        />
        <DateField label={t("bpsdm.audit.from")} {...bind("from")} />
        <DateField label={t("bpsdm.audit.to")} error={rangeError} {...bind("to")} />
      </div>
      <div className="form-actions">
        <Button type="submit">{t("bpsdm.audit.apply")}</Button>
        <Button
          variant="secondary"
          onClick={() => {
            setValues(NO_AUDIT_FILTERS);
            setRangeError(null);
            onApply(NO_AUDIT_FILTERS);
          }}
        >
          {t("bpsdm.audit.reset")}
        </Button>
      </div>
    </form>
  );
}

/** A stored name ("learning_record") in words where the SPA knows it, else as stored. */
function useEntityLabel() {
  const { t } = useTranslation();
  return (name: string) => t(`bpsdm.audit.entities.${name}`, { defaultValue: name });
}

function useColumns(): Column<AuditRead>[] {
  const { t } = useTranslation();
  const f = useFormat();
  const entityLabel = useEntityLabel();
  return [
    {
      key: "at",
      header: t("bpsdm.audit.colAt"),
      cell: (row) => <time dateTime={row.at}>{f.dateTime(row.at)}</time>,
    },
    {
      key: "actor",
      header: t("bpsdm.audit.colActor"),
      cell: (row) => (
        <>
          <span className="cell-main">{row.actor}</span>
          <span className="cell-sub">
            {isRole(row.role) ? t(`roles.${row.role}`) : row.role === "system" ? t("bpsdm.audit.systemRole") : row.role}
          </span>
        </>
      ),
    },
    {
      key: "action",
      header: t("bpsdm.audit.colAction"),
      cell: (row) => t(`bpsdm.audit.actions.${row.action}`, { defaultValue: row.action }),
    },
    {
      key: "object",
      header: t("bpsdm.audit.colObject"),
      cell: (row) => (
        <>
          <span className="cell-main">{entityLabel(row.entity)}</span>
          {/* The object's whole history: the trail filtered to this entity and key. */}
          <Link
            className="cell-sub audit-key"
            to={{ search: paramsFrom({ ...NO_AUDIT_FILTERS, entity: row.entity, key: row.key }).toString() }}
            title={t("bpsdm.audit.historyOf", { key: row.key })}
          >
            {row.key}
          </Link>
        </>
      ),
    },
    {
      key: "change",
      header: t("bpsdm.audit.colChange"),
      cell: (row) =>
        row.before || row.after ? (
          <details className="audit-change">
            <summary>{t("bpsdm.audit.showChange")}</summary>
            <ChangeList before={row.before ?? null} after={row.after ?? null} />
          </details>
        ) : (
          <span className="cell-sub audit-no-change">{t("bpsdm.audit.noChangeData")}</span>
        ),
    },
  ];
}

type Snapshot = Record<string, unknown> | null;

function show(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/**
 * The fields of the change: for an update only those whose value changed (a snapshot also repeats
 * unchanged fields), each as "before → after"; a create shows what was written, a removal what was.
 */
export function ChangeList({ before, after }: { before: Snapshot; after: Snapshot }) {
  const { t } = useTranslation();
  const names = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const both = before !== null && after !== null;
  const changed = both ? names.filter((name) => show(before[name]) !== show(after[name])) : names;
  const shown = changed.length > 0 ? changed : names;
  return (
    <dl className="audit-change__list">
      {shown.map((name) => (
        <div key={name} className="audit-change__field">
          <dt>
            <code>{name}</code>
          </dt>
          <dd>
            {before !== null && (
              <span className="audit-change__before">
                <span className="visually-hidden">{t("bpsdm.audit.before")}: </span>
                {show(before[name])}
              </span>
            )}
            {both && <span aria-hidden="true"> → </span>}
            {after !== null && (
              <span className="audit-change__after">
                <span className="visually-hidden">{t("bpsdm.audit.after")}: </span>
                {show(after[name])}
              </span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
