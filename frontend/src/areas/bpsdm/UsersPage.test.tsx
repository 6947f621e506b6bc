import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { UsersPage } from "./UsersPage";

const ME = { username: "bpsdm", role: "bpsdm_admin", nip: null, unit_id: null, scopes: [] };
const AT = "2026-01-05T03:00:00Z";
const USERS = [
  { id: 1, username: "opd.diskominfo", role: "opd_admin", unit_id: 7, nip: null, active: true, created_at: AT },
  { id: 2, username: "opd.lama", role: "opd_admin", unit_id: 99, nip: null, active: true, created_at: AT },
];
const UNITS = [
  { id: 7, code: "DISKOMINFO", name: "Dinas Komunikasi dan Informatika", kind: "dinas", parent_id: null },
  { id: 8, code: "DINKES", name: "Dinas Kesehatan", kind: "dinas", parent_id: null },
].map((u) => ({ ...u, updated_at: AT }));

function renderPage(page: React.ReactNode, units = true) {
  const server = fakeApi({
    "GET /api/v1/auth/me": () => json(ME),
    "GET /api/v1/users": () => json({ items: USERS, next_cursor: null, total: USERS.length }),
    "GET /api/v1/units": () =>
      units ? json({ items: UNITS, next_cursor: null, total: UNITS.length }) : problem(503, "unavailable"),
    "POST /api/v1/users": (request) =>
      json({ ...JSON.parse(request.body), id: 3, nip: null, active: true, created_at: AT }, 201),
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>{page}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return server;
}

describe("the users page", () => {
  it("lists each account's unit by name (the id only for a unit the list lacks)", async () => {
    renderPage(<UsersPage />);
    const table = await screen.findByRole("table", { name: "Pengguna" });
    const row = (await within(table).findByText("opd.diskominfo")).closest("tr") as HTMLElement;
    await within(row).findByText("Dinas Komunikasi dan Informatika");
    expect(within(row).queryByText("7")).toBeNull();
    const unknown = within(table).getByText("opd.lama").closest("tr") as HTMLElement;
    expect(within(unknown).getByText("#99")).toBeTruthy();
  });

  it("picks a new OPD admin's unit by name and sends its id", async () => {
    const user = userEvent.setup();
    const server = renderPage(<UsersPage />);
    await screen.findByText("Dinas Komunikasi dan Informatika");
    await user.click(screen.getByRole("button", { name: "Tambah pengguna" }));
    const dialog = screen.getByRole("dialog", { name: "Tambah pengguna" });
    expect(within(dialog).queryByLabelText("ID unit", { exact: false })).toBeNull();
    await user.type(within(dialog).getByLabelText("Nama pengguna", { exact: false }), "opd.dinkes");
    await user.type(within(dialog).getByLabelText("Kata sandi awal", { exact: false }), "Rahasia#2026");
    const unit = within(dialog).getByRole("combobox", { name: /Unit/ });
    expect(
      within(unit)
        .getAllByRole("option")
        .map((o) => o.textContent),
    ).toEqual(["Pilih unit", "Dinas Kesehatan (DINKES)", "Dinas Komunikasi dan Informatika (DISKOMINFO)"]);
    await user.selectOptions(unit, "Dinas Kesehatan (DINKES)");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(server.to("POST /api/v1/users")).toHaveLength(1));
    expect(JSON.parse(server.to("POST /api/v1/users")[0].body)).toMatchObject({
      username: "opd.dinkes",
      role: "opd_admin",
      unit_id: 8,
    });
  });

  it("asks for the unit id when the unit list cannot be loaded", async () => {
    const user = userEvent.setup();
    renderPage(<UsersPage />, false);
    await screen.findByText("opd.diskominfo");
    await user.click(screen.getByRole("button", { name: "Tambah pengguna" }));
    const dialog = screen.getByRole("dialog", { name: "Tambah pengguna" });
    expect(within(dialog).getByLabelText("ID unit", { exact: false })).toBeTruthy();
  });
});
