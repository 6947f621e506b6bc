import type { ButtonHTMLAttributes } from "react";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: "primary" | "secondary" | "danger" | "ghost";
  /** Shows the work in progress: disabled, aria-busy, and `busyLabel` in place of the children. */
  busy?: boolean;
  busyLabel?: string;
}

export function Button({
  variant = "primary",
  busy = false,
  busyLabel,
  type = "button",
  className,
  disabled,
  children,
  ...rest
}: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      className={["btn", `btn--${variant}`, className].filter(Boolean).join(" ")}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
    >
      {busy && <span className="spinner spinner--inline" aria-hidden="true" />}
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}
