import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The FastAPI backend listens on 127.0.0.1:8000 during development.
const backend = "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    // scripts/bundle-size.mjs reads it to find the initial chunk and its static imports.
    manifest: true,
    rolldownOptions: {
      output: {
        // Libraries in a chunk of their own: it changes less often than the app, so browsers keep it.
        codeSplitting: { groups: [{ name: "vendor", test: /node_modules/ }] },
      },
    },
  },
  server: {
    proxy: {
      "/api": backend,
      "/healthz": backend,
      "/readyz": backend,
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    unstubGlobals: true,
    restoreMocks: true,
    // One jsdom and one module graph per worker instead of one per file: building them was most of the
    // run (142 s -> 34 s here). src/test/setup.ts puts back after each test the globals tests change.
    isolate: false,
    // jsdom tests that click through several steps take 1-2 s alone and more on a busy 2-core CI host.
    testTimeout: 20_000,
  },
});
