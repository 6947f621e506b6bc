// The unit's JP compliance page (search, sort, XLSX, PDF) and an ASN's detail page (PDF recap).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
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

const admin = demoLogin("opd_admin");
const asn = demoLogin("asn", "PNS");
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** On a 360 px phone the page must not scroll sideways. */
async function assertFitsPhone(page) {
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);
}

async function openCompliance() {
  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("link", { name: "Kepatuhan JP" }).click();
  await page.getByRole("heading", { level: 1, name: "Kepatuhan JP" }).waitFor();
  await page.getByTestId("compliance-summary").waitFor();
  return page;
}

const unitTable = (page) => page.getByRole("table", { name: "Kepatuhan JP per unit kerja" });

async function unitNames(page) {
  const rows = unitTable(page).getByRole("row");
  const names = [];
  for (const row of (await rows.all()).slice(1)) {
    names.push((await row.getByRole("cell").first().innerText()).split("\n")[0].trim());
  }
  return names;
}

test("the compliance page shows the unit's figures, and its unit table searches and sorts", async () => {
  const page = await openCompliance();
  const me = (await api("/api/v1/auth/me", { token: await accessToken(admin) })).body;
  const report = (await api(`/api/v1/reports/jp-compliance?unit_id=${me.unit_id}`, { token: await accessToken(admin) }))
    .body;
  const summary = page.getByTestId("compliance-summary");
  await summary.getByText(`dari ${report.headcount} orang`, { exact: false }).waitFor();
  await page.getByTestId("pppk-summary").waitFor();
  assert.ok(report.units.length >= 2, "Diskominfo has bidang to list");

  const expected = report.units.map((u) => u.name);
  await eventually(async () =>
    assert.deepEqual((await unitNames(page)).filter((n) => expected.includes(n)).sort(), [...expected].sort()),
  );

  // Sort by compliance: descending after two clicks, by the API's figures.
  const header = unitTable(page).getByRole("button", { name: /Kepatuhan/ });
  await header.click();
  await header.click();
  await eventually(async () =>
    assert.equal(
      await unitTable(page)
        .getByRole("columnheader", { name: /Kepatuhan/ })
        .getAttribute("aria-sort"),
      "descending",
    ),
  );
  const byPct = [...report.units].sort((a, b) => b.compliance_pct - a.compliance_pct).map((u) => u.compliance_pct);
  const shownPct = [];
  for (const name of await unitNames(page)) {
    const unit = report.units.find((u) => u.name === name);
    if (unit) shownPct.push(unit.compliance_pct);
  }
  assert.deepEqual(shownPct, byPct);

  // Search narrows the rows to the matching unit.
  const target = report.units.find((u) => /Aplikasi/i.test(u.name)) ?? report.units[0];
  await page.getByLabel("Cari unit").fill(target.name.split(" ").slice(-2).join(" "));
  await eventually(async () => assert.deepEqual(await unitNames(page), [target.name]));
  await page.getByLabel("Cari unit").fill("tidak ada unit seperti ini");
  await unitTable(page).getByText("Tidak ada yang cocok dengan “tidak ada unit seperti ini”.").waitFor();
  await page.getByLabel("Cari unit").fill("");

  // The ASN list searches through the API; the demo ASN is there with their JP.
  await page.getByLabel("Cari NIP atau nama").fill(asn.username);
  const asnTable = page.getByRole("table", { name: "ASN aktif dan JP terverifikasinya" });
  await eventually(async () => assert.equal(await asnTable.getByRole("row").count(), 2), 8_000);
  await asnTable.getByRole("progressbar").waitFor();
  await page.getByLabel("Cari NIP atau nama").fill("");
  await asnTable.getByRole("row").nth(2).waitFor();
  await assertFitsPhone(page);
  await screenshots(page, "opd-compliance");
  await page.context().close();
});

