// Translation keys are checked at compile time against the Indonesian dictionary (the default);
// a key missing from en.json is caught by src/i18n/i18n.test.ts.
import "i18next";
import type { id } from "./dictionaries";

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof id };
  }
}
