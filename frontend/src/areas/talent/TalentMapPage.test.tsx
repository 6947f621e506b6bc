import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BoxPerson, Me, TalentBox, TalentMap } from "../../api/types";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { gridRows, unitOptions } from "./nineBox";
import { PEOPLE_PAGE_SIZE, TalentMapPage } from "./TalentMapPage";

const YEAR = new Date().getFullYear();
const BPSDM: Me = {
  username: "bpsdm",
  role: "bpsdm_admin",
  nip: null,
  unit_id: null,
  scopes: [],
  must_change_password: false,
};
const OPD: Me = { ...BPSDM, username: "opd.diskominfo", role: "opd_admin", unit_id: 7 };

// The default talent_rules' layout (app/rules/defaults.py).
const LAYOUT: Array<[number, TalentBox["kinerja"], TalentBox["potensial"]]> = [
  [1, "di_bawah", "rendah"],
  [2, "sesuai", "rendah"],
  [3, "di_bawah", "menengah"],
  [4, "di_atas", "rendah"],
  [5, "sesuai", "menengah"],
  [6, "di_bawah", "tinggi"],
  [7, "di_atas", "menengah"],
  [8, "sesuai", "tinggi"],
  [9, "di_atas", "tinggi"],
];
const label = (box: number) => `Label kotak ${box}`;
const RULES = {
  boxes: LAYOUT.map(([box, kinerja, potensial]) => ({
    box,
    kinerja,
    potensial,
    label: label(box),
    recommendation: box === 9 ? "Promosi; masuk kelompok rencana suksesi" : `Saran ${box}`,
  })),
  pool_boxes: [7, 8, 9],
};
// Box n holds n × 2 people: 90 placed.
const COUNTS = LAYOUT.map(([box]) => ({ box, label: label(box), count: box * 2 }));

function map(overrides: Partial<TalentMap> = {}): TalentMap {
  return {
    year: YEAR,
    unit_id: null,
    name: null,
    headcount: 120,
    assessed: 90,
    boxes: COUNTS,
    missing: [
      { input: "performance", count: 20 },
      { input: "jpm", count: 6 },
      { input: "potential_assessment", count: 4 },
    ],
    direct: null,
    units: [
      { unit_id: 7, code: "DISKOMINFO", name: "Dinas Kominfo", headcount: 70, assessed: 50, boxes: COUNTS.slice(0, 5) },
      { unit_id: 8, code: "DINKES", name: "Dinas Kesehatan", headcount: 50, assessed: 40, boxes: COUNTS.slice(5) },
    ],
    ...overrides,
  };
}

const person = (i: number): BoxPerson => ({
  nip: `1985031420100120${String(i).padStart(2, "0")}`,
  name: `Pegawai ${i}`,
  unit_id: 7,
  unit: "Dinas Kominfo",
  kinerja: "di_atas",
  potensial: "tinggi",
  potensial_score: 80 + i / 4,
});

const UNITS = [
  { id: 7, code: "DISKOMINFO", name: "Dinas Kominfo", kind: "dinas", parent_id: null },
  { id: 9, code: "APTIKA", name: "Bidang Aptika", kind: "bidang", parent_id: 7 },
  { id: 8, code: "DINKES", name: "Dinas Kesehatan", kind: "dinas", parent_id: null },
].map((u) => ({ ...u, updated_at: "2026-01-01T00:00:00Z" }));

function backend(me: Me, overrides: Record<string, Handler> = {}) {
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    "GET /api/v1/reports/talent-map": (request) =>
      json(request.query.get("unit_id") === "7" ? map({ unit_id: 7, name: "Dinas Kominfo", units: [] }) : map()),
    [`GET /api/v1/rules/${YEAR}`]: () => json({ year: YEAR, source_year: YEAR, talent_rules: RULES }),
    "GET /api/v1/units": () => json({ items: UNITS, next_cursor: null, total: UNITS.length }),
    "GET /api/v1/reports/talent-map/box/9": (request) => {
      // 25 people: a full first page, then the rest.
      const first = !request.query.get("cursor");
      const items = first ? Array.from({ length: 20 }, (_, i) => person(i + 1)) : [person(21), person(22)];
      return json({ items, next_cursor: first ? "p2" : null, total: 22 });
    },
    ...overrides,
  });
}

