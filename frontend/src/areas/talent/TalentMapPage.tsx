import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { useMe } from "../../api/queries/auth";
import { ruleSet } from "../../api/queries/rules";
import { boxPeople, talentMap, talentMapExport } from "../../api/queries/talentMap";
import { allUnits } from "../../api/queries/units";
import type { BoxPerson, TalentMap, UnitTalentMap } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { DownloadButton } from "../../shell/DownloadButton";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { usePageTitle } from "../../shell/usePageTitle";
import {
  Button,
  Card,
  type Column,
  compareValues,
  DataTable,
  Select,
  type Sort,
  Spinner,
  Stat,
  useCursorPages,
  useDebouncedValue,
} from "../../ui";
import { NineBoxGrid } from "./NineBoxGrid";
import { type BoxLayout, countIn, type GridCell, gridRows, poolCount, unitOptions } from "./nineBox";
import "./talent.css";

export const PEOPLE_PAGE_SIZE = 20;
export const UNIT_PAGE_SIZE = 15;
const YEARS_BACK = 5;
const BOXES = [1, 2, 3, 4, 5, 6, 7, 8, 9];

// The filters live in the address (like /bpsdm/audit), so a view can be bookmarked or sent on and
// Back undoes a choice: ?tahun=2025&unit=12&kotak=9.
const PARAM = { year: "tahun", unit: "unit", box: "kotak" } as const;

function wholeNumber(value: string | null, min: number, max: number): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/**
 * The talent map of BPSDM (/bpsdm/talenta: the province, any unit) and of an OPD admin
 * (/opd/talenta: its own unit and sub-units): the year's 9-box with counts, the people of a chosen
 * box with the box's recommendation, the counts per unit, and the spreadsheet.
 */
export function TalentMapPage({ area }: { area: "bpsdm" | "opd" }) {
  const { t } = useTranslation();
  usePageTitle(t("talent.title"));
  const { data: me } = useMe();
  // An OPD admin's map starts at its own unit, so the page waits for /auth/me.
  if (area === "opd" && !me) {
    return (
      <div className="page page--wide">
        <h1>{t("talent.title")}</h1>
        <Spinner />
      </div>
    );
  }
  const rootId = area === "opd" ? (me?.unit_id ?? null) : null;
  return <TalentMapView rootId={rootId} personLink={area === "opd" ? (nip) => `/opd/asn/${nip}` : undefined} />;
}

