import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { ImportPage } from "./ImportPage";

function renderPage(page: React.ReactNode) {
  fakeApi({
    "GET /api/v1/auth/me": () => json({ username: "bpsdm", role: "bpsdm_admin", nip: null, unit_id: null, scopes: [] }),
    "GET /api/v1/imports": () => json({ items: [], next_cursor: null, total: 0 }),
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>{page}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the import page's hints", () => {
  it("name the template's Indonesian column headers, not the API's field names", async () => {
    const user = userEvent.setup();
    renderPage(<ImportPage />);
    const kind = await screen.findByRole("combobox", { name: /Jenis data/ });
    const hint = () => document.getElementById(kind.getAttribute("aria-describedby")?.split(" ")[0] ?? "")?.textContent;
    await user.selectOptions(kind, "asn");
    expect(hint()).toContain("NIP, Nama, Jenis Kepegawaian, ID Unit Kerja");
    expect(hint()).not.toMatch(/unit_id|employment_type/);
    await user.selectOptions(kind, "learning_records");
    expect(hint()).toContain(
      "NIP, Nama Kegiatan, Kode Bentuk, Tanggal Mulai, Tanggal Selesai, serta JP atau Durasi (menit)",
    );
    expect(hint()).not.toMatch(/form_code|start_date|duration_minutes/);
  });

  it("are in English too, still naming the template's (Indonesian) headers", async () => {
    const { default: i18n } = await import("../../i18n");
    await i18n.changeLanguage("en");
    renderPage(<ImportPage />);
    const kind = await screen.findByRole("combobox", { name: /Kind of data/ });
    await userEvent.setup().selectOptions(kind, "asn");
    expect(
      screen.getByText(/Required columns \(the template's headers\): NIP, Nama, Jenis Kepegawaian, ID Unit Kerja/),
    ).toBeTruthy();
  });
});
