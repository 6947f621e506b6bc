import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { auditQuery, NO_AUDIT_FILTERS } from "../../api/queries/audit";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { AuditPage } from "./AuditPage";

function entry(id: number, over: Record<string, unknown> = {}) {
  return {
    id,
    at: "2026-03-02T02:15:09Z",
    actor: "bpsdm",
    role: "bpsdm_admin",
    action: "update",
    entity: "unit",
    key: String(id),
    before: { name: "Bappeda", code: "BAPPEDA" },
    after: { name: "Bappeda Kaltim", code: "BAPPEDA" },
    request_id: "r1",
    ...over,
  };
}

const ALL = [
  entry(5),
  entry(4, { action: "create", entity: "asn", key: "199208172019032007", before: null, after: { name: "Rina" } }),
  entry(3, { action: "login", entity: "user", key: "auditor", actor: "auditor", role: "auditor", after: null }),
];

function backend({ pageSize = 50 } = {}) {
  return fakeApi({
    "GET /api/v1/audit/entities": () => json({ items: ["asn", "unit", "user"] }),
    "GET /api/v1/audit": (request) => {
      const entity = request.query.get("entity");
      const matching = ALL.filter((e) => !entity || e.entity === entity);
      const start = Number(request.query.get("cursor") ?? 0);
      const limit = Math.min(pageSize, Number(request.query.get("limit")));
      const items = matching.slice(start, start + limit);
      const next = start + limit < matching.length ? String(start + limit) : null;
      return json({ items, next_cursor: next, total: matching.length });
    },
  });
}

