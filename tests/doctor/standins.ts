/**
 * Loopback stand-ins for the services the doctor talks to. Each follows the
 * documented API (see /work/shared/reference and docs/doctor.md), checks every
 * request it gets, and records it with the problems found, so a test can
 * assert that the doctor sent exactly what the real service expects.
 *
 * All return `{ url, requests, close }` like the stand-ins of tests/standins/.
 */
import { TokenVerifier } from "livekit-server-sdk";
import { decodeJwt } from "jose";

/** One request a stand-in received, and what was wrong with it (empty: conformant). */
export interface Recorded {
  method: string;
  path: string;
  status: number;
  problems: string[];
}

/** A running stand-in. */
export interface Standin {
  /** Base URL, `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request, in order. */
  requests: Recorded[];
  close: () => Promise<void>;
}

function serve(
  handler: (req: Request, rec: Recorded) => Promise<Response> | Response,
  tls?: { cert: string; key: string },
): Standin {
  const requests: Recorded[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, ...(tls ?? {}) },
    async (req) => {
      const u = new URL(req.url);
      const rec: Recorded = {
        method: req.method,
        path: u.pathname + u.search,
        status: 0,
        problems: [],
      };
      requests.push(rec);
      const res = await handler(req, rec);
      rec.status = res.status;
      return res;
    },
  );
  const scheme = tls ? "https" : "http";
  return {
    url: `${scheme}://127.0.0.1:${server.addr.port}`,
    requests,
    close: () => server.shutdown(),
  };
}

function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

// ---------------------------------------------------------------------------
// LiveKit server API (Twirp)
// ---------------------------------------------------------------------------

/** Options of the LiveKit stand-in. */
export interface LiveKitStandinOptions {
  /** The server's key set: API key → secret. */
  keys: Record<string, string>;
  /** The server's clock runs this many seconds ahead of the real one (negative: behind). */
  clockOffsetSeconds?: number;
  /** Names of the rooms `ListRooms` returns. */
  rooms?: string[];
}

/** LiveKit's server accepts tokens this many seconds outside nbf/exp. */
const LEEWAY = 60;

function twirpError(
  status: number,
  code: string,
  msg: string,
  date: string,
): Response {
  return json(status, { code, msg }, { date });
}

/**
 * LiveKit's RoomService over Twirp, `ListRooms` only. Verifies the bearer
 * token with livekit-server-sdk's `TokenVerifier` against its own key set and
 * answers like LiveKit: 401 `{"code":"unauthenticated","msg":"invalid API key: …"}`
 * for an unknown key, `invalid token: <token>, error: go-jose/…` for a bad
 * signature or a time outside nbf/exp ± 60 s of its (skewable) clock, which
 * its `Date` header shows. Records as problems anything in the request that
 * LiveKit's SDKs would not send (a grant besides `roomList`, a ttl other than
 * 10 minutes, a body other than `{}`).
 */
