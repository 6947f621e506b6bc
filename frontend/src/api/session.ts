import { ApiError } from "./problem";

/**
 * anonymous: nobody is logged in (or the stored login could not be resumed at start-up);
 * restoring:  start-up, a stored refresh token is being exchanged;
 * active:     requests carry an access token;
 * expired:    the session ended while the app was in use (the refresh was refused); requests wait
 *             until the user logs in again in the modal dialog, so nothing typed so far is lost.
 */
export type SessionStatus = "anonymous" | "restoring" | "active" | "expired";

export type GrantRequest =
  | { grant_type: "password"; username: string; password: string }
  | { grant_type: "refresh_token"; refresh_token: string };

export interface TokenGrant {
  access_token: string;
  expires_in: number;
  refresh_token?: string | null;
}

type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface SessionOptions {
  /** POST /auth/token; rejects with an ApiError when the server refuses the grant. */
  grant: (request: GrantRequest) => Promise<TokenGrant>;
  /** POST /auth/revoke with the given bearer token. */
  revoke: (refreshToken: string, accessToken: string) => Promise<void>;
  /** Where the refresh token lives between page loads (null: nowhere, e.g. in tests). */
  storage?: KeyValueStore | null;
  now?: () => number;
}

export const REFRESH_TOKEN_KEY = "bangkom.refresh_token";
// A silent refresh happens this long before the access token expires (at most a fifth of its life).
const REFRESH_MARGIN_MS = 60_000;
// A request made this close to expiry refreshes first instead of risking a 401 on the way.
const STALE_MARGIN_MS = 5_000;

function defaultStorage(): KeyValueStore | null {
  // The refresh token is kept in sessionStorage, the access token only in memory. sessionStorage
  // survives a reload of the tab (no new login after F5) but is per tab and gone when the tab
  // closes, unlike localStorage which would keep a 14-day credential on a shared office PC. The
  // API returns tokens in the response body rather than an httpOnly cookie, so some script-readable
  // place is unavoidable; the short-lived access token never touches storage.
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null; // storage disabled by the browser
  }
}

/**
 * The login session: tokens, their silent refresh, and the wait for a re-login after expiry.
 * Framework-free so the refresh logic can be tested on its own; React reads it through
 * useSyncExternalStore (subscribe + status).
 */
export class Session {
  #grant: SessionOptions["grant"];
  #revoke: SessionOptions["revoke"];
  #storage: KeyValueStore | null;
  #now: () => number;
  #status: SessionStatus = "anonymous";
  #access: string | null = null;
  #expiresAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<boolean> | null = null;
  // Without storage (tests, storage disabled) the refresh token is kept in memory instead.
  #memoryRefresh: string | null = null;
  #waiters: Array<(loggedIn: boolean) => void> = [];
  #listeners = new Set<() => void>();

  constructor(options: SessionOptions) {
    this.#grant = options.grant;
    this.#revoke = options.revoke;
    this.#storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.#now = options.now ?? Date.now;
  }

  get status(): SessionStatus {
    return this.#status;
  }

