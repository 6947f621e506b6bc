import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { courses } from "../../api/queries/courses";
import { competencies } from "../../api/queries/reference";
import { useFormat } from "../../i18n/format";
import { Button, type Column, DataTable, Select, TextField } from "../../ui";
import { type DraftLine, type LineErrors, MAX_JP, MAX_LINES, parseJp, parseRupiah, SOURCES } from "./draft";

/** The active catalogue (a province offers a few dozen courses) and the competency dictionary. */
export function useCatalogue() {
  const catalogue = useQuery({
    ...courses({ active: true, limit: 500 }),
    staleTime: 10 * 60_000,
    throwOnError: false,
  });
  const dictionary = useQuery({ ...competencies({ limit: 500 }), staleTime: 10 * 60_000, throwOnError: false });
  return { courses: catalogue.data?.items ?? [], competencies: dictionary.data?.items ?? [] };
}

interface CellProps {
  line: DraftLine;
  /** The line's number (1-based), named in each field's accessible label. */
  n: number;
  errors: LineErrors;
  onChange: (changes: Partial<DraftLine>) => void;
}

/**
 * The lines being edited, as a table on a wide screen and a card per line on a phone: the course from
 * the catalogue (or a free title), angkatan, participants, JP per participant, the cost in rupiah, the
 * competencies it develops and where the need came from.
 */
export function LinesEditor({
  lines,
  errors,
  onChange,
  onRemove,
  onAdd,
  costPerJp,
}: {
  lines: DraftLine[];
  errors: (index: number) => LineErrors;
  onChange: (key: number, changes: Partial<DraftLine>) => void;
  onRemove: (key: number) => void;
  onAdd: () => void;
  /** The year's cost per JP from the proposal, when loaded: offers an estimate for lines costing 0. */
  costPerJp: number | null;
}) {
  const { t } = useTranslation();
  const index = new Map(lines.map((line, i) => [line.key, i] as const));
  const props = (line: DraftLine): CellProps => {
    const i = index.get(line.key) ?? 0;
    return { line, n: i + 1, errors: errors(i), onChange: (changes) => onChange(line.key, changes) };
  };
  const headers = {
    course: t("programmes.col.course"),
    sessions: t("programmes.col.sessions"),
    participants: t("programmes.col.participants"),
    jp: t("programmes.col.jp"),
    cost: t("programmes.col.cost"),
    competencies: t("programmes.col.competencies"),
    source: t("programmes.col.source"),
  };
  const header = (key: keyof typeof headers) => headers[key];
  const columns: Column<DraftLine>[] = [
    { key: "course", header: header("course"), cell: (line) => <CourseCell {...props(line)} /> },
    {
      key: "sessions",
      header: header("sessions"),
      cell: (line) => <NumberCell {...props(line)} field="sessions" label={header("sessions")} />,
    },
    {
      key: "participants",
      header: header("participants"),
      cell: (line) => <NumberCell {...props(line)} field="participants" label={header("participants")} />,
    },
    {
      key: "jp",
      header: header("jp"),
      cell: (line) => <NumberCell {...props(line)} field="jp" label={header("jp")} />,
    },
    { key: "cost", header: header("cost"), cell: (line) => <CostCell {...props(line)} costPerJp={costPerJp} /> },
    {
      key: "competencies",
      header: header("competencies"),
      cell: (line) => <CompetencyPicker {...props(line)} />,
    },
    {
      key: "source",
      header: header("source"),
      cell: (line) => (
        <div className="programmes-editor__source">
          <SourceCell {...props(line)} />
          <Button
            variant="danger"
            onClick={() => onRemove(line.key)}
            aria-label={t("programmes.edit.removeLabel", { n: props(line).n })}
          >
            {t("programmes.edit.remove")}
          </Button>
        </div>
      ),
    },
  ];
  return (
    <div className="stack">
      {lines.length === 0 ? (
        <p className="programmes-hint">{t("programmes.edit.noLines")}</p>
      ) : (
        <div className="programmes-editor" data-testid="programme-editor">
          <DataTable
            caption={t("programmes.edit.tableLabel")}
            columns={columns}
            rows={lines}
            rowKey={(line) => line.key}
          />
        </div>
      )}
      <div>
        <Button variant="secondary" disabled={lines.length >= MAX_LINES} onClick={onAdd}>
          + {t("programmes.edit.add")}
        </Button>
        {lines.length >= MAX_LINES && <p className="field__hint">{t("programmes.edit.max", { max: MAX_LINES })}</p>}
      </div>
    </div>
  );
}

/** A short visible label; screen readers also hear which line it is ("JP baris 3"). */
function FieldLabel({ field, n }: { field: string; n: number }): ReactNode {
  const { t } = useTranslation();
  return (
    <>
      {field}
      <span className="visually-hidden"> {t("programmes.edit.lineN", { n })}</span>
    </>
  );
}

