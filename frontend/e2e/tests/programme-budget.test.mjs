// BPSDM opens the province's development programme and sees its cost against the mandatory spending
// (the chart, the required minimum and the shortfall the API computes); then BPSDM's own OPD admin
// (opd.bpsdm: no other story edits its unit) takes the proposal into its programme, fills the JP the
// catalogue does not give, saves, and sees the total against its pagu.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  accessToken,
  api,
  DESKTOP,
  demoLogin,
  eventually,
  LOGINS,
  launch,
  logIn,
  newPage,
  PHONE,
  screenshots,
} from "../lib.mjs";

const bpsdm = demoLogin("bpsdm_admin");
const opd = LOGINS.find((l) => l.username === "opd.bpsdm");
const year = new Date().getFullYear();
const rupiah = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR", maximumFractionDigits: 0 });
// Intl puts a no-break space after "Rp"; innerText keeps it, so compare with plain spaces.
const plain = (text) => text.replace(/\s/g, " ");
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

async function fitsPhone(page) {
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);
}

test("BPSDM sees the province programme against the required minimum of belanja daerah", async () => {
  const token = await accessToken(bpsdm);
  const province = (await api(`/api/v1/development-programs/${year}`, { token })).body;
  assert.ok(province.required_min_idr > 0, "the demo records this year's belanja daerah");

  const page = await newPage(browser);
  await logIn(page, bpsdm);
  await page
    .getByRole("navigation", { name: "Menu BPSDM" })
    .getByRole("link", { name: "Program Pengembangan" })
    .click();
  await page.waitForURL("**/bpsdm/program");
  await page.getByRole("heading", { level: 1, name: "Program Pengembangan Provinsi" }).waitFor();

  // The chart: the programme's cost and the units' pagu, with the line at the required minimum.
  const chart = page.getByRole("figure", { name: /Biaya program dan pagu terhadap batas minimum/ });
  await chart.waitFor();
  const programmeBar = chart.getByTestId("budget-bar-programme");
  const barText = plain(await programmeBar.innerText());
  assert.ok(barText.startsWith("Total biaya program"), barText);
  assert.ok(barText.includes(plain(rupiah.format(province.total_cost_idr))), barText);
  await chart.getByTestId("budget-bar-pagu").waitFor();
  assert.equal(await chart.locator("line.budget-chart__marker").count(), 2, "the minimum crosses both bars");
  // The bar is drawn to scale against the marker: short of it when the programme falls short.
  const drawn = Number(await programmeBar.locator("rect.budget-chart__fill").getAttribute("data-width"));
  const marker = Number(await programmeBar.locator("line.budget-chart__marker").getAttribute("x1"));
  assert.equal(drawn < marker, !province.compliant);
  assert.equal(
    plain(await page.getByTestId("chart-marker").innerText()),
    plain(`Garis putus-putus: batas minimum 0,34 % belanja daerah = ${rupiah.format(province.required_min_idr)}.`),
  );

  // The figures are the API's.
  assert.equal(
    plain(await page.getByTestId("province-total").innerText()),
    plain(rupiah.format(province.total_cost_idr)),
  );
  assert.equal(
    plain(await page.getByTestId("province-required").innerText()),
    plain(rupiah.format(province.required_min_idr)),
  );
  assert.equal(
    plain(await page.getByTestId("province-shortfall").innerText()),
    plain(rupiah.format(province.shortfall_idr)),
  );
  assert.equal(
    await page.getByTestId("province-status").innerText(),
    province.compliant ? "Memenuhi batas minimum" : "Di bawah batas minimum",
  );

  // Every unit with a programme or a pagu has its row, which opens its programme.
  const units = page.getByRole("table", { name: "Program per unit kerja" });
  const planned = province.units.find((unit) => unit.lines.length > 0);
  assert.ok(planned, "the demo gives some OPDs a programme");
  const row = units.getByRole("row").filter({ has: page.getByRole("link", { name: planned.name, exact: true }) });
  await row.getByText(rupiah.format(planned.total_cost_idr), { exact: true }).waitFor();
  await screenshots(page, "bpsdm-programme");
  await fitsPhone(page);

  await row.getByRole("link", { name: planned.name, exact: true }).click();
  await page.waitForURL(`**/bpsdm/program/${planned.unit_id}`);
  await page.getByText(planned.name, { exact: true }).first().waitFor();
  assert.equal(
    plain(await page.getByTestId("programme-total").innerText()),
    plain(rupiah.format(planned.total_cost_idr)),
  );
  await page.getByRole("link", { name: "← Kembali ke program provinsi" }).waitFor();
  await page.close();
});

