/**
 * Caller authentication inside the function, so it works with
 * `verify_jwt = false` too: the Supabase user JWT from `Authorization`, checked
 * by one call into the core (the header decoded once, the claim rules applied):
 * HS256 with `AUTH_JWT_SECRET` (imported once per instance), ES256/RS256 with
 * the project's JWKS (`SUPABASE_JWKS`, else fetched from
 * `{SUPABASE_URL}/auth/v1/.well-known/jwks.json` when a token needs a key,
 * cached per instance) and WebCrypto.
 */
import { EdgeError } from "livekit-tavus-edge";
import {
  type JsonWebKeySet,
  matchesAnySecret,
  type SupabaseClaims,
} from "livekit-tavus-edge/avatar";
import { codeOf, fetchWithTimeout, fromEdgeError, HttpError } from "./http.ts";
import { clientIp, type Logger } from "./log.ts";
import type { Settings } from "./settings.ts";

/** A signed-in caller. */
export interface Caller {
  /** The user id (`sub`). */
  userId: string;
  /** The verified claims. */
  claims: SupabaseClaims;
  /** The caller's JWT, for reads under RLS. Never logged. */
  jwt: string;
}

/** How long a fetched JWKS is reused. */
const JWKS_TTL_MS = 10 * 60 * 1000;
/** The JWKS endpoint is asked at most this often per instance (unknown `kid`, failures). */
const JWKS_REFETCH_MS = 30 * 1000;

/** Supabase Auth's JWKS endpoint of the project, when there is a project. */
function jwksUrl(s: Settings): string | null {
  return s.settings.supabaseUrl ? `${s.settings.supabaseUrl}/auth/v1/.well-known/jwks.json` : null;
}

/** The bearer token of `Authorization: Bearer <token>`, or null. */
export function bearer(req: Request): string | null {
  const h = req.headers.get("authorization");
  const m = h?.match(/^Bearer\s+(\S+)\s*$/i);
  return m ? m[1]! : null;
}

/** What {@linkcode Authenticator} needs. */
export interface AuthDeps {
  fetch: typeof fetch;
  now: () => Date;
  log: Logger;
}

/** Verifies callers; holds the per-instance JWKS cache. */
export class Authenticator {
  #jwks: { url: string; keys: JsonWebKeySet; at: number; text?: string } | null = null;
  /** The last fetch started (successful or not), for the once-per-30-s limit. */
  #attempt: { url: string; at: number } | null = null;
  /** The fetch in flight, shared by every request that needs it. */
  #inflight: { url: string; done: Promise<void> } | null = null;

  constructor(private readonly deps: AuthDeps) {}

  /**
   * The signed-in caller, or an {@linkcode HttpError}: 401 with an `ERR_AUTH_*`
   * code for a missing, forged, expired or anonymous-key token; 403
   * `ERR_AUTH_ANONYMOUS_USER`; 503 when no way to verify is configured.
   */
  async authenticate(req: Request, s: Settings, requestId: string): Promise<Caller> {
    const fail = (e: HttpError): never => {
      this.deps.log("warn", "auth_failed", {
        request_id: requestId,
        code: e.code,
        path: new URL(req.url).pathname,
        ip: clientIp(req),
      });
      throw e;
    };
    const token = bearer(req);
    if (token === null) {
      fail(
        new HttpError(
          401,
          "ERR_AUTH_MISSING",
          "send the signed-in user's access token as `Authorization: Bearer <jwt>`",
          { "www-authenticate": "Bearer" },
        ),
      );
    }
    if (!s.report.auth_configured) {
      throw new HttpError(
        503,
        "ERR_NOT_CONFIGURED",
        "caller authentication is not configured: set AUTH_JWT_SECRET or SUPABASE_URL",
        { "retry-after": "60" },
      );
    }
    try {
      // The JWKS we hold (if any); the core asks for it only for a token that
      // needs a key (ES256/RS256), and once more if its kid is not in it.
      const held = s.jwks ?? this.#held(s);
      const claims = await s.policy.authenticate(
        token!,
        held,
        async () => {
          if (s.jwks) return s.jwks;
          const fetched = await this.#keys(s);
          return fetched && JSON.stringify(fetched);
        },
        this.deps.now(),
      );
      return { userId: claims.sub!, claims, jwt: token! };
    } catch (e) {
      if (e instanceof EdgeError) fail(fromEdgeError(e));
      if (e instanceof HttpError) fail(e);
      throw e;
    }
  }

