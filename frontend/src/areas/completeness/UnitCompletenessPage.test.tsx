import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import type { DataGap } from "../../api/types";
import { fakeApi, type Handler, json } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { indicators, report } from "./testing";
import { BpsdmUnitCompletenessPage, OpdCompletenessPage } from "./UnitCompletenessPage";

const OPD = { username: "opd.diskominfo", role: "opd_admin", nip: null, unit_id: 14, scopes: [] };
const YEAR = 2026;

const GAPS: DataGap[] = [
  {
    nip: "197412251995011006",
    name: "Ignatius Batoq",
    unit_id: 102,
    unit_name: "Bidang Informasi dan Komunikasi Publik",
    missing: ["contact", "jp_this_year", "queue_within_sla"],
    actions: [
      { code: "fill_contact", label: "Lengkapi email dan nomor telepon di profil" },
      { code: "file_claim", label: "Catat atau klaim pembelajaran tahun ini" },
      { code: "verify_claims", label: "Verifikasi klaim yang menunggu melewati batas" },
    ],
  },
  {
    nip: "199107242023212009",
    name: "Zahra Pertiwi, S.Kom.",
    unit_id: 100,
    unit_name: "Sekretariat Diskominfo",
    missing: ["contact"],
    actions: [{ code: "fill_contact", label: "Lengkapi email dan nomor telepon di profil" }],
  },
];

function backend(overrides: Record<string, Handler> = {}) {
  return fakeApi({
    "GET /api/v1/auth/me": () => json(OPD),
    "GET /api/v1/reports/data-completeness": () => json(report()),
    "GET /api/v1/reports/data-completeness/trend": () =>
      json({
        unit_id: 14,
        name: "Dinas Komunikasi dan Informatika",
        from: "2026-11-08",
        to: "2026-12-07",
        points: [
          { date: "2026-11-08", headcount: 7, score: 70.5, indicators: [] },
          { date: "2026-12-07", headcount: 7, score: 76.79, indicators: [] },
        ],
      }),
    [`GET /api/v1/rules/${YEAR}`]: () =>
      json({ year: YEAR, source_year: YEAR, completeness_rules: { queue_sla_days: 14, assessment_valid_years: 3 } }),
    "GET /api/v1/units/14/data-gaps": (request) => {
      const indicator = request.query.get("indicator");
      const items = indicator ? GAPS.filter((g) => g.missing.includes(indicator as never)) : GAPS;
      return json({ items, next_cursor: null, total: items.length });
    },
    ...overrides,
  });
}

function Where() {
  const location = useLocation();
  return (
    <output data-testid="where">
      {location.pathname}
      {location.search}
    </output>
  );
}

function renderOpd(path = "/opd/kelengkapan") {
  return renderPage(
    <Routes>
      <Route
        path="/opd/kelengkapan"
        element={
          <>
            <OpdCompletenessPage />
            <Where />
          </>
        }
      />
      <Route path="*" element={<Where />} />
    </Routes>,
    { path },
  );
}

