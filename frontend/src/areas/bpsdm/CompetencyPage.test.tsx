import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { CompetencyPage } from "./CompetencyPage";
import { ADMIN, AT, AUDITOR, codeList, renderPage } from "./testing";

const levels = (prefix: string) => [1, 2, 3, 4, 5].map((level) => ({ level, description: `${prefix} ${level}` }));

const INTEGRITAS = {
  code: "M1",
  name: "Integritas",
  group: "manajerial",
  description: "Konsisten berperilaku selaras dengan nilai.",
  levels: levels("Integritas level"),
  active: true,
  updated_at: AT,
};
const ARSIP = {
  code: "T.ARSIP",
  name: "Pengelolaan Arsip",
  group: "teknis",
  description: null,
  levels: levels("Arsip level"),
  active: true,
  updated_at: AT,
};
const DEFAULTS = [
  { jenis_jabatan: "administrator", jenjang: null, required_level: 3 },
  { jenis_jabatan: "fungsional", jenjang: "ahli_muda", required_level: 2 },
];

function backend({
  me = ADMIN,
  create,
  putDefaults,
}: {
  me?: typeof ADMIN;
  create?: () => Response;
  putDefaults?: () => Response;
} = {}) {
  let arsip = ARSIP;
  let version = 3;
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    "GET /api/v1/competencies": (request) => {
      const q = request.query.get("q")?.toLowerCase() ?? "";
      const items = [INTEGRITAS, arsip].filter(
        (c) =>
          `${c.code} ${c.name}`.toLowerCase().includes(q) &&
          (!request.query.get("group") || c.group === request.query.get("group")),
      );
      return json({ items, next_cursor: null, total: items.length });
    },
    "GET /api/v1/competencies/T.ARSIP": () => json(arsip, 200, { ETag: `"${version}"` }),
    "PATCH /api/v1/competencies/T.ARSIP": (request) => {
      arsip = { ...arsip, ...JSON.parse(request.body) };
      version += 1;
      return json(arsip, 200, { ETag: `"${version}"` });
    },
    "POST /api/v1/competencies": (request) =>
      create ? create() : json({ ...JSON.parse(request.body), active: true, updated_at: AT }, 201, { ETag: '"1"' }),
    "GET /api/v1/competencies/standard-defaults": () => json({ items: DEFAULTS }, 200, { ETag: '"d-1"' }),
    "PUT /api/v1/competencies/standard-defaults": (request) =>
      putDefaults ? putDefaults() : json(JSON.parse(request.body), 200, { ETag: '"d-2"' }),
    "GET /api/v1/reference/jenis_jabatan": () =>
      codeList("jenis_jabatan", [
        ["administrator", "Jabatan Administrator"],
        ["pengawas", "Jabatan Pengawas"],
        ["fungsional", "Jabatan Fungsional"],
      ]),
    "GET /api/v1/reference/jenjang": () =>
      codeList("jenjang", [
        ["ahli_muda", "Ahli Muda"],
        ["ahli_pertama", "Ahli Pertama"],
      ]),
  });
}

