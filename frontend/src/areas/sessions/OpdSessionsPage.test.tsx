import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { OpdSessionsPage } from "./OpdSessionsPage";
import { courseSession, nomination, OPD_ADMIN, page, UNITS } from "./testing";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-08-10T01:00:00Z"));
});

afterEach(async () => {
  vi.useRealTimers();
  await i18n.changeLanguage("id");
});

const SUGGESTIONS = {
  items: [
    {
      nip: "198503142010012003",
      name: "Siti Rahmawati",
      unit_id: 101,
      rank: 1,
      reasons: ["Rencana pengembangan 2026 yang disetujui memuat diklat ini"],
      planned: true,
      shortfall: 0,
    },
    {
      nip: "199001012015031004",
      name: "Budi Santoso",
      unit_id: 14,
      rank: 2,
      reasons: ["Di bawah standar: Manajemen Data (kurang 2)"],
      planned: false,
      shortfall: 2,
    },
  ],
};

function serve(extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) {
  return fakeApi({
    "GET /api/v1/auth/me": () => json(OPD_ADMIN),
    "GET /api/v1/units": () => json(UNITS),
    "GET /api/v1/course-sessions": () =>
      json(
        page([
          courseSession(),
          courseSession({
            id: 13,
            batch: 4,
            starts_on: "2026-08-11",
            ends_on: "2026-08-12",
            nominations_open: false,
            unit_quota: [],
          }),
          courseSession({ id: 14, starts_on: "2026-07-01", ends_on: "2026-07-03", nominations_open: false }),
        ]),
      ),
    "GET /api/v1/course-sessions/12/suggestions": () => json(SUGGESTIONS),
    "GET /api/v1/course-sessions/12/nominations": () =>
      json(
        page([
          nomination({ unit_id: 14, status: "accepted" }),
          nomination({ id: 2, nip: "2", name: "Dewi", unit_id: 14 }),
        ]),
      ),
    "POST /api/v1/course-sessions/12/nominations": () =>
      json({
        nominated: 2,
        refused: 1,
        results: [
          { nip: "198503142010012003", status: "nominated", nomination_id: 400 },
          { nip: "199001012015031004", status: "nominated", nomination_id: 401 },
          { nip: "123", status: "refused", code: "asn_not_found", detail: "ASN 123 tidak ditemukan" },
        ],
      }),
    ...extra,
  });
}

