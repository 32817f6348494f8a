/**
 * What the doctor's tests need besides the shared stand-ins of tests/standins/
 * (Tavus and Supabase come from there):
 *
 * - a LiveKit server API that checks the bearer token the way LiveKit's server
 *   does, with a key set, its own (skewable) clock and LiveKit's own error texts,
 *   so the doctor can tell an unknown key, a wrong secret and a clock skew apart;
 * - real transport failures: a closed port, a server that never answers, and an
 *   HTTPS server with a certificate made at test time.
 */
import { TokenVerifier } from "livekit-server-sdk";
import { decodeJwt } from "jose";
import { type RecordedRequest, serveStandIn, type StandIn } from "../standins/common.ts";

// ---------------------------------------------------------------------------
// LiveKit server API (Twirp), authentication as LiveKit's server does it
// ---------------------------------------------------------------------------

/** Options of the LiveKit stand-in. */
export interface LiveKitAuthOptions {
  /** The server's key set: API key → secret. */
  keys: Record<string, string>;
  /** The server's clock runs this many seconds ahead of the real one (negative: behind). */
  clockOffsetSeconds?: number;
  /** Names of the rooms `ListRooms` returns. */
  rooms?: string[];
}

/** The running stand-in. */
export interface LiveKitAuthStandIn extends StandIn {
  /** `ws://127.0.0.1:<port>`: what LIVEKIT_WS_URL is set to. */
  wsUrl: string;
  /** The status of each answer, in the order of `requests`. */
  statuses: number[];
}

/** LiveKit's server accepts tokens this many seconds outside nbf/exp. */
const LEEWAY = 60;

/**
 * LiveKit's RoomService over Twirp, `ListRooms` only. Verifies the bearer
 * token with livekit-server-sdk's `TokenVerifier` against its own key set and
 * answers like LiveKit: 401 `{"code":"unauthenticated","msg":"invalid API key: …"}`
 * for an unknown key, `invalid token: <token>, error: go-jose/…` for a bad
 * signature or a time outside nbf/exp ± 60 s of its (skewable) clock, which
 * its `Date` header shows. Records as problems anything LiveKit's SDKs would
 * not send: a grant besides `roomList`, a ttl other than 10 minutes, an
 * identity, a body other than `{}`.
 */
export function startLiveKitAuth(opts: LiveKitAuthOptions): LiveKitAuthStandIn {
  const statuses: number[] = [];
  const server = serveStandIn(async (_req, rec) => {
    const res = await answer(opts, rec);
    statuses.push(res.status);
    return res;
  });
  return { ...server, wsUrl: server.url.replace(/^http/, "ws"), statuses };
}

async function answer(opts: LiveKitAuthOptions, rec: RecordedRequest): Promise<Response> {
  const nowMs = Date.now() + (opts.clockOffsetSeconds ?? 0) * 1000;
  const now = Math.floor(nowMs / 1000);
  const reply = (status: number, body: unknown) =>
    Response.json(body, { status, headers: { date: new Date(nowMs).toUTCString() } });
  const twirp = (status: number, code: string, msg: string) => reply(status, { code, msg });
  if (rec.method !== "POST") {
    rec.problems.push(`method ${rec.method}`);
    return twirp(404, "bad_route", `unsupported method ${rec.method} (only POST is allowed)`);
  }
  if (rec.path !== "/twirp/livekit.RoomService/ListRooms") {
    rec.problems.push(`path ${rec.path}`);
    return twirp(404, "bad_route", `no handler for path "${rec.path}"`);
  }
  if (!(rec.headers.get("content-type") ?? "").startsWith("application/json")) {
    rec.problems.push("content-type is not application/json");
    return twirp(404, "bad_route", "unexpected Content-Type");
  }
  if (JSON.stringify(rec.body) !== "{}") rec.problems.push("the body is not {}");
  const auth = rec.headers.get("authorization") ?? "";
  if (!auth.startsWith("Bearer ")) {
    rec.problems.push("no Bearer authorization");
    return twirp(401, "unauthenticated", "invalid authorization header. Must start with Bearer ");
  }
  const token = auth.slice("Bearer ".length);
  let iss: string | undefined;
  try {
    iss = decodeJwt(token).iss;
  } catch {
    rec.problems.push("the token is not a JWT");
    return twirp(401, "unauthenticated", "invalid authorization token");
  }
  const secret = iss === undefined ? undefined : opts.keys[iss];
  if (secret === undefined) return twirp(401, "unauthenticated", `invalid API key: ${iss}`);
  // LiveKit echoes the token in these texts: the doctor must not print them.
  const invalid = (why: string) =>
    twirp(401, "unauthenticated", `invalid token: ${token}, error: ${why}`);
  let claims: Awaited<ReturnType<TokenVerifier["verify"]>>;
  try {
    // The signature with the SDK's verifier; the time below, against this server's own clock.
    claims = await new TokenVerifier(iss!, secret).verify(token, 10 * 365 * 86400);
  } catch {
    return invalid("go-jose/go-jose: error in cryptographic primitive");
  }
  const { exp, nbf, sub } = claims as { exp?: number; nbf?: number; sub?: string };
  if (exp === undefined || exp + LEEWAY < now) {
    return invalid("go-jose/go-jose/jwt: validation failed, token is expired (exp)");
  }
  if (nbf !== undefined && nbf - LEEWAY > now) {
    return invalid("go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)");
  }
  const video = (claims as { video?: Record<string, unknown> }).video ?? {};
  if (video.roomList !== true) return twirp(403, "permission_denied", "permissions denied");
  const extra = Object.keys(video).filter((k) => k !== "roomList");
  if (extra.length) rec.problems.push(`grants besides roomList: ${extra.join(",")}`);
  if (nbf === undefined || exp - nbf !== 600) rec.problems.push("the ttl is not 600 s");
  if (sub) rec.problems.push("a server-API token with an identity");
  const rooms = (opts.rooms ?? []).map((name, i) => ({
    sid: `RM_standin${i}`,
    name,
    emptyTimeout: 300,
    creationTime: String(now - 60),
  }));
  // Protobuf-JSON leaves out an empty list.
  return reply(200, rooms.length ? { rooms } : {});
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

/** An HTTPS server with a certificate nobody trusts; counts the requests that got through TLS. */
export function startUntrustedTls(
  tls: { cert: string; key: string },
): { url: string; requests: () => number; close: () => Promise<void> } {
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, ...tls },
    () => {
      requests++;
      return Response.json({});
    },
  );
  return {
    url: `https://127.0.0.1:${server.addr.port}`,
    requests: () => requests,
    close: () => server.shutdown(),
  };
}