function CourseCell({ line, n, errors, onChange }: CellProps) {
  const { t } = useTranslation();
  const f = useFormat();
  const catalogue = useCatalogue();
  const options = catalogue.courses.map((course) => ({
    value: String(course.id),
    label: course.jp !== null ? `${course.title} (${f.number(course.jp)} JP)` : course.title,
  }));
  // A line keeps a course the catalogue has since retired (or not loaded yet): it stays selectable.
  if (line.course_id && !catalogue.courses.some((course) => String(course.id) === line.course_id)) {
    options.unshift({ value: line.course_id, label: line.title || `#${line.course_id}` });
  }

  function pick(value: string) {
    const course = catalogue.courses.find((c) => String(c.id) === value);
    if (!course) {
      onChange({ course_id: "" });
      return;
    }
    onChange({
      course_id: value,
      title: course.title,
      jp: course.jp !== null && course.jp > 0 && course.jp <= MAX_JP ? String(course.jp) : line.jp,
      competency_codes: course.competency_codes.length > 0 ? [...course.competency_codes] : line.competency_codes,
    });
  }

  return (
    <div className="programmes-editor__course">
      <Select
        label={<FieldLabel field={t("programmes.edit.course")} n={n} />}
        value={line.course_id}
        placeholder={t("programmes.edit.freeTitle")}
        options={options}
        error={errors.course_id}
        onChange={(event) => pick(event.target.value)}
      />
      <TextField
        label={<FieldLabel field={t("programmes.edit.lineTitle")} n={n} />}
        value={line.title}
        maxLength={300}
        required={!line.course_id}
        error={errors.title}
        onChange={(event) => onChange({ title: event.target.value })}
      />
      {line.note && <p className="field__hint">{line.note}</p>}
    </div>
  );
}

function NumberCell({
  line,
  n,
  errors,
  onChange,
  field,
  label,
}: CellProps & { field: "sessions" | "participants" | "jp"; label: string }) {
  return (
    <TextField
      label={<FieldLabel field={label} n={n} />}
      className="programmes-editor__number"
      value={line[field]}
      inputMode={field === "jp" ? "decimal" : "numeric"}
      required
      error={errors[field]}
      onChange={(event) => onChange({ [field]: event.target.value })}
    />
  );
}

function CostCell({ line, n, errors, onChange, costPerJp }: CellProps & { costPerJp: number | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const cost = parseRupiah(line.cost);
  const jp = parseJp(line.jp);
  const people = Number(line.participants) || 0;
  const estimate = costPerJp !== null && jp !== null && people > 0 ? Math.round(Number(jp) * people * costPerJp) : null;
  return (
    <>
      <TextField
        label={<FieldLabel field={t("programmes.col.cost")} n={n} />}
        className="programmes-editor__money"
        value={line.cost}
        inputMode="numeric"
        error={errors.cost}
        hint={cost !== null ? f.rupiah(cost) : undefined}
        onChange={(event) => onChange({ cost: event.target.value })}
        // Thousands separators once the figure is typed: 124500000 reads as 124.500.000.
        onBlur={() => cost !== null && onChange({ cost: f.number(cost, 0) })}
      />
      {cost === 0 && estimate !== null && estimate > 0 && (
        <Button variant="ghost" onClick={() => onChange({ cost: f.number(estimate, 0) })}>
          {t("programmes.edit.useEstimate", { cost: f.rupiah(estimate) })}
        </Button>
      )}
    </>
  );
}

function SourceCell({ line, n, errors, onChange }: CellProps) {
  const { t } = useTranslation();
  return (
    <Select
      label={<FieldLabel field={t("programmes.col.source")} n={n} />}
      value={line.source}
      options={SOURCES.map((source) => ({ value: source, label: t(`programmes.source.${source}`) }))}
      error={errors.source}
      onChange={(event) => onChange({ source: event.target.value as DraftLine["source"] })}
    />
  );
}

/** The line's competencies as removable chips, and a list to add another from the dictionary. */
function CompetencyPicker({ line, n, errors, onChange }: CellProps) {
  const { t } = useTranslation();
  const { competencies: dictionary } = useCatalogue();
  const codes = line.competency_codes;
  const names = new Map(dictionary.map((c) => [c.code, c.name] as const));
  const options = dictionary
    .filter((c) => c.active && !codes.includes(c.code))
    .map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }));
  return (
    <div className="programmes-competencies">
      {codes.length > 0 && (
        <ul
          className="programmes-competencies__chips"
          aria-label={`${t("programmes.col.competencies")} ${t("programmes.edit.lineN", { n })}`}
        >
          {codes.map((code) => (
            <li key={code}>
              <span title={names.get(code)}>{code}</span>
              <button
                type="button"
                className="programmes-competencies__remove"
                aria-label={t("programmes.edit.removeCompetency", { code, n })}
                onClick={() => onChange({ competency_codes: codes.filter((other) => other !== code) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <Select
        label={<FieldLabel field={t("programmes.edit.addCompetency")} n={n} />}
        value=""
        placeholder={t("programmes.edit.addCompetency")}
        options={options}
        error={errors.competency_codes}
        onChange={(event) => event.target.value && onChange({ competency_codes: [...codes, event.target.value] })}
      />
    </div>
  );
}
