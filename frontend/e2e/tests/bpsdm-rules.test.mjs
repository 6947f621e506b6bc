import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, launch, logIn, newPage, screenshots } from "../lib.mjs";

let browser;
let token;
const admin = demoLogin("bpsdm_admin");
const pppk = demoLogin("asn", "PPPK");
const thisYear = new Date().getFullYear();

before(async () => {
  browser = await launch();
  token = await accessToken(admin);
});

after(async () => {
  await browser?.close();
});

test("the current year has its own rules with the form rules, and the demo PPPK counts only up to the cap", async () => {
  const rules = (await api(`/api/v1/rules/${thisYear}`, { token })).body;
  assert.equal(rules.source_year, thisYear, "`db upgrade` and `demo load` give the current year its own set");
  const seminar = rules.form_rules.find((r) => r.form_code === "9");
  assert.equal(seminar?.max_jp_per_day, 4);

  const own = await accessToken(pppk);
  const me = (await api("/api/v1/auth/me", { token: own })).body;
  const summary = (await api(`/api/v1/asn/${me.nip}/jp-summary?year=${thisYear}`, { token: own })).body;
  const recorded = summary.by_form.reduce((sum, f) => sum + f.jp, 0);
  assert.equal(summary.cap_jp, rules.pppk_max_jp);
  assert.ok(summary.verified_jp <= summary.cap_jp, `${summary.verified_jp} counted against a cap of ${summary.cap_jp}`);
  assert.equal(summary.over_cap, recorded > summary.cap_jp);

  const page = await newPage(browser);
  await logIn(page, pppk);
  await page.getByText(`dari batas ${summary.cap_jp} JP (PPPK)`).waitFor();
  if (summary.over_cap) await page.getByText("Melebihi batas JP PPPK").waitFor();
});

test("BPSDM sees that a year falls back to an earlier year's rules and copies them in one action", async () => {
  // The first year of the page's list (next year, then back) still without a set of its own: another
  // story may already have saved next year's.
  let before;
  for (let year = thisYear + 1; year >= thisYear - 4 && !before; year--) {
    const found = (await api(`/api/v1/rules/${year}`, { token })).body;
    if (found.source_year !== year) before = found;
  }
  assert.ok(before, "some year of the list falls back to an earlier set");
  const { year: target, source_year: source } = before;

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Aturan" }).click();
  await page.waitForURL(/\/bpsdm\/aturan/);
  await page.getByTestId("rules-own").waitFor();
  assert.equal(await page.getByTestId("rules-own").innerText(), `Tahun ${thisYear} memiliki aturan sendiri.`);

  await page.getByLabel("Tahun").selectOption(String(target));
  await page.getByText(`Tahun ${target} memakai aturan tahun ${source}`).waitFor();
  await screenshots(page, "bpsdm-rules-fallback");

  await page.getByRole("button", { name: `Salin dari tahun lalu (${source})` }).click();
  const dialog = page.getByRole("dialog", { name: `Salin aturan ke tahun ${target}?` });
  await dialog.waitFor();
  await screenshots(page, "bpsdm-rules-copy-confirm");
  await dialog.getByRole("button", { name: "Salin", exact: true }).click();
  await page.getByText(`Aturan tahun ${source} telah disalin ke tahun ${target}.`).waitFor();
  await page.getByTestId("rules-own").waitFor();
  assert.equal(await page.getByTestId("rules-own").innerText(), `Tahun ${target} memiliki aturan sendiri.`);
  assert.equal(await dialog.count(), 0);
  await screenshots(page, "bpsdm-rules-copied");

  const copied = await api(`/api/v1/rules/${target}`, { token });
  assert.equal(copied.body.source_year, target);
  assert.equal(copied.headers.get("etag"), '"1"');
  assert.deepEqual(copied.body.form_rules, before.form_rules);

  // Once it has a set, the copy is refused rather than silently overwriting it.
  const again = await api(`/api/v1/rules/${target}/copy`, { token, method: "POST", body: { from_year: source } });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, "rules_exist");
});
