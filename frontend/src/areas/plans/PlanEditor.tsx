import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { type FormEvent, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/problem";
import { courses } from "../../api/queries/courses";
import { type PlanItemIn, type PlanRead, useSavePlanItems } from "../../api/queries/plans";
import { referenceList } from "../../api/queries/reference";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Alert, Button, Select, TextArea, TextField } from "../../ui";
import { QUARTERS, usePlanLookups } from "./parts";

export const MAX_ITEMS = 30;
const MAX_JP = 2000;
const MAX_COST = 10 ** 13;

/** One item as the form holds it: text as typed, "" for none. */
export interface DraftItem {
  key: number;
  competency_code: string;
  course_id: string;
  title: string;
  form_code: string;
  planned_jp: string;
  planned_quarter: string;
  estimated_cost_idr: string;
  reason: string;
}

type Field = Exclude<keyof DraftItem, "key">;
type ItemErrors = Partial<Record<Field, string>>;

let nextKey = 1;

export function draftOf(item: PlanRead["items"][number] | null, defaultQuarter: number): DraftItem {
  return {
    key: nextKey++,
    competency_code: item?.competency_code ?? "",
    course_id: item?.course_id != null ? String(item.course_id) : "",
    title: item?.title ?? "",
    form_code: item?.form_code ?? "",
    planned_jp: item ? String(item.planned_jp) : "",
    planned_quarter: String(item?.planned_quarter ?? defaultQuarter),
    estimated_cost_idr: item ? String(item.estimated_cost_idr) : "0",
    reason: item?.reason ?? "",
  };
}

/** JP as typed ("24", "2,5" or "2.5") → "2.5", or null when it is not a number with at most 2 decimals. */
export function parseJp(text: string): string | null {
  const normalised = text.trim().replace(",", ".");
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(normalised)) return null;
  return normalised;
}

/** Rupiah as typed, thousands separators allowed ("3.500.000") → 3500000, or null. */
export function parseRupiah(text: string): number | null {
  const typed = text.replace(/^\s*Rp\.?/i, "").replace(/\s/g, "");
  if (typed === "") return 0;
  // Whole rupiah: digits, or groups of three after "." or "," ("12,5" is a decimal, not 125).
  if (!/^(\d{1,14}|\d{1,3}([.,]\d{3}){1,4})$/.test(typed)) return null;
  const value = Number(typed.replace(/[.,]/g, ""));
  return value <= MAX_COST ? value : null;
}

/** The server's 422 `invalid_plan_items` errors (`loc: ["body", "items", i, field]`), by item and field. */
function serverErrors(error: unknown): Map<number, ItemErrors> {
  const out = new Map<number, ItemErrors>();
  if (!(error instanceof ApiError) || error.status !== 422) return out;
  for (const issue of error.problem?.errors ?? []) {
    const [, list, index, field] = issue.loc;
    if (list !== "items" || typeof index !== "number" || typeof field !== "string") continue;
    out.set(index, { ...out.get(index), [field]: issue.msg });
  }
  return out;
}

/**
 * The items of a draft or returned plan, edited in place: add, remove, move up or down; a course from
 * the catalogue for the item's competency or a free title; the form from the SIASN reference list.
 * Saving replaces all the items with If-Match; a 412 (someone changed the plan meanwhile) closes the
 * editor through `onConflict` and the page shows the plan as it now is.
 */
