import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { accessToken, api, BASE_URL, demoLogin, eventually, launch, logIn, newPage, screenshots } from "../lib.mjs";

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

test("BPSDM creates a unit and a position, edits the position's standard, and sees an edit conflict", async () => {
  const kinds = (await api("/api/v1/reference/unit_kinds", { token })).body.items;
  const jenis = (await api("/api/v1/reference/jenis_jabatan", { token })).body.items;
  const pelaksana = jenis.find((j) => j.code === "pelaksana");
  assert.ok(kinds.length > 0 && pelaksana);

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Organisasi" }).click();
  await page.waitForURL(/\/bpsdm\/organisasi/);
  await page.getByTestId("unit-tree").waitFor();
  await screenshots(page, "bpsdm-org-tree");

  // A new top-level unit.
  const unitName = `Unit Uji ${stamp}`;
  await page.getByRole("button", { name: "Tambah unit" }).click();
  let dialog = page.getByRole("dialog", { name: "Tambah unit" });
  await dialog.getByLabel("Kode").fill(`UJI-${stamp}`);
  await dialog.getByLabel("Nama").fill(unitName);
  await dialog.getByLabel("Jenis unit").selectOption({ label: kinds[0].name });
  await screenshots(page, "bpsdm-org-unit-form");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await page.getByRole("heading", { name: unitName }).waitFor();

  // Searching by code finds it.
  await page.getByLabel("Cari nama atau kode unit").fill(`uji-${stamp}`);
  await page
    .getByTestId("unit-tree")
    .getByRole("button", { name: new RegExp(`^${unitName}`) })
    .waitFor();

  // A position in it.
  const positionName = `Pengelola Data ${stamp}`;
  await page.getByRole("button", { name: "Tambah jabatan" }).click();
  dialog = page.getByRole("dialog", { name: "Tambah jabatan" });
  await dialog.getByLabel("Kode").fill(`UJI-${stamp}-PD`);
  await dialog.getByLabel("Nama").fill(positionName);
  await dialog.getByLabel("Jenis jabatan").selectOption({ label: pelaksana.name });
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await page.getByRole("link", { name: positionName }).click();
  await page.waitForURL(/\/bpsdm\/organisasi\/jabatan\/\d+/);
  const positionId = Number(page.url().split("/").pop());
  await page.getByRole("heading", { name: positionName }).waitFor();

  // Its standard: one competency added at level 3 (whatever the defaults gave it stays).
  const competency = (await api("/api/v1/competencies?active=true&group=manajerial&limit=1", { token })).body.items[0];
  await page.getByRole("button", { name: "Ubah standar" }).click();
  const editor = page.getByTestId("standard-editor");
  const existing = await editor.getByLabel(`Level ${competency.code}`).count();
  if (existing === 0) {
    await editor.getByLabel("Cari kode atau nama kompetensi").fill(competency.code);
    await editor.getByLabel("Kompetensi", { exact: true }).selectOption(competency.code);
    await editor.getByLabel("Level", { exact: true }).selectOption("3");
    await editor.getByRole("button", { name: "Tambahkan" }).click();
  }
  await editor.getByLabel(`Level ${competency.code}`).selectOption("4");
  await screenshots(page, "bpsdm-skj-editor");
  await editor.getByRole("button", { name: "Simpan" }).click();
  await editor.waitFor({ state: "detached" });
  const saved = await api(`/api/v1/positions/${positionId}/standards`, { token });
  const line = saved.body.items.find((l) => l.competency_code === competency.code);
  assert.equal(line?.required_level, 4);

  // Another admin saves while this one edits: the save is refused (412) and the new lines are shown.
  await page.getByRole("button", { name: "Ubah standar" }).click();
  await editor.getByLabel(`Level ${competency.code}`).selectOption("2");
  const theirs = saved.body.items.map((l) => ({
    competency_code: l.competency_code,
    required_level: l.competency_code === competency.code ? 5 : l.required_level,
  }));
  const put = await fetch(`${BASE_URL}/api/v1/positions/${positionId}/standards`, {
    method: "PUT",
    headers: {
      Authorization: `Bearer ${token}`,
      "Content-Type": "application/json",
      "If-Match": saved.headers.get("etag"),
    },
    body: JSON.stringify({ items: theirs }),
  });
  assert.equal(put.status, 200);
  await editor.getByRole("button", { name: "Simpan" }).click();
  await page.getByText("Data ini diubah orang lain sejak Anda membukanya").waitFor();
  // The editor now holds the other admin's level, ready for this one to redo the change.
  await eventually(async () => assert.equal(await editor.getByLabel(`Level ${competency.code}`).inputValue(), "5"));
  await screenshots(page, "bpsdm-skj-conflict");
});