function renderPage(path = "/bpsdm/audit") {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/bpsdm/audit" element={<AuditPage />} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

const table = () => screen.getByRole("table");

describe("auditQuery", () => {
  it("leaves blanks out, trims, and makes the day range local midnights with an exclusive end", () => {
    expect(auditQuery(NO_AUDIT_FILTERS)).toEqual({});
    const query = auditQuery({ entity: "unit", key: " 12 ", actor: "", from: "2026-03-01", to: "2026-03-02" });
    expect(query).toEqual({
      entity: "unit",
      key: "12",
      since: new Date(2026, 2, 1).toISOString(),
      until: new Date(2026, 2, 3).toISOString(),
    });
    // The end of a month rolls over to the next.
    expect(auditQuery({ ...NO_AUDIT_FILTERS, to: "2026-01-31" }).until).toBe(new Date(2026, 1, 1).toISOString());
  });
});

describe("the audit log page", () => {
  it("lists the trail newest first, and the filters ask the API for exactly what was chosen", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();

    expect(await within(table()).findByText("199208172019032007")).toBeDefined();
    expect(within(table()).getByText("Unit kerja")).toBeDefined();
    expect(within(table()).getByText("Masuk")).toBeDefined(); // the login's action, in words
    expect(screen.getByRole("heading", { name: "Menampilkan 3 dari 3 entri" })).toBeDefined();
    const first = server.to("GET /api/v1/audit")[0].query;
    expect([...first.keys()].sort()).toEqual(["limit"]);

    const entity = await screen.findByRole("option", { name: "Profil ASN" });
    await user.selectOptions(screen.getByLabelText("Entitas"), entity);
    await user.type(screen.getByLabelText("Kunci", { exact: false }), "199208172019032007");
    await user.type(screen.getByLabelText("Pelaku", { exact: false }), "opd.diskominfo");
    await user.type(screen.getByLabelText("Dari tanggal"), "2026-03-01");
    await user.type(screen.getByLabelText("Sampai tanggal"), "2026-03-02");
    await user.click(screen.getByRole("button", { name: "Terapkan" }));

    await waitFor(() => expect(server.to("GET /api/v1/audit")).toHaveLength(2));
    const query = server.to("GET /api/v1/audit")[1].query;
    expect(Object.fromEntries(query)).toEqual({
      entity: "asn",
      key: "199208172019032007",
      actor: "opd.diskominfo",
      since: new Date(2026, 2, 1).toISOString(),
      until: new Date(2026, 2, 3).toISOString(),
      limit: "50",
    });

    // Clearing the filters shows everything again (still cached: no new request).
    await user.click(screen.getByRole("button", { name: "Hapus filter" }));
    expect(await screen.findByRole("heading", { name: "Menampilkan 3 dari 3 entri" })).toBeDefined();
    expect((screen.getByLabelText("Entitas") as HTMLSelectElement).value).toBe("");
    expect((screen.getByLabelText("Dari tanggal") as HTMLInputElement).value).toBe("");
  });

  it("refuses an end date before the start date without asking the API", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();
    await within(table()).findByText("199208172019032007");
    await user.type(screen.getByLabelText("Dari tanggal"), "2026-03-05");
    await user.type(screen.getByLabelText("Sampai tanggal"), "2026-03-01");
    await user.click(screen.getByRole("button", { name: "Terapkan" }));
    expect(await screen.findByText("Tanggal akhir tidak boleh sebelum tanggal awal.")).toBeDefined();
    expect(server.to("GET /api/v1/audit")).toHaveLength(1);
  });

  it("loads the next page with the cursor and appends it, until there is none", async () => {
    const user = userEvent.setup();
    const server = backend({ pageSize: 2 });
    renderPage();
    await within(table()).findByText("199208172019032007");
    expect(within(table()).queryByText("auditor", { selector: "a" })).toBeNull();
    expect(screen.getByRole("heading", { name: "Menampilkan 2 dari 3 entri" })).toBeDefined();

    await user.click(screen.getByRole("button", { name: "Muat lagi" }));
    expect(await within(table()).findByText("auditor", { selector: "a" })).toBeDefined();
    expect(server.to("GET /api/v1/audit")[1].query.get("cursor")).toBe("2");
    expect(within(table()).getByText("199208172019032007")).toBeDefined(); // the first page stays
    expect(screen.queryByRole("button", { name: "Muat lagi" })).toBeNull();
    expect(screen.getByRole("heading", { name: "Menampilkan 3 dari 3 entri" })).toBeDefined();
  });

  it("shows what an update changed, and a key links to that object's history", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();
    const row = (await within(table()).findByText("5", { selector: "a" })).closest("tr") as HTMLElement;
    await user.click(within(row).getByText("Lihat perubahan"));
    const changes = within(row).getByRole("definition");
    expect(changes.textContent).toContain("Bappeda");
    expect(changes.textContent).toContain("Bappeda Kaltim");
    // Only the changed field: the code stayed the same.
    expect(within(row).queryByText("code")).toBeNull();
    expect(within(row).getByText("name")).toBeDefined();

    await user.click(within(row).getByText("5", { selector: "a" }));
    await waitFor(() => expect(server.to("GET /api/v1/audit").length).toBe(2));
    expect(Object.fromEntries(server.to("GET /api/v1/audit")[1].query)).toEqual({
      entity: "unit",
      key: "5",
      limit: "50",
    });
    expect((screen.getByLabelText("Kunci", { exact: false }) as HTMLInputElement).value).toBe("5");
  });

  it("starts from the filters in the address", async () => {
    const server = backend();
    renderPage("/bpsdm/audit?entitas=user&pelaku=auditor&dari=bukan-tanggal");
    await within(table()).findByText("auditor", { selector: "a" });
    expect(Object.fromEntries(server.to("GET /api/v1/audit")[0].query)).toEqual({
      entity: "user",
      actor: "auditor",
      limit: "50",
    });
  });

  it("says when nothing matches", async () => {
    backend();
    renderPage("/bpsdm/audit?entitas=budget");
    expect(await screen.findByText("Tidak ada entri yang cocok dengan filter ini.")).toBeDefined();
  });

  it("keeps the rows it has when the next page fails, and offers a retry", async () => {
    // (A first page that fails goes to the route's error boundary, with its own retry.)
    const user = userEvent.setup();
    let failNext = true;
    const server = fakeApi({
      "GET /api/v1/audit/entities": () => json({ items: [] }),
      "GET /api/v1/audit": (request) => {
        if (!request.query.get("cursor")) return json({ items: ALL.slice(0, 2), next_cursor: "2", total: 3 });
        if (failNext) {
          failNext = false;
          return problem(422, "invalid_cursor");
        }
        return json({ items: ALL.slice(2), next_cursor: null, total: 3 });
      },
    });
    renderPage();
    await within(table()).findByText("199208172019032007");
    await user.click(screen.getByRole("button", { name: "Muat lagi" }));
    const retry = await screen.findByRole("button", { name: "Coba lagi" });
    expect(within(table()).getByText("199208172019032007")).toBeDefined();
    await user.click(retry);
    expect(await within(table()).findByText("auditor", { selector: "a" })).toBeDefined();
    expect(server.to("GET /api/v1/audit").filter((r) => r.query.get("cursor") === "2")).toHaveLength(2);
    expect(screen.queryByRole("button", { name: "Coba lagi" })).toBeNull();
  });
});
