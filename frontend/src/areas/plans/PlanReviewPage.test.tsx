import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { PlanQueuePage } from "./PlanQueuePage";
import { PlanReviewPage } from "./PlanReviewPage";
import {
  AUDITOR_USER,
  historyAnswer,
  NIP,
  OPD_USER,
  PLAN_PATH,
  plan,
  planAnswer,
  referenceHandlers,
  YEAR,
} from "./testing";

const SUBMITTED = plan({ status: "submitted", submitted_at: "2026-02-01T02:00:00Z" });

const asnHandlers = {
  ...referenceHandlers,
  [`GET /api/v1/asn/${NIP}`]: () =>
    json({ nip: NIP, name: "Siti Rahmawati", unit_id: 14, position_id: null, employment_type: "pns" }),
  "GET /api/v1/units/14": () => json({ id: 14, name: "Bidang Aplikasi Informatika" }),
  [`GET /api/v1/asn/${NIP}/competency-gaps`]: () =>
    json({
      nip: NIP,
      year: YEAR,
      position_id: 3,
      jpm: 80,
      ikk: 90,
      jpm_category: "Optimal",
      missing: [],
      items: [
        {
          competency_code: "M4",
          name: "Orientasi pada Hasil",
          group: "manajerial",
          required_level: 3,
          actual_level: 2,
          gap: -1,
        },
        {
          competency_code: "T12",
          name: "Pengelolaan Arsip",
          group: "teknis",
          required_level: 2,
          actual_level: 2,
          gap: 0,
        },
      ],
    }),
  [`GET ${PLAN_PATH}/history`]: () =>
    historyAnswer([
      {
        at: "2026-01-05T01:00:00Z",
        actor: NIP,
        role: "asn",
        action: "created",
        from_status: null,
        to_status: "draft",
        note: null,
        items: [],
      },
      {
        at: "2026-02-01T02:00:00Z",
        actor: NIP,
        role: "asn",
        action: "submitted",
        from_status: "draft",
        to_status: "submitted",
        note: null,
        items: [{}, {}],
      },
    ]),
};

const route = "/opd/rencana/:nip/:year";
const path = `/opd/rencana/${NIP}/${YEAR}`;

describe("the OPD admin's review of a plan", { timeout: 20_000 }, () => {
  it("shows the items, the gaps and the history, and approves the plan", async () => {
    const user = userEvent.setup();
    let current = SUBMITTED;
    const api = fakeApi({
      ...asnHandlers,
      "GET /api/v1/auth/me": () => json(OPD_USER),
      [`GET ${PLAN_PATH}`]: () => planAnswer(current, 2),
      [`POST ${PLAN_PATH}/decision`]: () => {
        current = plan({ ...SUBMITTED, status: "approved", decided_at: "2026-02-02T02:00:00Z", decided_by: "opd" });
        return planAnswer(current, 3);
      },
    });
    renderPage(<PlanReviewPage />, { path, route });

    expect(
      await screen.findByRole("heading", { level: 1, name: `Rencana pengembangan Siti Rahmawati (${YEAR})` }),
    ).toBeDefined();
    await waitFor(() => expect(screen.getByTestId("plan-asn").textContent).toContain("Bidang Aplikasi Informatika"));
    expect((await screen.findByTestId("plan-status")).textContent).toBe("Diajukan");
    expect(within(screen.getByTestId("plan-items")).getAllByRole("listitem")).toHaveLength(2);
    // Only the competency short of the standard.
    const gaps = await screen.findByTestId("plan-gaps");
    expect(gaps.textContent).toContain("Orientasi pada Hasil (M4)");
    expect(gaps.textContent).toContain("Level 2 dari 3 (kesenjangan -1)");
    expect(gaps.textContent).not.toContain("T12");
    const history = await screen.findByTestId("plan-history");
    const steps = within(history).getAllByRole("listitem");
    expect(steps[0].textContent).toContain("Diajukan");
    expect(steps[0].textContent).toContain("2 butir");
    expect(steps[1].textContent).toContain("Disusun");

    await user.click(screen.getByRole("button", { name: "Setujui" }));
    expect(await screen.findByText("Rencana disetujui.")).toBeDefined();
    const [decision] = api.to(`POST ${PLAN_PATH}/decision`);
    expect(JSON.parse(decision.body)).toEqual({ decision: "approve", note: null });
    await waitFor(() => expect(screen.getByTestId("plan-status").textContent).toBe("Disetujui"));
    expect(screen.queryByRole("button", { name: "Setujui" })).toBeNull();
  });

  it("needs a note to return a plan, and shows the server's refusal", async () => {
    const user = userEvent.setup();
    let refuse = true;
    const api = fakeApi({
      ...asnHandlers,
      "GET /api/v1/auth/me": () => json(OPD_USER),
      [`GET ${PLAN_PATH}`]: () => planAnswer(SUBMITTED, 2),
      [`POST ${PLAN_PATH}/decision`]: () => {
        if (refuse) {
          refuse = false;
          return problem(403, "self_approval", "Anda tidak dapat memutuskan rencana Anda sendiri.");
        }
        return planAnswer(plan({ ...SUBMITTED, status: "returned", decision_note: "Tambah M4" }), 3);
      },
    });
    renderPage(<PlanReviewPage />, { path, route });

    await user.click(await screen.findByRole("button", { name: "Kembalikan" }));
    expect(
      screen.getByText("Tulis catatan yang menjelaskan apa yang perlu diubah sebelum mengembalikan rencana."),
    ).toBeDefined();
    expect(api.to(`POST ${PLAN_PATH}/decision`)).toHaveLength(0);

    await user.type(screen.getByLabelText("Catatan untuk ASN"), "  Tambah M4 ");
    await user.click(screen.getByRole("button", { name: "Kembalikan" }));
    expect(await screen.findByText("Anda tidak dapat memutuskan rencana Anda sendiri.")).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Kembalikan" }));
    expect(await screen.findByText("Rencana dikembalikan kepada ASN.")).toBeDefined();
    const sent = api.to(`POST ${PLAN_PATH}/decision`).map((c) => JSON.parse(c.body));
    expect(sent.at(-1)).toEqual({ decision: "return", note: "Tambah M4" });
    expect((await screen.findByTestId("plan-returned")).textContent).toContain("Tambah M4");
  });

  it("offers no decision to an auditor, and says when the ASN has no plan", async () => {
    fakeApi({
      ...asnHandlers,
      "GET /api/v1/auth/me": () => json(AUDITOR_USER),
      [`GET ${PLAN_PATH}`]: () => problem(404, "development_plan_not_found"),
    });
    renderPage(<PlanReviewPage />, { path, route });
    expect(await screen.findByText(`ASN ini belum memiliki rencana pengembangan untuk tahun ${YEAR}.`)).toBeDefined();
    expect(screen.queryByRole("button", { name: "Setujui" })).toBeNull();
  });

  it("says not found for another OPD's ASN (404)", async () => {
    fakeApi({
      ...asnHandlers,
      "GET /api/v1/auth/me": () => json(OPD_USER),
      [`GET ${PLAN_PATH}`]: () => problem(404, "asn_not_found", "ASN tidak ditemukan."),
    });
    renderPage(<PlanReviewPage />, { path, route });
    expect((await screen.findByRole("alert")).textContent).toContain("ASN tidak ditemukan.");
  });
});

