/**
 * The comparison for `scripts/load.sh`: the token route written the usual way,
 * on `livekit-server-sdk` (its `AccessToken`, whose signing is `jose`'s) and
 * `jose`'s `jwtVerify`, with the same route, the same caller rules and the same
 * grants as `livekit-token`, and no wasm. What it leaves out, the real function
 * does on top: the scenario lookup and the session bookkeeping (which the load
 * run reuses), the strict body reader, request ids, structured logs.
 *
 *   POST /livekit-token  Authorization: Bearer <Supabase user JWT>  {}  →  201 {…}
 *
 * Run: DENO_SERVE_ADDRESS=tcp:127.0.0.1:<port> deno run --allow-net --allow-env tests/load/sdk_token.ts
 * (with the functions' environment: LIVEKIT_*, AUTH_JWT_SECRET, AUTH_JWT_ISSUER).
 */
import { jwtVerify } from "jose";
import { AccessToken } from "livekit-server-sdk";

const env = (name: string) => Deno.env.get(name) ?? "";
const apiKey = env("LIVEKIT_API_KEY");
const apiSecret = env("LIVEKIT_API_SECRET");
const wsUrl = env("LIVEKIT_WS_URL");
const jwtSecret = new TextEncoder().encode(env("AUTH_JWT_SECRET"));
const issuer = env("AUTH_JWT_ISSUER") || undefined;
const TTL_SECONDS = 900;
const MAX_BODY_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type",
  "access-control-allow-methods": "POST, OPTIONS",
};

const error = (status: number, code: string, message: string) =>
  Response.json({ error: { code, message } }, { status, headers: CORS });

async function handler(req: Request): Promise<Response> {
  if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  if (new URL(req.url).pathname.replace(/\/$/, "") !== "/livekit-token") {
    return error(404, "ERR_NOT_FOUND", "no such route");
  }
  if (req.method !== "POST") return error(405, "ERR_METHOD_NOT_ALLOWED", "use POST");

  // The same caller rules: HS256 with the project secret, its issuer, audience and role,
  // a user id, no anonymous sign-in, 30 s of leeway.
  const token = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) return error(401, "ERR_AUTH_MISSING", "send a Bearer token");
  let sub: string;
  try {
    const { payload } = await jwtVerify(token, jwtSecret, {
      algorithms: ["HS256"],
      issuer,
      audience: "authenticated",
      requiredClaims: ["exp", "sub"],
      clockTolerance: 30,
    });
    if (payload.role !== "authenticated") throw new Error("role");
    if (payload.is_anonymous === true) throw new Error("anonymous");
    if (!UUID.test(payload.sub ?? "")) throw new Error("sub");
    sub = payload.sub!.toLowerCase();
  } catch {
    return error(401, "ERR_AUTH", "invalid token");
  }

  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) return error(413, "ERR_BODY_TOO_LARGE", "body too large");
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      return error(400, "ERR_BAD_JSON", "the body is not valid JSON");
    }
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return error(400, "ERR_BAD_JSON", "the body must be a JSON object");
  }

  // The same grants, minted with the SDK.
  const room = `avatar-${crypto.randomUUID().replaceAll("-", "")}`;
  const at = new AccessToken(apiKey, apiSecret, { identity: sub, ttl: TTL_SECONDS });
  at.addGrant({
    roomJoin: true,
    room,
    canPublish: true,
    canSubscribe: true,
    canPublishData: true,
  });
  const participantToken = await at.toJwt();
  const issued = Math.floor(Date.now() / 1000);
  return Response.json({
    server_url: wsUrl,
    participant_token: participantToken,
    room_name: room,
    participant_name: sub,
    expires_at: new Date((issued + TTL_SECONDS) * 1000).toISOString(),
  }, { status: 201, headers: CORS });
}

Deno.serve(handler);