export function startLiveKitStandin(
  opts: LiveKitStandinOptions,
): Standin & { wsUrl: string } {
  const s = serve(async (req, rec) => {
    const nowMs = Date.now() + (opts.clockOffsetSeconds ?? 0) * 1000;
    const date = new Date(nowMs).toUTCString();
    const now = Math.floor(nowMs / 1000);
    const path = new URL(req.url).pathname;
    if (req.method !== "POST") {
      rec.problems.push(`method ${req.method}`);
      return twirpError(
        404,
        "bad_route",
        `unsupported method ${req.method} (only POST is allowed)`,
        date,
      );
    }
    if (path !== "/twirp/livekit.RoomService/ListRooms") {
      rec.problems.push(`path ${path}`);
      return twirpError(
        404,
        "bad_route",
        `no handler for path "${path}"`,
        date,
      );
    }
    if (
      !(req.headers.get("content-type") ?? "").startsWith("application/json")
    ) {
      rec.problems.push("content-type is not application/json");
      return twirpError(404, "bad_route", "unexpected Content-Type", date);
    }
    const body = await req.text();
    if (body.trim() !== "{}") rec.problems.push(`body ${body.slice(0, 40)}`);
    const auth = req.headers.get("authorization") ?? "";
    if (!auth.startsWith("Bearer ")) {
      rec.problems.push("no Bearer authorization");
      return twirpError(
        401,
        "unauthenticated",
        "invalid authorization header. Must start with Bearer ",
        date,
      );
    }
    const token = auth.slice("Bearer ".length);
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      rec.problems.push("token is not a JWT");
      return twirpError(
        401,
        "unauthenticated",
        "invalid authorization token",
        date,
      );
    }
    const secret = iss === undefined ? undefined : opts.keys[iss];
    if (secret === undefined) {
      return twirpError(
        401,
        "unauthenticated",
        `invalid API key: ${iss}`,
        date,
      );
    }
    let claims: Awaited<ReturnType<TokenVerifier["verify"]>>;
    try {
      // The signature with the SDK's verifier; the time below, against this server's own clock.
      claims = await new TokenVerifier(iss!, secret).verify(
        token,
        10 * 365 * 86400,
      );
    } catch {
      return twirpError(
        401,
        "unauthenticated",
        `invalid token: ${token}, error: go-jose/go-jose: error in cryptographic primitive`,
        date,
      );
    }
    const { exp, nbf } = claims as { exp?: number; nbf?: number };
    if (exp === undefined || exp + LEEWAY < now) {
      return twirpError(
        401,
        "unauthenticated",
        `invalid token: ${token}, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)`,
        date,
      );
    }
    if (nbf !== undefined && nbf - LEEWAY > now) {
      return twirpError(
        401,
        "unauthenticated",
        `invalid token: ${token}, error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)`,
        date,
      );
    }
    const video = (claims as { video?: Record<string, unknown> }).video ?? {};
    if (video.roomList !== true) {
      return twirpError(403, "permission_denied", "permissions denied", date);
    }
    const extra = Object.keys(video).filter((k) => k !== "roomList");
    if (extra.length) {
      rec.problems.push(`grants besides roomList: ${extra.join(",")}`);
    }
    if (nbf === undefined || exp - nbf !== 600) {
      rec.problems.push("ttl is not 600 s");
    }
    if ((claims as { sub?: string }).sub) {
      rec.problems.push("server-API token with an identity");
    }
    const rooms = (opts.rooms ?? []).map((name, i) => ({
      sid: `RM_standin${i}`,
      name,
      emptyTimeout: 300,
      creationTime: String(now - 60),
    }));
    // Protobuf-JSON leaves out an empty list.
    return json(200, rooms.length ? { rooms } : {}, { date });
  });
  return { ...s, wsUrl: s.url.replace(/^http/, "ws") };
}

// ---------------------------------------------------------------------------
// Tavus
// ---------------------------------------------------------------------------

/** A replica as `GET /v2/replicas/{id}` returns it. */
export interface StandinReplica {
  status: "started" | "completed" | "error";
  replica_name?: string;
  training_progress?: string;
}

/** Options of the Tavus stand-in. */
export interface TavusStandinOptions {
  apiKey: string;
  replicas: Record<string, StandinReplica>;
  /** Persona id → persona fields (`pipeline_mode`, `layers`, …). */
  personas: Record<string, Record<string, unknown>>;
  /** `data`: `{data: [persona]}` (documented); `top`: the persona's fields at the top level. */
  personaShape?: "data" | "top";
}

/**
 * Tavus' `GET /v2/replicas`, `GET /v2/replicas/{id}` and `GET /v2/personas/{id}`
 * with `x-api-key`: 401 `{"message":"Invalid access token"}` for another key,
 * 400 `{"error":"Invalid replica_id"}` / `{"error":"Invalid persona_id"}` for unknown ids.
 */
