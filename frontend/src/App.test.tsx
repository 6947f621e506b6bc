import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import App from "./App";
import { session } from "./api/client";
import "./i18n";
import { createQueryClient } from "./queryClient";
import { fakeApi, type Handler, json, problem, tokens } from "./test/fakeApi";

const NIP = "198901062015011008";
const PASSWORD = "Bangkom#2026";
const PROFILE = {
  nip: NIP,
  name: "Antonius Sampe, S.Kom.",
  email: null,
  phone: null,
  employment_type: "pns",
  unit_id: 101,
  position_id: 819,
  gender: "male",
  birth_date: "1989-01-06",
  golongan: "III/b",
  education_level: "S1",
  active: true,
  updated_at: "2026-01-05T03:00:00Z",
};
const SUMMARY = {
  nip: NIP,
  year: 2026,
  employment_type: "pns",
  verified_jp: 15,
  pending_jp: 11.75,
  target_jp: 20,
  cap_jp: null,
  remaining_jp: 5,
  compliant: false,
  over_cap: null,
  by_form: [],
};

/** A backend with one ASN login; tokens numbered access-1, access-2, … */
function backend(overrides: Record<string, Handler> = {}) {
  let issued = 0;
  return fakeApi({
    "POST /api/v1/auth/token": (request) => {
      const form = Object.fromEntries(new URLSearchParams(request.body));
      if (form.grant_type === "password" && form.password !== PASSWORD) {
        return problem(400, "invalid_grant", "Invalid username or password");
      }
      if (form.grant_type === "refresh_token" && form.refresh_token === "revoked") return problem(400, "invalid_grant");
      issued += 1;
      return tokens(`access-${issued}`, `refresh-${issued}`);
    },
    "POST /api/v1/auth/revoke": () => new Response(null, { status: 200 }),
    "GET /api/v1/auth/me": () => json({ username: NIP, role: "asn", nip: NIP, unit_id: 101, scopes: [] }),
    [`GET /api/v1/asn/${NIP}`]: () => json(PROFILE, 200, { ETag: '"1"' }),
    [`GET /api/v1/asn/${NIP}/jp-summary`]: () => json(SUMMARY),
    ...overrides,
  });
}

function renderApp(path: string) {
  return render(<App session={session} queryClient={createQueryClient()} initialPath={path} />);
}

async function logIn(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText(/NIP atau nama pengguna/), NIP);
  await user.type(screen.getByLabelText(/Kata sandi/), PASSWORD);
  await user.click(screen.getByRole("button", { name: "Masuk" }));
}

afterEach(async () => {
  await session.logout();
});

describe("login", () => {
  it("sends an anonymous visitor to the login page and explains a refused password in Indonesian", async () => {
    const user = userEvent.setup();
    backend();
    renderApp("/saya");

    await user.type(await screen.findByLabelText(/NIP atau nama pengguna/), NIP);
    await user.type(screen.getByLabelText(/Kata sandi/), "salah");
    await user.click(screen.getByRole("button", { name: "Masuk" }));

    expect((await screen.findByRole("alert")).textContent).toContain("NIP/nama pengguna atau kata sandi salah.");
    expect(session.status).toBe("anonymous");
  });

  it("flags empty fields without calling the API", async () => {
    const user = userEvent.setup();
    const server = backend();
    renderApp("/login");

    await user.click(await screen.findByRole("button", { name: "Masuk" }));

    const username = screen.getByLabelText(/NIP atau nama pengguna/);
    expect(username.getAttribute("aria-invalid")).toBe("true");
    const describedBy = username.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy)?.textContent).toBe("Wajib diisi.");
    expect(server.to("POST /api/v1/auth/token")).toHaveLength(0);
  });

  it("takes an ASN to /saya with this year's JP ring", async () => {
    const user = userEvent.setup();
    backend();
    renderApp("/");

    await logIn(user);

    const ring = await screen.findByRole("progressbar", { name: "Jam Pelajaran (JP) 2026" });
    expect(ring.getAttribute("aria-valuenow")).toBe("15");
    expect(ring.getAttribute("aria-valuemax")).toBe("20");
    expect(screen.getByText("Kurang 5 JP untuk memenuhi target")).toBeDefined();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toBe("Halo, Antonius Sampe, S.Kom.");
    expect(screen.getByRole("link", { name: "Beranda Saya" }).getAttribute("href")).toBe("/saya");
  });
});

