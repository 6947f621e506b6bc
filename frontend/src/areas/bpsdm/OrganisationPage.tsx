import { useQuery } from "@tanstack/react-query";
import { type Dispatch, type SetStateAction, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { positionDetail, unitPositions, useCreatePosition, useUpdatePosition } from "../../api/queries/positions";
import { referenceList } from "../../api/queries/reference";
import { allUnits, unitDetail, useCreateUnit, useUpdateUnit } from "../../api/queries/units";
import type { ReferenceKind, UnitRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Card, Select, Spinner, TextField } from "../../ui";
import { MasterDataDialog, MasterDataForm, useMasterDataSave } from "./MasterDataDialog";
import { changed, type SaveProblem } from "./masterDataForm";
import { cardAction } from "./masterDataList";
import "./masterData.css";

/** /bpsdm/organisasi: the unit tree, a unit's positions, and their forms (BPSDM edits, others read). */
export function OrganisationPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.masterData.org.title"));
  const can = useCan();
  const units = useQuery(allUnits());
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<number | null>(null);
  const [unitForm, setUnitForm] = useState<{ unitId: number | null } | null>(null);

  return (
    <div className="page page--wide">
      <h1>{t("bpsdm.masterData.org.title")}</h1>
      <p className="cell-sub">{t("bpsdm.masterData.org.lead")}</p>
      {!can("units_create") && <p className="cell-sub">{t("bpsdm.readOnly")}</p>}
      {units.error && !units.data ? (
        <ProblemAlert error={units.error} onRetry={() => void units.refetch()} />
      ) : !units.data ? (
        <Spinner />
      ) : (
        <div className="bpsdm-grid">
          <Card
            title={t("bpsdm.masterData.org.tree")}
            actions={cardAction(can("units_create"), t("bpsdm.masterData.org.addUnit"), () =>
              setUnitForm({ unitId: null }),
            )}
          >
            <TextField
              type="search"
              label={t("bpsdm.masterData.org.search")}
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
            <UnitTree units={units.data} query={query} selected={selected} onSelect={setSelected} />
          </Card>
          {selected !== null ? (
            <UnitPanel
              key={selected}
              unit={units.data.find((u) => u.id === selected)}
              units={units.data}
              onEdit={() => setUnitForm({ unitId: selected })}
            />
          ) : (
            <Card title={t("bpsdm.masterData.org.unit")}>
              <p className="cell-sub">{t("bpsdm.masterData.org.pickUnit")}</p>
            </Card>
          )}
        </div>
      )}
      {unitForm && units.data && (
        <UnitFormDialog
          unitId={unitForm.unitId}
          units={units.data}
          defaultParent={selected}
          onClose={(saved) => {
            setUnitForm(null);
            if (saved) setSelected(saved);
          }}
        />
      )}
    </div>
  );
}

interface TreeNode {
  unit: UnitRead;
  children: TreeNode[];
}

