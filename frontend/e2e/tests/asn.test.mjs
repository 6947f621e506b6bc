import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, demoLogin, launch, logIn, newPage, screenshots } from "../lib.mjs";

const asn = demoLogin("asn", "PNS");
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test("an ASN logs in and sees this year's JP against the target", async () => {
  const page = await newPage(browser);
  await logIn(page, asn);

  assert.equal(new URL(page.url()).pathname, "/saya");
  const ring = page.getByRole("progressbar", { name: /^Jam Pelajaran \(JP\) \d{4}$/ });
  await ring.waitFor();
  const summary = (await api(`/api/v1/asn/${asn.username}/jp-summary`, { token: await accessToken(asn) })).body;
  assert.equal(Number(await ring.getAttribute("aria-valuenow")), summary.verified_jp);
  assert.equal(Number(await ring.getAttribute("aria-valuemax")), summary.target_jp);
  await page.getByRole("heading", { level: 1, name: /^Halo, / }).waitFor();
  await screenshots(page, "asn-home");
  await page.context().close();
});

test("an ASN sees their IP ASN and its advice", async () => {
  const token = await accessToken(asn);
  const ip = (await api(`/api/v1/asn/${asn.username}/ip-asn`, { token })).body;
  assert.ok(ip.how_to_improve.length > 0, `the demo PNS has nothing to improve: ${JSON.stringify(ip)}`);
  const number = new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 });
  const page = await newPage(browser);
  await logIn(page, asn);

  const card = page.getByRole("region", { name: `Indeks Profesionalitas ASN ${ip.year}` });
  // Asked for once the JP summary has answered, after the other cards' reads: allow for a busy machine.
  await card.waitFor({ timeout: 15_000 });
  const total = (await card.getByTestId("ip-asn-total").innerText()).replace(/\s+/g, " ");
  assert.equal(total, `${number.format(ip.total)} dari 100`);
  assert.equal(await card.getByTestId("ip-asn-category").innerText(), ip.category);
  const names = { kualifikasi: "Kualifikasi", kompetensi: "Kompetensi", kinerja: "Kinerja", disiplin: "Disiplin" };
  const bars = card.getByRole("list", { name: "Nilai per dimensi" }).getByRole("progressbar");
  assert.equal(await bars.count(), ip.dimensions.length);
  for (const [i, dimension] of ip.dimensions.entries()) {
    const bar = bars.nth(i);
    assert.equal(await bar.getAttribute("aria-label"), names[dimension.code]);
    assert.equal(Number(await bar.getAttribute("aria-valuenow")), dimension.score);
    assert.equal(Number(await bar.getAttribute("aria-valuemax")), dimension.max);
  }
  assert.equal(
    ip.dimensions.reduce((sum, d) => sum + d.score, 0),
    ip.total,
    "the four dimensions add up to the total",
  );

  await card.getByRole("heading", { name: "Yang bisa Anda lakukan" }).waitFor();
  const advice = await card.getByTestId("ip-asn-advice").getByRole("listitem").allInnerTexts();
  assert.deepEqual(
    advice,
    ip.how_to_improve.map((step) => `${step.action}: +${number.format(step.points)}`),
  );
  await card.locator("summary").click();
  for (const indicator of ip.dimensions.flatMap((d) => d.indicators)) {
    await card.getByText(indicator.label, { exact: true }).waitFor();
  }
  // Full-page shots from the top (scrolled, the sticky header would sit over the middle).
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshots(page, "asn-ip-asn");
  await page.context().close();
});

test("a PPPK sees no IP ASN card, and no error", async () => {
  const pppk = demoLogin("asn", "PPPK");
  const answer = await api(`/api/v1/asn/${pppk.username}/ip-asn`, { token: await accessToken(pppk) });
  assert.equal(answer.status, 422);
  assert.equal(answer.body.code, "ip_asn_not_applicable");
  const page = await newPage(browser);
  await logIn(page, pppk);
  await page.getByRole("progressbar", { name: /^Jam Pelajaran \(JP\) \d{4}$/ }).waitFor();
  await page.getByRole("heading", { level: 1, name: /^Halo, / }).waitFor();
  // The profile says PPPK before any card could ask: give the page a moment all the same.
  await page.waitForLoadState("networkidle");
  assert.equal(await page.getByRole("region", { name: /Indeks Profesionalitas ASN/ }).count(), 0);
  assert.equal(await page.getByRole("alert").count(), 0);
  await page.context().close();
});

