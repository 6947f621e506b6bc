import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

let browser;
let token;
const admin = demoLogin("bpsdm_admin");
// Unique per run: the database outlives one run of the suite.
const stamp = Date.now().toString(36).toUpperCase();

before(async () => {
  browser = await launch();
  token = await accessToken(admin);
});

after(async () => {
  await browser?.close();
});

/** A new PNS in the unit: birth date, TMT, gender and a sequence number (random, so reruns don't clash). */
async function newAsn(unitId) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, "0");
    const seq = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
    const nip = `199105${day}2019031${seq}`;
    const created = await api("/api/v1/asn", {
      token,
      method: "POST",
      body: { nip, name: `Akun Uji ${stamp}`, unit_id: unitId, employment_type: "pns", active: true },
    });
    if (created.status === 201) return nip;
    if (created.status !== 409) throw new Error(`ASN create: ${created.status} ${JSON.stringify(created.body)}`);
  }
  throw new Error("no free NIP");
}

test("BPSDM provisions a unit's ASN accounts; the ASN logs in, must change the password, and reaches home", async () => {
  // A fresh unit with one ASN without an account.
  const kinds = (await api("/api/v1/reference/unit_kinds", { token })).body.items;
  const unitName = `Unit Akun ${stamp}`;
  const unit = await api("/api/v1/units", {
    token,
    method: "POST",
    body: { code: `AKUN-${stamp}`, name: unitName, kind: kinds[0].code },
  });
  assert.equal(unit.status, 201, JSON.stringify(unit.body));
  const nip = await newAsn(unit.body.id);

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.goto("/bpsdm/pengguna");
  await page.getByRole("heading", { level: 1, name: "Pengguna" }).waitFor();
  await screenshots(page, "bpsdm-users-units");

  await page.getByRole("button", { name: "Buat akun ASN" }).click();
  const dialog = page.getByRole("dialog", { name: "Buat akun ASN" });
  await dialog.getByLabel(/^Unit/).selectOption({ label: `${unitName} (AKUN-${stamp})` });
  await screenshots(page, "accounts-provision-dialog");
  await dialog.getByRole("button", { name: "Buat akun" }).click();

  const list = page.getByTestId("provisioned-list");
  await list.getByText("1 akun dibuat.").waitFor();
  const password = (await list.getByTestId(`otp-${nip}`).innerText()).trim();
  assert.equal(password.length, 15, "a 15-character one-time password is shown");
  await list.getByText("hanya ditampilkan sekarang", { exact: false }).waitFor();
  await screenshots(page, "accounts-provisioned-list");

  // The CSV download carries the same password.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    list.getByRole("button", { name: "Unduh CSV" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `akun-asn-unit-${unit.body.id}.csv`);
  const { readFile } = await import("node:fs/promises");
  const csv = await readFile(await download.path(), "utf8");
  assert.ok(csv.includes(`"${nip}","Akun Uji ${stamp}","${unitName}","${nip}","${password}"`), csv);

  // Closed, the list is gone: the passwords are not shown again.
  await list.getByRole("button", { name: "Tutup daftar" }).click();
  await list.waitFor({ state: "detached" });
  assert.equal(await page.getByText(password).count(), 0);

  // The ASN, in a fresh browser context, logs in with the one-time password and must change it.
  const asnPage = await newPage(browser);
  await logIn(asnPage, { username: nip, password });
  await asnPage.getByRole("heading", { level: 1, name: "Buat kata sandi Anda sendiri" }).waitFor();
  await screenshots(asnPage, "accounts-forced-change");
  const mine = `Kaltim-${stamp}-aman!`;
  await asnPage.getByLabel(/^Kata sandi sekali pakai/).fill(password);
  await asnPage.getByLabel(/^Kata sandi baru/).fill(mine);
  await asnPage.getByLabel(/^Ulangi kata sandi baru/).fill(mine);
  await asnPage.getByRole("button", { name: "Simpan kata sandi" }).click();
  await asnPage.getByRole("heading", { level: 1, name: /^Halo, / }).waitFor();
  await screenshots(asnPage, "accounts-asn-home");

  // The one-time password no longer works; the new one does.
  const old = await api("/api/v1/auth/token", {
    method: "POST",
    form: { grant_type: "password", username: nip, password },
  });
  assert.equal(old.status, 400); // OAuth invalid_grant
  await accessToken({ username: nip, password: mine });
  await asnPage.context().close();
  await page.context().close();
});

