import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { UsersPage } from "../bpsdm/UsersPage";
import { AccountsPage } from "../opd/AccountsPage";
import { accountsCsv, unitTree } from "./Accounts";

const UNITS = [
  { id: 1, code: "PEMPROV", name: "Pemerintah Provinsi", kind: "pemda", parent_id: null, updated_at: "" },
  { id: 3, code: "DISKES", name: "Dinas Kesehatan", kind: "dinas", parent_id: 1, updated_at: "" },
  { id: 7, code: "UPT-LAB", name: "UPT Laboratorium", kind: "upt", parent_id: 3, updated_at: "" },
  { id: 9, code: "BAPPEDA", name: "Bappeda", kind: "badan", parent_id: 1, updated_at: "" },
];
const USERS = [
  {
    id: 1,
    username: "bpsdm",
    role: "bpsdm_admin",
    unit_id: null,
    nip: null,
    active: true,
    created_at: "2026-01-05T03:00:00Z",
  },
  {
    id: 2,
    username: "opd.diskes",
    role: "opd_admin",
    unit_id: 3,
    nip: null,
    active: true,
    created_at: "2026-01-05T03:00:00Z",
  },
  {
    id: 3,
    username: "197905202005012003",
    role: "asn",
    unit_id: 7,
    nip: "197905202005012003",
    active: true,
    created_at: "2026-01-05T03:00:00Z",
    name: "Sri Wahyuni",
  },
];
// What GET /users answers an OPD admin: the ASN accounts of its units, with the profiles' names.
const OPD_ACCOUNTS = [
  {
    id: 51,
    username: "199002142015032001",
    role: "asn",
    unit_id: 3,
    nip: "199002142015032001",
    active: true,
    created_at: "2026-01-05T03:00:00Z",
    name: "Dewi Anggraini",
  },
  {
    id: 52,
    username: "198811092012031002",
    role: "asn",
    unit_id: 7,
    nip: "198811092012031002",
    active: false,
    created_at: "2026-01-05T03:00:00Z",
    name: "Agus Salim",
  },
];
const ACCOUNT = {
  nip: "198703122010012004",
  name: "Rina Marlina",
  unit_id: 7,
  unit_name: "UPT Laboratorium",
  user_id: 41,
  username: "198703122010012004",
  one_time_password: "Kmn4hjR-7qwA3xe",
};

function backend(role: "bpsdm_admin" | "opd_admin", accounts = OPD_ACCOUNTS) {
  return fakeApi({
    "GET /api/v1/auth/me": () =>
      json({
        username: role === "bpsdm_admin" ? "bpsdm" : "opd.diskes",
        role,
        nip: null,
        unit_id: role === "opd_admin" ? 3 : null,
        scopes: [],
        must_change_password: false,
      }),
    "GET /api/v1/users": (request) => {
      if (role === "bpsdm_admin") return json({ items: USERS, next_cursor: null, total: USERS.length });
      if (accounts.length === 0) return json({ items: [], next_cursor: null, total: 0 });
      // Two pages of one, and a search by name that finds the second.
      const q = request.query.get("q");
      if (q)
        return json({ items: accounts.filter((a) => a.name.toLowerCase().includes(q)), next_cursor: null, total: 1 });
      const second = request.query.get("cursor") === "c2";
      return json({ items: [accounts[second ? 1 : 0]], next_cursor: second ? null : "c2", total: 2 });
    },
    "GET /api/v1/units": () => json({ items: UNITS, next_cursor: null, total: UNITS.length }),
    "POST /api/v1/users/provision": () =>
      json({
        unit_id: 3,
        include_sub_units: true,
        created: 1,
        items: [ACCOUNT],
        skipped: [{ nip: "199001012015031001", reason: "has_account" }],
      }),
    "POST /api/v1/users/41/password-reset": () =>
      json({
        user_id: 41,
        username: ACCOUNT.username,
        one_time_password: "Zq9-newPassWrd7",
        must_change_password: true,
      }),
    "POST /api/v1/users/52/password-reset": () =>
      json({
        user_id: 52,
        username: OPD_ACCOUNTS[1].username,
        one_time_password: "Hn4-olderAcct7q",
        must_change_password: true,
      }),
    "POST /api/v1/users/2/password-reset": () =>
      json({ user_id: 2, username: "opd.diskes", one_time_password: "Pw7-freshOneXyz", must_change_password: true }),
  });
}

