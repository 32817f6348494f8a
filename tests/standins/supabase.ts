/**
 * A loopback stand-in for the parts of a Supabase project the functions use,
 * answering like PostgREST and Supabase Auth:
 *
 * - `GET /rest/v1/<table>?select=…&col=eq.x&col=in.(a,b)&col=gt.t&order=…&limit=n`
 *   under the project's rules: `apikey` must be one of the project's keys: the
 *   publishable or secret key (`sb_publishable_…`, `sb_secret_…`) or the legacy
 *   anon or service-role JWT key, unless the project turned legacy keys off;
 *   `Authorization: Bearer` is the service-role key (bypasses RLS) or a user JWT
 *   verified like PostgREST does (HS256 secret or the JWKS), and then row level
 *   security applies (`avatar_configs`: enabled rows; `avatar_sessions`: own rows;
 *   `livekit_webhook_events`: nothing).
 * - `POST /rest/v1/rpc/<fn>` for the session RPCs and the Vault bridge of
 *   `supabase/migrations/`, with their semantics, exact parameter names and
 *   errors (`P0001 ERR_SESSION_LIMIT` → 400, unique violations → 409, …),
 *   executable by the service role only.
 * - `GET /auth/v1/.well-known/jwks.json`.
 *
 * Each request is recorded with the problems found: a user's read made with
 * the service role (RLS bypassed), an RPC called without it, a missing
 * `apikey`, unknown parameters.
 */
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from "jose";
import { type RecordedRequest, reply, serveStandIn, type StandIn } from "./common.ts";

/** A row of `public.avatar_sessions`. */
export interface SessionDbRow {
  id: string;
  user_id: string;
  scenario_id: string;
  room_name: string;
  mode: string;
  conversation_id: string | null;
  status: string;
  end_reason: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  expires_at: string;
  /** The Tavus end the row owes (20261129100000_cost_safety.sql). */
  tavus_end_pending?: boolean;
  tavus_end_attempts?: number;
  tavus_end_error?: string | null;
}

/** Failure modes and data. */
export interface SupabaseOptions {
  /** Default `anon-test-key`. */
  anonKey?: string;
  /** Default `service-test-key`. */
  serviceRoleKey?: string;
  /** The project's new secret key (`sb_secret_…`): the service role, like the legacy key. */
  secretKey?: string;
  /** The project's new publishable key (`sb_publishable_…`): anon, like the legacy key. */
  publishableKey?: string;
  /**
   * `false`: the project turned its legacy keys off; a request with the anon or
   * service-role JWT key is refused (401) and recorded as a problem. Default true.
   */
  legacyKeys?: boolean;
  /** HS256 secret of user JWTs. */
  jwtSecret?: string;
  /** Public keys of ES256/RS256 user JWTs, also served as the project's JWKS. */
  jwks?: JSONWebKeySet;
  /** `avatar_configs` rows (default: default_scenarios.json). */
  scenarios?: Record<string, unknown>[];
  /** Vault secrets by name. */
  vault?: Record<string, string>;
  /** The allow-list of `get_edge_secrets` (default: the migration's, {@linkcode vaultAllowList}). */
  vaultAllowList?: string[];
  /** Delay before answering (ms), or per request. */
  delayMs?: number | ((rec: RecordedRequest) => number);
  /** Answer this instead when it returns something. */
  failWith?: (rec: RecordedRequest) => { status: number; body: unknown } | undefined;
  /** The database clock. */
  now?: () => Date;
}

/** The running stand-in. */
export interface SupabaseStandIn extends StandIn {
  anonKey: string;
  serviceRoleKey: string;
  secretKey?: string;
  publishableKey?: string;
  /** The tables, live. */
  tables: {
    avatar_configs: Record<string, unknown>[];
    avatar_sessions: SessionDbRow[];
    livekit_webhook_events: { event_id: string; event: string; room_name: string | null }[];
  };
  /** Vault secrets, live. */
  vault: Record<string, string>;
}

const root = new URL("../../", import.meta.url);

/** The Vault allow-list, read from the migration so it cannot drift. */
export function vaultAllowList(): string[] {
  const sql = Deno.readTextFileSync(
    new URL("supabase/migrations/20261125000200_edge_secrets_vault_bridge.sql", root),
  );
  const m = sql.match(/v_allowed constant text\[\] := array\[([\s\S]*?)\];/);
  return m ? [...m[1]!.matchAll(/'([A-Z_]+)'/g)].map((x) => x[1]!) : [];
}