export function startTavusStandin(opts: TavusStandinOptions): Standin {
  return serve((req, rec) => {
    const u = new URL(req.url);
    if (req.method !== "GET") {
      rec.problems.push(`method ${req.method}`);
      return json(405, { message: "Method not allowed" });
    }
    if (req.headers.get("x-api-key") !== opts.apiKey) {
      return json(401, { message: "Invalid access token" });
    }
    const replica = (id: string) => ({
      replica_id: id,
      replica_name: opts.replicas[id]!.replica_name ?? `Replica ${id}`,
      status: opts.replicas[id]!.status,
      training_progress: opts.replicas[id]!.training_progress ??
        (opts.replicas[id]!.status === "completed" ? "100/100" : "10/100"),
      created_at: "2026-01-01T00:00:00Z",
    });
    if (u.pathname === "/v2/replicas") {
      const limit = Number(u.searchParams.get("limit") ?? "10");
      if (!Number.isInteger(limit) || limit < 1) {
        rec.problems.push(`limit ${limit}`);
      }
      const ids = Object.keys(opts.replicas);
      return json(200, {
        data: ids.slice(0, limit).map(replica),
        total_count: ids.length,
      });
    }
    const r = u.pathname.match(/^\/v2\/replicas\/([^/]+)$/);
    if (r) {
      const id = decodeURIComponent(r[1]!);
      return id in opts.replicas
        ? json(200, replica(id))
        : json(400, { error: "Invalid replica_id" });
    }
    const p = u.pathname.match(/^\/v2\/personas\/([^/]+)$/);
    if (p) {
      const id = decodeURIComponent(p[1]!);
      const persona = opts.personas[id];
      if (!persona) return json(400, { error: "Invalid persona_id" });
      const full = {
        persona_id: id,
        persona_name: `Persona ${id}`,
        ...persona,
      };
      return json(200, opts.personaShape === "top" ? full : { data: [full] });
    }
    rec.problems.push(`path ${u.pathname}`);
    return json(404, { message: "Not found" });
  });
}

/** A persona set up for a LiveKit room (direct mode). */
export const LIVEKIT_PERSONA = {
  pipeline_mode: "echo",
  layers: { transport: { transport_type: "livekit" } },
};

// ---------------------------------------------------------------------------
// Supabase (PostgREST behind the API gateway)
// ---------------------------------------------------------------------------

/** Options of the Supabase stand-in. */
export interface SupabaseStandinOptions {
  serviceRoleKey: string;
  anonKey?: string;
  /** The rows of `public.avatar_configs`; `null`: the migrations were never applied. */
  avatarConfigs: unknown[] | null;
  /** Vault: name → value; `null`: the Vault bridge migration is not applied. */
  vault: Record<string, string> | null;
  /** The allow-list of `get_edge_secrets` (docs/database.md). */
  allowList?: string[];
}

export const DATABASE_ALLOW_LIST = [
  "AUTH_JWT_SECRET",
  "LIVEKIT_API_KEY",
  "LIVEKIT_API_SECRET",
  "LIVEKIT_WS_URL",
  "TAVUS_API_KEY",
  "TAVUS_CALLBACK_SECRET",
];

/**
 * `GET /rest/v1/avatar_configs?select=*` and `POST /rest/v1/rpc/get_edge_secrets`
 * as Supabase answers them: the gateway's 401 `{"message":"Invalid API key"}`
 * for an unknown `apikey`; PostgREST's `42501` for a role without the grant,
 * `PGRST205` / `PGRST202` for a missing table / function, `P0001
 * ERR_VAULT_NAME_NOT_ALLOWED` for a name off the allow-list.
 */