test("the ASN sees jabatan and unit kerja, and the records grouped by year with JP totals", async () => {
  const token = await accessToken(asn);
  const profile = (await api(`/api/v1/asn/${asn.username}`, { token })).body;
  const unit = (await api(`/api/v1/units/${profile.unit_id}`, { token })).body;
  const page = await newPage(browser);
  await logIn(page, asn);
  const placement = page.getByTestId("asn-placement");
  // Named after the profile has loaded (two more reads), so allow for a busy test machine.
  await placement.getByText(unit.name, { exact: true }).waitFor({ timeout: 15_000 });
  if (profile.position_id !== null) {
    const position = (await api(`/api/v1/positions/${profile.position_id}`, { token })).body;
    await placement.getByText(position.name, { exact: true }).waitFor({ timeout: 15_000 });
  }

  await page.goto(new URL("/saya/riwayat?tahun=semua", page.url()).href);
  const records = (await api(`/api/v1/asn/${asn.username}/learning-records?limit=500`, { token })).body.items;
  const years = [...new Set(records.map((r) => r.year))].sort((a, b) => b - a);
  assert.ok(years.length > 0, "the demo ASN has no learning records");
  for (const year of years) {
    const verified = records
      .filter((r) => r.year === year && r.status === "verified")
      .reduce((sum, r) => sum + r.jp, 0);
    const total = page.getByTestId(`year-total-${year}`);
    await total.waitFor();
    assert.match(
      await total.innerText(),
      new RegExp(`^${new Intl.NumberFormat("id-ID").format(verified)} JP terverifikasi`),
    );
  }
  const headings = await page.getByRole("heading", { level: 2 }).allInnerTexts();
  assert.deepEqual(headings.filter((h) => /^\d{4}$/.test(h)).map(Number), years);
  await screenshots(page, "asn-records-by-year");
  await page.context().close();
});

test("the demo ASN has competency gaps against the position standard for the home page to show", async () => {
  const gaps = (await api(`/api/v1/asn/${asn.username}/competency-gaps`, { token: await accessToken(asn) })).body;
  const below = gaps.items.filter((item) => item.gap !== null && item.gap < 0);
  assert.ok(below.length > 0, `no gap in ${JSON.stringify(gaps.items)}`);
});

test("an expired session asks for the password over the page and keeps the half-filled form", async () => {
  const page = await newPage(browser);
  await logIn(page, asn);
  const email = page.getByLabel("Surel");
  const phone = page.getByLabel("Nomor telepon");
  const address = `e2e.${Date.now()}@kaltimprov.go.id`;
  await email.fill(address);
  await phone.fill("+62 811-5400-123");

  // Expire the session: revoke the tab's refresh token on the server, and make the server refuse the
  // access token of the next save (as if it had run out; the real one lasts 15 minutes).
  const refreshToken = await page.evaluate(() => sessionStorage.getItem("bangkom.refresh_token"));
  assert.ok(refreshToken, "the refresh token is in sessionStorage");
  const revoked = await api("/api/v1/auth/revoke", {
    method: "POST",
    token: await accessToken(asn),
    form: { token: refreshToken },
  });
  assert.equal(revoked.status, 200); // RFC 7009: 200 whether or not the token was known
  let expired = false;
  await page.route("**/api/v1/asn/*", async (route) => {
    if (!expired && route.request().method() === "PATCH") {
      expired = true;
      await route.continue({ headers: { ...route.request().headers(), authorization: "Bearer expired" } });
    } else {
      await route.continue();
    }
  });

  await page.getByRole("button", { name: "Simpan" }).click();

  const dialog = page.getByRole("dialog", { name: "Sesi Anda telah berakhir" });
  await dialog.waitFor();
  assert.equal(await email.inputValue(), address);
  assert.equal(await dialog.getByLabel("NIP atau nama pengguna").inputValue(), asn.username);
  await screenshots(page, "session-expired");

  await dialog.getByLabel("Kata sandi").fill(asn.password);
  await dialog.getByRole("button", { name: "Masuk lagi" }).click();

  await dialog.waitFor({ state: "detached" });
  await page.getByText("Perubahan tersimpan.").waitFor();
  assert.equal(await email.inputValue(), address);
  assert.equal(await phone.inputValue(), "+62 811-5400-123");
  const profile = (await api(`/api/v1/asn/${asn.username}`, { token: await accessToken(asn) })).body;
  assert.equal(profile.email, address);
  assert.equal(profile.phone, "+62 811-5400-123");
  await page.context().close();
});

test("a mistyped email is caught in the browser, and what only the server can tell comes back in Indonesian", async () => {
  const page = await newPage(browser);
  await logIn(page, asn);
  const email = page.getByLabel("Surel");
  await email.fill("siti@kaltimprov");
  let patches = 0;
  page.on("request", (request) => {
    if (request.method() === "PATCH") patches += 1;
  });
  await page.getByRole("button", { name: "Simpan" }).click();
  await page.getByText("Alamat surel belum benar, contoh: nama@kaltimprov.go.id.").waitFor();
  assert.equal(patches, 0);

  // An invisible zero-width space passes the browser's check; the server refuses it, in Indonesian,
  // and an ASN is never shown the request id or the problem code.
  await email.fill("siti\u200b@kaltimprov.go.id");
  const answer = page.waitForResponse((r) => r.request().method() === "PATCH");
  await page.getByRole("button", { name: "Simpan" }).click();
  const response = await answer;
  assert.equal(response.status(), 422);
  assert.equal(response.headers()["content-language"], "id");
  await page
    .getByText(/Bukan alamat email yang sah/)
    .first()
    .waitFor();
  assert.equal(await page.getByText("Rincian teknis").count(), 0);
  await screenshots(page, "asn-contact-invalid");
  await page.context().close();
});
