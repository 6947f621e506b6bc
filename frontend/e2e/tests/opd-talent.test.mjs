// An OPD admin records an ASN's SKP result and a disciplinary sanction on the ASN's page ("Talenta").
import assert from "node:assert/strict";
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

/** A day as "YYYY-MM-DD" in the browser's zone (the context runs in Asia/Makassar). */
function isoDay(date) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Makassar" }).format(date);
}

const PREDIKAT = {
  sangat_baik: "Sangat Baik",
  baik: "Baik",
  butuh_perbaikan: "Butuh Perbaikan",
  kurang: "Kurang",
  sangat_kurang: "Sangat Kurang",
};

test("the OPD admin records an ASN's SKP result and a disciplinary sanction, and sees them listed", async () => {
  const page = await newPage(browser);
  await logIn(page, admin);
  const token = await accessToken(admin);

  // Open an ASN of the unit from the compliance page's ASN search.
  await page.getByRole("link", { name: "Kepatuhan JP" }).click();
  await page.getByLabel("Cari NIP atau nama").fill(asn.username);
  const asnTable = page.getByRole("table", { name: "ASN aktif dan JP terverifikasinya" });
  await eventually(async () => assert.equal(await asnTable.getByRole("row").count(), 2), 8_000);
  await asnTable.getByRole("link").first().click();
  await page.waitForURL(`**/opd/asn/${asn.username}`);
  await page.getByRole("heading", { level: 2, name: "Talenta" }).waitFor();

  // The last three years of SKP as the API has them.
  const year = new Date().getFullYear();
  const skp = page.getByRole("table", { name: "Predikat dan nilai SKP per tahun" });
  await skp.waitFor();
  for (const y of [year, year - 1, year - 2]) {
    const stored = await api(`/api/v1/asn/${asn.username}/performance/${y}`, { token });
    const row = skp.getByRole("row").filter({ hasText: String(y) });
    const expected = stored.status === 200 ? PREDIKAT[stored.body.predikat] : "Belum diisi";
    await eventually(async () => assert.match(await row.innerText(), new RegExp(expected)));
  }

  // Record last year's SKP (the demo has one already: this replaces it, with If-Match).
  const target = year - 1;
  const before = await api(`/api/v1/asn/${asn.username}/performance/${target}`, { token });
  await page.getByRole("button", { name: "Isi/Ubah SKP" }).click();
  const skpDialog = page.getByRole("dialog", { name: "Isi atau ubah hasil SKP" });
  await skpDialog.getByLabel("Tahun").selectOption(String(target));
  // A score above 100 is refused in the browser, before any request.
  const score = skpDialog.getByLabel("Nilai SKP (opsional)");
  await score.fill("100,5");
  await skpDialog.getByRole("button", { name: "Simpan" }).click();
  await skpDialog.getByText("Nilai harus antara 0 dan 100.").waitFor();
  await skpDialog.getByLabel("Predikat").selectOption({ label: "Sangat Baik" });
  await score.fill("88,75");
  const put = page.waitForRequest(
    (r) => r.method() === "PUT" && r.url().endsWith(`/api/v1/asn/${asn.username}/performance/${target}`),
  );
  await skpDialog.getByRole("button", { name: "Simpan" }).click();
  const putRequest = await put;
  if (before.status === 200) assert.equal(putRequest.headers()["if-match"], before.headers.get("etag"));
  await page.getByText(`Hasil SKP ${target} disimpan.`).waitFor();
  await skpDialog.waitFor({ state: "detached" });
  const skpRow = skp.getByRole("row").filter({ hasText: String(target) });
  await eventually(async () => assert.match(await skpRow.innerText(), /Sangat Baik[\s\S]*88,75/));
  const saved = (await api(`/api/v1/asn/${asn.username}/performance/${target}`, { token })).body;
  assert.equal(saved.predikat, "sangat_baik");
  assert.equal(Number(saved.score), 88.75);
  assert.equal(saved.source, "manual");
  assert.equal(saved.updated_by, admin.username);

  // Record a disciplinary sanction; dates that contradict each other are refused in the browser.
  const decided = isoDay(new Date(Date.now() - 30 * 86_400_000));
  const ends = isoDay(new Date(Date.now() + 150 * 86_400_000));
  const reference = `800.1.6.4/E2E-${Date.now() % 100_000}/BKD`;
  await page.getByRole("button", { name: "Catat hukuman disiplin" }).click();
  const sanctionDialog = page.getByRole("dialog", { name: "Catat hukuman disiplin" });
  await sanctionDialog.getByLabel("Tingkat").selectOption({ label: "Ringan" });
  await sanctionDialog.getByLabel("Tanggal ditetapkan").fill(decided);
  await sanctionDialog.getByLabel("Tanggal berakhir (opsional)").fill(isoDay(new Date(Date.now() - 60 * 86_400_000)));
  await sanctionDialog.getByRole("button", { name: "Simpan" }).click();
  await sanctionDialog.getByText("Tanggal berakhir tidak boleh sebelum tanggal ditetapkan.").waitFor();
  await sanctionDialog.getByLabel("Tanggal berakhir (opsional)").fill(ends);
  await sanctionDialog.getByLabel("Nomor SK (opsional)").fill(reference);
  const post = page.waitForRequest(
    (r) => r.method() === "POST" && r.url().endsWith(`/api/v1/asn/${asn.username}/disciplinary-records`),
  );
  await sanctionDialog.getByRole("button", { name: "Simpan" }).click();
  assert.ok((await post).headers()["idempotency-key"], "the create carries an Idempotency-Key");
  await page.getByText("Hukuman disiplin dicatat.").waitFor();
  await sanctionDialog.waitFor({ state: "detached" });
  const sanctions = page.getByRole("table", { name: "Hukuman disiplin" });
  const sanctionRow = sanctions.getByRole("row").filter({ hasText: reference });
  await sanctionRow.waitFor();
  assert.match(await sanctionRow.innerText(), /Ringan/);
  const listed = (await api(`/api/v1/asn/${asn.username}/disciplinary-records`, { token })).body.items;
  const record = listed.find((r) => r.reference === reference);
  assert.ok(record, "the API lists the new sanction");
  assert.deepEqual(
    [record.level, record.decided_on, record.ends_on, record.created_by],
    ["ringan", decided, ends, admin.username],
  );

  // The potential assessments are listed read-only, as the API has them.
  const potential = (await api(`/api/v1/asn/${asn.username}/potential-assessments`, { token })).body;
  const potentialTable = page.getByRole("table", { name: "Penilaian potensi" });
  await potentialTable.waitFor();
  if (potential.items.length === 0) await potentialTable.getByText("Belum ada penilaian potensi.").waitFor();
  else
    await potentialTable
      .getByText(potential.items[0].assessor ?? "Assessment center")
      .first()
      .waitFor();

  // Fits a 360 px phone without sideways scrolling.
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);
  // The confirmations are said; they would cover the lists in the screenshots.
  const closeToast = page.getByRole("button", { name: "Tutup pemberitahuan" });
  await eventually(async () => {
    // A toast may leave by itself (after 5 s) between counting and clicking.
    if ((await closeToast.count()) > 0)
      await closeToast
        .first()
        .click({ timeout: 1_000 })
        .catch(() => {});
    assert.equal(await closeToast.count(), 0);
  }, 8_000);
  await screenshots(page, "opd-talent");
  await page.context().close();
});

test("the auditor sees the talent records without a control to change them", async () => {
  const auditor = demoLogin("auditor");
  const page = await newPage(browser);
  await logIn(page, auditor);
  await page.goto(`/opd/asn/${asn.username}`);
  await page.getByRole("heading", { level: 2, name: "Talenta" }).waitFor();
  await page.getByRole("table", { name: "Hukuman disiplin" }).waitFor();
  await page.getByRole("table", { name: "Predikat dan nilai SKP per tahun" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Isi/Ubah SKP" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Catat hukuman disiplin" }).count(), 0);
  await page.context().close();
});
