import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { positionDetail, positionStandard, useBulkApplyStandard, useSaveStandard } from "../../api/queries/positions";
import { competencies, referenceList } from "../../api/queries/reference";
import { allUnits } from "../../api/queries/units";
import type { BulkApply, BulkResult, PositionRead, StandardItem, StandardLine } from "../../api/types";
import { useCan } from "../../auth/can";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  Alert,
  Button,
  Card,
  DataTable,
  Modal,
  Select,
  Spinner,
  TextField,
  useDebouncedValue,
  useToast,
} from "../../ui";
import { saveProblem } from "./masterDataForm";
import "./masterData.css";

const LEVELS = [1, 2, 3, 4, 5].map((level) => ({ value: String(level), label: String(level) }));

/** /bpsdm/organisasi/jabatan/:positionId: a position's competency standard (SKJ), editable by BPSDM. */
export function PositionStandardPage() {
  const { t } = useTranslation();
  const positionId = Number(useParams().positionId);
  const position = useQuery(positionDetail(positionId));
  usePageTitle(position.data?.position.name ?? t("bpsdm.masterData.skj.title"));
  return (
    <div className="page page--wide">
      <p>
        <Link to="/bpsdm/organisasi">← {t("bpsdm.masterData.org.title")}</Link>
      </p>
      {position.error && !position.data ? (
        <ProblemAlert error={position.error} onRetry={() => void position.refetch()} />
      ) : !position.data ? (
        <Spinner />
      ) : (
        <>
          <h1>{position.data.position.name}</h1>
          <p className="cell-sub">
            {position.data.position.code} · {position.data.position.jenis_jabatan}
            {position.data.position.jenjang ? ` · ${position.data.position.jenjang}` : ""}
          </p>
          <StandardCard position={position.data.position} />
        </>
      )}
    </div>
  );
}

function StandardCard({ position }: { position: PositionRead }) {
  const { t } = useTranslation();
  const can = useCan();
  const standard = useQuery(positionStandard(position.id));
  const [editing, setEditing] = useState(false);
  // Outside the editor: a 412 reloads the standard, which remounts the editor with the saved lines.
  const [conflict, setConflict] = useState(false);
  const [bulkOpen, setBulkOpen] = useState(false);
  if (standard.error && !standard.data) {
    return <ProblemAlert error={standard.error} onRetry={() => void standard.refetch()} />;
  }
  if (!standard.data) return <Spinner />;
  const { items } = standard.data.standard;
  return (
    <Card
      title={t("bpsdm.masterData.skj.title")}
      actions={
        !editing && (
          <div className="master-actions">
            {can("position_standards_put") && (
              <Button variant="secondary" onClick={() => setEditing(true)}>
                {t("bpsdm.masterData.skj.edit")}
              </Button>
            )}
            {can("position_standards_bulk") && items.length > 0 && (
              <Button variant="secondary" onClick={() => setBulkOpen(true)}>
                {t("bpsdm.masterData.skj.bulk")}
              </Button>
            )}
          </div>
        )
      }
    >
      {conflict && (
        <Alert tone="warning" title={t("bpsdm.masterData.conflictTitle")}>
          <p>{t("bpsdm.masterData.conflictBody")}</p>
        </Alert>
      )}
      {editing ? (
        // Keyed by the ETag: a reload after a 412 starts the editor over from the saved lines, while
        // a refetch that finds the same version keeps what is being typed.
        <StandardEditor
          key={standard.data.etag ?? "new"}
          positionId={position.id}
          lines={items}
          etag={standard.data.etag}
          onConflict={() => setConflict(true)}
          onDone={() => {
            setConflict(false);
            setEditing(false);
          }}
        />
      ) : items.length === 0 ? (
        <p className="cell-sub">{t("bpsdm.masterData.skj.empty")}</p>
      ) : (
        <StandardTable lines={items} />
      )}
      {bulkOpen && (
        <BulkApplyDialog
          position={position}
          items={items.map(({ competency_code, required_level }) => ({ competency_code, required_level }))}
          onClose={() => setBulkOpen(false)}
        />
      )}
    </Card>
  );
}

function StandardTable({ lines }: { lines: StandardLine[] }) {
  const { t } = useTranslation();
  return (
    <DataTable
      caption={t("bpsdm.masterData.skj.title")}
      columns={[
        { key: "code", header: t("bpsdm.masterData.code"), cell: (l) => l.competency_code },
        { key: "name", header: t("bpsdm.masterData.name"), cell: (l) => l.name },
        { key: "group", header: t("bpsdm.masterData.skj.group"), cell: (l) => t(`bpsdm.reference.groups.${l.group}`) },
        { key: "level", header: t("bpsdm.masterData.skj.level"), align: "end", cell: (l) => l.required_level },
      ]}
      rows={lines}
      rowKey={(l) => l.competency_code}
    />
  );
}

