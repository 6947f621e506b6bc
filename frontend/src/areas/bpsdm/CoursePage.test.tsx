import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { CoursePage, parseJp } from "./CoursePage";
import { ADMIN, AT, AUDITOR, codeList, renderPage } from "./testing";

const COURSE = {
  id: 57,
  code: "BPSDM-PKP-2026-III",
  title: "Pelatihan Kepemimpinan Pengawas",
  form_code: "1",
  jp: 830,
  competency_codes: ["M1", "M4"],
  organizer: "BPSDM Provinsi",
  starts_on: "2026-03-02",
  ends_on: "2026-06-19",
  quota: 40,
  active: true,
  updated_at: AT,
};
const competency = (code: string, name: string, active = true) => ({
  code,
  name,
  group: code.startsWith("M") ? "manajerial" : "teknis",
  description: null,
  levels: [],
  active,
  updated_at: AT,
});
const DICTIONARY = [
  competency("M1", "Integritas"),
  competency("M4", "Orientasi pada Hasil"),
  competency("T.ARSIP", "Pengelolaan Arsip"),
  competency("T.LAMA", "Kompetensi Lama", false),
];

function backend({
  me = ADMIN,
  patch,
  create,
}: {
  me?: typeof ADMIN;
  patch?: () => Response;
  create?: () => Response;
} = {}) {
  let course = COURSE;
  let version = 4;
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    "GET /api/v1/courses": () => json({ items: [course], next_cursor: null, total: 1 }),
    "GET /api/v1/courses/57": () => json(course, 200, { ETag: `"${version}"` }),
    "PATCH /api/v1/courses/57": (request) => {
      if (patch) {
        const refused = patch();
        if (refused.status === 412) {
          course = { ...course, title: "Pelatihan Kepemimpinan Pengawas (diubah rekan)" };
          version = 5;
        }
        return refused;
      }
      course = { ...course, ...JSON.parse(request.body) };
      version += 1;
      return json(course, 200, { ETag: `"${version}"` });
    },
    "POST /api/v1/courses": (request) =>
      create ? create() : json({ id: 58, ...JSON.parse(request.body), updated_at: AT }, 201, { ETag: '"1"' }),
    "GET /api/v1/competencies": () => json({ items: DICTIONARY, next_cursor: null, total: DICTIONARY.length }),
    "GET /api/v1/reference/learning_forms": () =>
      codeList("learning_forms", [
        ["1", "Diklat Struktural"],
        ["3", "Diklat Teknis"],
      ]),
  });
}

