import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { PLACED_NIP, placementHandlers } from "../../test/placement";
import { ToastProvider } from "../../ui";
import { HomePage } from "./HomePage";

describe("the ASN home", { timeout: 20_000 }, () => {
  it("says who the ASN is and warns (not congratulates) a PPPK over the JP cap", async () => {
    const api = fakeApi({
      ...placementHandlers,
      "GET /api/v1/auth/me": () =>
        json({
          username: PLACED_NIP,
          role: "asn",
          nip: PLACED_NIP,
          unit_id: 9,
          scopes: [],
          must_change_password: false,
        }),
      [`GET /api/v1/asn/${PLACED_NIP}/learning-records`]: () => json({ items: [], next_cursor: null, total: 0 }),
      [`GET /api/v1/asn/${PLACED_NIP}/development-plan`]: () =>
        json({ nip: PLACED_NIP, items: [], unassessed: [], planned_jp: 0 }),
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <ToastProvider>
          <MemoryRouter initialEntries={["/saya"]}>
            <HomePage />
          </MemoryRouter>
        </ToastProvider>
      </QueryClientProvider>,
    );

    const placement = await screen.findByTestId("asn-placement", {}, { timeout: 5000 });
    await waitFor(() => expect(within(placement).getByText("Arsiparis Ahli Pertama")).toBeDefined());
    expect(within(placement).getByText("Bidang Aptika")).toBeDefined();
    await waitFor(() =>
      expect(within(placement).getByText("Standar kompetensi Arsiparis Ahli Pertama (2 kompetensi)")).toBeDefined(),
    );

    const overCap = await screen.findByTestId("jp-over-cap");
    expect(overCap.textContent).toContain("JP di atas batas 24 JP tidak dihitung.");
    const ring = screen.getByRole("progressbar", { name: /Jam Pelajaran/ });
    expect(ring.className).toContain("progress-ring--low");
    expect(ring.className).not.toContain("progress-ring--complete");
    // A PPPK has no Indeks Profesionalitas ASN: no card, and the index is not even asked for.
    expect(screen.queryByRole("region", { name: /Indeks Profesionalitas ASN/ })).toBeNull();
    expect(api.to(`GET /api/v1/asn/${PLACED_NIP}/ip-asn`)).toHaveLength(0);
  });
});
