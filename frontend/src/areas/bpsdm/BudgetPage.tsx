import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
  budgetDetail,
  budgetYears,
  unitBudgetDetail,
  unitBudgets,
  usePutBudget,
  usePutUnitBudget,
  yearCompliance,
} from "../../api/queries/budgets";
import { allUnits } from "../../api/queries/units";
import type { BudgetBody, BudgetRead, UnitBudgetRead } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Card, type Column, DataTable, Select, Spinner, TextField } from "../../ui";
import { MasterDataDialog, MasterDataForm, useMasterDataSave } from "./MasterDataDialog";
import { cardAction, editColumn } from "./masterDataList";
import "./masterData.css";

const THIS_YEAR = new Date().getFullYear();

/** The years to offer: those on record and the years around this one (next year's is planned now). */
function yearOptions(onRecord: number[] | undefined): number[] {
  return [...new Set([...(onRecord ?? []), THIS_YEAR - 1, THIS_YEAR, THIS_YEAR + 1])].sort((a, b) => b - a);
}

/** /bpsdm/anggaran: a year's belanja daerah, the 0.34 % check, and each unit's pagu and realisasi. */
export function BudgetPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.budgetPage.title"));
  const can = useCan();
  const years = useQuery({ ...budgetYears(), throwOnError: false });
  const [year, setYear] = useState(THIS_YEAR);
  const detail = useQuery(budgetDetail(year));

  return (
    <div className="page page--wide">
      <h1>{t("bpsdm.budgetPage.title")}</h1>
      <p className="cell-sub">{t("bpsdm.budgetPage.lead")}</p>
      {!can("budgets_put") && <p className="cell-sub">{t("bpsdm.readOnly")}</p>}
      <div className="bpsdm-toolbar">
        <Select
          label={t("bpsdm.budgetPage.year")}
          value={String(year)}
          options={yearOptions(years.data).map((y) => ({ value: String(y), label: String(y) }))}
          onChange={(event) => setYear(Number(event.target.value))}
        />
      </div>
      {detail.error && detail.data === undefined ? (
        <ProblemAlert error={detail.error} onRetry={() => void detail.refetch()} />
      ) : detail.data === undefined ? (
        <Spinner />
      ) : (
        <div className="stack" key={year}>
          <div className="bpsdm-grid">
            <ProvinceCard year={year} detail={detail.data} />
            {detail.data && <ComplianceCard year={year} />}
          </div>
          {detail.data && <UnitBudgetsCard year={year} />}
        </div>
      )}
    </div>
  );
}

const JURISDICTIONS = ["provinsi", "kabupaten_kota"] as const;

