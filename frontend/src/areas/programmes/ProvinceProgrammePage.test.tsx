import { screen, within } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { fakeApi, json } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { ProvinceProgrammePage } from "./ProvinceProgrammePage";
import { AUDITOR_USER, lookups, province, YEAR } from "./testing";

const rp = (text: string) => text.replace(/Rp /g, "Rp\u00a0");

function renderProvince(body = province()) {
  const server = fakeApi({
    ...lookups(AUDITOR_USER),
    [`GET /api/v1/development-programs/${YEAR}`]: () => json(body),
  });
  renderPage(
    <Routes>
      <Route path="/bpsdm/program" element={<ProvinceProgrammePage />} />
    </Routes>,
    { path: "/bpsdm/program" },
  );
  return server;
}

describe("the province programme against the mandatory spending", { timeout: 20_000 }, () => {
  it("draws the cost and the pagu against the required minimum, with the shortfall", async () => {
    renderProvince();
    expect(await screen.findByRole("heading", { level: 1, name: "Program Pengembangan Provinsi" })).toBeDefined();
    const chart = await screen.findByRole("figure", {
      name: "Biaya program dan pagu terhadap batas minimum 0,34 % belanja daerah",
    });
    const programme = within(chart).getByTestId("budget-bar-programme");
    expect(programme.textContent).toBe(rp("Total biaya programRp 1.538.550.000 (di bawah batas)"));
    // To scale: the marker at 76.13 of 76.13 × 1.05, the programme's bar about 2 % of it.
    const marker = Number(programme.querySelector("line")?.getAttribute("x1"));
    expect(marker).toBeCloseTo(100 / 1.05, 2);
    const fill = Number(programme.querySelector("rect.budget-chart__fill")?.getAttribute("width"));
    expect(fill).toBeCloseTo((100 * 1_538_550_000) / (76_130_029_000 * 1.05), 3);
    expect(within(chart).getByTestId("budget-bar-pagu").textContent).toContain(rp("Rp 71.036.756.000"));
    expect(screen.getByTestId("chart-marker").textContent).toBe(
      rp("Garis putus-putus: batas minimum 0,34 % belanja daerah = Rp 76.130.029.000."),
    );
    expect(screen.getByTestId("province-status").textContent).toBe("Di bawah batas minimum");
    expect(screen.getByTestId("province-total").textContent).toBe(rp("Rp 1.538.550.000"));
    expect(screen.getByTestId("province-required").textContent).toBe(rp("Rp 76.130.029.000"));
    expect(screen.getByTestId("province-shortfall").textContent).toBe(rp("Rp 74.591.479.000"));
    expect(screen.getByText("0,0069% dari belanja daerah")).toBeDefined();

    const units = screen.getByRole("table", { name: "Program per unit kerja" });
    const bkd = within(units).getByRole("link", { name: "Badan Kepegawaian Daerah" });
    expect(bkd.getAttribute("href")).toBe("/bpsdm/program/29");
    const row = bkd.closest("tr") as HTMLElement;
    expect(within(row).getByText("Melebihi pagu")).toBeDefined();
    expect(screen.getByText(/2 unit memiliki program atau pagu tahun ini; 1 sudah menyusun program/)).toBeDefined();
    const courses = screen.getByRole("table", { name: "Rekap per pelatihan" });
    expect(within(courses).getByText("Pelatihan Dasar CPNS Golongan III")).toBeDefined();
    expect(within(courses).getByText("Rp 513.450.000")).toBeDefined();
    expect(screen.getByRole("button", { name: "Unduh XLSX" })).toBeDefined();
  });

  it("says the minimum cannot be computed without the year's belanja daerah", async () => {
    renderProvince(
      province({
        jurisdiction: null,
        total_belanja_daerah_idr: null,
        threshold_pct: null,
        required_min_idr: null,
        compliant: null,
        shortfall_idr: null,
        programme_pct: null,
      }),
    );
    expect(
      await screen.findByText(
        `Belanja daerah tahun ${YEAR} belum dicatat, jadi batas minimum belum dapat dihitung. Catat di halaman Anggaran.`,
      ),
    ).toBeDefined();
    expect(screen.queryByRole("figure")).toBeNull();
    expect(screen.queryByTestId("province-status")).toBeNull();
    expect(screen.getByTestId("province-required").textContent).toBe("–");
    expect(screen.getByTestId("province-shortfall").textContent).toBe("–");
  });

  it("says when the programme reaches the minimum", async () => {
    renderProvince(province({ total_cost_idr: 80_000_000_000, compliant: true, shortfall_idr: 0 }));
    expect((await screen.findByTestId("province-status")).textContent).toBe("Memenuhi batas minimum");
    expect(screen.getByTestId("budget-bar-programme").textContent).toContain("(mencapai batas)");
    expect(screen.getByTestId("province-shortfall").textContent).toBe(rp("Rp 0"));
  });
});
