import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { RecordsPage } from "./RecordsPage";
import type { RecordRead } from "./types";

const NIP = "198901062015011008";
const LIST = `GET /api/v1/asn/${NIP}/learning-records`;

function record(id: number, title: string, status: RecordRead["status"]): RecordRead {
  return {
    id, nip: NIP, title, form_code: "9", organizer: "BPSDM Kaltim", start_date: "2026-03-02", end_date: "2026-03-02",
    year: 2026, jp: 4, jp_claimed: 4, duration_minutes: null, competency_codes: [], certificate_number: null,
    cost_idr: null, source: "self", external_id: null, status, created_by: NIP, created_at: "2026-03-03T00:00:00Z",
    decided_by: null, decided_at: null, decision_note: null, voided_by: null, voided_at: null, void_reason: null,
    evidence: null,
  };
}

describe("RecordsPage", { timeout: 20_000 }, () => {
  it("lists the year's records with status chips, filters by year, and withdraws a pending claim with a reason", async () => {
    const user = userEvent.setup();
    let voided = false;
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json({ username: NIP, role: "asn", nip: NIP, unit_id: 101, scopes: [] }),
      "GET /api/v1/reference/learning_forms": () => json({ kind: "learning_forms", items: [{ code: "9", name: "Seminar" }] }),
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

    const pendingRow = (await screen.findByText("Seminar Arsip", {}, { timeout: 5000 })).closest("tr")!;
    expect(within(pendingRow).getByText("Menunggu verifikasi")).toBeTruthy();
    const verifiedRow = screen.getByText("Bimtek SAKIP").closest("tr")!;
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
    await waitFor(() =>
      expect(within(screen.getByText("Seminar Arsip").closest("tr")!).getByText("Dibatalkan")).toBeTruthy(),
    );
    expect(screen.getByText("Klaim “Seminar Arsip” ditarik.")).toBeTruthy();
  });
});