export function PlanEditor({
  plan,
  etag,
  onDone,
  onConflict,
}: {
  plan: PlanRead;
  etag: string | null;
  onDone: () => void;
  onConflict: () => void;
}) {
  const { t } = useTranslation();
  const save = useSavePlanItems(plan.nip, plan.year);
  const defaultQuarter = plan.items.at(-1)?.planned_quarter ?? 1;
  const [items, setItems] = useState<DraftItem[]>(() => plan.items.map((item) => draftOf(item, defaultQuarter)));
  const [checked, setChecked] = useState(false);
  const firstInvalid = useRef<HTMLFormElement>(null);
  const { competencyList } = usePlanLookups();
  const forms = useQuery({ ...referenceList("learning_forms"), throwOnError: false });
  const formOptions = (forms.data?.items ?? []).map((form) => ({ value: form.code, label: form.name }));
  const competencyOptions = competencyList
    .filter((c) => c.active || items.some((item) => item.competency_code === c.code))
    .map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }));

  const local = items.map((item) => validate(item, t));
  const remote = serverErrors(save.error);
  const invalid = local.some((errors) => Object.keys(errors).length > 0);

  function update(key: number, changes: Partial<DraftItem>) {
    setItems((list) => list.map((item) => (item.key === key ? { ...item, ...changes } : item)));
  }

  function move(index: number, by: -1 | 1) {
    setItems((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item);
      return next;
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    if (invalid) {
      requestAnimationFrame(() => firstInvalid.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus());
      return;
    }
    save.mutate(
      { items: items.map(toItemIn), etag },
      {
        onSuccess: onDone,
        onError: (error) => {
          if (error instanceof ApiError && error.status === 412) onConflict();
        },
      },
    );
  }

  return (
    <form ref={firstInvalid} className="stack plan-editor" onSubmit={submit} noValidate data-testid="plan-editor">
      {items.length === 0 && <p className="plan-empty">{t("plans.edit.none")}</p>}
      <ol className="plan-edit-list">
        {items.map((item, index) => (
          <li key={item.key} className="plan-edit-item">
            <fieldset>
              <legend>{t("plans.edit.legend", { n: index + 1 })}</legend>
              <ItemFields
                item={item}
                errors={{ ...(checked ? local[index] : {}), ...remote.get(index) }}
                competencyOptions={competencyOptions}
                formOptions={formOptions}
                onChange={(changes) => update(item.key, changes)}
              />
              <div className="plan-edit-item__actions">
                <Button
                  variant="ghost"
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  aria-label={t("plans.edit.upLabel", { n: index + 1 })}
                >
                  ↑ {t("plans.edit.up")}
                </Button>
                <Button
                  variant="ghost"
                  disabled={index === items.length - 1}
                  onClick={() => move(index, 1)}
                  aria-label={t("plans.edit.downLabel", { n: index + 1 })}
                >
                  ↓ {t("plans.edit.down")}
                </Button>
                <Button
                  variant="danger"
                  onClick={() => setItems((list) => list.filter((other) => other.key !== item.key))}
                  aria-label={t("plans.edit.removeLabel", { n: index + 1 })}
                >
                  {t("plans.edit.remove")}
                </Button>
              </div>
            </fieldset>
          </li>
        ))}
      </ol>
      <div>
        <Button
          variant="secondary"
          disabled={items.length >= MAX_ITEMS}
          onClick={() => setItems((list) => [...list, draftOf(null, defaultQuarter)])}
        >
          + {t("plans.edit.add")}
        </Button>
        {items.length >= MAX_ITEMS && <p className="field__hint">{t("plans.edit.max", { max: MAX_ITEMS })}</p>}
      </div>
      {checked && invalid && <Alert tone="error">{t("plans.edit.fix")}</Alert>}
      {save.error && !(save.error instanceof ApiError && save.error.status === 412) && (
        <ProblemAlert error={save.error} />
      )}
      <div className="form-actions">
        <Button type="submit" busy={save.isPending} busyLabel={t("ui.saving")}>
          {t("plans.edit.save")}
        </Button>
        <Button variant="secondary" onClick={onDone} disabled={save.isPending}>
          {t("plans.edit.cancel")}
        </Button>
      </div>
    </form>
  );
}

function toItemIn(item: DraftItem): PlanItemIn {
  return {
    competency_code: item.competency_code || null,
    course_id: item.course_id ? Number(item.course_id) : null,
    title: item.title.trim() || null,
    form_code: item.form_code || null,
    planned_jp: parseJp(item.planned_jp) ?? item.planned_jp,
    planned_quarter: Number(item.planned_quarter),
    estimated_cost_idr: parseRupiah(item.estimated_cost_idr) ?? 0,
    reason: item.reason.trim() || null,
  };
}

type T = TFunction;

export function validate(item: DraftItem, t: T): ItemErrors {
  const errors: ItemErrors = {};
  const jp = parseJp(item.planned_jp);
  if (jp === null || Number(jp) <= 0 || Number(jp) > MAX_JP) errors.planned_jp = t("plans.edit.jpInvalid");
  if (!item.course_id && !item.form_code) errors.form_code = t("plans.edit.formRequired");
  if (!item.course_id && !item.competency_code && !item.title.trim()) errors.title = t("plans.edit.titleRequired");
  if (item.title.length > 300) errors.title = t("plans.edit.titleLong");
  if (parseRupiah(item.estimated_cost_idr) === null) errors.estimated_cost_idr = t("plans.edit.costInvalid");
  if (item.reason.length > 2000) errors.reason = t("plans.edit.reasonLong");
  return errors;
}

