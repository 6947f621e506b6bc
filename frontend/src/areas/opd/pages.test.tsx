import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JpComplianceReport, Me, QueueItem } from "../../api/types";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { recordRead } from "../../test/records";
import { ToastProvider } from "../../ui";
import { CompliancePage, UNIT_PAGE_SIZE } from "./CompliancePage";
import { QueuePage } from "./QueuePage";

const ME: Me = {
  username: "opd.diskominfo",
  role: "opd_admin",
  nip: null,
  unit_id: 7,
  scopes: [],
  must_change_password: false,
};

function item(id: number, title: string, overrides: Partial<QueueItem> = {}): QueueItem {
  return {
    ...recordRead({ id, title, organizer: null }),
    asn_name: "Antonius Sampe, S.Kom.",
    unit_id: 9,
    ...overrides,
  };
}

// jsdom has no object URLs; the pages' blob: links are stubbed per test.
const createObjectURL = vi.fn((_blob: Blob) => "blob:stub");
beforeEach(() => {
  createObjectURL.mockClear();
  Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
});
afterEach(() => {
  Reflect.deleteProperty(URL, "createObjectURL");
  Reflect.deleteProperty(URL, "revokeObjectURL");
});

const PDF: Partial<QueueItem> = {
  evidence: { content_type: "application/pdf", size: 9, sha256: "x", filename: "sertifikat.pdf" },
};

const UNITS = [7, 9].map((id) => ({
  id,
  code: `U${id}`,
  name: id === 7 ? "Dinas Kominfo" : "Bidang Aptika",
  kind: "dinas",
  parent_id: id === 7 ? null : 7,
  updated_at: "2026-01-01T00:00:00Z",
}));

const forms: Handler = () => json({ kind: "learning_forms", items: [{ code: "9", name: "Seminar" }] });

