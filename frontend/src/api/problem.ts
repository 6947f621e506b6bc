import type { Problem } from "./types";

/** A failed API call: the HTTP status and, when the server sent one, its RFC 9457 problem document. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  /** The stable machine-readable code (`problem.code`), or `http_<status>` without a problem body. */
  get code(): string {
    return this.problem?.code ?? `http_${this.status}`;
  }
}

export function isProblem(value: unknown): value is Problem {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Problem).status === "number" &&
    typeof (value as Problem).code === "string"
  );
}

interface ClientResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/**
 * The data of an openapi-fetch call, or an ApiError carrying the problem document. Query and mutation
 * functions use it so TanStack Query sees failures as rejections.
 */
export async function unwrap<R extends ClientResult>(call: Promise<R>): Promise<Exclude<R["data"], undefined>> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw new ApiError(response.status, isProblem(error) ? error : null);
  }
  return data as Exclude<R["data"], undefined>;
}