/** A PostgREST error response: `{code, message, details, hint}`. */
export const pgError = (
  status: number,
  code: string,
  message: string,
  details: string | null = null,
) => reply({ code, message, details, hint: null }, status);

/** Who a request is, as PostgREST decides it from `apikey` and `Authorization`. */
export type Role = "anon" | "authenticated" | "service_role";

/** A caller PostgREST accepted: the role, and the JWT's claims (`request.jwt.claims`). */
export interface PostgrestCaller {
  role: Role;
  sub?: string;
  claims: Record<string, unknown>;
}

/**
 * How PostgREST (behind Supabase's gateway) identifies a request: `apikey` must be
 * a key of the project (the publishable or secret key, or the legacy anon or
 * service-role key while legacy keys are on); `Authorization: Bearer` is absent or
 * that same key (supabase-js sends new keys as both), the anon key, or a user JWT
 * verified with the HS256 secret or the JWKS. Returns the caller, or the error
 * response; records problems on `rec`.
 */
export function callerRole(keys: {
  anonKey: string;
  serviceRoleKey: string;
  secretKey?: string;
  publishableKey?: string;
  legacyKeys?: boolean;
  jwtSecret?: string;
  jwks?: JSONWebKeySet;
}): (rec: RecordedRequest) => Promise<PostgrestCaller | Response> {
  const jwks = keys.jwks ? createLocalJWKSet(keys.jwks) : null;
  const legacy = [keys.anonKey, keys.serviceRoleKey];
  const anonKeys = [keys.anonKey, keys.publishableKey].filter((k) => k !== undefined);
  const serviceKeys = [keys.serviceRoleKey, keys.secretKey].filter((k) => k !== undefined);
  return async (rec) => {
    const apikey = rec.headers.get("apikey");
    if (!apikey) {
      rec.problems.push("no apikey header");
      return reply({ message: "No API key found in request" }, 401);
    }
    if (!anonKeys.includes(apikey) && !serviceKeys.includes(apikey)) {
      rec.problems.push("apikey is not one of the project's API keys");
      return reply({ message: "Invalid API key" }, 401);
    }
    if (keys.legacyKeys === false && legacy.includes(apikey)) {
      rec.problems.push("a legacy API key was used on a project that turned legacy keys off");
      return reply({ message: "Legacy API keys are disabled" }, 401);
    }
    const auth = rec.headers.get("authorization");
    const token = auth?.match(/^Bearer (.+)$/)?.[1];
    if (
      token !== undefined && token !== apikey &&
      (anonKeys.includes(token) || serviceKeys.includes(token))
    ) {
      rec.problems.push("Authorization carries another API key than apikey");
      return reply({ message: "Invalid API key" }, 401);
    }
    if (!token || token === apikey) {
      return serviceKeys.includes(apikey)
        ? { role: "service_role", claims: { role: "service_role" } }
        : { role: "anon", claims: { role: "anon" } };
    }
    try {
      const alg = decodeProtectedHeader(token).alg;
      const { payload } = alg === "HS256" && keys.jwtSecret
        ? await jwtVerify(token, new TextEncoder().encode(keys.jwtSecret))
        : alg !== "HS256" && jwks
        ? await jwtVerify(token, jwks)
        : (() => {
          throw new Error("no key for this token");
        })();
      if (payload.role !== "authenticated" || typeof payload.sub !== "string") {
        return pgError(401, "PGRST301", "JWT role is not authenticated");
      }
      if (!anonKeys.includes(apikey)) {
        rec.problems.push("a user's request should carry the publishable (anon) apikey");
      }
      return { role: "authenticated", sub: payload.sub, claims: payload };
    } catch {
      rec.problems.push("the Authorization JWT does not verify");
      return pgError(401, "PGRST301", "JWT could not be verified");
    }
  };
}

