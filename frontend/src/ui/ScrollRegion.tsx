import type { ReactNode } from "react";

/** A box that scrolls a wide table sideways, named for screen readers. */
export function ScrollRegion({
  className,
  label,
  children,
}: {
  className: string;
  label: string;
  children: ReactNode;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: keyboard users scroll the box only once it can take focus (WCAG 2.1.1)
    <section className={className} tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
