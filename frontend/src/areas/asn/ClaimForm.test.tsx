import { QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { describe, expect, it, vi } from "vitest";
import "../../i18n";
import type { RecordRead } from "../../api/types";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json } from "../../test/fakeApi";
import { recordRead } from "../../test/records";
import { ToastProvider } from "../../ui";
import { ClaimForm } from "./ClaimForm";

const NIP = "198901062015011008";
const CREATE = `POST /api/v1/asn/${NIP}/learning-records/with-evidence`;

/** The record part of a multipart claim, parsed. */
function sentRecord(body: string): Record<string, unknown> {
  const match = /name="record"\r\n\r\n(.*?)\r\n--/s.exec(body);
  if (!match) throw new Error(`no record part in ${body.slice(0, 200)}`);
  return JSON.parse(match[1]);
}

function refused(status: number, code: string): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: "Refused", status, code, detail: code }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

function record(overrides: Partial<RecordRead> = {}): RecordRead {
  return recordRead({
    id: 501,
    title: "Pelatihan Arsip Digital",
    start_date: "2025-03-02",
    end_date: "2025-03-04",
    year: 2025,
    jp: 12,
    jp_claimed: 12,
    created_at: "2025-03-05T01:00:00Z",
    ...overrides,
  });
}

function backend(overrides: Record<string, Handler> = {}) {
  return fakeApi({
    "GET /api/v1/reference/learning_forms": () =>
      json({
        kind: "learning_forms",
        items: [
          { code: "1", name: "Pelatihan Struktural" },
          { code: "9", name: "Seminar" },
        ],
      }),
    "GET /api/v1/competencies": () =>
      json({
        items: [
          {
            code: "M1",
            name: "Integritas",
            group: "manajerial",
            description: null,
            levels: [],
            active: true,
            updated_at: "2026-01-01T00:00:00Z",
          },
          {
            code: "M4",
            name: "Orientasi pada Hasil",
            group: "manajerial",
            description: null,
            levels: [],
            active: true,
            updated_at: "2026-01-01T00:00:00Z",
          },
        ],
        next_cursor: null,
        total: 2,
      }),
    [CREATE]: () =>
      json(
        record({ evidence: { content_type: "application/pdf", filename: "sertifikat.pdf", sha256: "ab", size: 9 } }),
        201,
      ),
    ...overrides,
  });
}

function renderForm(onFiled = vi.fn()) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>
          <ClaimForm nip={NIP} onFiled={onFiled} />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return onFiled;
}

const pdf = () => new File(["%PDF-1.4\n%%EOF"], "sertifikat.pdf", { type: "application/pdf" });

async function fillValid(user: ReturnType<typeof userEvent.setup>) {
  await screen.findByRole("option", { name: "Seminar" }, { timeout: 5000 });
  await screen.findByRole("checkbox", { name: /Integritas/ }, { timeout: 5000 });
  await user.selectOptions(screen.getByRole("combobox", { name: /Bentuk pembelajaran/ }), "9");
  await user.type(screen.getByLabelText(/Nama kegiatan/), "Pelatihan Arsip Digital");
  fireEvent.change(screen.getByLabelText(/Tanggal mulai/), { target: { value: "2025-03-02" } });
  fireEvent.change(screen.getByLabelText(/Tanggal selesai/), { target: { value: "2025-03-04" } });
  await user.type(screen.getByLabelText(/Jumlah JP/), "12,5");
  await user.upload(screen.getByLabelText(/Sertifikat/), pdf());
}

