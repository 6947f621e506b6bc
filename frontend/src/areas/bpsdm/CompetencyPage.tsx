import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  competencyDetail,
  standardDefaults,
  useCreateCompetency,
  usePutStandardDefaults,
  useUpdateCompetency,
} from "../../api/queries/competencies";
import { competencies, referenceList } from "../../api/queries/reference";
import type { CompetencyRead, CompetencyUpdate, StandardDefault } from "../../api/types";
import { useCan } from "../../auth/can";
import { CursorTable } from "../../shell/CursorTable";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Card, type Column, DataTable, Select, TextArea, TextField, useCursorPages, useDebouncedValue } from "../../ui";
import {
  MasterDataDialog,
  MasterDataForm,
  RecordFormDialog,
  type RecordFormProps,
  useMasterDataSave,
} from "./MasterDataDialog";
import { activeParam, cardAction, editColumn, type StatusChoice, StatusFilter } from "./masterDataList";
import "./masterData.css";

const PAGE_SIZE = 50;
const GROUPS = ["manajerial", "sosial_kultural", "teknis"] as const;
const LEVELS = [1, 2, 3, 4, 5] as const;
type Group = (typeof GROUPS)[number];

/** /bpsdm/kompetensi: the competency dictionary and the default levels new positions get. */
export function CompetencyPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.competencyPage.title"));
  const can = useCan();
  return (
    <div className="page page--wide stack">
      <h1>{t("bpsdm.competencyPage.title")}</h1>
      <p className="cell-sub">{t("bpsdm.competencyPage.lead")}</p>
      {!can("competencies_create") && <p className="cell-sub">{t("bpsdm.readOnly")}</p>}
      <DictionaryCard />
      <StandardDefaultsCard />
    </div>
  );
}

