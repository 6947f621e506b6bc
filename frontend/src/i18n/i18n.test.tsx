import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useTranslation } from "react-i18next";
import { describe, expect, it } from "vitest";
import { en, id } from "./dictionaries";
import { makeFormat } from "./format";
import i18n, { LANGUAGE_KEY, storedLanguage } from "./index";
import { LanguageSwitch } from "./LanguageSwitch";

function keysOf(tree: object, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "object" && value !== null ? keysOf(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

function Greeting() {
  const { t } = useTranslation();
  return <h1>{t("auth.loginTitle")}</h1>;
}

describe("language switch", () => {
  it("starts in Indonesian, switches to English, and remembers the choice", async () => {
    const user = userEvent.setup();
    render(
      <>
        <LanguageSwitch />
        <Greeting />
      </>,
    );
    expect(screen.getByRole("heading").textContent).toBe("Masuk ke Bangkom");
    expect(screen.getByRole("button", { name: "ID" }).getAttribute("aria-pressed")).toBe("true");

    await user.click(screen.getByRole("button", { name: "EN" }));

    expect(screen.getByRole("heading").textContent).toBe("Sign in to Bangkom");
    expect(screen.getByRole("button", { name: "EN" }).getAttribute("aria-pressed")).toBe("true");
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe("en");
    expect(document.documentElement.lang).toBe("en");
    expect(storedLanguage()).toBe("en");

    await user.click(screen.getByRole("button", { name: "ID" }));
    expect(screen.getByRole("heading").textContent).toBe("Masuk ke Bangkom");
    expect(localStorage.getItem(LANGUAGE_KEY)).toBe("id");
  });

  it("ignores a stored value that is not a supported language", () => {
    localStorage.setItem(LANGUAGE_KEY, "fr");
    expect(storedLanguage()).toBe("id");
  });

  it("has every key in both dictionaries", () => {
    expect(keysOf(en).sort()).toEqual(keysOf(id).sort());
  });

  it("pluralises with the count", async () => {
    expect(i18n.t("opd.queueCount", { count: 3 })).toBe("3 klaim menunggu verifikasi");
    await i18n.changeLanguage("en");
    expect(i18n.t("opd.queueCount", { count: 1 })).toBe("1 claim awaiting verification");
  });
});

describe("formatting", () => {
  it("uses Indonesian conventions by default", () => {
    const f = makeFormat("id-ID");
    expect(f.number(1234.5)).toBe("1.234,5");
    expect(f.percent(66.67)).toBe("66,7%");
    expect(f.date("2026-08-17")).toBe("17 Agu 2026");
    expect(f.rupiah(1500000).replace(/\s/g, " ")).toBe("Rp 1.500.000");
  });

  it("keeps a calendar date on its day whatever the time zone", () => {
    const f = makeFormat("en-GB");
    expect(f.date("2026-01-01")).toBe("1 Jan 2026");
    expect(f.number(1234.5)).toBe("1,234.5");
  });
});
