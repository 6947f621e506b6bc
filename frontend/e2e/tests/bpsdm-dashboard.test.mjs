import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

let browser;
let token;
const admin = demoLogin("bpsdm_admin");
const pct2 = new Intl.NumberFormat("id-ID", { style: "percent", maximumFractionDigits: 2 });
const rupiah = new Intl.NumberFormat("id-ID", { style: "currency", currency: "IDR", maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
// Intl puts a no-break space inside "Rp 1.234"; innerText keeps it, so compare with spaces unified.
const plain = (text) => text.replace(/\s+/g, " ").trim();

before(async () => {
  browser = await launch();
  token = await accessToken(admin);
});

after(async () => {
  await browser?.close();
});

test("the province dashboard draws the API's figures: bars, gauge, trend and heat map; the XLSX downloads", async () => {
  const page = await newPage(browser);
  await logIn(page, admin);
  assert.equal(new URL(page.url()).pathname, "/bpsdm");

  const report = (await api("/api/v1/reports/jp-compliance", { token })).body;
  const trend = (await api("/api/v1/budgets/compliance", { token })).body;
  const matrix = (await api("/api/v1/reports/competency-gap-matrix", { token })).body;

  // One bar per OPD with staff, coloured by its band and saying the band in words; a legend explains them.
  await page.getByTestId("province-compliance").waitFor();
  const withStaff = report.units.filter((u) => u.headcount > 0);
  assert.equal(await page.getByTestId("bar").count(), withStaff.length);
  const legend = page.getByRole("list", { name: "Arti warna batang" });
  assert.deepEqual(await legend.getByRole("listitem").allInnerTexts(), [
    "Tinggi: ≥ 80% ASN memenuhi target",
    "Sedang: 50–79%",
    "Rendah: < 50%",
  ]);
  const bandOf = (pct) => (pct >= 80 ? "good" : pct >= 50 ? "fair" : "poor");
  const words = { good: "Tinggi", fair: "Sedang", poor: "Rendah" };
  const rows = page.locator(".bar-chart--toned .bar-chart__row");
  const worstFirst = [...withStaff].sort((a, b) => a.compliance_pct - b.compliance_pct);
  for (const [i, unit] of worstFirst.entries()) {
    const row = rows.nth(i);
    assert.equal(await row.getAttribute("data-tone"), bandOf(unit.compliance_pct), unit.name);
    assert.equal(await row.locator(".bar-chart__tone").innerText(), words[bandOf(unit.compliance_pct)]);
    assert.match(
      await row.getByTestId("bar").getAttribute("class"),
      new RegExp(`bar-chart__fill--${bandOf(unit.compliance_pct)}$`),
    );
  }

  // The PPPK apart: how many, how many reached the yearly cap, how many went over it.
  const pppk = page.getByRole("region", { name: "PPPK" });
  await pppk.getByTestId("province-pppk").waitFor();
  assert.equal(await page.getByTestId("pppk-headcount").innerText(), decimal.format(report.pppk.headcount));
  assert.equal(await page.getByTestId("pppk-reached").innerText(), decimal.format(report.pppk.reached_cap));
  assert.equal(await page.getByTestId("pppk-over-cap").innerText(), decimal.format(report.pppk.over_cap));
  assert.ok(report.pppk.reached_cap >= report.pppk.over_cap);
  await pppk.getByText(`Mencapai batas ${decimal.format(report.pppk.cap_jp)} JP`, { exact: true }).waitFor();
  await pppk
    .getByText(`${decimal.format(report.pppk.reached_cap)} dari ${decimal.format(report.pppk.headcount)} PPPK`)
    .waitFor();

  // The gauge: the latest budget year's share against its threshold, rupiah in id-ID.
  const latest = trend.items.at(-1);
  assert.ok(latest, "the demo has budgets");
  const gauge = page.getByTestId("budget-gauge");
  await gauge.waitFor();
  await page.getByRole("heading", { name: `Anggaran pengembangan kompetensi ${latest.year}` }).waitFor();
  assert.equal(await page.getByTestId("budget-share").innerText(), pct2.format(latest.pagu_pct / 100));
  assert.equal(plain(await page.getByTestId("budget-pagu").innerText()), plain(rupiah.format(latest.bangkom_pagu_idr)));
  assert.equal(
    plain(await page.getByTestId("budget-required").innerText()),
    plain(rupiah.format(latest.required_min_idr)),
  );
  assert.match(await page.getByTestId("budget-status").innerText(), latest.compliant ? /^Memenuhi/ : /^Belum memenuhi/);
  const drawn = Number(await page.getByTestId("gauge-value").getAttribute("data-fraction"));
  const scale = Math.max(latest.threshold_pct * 2, latest.pagu_pct);
  assert.ok(Math.abs(drawn - Math.min(1, latest.pagu_pct / scale)) < 1e-3, `gauge at ${drawn}`);
  await page
    .getByText(`Batas ${pct2.format(latest.threshold_pct / 100)}`)
    .first()
    .waitFor();

  // The trend: one bar per budget year.
  assert.equal(await page.getByTestId("trend-chart").locator("rect").count(), trend.items.length);

  // The heat map: a row per top-level unit, a column per competency, each cell's mean gap as text.
  const heat = page.getByTestId("heat-map");
  await heat.waitFor();
  assert.equal(await heat.locator("tbody tr").count(), matrix.rows.length);
  assert.equal(await heat.locator("thead th").count(), matrix.competencies.length + 1);
  const row = matrix.rows.find((r) => r.cells.some((c) => c.mean_gap !== null));
  assert.ok(row, "some unit has assessments");
  const index = row.cells.findIndex((c) => c.mean_gap !== null);
  const cell = heat.locator("tbody tr").nth(matrix.rows.indexOf(row)).locator("td").nth(index);
  assert.equal(await cell.locator(".heat-map__figure").innerText(), decimal.format(row.cells[index].mean_gap));
  // Under each figure, how many ASN it stands for.
  assert.equal(await cell.locator(".heat-map__sub").innerText(), `n = ${decimal.format(row.cells[index].assessed)}`);
  const subs = await heat.locator("tbody td .heat-map__sub").allInnerTexts();
  assert.deepEqual(
    subs,
    matrix.rows.flatMap((r) => r.cells.map((c) => `n = ${decimal.format(c.assessed)}`)),
  );
  const title = await cell.getAttribute("title");
  assert.ok(title.startsWith(`${row.name} · ${matrix.competencies[index].name}: rata-rata kesenjangan`), title);
  const band = await cell.getAttribute("data-band");
  assert.equal(band === "met", row.cells[index].mean_gap >= 0);

  await screenshots(page, "bpsdm-province-dashboard");

  // The province's JP compliance workbook.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Unduh XLSX" }).click(),
  ]);
  assert.match(download.suggestedFilename(), new RegExp(`${report.year}.*\\.xlsx$`));
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString("latin1"), "PK");
  await page.context().close();
});

