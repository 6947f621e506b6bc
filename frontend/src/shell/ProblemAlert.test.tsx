import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import { currentUser } from "../api/queries/auth";
import "../i18n";
import { ProblemAlert } from "./ProblemAlert";

const failure = new ApiError(422, {
  type: "https://bangkom.id/problems/invalid_assessment_date",
  title: "Tanggal penilaian tidak sah",
  status: 422,
  code: "invalid_assessment_date",
  detail: "Tanggal penilaian 2031-01-01 di masa depan",
  instance: "/api/v1/asn/199001012020011001/learning-records",
  request_id: "req-7",
});

function withUser(role: string | null, children: ReactNode) {
  const client = new QueryClient();
  if (role) client.setQueryData(currentUser().queryKey, { role, username: "x" } as never);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

describe("ProblemAlert", () => {
  it("tells everyone what went wrong in their language", () => {
    render(withUser("asn", <ProblemAlert error={failure} />));
    const alert = screen.getByRole("alert");
    expect(alert.textContent).toContain("Tanggal penilaian tidak sah");
    expect(alert.textContent).toContain("Tanggal penilaian 2031-01-01 di masa depan");
  });

  it.each(["asn", "auditor", null])("hides the request id and code from %s", (role) => {
    render(withUser(role, <ProblemAlert error={failure} />));
    expect(screen.queryByText("Rincian teknis")).toBeNull();
    expect(screen.getByRole("alert").textContent).not.toContain("req-7");
  });

  it("hides them on a page outside the query provider (the crash page) too", () => {
    render(<ProblemAlert error={failure} />);
    expect(screen.queryByText("Rincian teknis")).toBeNull();
  });

  it.each(["opd_admin", "bpsdm_admin"])("shows them to %s, who report faults to support", (role) => {
    render(withUser(role, <ProblemAlert error={failure} />));
    expect(screen.getByText("Rincian teknis")).toBeDefined();
    expect(screen.getByRole("alert").textContent).toContain("req-7");
    expect(screen.getByText("invalid_assessment_date")).toBeDefined();
  });
});
