import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Gauge, gaugeScale, pointAt } from "./Gauge";

describe("gaugeScale", () => {
  it("puts the threshold at the middle of the dial while the value stays below twice it", () => {
    const scale = gaugeScale(0.3458, 0.34);
    expect(scale.max).toBeCloseTo(0.68);
    expect(scale.threshold).toBeCloseTo(0.5);
    expect(scale.value).toBeCloseTo(0.3458 / 0.68);
  });

  it("stretches the dial to a value beyond twice the threshold, which then fills it", () => {
    const scale = gaugeScale(1, 0.34);
    expect(scale.value).toBe(1);
    expect(scale.threshold).toBeCloseTo(0.34);
  });

  it("draws nothing for a zero share", () => {
    expect(gaugeScale(0, 0.34).value).toBe(0);
  });
});

describe("pointAt", () => {
  it("runs from the left end over the top to the right end", () => {
    const left = pointAt(0);
    expect(left.x).toBeCloseTo(20);
    expect(left.y).toBeCloseTo(100);
    const top = pointAt(0.5);
    expect(top.x).toBeCloseTo(100);
    expect(top.y).toBeCloseTo(20);
    const right = pointAt(1);
    expect(right.x).toBeCloseTo(180);
    expect(right.y).toBeCloseTo(100);
  });
});

describe("<Gauge>", () => {
  const props = {
    title: "Anggaran 2025",
    threshold: 0.34,
    valueLabel: "0,3%",
    thresholdLabel: "Batas 0,34%",
    description: "Pagu 0,3% dari belanja daerah; batas minimal 0,34%.",
  };

  it("draws a short share in the shortfall colour, below the threshold mark, and says it in words", () => {
    render(<Gauge {...props} value={0.3} met={false} />);
    const arc = screen.getByTestId("gauge-value");
    expect(arc.getAttribute("class")).toContain("gauge__value--short");
    expect(Number(arc.getAttribute("data-fraction"))).toBeLessThan(0.5);
    expect(screen.getByRole("figure", { name: "Anggaran 2025" })).toBeTruthy();
    expect(screen.getByText(props.description)).toBeTruthy();
    expect(screen.getByText("Batas 0,34%")).toBeTruthy();
  });

  it("draws a met share in the success colour past the threshold mark", () => {
    render(<Gauge {...props} value={0.4} met />);
    const arc = screen.getByTestId("gauge-value");
    expect(arc.getAttribute("class")).toContain("gauge__value--met");
    expect(Number(arc.getAttribute("data-fraction"))).toBeGreaterThan(0.5);
  });
});