describe("the course catalogue page", () => {
  it("lists the courses with their form and competencies, and searches through the API", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CoursePage />);
    const list = await screen.findByTestId("course-list");
    expect(await within(list).findByText("Pelatihan Kepemimpinan Pengawas")).toBeDefined();
    expect(await within(list).findByText("Diklat Struktural")).toBeDefined();
    expect(within(list).getByText("M1, M4")).toBeDefined();

    await user.selectOptions(screen.getByLabelText("Bentuk pengembangan"), "3");
    await user.type(screen.getByLabelText("Cari judul, kode atau penyelenggara"), "kepemimpinan");
    await waitFor(() => {
      const last = server.to("GET /api/v1/courses").at(-1);
      expect(last?.query.get("q")).toBe("kepemimpinan");
      expect(last?.query.get("form_code")).toBe("3");
    });
  });

  it("adds a course with the competencies it develops", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CoursePage />);
    await user.click(await screen.findByRole("button", { name: "Tambah diklat" }));
    const dialog = await screen.findByRole("dialog", { name: "Tambah diklat" });
    await user.type(within(dialog).getByLabelText(/^Kode/), "BPSDM-ARSIP-1");
    await user.type(within(dialog).getByLabelText(/^Judul/), "Pelatihan Kearsipan");
    await user.selectOptions(await within(dialog).findByLabelText(/^Bentuk pengembangan/), "3");
    await user.type(within(dialog).getByLabelText(/^JP/), "32,5");
    await user.type(within(dialog).getByLabelText(/^Kuota/), "30");
    // Retired competencies are not offered for a new mapping.
    await within(dialog).findByRole("checkbox", { name: /Pengelolaan Arsip/ });
    expect(within(dialog).queryByRole("checkbox", { name: /Kompetensi Lama/ })).toBeNull();
    await user.type(within(dialog).getByLabelText("Cari kode atau nama kompetensi"), "arsip");
    expect(within(dialog).queryByRole("checkbox", { name: /Integritas/ })).toBeNull();
    await user.click(within(dialog).getByRole("checkbox", { name: /Pengelolaan Arsip/ }));
    expect(within(dialog).getByTestId("course-competencies").textContent).toBe("Dipilih: T.ARSIP");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    expect(JSON.parse(server.to("POST /api/v1/courses")[0].body)).toEqual({
      code: "BPSDM-ARSIP-1",
      title: "Pelatihan Kearsipan",
      form_code: "3",
      jp: "32.5",
      organizer: null,
      starts_on: null,
      ends_on: null,
      quota: 30,
      active: true,
      competency_codes: ["T.ARSIP"],
    });
  });

  it("refuses a JP that is not a number before sending it", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CoursePage />);
    await user.click(await screen.findByRole("button", { name: "Tambah diklat" }));
    const dialog = await screen.findByRole("dialog", { name: "Tambah diklat" });
    await user.type(within(dialog).getByLabelText(/^Kode/), "X");
    await user.type(within(dialog).getByLabelText(/^Judul/), "Y");
    await user.selectOptions(await within(dialog).findByLabelText(/^Bentuk pengembangan/), "3");
    await user.type(within(dialog).getByLabelText(/^JP/), "banyak");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText(/Isi JP lebih dari 0/)).toBeDefined();
    expect(server.to("POST /api/v1/courses")).toHaveLength(0);
  });

  it("edits the competency mapping with If-Match and, after a 412, shows the other admin's values", async () => {
    const user = userEvent.setup();
    const server = backend({ patch: () => problem(412, "precondition_failed") });
    renderPage(<CoursePage />);
    await user.click(await screen.findByRole("button", { name: "Ubah diklat Pelatihan Kepemimpinan Pengawas" }));
    const dialog = await screen.findByRole("dialog", { name: /^Ubah diklat/ });
    await user.click(await within(dialog).findByRole("checkbox", { name: /Orientasi pada Hasil/ }));
    await user.click(within(dialog).getByRole("checkbox", { name: /Pengelolaan Arsip/ }));
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    expect(await within(dialog).findByText("Data ini diubah orang lain sejak Anda membukanya")).toBeDefined();
    const [sent] = server.to("PATCH /api/v1/courses/57");
    expect(sent.headers.get("If-Match")).toBe('"4"');
    expect(JSON.parse(sent.body)).toEqual({ competency_codes: ["M1", "T.ARSIP"] });
    await waitFor(() =>
      expect((within(dialog).getByLabelText(/^Judul/) as HTMLInputElement).value).toBe(
        "Pelatihan Kepemimpinan Pengawas (diubah rekan)",
      ),
    );
  });

  it("shows an end date before the start date next to the end date", async () => {
    const user = userEvent.setup();
    backend({ patch: () => problem(422, "invalid_dates") });
    renderPage(<CoursePage />);
    await user.click(await screen.findByRole("button", { name: "Ubah diklat Pelatihan Kepemimpinan Pengawas" }));
    const dialog = await screen.findByRole("dialog", { name: /^Ubah diklat/ });
    const quota = await within(dialog).findByLabelText(/^Kuota/);
    await user.clear(quota);
    await user.type(quota, "45");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    const ends = within(dialog).getByLabelText(/^Tanggal selesai/);
    await waitFor(() => expect(ends.getAttribute("aria-invalid")).toBe("true"));
    expect(within(dialog).getByText("Tanggal selesai tidak boleh sebelum tanggal mulai.")).toBeDefined();
  });

  it("is read-only for the auditor", async () => {
    backend({ me: AUDITOR });
    renderPage(<CoursePage />);
    await within(await screen.findByTestId("course-list")).findByText("Pelatihan Kepemimpinan Pengawas");
    expect(screen.getByText("Akun Anda hanya dapat melihat data di halaman ini.")).toBeDefined();
    expect(screen.queryByRole("button", { name: /Tambah|Ubah/ })).toBeNull();
  });
});

describe("parseJp", () => {
  it("takes a comma or a dot, up to two decimals, within (0, 2000]", () => {
    expect(parseJp("32,5")).toBe("32.5");
    expect(parseJp(" 830 ")).toBe("830");
    expect(parseJp("")).toBeNull();
    expect(parseJp("0")).toBeUndefined();
    expect(parseJp("2000.01")).toBeUndefined();
    expect(parseJp("1.234")).toBeUndefined();
  });
});
