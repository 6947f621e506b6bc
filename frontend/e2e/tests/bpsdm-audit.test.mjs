import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

let browser;
let token;
const admin = demoLogin("bpsdm_admin");
const auditor = demoLogin("auditor");

before(async () => {
  browser = await launch();
  token = await accessToken(admin);
});

after(async () => {
  await browser?.close();
});

test("the BPSDM admin opens the audit log, filters it by entity and follows one object's history", async () => {
  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Log audit" }).click();
  await page.waitForURL(/\/bpsdm\/audit$/);
  await page.getByRole("heading", { level: 1, name: "Log audit" }).waitFor();

  // Every write, newest first: the demo load and the logins of this run at least.
  const everything = (await api("/api/v1/audit?limit=1", { token })).body;
  assert.ok(everything.total >= 2, "the demo load and a login are in the trail");
  await page.getByRole("heading", { name: new RegExp(`dari ${everything.total} entri`) }).waitFor();

  // The demo load's row discloses what it wrote (found by its entity: the newest 50 rows are the
  // writes of the stories and jobs that ran before this one).
  await page.getByLabel("Entitas").selectOption({ label: "Data demo" });
  const table = page.getByRole("table");
  const demoRow = table.locator("tbody tr").filter({ hasText: "Data demo" }).first();
  await demoRow.getByText("Lihat perubahan").click();
  await demoRow.getByRole("definition").first().waitFor();

  // Filter by entity: the user accounts' rows (logins) only, as many as the API counts.
  const users = (await api("/api/v1/audit?entity=user&limit=1", { token })).body;
  assert.ok(users.total >= 1);
  await page.getByLabel("Entitas").selectOption({ label: "Akun pengguna" });
  await page.getByRole("button", { name: "Terapkan" }).click();
  await page.waitForURL(/entitas=user/);
  await page
    .getByRole("heading", { name: `Menampilkan ${Math.min(users.total, 50)} dari ${users.total} entri` })
    .waitFor();
  const rows = table.locator("tbody tr");
  await eventually(async () => {
    const count = await rows.count();
    assert.equal(count, Math.min(users.total, 50));
    for (let i = 0; i < count; i += 1) assert.match(await rows.nth(i).innerText(), /Akun pengguna/);
  }, 10_000);

  // A key leads to that object's whole history: here the admin's own logins.
  await rows.filter({ hasText: "Masuk" }).getByRole("link", { name: admin.username, exact: true }).first().click();
  await page.waitForURL(/kunci=/);
  // The filter fields follow the address after the navigation, not at once.
  await eventually(async () => assert.equal(await page.getByLabel("Kunci").inputValue(), admin.username), 10_000);
  const mine = (await api(`/api/v1/audit?entity=user&key=${encodeURIComponent(admin.username)}`, { token })).body;
  await page.getByRole("heading", { name: `Menampilkan ${mine.items.length} dari ${mine.total} entri` }).waitFor();

  await page.getByRole("button", { name: "Hapus filter" }).click();
  await page.waitForURL(/\/bpsdm\/audit$/);
  await screenshots(page, "bpsdm-audit");
});

test("the auditor reads the audit log and is offered no write control on the BPSDM pages", async () => {
  const page = await newPage(browser);
  await logIn(page, auditor);
  assert.equal(new URL(page.url()).pathname, "/bpsdm");
  const nav = page.getByRole("navigation", { name: "Menu BPSDM" });

  await nav.getByRole("link", { name: "Log audit" }).click();
  await page.getByRole("heading", { level: 1, name: "Log audit" }).waitFor();
  // The auditor's own login is in the trail.
  await page.getByRole("table").locator("tbody tr").filter({ hasText: auditor.username }).first().waitFor();

  await nav.getByRole("link", { name: "Pengguna" }).click();
  await page.getByRole("heading", { level: 1, name: "Pengguna" }).waitFor();
  await page.getByRole("table").locator("tbody tr").first().waitFor();
  assert.equal(await page.getByRole("button", { name: "Tambah pengguna" }).count(), 0);
  await screenshots(page, "bpsdm-users-auditor", { only: "phone" });

  await nav.getByRole("link", { name: "Klien integrasi" }).click();
  await page.getByRole("heading", { level: 1, name: "Klien integrasi" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Tambah klien" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: /Ganti rahasia/ }).count(), 0);

  await nav.getByRole("link", { name: "Impor data" }).click();
  await page.getByText("Akun Anda hanya dapat melihat data di halaman ini.").waitFor();
  assert.equal(await page.getByLabel("Berkas").count(), 0);
});
