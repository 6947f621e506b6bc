import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../../i18n";
import { GapsView } from "../GapsCard";
import { Radar, radarPoint } from "./Radar";

const axes = [
  { key: "M1", label: "M1", name: "Integritas", required: 3, actual: 3 },
  { key: "M2", label: "M2", name: "Kerja Sama", required: 4, actual: 2 },
  { key: "M3", label: "M3", name: "Komunikasi", required: 2, actual: null },
  { key: "M4", label: "M4", name: "Orientasi pada Hasil", required: 5, actual: 5 },
];

describe("radarPoint", () => {
  it("puts the first axis straight up and goes clockwise, scaled to the maximum", () => {
    expect(radarPoint(0, 4, 5, 5)).toEqual([150, 45]); // full radius 105 above the centre
    expect(radarPoint(1, 4, 5, 5)).toEqual([255, 150]);
    expect(radarPoint(2, 4, 0, 5)).toEqual([150, 150]); // zero is the centre
    expect(radarPoint(3, 4, 9, 5)).toEqual([45, 150]); // clamped to the scale
  });
});

describe("Radar", () => {
  it("draws the required and the actual shape, an unrated competency at the centre", () => {
    render(<Radar title="Kompetensi" axes={axes} max={5} requiredLabel="Standar jabatan" actualLabel="Level aktual" />);
    expect(screen.getByRole("img", { name: "Kompetensi" })).toBeTruthy();
    const required = screen.getByTestId("radar-required").getAttribute("points");
    const actual = screen.getByTestId("radar-actual").getAttribute("points");
    // M1 3/5 up, M2 4/5 right, M3 2/5 down, M4 5/5 left.
    expect(required).toBe("150,87 234,150 150,192 45,150");
    // M2 2/5 right, M3 unrated → centre.
    expect(actual).toBe("150,87 192,150 150,150 45,150");
    expect(screen.getAllByText(/^M[1-4]$/)).toHaveLength(4);
    expect(screen.getByText("Standar jabatan")).toBeTruthy();
  });

  it("scales to the highest level shown (at least 3) when no maximum is given", () => {
    const low = axes.map((a) => ({ ...a, required: Math.min(a.required, 2), actual: a.actual && 1 }));
    render(<Radar title="Kompetensi" axes={low} requiredLabel="Standar" actualLabel="Aktual" />);
    // Level 2 of 3 on the first axis: 70 px above the centre.
    expect(screen.getByTestId("radar-required").getAttribute("points")?.split(" ")[0]).toBe("150,80");
    expect(screen.getAllByText(/^[1-3]$/).map((tick) => tick.textContent)).toEqual(["1", "2", "3"]);
  });

  it("draws nothing with fewer than three axes (no shape to compare)", () => {
    const { container } = render(
      <Radar title="Kompetensi" axes={axes.slice(0, 2)} requiredLabel="Standar" actualLabel="Aktual" />,
    );
    expect(container.querySelector("svg")).toBeNull();
  });
});

describe("GapsView", () => {
  it("shows JPM, band, the chart and a table of levels with the shortfalls", () => {
    render(
      <MemoryRouter>
        <GapsView
          gaps={{
            nip: "198901062015011008",
            position_id: 12,
            year: 2026,
            jpm: 83.33,
            ikk: 16.67,
            jpm_category: "Cukup Optimal",
            missing: [],
            items: axes.map((a) => ({
              competency_code: a.key,
              name: a.name,
              group: "manajerial" as const,
              required_level: a.required,
              actual_level: a.actual,
              gap: a.actual === null ? null : a.actual - a.required,
            })),
          }}
        />
      </MemoryRouter>,
    );
    expect(screen.getByText("83,33%")).toBeTruthy();
    expect(screen.getByText("Cukup Optimal")).toBeTruthy();
    expect(screen.getByText("1 dari 4")).toBeTruthy();
    expect(screen.getByRole("img", { name: /Grafik radar/ })).toBeTruthy();
    const table = screen.getByRole("table", { name: /Level standar, aktual/ });
    const row = within(table).getByRole("row", { name: /Kerja Sama/ });
    expect(
      within(row)
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["4", "2", "-2"]);
    expect(within(within(table).getByRole("row", { name: /Komunikasi/ })).getByText("Belum dinilai")).toBeTruthy();
  });

  it("says so when the position has no standard", () => {
    render(
      <GapsView
        gaps={{
          nip: "1",
          position_id: null,
          year: 2026,
          jpm: null,
          ikk: null,
          jpm_category: null,
          missing: [],
          items: [],
        }}
      />,
    );
    expect(screen.getByText(/Jabatan Anda belum tercatat/)).toBeTruthy();
  });
});
