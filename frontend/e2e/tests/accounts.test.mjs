import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, launch, logIn, newPage, screenshots } from "../lib.mjs";

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
