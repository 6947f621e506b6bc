import { screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import "../i18n";
import { UNREAD_POLL_MS } from "../api/queries/notifications";
import { renderPage } from "../areas/bpsdm/testing";
import { fakeApi, json, problem } from "../test/fakeApi";
import { NotificationBell } from "./NotificationBell";

const page = (unread: number) => json({ items: [], next_cursor: null, total: unread, unread_count: unread });

describe("the header's bell", () => {
  it("links to the inbox with the unread count, asking for one item only", async () => {
    const server = fakeApi({ "GET /api/v1/me/notifications": () => page(3) });
    renderPage(<NotificationBell />);
    const bell = await screen.findByRole("link", { name: "Notifikasi, 3 belum dibaca" });
    expect(bell.getAttribute("href")).toBe("/kotak-masuk");
    expect(screen.getByTestId("unread-count").textContent).toBe("3");
    const [call] = server.to("GET /api/v1/me/notifications");
    expect([call.query.get("unread"), call.query.get("limit")]).toEqual(["true", "1"]);
    expect(UNREAD_POLL_MS).toBe(60_000);
  });

  it("shows no number when all is read, and 99+ beyond 99", async () => {
    fakeApi({ "GET /api/v1/me/notifications": () => page(0) });
    const { unmount } = renderPage(<NotificationBell />);
    await screen.findByRole("link", { name: "Notifikasi" });
    await waitFor(() => expect(screen.queryByTestId("unread-count")).toBeNull());
    unmount();
    fakeApi({ "GET /api/v1/me/notifications": () => page(250) });
    renderPage(<NotificationBell />);
    expect((await screen.findByTestId("unread-count")).textContent).toBe("99+");
    expect(screen.getByRole("link", { name: "Notifikasi, 250 belum dibaca" })).toBeDefined();
  });

  it("stays a plain link to the inbox when the count cannot be read", async () => {
    const server = fakeApi({ "GET /api/v1/me/notifications": () => problem(403, "forbidden") });
    renderPage(<NotificationBell />);
    await waitFor(() => expect(server.to("GET /api/v1/me/notifications")).toHaveLength(1));
    expect(screen.getByRole("link", { name: "Notifikasi" }).getAttribute("href")).toBe("/kotak-masuk");
  });
});