function renderPage(page: ReactNode) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>{page}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the BPSDM users page", () => {
  it("lists accounts with unit names, not ids", async () => {
    backend("bpsdm_admin");
    renderPage(<UsersPage />);
    const row = (await screen.findByRole("cell", { name: "opd.diskes" })).closest("tr") as HTMLElement;
    await within(row).findByText("Dinas Kesehatan");
    // No reset of one's own account (the API refuses it; it is changed from the menu).
    const own = screen.getByRole("cell", { name: "bpsdm" }).closest("tr") as HTMLElement;
    expect(within(own).queryByRole("button", { name: /Reset kata sandi/ })).toBeNull();
  });

  it("names the person of each ASN account", async () => {
    backend("bpsdm_admin");
    renderPage(<UsersPage />);
    const table = await screen.findByRole("table", { name: "Pengguna" });
    expect(within(table).getByRole("columnheader", { name: /Nama$/ })).toBeTruthy();
    const asn = (await within(table).findByText("197905202005012003")).closest("tr") as HTMLElement;
    expect(within(asn).getByText("Sri Wahyuni")).toBeTruthy();
    const admin = within(table).getByText("opd.diskes").closest("tr") as HTMLElement;
    expect(within(admin).getAllByText("–").length).toBeGreaterThan(0);
  });

  it("provisions a unit's accounts and shows the one-time passwords once", async () => {
    const api = backend("bpsdm_admin");
    const user = userEvent.setup();
    renderPage(<UsersPage />);
    await screen.findByRole("cell", { name: "opd.diskes" });
    await user.click(screen.getByRole("button", { name: "Buat akun ASN" }));
    const dialog = screen.getByRole("dialog", { name: "Buat akun ASN" });
    await user.selectOptions(within(dialog).getByLabelText(/^Unit/), "3");
    expect((within(dialog).getByRole("checkbox", { name: "Termasuk sub-unit" }) as HTMLInputElement).checked).toBe(
      true,
    );
    await user.click(within(dialog).getByRole("button", { name: "Buat akun" }));

    const list = await screen.findByTestId("provisioned-list");
    const [call] = api.to("POST /api/v1/users/provision");
    expect(JSON.parse(call.body)).toEqual({ unit_id: 3, include_sub_units: true });
    // JSON, never the XLSX: the passwords exist only in this one answer.
    expect(call.query.get("format")).toBe("json");
    expect(call.headers.get("Idempotency-Key")).toBeTruthy();
    expect(within(list).getByTestId(`otp-${ACCOUNT.username}`).textContent).toBe("Kmn4hjR-7qwA3xe");
    expect(within(list).getByText(/1 akun dibuat\. 1 ASN sudah punya akun\./)).toBeTruthy();
    expect(within(list).getByText(/hanya ditampilkan sekarang/)).toBeTruthy();
    // The users table gives way to the list, so printing prints the passwords alone.
    expect(screen.queryByRole("cell", { name: "opd.diskes" })).toBeNull();

    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    await user.click(within(list).getByRole("button", { name: "Cetak" }));
    expect(print).toHaveBeenCalledOnce();

    const created = vi.fn(() => "blob:csv");
    vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() }));
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    await user.click(within(list).getByRole("button", { name: "Unduh CSV" }));
    expect(click).toHaveBeenCalledOnce();
    const blob = (created.mock.calls[0] as unknown as [Blob])[0];
    expect(await blob.text()).toContain('"198703122010012004","Rina Marlina","UPT Laboratorium"');

    // Closed, the passwords are gone from the page, and nothing asks the server again.
    await user.click(within(list).getByRole("button", { name: "Tutup daftar" }));
    expect(screen.queryByText("Kmn4hjR-7qwA3xe")).toBeNull();
    await screen.findByRole("cell", { name: "opd.diskes" });
    expect(api.to("POST /api/v1/users/provision")).toHaveLength(1);
    print.mockRestore();
    click.mockRestore();
  });

  it("resets an account's password after asking, and shows the new one once", async () => {
    const api = backend("bpsdm_admin");
    const user = userEvent.setup();
    renderPage(<UsersPage />);
    await user.click(await screen.findByRole("button", { name: "Reset kata sandi opd.diskes" }));
    const dialog = screen.getByRole("dialog", { name: "Reset kata sandi opd.diskes" });
    expect(api.to("POST /api/v1/users/2/password-reset")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Reset" }));
    const shown = await screen.findByTestId("reset-password");
    expect(shown.textContent).toBe("Pw7-freshOneXyz");
    expect(api.to("POST /api/v1/users/2/password-reset")).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Sudah saya catat" }));
    expect(screen.queryByText("Pw7-freshOneXyz")).toBeNull();
  });
});