export function startSupabaseStandin(opts: SupabaseStandinOptions): Standin {
  const allow = opts.allowList ?? DATABASE_ALLOW_LIST;
  return serve(async (req, rec) => {
    const u = new URL(req.url);
    const apikey = req.headers.get("apikey");
    const bearer = req.headers.get("authorization");
    if (apikey !== opts.serviceRoleKey && apikey !== opts.anonKey) {
      return json(401, {
        message: "Invalid API key",
        hint: "Double check your Supabase `anon` or `service_role` API key.",
      });
    }
    if (bearer !== `Bearer ${apikey}`) {
      rec.problems.push("Authorization is not Bearer <apikey>");
    }
    const service = apikey === opts.serviceRoleKey;
    if (u.pathname === "/rest/v1/avatar_configs") {
      if (req.method !== "GET") rec.problems.push(`method ${req.method}`);
      if (u.searchParams.get("select") !== "*") {
        rec.problems.push(`select ${u.searchParams.get("select")}`);
      }
      if (opts.avatarConfigs === null) {
        return json(404, {
          code: "PGRST205",
          details: null,
          hint: null,
          message: "Could not find the table 'public.avatar_configs' in the schema cache",
        });
      }
      if (!service) {
        return json(401, {
          code: "42501",
          details: null,
          hint: null,
          message: "permission denied for table avatar_configs",
        });
      }
      return json(200, opts.avatarConfigs);
    }
    if (u.pathname === "/rest/v1/rpc/get_edge_secrets") {
      if (req.method !== "POST") rec.problems.push(`method ${req.method}`);
      if (
        !(req.headers.get("content-type") ?? "").startsWith("application/json")
      ) {
        rec.problems.push("content-type is not application/json");
      }
      if (opts.vault === null) {
        return json(404, {
          code: "PGRST202",
          details: "Searched for the function public.get_edge_secrets with parameter p_names",
          hint: null,
          message:
            "Could not find the function public.get_edge_secrets(p_names) in the schema cache",
        });
      }
      if (!service) {
        return json(401, {
          code: "42501",
          details: null,
          hint: null,
          message: "permission denied for function get_edge_secrets",
        });
      }
      const body = await req.json().catch(() => null) as
        | { p_names?: unknown }
        | null;
      const names = body?.p_names;
      if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
        rec.problems.push("body is not {p_names: string[]}");
        return json(400, {
          code: "22023",
          details: null,
          hint: null,
          message: "p_names",
        });
      }
      const refused = names.filter((n) => !allow.includes(n));
      if (refused.length) {
        return json(400, {
          code: "P0001",
          details: `not allowed: ${refused.join(", ")}`,
          hint: null,
          message: "ERR_VAULT_NAME_NOT_ALLOWED",
        });
      }
      const out: Record<string, string> = {};
      for (const n of names) if (n in opts.vault) out[n] = opts.vault[n]!;
      return json(200, out);
    }
    rec.problems.push(`path ${u.pathname}`);
    return json(404, {
      code: "PGRST125",
      details: null,
      hint: null,
      message: "Invalid path specified in request URL",
    });
  });
}

// ---------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------

/** A loopback port with nothing listening (connections are refused). */
export function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A TCP server that accepts connections and never answers (for timeouts). */
export function startSilentServer(): { port: number; close: () => void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    try {
      for await (const c of l) conns.push(c);
    } catch { /* closed */ }
  })();
  return {
    port: (l.addr as Deno.NetAddr).port,
    close: () => {
      for (const c of conns) {
        try {
          c.close();
        } catch { /* already closed */ }
      }
      l.close();
    },
  };
}

/**
 * A self-signed certificate for 127.0.0.1, made now by `openssl` (a leaf, not
 * a CA), in a temporary directory that `remove` deletes.
 */
export async function selfSignedCertificate(): Promise<
  { cert: string; key: string }
> {
  const dir = await Deno.makeTempDir({ prefix: "doctor-tls-" });
  try {
    const out = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        `${dir}/key.pem`,
        "-out",
        `${dir}/cert.pem`,
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-addext",
        "basicConstraints=critical,CA:FALSE",
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `openssl failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    return {
      cert: await Deno.readTextFile(`${dir}/cert.pem`),
      key: await Deno.readTextFile(`${dir}/key.pem`),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** An HTTPS server with a certificate nobody trusts, answering like LiveKit would. */
export function startUntrustedTls(tls: { cert: string; key: string }): Standin {
  return serve(() => json(200, {}), tls);
}
