import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

let browser;
let token;
const admin = demoLogin("bpsdm_admin");

before(async () => {
  browser = await launch();
  token = await accessToken(admin);
});

after(async () => {
  await browser?.close();
});

test("the reference page lists the API's code lists, switches between them and points to the competency dictionary", async () => {
  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Data referensi" }).click();
  await page.waitForURL(/\/bpsdm\/referensi/);
  await page.getByRole("heading", { level: 1, name: "Data referensi" }).waitFor();

  const forms = (await api("/api/v1/reference/learning_forms", { token })).body;
  const golongan = (await api("/api/v1/reference/golongan", { token })).body;
  const dictionary = (await api("/api/v1/competencies?limit=5", { token })).body;
  assert.ok(forms.items.length > 0 && golongan.items.length > 0 && dictionary.items.length > 0);

  // Learning forms come first: every row of the API, each code with its name.
  const table = page.getByTestId("code-list");
  assert.equal(await table.getAttribute("data-kind"), "learning_forms");
  const form = forms.items.at(-1);
  const formRow = table.locator("tbody tr").filter({ hasText: form.name });
  await formRow.first().waitFor();
  assert.match(await formRow.first().innerText(), new RegExp(`^\\s*${form.code}\\b`));
  assert.equal(await table.locator("tbody tr").count(), forms.items.length);

  await page.getByLabel("Jenis daftar").selectOption({ label: "Golongan/ruang" });
  await page.waitForURL(/jenis=golongan/);
  const grade = golongan.items[0];
  await table.locator("tbody tr").filter({ hasText: grade.name }).first().waitFor();
  assert.equal(await table.getAttribute("data-kind"), "golongan");
  assert.equal(await table.locator("tbody tr").count(), golongan.items.length);
  await table.getByRole("columnheader", { name: /ID SIASN/ }).waitFor();

  await screenshots(page, "bpsdm-reference");

  // The competency dictionary has its own page now: the reference page points there, where it is searched
  // through the API.
  await page.getByTestId("competency-pointer").getByRole("link", { name: "Kamus kompetensi" }).click();
  await page.waitForURL(/\/bpsdm\/kompetensi/);
  const dict = page.getByTestId("competency-dictionary");
  const first = dictionary.items[0];
  // The dictionary page shows each code in a cell of its own (the name cell also holds the description).
  await dict.getByRole("cell", { name: first.code, exact: true }).waitFor();
  const found = (await api(`/api/v1/competencies?q=${encodeURIComponent(first.code)}&limit=50`, { token })).body;
  assert.ok(found.total < dictionary.total, "the search narrows the dictionary");
  await dict.getByLabel("Cari kode atau nama kompetensi").fill(first.code);
  await eventually(async () => assert.equal(await dict.locator("tbody tr").count(), found.items.length), 10_000);
  await dict.locator("tbody tr").filter({ hasText: first.name }).first().waitFor();
});
