// BPSDM's data completeness: the league of OPDs (ranks, scores, changes, sparklines) as the API ranks
// them, one OPD opened (its report, sub-units, people missing items, the XLSX), and a dry run of the
// reminder campaigns.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  accessToken,
  api,
  DESKTOP,
  demoLogin,
  eventually,
  launch,
  logIn,
  newPage,
  PHONE,
  screenshots,
} from "../lib.mjs";

const bpsdm = demoLogin("bpsdm_admin");
const percent = new Intl.NumberFormat("id-ID", { style: "percent", maximumFractionDigits: 2 });
const number = new Intl.NumberFormat("id-ID");
const pct = (value) => (value === null ? "–" : percent.format(value / 100));
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function assertFitsPhone(page) {
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);
}

test("BPSDM ranks the OPDs by data completeness and drills into one", async () => {
  const token = await accessToken(bpsdm);
  const league = (await api("/api/v1/reports/data-completeness/league", { token })).body;
  assert.ok(league.units.length > 1, "the demo has OPDs to rank");
  const page = await newPage(browser);
  await logIn(page, bpsdm);
  await page.getByRole("link", { name: "Kelengkapan Data" }).click();
  await page.waitForURL("**/bpsdm/kelengkapan");

  // The table in the API's order: rank, name, headcount, score, and a sparkline where there is history.
  const table = page.getByRole("table", { name: "Peringkat kelengkapan data perangkat daerah" });
  await table.waitFor();
  const rows = table.getByRole("row");
  await eventually(async () => assert.equal(await rows.count(), league.units.length + 1));
  for (const [index, unit] of league.units.slice(0, 3).entries()) {
    const cells = rows.nth(index + 1).getByRole("cell");
    assert.equal(await cells.nth(0).innerText(), unit.rank === null ? "–" : String(unit.rank));
    assert.match(await cells.nth(1).innerText(), new RegExp(`^${unit.name}`));
    assert.equal(await cells.nth(2).innerText(), number.format(unit.headcount));
    assert.ok((await cells.nth(3).innerText()).startsWith(pct(unit.score)), `score of ${unit.name}`);
  }
  const withHistory = league.units.filter((u) => u.sparkline.some((p) => p.score !== null)).length;
  assert.equal(await table.getByRole("img", { name: /^Skor / }).count(), withHistory);
  await screenshots(page, "bpsdm-completeness");
  await assertFitsPhone(page);

  // The largest OPD: its report, sub-units and people, as the API has them.
  const opd = [...league.units].sort((a, b) => b.headcount - a.headcount)[0];
  await table.getByRole("link", { name: opd.name, exact: true }).click();
  await page.waitForURL(`**/bpsdm/kelengkapan/${opd.unit_id}`);
  const report = (await api(`/api/v1/reports/data-completeness?unit_id=${opd.unit_id}`, { token })).body;
  const gaps = (await api(`/api/v1/units/${opd.unit_id}/data-gaps?limit=1`, { token })).body;
  await page.getByText(opd.name, { exact: true }).first().waitFor();
  assert.ok((await page.getByTestId("unit-score").innerText()).startsWith(pct(report.score)));
  await eventually(async () =>
    assert.equal(await page.getByTestId("gaps-total").innerText(), `${number.format(gaps.total)} ASN belum lengkap`),
  );
  const subUnits = page.getByTestId("sub-units").getByRole("row");
  assert.equal(await subUnits.count(), report.units.length + 1);
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
  await screenshots(page, "bpsdm-completeness-opd");
  await assertFitsPhone(page);
  await page.context().close();
});

test("BPSDM previews who the reminder campaigns would reach, without sending", async () => {
  const token = await accessToken(bpsdm);
  const year = new Date().getFullYear();
  const page = await newPage(browser);
  await logIn(page, bpsdm);
  await page.goto("/bpsdm/pengingat");
  await page.getByRole("table", { name: `Kampanye tahun ${year}` }).waitFor();
  const sentBefore = (await api("/api/v1/me/notifications?limit=1", { token })).body.total;
  await page.getByRole("button", { name: "Pratinjau penerima" }).click();
  const results = page.getByTestId("run-results");
  await results.waitFor();
  const preview = (await api(`/api/v1/reminder-rules/${year}/run?dry_run=true`, { token, method: "POST" })).body;
  for (const result of preview.results) {
    const block = results.locator(`[data-campaign="${result.campaign}"]`);
    assert.match(await block.innerText(), new RegExp(`Penerima\\s+${number.format(result.recipients_total)}`));
  }
  // A dry run queues nothing.
  assert.equal((await api("/api/v1/me/notifications?limit=1", { token })).body.total, sentBefore);
  await screenshots(page, "bpsdm-reminders");
  await page.context().close();
});