function Where() {
  const location = useLocation();
  return <output data-testid="where">{location.search}</output>;
}

function renderPage(area: "bpsdm" | "opd", path = `/${area}/talenta`) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route
              path={`/${area}/talenta`}
              element={
                <>
                  <TalentMapPage area={area} />
                  <Where />
                </>
              }
            />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

const boxes = async () => {
  const grid = await screen.findByRole("group", { name: /^9-box/ });
  return within(grid).getAllByRole("button");
};

// jsdom has no object URLs; the download's blob: link is stubbed.
beforeEach(() => {
  Object.assign(URL, { createObjectURL: vi.fn(() => "blob:stub"), revokeObjectURL: vi.fn() });
});
afterEach(() => {
  Reflect.deleteProperty(URL, "createObjectURL");
  Reflect.deleteProperty(URL, "revokeObjectURL");
});

describe("gridRows", () => {
  it("puts potensial tinggi at the top and kinerja di atas at the right, with each box's count and share", () => {
    const rows = gridRows(RULES, COUNTS, 90);
    expect(rows.map((row) => row.map((cell) => cell?.box))).toEqual([
      [6, 8, 9],
      [3, 5, 7],
      [1, 2, 4],
    ]);
    const nine = rows[0][2];
    expect(nine).toMatchObject({ count: 18, share: 20, pool: true, tone: "pool", label: label(9) });
    expect(rows[2][0]).toMatchObject({ box: 1, tone: "low", pool: false });
    expect(rows[1][1]).toMatchObject({ box: 5, tone: "mid" });
    expect(gridRows(RULES, [], 0)[0][2]).toMatchObject({ count: 0, share: null });
  });

  it("leaves a cell the rules do not fill empty", () => {
    const rows = gridRows({ boxes: RULES.boxes.filter((b) => b.box !== 5), pool_boxes: [9] }, COUNTS, 90);
    expect(rows[1][1]).toBeNull();
    expect(rows[0][1]).toMatchObject({ box: 8, pool: false, tone: "high" });
  });
});

describe("unitOptions", () => {
  it("lists the province depth first, or only a root's subtree", () => {
    expect(unitOptions(UNITS, null).map((u) => [u.name, u.depth])).toEqual([
      ["Dinas Kesehatan", 0],
      ["Dinas Kominfo", 0],
      ["Bidang Aptika", 1],
    ]);
    expect(unitOptions(UNITS, 7).map((u) => u.id)).toEqual([7, 9]);
  });
});