describe("the OPD accounts page", () => {
  it("offers only its own unit tree and resets from the new list in place", async () => {
    const api = backend("opd_admin");
    const user = userEvent.setup();
    renderPage(<AccountsPage />);
    await user.click(await screen.findByRole("button", { name: "Buat akun ASN" }));
    const dialog = screen.getByRole("dialog", { name: "Buat akun ASN" });
    const options = within(within(dialog).getByLabelText(/^Unit/)).getAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      "Pilih unit",
      "Dinas Kesehatan (DISKES)",
      "UPT Laboratorium (UPT-LAB)",
    ]);
    await user.selectOptions(within(dialog).getByLabelText(/^Unit/), "7");
    await user.click(within(dialog).getByRole("checkbox", { name: "Termasuk sub-unit" }));
    await user.click(within(dialog).getByRole("button", { name: "Buat akun" }));
    const list = await screen.findByTestId("provisioned-list");
    expect(JSON.parse(api.to("POST /api/v1/users/provision")[0].body)).toEqual({
      unit_id: 7,
      include_sub_units: false,
    });

    await user.click(within(list).getByRole("button", { name: `Reset kata sandi ${ACCOUNT.username}` }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Reset" }));
    await screen.findByTestId("reset-password");
    await user.click(screen.getByRole("button", { name: "Sudah saya catat" }));
    // The printout now carries the new password, not the one that stopped working.
    expect(within(list).getByTestId(`otp-${ACCOUNT.username}`).textContent).toBe("Zq9-newPassWrd7");
  });
});

describe("the OPD accounts list", () => {
  it("lists its units' accounts by NIP and name, searches, pages, and resets an older account", async () => {
    const api = backend("opd_admin");
    const user = userEvent.setup();
    renderPage(<AccountsPage />);
    const table = await screen.findByRole("table", { name: "Akun ASN di unit Anda" });
    const first = (await within(table).findByText("Dewi Anggraini")).closest("tr") as HTMLElement;
    expect(within(first).getByText(OPD_ACCOUNTS[0].nip)).toBeTruthy();
    expect(within(first).getByText("Aktif")).toBeTruthy();
    // The note that sent older accounts to BPSDM is gone: they are reset here.
    expect(screen.queryByText(/minta reset kepada admin BPSDM/)).toBeNull();

    await user.click(screen.getByRole("button", { name: "Berikutnya" }));
    const second = (await within(table).findByText("Agus Salim")).closest("tr") as HTMLElement;
    expect(within(second).getByText("Nonaktif")).toBeTruthy();
    expect(api.to("GET /api/v1/users").at(-1)?.query.get("cursor")).toBe("c2");

    await user.type(screen.getByLabelText("Cari NIP atau nama"), "agus");
    await waitFor(() => expect(api.to("GET /api/v1/users").at(-1)?.query.get("q")).toBe("agus"));
    // A new search starts at the first page again.
    expect(api.to("GET /api/v1/users").at(-1)?.query.get("cursor")).toBeNull();

    const row = (await within(table).findByText("Agus Salim")).closest("tr") as HTMLElement;
    const name = `Reset kata sandi ${OPD_ACCOUNTS[1].username}`;
    await user.click(within(row).getByRole("button", { name }));
    const dialog = screen.getByRole("dialog", { name });
    expect(api.to("POST /api/v1/users/52/password-reset")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Reset" }));
    expect((await screen.findByTestId("reset-password")).textContent).toBe("Hn4-olderAcct7q");
    expect(api.to("POST /api/v1/users/52/password-reset")).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Sudah saya catat" }));
    expect(screen.queryByText("Hn4-olderAcct7q")).toBeNull();
  });

  it("says so when its units have no accounts yet", async () => {
    backend("opd_admin", []);
    renderPage(<AccountsPage />);
    expect(await screen.findByText("Belum ada akun ASN di unit Anda.")).toBeTruthy();
  });
});

describe("accountsCsv and unitTree", () => {
  it("quotes every cell, makes formula-like names text, and leaves passwords as they are", () => {
    const t = i18n.t.bind(i18n);
    const csv = accountsCsv(t, [{ ...ACCOUNT, name: '=HYPERLINK("x")', one_time_password: "-abcDEF234ghjk9" }]);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    const lines = csv.slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toBe('"NIP","Nama","Unit","Nama pengguna","Kata sandi sekali pakai"');
    expect(lines[1]).toBe(
      '"198703122010012004","\'=HYPERLINK(""x"")","UPT Laboratorium","198703122010012004","-abcDEF234ghjk9"',
    );
  });

  it("takes a unit and everything under it, whatever the order of the list", () => {
    const shuffled = [UNITS[2], UNITS[3], UNITS[1], UNITS[0]];
    expect(
      unitTree(shuffled, 3)
        .map((u) => u.id)
        .sort(),
    ).toEqual([3, 7]);
  });
});
