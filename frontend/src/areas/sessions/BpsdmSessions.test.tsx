import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import "../../i18n";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { ADMIN, AUDITOR, renderPage } from "../bpsdm/testing";
import { CalendarPage } from "./CalendarPage";
import { SessionPage } from "./SessionPage";
import { certificate, courseSession, nomination, page, UNITS } from "./testing";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  // 10 Aug 2026 in Indonesia.
  vi.setSystemTime(new Date("2026-08-10T01:00:00Z"));
});

afterEach(() => {
  vi.useRealTimers();
});

const ENDED = courseSession({
  id: 7,
  batch: 1,
  starts_on: "2026-07-27",
  ends_on: "2026-07-31",
  nominations_open: false,
  unit_quota: [],
  taken: 3,
  available: 37,
});

describe("the course calendar", () => {
  it("shows four months from last month, grouped by start month, with the seats and the OPDs' reserves", async () => {
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/course-sessions": () =>
        json(
          page([
            courseSession({
              id: 13,
              starts_on: "2026-09-21",
              ends_on: "2026-09-22",
              place: null,
              online_url: "https://zoom.us/j/1",
            }),
            ENDED,
            courseSession(),
          ]),
        ),
    });
    renderPage(<CalendarPage />);
    expect(await screen.findByRole("heading", { level: 1, name: "Kalender Angkatan Diklat" })).toBeDefined();
    await screen.findByTestId("session-calendar");
    const query = api.to("GET /api/v1/course-sessions")[0].query;
    expect([query.get("from"), query.get("to")]).toEqual(["2026-07-01", "2026-10-31"]);
    expect(screen.getByText("Juli 2026 – Oktober 2026")).toBeDefined();

    const months = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(months).toEqual(["Juli 2026", "September 2026"]);
    const ended = within(screen.getByTestId("session-7"));
    expect(ended.getByRole("link", { name: "Pelatihan Kepemimpinan Pengawas — Angkatan 1" }).getAttribute("href")).toBe(
      "/bpsdm/sesi/7",
    );
    expect(ended.getByText("Selesai")).toBeDefined();
    const open = within(screen.getByTestId("session-12"));
    expect(open.getByText("Usulan dibuka")).toBeDefined();
    expect(open.getByText("12 dari 40 kursi terisi")).toBeDefined();
    expect(open.getByText("Dinas Komunikasi dan Informatika: 4 dari 10 kursi cadangan")).toBeDefined();
    expect(within(screen.getByTestId("session-13")).getByRole("link", { name: "Tautan daring" })).toBeDefined();

    await userEvent.setup().click(screen.getByRole("button", { name: "Bulan berikutnya →" }));
    await waitFor(() => expect(api.to("GET /api/v1/course-sessions")).toHaveLength(2));
    expect(api.to("GET /api/v1/course-sessions")[1].query.get("from")).toBe("2026-08-01");
  });

  it("creates a session of a course with reserved seats, once however often it is sent", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/course-sessions": () => json(page([])),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/courses": () =>
        json(
          page([
            { id: 57, code: "PKP-2026", title: "Pelatihan Kepemimpinan Pengawas", jp: 40, active: true },
            { id: 58, code: "WEB", title: "Webinar tanpa JP", jp: null, active: true },
          ]),
        ),
      "POST /api/v1/courses/57/sessions": () => json(courseSession({ id: 99, batch: 4 }), 201),
      "GET /api/v1/course-sessions/99": () => json(courseSession({ id: 99, batch: 4 })),
    });
    renderPage(<CalendarPage />, { path: "/bpsdm/sesi" });
    expect(await screen.findByText("Tidak ada angkatan pada periode ini.")).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Buat angkatan" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Buat angkatan diklat" }));

    // Nothing filled: the form says what is missing and sends nothing.
    await user.click(dialog.getByRole("button", { name: "Buat angkatan" }));
    expect(dialog.getByText("Pilih diklat.")).toBeDefined();
    expect(dialog.getByText("Isi tempat atau tautan daring.")).toBeDefined();
    expect(api.to("POST /api/v1/courses/57/sessions")).toHaveLength(0);

    const course = dialog.getByLabelText(/^Diklat/);
    await waitFor(() => expect(within(course).getAllByRole("option")).toHaveLength(3));
    expect(
      (within(course).getByRole("option", { name: "WEB — Webinar tanpa JP (belum ada JP)" }) as HTMLOptionElement)
        .disabled,
    ).toBe(true);
    await user.selectOptions(course, "57");
    await user.type(dialog.getByLabelText(/^Tanggal mulai/), "2026-09-07");
    await user.type(dialog.getByLabelText(/^Tanggal selesai/), "2026-09-11");
    await user.type(dialog.getByLabelText(/^Kuota peserta/), "40");
    await user.type(dialog.getByLabelText("Tempat"), "Kampus BPSDM, Samarinda");
    await user.click(dialog.getByRole("button", { name: "Tambah cadangan OPD" }));
    await waitFor(() => expect(within(dialog.getByLabelText("OPD 1")).getAllByRole("option")).toHaveLength(3));
    await user.selectOptions(dialog.getByLabelText("OPD 1"), "14");
    await user.type(dialog.getByLabelText("Kursi OPD 1"), "10");
    await user.click(dialog.getByRole("button", { name: "Buat angkatan" }));

    await waitFor(() => expect(api.to("POST /api/v1/courses/57/sessions")).toHaveLength(1));
    const sent = api.to("POST /api/v1/courses/57/sessions")[0];
    expect(JSON.parse(sent.body)).toEqual({
      starts_on: "2026-09-07",
      ends_on: "2026-09-11",
      quota: 40,
      unit_quota: [{ unit_id: 14, quota: 10 }],
      place: "Kampus BPSDM, Samarinda",
      online_url: null,
    });
    expect(sent.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f]{32}$/);
    expect(await screen.findByText("Pelatihan Kepemimpinan Pengawas angkatan 4 dibuat.")).toBeDefined();
  });

  it("shows the API's refusal in the dialog", async () => {
    const user = userEvent.setup();
    fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/course-sessions": () => json(page([])),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/courses": () => json(page([{ id: 57, code: "PKP", title: "PKP", jp: 40, active: true }])),
      "POST /api/v1/courses/57/sessions": () => problem(422, "course_inactive", "Diklat tidak aktif."),
    });
    renderPage(<CalendarPage />);
    await user.click(await screen.findByRole("button", { name: "Buat angkatan" }));
    const dialog = within(await screen.findByRole("dialog"));
    await waitFor(() => expect(within(dialog.getByLabelText(/^Diklat/)).getAllByRole("option")).toHaveLength(2));
    await user.selectOptions(dialog.getByLabelText(/^Diklat/), "57");
    await user.type(dialog.getByLabelText(/^Tanggal mulai/), "2026-09-07");
    await user.type(dialog.getByLabelText(/^Tanggal selesai/), "2026-09-07");
    await user.type(dialog.getByLabelText(/^Kuota peserta/), "5");
    await user.type(dialog.getByLabelText("Tautan daring"), "https://zoom.us/j/1");
    await user.click(dialog.getByRole("button", { name: "Buat angkatan" }));
    expect(await dialog.findByText("Diklat tidak aktif.")).toBeDefined();
  });

  it("offers no new session to an auditor", async () => {
    fakeApi({
      "GET /api/v1/auth/me": () => json(AUDITOR),
      "GET /api/v1/course-sessions": () => json(page([courseSession()])),
    });
    renderPage(<CalendarPage />);
    await screen.findByTestId("session-calendar");
    expect(screen.queryByRole("button", { name: "Buat angkatan" })).toBeNull();
  });
});