describe("the OPD admin's queue of plans", { timeout: 20_000 }, () => {
  it("opens on the submitted plans of this year, links each to its review, and filters", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json(OPD_USER),
      "GET /api/v1/development-plans": (request) =>
        json({
          items:
            request.query.get("status") === "submitted"
              ? [
                  {
                    nip: NIP,
                    name: "Siti Rahmawati",
                    unit_id: 14,
                    unit: "Bidang Aplikasi Informatika",
                    year: YEAR,
                    status: "submitted",
                    item_count: 2,
                    planned_jp: 34,
                    estimated_cost_idr: 3_500_000,
                    submitted_at: "2026-02-01T02:00:00Z",
                    updated_at: "2026-02-01T02:00:00Z",
                  },
                ]
              : [],
          next_cursor: null,
          total: request.query.get("status") === "submitted" ? 1 : 0,
        }),
    });
    renderPage(<PlanQueuePage />, { path: "/opd/rencana" });

    expect(await screen.findByRole("heading", { level: 1, name: "Rencana Pengembangan" })).toBeDefined();
    const table = await screen.findByRole("table", { name: "Rencana pengembangan yang menunggu keputusan" });
    const link = await within(table).findByRole("link", { name: "Siti Rahmawati" });
    expect(link.getAttribute("href")).toBe(`/opd/rencana/${NIP}/${YEAR}`);
    expect(within(table).getByTestId("plan-status").textContent).toBe("Diajukan");
    expect(screen.getByTestId("plans-total").textContent).toBe("1 rencana");
    const [first] = api.to("GET /api/v1/development-plans");
    expect(first.query.get("status")).toBe("submitted");
    expect(first.query.get("year")).toBe(String(YEAR));
    expect(first.query.get("limit")).toBe("25");

    await user.selectOptions(screen.getByLabelText("Status"), "approved");
    await user.selectOptions(screen.getByLabelText("Tahun"), "");
    expect(await screen.findByText("Tidak ada rencana dengan pilihan ini.")).toBeDefined();
    const last = api.to("GET /api/v1/development-plans").at(-1);
    expect(last?.query.get("status")).toBe("approved");
    expect(last?.query.get("year")).toBeNull();

    await user.type(screen.getByLabelText("Cari NIP atau nama"), "Siti");
    await waitFor(() => expect(api.to("GET /api/v1/development-plans").at(-1)?.query.get("q")).toBe("Siti"));
  });
});
