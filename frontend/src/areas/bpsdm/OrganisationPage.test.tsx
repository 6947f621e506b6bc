import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { OrganisationPage } from "./OrganisationPage";
import { ADMIN, AT, AUDITOR, codeList, renderPage } from "./testing";

const UNITS = [
  { id: 1, code: "PROV", name: "Pemerintah Provinsi", parent_id: null, kind: "pemda", updated_at: AT },
  { id: 2, code: "BPSDM", name: "Badan Pengembangan SDM", parent_id: 1, kind: "badan", updated_at: AT },
  { id: 3, code: "BPSDM.SEK", name: "Sekretariat BPSDM", parent_id: 2, kind: "sekretariat", updated_at: AT },
  { id: 4, code: "DINKES", name: "Dinas Kesehatan", parent_id: 1, kind: "dinas", updated_at: AT },
];
const POSITION = {
  id: 10,
  code: "BPSDM-KABAN",
  name: "Kepala Badan",
  jenis_jabatan: "jpt_pratama",
  jenjang: null,
  unit_id: 2,
  updated_at: AT,
};

function backend({ me = ADMIN, patch }: { me?: typeof ADMIN; patch?: () => Response } = {}) {
  let position = POSITION;
  let version = 1;
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    "GET /api/v1/units": () => json({ items: UNITS, next_cursor: null, total: UNITS.length }),
    "GET /api/v1/positions": () => json({ items: [position], next_cursor: null, total: 1 }),
    "GET /api/v1/positions/10": () => json(position, 200, { ETag: `"${version}"` }),
    "PATCH /api/v1/positions/10": (request) => {
      if (patch) {
        const refused = patch();
        if (refused.status === 412) {
          // Someone else saved meanwhile: the server now holds their name and a new version.
          position = { ...position, name: "Kepala Badan (diubah rekan)" };
          version = 2;
        }
        return refused;
      }
      position = { ...position, ...JSON.parse(request.body) };
      version += 1;
      return json(position, 200, { ETag: `"${version}"` });
    },
    "GET /api/v1/reference/jenis_jabatan": () => codeList("jenis_jabatan", [["jpt_pratama", "JPT Pratama"]]),
    "GET /api/v1/reference/jenjang": () => codeList("jenjang", []),
    "GET /api/v1/reference/unit_kinds": () => codeList("unit_kinds", [["badan", "Badan"]]),
  });
}

describe("the organisation page", () => {
  it("shows the top of the tree, opens branches, and a search shows matches where they sit", async () => {
    const user = userEvent.setup();
    backend();
    renderPage(<OrganisationPage />);
    const tree = await screen.findByTestId("unit-tree");
    expect(within(tree).getByRole("button", { name: /^Pemerintah Provinsi/ })).toBeDefined();
    expect(within(tree).queryByRole("button", { name: /^Dinas Kesehatan/ })).toBeNull();

    await user.click(within(tree).getByRole("button", { name: "Buka Pemerintah Provinsi" }));
    expect(within(tree).getByRole("button", { name: /^Dinas Kesehatan/ })).toBeDefined();
    expect(within(tree).queryByRole("button", { name: /^Sekretariat BPSDM/ })).toBeNull();

    // By code: the match and its ancestors, nothing else.
    await user.type(screen.getByLabelText("Cari nama atau kode unit"), "bpsdm.sek");
    expect(within(tree).getByRole("button", { name: /^Sekretariat BPSDM/ })).toBeDefined();
    expect(within(tree).getByRole("button", { name: /^Badan Pengembangan SDM/ })).toBeDefined();
    expect(within(tree).queryByRole("button", { name: /^Dinas Kesehatan/ })).toBeNull();

    await user.clear(screen.getByLabelText("Cari nama atau kode unit"));
    await user.type(screen.getByLabelText("Cari nama atau kode unit"), "tidak ada");
    expect(screen.getByText("Tidak ada yang cocok dengan “tidak ada”.")).toBeDefined();
  });

  it("edits a position with If-Match and, after a 412, shows the other admin's values", async () => {
    const user = userEvent.setup();
    const server = backend({ patch: () => problem(412, "precondition_failed") });
    renderPage(<OrganisationPage />);
    const tree = await screen.findByTestId("unit-tree");
    await user.click(within(tree).getByRole("button", { name: "Buka Pemerintah Provinsi" }));
    await user.click(within(tree).getByRole("button", { name: /^Badan Pengembangan SDM/ }));
    await user.click(await screen.findByRole("button", { name: "Ubah jabatan Kepala Badan" }));

    const dialog = await screen.findByRole("dialog", { name: "Ubah jabatan" });
    const name = await within(dialog).findByLabelText(/^Nama/);
    await user.clear(name);
    await user.type(name, "Kepala BPSDM");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));

    expect(await within(dialog).findByText("Data ini diubah orang lain sejak Anda membukanya")).toBeDefined();
    const [sent] = server.to("PATCH /api/v1/positions/10");
    expect(sent.headers.get("If-Match")).toBe('"1"');
    // Only what changed is sent.
    expect(JSON.parse(sent.body)).toEqual({ name: "Kepala BPSDM" });
    await waitFor(() =>
      expect((within(dialog).getByLabelText(/^Nama/) as HTMLInputElement).value).toBe("Kepala Badan (diubah rekan)"),
    );
  });

  it("shows a taken code next to the code field", async () => {
    const user = userEvent.setup();
    backend({ patch: () => problem(409, "position_code_exists") });
    renderPage(<OrganisationPage />);
    const tree = await screen.findByTestId("unit-tree");
    await user.click(within(tree).getByRole("button", { name: "Buka Pemerintah Provinsi" }));
    await user.click(within(tree).getByRole("button", { name: /^Badan Pengembangan SDM/ }));
    await user.click(await screen.findByRole("button", { name: "Ubah jabatan Kepala Badan" }));
    const dialog = await screen.findByRole("dialog", { name: "Ubah jabatan" });
    const code = await within(dialog).findByLabelText(/^Kode/);
    await user.type(code, "-X");
    await user.click(within(dialog).getByRole("button", { name: "Simpan" }));
    await waitFor(() => expect(code.getAttribute("aria-invalid")).toBe("true"));
    expect(within(dialog).getByText("Kode jabatan itu sudah dipakai jabatan lain.")).toBeDefined();
  });

  it("is read-only for the auditor", async () => {
    const user = userEvent.setup();
    backend({ me: AUDITOR });
    renderPage(<OrganisationPage />);
    const tree = await screen.findByTestId("unit-tree");
    await user.click(within(tree).getByRole("button", { name: "Buka Pemerintah Provinsi" }));
    await user.click(within(tree).getByRole("button", { name: /^Badan Pengembangan SDM/ }));
    expect(await screen.findByRole("link", { name: "Kepala Badan" })).toBeDefined();
    expect(screen.getByText("Akun Anda hanya dapat melihat data di halaman ini.")).toBeDefined();
    expect(screen.queryByRole("button", { name: /Tambah|Ubah/ })).toBeNull();
  });
});