describe("nominating for course sessions (OPD admin)", () => {
  it("lists the upcoming sessions with the seats left in all and for the OPD", async () => {
    const api = serve();
    renderPage(<OpdSessionsPage />);
    expect(await screen.findByRole("heading", { level: 1, name: "Usulan Peserta Diklat" })).toBeDefined();
    await screen.findByTestId("opd-sessions");
    expect(api.to("GET /api/v1/course-sessions")[0].query.get("from")).toBe("2026-08-10");
    // The one that ended is left out.
    expect(screen.queryByTestId("opd-session-14")).toBeNull();
    const open = within(screen.getByTestId("opd-session-12"));
    expect(open.getByText("28 dari 40")).toBeDefined();
    expect(open.getByText("Sisa kursi untuk Dinas Komunikasi dan Informatika")).toBeDefined();
    expect(open.getByTestId("seats-for-opd").textContent).toBe("6cadangan: 4 dari 10 terisi");
    expect(open.getByRole("button", { name: "Usulkan peserta" })).toBeDefined();
    const closed = within(screen.getByTestId("opd-session-13"));
    expect(closed.queryByRole("button", { name: "Usulkan peserta" })).toBeNull();
    expect(closed.getByText("Usulan sudah ditutup.")).toBeDefined();

    // The OPD's own nominations with their status, and withdrawing one.
    await userEvent.setup().click(open.getByRole("button", { name: "Lihat usulan kami" }));
    const own = within(await open.findByRole("list", { name: "Usulan OPD Anda" }));
    expect(own.getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Siti Rahmawati198503142010012003DiterimaTarik",
      "Dewi2DiusulkanTarik",
    ]);
  });

  it("nominates ticked suggestions and a typed NIP, then shows the result per NIP", async () => {
    const user = userEvent.setup();
    const api = serve();
    renderPage(<OpdSessionsPage />);
    await user.click(await screen.findByRole("button", { name: "Usulkan peserta" }));
    const dialog = within(
      await screen.findByRole("dialog", { name: "Usulkan peserta: Pelatihan Kepemimpinan Pengawas — Angkatan 3" }),
    );
    expect(dialog.getByTestId("nominate-seats").textContent).toBe("Sisa 6 kursi untuk OPD Anda.");
    const siti = await dialog.findByRole("checkbox", { name: /Siti Rahmawati/ });
    expect(dialog.getByText("Rencana pengembangan 2026 yang disetujui memuat diklat ini")).toBeDefined();
    expect(dialog.getByText("Ada di IDP")).toBeDefined();
    expect(await dialog.findByText("198503142010012003 · Bidang Aplikasi Informatika")).toBeDefined();
    await user.click(siti);
    await user.click(dialog.getByRole("checkbox", { name: /Budi Santoso/ }));
    await user.type(dialog.getByLabelText("NIP lain"), "123, 198503142010012003");
    await user.click(dialog.getByRole("button", { name: "Usulkan 3 peserta" }));

    await waitFor(() => expect(api.to("POST /api/v1/course-sessions/12/nominations")).toHaveLength(1));
    const sent = api.to("POST /api/v1/course-sessions/12/nominations")[0];
    expect(JSON.parse(sent.body)).toEqual({ nips: ["198503142010012003", "199001012015031004", "123"] });
    expect(sent.headers.get("Idempotency-Key")).toBeTruthy();
    const result = within(await dialog.findByTestId("nomination-result"));
    expect(result.getByText("Diusulkan: 2 · ditolak: 1")).toBeDefined();
    expect(result.getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Siti Rahmawati 198503142010012003Diusulkan",
      "Budi Santoso 199001012015031004Diusulkan",
      "123 123ASN tidak ditemukan di unit Anda",
    ]);
    // The session's own list opens with the new nominations.
    await user.click(dialog.getAllByRole("button", { name: "Tutup" }).at(-1) as HTMLElement);
    expect(await screen.findByRole("list", { name: "Usulan OPD Anda" })).toBeDefined();
  });

  it("says the per-NIP results in English too", async () => {
    await i18n.changeLanguage("en");
    const user = userEvent.setup();
    serve({
      "POST /api/v1/course-sessions/12/nominations": () =>
        json({
          nominated: 0,
          refused: 1,
          results: [{ nip: "199001012015031004", status: "refused", code: "unit_quota_full", detail: "Full" }],
        }),
    });
    renderPage(<OpdSessionsPage />);
    await user.click(await screen.findByRole("button", { name: "Nominate participants" }));
    const dialog = within(await screen.findByRole("dialog"));
    await user.click(await dialog.findByRole("checkbox", { name: /Budi Santoso/ }));
    await user.click(dialog.getByRole("button", { name: "Nominate 1 participant" }));
    expect(await dialog.findByText("Your OPD's reserved seats are taken")).toBeDefined();
    expect(dialog.getByText("Nominated: 0 · refused: 1")).toBeDefined();
  });

  it("shows a refusal of the whole request (nominations closed meanwhile)", async () => {
    const user = userEvent.setup();
    serve({
      "POST /api/v1/course-sessions/12/nominations": () =>
        problem(409, "session_closed", "Usulan untuk angkatan ini sudah ditutup."),
    });
    renderPage(<OpdSessionsPage />);
    await user.click(await screen.findByRole("button", { name: "Usulkan peserta" }));
    const dialog = within(await screen.findByRole("dialog"));
    await user.type(dialog.getByLabelText("NIP lain"), "199001012015031004");
    await user.click(dialog.getByRole("button", { name: "Usulkan 1 peserta" }));
    expect(await dialog.findByText("Usulan untuk angkatan ini sudah ditutup.")).toBeDefined();
  });
});
