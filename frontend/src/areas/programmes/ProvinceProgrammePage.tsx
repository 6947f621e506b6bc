import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  type CourseTotal,
  type ProvinceProgram,
  type ProvinceUnit,
  programmesExport,
  provinceProgramme,
} from "../../api/queries/programmes";
import { useFormat } from "../../i18n/format";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import { Alert, Card, type Column, DataTable, Spinner, Stat } from "../../ui";
import { BudgetChart } from "./BudgetChart";
import { PaguChip, useYearParam, YearSelect, yearQuery } from "./parts";
import "./programmes.css";

/** /bpsdm/program: the province's programme (every unit's) against the mandatory spending of the year. */
export function ProvinceProgrammePage() {
  const { t } = useTranslation();
  usePageTitle(t("programmes.province.title"));
  const [year, setYear] = useYearParam();
  const province = useQuery({ ...provinceProgramme(year), throwOnError: false });
  return (
    <div className="page page--wide stack programmes-page">
      <div className="programmes-heading">
        <h1>{t("programmes.province.title")}</h1>
        <Link to={`/bpsdm/kebutuhan${yearQuery(year)}`} className="programmes-link">
          {t("programmes.province.toNeeds")}
        </Link>
      </div>
      <p className="programmes-hint">{t("programmes.province.lead")}</p>
      <div className="programmes-toolbar">
        <YearSelect year={year} onChange={setYear} />
        <DownloadButton request={() => programmesExport(year)} fallbackName={`program-pengembangan-${year}.xlsx`}>
          {t("programmes.download")}
        </DownloadButton>
      </div>
      {province.error && !province.data ? (
        <ProblemAlert error={province.error} onRetry={() => void province.refetch()} />
      ) : !province.data ? (
        <Spinner />
      ) : (
        <>
          <BudgetCard province={province.data} />
          <UnitsCard province={province.data} />
          <CoursesCard rows={province.data.by_course} />
        </>
      )}
    </div>
  );
}

/**
 * The programme's cost and the units' pagu as bars, with the line at the required minimum (the year's
 * share of belanja daerah): whether the province programme reaches it and by how much it falls short.
 */
function BudgetCard({ province }: { province: ProvinceProgram }) {
  const { t } = useTranslation();
  const f = useFormat();
  const required = province.required_min_idr;
  const threshold = province.threshold_pct;
  const pagu = province.bangkom_pagu_idr ?? 0;
  return (
    <Card
      title={t("programmes.province.budgetTitle", { year: province.year })}
      actions={
        province.compliant !== null && (
          <span
            className={
              province.compliant ? "programme-chip programme-chip--good" : "programme-chip programme-chip--poor"
            }
            data-testid="province-status"
          >
            {t(province.compliant ? "programmes.province.compliant" : "programmes.province.notCompliant")}
          </span>
        )
      }
    >
      {required === null || threshold === null ? (
        <Alert tone="info">{t("programmes.province.noBudget", { year: province.year })}</Alert>
      ) : (
        <BudgetChart
          title={t("programmes.province.chartTitle", { pct: f.number(threshold) })}
          bars={[
            {
              key: "programme",
              label: t("programmes.province.programmeCost"),
              value: province.total_cost_idr,
              reaches: province.total_cost_idr >= required,
              reachesLabel: t(
                province.total_cost_idr >= required ? "programmes.province.reaches" : "programmes.province.below",
              ),
            },
            {
              key: "pagu",
              label: t("programmes.province.paguTotal"),
              value: pagu,
              reaches: pagu >= required,
              reachesLabel: t(pagu >= required ? "programmes.province.reaches" : "programmes.province.below"),
            },
          ]}
          marker={required}
          markerLabel={t("programmes.province.marker", { pct: f.number(threshold), amount: f.rupiah(required) })}
          format={f.rupiah}
        />
      )}
      <dl className="stats programmes-stats" data-testid="province-figures">
        <Stat
          label={t("programmes.province.programmeCost")}
          value={<span data-testid="province-total">{f.rupiah(province.total_cost_idr)}</span>}
          note={
            province.programme_pct !== null
              ? t("programmes.province.ofBelanja", { pct: f.percent(province.programme_pct, 4) })
              : undefined
          }
        />
        <Stat
          label={t("programmes.province.required")}
          value={<span data-testid="province-required">{required === null ? "–" : f.rupiah(required)}</span>}
          note={
            province.total_belanja_daerah_idr !== null && threshold !== null
              ? t("programmes.province.requiredNote", {
                  pct: f.number(threshold),
                  belanja: f.rupiah(province.total_belanja_daerah_idr),
                })
              : undefined
          }
        />
        <Stat
          label={t("programmes.province.shortfall")}
          value={
            <span data-testid="province-shortfall">
              {province.shortfall_idr === null ? "–" : f.rupiah(province.shortfall_idr)}
            </span>
          }
        />
        <Stat
          label={t("programmes.province.paguTotal")}
          value={province.bangkom_pagu_idr === null ? "–" : f.rupiah(province.bangkom_pagu_idr)}
          note={t("programmes.province.participants", {
            n: f.number(province.total_participants),
            jp: f.number(province.total_jp),
          })}
        />
      </dl>
    </Card>
  );
}

