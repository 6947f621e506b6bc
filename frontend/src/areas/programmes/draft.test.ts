import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem";
import i18n from "../../i18n";
import {
  draftOf,
  draftTotals,
  emptyLine,
  mergeProposal,
  parseCount,
  parseJp,
  parseRupiah,
  serverLineErrors,
  toBody,
  validateLine,
} from "./draft";
import { line, programme, proposal } from "./testing";

describe("the programme editor's model", () => {
  it("reads what people type: whole numbers, JP with a comma, rupiah with thousands separators", () => {
    expect(parseCount("12", 1, 100)).toBe(12);
    expect(parseCount("1.000", 1, 10_000)).toBe(1000);
    expect(parseCount("0", 1, 100)).toBeNull();
    expect(parseCount("101", 1, 100)).toBeNull();
    expect(parseCount("1,5", 1, 100)).toBeNull();
    expect(parseJp("2,5")).toBe("2.5");
    expect(parseJp("830")).toBe("830");
    expect(parseJp("0")).toBeNull();
    expect(parseJp("2000.01")).toBeNull();
    expect(parseJp("1.234")).toBeNull();
    expect(parseRupiah("124.500.000")).toBe(124_500_000);
    expect(parseRupiah("Rp 1,500,000")).toBe(1_500_000);
    expect(parseRupiah("")).toBe(0);
    expect(parseRupiah("12,5")).toBeNull();
    expect(parseRupiah("10000000000001")).toBeNull();
  });

  it("keeps a saved line's id, leaves a proposal's missing JP empty and formats the cost", () => {
    const saved = draftOf(line(), (n) => n.toLocaleString("id-ID"));
    expect(saved).toMatchObject({ id: 501, course_id: "3", jp: "830", cost: "249.000.000", source: "idp" });
    const proposed = draftOf(proposal().lines[1]);
    expect(proposed).toMatchObject({ id: null, course_id: "9", jp: "", cost: "0", source: "gap" });
  });

  it("asks for a title without a course and a JP on every line", () => {
    const t = i18n.t;
    expect(validateLine({ ...emptyLine(), participants: "3" }, t)).toEqual({
      title: "Isi judul kegiatan atau pilih pelatihan dari katalog.",
      jp: "Isi JP per peserta.",
    });
    expect(validateLine({ ...emptyLine(), title: "Bimtek", participants: "0", jp: "1,234", cost: "12,5" }, t)).toEqual({
      participants: "Isi jumlah peserta 1–100.000.",
      jp: "JP lebih dari 0 dan paling banyak 2.000, dengan paling banyak 2 desimal.",
      cost: "Isi biaya dalam rupiah utuh, misalnya 124.500.000.",
    });
    expect(validateLine(draftOf(line()), t)).toEqual({});
  });

  it("sends the whole programme: ids kept, numbers parsed, a blank note as null", () => {
    const body = toBody(
      [draftOf(line()), { ...draftOf(proposal().lines[1]), jp: "24,5", cost: "11.025.000", participants: "3" }],
      "  ",
    );
    expect(body.note).toBeNull();
    expect(body.lines).toEqual([
      {
        id: 501,
        course_id: 3,
        title: "Pelatihan Kepemimpinan Pengawas",
        sessions: 1,
        participants: 2,
        jp: "830",
        cost_idr: 249_000_000,
        competency_codes: ["M2", "M5"],
        source: "idp",
        note: null,
      },
      {
        id: null,
        course_id: 9,
        title: "Diklat Kepemimpinan Tingkat II",
        sessions: 1,
        participants: 3,
        jp: "24.5",
        cost_idr: 11_025_000,
        competency_codes: ["M8"],
        source: "gap",
        note: "3 ASN di bawah standar pada M8",
      },
    ]);
  });

  it("totals the lines being edited as the API will: a surplus on one competency never covers another", () => {
    const lines = [
      // 2 people on M2 and M5: covers the one below in each.
      draftOf(line()),
      // 5 people on M8, where 3 are below: covers 3, not 5.
      { ...draftOf(line({ id: 502, competency_codes: ["M8"], participants: 5, jp: 24.5 })), cost: "1.000.000" },
    ];
    expect(draftTotals(lines, programme())).toEqual({
      cost: 250_000_000,
      participants: 7,
      jp: 2 * 830 + 5 * 24.5,
      belowStandard: 5,
      covered: 5,
      pct: 100,
    });
    expect(draftTotals([], programme())).toMatchObject({ cost: 0, covered: 0, pct: 0 });
    const nobodyBelow = programme({ gap_closed: { below_standard: 0, covered: 0, pct: null, competencies: [] } });
    expect(draftTotals(lines, nobodyBelow).pct).toBeNull();
  });

  it("merges a proposal by adding only the lines of a course and source not there yet", () => {
    const current = [draftOf(line())];
    const merged = mergeProposal(current, proposal().lines);
    expect(merged).toHaveLength(2);
    expect(merged[0]).toBe(current[0]);
    expect(merged[1]).toMatchObject({ course_id: "9", source: "gap" });
    // The same course needed for another reason is another line.
    const asGap = mergeProposal(current, [{ ...proposal().lines[0], source: "gap" }]);
    expect(asGap).toHaveLength(2);
  });

  it("places the server's line errors on their line and field", () => {
    const error = new ApiError(422, {
      type: "https://bangkom.id/problems/invalid_program_lines",
      title: "Invalid",
      status: 422,
      code: "invalid_program_lines",
      detail: "Some lines are invalid",
      errors: [
        { loc: ["body", "lines", 1, "course_id"], msg: "Course 99 is not an active catalogue course", type: "x" },
        { loc: ["body", "lines", 1, "cost_idr"], msg: "Too large", type: "x" },
        { loc: ["body", "note"], msg: "ignored", type: "x" },
      ],
    } as never);
    const errors = serverLineErrors(error);
    expect(errors.get(1)).toEqual({ course_id: "Course 99 is not an active catalogue course", cost: "Too large" });
    expect(errors.size).toBe(1);
    expect(serverLineErrors(new ApiError(412, null)).size).toBe(0);
  });
});
