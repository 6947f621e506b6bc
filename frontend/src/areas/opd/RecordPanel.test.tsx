import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { describe, expect, it } from "vitest";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { recordRead, TEST_NIP } from "../../test/records";
import { ToastProvider } from "../../ui";
import { RecordPanel } from "./RecordPanel";

const ME = {
  username: "opd.diskominfo",
  role: "opd_admin",
  nip: null,
  unit_id: 7,
  scopes: [],
  must_change_password: false,
};

function renderPanel(profile: Handler) {
  const server = fakeApi({
    "GET /api/v1/auth/me": () => json(ME),
    "GET /api/v1/learning-records/4": () =>
      json({ ...recordRead({ id: 4, title: "Seminar Tata Naskah", form_code: "9" }), history: [] }),
    "GET /api/v1/reference/learning_forms": () =>
      json({ kind: "learning_forms", items: [{ code: "9", name: "Seminar" }] }),
    [`GET /api/v1/asn/${TEST_NIP}`]: profile,
  });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <MemoryRouter>
          <RecordPanel recordId={4} onClose={() => {}} onDecided={() => {}} />
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return server;
}

describe("the claim review panel", () => {
  it("names the ASN (with the NIP under it) and the learning form from the reference list", async () => {
    const server = renderPanel(() => json({ nip: TEST_NIP, name: "Antonius Sampe, S.Kom." }));
    const dialog = await screen.findByRole("dialog", { name: "Seminar Tata Naskah" });
    const asn = await within(dialog).findByRole("link", { name: "Antonius Sampe, S.Kom." });
    expect(asn.getAttribute("href")).toBe(`/opd/asn/${TEST_NIP}`);
    expect(within(dialog).getByTestId("record-asn").textContent).toBe(`Antonius Sampe, S.Kom.NIP ${TEST_NIP}`);
    await within(dialog).findByText("Seminar (9)");
    expect(server.to(`GET /api/v1/asn/${TEST_NIP}`)).toHaveLength(1);
  });

  it("falls back to the NIP when the profile cannot be read", async () => {
    renderPanel(() => problem(404, "asn_not_found"));
    const dialog = await screen.findByRole("dialog", { name: "Seminar Tata Naskah" });
    await within(dialog).findByText("Seminar (9)");
    const asn = await within(dialog).findByRole("link", { name: TEST_NIP });
    expect(asn.getAttribute("href")).toBe(`/opd/asn/${TEST_NIP}`);
    expect(within(dialog).queryByRole("alert")).toBeNull();
  });
});