test("BPSDM sets a unit's pagu and realisasi for the year and sees the mandatory-spending check follow", async () => {
  const year = new Date().getFullYear();
  // The demo records this year's belanja daerah and budgets its top-level units; pick a unit without one.
  const budgeted = new Set(
    (await api(`/api/v1/budgets/${year}/units?limit=500`, { token })).body.items.map((r) => r.unit_id),
  );
  const units = (await api("/api/v1/units?limit=500", { token })).body.items;
  const unit = units.find((u) => !budgeted.has(u.id));
  assert.ok(unit, "every unit already has a budget");
  const before = (await api(`/api/v1/budgets/${year}/compliance`, { token })).body;

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Anggaran" }).click();
  await page.waitForURL(/\/bpsdm\/anggaran/);
  const pagu = page.getByTestId("compliance-pagu");
  await pagu.waitFor();
  const shownBefore = await pagu.textContent();
  await screenshots(page, "bpsdm-budget");

  // Rp 50 miliar for the unit: the province's total pagu rises by exactly that.
  await page.getByRole("button", { name: "Tambah pagu unit" }).click();
  let dialog = page.getByRole("dialog", { name: "Tambah pagu unit" });
  await dialog.getByLabel(/^Unit/).selectOption(String(unit.id));
  await dialog.getByLabel(/^Pagu/).fill("50.000.000.000");
  await dialog.getByLabel(/^Realisasi/).fill("0");
  await screenshots(page, "bpsdm-budget-unit-form");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await dialog.waitFor({ state: "detached" });
  await eventually(async () => assert.notEqual(await pagu.textContent(), shownBefore));
  const after = (await api(`/api/v1/budgets/${year}/compliance`, { token })).body;
  assert.equal(after.bangkom_pagu_idr, before.bangkom_pagu_idr + 50_000_000_000);
  assert.ok(after.pagu_pct > before.pagu_pct);

  // Then its realisasi, on its row (with If-Match under the hood).
  await page.getByLabel("Cari nama atau kode unit").fill(unit.code);
  await page.getByRole("button", { name: `Ubah anggaran ${unit.name}` }).click();
  dialog = page.getByRole("dialog", { name: `Ubah anggaran ${unit.name}` });
  await dialog.getByLabel(/^Realisasi/).fill("12.500.000.000");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await dialog.waitFor({ state: "detached" });
  const row = (await api(`/api/v1/budgets/${year}/units/${unit.id}`, { token })).body;
  assert.equal(row.realisasi_idr, 12_500_000_000);
  assert.equal(row.pagu_idr, 50_000_000_000);
  await page
    .getByText(/25\s?%/)
    .first()
    .waitFor();
  await screenshots(page, "bpsdm-budget-saved");
});

test("BPSDM edits a teknis competency's level description in the dictionary", async () => {
  const competency = (await api("/api/v1/competencies?active=true&group=teknis&limit=1", { token })).body.items[0];
  assert.ok(competency, "the demo has no teknis competency");
  const description = `Mampu menerapkan ${competency.name.toLowerCase()} di unit kerja (uji ${stamp}).`;

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Kamus kompetensi" }).click();
  await page.waitForURL(/\/bpsdm\/kompetensi/);
  const list = page.getByTestId("competency-dictionary");
  await list.getByRole("cell", { name: "M1", exact: true }).waitFor();
  await page.getByTestId("standard-defaults").getByText("Jabatan Administrator").waitFor();
  await screenshots(page, "bpsdm-dictionary");

  await page.getByLabel("Cari kode atau nama kompetensi").fill(competency.code);
  await page.getByRole("button", { name: `Ubah kompetensi ${competency.name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Ubah kompetensi ${competency.name}` });
  const level3 = dialog.getByLabel(/^Level 3/);
  await level3.fill(description);
  await screenshots(page, "bpsdm-dictionary-edit");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await dialog.waitFor({ state: "detached" });

  const saved = (await api(`/api/v1/competencies/${encodeURIComponent(competency.code)}`, { token })).body;
  assert.equal(saved.levels.find((l) => l.level === 3)?.description, description);
  assert.equal(saved.name, competency.name);
  assert.equal(saved.active, true);
});

test("BPSDM adds a course to the catalogue with the competencies it develops", async () => {
  const form = (await api("/api/v1/reference/learning_forms", { token })).body.items[0];
  const competency = (await api("/api/v1/competencies?active=true&group=teknis&limit=1", { token })).body.items[0];
  assert.ok(form && competency);
  const code = `UJI-${stamp}-DIKLAT`;
  const title = `Pelatihan Uji ${stamp}`;

  const page = await newPage(browser);
  await logIn(page, admin);
  await page.getByRole("navigation", { name: "Menu BPSDM" }).getByRole("link", { name: "Katalog diklat" }).click();
  await page.waitForURL(/\/bpsdm\/diklat/);
  await page.getByTestId("course-list").getByRole("table").waitFor();
  await screenshots(page, "bpsdm-courses");

  await page.getByRole("button", { name: "Tambah diklat" }).click();
  const dialog = page.getByRole("dialog", { name: "Tambah diklat" });
  await dialog.getByLabel(/^Kode/).fill(code);
  await dialog.getByLabel(/^Judul/).fill(title);
  await dialog.getByLabel(/^Bentuk pengembangan/).selectOption({ label: form.name });
  await dialog.getByLabel(/^JP/).fill("24");
  await dialog.getByLabel(/^Kuota/).fill("30");
  await dialog.getByLabel("Cari kode atau nama kompetensi").fill(competency.code);
  await dialog.getByRole("checkbox", { name: `${competency.code} – ${competency.name}` }).check();
  await screenshots(page, "bpsdm-course-form");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await dialog.waitFor({ state: "detached" });

  await page.getByLabel("Cari judul, kode atau penyelenggara").fill(code);
  await page.getByTestId("course-list").getByText(title).waitFor();
  await screenshots(page, "bpsdm-course-saved");
  const [course] = (await api(`/api/v1/courses?q=${encodeURIComponent(code)}`, { token })).body.items;
  assert.equal(course.title, title);
  assert.equal(course.form_code, form.code);
  assert.equal(course.jp, 24);
  assert.equal(course.quota, 30);
  assert.deepEqual(course.competency_codes, [competency.code]);
});