describe("the talent map page", () => {
  it("draws the 9-box in order with counts, shares and the talent pool in words", async () => {
    backend(BPSDM);
    renderPage("bpsdm");
    const buttons = await boxes();
    expect(buttons.map((b) => b.dataset.box)).toEqual(["6", "8", "9", "3", "5", "7", "1", "2", "4"]);
    const nine = screen.getByRole("button", { name: /^Kotak 9:/ });
    expect(nine.getAttribute("aria-label")).toBe(`Kotak 9: ${label(9)}. 18 ASN, 20% dari yang terpetakan. Talent pool`);
    expect(within(nine).getByText("Talent pool")).toBeTruthy();
    expect(within(nine).getByTestId("box-9-count").textContent).toBe("18");
    const one = screen.getByRole("button", { name: /^Kotak 1:/ });
    expect(within(one).queryByText("Talent pool")).toBeNull();
    expect(one.dataset.tone).toBe("low");
    // The axes, the summary and the legend say in words what the colours show.
    expect(screen.getByText("Di atas ekspektasi")).toBeTruthy();
    expect(screen.getByText("Tinggi")).toBeTruthy();
    const legend = screen.getByRole("list", { name: "Arti warna kotak" });
    expect(
      within(legend)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual([
      "Talent pool (kelompok rencana suksesi)",
      "Dikembangkan di jabatan sekarang",
      "Perlu pembinaan kinerja",
    ]);
    const summary = screen.getByTestId("talent-summary");
    expect(within(summary).getByText("dari 120 ASN aktif")).toBeTruthy();
    // Pool: boxes 7 + 8 + 9 = 14 + 16 + 18.
    expect(within(summary).getByText("48")).toBeTruthy();
    expect(screen.getByText(`SKP tahun ${YEAR}: 20 orang`)).toBeTruthy();
  });

  it("lists a clicked box's people a page at a time under its recommendation", async () => {
    const api = backend(BPSDM);
    const user = userEvent.setup();
    renderPage("bpsdm");
    await user.click(await screen.findByRole("button", { name: /^Kotak 9:/ }));
    expect(screen.getByRole("button", { name: /^Kotak 9:/ }).getAttribute("aria-pressed")).toBe("true");
    const people = await screen.findByRole("region", { name: `Kotak 9: ${label(9)}` });
    expect(within(people).getByTestId("box-recommendation").textContent).toContain(
      "Promosi; masuk kelompok rencana suksesi",
    );
    const table = await within(people).findByRole("table", { name: "ASN di kotak 9" });
    await within(table).findByText("Pegawai 1");
    expect(within(table).getAllByRole("row")).toHaveLength(PEOPLE_PAGE_SIZE + 1);
    const first = api.to("GET /api/v1/reports/talent-map/box/9")[0];
    expect(first.query.get("year")).toBe(String(YEAR));
    expect(first.query.get("limit")).toBe(String(PEOPLE_PAGE_SIZE));
    expect(first.query.has("unit_id")).toBe(false);
    expect(screen.getByTestId("where").textContent).toBe("?kotak=9");

    await user.click(within(people).getByRole("button", { name: "Berikutnya" }));
    await within(table).findByText("Pegawai 21");
    expect(api.to("GET /api/v1/reports/talent-map/box/9").at(-1)?.query.get("cursor")).toBe("p2");

    // A search asks the API (all of the box, not the page shown) and starts again from the first page.
    await user.type(within(people).getByRole("searchbox", { name: "Cari nama atau NIP" }), "22");
    await waitFor(() => expect(api.to("GET /api/v1/reports/talent-map/box/9").at(-1)?.query.get("q")).toBe("22"));
    expect(api.to("GET /api/v1/reports/talent-map/box/9").at(-1)?.query.has("cursor")).toBe(false);

    // BPSDM has no ASN page: the name is text.
    expect(within(table).queryByRole("link")).toBeNull();
    await user.click(within(people).getByRole("button", { name: "Tutup daftar" }));
    expect(screen.queryByRole("region", { name: `Kotak 9: ${label(9)}` })).toBeNull();
    expect(screen.getByTestId("where").textContent).toBe("");
  });

  it("moves between boxes with the arrow keys and opens one with Enter", async () => {
    backend(BPSDM);
    const user = userEvent.setup();
    renderPage("bpsdm");
    const five = (await boxes()).find((b) => b.dataset.box === "5");
    five?.focus();
    await user.keyboard("{ArrowUp}");
    expect(document.activeElement?.getAttribute("data-box")).toBe("8");
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement?.getAttribute("data-box")).toBe("9");
    // The edge: nothing further right.
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement?.getAttribute("data-box")).toBe("9");
    await user.keyboard("{Enter}");
    await screen.findByRole("table", { name: "ASN di kotak 9" });
    expect(await screen.findByText("Pegawai 1")).toBeTruthy();
  });

  it("filters by year and unit through the address, and drills down from the unit table", async () => {
    const api = backend(BPSDM);
    const user = userEvent.setup();
    renderPage("bpsdm");
    const units = await screen.findByTestId("talent-units");
    const kominfo = within(units).getByRole("row", { name: /Dinas Kominfo/ });
    // Unit, headcount, boxes 1–9, not placed.
    expect(
      within(kominfo)
        .getAllByRole("cell")
        .map((c) => c.textContent),
    ).toEqual(["Dinas KominfoDISKOMINFO", "70", "2", "4", "6", "8", "10", "0", "0", "0", "0", "20"]);
    // The unit search narrows the rows (by name or code).
    await user.type(within(units).getByRole("searchbox", { name: "Cari nama atau kode unit" }), "dinkes");
    expect(within(units).getAllByRole("row")).toHaveLength(2);
    expect(within(units).getByRole("link", { name: "Dinas Kesehatan" })).toBeTruthy();
    await user.clear(within(units).getByRole("searchbox", { name: "Cari nama atau kode unit" }));
    await user.click(within(units).getByRole("link", { name: "Dinas Kominfo" }));
    await waitFor(() => expect(screen.getByTestId("where").textContent).toBe("?unit=7"));
    await screen.findByRole("heading", { name: "Dinas Kominfo" });
    expect(api.to("GET /api/v1/reports/talent-map").at(-1)?.query.get("unit_id")).toBe("7");
    expect((screen.getByRole("combobox", { name: "Unit kerja" }) as HTMLSelectElement).value).toBe("7");

    await user.selectOptions(screen.getByRole("combobox", { name: "Unit kerja" }), "");
    await waitFor(() => expect(screen.getByTestId("where").textContent).toBe(""));
    await user.selectOptions(screen.getByRole("combobox", { name: "Tahun SKP" }), String(YEAR - 1));
    await waitFor(() => expect(screen.getByTestId("where").textContent).toBe(`?tahun=${YEAR - 1}`));
    await waitFor(() =>
      expect(api.to("GET /api/v1/reports/talent-map").at(-1)?.query.get("year")).toBe(String(YEAR - 1)),
    );
  });

  it("downloads the map of the filter as XLSX", async () => {
    const api = backend(BPSDM, {
      "GET /api/v1/exports/talent-map": () =>
        new Response(new Blob(["PK"]), {
          headers: { "Content-Disposition": `attachment; filename="peta-talenta-${YEAR}.xlsx"` },
        }),
    });
    const user = userEvent.setup();
    renderPage("bpsdm", "/bpsdm/talenta?unit=8");
    await user.click(await screen.findByRole("button", { name: "Unduh XLSX" }));
    await waitFor(() => expect(api.to("GET /api/v1/exports/talent-map")).toHaveLength(1));
    const call = api.to("GET /api/v1/exports/talent-map")[0];
    expect(call.query.get("unit_id")).toBe("8");
    expect(call.query.get("year")).toBe(String(YEAR));
    expect(call.query.get("format")).toBe("xlsx");
  });

  it("gives an OPD admin its own unit's map, its subtree to choose from, and links to its ASN", async () => {
    const api = backend(OPD);
    const user = userEvent.setup();
    renderPage("opd", "/opd/talenta?kotak=9");
    await screen.findByRole("heading", { name: "Dinas Kominfo" });
    expect(api.to("GET /api/v1/reports/talent-map")[0].query.get("unit_id")).toBe("7");
    const unit = screen.getByRole("combobox", { name: "Unit kerja" });
    expect(
      within(unit)
        .getAllByRole("option")
        .map((o) => o.textContent?.trim()),
    ).toEqual(["Dinas Kominfo", "Bidang Aptika"]);
    const table = await screen.findByRole("table", { name: "ASN di kotak 9" });
    const link = await within(table).findByRole("link", { name: "Pegawai 1" });
    expect(link.getAttribute("href")).toBe(`/opd/asn/${person(1).nip}`);
    expect(api.to("GET /api/v1/reports/talent-map/box/9")[0].query.get("unit_id")).toBe("7");
    await user.selectOptions(unit, "9");
    await waitFor(() => expect(screen.getByTestId("where").textContent).toBe("?kotak=9&unit=9"));
    await user.selectOptions(unit, "7");
    await waitFor(() => expect(screen.getByTestId("where").textContent).toBe("?kotak=9"));
  });

  it("is in English too, the rule set's labels staying as written", async () => {
    const { default: i18n } = await import("../../i18n");
    await i18n.changeLanguage("en");
    backend(BPSDM);
    renderPage("bpsdm");
    const nine = (await boxes()).find((b) => b.dataset.box === "9");
    expect(nine?.getAttribute("aria-label")).toBe(`Box 9: ${label(9)}. 18 ASN, 20% of those placed. Talent pool`);
    expect(screen.getByText("Above expectations")).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Talent map" })).toBeTruthy();
  });
});