/** An 18-digit NIP: birth date, TMT year and month, gender digit, sequence (tests/factories.py make_nip). */
function freshNip() {
  const birth = new Date(Date.UTC(1970, 0, 1) + Math.floor(Math.random() * 9000) * 86_400_000);
  const ymd = birth.toISOString().slice(0, 10).replaceAll("-", "");
  const seq = String(100 + Math.floor(Math.random() * 899));
  // The TMT year must be at least the birth year + 15 (an 18-year-old's first appointment and up),
  // or the NIP is invalid and the "good" row is rejected too (born 1994, TMT 2000 was possible).
  const tmt = birth.getUTCFullYear() + 18 + Math.floor(Math.random() * 10);
  return `${ymd}${tmt}0${1 + Math.floor(Math.random() * 9)}2${seq}`;
}

test("an ASN CSV imports as a job followed to 'Selesai' with the progress bar full and the rejected row inline", async () => {
  const units = (await api("/api/v1/units?limit=5", { token })).body;
  const unitId = units.items[0].id;
  const nip = freshNip();
  const name = `Uji Impor E2E ${nip.slice(-6)}`;
  // A good row and one whose NIP is too short: the job succeeds with one row rejected.
  // The headers the page's hint names (the template's own), not the API's field names.
  const csv = `NIP,Nama,Jenis Kepegawaian,ID Unit Kerja\n${nip},${name},pns,${unitId}\n12345,Salah NIP,pns,${unitId}\n`;

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Impor data" }).click();
  await page.waitForURL("**/bpsdm/impor");
  await page.getByRole("heading", { name: "Impor data", level: 1 }).waitFor();
  await screenshots(page, "bpsdm-import");

  await page.getByLabel("Jenis data").selectOption("asn");
  await page
    .getByText("Kolom wajib (judul kolom di templat): NIP, Nama, Jenis Kepegawaian, ID Unit Kerja.", { exact: false })
    .waitFor();
  await page
    .getByRole("region", { name: "Unggah berkas" })
    .locator("input[type=file]")
    .setInputFiles({ name: "asn-e2e.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Unggah dan impor" }).click();

  const status = page.getByTestId("job-status");
  await eventually(async () => assert.equal(await status.innerText(), "Selesai"), 20_000);
  const bar = page.getByRole("progressbar", { name: "Kemajuan impor" });
  assert.equal(await bar.getAttribute("aria-valuenow"), "2");
  assert.equal(await bar.getAttribute("aria-valuemax"), "2");
  assert.equal(await bar.getAttribute("aria-valuetext"), "100 %");
  assert.equal(await page.getByTestId("job-created").innerText(), "1");
  assert.equal(await page.getByTestId("job-failed").innerText(), "1");
  const job = page.getByTestId("import-job");
  await job.getByRole("heading", { name: "Baris yang ditolak (1)" }).waitFor();
  assert.match(await job.getByRole("listitem").first().innerText(), /^Baris 3: 12345/);
  const [report] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Unduh laporan" }).click(),
  ]);
  assert.match(report.suggestedFilename(), /\.xlsx$/);
  assert.equal(
    readFileSync(await report.path())
      .subarray(0, 2)
      .toString("latin1"),
    "PK",
  );
  // The imported ASN exists.
  const profile = await api(`/api/v1/asn/${nip}`, { token });
  assert.equal(profile.status, 200);
  assert.equal(profile.body.name, name);
  // The job is in the recent list.
  await page
    .getByRole("button", { name: /Lihat impor #\d+ \(asn-e2e\.csv\)/ })
    .first()
    .waitFor();
  await screenshots(page, "bpsdm-import-done");
  await page.context().close();
});

