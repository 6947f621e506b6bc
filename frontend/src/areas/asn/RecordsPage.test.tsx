import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import type { RecordRead } from "../../api/types";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { recordRead } from "../../test/records";
import { ToastProvider } from "../../ui";
import { byActivityDate, groupByYear, RecordsPage } from "./RecordsPage";

const NIP = "198901062015011008";
const LIST = `GET /api/v1/asn/${NIP}/learning-records`;

function record(id: number, title: string, status: RecordRead["status"]): RecordRead {
  return recordRead({ id, title, status, jp: 4, jp_claimed: 4, created_at: "2026-03-03T00:00:00Z" });
}

/** The table row a text stands in. */
function rowOf(element: HTMLElement): HTMLElement {
  const row = element.closest("tr");
  if (!row) throw new Error(`"${element.textContent}" is not in a table row`);
  return row;
}

describe("RecordsPage", { timeout: 20_000 }, () => {
  it("lists the year's records with status chips, filters by year, and withdraws a pending claim with a reason", async () => {
    const user = userEvent.setup();
    let voided = false;
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json({ username: NIP, role: "asn", nip: NIP, unit_id: 101, scopes: [] }),
      "GET /api/v1/reference/learning_forms": () =>
        json({ kind: "learning_forms", items: [{ code: "9", name: "Seminar" }] }),
      [LIST]: () =>
        json({
          items: [record(2, "Seminar Arsip", voided ? "voided" : "pending"), record(1, "Bimtek SAKIP", "verified")],
          next_cursor: null,
          total: 2,
        }),
      "POST /api/v1/learning-records/2/void": () => {
        voided = true;
        return json(record(2, "Seminar Arsip", "voided"));
      },
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <ToastProvider>
          <MemoryRouter initialEntries={["/saya/riwayat"]}>
            <RecordsPage />
          </MemoryRouter>
        </ToastProvider>
      </QueryClientProvider>,
    );

    const pendingRow = rowOf(await screen.findByText("Seminar Arsip", {}, { timeout: 5000 }));
    expect(within(pendingRow).getByText("Menunggu verifikasi")).toBeTruthy();
    const verifiedRow = rowOf(screen.getByText("Bimtek SAKIP"));
    expect(within(verifiedRow).getByText("Terverifikasi")).toBeTruthy();
    expect(within(verifiedRow).queryByRole("button")).toBeNull(); // only pending claims can be withdrawn
    expect(api.to(LIST)[0].query.get("year")).toBe(String(new Date().getFullYear()));

    await user.selectOptions(screen.getByRole("combobox", { name: "Tahun" }), "semua");
    await waitFor(() => expect(api.to(LIST).some((call) => !call.query.has("year"))).toBe(true));

    await user.click(within(pendingRow).getByRole("button", { name: "Tarik klaim Seminar Arsip" }));
    const dialog = screen.getByRole("dialog", { name: "Tarik klaim" });
    await user.click(within(dialog).getByRole("button", { name: "Tarik klaim" }));
    expect(within(dialog).getByText("Tulis alasan, paling sedikit 3 huruf.")).toBeTruthy();
    expect(api.to("POST /api/v1/learning-records/2/void")).toHaveLength(0);

    await user.type(within(dialog).getByLabelText("Alasan"), "Tercatat ganda");
    await user.click(within(dialog).getByRole("button", { name: "Tarik klaim" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(JSON.parse(api.to("POST /api/v1/learning-records/2/void")[0].body)).toEqual({ reason: "Tercatat ganda" });
    await waitFor(() => expect(within(rowOf(screen.getByText("Seminar Arsip"))).getByText("Dibatalkan")).toBeTruthy());
    expect(screen.getByText("Klaim “Seminar Arsip” ditarik.")).toBeTruthy();
  });
});

describe("the ledger's order and totals", () => {
  const r = (id: number, start: string, end: string, overrides: Partial<RecordRead> = {}) =>
    recordRead({
      id,
      start_date: start,
      end_date: end,
      year: Number(end.slice(0, 4)),
      status: "verified",
      ...overrides,
    });

  it("orders by end date, then start date, newest activity first (not by entry order)", () => {
    const rows = [r(1, "2025-01-02", "2025-01-02"), r(2, "2024-05-01", "2024-05-03"), r(3, "2025-01-01", "2025-01-02")];
    expect([...rows].sort(byActivityDate).map((x) => x.id)).toEqual([1, 3, 2]);
  });

  it("groups by year with verified JP, pending JP apart, and per-form subtotals", () => {
    const groups = groupByYear([
      r(1, "2025-03-01", "2025-03-01", { jp: 4, form_code: "9" }),
      r(2, "2026-02-01", "2026-02-01", { jp: 8, form_code: "1" }),
      r(3, "2026-04-01", "2026-04-02", { jp: 2, form_code: "9" }),
      r(4, "2026-05-01", "2026-05-01", { jp: 6, form_code: "1" }),
      r(5, "2026-06-01", "2026-06-01", { jp: 3, status: "pending" }),
      r(6, "2026-07-01", "2026-07-01", { jp: 5, status: "rejected" }),
    ]);
    expect(groups.map((g) => g.year)).toEqual([2026, 2025]);
    expect(groups[0].records.map((x) => x.id)).toEqual([6, 5, 4, 3, 2]);
    expect(groups[0].verifiedJp).toBe(16);
    expect(groups[0].pendingJp).toBe(3);
    expect(groups[0].forms).toEqual([
      { formCode: "1", jp: 14 },
      { formCode: "9", jp: 2 },
    ]);
    expect(groups[1]).toMatchObject({ verifiedJp: 4, forms: [{ formCode: "9", jp: 4 }] });
  });

  it("shows all years as headed groups with their totals and form names", async () => {
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json({ username: NIP, role: "asn", nip: NIP, unit_id: 101, scopes: [] }),
      "GET /api/v1/reference/learning_forms": () =>
        json({
          kind: "learning_forms",
          items: [
            { code: "9", name: "Seminar" },
            { code: "1", name: "Pelatihan" },
          ],
        }),
      [LIST]: () =>
        json({
          items: [
            r(7, "2025-03-01", "2025-03-01", { title: "Lama", jp: 4, form_code: "9" }),
            r(8, "2026-02-01", "2026-02-01", { title: "Awal", jp: 8, form_code: "1" }),
            r(9, "2026-04-01", "2026-04-01", { title: "Akhir", jp: 2, form_code: "9" }),
          ],
          next_cursor: null,
          total: 3,
        }),
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <ToastProvider>
          <MemoryRouter initialEntries={["/saya/riwayat?tahun=semua"]}>
            <RecordsPage />
          </MemoryRouter>
        </ToastProvider>
      </QueryClientProvider>,
    );
    const y2026 = await screen.findByRole("region", { name: "2026" }, { timeout: 5000 });
    expect(within(y2026).getByTestId("year-total-2026").textContent).toBe("10 JP terverifikasi");
    const forms = within(y2026).getByRole("list", { name: "JP terverifikasi per bentuk pembelajaran 2026" });
    await waitFor(() => expect(forms.textContent).toBe("Pelatihan: 8 JPSeminar: 2 JP"));
    const titles = within(y2026)
      .getAllByRole("row")
      .slice(1)
      .map((row) => row.querySelector(".cell-main")?.textContent);
    expect(titles).toEqual(["Akhir", "Awal"]);
    expect(within(screen.getByRole("region", { name: "2025" })).getByText("4 JP terverifikasi")).toBeTruthy();
    expect(api.to(LIST)[0].query.get("limit")).toBe("500");
  });
});
