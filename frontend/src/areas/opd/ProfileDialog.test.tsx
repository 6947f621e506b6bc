import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { completenessKey } from "../../api/queries/completeness";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { PLACED_NIP, PLACED_PROFILE, placementHandlers, YEAR } from "../../test/placement";
import { ToastProvider } from "../../ui";
import { AsnDetailPage } from "./AsnDetailPage";

const OPD = { username: "opd.a", role: "opd_admin", nip: null, unit_id: 9, scopes: [] };

function backend(me: object = OPD, overrides: Record<string, Handler> = {}) {
  return fakeApi({
    ...placementHandlers,
    [`GET /api/v1/asn/${PLACED_NIP}`]: () => json(PLACED_PROFILE, 200, { ETag: '"p1"' }),
    [`GET /api/v1/asn/${PLACED_NIP}/learning-records`]: () => json({ items: [], next_cursor: null, total: 0 }),
    "GET /api/v1/reference/learning_forms": () => json({ kind: "learning_forms", items: [] }),
    "GET /api/v1/auth/me": () => json(me),
    [`GET /api/v1/asn/${PLACED_NIP}/disciplinary-records`]: () => json({ items: [], next_cursor: null, total: 0 }),
    [`GET /api/v1/asn/${PLACED_NIP}/potential-assessments`]: () => json({ items: [], next_cursor: null, total: 0 }),
    ...Object.fromEntries(
      [YEAR, YEAR - 1, YEAR - 2].map((year) => [
        `GET /api/v1/asn/${PLACED_NIP}/performance/${year}`,
        () => problem(404, "performance_not_found"),
      ]),
    ),
    "GET /api/v1/positions": () =>
      json({
        items: [
          { id: 41, code: "ARS-01", name: "Arsiparis Ahli Pertama", unit_id: 9 },
          { id: 42, code: "PRA-01", name: "Pranata Komputer Ahli Pertama", unit_id: 9 },
        ],
        next_cursor: null,
        total: 2,
      }),
    ...overrides,
  });
}

function renderAt(path: string, state?: unknown) {
  const queryClient = createQueryClient();
  render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <MemoryRouter
          initialEntries={[
            { pathname: path.split("?")[0], search: path.includes("?") ? `?${path.split("?")[1]}` : "", state },
          ]}
        >
          <Routes>
            <Route path="/opd/asn/:nip" element={<AsnDetailPage />} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return queryClient;
}

describe("completing an ASN's profile from their page", { timeout: 20_000 }, () => {
  it("opens the dialog by itself when the link came to fill in the contact, and saves only what changed", async () => {
    const user = userEvent.setup();
    const server = backend(OPD, {
      [`PATCH /api/v1/asn/${PLACED_NIP}`]: (request) =>
        json({ ...PLACED_PROFILE, ...JSON.parse(request.body) }, 200, { ETag: '"p2"' }),
    });
    const queryClient = renderAt(`/opd/asn/${PLACED_NIP}?lengkapi=fill_contact`, {
      from: "/opd/kelengkapan?item=contact",
    });
    // Stands for the completeness figures the list showed: stale after the save.
    queryClient.setQueryData([...completenessKey, "report", "default"], { score: 50 });

    const dialog = await screen.findByRole("dialog", { name: "Ubah profil ASN" });
    expect(screen.getByText("Lengkapi email dan nomor telepon di profil")).toBeDefined();
    expect(screen.getByRole("link", { name: "← Kembali ke daftar" }).getAttribute("href")).toBe(
      "/opd/kelengkapan?item=contact",
    );
    // Neither is filled: the email comes first.
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByLabelText("Surel")));
    await within(dialog).findByRole("option", { name: "Pranata Komputer Ahli Pertama" });

    await user.type(within(dialog).getByLabelText("Telepon"), "12ab");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText(/Nomor telepon belum benar/)).toBeDefined();
    expect(server.to(`PATCH /api/v1/asn/${PLACED_NIP}`)).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText("Telepon"));
    await user.type(within(dialog).getByLabelText("Telepon"), "0812-3456-7890");
    await user.type(within(dialog).getByLabelText("Surel"), "maria@kaltimprov.go.id");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await screen.findByText("Profil Maria Goreti, S.H. disimpan.")).toBeDefined();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    const [patch] = server.to(`PATCH /api/v1/asn/${PLACED_NIP}`);
    expect(patch.headers.get("If-Match")).toBe('"p1"');
    expect(JSON.parse(patch.body)).toEqual({ email: "maria@kaltimprov.go.id", phone: "0812-3456-7890" });
    expect(queryClient.getQueryState([...completenessKey, "report", "default"])?.isInvalidated).toBe(true);
  });

  it("sets the position and the education from the same dialog", async () => {
    const user = userEvent.setup();
    const server = backend(OPD, {
      [`PATCH /api/v1/asn/${PLACED_NIP}`]: (request) => json({ ...PLACED_PROFILE, ...JSON.parse(request.body) }),
    });
    renderAt(`/opd/asn/${PLACED_NIP}`);
    await user.click(await screen.findByRole("button", { name: "Ubah profil" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah profil ASN" });
    await within(dialog).findByRole("option", { name: "Pranata Komputer Ahli Pertama" });
    await user.selectOptions(within(dialog).getByLabelText("Jabatan"), "42");
    await user.selectOptions(within(dialog).getByLabelText("Pendidikan"), "S2");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(server.to(`PATCH /api/v1/asn/${PLACED_NIP}`)).toHaveLength(1));
    expect(JSON.parse(server.to(`PATCH /api/v1/asn/${PLACED_NIP}`)[0].body)).toEqual({
      position_id: 42,
      education_level: "S2",
    });
  });

  it("names what an action asks for that is done elsewhere on the page, without a dialog", async () => {
    backend();
    renderAt(`/opd/asn/${PLACED_NIP}?lengkapi=record_performance`);
    expect(await screen.findByText("Catat hasil SKP tahun lalu")).toBeDefined();
    expect(screen.getByText(/tombol "Isi\/Ubah SKP" di bagian Talenta/)).toBeDefined();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.getByRole("link", { name: "← Kepatuhan JP" })).toBeDefined();
  });

  it("offers no edit to the auditor, even from a link", async () => {
    backend({ ...OPD, username: "auditor", role: "auditor", unit_id: null });
    renderAt(`/opd/asn/${PLACED_NIP}?lengkapi=fill_contact`);
    await screen.findByText("Lengkapi email dan nomor telepon di profil");
    await screen.findByRole("heading", { level: 2, name: "Talenta" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.queryByRole("button", { name: "Ubah profil" })).toBeNull();
  });
});
