import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";
import i18n, { DEFAULT_LANGUAGE } from "../i18n";

// Test files share one jsdom per worker (vite.config.ts: `isolate: false`), so whatever a test
// changes in the page's globals must be put back before the next test, whichever file it is in.

// Vitest's jsdom URL has its own createObjectURL, which turns jsdom's Blob and File into Node's.
// Tests that stub object URLs and then delete the stub would leave Node's inherited one, which throws
// on a jsdom File (a later file's certificate preview then renders nothing), so the originals are
// kept from the worker's first file (setup runs again before every file) and restored after each test.
const URL_STATICS = ["createObjectURL", "revokeObjectURL"] as const;
type Statics = Partial<Record<(typeof URL_STATICS)[number], PropertyDescriptor>>;
const holder = globalThis as unknown as { __bangkomUrlStatics?: Statics };
holder.__bangkomUrlStatics ??= Object.fromEntries(
  URL_STATICS.map((name) => [name, Object.getOwnPropertyDescriptor(URL, name)]),
) as Statics;
const urlStatics: Statics = holder.__bangkomUrlStatics;

function restoreUrlStatics() {
  for (const name of URL_STATICS) {
    const original = urlStatics[name];
    if (original) Object.defineProperty(URL, name, original);
    else Reflect.deleteProperty(URL, name);
  }
}

afterEach(async () => {
  cleanup();
  // A test that fails before its own vi.useRealTimers() must not leave fake timers to the next file.
  vi.useRealTimers();
  restoreUrlStatics();
  localStorage.clear();
  sessionStorage.clear();
  await i18n.changeLanguage(DEFAULT_LANGUAGE);
});
