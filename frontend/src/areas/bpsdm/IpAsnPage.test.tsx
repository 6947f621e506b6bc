import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import "../../i18n";
import type { IpAsnReport } from "../../api/queries/ipAsn";
import { fakeApi, json } from "../../test/fakeApi";
import { IpAsnPage } from "./IpAsnPage";
import { renderPage } from "./testing";
import { unitDimensions, weakestDimension } from "./WeakestDimension";

const YEAR = new Date().getFullYear();
const CATEGORIES = ["Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"];
const spread = (...counts: number[]) => CATEGORIES.map((category, i) => ({ category, count: counts[i] }));

const REPORT: IpAsnReport = {
  year: YEAR,
  unit_id: null,
  name: null,
  headcount: 40,
  mean: 68.42,
  categories: spread(2, 8, 20, 8, 2),
  dimensions: [],
  direct: null,
  units: [
    {
      unit_id: 1,
      code: "DINKES",
      name: "Dinas Kesehatan",
      headcount: 25,
      mean: 72.5,
      categories: spread(2, 6, 12, 4, 1),
      dimensions: [],
    },
    {
      unit_id: 2,
      code: "DISKOMINFO",
      name: "Diskominfo",
      headcount: 15,
      mean: 61.57,
      categories: spread(0, 2, 8, 4, 1),
      dimensions: [],
    },
    {
      unit_id: 3,
      code: "BARU",
      name: "Badan Baru",
      headcount: 0,
      mean: null,
      categories: spread(0, 0, 0, 0, 0),
      dimensions: [],
    },
  ],
};

// jsdom has no object URLs; the download's blob: link is stubbed.
const createObjectURL = vi.fn((_blob: Blob) => "blob:stub");
beforeEach(() => {
  createObjectURL.mockClear();
  Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
});
afterEach(() => {
  Reflect.deleteProperty(URL, "createObjectURL");
  Reflect.deleteProperty(URL, "revokeObjectURL");
});

function backend(report: (year: number) => unknown = () => REPORT) {
  return fakeApi({
    "GET /api/v1/reports/ip-asn": (request) => json(report(Number(request.query.get("year")))),
    "GET /api/v1/exports/ip-asn": () =>
      new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
        headers: {
          "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "Content-Disposition": `attachment; filename="ip-asn-${YEAR}.xlsx"`,
        },
      }),
  });
}

const bodyRows = (table: HTMLElement) => within(table).getAllByRole("row").slice(1);
const cellTexts = (row: HTMLElement) =>
  within(row)
    .getAllByRole("cell")
    .map((cell) => cell.textContent);