test("the OPD admin takes the proposal into its programme, saves it, and sees it against its pagu", async () => {
  assert.ok(opd, "the demo has the opd.bpsdm login");
  const token = await accessToken(opd);
  const me = (await api("/api/v1/auth/me", { token })).body;
  const path = `/api/v1/units/${me.unit_id}/development-programs/${year}`;
  const current = (await api(path, { token })).body;
  const proposal = (await api(`${path}/proposal`, { token })).body;
  assert.ok(proposal.lines.length > 0, "the demo leaves BPSDM's OPD with something to propose");

  const page = await newPage(browser);
  await logIn(page, opd);
  await page.getByRole("link", { name: "Program Pengembangan" }).click();
  await page.waitForURL("**/opd/program");
  await page.getByRole("heading", { level: 1, name: "Program Pengembangan Kompetensi" }).waitFor();
  await page.getByText(proposal.unit_name, { exact: true }).waitFor();

  await page.getByRole("button", { name: "Ambil usulan" }).click();
  if (current.lines.length > 0) {
    // A programme already there: the admin chooses to replace it with the proposal.
    const dialog = page.getByRole("dialog", { name: "Ambil usulan" });
    await dialog.getByRole("button", { name: "Ganti dengan usulan" }).click();
    await dialog.waitFor({ state: "detached" });
  }
  const loaded = page.getByTestId("proposal-loaded");
  await loaded.waitFor();
  const missing = proposal.lines.filter((line) => line.jp === null).length;
  assert.match(await loaded.innerText(), new RegExp(`^${proposal.lines.length} baris usulan dimuat`));
  if (missing > 0) assert.match(await loaded.innerText(), new RegExp(`${missing} baris belum memiliki JP`));
  const editor = page.getByTestId("programme-editor");
  await eventually(async () =>
    assert.equal(await editor.getByRole("button", { name: /^Hapus baris \d+$/ }).count(), proposal.lines.length),
  );

  // Saving with a JP missing is stopped in the form; the admin fills each one.
  if (missing > 0) {
    await page.getByRole("button", { name: "Simpan program" }).click();
    await page.getByText("Periksa isian yang ditandai sebelum menyimpan.").waitFor();
  }
  // Each line without JP gets 24 JP, and its cost the estimate at the year's cost per JP.
  let expectedCost = 0;
  for (const [index, line] of proposal.lines.entries()) {
    expectedCost += line.cost_idr;
    if (line.jp !== null) continue;
    const row = editor.getByRole("row").nth(index + 1);
    await row.getByLabel(new RegExp(`^JP/peserta baris ${index + 1}\\b`)).fill("24");
    const estimate = 24 * line.participants * proposal.cost_per_jp_idr;
    await row.getByRole("button", { name: `Pakai perkiraan ${rupiah.format(estimate)}` }).click();
    expectedCost += estimate;
  }
  await eventually(async () =>
    assert.equal(plain(await page.getByTestId("programme-total").innerText()), plain(rupiah.format(expectedCost))),
  );
  await screenshots(page, "opd-programme-editor");

  const put = page.waitForRequest((r) => r.method() === "PUT" && r.url().endsWith(path));
  await page.getByRole("button", { name: "Simpan program" }).click();
  const sent = await put;
  assert.equal(Boolean(sent.headers()["if-match"]), current.version > 0, "If-Match exactly when replacing");
  await page.getByText(`Program ${proposal.unit_name} tahun ${year} disimpan.`).waitFor();

  const saved = (await api(path, { token })).body;
  assert.equal(saved.lines.length, proposal.lines.length);
  assert.equal(saved.total_cost_idr, expectedCost);
  assert.ok(saved.version > current.version);
  assert.equal(
    plain(await page.getByTestId("programme-total").innerText()),
    plain(rupiah.format(saved.total_cost_idr)),
  );
  if (saved.pagu_idr !== null) {
    assert.equal(plain(await page.getByTestId("programme-pagu").innerText()), plain(rupiah.format(saved.pagu_idr)));
    assert.equal(
      plain(await page.getByTestId("programme-remaining").innerText()),
      plain(rupiah.format(Math.abs(saved.remaining_pagu_idr))),
    );
    await page
      .getByText(saved.within_pagu ? "Dalam pagu" : "Melebihi pagu", { exact: true })
      .first()
      .waitFor();
  }
  const table = page.getByRole("table", { name: `Kegiatan program pengembangan tahun ${year}` });
  assert.equal(await table.getByRole("row").count(), saved.lines.length + 1);
  await screenshots(page, "opd-programme");
  await fitsPhone(page);
  await page.close();
});
