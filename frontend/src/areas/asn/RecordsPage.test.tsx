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
import { RecordsPage } from "./RecordsPage";

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
