import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { ToastProvider } from "../../ui";
import { ReferencePage } from "./ReferencePage";

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

function competency(code: string, name: string, group: string, active = true) {
  return { code, name, group, active, description: null, levels: [], updated_at: "2026-01-01T00:00:00Z" };
}
const DICTIONARY = [
  competency("M1", "Integritas", "manajerial"),
  competency("SK1", "Perekat bangsa", "sosial_kultural"),
  competency("T.ARSIP", "Pengelolaan arsip", "teknis", false),
];

function backend() {
  return fakeApi({
    "GET /api/v1/reference/learning_forms": () => json(FORMS),
    "GET /api/v1/reference/golongan": () => json(GOLONGAN),
    "GET /api/v1/reference/eselon": () => json(ESELON),
    "GET /api/v1/competencies": (request) => {
      const q = (request.query.get("q") ?? "").toLowerCase();
      const items = DICTIONARY.filter(
        (c) => !q || c.code.toLowerCase().includes(q) || c.name.toLowerCase().includes(q),
      );
      return json({ items, next_cursor: null, total: items.length });
    },
  });
}

function renderPage(path = "/bpsdm/referensi") {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/bpsdm/referensi" element={<ReferencePage />} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

const codeTable = () => screen.getByTestId("code-list");

describe("the reference data page", () => {
  it("shows the learning forms first with their extra field, and switching the kind asks for that list", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();

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
    renderPage("/bpsdm/referensi?jenis=eselon");
    expect(await within(codeTable()).findByText("jpt_pratama, jpt_madya")).toBeDefined();
    expect(server.to("GET /api/v1/reference/learning_forms")).toHaveLength(0);
  });

  it("lists the competency dictionary with group labels and searches it through the API", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderPage();
    const dictionary = await screen.findByTestId("competency-list");
    expect(await within(dictionary).findByText("Integritas")).toBeDefined();
    expect(within(dictionary).getByText("Sosial kultural")).toBeDefined();
    expect(within(dictionary).getByText("Tidak dipakai lagi")).toBeDefined();

    await user.type(within(dictionary).getByLabelText("Cari kode atau nama kompetensi"), "arsip");
    await waitFor(() => expect(within(dictionary).queryByText("Integritas")).toBeNull(), { timeout: 2000 });
    expect(within(dictionary).getByText("Pengelolaan arsip")).toBeDefined();
    expect(server.to("GET /api/v1/competencies").at(-1)?.query.get("q")).toBe("arsip");
  });
});