describe("an expired session", () => {
  it("asks for the password over the page, keeps what was typed, and then saves it", async () => {
    const user = userEvent.setup();
    let saved: unknown = null;
    const server = backend({
      [`PATCH /api/v1/asn/${NIP}`]: (request) => {
        if (request.headers.get("Authorization") === "Bearer access-1") return problem(401, "unauthorized");
        saved = JSON.parse(request.body);
        return json({ ...PROFILE, ...(saved as object) }, 200, { ETag: '"2"' });
      },
    });
    renderApp("/login");
    await logIn(user);
    const email = await screen.findByLabelText("Surel");
    await user.type(email, "antonius@kaltimprov.go.id");
    // The login was revoked elsewhere: the next refresh will be refused.
    sessionStorage.setItem("bangkom.refresh_token", "revoked");

    await user.click(screen.getByRole("button", { name: "Simpan" }));

    const dialog = await screen.findByRole("dialog", { name: "Sesi Anda telah berakhir" });
    expect((screen.getByLabelText("Surel") as HTMLInputElement).value).toBe("antonius@kaltimprov.go.id");
    expect((within(dialog).getByLabelText(/NIP atau nama pengguna/) as HTMLInputElement).value).toBe(NIP);
    expect(saved).toBeNull();

    await user.type(within(dialog).getByLabelText(/Kata sandi/), PASSWORD);
    await user.click(within(dialog).getByRole("button", { name: "Masuk lagi" }));

    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(await screen.findByText("Perubahan tersimpan.")).toBeDefined();
    expect(saved).toEqual({ email: "antonius@kaltimprov.go.id" });
    expect((screen.getByLabelText("Surel") as HTMLInputElement).value).toBe("antonius@kaltimprov.go.id");
    const patches = server.to(`PATCH /api/v1/asn/${NIP}`);
    expect(patches.map((p) => p.headers.get("If-Match"))).toEqual(['"1"', '"1"']);
  });
});

describe("the shell", () => {
  it("shows a 404 page inside the shell for an unknown path", async () => {
    const user = userEvent.setup();
    backend();
    const first = renderApp("/login");
    await logIn(user);
    await screen.findByRole("progressbar", { name: /Jam Pelajaran/ });
    first.unmount(); // still logged in: the session outlives the app
    renderApp("/tidak-ada");

    expect(await screen.findByRole("heading", { name: "Halaman tidak ditemukan" })).toBeDefined();
    expect(screen.getByText("Alamat /tidak-ada tidak ada di Bangkom.")).toBeDefined();
  });

  it("refuses another role's area", async () => {
    const user = userEvent.setup();
    backend();
    const first = renderApp("/login");
    await logIn(user);
    await screen.findByRole("progressbar", { name: /Jam Pelajaran/ });
    first.unmount();
    renderApp("/bpsdm");

    expect(await screen.findByRole("heading", { name: "Tidak ada akses" })).toBeDefined();
  });

  it("shows a failing page's problem in the error boundary, without the technical details an ASN has no use for", async () => {
    const user = userEvent.setup();
    vi.spyOn(console, "error").mockImplementation(() => undefined); // React reports the caught error
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
    backend({
      [`GET /api/v1/asn/${NIP}/jp-summary`]: () => problem(404, "asn_not_found", "No ASN with NIP 1989 in your scope"),
    });
    renderApp("/login");
    await logIn(user);

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("ASN tidak ditemukan.");
    expect(alert.textContent).toContain("No ASN with NIP 1989 in your scope");
    expect(alert.textContent).not.toContain("req-1");
    expect(alert.textContent).not.toContain("Rincian teknis");
    expect(screen.getByRole("heading", { level: 1, name: "Halaman gagal ditampilkan" })).toBeDefined();
    expect(screen.getByRole("button", { name: "Keluar" })).toBeDefined(); // the shell is still there
  });
});