function ProvinceCard({ year, detail }: { year: number; detail: { budget: BudgetRead; etag: string } | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const [editing, setEditing] = useState(false);
  const title = t("bpsdm.budgetPage.province", { year });
  return (
    <Card
      title={title}
      actions={cardAction(
        can("budgets_put"),
        t(detail ? "bpsdm.budgetPage.editProvince" : "bpsdm.budgetPage.recordProvince"),
        () => setEditing(true),
      )}
    >
      {detail ? (
        <dl className="master-facts" data-testid="province-budget">
          <div>
            <dt>{t("bpsdm.budgetPage.total")}</dt>
            <dd>{f.rupiah(detail.budget.total_belanja_daerah_idr)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budgetPage.jurisdiction")}</dt>
            <dd>{t(`bpsdm.budgetPage.jurisdictions.${detail.budget.jurisdiction}`)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budgetPage.updated")}</dt>
            <dd>{f.dateTime(detail.budget.updated_at)}</dd>
          </div>
        </dl>
      ) : (
        <p className="cell-sub">{t("bpsdm.budgetPage.noBudget", { year })}</p>
      )}
      {editing && <ProvinceFormDialog year={year} onClose={() => setEditing(false)} />}
    </Card>
  );
}

const BUDGET_FIELDS = ["jurisdiction", "total_belanja_daerah_idr"] as const;
const UNIT_BUDGET_FIELDS = ["pagu_idr", "realisasi_idr"] as const;

/** Whole rupiah as typed ("21.690.000.000" or "21690000000") → a number, or null when not one. */
export function parseRupiah(text: string): number | null {
  const digits = text.replace(/[.\s]/g, "");
  if (!/^\d{1,16}$/.test(digits)) return null;
  return Number(digits);
}

/** The dialog re-reads the budget for its ETag: a 412 reloads it and remounts the form with its values. */
function ProvinceFormDialog({ year, onClose }: { year: number; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useQuery(budgetDetail(year));
  return (
    <MasterDataDialog title={t("bpsdm.budgetPage.province", { year })} onClose={onClose} load={detail}>
      {(current, onConflict) => (
        <ProvinceForm
          key={current?.etag ?? "new"}
          year={year}
          initial={current?.budget ?? null}
          etag={current?.etag ?? null}
          onConflict={onConflict}
          onDone={onClose}
        />
      )}
    </MasterDataDialog>
  );
}

function ProvinceForm({
  year,
  initial,
  etag,
  onConflict,
  onDone,
}: {
  year: number;
  initial: BudgetRead | null;
  etag: string | null;
  onConflict: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const save = usePutBudget(year);
  const { problem, busy, callbacks } = useMasterDataSave(save, {
    fields: BUDGET_FIELDS,
    onConflict,
    onSaved: onDone,
  });
  const [jurisdiction, setJurisdiction] = useState<BudgetBody["jurisdiction"]>(initial?.jurisdiction ?? "provinsi");
  const [total, setTotal] = useState(initial ? String(initial.total_belanja_daerah_idr) : "");
  const [invalid, setInvalid] = useState(false);

  function submit() {
    const amount = parseRupiah(total);
    setInvalid(amount === null || amount === 0);
    if (amount === null || amount === 0) return;
    save.mutate({ body: { jurisdiction, total_belanja_daerah_idr: amount }, etag }, callbacks);
  }

  return (
    <MasterDataForm problem={problem} busy={busy} onSubmit={submit} onCancel={onDone}>
      <TextField
        label={t("bpsdm.budgetPage.total")}
        hint={t("bpsdm.budgetPage.rupiahHint")}
        inputMode="numeric"
        value={total}
        required
        error={invalid ? t("bpsdm.budgetPage.positiveRupiah") : problem.fields.total_belanja_daerah_idr}
        onChange={(event) => setTotal(event.target.value)}
      />
      <Select
        label={t("bpsdm.budgetPage.jurisdiction")}
        value={jurisdiction}
        required
        options={JURISDICTIONS.map((j) => ({ value: j, label: t(`bpsdm.budgetPage.jurisdictions.${j}`) }))}
        error={problem.fields.jurisdiction}
        onChange={(event) => setJurisdiction(event.target.value as BudgetBody["jurisdiction"])}
      />
    </MasterDataForm>
  );
}

function ComplianceCard({ year }: { year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const check = useQuery(yearCompliance(year));
  const title = t("bpsdm.budgetPage.compliance");
  if (check.error && !check.data)
    return (
      <Card title={title}>
        <ProblemAlert error={check.error} onRetry={() => void check.refetch()} />
      </Card>
    );
  if (!check.data)
    return (
      <Card title={title}>
        <Spinner />
      </Card>
    );
  const c = check.data;
  const pct = (value: number) => f.percent(value, 4);
  return (
    <Card title={title}>
      <div className="stack" data-testid="budget-compliance">
        <p className={c.compliant ? "budget-status budget-status--met" : "budget-status budget-status--short"}>
          {c.compliant ? t("bpsdm.budget.met") : t("bpsdm.budget.short", { amount: f.rupiah(c.shortfall_idr) })}
        </p>
        <dl className="master-facts budget-facts">
          <div>
            <dt>{t("bpsdm.budget.pagu")}</dt>
            <dd data-testid="compliance-pagu">{f.rupiah(c.bangkom_pagu_idr)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.share")}</dt>
            <dd data-testid="compliance-share">{pct(c.pagu_pct)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.requiredMin", { pct: pct(c.threshold_pct) })}</dt>
            <dd>{f.rupiah(c.required_min_idr)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budget.realisasi")}</dt>
            <dd>
              {f.rupiah(c.bangkom_realisasi_idr)} ({pct(c.realisasi_pct)})
            </dd>
          </div>
          <div>
            <dt>{t("bpsdm.budgetPage.rate")}</dt>
            <dd>{c.realisation_rate_pct === null ? "—" : f.percent(c.realisation_rate_pct, 1)}</dd>
          </div>
          <div>
            <dt>{t("bpsdm.budgetPage.costPerJp")}</dt>
            <dd>{c.cost_per_jp_idr === null ? "—" : f.rupiah(c.cost_per_jp_idr)}</dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}

function UnitBudgetsCard({ year }: { year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const rows = useQuery(unitBudgets(year));
  const [form, setForm] = useState<{ unitId: number | null } | null>(null);
  const [query, setQuery] = useState("");
  const needle = query.trim().toLocaleLowerCase("id");
  const visible = (rows.data ?? []).filter(
    (row) => !needle || `${row.name} ${row.code}`.toLocaleLowerCase("id").includes(needle),
  );
  const columns: Column<UnitBudgetRead>[] = [
    {
      key: "unit",
      header: t("bpsdm.budgetPage.unit"),
      cell: (row) => (
        <>
          {row.name} <span className="cell-sub">{row.code}</span>
        </>
      ),
      sortValue: (row) => row.name,
    },
    {
      key: "pagu",
      header: t("bpsdm.budgetPage.pagu"),
      cell: (row) => f.rupiah(row.pagu_idr),
      sortValue: (row) => row.pagu_idr,
      align: "end",
    },
    {
      key: "realisasi",
      header: t("bpsdm.budgetPage.realisasi"),
      cell: (row) => (
        <>
          {f.rupiah(row.realisasi_idr)}
          {row.over_pagu && <span className="cell-sub"> · {t("bpsdm.budgetPage.overPagu")}</span>}
        </>
      ),
      sortValue: (row) => row.realisasi_idr,
      align: "end",
    },
    {
      key: "rate",
      header: t("bpsdm.budgetPage.rate"),
      cell: (row) => (row.realisation_rate_pct === null ? "—" : f.percent(row.realisation_rate_pct, 1)),
      sortValue: (row) => row.realisation_rate_pct,
      align: "end",
    },
  ];
  if (can("unit_budgets_put"))
    columns.push(
      editColumn(
        t,
        (row) => t("bpsdm.budgetPage.editUnitNamed", { name: row.name }),
        (row) => setForm({ unitId: row.unit_id }),
      ),
    );

  return (
    <Card
      title={t("bpsdm.budgetPage.units", { year })}
      actions={cardAction(can("unit_budgets_put"), t("bpsdm.budgetPage.addUnit"), () => setForm({ unitId: null }))}
    >
      {rows.error && !rows.data ? (
        <ProblemAlert error={rows.error} onRetry={() => void rows.refetch()} />
      ) : (
        <DataTable
          caption={t("bpsdm.budgetPage.units", { year })}
          columns={columns}
          rows={visible}
          rowKey={(row) => row.unit_id}
          loading={!rows.data}
          search={{ value: query, onChange: setQuery, label: t("bpsdm.budgetPage.search") }}
          empty={needle ? t("ui.noMatches", { query: query.trim() }) : t("bpsdm.budgetPage.noUnits", { year })}
          phoneLayout="cards"
        />
      )}
      {form && (
        <UnitBudgetDialog
          year={year}
          unitId={form.unitId}
          budgeted={new Set((rows.data ?? []).map((row) => row.unit_id))}
          onClose={() => setForm(null)}
        />
      )}
    </Card>
  );
}

/** Add a unit's budget (unitId null: pick the unit) or edit one from GET …/units/{id} for its ETag. */
function UnitBudgetDialog({
  year,
  unitId,
  budgeted,
  onClose,
}: {
  year: number;
  unitId: number | null;
  budgeted: Set<number>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const detail = useQuery({ ...unitBudgetDetail(year, unitId ?? 0), enabled: unitId !== null });
  const units = useQuery({ ...allUnits(), enabled: unitId === null });
  if (unitId === null)
    return (
      <MasterDataDialog title={t("bpsdm.budgetPage.addUnit")} onClose={onClose} load={units}>
        {(all, onConflict) => (
          <UnitBudgetForm
            year={year}
            unitChoices={(all ?? [])
              .filter((u) => !budgeted.has(u.id))
              .map((u) => ({ value: String(u.id), label: `${u.name} (${u.code})` }))}
            initial={null}
            etag={null}
            onConflict={onConflict}
            onDone={onClose}
          />
        )}
      </MasterDataDialog>
    );
  return (
    <MasterDataDialog
      title={t("bpsdm.budgetPage.editUnitNamed", { name: detail.data?.row.name ?? "" })}
      onClose={onClose}
      load={detail}
    >
      {(loaded, onConflict) =>
        loaded && (
          <UnitBudgetForm
            key={loaded.etag}
            year={year}
            unitChoices={null}
            initial={loaded.row}
            etag={loaded.etag}
            onConflict={onConflict}
            onDone={onClose}
          />
        )
      }
    </MasterDataDialog>
  );
}

function UnitBudgetForm({
  year,
  unitChoices,
  initial,
  etag,
  onConflict,
  onDone,
}: {
  year: number;
  /** The units to choose from when adding; null when editing `initial`'s unit. */
  unitChoices: { value: string; label: string }[] | null;
  initial: UnitBudgetRead | null;
  etag: string | null;
  onConflict: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState(initial ? String(initial.unit_id) : "");
  const save = usePutUnitBudget(year, Number(unit));
  const { problem, busy, callbacks } = useMasterDataSave(save, {
    codes: { unit_not_found: "unit" },
    fields: UNIT_BUDGET_FIELDS,
    onConflict,
    onSaved: onDone,
  });
  const [pagu, setPagu] = useState(initial ? String(initial.pagu_idr) : "");
  const [realisasi, setRealisasi] = useState(initial ? String(initial.realisasi_idr) : "");
  const [touched, setTouched] = useState(false);
  const paguValue = parseRupiah(pagu);
  const realisasiValue = parseRupiah(realisasi);

  function submit() {
    setTouched(true);
    if (paguValue === null || realisasiValue === null || !unit) return;
    save.mutate({ body: { pagu_idr: paguValue, realisasi_idr: realisasiValue }, etag }, callbacks);
  }

  const rupiahError = (value: number | null) =>
    touched && value === null ? t("bpsdm.budgetPage.wholeRupiah") : undefined;
  return (
    <MasterDataForm
      problem={problem}
      busy={busy}
      onSubmit={submit}
      onCancel={onDone}
      after={
        paguValue !== null &&
        realisasiValue !== null &&
        realisasiValue > paguValue && <p className="cell-sub">{t("bpsdm.budgetPage.overPaguHint")}</p>
      }
    >
      {unitChoices && (
        <Select
          label={t("bpsdm.budgetPage.unit")}
          value={unit}
          required
          placeholder={t("bpsdm.masterData.choose")}
          options={unitChoices}
          error={problem.fields.unit}
          onChange={(event) => setUnit(event.target.value)}
        />
      )}
      <TextField
        label={t("bpsdm.budgetPage.pagu")}
        hint={t("bpsdm.budgetPage.rupiahHint")}
        inputMode="numeric"
        value={pagu}
        required
        error={rupiahError(paguValue) ?? problem.fields.pagu_idr}
        onChange={(event) => setPagu(event.target.value)}
      />
      <TextField
        label={t("bpsdm.budgetPage.realisasi")}
        hint={t("bpsdm.budgetPage.rupiahHint")}
        inputMode="numeric"
        value={realisasi}
        required
        error={rupiahError(realisasiValue) ?? problem.fields.realisasi_idr}
        onChange={(event) => setRealisasi(event.target.value)}
      />
    </MasterDataForm>
  );
}
