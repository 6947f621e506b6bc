import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem";
import { ageInDays, canDecide, canReadHistory, runBulk, splitForBulk } from "./bulk";

function refusal(status: number, code: string, detail: string): ApiError {
  return new ApiError(status, {
    type: `https://bangkom.id/problems/${code}`,
    title: "Refused",
    status,
    code,
    detail,
    instance: null,
    request_id: "req-1",
  });
}

describe("runBulk", () => {
  it("runs the action for each id in order, one at a time, reporting progress", async () => {
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const progress: Array<[number, number]> = [];
    const result = await runBulk(
      [11, 12, 13],
      async (id) => {
        running += 1;
        most = Math.max(most, running);
        started.push(id);
        await new Promise((r) => setTimeout(r, 1));
        running -= 1;
      },
      (done, total) => progress.push([done, total]),
    );
    expect(started).toEqual([11, 12, 13]);
    expect(most).toBe(1);
    expect(progress).toEqual([
      [0, 3],
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(result).toEqual({ succeeded: [11, 12, 13], failed: [] });
  });

  it("notes a refused record with its problem code and goes on with the rest", async () => {
    const result = await runBulk([1, 2, 3, 4], async (id) => {
      if (id === 2) throw refusal(409, "self_approval", "You cannot verify your own record");
      if (id === 3) throw refusal(409, "invalid_transition", "Only pending records can be decided");
    });
    expect(result.succeeded).toEqual([1, 4]);
    expect(result.failed).toEqual([
      { id: 2, code: "self_approval", detail: "You cannot verify your own record" },
      { id: 3, code: "invalid_transition", detail: "Only pending records can be decided" },
    ]);
  });

  it("reports an unreachable server as a network failure", async () => {
    const result = await runBulk([5], async () => {
      throw new TypeError("Failed to fetch");
    });
    expect(result).toEqual({ succeeded: [], failed: [{ id: 5, code: "network", detail: "Failed to fetch" }] });
  });

  it("does nothing for an empty selection", async () => {
    const progress: number[] = [];
    const result = await runBulk(
      [],
      async () => undefined,
      (done) => progress.push(done),
    );
    expect(result).toEqual({ succeeded: [], failed: [] });
    expect(progress).toEqual([0]);
  });
});

describe("splitForBulk", () => {
  it("lets only claims with evidence through and keeps the rest apart, in order", () => {
    const pdf = { content_type: "application/pdf", size: 9, sha256: "x", filename: "s.pdf" };
    const { ready, noEvidence } = splitForBulk([
      { id: 1, evidence: pdf },
      { id: 2, evidence: null },
      { id: 3 },
      { id: 4, evidence: pdf },
    ]);
    expect(ready.map((item) => item.id)).toEqual([1, 4]);
    expect(noEvidence.map((item) => item.id)).toEqual([2, 3]);
  });
});

describe("who may do what in the queue", () => {
  it("lets only OPD and BPSDM admins decide, and only BPSDM and auditors read the history", () => {
    expect(["asn", "opd_admin", "bpsdm_admin", "auditor", undefined].map((r) => canDecide(r))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(["asn", "opd_admin", "bpsdm_admin", "auditor", undefined].map((r) => canReadHistory(r))).toEqual([
      false,
      false,
      true,
      true,
      false,
    ]);
  });
});

describe("ageInDays", () => {
  it("counts whole days since the claim was filed, never below zero", () => {
    const now = new Date("2026-06-20T12:00:00Z");
    expect(ageInDays("2026-06-20T01:00:00Z", now)).toBe(0);
    expect(ageInDays("2026-06-19T11:00:00Z", now)).toBe(1);
    expect(ageInDays("2024-06-20T12:00:00Z", now)).toBe(730);
    expect(ageInDays("2026-06-21T00:00:00Z", now)).toBe(0);
  });
});