interface EditLine {
  competency_code: string;
  name: string;
  required_level: number;
}

/** The standard's lines with a level each: change, remove, add from the dictionary, then PUT with If-Match. */
function StandardEditor({
  positionId,
  lines,
  etag,
  onConflict,
  onDone,
}: {
  positionId: number;
  lines: StandardLine[];
  etag: string | null;
  onConflict: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const save = useSaveStandard(positionId);
  const [rows, setRows] = useState<EditLine[]>(() =>
    lines.map(({ competency_code, name, required_level }) => ({ competency_code, name, required_level })),
  );
  const problem = saveProblem(t, save.error, {}, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(
      { etag, items: rows.map(({ competency_code, required_level }) => ({ competency_code, required_level })) },
      {
        onSuccess: () => {
          toast.show(t("bpsdm.masterData.saved"), { tone: "success" });
          onDone();
        },
        onError: (error) => {
          if (saveProblem(t, error, {}, []).conflict) onConflict();
        },
      },
    );
  }

  return (
    <form className="stack" onSubmit={submit} data-testid="standard-editor">
      {rows.length === 0 ? (
        <p className="cell-sub">{t("bpsdm.masterData.skj.empty")}</p>
      ) : (
        <ul className="master-list">
          {rows.map((row, index) => (
            <li key={row.competency_code} className="master-list__item">
              <div>
                <strong>{row.competency_code}</strong> {row.name}
              </div>
              <div className="master-actions">
                <Select
                  label={t("bpsdm.masterData.skj.levelOf", { code: row.competency_code })}
                  value={String(row.required_level)}
                  options={LEVELS}
                  onChange={(event) =>
                    setRows((list) =>
                      list.map((r, i) => (i === index ? { ...r, required_level: Number(event.target.value) } : r)),
                    )
                  }
                />
                <Button
                  variant="ghost"
                  aria-label={t("bpsdm.masterData.skj.removeNamed", { code: row.competency_code })}
                  onClick={() => setRows((list) => list.filter((_, i) => i !== index))}
                >
                  {t("bpsdm.masterData.skj.remove")}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <AddCompetency
        taken={new Set(rows.map((r) => r.competency_code))}
        onAdd={(line) => setRows((list) => [...list, line])}
      />
      {problem.other !== null && <ProblemAlert error={problem.other} />}
      <div className="form-actions">
        <Button type="submit" busy={save.isPending} busyLabel={t("bpsdm.saving")}>
          {t("bpsdm.save")}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          {t("bpsdm.cancel")}
        </Button>
      </div>
    </form>
  );
}

/** Picks an active competency of the dictionary by code or name and a required level. */
function AddCompetency({ taken, onAdd }: { taken: Set<string>; onAdd: (line: EditLine) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const [code, setCode] = useState("");
  const [level, setLevel] = useState("3");
  const search = useDebouncedValue(q, 250);
  const found = useQuery({
    ...competencies({ q: search, active: true, limit: 50 }),
    placeholderData: keepPreviousData,
  });
  const options = (found.data?.items ?? [])
    .filter((c) => !taken.has(c.code))
    .map((c) => ({ value: c.code, label: `${c.code} – ${c.name}` }));
  const chosen = found.data?.items.find((c) => c.code === code);
  return (
    <fieldset className="master-add">
      <legend>{t("bpsdm.masterData.skj.add")}</legend>
      <div className="bpsdm-form-grid">
        <TextField
          type="search"
          label={t("bpsdm.masterData.skj.searchCompetency")}
          value={q}
          onChange={(event) => setQ(event.target.value)}
        />
        <Select
          label={t("bpsdm.masterData.skj.competency")}
          value={code}
          placeholder={t("bpsdm.masterData.choose")}
          options={options}
          onChange={(event) => setCode(event.target.value)}
        />
        <Select
          label={t("bpsdm.masterData.skj.level")}
          value={level}
          options={LEVELS}
          onChange={(event) => setLevel(event.target.value)}
        />
      </div>
      {found.error && <ProblemAlert error={found.error} onRetry={() => void found.refetch()} />}
      <div className="form-actions">
        <Button
          variant="secondary"
          disabled={!chosen}
          onClick={() => {
            if (!chosen) return;
            onAdd({ competency_code: chosen.code, name: chosen.name, required_level: Number(level) });
            setCode("");
          }}
        >
          {t("bpsdm.masterData.skj.addButton")}
        </Button>
      </div>
    </fieldset>
  );
}

/**
 * "Terapkan ke jabatan sejenis": the position's saved standard for every position of a jenis jabatan
 * (and jenjang), optionally only in one unit's subtree. `replace` overwrites their lines, `merge`
 * adds and updates these lines and keeps the rest.
 */
function BulkApplyDialog({
  position,
  items,
  onClose,
}: {
  position: PositionRead;
  items: StandardItem[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const bulk = useBulkApplyStandard();
  const units = useQuery(allUnits());
  const jenis = useQuery({ ...referenceList("jenis_jabatan"), throwOnError: false });
  const jenjang = useQuery({ ...referenceList("jenjang"), throwOnError: false });
  const [values, setValues] = useState({
    jenis_jabatan: position.jenis_jabatan,
    jenjang: position.jenjang ?? "",
    unit_id: "",
    mode: "merge" as BulkApply["mode"],
  });
  const [result, setResult] = useState<BulkResult | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const body: BulkApply = {
      jenis_jabatan: values.jenis_jabatan,
      jenjang: values.jenis_jabatan === "fungsional" && values.jenjang ? values.jenjang : null,
      unit_id: values.unit_id ? Number(values.unit_id) : null,
      mode: values.mode,
      items,
    };
    bulk.mutate(body, { onSuccess: setResult });
  }

  return (
    <Modal open title={t("bpsdm.masterData.skj.bulkTitle")} onClose={onClose}>
      {result ? (
        <div className="stack">
          <Alert tone="success" title={t("bpsdm.masterData.skj.bulkDone")}>
            <p data-testid="bulk-result">
              {t("bpsdm.masterData.skj.bulkResult", {
                positions: result.positions,
                changed: result.positions_changed,
                asn: result.asn_affected,
              })}
            </p>
          </Alert>
          <div className="form-actions">
            <Button onClick={onClose}>{t("bpsdm.masterData.close")}</Button>
          </div>
        </div>
      ) : (
        <form className="stack" onSubmit={submit}>
          <p>{t("bpsdm.masterData.skj.bulkLead", { count: items.length })}</p>
          <div className="bpsdm-form-grid">
            <Select
              label={t("bpsdm.masterData.jenisJabatan")}
              value={values.jenis_jabatan}
              required
              options={(jenis.data?.items ?? [{ code: position.jenis_jabatan, name: position.jenis_jabatan }]).map(
                (item) => ({ value: item.code, label: item.name }),
              )}
              onChange={(event) => setValues((v) => ({ ...v, jenis_jabatan: event.target.value }))}
            />
            {values.jenis_jabatan === "fungsional" && (
              <Select
                label={t("bpsdm.masterData.jenjang")}
                value={values.jenjang}
                placeholder={t("bpsdm.masterData.skj.allJenjang")}
                options={(jenjang.data?.items ?? []).map((item) => ({ value: item.code, label: item.name }))}
                onChange={(event) => setValues((v) => ({ ...v, jenjang: event.target.value }))}
              />
            )}
            <Select
              label={t("bpsdm.masterData.skj.bulkUnit")}
              value={values.unit_id}
              placeholder={t("bpsdm.masterData.skj.allUnits")}
              options={(units.data ?? []).map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
              onChange={(event) => setValues((v) => ({ ...v, unit_id: event.target.value }))}
            />
            <Select
              label={t("bpsdm.masterData.skj.mode")}
              value={values.mode}
              options={[
                { value: "merge", label: t("bpsdm.masterData.skj.modeMerge") },
                { value: "replace", label: t("bpsdm.masterData.skj.modeReplace") },
              ]}
              onChange={(event) => setValues((v) => ({ ...v, mode: event.target.value as BulkApply["mode"] }))}
            />
          </div>
          {bulk.error && <ProblemAlert error={bulk.error} />}
          <div className="form-actions">
            <Button type="submit" busy={bulk.isPending} busyLabel={t("bpsdm.saving")}>
              {t("bpsdm.masterData.skj.bulkConfirm")}
            </Button>
            <Button variant="secondary" onClick={onClose}>
              {t("bpsdm.cancel")}
            </Button>
          </div>
        </form>
      )}
    </Modal>
  );
}