describe("the BPSDM IP ASN dashboard", { timeout: 20_000 }, () => {
  it("shows the province mean and how the PNS/CPNS spread over the categories", async () => {
    const server = backend();
    renderPage(<IpAsnPage />);
    expect((await screen.findByTestId("ip-province-mean")).textContent).toBe("68,42");
    expect(screen.getByTestId("ip-province-headcount").textContent).toBe("40");
    const chart = screen.getByRole("figure", { name: "Sebaran kategori" });
    const rows = within(chart)
      .getAllByRole("listitem")
      .filter((li) => li.classList.contains("bar-chart__row"));
    expect(rows.map((row) => row.textContent)).toEqual([
      "Sangat Tinggi2 (5%)",
      "Tinggi8 (20%)",
      "Sedang20 (50%)",
      "Rendah8 (20%)",
      "Sangat Rendah2 (5%)",
    ]);
    expect(server.to("GET /api/v1/reports/ip-asn")[0].query.get("year")).toBe(String(YEAR));
  });

  it("has one row per OPD with headcount, mean and category counts, sortable", async () => {
    const user = userEvent.setup();
    backend();
    renderPage(<IpAsnPage />);
    const table = await screen.findByRole("table", { name: "IP ASN per OPD" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((th) => th.textContent?.replace(/[▲▼↕]/g, ""));
    expect(headers).toEqual(["Perangkat daerah", "PNS/CPNS", "Rata-rata", ...CATEGORIES]);
    expect(bodyRows(table).map(cellTexts)).toEqual([
      ["Dinas Kesehatan", "25", "72,5", "2", "6", "12", "4", "1"],
      ["Diskominfo", "15", "61,57", "0", "2", "8", "4", "1"],
      ["Badan Baru", "0", "–", "0", "0", "0", "0", "0"],
    ]);
    // No per-unit dimension means in the report yet: no "weakest dimension" column.
    expect(within(table).queryByText("Dimensi terlemah")).toBeNull();

    await user.click(within(table).getByRole("button", { name: /^Rata-rata/ }));
    expect(bodyRows(table).map((row) => cellTexts(row)[0])).toEqual(["Diskominfo", "Dinas Kesehatan", "Badan Baru"]);
    await user.click(within(table).getByRole("button", { name: /^Rendah/ }));
    await user.click(within(table).getByRole("button", { name: /^Rendah/ }));
    expect(
      within(table)
        .getByRole("columnheader", { name: /^Rendah/ })
        .getAttribute("aria-sort"),
    ).toBe("descending");
  });

  it("asks for the year picked and downloads that year's XLSX", async () => {
    const user = userEvent.setup();
    const server = backend((year) => ({ ...REPORT, year, mean: year === YEAR ? 68.42 : 60 }));
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.href}`);
    });
    renderPage(<IpAsnPage />, { path: "/bpsdm/ip-asn", route: "/bpsdm/ip-asn" });
    await screen.findByText("68,42");

    await user.selectOptions(screen.getByLabelText("Tahun"), String(YEAR - 1));
    await waitFor(() => expect(screen.getByTestId("ip-province-mean").textContent).toBe("60"));
    expect(server.to("GET /api/v1/reports/ip-asn").at(-1)?.query.get("year")).toBe(String(YEAR - 1));

    await user.click(screen.getByRole("button", { name: "Unduh XLSX" }));
    await waitFor(() => expect(clicked).toEqual([`ip-asn-${YEAR}.xlsx blob:stub`]));
    const call = server.to("GET /api/v1/exports/ip-asn")[0];
    expect(call.query.get("format")).toBe("xlsx");
    expect(call.query.get("year")).toBe(String(YEAR - 1));
    click.mockRestore();
  });

  it("adds the weakest dimension per OPD once the report carries dimension means", async () => {
    const dims = (kualifikasi: number, kompetensi: number, kinerja: number, disiplin: number) => [
      { code: "kualifikasi", mean: kualifikasi, max: 25 },
      { code: "kompetensi", mean: kompetensi, max: 40 },
      { code: "kinerja", mean: kinerja, max: 30 },
      { code: "disiplin", mean: disiplin, max: 5 },
    ];
    backend(() => ({
      ...REPORT,
      units: [
        { ...REPORT.units[0], dimensions: dims(20, 12.5, 27, 5) },
        { ...REPORT.units[1], dimensions: dims(10, 30, 25, 4.9) },
        REPORT.units[2],
      ],
    }));
    renderPage(<IpAsnPage />);
    const table = await screen.findByRole("table", { name: "IP ASN per OPD" });
    expect(within(table).getByRole("columnheader", { name: /^Dimensi terlemah/ })).toBeDefined();
    expect(bodyRows(table).map((row) => cellTexts(row).at(-1))).toEqual([
      "Kompetensi 12,5 / 40",
      "Kualifikasi 10 / 25",
      "–",
    ]);
  });
});

describe("weakestDimension", () => {
  it("reads [{code, mean|score, max}] and picks the lowest share of the maximum", () => {
    const means = unitDimensions({
      dimensions: [
        { code: "kualifikasi", mean: 20, max: 25 },
        { code: "kompetensi", score: 20, max: 40 },
        { code: "kinerja", mean: null, max: 30 },
        { code: "disiplin", mean: 2, max: 5 },
      ],
    });
    expect(means?.map((m) => m.code)).toEqual(["kualifikasi", "kompetensi", "disiplin"]);
    expect(means && weakestDimension(means)?.code).toBe("disiplin");
  });

  it("finds none in today's report rows", () => {
    expect(unitDimensions(REPORT.units[0])).toBeNull();
    expect(unitDimensions({ dimensions: [] })).toBeNull();
    expect(unitDimensions(null)).toBeNull();
  });
});
