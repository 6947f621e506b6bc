import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";
import { dataGaps } from "../../api/queries/completeness";
import type { CompletenessReport, DataGap, GapAction, IndicatorCode } from "../../api/types";
import { useFormat } from "../../i18n/format";
import { CursorTable } from "../../shell/CursorTable";
import { Card, type Column, Select, useCursorPages } from "../../ui";
import { actionTarget, isIndicator } from "./figures";

export const GAPS_PAGE_SIZE = 20;

/** Router state of an action link: where "Kembali" on the person's page returns to. */
export interface FromState {
  from: string;
}

/**
 * The unit's active ASN missing an item (any, or the one chosen), a page at a time by NIP, each with
 * the actions that close their gaps as links to where they are done.
 */
export function DataGapsCard({
  unitId,
  report,
  indicator,
  onIndicatorChange,
}: {
  unitId: number;
  report: CompletenessReport;
  indicator: IndicatorCode | undefined;
  onIndicatorChange: (code: IndicatorCode | undefined) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const pages = useCursorPages();
  const list = useQuery({
    ...dataGaps({ unitId, indicator, cursor: pages.cursor, limit: GAPS_PAGE_SIZE }),
    throwOnError: false,
  });
  const labels = new Map(report.indicators.map((i) => [i.code, i.label]));
  const total = list.data?.total;

  const columns: Column<DataGap>[] = [
    {
      key: "name",
      header: t("completeness.col.name"),
      cell: (g) => (
        <>
          <span className="cell-main">{g.name}</span>
          <span className="cell-sub">{g.nip}</span>
        </>
      ),
    },
    { key: "unit", header: t("completeness.col.unit"), cell: (g) => g.unit_name },
    {
      key: "missing",
      header: t("completeness.col.missing"),
      cell: (g) => (
        <ul className="gap-items">
          {g.missing.map((code) => (
            <li key={code} title={labels.get(code)}>
              {t(`completeness.short.${code}`)}
            </li>
          ))}
        </ul>
      ),
    },
    {
      key: "actions",
      header: t("completeness.col.actions"),
      cell: (g) => (
        <ul className="gap-actions">
          {g.actions.map((action) => (
            <li key={action.code}>
              <ActionLink action={action} nip={g.nip} name={g.name} />
            </li>
          ))}
        </ul>
      ),
    },
  ];

  return (
    <Card title={t("completeness.gapsTitle")}>
      <div className="completeness-toolbar">
        <Select
          label={t("completeness.itemFilter")}
          value={indicator ?? ""}
          placeholder={t("completeness.anyItem")}
          options={report.indicators.map((i) => ({ value: i.code, label: i.label }))}
          onChange={(event) => {
            pages.reset();
            onIndicatorChange(isIndicator(event.target.value) ? event.target.value : undefined);
          }}
        />
        {total !== undefined && (
          <p className="completeness-count" data-testid="gaps-total" aria-live="polite">
            {indicator
              ? t("completeness.gapsTotalItem", { count: total, total: f.number(total), item: labels.get(indicator) })
              : t("completeness.gapsTotal", { count: total, total: f.number(total) })}
          </p>
        )}
      </div>
      <CursorTable
        testId="data-gaps"
        caption={t("completeness.gapsCaption")}
        columns={columns}
        rowKey={(g) => g.nip}
        list={list}
        pages={pages}
        pageSize={GAPS_PAGE_SIZE}
        empty={indicator ? t("completeness.noGapsItem") : t("completeness.noGaps")}
      />
    </Card>
  );
}

/** One action: a link to the page where it is done, or a hint when only the ASN can do it. */
function ActionLink({ action, nip, name }: { action: GapAction; nip: string; name: string }) {
  const { t } = useTranslation();
  const location = useLocation();
  const target = actionTarget(action.code, nip);
  if ("hint" in target) {
    return (
      <span className="gap-hint">
        {action.label} <span className="cell-sub">{t("completeness.asnDoesIt")}</span>
      </span>
    );
  }
  const state: FromState = { from: `${location.pathname}${location.search}` };
  return (
    <Link to={target.to} state={state} aria-label={t("completeness.actionFor", { action: action.label, name })}>
      {action.label}
    </Link>
  );
}
