import { useQuery } from "@tanstack/react-query";
import { useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { type TrainingNeedItem, type TrainingNeedsReport, trainingNeeds } from "../../api/queries/programmes";
import { allUnits } from "../../api/queries/units";
import type { UnitRead } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Button, Card, type Column, DataTable, Select, Spinner, Stat } from "../../ui";
import { useYearParam, YearSelect, yearQuery } from "./parts";
import "./programmes.css";

/** /opd/kebutuhan: the training-needs analysis of the OPD admin's own unit and its sub-units. */
export function OpdNeedsPage() {
  const [year, setYear] = useYearParam();
  return <NeedsPage area="opd" year={year} onYear={setYear} />;
}

/** /bpsdm/kebutuhan: the province's training needs, or one unit's subtree (`?unit=`). */
export function BpsdmNeedsPage() {
  const [year, setYear] = useYearParam();
  const [params, setParams] = useSearchParams();
  const unitId = Number(params.get("unit")) || undefined;
  const setUnit = (next: number | undefined) =>
    setParams(
      (current) => {
        const updated = new URLSearchParams(current);
        if (next) updated.set("unit", String(next));
        else updated.delete("unit");
        return updated;
      },
      { replace: true },
    );
  return (
    <NeedsPage
      area="bpsdm"
      year={year}
      onYear={setYear}
      unitId={unitId}
      filter={<UnitFilter unitId={unitId} onChange={setUnit} />}
    />
  );
}

