import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes, useLocation } from "react-router";
import { describe, expect, it } from "vitest";
import "../../i18n";
import type { NotificationRead } from "../../api/types";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { InboxPage, internalLink } from "./InboxPage";

const ASN = { username: "198901062015011008", role: "asn", nip: "198901062015011008", unit_id: null, scopes: [] };

const REMINDER: NotificationRead = {
  id: 7,
  kind: "asn_below_jp_target",
  title: "JP Anda tahun 2026 belum mencapai target",
  body: "Yth. Antonius, JP terverifikasi Anda tahun 2026 baru 12 dari target 20 JP; masih kurang 8 JP.",
  link: "/saya",
  created_at: "2026-12-07T01:00:00Z",
  read_at: null,
};
const OLD: NotificationRead = {
  id: 3,
  kind: "account_invitation",
  title: "Akun Bangkom Anda sudah siap",
  body: "Masuk di https://elsewhere.example dengan kata sandi sementara.",
  link: "https://elsewhere.example/login",
  created_at: "2026-11-01T01:00:00Z",
  read_at: "2026-11-02T01:00:00Z",
};
const PREFERENCES = {
  in_app: true,
  email: true,
  email_address: null,
  language: "id",
  delivery_address: "antonius@kaltimprov.go.id",
};

function backend(overrides: Record<string, Handler> = {}) {
  let unread = 1;
  return fakeApi({
    "GET /api/v1/auth/me": () => json(ASN),
    "GET /api/v1/me/notifications": (request) => {
      const onlyUnread = request.query.get("unread") === "true";
      const all = [unread ? REMINDER : { ...REMINDER, read_at: "2026-12-07T02:00:00Z" }, OLD];
      const items = onlyUnread ? all.filter((n) => n.read_at === null) : all;
      return json({ items, next_cursor: null, total: items.length, unread_count: unread });
    },
    "POST /api/v1/me/notifications/7/read": () => {
      unread = 0;
      return json({ ...REMINDER, read_at: "2026-12-07T02:00:00Z" });
    },
    "POST /api/v1/me/notifications/read-all": () => {
      const marked = unread;
      unread = 0;
      return json({ marked, unread_count: 0 });
    },
    "GET /api/v1/me/notification-preferences": () => json(PREFERENCES, 200, { ETag: '"0"' }),
    ...overrides,
  });
}

function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

function renderInbox() {
  return renderPage(
    <Routes>
      <Route path="/kotak-masuk" element={<InboxPage />} />
      <Route path="*" element={<Where />} />
    </Routes>,
    { path: "/kotak-masuk" },
  );
}