function ItemFields({
  item,
  errors,
  competencyOptions,
  formOptions,
  onChange,
}: {
  item: DraftItem;
  errors: ItemErrors;
  competencyOptions: { value: string; label: string }[];
  formOptions: { value: string; label: string }[];
  onChange: (changes: Partial<DraftItem>) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  // The catalogue's offered courses for the item's competency (any course without one).
  const catalogue = useQuery({
    ...courses({ competency_code: item.competency_code || undefined, active: true, limit: 100 }),
    throwOnError: false,
  });
  const found = catalogue.data?.items ?? [];
  const courseOptions = found.map((course) => ({
    value: String(course.id),
    label: course.jp !== null ? `${course.title} (${f.number(course.jp)} JP)` : course.title,
  }));
  // The chosen course stays selectable even when the filtered catalogue no longer lists it.
  if (item.course_id && !found.some((course) => String(course.id) === item.course_id)) {
    courseOptions.unshift({ value: item.course_id, label: item.title || `#${item.course_id}` });
  }
  const cost = parseRupiah(item.estimated_cost_idr);

  function pickCourse(value: string) {
    const course = found.find((c) => String(c.id) === value);
    if (!course) {
      onChange({ course_id: "" });
      return;
    }
    onChange({
      course_id: value,
      title: course.title,
      form_code: course.form_code,
      planned_jp: course.jp !== null && course.jp > 0 && course.jp <= MAX_JP ? String(course.jp) : item.planned_jp,
    });
  }

  return (
    <div className="plan-edit-grid">
      <Select
        label={t("plans.item.competency")}
        value={item.competency_code}
        placeholder={t("plans.edit.noCompetency")}
        options={competencyOptions}
        error={errors.competency_code}
        onChange={(event) => onChange({ competency_code: event.target.value, course_id: "" })}
      />
      <Select
        label={t("plans.edit.course")}
        value={item.course_id}
        placeholder={t("plans.edit.freeTitle")}
        options={courseOptions}
        error={errors.course_id}
        hint={
          item.competency_code
            ? found.length === 0 && catalogue.data
              ? t("plans.edit.noCourses")
              : t("plans.edit.courseHint")
            : undefined
        }
        onChange={(event) => pickCourse(event.target.value)}
      />
      <TextField
        label={t("plans.edit.title")}
        value={item.title}
        maxLength={300}
        required={!item.course_id && !item.competency_code}
        hint={item.course_id ? t("plans.edit.titleFromCourse") : undefined}
        error={errors.title}
        onChange={(event) => onChange({ title: event.target.value })}
      />
      <Select
        label={t("plans.item.form")}
        value={item.form_code}
        placeholder={item.course_id ? t("plans.edit.formOfCourse") : t("plans.edit.pick")}
        options={
          formOptions.length || !item.form_code ? formOptions : [{ value: item.form_code, label: item.form_code }]
        }
        required={!item.course_id}
        error={errors.form_code}
        onChange={(event) => onChange({ form_code: event.target.value })}
      />
      <TextField
        label={t("plans.edit.jp")}
        value={item.planned_jp}
        inputMode="decimal"
        required
        error={errors.planned_jp}
        onChange={(event) => onChange({ planned_jp: event.target.value })}
      />
      <Select
        label={t("plans.item.quarter")}
        value={item.planned_quarter}
        options={QUARTERS.map((q) => ({ value: String(q), label: t(`plans.quarter.${q}`) }))}
        onChange={(event) => onChange({ planned_quarter: event.target.value })}
      />
      <TextField
        label={t("plans.edit.cost")}
        value={item.estimated_cost_idr}
        inputMode="numeric"
        hint={cost !== null ? f.rupiah(cost) : undefined}
        error={errors.estimated_cost_idr}
        onChange={(event) => onChange({ estimated_cost_idr: event.target.value })}
      />
      <TextArea
        label={t("plans.item.reason")}
        value={item.reason}
        rows={2}
        maxLength={2000}
        error={errors.reason}
        onChange={(event) => onChange({ reason: event.target.value })}
      />
    </div>
  );
}
