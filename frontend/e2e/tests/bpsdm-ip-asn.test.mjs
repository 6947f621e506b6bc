import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

let browser;
let token;
const admin = demoLogin("bpsdm_admin");
const number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat("id-ID", { style: "percent", maximumFractionDigits: 1 });

before(async () => {
  browser = await launch();
  token = await accessToken(admin);
});

after(async () => {
  await browser?.close();
});

test("BPSDM opens the IP ASN page and the province figures match the API", async () => {
  const report = (await api("/api/v1/reports/ip-asn", { token })).body;
  assert.ok(report.headcount > 0, "the demo has PNS to measure");

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "IP ASN" }).click();
  await page.waitForURL("**/bpsdm/ip-asn");
  await page.getByRole("heading", { name: "Indeks Profesionalitas ASN", level: 1 }).waitFor();

  // The province: headcount, mean, and the spread over every category of the year's rules.
  const mean = page.getByTestId("ip-province-mean");
  await mean.waitFor();
  assert.equal(await mean.innerText(), report.mean === null ? "–" : number.format(report.mean));
  assert.equal(await page.getByTestId("ip-province-headcount").innerText(), number.format(report.headcount));
  const chart = page.getByRole("figure", { name: "Sebaran kategori" });
  const rows = chart.locator(".bar-chart__row");
  assert.equal(await rows.count(), report.categories.length);
  for (const [i, { category, count }] of report.categories.entries()) {
    assert.equal(await rows.nth(i).locator(".bar-chart__label").innerText(), category);
    assert.equal(
      await rows.nth(i).locator(".bar-chart__value").innerText(),
      `${number.format(count)} (${percent.format(count / report.headcount)})`,
    );
  }
  assert.equal(
    report.categories.reduce((sum, c) => sum + c.count, 0),
    report.headcount,
    "every counted PNS/CPNS is in one category",
  );

  // One row per OPD: its headcount, mean and category counts, as the API has them.
  const table = page.getByRole("table", { name: "IP ASN per OPD" });
  const body = table.locator("tbody tr");
  assert.equal(await body.count(), report.units.length);
  for (const [i, unit] of report.units.entries()) {
    const cells = await body.nth(i).getByRole("cell").allInnerTexts();
    assert.deepEqual(cells.slice(0, 3 + unit.categories.length), [
      unit.name,
      number.format(unit.headcount),
      unit.mean === null ? "–" : number.format(unit.mean),
      ...unit.categories.map((c) => number.format(c.count)),
    ]);
  }

  // Sorted by mean, highest first after two clicks (an OPD without PNS has no mean to place).
  const sortByMean = table.getByRole("button", { name: /^Rata-rata/ });
  await sortByMean.click();
  await sortByMean.click();
  const byMean = report.units
    .filter((u) => u.mean !== null)
    .sort((a, b) => b.mean - a.mean)
    .map((u) => u.name);
  await eventually(async () => {
    const names = await table.locator("tbody tr td:first-child").allInnerTexts();
    assert.deepEqual(
      names.filter((name) => byMean.includes(name)),
      byMean,
    );
  });
  // Full-page shots from the top (scrolled, the sticky header would sit over the middle).
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshots(page, "bpsdm-ip-asn");

  // The workbook of the year on screen.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Unduh XLSX" }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  assert.equal(
    readFileSync(await download.path())
      .subarray(0, 2)
      .toString("latin1"),
    "PK",
  );

  // Last year: the page asks the API for it and shows its figures.
  const last = report.year - 1;
  const lastReport = (await api(`/api/v1/reports/ip-asn?year=${last}`, { token })).body;
  await page.getByLabel("Tahun").selectOption(String(last));
  await page.waitForURL(`**/bpsdm/ip-asn?tahun=${last}`);
  await eventually(async () =>
    assert.equal(await mean.innerText(), lastReport.mean === null ? "–" : number.format(lastReport.mean)),
  );
  await page.context().close();
});