function NeedsPage({
  area,
  year,
  onYear,
  unitId,
  filter,
}: {
  area: "opd" | "bpsdm";
  year: number;
  onYear: (year: number) => void;
  unitId?: number;
  filter?: React.ReactNode;
}) {
  const { t } = useTranslation();
  usePageTitle(t("programmes.needs.title"));
  const report = useQuery({ ...trainingNeeds(year, unitId), throwOnError: false });
  const programmeLink =
    area === "opd" ? `/opd/program${yearQuery(year)}` : unitId ? `/bpsdm/program/${unitId}${yearQuery(year)}` : null;
  return (
    <div className="page page--wide stack programmes-page">
      <div className="programmes-heading">
        <h1>{t("programmes.needs.title")}</h1>
        {programmeLink && (
          <Link to={programmeLink} className="programmes-link">
            {t("programmes.needs.toProgramme")}
          </Link>
        )}
      </div>
      <p className="programmes-hint">{t("programmes.needs.lead")}</p>
      <div className="programmes-toolbar">
        <YearSelect year={year} onChange={onYear} />
        {filter}
      </div>
      {report.error && !report.data ? (
        <ProblemAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : !report.data ? (
        <Spinner />
      ) : (
        <NeedsReport report={report.data} />
      )}
    </div>
  );
}

/** The units in tree order (each under its parent, by name), indented by depth. */
function treeOptions(units: UnitRead[]): { value: string; label: string }[] {
  const children = new Map<number | null, UnitRead[]>();
  for (const unit of units) {
    const siblings = children.get(unit.parent_id ?? null) ?? [];
    siblings.push(unit);
    children.set(unit.parent_id ?? null, siblings);
  }
  const out: { value: string; label: string }[] = [];
  const walk = (parent: number | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => a.name.localeCompare(b.name, "id"));
    for (const unit of list) {
      out.push({ value: String(unit.id), label: `${"\u2003".repeat(depth)}${unit.name}` });
      walk(unit.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

function UnitFilter({ unitId, onChange }: { unitId?: number; onChange: (unitId: number | undefined) => void }) {
  const { t } = useTranslation();
  const units = useQuery({ ...allUnits(), staleTime: 10 * 60_000, throwOnError: false });
  const options = useMemo(() => treeOptions(units.data ?? []), [units.data]);
  return (
    <Select
      label={t("programmes.needs.unit")}
      value={unitId ? String(unitId) : ""}
      placeholder={t("programmes.needs.province")}
      options={options}
      onChange={(event) => onChange(Number(event.target.value) || undefined)}
    />
  );
}

function NeedsReport({ report }: { report: TrainingNeedsReport }) {
  const { t } = useTranslation();
  const f = useFormat();
  const withGap = report.items.filter((item) => item.below_standard > 0);
  const below = withGap.reduce((sum, item) => sum + item.below_standard, 0);
  return (
    <>
      <Card title={t("programmes.needs.summary", { year: report.year })}>
        <dl className="stats programmes-stats" data-testid="needs-summary">
          <Stat label={t("programmes.needs.competenciesWithGap")} value={f.number(withGap.length)} />
          <Stat
            label={t("programmes.needs.belowTotal")}
            value={f.number(below)}
            note={t("programmes.needs.belowTotalNote")}
          />
          <Stat
            label={t("programmes.needs.approvedItems")}
            value={f.number(report.approved.items)}
            note={t("programmes.needs.approvedNote", { jp: f.number(report.approved.jp) })}
          />
          <Stat label={t("programmes.needs.approvedCost")} value={f.rupiah(report.approved.cost_idr)} />
        </dl>
      </Card>
      <Card title={t("programmes.needs.rankedTitle")}>
        <p className="programmes-hint">{t("programmes.needs.rankedHint")}</p>
        <NeedsTable items={report.items} />
      </Card>
      <Card title={t("programmes.needs.mandatoryTitle")}>
        {report.mandatory.length === 0 ? (
          <p className="programmes-hint">{t("programmes.needs.noMandatory")}</p>
        ) : (
          <ul className="programmes-mandatory" data-testid="mandatory-needs">
            {report.mandatory.map((need) => (
              <li key={need.code}>
                <span className="programmes-mandatory__title">{need.title}</span>
                <span className="programmes-mandatory__count">
                  {t("programmes.needs.mandatoryCount", { count: need.count, n: f.number(need.count) })}
                </span>
                {need.course_id === null && (
                  <span className="programmes-hint">{t("programmes.needs.mandatoryNoCourse")}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

/** The ranked competencies; each opens, under its name, the courses the approved plans name for it. */
function NeedsTable({ items }: { items: TrainingNeedItem[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (items.length === 0) return <p className="programmes-hint">{t("programmes.needs.none")}</p>;
  const rank = new Map(items.map((item, index) => [item.competency_code, index + 1] as const));
  const columns: Column<TrainingNeedItem>[] = [
    {
      key: "rank",
      header: t("programmes.needs.col.rank"),
      align: "end",
      sortValue: (item) => rank.get(item.competency_code),
      cell: (item) => f.number(rank.get(item.competency_code) ?? 0),
    },
    {
      key: "competency",
      header: t("programmes.needs.col.competency"),
      sortValue: (item) => item.competency_code,
      cell: (item) => <CompetencyCell item={item} />,
    },
    {
      key: "assessed",
      header: t("programmes.needs.col.assessed"),
      align: "end",
      sortValue: (item) => item.assessed,
      cell: (item) => f.number(item.assessed),
    },
    {
      key: "below",
      header: t("programmes.needs.col.below"),
      align: "end",
      sortValue: (item) => item.below_standard,
      cell: (item) => f.number(item.below_standard),
    },
    {
      key: "shortfall",
      header: t("programmes.needs.col.shortfall"),
      align: "end",
      sortValue: (item) => item.total_shortfall,
      cell: (item) => f.number(item.total_shortfall),
    },
    {
      key: "items",
      header: t("programmes.needs.col.items"),
      align: "end",
      sortValue: (item) => item.approved_items,
      cell: (item) => f.number(item.approved_items),
    },
    {
      key: "jp",
      header: t("programmes.needs.col.jp"),
      align: "end",
      sortValue: (item) => item.approved_jp,
      cell: (item) => f.number(item.approved_jp),
    },
  ];
  return (
    <div data-testid="needs-table">
      <DataTable
        caption={t("programmes.needs.rankedTitle")}
        columns={columns}
        rows={items}
        rowKey={(item) => item.competency_code}
      />
    </div>
  );
}

/** The competency's name and group, and the courses of the approved plans for it behind a toggle. */
function CompetencyCell({ item }: { item: TrainingNeedItem }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div className="programmes-competency" data-competency={item.competency_code}>
      <div>
        <strong>{item.competency_code}</strong> · {item.name}
      </div>
      <div className="cell-sub">{t(`programmes.group.${item.group}`)}</div>
      {item.courses.length === 0 ? (
        <div className="cell-sub">{t("programmes.needs.noCourses")}</div>
      ) : (
        <>
          <Button variant="ghost" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
            {t(open ? "programmes.needs.hideCourses" : "programmes.needs.showCourses", {
              count: item.courses.length,
            })}
          </Button>
          <ul
            id={panelId}
            hidden={!open}
            className="programmes-courses"
            aria-label={t("programmes.needs.coursesOf", { code: item.competency_code })}
          >
            {item.courses.map((course) => (
              <li key={course.course_id}>
                <span>
                  <span className="cell-sub">{course.code}</span> {course.title}
                  {course.jp !== null && ` (${t("programmes.jpValue", { jp: f.number(course.jp) })})`}
                </span>
                <span className="programmes-courses__figures">
                  {t("programmes.needs.courseItems", {
                    count: course.approved_items,
                    n: f.number(course.approved_items),
                    jp: f.number(course.approved_jp),
                  })}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
