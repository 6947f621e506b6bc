// Helpers for the end-to-end tests (run through e2e/run.mjs, which provides the environment).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE_URL = required("E2E_BASE_URL");
export const SCREENSHOTS = required("E2E_SCREENSHOTS");
/** @type {{ username: string, password: string, role: string, reaches: string }[]} */
export const LOGINS = JSON.parse(required("E2E_LOGINS"));
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 780 };

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through e2e/run.mjs (make test-e2e)`);
  return value;
}

/** The first demo login of a role; for "asn", `type` picks the PNS or the PPPK one. */
export function demoLogin(role, type = "PNS") {
  const login = LOGINS.find((l) => l.role === role && (role !== "asn" || l.reaches.includes(`(${type})`)));
  if (!login) throw new Error(`no demo login for ${role} ${type}`);
  return login;
}

export function launch() {
  return chromium.launch({
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
}

/** A fresh browser context (its own sessionStorage and localStorage) and page. */
export async function newPage(browser, viewport = DESKTOP) {
  const context = await browser.newContext({
    viewport,
    baseURL: BASE_URL,
    locale: "id-ID",
    timezoneId: "Asia/Makassar",
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Log in through the login page and wait for the role's home. */
export async function logIn(page, login) {
  await page.goto("/login");
  await page.getByLabel("NIP atau nama pengguna").fill(login.username);
  await page.getByLabel("Kata sandi").fill(login.password);
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await page.waitForURL((url) => url.pathname !== "/login");
}

/**
 * Save the page at 1280×800 and at 360×780 (a phone) as e2e/screenshots/<name>-desktop.png and
 * <name>-phone.png (`only` picks one of them); the viewport is put back afterwards.
 */
export async function screenshots(page, name, { only } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  const sizes = [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ].filter(([label]) => !only || label === only);
  for (const [label, size] of sizes) {
    await page.setViewportSize(size);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true, animations: "disabled" });
  }
  if (original) await page.setViewportSize(original);
}

/** Call the API directly (test set-up and cross-checks), with a bearer token when given. */
export async function api(path, { token, method = "GET", form, body } = {}) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    payload = new URLSearchParams(form).toString();
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(`${BASE_URL}${path}`, { method, headers, body: payload });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

/** An access token for a demo login, obtained outside the browser. */
export async function accessToken(login) {
  const { status, body } = await api("/api/v1/auth/token", {
    method: "POST",
    form: { grant_type: "password", username: login.username, password: login.password },
  });
  if (status !== 200) throw new Error(`login of ${login.username} failed: ${status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * Retry an assertion until it holds (the UI updates after events and requests settle), failing with
 * its last error after `timeoutMs`. playwright-core has no expect(); this is the small part we need.
 */
export async function eventually(assertion, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A small but well-formed one-page PDF (header, objects, xref with true offsets, trailer). */
export function tinyPdf(text) {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    null, // the content stream, below
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  const stream = `BT /F1 18 Tf 30 100 Td (${text}) Tj ET`;
  objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((body, index) => {
    const offset = pdf.length;
    pdf += `${index + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}