  get accessToken(): string | null {
    return this.#access;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getStatus = (): SessionStatus => this.#status;

  /** At start-up: resume the tab's login from its stored refresh token, if there is one. */
  async restore(): Promise<boolean> {
    if (this.#status !== "anonymous") return this.#status === "active";
    if (!this.#storage?.getItem(REFRESH_TOKEN_KEY)) return false;
    this.#setStatus("restoring");
    try {
      return await this.refresh();
    } catch {
      // Server unreachable: show the login page (which says so on submit) but keep the stored token,
      // so a reload once the server is back resumes the login.
      this.#setStatus("anonymous");
      return false;
    }
  }

  /** Password grant; rejects with the ApiError of a refused login and leaves the state as it was. */
  async login(username: string, password: string): Promise<void> {
    const grant = await this.#grant({ grant_type: "password", username, password });
    this.#accept(grant);
    this.#setStatus("active");
    this.#settleWaiters(true);
  }

  /**
   * Carry on with the tokens of a new login the server handed out itself (after "change my password",
   * which ends every earlier login of the account, this tab's included).
   */
  adopt(grant: TokenGrant): void {
    this.#accept(grant);
    this.#setStatus("active");
    this.#settleWaiters(true);
  }

  /**
   * Exchange the refresh token for new tokens. Concurrent callers share one request: the server
   * rotates refresh tokens and treats a second use of the same one as theft (it revokes the whole
   * login), so two parallel refreshes must never happen. Resolves false when the server refused
   * (the session is then expired); rejects on network errors without changing the state.
   */
  refresh(): Promise<boolean> {
    if (this.#refreshing) return this.#refreshing;
    const token = this.#storage?.getItem(REFRESH_TOKEN_KEY) ?? this.#memoryRefresh;
    if (!token) {
      this.#end();
      return Promise.resolve(false);
    }
    this.#refreshing = (async () => {
      try {
        const grant = await this.#grant({ grant_type: "refresh_token", refresh_token: token });
        this.#accept(grant);
        this.#setStatus("active");
        this.#settleWaiters(true);
        return true;
      } catch (error) {
        if (error instanceof ApiError && (error.status === 400 || error.status === 401)) {
          this.#end();
          return false;
        }
        throw error;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /**
   * The access token for the next request: refreshed first when (nearly) expired, and after an
   * expiry only once the user has logged in again. Null when nobody is logged in.
   */
  async token(): Promise<string | null> {
    if (this.#refreshing) await this.#refreshing.catch(() => undefined);
    if (this.#status === "active" && this.#now() >= this.#expiresAt - STALE_MARGIN_MS) {
      await this.refresh().catch(() => undefined);
    }
    if (this.#status === "expired" && !(await this.waitForLogin())) return null;
    return this.#status === "active" ? this.#access : null;
  }

  /** Resolves true once the user has logged in again after an expiry, false if they log out instead. */
  waitForLogin(): Promise<boolean> {
    if (this.#status === "active") return Promise.resolve(true);
    if (this.#status !== "expired") return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Log out here at once, then revoke the login on the server (a failure there changes nothing here). */
  async logout(): Promise<void> {
    const refreshToken = this.#storage?.getItem(REFRESH_TOKEN_KEY) ?? this.#memoryRefresh;
    const access = this.#status === "active" ? await this.token() : null;
    this.#clearTokens();
    this.#setStatus("anonymous");
    this.#settleWaiters(false);
    if (refreshToken && access) {
      await this.#revoke(refreshToken, access).catch(() => undefined);
    }
  }

  #accept(grant: TokenGrant): void {
    this.#access = grant.access_token;
    this.#expiresAt = this.#now() + grant.expires_in * 1000;
    if (grant.refresh_token) {
      if (this.#storage) this.#storage.setItem(REFRESH_TOKEN_KEY, grant.refresh_token);
      else this.#memoryRefresh = grant.refresh_token;
    }
    clearTimeout(this.#timer);
    const lifetime = grant.expires_in * 1000;
    const delay = Math.max(0, lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 5));
    // Network errors here are left to the next request, which refreshes a stale token itself.
    this.#timer = setTimeout(() => void this.refresh().catch(() => undefined), delay);
  }

  /** The server refused the refresh token: mid-session that is an expiry, at start-up just a logout. */
  #end(): void {
    const wasInUse = this.#status === "active" || this.#status === "expired";
    this.#clearTokens();
    this.#setStatus(wasInUse ? "expired" : "anonymous");
    if (!wasInUse) this.#settleWaiters(false);
  }

  #clearTokens(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#access = null;
    this.#expiresAt = 0;
    this.#memoryRefresh = null;
    this.#storage?.removeItem(REFRESH_TOKEN_KEY);
  }

  #settleWaiters(loggedIn: boolean): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(loggedIn);
  }

  #setStatus(status: SessionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#listeners) listener();
  }
}
