// The talent map: BPSDM's province 9-box (box 9's people checked against the API, the XLSX) and an
// OPD admin's map of its own units only.
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
const opd = demoLogin("opd_admin");
const year = new Date().getFullYear();
const number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
// The order the 9-box is drawn in: potensial tinggi → rendah, kinerja di bawah → di atas.
const ROWS = ["tinggi", "menengah", "rendah"];
const COLUMNS = ["di_bawah", "sesuai", "di_atas"];
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const grid = (page) => page.getByRole("group", { name: new RegExp(`^9-box ${year}`) });
const box = (page, n) => grid(page).locator(`button[data-box="${n}"]`);
const peopleTable = (page, n) => page.getByRole("table", { name: `ASN di kotak ${n}` });

/** The drawn boxes' numbers, top row first, and each box's count as shown. */
async function drawn(page) {
  const buttons = await grid(page).getByRole("button").all();
  const order = [];
  const counts = {};
  for (const button of buttons) {
    const n = Number(await button.getAttribute("data-box"));
    order.push(n);
    counts[n] = await button.getByTestId(`box-${n}-count`).innerText();
  }
  return { order, counts };
}

/** The NIPs in the people table, in order. */
async function shownNips(page, n) {
  const rows = (await peopleTable(page, n).getByRole("row").all()).slice(1);
  return Promise.all(rows.map((row) => row.getByRole("cell").nth(1).innerText()));
}

/** On a 360 px phone the page must not scroll sideways, and the grid stays 3 × 3. */
async function assertPhoneGrid(page) {
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  // Within a pixel: boxes sit on fractional positions (325.5 rounds either way).
  const aligned = (values) => Math.max(...values) - Math.min(...values) <= 1;
  const tops = await Promise.all([6, 8, 9].map(async (n) => (await box(page, n).boundingBox()).y));
  assert.ok(aligned(tops), `the top row is one row on a phone: ${tops}`);
  const lefts = await Promise.all([6, 3, 1].map(async (n) => (await box(page, n).boundingBox()).x));
  assert.ok(aligned(lefts), `the left column is one column on a phone: ${lefts}`);
  await page.setViewportSize(DESKTOP);
}

