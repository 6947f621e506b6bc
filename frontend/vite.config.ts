import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// The FastAPI backend listens on 127.0.0.1:8000 during development.
const backend = "http://127.0.0.1:8000";

export default defineConfig({
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
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
    unstubGlobals: true,
  },
});