function DictionaryCard() {
  const { t } = useTranslation();
  const can = useCan();
  const [query, setQuery] = useState("");
  const [group, setGroup] = useState<Group | "">("");
  const [status, setStatus] = useState<StatusChoice>("all");
  const [form, setForm] = useState<{ code: string | null } | null>(null);
  const q = useDebouncedValue(query.trim(), 300);
  const pages = useCursorPages();
  const list = useQuery({
    ...competencies({
      q,
      group: group || undefined,
      active: activeParam(status),
      cursor: pages.cursor,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const columns: Column<CompetencyRead>[] = [
    { key: "code", header: t("bpsdm.masterData.code"), cell: (c) => c.code },
    {
      key: "name",
      header: t("bpsdm.masterData.name"),
      cell: (c) => (
        <>
          {c.name}
          {c.description && <p className="cell-sub master-clamp">{c.description}</p>}
        </>
      ),
    },
    { key: "group", header: t("bpsdm.reference.group"), cell: (c) => t(`bpsdm.reference.groups.${c.group}`) },
    {
      key: "active",
      header: t("bpsdm.reference.status"),
      cell: (c) => (c.active ? t("bpsdm.reference.active") : t("bpsdm.reference.retired")),
    },
  ];
  if (can("competencies_update"))
    columns.push(
      editColumn(
        t,
        (c) => t("bpsdm.competencyPage.editNamed", { name: c.name }),
        (c) => setForm({ code: c.code }),
      ),
    );

  return (
    <Card
      title={t("bpsdm.competencyPage.dictionary")}
      actions={cardAction(can("competencies_create"), t("bpsdm.competencyPage.add"), () => setForm({ code: null }))}
    >
      <div className="stack">
        <div className="master-filters">
          <Select
            label={t("bpsdm.reference.group")}
            value={group}
            placeholder={t("bpsdm.competencyPage.allGroups")}
            options={GROUPS.map((g) => ({ value: g, label: t(`bpsdm.reference.groups.${g}`) }))}
            onChange={(event) => {
              setGroup(event.target.value as Group | "");
              pages.reset();
            }}
          />
          <StatusFilter
            value={status}
            activeLabel={t("bpsdm.reference.active")}
            inactiveLabel={t("bpsdm.reference.retired")}
            onChange={(value) => {
              setStatus(value);
              pages.reset();
            }}
          />
        </div>
        <CursorTable
          testId="competency-dictionary"
          caption={t("bpsdm.competencyPage.dictionary")}
          columns={columns}
          rowKey={(c) => c.code}
          list={list}
          pages={pages}
          pageSize={PAGE_SIZE}
          search={{ value: query, applied: q, onChange: setQuery, label: t("bpsdm.reference.searchCompetencies") }}
          empty={t("bpsdm.competencyPage.empty")}
        />
      </div>
      {form && <CompetencyFormDialog code={form.code} onClose={() => setForm(null)} />}
    </Card>
  );
}

const COMPETENCY_FIELDS = ["code", "name", "description", "levels", "active"] as const;
const COMPETENCY_CODES = { competency_exists: "code", competency_group_not_creatable: "code" };

interface CompetencyValues {
  code: string;
  name: string;
  description: string;
  levels: string[];
  active: boolean;
}

function valuesOf(competency: CompetencyRead): CompetencyValues {
  const levels = LEVELS.map((n) => competency.levels.find((l) => l.level === n)?.description ?? "");
  return {
    code: competency.code,
    name: competency.name,
    description: competency.description ?? "",
    levels,
    active: competency.active,
  };
}

/** Add a teknis competency (code null) or edit one from GET /competencies/{code} for its ETag. */
function CompetencyFormDialog({ code, onClose }: { code: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useQuery({ ...competencyDetail(code ?? ""), enabled: code !== null });
  return (
    <RecordFormDialog
      title={
        code === null
          ? t("bpsdm.competencyPage.add")
          : t("bpsdm.competencyPage.editNamed", { name: detail.data?.competency.name ?? code })
      }
      onClose={onClose}
      detail={code === null ? undefined : detail}
      record={(loaded) => loaded.competency}
      Form={CompetencyForm}
    />
  );
}

function CompetencyForm({ stored, etag, onConflict, onDone }: RecordFormProps<CompetencyRead>) {
  const { t } = useTranslation();
  const create = useCreateCompetency();
  const update = useUpdateCompetency(stored?.code ?? "");
  const { problem, busy, callbacks } = useMasterDataSave(stored === null ? create : update, {
    codes: COMPETENCY_CODES,
    fields: COMPETENCY_FIELDS,
    onConflict,
    onSaved: onDone,
  });
  const [values, setValues] = useState<CompetencyValues>(() =>
    stored ? valuesOf(stored) : { code: "", name: "", description: "", levels: ["", "", "", "", ""], active: true },
  );
  const group = stored?.group ?? "teknis";

  function submit() {
    const levels = values.levels.map((description, i) => ({ level: i + 1, description: description.trim() }));
    const name = values.name.trim();
    const description = values.description.trim() || null;
    if (stored === null) {
      create.mutate({ code: values.code.trim(), name, group: "teknis", description, levels }, callbacks);
      return;
    }
    // Only what changed: a PATCH touches nothing else.
    const before = valuesOf(stored);
    const patch: CompetencyUpdate = {};
    if (name !== before.name) patch.name = name;
    if ((description ?? "") !== before.description) patch.description = description;
    if (levels.some((l, i) => l.description !== before.levels[i])) patch.levels = levels;
    if (values.active !== before.active) patch.active = values.active;
    update.mutate({ body: patch, etag: etag ?? "" }, callbacks);
  }

  const setLevel = (index: number, text: string) =>
    setValues((v) => ({ ...v, levels: v.levels.map((old, i) => (i === index ? text : old)) }));
  return (
    <MasterDataForm
      problem={problem}
      busy={busy}
      onSubmit={submit}
      onCancel={onDone}
      after={
        <fieldset className="master-add stack" aria-describedby={problem.fields.levels ? "levels-error" : undefined}>
          <legend>{t("bpsdm.competencyPage.levels")}</legend>
          {values.levels.map((text, i) => (
            <TextArea
              // biome-ignore lint/suspicious/noArrayIndexKey: the five levels are fixed positions
              key={i}
              label={t("bpsdm.competencyPage.levelN", { level: i + 1 })}
              value={text}
              required
              rows={2}
              maxLength={4000}
              onChange={(event) => setLevel(i, event.target.value)}
            />
          ))}
          {problem.fields.levels && (
            <p id="levels-error" className="field__error">
              {problem.fields.levels}
            </p>
          )}
        </fieldset>
      }
    >
      <TextField
        label={t("bpsdm.masterData.code")}
        hint={stored === null ? t("bpsdm.competencyPage.codeHint") : undefined}
        value={values.code}
        maxLength={20}
        pattern="[A-Z0-9_.\-]+"
        required
        readOnly={stored !== null}
        error={problem.fields.code}
        onChange={(event) => setValues((v) => ({ ...v, code: event.target.value.toUpperCase() }))}
      />
      <TextField
        label={t("bpsdm.masterData.name")}
        value={values.name}
        maxLength={200}
        required
        error={problem.fields.name}
        onChange={(event) => setValues((v) => ({ ...v, name: event.target.value }))}
      />
      <TextField label={t("bpsdm.reference.group")} value={t(`bpsdm.reference.groups.${group}`)} readOnly />
      {stored !== null && (
        <Select
          label={t("bpsdm.reference.status")}
          hint={t("bpsdm.competencyPage.retireHint")}
          value={values.active ? "active" : "retired"}
          options={[
            { value: "active", label: t("bpsdm.reference.active") },
            { value: "retired", label: t("bpsdm.reference.retired") },
          ]}
          error={problem.fields.active}
          onChange={(event) => setValues((v) => ({ ...v, active: event.target.value === "active" }))}
        />
      )}
      <TextArea
        label={t("bpsdm.competencyPage.description")}
        value={values.description}
        maxLength={4000}
        error={problem.fields.description}
        onChange={(event) => setValues((v) => ({ ...v, description: event.target.value }))}
      />
    </MasterDataForm>
  );
}

/** The rows of the defaults table: each jenis jabatan, and fungsional once per jenjang. */
function useDefaultRows() {
  const jenis = useQuery({ ...referenceList("jenis_jabatan"), throwOnError: false });
  const jenjang = useQuery({ ...referenceList("jenjang"), throwOnError: false });
  const jenisNames = new Map((jenis.data?.items ?? []).map((i) => [i.code, i.name]));
  const jenjangNames = new Map((jenjang.data?.items ?? []).map((i) => [i.code, i.name]));
  const rows: DefaultRow[] = [];
  for (const kind of jenis.data?.items ?? []) {
    if (kind.code !== "fungsional") rows.push({ jenis_jabatan: kind.code, jenjang: null });
    else for (const grade of jenjang.data?.items ?? []) rows.push({ jenis_jabatan: kind.code, jenjang: grade.code });
  }
  const label = (row: DefaultRow) => {
    const kind = jenisNames.get(row.jenis_jabatan) ?? row.jenis_jabatan;
    return row.jenjang ? `${kind} – ${jenjangNames.get(row.jenjang) ?? row.jenjang}` : kind;
  };
  return { rows, label, loading: jenis.isPending || jenjang.isPending };
}

interface DefaultRow {
  jenis_jabatan: string;
  jenjang: string | null;
}

const rowKey = (row: { jenis_jabatan: string; jenjang?: string | null }) => `${row.jenis_jabatan}/${row.jenjang ?? ""}`;

/** The reference rows first, then any kind the table holds that the code lists no longer name. */
function allRows(rows: DefaultRow[], items: StandardDefault[]): DefaultRow[] {
  const known = new Set(rows.map(rowKey));
  const extra = items
    .filter((item) => !known.has(rowKey(item)))
    .map((item) => ({ jenis_jabatan: item.jenis_jabatan, jenjang: item.jenjang ?? null }));
  return [...rows, ...extra];
}

function StandardDefaultsCard() {
  const { t } = useTranslation();
  const can = useCan();
  const defaults = useQuery(standardDefaults());
  const reference = useDefaultRows();
  const [editing, setEditing] = useState(false);
  const levels = new Map((defaults.data?.items ?? []).map((item) => [rowKey(item), item.required_level]));
  const columns: Column<DefaultRow>[] = [
    { key: "kind", header: t("bpsdm.masterData.jenisJabatan"), cell: (row) => reference.label(row) },
    {
      key: "level",
      header: t("bpsdm.competencyPage.defaultLevel"),
      cell: (row) => levels.get(rowKey(row)) ?? t("bpsdm.competencyPage.noDefault"),
      align: "end",
    },
  ];
  return (
    <Card
      title={t("bpsdm.competencyPage.defaults")}
      actions={cardAction(can("standard_defaults_put"), t("bpsdm.competencyPage.editDefaults"), () => setEditing(true))}
    >
      <div className="stack">
        <p className="cell-sub">{t("bpsdm.competencyPage.defaultsLead")}</p>
        {defaults.error && !defaults.data ? (
          <ProblemAlert error={defaults.error} onRetry={() => void defaults.refetch()} />
        ) : (
          <div data-testid="standard-defaults">
            <DataTable
              caption={t("bpsdm.competencyPage.defaults")}
              columns={columns}
              rows={allRows(reference.rows, defaults.data?.items ?? [])}
              rowKey={rowKey}
              loading={!defaults.data || reference.loading}
            />
          </div>
        )}
      </div>
      {editing && <StandardDefaultsDialog onClose={() => setEditing(false)} />}
    </Card>
  );
}

function StandardDefaultsDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const defaults = useQuery(standardDefaults());
  return (
    <MasterDataDialog title={t("bpsdm.competencyPage.editDefaults")} onClose={onClose} load={defaults}>
      {(loaded, onConflict) =>
        loaded && (
          <StandardDefaultsForm
            key={loaded.etag}
            items={loaded.items}
            etag={loaded.etag}
            onConflict={onConflict}
            onDone={onClose}
          />
        )
      }
    </MasterDataDialog>
  );
}

function StandardDefaultsForm({
  items,
  etag,
  onConflict,
  onDone,
}: {
  items: StandardDefault[];
  etag: string;
  onConflict: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const save = usePutStandardDefaults();
  const { problem, busy, callbacks } = useMasterDataSave(save, {
    codes: { duplicate_default: "items", invalid_code: "items" },
    fields: ["items"],
    onConflict,
    onSaved: onDone,
  });
  const reference = useDefaultRows();
  const rows = allRows(reference.rows, items);
  const [levels, setLevels] = useState(() => new Map(items.map((item) => [rowKey(item), String(item.required_level)])));

  function submit() {
    const body: StandardDefault[] = rows.flatMap((row) => {
      const level = levels.get(rowKey(row));
      return level ? [{ jenis_jabatan: row.jenis_jabatan, jenjang: row.jenjang, required_level: Number(level) }] : [];
    });
    save.mutate({ items: body, etag }, callbacks);
  }

  const options = LEVELS.map((n) => ({ value: String(n), label: String(n) }));
  return (
    <MasterDataForm
      problem={problem}
      busy={busy}
      onSubmit={submit}
      onCancel={onDone}
      after={problem.fields.items && <p className="field__error">{problem.fields.items}</p>}
    >
      {rows.map((row) => (
        <Select
          key={rowKey(row)}
          label={t("bpsdm.competencyPage.levelFor", { kind: reference.label(row) })}
          value={levels.get(rowKey(row)) ?? ""}
          placeholder={t("bpsdm.competencyPage.noDefault")}
          options={options}
          onChange={(event) =>
            setLevels((map) => {
              const next = new Map(map);
              next.set(rowKey(row), event.target.value);
              return next;
            })
          }
        />
      ))}
    </MasterDataForm>
  );
}
