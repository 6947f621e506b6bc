import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { fakeApi, json } from "../../test/fakeApi";
import { ReferencePage } from "./ReferencePage";
import { renderPage } from "./testing";

const FORMS = {
  kind: "learning_forms",
  items: [
    { code: "1", name: "Diklat Struktural", path: "klasikal" },
    { code: "16", name: "E-Learning", path: "nonklasikal" },
  ],
};
const GOLONGAN = {
  kind: "golongan",
  items: [
    { code: "III/a", name: "Penata Muda", employment: "pns", siasn_id: 31 },
    { code: "IX", name: "Golongan IX", employment: "pppk", siasn_id: 49 },
  ],
};
const ESELON = {
  kind: "eselon",
  items: [{ code: "II.a", name: "Eselon II.a", jenis_jabatan: ["jpt_pratama", "jpt_madya"] }],
};

function backend() {
  return fakeApi({
    "GET /api/v1/reference/learning_forms": () => json(FORMS),
    "GET /api/v1/reference/golongan": () => json(GOLONGAN),
    "GET /api/v1/reference/eselon": () => json(ESELON),
  });
}

const codeTable = () => screen.getByTestId("code-list");

describe("the reference data page", () => {
  it("shows the learning forms first with their extra field, and switching the kind asks for that list", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage(<ReferencePage />, { path: "/bpsdm/referensi", route: "/bpsdm/referensi" });

    expect(await within(codeTable()).findByText("Diklat Struktural")).toBeDefined();
    expect(within(codeTable()).getByText("E-Learning")).toBeDefined();
    expect(within(codeTable()).getByText("nonklasikal")).toBeDefined();
    expect(within(codeTable()).getByRole("columnheader", { name: /Jalur/ })).toBeDefined();
    expect(server.to("GET /api/v1/reference/learning_forms")).toHaveLength(1);
    expect(server.to("GET /api/v1/reference/golongan")).toHaveLength(0);

    const select = screen.getByLabelText("Jenis daftar");
    expect((select as HTMLSelectElement).value).toBe("learning_forms");
    // Every kind of the API is offered, with an Indonesian label.
    expect(within(select).getAllByRole("option")).toHaveLength(8);
    expect(within(select).getByRole("option", { name: "Golongan/ruang" })).toBeDefined();

    await user.selectOptions(select, "golongan");
    expect(await within(codeTable()).findByText("Penata Muda")).toBeDefined();
    expect(server.to("GET /api/v1/reference/golongan")).toHaveLength(1);
    expect(codeTable().getAttribute("data-kind")).toBe("golongan");
    expect(within(codeTable()).queryByText("Diklat Struktural")).toBeNull();
    expect(within(codeTable()).getByRole("columnheader", { name: /Jenis kepegawaian/ })).toBeDefined();
    expect(within(codeTable()).getByRole("columnheader", { name: /ID SIASN/ })).toBeDefined();
    expect(within(codeTable()).getByText("pppk")).toBeDefined();
  });

  it("opens the kind named in the address and joins list values", async () => {
    const server = backend();
    renderPage(<ReferencePage />, { path: "/bpsdm/referensi?jenis=eselon", route: "/bpsdm/referensi" });
    expect(await within(codeTable()).findByText("jpt_pratama, jpt_madya")).toBeDefined();
    expect(server.to("GET /api/v1/reference/learning_forms")).toHaveLength(0);
  });

  it("points to the competency dictionary's own page instead of listing it", async () => {
    const server = backend();
    renderPage(<ReferencePage />, { path: "/bpsdm/referensi", route: "/bpsdm/referensi" });
    const pointer = await screen.findByTestId("competency-pointer");
    expect(within(pointer).getByRole("link", { name: "Kamus kompetensi" }).getAttribute("href")).toBe(
      "/bpsdm/kompetensi",
    );
    expect(server.to("GET /api/v1/competencies")).toHaveLength(0);
  });
});
