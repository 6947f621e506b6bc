import { type KeyboardEvent, useRef } from "react";
import { useTranslation } from "react-i18next";
import { useFormat } from "../../i18n/format";
import { type GridCell, KINERJA_COLUMNS, POTENSIAL_ROWS, TONES } from "./nineBox";

/**
 * The 9-box drawn as it is on paper: potensial up the side (tinggi at the top), kinerja along the
 * bottom (di atas at the right). Each box is a button with its number, label, count and share; the
 * talent pool's boxes have their own colour and say "Talent pool" in words. Arrow keys move between
 * the boxes, Enter or a click chooses one.
 */
export function NineBoxGrid({
  rows,
  year,
  selected,
  onSelect,
}: {
  rows: Array<Array<GridCell | null>>;
  year: number;
  selected: number | null;
  onSelect: (box: number) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const grid = useRef<HTMLFieldSetElement>(null);
  const tones = TONES.filter((tone) => rows.some((row) => row.some((cell) => cell?.tone === tone)));

  function move(event: KeyboardEvent<HTMLFieldSetElement>) {
    const step: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const delta = step[event.key];
    const from = (event.target as HTMLElement).closest<HTMLElement>("[data-row]");
    if (!delta || !from) return;
    const row = Number(from.dataset.row) + delta[0];
    const col = Number(from.dataset.col) + delta[1];
    const target = grid.current?.querySelector<HTMLElement>(`[data-row="${row}"][data-col="${col}"]`);
    if (target) {
      event.preventDefault();
      target.focus();
    }
  }

  return (
    <div className="nine-box">
      <p className="nine-box__hint">{t("talent.gridHint")}</p>
      <div className="nine-box__frame">
        <span className="nine-box__axis nine-box__axis--y" aria-hidden="true">
          {t("talent.potensialAxis")} →
        </span>
        {/* The arrow keys are handled on the group: the boxes are buttons, and Tab still reaches each. */}
        <fieldset className="nine-box__grid" ref={grid} onKeyDown={move} data-testid="nine-box">
          <legend className="visually-hidden">{t("talent.gridLabel", { year })}</legend>
          {rows.map((row, r) => (
            <div className="nine-box__row" key={POTENSIAL_ROWS[r]}>
              <span className="nine-box__head nine-box__head--row">{t(`talent.potensial.${POTENSIAL_ROWS[r]}`)}</span>
              {row.map((cell, c) =>
                cell ? (
                  <BoxButton
                    key={cell.box}
                    cell={cell}
                    row={r}
                    col={c}
                    selected={selected === cell.box}
                    onSelect={onSelect}
                    share={cell.share === null ? "–" : f.percent(cell.share)}
                    count={f.number(cell.count)}
                  />
                ) : (
                  <span className="nine-box__cell nine-box__cell--empty" key={KINERJA_COLUMNS[c]} />
                ),
              )}
            </div>
          ))}
          <div className="nine-box__row nine-box__row--heads" aria-hidden="true">
            <span className="nine-box__head nine-box__head--corner" />
            {KINERJA_COLUMNS.map((kinerja) => (
              <span className="nine-box__head nine-box__head--col" key={kinerja}>
                {t(`talent.kinerja.${kinerja}`)}
              </span>
            ))}
          </div>
        </fieldset>
        <span className="nine-box__axis nine-box__axis--x" aria-hidden="true">
          {t("talent.kinerjaAxis")} →
        </span>
      </div>
      <ul className="nine-box__legend" aria-label={t("talent.legendLabel")}>
        {tones.map((tone) => (
          <li key={tone}>
            <span className={`nine-box__swatch nine-box__swatch--${tone}`} aria-hidden="true" />
            {t(`talent.tone.${tone}`)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function BoxButton({
  cell,
  row,
  col,
  selected,
  onSelect,
  share,
  count,
}: {
  cell: GridCell;
  row: number;
  col: number;
  selected: boolean;
  onSelect: (box: number) => void;
  share: string;
  count: string;
}) {
  const { t } = useTranslation();
  const name = t(cell.pool ? "talent.boxNamePool" : "talent.boxName", {
    box: cell.box,
    label: cell.label,
    count,
    share,
  });
  return (
    <button
      type="button"
      className={`nine-box__cell nine-box__cell--${cell.tone}`}
      aria-label={name}
      aria-pressed={selected}
      data-row={row}
      data-col={col}
      data-box={cell.box}
      data-tone={cell.tone}
      onClick={() => onSelect(cell.box)}
    >
      {/* On a phone only the number, in a badge: the button's name still says "Kotak 9". */}
      <span className="nine-box__number">
        <span className="nine-box__number-long">{t("talent.box", { box: cell.box })}</span>
        <span className="nine-box__number-short">{cell.box}</span>
      </span>
      <span className="nine-box__count" data-testid={`box-${cell.box}-count`}>
        {count}
      </span>
      <span className="nine-box__share">{share}</span>
      {/* The rule set's own words (Indonesian in either language). */}
      <span className="nine-box__label" lang="id">
        {cell.label}
      </span>
      {cell.pool && <span className="nine-box__pool">{t("talent.pool")}</span>}
    </button>
  );
}
