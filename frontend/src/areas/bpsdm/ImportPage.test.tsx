import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { ImportPage } from "./ImportPage";

const JOB = {
  id: 41,
  kind: "assessment_results",
  status: "queued",
  filename: "hasil-ac.csv",
  total: null,
  processed: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  failed: 0,
  errors: [],
  message: null,
  created_by: "bpsdm",
  created_at: "2026-12-01T02:00:00Z",
};

function renderPage(page: React.ReactNode) {
  const api = fakeApi({
    "GET /api/v1/auth/me": () => json({ username: "bpsdm", role: "bpsdm_admin", nip: null, unit_id: null, scopes: [] }),
    "GET /api/v1/imports": () => json({ items: [], next_cursor: null, total: 0 }),
    "POST /api/v1/imports/assessment-results": () => json(JOB, 202),
    "GET /api/v1/imports/41": () => json({ ...JOB, status: "succeeded", total: 1, processed: 1, created: 1 }),
    "POST /api/v1/imports/performance": () =>
      json({ ...JOB, id: 42, kind: "performance", filename: "skp-2025.csv" }, 202),
    "GET /api/v1/imports/42": () =>
      json({
        ...JOB,
        id: 42,
        kind: "performance",
        filename: "skp-2025.csv",
        status: "succeeded",
        total: 1,
        processed: 1,
        updated: 1,
      }),
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>{page}</MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return api;
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

  it("name the assessment centre sheet's headers, whose template downloads and whose file is imported", async () => {
    const user = userEvent.setup();
    const api = renderPage(<ImportPage />);
    const kind = await screen.findByRole("combobox", { name: /Jenis data/ });
    const hint = () => document.getElementById(kind.getAttribute("aria-describedby")?.split(" ")[0] ?? "")?.textContent;
    await user.selectOptions(kind, "assessment_results");
    expect(hint()).toContain("NIP, Tanggal Asesmen, Metode");
    expect(hint()).toMatch(/Asesor; satu kolom per kode kompetensi .* Skor Potensi \(0–100\); Kategori Potensi/);
    expect(hint()).not.toMatch(/assessed_on|potential_score/);
    expect(screen.getByRole("button", { name: "Templat Hasil asesmen (assessment center)" })).toBeTruthy();

    const file = new File(["NIP,Tanggal Asesmen,Metode,Skor Potensi\n"], "hasil-ac.csv", { type: "text/csv" });
    await user.upload(screen.getByLabelText(/^Berkas/), file);
    await user.click(screen.getByRole("button", { name: "Unggah dan impor" }));
    await waitFor(() => expect(api.to("POST /api/v1/imports/assessment-results")).toHaveLength(1));
    expect(api.to("POST /api/v1/imports/assessment-results")[0].body).toContain('name="file"');
  });

  it("name the SKP sheet's headers and predikat words, whose template downloads and whose file is imported", async () => {
    const user = userEvent.setup();
    const api = renderPage(<ImportPage />);
    const kind = await screen.findByRole("combobox", { name: /Jenis data/ });
    const hint = () => document.getElementById(kind.getAttribute("aria-describedby")?.split(" ")[0] ?? "")?.textContent;
    await user.selectOptions(kind, "performance");
    expect(hint()).toContain("NIP, Tahun, Predikat (Sangat Baik, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang)");
    expect(hint()).toContain("Nilai SKP (0–100)");
    expect(hint()).not.toMatch(/\byear\b|\bscore\b|sangat_baik/);
    expect(screen.getByRole("button", { name: "Templat Hasil SKP (kinerja tahunan)" })).toBeTruthy();

    const file = new File(["NIP,Tahun,Predikat,Nilai SKP\n"], "skp-2025.csv", { type: "text/csv" });
    await user.upload(screen.getByLabelText(/^Berkas/), file);
    await user.click(screen.getByRole("button", { name: "Unggah dan impor" }));
    await waitFor(() => expect(api.to("POST /api/v1/imports/performance")).toHaveLength(1));
    expect(api.to("POST /api/v1/imports/performance")[0].body).toContain('name="file"');
    expect(api.to("POST /api/v1/imports/assessment-results")).toHaveLength(0);
  });
});
