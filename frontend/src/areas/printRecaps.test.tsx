import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JpSummary, Me } from "../api/types";
import "../i18n";
import { createQueryClient } from "../queryClient";
import { fakeApi, json, problem } from "../test/fakeApi";
import { ToastProvider } from "../ui";
import { HomePage } from "./asn/HomePage";
import { AsnDetailPage } from "./opd/AsnDetailPage";
import { CompliancePage } from "./opd/CompliancePage";

const NIP = "198901062015011008";
const YEAR = new Date().getFullYear();
const RECAP = `GET /api/v1/exports/asn/${NIP}/jp-recap`;

const SUMMARY: JpSummary = {
  nip: NIP,
  year: YEAR,
  employment_type: "pns",
  verified_jp: 16,
  pending_jp: 0,
  target_jp: 20,
  cap_jp: null,
  remaining_jp: 4,
  compliant: false,
  over_cap: null,
  by_form: [],
};

const PROFILE = {
  nip: NIP,
  name: "Antonius Sampe, S.Kom.",
  employment_type: "pns",
  golongan: "III/b",
  email: null,
  phone: null,
  education_level: "S1",
  active: true,
};

// jsdom has no object URLs, and a click on <a download> would navigate: both are stubbed.
const createObjectURL = vi.fn((_blob: Blob) => "blob:stub");
const clicked: string[] = [];
beforeEach(() => {
  createObjectURL.mockClear();
  clicked.length = 0;
  Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
  vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
    clicked.push(this.download);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  Reflect.deleteProperty(URL, "createObjectURL");
  Reflect.deleteProperty(URL, "revokeObjectURL");
});

function pdfFile(name: string) {
  return () =>
    new Response(new TextEncoder().encode("%PDF-1.7\n"), {
      headers: { "Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="${name}"` },
    });
}

function renderAt(path: string, element: React.ReactNode, route: string) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={element} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

async function firstBlob(): Promise<string> {
  const blob = createObjectURL.mock.calls[0][0];
  expect(blob.type).toBe("application/pdf");
  return new TextDecoder().decode(await blob.arrayBuffer());
}

describe("printing recaps as PDF", { timeout: 20_000 }, () => {
  it("the ASN prints its own rekap JP of the year from the home page", async () => {
    const me: Me = { username: NIP, role: "asn", nip: NIP, unit_id: 7, scopes: [], must_change_password: false };
    const server = fakeApi({
      "GET /api/v1/auth/me": () => json(me),
      [`GET /api/v1/asn/${NIP}`]: () => json(PROFILE),
      [`GET /api/v1/asn/${NIP}/jp-summary`]: () => json(SUMMARY),
      [RECAP]: pdfFile(`rekap-jp-${NIP}-${YEAR}.pdf`),
    });
    const user = userEvent.setup();
    renderAt("/saya", <HomePage />, "/saya");
    await user.click(await screen.findByRole("button", { name: "Cetak rekap JP (PDF)" }));
    await waitFor(() => expect(clicked).toEqual([`rekap-jp-${NIP}-${YEAR}.pdf`]));
    const call = server.to(RECAP)[0];
    expect(call.query.get("format")).toBe("pdf");
    expect(call.query.get("year")).toBe(String(YEAR));
    expect(await firstBlob()).toMatch(/^%PDF-/);
  });

  it("the OPD admin prints an ASN's rekap JP, and a refusal is explained", async () => {
    let tooLarge = false;
    const empty = () => json({ items: [], next_cursor: null, total: 0 });
    const server = fakeApi({
      "GET /api/v1/auth/me": () =>
        json({
          username: "opd.diskominfo",
          role: "opd_admin",
          nip: null,
          unit_id: 7,
          scopes: [],
          must_change_password: false,
        }),
      [`GET /api/v1/asn/${NIP}/disciplinary-records`]: empty,
      [`GET /api/v1/asn/${NIP}/potential-assessments`]: empty,
      ...Object.fromEntries(
        [YEAR - 2, YEAR - 1, YEAR].map((year) => [
          `GET /api/v1/asn/${NIP}/performance/${year}`,
          () => problem(404, "performance_not_found"),
        ]),
      ),
      [`GET /api/v1/asn/${NIP}`]: () => json(PROFILE),
      [`GET /api/v1/asn/${NIP}/learning-records`]: () => json({ items: [], next_cursor: null, total: 0 }),
      [`GET /api/v1/asn/${NIP}/competency-gaps`]: () => json({ nip: NIP, jpm: null, jpm_category: null, items: [] }),
      [`GET /api/v1/asn/${NIP}/jp-summary`]: () => json(SUMMARY),
      [RECAP]: (request) =>
        tooLarge ? problem(422, "recap_too_large") : pdfFile(`rekap-jp-${NIP}-${request.query.get("year")}.pdf`)(),
    });
    const user = userEvent.setup();
    renderAt(`/opd/asn/${NIP}`, <AsnDetailPage />, "/opd/asn/:nip");
    const button = await screen.findByRole("button", { name: "Cetak rekap JP (PDF)" });
    await user.click(button);
    await waitFor(() => expect(clicked).toEqual([`rekap-jp-${NIP}-${YEAR}.pdf`]));
    expect(server.to(RECAP)[0].query.get("format")).toBe("pdf");
    tooLarge = true;
    await user.click(button);
    expect(await screen.findByText(/Rekap terlalu panjang untuk dicetak/)).toBeDefined();
  });

  it("the OPD admin downloads the unit's compliance recap as PDF", async () => {
    const me: Me = {
      username: "opd.diskominfo",
      role: "opd_admin",
      nip: null,
      unit_id: 7,
      scopes: [],
      must_change_password: false,
    };
    const server = fakeApi({
      "GET /api/v1/auth/me": () => json(me),
      "GET /api/v1/reports/jp-compliance": () =>
        json({
          year: YEAR,
          unit_id: 7,
          name: "Dinas Kominfo",
          target_jp: 20,
          headcount: 0,
          compliant: 0,
          non_compliant: 0,
          compliance_pct: 0,
          total_jp: 0,
          mean_jp: 0,
          direct: null,
          units: [],
          pppk: { cap_jp: 24, headcount: 0, reached_cap: 0, total_jp: 0, mean_jp: 0, over_cap: 0 },
        }),
      "GET /api/v1/asn": () => json({ items: [], next_cursor: null, total: 0 }),
      "GET /api/v1/exports/jp-compliance": pdfFile(`rekap-kepatuhan-jp-${YEAR}-dinas-kominfo.pdf`),
    });
    const user = userEvent.setup();
    renderAt("/opd/kepatuhan", <CompliancePage />, "/opd/kepatuhan");
    await screen.findByTestId("compliance-summary");
    await user.click(screen.getByRole("button", { name: "Unduh PDF" }));
    await waitFor(() => expect(clicked).toEqual([`rekap-kepatuhan-jp-${YEAR}-dinas-kominfo.pdf`]));
    const call = server.to("GET /api/v1/exports/jp-compliance")[0];
    expect(call.query.get("format")).toBe("pdf");
    expect(call.query.get("unit_id")).toBe("7");
    expect(await firstBlob()).toMatch(/^%PDF-/);
  });
});
