// BPSDM schedules a session of a catalogue course; Diskominfo's OPD admin nominates two ASN from the
// suggestions (and one by NIP when the demo suggests only one); BPSDM accepts them. Then, on the
// session the demo ended last week, BPSDM records the attendance of its accepted nominees: each is
// credited, their JP goes up by the course's JP, and their certificates are issued.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  accessToken,
  api,
  DESKTOP,
  demoLogin,
  eventually,
  LOGINS,
  launch,
  logIn,
  newPage,
  PHONE,
  screenshots,
} from "../lib.mjs";

const bpsdm = demoLogin("bpsdm_admin");
const opd = LOGINS.find((l) => l.username === "opd.diskominfo");
let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** "YYYY-MM-DD" `days` from today in WIT (UTC+9), as the API counts "today". */
function day(days) {
  return new Date(Date.now() + 9 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

async function fitsPhone(page) {
  await page.setViewportSize(PHONE);
  await eventually(async () => {
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= PHONE.width, `page is ${width} px wide`);
  });
  await page.setViewportSize(DESKTOP);
}

test("a session is scheduled, nominated for, accepted, and an ended one's attendance credits JP", async () => {
  assert.ok(opd, "the demo has the opd.diskominfo login");
  const token = await accessToken(bpsdm);

  // A course the demo runs sessions of (planned for, with JP): the one with the most ASN to suggest
  // to Diskominfo, scheduled once more. Never a demo login's NIP (other stories read their inboxes).
  const opdToken = await accessToken(opd);
  const logins = new Set(LOGINS.map((l) => l.username));
  const calendar = (await api(`/api/v1/course-sessions?from=${day(-60)}&to=${day(365)}&limit=500`, { token })).body;
  let best = { course_id: null, suggested: [] };
  for (const s of calendar.items.filter((s) => s.nominations_open)) {
    const items = (await api(`/api/v1/course-sessions/${s.id}/suggestions`, { token: opdToken })).body.items;
    const suggested = items.filter((i) => !logins.has(i.nip));
    if (suggested.length > best.suggested.length) best = { course_id: s.course_id, suggested };
  }
  assert.ok(best.suggested.length > 0, "Diskominfo has someone to suggest for a demo course");
  const course = (await api(`/api/v1/courses/${best.course_id}`, { token })).body;
  // Two suggested ASN when there are two; else the suggested one and another Diskominfo ASN by NIP.
  const ticked = best.suggested.slice(0, 2);
  const people = (await api("/api/v1/asn?active=true&limit=500", { token: opdToken })).body.items;
  const typed = people
    .filter((p) => !logins.has(p.nip) && !ticked.some((t) => t.nip === p.nip))
    .slice(0, 2 - ticked.length)
    .map((p) => p.nip);

  // 1. BPSDM schedules it in the calendar.
  const page = await newPage(browser);
  await logIn(page, bpsdm);
  await page.goto("/bpsdm/sesi");
  await page.getByRole("heading", { level: 1, name: "Kalender Angkatan Diklat" }).waitFor();
  await page.getByTestId("session-calendar").waitFor();
  await screenshots(page, "bpsdm-sessions");
  await fitsPhone(page);

  await page.getByRole("button", { name: "Buat angkatan" }).click();
  const dialog = page.getByRole("dialog", { name: "Buat angkatan diklat" });
  await dialog.getByLabel("Cari diklat").fill(course.code);
  const picker = dialog.getByLabel(/^Diklat/);
  await eventually(async () => assert.ok((await picker.locator(`option[value="${course.id}"]`).count()) === 1));
  await picker.selectOption(String(course.id));
  await dialog.getByLabel(/^Tanggal mulai/).fill(day(60));
  await dialog.getByLabel(/^Tanggal selesai/).fill(day(61));
  await dialog.getByLabel(/^Kuota peserta/).fill("10");
  await dialog.getByLabel("Tempat").fill("Kampus BPSDM Provinsi Kalimantan Timur, Samarinda");
  await dialog.getByRole("button", { name: "Buat angkatan" }).click();
  await page.waitForURL(/\/bpsdm\/sesi\/\d+$/);
  const sessionId = Number(new URL(page.url()).pathname.split("/").at(-1));
  const created = (await api(`/api/v1/course-sessions/${sessionId}`, { token })).body;
  assert.equal(created.course_id, course.id);
  assert.equal(created.quota, 10);
  const name = `${course.title} — Angkatan ${created.batch}`;
  await page.getByRole("heading", { level: 1, name }).waitFor();

  // 2. Diskominfo's admin nominates two ASN: the suggested ones (with why), one typed by NIP if need be.
  const opdPage = await newPage(browser);
  await logIn(opdPage, opd);
  await opdPage.getByRole("link", { name: "Usulan Diklat" }).click();
  await opdPage.waitForURL("**/opd/sesi");
  const card = opdPage.getByTestId(`opd-session-${sessionId}`);
  await card.waitFor();
  await card.getByRole("button", { name: "Usulkan peserta" }).click();
  const nominate = opdPage.getByRole("dialog", { name: `Usulkan peserta: ${name}` });
  for (const person of ticked) {
    const box = nominate.getByRole("checkbox", { name: new RegExp(person.nip) });
    await box.waitFor({ timeout: 10_000 });
    await box.check();
  }
  await nominate.getByText(ticked[0].reasons[0]).first().waitFor();
  if (typed.length > 0) await nominate.getByLabel("NIP lain").fill(typed.join("\n"));
  await screenshots(opdPage, "opd-nomination");
  await nominate.getByRole("button", { name: "Usulkan 2 peserta" }).click();
  const result = nominate.getByTestId("nomination-result");
  await result.getByText("Diusulkan: 2 · ditolak: 0").waitFor();
  assert.equal(await result.getByText("Diusulkan", { exact: true }).count(), 2);
  await nominate.getByRole("button", { name: "Tutup" }).last().click();
  const own = card.getByRole("list", { name: "Usulan OPD Anda" });
  await eventually(async () => assert.equal(await own.getByText("Diusulkan", { exact: true }).count(), 2));
  await fitsPhone(opdPage);
  const nominees = (await api(`/api/v1/course-sessions/${sessionId}/nominations`, { token })).body.items;
  assert.equal(nominees.length, 2);

  // 3. BPSDM accepts both.
  await page.reload();
  const table = page.getByTestId("session-nominations");
  for (const n of nominees) {
    await table.getByRole("button", { name: `Terima ${n.name}` }).click();
    await page.getByText(`${n.name} diterima.`).waitFor();
  }
  await eventually(async () => assert.equal(await table.getByText("Diterima", { exact: true }).count(), 2));
  const decided = (await api(`/api/v1/course-sessions/${sessionId}/nominations`, { token })).body.items;
  assert.deepEqual(
    decided.map((n) => n.status),
    ["accepted", "accepted"],
  );
  await opdPage.reload();
  await opdPage.getByTestId(`opd-session-${sessionId}`).getByRole("button", { name: "Lihat usulan kami" }).click();
  await eventually(async () =>
    assert.equal(await opdPage.getByRole("list", { name: "Usulan OPD Anda" }).getByText("Diterima").count(), 2),
  );
  await opdPage.context().close();

  // 4. The session that ended last week: its accepted nominees wait for their attendance.
  const past = (await api(`/api/v1/course-sessions?from=${day(-60)}&to=${day(-1)}&limit=500`, { token })).body.items;
  let ended;
  let waiting;
  for (const s of past.filter((s) => !s.cancelled && s.ends_on < day(0))) {
    const list = (await api(`/api/v1/course-sessions/${s.id}/nominations?limit=500`, { token })).body.items;
    const accepted = list.filter((n) => n.status === "accepted");
    if (accepted.length > 0 && accepted.every((n) => n.record_id === null)) {
      ended = s;
      waiting = accepted;
      break;
    }
  }
  assert.ok(ended, "the demo has an ended session with accepted nominees not yet credited");
  const endedCourse = (await api(`/api/v1/courses/${ended.course_id}`, { token })).body;
  const year = Number(ended.ends_on.slice(0, 4));
  const jpBefore = {};
  for (const n of waiting) {
    jpBefore[n.nip] = (await api(`/api/v1/asn/${n.nip}/jp-summary?year=${year}`, { token })).body.verified_jp;
  }

  await page.goto(`/bpsdm/sesi/${ended.id}`);
  await page.getByRole("heading", { level: 1, name: `${ended.course_title} — Angkatan ${ended.batch}` }).waitFor();
  const attendance = page.locator("section", { has: page.getByRole("heading", { name: "Kehadiran", exact: true }) });
  for (const n of waiting) await attendance.getByRole("checkbox", { name: new RegExp(n.nip) }).check();
  await attendance.getByRole("button", { name: `Catat kehadiran (${waiting.length})` }).click();
  const answer = page.getByTestId("attendance-result");
  await answer
    .getByText(`Dikreditkan: ${waiting.length} · sudah dikreditkan sebelumnya: 0 · tidak dikreditkan: 0`)
    .waitFor();
  for (const n of waiting) {
    await answer.getByRole("listitem").filter({ hasText: n.nip }).getByText("Dikreditkan", { exact: true }).waitFor();
  }
  for (const n of waiting) {
    const after = (await api(`/api/v1/asn/${n.nip}/jp-summary?year=${year}`, { token })).body.verified_jp;
    assert.equal(Number(after), Number(jpBefore[n.nip]) + Number(endedCourse.jp), `${n.nip}'s JP went up`);
  }

  // 5. Their certificates, with the PDF and the public check.
  await page.getByRole("button", { name: "Terbitkan sertifikat" }).click();
  await page.getByTestId("certificates-issued").getByText(`${waiting.length} sertifikat diterbitkan.`).waitFor();
  const certificates = page.getByTestId("session-certificates");
  await eventually(async () =>
    assert.equal(await certificates.getByRole("link", { name: /^Periksa sertifikat / }).count(), waiting.length),
  );
  const href = await certificates
    .getByRole("link", { name: /^Periksa sertifikat / })
    .first()
    .getAttribute("href");
  assert.match(href ?? "", /^\/sertifikat\/BPSDM-KT-/);
  await screenshots(page, "bpsdm-session-attendance");
  await fitsPhone(page);
  await page.context().close();
});