test("the OPD admin finds an older ASN account in its list, resets it, and the ASN must choose a new password", async () => {
  // The demo PPPK: an account made by the demo load, long before this run, in opd.diskominfo's units.
  const asn = demoLogin("asn", "PPPK");
  const name = /^own profile: (.+) \(PPPK\)$/.exec(asn.reaches)?.[1];
  assert.ok(name, asn.reaches);
  const opd = demoLogin("opd_admin");

  const page = await newPage(browser);
  await logIn(page, opd);
  await page.goto("/opd/akun");
  await page.getByRole("heading", { level: 1, name: "Akun ASN" }).waitFor();
  assert.equal(await page.getByText("minta reset kepada admin BPSDM", { exact: false }).count(), 0);
  const table = page.getByRole("table", { name: "Akun ASN di unit Anda" });
  await table.getByRole("cell", { name: asn.username, exact: true }).waitFor();
  await page.getByLabel("Cari NIP atau nama").fill(name.split(" ")[0]);
  // The search runs on the server (by name too): only the PPPK's row is left.
  const rows = table.locator("tbody tr");
  await eventually(async () => assert.equal(await rows.count(), 1));
  const row = rows.filter({ hasText: asn.username });
  await row.getByText(name).waitFor();
  await screenshots(page, "opd-accounts-list");

  await row.getByRole("button", { name: `Reset kata sandi ${asn.username}` }).click();
  const dialog = page.getByRole("dialog", { name: `Reset kata sandi ${asn.username}` });
  await dialog.getByText("Kata sandi lama langsung tidak berlaku", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Reset", exact: true }).click();
  const shown = page.getByTestId("reset-password");
  await shown.waitFor();
  const password = (await shown.innerText()).trim();
  assert.equal(password.length, 15, "a 15-character one-time password is shown");
  await screenshots(page, "opd-accounts-reset");
  await page.getByRole("button", { name: "Sudah saya catat" }).click();
  await shown.waitFor({ state: "detached" });
  assert.equal(await page.getByText(password).count(), 0, "the password is shown once");

  // The demo password stopped working; the one-time password logs in and must be changed at once.
  const old = await api("/api/v1/auth/token", {
    method: "POST",
    form: { grant_type: "password", username: asn.username, password: asn.password },
  });
  assert.equal(old.status, 400);
  const asnPage = await newPage(browser);
  await logIn(asnPage, { username: asn.username, password });
  await asnPage.getByRole("heading", { level: 1, name: "Buat kata sandi Anda sendiri" }).waitFor();
  // The demo password again, the ASN's own choice here, so the later tests still log in with it.
  await asnPage.getByLabel(/^Kata sandi sekali pakai/).fill(password);
  await asnPage.getByLabel(/^Kata sandi baru/).fill(asn.password);
  await asnPage.getByLabel(/^Ulangi kata sandi baru/).fill(asn.password);
  await asnPage.getByRole("button", { name: "Simpan kata sandi" }).click();
  await asnPage.getByRole("heading", { level: 1, name: /^Halo, / }).waitFor();
  const reused = await api("/api/v1/auth/token", {
    method: "POST",
    form: { grant_type: "password", username: asn.username, password },
  });
  assert.equal(reused.status, 400, "the one-time password works once");
  await accessToken(asn);
  await asnPage.context().close();
  await page.context().close();
});