test("BPSDM opens the talent map, clicks box 9 and sees its people as the API lists them", async () => {
  const token = await accessToken(bpsdm);
  const map = (await api(`/api/v1/reports/talent-map?year=${year}`, { token })).body;
  const rules = (await api(`/api/v1/rules/${year}`, { token })).body.talent_rules;
  const nine = map.boxes.find((b) => b.box === 9);
  assert.ok(nine.count > 0, "the demo puts someone in box 9");

  const page = await newPage(browser);
  await logIn(page, bpsdm);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Peta Talenta" }).click();
  await page.waitForURL("**/bpsdm/talenta");
  await page.getByRole("heading", { level: 1, name: "Peta Talenta" }).waitFor();
  await grid(page).waitFor();

  // The grid as the rules lay it out, each count as the API gives it.
  const expectedOrder = ROWS.flatMap((potensial) =>
    COLUMNS.map((kinerja) => rules.boxes.find((b) => b.potensial === potensial && b.kinerja === kinerja).box),
  );
  const { order, counts } = await drawn(page);
  assert.deepEqual(order, expectedOrder);
  assert.deepEqual(counts, Object.fromEntries(map.boxes.map((b) => [b.box, number.format(b.count)])));
  // The talent pool's boxes say so in words, the others do not.
  for (const n of order) {
    const tagged = (await box(page, n).getByText("Talent pool", { exact: true }).count()) === 1;
    assert.equal(tagged, rules.pool_boxes.includes(n), `box ${n}`);
  }
  await page
    .getByTestId("talent-summary")
    .getByText(`dari ${number.format(map.headcount)} ASN aktif`)
    .waitFor();

  // Box 9: its people, a page at a time, by NIP, as the API pages them; its recommendation above.
  await box(page, 9).click();
  await eventually(async () => assert.equal(await box(page, 9).getAttribute("aria-pressed"), "true"));
  assert.equal(new URL(page.url()).searchParams.get("kotak"), "9");
  const people = (await api(`/api/v1/reports/talent-map/box/9?year=${year}&limit=20`, { token })).body;
  assert.equal(people.total, nine.count);
  await peopleTable(page, 9).getByRole("cell", { name: people.items[0].nip, exact: true }).waitFor();
  assert.deepEqual(
    await shownNips(page, 9),
    people.items.map((p) => p.nip),
  );
  const firstRow = peopleTable(page, 9).getByRole("row").nth(1);
  assert.equal(await firstRow.getByRole("cell").first().innerText(), people.items[0].name);
  assert.equal(await firstRow.getByRole("cell").nth(2).innerText(), people.items[0].unit);
  assert.equal(await firstRow.getByRole("cell").nth(5).innerText(), number.format(people.items[0].potensial_score));
  const recommendation = rules.boxes.find((b) => b.box === 9).recommendation;
  assert.match(
    await page.getByTestId("box-recommendation").innerText(),
    new RegExp(recommendation.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")),
  );
  await screenshots(page, "bpsdm-talent-map");
  await assertPhoneGrid(page);

  // Keyboard: from box 9, left to box 8 and Enter opens its people.
  await box(page, 9).focus();
  await page.keyboard.press("ArrowLeft");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-box")), "8");
  await page.keyboard.press("Enter");
  await peopleTable(page, 8).waitFor();
  assert.equal(new URL(page.url()).searchParams.get("kotak"), "8");

  // A unit from the table below narrows the map; its counts are the API's for that unit.
  const unit = map.units.find((u) => u.headcount > 0);
  const units = page.getByTestId("talent-units");
  await units.getByRole("searchbox", { name: "Cari nama atau kode unit" }).fill(unit.code);
  await units.getByRole("link", { name: unit.name, exact: true }).click();
  await eventually(async () => assert.equal(new URL(page.url()).searchParams.get("unit"), String(unit.unit_id)));
  const unitMap = (await api(`/api/v1/reports/talent-map?year=${year}&unit_id=${unit.unit_id}`, { token })).body;
  await page.getByRole("heading", { level: 2, name: unit.name, exact: true }).waitFor();
  await eventually(async () =>
    assert.deepEqual(
      (await drawn(page)).counts,
      Object.fromEntries(unitMap.boxes.map((b) => [b.box, number.format(b.count)])),
    ),
  );

  // The spreadsheet of what is shown.
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
  await page.context().close();
});

test("an OPD admin sees the map of its own units only", async () => {
  const token = await accessToken(opd);
  const me = (await api("/api/v1/auth/me", { token })).body;
  const own = (await api(`/api/v1/reports/talent-map?year=${year}`, { token })).body;
  assert.equal(own.unit_id, me.unit_id, "without unit_id an OPD admin gets its own unit");
  // Another top-level unit is out of reach.
  const province = (await api(`/api/v1/reports/talent-map?year=${year}`, { token: await accessToken(bpsdm) })).body;
  const other = province.units.find((u) => u.unit_id !== me.unit_id);
  assert.equal((await api(`/api/v1/reports/talent-map?year=${year}&unit_id=${other.unit_id}`, { token })).status, 404);

  const page = await newPage(browser);
  await logIn(page, opd);
  await page.getByRole("navigation", { name: "Menu admin OPD" }).getByRole("link", { name: "Peta Talenta" }).click();
  await page.waitForURL("**/opd/talenta");
  await grid(page).waitFor();
  await page.getByRole("heading", { level: 2, name: own.name, exact: true }).waitFor();
  assert.deepEqual(
    (await drawn(page)).counts,
    Object.fromEntries(own.boxes.map((b) => [b.box, number.format(b.count)])),
  );
  await page
    .getByTestId("talent-summary")
    .getByText(`dari ${number.format(own.headcount)} ASN aktif`)
    .waitFor();

  // The unit filter offers its unit and sub-units, never the province or another OPD.
  const options = (await page.getByRole("combobox", { name: "Unit kerja" }).locator("option").allInnerTexts()).map(
    (o) => o.trim(),
  );
  assert.equal(options[0], own.name);
  assert.ok(!options.includes("Seluruh provinsi"));
  assert.ok(!options.includes(other.name), `${other.name} is not offered`);
  // The unit table: its sub-units (and its own staff), as the API lists them.
  const unitRows = page.getByTestId("talent-units").getByRole("row");
  const expectedRows = own.units.length + (own.direct && own.direct.headcount > 0 ? 1 : 0);
  assert.equal((await unitRows.count()) - 1, Math.min(expectedRows, 15));

  // A box with people: each of them in the admin's reach, linked to their ASN page.
  const filled = own.boxes.find((b) => b.count > 0);
  assert.ok(filled, "the OPD has someone placed");
  await box(page, filled.box).click();
  const people = (await api(`/api/v1/reports/talent-map/box/${filled.box}?year=${year}&limit=20`, { token })).body;
  await peopleTable(page, filled.box).getByRole("cell", { name: people.items[0].nip, exact: true }).waitFor();
  assert.deepEqual(
    await shownNips(page, filled.box),
    people.items.map((p) => p.nip),
  );
  const link = peopleTable(page, filled.box).getByRole("link", { name: people.items[0].name, exact: true });
  assert.equal(await link.getAttribute("href"), `/opd/asn/${people.items[0].nip}`);
  await screenshots(page, "opd-talent-map");
  await assertPhoneGrid(page);
  await page.context().close();
});