function TalentMapView({ rootId, personLink }: { rootId: number | null; personLink?: (nip: string) => string }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const thisYear = new Date().getFullYear();
  const year = wholeNumber(params.get(PARAM.year), 1950, 2100) ?? thisYear;
  const unitParam = wholeNumber(params.get(PARAM.unit), 1, 2 ** 31 - 1);
  const unitId = unitParam ?? rootId ?? undefined;
  const box = wholeNumber(params.get(PARAM.box), 1, 9) ?? null;
  // Failures stay on the page (filters usable) with their own "Coba lagi".
  const map = useQuery({ ...talentMap(year, unitId), throwOnError: false });
  const rules = useQuery({ ...ruleSet(year), throwOnError: false });
  const peopleRef = useRef<HTMLDivElement>(null);
  const jump = useRef(false);

  function setParam(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  }

  // A box chosen on the grid: its list comes into view (below the grid, off screen on a phone).
  useEffect(() => {
    if (box !== null && jump.current) peopleRef.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
    jump.current = false;
  }, [box]);

  const layout: BoxLayout | undefined = rules.data?.rules.talent_rules;
  const rows = useMemo(
    () => (map.data && layout ? gridRows(layout, map.data.boxes, map.data.assessed) : null),
    [map.data, layout],
  );
  const chosen = rows?.flat().find((cell) => cell?.box === box) ?? null;

  return (
    <div className="page page--wide stack talent-page">
      <div>
        <h1>{t("talent.title")}</h1>
        <p className="lead">{t("talent.lead")}</p>
      </div>
      <div className="talent-toolbar">
        <Select
          label={t("talent.year")}
          value={String(year)}
          options={yearOptions(thisYear, year)}
          onChange={(event) =>
            setParam(PARAM.year, event.target.value === String(thisYear) ? null : event.target.value)
          }
        />
        <UnitFilter
          rootId={rootId}
          unitId={unitId}
          currentName={map.data?.name ?? null}
          onChange={(value) => setParam(PARAM.unit, value === "" || value === String(rootId) ? null : value)}
        />
        <div className="talent-toolbar__download">
          <DownloadButton request={() => talentMapExport(year, unitId)} fallbackName={`peta-talenta-${year}.xlsx`}>
            {t("talent.download")}
          </DownloadButton>
        </div>
      </div>
      {map.error && !map.data ? (
        <ProblemAlert error={map.error} onRetry={() => void map.refetch()} />
      ) : !map.data ? (
        <Spinner />
      ) : (
        <>
          <Summary map={map.data} layout={layout} />
          <Card title={t("talent.gridTitle")}>
            {rules.error && !rules.data ? (
              <ProblemAlert error={rules.error} onRetry={() => void rules.refetch()} />
            ) : !rows ? (
              <Spinner />
            ) : rows.flat().some((cell) => cell === null) ? (
              <p>{t("talent.noRules", { year })}</p>
            ) : (
              <NineBoxGrid
                rows={rows}
                year={year}
                selected={box}
                onSelect={(picked) => {
                  jump.current = picked !== box;
                  setParam(PARAM.box, picked === box ? null : String(picked));
                }}
              />
            )}
          </Card>
          {chosen && (
            <div ref={peopleRef}>
              <BoxPeople
                key={`${year}-${unitId ?? ""}-${chosen.box}`}
                cell={chosen}
                year={year}
                unitId={unitId}
                personLink={personLink}
                onClose={() => setParam(PARAM.box, null)}
              />
            </div>
          )}
          {/* Keyed by the map shown: a drill-down starts with no search, sort or page. */}
          <UnitTable key={`${year}-${unitId ?? ""}`} map={map.data} params={params} />
        </>
      )}
    </div>
  );
}

/** This year and the ones before it (SKP history), and a year typed into the address. */
function yearOptions(thisYear: number, year: number) {
  const years = Array.from({ length: YEARS_BACK }, (_, back) => thisYear - back);
  if (!years.includes(year)) years.push(year);
  return years.sort((a, b) => b - a).map((y) => ({ value: String(y), label: String(y) }));
}

