// A stand-in for the backend in unit tests: fetch() answered by handlers per "METHOD /path", with
// every request recorded. (End-to-end tests run against the real server; see e2e/.)
import { vi } from "vitest";

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
}

export type Handler = (request: Recorded) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

export function problem(status: number, code: string, detail = code): Response {
  return new Response(
    JSON.stringify({
      type: `https://bangkom.id/problems/${code}`,
      title: "Error",
      status,
      code,
      detail,
      request_id: "req-1",
    }),
    { status, headers: { "Content-Type": "application/problem+json" } },
  );
}

export function fakeApi(handlers: Record<string, Handler>) {
  const calls: Recorded[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const recorded: Recorded = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: request.body ? await request.text() : "",
    };
    calls.push(recorded);
    const handler = handlers[`${request.method} ${url.pathname}`];
    if (!handler) return problem(404, "not_found", `no fake for ${request.method} ${url.pathname}`);
    return handler(recorded);
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    calls,
    /** The recorded requests to one "METHOD /path". */
    to: (route: string) => calls.filter((c) => `${c.method} ${c.path}` === route),
  };
}

/** A token response as POST /auth/token sends it. */
export function tokens(access: string, refresh: string, expiresIn = 900): Response {
  return json({ access_token: access, token_type: "bearer", expires_in: expiresIn, refresh_token: refresh });
}
