// The verification queue as a list that is safe to clear (issue 15): filters narrow it, bulk approval
// never approves a claim without evidence until an admin has opened it and confirmed, and the
// auditor sees the queue and a claim's history but no control that writes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  accessToken,
  api,
  BASE_URL,
  demoLogin,
  eventually,
  launch,
  logIn,
  newPage,
  screenshots,
  tinyPdf,
} from "../lib.mjs";

const asn = demoLogin("asn", "PNS");
const admin = demoLogin("opd_admin");
const auditor = demoLogin("auditor");
const YEAR = new Date().getFullYear();
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A pending claim of the demo ASN (a seminar, form 9, this year), with a PDF certificate when asked. */
async function fileClaim(title, { evidence = false } = {}) {
  const today = new Date().toISOString().slice(0, 10);
  const token = await accessToken(asn);
  const created = await api(`/api/v1/asn/${asn.username}/learning-records`, {
    method: "POST",
    token,
    body: { title, form_code: "9", start_date: today, end_date: today, jp: 2 },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  if (evidence) {
    const form = new FormData();
    form.append("file", new Blob([tinyPdf(title)], { type: "application/pdf" }), "sertifikat.pdf");
    const uploaded = await fetch(`${BASE_URL}/api/v1/learning-records/${created.body.id}/evidence`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    assert.ok(uploaded.ok, await uploaded.text());
  }
  return created.body;
}

async function status(id) {
  return (await api(`/api/v1/learning-records/${id}`, { token: await accessToken(admin) })).body.status;
}

/** The queue's total for these filters as the API counts it for `login` (its own reach). */
async function queueTotal(query, login = admin) {
  const r = await api(`/api/v1/verification-queue?limit=1&${new URLSearchParams(query)}`, {
    token: await accessToken(login),
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.total;
}

/** Page on (oldest first: fresh claims are at the end) until `locator` is on the page. */
async function pageTo(page, locator) {
  const next = page.getByRole("button", { name: "Berikutnya" });
  while (!(await locator.count())) {
    await next.click();
    // The next page has loaded when its row is there or "Berikutnya" may be pressed again.
    await eventually(async () => assert.ok((await locator.count()) > 0 || (await next.isEnabled())));
  }
}

const count = (total) => `${total} klaim menunggu verifikasi`;

async function openQueue(login) {
  const page = await newPage(browser);
  await logIn(page, login);
  if (!page.url().endsWith("/opd")) await page.goto("/opd");
  await page.getByTestId("queue-count").waitFor();
  return page;
}

/** Narrow the queue to this year's seminars (the claims these tests file) and wait for the count. */
async function narrowToSeminars(page, login = admin) {
  await page.getByLabel("Bentuk", { exact: true }).selectOption("9");
  await page.getByLabel("Tahun kegiatan", { exact: true }).selectOption(String(YEAR));
  await page
    .getByTestId("queue-count")
    .filter({ hasText: count(await queueTotal({ form_code: "9", year: YEAR }, login)) })
    .waitFor();
}

test("the filters narrow the queue to what the API finds for them", async () => {
  const stamp = Date.now();
  await fileClaim(`Seminar Saring Bukti ${stamp}`, { evidence: true });
  await fileClaim(`Seminar Saring Tanpa ${stamp}`);
  const page = await openQueue(admin);
  const everything = await queueTotal({});
  await page
    .getByTestId("queue-count")
    .filter({ hasText: count(everything) })
    .waitFor();

  await narrowToSeminars(page);
  const seminars = await queueTotal({ form_code: "9", year: YEAR });
  assert.ok(seminars >= 2 && seminars <= everything, `${seminars} of ${everything}`);

  await page.getByLabel("Bukti", { exact: true }).selectOption("no");
  const without = await queueTotal({ form_code: "9", year: YEAR, has_evidence: "false" });
  await page
    .getByTestId("queue-count")
    .filter({ hasText: count(without) })
    .waitFor();
  assert.ok(without < seminars, "the claim with evidence is filtered out");
  assert.equal(await page.getByRole("cell", { name: "Ada bukti" }).count(), 0);
  await page.getByRole("cell", { name: "Tanpa bukti" }).first().waitFor();
  await page
    .getByRole("cell", { name: /^\d+ hari/ })
    .first()
    .waitFor();
  await screenshots(page, "opd-queue-filtered");
  await page.context().close();
});

test("bulk approval skips a claim without evidence until the admin opens it and confirms", async () => {
  const stamp = Date.now();
  const withPdf = await fileClaim(`Seminar Massal Bukti ${stamp}`, { evidence: true });
  const bare = await fileClaim(`Seminar Massal Tanpa ${stamp}`);
  const page = await openQueue(admin);
  await narrowToSeminars(page);
  const boxes = [withPdf, bare].map((claim) =>
    page.getByRole("checkbox", { name: `Pilih "${claim.title}"`, exact: false }),
  );
  // Oldest first: the fresh claims are on the last page.
  await pageTo(page, boxes[1]);
  for (const box of boxes) await box.check();
  await page.getByRole("button", { name: "Setujui terpilih (2)" }).click();

  const skipped = page.getByTestId("bulk-skipped");
  await skipped.getByText("1 klaim tanpa bukti dilewati.", { exact: false }).waitFor();
  await skipped.getByText(bare.title).waitFor();
  await eventually(async () => assert.equal(await status(withPdf.id), "verified"));
  assert.equal(await status(bare.id), "pending", "no approval without evidence in bulk");

  // Opened, Enter only asks; the admin's answer approves it.
  await page.getByRole("button", { name: `Periksa "${bare.title}"`, exact: false }).click();
  const dialog = page.getByRole("dialog", { name: bare.title });
  const approve = dialog.getByRole("button", { name: "Setujui", exact: true });
  await approve.waitFor();
  await eventually(async () => assert.equal(await approve.evaluate((el) => el === document.activeElement), true));
  await page.keyboard.press("Enter");
  await dialog.getByText("Setujui tanpa bukti?").waitFor();
  assert.equal(await status(bare.id), "pending");
  // The reject reason sits above the certificate, never below it.
  const decide = await dialog.locator(".opd-record__decide").boundingBox();
  const evidence = await dialog.getByRole("heading", { name: "Bukti (sertifikat)" }).boundingBox();
  assert.ok(decide && evidence && decide.y < evidence.y, "decision controls above the preview");
  await screenshots(page, "opd-queue-confirm-bare", { only: "desktop" });

  await dialog.getByRole("button", { name: "Ya, setujui tanpa bukti" }).click();
  await dialog.waitFor({ state: "detached" });
  await eventually(async () => assert.equal(await status(bare.id), "verified"));
  await page.context().close();
});

test("on a phone the queue is a compact list; a tap opens the claim", async () => {
  const title = `Seminar Ponsel ${Date.now()}`;
  await fileClaim(title, { evidence: true });
  const page = await newPage(browser, { width: 360, height: 780 });
  await logIn(page, admin);
  await page.getByTestId("queue-count").waitFor();
  await narrowToSeminars(page);
  assert.equal(await page.getByRole("table").isVisible(), false, "no table on a phone");
  const row = page.locator(".opd-compact__row").filter({ hasText: title });
  await pageTo(page, row);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 4000, `the page is ${height}px tall`);
  await screenshots(page, "opd-queue-compact", { only: "phone" });
  await row.click();
  await page.getByRole("dialog", { name: title }).waitFor();
  await page.context().close();
});

test("the auditor sees the queue and a claim's history, but nothing that approves or rejects", async () => {
  const claim = await fileClaim(`Seminar Auditor ${Date.now()}`, { evidence: true });
  const page = await openQueue(auditor);
  await narrowToSeminars(page, auditor);
  assert.equal(await page.getByRole("checkbox").count(), 0);
  assert.equal(await page.getByRole("button", { name: /Setujui terpilih/ }).count(), 0);

  const review = page.getByRole("button", { name: `Periksa "${claim.title}"`, exact: false });
  await pageTo(page, review);
  await review.click();
  const dialog = page.getByRole("dialog", { name: claim.title });
  const history = dialog.getByRole("region", { name: "Riwayat" });
  await history.getByText("Diajukan").waitFor();
  await history.getByText("Bukti diunggah").waitFor();
  assert.equal(await dialog.getByRole("button", { name: "Setujui" }).count(), 0);
  assert.equal(await dialog.getByRole("button", { name: "Tolak" }).count(), 0);
  await dialog.getByText("Anda dapat melihat klaim ini tetapi tidak dapat memutuskannya.").waitFor();
  await screenshots(page, "opd-queue-auditor");
  await page.context().close();
});