function renderAt(path: string, element: React.ReactNode, route: string) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={element} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the verification queue", () => {
  function backend(items: QueueItem[], verify: Handler, extra: Record<string, Handler> = {}) {
    let pending = items;
    return fakeApi({
      "GET /api/v1/auth/me": () => json(ME),
      "GET /api/v1/reference/learning_forms": forms,
      "GET /api/v1/units": () => json({ items: UNITS, next_cursor: null, total: UNITS.length }),
      "GET /api/v1/verification-queue": () => json({ items: pending, next_cursor: null, total: pending.length }),
      ...Object.fromEntries(
        items.map((it) => [
          `POST /api/v1/learning-records/${it.id}/verification`,
          async (request: Parameters<Handler>[0]) => {
            const response = await verify(request);
            if (response.ok) pending = pending.filter((p) => p.id !== it.id);
            return response;
          },
        ]),
      ),
      ...extra,
    });
  }

  it("approves the ticked claims one by one and lists the ones refused, then reloads the queue", async () => {
    const user = userEvent.setup();
    const items = [item(1, "Seminar Arsip", PDF), item(2, "Seminar Data", PDF), item(3, "Seminar Etika", PDF)];
    const server = backend(items, (request) =>
      request.path.includes("/2/")
        ? problem(409, "self_approval", "You cannot verify your own record")
        : json({ ...items[0], status: "verified" }),
    );
    renderAt("/opd", <QueuePage />, "/opd");

    const bulk = await screen.findByRole("button", { name: "Setujui terpilih (0)" });
    expect((bulk as HTMLButtonElement).disabled).toBe(true);
    await user.click(screen.getByRole("checkbox", { name: /Pilih "Seminar Arsip"/ }));
    await user.click(screen.getByRole("checkbox", { name: /Pilih "Seminar Data"/ }));
    await user.click(screen.getByRole("button", { name: "Setujui terpilih (2)" }));

    const summary = await screen.findByText("1 klaim disetujui. 1 klaim tidak dapat disetujui:");
    const alert = summary.closest(".alert") as HTMLElement;
    expect(within(alert).getByText("Seminar Data")).toBeDefined();
    expect(within(alert).getByText(/Anda tidak boleh menyetujui klaim Anda sendiri/)).toBeDefined();

    const posts = server.calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => c.path)).toEqual([
      "/api/v1/learning-records/1/verification",
      "/api/v1/learning-records/2/verification",
    ]);
    expect(posts.map((c) => JSON.parse(c.body))).toEqual([
      { decision: "approve", note: null },
      { decision: "approve", note: null },
    ]);
    // The queue is fetched again: the approved claim is gone, the refused one stays.
    await waitFor(() => expect(screen.queryByRole("checkbox", { name: /Pilih "Seminar Arsip"/ })).toBeNull());
    expect(screen.getByRole("checkbox", { name: /Pilih "Seminar Data"/ })).toBeDefined();
    expect(screen.getByRole("button", { name: "Setujui terpilih (0)" })).toBeDefined();
    expect(server.to("GET /api/v1/verification-queue").length).toBeGreaterThanOrEqual(2);
  });

  it("selects every claim of the page at once", async () => {
    const user = userEvent.setup();
    backend([item(1, "A"), item(2, "B"), item(3, "C")], () => json({}));
    renderAt("/opd", <QueuePage />, "/opd");
    await user.click(await screen.findByRole("checkbox", { name: "Pilih semua di halaman ini" }));
    expect(screen.getByRole("button", { name: "Setujui terpilih (3)" })).toBeDefined();
    await user.click(screen.getByRole("checkbox", { name: "Pilih semua di halaman ini" }));
    expect(screen.getByRole("button", { name: "Setujui terpilih (0)" })).toBeDefined();
  });

  it("approves an opened claim with Enter and moves the focus to the next claim", async () => {
    const user = userEvent.setup();
    const items = [item(5, "Seminar Satu", PDF), item(6, "Seminar Dua", PDF)];
    const server = backend(items, () => json({ ...items[0], status: "verified" }), {
      "GET /api/v1/learning-records/5": () => json({ ...items[0], history: [] }),
      "GET /api/v1/learning-records/5/evidence": () =>
        new Response("%PDF-1.4\n", { headers: { "Content-Type": "application/pdf" } }),
    });
    renderAt("/opd", <QueuePage />, "/opd");

    await user.click(await screen.findByRole("button", { name: /Periksa "Seminar Satu"/ }));
    const dialog = await screen.findByRole("dialog", { name: "Seminar Satu" });
    await within(dialog).findByTitle("Pratinjau bukti sertifikat.pdf");
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Setujui"));
    await user.keyboard("{Enter}");

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(server.to("POST /api/v1/learning-records/5/verification").map((c) => JSON.parse(c.body))).toEqual([
      { decision: "approve", note: null },
    ]);
    await waitFor(() => expect(screen.queryByRole("button", { name: /Periksa "Seminar Satu"/ })).toBeNull());
    await waitFor(() =>
      expect(document.activeElement).toBe(screen.getByRole("button", { name: /Periksa "Seminar Dua"/ })),
    );
    expect(await screen.findByText('Klaim "Seminar Satu" disetujui.')).toBeDefined();
  });

  it("opens a claim with its PDF and refuses to reject it without a reason", async () => {
    const user = userEvent.setup();
    const claim = item(4, "Bimtek SPBE", {
      evidence: { content_type: "application/pdf", size: 9, sha256: "x", filename: "sertifikat.pdf" },
    });
    const server = backend(
      [claim],
      (request) => json({ ...claim, status: "rejected", decision_note: JSON.parse(request.body).note }),
      {
        "GET /api/v1/learning-records/4": () => json({ ...claim, history: [] }),
        "GET /api/v1/learning-records/4/evidence": () =>
          new Response("%PDF-1.4\n", { headers: { "Content-Type": "application/pdf" } }),
      },
    );
    renderAt("/opd", <QueuePage />, "/opd");

    await user.click(await screen.findByRole("button", { name: /Periksa "Bimtek SPBE"/ }));
    const dialog = await screen.findByRole("dialog", { name: "Bimtek SPBE" });
    const frame = await within(dialog).findByTitle("Pratinjau bukti sertifikat.pdf");
    expect(frame.getAttribute("src")).toBe("blob:stub");
    expect(createObjectURL.mock.calls[0][0].type).toBe("application/pdf");
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Setujui"));

    await user.click(within(dialog).getByRole("button", { name: "Tolak" }));
    const reason = within(dialog).getByLabelText("Alasan penolakan");
    expect(reason.getAttribute("aria-invalid")).toBe("true");
    expect(server.calls.filter((c) => c.method === "POST")).toHaveLength(0);

    await user.type(reason, "Sertifikat tidak terbaca");
    await user.click(within(dialog).getByRole("button", { name: "Tolak dengan alasan ini" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const posts = server.to("POST /api/v1/learning-records/4/verification");
    expect(posts.map((c) => JSON.parse(c.body))).toEqual([{ decision: "reject", note: "Sertifikat tidak terbaca" }]);
    expect(await screen.findByText('Klaim "Bimtek SPBE" ditolak.')).toBeDefined();
  });
});

describe("the verification queue: safe to clear, read-only for the auditor", () => {
  function backend(items: QueueItem[], me: Me = ME, extra: Record<string, Handler> = {}) {
    return fakeApi({
      "GET /api/v1/auth/me": () => json(me),
      "GET /api/v1/reference/learning_forms": forms,
      "GET /api/v1/units": () => json({ items: UNITS, next_cursor: null, total: UNITS.length }),
      "GET /api/v1/verification-queue": () => json({ items, next_cursor: null, total: items.length }),
      ...Object.fromEntries(
        items.map((it) => [`POST /api/v1/learning-records/${it.id}/verification`, () => json({ ...it })]),
      ),
      ...extra,
    });
  }

  it("skips ticked claims without evidence in bulk and says how many", async () => {
    const user = userEvent.setup();
    const items = [item(1, "Dengan Bukti", PDF), item(2, "Tanpa Bukti A"), item(3, "Tanpa Bukti B")];
    const server = backend(items);
    renderAt("/opd", <QueuePage />, "/opd");
    await user.click(await screen.findByRole("checkbox", { name: "Pilih semua di halaman ini" }));
    await user.click(screen.getByRole("button", { name: "Setujui terpilih (3)" }));

    const skipped = await screen.findByTestId("bulk-skipped");
    expect(skipped.textContent).toContain("2 klaim tanpa bukti dilewati.");
    expect(within(skipped).getByText("Tanpa Bukti A")).toBeDefined();
    expect(server.calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([
      "/api/v1/learning-records/1/verification",
    ]);
    // The age and evidence columns.
    expect(screen.getAllByText("Tanpa bukti").length).toBeGreaterThanOrEqual(2);
    expect(screen.getAllByText(/\d+ hari/).length).toBeGreaterThanOrEqual(3);
  });

  it("never approves a claim without evidence on Enter: it asks, and only the answer approves", async () => {
    const user = userEvent.setup();
    const claim = item(8, "Seminar Tanpa Bukti");
    const server = backend([claim], ME, {
      "GET /api/v1/learning-records/8": () => json({ ...claim, history: [] }),
    });
    renderAt("/opd", <QueuePage />, "/opd");
    await user.click(await screen.findByRole("button", { name: /Periksa "Seminar Tanpa Bukti"/ }));
    const dialog = await screen.findByRole("dialog", { name: "Seminar Tanpa Bukti" });
    await waitFor(() => expect(document.activeElement?.textContent).toBe("Setujui"));
    await user.keyboard("{Enter}");
    expect(await within(dialog).findByText("Setujui tanpa bukti?")).toBeDefined();
    expect(server.calls.filter((c) => c.method === "POST")).toHaveLength(0);

    await user.click(within(dialog).getByRole("button", { name: "Ya, setujui tanpa bukti" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(server.to("POST /api/v1/learning-records/8/verification").map((c) => JSON.parse(c.body))).toEqual([
      { decision: "approve", note: null },
    ]);
  });

  it("shows the reject reason above the certificate preview", async () => {
    const user = userEvent.setup();
    const claim = item(4, "Bimtek SPBE", PDF);
    backend([claim], ME, {
      "GET /api/v1/learning-records/4": () => json({ ...claim, history: [] }),
      "GET /api/v1/learning-records/4/evidence": () =>
        new Response("%PDF-1.4\n", { headers: { "Content-Type": "application/pdf" } }),
    });
    renderAt("/opd", <QueuePage />, "/opd");
    await user.click(await screen.findByRole("button", { name: /Periksa "Bimtek SPBE"/ }));
    const dialog = await screen.findByRole("dialog", { name: "Bimtek SPBE" });
    const frame = await within(dialog).findByTitle("Pratinjau bukti sertifikat.pdf");
    await user.click(within(dialog).getByRole("button", { name: "Tolak" }));
    const reason = within(dialog).getByLabelText("Alasan penolakan");
    // DOCUMENT_POSITION_FOLLOWING: the preview comes after the reason field.
    expect(reason.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it("sends the filters to the API and starts again from the first page", async () => {
    const user = userEvent.setup();
    const server = backend([item(1, "A", PDF)]);
    renderAt("/opd", <QueuePage />, "/opd");
    await screen.findByRole("button", { name: /Periksa "A"/ });
    await screen.findByRole("option", { name: "Bidang Aptika" });
    await screen.findByRole("option", { name: "Seminar" });
    await user.selectOptions(screen.getByLabelText("Sub-unit"), "9");
    await user.selectOptions(screen.getByLabelText("Bentuk"), "9");
    await user.selectOptions(screen.getByLabelText("Tahun kegiatan"), String(new Date().getFullYear()));
    await user.selectOptions(screen.getByLabelText("Bukti"), "no");
    await waitFor(() => {
      const last = server.to("GET /api/v1/verification-queue").at(-1);
      expect(Object.fromEntries(last?.query ?? [])).toEqual({
        unit_id: "9",
        form_code: "9",
        year: String(new Date().getFullYear()),
        has_evidence: "false",
        limit: "25",
      });
    });
    // The admin's units are its own subtree.
    expect(server.to("GET /api/v1/units")[0].query.get("under")).toBe("7");
  });

  it("offers the auditor no control that writes, and shows the claim's history", async () => {
    const user = userEvent.setup();
    const auditor = {
      username: "auditor",
      role: "auditor",
      nip: null,
      unit_id: null,
      scopes: [],
      must_change_password: false,
    };
    const claim = item(3, "Seminar Audit", PDF);
    const server = backend([claim, item(2, "Seminar Lain")], auditor, {
      "GET /api/v1/learning-records/3": () => json({ ...claim, history: [] }),
      "GET /api/v1/learning-records/3/evidence": () =>
        new Response("%PDF-1.4\n", { headers: { "Content-Type": "application/pdf" } }),
      "GET /api/v1/audit": () =>
        json({
          items: [
            {
              id: 41,
              seq: 41,
              at: "2026-06-20T01:00:00Z",
              actor: "198503142010012003",
              role: "asn",
              action: "create",
              entity: "learning_record",
              key: "3",
              before: null,
              after: null,
              request_id: null,
              hash: "h",
              prev_hash: "p",
            },
          ],
          next_cursor: null,
          total: 1,
        }),
    });
    renderAt("/opd", <QueuePage />, "/opd");
    await user.click(await screen.findByRole("button", { name: /Periksa "Seminar Audit"/ }));
    const dialog = await screen.findByRole("dialog", { name: "Seminar Audit" });
    const history = await within(dialog).findByRole("region", { name: "Riwayat" });
    expect(await within(history).findByText("Diajukan")).toBeDefined();
    expect(within(history).getByText(/198503142010012003 \(ASN\)/)).toBeDefined();
    const audit = server.to("GET /api/v1/audit")[0].query;
    expect([audit.get("entity"), audit.get("key")]).toEqual(["learning_record", "3"]);

    expect(within(dialog).queryByRole("button", { name: "Setujui" })).toBeNull();
    expect(within(dialog).queryByRole("button", { name: "Tolak" })).toBeNull();
    expect(within(dialog).getByText("Anda dapat melihat klaim ini tetapi tidak dapat memutuskannya.")).toBeDefined();
    expect(screen.queryAllByRole("checkbox")).toHaveLength(0);
    expect(screen.queryByRole("button", { name: /Setujui terpilih/ })).toBeNull();
    expect(server.to("GET /api/v1/units")[0].query.get("under")).toBeNull();
  });
});

describe("the compliance page", () => {
  const units = Array.from({ length: 12 }, (_, i) => ({
    unit_id: 100 + i,
    code: `BID_${i}`,
    name: `Bidang ${["Aplikasi", "Statistik", "Persandian", "Informasi"][i % 4]} ${i + 1}`,
    headcount: 10,
    compliant: i,
    non_compliant: 10 - i,
    compliance_pct: i * 10,
    total_jp: 100 + i,
    mean_jp: 10 + i,
  }));
  const report: JpComplianceReport = {
    year: 2026,
    unit_id: 7,
    name: "Dinas Komunikasi dan Informatika",
    target_jp: 20,
    headcount: 120,
    compliant: 66,
    non_compliant: 54,
    compliance_pct: 55,
    total_jp: 1500,
    mean_jp: 12.5,
    direct: null,
    units,
    pppk: { cap_jp: 24, headcount: 8, reached_cap: 3, total_jp: 100, mean_jp: 12.5, over_cap: 1 },
  };

  function backend() {
    return fakeApi({
      "GET /api/v1/auth/me": () => json(ME),
      "GET /api/v1/reports/jp-compliance": () => json(report),
      "GET /api/v1/asn": () => json({ items: [], next_cursor: null, total: 0 }),
      "GET /api/v1/exports/jp-compliance": () =>
        new Response(new Uint8Array([0x50, 0x4b, 3, 4]), {
          headers: {
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": 'attachment; filename="kepatuhan-jp-2026.xlsx"',
          },
        }),
    });
  }

  const table = () => screen.getByRole("table", { name: "Kepatuhan JP per unit kerja" });
  const names = () =>
    within(table())
      .getAllByRole("row")
      .slice(1)
      .map((row) => within(row).getAllByRole("cell")[0].querySelector(".cell-main")?.textContent);

  it("asks for the admin's own unit and shows its figures with PPPK apart", async () => {
    const server = backend();
    renderAt("/opd/kepatuhan", <CompliancePage />, "/opd/kepatuhan");
    const summary = await screen.findByTestId("compliance-summary");
    expect(within(summary).getByText("55%")).toBeDefined();
    expect(within(summary).getByText("66 dari 120 orang")).toBeDefined();
    expect(within(screen.getByTestId("pppk-summary")).getByText("8")).toBeDefined();
    const asked = server.to("GET /api/v1/reports/jp-compliance")[0].query;
    expect(asked.get("unit_id")).toBe("7");
    expect(asked.get("year")).toBe(String(new Date().getFullYear()));
  });

  it("pages, searches and sorts the unit rows over all of them", async () => {
    const user = userEvent.setup();
    backend();
    renderAt("/opd/kepatuhan", <CompliancePage />, "/opd/kepatuhan");
    await screen.findByTestId("compliance-summary");

    expect(names()).toHaveLength(UNIT_PAGE_SIZE);
    expect(screen.getByText("1–10 dari 12")).toBeDefined();
    await user.click(screen.getAllByRole("button", { name: "Berikutnya" })[0]);
    expect(names()).toEqual(["Bidang Persandian 11", "Bidang Informasi 12"]);

    // Sorting goes back to the first page and orders every row, not just the page shown.
    await user.click(within(table()).getByRole("button", { name: /Kepatuhan/ }));
    await user.click(within(table()).getByRole("button", { name: /Kepatuhan/ }));
    expect(
      within(table())
        .getByRole("columnheader", { name: /Kepatuhan/ })
        .getAttribute("aria-sort"),
    ).toBe("descending");
    expect(names().slice(0, 2)).toEqual(["Bidang Informasi 12", "Bidang Persandian 11"]);

    await user.type(screen.getByLabelText("Cari unit"), "statistik");
    expect(names()).toEqual(["Bidang Statistik 10", "Bidang Statistik 6", "Bidang Statistik 2"]);
    expect(screen.getByText("1–3 dari 3")).toBeDefined();

    await user.clear(screen.getByLabelText("Cari unit"));
    await user.type(screen.getByLabelText("Cari unit"), "zzz");
    expect(within(table()).getByText("Tidak ada yang cocok dengan “zzz”.")).toBeDefined();
  });

  it("says the server is not answering within 10 s, and Coba lagi asks again", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let reportAsked = 0;
    let answer = false;
    vi.stubGlobal(
      "fetch",
      vi.fn((request: Request) => {
        const path = new URL(request.url).pathname;
        if (path === "/api/v1/auth/me") return Promise.resolve(json(ME));
        if (path === "/api/v1/asn") return Promise.resolve(json({ items: [], next_cursor: null, total: 0 }));
        reportAsked += 1;
        if (answer) return Promise.resolve(json(report));
        // A hung server: no answer until the request is aborted.
        return new Promise<Response>((_resolve, reject) => {
          request.signal.addEventListener("abort", () => reject(request.signal.reason));
        });
      }),
    );
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderAt("/opd/kepatuhan", <CompliancePage />, "/opd/kepatuhan");
    await screen.findByText("Memuat…");

    await vi.advanceTimersByTimeAsync(10_000);
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText(/Tidak dapat menghubungi server/)).toBeDefined();
    expect(reportAsked).toBe(1); // a timed-out read is not silently repeated

    answer = true;
    await user.click(within(alert).getByRole("button", { name: "Coba lagi" }));
    expect(await screen.findByTestId("compliance-summary")).toBeDefined();
    expect(reportAsked).toBe(2);
    vi.useRealTimers();
  });

  it("downloads the unit's XLSX through the API as a file", async () => {
    const user = userEvent.setup();
    const server = backend();
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(`${this.download} ${this.href}`);
    });
    renderAt("/opd/kepatuhan", <CompliancePage />, "/opd/kepatuhan");
    await screen.findByTestId("compliance-summary");

    await user.click(screen.getByRole("button", { name: "Unduh XLSX" }));
    await waitFor(() => expect(clicked).toEqual(["kepatuhan-jp-2026.xlsx blob:stub"]));
    const call = server.to("GET /api/v1/exports/jp-compliance")[0];
    expect(call.query.get("format")).toBe("xlsx");
    expect(call.query.get("unit_id")).toBe("7");
    const blob = createObjectURL.mock.calls[0][0];
    expect(new Uint8Array(await blob.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
    click.mockRestore();
  });
});
