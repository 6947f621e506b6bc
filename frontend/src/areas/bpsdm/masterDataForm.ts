import type { TFunction } from "i18next";
import { ApiError } from "../../api/problem";
import { problemText } from "../../shell/problemText";

/** What a failed save of a master-data form tells the user. */
export interface SaveProblem {
  /** Messages to show next to the fields they concern, by body field name. */
  fields: Record<string, string>;
  /** Someone else saved meanwhile (412): the form now shows their values. */
  conflict: boolean;
  /** The failure when no field explains it (shown as an alert above the buttons). */
  other: unknown;
}

/**
 * Splits an API failure into field messages (409 "code taken" and 422 problems name a field) and the
 * rest. `fieldsByCode` maps a problem code to the field it is about, e.g. unit_code_exists → code.
 */
export function saveProblem(
  t: TFunction,
  error: unknown,
  fieldsByCode: Record<string, string>,
  fieldNames: readonly string[],
): SaveProblem {
  const none: SaveProblem = { fields: {}, conflict: false, other: null };
  if (!error) return none;
  if (!(error instanceof ApiError)) return { ...none, other: error };
  if (error.status === 412 || error.status === 428) return { ...none, conflict: true };
  const field = fieldsByCode[error.code];
  if (field) return { ...none, fields: { [field]: problemText(t, error).message } };
  const fields: Record<string, string> = {};
  for (const item of error.problem?.errors ?? []) {
    // loc is ["body", "<field>", …] for a body field.
    const name = item.loc.find((part) => typeof part === "string" && fieldNames.includes(part));
    if (typeof name === "string" && !fields[name]) fields[name] = t("bpsdm.masterData.fieldInvalid", { msg: item.msg });
  }
  return Object.keys(fields).length > 0 ? { ...none, fields } : { ...none, other: error };
}

/** Only the fields whose value differs from the stored one: a PATCH touches nothing else. */
export function changed<T extends Record<string, unknown>>(stored: T, edited: T): Partial<T> {
  const patch: Partial<T> = {};
  for (const key of Object.keys(edited) as Array<keyof T>) {
    if (edited[key] !== stored[key]) patch[key] = edited[key];
  }
  return patch;
}