function UnitFilter({
  rootId,
  unitId,
  currentName,
  onChange,
}: {
  rootId: number | null;
  unitId: number | undefined;
  currentName: string | null;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  // Without the list the filter is left out: the unit table's links still drill down.
  const units = useQuery({ ...allUnits(), throwOnError: false });
  const options = useMemo(
    () =>
      unitOptions(units.data ?? [], rootId).map((u) => ({
        value: String(u.id),
        label: `${"\u00a0\u00a0".repeat(u.depth)}${u.name}`,
      })),
    [units.data, rootId],
  );
  if (!units.data) return null;
  // A unit typed into the address that the list lacks still shows by the map's name.
  if (unitId !== undefined && !options.some((o) => o.value === String(unitId))) {
    options.push({ value: String(unitId), label: currentName ?? `#${unitId}` });
  }
  return (
    <Select
      label={t("talent.unit")}
      className="talent-toolbar__unit"
      value={unitId === undefined ? "" : String(unitId)}
      placeholder={rootId === null ? t("talent.province") : undefined}
      options={options}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

function Summary({ map, layout }: { map: TalentMap; layout: BoxLayout | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const pool = layout ? poolCount(layout, map.boxes) : null;
  const missing = map.missing.filter((m) => m.count > 0);
  return (
    <Card title={map.name ?? t("talent.province")}>
      <dl className="stats" data-testid="talent-summary">
        <Stat
          label={t("talent.assessed")}
          value={f.number(map.assessed)}
          note={t("talent.assessedOf", { headcount: f.number(map.headcount) })}
        />
        {pool !== null && (
          <Stat
            label={t("talent.poolTotal")}
            value={f.number(pool)}
            note={
              map.assessed > 0 ? t("talent.poolNote", { share: f.percent((100 * pool) / map.assessed) }) : undefined
            }
          />
        )}
        <Stat label={t("talent.notPlaced")} value={f.number(map.headcount - map.assessed)} />
      </dl>
      {missing.length > 0 && (
        <div className="talent-missing">
          <p>{t("talent.notPlacedNote")}</p>
          <ul>
            {missing.map((m) => (
              <li key={m.input}>
                {t("talent.missingItem", {
                  input: t(`talent.missing.${m.input}`, { year: map.year }),
                  count: f.number(m.count),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

/** The people of the chosen box, a page at a time, under the box's recommendation. */
function BoxPeople({
  cell,
  year,
  unitId,
  personLink,
  onClose,
}: {
  cell: GridCell;
  year: number;
  unitId: number | undefined;
  personLink?: (nip: string) => string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const pages = useCursorPages();
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search.trim(), 300);
  const people = useQuery({
    ...boxPeople({ year, box: cell.box, unitId, cursor: pages.cursor, limit: PEOPLE_PAGE_SIZE, q }),
    throwOnError: false,
  });

  const columns: Column<BoxPerson>[] = [
    {
      key: "name",
      header: t("talent.col.name"),
      cell: (p) =>
        personLink ? (
          <Link className="cell-main" to={personLink(p.nip)}>
            {p.name}
          </Link>
        ) : (
          <span className="cell-main">{p.name}</span>
        ),
    },
    { key: "nip", header: t("talent.col.nip"), cell: (p) => <span className="talent-nip">{p.nip}</span> },
    { key: "unit", header: t("talent.col.unit"), cell: (p) => p.unit },
    { key: "kinerja", header: t("talent.col.kinerja"), cell: (p) => t(`talent.kinerja.${p.kinerja}`) },
    { key: "potensial", header: t("talent.col.potensial"), cell: (p) => t(`talent.potensial.${p.potensial}`) },
    {
      key: "score",
      header: t("talent.col.score"),
      align: "end",
      cell: (p) => f.number(p.potensial_score, 2),
    },
  ];

  return (
    <Card
      title={t("talent.peopleTitle", { box: cell.box, label: cell.label })}
      className={`talent-people talent-people--${cell.tone}`}
      actions={
        <Button variant="ghost" onClick={onClose}>
          {t("talent.closeBox")}
        </Button>
      }
    >
      <div className="talent-recommendation" data-testid="box-recommendation">
        <span className="talent-recommendation__label">{t("talent.recommendation")}</span>
        <span lang="id">{cell.recommendation}</span>
      </div>
      <CursorTable
        testId="box-people"
        caption={t("talent.peopleCaption", { box: cell.box })}
        columns={columns}
        rowKey={(p) => p.nip}
        list={people}
        pages={pages}
        pageSize={PEOPLE_PAGE_SIZE}
        search={{ value: search, applied: q, onChange: setSearch, label: t("talent.searchPeople") }}
        empty={t("talent.noPeople")}
      />
    </Card>
  );
}

interface UnitRow extends UnitTalentMap {
  direct?: boolean;
}

/** The sub-units (each with its descendants), then the unit's own staff as one more row. */
function unitRows(map: TalentMap, directLabel: string): UnitRow[] {
  const rows: UnitRow[] = [...map.units];
  if (map.direct && map.direct.headcount > 0 && map.unit_id !== null) {
    rows.push({ ...map.direct, unit_id: map.unit_id, code: "", name: directLabel, direct: true });
  }
  return rows;
}

/** Rows whose name or code holds the query, ordered by the sorted column. */
function shownUnits(rows: UnitRow[], query: string, columns: Column<UnitRow>[], sort: Sort | null): UnitRow[] {
  const q = query.trim().toLocaleLowerCase("id");
  const found = q ? rows.filter((row) => `${row.name} ${row.code}`.toLocaleLowerCase("id").includes(q)) : rows;
  const value = sort && columns.find((column) => column.key === sort.key)?.sortValue;
  if (!sort || !value) return found;
  const sign = sort.direction === "asc" ? 1 : -1;
  return [...found].sort((a, b) => sign * compareValues(value(a), value(b)));
}

function UnitTable({ map, params }: { map: TalentMap; params: URLSearchParams }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(0);
  const [sort, setSort] = useState<Sort | null>(null);
  const rows = useMemo(() => unitRows(map, t("talent.directRow", { name: map.name ?? "" })), [map, t]);
  const drill = (unitId: number) => {
    const next = new URLSearchParams(params);
    next.set(PARAM.unit, String(unitId));
    return `?${next}`;
  };

  const columns: Column<UnitRow>[] = [
    {
      key: "name",
      header: t("talent.col.unit"),
      sortValue: (row) => row.name,
      cell: (row) =>
        row.direct ? (
          <span className="cell-main">{row.name}</span>
        ) : (
          <>
            <Link className="cell-main" to={{ search: drill(row.unit_id) }}>
              {row.name}
            </Link>
            <span className="cell-sub">{row.code}</span>
          </>
        ),
    },
    {
      key: "headcount",
      header: t("talent.col.headcount"),
      align: "end",
      sortValue: (row) => row.headcount,
      cell: (row) => f.number(row.headcount),
    },
    ...BOXES.map(
      (b): Column<UnitRow> => ({
        key: `box-${b}`,
        header: t("talent.col.box", { box: b }),
        align: "end",
        sortValue: (row) => countIn(row.boxes, b),
        cell: (row) => f.number(countIn(row.boxes, b)),
      }),
    ),
    {
      key: "notPlaced",
      header: t("talent.col.notPlaced"),
      align: "end",
      sortValue: (row) => row.headcount - row.assessed,
      cell: (row) => f.number(row.headcount - row.assessed),
    },
  ];

  // Searched and sorted over all rows, then paged: the table shows one page of the result.
  const matching = shownUnits(rows, query, columns, sort);
  const pageCount = Math.max(1, Math.ceil(matching.length / UNIT_PAGE_SIZE));
  const current = Math.min(page, pageCount - 1);

  return (
    <Card title={t("talent.unitsTitle")}>
      <p className="talent-hint">{t("talent.unitsHint")}</p>
      <div className="talent-units" data-testid="talent-units">
        <DataTable
          caption={t("talent.unitsCaption")}
          columns={columns}
          rows={matching.slice(current * UNIT_PAGE_SIZE, (current + 1) * UNIT_PAGE_SIZE)}
          rowKey={(row) => (row.direct ? `direct-${row.unit_id}` : row.unit_id)}
          sort={sort}
          onSortChange={(next) => {
            setSort(next);
            setPage(0);
          }}
          search={{
            value: query,
            onChange: (value) => {
              setQuery(value);
              setPage(0);
            },
            label: t("talent.searchUnits"),
          }}
          empty={query ? undefined : t("talent.noUnits")}
          phoneLayout="scroll"
          pagination={{
            pageIndex: current,
            pageSize: UNIT_PAGE_SIZE,
            total: matching.length,
            hasPrevious: current > 0,
            hasNext: current < pageCount - 1,
            onPrevious: () => setPage(current - 1),
            onNext: () => setPage(current + 1),
          }}
        />
      </div>
    </Card>
  );
}
