import {
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";

interface FieldFrameProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  required?: boolean;
  children: (ids: { inputId: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** Label, control, hint and error, wired with htmlFor / aria-describedby / aria-invalid. */
function FieldFrame({ label, hint, error, required, children }: FieldFrameProps) {
  const inputId = useId();
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={error ? "field field--invalid" : "field"}>
      <label className="field__label" htmlFor={inputId}>
        {label}
        {required && (
          <span className="field__required" aria-hidden="true">
            {" "}
            *
          </span>
        )}
      </label>
      {children({ inputId, describedBy, invalid: Boolean(error) })}
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id">;

export interface TextFieldProps extends InputProps {
  label: ReactNode;
  ref?: Ref<HTMLInputElement>;
  hint?: ReactNode;
  error?: ReactNode;
}

export function TextField({ label, hint, error, required, type = "text", className, ...rest }: TextFieldProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} required={required}>
      {({ inputId, describedBy, invalid }) => (
        <input
          {...rest}
          id={inputId}
          type={type}
          required={required}
          className={["input", className].filter(Boolean).join(" ")}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
        />
      )}
    </FieldFrame>
  );
}

/** A native date picker (value "YYYY-MM-DD"): the phone's own calendar is the best one there is. */
export function DateField(props: Omit<TextFieldProps, "type">) {
  return <TextField {...props} type="date" />;
}

export interface TextAreaProps extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> {
  label: ReactNode;
  ref?: Ref<HTMLTextAreaElement>;
  hint?: ReactNode;
  error?: ReactNode;
}

/** Several lines of text (descriptions), with the same label, hint and error wiring as TextField. */
export function TextArea({ label, hint, error, required, rows = 3, className, ...rest }: TextAreaProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} required={required}>
      {({ inputId, describedBy, invalid }) => (
        <textarea
          {...rest}
          id={inputId}
          rows={rows}
          required={required}
          className={["input", className].filter(Boolean).join(" ")}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
        />
      )}
    </FieldFrame>
  );
}

export interface SelectOption {
  value: string;
  label: string;
  disabled?: boolean;
}

export interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> {
  label: ReactNode;
  ref?: Ref<HTMLSelectElement>;
  options: SelectOption[];
  /** A first, empty option ("Pilih…"). */
  placeholder?: string;
  hint?: ReactNode;
  error?: ReactNode;
}

export function Select({ label, options, placeholder, hint, error, required, className, ...rest }: SelectProps) {
  return (
    <FieldFrame label={label} hint={hint} error={error} required={required}>
      {({ inputId, describedBy, invalid }) => (
        <select
          {...rest}
          id={inputId}
          required={required}
          className={["input", "input--select", className].filter(Boolean).join(" ")}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
        >
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
