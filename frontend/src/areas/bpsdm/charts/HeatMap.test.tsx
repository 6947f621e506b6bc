import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { gapBand, HeatMap } from "./HeatMap";

describe("gapBand", () => {
  it.each([
    [0.5, "met"],
    [0, "met"],
    [-0.01, "slight"],
    [-0.25, "slight"],
    [-0.26, "moderate"],
    [-0.5, "moderate"],
    [-0.75, "large"],
    [-1, "large"],
    [-1.01, "severe"],
    [-3, "severe"],
    [null, "none"],
    [undefined, "none"],
  ] as const)("puts a mean gap of %s in band %s", (gap, band) => {
    expect(gapBand(gap)).toBe(band);
  });
});

describe("<HeatMap>", () => {
  it("is a table with row and column headers, each cell coloured by band with its figure and a title", () => {
    render(
      <HeatMap
        caption="Peta kesenjangan"
        rowHeader="Perangkat daerah"
        columns={[
          { key: "M1", short: "M1", name: "Integritas" },
          { key: "T1", short: "T1", name: "Analisis data" },
        ]}
        rows={[
          {
            key: 7,
            label: "Dinas Kesehatan",
            cells: [
              { gap: -0.6, text: "-0,6", title: "Dinas Kesehatan · Integritas: -0,6" },
              { gap: null, text: "–", title: "Dinas Kesehatan · Analisis data: belum dinilai" },
            ],
          },
        ]}
        legend={[
          { band: "met", label: "Memenuhi" },
          { band: "none", label: "Belum dinilai" },
        ]}
      />,
    );
    const table = screen.getByRole("table", { name: "Peta kesenjangan" });
    expect(within(table).getByRole("rowheader", { name: "Dinas Kesehatan" })).toBeTruthy();
    expect(within(table).getByRole("columnheader", { name: "M1" })).toBeTruthy();
    const cells = within(table).getAllByRole("cell");
    expect(cells.map((c) => c.textContent)).toEqual(["-0,6", "–"]);
    expect(cells.map((c) => c.getAttribute("data-band"))).toEqual(["large", "none"]);
    expect(cells[0].className).toBe("heat--large");
    expect(cells[0].getAttribute("title")).toBe("Dinas Kesehatan · Integritas: -0,6");
    expect(screen.getByRole("list", { name: "Peta kesenjangan" }).textContent).toContain("Belum dinilai");
  });

  it("puts a cell's second line (the n assessed) under its figure", () => {
    render(
      <HeatMap
        caption="Peta"
        rowHeader="Unit"
        columns={[{ key: "M1", short: "M1", name: "Integritas" }]}
        rows={[{ key: 1, label: "Dinas", cells: [{ gap: -0.2, text: "-0,2", sub: "n = 36", title: "t" }] }]}
        legend={[]}
      />,
    );
    const cell = screen.getByRole("cell");
    expect(cell.querySelector(".heat-map__figure")?.textContent).toBe("-0,2");
    expect(cell.querySelector(".heat-map__sub")?.textContent).toBe("n = 36");
  });

  it("says so when there is nothing to show", () => {
    render(<HeatMap caption="Peta" rowHeader="Unit" columns={[]} rows={[]} legend={[]} empty="Belum ada standar." />);
    expect(screen.getByText("Belum ada standar.")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
  });
});
