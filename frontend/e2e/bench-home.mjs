// Time to data on the ASN home page (/saya) in headless Chromium; driven by bench/spa_home.py, which
// starts the server on a demo database. Prints one JSON object on stdout.
//
//   BENCH_BASE_URL=http://127.0.0.1:8314 BENCH_USERNAME=<nip> BENCH_PASSWORD=... node e2e/bench-home.mjs
//
// "Data visible" is the JP ring: the element with role=progressbar whose aria-label starts with
// "Jam Pelajaran (JP) " (asn.jpTitle) and that has a layout box. It only renders once
// /asn/{nip}/jp-summary has answered (a spinner stands in before). A MutationObserver installed
// before any page script notes performance.now() when it appears, so the figures are measured in
// the page (from navigation start, or from the click) without the latency of polling from here.
//
// Three ways onto the page, each `BENCH_RUNS` times after `BENCH_WARMUP` unmeasured ones:
//   cold:   a new browser context (empty HTTP cache and memory), the tab's stored refresh token put
//           into sessionStorage as a reload would find it, then a navigation to /saya;
//   reload: a reload of /saya in the logged-in tab (warm HTTP cache; the session is restored from
//           sessionStorage exactly as after F5);
//   click:  a fresh load of another page of the area (/saya/<unknown>, the area's "not found" page,
//           which owns no JP data), then a click on the header's "Beranda Saya" link.
import { chromium } from "playwright-core";

const BASE_URL = need("BENCH_BASE_URL");
const USERNAME = need("BENCH_USERNAME");
const PASSWORD = need("BENCH_PASSWORD");
const RUNS = Number(process.env.BENCH_RUNS ?? "20");
const WARMUP = Number(process.env.BENCH_WARMUP ?? "2");
const REFRESH_TOKEN_KEY = "bangkom.refresh_token";
const RING_SELECTOR = '[role="progressbar"][aria-label^="Jam Pelajaran (JP) "]';

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run bench/spa_home.py)`);
  return value;
}

// Runs before the app's scripts in every document: note when the ring first has a box, and when
// the last click happened.
function observer(selector) {
  window.__bench = { ringAt: null, clickAt: null };
  document.addEventListener("click", () => (window.__bench.clickAt = performance.now()), true);
  const seen = () => {
    const ring = document.querySelector(selector);
    if (!ring || window.__bench.ringAt !== null) return false;
    const box = ring.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || !ring.hasAttribute("aria-valuenow")) return false;
    window.__bench.ringAt = performance.now();
    return true;
  };
  new MutationObserver((_, obs) => seen() && obs.disconnect()).observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
  });
}

function seedSession([key, token]) {
  if (token && !sessionStorage.getItem(key)) sessionStorage.setItem(key, token);
}

async function newContext(browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    baseURL: BASE_URL,
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
  });
  await context.addInitScript(observer, RING_SELECTOR);
  return context;
}

/** Wait for the ring and return the page's own timings. */
async function ringTimes(page) {
  try {
    await page.waitForFunction(() => window.__bench?.ringAt !== null, null, { timeout: 30_000, polling: 50 });
  } catch (error) {
    throw new Error(`no JP ring on ${page.url()} within 30 s`, { cause: error });
  }
  const times = await page.evaluate(() => window.__bench);
  const now = await page.locator(RING_SELECTOR).getAttribute("aria-valuenow");
  if (now === null || Number.isNaN(Number(now))) throw new Error(`the ring has no value: ${now}`);
  return times;
}

async function logIn(page) {
  await page.goto("/login");
  await page.getByLabel("NIP atau nama pengguna").fill(USERNAME);
  await page.getByLabel("Kata sandi").fill(PASSWORD);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/saya", { timeout: 30_000 });
  await ringTimes(page);
}

async function repeat(label, once) {
  const samples = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    let ms;
    try {
      ms = await once();
    } catch (error) {
      throw new Error(`${label} run ${i + 1}: ${error.message}`, { cause: error });
    }
    if (i >= WARMUP) samples.push(Math.round(ms * 10) / 10);
  }
  process.stderr.write(`${label}: ${samples.join(" ")}\n`);
  return samples;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
  ],
});
try {
  // The cold runs carry the rotating refresh token of a login of their own from one context to the
  // next, as one tab would (the server treats a second use of a refresh token as theft, so the tab
  // of the other runs must not share it).
  const seed = await newContext(browser);
  await logIn(await seed.newPage());
  let token = await seed.pages()[0].evaluate((key) => sessionStorage.getItem(key), REFRESH_TOKEN_KEY);
  if (!token) throw new Error("no refresh token in sessionStorage after the login");
  await seed.close();
  const cold = await repeat("cold", async () => {
    const fresh = await newContext(browser);
    await fresh.addInitScript(seedSession, [REFRESH_TOKEN_KEY, token]);
    const tab = await fresh.newPage();
    await tab.goto("/saya");
    const { ringAt } = await ringTimes(tab);
    if (new URL(tab.url()).pathname !== "/saya") throw new Error(`cold load ended on ${tab.url()}`);
    token = await tab.evaluate((key) => sessionStorage.getItem(key), REFRESH_TOKEN_KEY);
    await fresh.close();
    return ringAt;
  });

  const context = await newContext(browser);
  const page = await context.newPage();
  await logIn(page);
  const reload = await repeat("reload", async () => {
    await page.reload();
    return (await ringTimes(page)).ringAt;
  });

  const link = page.getByRole("navigation", { name: "Navigasi utama" }).getByRole("link", { name: "Beranda Saya" });
  const click = await repeat("click", async () => {
    await page.goto("/saya/bench-elsewhere");
    await link.waitFor();
    if ((await page.locator(RING_SELECTOR).count()) !== 0) throw new Error("the ring is on the other page");
    await link.click();
    const { ringAt, clickAt } = await ringTimes(page);
    if (clickAt === null) throw new Error("the click was not seen");
    return ringAt - clickAt;
  });

  await context.close();
  process.stdout.write(
    `${JSON.stringify({ selector: RING_SELECTOR, runs: RUNS, warmup: WARMUP, samples_ms: { cold, reload, click } })}\n`,
  );
} finally {
  await browser.close();
}
