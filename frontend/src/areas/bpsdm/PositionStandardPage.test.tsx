import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { PositionStandardPage } from "./PositionStandardPage";
import { ADMIN, AT, AUDITOR, codeList, renderPage } from "./testing";

const POSITION = {
  id: 10,
  code: "PK-MADYA",
  name: "Pranata Komputer Ahli Madya",
  jenis_jabatan: "fungsional",
  jenjang: "ahli_madya",
  unit_id: 2,
  updated_at: AT,
};
const LINES = [
  { competency_code: "M1", name: "Integritas", group: "manajerial", required_level: 3 },
  { competency_code: "SK1", name: "Perekat bangsa", group: "sosial_kultural", required_level: 3 },
];

function backend({ me = ADMIN, put }: { me?: typeof ADMIN; put?: () => Response } = {}) {
  let lines = LINES;
  let etag = '"std-1"';
  return fakeApi({
    "GET /api/v1/auth/me": () => json(me),
    "GET /api/v1/positions/10": () => json(POSITION, 200, { ETag: '"1"' }),
    "GET /api/v1/positions/10/standards": () =>
      json({ position_id: 10, items: lines, updated_at: AT }, 200, { ETag: etag }),
    "PUT /api/v1/positions/10/standards": (request) => {
      if (put) {
        lines = [{ ...LINES[0], required_level: 4 }];
        etag = '"std-2"';
        return put();
      }
      const items = JSON.parse(request.body).items as Array<{ competency_code: string; required_level: number }>;
      lines = items.map((i) => ({ ...(LINES.find((l) => l.competency_code === i.competency_code) ?? LINES[0]), ...i }));
      etag = '"std-3"';
      return json({ position_id: 10, items: lines, updated_at: AT }, 200, { ETag: etag });
    },
    "POST /api/v1/position-standards/bulk": () => json({ positions: 7, positions_changed: 5, asn_affected: 31 }),
    "GET /api/v1/competencies": () => json({ items: [], next_cursor: null, total: 0 }),
    "GET /api/v1/units": () =>
      json({
        items: [{ id: 2, code: "DISKOMINFO", name: "Dinas Kominfo", parent_id: null, kind: "dinas", updated_at: AT }],
        next_cursor: null,
        total: 1,
      }),
    "GET /api/v1/reference/jenis_jabatan": () => codeList("jenis_jabatan", [["fungsional", "Fungsional"]]),
    "GET /api/v1/reference/jenjang": () => codeList("jenjang", [["ahli_madya", "Ahli Madya"]]),
  });
}

describe("a position's competency standard", () => {
  it("saves changed levels with If-Match", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<PositionStandardPage />, {
      path: "/bpsdm/organisasi/jabatan/10",
      route: "/bpsdm/organisasi/jabatan/:positionId",
    });
    expect(await screen.findByText("Integritas")).toBeDefined();
    await user.click(screen.getByRole("button", { name: "Ubah standar" }));
    const editor = screen.getByTestId("standard-editor");
    await user.selectOptions(within(editor).getByLabelText("Level M1"), "4");
    await user.click(within(editor).getByRole("button", { name: "Hapus SK1" }));
    await user.click(within(editor).getByRole("button", { name: "Simpan" }));

    await waitFor(() => expect(screen.queryByTestId("standard-editor")).toBeNull());
    const [sent] = server.to("PUT /api/v1/positions/10/standards");
    expect(sent.headers.get("If-Match")).toBe('"std-1"');
    expect(JSON.parse(sent.body)).toEqual({ items: [{ competency_code: "M1", required_level: 4 }] });
  });

  it("after a 412 reloads the standard into the editor and says why", async () => {
    const user = userEvent.setup();
    backend({ put: () => problem(412, "precondition_failed") });
    renderPage(<PositionStandardPage />, {
      path: "/bpsdm/organisasi/jabatan/10",
      route: "/bpsdm/organisasi/jabatan/:positionId",
    });
    await user.click(await screen.findByRole("button", { name: "Ubah standar" }));
    await user.click(within(screen.getByTestId("standard-editor")).getByRole("button", { name: "Simpan" }));
    expect(await screen.findByText("Data ini diubah orang lain sejak Anda membukanya")).toBeDefined();
    // The other admin's version: M1 at level 4 and no SK1.
    await waitFor(() => expect((screen.getByLabelText("Level M1") as HTMLSelectElement).value).toBe("4"));
    expect(screen.queryByLabelText("Level SK1")).toBeNull();
  });

  it("applies the standard to similar positions with the chosen scope", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<PositionStandardPage />, {
      path: "/bpsdm/organisasi/jabatan/10",
      route: "/bpsdm/organisasi/jabatan/:positionId",
    });
    await user.click(await screen.findByRole("button", { name: "Terapkan ke jabatan sejenis" }));
    const dialog = screen.getByRole("dialog", { name: "Terapkan standar ke jabatan sejenis" });
    await within(dialog).findByRole("option", { name: "Dinas Kominfo (DISKOMINFO)" });
    await user.selectOptions(within(dialog).getByLabelText("Hanya di unit (beserta sub-unitnya)"), "2");
    await user.selectOptions(within(dialog).getByLabelText("Cara menerapkan"), "replace");
    await user.click(within(dialog).getByRole("button", { name: "Terapkan" }));

    expect(await within(dialog).findByTestId("bulk-result")).toHaveProperty(
      "textContent",
      "7 jabatan cocok, 5 berubah, 31 ASN terdampak.",
    );
    const [sent] = server.to("POST /api/v1/position-standards/bulk");
    expect(JSON.parse(sent.body)).toEqual({
      jenis_jabatan: "fungsional",
      jenjang: "ahli_madya",
      unit_id: 2,
      mode: "replace",
      items: [
        { competency_code: "M1", required_level: 3 },
        { competency_code: "SK1", required_level: 3 },
      ],
    });
  });

  it("is read-only for the auditor", async () => {
    backend({ me: AUDITOR });
    renderPage(<PositionStandardPage />, {
      path: "/bpsdm/organisasi/jabatan/10",
      route: "/bpsdm/organisasi/jabatan/:positionId",
    });
    expect(await screen.findByText("Integritas")).toBeDefined();
    await waitFor(() => expect(screen.getByText("Perekat bangsa")).toBeDefined());
    expect(screen.queryByRole("button", { name: "Ubah standar" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Terapkan ke jabatan sejenis" })).toBeNull();
  });
});