  /**
   * Whether the caller holds the service role: `Authorization: Bearer` or
   * `apikey` equal to a service key (constant-time), or an HS256 service_role
   * JWT signed with `AUTH_JWT_SECRET`.
   */
  isServiceRole(req: Request, s: Settings): Promise<boolean> {
    const presented = [bearer(req), req.headers.get("apikey")].filter((v): v is string => !!v);
    if (presented.some((p) => matchesAnySecret(p, s.serviceKeys))) return Promise.resolve(true);
    const token = bearer(req);
    return Promise.resolve(!!token && s.policy.isServiceRoleJwt(token, this.deps.now()));
  }

  /** The fetched JWKS still within its lifetime, as JSON text. */
  #held(s: Settings): string | undefined {
    const url = jwksUrl(s);
    const cached = this.#jwks;
    if (!url || cached?.url !== url || this.deps.now().getTime() - cached.at >= JWKS_TTL_MS) {
      return undefined;
    }
    return cached.text ??= JSON.stringify(cached.keys);
  }

  /**
   * The JWKS fetched from Supabase Auth, for the core, which asks only when
   * {@linkcode #held} has none within its 10 minutes or a token's `kid` is not
   * in it. That refreshes it (key rotation), but the endpoint is asked at most
   * once per 30 s per instance, whatever the outcome (a failure is remembered
   * as long), and concurrent requests share one fetch: hostile tokens with made-up key ids, or a JWKS
   * endpoint that fails, cannot turn requests into outbound fetches. While any
   * keys are cached they are used (a token for another key is then a 401
   * `ERR_AUTH_UNKNOWN_KEY`); only without any is the answer 503.
   */
  async #keys(s: Settings): Promise<JsonWebKeySet | undefined> {
    const url = jwksUrl(s);
    if (!url) return undefined;
    const now = this.deps.now().getTime();
    const cached = () => (this.#jwks?.url === url ? this.#jwks : null);
    const last = this.#attempt?.url === url ? this.#attempt : null;
    if (!last || now - last.at >= JWKS_REFETCH_MS) {
      this.#attempt = { url, at: now };
      this.#inflight = { url, done: this.#fetchJwks(url, now) };
    }
    if (this.#inflight?.url === url) await this.#inflight.done;
    const after = cached();
    if (after) return after.keys;
    const retry = Math.max(1, Math.ceil((JWKS_REFETCH_MS - (now - this.#attempt!.at)) / 1000));
    throw new HttpError(
      503,
      "ERR_AUTH_JWKS_UNAVAILABLE",
      "the project's JWKS could not be read (Supabase Auth did not answer with keys)",
      { "retry-after": String(retry) },
    );
  }

  /** One fetch of the JWKS; on success the cache is replaced. Never throws. */
  async #fetchJwks(url: string, at: number): Promise<void> {
    try {
      const res = await fetchWithTimeout(
        this.deps.fetch,
        url,
        { headers: { accept: "application/json" } },
        5_000,
        "Supabase Auth (JWKS)",
        { timeout: "ERR_AUTH_JWKS_UNAVAILABLE", network: "ERR_AUTH_JWKS_UNAVAILABLE" },
      );
      let body: unknown = null;
      try {
        body = await res.json();
      } catch {
        // handled below
      }
      const keys = (body as JsonWebKeySet | null)?.keys;
      if (res.ok && Array.isArray(keys)) {
        this.#jwks = { url, keys: body as JsonWebKeySet, at };
        return;
      }
      this.deps.log("warn", "jwks_unavailable", { status: res.status });
    } catch (e) {
      this.deps.log("warn", "jwks_unavailable", {
        code: codeOf(e),
      });
    }
  }
}
