import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { competencyGapMatrix } from "../../api/queries/reports";
import { useFormat } from "../../i18n/format";
import { ProblemAlert } from "../../shell/ProblemAlert";
import { Card, Spinner } from "../../ui";
import { GAP_BANDS, type GapBand, HeatMap } from "./charts/HeatMap";

/** The province's competency gap per top-level unit × competency. */
export function GapHeatMapCard() {
  const { t } = useTranslation();
  const f = useFormat();
  const matrix = useQuery(competencyGapMatrix());
  const title = t("bpsdm.gaps.title");
  if (matrix.error)
    return (
      <Card title={title}>
        <ProblemAlert error={matrix.error} onRetry={() => void matrix.refetch()} />
      </Card>
    );
  if (!matrix.data)
    return (
      <Card title={title}>
        <Spinner />
      </Card>
    );
  const { competencies, rows } = matrix.data;
  const bands: GapBand[] = [...GAP_BANDS.map((b) => b.id), "none"];
  return (
    <Card title={title}>
      <p className="card__intro">{t("bpsdm.gaps.intro")}</p>
      <HeatMap
        caption={title}
        rowHeader={t("bpsdm.colUnit")}
        columns={competencies.map((c) => ({ key: c.code, short: c.code, name: c.name }))}
        rows={rows.map((row) => ({
          key: row.unit_id,
          label: row.name,
          cells: row.cells.map((cell, index) => {
            const name = competencies[index]?.name ?? cell.competency_code;
            const gap = cell.mean_gap === null ? "–" : f.number(cell.mean_gap, 2);
            return {
              gap: cell.mean_gap,
              text: gap,
              // The n behind the mean: a −1 over 2 assessed ASN weighs less than one over 200.
              sub: t("bpsdm.gaps.n", { n: f.number(cell.assessed) }),
              title:
                cell.mean_gap === null
                  ? t("bpsdm.gaps.cellNone", { unit: row.name, competency: name, required: f.number(cell.required) })
                  : t("bpsdm.gaps.cell", {
                      unit: row.name,
                      competency: name,
                      gap,
                      withGap: f.number(cell.with_gap),
                      assessed: f.number(cell.assessed),
                      required: f.number(cell.required),
                    }),
            };
          }),
        }))}
        legend={bands.map((band) => ({ band, label: t(`bpsdm.gaps.band.${band}`) }))}
        empty={t("bpsdm.gaps.empty")}
      />
    </Card>
  );
}
