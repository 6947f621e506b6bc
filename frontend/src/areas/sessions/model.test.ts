import { describe, expect, it } from "vitest";
import { validate } from "./CreateSessionDialog";
import { byMonth, indonesianToday, monthOf, monthWindow, opdOf, phaseOf, seatsForOpd } from "./model";
import { typedNips } from "./NominateDialog";
import { outcomes } from "./SessionPage";
import { courseSession, nomination, UNITS } from "./testing";

describe("the sessions model", () => {
  it("takes today's date in WIT, as the API does", () => {
    expect(indonesianToday(new Date("2026-08-09T14:59:00Z"))).toBe("2026-08-09");
    expect(indonesianToday(new Date("2026-08-09T15:00:00Z"))).toBe("2026-08-10");
  });

  it("shifts months and spans a window of months", () => {
    expect(monthOf("2026-01-15", -1)).toBe("2025-12");
    expect(monthOf("2026-11-01", 2)).toBe("2027-01");
    expect(monthWindow("2026-12", 3)).toEqual({ from: "2026-12-01", to: "2027-02-28" });
    expect(monthWindow("2028-02", 1)).toEqual({ from: "2028-02-01", to: "2028-02-29" });
  });

  it("groups sessions by the month they start in, in date order", () => {
    const groups = byMonth([
      courseSession({ id: 3, starts_on: "2026-09-20" }),
      courseSession({ id: 1, starts_on: "2026-08-30" }),
      courseSession({ id: 2, starts_on: "2026-09-01" }),
    ]);
    expect(groups.map((g) => [g.month, g.sessions.map((s) => s.id)])).toEqual([
      ["2026-08", [1]],
      ["2026-09", [2, 3]],
    ]);
  });

  it("tells where a session stands today", () => {
    const closed = courseSession({ nominations_open: false });
    expect(phaseOf(courseSession(), "2026-09-01")).toBe("open");
    expect(phaseOf(closed, "2026-09-06")).toBe("closed");
    expect(phaseOf(closed, "2026-09-07")).toBe("running");
    expect(phaseOf(closed, "2026-09-12")).toBe("ended");
    expect(phaseOf(courseSession({ cancelled: true }), "2026-09-01")).toBe("cancelled");
  });

  it("counts an OPD's seats: its reserve, else the shared rest, never beyond the session", () => {
    // 40 seats, 10 reserved for unit 14 (4 taken); 8 taken by the others: 22 of 30 shared seats left.
    const s = courseSession();
    expect(seatsForOpd(s, 14)).toBe(6);
    expect(seatsForOpd(s, 18)).toBe(22);
    expect(seatsForOpd(courseSession({ available: 3 }), 14)).toBe(3);
    expect(seatsForOpd(s, null)).toBe(28);
  });

  it("finds the OPD of a sub-unit", () => {
    expect(opdOf(101, UNITS.items)).toBe(14);
    expect(opdOf(14, UNITS.items)).toBe(14);
    expect(opdOf(null, UNITS.items)).toBeNull();
  });

  it("reads the attendance answer per NIP", () => {
    const before = [
      nomination({ nip: "1", name: "A", status: "accepted" }),
      nomination({ nip: "2", name: "B", status: "accepted", record_id: 9 }),
      nomination({ nip: "3", name: "C", status: "accepted" }),
    ];
    const result = {
      credited: 1,
      already_credited: 1,
      not_credited: [{ nip: "3", code: "possible_duplicate", detail: "A record exists" }],
    };
    expect(outcomes(["1", "2", "3"], before, result)).toEqual([
      { nip: "1", name: "A", kind: "credited" },
      { nip: "2", name: "B", kind: "already" },
      { nip: "3", name: "C", kind: "refused", code: "possible_duplicate", detail: "A record exists" },
    ]);
  });

  it("splits typed NIPs on spaces, commas and new lines", () => {
    expect(typedNips(" 1990, 1991;1992\n\n1993 ")).toEqual(["1990", "1991", "1992", "1993"]);
  });

  it("checks a new session like the API does", () => {
    const ok = {
      courseId: "5",
      startsOn: "2026-09-07",
      endsOn: "2026-09-11",
      quota: "40",
      place: "Samarinda",
      onlineUrl: "",
      unitQuota: [{ row: 1, unitId: "14", quota: "10" }],
    };
    expect(validate(ok)).toEqual({});
    expect(
      validate({ ...ok, courseId: "", endsOn: "2026-09-01", quota: "0", place: "", onlineUrl: "http://x.id" }),
    ).toEqual({ courseId: "course", endsOn: "endsBefore", quota: "quota", onlineUrl: "url" });
    expect(validate({ ...ok, place: "", onlineUrl: "" }).place).toBe("placeRequired");
    expect(validate({ ...ok, unitQuota: [{ row: 1, unitId: "14", quota: "41" }] }).unitQuota).toBe("unitSum");
    expect(
      validate({
        ...ok,
        unitQuota: [
          { row: 1, unitId: "14", quota: "1" },
          { row: 2, unitId: "14", quota: "1" },
        ],
      }).unitQuota,
    ).toBe("unitRepeated");
    expect(validate({ ...ok, unitQuota: [{ row: 1, unitId: "", quota: "1" }] }).unitQuota).toBe("unitQuota");
  });
});
