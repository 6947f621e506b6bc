import type { TFunction } from "i18next";
import { ApiError } from "../api/problem";

export interface ProblemText {
  /** What to tell the user, in the UI language. */
  message: string;
  /** The server's own detail (English, for support), when there is one. */
  detail?: string;
  code?: string;
  requestId?: string;
}

/** Turns any error of an API call into text: problem codes are translated, the rest generic. */
export function problemText(t: TFunction, error: unknown): ProblemText {
  if (error instanceof ApiError) {
    const codes = t("problem.codes", { returnObjects: true }) as Record<string, string>;
    return {
      message: codes[error.code] ?? t("problem.generic", { code: error.code }),
      detail: error.problem?.detail,
      code: error.code,
      requestId: error.problem?.request_id ?? undefined,
    };
  }
  // fetch() rejects with a TypeError when the server can't be reached at all.
  if (error instanceof TypeError) return { message: t("problem.network") };
  return {
    message: t("problem.generic", { code: "client_error" }),
    detail: error instanceof Error ? error.message : undefined,
  };
}
