// The main story end to end: an ASN's claim with a PDF certificate waits in the OPD admin's
// queue, the admin previews the certificate and approves it, and the ASN's verified JP rises by the
// claim's JP on their home page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  accessToken,
  api,
  BASE_URL,
  DESKTOP,
  demoLogin,
  eventually,
  launch,
  logIn,
  newPage,
  PHONE,
  screenshots,
  tinyPdf,
} from "../lib.mjs";

const asn = demoLogin("asn", "PNS");
// The demo ASN work in Diskominfo (bidang Aptika); opd.diskominfo verifies its claims.
const admin = demoLogin("opd_admin");
const CLAIM_JP = 7.5;

let browser;

before(async () => {
  assert.equal(admin.username, "opd.diskominfo", "the first demo OPD admin is the demo ASN's");
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A pending claim of the demo ASN with a PDF certificate, made through the API as the ASN. */
async function fileClaim(title, jp = CLAIM_JP) {
  const token = await accessToken(asn);
  const today = new Date().toISOString().slice(0, 10);
  const created = await api(`/api/v1/asn/${asn.username}/learning-records`, {
    method: "POST",
    token,
    body: { title, form_code: "8", organizer: "BPSDM Kaltim", start_date: today, end_date: today, jp },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.status, "pending");
  const form = new FormData();
  form.append("file", new Blob([tinyPdf(title.replace(/[()\\]/g, ""))], { type: "application/pdf" }), "sertifikat.pdf");
  const upload = await fetch(`${BASE_URL}/api/v1/learning-records/${created.body.id}/evidence`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  assert.ok(upload.ok, `evidence upload: ${upload.status} ${await upload.text()}`);
  return created.body;
}

/** The "Periksa" button of a claim in the queue, paging forward until it shows up. */
async function findInQueue(page, title) {
  const review = page.getByRole("button", { name: `Periksa "${title}"`, exact: false });
  for (;;) {
    await page.getByTestId("queue-count").waitFor();
    if (await review.count()) return review;
    const next = page.getByRole("navigation", { name: /halaman/i }).getByRole("button", { name: /Berikutnya/ });
    if (!(await next.isEnabled())) throw new Error(`"${title}" is not in the queue`);
    await next.click();
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
  }
}

test("an OPD admin previews the certificate and approves the claim; the ASN's JP rises", async () => {
  const title = `Bimtek Verifikasi E2E ${Date.now()}`;
  const claim = await fileClaim(title);
  const asnToken = await accessToken(asn);
  const before = (await api(`/api/v1/asn/${asn.username}/jp-summary`, { token: asnToken })).body;
  assert.ok(before.pending_jp >= CLAIM_JP);

  const page = await newPage(browser);
  await logIn(page, admin);
  assert.equal(new URL(page.url()).pathname, "/opd");
  const review = await findInQueue(page, title);
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `the queue is ${width} px wide on a phone`);
  });
  await page.setViewportSize(DESKTOP);
  await screenshots(page, "opd-queue");
  await review.click();

  const dialog = page.getByRole("dialog", { name: title });
  await dialog.waitFor();
  const preview = dialog.locator(`iframe[title^="Pratinjau bukti"]`);
  await preview.waitFor();
  assert.match(await preview.getAttribute("src"), /^blob:/);
  await screenshots(page, "opd-claim-detail");

  // "Setujui" has the focus: one key approves.
  await eventually(async () => assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Setujui"));
  await page.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  await page.getByText(`Klaim "${title}" disetujui.`).waitFor();
  await eventually(async () =>
    assert.equal(await page.getByRole("button", { name: `Periksa "${title}"`, exact: false }).count(), 0),
  );

  const record = (await api(`/api/v1/learning-records/${claim.id}`, { token: asnToken })).body;
  assert.equal(record.status, "verified");
  assert.equal(record.history.at(-1).actor, admin.username);
  await page.context().close();

  const home = await newPage(browser);
  await logIn(home, asn);
  const ring = home.getByRole("progressbar", { name: /^Jam Pelajaran \(JP\) \d{4}$/ });
  await ring.waitFor();
  await eventually(async () =>
    assert.equal(Number(await ring.getAttribute("aria-valuenow")), before.verified_jp + CLAIM_JP),
  );
  const afterwards = (await api(`/api/v1/asn/${asn.username}/jp-summary`, { token: asnToken })).body;
  assert.equal(afterwards.verified_jp, before.verified_jp + CLAIM_JP);
  assert.equal(afterwards.pending_jp, before.pending_jp - CLAIM_JP);
  await home.context().close();
});
