import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import "../../i18n";
import type { Campaign, ReminderRun } from "../../api/types";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { ADMIN, AUDITOR, renderPage } from "../bpsdm/testing";
import { CampaignsPage } from "./CampaignsPage";
import { applyDraft, draftOf, validateDraft } from "./campaigns";

const YEAR = new Date().getFullYear();

const CAMPAIGNS: Campaign[] = [
  {
    code: "asn_below_jp_target",
    audience: "asn_below_jp_target",
    channels: ["in_app", "email"],
    from_month: 7,
    threshold: null,
    title_id: null,
    title_en: null,
    template_id: "Yth. {name}, JP Anda kurang {remaining_jp} JP.",
    template_en: "Dear {name}, {remaining_jp} JP to go.",
    min_interval_days: 30,
    active: true,
  },
  {
    code: "opd_completeness_below",
    audience: "opd_completeness_below",
    channels: ["in_app"],
    from_month: 1,
    threshold: 80,
    title_id: null,
    title_en: null,
    template_id: "Skor {unit} {score}.",
    template_en: "{unit} scores {score}.",
    min_interval_days: 30,
    active: false,
  },
];

const RULES = { year: YEAR, source_year: null, updated_at: null, campaigns: CAMPAIGNS };

function run(dryRun: boolean): ReminderRun {
  return {
    year: YEAR,
    as_of: `${YEAR}-12-07`,
    dry_run: dryRun,
    results: [
      {
        campaign: "asn_below_jp_target",
        audience: "asn_below_jp_target",
        selected: 2,
        skipped_recent: dryRun ? 0 : 1,
        recipients_total: 2,
        recipients: [
          {
            username: "198901062015011008",
            nip: "198901062015011008",
            reason: "12 dari 20 JP terverifikasi untuk tahun 2026; kurang 8 JP",
            title: "JP Anda tahun 2026 belum mencapai target",
            message: "Yth. Antonius, JP Anda kurang 8 JP.",
            link: "/saya",
          },
          {
            username: "199001012020121001",
            nip: "199001012020121001",
            reason: "5 dari 20 JP terverifikasi untuk tahun 2026; kurang 15 JP",
            title: "JP Anda tahun 2026 belum mencapai target",
            message: "Yth. Budi, JP Anda kurang 15 JP.",
            link: "/saya",
          },
        ],
        queued: dryRun ? 0 : 1,
      },
      {
        campaign: "opd_completeness_below",
        audience: "opd_completeness_below",
        selected: 0,
        skipped_recent: 0,
        recipients_total: 0,
        recipients: [],
        queued: 0,
      },
    ],
  };
}

function backend(me = ADMIN, overrides: Record<string, Handler> = {}) {
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    [`GET /api/v1/reminder-rules/${YEAR}`]: () => json(RULES),
    [`POST /api/v1/reminder-rules/${YEAR}/run`]: (request) => json(run(request.query.get("dry_run") !== "false")),
    "GET /api/v1/notifications/deliveries": (request) =>
      json({
        items:
          request.query.get("status") === "failed"
            ? []
            : [
                {
                  id: 5,
                  notification_id: 9,
                  user_id: 3,
                  username: "opd.diskominfo",
                  kind: "opd_queue_overdue",
                  channel: "email",
                  address: "admin@diskominfo.go.id",
                  status: "queued",
                  attempts: 2,
                  next_attempt_at: `${YEAR}-12-07T03:00:00Z`,
                  last_error: "451 4.3.0 Mail server temporarily rejected message",
                  message_id: "<5@bangkom>",
                  created_at: `${YEAR}-12-07T01:00:00Z`,
                  sent_at: null,
                },
              ],
        next_cursor: null,
        total: 1,
      }),
    ...overrides,
  });
}

const campaignRow = (name: string) =>
  within(screen.getByTestId("campaigns")).getByText(name).closest("tr") as HTMLElement;

