import { describe, expect, it } from "vitest";
import { ApiError } from "../api/problem";
import i18n from "../i18n";
import { problemText } from "./problemText";

// The answers of the API's abuse limits and failure modes must reach the user in words, not as
// "code rate_limited": a civil servant who hits the claim quota has to know to wait.
function problem(status: number, code: string, detail: string, requestId: string | null) {
  return {
    type: `https://bangkom.id/problems/${code}`,
    title: "",
    status,
    code,
    detail,
    instance: "/api/v1/x",
    request_id: requestId,
  };
}

const HARDENING_CODES = [
  "rate_limited",
  "claim_rate_exceeded",
  "unreadable_request",
  "database_unavailable",
  // Hardening II (issue 13): answers an admin or an ASN can meet in the SPA.
  "sheet_too_large",
  "too_many_rows",
  "position_out_of_scope",
  "idempotency_key_in_use",
  "invalid_cursor",
];

describe("problemText", () => {
  it.each(["id", "en"])("translates the limit and outage codes in %s", async (language) => {
    await i18n.changeLanguage(language);
    const t = i18n.getFixedT(language);
    for (const code of HARDENING_CODES) {
      const error = new ApiError(429, problem(429, code, "server words", "r1"));
      const text = problemText(t, error);
      expect(text.message).not.toBe(t("problem.generic", { code }));
      expect(text.message.length).toBeGreaterThan(10);
      expect(text.code).toBe(code);
      expect(text.requestId).toBe("r1");
      expect(text.detail).toBe("server words");
    }
  });

  it("takes the server's title, written in the UI language, for a code the SPA has no words of its own for", () => {
    const t = i18n.getFixedT("id");
    const error = new ApiError(409, {
      ...problem(422, "invalid_assessment_date", "Tanggal penilaian 2031-01-01 di masa depan", null),
      title: "Tanggal penilaian tidak sah",
    });
    const text = problemText(t, error);
    expect(text.message).toBe("Tanggal penilaian tidak sah");
    expect(text.detail).toBe("Tanggal penilaian 2031-01-01 di masa depan");
  });

  it("does not repeat a detail that says no more than the message", () => {
    const t = i18n.getFixedT("id");
    const error = new ApiError(404, { ...problem(404, "zzz_gone", "Sudah tidak ada", null), title: "Sudah tidak ada" });
    expect(problemText(t, error).detail).toBeUndefined();
  });

  it("falls back to the generic message with the code for an unknown code without a title", () => {
    const t = i18n.getFixedT("en");
    const error = new ApiError(418, problem(418, "teapot", "d", null));
    expect(problemText(t, error).message).toBe(t("problem.generic", { code: "teapot" }));
  });
});