describe("the competency dictionary page", () => {
  it("lists the dictionary and filters it by search and group through the API", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CompetencyPage />);
    const list = await screen.findByTestId("competency-dictionary");
    expect(await within(list).findByText("Integritas")).toBeDefined();
    expect(within(list).getByText("Pengelolaan Arsip")).toBeDefined();
    expect(within(list).getByText("Manajerial")).toBeDefined();
    expect(within(list).getAllByText("Aktif")).toHaveLength(2);

    await user.selectOptions(screen.getByLabelText("Kelompok"), "teknis");
    await waitFor(() => expect(within(list).queryByText("Integritas")).toBeNull());
    expect(server.to("GET /api/v1/competencies").at(-1)?.query.get("group")).toBe("teknis");

    await user.type(screen.getByLabelText("Cari kode atau nama kompetensi"), "arsip");
    await waitFor(() => expect(server.to("GET /api/v1/competencies").at(-1)?.query.get("q")).toBe("arsip"));
  });

  it("edits a competency with If-Match, sending only what changed, and retires it", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CompetencyPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah kompetensi Pengelolaan Arsip" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah kompetensi Pengelolaan Arsip" });
    const level2 = await within(dialog).findByLabelText(/^Level 2/);
    await user.clear(level2);
    await user.type(level2, "Menata arsip unit kerja");
    await user.selectOptions(within(dialog).getByLabelText(/^Status/), "retired");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    const [sent] = server.to("PATCH /api/v1/competencies/T.ARSIP");
    expect(sent.headers.get("If-Match")).toBe('"3"');
    const body = JSON.parse(sent.body);
    expect(Object.keys(body).sort()).toEqual(["active", "levels"]);
    expect(body.active).toBe(false);
    expect(body.levels[1]).toEqual({ level: 2, description: "Menata arsip unit kerja" });
    expect(body.levels).toHaveLength(5);
  });

  it("adds a teknis competency with its five levels, and shows a taken code next to the code", async () => {
    const user = userEvent.setup();
    const server = backend({ create: () => problem(409, "competency_exists") });
    renderPage(<CompetencyPage />);
    await user.click(await screen.findByRole("button", { name: "Tambah kompetensi teknis" }));
    const dialog = await screen.findByRole("dialog", { name: "Tambah kompetensi teknis" });
    const code = within(dialog).getByLabelText(/^Kode/);
    await user.type(code, "t.arsip");
    expect((code as HTMLInputElement).value).toBe("T.ARSIP");
    await user.type(within(dialog).getByLabelText(/^Nama/), "Pengelolaan Arsip");
    for (const level of [1, 2, 3, 4, 5])
      await user.type(within(dialog).getByLabelText(new RegExp(`^Level ${level}`)), `Uraian ${level}`);
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    await waitFor(() => expect(code.getAttribute("aria-invalid")).toBe("true"));
    expect(within(dialog).getByText("Kode kompetensi itu sudah ada di kamus.")).toBeDefined();
    const body = JSON.parse(server.to("POST /api/v1/competencies")[0].body);
    expect(body).toEqual({
      code: "T.ARSIP",
      name: "Pengelolaan Arsip",
      group: "teknis",
      description: null,
      levels: [1, 2, 3, 4, 5].map((level) => ({ level, description: `Uraian ${level}` })),
    });
  });

  it("shows the default levels and saves the whole table with If-Match", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<CompetencyPage />);
    const table = await screen.findByTestId("standard-defaults");
    expect(await within(table).findByText("Jabatan Fungsional – Ahli Muda")).toBeDefined();
    expect(within(table).getAllByText("— (tanpa bawaan)")).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Ubah level bawaan" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah level bawaan" });
    await user.selectOptions(await within(dialog).findByLabelText("Level bawaan Jabatan Pengawas"), "2");
    await user.selectOptions(within(dialog).getByLabelText("Level bawaan Jabatan Fungsional – Ahli Muda"), "");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());

    const [sent] = server.to("PUT /api/v1/competencies/standard-defaults");
    expect(sent.headers.get("If-Match")).toBe('"d-1"');
    expect(JSON.parse(sent.body)).toEqual({
      items: [
        { jenis_jabatan: "administrator", jenjang: null, required_level: 3 },
        { jenis_jabatan: "pengawas", jenjang: null, required_level: 2 },
      ],
    });
  });

  it("warns when another admin changed the defaults meanwhile", async () => {
    const user = userEvent.setup();
    backend({ putDefaults: () => problem(412, "precondition_failed") });
    renderPage(<CompetencyPage />);
    await user.click(await screen.findByRole("button", { name: "Ubah level bawaan" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah level bawaan" });
    await user.selectOptions(await within(dialog).findByLabelText("Level bawaan Jabatan Pengawas"), "2");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    expect(await within(dialog).findByText("Data ini diubah orang lain sejak Anda membukanya")).toBeDefined();
  });

  it("is read-only for the auditor", async () => {
    backend({ me: AUDITOR });
    renderPage(<CompetencyPage />);
    const list = await screen.findByTestId("competency-dictionary");
    await within(list).findByText("Integritas");
    await within(await screen.findByTestId("standard-defaults")).findByText("Jabatan Administrator");
    expect(screen.getByText("Akun Anda hanya dapat melihat data di halaman ini.")).toBeDefined();
    expect(screen.queryByRole("button", { name: /Tambah|Ubah/ })).toBeNull();
  });
});
