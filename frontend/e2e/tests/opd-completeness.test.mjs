// An OPD admin opens "Data Belum Lengkap", follows the link that completes one ASN's contact, fills the
// phone (and email) in the ASN's page, and sees one fewer person missing it.
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
const number = new Intl.NumberFormat("id-ID");
const CONTACT = "Email dan nomor telepon di profil";
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("the OPD admin completes an ASN's contact from the list of what is missing", async () => {
  const token = await accessToken(admin);
  const me = (await api("/api/v1/auth/me", { token })).body;
  const missing = (await api(`/api/v1/units/${me.unit_id}/data-gaps?indicator=contact&limit=500`, { token })).body;
  assert.ok(missing.total > 0, "the demo leaves someone's contact incomplete");
  // The last by NIP: no other story edits these profiles.
  const person = missing.items.at(-1);

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("link", { name: "Data Belum Lengkap" }).click();
  await page.waitForURL("**/opd/kelengkapan");
  const show = page.getByTestId("missing-contact");
  await eventually(async () =>
    assert.equal(await show.innerText(), `Lihat ${number.format(missing.total)} ASN yang belum`),
  );
  await show.click();
  await page.waitForURL("**/opd/kelengkapan?item=contact");
  const total = page.getByTestId("gaps-total");
  await eventually(async () =>
    assert.equal(await total.innerText(), `${number.format(missing.total)} ASN belum memiliki: ${CONTACT}`),
  );
  await screenshots(page, "opd-completeness");
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);

  // One click to the ASN's page, where the profile dialog is already open.
  await page.getByRole("link", { name: `Lengkapi email dan nomor telepon di profil: ${person.name}` }).click();
  await page.waitForURL(`**/opd/asn/${person.nip}?lengkapi=fill_contact`);
  const dialog = page.getByRole("dialog", { name: "Ubah profil ASN" });
  await dialog.waitFor();
  const phone = dialog.getByLabel("Telepon");
  const email = dialog.getByLabel("Surel");
  if (!(await phone.inputValue())) await phone.fill("0812-5400-1234");
  if (!(await email.inputValue())) await email.fill(`e2e.${person.nip}@kaltimprov.go.id`);
  const patch = page.waitForRequest((r) => r.method() === "PATCH" && r.url().endsWith(`/api/v1/asn/${person.nip}`));
  await dialog.getByRole("button", { name: "Simpan" }).click();
  assert.ok((await patch).headers()["if-match"], "the change carries the profile's ETag");
  await page.getByText(`Profil ${person.name} disimpan.`).waitFor();
  await dialog.waitFor({ state: "detached" });
  const saved = (await api(`/api/v1/asn/${person.nip}`, { token })).body;
  assert.ok(saved.phone && saved.email, "the API has both now");

  // Back to the list: one fewer, and the person is gone from it.
  await page.getByRole("link", { name: "← Kembali ke daftar" }).click();
  await page.waitForURL("**/opd/kelengkapan?item=contact");
  const left = missing.total - 1;
  await eventually(
    async () => assert.equal(await total.innerText(), `${number.format(left)} ASN belum memiliki: ${CONTACT}`),
    8_000,
  );
  assert.equal(await page.getByRole("table").getByText(person.nip).count(), 0);
  const after = (await api(`/api/v1/units/${me.unit_id}/data-gaps?indicator=contact&limit=1`, { token })).body;
  assert.equal(after.total, left);
  await page.context().close();
});