test("Unduh XLSX downloads a real spreadsheet of the unit", async () => {
  const page = await openCompliance();
  const responded = page.waitForResponse((r) => r.url().includes("/api/v1/exports/jp-compliance"));
  const downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: "Unduh XLSX" }).click();
  const response = await responded;
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  const download = await downloaded;
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const bytes = await readFile(await download.path());
  assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK");
  assert.ok(bytes.length > 1000);
  await page.context().close();
});

/** The document title a PDF carries in its info dictionary: a literal string, or UTF-16BE hex past ASCII. */
function pdfTitle(bytes) {
  const text = bytes.toString("latin1");
  const literal = /\/Title \(((?:\\.|[^\\)])*)\)/.exec(text);
  if (literal) return literal[1].replace(/\\(.)/g, "$1");
  const utf16 = Buffer.from(/\/Title <feff([0-9a-f]+)>/i.exec(text)?.[1] ?? "", "hex");
  let title = "";
  for (let i = 0; i + 1 < utf16.length; i += 2) title += String.fromCharCode(utf16.readUInt16BE(i));
  return title;
}

async function downloadPdf(page, button, path) {
  const responded = page.waitForResponse((r) => r.url().includes(path));
  const downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: button }).click();
  const response = await responded;
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["content-type"], "application/pdf");
  assert.equal(response.headers()["cache-control"], "no-store");
  const download = await downloaded;
  assert.match(download.suggestedFilename(), /\.pdf$/);
  const bytes = await readFile(await download.path());
  assert.equal(bytes.subarray(0, 5).toString("latin1"), "%PDF-");
  return { bytes, name: download.suggestedFilename() };
}

test("Unduh PDF downloads the unit's recap to sign", async () => {
  const page = await openCompliance();
  const token = await accessToken(admin);
  const report = (await api("/api/v1/reports/jp-compliance", { token })).body;
  const { bytes, name } = await downloadPdf(page, "Unduh PDF", "/api/v1/exports/jp-compliance");
  assert.match(name, /^rekap-kepatuhan-jp-\d{4}-/);
  assert.ok(pdfTitle(bytes).includes(report.name), `${pdfTitle(bytes)} names ${report.name}`);
  await page.context().close();
});

test("an ASN's detail page shows the profile, this year's JP, the records and the gaps", async () => {
  const page = await openCompliance();
  await page.getByLabel("Cari NIP atau nama").fill(asn.username);
  const asnTable = page.getByRole("table", { name: "ASN aktif dan JP terverifikasinya" });
  const link = asnTable.getByRole("link").first();
  await eventually(async () => assert.equal(await asnTable.getByRole("row").count(), 2), 8_000);
  await link.click();
  await page.waitForURL(`**/opd/asn/${asn.username}`);

  const token = await accessToken(admin);
  const profile = (await api(`/api/v1/asn/${asn.username}`, { token })).body;
  const summary = (await api(`/api/v1/asn/${asn.username}/jp-summary`, { token })).body;
  await page.getByRole("heading", { level: 1, name: profile.name }).waitFor();
  const ring = page.getByRole("progressbar", { name: /^JP terverifikasi \d{4}$/ });
  await ring.waitFor();
  assert.equal(Number(await ring.getAttribute("aria-valuenow")), summary.verified_jp);
  await page.getByRole("heading", { name: /^Riwayat pembelajaran/ }).waitFor();
  await page.getByRole("heading", { name: "Kesenjangan kompetensi" }).waitFor();
  await page.getByRole("table", { name: "Level standar dan level saat ini per kompetensi" }).waitFor();
  await assertFitsPhone(page);
  await screenshots(page, "opd-asn-detail");

  const { bytes, name } = await downloadPdf(page, "Cetak rekap JP (PDF)", `/exports/asn/${asn.username}/jp-recap`);
  assert.equal(name, `rekap-jp-${asn.username}-${summary.year}.pdf`);
  assert.ok(pdfTitle(bytes).includes(profile.name), `${pdfTitle(bytes)} names ${profile.name}`);
  await page.context().close();
});
