import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import "../../i18n";
import { actionTarget, band, change } from "./figures";
import { Sparkline, scale, sparklinePath } from "./Sparkline";

describe("sparklinePath", () => {
  it("spreads the scores over the width, higher scores higher up", () => {
    // 0..100 over a 104 × 24 box with a 2 px margin: x 2, 52, 102; y 22 (low) to 2 (high).
    expect(sparklinePath([0, 50, 100], 104, 24)).toBe("M2 22 L52 12 L102 2");
  });

  it("widens a nearly flat history to ten points around its middle, so it stays a level line", () => {
    expect(scale([80, 81])).toEqual({ low: 75.5, high: 85.5 });
    expect(sparklinePath([80, 80, 80], 104, 24)).toBe("M2 12 L52 12 L102 12");
    // Near the ends of the scale the range stays within 0–100.
    expect(scale([99, 100])).toEqual({ low: 90, high: 100 });
    expect(scale([0, 2])).toEqual({ low: 0, high: 10 });
  });

  it("breaks the line at a day without a score and draws a lone day as a dot", () => {
    expect(sparklinePath([0, 100, null, 50], 104, 24)).toBe("M2 22 L35.3 2 M102 12 h0");
    expect(sparklinePath([null, null], 104, 24)).toBe("");
    expect(sparklinePath([70], 104, 24)).toBe("M52 12 h0");
  });
});

describe("Sparkline", () => {
  it("is an image named by its label, with the path and the last day marked", () => {
    render(
      <Sparkline
        label="Skor Dinas A dari 8 Nov (60) sampai 7 Des (80)"
        points={[
          { date: "2026-11-08", score: 60 },
          { date: "2026-11-09", score: null },
          { date: "2026-12-07", score: 80 },
        ]}
      />,
    );
    const image = screen.getByRole("img", { name: "Skor Dinas A dari 8 Nov (60) sampai 7 Des (80)" });
    expect(image.getAttribute("viewBox")).toBe("0 0 120 28");
    expect(screen.getByTestId("sparkline-path").getAttribute("d")).toBe("M2 26 h0 M118 2 h0");
    expect(image.querySelector("circle")?.getAttribute("cx")).toBe("118");
  });

  it("draws nothing but the frame when no day has a score", () => {
    render(<Sparkline label="kosong" points={[{ date: "2026-12-07", score: null }]} />);
    expect(screen.queryByTestId("sparkline-path")).toBeNull();
    expect(screen.getByRole("img", { name: "kosong" }).querySelector("circle")).toBeNull();
  });
});

describe("completeness figures", () => {
  it("bands a share and counts the change in points", () => {
    expect([band(95), band(90), band(89.99), band(70), band(12)]).toEqual(["good", "good", "fair", "fair", "poor"]);
    expect(change(81.73, 75.96)).toBe(5.77);
    expect(change(50, null)).toBeNull();
    expect(change(null, 50)).toBeNull();
  });

  it("sends each action to where it is done, and a claim is only a hint", () => {
    expect(actionTarget("fill_contact", "199001012020121001")).toEqual({
      to: "/opd/asn/199001012020121001?lengkapi=fill_contact",
    });
    expect(actionTarget("record_performance", "1")).toEqual({ to: "/opd/asn/1?lengkapi=record_performance" });
    expect(actionTarget("verify_claims", "1")).toEqual({ to: "/opd" });
    expect(actionTarget("file_claim", "1")).toEqual({ hint: true });
  });
});
