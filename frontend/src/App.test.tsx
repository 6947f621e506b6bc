import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App.tsx";

afterEach(() => {
  cleanup();
});

describe("App", () => {
  it("menampilkan judul dan status API aktif", async () => {
    const fetchMock = vi.fn(async () =>
      new Response(JSON.stringify({ status: "ok" }), {
        status: 200,
        headers: { "Content-Type": "application/json" },
      }),
    );
    vi.stubGlobal("fetch", fetchMock);

    render(<App />);

    expect(
      screen.getByRole("heading", {
        level: 1,
        name: "Bangkom — Pengembangan Kompetensi ASN",
      }),
    ).toBeDefined();
    expect(await screen.findByText("API: aktif")).toBeDefined();
    expect(fetchMock).toHaveBeenCalledWith("/healthz", expect.anything());
    expect(
      screen.getByRole("link", { name: "Dokumentasi API" }).getAttribute("href"),
    ).toBe("/api/docs");
  });

  it("menampilkan API tidak terjangkau bila fetch gagal", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );

    render(<App />);

    expect(await screen.findByText("API: tidak terjangkau")).toBeDefined();
  });
});