describe("data completeness of a unit", { timeout: 20_000 }, () => {
  it("shows the OPD admin's unit: its score, the queue against the deadline and each indicator's share", async () => {
    backend();
    renderOpd();
    expect(await screen.findByRole("heading", { level: 1, name: "Data yang Belum Lengkap" })).toBeDefined();
    expect(await screen.findByText("Dinas Komunikasi dan Informatika")).toBeDefined();
    expect((await screen.findByTestId("unit-score")).textContent).toBe("76,79% (cukup)");
    const summary = screen.getByTestId("unit-completeness");
    expect(within(summary).getByText("Tertua 40 hari")).toBeDefined();
    await within(summary).findByText("Klaim menunggu > 14 hari");
    expect(within(summary).getByTestId("queue-over-sla").textContent).toBe("12");

    const contact = screen.getByTestId("indicators").querySelector('[data-indicator="contact"]') as HTMLElement;
    expect(within(contact).getByText("71,43%")).toBeDefined();
    expect(within(contact).getByRole("progressbar", { name: "Email dan nomor telepon di profil" })).toBeDefined();
    expect(within(contact).getByText("5 dari 7 ASN lengkap")).toBeDefined();
    expect(within(contact).getByRole("button", { name: "Lihat 2 ASN yang belum" })).toBeDefined();
    // Everyone has their education: no list to open.
    const education = screen.getByTestId("indicators").querySelector('[data-indicator="education"]') as HTMLElement;
    expect(within(education).queryByRole("button")).toBeNull();

    // The sub-units drill down in the address; the trend is drawn from the snapshots.
    const sub = await screen.findByRole("link", { name: "Bidang Aplikasi Informatika" });
    expect(sub.getAttribute("href")).toBe("/opd/kelengkapan?unit=101");
    expect(
      screen.getByRole("img", {
        name: "Skor kelengkapan dari 8 Nov 2026 (70,5) sampai 7 Des 2026 (76,79)",
      }),
    ).toBeDefined();
  });

  it("lists the people missing an item, each action a link to where it is done", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderOpd();
    const table = await screen.findByRole("table", {
      name: "ASN yang datanya belum lengkap dan tindakan untuk melengkapinya",
    });
    await within(table).findByText("Ignatius Batoq");
    expect(screen.getByTestId("gaps-total").textContent).toBe("2 ASN belum lengkap");

    const row = within(table).getByText("Ignatius Batoq").closest("tr") as HTMLElement;
    expect(within(row).getByText("Kontak")).toBeDefined();
    expect(within(row).getByText("JP tahun ini")).toBeDefined();
    const fix = within(row).getByRole("link", {
      name: "Lengkapi email dan nomor telepon di profil: Ignatius Batoq",
    });
    expect(fix.getAttribute("href")).toBe("/opd/asn/197412251995011006?lengkapi=fill_contact");
    expect(
      within(row)
        .getByRole("link", { name: "Verifikasi klaim yang menunggu melewati batas: Ignatius Batoq" })
        .getAttribute("href"),
    ).toBe("/opd");
    // The ASN files their own claims: a hint, not a link.
    expect(within(row).getByText("(diajukan oleh ASN sendiri)")).toBeDefined();
    expect(within(row).queryByRole("link", { name: /Catat atau klaim/ })).toBeNull();

    // "Lihat 2 ASN yang belum" filters the list by the indicator, kept in the address.
    await user.click(screen.getByRole("button", { name: "Lihat 2 ASN yang belum" }));
    await waitFor(() =>
      expect(screen.getByTestId("gaps-total").textContent).toBe(
        "2 ASN belum memiliki: Email dan nomor telepon di profil",
      ),
    );
    expect(server.to("GET /api/v1/units/14/data-gaps").at(-1)?.query.get("indicator")).toBe("contact");
    expect(screen.getByTestId("where").textContent).toBe("/opd/kelengkapan?item=contact");
    expect((screen.getByLabelText("Yang belum lengkap") as HTMLSelectElement).value).toBe("contact");

    await user.click(fix);
    expect(screen.getByTestId("where").textContent).toBe("/opd/asn/197412251995011006?lengkapi=fill_contact");
  });

  it("says so when nobody misses the item, and a unit without ASN has no score", async () => {
    backend({
      "GET /api/v1/reports/data-completeness": () =>
        json(
          report({
            headcount: 0,
            score: null,
            indicators: indicators(0),
            units: [],
            queue: { pending: 0, oldest_days: null, over_sla: 0 },
          }),
        ),
      "GET /api/v1/units/14/data-gaps": () => json({ items: [], next_cursor: null, total: 0 }),
    });
    renderOpd("/opd/kelengkapan?item=education");
    expect(await screen.findByText("Unit ini belum memiliki ASN aktif, jadi belum ada skor.")).toBeDefined();
    expect((await screen.findByTestId("unit-score")).textContent).toBe("–");
    expect(screen.getByText("Tidak ada klaim yang menunggu")).toBeDefined();
    expect(await screen.findByText("Semua ASN aktif sudah memiliki item ini.")).toBeDefined();
    expect(screen.queryByText("Sub-unit")).toBeNull();
  });

  it("opens an OPD from BPSDM's league by its id, with the way back", async () => {
    const server = backend({
      "GET /api/v1/auth/me": () => json({ ...OPD, role: "bpsdm_admin", unit_id: null }),
    });
    renderPage(
      <Routes>
        <Route path="/bpsdm/kelengkapan/:unitId" element={<BpsdmUnitCompletenessPage />} />
      </Routes>,
      { path: "/bpsdm/kelengkapan/14" },
    );
    expect(await screen.findByRole("link", { name: "← Kembali ke peringkat OPD" })).toBeDefined();
    expect((await screen.findByRole("link", { name: "Bidang Aplikasi Informatika" })).getAttribute("href")).toBe(
      "/bpsdm/kelengkapan/101",
    );
    expect(server.to("GET /api/v1/reports/data-completeness")[0].query.get("unit_id")).toBe("14");
  });
});