function buildTree(units: UnitRead[]): TreeNode[] {
  const nodes = new Map(units.map((unit) => [unit.id, { unit, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.unit.parent_id === null ? undefined : nodes.get(node.unit.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => a.unit.name.localeCompare(b.unit.name, "id"));
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/**
 * The units as nested lists. A search by name or code keeps the matches and their ancestors (so
 * each match is shown where it sits) and opens every branch; otherwise branches open on demand.
 */
export function UnitTree({
  units,
  query,
  selected,
  onSelect,
}: {
  units: UnitRead[];
  query: string;
  selected: number | null;
  onSelect: (unitId: number) => void;
}) {
  const { t } = useTranslation();
  const tree = useMemo(() => buildTree(units), [units]);
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const needle = query.trim().toLocaleLowerCase("id");
  const visible = useMemo(() => {
    if (!needle) return null;
    const byId = new Map(units.map((u) => [u.id, u]));
    const keep = new Set<number>();
    for (const unit of units) {
      if (!`${unit.name} ${unit.code}`.toLocaleLowerCase("id").includes(needle)) continue;
      for (
        let u: UnitRead | undefined = unit;
        u && !keep.has(u.id);
        u = u.parent_id ? byId.get(u.parent_id) : undefined
      ) {
        keep.add(u.id);
      }
    }
    return keep;
  }, [units, needle]);

  if (units.length === 0) return <p className="cell-sub">{t("bpsdm.masterData.org.noUnits")}</p>;
  if (visible && visible.size === 0) return <p className="cell-sub">{t("ui.noMatches", { query: query.trim() })}</p>;

  const toggle = (id: number) =>
    setOpen((set) => {
      const next = new Set(set);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const render = (nodes: TreeNode[]) => (
    <ul className="unit-tree__list">
      {nodes
        .filter((node) => !visible || visible.has(node.unit.id))
        .map(({ unit, children }) => {
          const expanded = visible !== null || open.has(unit.id);
          return (
            <li key={unit.id}>
              <div className={unit.id === selected ? "unit-tree__row unit-tree__row--selected" : "unit-tree__row"}>
                {children.length > 0 ? (
                  <button
                    type="button"
                    className="unit-tree__toggle"
                    aria-expanded={expanded}
                    aria-label={t(expanded ? "bpsdm.masterData.org.collapse" : "bpsdm.masterData.org.expand", {
                      name: unit.name,
                    })}
                    onClick={() => toggle(unit.id)}
                    disabled={visible !== null}
                  >
                    {expanded ? "▾" : "▸"}
                  </button>
                ) : (
                  <span className="unit-tree__leaf" aria-hidden="true" />
                )}
                <button
                  type="button"
                  className="unit-tree__name"
                  aria-current={unit.id === selected ? "true" : undefined}
                  onClick={() => onSelect(unit.id)}
                >
                  {unit.name} <span className="cell-sub">{unit.code}</span>
                </button>
              </div>
              {expanded && children.length > 0 && render(children)}
            </li>
          );
        })}
    </ul>
  );
  return (
    <nav className="unit-tree" aria-label={t("bpsdm.masterData.org.tree")} data-testid="unit-tree">
      {render(tree)}
    </nav>
  );
}

function useCodeNames(kind: ReferenceKind) {
  const list = useQuery({ ...referenceList(kind), throwOnError: false });
  return list.data?.items.map((item) => ({ value: item.code, label: item.name })) ?? [];
}

function UnitPanel({ unit, units, onEdit }: { unit: UnitRead | undefined; units: UnitRead[]; onEdit: () => void }) {
  const { t } = useTranslation();
  const can = useCan();
  const positions = useQuery({ ...unitPositions(unit?.id ?? 0), enabled: unit !== undefined });
  const [positionForm, setPositionForm] = useState<{ positionId: number | null } | null>(null);
  const jenisNames = new Map(useCodeNames("jenis_jabatan").map((o) => [o.value, o.label]));
  if (!unit) return null;
  const parent = units.find((u) => u.id === unit.parent_id);
  return (
    <div className="stack">
      <Card title={unit.name} actions={cardAction(can("units_update"), t("bpsdm.masterData.org.editUnit"), onEdit)}>
        <dl className="master-facts">
          <div>
            <dt>{t("bpsdm.masterData.code")}</dt>
            <dd>{unit.code}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.masterData.org.kind")}</dt>
            <dd>{unit.kind}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.masterData.org.parent")}</dt>
            <dd>{parent ? parent.name : t("bpsdm.masterData.org.topLevel")}</dd>
          </div>
        </dl>
      </Card>
      <Card
        title={t("bpsdm.masterData.org.positions")}
        actions={cardAction(can("positions_create"), t("bpsdm.masterData.org.addPosition"), () =>
          setPositionForm({ positionId: null }),
        )}
      >
        {positions.error && !positions.data ? (
          <ProblemAlert error={positions.error} onRetry={() => void positions.refetch()} />
        ) : !positions.data ? (
          <Spinner />
        ) : positions.data.length === 0 ? (
          <p className="cell-sub">{t("bpsdm.masterData.org.noPositions")}</p>
        ) : (
          <ul className="master-list" data-testid="unit-positions">
            {positions.data.map((position) => (
              <li key={position.id} className="master-list__item">
                <div>
                  <Link to={`/bpsdm/organisasi/jabatan/${position.id}`}>{position.name}</Link>
                  <p className="cell-sub">
                    {position.code} · {jenisNames.get(position.jenis_jabatan) ?? position.jenis_jabatan}
                    {position.jenjang ? ` · ${position.jenjang}` : ""}
                  </p>
                </div>
                {can("positions_update") && (
                  <Button
                    variant="ghost"
                    aria-label={t("bpsdm.masterData.org.editPositionNamed", { name: position.name })}
                    onClick={() => setPositionForm({ positionId: position.id })}
                  >
                    {t("bpsdm.masterData.edit")}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {positionForm && (
        <PositionFormDialog
          positionId={positionForm.positionId}
          unitId={unit.id}
          units={units}
          onClose={() => setPositionForm(null)}
        />
      )}
    </div>
  );
}

const unitOptions = (units: UnitRead[]) => units.map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }));

/** The code and name fields a unit and a position form share. */
function CodeAndName<V extends { code: string; name: string }>({
  values,
  setValues,
  problem,
  codeMaxLength,
}: {
  values: V;
  setValues: Dispatch<SetStateAction<V>>;
  problem: SaveProblem;
  codeMaxLength: number;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        label={t("bpsdm.masterData.code")}
        value={values.code}
        maxLength={codeMaxLength}
        required
        error={problem.fields.code}
        onChange={(event) => setValues((v) => ({ ...v, code: event.target.value }))}
      />
      <TextField
        label={t("bpsdm.masterData.name")}
        value={values.name}
        maxLength={200}
        required
        error={problem.fields.name}
        onChange={(event) => setValues((v) => ({ ...v, name: event.target.value }))}
      />
    </>
  );
}

const UNIT_FIELDS = ["code", "name", "kind", "parent_id"] as const;
const UNIT_CODES = {
  unit_code_exists: "code",
  invalid_code: "kind",
  unit_cycle: "parent_id",
  unit_not_found: "parent_id",
};

interface UnitValues {
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
}

/** Create (unitId null) or edit a unit; an edit starts from GET /units/{id} for its ETag. */
function UnitFormDialog({
  unitId,
  units,
  defaultParent,
  onClose,
}: {
  unitId: number | null;
  units: UnitRead[];
  defaultParent: number | null;
  onClose: (saved?: number) => void;
}) {
  const { t } = useTranslation();
  const detail = useQuery({ ...unitDetail(unitId ?? 0), enabled: unitId !== null });
  return (
    <MasterDataDialog
      title={t(unitId === null ? "bpsdm.masterData.org.addUnit" : "bpsdm.masterData.org.editUnit")}
      onClose={() => onClose()}
      load={unitId === null ? undefined : detail}
    >
      {(loaded, onConflict) =>
        loaded ? (
          <UnitForm
            key={loaded.etag}
            initial={{
              code: loaded.unit.code,
              name: loaded.unit.name,
              kind: loaded.unit.kind,
              parent_id: loaded.unit.parent_id,
            }}
            units={units.filter((u) => u.id !== loaded.unit.id)}
            etag={loaded.etag}
            unitId={loaded.unit.id}
            onConflict={onConflict}
            onDone={onClose}
          />
        ) : (
          <UnitForm
            initial={{ code: "", name: "", kind: "", parent_id: defaultParent }}
            units={units}
            etag={null}
            unitId={null}
            onConflict={onConflict}
            onDone={onClose}
          />
        )
      }
    </MasterDataDialog>
  );
}

function UnitForm({
  initial,
  units,
  etag,
  unitId,
  onConflict,
  onDone,
}: {
  initial: UnitValues;
  units: UnitRead[];
  etag: string | null;
  unitId: number | null;
  onConflict: () => void;
  onDone: (saved?: number) => void;
}) {
  const { t } = useTranslation();
  const create = useCreateUnit();
  const update = useUpdateUnit(unitId ?? 0);
  const { problem, busy, callbacks } = useMasterDataSave(unitId === null ? create : update, {
    codes: UNIT_CODES,
    fields: UNIT_FIELDS,
    onConflict,
    onSaved: (unit: UnitRead) => onDone(unit.id),
  });
  const kinds = useCodeNames("unit_kinds");
  const [values, setValues] = useState(initial);

  function submit() {
    const body = { ...values, code: values.code.trim(), name: values.name.trim() };
    if (unitId === null) create.mutate(body, callbacks);
    else update.mutate({ body: changed(initial, body), etag: etag ?? "" }, callbacks);
  }

  const kindOptions =
    kinds.some((k) => k.value === values.kind) || !values.kind
      ? kinds
      : [...kinds, { value: values.kind, label: values.kind }];
  return (
    <MasterDataForm problem={problem} busy={busy} onSubmit={submit} onCancel={() => onDone()}>
      <CodeAndName values={values} setValues={setValues} problem={problem} codeMaxLength={40} />
      <Select
        label={t("bpsdm.masterData.org.kind")}
        value={values.kind}
        required
        placeholder={t("bpsdm.masterData.choose")}
        options={kindOptions}
        error={problem.fields.kind}
        onChange={(event) => setValues((v) => ({ ...v, kind: event.target.value }))}
      />
      <Select
        label={t("bpsdm.masterData.org.parent")}
        value={values.parent_id === null ? "" : String(values.parent_id)}
        placeholder={t("bpsdm.masterData.org.topLevel")}
        options={unitOptions(units)}
        error={problem.fields.parent_id}
        onChange={(event) =>
          setValues((v) => ({ ...v, parent_id: event.target.value ? Number(event.target.value) : null }))
        }
      />
    </MasterDataForm>
  );
}

const POSITION_FIELDS = ["code", "name", "jenis_jabatan", "jenjang", "unit_id"] as const;
const POSITION_CODES = { position_code_exists: "code", invalid_code: "jenjang", unit_not_found: "unit_id" };

interface PositionValues {
  code: string;
  name: string;
  jenis_jabatan: string;
  jenjang: string | null;
  unit_id: number;
}

/** Create (positionId null) or edit a position; an edit starts from GET /positions/{id} for its ETag. */
export function PositionFormDialog({
  positionId,
  unitId,
  units,
  onClose,
}: {
  positionId: number | null;
  unitId: number;
  units: UnitRead[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const detail = useQuery({ ...positionDetail(positionId ?? 0), enabled: positionId !== null });
  return (
    <MasterDataDialog
      title={t(positionId === null ? "bpsdm.masterData.org.addPosition" : "bpsdm.masterData.org.editPosition")}
      onClose={onClose}
      load={positionId === null ? undefined : detail}
    >
      {(loaded, onConflict) =>
        loaded ? (
          <PositionForm
            key={loaded.etag}
            initial={{
              code: loaded.position.code,
              name: loaded.position.name,
              jenis_jabatan: loaded.position.jenis_jabatan,
              jenjang: loaded.position.jenjang ?? null,
              unit_id: loaded.position.unit_id,
            }}
            units={units}
            etag={loaded.etag}
            positionId={loaded.position.id}
            onConflict={onConflict}
            onDone={onClose}
          />
        ) : (
          <PositionForm
            initial={{ code: "", name: "", jenis_jabatan: "", jenjang: null, unit_id: unitId }}
            units={units}
            etag={null}
            positionId={null}
            onConflict={onConflict}
            onDone={onClose}
          />
        )
      }
    </MasterDataDialog>
  );
}

function PositionForm({
  initial,
  units,
  etag,
  positionId,
  onConflict,
  onDone,
}: {
  initial: PositionValues;
  units: UnitRead[];
  etag: string | null;
  positionId: number | null;
  onConflict: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const create = useCreatePosition();
  const update = useUpdatePosition(positionId ?? 0);
  const { problem, busy, callbacks } = useMasterDataSave(positionId === null ? create : update, {
    codes: POSITION_CODES,
    fields: POSITION_FIELDS,
    onConflict,
    onSaved: onDone,
  });
  const jenis = useCodeNames("jenis_jabatan");
  const jenjang = useCodeNames("jenjang");
  const [values, setValues] = useState(initial);
  const fungsional = values.jenis_jabatan === "fungsional";

  function submit() {
    const body = {
      ...values,
      code: values.code.trim(),
      name: values.name.trim(),
      // A jenjang belongs to a fungsional position only.
      jenjang: fungsional ? values.jenjang || null : null,
    };
    if (positionId === null) create.mutate(body, callbacks);
    else update.mutate({ body: changed(initial, body), etag: etag ?? "" }, callbacks);
  }

  return (
    <MasterDataForm problem={problem} busy={busy} onSubmit={submit} onCancel={onDone}>
      <CodeAndName values={values} setValues={setValues} problem={problem} codeMaxLength={60} />
      <Select
        label={t("bpsdm.masterData.jenisJabatan")}
        value={values.jenis_jabatan}
        required
        placeholder={t("bpsdm.masterData.choose")}
        options={jenis}
        error={problem.fields.jenis_jabatan}
        onChange={(event) => setValues((v) => ({ ...v, jenis_jabatan: event.target.value }))}
      />
      {fungsional && (
        <Select
          label={t("bpsdm.masterData.jenjang")}
          value={values.jenjang ?? ""}
          required
          placeholder={t("bpsdm.masterData.choose")}
          options={jenjang}
          error={problem.fields.jenjang}
          onChange={(event) => setValues((v) => ({ ...v, jenjang: event.target.value || null }))}
        />
      )}
      <Select
        label={t("bpsdm.masterData.org.unit")}
        value={String(values.unit_id)}
        required
        options={unitOptions(units)}
        error={problem.fields.unit_id}
        onChange={(event) => setValues((v) => ({ ...v, unit_id: Number(event.target.value) }))}
      />
    </MasterDataForm>
  );
}
