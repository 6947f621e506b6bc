import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { shouldRetry } from "../queryClient";
import { fakeApi, json, problem, tokens } from "../test/fakeApi";
import { createApi, READ_TIMEOUT_MS, RequestTimeoutError } from "./client";
import { ApiError, unwrap } from "./problem";
import { REFRESH_TOKEN_KEY } from "./session";

const TOKEN = "POST /api/v1/auth/token";
const ME = "GET /api/v1/auth/me";
const ME_BODY = { username: "198901062015011008", role: "asn", nip: "198901062015011008", unit_id: 1, scopes: [] };

function formOf(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

/** A token endpoint that hands out access-1, access-2, … and refresh-1, refresh-2, …; refuses unknown refresh tokens. */
function tokenServer(options: { refuseRefresh?: boolean; expiresIn?: number } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  return (request: { body: string }) => {
    const form = formOf(request.body);
    if (form.grant_type === "password") {
      if (form.password !== "Bangkom#2026") return problem(400, "invalid_grant");
    } else if (form.grant_type === "refresh_token") {
      if (options.refuseRefresh || !valid.delete(form.refresh_token)) return problem(400, "invalid_grant");
    } else {
      return problem(400, "unsupported_grant_type");
    }
    issued += 1;
    valid.add(`refresh-${issued}`);
    return tokens(`access-${issued}`, `refresh-${issued}`, options.expiresIn);
  };
}

/** GET /auth/me accepting only the given access tokens. */
function meAccepting(...accepted: string[]) {
  return (request: { headers: Headers }) =>
    accepted.includes(request.headers.get("Authorization")?.replace("Bearer ", "") ?? "")
      ? json(ME_BODY)
      : problem(401, "unauthorized");
}

beforeEach(() => {
  sessionStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("login", () => {
  it("sends a form-encoded password grant and keeps only the refresh token in sessionStorage", async () => {
    const server = fakeApi({ [TOKEN]: tokenServer(), [ME]: meAccepting("access-1") });
    const { client, session } = createApi();

    await session.login("198901062015011008", "Bangkom#2026");

    const [call] = server.to(TOKEN);
    expect(call.headers.get("Content-Type")).toBe("application/x-www-form-urlencoded");
    expect(formOf(call.body)).toEqual({
      grant_type: "password",
      username: "198901062015011008",
      password: "Bangkom#2026",
    });
    expect(call.headers.get("Authorization")).toBeNull();
    expect(session.status).toBe("active");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-1");
    expect(JSON.stringify({ ...sessionStorage })).not.toContain("access-1");

    const me = await unwrap(client.GET("/api/v1/auth/me"));
    expect(me.role).toBe("asn");
    expect(server.to(ME)[0].headers.get("Authorization")).toBe("Bearer access-1");
  });

  it("rejects a wrong password with the problem and stays logged out", async () => {
    fakeApi({ [TOKEN]: tokenServer() });
    const { session } = createApi();

    const failure = await session.login("bpsdm", "wrong").catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).code).toBe("invalid_grant");
    expect(session.status).toBe("anonymous");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});

describe("the language of the answers", () => {
  it("asks for the page's language on every call, the login included", async () => {
    const server = fakeApi({ [TOKEN]: tokenServer(), [ME]: meAccepting("access-1") });
    document.documentElement.lang = "en";
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");
    await unwrap(client.GET("/api/v1/auth/me"));
    document.documentElement.lang = "id";
    await unwrap(client.GET("/api/v1/auth/me"));

    expect(server.to(TOKEN)[0].headers.get("Accept-Language")).toBe("en");
    expect(server.to(ME).map((call) => call.headers.get("Accept-Language"))).toEqual(["en", "id"]);
  });

  it("follows an explicit choice", async () => {
    const server = fakeApi({ [TOKEN]: tokenServer(), [ME]: meAccepting("access-1") });
    const { session } = createApi({ language: () => "id" });
    await session.login("198901062015011008", "Bangkom#2026");
    expect(server.to(TOKEN)[0].headers.get("Accept-Language")).toBe("id");
  });
});

describe("a 401 during a request", () => {
  it("refreshes once and replays the request, body included, with the new token", async () => {
    const server = fakeApi({
      [TOKEN]: tokenServer(),
      "PATCH /api/v1/asn/198901062015011008": (request) =>
        request.headers.get("Authorization") === "Bearer access-2"
          ? json({ ...ME_BODY, email: JSON.parse(request.body).email })
          : problem(401, "unauthorized"),
    });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");

    const saved = await unwrap(
      client.PATCH("/api/v1/asn/{nip}", {
        params: { path: { nip: "198901062015011008" }, header: { "If-Match": '"1"' } },
        body: { email: "antonius@kaltimprov.go.id" },
      }),
    );

    expect(saved).toMatchObject({ email: "antonius@kaltimprov.go.id" });
    const patches = server.to("PATCH /api/v1/asn/198901062015011008");
    expect(patches.map((p) => p.headers.get("Authorization"))).toEqual(["Bearer access-1", "Bearer access-2"]);
    expect(patches[1].body).toBe(patches[0].body);
    expect(patches[1].headers.get("If-Match")).toBe('"1"');
    expect(server.to(TOKEN).map((c) => formOf(c.body).grant_type)).toEqual(["password", "refresh_token"]);
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-2");
  });

  it("gives up after one replay: a second 401 is returned, not looped on", async () => {
    const server = fakeApi({ [TOKEN]: tokenServer(), [ME]: () => problem(401, "unauthorized") });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");

    const failure = await unwrap(client.GET("/api/v1/auth/me")).catch((error: unknown) => error);

    expect((failure as ApiError).status).toBe(401);
    expect(server.to(ME)).toHaveLength(2);
    expect(server.to(TOKEN)).toHaveLength(2); // the login and one refresh
  });

  it("shares one refresh between requests failing together (a refresh token is single-use)", async () => {
    const server = fakeApi({ [TOKEN]: tokenServer(), [ME]: meAccepting("access-2") });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");

    const results = await Promise.all([1, 2, 3].map(() => unwrap(client.GET("/api/v1/auth/me"))));

    expect(results.map((me) => me.username)).toEqual([ME_BODY.username, ME_BODY.username, ME_BODY.username]);
    expect(server.to(TOKEN).filter((c) => formOf(c.body).grant_type === "refresh_token")).toHaveLength(1);
  });

  it("waits for a re-login when the refresh is refused, then replays the request", async () => {
    const server = fakeApi({ [TOKEN]: tokenServer(), [ME]: meAccepting("access-2") });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");
    // Somebody revoked the login on the server: the refresh will be refused.
    sessionStorage.setItem(REFRESH_TOKEN_KEY, "revoked");

    const pending = unwrap(client.GET("/api/v1/auth/me"));
    await vi.waitFor(() => expect(session.status).toBe("expired"));
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(server.to(ME)).toHaveLength(1);

    await session.login("198901062015011008", "Bangkom#2026");

    await expect(pending).resolves.toMatchObject({ username: ME_BODY.username });
    expect(server.to(ME).map((c) => c.headers.get("Authorization"))).toEqual(["Bearer access-1", "Bearer access-2"]);
  });

  it("fails the waiting request with the 401 when the user logs out instead", async () => {
    fakeApi({ [TOKEN]: tokenServer({ refuseRefresh: true }), [ME]: () => problem(401, "unauthorized") });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");

    const pending = unwrap(client.GET("/api/v1/auth/me")).catch((error: unknown) => error);
    await vi.waitFor(() => expect(session.status).toBe("expired"));
    await session.logout();

    expect(((await pending) as ApiError).status).toBe(401);
    expect(session.status).toBe("anonymous");
  });

  it("passes a 401 of the token endpoint through (wrong password is not an expired session)", async () => {
    const server = fakeApi({ [TOKEN]: () => problem(401, "invalid_client") });
    const { session } = createApi();

    await expect(session.login("x", "y")).rejects.toBeInstanceOf(ApiError);
    expect(server.to(TOKEN)).toHaveLength(1);
  });
});

describe("silent refresh", () => {
  it("refreshes shortly before the access token expires, without a request failing first", async () => {
    vi.useFakeTimers();
    const server = fakeApi({ [TOKEN]: tokenServer({ expiresIn: 900 }), [ME]: meAccepting("access-2") });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");

    await vi.advanceTimersByTimeAsync(839_000);
    expect(server.to(TOKEN)).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000); // 60 s before expiry
    expect(server.to(TOKEN)).toHaveLength(2);
    expect(session.accessToken).toBe("access-2");

    await unwrap(client.GET("/api/v1/auth/me"));
    expect(server.to(ME)).toHaveLength(1);
  });

  it("refreshes before sending when the token is about to expire (a sleeping tab missed the timer)", async () => {
    let now = 1_000_000;
    vi.spyOn(Date, "now").mockImplementation(() => now);
    const server = fakeApi({ [TOKEN]: tokenServer({ expiresIn: 900 }), [ME]: meAccepting("access-2") });
    const { client, session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");
    now += 898_000;

    await unwrap(client.GET("/api/v1/auth/me"));

    expect(server.to(ME).map((c) => c.headers.get("Authorization"))).toEqual(["Bearer access-2"]);
  });
});

describe("restore and logout", () => {
  it("resumes the tab's login from the stored refresh token", async () => {
    fakeApi({ [TOKEN]: tokenServer() });
    const first = createApi();
    await first.session.login("198901062015011008", "Bangkom#2026");

    const reloaded = createApi();
    const restoring = reloaded.session.restore();
    expect(reloaded.session.status).toBe("restoring");

    expect(await restoring).toBe(true);
    expect(reloaded.session.status).toBe("active");
    expect(reloaded.session.accessToken).toBe("access-2");
  });

  it("keeps the stored login when the server can't be reached at start-up", async () => {
    sessionStorage.setItem(REFRESH_TOKEN_KEY, "refresh-7");
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    const { session } = createApi();

    expect(await session.restore()).toBe(false);
    expect(session.status).toBe("anonymous");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-7");
  });

  it("starts logged out (not expired) when the stored login was revoked", async () => {
    fakeApi({ [TOKEN]: tokenServer() });
    sessionStorage.setItem(REFRESH_TOKEN_KEY, "revoked");
    const { session } = createApi();

    expect(await session.restore()).toBe(false);
    expect(session.status).toBe("anonymous");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it("revokes the refresh token with the bearer token and forgets both", async () => {
    const server = fakeApi({
      [TOKEN]: tokenServer(),
      "POST /api/v1/auth/revoke": () => new Response(null, { status: 204 }),
    });
    const { session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");

    await session.logout();

    const [revoke] = server.to("POST /api/v1/auth/revoke");
    expect(formOf(revoke.body)).toEqual({ token: "refresh-1" });
    expect(revoke.headers.get("Authorization")).toBe("Bearer access-1");
    expect(session.status).toBe("anonymous");
    expect(session.accessToken).toBeNull();
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it("logs out locally even when the server can't be reached", async () => {
    fakeApi({ [TOKEN]: tokenServer() });
    const { session } = createApi();
    await session.login("198901062015011008", "Bangkom#2026");
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );

    await session.logout();

    expect(session.status).toBe("anonymous");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });
});

describe("an unresponsive server", () => {
  /** fetch that never answers but, like the browser's, rejects when its request is aborted. */
  function hangingFetch() {
    const seen: Request[] = [];
    const fetchMock = vi.fn(
      (request: Request) =>
        new Promise<Response>((_resolve, reject) => {
          seen.push(request);
          request.signal.addEventListener("abort", () => reject(request.signal.reason));
        }),
    );
    vi.stubGlobal("fetch", fetchMock);
    return seen;
  }

  it("fails a read after the timeout instead of waiting forever, and aborts the request", async () => {
    vi.useFakeTimers();
    const seen = hangingFetch();
    const { client } = createApi({ storage: null });

    const call = unwrap(client.GET("/api/v1/auth/me"));
    const outcome = call.then(
      () => "answered",
      (error: unknown) => error,
    );
    await vi.advanceTimersByTimeAsync(READ_TIMEOUT_MS - 1);
    expect(seen).toHaveLength(1);
    expect(seen[0].signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    const error = await outcome;
    expect(error).toBeInstanceOf(RequestTimeoutError);
    // Shown like any unreachable server ("Tidak dapat menghubungi server").
    expect(error).toBeInstanceOf(TypeError);
    expect(seen[0].signal.aborted).toBe(true);
  });

  it("does not time out a write or a generated document", async () => {
    vi.useFakeTimers();
    const seen = hangingFetch();
    const { client } = createApi({ storage: null });
    let settled = false;
    void client.POST("/api/v1/auth/revoke", { body: { token: "x" } }).finally(() => {
      settled = true;
    });
    void client
      .GET("/api/v1/exports/jp-compliance", { params: { query: { format: "pdf" } }, parseAs: "blob" })
      .finally(() => {
        settled = true;
      });

    await vi.advanceTimersByTimeAsync(READ_TIMEOUT_MS * 3);
    expect(seen).toHaveLength(2);
    expect(settled).toBe(false);
  });

  it("does not repeat a timed-out read, but retries refused connections and 5xx twice", () => {
    expect(shouldRetry(0, new RequestTimeoutError(READ_TIMEOUT_MS))).toBe(false);
    expect(shouldRetry(0, new TypeError("Failed to fetch"))).toBe(true);
    expect(shouldRetry(1, new ApiError(503, null))).toBe(true);
    expect(shouldRetry(2, new ApiError(503, null))).toBe(false);
    expect(shouldRetry(0, new ApiError(404, null))).toBe(false);
  });
});
