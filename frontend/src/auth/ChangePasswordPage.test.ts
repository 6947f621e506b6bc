import i18n from "i18next";
import { describe, expect, it } from "vitest";
import "../i18n";
import { passwordProblems } from "./ChangePasswordPage";

describe("passwordProblems", () => {
  const t = i18n.getFixedT("id");
  it("accepts a good password", () => {
    expect(
      passwordProblems(t, "198703122010012004", "Kmn4hjR-7qwA3xe", "Sungai Mahakam 2026", "Sungai Mahakam 2026"),
    ).toEqual({});
  });
  it("applies the API's policy before sending", () => {
    expect(passwordProblems(t, "opd.a", "", "pendek", "pendek")).toMatchObject({
      current: "Wajib diisi.",
      next: "Minimal 10 karakter.",
    });
    expect(passwordProblems(t, "opd.a", "x", "xx-OPD.A-2026", "xx-OPD.A-2026").next).toMatch(/nama pengguna/);
    expect(passwordProblems(t, "opd.a", "Rahasia#20261", "Rahasia#20261", "Rahasia#20261").next).toMatch(/berbeda/);
    expect(passwordProblems(t, "opd.a", "x", "Sungai Mahakam 2026", "Sungai Mahakam 2025").repeat).toMatch(
      /tidak sama/,
    );
  });
});
