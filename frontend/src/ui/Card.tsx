import { type ReactNode, useId } from "react";

export interface CardProps {
  title?: ReactNode;
  /** Buttons or links at the right of the title. */
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  /** Heading level of the title (2 by default: cards sit under the page's h1). */
  level?: 2 | 3;
}

/** A titled section; its heading names the region for screen readers. */
export function Card({ title, actions, children, className, level = 2 }: CardProps) {
  const headingId = useId();
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section className={["card", className].filter(Boolean).join(" ")} aria-labelledby={title ? headingId : undefined}>
      {(title || actions) && (
        <header className="card__header">
          {title && (
            <Heading id={headingId} className="card__title">
              {title}
            </Heading>
          )}
          {actions && <div className="card__actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

/** One figure with its label, for dashboards. */
export function Stat({ label, value, note }: { label: ReactNode; value: ReactNode; note?: ReactNode }) {
  return (
    <div className="stat">
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">{value}</dd>
      {note && <dd className="stat__note">{note}</dd>}
    </div>
  );
}
