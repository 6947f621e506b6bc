import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { PLACED_NIP, placementHandlers, YEAR } from "../../test/placement";
import { ToastProvider } from "../../ui";
import { AsnDetailPage } from "./AsnDetailPage";

describe("the OPD's ASN page", { timeout: 20_000 }, () => {
  it("names jabatan, unit kerja and the standard, and warns that JP beyond the PPPK cap do not count", async () => {
    fakeApi({
      ...placementHandlers,
      [`GET /api/v1/asn/${PLACED_NIP}/learning-records`]: () => json({ items: [], next_cursor: null, total: 0 }),
      "GET /api/v1/reference/learning_forms": () => json({ kind: "learning_forms", items: [] }),
      "GET /api/v1/auth/me": () => json({ username: "opd.a", role: "opd_admin", nip: null, unit_id: 9, scopes: [] }),
      [`GET /api/v1/asn/${PLACED_NIP}/disciplinary-records`]: () => json({ items: [], next_cursor: null, total: 0 }),
      [`GET /api/v1/asn/${PLACED_NIP}/potential-assessments`]: () => json({ items: [], next_cursor: null, total: 0 }),
      ...Object.fromEntries(
        [YEAR, YEAR - 1, YEAR - 2].map((year) => [
          `GET /api/v1/asn/${PLACED_NIP}/performance/${year}`,
          () => problem(404, "performance_not_found"),
        ]),
      ),
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <ToastProvider>
          <MemoryRouter initialEntries={[`/opd/asn/${PLACED_NIP}`]}>
            <Routes>
              <Route path="/opd/asn/:nip" element={<AsnDetailPage />} />
            </Routes>
          </MemoryRouter>
        </ToastProvider>
      </QueryClientProvider>,
    );

    const facts = await screen.findByTestId("asn-placement", {}, { timeout: 5000 });
    await waitFor(() => expect(within(facts).getByText("Arsiparis Ahli Pertama")).toBeDefined());
    expect(within(facts).getByText("Bidang Aptika")).toBeDefined();
    await waitFor(() =>
      expect(within(facts).getByText("Standar kompetensi Arsiparis Ahli Pertama (2 kompetensi)")).toBeDefined(),
    );

    const warning = await screen.findByText("Melebihi batas JP PPPK");
    expect(warning.closest(".alert")?.textContent).toContain("JP di atas batas 24 JP tidak dihitung.");
    expect(screen.getByRole("progressbar").className).toContain("progress-ring--low");

    // The talent records follow, each list on its own (a year without an SKP result is not an error).
    await screen.findByRole("heading", { level: 2, name: "Talenta" });
    await screen.findByText("Tidak ada hukuman disiplin yang tercatat.");
    await screen.findByText("Belum ada penilaian potensi.");
    expect(await screen.findAllByText("Belum diisi")).toHaveLength(3);
  });
});
