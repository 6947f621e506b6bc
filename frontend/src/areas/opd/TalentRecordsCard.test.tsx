import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import i18n from "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { localToday } from "../asn/claimValidation";
import { TalentRecordsCard } from "./TalentRecordsCard";
import { parseScore, validateSanction } from "./talentForms";

const NIP = "198503142010012003";
const YEAR = 2026;
const BASE = `/api/v1/asn/${NIP}`;

const ME: Record<string, object> = {
  opd_admin: { username: "opd.disdik", role: "opd_admin", nip: null, unit_id: 3, scopes: [] },
  auditor: { username: "auditor", role: "auditor", nip: null, unit_id: null, scopes: [] },
  asn: { username: NIP, role: "asn", nip: NIP, unit_id: 3, scopes: [] },
};

function performance(year: number, predikat: string, score: number | null) {
  return {
    nip: NIP,
    year,
    predikat,
    score,
    source: "manual",
    updated_by: "opd.disdik",
    created_at: "2026-01-20T02:15:00Z",
    updated_at: "2026-01-20T02:15:00Z",
  };
}

const SANCTION = {
  id: 41,
  nip: NIP,
  level: "sedang",
  decided_on: "2025-03-10",
  ends_on: "2026-03-09",
  reference: "800.1.6.4/123/BKD",
  created_by: "opd.disdik",
  created_at: "2025-03-12T02:15:00Z",
};

const POTENTIAL = {
  id: 310,
  nip: NIP,
  assessed_on: "2025-08-14",
  method: "assessment_center",
  assessor: "UPT Penilaian Kompetensi BKD",
  score: 78.25,
  category: "menengah",
  aspects: [],
  created_by: "bpsdm.admin",
  created_at: "2025-08-20T02:15:00Z",
};

/** A fake API holding SKP results per year (each with its version), sanctions and one assessment. */
function talentApi(role: string, stored: Record<number, ReturnType<typeof performance>> = {}, extra = {}) {
  const versions: Record<number, number> = Object.fromEntries(Object.keys(stored).map((y) => [y, 1]));
  const sanctions = [SANCTION];
  const performanceHandlers: Record<string, Handler> = {};
  for (const year of [YEAR, YEAR - 1, YEAR - 2]) {
    performanceHandlers[`GET ${BASE}/performance/${year}`] = () =>
      stored[year]
        ? json(stored[year], 200, { ETag: `"${versions[year]}"` })
        : problem(404, "performance_not_found", "Belum ada hasil SKP tahun itu.");
  }
  const api = fakeApi({
    "GET /api/v1/auth/me": () => json(ME[role]),
    ...performanceHandlers,
    [`GET ${BASE}/disciplinary-records`]: () => json({ items: sanctions, next_cursor: null, total: sanctions.length }),
    [`GET ${BASE}/potential-assessments`]: () => json({ items: [POTENTIAL], next_cursor: null, total: 1 }),
    [`POST ${BASE}/disciplinary-records`]: (request) => {
      const created = { ...SANCTION, ...JSON.parse(request.body), id: 42, created_at: "2026-02-01T01:00:00Z" };
      sanctions.unshift(created);
      return json(created, 201);
    },
    ...extra,
  });
  return { api, stored, versions };
}

function renderCard() {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <TalentRecordsCard nip={NIP} year={YEAR} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the score and date checks", () => {
  it("accepts a decimal comma and refuses what the API would", () => {
    expect(parseScore("84,5")).toEqual({ value: "84.5" });
    expect(parseScore(" 100 ")).toEqual({ value: "100" });
    expect(parseScore("")).toEqual({ value: null });
    expect(parseScore("100,01")).toEqual({ error: "scoreRange" });
    expect(parseScore("84,555")).toEqual({ error: "scoreDecimals" });
    expect(parseScore("-1")).toEqual({ error: "scoreFormat" });
    expect(parseScore("baik")).toEqual({ error: "scoreFormat" });
  });

  it("wants a decision not in the future and an end not before it", () => {
    const today = "2026-02-10";
    const draft = { level: "ringan" as const, decidedOn: "2026-02-10", endsOn: "", reference: "" };
    expect(validateSanction(draft, today)).toEqual({});
    expect(validateSanction({ ...draft, decidedOn: "2026-02-11" }, today)).toEqual({ decidedOn: "decidedFuture" });
    expect(validateSanction({ ...draft, endsOn: "2026-02-09" }, today)).toEqual({ endsOn: "endsBeforeDecided" });
    expect(validateSanction({ ...draft, level: "", decidedOn: "" }, today)).toEqual({
      level: "required",
      decidedOn: "required",
    });
  });
});

