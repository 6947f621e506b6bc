import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ruleSet, useCopyRules, useSaveRules } from "../../api/queries/rules";
import type { RuleSet } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Button, Card, DataTable, Modal, Select, Spinner, TextField, useToast } from "../../ui";

/** /bpsdm/aturan: the regulation values in force for a year, editable by a BPSDM admin. */
export function RulesPage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.rules.title"));
  const thisYear = new Date().getFullYear();
  const [year, setYear] = useState(thisYear);
  const years = Array.from({ length: 6 }, (_, i) => thisYear + 1 - i);
  return (
    <div className="page page--wide">
      <h1>{t("bpsdm.rules.title")}</h1>
      <div className="bpsdm-toolbar">
        <Select
          label={t("bpsdm.rules.year")}
          value={String(year)}
          onChange={(event) => setYear(Number(event.target.value))}
          options={years.map((y) => ({ value: String(y), label: String(y) }))}
        />
      </div>
      <RulesForYear key={year} year={year} />
    </div>
  );
}

function RulesForYear({ year }: { year: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const can = useCan();
  const rules = useQuery(ruleSet(year));
  const [editing, setEditing] = useState(false);
  if (rules.error && !rules.data) return <ProblemAlert error={rules.error} onRetry={() => void rules.refetch()} />;
  if (!rules.data) return <Spinner />;
  const { rules: r, etag } = rules.data;
  return (
    <div className="stack">
      {r.source_year !== r.year ? (
        <Alert tone="warning" title={t("bpsdm.rules.fallbackTitle", { year: r.year, source: r.source_year })}>
          <p>{t("bpsdm.rules.inherited", { year: r.year, source: r.source_year })}</p>
          {can("rules_copy") && <CopyRules year={r.year} source={r.source_year} />}
        </Alert>
      ) : (
        <p className="cell-sub" data-testid="rules-own">
          {t("bpsdm.rules.ownSet", { year: r.year })}
        </p>
      )}
      <Card
        title={t("bpsdm.rules.values")}
        actions={
          can("rules_put") && !editing ? (
            <Button variant="secondary" onClick={() => setEditing(true)}>
              {t("bpsdm.rules.edit")}
            </Button>
          ) : undefined
        }
      >
        {editing ? (
          <RulesForm rules={r} etag={r.source_year === r.year ? etag : null} onDone={() => setEditing(false)} />
        ) : (
          <dl className="budget-figures" data-testid="rules-values">
            <div>
              <dt>{t("bpsdm.rules.jpMinutes")}</dt>
              <dd>{f.number(r.jp_minutes)}</dd>
            </div>
            <div>
              <dt>{t("bpsdm.rules.pnsMinJp")}</dt>
              <dd>{f.number(r.pns_min_jp)}</dd>
            </div>
            <div>
              <dt>{t("bpsdm.rules.pppkMaxJp")}</dt>
              <dd>{f.number(r.pppk_max_jp)}</dd>
            </div>
            <div>
              <dt>{t("bpsdm.rules.budgetProvinsi")}</dt>
              <dd>{f.percent(r.budget_min_pct.provinsi, 2)}</dd>
            </div>
            <div>
              <dt>{t("bpsdm.rules.budgetKabKota")}</dt>
              <dd>{f.percent(r.budget_min_pct.kabupaten_kota, 2)}</dd>
            </div>
            <div>
              <dt>{t("bpsdm.rules.updatedAt")}</dt>
              <dd>{f.dateTime(r.updated_at)}</dd>
            </div>
          </dl>
        )}
      </Card>
      <div className="bpsdm-grid">
        <Card title={t("bpsdm.rules.bands")}>
          <DataTable
            caption={t("bpsdm.rules.bands")}
            columns={[
              { key: "label", header: t("bpsdm.rules.bandLabel"), cell: (b) => b.label },
              { key: "min", header: t("bpsdm.rules.bandMin"), align: "end", cell: (b) => f.number(b.min) },
            ]}
            rows={r.jpm_bands}
            rowKey={(b) => b.label}
          />
        </Card>
        <Card title={t("bpsdm.rules.formRules")}>
          <DataTable
            caption={t("bpsdm.rules.formRules")}
            columns={[
              { key: "form", header: t("bpsdm.rules.formCode"), cell: (x) => x.form_code },
              { key: "factor", header: t("bpsdm.rules.jpFactor"), align: "end", cell: (x) => num(f, x.jp_factor) },
              { key: "fixed", header: t("bpsdm.rules.fixedJp"), align: "end", cell: (x) => num(f, x.fixed_jp) },
              { key: "day", header: t("bpsdm.rules.maxPerDay"), align: "end", cell: (x) => num(f, x.max_jp_per_day) },
              {
                key: "year",
                header: t("bpsdm.rules.maxPerYear"),
                align: "end",
                cell: (x) => num(f, x.max_jp_per_year),
              },
            ]}
            rows={r.form_rules ?? []}
            rowKey={(x) => x.form_code}
          />
        </Card>
      </div>
    </div>
  );
}

/** "Salin dari tahun lalu": the year gets its own copy of the set it falls back to, after a confirmation. */
function CopyRules({ year, source }: { year: number; source: number }) {
  const { t } = useTranslation();
  const toast = useToast();
  const copy = useCopyRules(year);
  const [open, setOpen] = useState(false);

  function close() {
    copy.reset();
    setOpen(false);
  }

  function confirm() {
    copy.mutate(
      { fromYear: source },
      {
        onSuccess: () => {
          toast.show(t("bpsdm.rules.copied", { year, source }), { tone: "success" });
          setOpen(false);
        },
      },
    );
  }

  return (
    <>
      <div className="form-actions">
        <Button variant="secondary" onClick={() => setOpen(true)}>
          {t("bpsdm.rules.copy", { source })}
        </Button>
      </div>
      <Modal
        open={open}
        title={t("bpsdm.rules.copyTitle", { year })}
        onClose={close}
        footer={
          <>
            <Button variant="secondary" onClick={close}>
              {t("bpsdm.cancel")}
            </Button>
            <Button onClick={confirm} busy={copy.isPending} busyLabel={t("bpsdm.rules.copying")}>
              {t("bpsdm.rules.copyConfirm")}
            </Button>
          </>
        }
      >
        <div className="stack">
          <p>{t("bpsdm.rules.copyBody", { year, source })}</p>
          {copy.error && <ProblemAlert error={copy.error} />}
        </div>
      </Modal>
    </>
  );
}

function num(f: ReturnType<typeof useFormat>, value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : f.number(value);
}

function RulesForm({ rules, etag, onDone }: { rules: RuleSet; etag: string | null; onDone: () => void }) {
  const { t } = useTranslation();
  const save = useSaveRules(rules.year);
  const [values, setValues] = useState({
    jp_minutes: String(rules.jp_minutes),
    pns_min_jp: String(rules.pns_min_jp),
    pppk_max_jp: String(rules.pppk_max_jp),
    provinsi: String(rules.budget_min_pct.provinsi),
    kabupaten_kota: String(rules.budget_min_pct.kabupaten_kota),
  });
  const bind = (name: keyof typeof values) => ({
    value: values[name],
    onChange: (event: { target: { value: string } }) => setValues((v) => ({ ...v, [name]: event.target.value })),
    inputMode: "decimal" as const,
    required: true,
  });
  // Indonesian decimals use a comma; the API takes a point.
  const decimal = (value: string) => value.trim().replace(",", ".");

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(
      {
        etag,
        body: {
          jp_minutes: Number(decimal(values.jp_minutes)),
          pns_min_jp: decimal(values.pns_min_jp),
          pppk_max_jp: decimal(values.pppk_max_jp),
          budget_min_pct: { provinsi: decimal(values.provinsi), kabupaten_kota: decimal(values.kabupaten_kota) },
          jpm_bands: rules.jpm_bands,
          form_rules: rules.form_rules,
          // PUT replaces the rule set: fields this form does not edit are sent back as they are.
          max_jp_per_day: rules.max_jp_per_day,
          jpm_method: rules.jpm_method,
          jpm_group_weights: rules.jpm_group_weights,
          talent_rules: rules.talent_rules,
          ip_asn_rules: rules.ip_asn_rules,
          completeness_rules: rules.completeness_rules,
          planning_rules: rules.planning_rules,
        },
      },
      { onSuccess: onDone },
    );
  }

  return (
    <form className="stack" onSubmit={submit}>
      <div className="bpsdm-form-grid">
        <TextField label={t("bpsdm.rules.jpMinutes")} {...bind("jp_minutes")} inputMode="numeric" />
        <TextField label={t("bpsdm.rules.pnsMinJp")} {...bind("pns_min_jp")} />
        <TextField label={t("bpsdm.rules.pppkMaxJp")} {...bind("pppk_max_jp")} />
        <TextField label={t("bpsdm.rules.budgetProvinsi")} {...bind("provinsi")} />
        <TextField label={t("bpsdm.rules.budgetKabKota")} {...bind("kabupaten_kota")} />
      </div>
      {save.error && <ProblemAlert error={save.error} />}
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
