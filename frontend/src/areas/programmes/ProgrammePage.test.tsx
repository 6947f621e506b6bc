import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { describe, expect, it, vi } from "vitest";
import "../../i18n";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { BpsdmUnitProgrammePage, OpdProgrammePage } from "./ProgrammePage";
import {
  AUDITOR_USER,
  BPSDM_USER,
  lookups,
  PROGRAMME_PATH,
  programme,
  proposal,
  UNIT,
  UNIT_NAME,
  YEAR,
} from "./testing";

// Intl writes "Rp" and the amount with a no-break space; textContent keeps it (getByText does not).
const rp = (text: string) => text.replace(/Rp /g, "Rp\u00a0");

/** An editor field by its label and line ("JP/peserta baris 2"), whatever marks it required. */
function field(editor: HTMLElement, label: string, n: number): HTMLInputElement {
  const escaped = label.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  return within(editor).getByLabelText(new RegExp(`^${escaped} baris ${n}( \\*)?$`)) as HTMLInputElement;
}

function backend(handlers: Record<string, Handler> = {}, user?: object) {
  return fakeApi({
    ...lookups(user),
    [`GET ${PROGRAMME_PATH}`]: () => json(programme(), 200, { ETag: '"3"' }),
    [`GET ${PROGRAMME_PATH}/proposal`]: () => json(proposal()),
    ...handlers,
  });
}

function renderOpd() {
  return renderPage(
    <Routes>
      <Route path="/opd/program" element={<OpdProgrammePage />} />
    </Routes>,
    { path: "/opd/program" },
  );
}