function UnitsCard({ province }: { province: ProvinceProgram }) {
  const { t } = useTranslation();
  const f = useFormat();
  const withProgramme = province.units.filter((unit) => unit.lines.length > 0).length;
  const columns: Column<ProvinceUnit>[] = [
    {
      key: "name",
      header: t("programmes.province.unit"),
      sortValue: (unit) => unit.name,
      cell: (unit) => <Link to={`/bpsdm/program/${unit.unit_id}${yearQuery(province.year)}`}>{unit.name}</Link>,
    },
    {
      key: "lines",
      header: t("programmes.province.lines"),
      align: "end",
      sortValue: (unit) => unit.lines.length,
      cell: (unit) => f.number(unit.lines.length),
    },
    {
      key: "participants",
      header: t("programmes.col.participants"),
      align: "end",
      sortValue: (unit) => unit.total_participants,
      cell: (unit) => f.number(unit.total_participants),
    },
    {
      key: "cost",
      header: t("programmes.col.cost"),
      align: "end",
      sortValue: (unit) => unit.total_cost_idr,
      cell: (unit) => f.rupiah(unit.total_cost_idr),
    },
    {
      key: "pagu",
      header: t("programmes.summary.pagu"),
      align: "end",
      sortValue: (unit) => unit.pagu_idr,
      cell: (unit) => (unit.pagu_idr === null ? "–" : f.rupiah(unit.pagu_idr)),
    },
    {
      key: "within",
      header: t("programmes.province.withinPagu"),
      sortValue: (unit) => (unit.within_pagu === null ? null : unit.within_pagu ? 1 : 0),
      cell: (unit) => <PaguChip within={unit.within_pagu} />,
    },
  ];
  return (
    <Card title={t("programmes.province.unitsTitle")}>
      <p className="programmes-hint">
        {t("programmes.province.unitsHint", { count: province.units.length, withProgramme })}
      </p>
      <DataTable
        caption={t("programmes.province.unitsTitle")}
        columns={columns}
        rows={province.units}
        rowKey={(unit) => unit.unit_id}
        empty={t("programmes.province.noUnits")}
      />
    </Card>
  );
}

function CoursesCard({ rows }: { rows: CourseTotal[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const columns: Column<CourseTotal>[] = [
    {
      key: "title",
      header: t("programmes.col.course"),
      sortValue: (row) => row.title,
      cell: (row) => (
        <>
          {row.title}
          {row.course_code && <div className="cell-sub">{row.course_code}</div>}
        </>
      ),
    },
    {
      key: "units",
      header: t("programmes.province.units"),
      align: "end",
      sortValue: (row) => row.units,
      cell: (row) => f.number(row.units),
    },
    {
      key: "sessions",
      header: t("programmes.col.sessions"),
      align: "end",
      sortValue: (row) => row.sessions,
      cell: (row) => f.number(row.sessions),
    },
    {
      key: "participants",
      header: t("programmes.col.participants"),
      align: "end",
      sortValue: (row) => row.participants,
      cell: (row) => f.number(row.participants),
    },
    {
      key: "jp",
      header: t("programmes.province.totalJp"),
      align: "end",
      sortValue: (row) => row.total_jp,
      cell: (row) => f.number(row.total_jp),
    },
    {
      key: "cost",
      header: t("programmes.col.cost"),
      align: "end",
      sortValue: (row) => row.cost_idr,
      cell: (row) => f.rupiah(row.cost_idr),
    },
  ];
  return (
    <Card title={t("programmes.province.coursesTitle")}>
      <DataTable
        caption={t("programmes.province.coursesTitle")}
        columns={columns}
        rows={rows}
        rowKey={(row) => (row.course_id !== null ? `c${row.course_id}` : `t${row.title}`)}
        empty={t("programmes.province.noCourses")}
      />
    </Card>
  );
}
