import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { ClientsPage } from "./ClientsPage";
import { ImportPage } from "./ImportPage";
import { UsersPage } from "./UsersPage";

const CLIENT = {
  id: 1,
  client_id: "simpeg",
  name: "SIMPEG",
  scopes: ["asn:write"],
  active: true,
  created_at: "2026-01-05T03:00:00Z",
};
const USER = {
  id: 1,
  username: "opd.diskominfo",
  role: "opd_admin",
  unit_id: 3,
  nip: null,
  active: true,
  created_at: "2026-01-05T03:00:00Z",
};

function backend(role: string) {
  return fakeApi({
    "GET /api/v1/auth/me": () => json({ username: role, role, nip: null, unit_id: null, scopes: [] }),
    "GET /api/v1/users": () => json({ items: [USER], next_cursor: null, total: 1 }),
    "GET /api/v1/clients": () => json({ items: [CLIENT], next_cursor: null, total: 1 }),
    "GET /api/v1/imports": () => json({ items: [], next_cursor: null, total: 0 }),
  });
}

function renderPage(page: React.ReactNode) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>{page}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

// The auditor reads everything and may write nothing: the API answers 403, so no control is offered.
describe("the BPSDM pages for an auditor", () => {
  it("users: the list without 'Tambah pengguna'", async () => {
    backend("auditor");
    renderPage(<UsersPage />);
    await screen.findByText("opd.diskominfo");
    expect(screen.queryByRole("button", { name: "Tambah pengguna" })).toBeNull();
  });

  it("clients: the list without 'Tambah klien' or a secret rotation", async () => {
    backend("auditor");
    renderPage(<ClientsPage />);
    const table = await screen.findByRole("table");
    await within(table).findByText("SIMPEG");
    expect(screen.queryByRole("button", { name: "Tambah klien" })).toBeNull();
    expect(within(table).queryByText("Ganti rahasia")).toBeNull();
    expect(within(table).queryAllByRole("button", { name: /SIMPEG/ })).toHaveLength(0);
  });

  it("imports: the templates and past jobs, no upload form", async () => {
    backend("auditor");
    renderPage(<ImportPage />);
    expect(await screen.findByText("Akun Anda hanya dapat melihat data di halaman ini.")).toBeDefined();
    expect(screen.queryByLabelText("Berkas", { exact: false })).toBeNull();
  });
});

describe("the same pages for the BPSDM admin", () => {
  it("offers every write control", async () => {
    backend("bpsdm_admin");
    renderPage(
      <>
        <UsersPage />
        <ClientsPage />
        <ImportPage />
      </>,
    );
    expect(await screen.findByRole("button", { name: "Tambah pengguna" })).toBeDefined();
    expect(await screen.findByRole("button", { name: "Tambah klien" })).toBeDefined();
    expect(await screen.findAllByRole("button", { name: /SIMPEG/ })).toHaveLength(1);
    expect(screen.getByText("Unggah berkas")).toBeDefined();
  });
});
