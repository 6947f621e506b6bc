// End-to-end tests: the built SPA and the real API on a migrated demo database, driven by
// playwright-core through Debian's Chromium (browsers are not downloaded).
//
//   node e2e/run.mjs [--keep] [test files...]      (make test-e2e installs Chromium when missing)
//
// 1. a temporary data directory and SQLite database: `bangkom db upgrade`, `bangkom demo load`;
// 2. `bangkom serve` on a free port, serving frontend/dist (built first if missing);
// 3. node --test over e2e/tests/*.test.mjs, one file at a time; screenshots go to e2e/screenshots/.
// Environment: CHROMIUM (default /usr/bin/chromium), BANGKOM_BIN (default ../.venv/bin/bangkom),
// E2E_ASN (demo size, default 300).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = resolve(here, "..");
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
const bangkom = process.env.BANGKOM_BIN ?? resolve(frontend, "..", ".venv", "bin", "bangkom");
const demoSize = process.env.E2E_ASN ?? "300";
const args = process.argv.slice(2);
const keep = args.includes("--keep");
const only = args.filter((a) => !a.startsWith("--"));
const started = Date.now();

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(2);
}

function step(message) {
  console.log(`e2e [${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}

if (!existsSync(chromium)) fail(`${chromium} not found; install it with: apt-get install -y chromium`);
if (!existsSync(bangkom)) fail(`${bangkom} not found; install the backend first (make backend)`);
if (!existsSync(join(frontend, "dist", "index.html"))) {
  step("building the SPA");
  execFileSync("npm", ["run", "build"], { cwd: frontend, stdio: "inherit" });
}

const work = mkdtempSync(join(tmpdir(), "bangkom-e2e-"));
// Nothing of the caller's Bangkom settings (the Makefile exports its own database) may leak in.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("BANGKOM_")));
Object.assign(env, {
  BANGKOM_DATA_DIR: join(work, "data"),
  BANGKOM_DATABASE_URL: `sqlite+aiosqlite:///${join(work, "data", "bangkom.db")}`,
  BANGKOM_SPA_DIR: join(frontend, "dist"),
  BANGKOM_LOG_LEVEL: "WARNING",
});
mkdirSync(env.BANGKOM_DATA_DIR, { recursive: true });

/** The demo logins from `bangkom demo load`'s table: username, role, and what they reach. */
function parseLogins(output) {
  const logins = [];
  for (const line of output.split("\n")) {
    const match = /^\s+(\S+)\s+Bangkom#2026\s+(asn|opd_admin|bpsdm_admin|auditor)\s+(.*)$/.exec(line);
    if (match) logins.push({ username: match[1], password: "Bangkom#2026", role: match[2], reaches: match[3].trim() });
  }
  return logins;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function waitReady(baseUrl, server) {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) fail(`bangkom serve exited with ${server.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  fail("bangkom serve did not become ready within 30 s");
}

let server;
let code = 1;
try {
  step(`migrating and loading a demo province of ${demoSize} ASN into ${work}`);
  execFileSync(bangkom, ["db", "upgrade"], { env, stdio: ["ignore", "ignore", "inherit"] });
  const demo = execFileSync(bangkom, ["demo", "load", "--asn", demoSize], { env, encoding: "utf8" });
  const logins = parseLogins(demo);
  if (!logins.some((l) => l.role === "asn")) fail(`no demo ASN login in:\n${demo}`);

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  step(`starting bangkom serve on ${baseUrl}`);
  server = spawn(bangkom, ["serve", "--port", String(port)], { env, stdio: ["ignore", "inherit", "inherit"] });
  await waitReady(baseUrl, server);

  const testDir = join(here, "tests");
  const files = only.length
    ? only.map((f) => resolve(f))
    : readdirSync(testDir)
        .filter((f) => f.endsWith(".test.mjs"))
        .sort()
        .map((f) => join(testDir, f));
  step(`running ${files.length} test file(s)`);
  const tests = spawn(process.execPath, ["--test", "--test-concurrency=1", "--test-timeout=90000", ...files], {
    cwd: frontend,
    stdio: "inherit",
    env: {
      ...process.env,
      E2E_BASE_URL: baseUrl,
      E2E_LOGINS: JSON.stringify(logins),
      E2E_SCREENSHOTS: join(here, "screenshots"),
      CHROMIUM: chromium,
    },
  });
  code = await new Promise((r) => tests.on("exit", (exitCode) => r(exitCode ?? 1)));
} finally {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  if (keep) console.log(`e2e: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
step(`${code === 0 ? "passed" : "FAILED"}; screenshots in frontend/e2e/screenshots/`);
process.exit(code);