/** Starts the stand-in on a free loopback port. */
export function startSupabase(options: SupabaseOptions = {}): SupabaseStandIn {
  const anonKey = options.anonKey ?? "anon-test-key";
  const serviceRoleKey = options.serviceRoleKey ?? "service-test-key";
  const now = options.now ?? (() => new Date());
  const scenarios = options.scenarios ?? JSON.parse(
    Deno.readTextFileSync(new URL("supabase/functions/_shared/default_scenarios.json", root)),
  ).map((r: Record<string, unknown>) => ({ agent_name: null, ...r }));
  const tables: SupabaseStandIn["tables"] = {
    avatar_configs: scenarios,
    avatar_sessions: [],
    livekit_webhook_events: [],
  };
  const vault = { ...(options.vault ?? {}) };
  const allowList = options.vaultAllowList ?? vaultAllowList();
  const OPEN = ["starting", "live", "ending"];

  const role = callerRole({ anonKey, serviceRoleKey, ...options });

  function filterRows<T extends Record<string, unknown>>(rows: T[], q: URLSearchParams): T[] {
    let out = rows;
    for (const [col, expr] of q) {
      if (["select", "order", "limit", "offset"].includes(col)) continue;
      const [op, ...rest] = expr.split(".");
      const arg = rest.join(".");
      out = out.filter((r) => {
        const v = r[col];
        switch (op) {
          case "eq":
            return String(v) === arg;
          case "in":
            return arg.replace(/^\(|\)$/g, "").split(",").includes(String(v));
          case "gt":
            return Date.parse(String(v)) > Date.parse(arg);
          case "is":
            return arg === "null" ? v === null : String(v) === arg;
          default:
            throw new Error(`unsupported operator ${op}`);
        }
      });
    }
    const order = q.get("order");
    if (order) {
      const [col, dir] = order.split(".");
      out = [...out].sort((a, b) =>
        (String(a[col!]) < String(b[col!]) ? -1 : 1) * (dir === "desc" ? -1 : 1)
      );
    }
    const limit = q.get("limit");
    if (limit) out = out.slice(0, Number(limit));
    const select = q.get("select") ?? "*";
    if (select === "*") return out;
    const cols = select.split(",");
    return out.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null])) as T);
  }

  // --- the RPCs, as in supabase/migrations/20261125000100_avatar_session_rpcs.sql and the
  // functions the edge functions call of 20261129100000_cost_safety.sql (the reconciler's own
  // RPCs run only against the real database: tests/standins/postgres.ts) ---------------------

  type Args = Record<string, unknown>;
  const stamp = () => now().toISOString();
  const endRow = (s: SessionDbRow, reason: string) => {
    s.tavus_end_pending = s.conversation_id !== null ||
      (s.status === "starting" && s.mode === "direct");
    s.status = reason.startsWith("failed") ? "failed" : "ended";
    s.end_reason = reason.slice(0, 200);
    s.ended_at = s.updated_at = stamp();
    return {
      id: s.id,
      conversation_id: s.conversation_id,
      room_name: s.room_name,
      user_id: s.user_id,
    };
  };
  const marker = [...crypto.getRandomValues(new Uint8Array(6))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  const rpcs: Record<string, { params: string[]; run: (a: Args) => Response }> = {
    claim_avatar_session: {
      params: [
        "p_user_id",
        "p_scenario_id",
        "p_room_name",
        "p_mode",
        "p_max_live",
        "p_duration_seconds",
      ],
      run: (a) => {
        if (!a.p_user_id || a.p_max_live == null || !(Number(a.p_duration_seconds) >= 1)) {
          return pgError(400, "22023", "ERR_INVALID_ARGUMENT");
        }
        const t = now().getTime();
        const mine = tables.avatar_sessions.filter((s) => s.user_id === a.p_user_id);
        for (const s of mine) {
          if (OPEN.includes(s.status) && Date.parse(s.expires_at) < t) endRow(s, "expired");
        }
        const shape = (s: SessionDbRow, reused: boolean) => ({
          id: s.id,
          room_name: s.room_name,
          conversation_id: s.conversation_id,
          status: s.status,
          expires_at: s.expires_at,
          reused,
        });
        const open = mine.find((s) =>
          s.scenario_id === a.p_scenario_id && (s.status === "starting" || s.status === "live")
        );
        if (open) return reply([shape(open, true)]);
        if (mine.some((s) => s.scenario_id === a.p_scenario_id && s.status === "ending")) {
          return pgError(400, "P0001", "ERR_SESSION_ENDING");
        }
        const live = mine.filter((s) => s.status === "starting" || s.status === "live").length;
        if (live >= Number(a.p_max_live)) return pgError(400, "P0001", "ERR_SESSION_LIMIT");
        const owed = mine.filter((s) => s.tavus_end_pending && Date.parse(s.expires_at) > t).length;
        if (live + owed >= Number(a.p_max_live)) {
          return pgError(400, "P0001", "ERR_SESSION_CLEANUP_PENDING");
        }
        if (!["direct", "agent", "none"].includes(String(a.p_mode))) {
          return pgError(
            400,
            "23514",
            'new row violates check constraint "avatar_sessions_mode_valid"',
          );
        }
        if (!tables.avatar_configs.some((c) => c.scenario_id === a.p_scenario_id)) {
          return pgError(
            409,
            "23503",
            'insert or update on table "avatar_sessions" violates foreign key constraint "avatar_sessions_scenario_id_fkey"',
          );
        }
        if (tables.avatar_sessions.some((s) => s.room_name === a.p_room_name)) {
          return pgError(
            409,
            "23505",
            'duplicate key value violates unique constraint "avatar_sessions_room_name_key"',
          );
        }
        const row: SessionDbRow = {
          id: crypto.randomUUID(),
          user_id: String(a.p_user_id),
          scenario_id: String(a.p_scenario_id),
          room_name: String(a.p_room_name),
          mode: String(a.p_mode),
          conversation_id: null,
          status: "starting",
          end_reason: null,
          created_at: stamp(),
          updated_at: stamp(),
          ended_at: null,
          expires_at: new Date(t + Number(a.p_duration_seconds) * 1000).toISOString(),
        };
        tables.avatar_sessions.push(row);
        return reply([shape(row, false)]);
      },
    },
    mark_avatar_session_live: {
      params: ["p_session_id", "p_conversation_id"],
      run: (a) => {
        const s = tables.avatar_sessions.find((s) => s.id === a.p_session_id);
        if (!s || s.status !== "starting") return reply(false);
        if (a.p_conversation_id != null && !/^c[0-9a-z]{2,63}$/.test(String(a.p_conversation_id))) {
          return pgError(
            400,
            "23514",
            'new row violates check constraint "avatar_sessions_conversation_id_format"',
          );
        }
        s.conversation_id = (a.p_conversation_id as string | null) ?? null;
        s.status = "live";
        s.updated_at = stamp();
        return reply(true);
      },
    },
    end_avatar_session: {
      params: ["p_session_id", "p_reason"],
      run: (a) => {
        const s = tables.avatar_sessions.find((s) => s.id === a.p_session_id);
        return reply(s && OPEN.includes(s.status) ? [endRow(s, String(a.p_reason))] : []);
      },
    },
    end_avatar_sessions_for_room: {
      params: ["p_room_name", "p_reason"],
      run: (a) => {
        const s = tables.avatar_sessions.find((s) => s.room_name === a.p_room_name);
        return reply(s && OPEN.includes(s.status) ? [endRow(s, String(a.p_reason))] : []);
      },
    },
    avatar_deployment_marker: { params: [], run: () => reply(marker) },
    // GET /health (service role) reads it; this stand-in has no reconciler runs.
    reconcile_status: {
      params: [],
      run: () => {
        const owed = tables.avatar_sessions.filter((s) => s.tavus_end_pending);
        return reply([{
          last_started_at: null,
          last_finished_at: null,
          last_ok: null,
          last_summary: null,
          running: false,
          seconds_since_finished: null,
          pending_tavus_ends: owed.length,
          oldest_pending_seconds: owed.length === 0 ? null : Math.max(
            ...owed.map((s) => (now().getTime() - Date.parse(s.ended_at ?? s.updated_at)) / 1000),
          ),
        }]);
      },
    },
    settle_tavus_end: {
      params: ["p_session_id", "p_conversation_id"],
      run: (a) => {
        const s = tables.avatar_sessions.find((s) =>
          s.id === a.p_session_id && s.tavus_end_pending &&
          (s.conversation_id === null || s.conversation_id === a.p_conversation_id)
        );
        if (!s) return reply(false);
        s.tavus_end_pending = false;
        s.tavus_end_error = null;
        return reply(true);
      },
    },
    record_tavus_end_failure: {
      params: ["p_session_id", "p_code"],
      run: (a) => {
        const s = tables.avatar_sessions.find((s) =>
          s.id === a.p_session_id && s.tavus_end_pending
        );
        if (!s) return reply(false);
        s.tavus_end_attempts = (s.tavus_end_attempts ?? 0) + 1;
        s.tavus_end_error = String(a.p_code).slice(0, 100);
        return reply(true);
      },
    },
    record_webhook_event: {
      params: ["p_event_id", "p_event", "p_room_name"],
      run: (a) => {
        if (tables.livekit_webhook_events.some((e) => e.event_id === a.p_event_id)) {
          return reply(false);
        }
        tables.livekit_webhook_events.push({
          event_id: String(a.p_event_id),
          event: String(a.p_event),
          room_name: (a.p_room_name as string | null) ?? null,
        });
        return reply(true);
      },
    },
    get_edge_secrets: {
      params: ["p_names"],
      run: (a) => {
        const names = (a.p_names ?? []) as (string | null)[];
        const refused = names.filter((n) => n === null || !allowList.includes(n));
        if (refused.length > 0) {
          return pgError(
            400,
            "P0001",
            "ERR_VAULT_NAME_NOT_ALLOWED",
            `not on the allow-list: ${refused.join(", ")}`,
          );
        }
        return reply(
          Object.fromEntries(names.filter((n) => n! in vault).map((n) => [n, vault[n!]])),
        );
      },
    },
  };

  const server = serveStandIn(async (_req, rec) => {
    if (rec.method === "GET" && rec.path === "/auth/v1/.well-known/jwks.json") {
      return reply(options.jwks ?? { keys: [] });
    }
    const injected = options.failWith?.(rec);
    const who = await role(rec);
    if (who instanceof Response) return who;
    if (injected) return reply(injected.body, injected.status);

    const rpc = rec.path.match(/^\/rest\/v1\/rpc\/([a-z_]+)$/)?.[1];
    if (rpc && rec.method === "POST") {
      const def = rpcs[rpc];
      const args = (rec.body ?? {}) as Args;
      const names = Object.keys(args).sort();
      if (!def || names.join() !== [...def.params].sort().join()) {
        rec.problems.push(`no function ${rpc}(${names.join(", ")})`);
        return pgError(
          404,
          "PGRST202",
          `Could not find the function public.${rpc}(${names.join(", ")}) in the schema cache`,
        );
      }
      if (who.role !== "service_role") {
        rec.problems.push(`${rpc} called as ${who.role}, not the service role`);
        return pgError(403, "42501", `permission denied for function ${rpc}`);
      }
      return def.run(args);
    }

    const table = rec.path.match(/^\/rest\/v1\/([a-z_]+)$/)?.[1];
    if (table && table in tables && rec.method === "GET") {
      let rows: Record<string, unknown>[] = tables[table as keyof typeof tables] as Record<
        string,
        unknown
      >[];
      if (who.role === "anon") return pgError(401, "42501", `permission denied for table ${table}`);
      if (who.role === "authenticated") {
        if (table === "livekit_webhook_events") {
          return pgError(403, "42501", `permission denied for table ${table}`);
        }
        rows = table === "avatar_configs"
          ? rows.filter((r) => r.enabled !== false)
          : rows.filter((r) => r.user_id === who.sub);
      } else if (table === "avatar_configs") {
        rec.problems.push("avatar_configs read with the service role: RLS bypassed");
      }
      let out: Record<string, unknown>[];
      try {
        out = filterRows(rows, rec.query);
      } catch (e) {
        rec.problems.push((e as Error).message);
        return pgError(400, "PGRST100", (e as Error).message);
      }
      if (/vnd\.pgrst\.object/.test(rec.headers.get("accept") ?? "")) {
        return out.length === 1
          ? reply(out[0])
          : pgError(406, "PGRST116", "JSON object requested, multiple (or no) rows returned");
      }
      return reply(out);
    }
    rec.problems.push("not a route of this stand-in");
    return pgError(404, "PGRST125", "Invalid path specified in request URL");
  }, options.delayMs);

  return {
    ...server,
    anonKey,
    serviceRoleKey,
    secretKey: options.secretKey,
    publishableKey: options.publishableKey,
    tables,
    vault,
  };
}

/** Claims of a signed-in user's access token, as Supabase Auth issues them. */
export function userClaims(
  sub: string,
  iss: string,
  extra: Record<string, unknown> = {},
  now = Date.now(),
): Record<string, unknown> {
  const t = Math.floor(now / 1000);
  return {
    sub,
    iss,
    aud: "authenticated",
    role: "authenticated",
    iat: t,
    exp: t + 3600,
    email: `${sub.slice(0, 8)}@example.com`,
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    aal: "aal1",
    ...extra,
  };
}

/** An HS256 user JWT signed with the project's legacy secret. */
export function hs256Jwt(claims: Record<string, unknown>, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/** An ES256/RS256 user JWT signed with a key of the JWKS. */
export function asymmetricJwt(
  claims: Record<string, unknown>,
  key: CryptoKey,
  alg: "ES256" | "RS256",
  kid: string,
): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT" }).sign(key);
}
