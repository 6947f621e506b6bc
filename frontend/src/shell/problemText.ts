import type { TFunction } from "i18next";
import { ApiError } from "../api/problem";

export interface ProblemText {
  /** What to tell the user, in the UI language. */
  message: string;
  /** The server's own detail, in the UI language (the client sends Accept-Language), when it says more. */
  detail?: string;
  code?: string;
  requestId?: string;
}

/**
 * Turns any error of an API call into text. The SPA's own wording for the codes a user meets most comes
 * first; every other code has the server's title, which the API writes in the language the client asked
 * for (app/core/locale/codes.json covers every code it can answer). Only an answer without a problem
 * document (a proxy's 502 page) falls back to the generic text with the status.
 */
export function problemText(t: TFunction, error: unknown): ProblemText {
  if (error instanceof ApiError) {
    const codes = t("problem.codes", { returnObjects: true }) as Record<string, string>;
    const message = codes[error.code] || error.problem?.title || t("problem.generic", { code: error.code });
    const detail = error.problem?.detail;
    return {
      message,
      detail: detail && detail !== message ? detail : undefined,
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
