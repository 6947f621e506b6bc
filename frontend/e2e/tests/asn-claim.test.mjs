import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots, tinyPdf } from "../lib.mjs";

const asn = demoLogin("asn", "PNS");
const run = Date.now().toString(36);
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Today in the browser's zone (Asia/Makassar, as newPage sets it): never in the future for the API (WIT). */
function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Makassar" }).format(new Date());
}

async function fillClaim(page, { title, certificate }) {
  await page.getByLabel("Bentuk pembelajaran").selectOption({ label: "Seminar" });
  await page.getByLabel("Nama kegiatan").fill(title);
  await page.getByLabel("Tanggal mulai").fill(today());
  await page.getByLabel("Tanggal selesai").fill(today());
  await page.getByLabel("Jumlah JP").fill("3,5");
  await page.getByLabel("Penyelenggara").fill("BPSDM Provinsi Kalimantan Timur");
  await page.getByLabel("Nomor sertifikat").fill(certificate);
  await page.getByRole("checkbox", { name: /Integritas/ }).check();
  await page.getByLabel(/^Sertifikat/).setInputFiles({
    name: "sertifikat-seminar.pdf",
    mimeType: "application/pdf",
    buffer: tinyPdf(`Sertifikat ${title}`),
  });
}

test("an ASN files a claim with a PDF certificate and sees it pending on home and in the records", async () => {
  const page = await newPage(browser);
  await logIn(page, asn);
  const title = `Seminar Kearsipan Digital e2e ${run}`;
  const certificate = `E2E/${run.toUpperCase()}/001`; // the API stores certificate numbers upper case

  await page.getByRole("link", { name: "Ajukan klaim pembelajaran" }).click();
  await page.waitForURL("**/saya/klaim");
  await page.getByRole("heading", { level: 1, name: "Ajukan klaim pembelajaran" }).waitFor();
  await page.getByRole("option", { name: "Seminar" }).waitFor({ state: "attached" });
  await fillClaim(page, { title, certificate });
  // The preview names the chosen file and embeds the PDF.
  await page.getByText("sertifikat-seminar.pdf").waitFor();
  // The PDF is embedded where the browser has a PDF viewer, offered as a link to open otherwise.
  const embedded = await page.locator("object.evidence-preview__pdf").count();
  const linked = await page.getByRole("link", { name: "Buka berkas" }).count();
  assert.equal(embedded + linked, 1);
  await page.waitForTimeout(3000); // let the PDF viewer paint the first page for the screenshot
  await screenshots(page, "asn-claim");

  await page.getByRole("button", { name: "Kirim klaim" }).click();
  await page.waitForURL((url) => url.pathname === "/saya");
  await page.getByText(`Klaim “${title}” terkirim dan menunggu verifikasi.`).waitFor();
  const pending = page.getByRole("region", { name: /^Klaim menunggu verifikasi/ });
  const item = pending.getByRole("listitem").filter({ hasText: title });
  await item.waitFor();
  assert.match(await item.innerText(), /Menunggu verifikasi/);
  // The competency chart and the plan are on the same page.
  await page.getByRole("img", { name: /Grafik radar/ }).waitFor();
  await page.getByRole("region", { name: "Rencana pengembangan" }).waitFor();
  await screenshots(page, "asn-home-pending");

  // The record exists through the API, pending, with the PDF as its evidence.
  const token = await accessToken(asn);
  const list = await api(`/api/v1/asn/${asn.username}/learning-records?status=pending&limit=100`, { token });
  assert.equal(list.status, 200);
  const record = list.body.items.find((r) => r.title === title);
  assert.ok(record, `no pending record titled ${title}`);
  assert.equal(record.status, "pending");
  assert.equal(record.source, "self");
  assert.equal(record.jp, 3.5);
  assert.equal(record.form_code, "9");
  assert.deepEqual(record.competency_codes, ["M1"]);
  assert.equal(record.certificate_number, certificate);
  assert.equal(record.evidence?.content_type, "application/pdf");
  assert.equal(record.evidence?.filename, "sertifikat-seminar.pdf");
  const file = await fetch(new URL(`/api/v1/learning-records/${record.id}/evidence`, page.url()), {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(file.status, 200);
  assert.equal(
    Buffer.from(await file.arrayBuffer())
      .subarray(0, 5)
      .toString(),
    "%PDF-",
  );

  // The ledger lists it with its status chip.
  await page.getByRole("link", { name: "Lihat semua riwayat" }).click();
  await page.waitForURL("**/saya/riwayat");
  const row = page.getByRole("row").filter({ hasText: title });
  await row.waitFor();
  assert.match(await row.innerText(), /Menunggu verifikasi/);
  assert.match(await row.innerText(), /sertifikat-seminar\.pdf/);
  await screenshots(page, "asn-records");

  // Filing the same activity again is stopped with the API's duplicate warning.
  await page.goto("/saya/klaim");
  await page.getByRole("option", { name: "Seminar" }).waitFor({ state: "attached" });
  await fillClaim(page, { title, certificate });
  await page.getByRole("button", { name: "Kirim klaim" }).click();
  const warning = page.getByRole("alert").filter({ hasText: "Kegiatan ini sepertinya sudah tercatat" });
  await warning.waitFor();
  await warning.getByText(title).waitFor();
  await screenshots(page, "asn-claim-duplicate");
  const again = await api(`/api/v1/asn/${asn.username}/learning-records?status=pending&limit=100`, { token });
  assert.equal(again.body.items.filter((r) => r.title === title).length, 1);
  await page.context().close();
});

test("an ASN withdraws a pending claim with a reason", async () => {
  const token = await accessToken(asn);
  const title = `Bimtek Tata Naskah e2e ${run}`;
  const created = await api(`/api/v1/asn/${asn.username}/learning-records`, {
    method: "POST",
    token,
    body: { title, form_code: "8", start_date: today(), end_date: today(), jp: 2 },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  const page = await newPage(browser);
  await logIn(page, asn);
  await page.goto("/saya/riwayat");
  const row = page.getByRole("row").filter({ hasText: title });
  await row.getByRole("button", { name: `Tarik klaim ${title}` }).click();
  const dialog = page.getByRole("dialog", { name: "Tarik klaim" });
  await dialog.getByRole("button", { name: "Tarik klaim" }).click();
  await dialog.getByText("Tulis alasan, paling sedikit 3 huruf.").waitFor();
  await dialog.getByLabel("Alasan").fill("Salah input, kegiatan sudah dicatat admin");
  await dialog.getByRole("button", { name: "Tarik klaim" }).click();
  await dialog.waitFor({ state: "detached" });
  await eventually(async () => assert.match(await row.innerText(), /Dibatalkan/));

  const after = await api(`/api/v1/learning-records/${created.body.id}`, { token });
  assert.equal(after.body.status, "voided");
  assert.equal(after.body.void_reason, "Salah input, kegiatan sudah dicatat admin");
  await page.context().close();
});

test("a claim with a bad file stores nothing and says why in Indonesian; fixing the file and sending files claim and certificate together", async () => {
  const page = await newPage(browser);
  await logIn(page, asn);
  const token = await accessToken(asn);
  const title = `Webinar Berkas Rusak e2e ${run}`;
  const certificate = `E2E/${run.toUpperCase()}/002`;
  const posts = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().includes("/learning-records")) posts.push(request.url());
  });
  await page.goto("/saya/klaim");
  await page.getByRole("option", { name: "Seminar" }).waitFor({ state: "attached" });
  await fillClaim(page, { title, certificate });
  // A "PDF" that is not one: the preview says so instead of embedding a viewer.
  const fileInput = page.getByLabel(/^Sertifikat/);
  await fileInput.setInputFiles({ name: "rusak.pdf", mimeType: "application/pdf", buffer: Buffer.from("bukan pdf") });
  await page.getByText(/tidak terbaca sebagai PDF/).waitFor();
  // One click sends (it used to be swallowed after a corrupt preview).
  await page.getByRole("button", { name: "Kirim klaim" }).click();
  await page.getByText(/^Isi berkas bukan PDF, PNG, atau JPEG/).waitFor({ timeout: 10_000 });
  await page.getByText(/Sertifikat ditolak, klaim belum dikirim/).waitFor();
  assert.equal(posts.length, 1);
  assert.match(posts[0], /\/learning-records\/with-evidence$/);
  assert.equal(await page.getByLabel("Nama kegiatan").inputValue(), title);
  await screenshots(page, "asn-claim-bad-file");
  const none = await api(`/api/v1/asn/${asn.username}/learning-records?limit=100`, { token });
  assert.equal(none.body.items.filter((r) => r.title === title).length, 0, "a refused file left a claim");

  await fileInput.setInputFiles({ name: "sertifikat-benar.pdf", mimeType: "application/pdf", buffer: tinyPdf(title) });
  await page.getByRole("button", { name: "Kirim klaim" }).click();
  await page.waitForURL((url) => url.pathname === "/saya");
  assert.equal(posts.length, 2);
  const list = await api(`/api/v1/asn/${asn.username}/learning-records?status=pending&limit=100`, { token });
  const filed = list.body.items.filter((r) => r.title === title);
  assert.equal(filed.length, 1);
  assert.equal(filed[0].evidence?.filename, "sertifikat-benar.pdf");
  assert.equal(filed[0].evidence?.content_type, "application/pdf");
  await page.context().close();
});

test("a PDF damaged after its header is previewed by the browser's viewer and still sent with the first click", async () => {
  // The viewer loads such a file and fails inside the page; the click on "Kirim klaim" after that
  // must not go to the viewer (the report: the first click was ignored, 3 of 3 runs).
  const page = await newPage(browser);
  await logIn(page, asn);
  const title = `Webinar PDF Terpotong e2e ${run}`;
  const posts = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().includes("/learning-records")) posts.push(request.url());
  });
  await page.goto("/saya/klaim");
  await page.getByRole("option", { name: "Seminar" }).waitFor({ state: "attached" });
  await fillClaim(page, { title, certificate: `E2E/${run.toUpperCase()}/003` });
  await page.getByLabel(/^Sertifikat/).setInputFiles({
    name: "terpotong.pdf",
    mimeType: "application/pdf",
    buffer: tinyPdf(title).subarray(0, 120),
  });
  await page.getByText("terpotong.pdf").waitFor();
  const embedded = await page.locator("object.evidence-preview__pdf").count();
  const linked = await page.getByRole("link", { name: "Buka berkas" }).count();
  assert.equal(embedded + linked, 1);
  await page.waitForTimeout(2000); // the viewer loads the file, fails, and may take the focus
  await page.getByRole("button", { name: "Kirim klaim" }).click();
  await eventually(() => assert.equal(posts.length, 1, "the first click on Kirim klaim sent nothing"), 5_000);
  // The server judges the bytes: filed (home) or refused with the reason next to the file field.
  await Promise.race([
    page.waitForURL((url) => url.pathname === "/saya"),
    page.getByText(/Sertifikat ditolak, klaim belum dikirim/).waitFor(),
  ]);
  await page.context().close();
});
