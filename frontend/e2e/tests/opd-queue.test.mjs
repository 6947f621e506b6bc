// The verification queue beyond the one-claim approval of flow.test.mjs: rejecting needs a reason,
// and "Setujui terpilih" approves what it can and reports the rest.
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
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A pending claim of the demo ASN, made through the API as the ASN (with a PDF when asked). */
async function fileClaim(title, jp, { evidence = false } = {}) {
  const today = new Date().toISOString().slice(0, 10);
  const created = await api(`/api/v1/asn/${asn.username}/learning-records`, {
    method: "POST",
    token: await accessToken(asn),
    body: { title, form_code: "9", start_date: today, end_date: today, jp },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  if (evidence) {
    // Bulk approval passes over claims without evidence (opd-queue-safe.test.mjs).
    const form = new FormData();
    form.append("file", new Blob([tinyPdf(title)], { type: "application/pdf" }), "sertifikat.pdf");
    const uploaded = await fetch(`${BASE_URL}/api/v1/learning-records/${created.body.id}/evidence`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await accessToken(asn)}` },
      body: form,
    });
    assert.ok(uploaded.ok, await uploaded.text());
  }
  return created.body;
}

async function recordStatus(id) {
  return (await api(`/api/v1/learning-records/${id}`, { token: await accessToken(admin) })).body;
}

async function openQueue() {
  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByTestId("queue-count").waitFor();
  return page;
}

test("rejecting a claim asks for a reason and records it", async () => {
  const title = `Seminar Tolak E2E ${Date.now()}`;
  const claim = await fileClaim(title, 2);
  const page = await openQueue();
  // The queue is ordered oldest first; a fresh claim may be on a later page.
  const review = page.getByRole("button", { name: `Periksa "${title}"`, exact: false });
  while (!(await review.count())) await page.getByRole("button", { name: "Berikutnya" }).click();
  await review.click();

  const dialog = page.getByRole("dialog", { name: title });
  await dialog.getByText("Klaim ini tidak melampirkan bukti.").waitFor();
  // Who filed it by name (the NIP under it), and the learning form by its reference-list name.
  const token = await accessToken(admin);
  const profile = (await api(`/api/v1/asn/${asn.username}`, { token })).body;
  const forms = (await api("/api/v1/reference/learning_forms", { token })).body;
  const seminar = forms.items.find((item) => item.code === "9").name;
  await dialog.getByRole("link", { name: profile.name, exact: true }).waitFor();
  await dialog.getByText(`NIP ${asn.username}`, { exact: true }).waitFor();
  await dialog.getByText(`${seminar} (9)`, { exact: true }).waitFor();
  await screenshots(page, "opd-claim-review-names");
  await dialog.getByRole("button", { name: "Tolak", exact: true }).click();
  const reason = dialog.getByLabel("Alasan penolakan");
  await reason.waitFor();
  await dialog.getByText("Tuliskan alasan penolakan").waitFor();
  await eventually(async () => assert.equal(await reason.evaluate((el) => el === document.activeElement), true));
  assert.equal((await recordStatus(claim.id)).status, "pending", "nothing is sent without a reason");

  await reason.fill("Sertifikat belum dilampirkan");
  await dialog.getByRole("button", { name: "Tolak dengan alasan ini" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByText(`Klaim "${title}" ditolak.`).waitFor();

  const record = await recordStatus(claim.id);
  assert.equal(record.status, "rejected");
  assert.equal(record.decision_note, "Sertifikat belum dilampirkan");
  await page.context().close();
});

test("bulk approval approves the selected claims and reports one decided meanwhile", async () => {
  const stamp = Date.now();
  const claims = [
    await fileClaim(`Seminar Massal A ${stamp}`, 1, { evidence: true }),
    await fileClaim(`Seminar Massal B ${stamp}`, 1.5, { evidence: true }),
    await fileClaim(`Seminar Massal C ${stamp}`, 2, { evidence: true }),
  ];
  const page = await openQueue();
  const boxes = claims.map((claim) => page.getByRole("checkbox", { name: `Pilih "${claim.title}"`, exact: false }));
  while (!(await boxes[2].count())) await page.getByRole("button", { name: "Berikutnya" }).click();
  for (const box of boxes) await box.check();
  const bulk = page.getByRole("button", { name: "Setujui terpilih (3)" });
  await bulk.waitFor();

  // Someone else decides B after the admin ticked it: its approval must fail, the others go through.
  const other = await api(`/api/v1/learning-records/${claims[1].id}/verification`, {
    method: "POST",
    token: await accessToken(demoLogin("bpsdm_admin")),
    body: { decision: "reject", note: "Duplikat" },
  });
  assert.equal(other.status, 200, JSON.stringify(other.body));

  await bulk.click();
  const summary = page.getByRole("status").filter({ hasText: "2 klaim disetujui." });
  await summary.waitFor();
  await summary.getByText("1 klaim tidak dapat disetujui:").waitFor();
  await summary.getByText(`Seminar Massal B ${stamp}`).waitFor();
  await summary.getByText("Klaim ini sudah diputuskan sebelumnya.").waitFor();

  assert.equal((await recordStatus(claims[0].id)).status, "verified");
  assert.equal((await recordStatus(claims[1].id)).status, "rejected");
  assert.equal((await recordStatus(claims[2].id)).status, "verified");
  await eventually(async () => assert.equal(await boxes[0].count(), 0));
  await page.context().close();
});
