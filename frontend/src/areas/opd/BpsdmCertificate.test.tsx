import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { createQueryClient } from "../../queryClient";
import { fakeApi, type Handler, json, problem } from "../../test/fakeApi";
import { BpsdmCertificate } from "./RecordPanel";

const NUMBER = "BPSDM-KT-2026-BPSDM015-A01-0003-7KQ2";
const CHECK = {
  number: NUMBER,
  name: "Antonius Sampe, S.Kom.",
  course_title: "Pelatihan Pelayanan Publik",
  starts_on: "2026-11-21",
  ends_on: "2026-11-29",
  jp: 73,
  issued_on: "2026-12-01",
  issuer: "BPSDM Provinsi Kalimantan Timur",
  valid: true,
  revoked: false,
};

function renderBadge(number: string, holder: string, answer: Handler) {
  const server = fakeApi({ [`GET /api/v1/public/certificates/${number}`]: answer });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <BpsdmCertificate number={number} holder={holder} />
    </QueryClientProvider>,
  );
  return server;
}

describe("a BPSDM certificate number on a claim", () => {
  it("shows the public record when it was issued to the claimant", async () => {
    renderBadge(NUMBER, "antonius  sampe, s.kom.", () => json(CHECK));
    const badge = await screen.findByTestId("bpsdm-certificate");
    expect(badge.dataset.state).toBe("valid");
    expect(badge.textContent).toBe(
      "✓ Sertifikat BPSDM terdaftar atas nama Antonius Sampe, S.Kom.: Pelatihan Pelayanan Publik, 73 JP",
    );
  });

  it("warns when the certificate was issued to someone else", async () => {
    renderBadge(NUMBER, "Siti Aminah", () => json(CHECK));
    expect((await screen.findByTestId("bpsdm-certificate")).dataset.state).toBe("other");
  });

  it("warns when it was revoked", async () => {
    renderBadge(NUMBER, CHECK.name, () => json({ ...CHECK, valid: false, revoked: true }));
    const badge = await screen.findByTestId("bpsdm-certificate");
    expect(badge.dataset.state).toBe("revoked");
    expect(badge.textContent).toBe("⚠ Sertifikat BPSDM ini telah dicabut");
  });

  it("warns when BPSDM never issued the number", async () => {
    renderBadge(NUMBER, CHECK.name, () => problem(404, "certificate_not_found"));
    const badge = await screen.findByTestId("bpsdm-certificate");
    expect(badge.dataset.state).toBe("unknown");
  });

  it("asks nothing about numbers of other issuers", async () => {
    const server = renderBadge("SERT/123/2026", CHECK.name, () => json(CHECK));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByTestId("bpsdm-certificate")).toBeNull();
    expect(server.to("GET /api/v1/public/certificates/SERT/123/2026")).toHaveLength(0);
  });
});
