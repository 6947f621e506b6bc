import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";
import i18n, { DEFAULT_LANGUAGE } from "../i18n";

afterEach(async () => {
  cleanup();
  localStorage.clear();
  sessionStorage.clear();
  await i18n.changeLanguage(DEFAULT_LANGUAGE);
});
