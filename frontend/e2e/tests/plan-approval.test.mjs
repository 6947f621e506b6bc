// An ASN draws up this year's development plan from the competency gaps, changes one item and submits
// it; the OPD admin finds it in the queue of plans and approves it; the unit's training-needs analysis
// then counts the approved item for its competency.
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
const year = new Date().getFullYear();
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The demo PPPK (no other story files JP claims for them), else the PNS, whichever has a gap to plan for. */
async function asnWithGap() {
  for (const type of ["PPPK", "PNS"]) {
    const login = demoLogin("asn", type);
    const token = await accessToken(login);
    const gaps = (await api(`/api/v1/asn/${login.username}/competency-gaps`, { token })).body;
    if (gaps.items.some((item) => item.gap !== null && item.gap < 0)) return { login, token };
  }
  throw new Error("neither demo ASN login has a competency below standard");
}

async function fitsPhone(page) {
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);
}

test("an ASN drafts a plan from the gaps, edits and submits it; the OPD admin approves it", async () => {
  const { login: asn, token } = await asnWithGap();
  const nip = asn.username;
  const planPath = `/api/v1/asn/${nip}/development-plans/${year}`;
  assert.equal((await api(planPath, { token })).status, 404, "the demo logins start without a plan");

  // -- the ASN: from the home page's development-plan card to the plan page.
  const page = await newPage(browser);
  await logIn(page, asn);
  await page.getByRole("link", { name: "Buka rencana pengembangan saya" }).click();
  await page.waitForURL("**/saya/rencana");
  await page.getByRole("heading", { level: 1, name: "Rencana pengembangan saya" }).waitFor();
  await page.getByRole("button", { name: "Susun dari kesenjangan kompetensi" }).click();
  const status = page.getByTestId("plan-status");
  await eventually(async () => assert.equal(await status.innerText(), "Draf"), 10_000);
  const proposed = (await api(planPath, { token })).body;
  assert.ok(proposed.items.length > 0, "one item per competency below standard");
  const first = proposed.items[0];

  // Change the first item: 16 JP in the fourth quarter, Rp 2.400.000.
  await page.getByRole("button", { name: "Ubah butir" }).click();
  const editor = page.getByTestId("plan-editor");
  const item = editor.getByRole("group", { name: "Butir 1" });
  await item.waitFor();
  await fitsPhone(page);
  await item.getByLabel("JP direncanakan").fill("16");
  await item.getByLabel("Triwulan").selectOption("4");
  await item.getByLabel("Perkiraan biaya (Rp)").fill("2.400.000");
  const put = page.waitForRequest((r) => r.method() === "PUT" && r.url().endsWith(`${planPath}/items`));
  await editor.getByRole("button", { name: "Simpan rencana" }).click();
  assert.ok((await put).headers()["if-match"], "the edit carries the plan's ETag");
  await editor.waitFor({ state: "detached" });
  const card = page.getByTestId("plan-items").getByRole("listitem").first();
  await eventually(async () => {
    const text = await card.innerText();
    assert.match(text, /Rp\s2\.400\.000/);
    assert.match(text, /Triwulan IV/);
  });
  const edited = (await api(planPath, { token })).body;
  assert.equal(edited.items[0].planned_jp, 16);
  assert.equal(edited.items[0].estimated_cost_idr, 2_400_000);
  assert.equal(edited.items[0].competency_code, first.competency_code);
  await screenshots(page, "asn-plan");
  await fitsPhone(page);

  // Submit, after confirming.
  await page.getByRole("button", { name: "Ajukan ke admin OPD" }).click();
  const dialog = page.getByRole("dialog", { name: `Ajukan rencana ${year}?` });
  await dialog.getByRole("button", { name: "Ajukan", exact: true }).click();
  await eventually(async () => assert.equal(await status.innerText(), "Diajukan"), 10_000);
  assert.equal(await page.getByRole("button", { name: "Ubah butir" }).count(), 0);

  // The analysis before the decision, to compare with after it.
  const adminToken = await accessToken(admin);
  const me = (await api("/api/v1/auth/me", { token: adminToken })).body;
  const needsPath = `/api/v1/reports/training-needs?year=${year}&unit_id=${me.unit_id}`;
  const needOf = async () => {
    const report = await api(needsPath, { token: adminToken });
    assert.equal(report.status, 200, JSON.stringify(report.body));
    const line = report.body.items.find((i) => i.competency_code === first.competency_code);
    return { items: line?.approved_items ?? 0, jp: line?.approved_jp ?? 0, all: report.body.approved };
  };
  const before = await needOf();

  // -- the OPD admin: the queue of submitted plans, the plan, Setujui.
  const opd = await newPage(browser);
  await logIn(opd, admin);
  await opd.getByRole("link", { name: "Rencana Pengembangan" }).click();
  await opd.waitForURL("**/opd/rencana");
  const queue = opd.getByRole("table", { name: "Rencana pengembangan yang menunggu keputusan" });
  await queue.waitFor();
  await opd.getByLabel("Cari NIP atau nama").fill(nip);
  const row = queue.locator("tbody tr").filter({ hasText: nip });
  await eventually(async () => assert.equal(await row.count(), 1), 8_000);
  await row.getByRole("link").click();
  await opd.waitForURL(`**/opd/rencana/${nip}/${year}`);
  const review = opd.getByTestId("plan-status");
  await eventually(async () => assert.equal(await review.innerText(), "Diajukan"));
  await opd.getByTestId("plan-history").waitFor();
  await screenshots(opd, "opd-plan-review");
  await fitsPhone(opd);
  await opd.getByLabel("Catatan untuk ASN").fill("Sesuai kebutuhan jabatan");
  await opd.getByRole("button", { name: "Setujui" }).click();
  await opd.getByText("Rencana disetujui.").waitFor();
  await eventually(async () => assert.equal(await review.innerText(), "Disetujui"));

  const decided = (await api(planPath, { token })).body;
  assert.equal(decided.status, "approved");
  assert.equal(decided.decision_note, "Sesuai kebutuhan jabatan");

  // The ASN sees the decision.
  await page.reload();
  await eventually(async () => assert.equal(await page.getByTestId("plan-status").innerText(), "Disetujui"), 10_000);

  // The training-needs analysis of the OPD now counts the approved item for its competency.
  const afterDecision = await needOf();
  assert.equal(afterDecision.items, before.items + 1);
  assert.equal(Math.round((afterDecision.jp - before.jp) * 100) / 100, 16);
  assert.equal(afterDecision.all.cost_idr - before.all.cost_idr, decided.estimated_cost_idr);
  await opd.context().close();
  await page.context().close();
});
