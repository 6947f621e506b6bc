import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { PlanCard } from "../asn/PlanCard";
import { renderPage } from "../bpsdm/testing";
import { MyPlanPage } from "./MyPlanPage";
import { ASN_USER, historyAnswer, item, PLAN_PATH, plan, planAnswer, referenceHandlers, YEAR } from "./testing";

const base = {
  ...referenceHandlers,
  "GET /api/v1/auth/me": () => json(ASN_USER),
  [`GET ${PLAN_PATH}/history`]: () => historyAnswer([]),
};

describe("my development plan", { timeout: 20_000 }, () => {
  it("explains a year without a plan and drafts one from the competency gaps", async () => {
    const user = userEvent.setup();
    let created = false;
    const api = fakeApi({
      ...base,
      [`GET ${PLAN_PATH}`]: () =>
        created ? planAnswer(plan()) : problem(404, "development_plan_not_found", "no plan yet"),
      [`POST ${PLAN_PATH}`]: () => {
        created = true;
        return planAnswer(plan(), 1, 201);
      },
    });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });

    expect(await screen.findByRole("heading", { level: 1, name: "Rencana pengembangan saya" })).toBeDefined();
    expect((await screen.findByTestId("plan-none")).textContent).toContain(
      `Anda belum menyusun rencana pengembangan untuk tahun ${YEAR}.`,
    );
    await user.click(screen.getByRole("button", { name: "Susun dari kesenjangan kompetensi" }));

    expect((await screen.findByTestId("plan-status")).textContent).toBe("Draf");
    const [create] = api.to(`POST ${PLAN_PATH}`);
    expect(create.headers.get("Idempotency-Key")).toBeTruthy();
    expect(create.body).toBe("");
    const items = within(screen.getByTestId("plan-items")).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(within(items[0]).getByRole("heading", { name: "Pelatihan Pengelolaan Arsip Digital" })).toBeDefined();
    expect(items[0].textContent).toContain("Pengelolaan Arsip (T12)");
    expect(items[0].textContent).toContain("Triwulan II");
    expect(items[0].textContent).toMatch(/Rp\s3\.500\.000/);
    expect(items[0].textContent).toContain("Pelatihan Teknis");
    expect(items[1].textContent).toContain("✓ Terlaksana (catatan #901)");
    const totals = screen.getByTestId("plan-totals");
    expect(totals.textContent).toContain("34 JP");
    expect(totals.textContent).toContain("10 JP");
  });

  it("shows the OPD admin's note on a returned plan first, edits an item and saves with If-Match", async () => {
    const user = userEvent.setup();
    const returned = plan({
      status: "returned",
      decided_by: "opd.diskominfo",
      decided_at: "2026-02-01T03:00:00Z",
      decision_note: "Tambahkan pelatihan untuk M4",
    });
    let current = returned;
    const api = fakeApi({
      ...base,
      [`GET ${PLAN_PATH}`]: () => planAnswer(current, current === returned ? 3 : 4),
      [`PUT ${PLAN_PATH}/items`]: (request) => {
        const body = JSON.parse(request.body) as { items: Array<Record<string, unknown>> };
        current = plan({
          ...returned,
          items: body.items.map((i) =>
            item({ ...(i as object), planned_jp: Number(i.planned_jp), done: false, record_id: null }),
          ),
        });
        return planAnswer(current, 4);
      },
    });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });

    const notice = await screen.findByTestId("plan-returned");
    expect(notice.textContent).toContain("Tambahkan pelatihan untuk M4");
    expect(screen.getByTestId("plan-status").textContent).toBe("Dikembalikan");
    expect(screen.getByRole("button", { name: "Ajukan kembali" })).toBeDefined();

    await user.click(screen.getByRole("button", { name: "Ubah butir" }));
    const editor = await screen.findByTestId("plan-editor");
    const second = within(editor).getByRole("group", { name: "Butir 2" });
    // A course for M4 from the catalogue: its title, form and JP come with it.
    const course = within(second).getByLabelText("Pelatihan dari katalog");
    await waitFor(() =>
      expect(within(course).getByRole("option", { name: /Pelatihan Kepemimpinan Berorientasi Hasil/ })).toBeDefined(),
    );
    await user.selectOptions(course, "71");
    expect((within(second).getByLabelText(/^Judul kegiatan/) as HTMLInputElement).value).toBe(
      "Pelatihan Kepemimpinan Berorientasi Hasil",
    );
    const jp = within(second).getByLabelText(/^JP direncanakan/);
    expect((jp as HTMLInputElement).value).toBe("30");
    await user.clear(jp);
    await user.type(jp, "32,5");
    await user.selectOptions(within(second).getByLabelText("Triwulan"), "4");
    const cost = within(second).getByLabelText("Perkiraan biaya (Rp)");
    await user.clear(cost);
    await user.type(cost, "4.500.000");
    expect(within(second).getByText("Rp 4.500.000")).toBeDefined();
    // Move it to the top, and add a free activity, then remove it again.
    await user.click(within(editor).getByRole("button", { name: "Naikkan butir 2" }));
    await user.click(within(editor).getByRole("button", { name: "+ Tambah butir" }));
    expect(within(editor).getAllByRole("group")).toHaveLength(3);
    await user.click(within(editor).getByRole("button", { name: "Hapus butir 3" }));
    await user.click(within(editor).getByRole("button", { name: "Simpan rencana" }));

    await waitFor(() => expect(screen.queryByTestId("plan-editor")).toBeNull());
    const [put] = api.to(`PUT ${PLAN_PATH}/items`);
    expect(put.headers.get("If-Match")).toBe('"3"');
    const sent = JSON.parse(put.body) as { items: Array<Record<string, unknown>> };
    expect(sent.items).toHaveLength(2);
    expect(sent.items[0]).toEqual({
      competency_code: "M4",
      course_id: 71,
      title: "Pelatihan Kepemimpinan Berorientasi Hasil",
      form_code: "3",
      planned_jp: "32.5",
      planned_quarter: 4,
      estimated_cost_idr: 4_500_000,
      reason: "Kesenjangan M4: level 2 dari 3",
    });
    expect(sent.items[1]).toMatchObject({ competency_code: "T12", course_id: 57, planned_jp: "24" });
    const first = within(screen.getByTestId("plan-items")).getAllByRole("listitem")[0];
    expect(first.textContent).toContain("Triwulan IV");
  });

  it("checks the items before saving: JP, a form for a free activity, a title, the cost", async () => {
    const user = userEvent.setup();
    const api = fakeApi({ ...base, [`GET ${PLAN_PATH}`]: () => planAnswer(plan({ items: [] })) });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });

    expect(await screen.findByText("Rencana ini belum memiliki butir kegiatan.")).toBeDefined();
    // Nothing to submit yet.
    expect((screen.getByRole("button", { name: "Ajukan ke admin OPD" }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByRole("button", { name: "Ubah butir" }));
    await user.click(await screen.findByRole("button", { name: "+ Tambah butir" }));
    const added = screen.getByRole("group", { name: "Butir 1" });
    await user.type(within(added).getByLabelText("Perkiraan biaya (Rp)"), "12,5");
    await user.click(screen.getByRole("button", { name: "Simpan rencana" }));

    expect(await screen.findByText("Perbaiki isian yang ditandai sebelum menyimpan.")).toBeDefined();
    expect(within(added).getByText(/Isi JP lebih dari 0/)).toBeDefined();
    expect(within(added).getByText("Pilih bentuk pengembangan untuk kegiatan di luar katalog.")).toBeDefined();
    expect(within(added).getByText("Tulis judul kegiatan, atau pilih kompetensi atau pelatihan.")).toBeDefined();
    expect(within(added).getByText(/Isi biaya dalam rupiah tanpa desimal/)).toBeDefined();
    expect(api.to(`PUT ${PLAN_PATH}/items`)).toHaveLength(0);
  });

  it("shows the server's item errors where they belong", async () => {
    const user = userEvent.setup();
    fakeApi({
      ...base,
      [`GET ${PLAN_PATH}`]: () => planAnswer(plan()),
      [`PUT ${PLAN_PATH}/items`]: () =>
        json(
          {
            type: "about:blank",
            title: "Butir rencana pengembangan tidak valid",
            status: 422,
            code: "invalid_plan_items",
            detail: "items.0.course_id: tidak ada kursus",
            errors: [{ loc: ["body", "items", 0, "course_id"], msg: "tidak ada kursus dengan id 57", type: "x" }],
          },
          422,
        ),
    });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });
    await user.click(await screen.findByRole("button", { name: "Ubah butir" }));
    await user.click(screen.getByRole("button", { name: "Simpan rencana" }));
    const first = screen.getByRole("group", { name: "Butir 1" });
    expect(await within(first).findByText("tidak ada kursus dengan id 57")).toBeDefined();
    expect(screen.getByRole("alert").textContent).toContain("Butir rencana pengembangan tidak valid");
  });

  it("tells the user when the plan changed meanwhile (412) and shows the fresh one", async () => {
    const user = userEvent.setup();
    let version = 1;
    const api = fakeApi({
      ...base,
      [`GET ${PLAN_PATH}`]: () =>
        planAnswer(version === 1 ? plan() : plan({ items: [item({ title: "Diubah admin" })] }), version),
      [`PUT ${PLAN_PATH}/items`]: () => {
        version = 2;
        return problem(412, "precondition_failed");
      },
    });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });
    await user.click(await screen.findByRole("button", { name: "Ubah butir" }));
    await user.click(screen.getByRole("button", { name: "Simpan rencana" }));

    expect(await screen.findByText("Rencana telah diubah di tempat lain")).toBeDefined();
    expect(screen.queryByTestId("plan-editor")).toBeNull();
    expect(await screen.findByRole("heading", { name: "Diubah admin" })).toBeDefined();
    expect(api.to(`GET ${PLAN_PATH}`).length).toBeGreaterThanOrEqual(2);
  });

  it("submits after confirming, and then the items can no longer be changed", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      ...base,
      [`GET ${PLAN_PATH}`]: () => planAnswer(plan()),
      [`POST ${PLAN_PATH}/submit`]: () =>
        planAnswer(plan({ status: "submitted", submitted_at: "2026-02-01T02:00:00Z" }), 2),
    });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });
    await user.click(await screen.findByRole("button", { name: "Ajukan ke admin OPD" }));
    const dialog = screen.getByRole("dialog", { name: `Ajukan rencana ${YEAR}?` });
    expect(dialog.textContent).toContain("Rencana dengan 2 butir (34 JP)");
    await user.click(within(dialog).getByRole("button", { name: "Ajukan" }));

    await waitFor(() => expect(screen.getByTestId("plan-status").textContent).toBe("Diajukan"));
    expect(api.to(`POST ${PLAN_PATH}/submit`)).toHaveLength(1);
    expect(await screen.findByText(`Rencana ${YEAR} diajukan kepada admin OPD.`)).toBeDefined();
    expect(screen.queryByRole("button", { name: "Ubah butir" })).toBeNull();
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("reads in English, and asks the API for another year", async () => {
    const user = userEvent.setup();
    await i18n.changeLanguage("en");
    const next = `/api/v1/asn/${ASN_USER.nip}/development-plans/${YEAR + 1}`;
    const api = fakeApi({
      ...base,
      [`GET ${PLAN_PATH}`]: () =>
        planAnswer(plan({ status: "approved", decided_at: "2026-02-01T03:00:00Z", decision_note: "Good" })),
      [`GET ${next}`]: () => problem(404, "development_plan_not_found"),
    });
    renderPage(<MyPlanPage />, { path: "/saya/rencana" });
    expect(await screen.findByRole("heading", { level: 1, name: "My development plan" })).toBeDefined();
    expect((await screen.findByTestId("plan-status")).textContent).toBe("Approved");
    expect(screen.getByText("Note: Good")).toBeDefined();
    expect(screen.queryByRole("button", { name: "Edit items" })).toBeNull();

    await user.selectOptions(screen.getByLabelText("Year"), String(YEAR + 1));
    expect(await screen.findByRole("button", { name: "Draft from my competency gaps" })).toBeDefined();
    expect(api.to(`GET ${next}`)).toHaveLength(1);
  });

  it("is one click from the ASN home's development-plan card", async () => {
    fakeApi({
      [`GET /api/v1/asn/${ASN_USER.nip}/development-plan`]: () =>
        json({ nip: ASN_USER.nip, items: [], unassessed: [], planned_jp: 0 }),
    });
    renderPage(<PlanCard nip={ASN_USER.nip} />, { path: "/saya" });
    const link = await screen.findByRole("link", { name: "Buka rencana pengembangan saya" });
    expect(link.getAttribute("href")).toBe("/saya/rencana");
  });
});
