import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ProgressBar, ProgressRing, percentOf } from "./Progress";

function arc(ring: HTMLElement) {
  const value = ring.querySelector(".progress-ring__value");
  const circumference = Number(value?.getAttribute("stroke-dasharray"));
  const offset = Number(value?.getAttribute("stroke-dashoffset"));
  return { circumference, drawn: 1 - offset / circumference };
}

describe("ProgressRing", () => {
  it("exposes the value as a progressbar and draws the matching share of the circle", () => {
    render(<ProgressRing value={15} max={20} label="JP 2026" valueText="15 dari 20 JP" />);
    const ring = screen.getByRole("progressbar", { name: "JP 2026" });
    expect(ring.getAttribute("aria-valuenow")).toBe("15");
    expect(ring.getAttribute("aria-valuemax")).toBe("20");
    expect(ring.getAttribute("aria-valuetext")).toBe("15 dari 20 JP");
    expect(arc(ring).drawn).toBeCloseTo(0.75);
    expect(ring.textContent).toContain("75%");
    expect(ring.className).toContain("progress-ring--partial");
  });

  it("stops the arc at a full circle but reports more than 100 %", () => {
    render(<ProgressRing value={29} max={20} label="JP" />);
    const ring = screen.getByRole("progressbar", { name: "JP" });
    expect(arc(ring).drawn).toBeCloseTo(1);
    expect(ring.textContent).toContain("145%");
    expect(ring.className).toContain("progress-ring--complete");
  });

  it("draws nothing for zero, and for a target of zero (PPPK without a cap)", () => {
    const { rerender } = render(<ProgressRing value={0} max={20} label="JP" />);
    expect(arc(screen.getByRole("progressbar")).drawn).toBeCloseTo(0);
    expect(screen.getByRole("progressbar").className).toContain("progress-ring--low");
    rerender(<ProgressRing value={12} max={0} label="JP" centerLabel="12" />);
    expect(arc(screen.getByRole("progressbar")).drawn).toBeCloseTo(0);
    expect(screen.getByRole("progressbar").textContent).toContain("12");
  });

  it("shows the given centre label and caption instead of the percentage", () => {
    render(<ProgressRing value={9.75} max={20} label="JP" centerLabel="9,75" caption="/ 20 JP" />);
    const ring = screen.getByRole("progressbar");
    expect(ring.textContent).toBe("9,75/ 20 JP");
  });
});

describe("ProgressBar", () => {
  it("fills its width in proportion, clamped to the track", () => {
    const { rerender } = render(<ProgressBar value={40} max={100} label="Diskominfo" />);
    const fill = () => (screen.getByRole("progressbar", { name: "Diskominfo" }).firstChild as HTMLElement).style.width;
    expect(fill()).toBe("40%");
    rerender(<ProgressBar value={130} max={100} label="Diskominfo" />);
    expect(fill()).toBe("100%");
  });
});

describe("percentOf", () => {
  it("is 0 without a positive maximum", () => {
    expect(percentOf(5, 0)).toBe(0);
    expect(percentOf(5, -1)).toBe(0);
    expect(percentOf(5, 20)).toBe(25);
  });
});