describe("ClaimForm", { timeout: 20_000 }, () => {
  it("sends the claim and its certificate in one multipart request, and reports the record", async () => {
    const user = userEvent.setup();
    const api = backend();
    // jsdom's File does not serialise through Node's Request, so the file handed to FormData is
    // checked here and the request's multipart framing below.
    const append = vi.spyOn(FormData.prototype, "append");
    const onFiled = renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("checkbox", { name: /Orientasi pada Hasil/ }));
    expect(screen.getByText("sertifikat.pdf")).toBeTruthy(); // the preview names the file
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));

    await waitFor(() => expect(onFiled).toHaveBeenCalledTimes(1));
    expect(api.calls.map((call) => `${call.method} ${call.path}`).filter((c) => c.startsWith("POST"))).toEqual([
      CREATE,
    ]);
    const [created] = api.to(CREATE);
    expect(sentRecord(created.body)).toEqual({
      form_code: "9",
      title: "Pelatihan Arsip Digital",
      start_date: "2025-03-02",
      end_date: "2025-03-04",
      jp: 12.5,
      organizer: null,
      certificate_number: null,
      competency_codes: ["M4"],
    });
    expect(created.headers.get("Idempotency-Key")).toBeTruthy();
    const upload = created;
    expect(upload.headers.get("Content-Type")).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body).toContain('Content-Disposition: form-data; name="file"');
    expect(upload.body).toContain("Content-Type: application/pdf");
    const [field, sent, filename] = append.mock.calls.find(([name]) => name === "file") ?? [];
    expect(field).toBe("file");
    expect((sent as File).name).toBe("sertifikat.pdf");
    expect(filename).toBe("sertifikat.pdf");
    expect(onFiled.mock.calls[0][0].evidence.filename).toBe("sertifikat.pdf");
  });

  it("switches between JP and minutes: the label, the hint and the field sent change", async () => {
    const user = userEvent.setup();
    const api = backend();
    renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("radio", { name: "Menit" }));
    expect(screen.queryByLabelText(/Jumlah JP/)).toBeNull();
    const minutes = screen.getByLabelText(/Durasi \(menit\)/);
    expect(minutes.getAttribute("aria-describedby")).toBeTruthy();
    expect(screen.getByText(/JP dihitung dari menit/)).toBeTruthy();

    // Minutes must be whole: "12,5" from the JP field is refused without a request.
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));
    expect(await screen.findByText("Isi menit dengan bilangan bulat.")).toBeTruthy();
    expect(api.to(CREATE)).toHaveLength(0);

    await user.clear(minutes);
    await user.type(minutes, "270");
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));
    await waitFor(() => expect(api.to(CREATE)).toHaveLength(1));
    const body = sentRecord(api.to(CREATE)[0].body);
    expect(body.duration_minutes).toBe(270);
    expect(body).not.toHaveProperty("jp");
  });

  it("flags missing and inconsistent fields next to them, focuses the first, and sends nothing", async () => {
    const user = userEvent.setup();
    const api = backend();
    renderForm();
    await screen.findByRole("option", { name: "Seminar" }, { timeout: 5000 });
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));

    const form = screen.getByRole("combobox", { name: /Bentuk pembelajaran/ });
    expect(form.getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(form);
    expect(screen.getAllByText("Wajib diisi.").length).toBe(5); // form, title, two dates, JP
    expect(screen.getByText("Lampirkan sertifikat.")).toBeTruthy();

    fireEvent.change(screen.getByLabelText(/Tanggal mulai/), { target: { value: "2025-03-04" } });
    fireEvent.change(screen.getByLabelText(/Tanggal selesai/), { target: { value: "2025-03-01" } });
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));
    const end = screen.getByLabelText(/Tanggal selesai/);
    expect(end.getAttribute("aria-invalid")).toBe("true");
    const endError = document.getElementById(end.getAttribute("aria-describedby")?.split(" ").pop() ?? "");
    expect(endError?.textContent).toBe("Tanggal selesai tidak boleh sebelum tanggal mulai.");

    fireEvent.change(screen.getByLabelText(/Sertifikat/), {
      target: { files: [new File(["x"], "catatan.docx", { type: "application/msword" })] },
    });
    expect(await screen.findByText("Hanya PDF, PNG, atau JPEG.")).toBeTruthy();
    expect(api.to(CREATE)).toHaveLength(0);
  });

  it("shows the API's field errors (422) under the fields they concern", async () => {
    const user = userEvent.setup();
    backend({
      [CREATE]: () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "Unprocessable",
            status: 422,
            code: "validation_error",
            detail: "1 field is invalid",
            errors: [
              { loc: ["body", "record", "title"], msg: "String should match pattern", type: "string_pattern_mismatch" },
            ],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
    });
    const onFiled = renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));

    expect(await screen.findByText("String should match pattern")).toBeTruthy();
    expect(screen.getByLabelText(/Nama kegiatan/).getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText(/Server menolak beberapa isian/)).toBeTruthy();
    expect(onFiled).not.toHaveBeenCalled();
  });

  it("explains a possible duplicate with a summary of the existing record and uploads nothing", async () => {
    const user = userEvent.setup();
    const api = backend({
      [CREATE]: () =>
        new Response(
          JSON.stringify({
            type: "https://bangkom.id/problems/possible_duplicate",
            title: "Conflict",
            status: 409,
            code: "possible_duplicate",
            detail: "Learning record 77 of this ASN has the same certificate number or the same title and dates",
            duplicate_of: 77,
          }),
          { status: 409, headers: { "Content-Type": "application/problem+json" } },
        ),
      "GET /api/v1/learning-records/77": () =>
        json({
          ...record({ id: 77, title: "Pelatihan Arsip Digital (lama)", status: "verified", jp: 10 }),
          history: [],
        }),
    });
    const onFiled = renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));

    const warning = await screen.findByRole("alert");
    expect(within(warning).getByText("Kegiatan ini sepertinya sudah tercatat")).toBeTruthy();
    expect(await within(warning).findByText("Pelatihan Arsip Digital (lama)")).toBeTruthy();
    expect(within(warning).getByText("Terverifikasi")).toBeTruthy();
    expect(
      within(warning)
        .getByRole("link", { name: /riwayat pembelajaran/ })
        .getAttribute("href"),
    ).toBe("/saya/riwayat?tahun=2025");
    expect(api.to(CREATE)).toHaveLength(1);
    expect(onFiled).not.toHaveBeenCalled();
  });

  it("says in Indonesian what is wrong with a refused file, keeps the values, and sends again with a new file", async () => {
    const user = userEvent.setup();
    let calls = 0;
    const api = backend({
      [CREATE]: () => {
        calls += 1;
        return calls === 1
          ? refused(415, "unsupported_evidence_type")
          : json(
              record({
                evidence: { content_type: "application/pdf", filename: "sertifikat.pdf", sha256: "ab", size: 9 },
              }),
              201,
            );
      },
    });
    const onFiled = renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));

    const input = screen.getByLabelText(/Sertifikat/);
    await waitFor(() => expect(input.getAttribute("aria-invalid")).toBe("true"));
    const error = document.getElementById(input.getAttribute("aria-describedby")?.split(" ").pop() ?? "");
    expect(error?.textContent).toMatch(/^Isi berkas bukan PDF, PNG, atau JPEG/);
    expect(screen.getByText(/Sertifikat ditolak, klaim belum dikirim/)).toBeTruthy();
    expect((screen.getByLabelText(/Nama kegiatan/) as HTMLInputElement).value).toBe("Pelatihan Arsip Digital");
    expect(onFiled).not.toHaveBeenCalled();

    await user.upload(input, new File(["%PDF-1.7 fixed"], "sertifikat.pdf", { type: "application/pdf" }));
    expect(input.getAttribute("aria-invalid")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));
    await waitFor(() => expect(onFiled).toHaveBeenCalledTimes(1));
    const [first, second] = api.to(CREATE);
    // Another file is another request: a new Idempotency-Key, so the refusal is not replayed.
    expect(second.headers.get("Idempotency-Key")).not.toBe(first.headers.get("Idempotency-Key"));
    expect(sentRecord(second.body)).toEqual(sentRecord(first.body));
  });

  it("names a file too large or empty as the server judged it", async () => {
    const user = userEvent.setup();
    backend({ [CREATE]: () => refused(413, "evidence_too_large") });
    renderForm();
    await fillValid(user);
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));
    expect(await screen.findByText("Berkas lebih dari 5 MB.")).toBeTruthy();
  });

  it("sends on the first click after previewing a PDF that is not one", async () => {
    const user = userEvent.setup();
    const api = backend({ [CREATE]: () => refused(415, "unsupported_evidence_type") });
    renderForm();
    await fillValid(user);
    await user.upload(
      screen.getByLabelText(/Sertifikat/),
      new File(["bukan pdf sama sekali"], "rusak.pdf", { type: "application/pdf" }),
    );
    // The preview notices the bytes are not a PDF and embeds no viewer.
    expect(await screen.findByText(/tidak terbaca sebagai PDF/)).toBeTruthy();
    expect(document.querySelector("object")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Kirim klaim" }));
    await waitFor(() => expect(api.to(CREATE)).toHaveLength(1));
    expect(await screen.findByText(/^Isi berkas bukan PDF, PNG, atau JPEG/)).toBeTruthy();
  });
});
