import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { LeaguePage } from "./LeaguePage";
import { indicators, leagueRow, report } from "./testing";

const LEAGUE = {
  as_of: "2026-12-07",
  source: "live",
  units: [
    leagueRow(),
    leagueRow({
      rank: 2,
      unit_id: 14,
      code: "DISKOMINFO",
      name: "Dinas Komunikasi dan Informatika",
      score: 76.79,
      score_7_days_ago: 76.79,
      score_30_days_ago: null,
    }),
    leagueRow({
      rank: null,
      unit_id: 30,
      code: "BRIDA",
      name: "Badan Riset dan Inovasi Daerah",
      headcount: 0,
      score: null,
      indicators: indicators(0),
      score_7_days_ago: null,
      score_30_days_ago: null,
      sparkline: [{ date: "2026-12-07", score: null }],
    }),
  ],
};

function rowOf(name: string) {
  const cell = screen.getByRole("link", { name });
  const row = cell.closest("tr");
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

describe("the league of OPDs", () => {
  it("ranks the OPDs with their score, its change over 7 and 30 days, a sparkline and each indicator", async () => {
    fakeApi({
      "GET /api/v1/reports/data-completeness/league": () => json(LEAGUE),
      "GET /api/v1/reports/data-completeness": () =>
        json(report({ unit_id: null, name: null, score: 72.64, headcount: 296 })),
    });
    renderPage(<LeaguePage />, { path: "/bpsdm/kelengkapan" });

    expect(await screen.findByRole("heading", { level: 1, name: "Kelengkapan Data" })).toBeDefined();
    expect((await screen.findByTestId("province-score")).textContent).toBe("72,64% (cukup)");
    await screen.findByRole("table", { name: "Peringkat kelengkapan data perangkat daerah" });

    const first = rowOf("Dinas Perpustakaan dan Kearsipan");
    expect(screen.getByRole("link", { name: "Dinas Perpustakaan dan Kearsipan" }).getAttribute("href")).toBe(
      "/bpsdm/kelengkapan/18",
    );
    const cells = within(first).getAllByRole("cell");
    expect(cells[0].textContent).toBe("1");
    expect(cells[3].textContent).toBe("87,5% (cukup)");
    // Up 7.5 points on the week, down 2.5 on the month: arrows for the eye, words for screen readers.
    expect(cells[4].textContent).toBe("▲ 7,5naik 7,5 poin dalam 7 hari");
    expect(cells[5].textContent).toBe("▼ 2,5turun 2,5 poin dalam 30 hari");
    expect(
      within(cells[6]).getByRole("img", {
        name: "Skor Dinas Perpustakaan dan Kearsipan dari 8 Nov 2026 (90) sampai 7 Des 2026 (87,5)",
      }),
    ).toBeDefined();
    // Contact 1 of 2, education 2 of 2.
    expect(cells[7].textContent).toBe("50%");
    expect(cells[8].textContent).toBe("100%");

    const second = within(rowOf("Dinas Komunikasi dan Informatika")).getAllByRole("cell");
    expect(second[4].textContent).toBe("0");
    expect(second[5].textContent).toBe("–");

    // No active ASN: no rank, no score, no history.
    const empty = within(rowOf("Badan Riset dan Inovasi Daerah")).getAllByRole("cell");
    expect(empty[0].textContent).toBe("–");
    expect(empty[3].textContent).toBe("–");
    expect(empty[6].textContent).toBe("Belum ada riwayat");
    expect(empty[7].textContent).toBe("–");
  });

  it("searches the OPDs by name or code", async () => {
    const user = userEvent.setup();
    fakeApi({
      "GET /api/v1/reports/data-completeness/league": () => json(LEAGUE),
      "GET /api/v1/reports/data-completeness": () => json(report({ unit_id: null, name: null })),
    });
    renderPage(<LeaguePage />);
    await screen.findByRole("link", { name: "Badan Riset dan Inovasi Daerah" });
    await user.type(screen.getByRole("searchbox", { name: "Cari perangkat daerah" }), "diskominfo");
    await waitFor(() => expect(screen.queryByRole("link", { name: "Badan Riset dan Inovasi Daerah" })).toBeNull());
    expect(screen.getByRole("link", { name: "Dinas Komunikasi dan Informatika" })).toBeDefined();
  });

  it("says what failed and retries, the province figures apart from the table", async () => {
    const user = userEvent.setup();
    let fail = true;
    const server = fakeApi({
      "GET /api/v1/reports/data-completeness/league": () =>
        fail ? problem(422, "no_snapshot", "Belum ada potret") : json(LEAGUE),
      "GET /api/v1/reports/data-completeness": () => json(report({ unit_id: null, name: null })),
    });
    renderPage(<LeaguePage />);
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Belum ada potret");
    expect(await screen.findByTestId("province-score")).toBeDefined();
    fail = false;
    await user.click(within(alert).getByRole("button", { name: "Coba lagi" }));
    await screen.findByRole("link", { name: "Dinas Perpustakaan dan Kearsipan" });
    expect(server.to("GET /api/v1/reports/data-completeness/league")).toHaveLength(2);
  });
});
