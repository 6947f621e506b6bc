import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { RulesPage } from "./RulesPage";

const YEAR = 2027;

function rules(year: number, source: number, etc: Record<string, unknown> = {}) {
  return {
    year,
    source_year: source,
    updated_at: "2026-12-06T10:00:00Z",
    jp_minutes: 45,
    pns_min_jp: 20,
    pppk_max_jp: 24,
    max_jp_per_day: 32,
    budget_min_pct: { provinsi: 0.34, kabupaten_kota: 0.16 },
    jpm_bands: [
      { label: "Optimal", min: 90 },
      { label: "Kurang Optimal", min: 0 },
    ],
    form_rules: [{ form_code: "9", jp_factor: null, max_jp_per_day: 4, fixed_jp: null, max_jp_per_year: null }],
    ...etc,
  };
}

const ADMIN = { username: "bpsdm", role: "bpsdm_admin", nip: null, unit_id: null, scopes: [] };
const AUDITOR = { ...ADMIN, username: "auditor", role: "auditor" };

function backend({ me = ADMIN, copy }: { me?: typeof ADMIN; copy?: () => Response } = {}) {
  let own = false;
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    [`GET /api/v1/rules/${YEAR}`]: () =>
      own ? json(rules(YEAR, YEAR), 200, { ETag: '"1"' }) : json(rules(YEAR, YEAR - 1)),
    [`POST /api/v1/rules/${YEAR}/copy`]: () => {
      if (copy) return copy();
      own = true;
      return json(rules(YEAR, YEAR), 201, { ETag: '"1"' });
    },
  });
}

function renderPage() {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>
          <RulesPage />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the rules page for a year without its own set", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(`${YEAR}-03-01T08:00:00Z`));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await i18n.changeLanguage("id");
  });

  it("says which year it falls back to and copies last year's set after a confirmation", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();

    expect(await screen.findByText(`Tahun ${YEAR} memakai aturan tahun ${YEAR - 1}`)).toBeDefined();
    await user.click(await screen.findByRole("button", { name: `Salin dari tahun lalu (${YEAR - 1})` }));
    const dialog = screen.getByRole("dialog", { name: `Salin aturan ke tahun ${YEAR}?` });
    expect(within(dialog).getByText(/Aturan tahun 2026 .* disalin menjadi aturan sendiri tahun 2027/)).toBeDefined();
    expect(server.to(`POST /api/v1/rules/${YEAR}/copy`)).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Salin" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const [sent] = server.to(`POST /api/v1/rules/${YEAR}/copy`);
    expect(JSON.parse(sent.body)).toEqual({ from_year: YEAR - 1, replace: false });
    expect(await screen.findByText(`Aturan tahun ${YEAR - 1} telah disalin ke tahun ${YEAR}.`)).toBeDefined();
    expect(await screen.findByTestId("rules-own")).toBeDefined();
    expect(screen.queryByText(`Tahun ${YEAR} memakai aturan tahun ${YEAR - 1}`)).toBeNull();
  });

  it("cancelling sends nothing", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();
    await user.click(await screen.findByRole("button", { name: /Salin dari tahun lalu/ }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Batal" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(server.to(`POST /api/v1/rules/${YEAR}/copy`)).toHaveLength(0);
  });

  it("shows the refusal in the dialog, in English too", async () => {
    await i18n.changeLanguage("en");
    const user = userEvent.setup();
    backend({ copy: () => problem(409, "rules_exist") });
    renderPage();
    expect(await screen.findByText(`${YEAR} uses the rules of ${YEAR - 1}`)).toBeDefined();
    await user.click(await screen.findByRole("button", { name: `Copy from last year (${YEAR - 1})` }));
    const dialog = screen.getByRole("dialog", { name: `Copy the rules to ${YEAR}?` });
    await user.click(within(dialog).getByRole("button", { name: "Copy" }));
    expect(
      await within(dialog).findByText("That year already has its own rule set. Reload the page to see it."),
    ).toBeDefined();
  });

  it("offers no copy to a reader who may not change the rules", async () => {
    backend({ me: AUDITOR });
    renderPage();
    expect(await screen.findByText(`Tahun ${YEAR} memakai aturan tahun ${YEAR - 1}`)).toBeDefined();
    await waitFor(() => expect(screen.queryByRole("button", { name: /Salin dari tahun lalu/ })).toBeNull());
  });
});
