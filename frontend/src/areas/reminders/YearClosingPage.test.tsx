import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { fakeApi, type Handler, json } from "../../test/fakeApi";
import { ADMIN, AUDITOR, renderPage } from "../bpsdm/testing";
import { YearClosingPage } from "./YearClosingPage";

const YEAR = new Date().getFullYear();

const PENDING = {
  id: 5546,
  nip: "199506222023072005",
  asn_name: "Novita Hamzah, S.Kep., Ns.",
  unit_id: 14,
  title: "Diklat Prajabatan CPNS",
  form_code: "1",
  organizer: null,
  start_date: `${YEAR}-01-01`,
  end_date: `${YEAR}-01-05`,
  year: YEAR,
  jp: 78,
  jp_claimed: 78,
  duration_minutes: null,
  competency_codes: [],
  certificate_number: null,
  cost_idr: null,
  source: "self",
  external_id: null,
  status: "pending",
  created_by: "199506222023072005",
  created_at: `${YEAR}-01-09T08:57:00Z`,
  decided_by: null,
  decided_at: null,
  decision_note: null,
  voided_by: null,
  voided_at: null,
  void_reason: null,
  evidence: null,
};

function backend(me = ADMIN, overrides: Record<string, Handler> = {}) {
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    [`GET /api/v1/years/${YEAR}/closing`]: () =>
      json({ year: YEAR, claims_close_on: null, closed: false, pending_claims: 1, updated_at: null }),
    [`GET /api/v1/years/${YEAR}/closing/pending`]: () => json({ items: [PENDING], next_cursor: null, total: 1 }),
    ...overrides,
  });
}

describe("closing a year", { timeout: 20_000 }, () => {
  it("sets the first closing date without If-Match and lists the claims left to decide", async () => {
    const user = userEvent.setup();
    const server = backend(ADMIN, {
      [`PUT /api/v1/years/${YEAR}/closing`]: (request) =>
        json(
          {
            year: YEAR,
            ...JSON.parse(request.body),
            closed: false,
            pending_claims: 1,
            updated_at: `${YEAR}-12-07T00:00:00Z`,
          },
          201,
          { ETag: '"c1"' },
        ),
    });
    renderPage(<YearClosingPage />);
    const figures = await screen.findByTestId("year-closing");
    expect(within(figures).getByText("Belum ditetapkan")).toBeDefined();
    expect(within(figures).getByText("Masih dibuka")).toBeDefined();

    const pending = await screen.findByTestId("closing-pending");
    expect(within(pending).getByText("Novita Hamzah, S.Kep., Ns.")).toBeDefined();
    expect(within(pending).getByText("Diklat Prajabatan CPNS")).toBeDefined();
    expect(
      screen.getByText(`1 klaim tahun ${YEAR} menunggu keputusan akhir, yang terlama diajukan di atas.`),
    ).toBeDefined();
    expect(screen.getByRole("link", { name: "Buka antrean verifikasi" }).getAttribute("href")).toBe("/opd");

    // A date before the year began is refused before sending.
    const date = await screen.findByLabelText(/Tanggal terakhir pengajuan klaim/);
    await user.type(date, `${YEAR - 1}-12-31`);
    await user.click(screen.getByRole("button", { name: "Tetapkan tanggal" }));
    expect(await screen.findByText(`Tanggal tidak boleh sebelum 1 Januari ${YEAR}.`)).toBeDefined();
    expect(server.to(`PUT /api/v1/years/${YEAR}/closing`)).toHaveLength(0);

    await user.clear(date);
    await user.type(date, `${YEAR + 1}-01-15`);
    await user.click(screen.getByRole("button", { name: "Tetapkan tanggal" }));
    expect(await screen.findByText(`Klaim tahun ${YEAR} ditutup setelah 15 Jan ${YEAR + 1}.`)).toBeDefined();
    const [put] = server.to(`PUT /api/v1/years/${YEAR}/closing`);
    expect(put.headers.get("If-Match")).toBeNull();
    expect(JSON.parse(put.body)).toEqual({ claims_close_on: `${YEAR + 1}-01-15` });
    await waitFor(() =>
      expect(within(screen.getByTestId("year-closing")).getByText(`15 Jan ${YEAR + 1}`)).toBeDefined(),
    );
    expect(await screen.findByRole("button", { name: "Ubah tanggal" })).toBeDefined();
  });

  it("changes a set date with If-Match, and says when the year is closed", async () => {
    const user = userEvent.setup();
    const server = backend(ADMIN, {
      [`GET /api/v1/years/${YEAR}/closing`]: () =>
        json({ year: YEAR, claims_close_on: `${YEAR}-01-10`, closed: true, pending_claims: 0, updated_at: null }, 200, {
          ETag: '"c7"',
        }),
      [`GET /api/v1/years/${YEAR}/closing/pending`]: () => json({ items: [], next_cursor: null, total: 0 }),
      [`PUT /api/v1/years/${YEAR}/closing`]: (request) =>
        json({ year: YEAR, ...JSON.parse(request.body), closed: true, pending_claims: 0, updated_at: null }, 200, {
          ETag: '"c8"',
        }),
    });
    renderPage(<YearClosingPage />);
    expect(await screen.findByText(`Klaim tahun ${YEAR} sudah ditutup`)).toBeDefined();
    expect(await screen.findByText(`Tidak ada klaim tahun ${YEAR} yang menunggu.`)).toBeDefined();
    const date = await screen.findByLabelText(/Tanggal terakhir pengajuan klaim/);
    await user.clear(date);
    await user.type(date, `${YEAR}-01-20`);
    await user.click(screen.getByRole("button", { name: "Ubah tanggal" }));
    await waitFor(() => expect(server.to(`PUT /api/v1/years/${YEAR}/closing`)).toHaveLength(1));
    expect(server.to(`PUT /api/v1/years/${YEAR}/closing`)[0].headers.get("If-Match")).toBe('"c7"');
  });

  it("shows the auditor the date and the claims without the form", async () => {
    backend(AUDITOR);
    renderPage(<YearClosingPage />);
    await screen.findByTestId("closing-pending");
    await screen.findByText("Novita Hamzah, S.Kep., Ns.");
    expect(screen.queryByLabelText(/Tanggal terakhir pengajuan klaim/)).toBeNull();
  });
});