describe("a unit's development programme", { timeout: 20_000 }, () => {
  it("shows the cost against the pagu, the gap it closes and its lines", async () => {
    backend();
    renderOpd();
    expect(await screen.findByRole("heading", { level: 1, name: "Program Pengembangan Kompetensi" })).toBeDefined();
    expect(await screen.findByText(UNIT_NAME)).toBeDefined();
    expect(screen.getByTestId("programme-total").textContent).toBe(rp("Rp 249.000.000"));
    expect(screen.getByTestId("programme-pagu").textContent).toBe(rp("Rp 1.000.000.000"));
    expect(screen.getByTestId("programme-remaining").textContent).toBe(rp("Rp 751.000.000"));
    expect(screen.getByText("Sisa pagu")).toBeDefined();
    expect(screen.getByText("Dalam pagu")).toBeDefined();
    expect(screen.getByTestId("programme-gap").textContent).toBe("Menutup 2 dari 5 kesenjangan kompetensi (40%)");
    const table = screen.getByRole("table", { name: `Kegiatan program pengembangan tahun ${YEAR}` });
    const row = within(table).getByText("Pelatihan Kepemimpinan Pengawas").closest("tr") as HTMLElement;
    expect(within(row).getByText("IDP disetujui")).toBeDefined();
    expect(within(row).getByText("Rp 249.000.000")).toBeDefined();
    expect(within(row).getByText("M2, M5")).toBeDefined();
    expect(screen.getByRole("button", { name: "Ubah program" })).toBeDefined();
  });

  it("says when the programme is over the pagu, and when the unit has no pagu", async () => {
    backend({
      [`GET ${PROGRAMME_PATH}`]: () => json(programme({ pagu_idr: 200_000_000 }), 200, { ETag: '"3"' }),
    });
    const { unmount } = renderOpd();
    expect(await screen.findByText("Melebihi pagu")).toBeDefined();
    expect(screen.getByText("Melebihi pagu sebesar")).toBeDefined();
    expect(screen.getByTestId("programme-remaining").textContent).toBe(rp("Rp 49.000.000"));
    unmount();

    backend({ [`GET ${PROGRAMME_PATH}`]: () => json(programme({ pagu_idr: null }), 200, { ETag: '"3"' }) });
    renderOpd();
    expect(await screen.findByText("Belum ada pagu")).toBeDefined();
    expect(screen.getByText("Pagu unit tahun ini belum dicatat BPSDM")).toBeDefined();
    expect(screen.getByTestId("programme-remaining").textContent).toBe("–");
  });

  it("loads the proposal into an empty programme, makes the admin fill the missing JP, and creates it", async () => {
    const user = userEvent.setup();
    const server = backend({
      [`GET ${PROGRAMME_PATH}`]: () => json(programme({ lines: [] })),
      [`PUT ${PROGRAMME_PATH}`]: (request) => {
        const body = JSON.parse(request.body);
        const saved = programme({
          lines: body.lines.map((l: { jp: string }, i: number) => ({ ...l, id: 600 + i, jp: Number(l.jp) })),
          version: 1,
        });
        return json(saved, 201, { ETag: '"1"' });
      },
    });
    renderOpd();
    expect(await screen.findByText(`Unit ini belum memiliki program untuk tahun ${YEAR}.`)).toBeDefined();
    expect(screen.getByText("Program tahun ini belum berisi kegiatan.")).toBeDefined();

    await user.click(screen.getByRole("button", { name: "Ambil usulan" }));
    const loaded = await screen.findByTestId("proposal-loaded");
    expect(loaded.textContent).toBe(
      "2 baris usulan dimuat ke editor. 1 baris belum memiliki JP dari katalog maupun IDP: isi JP-nya sebelum menyimpan.",
    );
    // No confirmation: there was nothing to replace.
    expect(screen.queryByRole("dialog")).toBeNull();
    const editor = screen.getByTestId("programme-editor");
    expect(field(editor, "JP/peserta", 1).value).toBe("830");
    expect(field(editor, "Biaya", 1).value).toBe("249.000.000");
    expect(field(editor, "JP/peserta", 2).value).toBe("");
    expect(screen.getByText("Dihitung dari baris yang sedang diubah (belum disimpan).")).toBeDefined();
    // The proposal's lines already close all 5 gaps: 2 on M2 and M5 (1 below each), 3 on M8.
    expect(screen.getByTestId("programme-gap").textContent).toBe("Menutup 5 dari 5 kesenjangan kompetensi (100%)");

    await user.click(screen.getByRole("button", { name: "Simpan program" }));
    expect(await screen.findByText("Periksa isian yang ditandai sebelum menyimpan.")).toBeDefined();
    expect(within(editor).getByText("Isi JP per peserta.")).toBeDefined();
    expect(server.to(`PUT ${PROGRAMME_PATH}`)).toHaveLength(0);

    await user.type(field(editor, "JP/peserta", 2), "24");
    // The cost per JP of the proposal gives an estimate: 24 JP × 3 people × Rp 150.000.
    await user.click(within(editor).getByRole("button", { name: /^Pakai perkiraan Rp.10\.800\.000$/ }));
    expect(field(editor, "Biaya", 2).value).toBe("10.800.000");
    expect(screen.getByTestId("programme-total").textContent).toBe(rp("Rp 259.800.000"));

    await user.click(screen.getByRole("button", { name: "Simpan program" }));
    expect(await screen.findByText(`Program ${UNIT_NAME} tahun ${YEAR} disimpan.`)).toBeDefined();
    const [put] = server.to(`PUT ${PROGRAMME_PATH}`);
    expect(put.headers.get("If-Match")).toBeNull();
    const body = JSON.parse(put.body);
    expect(body.lines.map((l: { jp: string; cost_idr: number }) => [l.jp, l.cost_idr])).toEqual([
      ["830", 249_000_000],
      ["24", 10_800_000],
    ]);
    expect(body.lines[1]).toMatchObject({ id: null, course_id: 9, participants: 3, source: "gap" });
    await waitFor(() => expect(screen.queryByTestId("programme-editor")).toBeNull());
    expect(screen.getByTestId("programme-total").textContent).toBe(rp("Rp 259.800.000"));
  });

  it("asks before replacing a programme with the proposal, and can add only what is missing", async () => {
    const user = userEvent.setup();
    backend();
    renderOpd();
    await user.click(await screen.findByRole("button", { name: "Ambil usulan" }));
    let dialog = await screen.findByRole("dialog", { name: "Ambil usulan" });
    expect(dialog.textContent).toContain("Program ini sudah berisi 1 baris; usulan berisi 2 baris.");
    await user.click(within(dialog).getByRole("button", { name: "Tambahkan yang belum ada" }));
    expect((await screen.findByTestId("proposal-loaded")).textContent).toMatch(/^1 baris usulan dimuat/);
    const editor = screen.getByTestId("programme-editor");
    expect(within(editor).getAllByRole("button", { name: /^Hapus baris \d$/ })).toHaveLength(2);

    // Asked again while editing: replacing takes the proposal's lines as they are.
    await user.click(screen.getByRole("button", { name: "Ambil usulan" }));
    dialog = await screen.findByRole("dialog", { name: "Ambil usulan" });
    expect(dialog.textContent).toContain("sudah berisi 2 baris");
    await user.click(within(dialog).getByRole("button", { name: "Ganti dengan usulan" }));
    expect((await screen.findByTestId("proposal-loaded")).textContent).toMatch(/^2 baris usulan dimuat/);
  });

  it("replaces with If-Match, shows the line the server refuses, and offers a reload on a conflict", async () => {
    const user = userEvent.setup();
    let answer = 422;
    const server = backend({
      [`PUT ${PROGRAMME_PATH}`]: () =>
        answer === 422
          ? json(
              {
                type: "https://bangkom.id/problems/invalid_program_lines",
                title: "Baris program tidak valid",
                status: 422,
                code: "invalid_program_lines",
                detail: "Beberapa baris program tidak valid",
                errors: [{ loc: ["body", "lines", 0, "course_id"], msg: "Pelatihan 3 tidak aktif", type: "x" }],
              },
              422,
            )
          : problem(412, "precondition_failed", "Program ini diubah orang lain sejak Anda membukanya."),
    });
    renderOpd();
    await user.click(await screen.findByRole("button", { name: "Ubah program" }));
    const editor = screen.getByTestId("programme-editor");
    const participants = field(editor, "Peserta", 1);
    await user.clear(participants);
    await user.type(participants, "4");
    await user.click(screen.getByRole("button", { name: "Simpan program" }));
    expect(await within(editor).findByText("Pelatihan 3 tidak aktif")).toBeDefined();
    const [first] = server.to(`PUT ${PROGRAMME_PATH}`);
    expect(first.headers.get("If-Match")).toBe('"3"');
    expect(JSON.parse(first.body).lines[0]).toMatchObject({ id: 501, participants: 4 });

    answer = 412;
    await user.click(screen.getByRole("button", { name: "Simpan program" }));
    expect(await screen.findByText("Program ini diubah orang lain sejak Anda membukanya.")).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Muat program terbaru (perubahan Anda dibuang)" }));
    await waitFor(() => expect(screen.queryByTestId("programme-editor")).toBeNull());
  });

  it("picks a course from the catalogue, taking its title, JP and competencies, and adds a competency", async () => {
    const user = userEvent.setup();
    const server = backend({
      [`PUT ${PROGRAMME_PATH}`]: () => json(programme(), 200, { ETag: '"4"' }),
    });
    renderOpd();
    await user.click(await screen.findByRole("button", { name: "Ubah program" }));
    await user.click(screen.getByRole("button", { name: "+ Tambah baris" }));
    const editor = screen.getByTestId("programme-editor");
    const course = field(editor, "Pelatihan dari katalog", 2);
    await waitFor(() => expect(within(course).getByRole("option", { name: "Orientasi PPPK (24 JP)" })).toBeDefined());
    await user.selectOptions(course, "12");
    expect(field(editor, "Judul kegiatan", 2).value).toBe("Orientasi PPPK");
    expect(field(editor, "JP/peserta", 2).value).toBe("24");
    expect(within(editor).getByRole("list", { name: "Kompetensi baris 2" }).textContent).toContain("SK1");
    await user.selectOptions(field(editor, "Tambah kompetensi…", 2), "M8");
    await user.click(within(editor).getByRole("button", { name: "Hapus kompetensi SK1 dari baris 2" }));
    await user.type(field(editor, "Peserta", 2), "40");
    await user.type(field(editor, "Biaya", 2), "144000000");
    await user.tab();
    expect(field(editor, "Biaya", 2).value).toBe("144.000.000");
    await user.click(screen.getByRole("button", { name: "Simpan program" }));
    await waitFor(() => expect(server.to(`PUT ${PROGRAMME_PATH}`)).toHaveLength(1));
    const body = JSON.parse(server.to(`PUT ${PROGRAMME_PATH}`)[0].body);
    expect(body.lines[1]).toEqual({
      id: null,
      course_id: 12,
      title: "Orientasi PPPK",
      sessions: 1,
      participants: 40,
      jp: "24",
      cost_idr: 144_000_000,
      competency_codes: ["M8"],
      source: "gap",
      note: null,
    });
  });

  it("opens any unit's programme for BPSDM, read-only for the auditor", async () => {
    backend({}, AUDITOR_USER);
    const { unmount } = renderPage(
      <Routes>
        <Route path="/bpsdm/program/:unitId" element={<BpsdmUnitProgrammePage />} />
      </Routes>,
      { path: `/bpsdm/program/${UNIT}` },
    );
    expect(await screen.findByText(UNIT_NAME)).toBeDefined();
    expect(screen.getByRole("link", { name: "← Kembali ke program provinsi" }).getAttribute("href")).toBe(
      "/bpsdm/program",
    );
    expect(screen.queryByRole("button", { name: "Ubah program" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Ambil usulan" })).toBeNull();
    expect(screen.getByRole("button", { name: "Unduh XLSX" })).toBeDefined();
    unmount();

    backend(
      {
        [`GET /api/v1/units/${UNIT}/development-programs/${YEAR + 1}`]: () =>
          json({ ...programme({ lines: [] }), year: YEAR + 1 }),
      },
      BPSDM_USER,
    );
    renderPage(
      <Routes>
        <Route path="/bpsdm/program/:unitId" element={<BpsdmUnitProgrammePage />} />
      </Routes>,
      { path: `/bpsdm/program/${UNIT}?tahun=${YEAR + 1}` },
    );
    // No programme yet for next year: BPSDM may draw one up.
    expect(await screen.findByRole("button", { name: "Susun program" })).toBeDefined();
    expect(screen.getByRole("link", { name: "← Kembali ke program provinsi" }).getAttribute("href")).toBe(
      `/bpsdm/program?tahun=${YEAR + 1}`,
    );
  });

  it("downloads the unit's spreadsheet", async () => {
    const user = userEvent.setup();
    Object.assign(URL, { createObjectURL: vi.fn(() => "blob:stub"), revokeObjectURL: vi.fn() });
    const server = backend({
      "GET /api/v1/exports/development-programs": () =>
        new Response(new Blob(["xlsx"]), {
          headers: { "Content-Disposition": 'attachment; filename="program.xlsx"' },
        }),
    });
    renderOpd();
    await user.click(await screen.findByRole("button", { name: "Unduh XLSX" }));
    await waitFor(() => expect(server.to("GET /api/v1/exports/development-programs")).toHaveLength(1));
    const query = server.to("GET /api/v1/exports/development-programs")[0].query;
    expect([query.get("year"), query.get("unit_id"), query.get("format")]).toEqual([
      String(YEAR),
      String(UNIT),
      "xlsx",
    ]);
    Reflect.deleteProperty(URL, "createObjectURL");
  });
});