test("rules, users and integration clients screens", async () => {
  const year = new Date().getFullYear();
  const rules = (await api(`/api/v1/rules/${year}`, { token })).body;
  const page = await newPage(browser);
  await logIn(page, admin);

  await page.goto("/bpsdm/aturan");
  const values = page.getByTestId("rules-values");
  await values.waitFor();
  await values
    .getByText(`${decimal.format(rules.pns_min_jp)}`, { exact: true })
    .first()
    .waitFor();
  await values.getByText(pct2.format(rules.budget_min_pct.provinsi / 100), { exact: true }).waitFor();
  await screenshots(page, "bpsdm-rules");

  // Next year (no test relies on it): saving creates its own rule set, saving again sends If-Match.
  const next = year + 1;
  await page.getByLabel("Tahun").selectOption(String(next));
  for (const minutes of ["50", "45"]) {
    await page.getByRole("button", { name: "Ubah" }).click();
    await page.getByLabel("Menit per JP").fill(minutes);
    await page.getByRole("button", { name: "Simpan" }).click();
    await page.getByRole("button", { name: "Ubah" }).waitFor();
    const saved = (await api(`/api/v1/rules/${next}`, { token })).body;
    assert.equal(saved.source_year, next);
    assert.equal(String(saved.jp_minutes), minutes);
    await values.getByText(minutes, { exact: true }).waitFor();
  }

  // A new OPD admin account, found by the search.
  const units = (await api("/api/v1/units?limit=1", { token })).body;
  const username = `e2e.opd.${Date.now().toString(36)}`;
  await page.goto("/bpsdm/pengguna");
  await page.getByRole("button", { name: "Tambah pengguna" }).click();
  const dialog = page.getByRole("dialog", { name: "Tambah pengguna" });
  await dialog.getByLabel("Nama pengguna").fill(username);
  await dialog.getByLabel("Kata sandi awal").fill("Rahasia#2026");
  await dialog.getByLabel("Peran").selectOption("opd_admin");
  // The unit is picked by its name, not typed as an id.
  await dialog.getByRole("combobox", { name: /^Unit/ }).selectOption({ value: String(units.items[0].id) });
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.getByRole("searchbox", { name: "Cari pengguna" }).fill(username);
  const created = page.getByRole("row").filter({ has: page.getByRole("cell", { name: username, exact: true }) });
  await created.getByRole("cell", { name: units.items[0].name, exact: true }).waitFor();
  await page.getByRole("searchbox", { name: "Cari pengguna" }).fill("");
  await screenshots(page, "bpsdm-users");

  // A new integration client: its secret is shown once.
  const clientName = `Klien E2E ${Date.now().toString(36)}`;
  await page.goto("/bpsdm/klien");
  await page.getByRole("button", { name: "Tambah klien" }).click();
  const form = page.getByRole("dialog", { name: "Tambah klien" });
  await form.getByLabel("Nama").fill(clientName);
  await form.getByRole("checkbox", { name: "learning:read" }).check();
  await form.getByRole("button", { name: "Simpan" }).click();
  const secretDialog = page.getByRole("dialog", { name: "Simpan rahasia klien" });
  const secret = await secretDialog.getByTestId("client-secret").innerText();
  assert.ok(secret.length >= 16, "a secret is shown");
  await secretDialog.getByRole("button", { name: "Sudah saya simpan" }).click();
  await page.getByText(clientName).waitFor();
  assert.equal(await page.getByText(secret).count(), 0, "the secret is not shown again");
  await screenshots(page, "bpsdm-clients");
  await page.context().close();
});
