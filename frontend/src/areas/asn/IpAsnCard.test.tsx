import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import type { IpAsnRead } from "../../api/queries/ipAsn";
import type { JpSummary } from "../../api/types";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { IpAsnCard } from "./IpAsnCard";

const NIP = "198503142010012003";
const YEAR = new Date().getFullYear();

const SUMMARY: JpSummary = {
  nip: NIP,
  year: YEAR,
  employment_type: "pns",
  verified_jp: 8,
  pending_jp: 0,
  target_jp: 20,
  cap_jp: null,
  remaining_jp: 12,
  compliant: false,
  over_cap: null,
  by_form: [],
};

const IP: IpAsnRead = {
  nip: NIP,
  year: YEAR,
  employment_type: "pns",
  total: 55,
  category: "Rendah",
  dimensions: [
    {
      code: "kualifikasi",
      score: 15,
      max: 25,
      indicators: [
        { code: "education", label: "Pendidikan tertinggi", points: 15, max: 25, evidence: { education_level: "S1" } },
      ],
    },
    {
      code: "kompetensi",
      score: 10,
      max: 40,
      indicators: [
        {
          code: "technical",
          label: "Pelatihan teknis tahun ini",
          points: 0,
          max: 15,
          evidence: { jp: 8, min_jp: 20, learning_record_ids: [1] },
        },
      ],
    },
    { code: "kinerja", score: 25, max: 30, indicators: [] },
    { code: "disiplin", score: 5, max: 5, indicators: [] },
  ],
  how_to_improve: [
    { indicator: "technical", points: 15, action: "Ikuti pelatihan teknis 12 JP lagi tahun ini" },
    { indicator: "skp", points: 5, action: "Upayakan predikat SKP Sangat Baik" },
  ],
};

function renderCard(ipAnswer: Handler, employmentType: string | undefined) {
  const api = fakeApi({
    [`GET /api/v1/asn/${NIP}/jp-summary`]: () => json(SUMMARY),
    [`GET /api/v1/asn/${NIP}/ip-asn`]: ipAnswer,
  });
  const view = render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>
          <IpAsnCard nip={NIP} employmentType={employmentType} />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { api, ...view };
}

describe("the IP ASN card on the ASN home", { timeout: 20_000 }, () => {
  it("shows the total of 100, the category and the four dimensions as bars", async () => {
    const { api } = renderCard(() => json(IP), "pns");
    const card = await screen.findByRole("region", { name: `Indeks Profesionalitas ASN ${YEAR}` });
    expect(screen.getByTestId("ip-asn-total").textContent).toBe("55 dari 100");
    expect(screen.getByTestId("ip-asn-category").textContent).toBe("Rendah");
    const dimensions = within(card).getByRole("list", { name: "Nilai per dimensi" });
    const bars = within(dimensions).getAllByRole("progressbar");
    expect(bars.map((bar) => bar.getAttribute("aria-label"))).toEqual([
      "Kualifikasi",
      "Kompetensi",
      "Kinerja",
      "Disiplin",
    ]);
    expect(bars.map((bar) => [bar.getAttribute("aria-valuenow"), bar.getAttribute("aria-valuemax")])).toEqual([
      ["15", "25"],
      ["10", "40"],
      ["25", "30"],
      ["5", "5"],
    ]);
    expect(screen.getByTestId("ip-dimension-kompetensi").textContent).toBe("Kompetensi10 / 40");
    // No bar on the card may pass for the JP ring the home-page benchmark waits for.
    expect(within(card).queryByRole("progressbar", { name: /^Jam Pelajaran/ })).toBeNull();
    // The indicators with their points, folded away.
    expect(within(card).getByText("Pelatihan teknis tahun ini").closest("details")).not.toBeNull();
    // Asked for only after the JP summary had answered, so it never delays the JP ring.
    const order = api.calls.map((c) => c.path);
    expect(order.indexOf(`/api/v1/asn/${NIP}/jp-summary`)).toBeLessThan(order.indexOf(`/api/v1/asn/${NIP}/ip-asn`));
  });

  it("lists what to do next with the points each step would add", async () => {
    renderCard(() => json(IP), "pns");
    await screen.findByRole("heading", { name: "Yang bisa Anda lakukan" });
    const advice = screen.getByTestId("ip-asn-advice");
    expect(
      within(advice)
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["Ikuti pelatihan teknis 12 JP lagi tahun ini: +15", "Upayakan predikat SKP Sangat Baik: +5"]);
  });

  it("says so when every indicator already has its points", async () => {
    renderCard(() => json({ ...IP, total: 100, category: "Sangat Tinggi", how_to_improve: [] }), "pns");
    await screen.findByText("Semua indikator sudah mendapat poin penuh. Pertahankan!");
    expect(screen.queryByTestId("ip-asn-advice")).toBeNull();
  });

  it("shows nothing, and no error, when the API says a PPPK is not measured", async () => {
    const { api, container } = renderCard(() => problem(422, "ip_asn_not_applicable"), "pns");
    await waitFor(() => expect(api.to(`GET /api/v1/asn/${NIP}/ip-asn`)).toHaveLength(1));
    await waitFor(() => expect(container.querySelector(".ip-card")).toBeNull());
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("does not even ask for a PPPK's index, nor before the profile says who the ASN is", async () => {
    const pppk = renderCard(() => json(IP), "pppk");
    await waitFor(() => expect(pppk.api.to(`GET /api/v1/asn/${NIP}/jp-summary`)).toHaveLength(1));
    expect(pppk.container.querySelector(".ip-card")).toBeNull();
    pppk.unmount();
    const unknown = renderCard(() => json(IP), undefined);
    await waitFor(() => expect(unknown.api.to(`GET /api/v1/asn/${NIP}/jp-summary`)).toHaveLength(1));
    expect(unknown.container.querySelector(".ip-card")).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pppk.api.to(`GET /api/v1/asn/${NIP}/ip-asn`)).toHaveLength(0);
    expect(unknown.api.to(`GET /api/v1/asn/${NIP}/ip-asn`)).toHaveLength(0);
  });

  it("keeps another failure inside the card, with a retry", async () => {
    renderCard(() => problem(403, "forbidden"), "pns");
    const card = await screen.findByRole("region", { name: "Indeks Profesionalitas ASN" });
    await within(card).findByRole("alert");
    expect(within(card).getByRole("button", { name: "Coba lagi" })).toBeDefined();
  });
});