describe("a session's page", () => {
  it("accepts a nomination and declines another with a note", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/course-sessions/12": () => json(courseSession()),
      "GET /api/v1/course-sessions/12/nominations": () =>
        json(
          page([
            nomination(),
            nomination({ id: 312, nip: "199001012015031004", name: "Budi Santoso" }),
            nomination({ id: 313, nip: "199101012015031005", name: "Citra", status: "accepted" }),
          ]),
        ),
      "GET /api/v1/course-sessions/12/certificates": () => json(page([])),
      "POST /api/v1/nominations/311/decision": () => json(nomination({ status: "accepted" })),
      "POST /api/v1/nominations/312/decision": () => json(nomination({ id: 312, status: "declined" })),
    });
    renderPage(<SessionPage />, { path: "/bpsdm/sesi/12", route: "/bpsdm/sesi/:sessionId" });
    expect(
      await screen.findByRole("heading", { level: 1, name: "Pelatihan Kepemimpinan Pengawas — Angkatan 3" }),
    ).toBeDefined();
    const table = within(await screen.findByTestId("session-nominations"));
    expect(await table.findAllByText("Dinas Perpustakaan dan Kearsipan")).toHaveLength(3);
    expect(screen.getByText("2 usulan menunggu keputusan.")).toBeDefined();
    // Only pending ones can be decided.
    expect(table.queryByRole("button", { name: "Terima Citra" })).toBeNull();

    await user.click(table.getByRole("button", { name: "Terima Siti Rahmawati" }));
    await waitFor(() => expect(api.to("POST /api/v1/nominations/311/decision")).toHaveLength(1));
    expect(JSON.parse(api.to("POST /api/v1/nominations/311/decision")[0].body)).toEqual({
      decision: "accept",
      note: null,
    });
    expect(await screen.findByText("Siti Rahmawati diterima.")).toBeDefined();

    await user.click(table.getByRole("button", { name: "Tolak Budi Santoso" }));
    const dialog = within(await screen.findByRole("dialog", { name: "Tolak usulan Budi Santoso" }));
    await user.type(dialog.getByLabelText("Catatan untuk peserta"), "Kuota bidang sudah terpenuhi");
    await user.click(dialog.getByRole("button", { name: "Tolak" }));
    await waitFor(() => expect(api.to("POST /api/v1/nominations/312/decision")).toHaveLength(1));
    expect(JSON.parse(api.to("POST /api/v1/nominations/312/decision")[0].body)).toEqual({
      decision: "decline",
      note: "Kuota bidang sudah terpenuhi",
    });
    expect(await screen.findByText("Usulan Budi Santoso ditolak.")).toBeDefined();
    // Before the last day, attendance waits.
    expect(screen.getByText("Kehadiran dapat dicatat mulai hari terakhir angkatan, 11 Sep 2026.")).toBeDefined();
  });

  it("records the attendance of the ticked nominees and says per NIP what happened", async () => {
    const user = userEvent.setup();
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/course-sessions/7": () => json(ENDED),
      "GET /api/v1/course-sessions/7/nominations": () =>
        json(
          page([
            nomination({ id: 1, nip: "1001", name: "Ani", status: "accepted" }),
            nomination({ id: 2, nip: "1002", name: "Bayu", status: "accepted" }),
            nomination({
              id: 3,
              nip: "1003",
              name: "Cici",
              status: "accepted",
              record_id: 8,
              attended_at: "2026-08-03T02:00:00Z",
            }),
            nomination({ id: 4, nip: "1004", name: "Dedi", status: "declined" }),
          ]),
        ),
      "GET /api/v1/course-sessions/7/certificates": () => json(page([])),
      "POST /api/v1/course-sessions/7/attendance": () =>
        json({
          credited: 1,
          already_credited: 0,
          not_credited: [
            { nip: "1002", code: "possible_duplicate", detail: "Sudah ada catatan dengan judul yang sama." },
          ],
        }),
    });
    renderPage(<SessionPage />, { path: "/bpsdm/sesi/7", route: "/bpsdm/sesi/:sessionId" });
    const card = within((await screen.findByRole("heading", { name: "Kehadiran" })).closest("section") as HTMLElement);
    // The declined one is not listed; the credited one is ticked and locked.
    expect(card.queryByText("Dedi")).toBeNull();
    const cici = card.getByRole("checkbox", { name: /Cici/ }) as HTMLInputElement;
    expect([cici.checked, cici.disabled]).toEqual([true, true]);
    const submit = card.getByRole("button", { name: "Catat kehadiran (0)" });
    expect((submit as HTMLButtonElement).disabled).toBe(true);

    await user.click(card.getByRole("button", { name: "Centang semua" }));
    await user.click(card.getByRole("button", { name: "Catat kehadiran (2)" }));
    await waitFor(() => expect(api.to("POST /api/v1/course-sessions/7/attendance")).toHaveLength(1));
    expect(JSON.parse(api.to("POST /api/v1/course-sessions/7/attendance")[0].body)).toEqual({ nips: ["1001", "1002"] });

    const result = within(await screen.findByTestId("attendance-result"));
    expect(result.getByText("Dikreditkan: 1 · sudah dikreditkan sebelumnya: 0 · tidak dikreditkan: 1")).toBeDefined();
    const rows = result.getAllByRole("listitem").map((li) => li.textContent);
    expect(rows).toEqual([
      "Ani 1001Dikreditkan",
      "Bayu 1002Sudah ada catatan pembelajaran yang sama — Sudah ada catatan dengan judul yang sama.",
    ]);
  });

  it("shows the API's refusal of attendance", async () => {
    const user = userEvent.setup();
    fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/course-sessions/7": () => json(ENDED),
      "GET /api/v1/course-sessions/7/nominations": () =>
        json(page([nomination({ nip: "1001", name: "Ani", status: "accepted" })])),
      "GET /api/v1/course-sessions/7/certificates": () => json(page([])),
      "POST /api/v1/course-sessions/7/attendance": () => problem(409, "session_closed", "Angkatan dibatalkan."),
    });
    renderPage(<SessionPage />, { path: "/bpsdm/sesi/7", route: "/bpsdm/sesi/:sessionId" });
    await user.click(await screen.findByRole("checkbox", { name: /Ani/ }));
    await user.click(screen.getByRole("button", { name: "Catat kehadiran (1)" }));
    expect(await screen.findByText("Angkatan dibatalkan.")).toBeDefined();
  });

  it("issues certificates and lists them with their PDF and public check", async () => {
    const user = userEvent.setup();
    let issued = false;
    const api = fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/course-sessions/7": () => json(ENDED),
      "GET /api/v1/course-sessions/7/nominations": () => json(page([])),
      "GET /api/v1/course-sessions/7/certificates": () => json(page(issued ? [certificate({ session_id: 7 })] : [])),
      "POST /api/v1/course-sessions/7/certificates": () => {
        issued = true;
        return json({
          issued: [{ number: certificate().number, nip: certificate().nip, name: certificate().name }],
          already_issued: 0,
        });
      },
    });
    renderPage(<SessionPage />, { path: "/bpsdm/sesi/7", route: "/bpsdm/sesi/:sessionId" });
    expect(await screen.findByText(/Belum ada sertifikat/)).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Terbitkan sertifikat" }));
    expect((await screen.findByTestId("certificates-issued")).textContent).toBe("1 sertifikat diterbitkan.");
    expect(api.to("POST /api/v1/course-sessions/7/certificates")[0].headers.get("Idempotency-Key")).toBeTruthy();
    const list = within(await screen.findByTestId("session-certificates"));
    const link = await list.findByRole("link", { name: `Periksa sertifikat ${certificate().number} (halaman publik)` });
    expect(link.getAttribute("href")).toBe(`/sertifikat/${certificate().number}`);
    expect(list.getByRole("button", { name: "Unduh PDF sertifikat Siti Rahmawati" })).toBeDefined();
  });

  it("is read-only for an auditor", async () => {
    fakeApi({
      "GET /api/v1/auth/me": () => json(AUDITOR),
      "GET /api/v1/units": () => json(UNITS),
      "GET /api/v1/course-sessions/7": () => json(ENDED),
      "GET /api/v1/course-sessions/7/nominations": () => json(page([nomination({ nip: "1001", name: "Ani" })])),
      "GET /api/v1/course-sessions/7/certificates": () => json(page([certificate()])),
    });
    renderPage(<SessionPage />, { path: "/bpsdm/sesi/7", route: "/bpsdm/sesi/:sessionId" });
    await screen.findByTestId("session-certificates");
    await screen.findByText("Ani");
    expect(screen.queryByRole("button", { name: /Terima/ })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Kehadiran" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Terbitkan sertifikat" })).toBeNull();
  });

  it("says so when the session is unknown", async () => {
    fakeApi({
      "GET /api/v1/auth/me": () => json(ADMIN),
      "GET /api/v1/course-sessions/404": () => problem(404, "course_session_not_found", "Angkatan tidak ditemukan."),
    });
    renderPage(<SessionPage />, { path: "/bpsdm/sesi/404", route: "/bpsdm/sesi/:sessionId" });
    expect(await screen.findByText("Angkatan tidak ditemukan.")).toBeDefined();
  });
});