describe("the inbox", { timeout: 20_000 }, () => {
  it("lists the notifications newest first, and opening one marks it read and offers its page", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderInbox();
    expect(await screen.findByRole("heading", { level: 1, name: "Kotak Masuk" })).toBeDefined();
    const list = await screen.findByRole("list", { name: "Notifikasi, terbaru di atas" });
    const items = within(list).getAllByTestId("notification");
    expect(items.map((item) => item.querySelector(".notice__title")?.textContent)).toEqual([
      "JP Anda tahun 2026 belum mencapai target",
      "Akun Bangkom Anda sudah siap",
    ]);
    expect(items[0].className).toContain("notice--unread");
    await waitFor(() => expect(screen.getByTestId("inbox-unread").textContent).toBe("1 notifikasi belum dibaca"));

    const toggle = within(items[0]).getByRole("button", {
      name: /^Belum dibaca: JP Anda tahun 2026 belum mencapai target 7 Des 2026, \d\d\.\d\d$/,
    });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    const body = screen.getByText(/masih kurang 8 JP/).closest(".notice__body") as HTMLElement;
    expect(body.hidden).toBe(true);
    await user.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(body.hidden).toBe(false);
    await waitFor(() => expect(server.to("POST /api/v1/me/notifications/7/read")).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId("inbox-unread").textContent).toBe("Semua notifikasi sudah dibaca."));
    expect(within(list).getAllByTestId("notification")[0].className).not.toContain("notice--unread");

    // Opening it again marks nothing; its link opens the page it is about.
    await user.click(toggle);
    await user.click(toggle);
    expect(server.to("POST /api/v1/me/notifications/7/read")).toHaveLength(1);
    await user.click(screen.getByRole("link", { name: "Buka halaman terkait" }));
    expect(screen.getByTestId("where").textContent).toBe("/saya");
  });

  it("keeps links to other sites out, and an already read notification is not marked again", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderInbox();
    await user.click(await screen.findByRole("button", { name: /Akun Bangkom Anda sudah siap/ }));
    expect(screen.getByText(/kata sandi sementara/)).toBeDefined();
    expect(screen.queryByRole("link", { name: "Buka halaman terkait" })).toBeNull();
    expect(server.to("POST /api/v1/me/notifications/3/read")).toHaveLength(0);
    expect(internalLink("/opd")).toBe("/opd");
    expect(internalLink("//evil.example")).toBeNull();
    expect(internalLink("https://evil.example")).toBeNull();
    expect(internalLink(null)).toBeNull();
  });

  it("shows only the unread ones on request, and marks all of them read", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderInbox();
    await screen.findByText("Akun Bangkom Anda sudah siap");
    await user.click(screen.getByRole("button", { name: "Belum dibaca" }));
    await waitFor(() => expect(screen.queryByText("Akun Bangkom Anda sudah siap")).toBeNull());
    expect(server.to("GET /api/v1/me/notifications").some((c) => c.query.get("unread") === "true")).toBe(true);
    expect(screen.getByRole("button", { name: "Belum dibaca" }).getAttribute("aria-pressed")).toBe("true");

    await user.click(screen.getByRole("button", { name: "Tandai semua dibaca" }));
    expect(await screen.findByText("1 notifikasi ditandai dibaca.")).toBeDefined();
    expect(await screen.findByText("Tidak ada notifikasi yang belum dibaca.")).toBeDefined();
    expect(screen.getByRole("button", { name: "Tandai semua dibaca" })).toHaveProperty("disabled", true);
  });

  it("says when there is nothing, and when the list cannot be read", async () => {
    const user = userEvent.setup();
    let broken = true;
    backend({
      "GET /api/v1/me/notifications": () =>
        broken ? problem(429, "rate_limited") : json({ items: [], next_cursor: null, total: 0, unread_count: 0 }),
    });
    renderInbox();
    const alert = await screen.findByText(
      "Terlalu banyak permintaan dalam satu menit. Tunggu sebentar lalu coba lagi.",
    );
    broken = false;
    await user.click(within(alert.closest(".alert") as HTMLElement).getByRole("button", { name: "Coba lagi" }));
    expect(await screen.findByText("Belum ada notifikasi.")).toBeDefined();
  });

  it("saves the preferences with the ETag they were read with", async () => {
    const user = userEvent.setup();
    const server = backend({
      "PUT /api/v1/me/notification-preferences": (request) =>
        json({ ...JSON.parse(request.body), delivery_address: "pribadi@contoh.id" }, 200, { ETag: '"1"' }),
    });
    renderInbox();
    expect((await screen.findByTestId("delivery-address")).textContent).toBe(
      "Email pemberitahuan dikirim ke antonius@kaltimprov.go.id.",
    );
    expect(await screen.findByText("Kosongkan untuk memakai email di profil Anda.")).toBeDefined();
    const save = screen.getByRole("button", { name: "Simpan" });
    expect(save).toHaveProperty("disabled", true);

    await user.click(screen.getByRole("checkbox", { name: "Email" }));
    await user.type(screen.getByLabelText("Alamat email (opsional)"), "bukan-alamat");
    await user.click(save);
    expect(await screen.findByText(/Alamat email belum benar/)).toBeDefined();
    expect(server.to("PUT /api/v1/me/notification-preferences")).toHaveLength(0);

    await user.clear(screen.getByLabelText("Alamat email (opsional)"));
    await user.type(screen.getByLabelText("Alamat email (opsional)"), "pribadi@contoh.id");
    await user.selectOptions(screen.getByLabelText("Bahasa email"), "en");
    await user.click(screen.getByRole("button", { name: "Simpan" }));
    expect(await screen.findByText("Pengaturan pemberitahuan disimpan.")).toBeDefined();
    const [put] = server.to("PUT /api/v1/me/notification-preferences");
    expect(put.headers.get("If-Match")).toBe('"0"');
    expect(JSON.parse(put.body)).toEqual({
      in_app: true,
      email: false,
      email_address: "pribadi@contoh.id",
      language: "en",
    });
    expect((await screen.findByTestId("delivery-address")).textContent).toBe(
      "Email pemberitahuan dikirim ke pribadi@contoh.id.",
    );
  });
});
