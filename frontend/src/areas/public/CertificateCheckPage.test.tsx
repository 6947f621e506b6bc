import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it } from "vitest";
import i18n, { setLanguage } from "../../i18n";
import { fakeApi, json, problem } from "../../test/fakeApi";
import { renderPage } from "../bpsdm/testing";
import { CertificateCheckPage } from "./CertificateCheckPage";

const NUMBER = "BPSDM-KT-2026-LATSAR-A01-0007-7KQ2";
const CERTIFICATE = {
  number: NUMBER,
  name: "Siti Rahmawati",
  course_title: "Pelatihan Dasar CPNS",
  starts_on: "2026-03-02",
  ends_on: "2026-04-30",
  jp: 1141,
  issued_on: "2026-05-04",
  issuer: "BPSDM Provinsi Kalimantan Timur",
  valid: true,
  revoked: false,
};

function open(number = NUMBER) {
  return renderPage(<CertificateCheckPage />, { path: `/sertifikat/${number}`, route: "/sertifikat/:number" });
}

afterEach(async () => {
  await setLanguage("id");
});

describe("the public certificate check", { timeout: 20_000 }, () => {
  it("shows a valid certificate in Indonesian without logging in", async () => {
    const server = fakeApi({ [`GET /api/v1/public/certificates/${NUMBER}`]: () => json(CERTIFICATE) });
    open();
    expect(await screen.findByText("Sertifikat sah")).toBeDefined();
    expect(screen.getByText("Siti Rahmawati")).toBeDefined();
    expect(screen.getByText("Pelatihan Dasar CPNS")).toBeDefined();
    expect(screen.getByText(/1\.141 JP/)).toBeDefined();
    expect(screen.getByText(/s\.d\./)).toBeDefined();
    const [call] = server.to(`GET /api/v1/public/certificates/${NUMBER}`);
    expect(call?.headers.get("Authorization")).toBeNull();
    expect(server.calls.map((c) => c.path)).toEqual([`/api/v1/public/certificates/${NUMBER}`]);
  });

  it("switches to English", async () => {
    fakeApi({ [`GET /api/v1/public/certificates/${NUMBER}`]: () => json(CERTIFICATE) });
    open();
    await screen.findByText("Sertifikat sah");
    await userEvent.setup().click(screen.getByRole("button", { name: /english|en/i }));
    expect(await screen.findByText("Valid certificate")).toBeDefined();
    expect(i18n.language).toBe("en");
  });

  it("says a revoked certificate is not valid", async () => {
    fakeApi({
      [`GET /api/v1/public/certificates/${NUMBER}`]: () => json({ ...CERTIFICATE, valid: false, revoked: true }),
    });
    open();
    expect(await screen.findByText("Sertifikat tidak berlaku")).toBeDefined();
    expect(screen.queryByText("Sertifikat sah")).toBeNull();
    expect(screen.getByText("Siti Rahmawati")).toBeDefined();
  });

  it("says an unknown number was not found", async () => {
    fakeApi({ "GET /api/v1/public/certificates/NOPE": () => problem(404, "certificate_not_found") });
    open("NOPE");
    expect(await screen.findByText("Sertifikat tidak ditemukan")).toBeDefined();
    expect(screen.queryByText("Nama")).toBeNull();
  });
});
