import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import type { JpComplianceReport } from "../../api/types";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { complianceBand } from "./charts/complianceBand";
import { DashboardPage } from "./DashboardPage";

const unit = (unit_id: number, name: string, compliance_pct: number, headcount = 10) => ({
  unit_id,
  code: `U${unit_id}`,
  name,
  headcount,
  compliant: Math.round((headcount * compliance_pct) / 100),
  non_compliant: headcount - Math.round((headcount * compliance_pct) / 100),
  compliance_pct,
  total_jp: 100,
  mean_jp: 10,
});

const REPORT: JpComplianceReport = {
  year: 2026,
  unit_id: null,
  name: null,
  target_jp: 20,
  headcount: 40,
  compliant: 23,
  non_compliant: 17,
  compliance_pct: 57.5,
  total_jp: 400,
  mean_jp: 10,
  direct: null,
  units: [
    unit(1, "Dinas Kesehatan", 90),
    unit(2, "Dinas Sosial", 80),
    unit(3, "Inspektorat Daerah", 50),
    unit(4, "Satpol PP", 10),
    unit(5, "Badan Baru", 0, 0),
  ],
  pppk: { cap_jp: 24, headcount: 12, reached_cap: 3, total_jp: 150, mean_jp: 12.5, over_cap: 1 },
};

const MATRIX = {
  unit_id: null,
  name: null,
  competencies: [
    { code: "M1", name: "Integritas", group: "manajerial" },
    { code: "M2", name: "Kerjasama", group: "manajerial" },
  ],
  rows: [
    {
      unit_id: 1,
      code: "U1",
      name: "Dinas Kesehatan",
      cells: [
        { competency_code: "M1", required: 40, assessed: 36, with_gap: 9, mean_gap: -0.45 },
        { competency_code: "M2", required: 12, assessed: 0, with_gap: 0, mean_gap: null },
      ],
    },
  ],
  direct: null,
};

function renderDashboard() {
  fakeApi({
    "GET /api/v1/reports/jp-compliance": () => json(REPORT),
    "GET /api/v1/reports/competency-gap-matrix": () => json(MATRIX),
    "GET /api/v1/budgets/compliance": () => json({ items: [] }),
  });
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>
          <DashboardPage />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("complianceBand", () => {
  it.each([
    [100, "good"],
    [80, "good"],
    [79.99, "fair"],
    [50, "fair"],
    [49.99, "poor"],
    [0, "poor"],
  ] as const)("puts %s %% in band %s", (pct, band) => {
    expect(complianceBand(pct)).toBe(band);
  });
});

describe("the province dashboard", () => {
  it("shows the PPPK apart: how many, how many reached the cap, how many went over it", async () => {
    renderDashboard();
    const block = await screen.findByTestId("province-pppk");
    const region = screen.getByRole("region", { name: "PPPK" });
    expect(region.contains(block)).toBe(true);
    expect(within(region).getByText(/dibatasi paling banyak 24 JP per tahun/)).toBeTruthy();
    expect(screen.getByTestId("pppk-headcount").textContent).toBe("12");
    expect(screen.getByTestId("pppk-reached").textContent).toBe("3");
    expect(screen.getByTestId("pppk-over-cap").textContent).toBe("1");
    expect(within(block).getByText("Mencapai batas 24 JP")).toBeTruthy();
    expect(within(block).getByText("3 dari 12 PPPK (25%)")).toBeTruthy();
    const bar = within(region).getByRole("progressbar", { name: "Mencapai batas 24 JP" });
    expect(bar.getAttribute("aria-valuenow")).toBe("3");
    expect(bar.getAttribute("aria-valuemax")).toBe("12");
  });

  it("colours each OPD's bar by its compliance, says the band in words and explains the colours", async () => {
    renderDashboard();
    const chart = await screen.findByRole("figure", { name: "Kepatuhan JP per perangkat daerah (%)" });
    const legend = within(chart).getByRole("list", { name: "Arti warna batang" });
    expect(
      within(legend)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["Tinggi: ≥ 80% ASN memenuhi target", "Sedang: 50–79%", "Rendah: < 50%"]);
    // Worst first; an OPD without staff has no bar.
    const rows = within(chart)
      .getAllByRole("listitem")
      .filter((li) => li.classList.contains("bar-chart__row"));
    expect(rows.map((row) => row.textContent)).toEqual([
      "Satpol PP10%Rendah",
      "Inspektorat Daerah50%Sedang",
      "Dinas Sosial80%Tinggi",
      "Dinas Kesehatan90%Tinggi",
    ]);
    expect(rows.map((row) => row.getAttribute("data-tone"))).toEqual(["poor", "fair", "good", "good"]);
    expect(
      within(chart)
        .getAllByTestId("bar")
        .map((bar) => bar.getAttribute("class")),
    ).toEqual([
      "bar-chart__fill bar-chart__fill--poor",
      "bar-chart__fill bar-chart__fill--fair",
      "bar-chart__fill bar-chart__fill--good",
      "bar-chart__fill bar-chart__fill--good",
    ]);
  });

  it("puts under each heat-map cell how many ASN were assessed", async () => {
    renderDashboard();
    const table = await screen.findByRole("table", { name: "Peta kesenjangan kompetensi" });
    const cells = within(table).getAllByRole("cell");
    expect(cells.map((c) => c.textContent)).toEqual(["-0,45n = 36", "–n = 0"]);
    expect(cells[0].querySelector(".heat-map__sub")?.textContent).toBe("n = 36");
    expect(cells[0].getAttribute("title")).toContain("9 dari 36 ASN yang dinilai");
    expect(screen.getByText(/Angka n di setiap sel adalah jumlah ASN yang sudah dinilai/)).toBeTruthy();
  });
});
