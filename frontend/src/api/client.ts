import createClient, { type Client, type Middleware } from "openapi-fetch";
import { unwrap } from "./problem";
import type { paths } from "./schema";
import { type GrantRequest, Session, type TokenGrant } from "./session";

export type ApiClient = Client<paths>;

// Token calls carry no bearer token of ours (token) or their own (revoke), and a 401 from them is an
// answer, not an expired session.
const SELF_AUTHENTICATED = new Set(["/api/v1/auth/token", "/api/v1/auth/revoke"]);
const FORM = { "Content-Type": "application/x-www-form-urlencoded" } as const;

/**
 * Adds the bearer token, and on a 401 refreshes once and replays the request once. When the refresh
 * is refused the replay waits for the user to log in again in the re-login dialog.
 */
export function authMiddleware(session: Session): Middleware {
  // Sent requests have consumed their body; a copy taken before sending is what a replay sends.
  const copies = new Map<string, Request>();
  return {
    async onRequest({ request, schemaPath, id }) {
      if (SELF_AUTHENTICATED.has(schemaPath)) return undefined;
      const token = await session.token();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      copies.set(id, request.clone());
      return request;
    },
    async onResponse({ request, response, schemaPath, id, options }) {
      const copy = copies.get(id);
      copies.delete(id);
      if (response.status !== 401 || SELF_AUTHENTICATED.has(schemaPath) || !copy) return undefined;
      const sent = request.headers.get("Authorization");
      // Another request may already have refreshed while this one was in flight.
      if (!session.accessToken || sent === `Bearer ${session.accessToken}`) {
        let refreshed: boolean;
        try {
          refreshed = await session.refresh();
        } catch {
          return undefined; // unreachable server: the 401 stands
        }
        if (!refreshed && !(await session.waitForLogin())) return undefined;
      }
      const token = session.accessToken;
      if (!token) return undefined;
      const headers = new Headers(copy.headers);
      headers.set("Authorization", `Bearer ${token}`);
      return options.fetch(new Request(copy, { headers }));
    },
    onError({ id }) {
      copies.delete(id);
    },
  };
}

/**
 * Asks the API to answer its problem details (and import reports) in the UI's language. The page's
 * `lang` attribute follows the UI language (i18n/index.ts sets it), which keeps this module free of i18n.
 */
export function languageMiddleware(language: () => string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set("Accept-Language", language());
      return request;
    },
  };
}

function pageLanguage(): string {
  return globalThis.document?.documentElement.lang || "id";
}

/** A read the server did not start answering in time; a TypeError like fetch's own network failures. */
export class RequestTimeoutError extends TypeError {
  constructor(readonly timeoutMs: number) {
    super(`No response within ${timeoutMs / 1000} s`);
    this.name = "RequestTimeoutError";
  }
}

/** How long a read may wait for the server's first answer before the page shows an error. */
export const READ_TIMEOUT_MS = 10_000;
// Generated documents (PDF/XLSX) may take longer than a JSON read to start.
const UNTIMED_PREFIXES = ["/api/v1/exports/"];

/**
 * fetch with a deadline on GETs: a server that accepts the connection but never answers (a hung
 * worker, a dropped VPN) would otherwise keep a page on "Memuat…" for minutes. Only the wait for the
 * response headers is bounded, so a slow download of a large body is not cut off. Writes are not
 * timed: aborting one mid-flight would leave the user unsure whether it was stored.
 */
export function fetchWithTimeout(request: Request, timeoutMs = READ_TIMEOUT_MS): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (request.method !== "GET" || UNTIMED_PREFIXES.some((prefix) => path.startsWith(prefix))) {
    return globalThis.fetch(request);
  }
  const deadline = new AbortController();
  const signal = AbortSignal.any([request.signal, deadline.signal]);
  return new Promise<Response>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new RequestTimeoutError(timeoutMs);
      deadline.abort(error);
      reject(error);
    }, timeoutMs);
    globalThis.fetch(new Request(request, { signal })).then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

export interface Api {
  client: ApiClient;
  session: Session;
}

/** The typed client and the session it authenticates with (one of each in the app; fresh ones in tests). */
export function createApi(options: { baseUrl?: string; storage?: Storage | null; language?: () => string } = {}): Api {
  const client = createClient<paths>({
    // Absolute, because Request() outside a browser (tests) rejects relative URLs.
    baseUrl: options.baseUrl ?? globalThis.location?.origin ?? "",
    // globalThis.fetch is looked up per call so tests can stub fetch after the client exists.
    fetch: (request: Request) => fetchWithTimeout(request),
  });
  const session = new Session({
    storage: options.storage,
    grant: (body: GrantRequest): Promise<TokenGrant> =>
      unwrap(client.POST("/api/v1/auth/token", { body, headers: FORM })),
    revoke: async (token, accessToken) => {
      await unwrap(
        client.POST("/api/v1/auth/revoke", {
          body: { token },
          headers: { ...FORM, Authorization: `Bearer ${accessToken}` },
        }),
      );
    },
  });
  client.use(languageMiddleware(options.language ?? pageLanguage));
  client.use(authMiddleware(session));
  return { client, session };
}

const app = createApi();
/** The app's API client: `api.GET("/api/v1/...", { params })`, typed from openapi.json. */
export const api = app.client;
export const session = app.session;