describe("the Talenta section of the OPD's ASN page", { timeout: 20_000 }, () => {
  it("lists three years of SKP, the sanctions and the potential assessments", async () => {
    talentApi("opd_admin", { [YEAR - 1]: performance(YEAR - 1, "sangat_baik", 91.5) });
    renderCard();

    const skp = await screen.findByRole("table", { name: "Predikat dan nilai SKP per tahun" });
    await within(skp).findByText("Sangat Baik");
    expect(within(skp).getByText("91,5")).toBeDefined();
    expect(within(skp).getAllByText("Belum diisi")).toHaveLength(2);

    const sanctions = await screen.findByRole("table", { name: "Hukuman disiplin" });
    await within(sanctions).findByText("Sedang");
    expect(within(sanctions).getByText("800.1.6.4/123/BKD")).toBeDefined();
    expect(within(sanctions).getByText("9 Mar 2026")).toBeDefined();

    const potential = await screen.findByRole("table", { name: "Penilaian potensi" });
    await within(potential).findByText("Assessment center");
    expect(within(potential).getByText("UPT Penilaian Kompetensi BKD")).toBeDefined();
    expect(within(potential).getByText("78,25")).toBeDefined();
    expect(within(potential).getByText("Menengah")).toBeDefined();

    expect(screen.getByRole("button", { name: "Isi/Ubah SKP" })).toBeDefined();
    expect(screen.getByRole("button", { name: "Catat hukuman disiplin" })).toBeDefined();
  });

  it("records a year's SKP without If-Match, checking the score in the browser first", async () => {
    const user = userEvent.setup();
    const { api } = talentApi(
      "opd_admin",
      {},
      {
        [`PUT ${BASE}/performance/${YEAR}`]: (request: { body: string }) =>
          json({ ...performance(YEAR, "baik", 84.5), ...JSON.parse(request.body), score: 84.5 }, 201, { ETag: '"1"' }),
      },
    );
    renderCard();
    await user.click(await screen.findByRole("button", { name: "Isi/Ubah SKP" }));
    const dialog = await screen.findByRole("dialog", { name: "Isi atau ubah hasil SKP" });
    // The newest year without a result is offered first.
    expect((within(dialog).getByLabelText(/^Tahun/) as HTMLSelectElement).value).toBe(String(YEAR));

    await user.type(within(dialog).getByLabelText("Nilai SKP (opsional)"), "101");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText("Wajib diisi.")).toBeDefined();
    expect(within(dialog).getByText("Nilai harus antara 0 dan 100.")).toBeDefined();
    expect(api.to(`PUT ${BASE}/performance/${YEAR}`)).toHaveLength(0);

    await user.selectOptions(within(dialog).getByLabelText(/^Predikat/), "Baik");
    await user.clear(within(dialog).getByLabelText("Nilai SKP (opsional)"));
    await user.type(within(dialog).getByLabelText("Nilai SKP (opsional)"), "84,5");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    await screen.findByText(`Hasil SKP ${YEAR} disimpan.`);
    const [put] = api.to(`PUT ${BASE}/performance/${YEAR}`);
    expect(JSON.parse(put.body)).toEqual({ predikat: "baik", score: "84.5" });
    expect(put.headers.get("If-Match")).toBeNull();
    const skp = screen.getByRole("table", { name: "Predikat dan nilai SKP per tahun" });
    await within(skp).findByText("Baik");
    expect(within(skp).getByText("84,5")).toBeDefined();
  });

  it("replaces with If-Match, and after a 412 says so and shows the other person's result", async () => {
    const user = userEvent.setup();
    const year = YEAR - 1;
    const state = talentApi(
      "opd_admin",
      {
        [YEAR]: performance(YEAR, "baik", 80),
        [year]: performance(year, "baik", 82),
        [YEAR - 2]: performance(YEAR - 2, "baik", 79),
      },
      {
        [`PUT ${BASE}/performance/${year}`]: (request: { headers: Headers }) => {
          if (request.headers.get("If-Match") !== `"${state.versions[year]}"`) {
            return problem(412, "precondition_failed", "Versi data sudah berubah.");
          }
          return json(performance(year, "kurang", null), 200, { ETag: `"${state.versions[year] + 1}"` });
        },
      },
    );
    renderCard();
    await user.click(await screen.findByRole("button", { name: "Isi/Ubah SKP" }));
    const dialog = await screen.findByRole("dialog", { name: "Isi atau ubah hasil SKP" });
    // Every year has a result: last year's is offered, filled in.
    expect((within(dialog).getByLabelText(/^Tahun/) as HTMLSelectElement).value).toBe(String(year));
    expect((within(dialog).getByLabelText(/^Predikat/) as HTMLSelectElement).value).toBe("baik");
    expect((within(dialog).getByLabelText("Nilai SKP (opsional)") as HTMLInputElement).value).toBe("82");

    // Meanwhile someone else saves last year's result.
    state.stored[year] = performance(year, "sangat_baik", 95);
    state.versions[year] = 2;
    await user.selectOptions(within(dialog).getByLabelText(/^Predikat/), "Kurang");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    expect(await within(dialog).findByText("Diubah oleh orang lain")).toBeDefined();
    expect(state.api.to(`PUT ${BASE}/performance/${year}`)[0].headers.get("If-Match")).toBe('"1"');
    await waitFor(() =>
      expect((within(dialog).getByLabelText(/^Predikat/) as HTMLSelectElement).value).toBe("sangat_baik"),
    );
    expect((within(dialog).getByLabelText("Nilai SKP (opsional)") as HTMLInputElement).value).toBe("95");

    // Saving again sends the fresh ETag and succeeds.
    await user.selectOptions(within(dialog).getByLabelText(/^Predikat/), "Kurang");
    await user.clear(within(dialog).getByLabelText("Nilai SKP (opsional)"));
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await screen.findByText(`Hasil SKP ${year} disimpan.`);
    const puts = state.api.to(`PUT ${BASE}/performance/${year}`);
    expect(puts[1].headers.get("If-Match")).toBe('"2"');
    expect(JSON.parse(puts[1].body)).toEqual({ predikat: "kurang", score: null });
  });

  it("records a sanction with an Idempotency-Key after checking its dates", async () => {
    const user = userEvent.setup();
    const { api } = talentApi("opd_admin");
    renderCard();
    await user.click(await screen.findByRole("button", { name: "Catat hukuman disiplin" }));
    const dialog = await screen.findByRole("dialog", { name: "Catat hukuman disiplin" });
    await user.selectOptions(within(dialog).getByLabelText(/^Tingkat/), "Ringan");
    await user.type(within(dialog).getByLabelText(/^Tanggal ditetapkan/), "2099-01-01");
    await user.type(within(dialog).getByLabelText("Tanggal berakhir (opsional)"), "2025-01-01");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText("Tanggal ditetapkan tidak boleh di masa depan.")).toBeDefined();
    expect(within(dialog).getByText("Tanggal berakhir tidak boleh sebelum tanggal ditetapkan.")).toBeDefined();
    expect(api.to(`POST ${BASE}/disciplinary-records`)).toHaveLength(0);

    const today = localToday();
    await user.clear(within(dialog).getByLabelText(/^Tanggal ditetapkan/));
    await user.type(within(dialog).getByLabelText(/^Tanggal ditetapkan/), today);
    await user.clear(within(dialog).getByLabelText("Tanggal berakhir (opsional)"));
    await user.type(within(dialog).getByLabelText("Nomor SK (opsional)"), "  800/7/BKD ");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    await screen.findByText("Hukuman disiplin dicatat.");
    const [post] = api.to(`POST ${BASE}/disciplinary-records`);
    expect(post.headers.get("Idempotency-Key")).toBeTruthy();
    expect(JSON.parse(post.body)).toEqual({
      level: "ringan",
      decided_on: today,
      ends_on: null,
      reference: "800/7/BKD",
    });
    const table = screen.getByRole("table", { name: "Hukuman disiplin" });
    await within(table).findByText("800/7/BKD");
    expect(within(table).getByText("Tidak dibatasi")).toBeDefined();
  });

  it("shows the auditor everything without a control to change it", async () => {
    talentApi("auditor", { [YEAR]: performance(YEAR, "baik", 80) });
    renderCard();
    await within(await screen.findByRole("table", { name: "Hukuman disiplin" })).findByText("Sedang");
    await within(screen.getByRole("table", { name: "Predikat dan nilai SKP per tahun" })).findByText("Baik");
    await within(screen.getByRole("table", { name: "Penilaian potensi" })).findByText("Menengah");
    expect(screen.queryByRole("button", { name: "Isi/Ubah SKP" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Catat hukuman disiplin" })).toBeNull();
  });

  it("shows a failed list in its own alert and keeps the rest", async () => {
    talentApi(
      "opd_admin",
      { [YEAR]: performance(YEAR, "baik", 80) },
      { [`GET ${BASE}/potential-assessments`]: () => problem(403, "forbidden", "Tidak boleh.") },
    );
    renderCard();
    expect(await screen.findByText("Anda tidak berwenang melakukan ini.")).toBeDefined();
    await within(await screen.findByRole("table", { name: "Hukuman disiplin" })).findByText("Sedang");
    await within(screen.getByRole("table", { name: "Predikat dan nilai SKP per tahun" })).findByText("Baik");
  });

  it("is not there for an ASN, who asks for none of it", async () => {
    const { api } = talentApi("asn");
    renderCard();
    await waitFor(() => expect(api.to("GET /api/v1/auth/me")).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByTestId("talent-records")).toBeNull();
    expect(api.calls.filter((c) => c.path.startsWith(BASE))).toEqual([]);
  });

  it("speaks English too", async () => {
    await i18n.changeLanguage("en");
    talentApi("opd_admin", { [YEAR]: performance(YEAR, "butuh_perbaikan", 62) });
    renderCard();
    await screen.findByRole("heading", { name: "Talent" });
    const skp = await screen.findByRole("table", { name: "SKP rating and score per year" });
    await within(skp).findByText("Butuh Perbaikan (needs improvement)");
    expect(screen.getByRole("button", { name: "Record a disciplinary sanction" })).toBeDefined();
  });
});
