import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { createQueryClient } from "../../queryClient";
import { fakeApi, json } from "../../test/fakeApi";
import { PLACED_NIP, placementHandlers } from "../../test/placement";
import { ToastProvider } from "../../ui";
import { ContactCard } from "./ContactCard";

function renderCard() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <ToastProvider>
        <ContactCard nip={PLACED_NIP} />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the ASN's contact card", () => {
  it("catches a mistyped email and phone before sending, in Indonesian", async () => {
    const user = userEvent.setup();
    const server = fakeApi({ ...placementHandlers });
    renderCard();
    const email = await screen.findByLabelText("Surel");
    await user.clear(email);
    await user.type(email, "siti@kaltimprov");
    const phone = screen.getByLabelText("Nomor telepon");
    await user.clear(phone);
    await user.type(phone, "08-12");
    await user.click(screen.getByRole("button", { name: "Simpan" }));

    expect(await screen.findByText("Alamat surel belum benar, contoh: nama@kaltimprov.go.id.")).toBeDefined();
    expect(screen.getByText(/Nomor telepon belum benar/)).toBeDefined();
    expect(server.calls.filter((call) => call.method === "PATCH")).toHaveLength(0);
  });

  it("shows the server's field message, which it writes in the UI language", async () => {
    const user = userEvent.setup();
    const server = fakeApi({
      ...placementHandlers,
      [`PATCH /api/v1/asn/${PLACED_NIP}`]: () =>
        json(
          {
            type: "https://bangkom.id/problems/validation_error",
            title: "Isian belum benar",
            status: 422,
            code: "validation_error",
            detail: "email: Alamat surel tidak sah",
            errors: [{ loc: ["body", "email"], msg: "Alamat surel tidak sah", type: "string_pattern_mismatch" }],
          },
          422,
        ),
    });
    renderCard();
    const email = await screen.findByLabelText("Surel");
    await user.clear(email);
    await user.type(email, "siti@kaltimprov.go.id");
    await user.click(screen.getByRole("button", { name: "Simpan" }));

    await waitFor(() => expect(screen.getAllByText(/Alamat surel tidak sah/).length).toBeGreaterThan(0));
    expect(server.to(`PATCH /api/v1/asn/${PLACED_NIP}`)).toHaveLength(1);
  });
});
