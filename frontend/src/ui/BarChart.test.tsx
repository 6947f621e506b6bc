import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { BarChart } from "./BarChart";

const DATA = [
  { key: 1, label: "Dinas Kesehatan", value: 50 },
  { key: 2, label: "Dinas Sosial", value: 100 },
  { key: 3, label: "Inspektorat Daerah", value: 125 },
];

describe("BarChart", () => {
  it("lists each bar as text and draws it in proportion to the scale, capped at the end", () => {
    render(<BarChart title="Kepatuhan JP (%)" data={DATA} max={100} target={100} formatValue={(v) => `${v}%`} />);
    const chart = screen.getByRole("figure", { name: "Kepatuhan JP (%)" });
    const items = within(chart).getAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual([
      "Dinas Kesehatan50%",
      "Dinas Sosial100%",
      "Inspektorat Daerah125%",
    ]);
    const bars = within(chart).getAllByTestId("bar");
    expect(bars.map((bar) => bar.getAttribute("width"))).toEqual(["50", "100", "100"]);
    expect(bars.map((bar) => bar.getAttribute("class"))).toEqual([
      "bar-chart__fill",
      "bar-chart__fill bar-chart__fill--met",
      "bar-chart__fill bar-chart__fill--met",
    ]);
    expect(chart.querySelectorAll(".bar-chart__target")[0].getAttribute("x1")).toBe("100");
  });

  it("scales to the largest value without a max", () => {
    render(
      <BarChart
        title="JP"
        data={[
          { key: "a", label: "A", value: 10 },
          { key: "b", label: "B", value: 40 },
        ]}
      />,
    );
    expect(screen.getAllByTestId("bar").map((bar) => bar.getAttribute("width"))).toEqual(["25", "100"]);
  });

  it("draws banded bars in their tone with the band in words beside the value, and a legend", () => {
    render(
      <BarChart
        title="Kepatuhan"
        data={[
          { key: 1, label: "A", value: 20, tone: "poor", toneLabel: "Rendah" },
          { key: 2, label: "B", value: 90, tone: "good", toneLabel: "Tinggi" },
        ]}
        max={100}
        legend={[
          { tone: "good", label: "Tinggi: ≥ 80%" },
          { tone: "poor", label: "Rendah: < 50%" },
        ]}
        legendLabel="Arti warna"
      />,
    );
    const chart = screen.getByRole("figure", { name: "Kepatuhan" });
    expect(chart.className).toBe("bar-chart bar-chart--toned");
    expect(within(screen.getByRole("list", { name: "Arti warna" })).getAllByRole("listitem")).toHaveLength(2);
    expect(chart.querySelectorAll(".bar-chart__tone")[0].className).toBe("bar-chart__tone bar-chart__tone--poor");
    expect([...chart.querySelectorAll(".bar-chart__tone")].map((el) => el.textContent)).toEqual(["Rendah", "Tinggi"]);
    expect(screen.getAllByTestId("bar").map((bar) => bar.getAttribute("class"))).toEqual([
      "bar-chart__fill bar-chart__fill--poor",
      "bar-chart__fill bar-chart__fill--good",
    ]);
  });

  it("has no legend and no band column without tones", () => {
    render(<BarChart title="JP" data={DATA} />);
    expect(screen.queryByTestId("bar-legend")).toBeNull();
    expect(document.querySelector(".bar-chart__tone")).toBeNull();
  });
});
