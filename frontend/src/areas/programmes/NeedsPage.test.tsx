import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import i18n from "../../i18n";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { BpsdmNeedsPage, OpdNeedsPage } from "./NeedsPage";
import { BPSDM_USER, lookups, needs, OPD_USER, UNIT, YEAR } from "./testing";

function backend(handlers: Record<string, Handler> = {}, user: object = OPD_USER) {
  return fakeApi({
    ...lookups(user),
    "GET /api/v1/reports/training-needs": () => json(needs()),
    "GET /api/v1/units": () =>
      json({
        items: [
          { id: 29, code: "BKD", kind: "opd", name: "Badan Kepegawaian Daerah", parent_id: null, updated_at: "" },
          { id: UNIT, code: "BPSDM", kind: "opd", name: "Badan Pengembangan SDM", parent_id: null, updated_at: "" },
          { id: 301, code: "BPSDM_SEKR", kind: "bidang", name: "Sekretariat BPSDM", parent_id: UNIT, updated_at: "" },
        ],
        next_cursor: null,
        total: 3,
      }),
    ...handlers,
  });
}

describe("the training-needs analysis", { timeout: 20_000 }, () => {
  it("ranks the OPD's competencies by need, with the courses the approved plans name", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(
      <Routes>
        <Route path="/opd/kebutuhan" element={<OpdNeedsPage />} />
      </Routes>,
      { path: "/opd/kebutuhan" },
    );
    expect(await screen.findByRole("heading", { level: 1, name: "Analisis Kebutuhan Pelatihan" })).toBeDefined();
    const summary = await screen.findByTestId("needs-summary");
    expect(within(summary).getByText("Kompetensi dengan kesenjangan").nextSibling?.textContent).toBe("2");
    expect(within(summary).getByText("ASN di bawah standar").nextSibling?.textContent).toBe("4");
    expect(within(summary).getByText("72 JP direncanakan")).toBeDefined();
    // The OPD admin's own subtree by default: no unit asked for.
    const [request] = server.to("GET /api/v1/reports/training-needs");
    expect(request.query.get("unit_id")).toBeNull();
    expect(request.query.get("year")).toBe(String(YEAR));

    const table = screen.getByRole("table", { name: "Kebutuhan per kompetensi" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0].textContent)).toEqual(["1", "2"]);
    const first = rows[0];
    expect(within(first).getByText("Pengambilan Keputusan", { exact: false })).toBeDefined();
    expect(
      within(first)
        .getAllByRole("cell")
        .map((cell) => cell.textContent),
    ).toEqual(expect.arrayContaining(["6", "3", "4", "2", "48"]));
    const toggle = within(first).getByRole("button", { name: "Lihat 1 pelatihan" });
    const courses = document.getElementById(toggle.getAttribute("aria-controls") ?? "") as HTMLElement;
    expect(courses.getAttribute("aria-label")).toBe("Pelatihan untuk M8 dalam IDP yang disetujui");
    expect(courses.hidden).toBe(true);
    await user.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(courses.hidden).toBe(false);
    expect(within(courses).getByText("2 item, 48 JP")).toBeDefined();
    expect(within(rows[1]).getByText("Belum ada di IDP")).toBeDefined();

    const mandatory = screen.getByTestId("mandatory-needs");
    expect(within(mandatory).getByText("Pelatihan Dasar CPNS").parentElement?.textContent).toContain("2 ASN belum");
    expect(within(mandatory).getByText("Belum ada pelatihannya di katalog")).toBeDefined();
    expect(screen.getByRole("link", { name: "Susun program pengembangan →" }).getAttribute("href")).toBe(
      "/opd/program",
    );
  });

  it("filters BPSDM's province view by unit, kept in the address with the year", async () => {
    const user = userEvent.setup();
    const server = backend({}, BPSDM_USER);
    renderPage(
      <Routes>
        <Route path="/bpsdm/kebutuhan" element={<BpsdmNeedsPage />} />
      </Routes>,
      { path: `/bpsdm/kebutuhan?tahun=${YEAR + 1}` },
    );
    await screen.findByTestId("needs-summary");
    expect(server.to("GET /api/v1/reports/training-needs")[0].query.get("year")).toBe(String(YEAR + 1));
    expect(screen.queryByRole("link", { name: "Susun program pengembangan →" })).toBeNull();
    const unit = screen.getByLabelText("Unit kerja") as HTMLSelectElement;
    await waitFor(() => expect(within(unit).getByRole("option", { name: /Sekretariat BPSDM/ })).toBeDefined());
    // In tree order: the sub-unit under its OPD, indented.
    expect(
      within(unit)
        .getAllByRole("option")
        .map((o) => o.textContent?.trim()),
    ).toEqual(["Seluruh provinsi", "Badan Kepegawaian Daerah", "Badan Pengembangan SDM", "Sekretariat BPSDM"]);
    await user.selectOptions(unit, String(UNIT));
    await waitFor(() =>
      expect(server.to("GET /api/v1/reports/training-needs").at(-1)?.query.get("unit_id")).toBe(String(UNIT)),
    );
    expect((await screen.findByRole("link", { name: "Susun program pengembangan →" })).getAttribute("href")).toBe(
      `/bpsdm/program/${UNIT}?tahun=${YEAR + 1}`,
    );
  });

  it("shows the problem when the unit is out of reach, and reads in English", async () => {
    backend({ "GET /api/v1/reports/training-needs": () => problem(404, "unit_not_found", "Unit not found") });
    const { unmount } = renderPage(
      <Routes>
        <Route path="/opd/kebutuhan" element={<OpdNeedsPage />} />
      </Routes>,
      { path: "/opd/kebutuhan" },
    );
    expect(await screen.findByRole("button", { name: "Coba lagi" })).toBeDefined();
    expect(screen.getByText("Unit not found", { exact: false })).toBeDefined();
    unmount();

    await i18n.changeLanguage("en");
    try {
      backend();
      renderPage(
        <Routes>
          <Route path="/opd/kebutuhan" element={<OpdNeedsPage />} />
        </Routes>,
        { path: "/opd/kebutuhan" },
      );
      expect(await screen.findByRole("heading", { level: 1, name: "Training Needs Analysis" })).toBeDefined();
      expect(await screen.findByRole("button", { name: "Show 1 course" })).toBeDefined();
    } finally {
      await i18n.changeLanguage("id");
    }
  });
});
