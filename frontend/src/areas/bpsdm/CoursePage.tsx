import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { courseDetail, courses, useCreateCourse, useUpdateCourse } from "../../api/queries/courses";
import { competencies, learningFormNames, referenceList } from "../../api/queries/reference";
import type { CourseCreate, CourseRead, CourseUpdate } from "../../api/types";
import { useCan } from "../../auth/can";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Card, type Column, DateField, Select, TextField, useCursorPages, useDebouncedValue } from "../../ui";
import { MasterDataForm, RecordFormDialog, type RecordFormProps, useMasterDataSave } from "./MasterDataDialog";
import { changed } from "./masterDataForm";
import { activeParam, cardAction, editColumn, type StatusChoice, StatusFilter } from "./masterDataList";
import "./masterData.css";

const PAGE_SIZE = 20;

/** /bpsdm/diklat: the course catalogue (learning activities offered) and the competencies each develops. */
export function CoursePage() {
  const { t } = useTranslation();
  usePageTitle(t("bpsdm.coursePage.title"));
  const can = useCan();
  const f = useFormat();
  const forms = useQuery(learningFormNames());
  const formList = useQuery({ ...referenceList("learning_forms"), throwOnError: false });
  const [query, setQuery] = useState("");
  const [formCode, setFormCode] = useState("");
  const [status, setStatus] = useState<StatusChoice>("all");
  const [form, setForm] = useState<{ courseId: number | null } | null>(null);
  const q = useDebouncedValue(query.trim(), 300);
  const pages = useCursorPages();
  const list = useQuery({
    ...courses({
      q,
      form_code: formCode,
      active: activeParam(status),
      cursor: pages.cursor,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });

  const columns: Column<CourseRead>[] = [
    {
      key: "title",
      header: t("bpsdm.coursePage.course"),
      cell: (c) => (
        <>
          {c.title}
          <p className="cell-sub">
            {c.code}
            {c.organizer ? ` · ${c.organizer}` : ""}
          </p>
        </>
      ),
    },
    { key: "form", header: t("bpsdm.coursePage.form"), cell: (c) => forms.data?.get(c.form_code) ?? c.form_code },
    { key: "jp", header: "JP", cell: (c) => (c.jp === null ? "—" : f.number(c.jp)), align: "end" },
    {
      key: "competencies",
      header: t("bpsdm.coursePage.competencies"),
      cell: (c) => (c.competency_codes.length ? c.competency_codes.join(", ") : "—"),
    },
    {
      key: "dates",
      header: t("bpsdm.coursePage.dates"),
      cell: (c) =>
        c.starts_on || c.ends_on
          ? `${c.starts_on ? f.date(c.starts_on) : "…"} – ${c.ends_on ? f.date(c.ends_on) : "…"}`
          : "—",
    },
    {
      key: "active",
      header: t("bpsdm.reference.status"),
      cell: (c) => (c.active ? t("bpsdm.coursePage.active") : t("bpsdm.coursePage.inactive")),
    },
  ];
  if (can("courses_update"))
    columns.push(
      editColumn(
        t,
        (c) => t("bpsdm.coursePage.editNamed", { name: c.title }),
        (c) => setForm({ courseId: c.id }),
      ),
    );

  return (
    <div className="page page--wide">
      <h1>{t("bpsdm.coursePage.title")}</h1>
      <p className="cell-sub">{t("bpsdm.coursePage.lead")}</p>
      {!can("courses_create") && <p className="cell-sub">{t("bpsdm.readOnly")}</p>}
      <Card
        title={t("bpsdm.coursePage.catalogue")}
        actions={cardAction(can("courses_create"), t("bpsdm.coursePage.add"), () => setForm({ courseId: null }))}
      >
        <div className="stack">
          <div className="master-filters">
            <Select
              label={t("bpsdm.coursePage.form")}
              value={formCode}
              placeholder={t("bpsdm.coursePage.allForms")}
              options={(formList.data?.items ?? []).map((i) => ({ value: i.code, label: i.name }))}
              onChange={(event) => {
                setFormCode(event.target.value);
                pages.reset();
              }}
            />
            <StatusFilter
              value={status}
              activeLabel={t("bpsdm.coursePage.active")}
              inactiveLabel={t("bpsdm.coursePage.inactive")}
              onChange={(value) => {
                setStatus(value);
                pages.reset();
              }}
            />
          </div>
          <CursorTable
            testId="course-list"
            caption={t("bpsdm.coursePage.catalogue")}
            columns={columns}
            rowKey={(c) => c.id}
            list={list}
            pages={pages}
            pageSize={PAGE_SIZE}
            search={{ value: query, applied: q, onChange: setQuery, label: t("bpsdm.coursePage.search") }}
            empty={t("bpsdm.coursePage.empty")}
          />
        </div>
      </Card>
      {form && <CourseFormDialog courseId={form.courseId} onClose={() => setForm(null)} />}
    </div>
  );
}

const COURSE_FIELDS = [
  "code",
  "title",
  "form_code",
  "jp",
  "competency_codes",
  "organizer",
  "starts_on",
  "ends_on",
  "quota",
  "active",
] as const;
const COURSE_CODES = {
  course_code_exists: "code",
  invalid_dates: "ends_on",
  unknown_form_code: "form_code",
  unknown_competency: "competency_codes",
};

interface CourseValues {
  code: string;
  title: string;
  form_code: string;
  jp: string;
  organizer: string;
  starts_on: string;
  ends_on: string;
  quota: string;
  active: boolean;
  competency_codes: string[];
}

const EMPTY: CourseValues = {
  code: "",
  title: "",
  form_code: "",
  jp: "",
  organizer: "",
  starts_on: "",
  ends_on: "",
  quota: "",
  active: true,
  competency_codes: [],
};

function valuesOf(course: CourseRead): CourseValues {
  return {
    code: course.code,
    title: course.title,
    form_code: course.form_code,
    jp: course.jp === null ? "" : String(course.jp),
    organizer: course.organizer ?? "",
    starts_on: course.starts_on ?? "",
    ends_on: course.ends_on ?? "",
    quota: course.quota === null ? "" : String(course.quota),
    active: course.active,
    competency_codes: course.competency_codes,
  };
}

/** "12,5" or "12.5" → "12.5"; "" → null; undefined when it is not a JP of up to 2 decimals in (0, 2000]. */
export function parseJp(text: string): string | null | undefined {
  const value = text.trim().replace(",", ".");
  if (!value) return null;
  if (!/^\d{1,4}(\.\d{1,2})?$/.test(value)) return undefined;
  const jp = Number(value);
  return jp > 0 && jp <= 2000 ? String(jp) : undefined;
}

/** "40" → 40; "" → null; undefined when it is not a whole number of seats. */
function parseQuota(text: string): number | null | undefined {
  const value = text.trim();
  if (!value) return null;
  return /^\d{1,7}$/.test(value) && Number(value) >= 1 ? Number(value) : undefined;
}

/** Add a course (courseId null) or edit one from GET /courses/{id} for its ETag. */
function CourseFormDialog({ courseId, onClose }: { courseId: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useQuery({ ...courseDetail(courseId ?? 0), enabled: courseId !== null });
  return (
    <RecordFormDialog
      title={
        courseId === null
          ? t("bpsdm.coursePage.add")
          : t("bpsdm.coursePage.editNamed", { name: detail.data?.course.title ?? "" })
      }
      onClose={onClose}
      detail={courseId === null ? undefined : detail}
      record={(loaded) => loaded.course}
      Form={CourseForm}
    />
  );
}

function CourseForm({ stored, etag, onConflict, onDone }: RecordFormProps<CourseRead>) {
  const { t } = useTranslation();
  const create = useCreateCourse();
  const update = useUpdateCourse(stored?.id ?? 0);
  const { problem, busy, callbacks } = useMasterDataSave(stored === null ? create : update, {
    codes: COURSE_CODES,
    fields: COURSE_FIELDS,
    onConflict,
    onSaved: onDone,
  });
  const formList = useQuery({ ...referenceList("learning_forms"), throwOnError: false });
  const [values, setValues] = useState<CourseValues>(() => (stored ? valuesOf(stored) : EMPTY));
  const [touched, setTouched] = useState(false);
  const jp = parseJp(values.jp);
  const quota = parseQuota(values.quota);
  const set = <K extends keyof CourseValues>(key: K, value: CourseValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));

  function toBody(v: CourseValues) {
    return {
      code: v.code.trim(),
      title: v.title.trim(),
      form_code: v.form_code,
      jp: parseJp(v.jp) ?? null,
      organizer: v.organizer.trim() || null,
      starts_on: v.starts_on || null,
      ends_on: v.ends_on || null,
      quota: parseQuota(v.quota) ?? null,
      active: v.active,
    };
  }

  function submit() {
    setTouched(true);
    if (jp === undefined || quota === undefined) return;
    const body = toBody(values);
    if (stored === null) {
      const created: CourseCreate = { ...body, competency_codes: values.competency_codes };
      create.mutate(created, callbacks);
      return;
    }
    // Only what changed; the mapping is sent whole when it changed at all.
    const patch: CourseUpdate = changed(toBody(valuesOf(stored)), body);
    if (values.competency_codes.join() !== stored.competency_codes.join())
      patch.competency_codes = values.competency_codes;
    update.mutate({ body: patch, etag: etag ?? "" }, callbacks);
  }

  const formOptions = (formList.data?.items ?? []).map((i) => ({ value: i.code, label: i.name }));
  if (values.form_code && !formOptions.some((o) => o.value === values.form_code))
    formOptions.push({ value: values.form_code, label: values.form_code });
  return (
    <MasterDataForm
      problem={problem}
      busy={busy}
      onSubmit={submit}
      onCancel={onDone}
      after={
        <CompetencyChoice
          value={values.competency_codes}
          onChange={(codes) => set("competency_codes", codes)}
          error={problem.fields.competency_codes}
        />
      }
    >
      <TextField
        label={t("bpsdm.masterData.code")}
        value={values.code}
        maxLength={60}
        pattern="[A-Za-z0-9_.\-/]+"
        required
        error={problem.fields.code}
        onChange={(event) => set("code", event.target.value)}
      />
      <TextField
        label={t("bpsdm.coursePage.courseTitle")}
        value={values.title}
        maxLength={300}
        required
        error={problem.fields.title}
        onChange={(event) => set("title", event.target.value)}
      />
      <Select
        label={t("bpsdm.coursePage.form")}
        value={values.form_code}
        required
        placeholder={t("bpsdm.masterData.choose")}
        options={formOptions}
        error={problem.fields.form_code}
        onChange={(event) => set("form_code", event.target.value)}
      />
      <TextField
        label="JP"
        hint={t("bpsdm.coursePage.jpHint")}
        inputMode="decimal"
        value={values.jp}
        error={touched && jp === undefined ? t("bpsdm.coursePage.jpInvalid") : problem.fields.jp}
        onChange={(event) => set("jp", event.target.value)}
      />
      <TextField
        label={t("bpsdm.coursePage.organizer")}
        value={values.organizer}
        maxLength={200}
        error={problem.fields.organizer}
        onChange={(event) => set("organizer", event.target.value)}
      />
      <TextField
        label={t("bpsdm.coursePage.quota")}
        inputMode="numeric"
        value={values.quota}
        error={touched && quota === undefined ? t("bpsdm.coursePage.quotaInvalid") : problem.fields.quota}
        onChange={(event) => set("quota", event.target.value)}
      />
      <DateField
        label={t("bpsdm.coursePage.startsOn")}
        value={values.starts_on}
        error={problem.fields.starts_on}
        onChange={(event) => set("starts_on", event.target.value)}
      />
      <DateField
        label={t("bpsdm.coursePage.endsOn")}
        value={values.ends_on}
        min={values.starts_on || undefined}
        error={problem.fields.ends_on}
        onChange={(event) => set("ends_on", event.target.value)}
      />
      <Select
        label={t("bpsdm.reference.status")}
        hint={t("bpsdm.coursePage.inactiveHint")}
        value={values.active ? "active" : "inactive"}
        options={[
          { value: "active", label: t("bpsdm.coursePage.active") },
          { value: "inactive", label: t("bpsdm.coursePage.inactive") },
        ]}
        error={problem.fields.active}
        onChange={(event) => set("active", event.target.value === "active")}
      />
    </MasterDataForm>
  );
}

/**
 * The competencies a course develops: checkboxes over the dictionary (a province's has a few hundred
 * at most, so one page), filtered by code or name. Retired ones show only while still chosen.
 */
function CompetencyChoice({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (codes: string[]) => void;
  error?: string;
}) {
  const { t } = useTranslation();
  const id = useId();
  const dictionary = useQuery({ ...competencies({ limit: 500 }), throwOnError: false });
  const [filter, setFilter] = useState("");
  const needle = filter.trim().toLocaleLowerCase("id");
  const options = (dictionary.data?.items ?? []).filter(
    (c) =>
      (c.active || value.includes(c.code)) &&
      (!needle || `${c.code} ${c.name}`.toLocaleLowerCase("id").includes(needle)),
  );
  const toggle = (code: string, on: boolean) =>
    onChange(on ? [...value, code] : value.filter((existing) => existing !== code));
  return (
    <fieldset className="master-add stack" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{t("bpsdm.coursePage.competencies")}</legend>
      <p className="cell-sub" data-testid="course-competencies">
        {value.length ? t("bpsdm.coursePage.chosen", { codes: value.join(", ") }) : t("bpsdm.coursePage.noneChosen")}
      </p>
      <TextField
        type="search"
        label={t("bpsdm.reference.searchCompetencies")}
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      {dictionary.error && !dictionary.data ? (
        <ProblemAlert error={dictionary.error} onRetry={() => void dictionary.refetch()} />
      ) : !dictionary.data ? (
        <p className="cell-sub">{t("app.loading")}</p>
      ) : options.length === 0 ? (
        <p className="cell-sub">{t("ui.noMatches", { query: filter.trim() })}</p>
      ) : (
        <ul className="master-picker">
          {options.map((c) => (
            <li key={c.code}>
              <label className="master-picker__option">
                <input
                  type="checkbox"
                  checked={value.includes(c.code)}
                  onChange={(event) => toggle(c.code, event.target.checked)}
                />
                <span>
                  {c.code} – {c.name}
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
