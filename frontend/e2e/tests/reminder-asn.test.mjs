// A reminder that reaches an ASN: BPSDM runs the "below the JP target" campaign for real (through the
// API), and the ASN sees the bell's count, reads the reminder in the inbox and the count goes.
// Named to run after bpsdm-audit.test.mjs: its audit rows (an account, a run, logins) would push the
// demo load out of the first page of the audit log that story opens.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

const bpsdm = demoLogin("bpsdm_admin");
const year = new Date().getFullYear();
const PASSWORD = "Pengingat#2026-e2e";
const TITLE = `JP Anda tahun ${year} belum mencapai target`;
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** An active PNS below the year's JP target, given an account here (the demo's ASN logins reach it). */
async function asnBelowTarget(token) {
  const list = (await api("/api/v1/asn?active=true&limit=500", { token })).body.items;
  for (const asn of list.filter((a) => a.employment_type === "pns")) {
    const summary = (await api(`/api/v1/asn/${asn.nip}/jp-summary?year=${year}`, { token })).body;
    if (!(summary.remaining_jp > 0)) continue;
    const created = await api("/api/v1/users", {
      token,
      method: "POST",
      body: { username: asn.nip, password: PASSWORD, role: "asn", nip: asn.nip },
    });
    if (created.status === 201) return asn;
  }
  throw new Error("no PNS below the JP target without an account");
}

/** The campaign chooses people from its from_month on: before it, this story moves it to January. */
async function campaignInSeason(token) {
  const read = await api(`/api/v1/reminder-rules/${year}`, { token });
  const campaign = read.body.campaigns.find((c) => c.code === "asn_below_jp_target");
  const month = new Date().getMonth() + 1;
  if (campaign.active && campaign.from_month <= month) return;
  const campaigns = read.body.campaigns.map((c) => (c === campaign ? { ...c, from_month: 1, active: true } : c));
  const own = read.body.source_year === year;
  const headers = own ? { "If-Match": read.headers.get("etag") } : {};
  const response = await fetch(`${process.env.E2E_BASE_URL}/api/v1/reminder-rules/${year}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ campaigns }),
  });
  assert.ok(response.ok, `the campaign was moved into season: ${response.status}`);
}

test("an ASN below the JP target reads the campaign's reminder in the inbox", async () => {
  const token = await accessToken(bpsdm);
  const asn = await asnBelowTarget(token);
  await campaignInSeason(token);
  const run = await api(`/api/v1/reminder-rules/${year}/run?dry_run=false&campaign=asn_below_jp_target`, {
    token,
    method: "POST",
  });
  assert.equal(run.status, 200);
  assert.ok(run.body.results[0].queued >= 1, "the new account was reminded");

  const page = await newPage(browser);
  await logIn(page, { username: asn.nip, password: PASSWORD });
  const bell = page.getByRole("link", { name: /^Notifikasi, \d+ belum dibaca$/ });
  await bell.waitFor();
  const unread = Number(await page.getByTestId("unread-count").innerText());
  assert.ok(unread >= 1);
  await bell.click();
  await page.waitForURL("**/kotak-masuk");
  await page.getByRole("heading", { level: 1, name: "Kotak Masuk" }).waitFor();
  const reminder = page.getByRole("button", { name: new RegExp(`^Belum dibaca: ${TITLE}`) });
  await reminder.waitFor();
  await screenshots(page, "asn-inbox");

  // Opened, it says how much is left, and is read: the bell counts one fewer.
  await reminder.click();
  await page
    .getByText(/kurang \d/)
    .first()
    .waitFor();
  await page.getByRole("button", { name: new RegExp(`^${TITLE}`) }).waitFor();
  await eventually(async () => {
    // No badge at all when nothing is left unread; allInnerTexts() does not wait for one.
    const [badge] = await page.getByTestId("unread-count").allInnerTexts();
    assert.equal(badge === undefined ? 0 : Number(badge), unread - 1);
  }, 8_000);
  const inbox = (
    await api("/api/v1/me/notifications?unread=true", {
      token: await accessToken({ username: asn.nip, password: PASSWORD }),
    })
  ).body;
  assert.equal(inbox.unread_count, unread - 1);
  await screenshots(page, "asn-inbox-read", { only: "phone" });

  // Its link leads to the ASN's home.
  await page.getByRole("link", { name: "Buka halaman terkait" }).click();
  await page.waitForURL("**/saya");
  await page.context().close();
});
