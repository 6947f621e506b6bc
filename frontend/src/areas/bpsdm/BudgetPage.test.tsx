import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { BudgetPage, parseRupiah } from "./BudgetPage";
import { ADMIN, AT, AUDITOR, renderPage } from "./testing";

const YEAR = new Date().getFullYear();
const BASE = `/api/v1/budgets/${YEAR}`;

const BUDGET = { year: YEAR, jurisdiction: "provinsi", total_belanja_daerah_idr: 1_000_000_000, updated_at: AT };
const ROW = {
  year: YEAR,
  unit_id: 2,
  code: "BPSDM",
  name: "Badan Pengembangan SDM",
  pagu_idr: 2_000_000,
  realisasi_idr: 1_000_000,
  over_pagu: false,
  realisation_rate_pct: 50,
  updated_at: AT,
};

function compliance(pagu: number) {
  const pct = (pagu / BUDGET.total_belanja_daerah_idr) * 100;
  return {
    year: YEAR,
    jurisdiction: "provinsi",
    total_belanja_daerah_idr: BUDGET.total_belanja_daerah_idr,
    threshold_pct: 0.34,
    required_min_idr: 3_400_000,
    bangkom_pagu_idr: pagu,
    bangkom_realisasi_idr: 1_000_000,
    pagu_pct: pct,
    realisasi_pct: 0.1,
    compliant: pagu >= 3_400_000,
    shortfall_idr: Math.max(0, 3_400_000 - pagu),
    realisation_rate_pct: 50,
    verified_jp: 0,
    cost_per_jp_idr: null,
    units: [],
  };
}

function backend({
  me = ADMIN,
  budget = true,
  put,
}: {
  me?: typeof ADMIN;
  budget?: boolean;
  put?: () => Response;
} = {}) {
  let row = ROW;
  let version = 1;
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    "GET /api/v1/budgets": () => json({ items: budget ? [BUDGET] : [], next_cursor: null, total: budget ? 1 : 0 }),
    [`GET ${BASE}`]: () => (budget ? json(BUDGET, 200, { ETag: '"7"' }) : problem(404, "budget_not_found")),
    [`PUT ${BASE}`]: (request) => json({ ...BUDGET, ...JSON.parse(request.body) }, 201, { ETag: '"1"' }),
    [`GET ${BASE}/compliance`]: () => json(compliance(row.pagu_idr)),
    [`GET ${BASE}/units`]: () => json({ items: [row], next_cursor: null, total: 1 }),
    [`GET ${BASE}/units/2`]: () => json(row, 200, { ETag: `"${version}"` }),
    [`PUT ${BASE}/units/2`]: (request) => {
      if (put) {
        const refused = put();
        if (refused.status === 412) {
          // Someone else saved meanwhile: the server now holds their pagu and a new version.
          row = { ...row, pagu_idr: 2_500_000 };
          version = 2;
        }
        return refused;
      }
      row = { ...row, ...JSON.parse(request.body) };
      version += 1;
      return json(row, 200, { ETag: `"${version}"` });
    },
  });
}

describe("parseRupiah", () => {
  it("takes whole rupiah with or without thousands dots, nothing else", () => {
    expect(parseRupiah("21.690.000")).toBe(21_690_000);
    expect(parseRupiah("0")).toBe(0);
    expect(parseRupiah("1,5")).toBeNull();
    expect(parseRupiah("-3")).toBeNull();
    expect(parseRupiah("")).toBeNull();
  });
});

describe("the budget page", () => {
  it("shows the year's spending, the mandatory-spending check and the units' pagu and realisasi", async () => {
    backend();
    renderPage(<BudgetPage />);
    const province = await screen.findByTestId("province-budget");
    expect(within(province).getByText("Provinsi")).toBeDefined();
    const check = await screen.findByTestId("budget-compliance");
    expect(within(check).getByText(/Belum memenuhi/)).toBeDefined();
    expect(await screen.findByText("Badan Pengembangan SDM")).toBeDefined();
    expect(screen.getByRole("button", { name: "Ubah belanja daerah" })).toBeDefined();
  });

  it("saves a unit's pagu with If-Match and the check follows", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<BudgetPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah anggaran Badan Pengembangan SDM" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah anggaran Badan Pengembangan SDM" });
    const pagu = await within(dialog).findByLabelText(/^Pagu/);
    await user.clear(pagu);
    await user.type(pagu, "4.000.000");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const [sent] = server.to(`PUT ${BASE}/units/2`);
    expect(sent.headers.get("If-Match")).toBe('"1"');
    expect(JSON.parse(sent.body)).toEqual({ pagu_idr: 4_000_000, realisasi_idr: 1_000_000 });
    const check = screen.getByTestId("budget-compliance");
    await waitFor(() => expect(within(check).getByText("Memenuhi batas minimal belanja wajib")).toBeDefined());
  });

  it("after a 412 shows the other admin's values in the form", async () => {
    const user = userEvent.setup();
    backend({ put: () => problem(412, "precondition_failed") });
    renderPage(<BudgetPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah anggaran Badan Pengembangan SDM" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah anggaran Badan Pengembangan SDM" });
    const pagu = await within(dialog).findByLabelText(/^Pagu/);
    await user.clear(pagu);
    await user.type(pagu, "4000000");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    expect(await within(dialog).findByText("Data ini diubah orang lain sejak Anda membukanya")).toBeDefined();
    await waitFor(() => expect((within(dialog).getByLabelText(/^Pagu/) as HTMLInputElement).value).toBe("2500000"));
  });

  it("refuses a pagu that is not whole rupiah before sending it", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<BudgetPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah anggaran Badan Pengembangan SDM" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah anggaran Badan Pengembangan SDM" });
    const pagu = await within(dialog).findByLabelText(/^Pagu/);
    await user.clear(pagu);
    await user.type(pagu, "1,5");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(within(dialog).getByText("Isi jumlah rupiah bulat (0 atau lebih).")).toBeDefined();
    expect(server.to(`PUT ${BASE}/units/2`)).toHaveLength(0);
  });

  it("records a new year's spending without If-Match", async () => {
    const user = userEvent.setup();
    const server = backend({ budget: false });
    renderPage(<BudgetPage />);
    expect(await screen.findByText(/belum dicatat/)).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Catat belanja daerah" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(await within(dialog).findByLabelText(/^Total belanja daerah/), "21.690.000.000.000");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(server.to(`PUT ${BASE}`)).toHaveLength(1));
    const [sent] = server.to(`PUT ${BASE}`);
    expect(sent.headers.get("If-Match")).toBeNull();
    expect(JSON.parse(sent.body)).toEqual({ jurisdiction: "provinsi", total_belanja_daerah_idr: 21_690_000_000_000 });
  });

  it("is read-only for the auditor", async () => {
    backend({ me: AUDITOR });
    renderPage(<BudgetPage />);
    expect(await screen.findByText("Badan Pengembangan SDM")).toBeDefined();
    expect(await screen.findByTestId("budget-compliance")).toBeDefined();
    expect(screen.getByText("Akun Anda hanya dapat melihat data di halaman ini.")).toBeDefined();
    expect(screen.queryByRole("button", { name: /Tambah|Ubah|Catat/ })).toBeNull();
  });
});
