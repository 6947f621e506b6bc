import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, PHONE, screenshots } from "../lib.mjs";

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("the login page explains a wrong password in Indonesian", async () => {
  const page = await newPage(browser);
  await page.goto("/saya");
  await page.waitForURL("**/login");
  await screenshots(page, "login");
  await page.getByLabel("NIP atau nama pengguna").fill("bpsdm");
  await page.getByLabel("Kata sandi").fill("salah");
  await page.getByRole("button", { name: "Masuk", exact: true }).click();
  await page.getByRole("alert").getByText("NIP/nama pengguna atau kata sandi salah.").waitFor();
  await page.context().close();
});

test("an OPD admin lands on the verification queue", async () => {
  const admin = demoLogin("opd_admin");
  const page = await newPage(browser);
  await logIn(page, admin);

  assert.equal(new URL(page.url()).pathname, "/opd");
  const queue = (await api("/api/v1/verification-queue?limit=1", { token: await accessToken(admin) })).body;
  const count = page.getByTestId("queue-count");
  await count.waitFor();
  assert.match(await count.innerText(), new RegExp(`^${queue.total} klaim menunggu verifikasi$`));
  await screenshots(page, "opd-queue");
  await page.context().close();
});

test("a BPSDM admin lands on the province dashboard", async () => {
  const admin = demoLogin("bpsdm_admin");
  const page = await newPage(browser);
  await logIn(page, admin);

  assert.equal(new URL(page.url()).pathname, "/bpsdm");
  const report = (await api("/api/v1/reports/jp-compliance", { token: await accessToken(admin) })).body;
  const expected = new Intl.NumberFormat("id-ID", { style: "percent", maximumFractionDigits: 1 }).format(
    report.compliance_pct / 100,
  );
  assert.equal(await page.getByTestId("province-compliance").innerText(), expected);
  await page.getByRole("searchbox", { name: "Cari perangkat daerah" }).fill("Komunikasi");
  await page.getByRole("cell", { name: "Dinas Komunikasi dan Informatika" }).waitFor();
  await page.getByRole("searchbox", { name: "Cari perangkat daerah" }).fill("");
  await screenshots(page, "bpsdm-dashboard");
  await page.context().close();
});

test("on a 360 px phone the navigation folds into a menu and nothing scrolls sideways", async () => {
  const page = await newPage(browser, PHONE);
  await logIn(page, demoLogin("bpsdm_admin"));
  await page.getByTestId("province-compliance").waitFor();

  const verification = page.getByRole("link", { name: "Verifikasi", exact: true });
  assert.equal(await verification.isVisible(), false);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `page is ${width} px wide`);

  const menu = page.getByRole("button", { name: /^(Menu|Tutup menu)$/ }); // its label follows its state
  assert.equal(await menu.getAttribute("aria-expanded"), "false");
  await menu.click();
  await eventually(async () => assert.equal(await menu.getAttribute("aria-expanded"), "true"));
  await screenshots(page, "menu-open", { only: "phone" });
  await verification.click();
  await page.waitForURL("**/opd");
  // The menu closes after navigating.
  await verification.waitFor({ state: "hidden" });
  assert.equal(await menu.getAttribute("aria-expanded"), "false");
  await page.context().close();
});

test("the English switch is remembered, and unknown paths get the 404 page", async () => {
  const page = await newPage(browser);
  await logIn(page, demoLogin("asn", "PNS"));
  await page.getByRole("button", { name: "EN", exact: true }).click();
  await page.getByRole("heading", { name: /^Learning hours \(JP\)/ }).waitFor();

  await page.reload();
  await page.getByRole("heading", { name: /^Learning hours \(JP\)/ }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");

  await page.goto("/tidak-ada");
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await page.getByRole("button", { name: "ID", exact: true }).click();
  await page.getByRole("heading", { name: "Halaman tidak ditemukan" }).waitFor();
  await screenshots(page, "not-found");
  await page.context().close();
});