describe("reminder campaigns", { timeout: 20_000 }, () => {
  it("lists the year's campaigns: audience, channels, season, threshold, interval and state", async () => {
    backend();
    renderPage(<CampaignsPage />);
    expect(await screen.findByText(`Tahun ${YEAR} memakai kampanye bawaan.`, { exact: false })).toBeDefined();
    await screen.findByRole("button", { name: "Ubah kampanye ASN di bawah target JP" });
    const jp = within(campaignRow("ASN di bawah target JP")).getAllByRole("cell");
    expect(jp.map((c) => c.textContent)).toEqual([
      "ASN di bawah target JPasn_below_jp_target",
      "Kotak masuk, Email",
      "Sejak Juli",
      "–",
      "30 hari",
      "Aktif",
      "Ubah",
    ]);
    const low = within(campaignRow("Kelengkapan data OPD rendah")).getAllByRole("cell");
    expect(low[2].textContent).toBe("Sejak Januari");
    expect(low[3].textContent).toBe("Skor < 80");
    expect(low[5].textContent).toBe("Nonaktif");
    // The delivery log: where each email stands.
    const log = await screen.findByTestId("deliveries");
    expect(within(log).getByText("admin@diskominfo.go.id")).toBeDefined();
    expect(within(log).getByText("Dalam antrean")).toBeDefined();
    expect(within(log).getByText(/temporarily rejected/)).toBeDefined();
  });

  it("edits one campaign and sends the whole set back, creating the year's own set without If-Match", async () => {
    const user = userEvent.setup();
    const server = backend(ADMIN, {
      [`PUT /api/v1/reminder-rules/${YEAR}`]: (request) =>
        json({ ...RULES, ...JSON.parse(request.body), source_year: YEAR, updated_at: `${YEAR}-12-07T02:00:00Z` }, 201, {
          ETag: '"r1"',
        }),
    });
    renderPage(<CampaignsPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah kampanye Kelengkapan data OPD rendah" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah kampanye: Kelengkapan data OPD rendah" });
    expect(within(dialog).getByText("{previous_score}")).toBeDefined();

    // Checked before sending: no channel, a threshold outside 1–100.
    await user.click(within(dialog).getByRole("checkbox", { name: "Kotak masuk" }));
    const threshold = within(dialog).getByLabelText("Ambang skor kelengkapan (1–100)");
    await user.clear(threshold);
    await user.type(threshold, "120");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText("Pilih sedikitnya satu saluran.")).toBeDefined();
    expect(within(dialog).getByText("Ambang skor harus antara 1 dan 100.")).toBeDefined();
    expect(server.to(`PUT /api/v1/reminder-rules/${YEAR}`)).toHaveLength(0);

    await user.click(within(dialog).getByRole("checkbox", { name: "Email" }));
    await user.clear(threshold);
    await user.type(threshold, "75");
    await user.click(within(dialog).getByRole("checkbox", { name: /Kampanye aktif/ }));
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await screen.findByText("Kampanye Kelengkapan data OPD rendah disimpan.")).toBeDefined();

    const [put] = server.to(`PUT /api/v1/reminder-rules/${YEAR}`);
    expect(put.headers.get("If-Match")).toBeNull();
    const body = JSON.parse(put.body);
    expect(body.campaigns[0]).toEqual(CAMPAIGNS[0]);
    expect(body.campaigns[1]).toEqual({ ...CAMPAIGNS[1], channels: ["email"], threshold: 75, active: true });
    expect(await screen.findByText(/Kampanye tahun \d+ sendiri, terakhir diubah/)).toBeDefined();
  });

  it("previews who would get what, then sends after a confirmation", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CampaignsPage />);
    await user.click(await screen.findByRole("button", { name: "Pratinjau penerima" }));
    const results = await screen.findByTestId("run-results");
    expect(within(results).getByText(/Pratinjau per .* \(belum ada yang dikirim\)/)).toBeDefined();
    const jp = results.querySelector('[data-campaign="asn_below_jp_target"]') as HTMLElement;
    expect(within(jp).getByText("Yth. Antonius, JP Anda kurang 8 JP.")).toBeDefined();
    expect(within(jp).getByText("12 dari 20 JP terverifikasi untuk tahun 2026; kurang 8 JP")).toBeDefined();
    expect(within(jp).queryByTestId("queued")).toBeNull();
    const empty = results.querySelector('[data-campaign="opd_completeness_below"]') as HTMLElement;
    expect(within(empty).getByText("Tidak ada penerima.")).toBeDefined();
    expect(server.to(`POST /api/v1/reminder-rules/${YEAR}/run`)[0].query.get("dry_run")).toBe("true");

    await user.click(screen.getByRole("button", { name: "Kirim sekarang" }));
    const confirm = await screen.findByRole("dialog", { name: `Kirim pengingat tahun ${YEAR} sekarang?` });
    expect(server.to(`POST /api/v1/reminder-rules/${YEAR}/run`)).toHaveLength(1);
    await user.click(within(confirm).getByRole("button", { name: "Ya, kirim sekarang" }));
    expect(await screen.findByText("1 pesan diantrekan.")).toBeDefined();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(server.to(`POST /api/v1/reminder-rules/${YEAR}/run`)[1].query.get("dry_run")).toBe("false");
    const sent = (await screen.findByTestId("run-results")).querySelector(
      '[data-campaign="asn_below_jp_target"]',
    ) as HTMLElement;
    expect(within(sent).getByTestId("queued").textContent).toBe("1");
  });

  it("shows a refused template's problem in the dialog", async () => {
    const user = userEvent.setup();
    backend(ADMIN, {
      [`PUT /api/v1/reminder-rules/${YEAR}`]: () =>
        problem(422, "unknown_placeholder", "Templat memakai {skor}, yang tidak diisi untuk audiens ini"),
    });
    renderPage(<CampaignsPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah kampanye ASN di bawah target JP" }));
    const dialog = await screen.findByRole("dialog");
    await user.type(within(dialog).getByLabelText(/^Pesan \(Indonesia\)/), " {{skor}");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText(/Templat memakai \{skor\}/)).toBeDefined();
  });

  it("lets the auditor read the campaigns and the log without editing or running them", async () => {
    backend(AUDITOR);
    renderPage(<CampaignsPage />);
    await screen.findByTestId("campaigns");
    await screen.findByText("admin@diskominfo.go.id");
    expect(screen.queryByRole("button", { name: /Ubah kampanye/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "Kirim sekarang" })).toBeNull();
  });
});

describe("a campaign's draft", () => {
  it("keeps a threshold only for the audiences that use it", () => {
    const draft = { ...draftOf(CAMPAIGNS[0]), threshold: "50" };
    expect(validateDraft("asn_below_jp_target", draft)).toEqual({});
    expect(applyDraft(CAMPAIGNS[0], draft).threshold).toBeNull();
    expect(validateDraft("year_closing", { ...draft, threshold: "" })).toEqual({ threshold: "required" });
    expect(validateDraft("year_closing", { ...draft, threshold: "0" })).toEqual({});
    expect(validateDraft("opd_completeness_below", { ...draft, threshold: "0" })).toEqual({ threshold: "range" });
    expect(validateDraft("asn_below_jp_target", { ...draft, min_interval_days: "1,5" })).toEqual({
      min_interval_days: "whole",
    });
    expect(applyDraft(CAMPAIGNS[0], { ...draft, title_id: "  Pengingat JP ", title_en: " " })).toMatchObject({
      title_id: "Pengingat JP",
      title_en: null,
    });
  });
});
