// The hostile HTTP matrix (SECURITY.md): the three functions served on loopback
// (tests/deno/served.ts → scripts/gateway.ts → each unmodified index.ts), sent
// requests an attacker would send: wrong methods and routes, missing, malformed
// and forged credentials, bad, huge and oddly encoded bodies, wrong content
// types, injection-shaped scenario ids, fields the token endpoint forbids,
// header floods, forged and replayed webhooks, guessed callback paths. Each row
// names the status and error code it must get; none may get a 5xx, and no
// response may carry a configured secret (the leak scan checks every form too).
import { signWebhook } from "livekit-tavus-edge";
import { assert, assertEquals } from "./assert.ts";
import { type Served, serveFunctions } from "./served.ts";

const { secrets } = JSON.parse(
  Deno.readTextFileSync(new URL("../secrets.json", import.meta.url)),
) as { secrets: { name: string; value: string }[] };
const secret = (name: string) => secrets.find((s) => s.name === name)!.value;

const ISSUER = "http://127.0.0.1:54321/auth/v1";
const API_KEY = "hostile-api-key";
const USER = "3b241101-e2bb-4255-8caf-4136c566a962";
const ENV = {
  LIVEKIT_API_KEY: API_KEY,
  LIVEKIT_API_SECRET: secret("LIVEKIT_API_SECRET"),
  LIVEKIT_WS_URL: "ws://127.0.0.1:7880",
  AUTH_JWT_SECRET: secret("AUTH_JWT_SECRET"),
  AUTH_JWT_ISSUER: ISSUER,
  SUPABASE_SERVICE_ROLE_KEY: secret("SUPABASE_SERVICE_ROLE_KEY"),
  TAVUS_API_KEY: secret("TAVUS_API_KEY"),
  TAVUS_CALLBACK_SECRET: secret("TAVUS_CALLBACK_SECRET"),
  AVATAR_MODE: "none",
  RATE_LIMIT_PER_MINUTE: "0",
};
const CONFIGURED = [
  "LIVEKIT_API_SECRET",
  "AUTH_JWT_SECRET",
  "SUPABASE_SERVICE_ROLE_KEY",
  "TAVUS_API_KEY",
  "TAVUS_CALLBACK_SECRET",
].map(secret);

// --- tokens -----------------------------------------------------------------

const enc = new TextEncoder();
const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
const b64urlText = (s: string) => b64url(enc.encode(s));

/** A compact JWS of these exact header and payload texts, HMAC-signed (SHA-256 unless told). */
async function jws(header: unknown, payload: unknown, key: string, hash = "SHA-256") {
  const text = (v: unknown) => typeof v === "string" ? v : JSON.stringify(v);
  const input = `${b64urlText(text(header))}.${b64urlText(text(payload))}`;
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash }, false, [
    "sign",
  ]);
  return `${input}.${
    b64url(new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(input))))
  }`;
}

const now = () => Math.floor(Date.now() / 1000);
const userClaims = (extra: Record<string, unknown> = {}) => ({
  sub: USER,
  role: "authenticated",
  aud: "authenticated",
  iss: ISSUER,
  iat: now() - 10,
  exp: now() + 3600,
  is_anonymous: false,
  ...extra,
});
const HS256 = { alg: "HS256", typ: "JWT" };
const userJwt = (extra: Record<string, unknown> = {}, header: unknown = HS256) =>
  jws(header, userClaims(extra), secret("AUTH_JWT_SECRET"));
const bearer = async (extra: Record<string, unknown> = {}, header: unknown = HS256) => ({
  authorization: `Bearer ${await userJwt(extra, header)}`,
});

const event = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: name,
    id: `EV_${crypto.randomUUID().slice(0, 12)}`,
    createdAt: String(now()),
    room: { sid: "RM_hostile", name: "hostile-room" },
    ...extra,
  });
const WEBHOOK_TYPE = { "content-type": "application/webhook+json" };
const webhookHeaders = (body: string, key = API_KEY, apiSecret = secret("LIVEKIT_API_SECRET")) => ({
  "content-type": "application/webhook+json",
  authorization: signWebhook(body, key, apiSecret),
});

// --- the matrix ---------------------------------------------------------------

interface Parts {
  fn?: string;
  path?: string;
  method?: string;
  headers?: Record<string, string> | [string, string][];
  body?: BodyInit | null;
  /** Bytes sent as they are over TCP (after `METHOD /functions/v1/<fn><path> HTTP/1.1\r\n`). */
  raw?: Uint8Array;
}

interface Row {
  name: string;
  req: () => Parts | Promise<Parts>;
  status: number;
  /** The error code of the body; `null` for a success body, `undefined` for no body (HEAD, 204). */
  code: string | null | undefined;
  check?: (body: Record<string, unknown>) => void;
  /** Refused by the HTTP server before any function code runs: no JSON body, no request id. */
  server?: true;
}

const JSON_TYPE = { "content-type": "application/json" };
const post = async (
  body: unknown,
  headers: Record<string, string> | Promise<Record<string, string>> = bearer(),
  path = "",
): Promise<Parts> => ({
  path,
  headers: { ...JSON_TYPE, ...await headers },
  body: typeof body === "string"
    ? body
    : body instanceof Uint8Array
    ? new Uint8Array(body)
    : JSON.stringify(body),
});
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const callback = (path: string, body: unknown = {}, method = "POST"): Parts => ({
  fn: "tavus-callback",
  path,
  method,
  headers: JSON_TYPE,
  body: method === "GET" ? null : JSON.stringify(body),
});

const routing: Row[] = [
  {
    name: "GET on the token endpoint",
    req: () => ({ method: "GET" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "PUT on the token endpoint",
    req: async () => ({ ...await post({}), method: "PUT" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "DELETE on the token endpoint",
    req: () => ({ method: "DELETE" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "PATCH on the token endpoint",
    req: async () => ({ ...await post({}), method: "PATCH" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "HEAD on the token endpoint",
    req: () => ({ method: "HEAD" }),
    status: 405,
    code: undefined,
  },
  {
    name: "a made-up method (PROPFIND)",
    req: () => ({ method: "PROPFIND" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "OPTIONS preflight from any origin",
    req: () => ({
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    }),
    status: 204,
    code: undefined,
  },
  {
    name: "POST on health",
    req: () => ({ path: "/health", method: "POST" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "an unknown route",
    req: () => ({ path: "/admin", method: "GET" }),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "an encoded path traversal",
    req: () => ({ path: "/%2e%2e%2fhealth", method: "GET" }),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "an 8 KiB path",
    req: () => ({ path: `/${"a".repeat(8192)}`, method: "GET" }),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "an unknown function",
    req: () => ({ fn: "service-role-dump", method: "GET" }),
    status: 404,
    code: "ERR_FUNCTION_NOT_FOUND",
  },
  {
    name: "GET on the webhook",
    req: () => ({ fn: "livekit-webhook", method: "GET" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "GET on end",
    req: () => ({ path: "/end", method: "GET" }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
];

const auth: Row[] = [
  { name: "no Authorization", req: () => post({}, {}), status: 401, code: "ERR_AUTH_MISSING" },
  {
    name: "Authorization: Bearer with no token",
    req: () => post({}, { authorization: "Bearer" }),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "Basic credentials",
    req: () => post({}, { authorization: `Basic ${btoa("admin:admin")}` }),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "two tokens in one header",
    req: async () => post({}, { authorization: `Bearer ${await userJwt()} ${await userJwt()}` }),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "a token that is not a JWT",
    req: () => post({}, { authorization: "Bearer not-a-jwt" }),
    status: 401,
    code: "ERR_AUTH_MALFORMED",
  },
  {
    name: "the service-role key as a bearer token",
    req: () => post({}, { authorization: `Bearer ${secret("SUPABASE_SERVICE_ROLE_KEY")}` }),
    status: 401,
    code: "ERR_AUTH_MALFORMED",
  },
  {
    name: "alg none, unsigned",
    req: () =>
      post({}, {
        authorization: `Bearer ${b64urlText('{"alg":"none"}')}.${
          b64urlText(JSON.stringify(userClaims()))
        }.`,
      }),
    status: 401,
    code: "ERR_AUTH_MALFORMED",
  },
  {
    name: "alg none with the right MAC",
    req: () => post({}, bearer({}, { alg: "none" })),
    status: 401,
    code: "ERR_AUTH_ALGORITHM",
  },
  {
    name: "alg HS512, really HMAC-SHA512",
    req: async () =>
      post({}, {
        authorization: `Bearer ${await jws(
          { alg: "HS512" },
          userClaims(),
          secret("AUTH_JWT_SECRET"),
          "SHA-512",
        )}`,
      }),
    status: 401,
    code: "ERR_AUTH_ALGORITHM",
  },
  {
    name: "alg RS256 HMAC-signed with the JWT secret (no JWKS)",
    req: () => post({}, bearer({}, { alg: "RS256" })),
    status: 401,
    code: "ERR_AUTH_UNKNOWN_KEY",
  },
  {
    name: "a crit header",
    req: () => post({}, bearer({}, { alg: "HS256", crit: ["exp"] })),
    status: 401,
    code: "ERR_AUTH_ALGORITHM",
  },
  {
    name: "alg repeated, none then HS256",
    req: () => post({}, bearer({}, '{"alg":"none","alg":"HS256"}')),
    status: 401,
    code: "ERR_AUTH_ALGORITHM",
  },
  {
    name: "role repeated, anon then authenticated",
    req: async () =>
      post({}, {
        authorization: `Bearer ${await jws(
          HS256,
          JSON.stringify(userClaims()).replace('"role"', '"role":"anon","role"'),
          secret("AUTH_JWT_SECRET"),
        )}`,
      }),
    status: 401,
    code: "ERR_AUTH_CLAIMS",
  },
  {
    name: "signed with another project's secret",
    req: async () =>
      post({}, {
        authorization: `Bearer ${await jws(
          HS256,
          userClaims(),
          "another-projects-secret-0123456789abcdef",
        )}`,
      }),
    status: 401,
    code: "ERR_AUTH_SIGNATURE",
  },
  {
    name: "expired an hour ago",
    req: () => post({}, bearer({ exp: now() - 3600, iat: now() - 7200 })),
    status: 401,
    code: "ERR_AUTH_EXPIRED",
  },
  {
    name: "not valid for another hour",
    req: () => post({}, bearer({ nbf: now() + 3600 })),
    status: 401,
    code: "ERR_AUTH_NOT_YET_VALID",
  },
  {
    name: "exp as a string",
    req: () => post({}, bearer({ exp: String(now() + 3600) })),
    status: 401,
    code: "ERR_AUTH_CLAIMS",
  },
  {
    name: "another project's issuer",
    req: () => post({}, bearer({ iss: "https://attacker.supabase.co/auth/v1" })),
    status: 401,
    code: "ERR_AUTH_ISSUER",
  },
  {
    name: "the anon key (role anon)",
    req: () => post({}, bearer({ role: "anon", sub: undefined, aud: undefined })),
    status: 401,
    code: "ERR_AUTH_ANON_KEY",
  },
  {
    name: "a service_role JWT",
    req: () => post({}, bearer({ role: "service_role" })),
    status: 401,
    code: "ERR_AUTH_ROLE",
  },
  {
    name: "an anonymous sign-in",
    req: () => post({}, bearer({ is_anonymous: true })),
    status: 403,
    code: "ERR_AUTH_ANONYMOUS_USER",
  },
  {
    name: "sub that is not a user id",
    req: () => post({}, bearer({ sub: "' OR '1'='1" })),
    status: 401,
    code: "ERR_AUTH_CLAIMS",
  },
  {
    name: "bytes that are not UTF-8 in Authorization",
    req: () => post({}, { authorization: "Bearer \u00ff\u00fe\u00fd.\u00fc.\u00fb" }),
    status: 401,
    code: "ERR_AUTH_MALFORMED",
  },
  {
    name: "a 48 KiB bearer token",
    req: () => post({}, { authorization: `Bearer ${"a".repeat(48 * 1024)}.b.c` }),
    status: 401,
    code: "ERR_AUTH_MALFORMED",
  },
  {
    name: "control: a valid session, lower-case scheme",
    req: async () => post({}, { authorization: `bearer ${await userJwt()}` }),
    status: 201,
    code: null,
  },
];

const bodies: Row[] = [
  {
    name: "text/plain body",
    req: async () => ({
      ...await post({}),
      headers: { ...await bearer(), "content-type": "text/plain" },
    }),
    status: 415,
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "form-encoded body",
    req: async () => ({
      ...await post("room_name=x"),
      headers: { ...await bearer(), "content-type": "application/x-www-form-urlencoded" },
    }),
    status: 415,
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
  },
  { name: "JSON that does not parse", req: () => post("{"), status: 400, code: "ERR_BAD_JSON" },
  { name: "a JSON array", req: () => post("[]"), status: 400, code: "ERR_BAD_JSON" },
  { name: "a JSON string", req: () => post('"room"'), status: 400, code: "ERR_BAD_JSON" },
  {
    name: "JSON with a trailing comma",
    req: () => post('{"room_name":"x",}'),
    status: 400,
    code: "ERR_BAD_JSON",
  },
  {
    name: "a body of 65 KiB",
    req: () => post({ participant_metadata: "m".repeat(65 * 1024) }),
    status: 413,
    code: "ERR_BODY_TOO_LARGE",
  },
  {
    name: "a body of 8 MiB",
    req: () => post(new Uint8Array(8 * 1024 * 1024).fill(0x20)),
    status: 413,
    code: "ERR_BODY_TOO_LARGE",
  },
  {
    name: "a body that is not UTF-8",
    req: () => post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
    status: 400,
    code: "ERR_BAD_ENCODING",
  },
  {
    name: "UTF-16 with a byte-order mark",
    req: () => post(new Uint8Array([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00])),
    status: 400,
    code: "ERR_BAD_ENCODING",
  },
  {
    name: "arrays nested 60,000 deep",
    req: () => post(nested(30_000)),
    status: 400,
    code: "ERR_BAD_JSON",
  },
  {
    name: "objects nested 5,000 deep in a field",
    req: () => post(`{"room_config":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
  {
    name: "an unknown field",
    req: () => post({ admin: true }),
    status: 400,
    code: "ERR_UNKNOWN_FIELD",
  },
  {
    name: "__proto__ as a field",
    req: () => post('{"__proto__":{"admin":true}}'),
    status: 400,
    code: "ERR_UNKNOWN_FIELD",
  },
  {
    name: "constructor as a field",
    req: () => post({ constructor: { prototype: { admin: true } } }),
    status: 400,
    code: "ERR_UNKNOWN_FIELD",
  },
  {
    name: "a field given twice (room_name and roomName)",
    req: () => post({ room_name: "a", roomName: "b" }),
    status: 400,
    code: "ERR_BAD_FIELD",
  },
  {
    name: "participant_identity of the wrong type",
    req: () => post({ participant_identity: ["admin"] }),
    status: 400,
    code: "ERR_BAD_FIELD",
  },
  {
    name: "a control character in participant_name",
    req: () => post({ participant_name: "Ada\u0000\r\nX-Injected: 1" }),
    status: 400,
    code: "ERR_BAD_FIELD",
  },
  {
    name: "participant_name over 256 bytes",
    req: () => post({ participant_name: "é".repeat(129) }),
    status: 400,
    code: "ERR_FIELD_TOO_LARGE",
  },
  {
    name: "participant_metadata over 4 KiB",
    req: () => post({ participant_metadata: "m".repeat(4097) }),
    status: 400,
    code: "ERR_FIELD_TOO_LARGE",
  },
  {
    name: "33 participant attributes",
    req: () =>
      post({
        participant_attributes: Object.fromEntries(
          Array.from({ length: 33 }, (_, i) => [`k${i}`, "v"]),
        ),
      }),
    status: 400,
    code: "ERR_FIELD_TOO_LARGE",
  },
];

const forbidden: Row[] = [
  {
    name: "another participant's identity",
    req: () => post({ participant_identity: "admin" }),
    status: 403,
    code: "ERR_IDENTITY_NOT_ALLOWED",
  },
  {
    name: "a room of one's choosing",
    req: () => post({ room_name: "someone-elses-room" }),
    status: 403,
    code: "ERR_ROOM_NOT_ALLOWED",
  },
  {
    name: "room_config.egress (recording credentials)",
    req: () =>
      post({
        room_config: {
          egress: { room: { file_outputs: [{ s3: { access_key: "k", secret: "s" } }] } },
        },
      }),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
  {
    name: "room_config.departure_timeout",
    req: () => post({ room_config: { departure_timeout: 86400 } }),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
  {
    name: "room_config.max_participants",
    req: () => post({ roomConfig: { maxParticipants: 10000 } }),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
  {
    name: "an agent dispatch nobody allowed",
    req: () => post({ room_config: { agents: [{ agent_name: "recorder" }] } }),
    status: 403,
    code: "ERR_AGENT_NOT_ALLOWED",
  },
  {
    name: "an agent dispatch into another room",
    req: () => post({ room_config: { agents: [{ agent_name: "x", room: "other" }] } }),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
  {
    name: "lk.publish_on_behalf as an attribute",
    req: () => post({ participant_attributes: { "lk.publish_on_behalf": "tavus-avatar-agent" } }),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
  {
    name: "LK.* attributes in another case",
    req: () => post({ participant_attributes: { "LK.agent.state": "speaking" } }),
    status: 403,
    code: "ERR_FIELD_NOT_ALLOWED",
  },
];

const scenarios: Row[] = [
  {
    name: "scenario_id with SQL",
    req: () => post({ scenario_id: "x'; DROP TABLE avatar_configs; --" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id with a path traversal",
    req: () => post({ scenario_id: "../../etc/passwd" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id with a NUL byte",
    req: () => post({ scenario_id: "casual-conversation\u0000" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id with markup",
    req: () => post({ scenario_id: "<script>alert(1)</script>" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id with a lookup template",
    req: () => post({ scenario_id: "${jndi:ldap://127.0.0.1/a}" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id with PostgREST operators",
    req: () => post({ scenario_id: "casual-conversation&enabled=eq.false" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id as a query object",
    req: () => post({ scenario_id: { $ne: null } }),
    status: 400,
    code: "ERR_BAD_FIELD",
  },
  {
    name: "scenario_id in another case",
    req: () => post({ scenario_id: "Casual-Conversation" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id of 65 bytes",
    req: () => post({ scenario_id: "a".repeat(65) }),
    status: 400,
    code: "ERR_FIELD_TOO_LARGE",
  },
  {
    name: "scenario_id of a scenario that does not exist",
    req: () => post({ scenario_id: "no-such-scenario" }),
    status: 404,
    code: "ERR_SCENARIO_NOT_FOUND",
  },
  {
    name: "scenario_id with SQL in the query string",
    req: async () => ({ ...await post({}), path: "?scenario_id=%27%20or%201%3D1--" }),
    status: 400,
    code: "ERR_SCENARIO_ID",
  },
  {
    name: "scenario_id differing between query and body",
    req: async () => ({
      ...await post({ scenario_id: "business-meeting" }),
      path: "?scenario_id=travel-guide",
    }),
    status: 400,
    code: "ERR_BAD_FIELD",
  },
];

const headers: Row[] = [
  {
    name: "a flood of 90 junk headers",
    req: async () => ({
      ...await post({}),
      headers: [
        ...Object.entries({ ...JSON_TYPE, ...await bearer() }),
        ...Array.from({ length: 90 }, (_, i): [string, string] => [`x-junk-${i}`, "j".repeat(64)]),
      ],
    }),
    status: 201,
    code: null,
  },
  {
    name: "Authorization repeated (forged first, valid second)",
    req: async () => ({
      ...await post({}),
      headers: [["content-type", "application/json"], [
        "authorization",
        "Bearer forged.forged.forged",
      ], ["authorization", `Bearer ${await userJwt()}`]],
    }),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "a spoofed X-Forwarded-For",
    req: async () => ({
      ...await post({}),
      headers: {
        ...JSON_TYPE,
        ...await bearer(),
        "x-forwarded-for": "10.0.0.1, 127.0.0.1",
        "x-real-ip": "10.0.0.1",
      },
    }),
    status: 201,
    code: null,
  },
  {
    name: "a flood of 150 headers (over the server's limit)",
    req: () => ({
      path: "/health",
      method: "GET",
      headers: Array.from({ length: 150 }, (_, i): [string, string] => [`x-flood-${i}`, "f"]),
    }),
    status: 400,
    code: undefined,
    server: true,
  },
  {
    name: "a 200 KB Authorization header",
    req: () => post({}, { authorization: `Bearer ${"a".repeat(200_000)}` }),
    status: 400,
    code: undefined,
    server: true,
  },
  {
    name: "raw bytes 0xff 0x80 0xc0 in Authorization",
    req: () => ({
      raw: new Uint8Array([
        ...enc.encode(
          "host: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 2\r\nauthorization: Bearer ",
        ),
        0xff,
        0x80,
        0xc0,
        ...enc.encode("\r\n\r\n{}"),
      ]),
    }),
    status: 401,
    code: "ERR_AUTH_MALFORMED",
  },
  {
    name: "raw NUL and DEL bytes in a header value",
    req: () => ({
      raw: enc.encode(
        "host: x\r\nconnection: close\r\nx-evil: a\u0000b\u007f\r\ncontent-length: 0\r\n\r\n",
      ),
    }),
    status: 400,
    code: undefined,
    server: true,
  },
  {
    name: "a content-type with a UTF-16 charset over UTF-8 bytes",
    req: async () => ({
      ...await post({}),
      headers: { ...await bearer(), "content-type": "application/json; charset=utf-16" },
    }),
    status: 201,
    code: null,
  },
];

const health: Row[] = [
  {
    name: "health without credentials shows booleans only",
    req: () => ({ path: "/health", method: "GET" }),
    status: 200,
    code: null,
    check: (b) => assert(!("problems" in b), "problems shown to anyone"),
  },
  {
    name: "health with a forged service-role JWT",
    req: async () => ({
      path: "/health",
      method: "GET",
      headers: {
        authorization: `Bearer ${await jws(
          HS256,
          { role: "service_role", exp: now() + 60 },
          "guessed-secret",
        )}`,
      },
    }),
    status: 200,
    code: null,
    check: (b) => assert(!("problems" in b), "a forged service JWT saw problems"),
  },
  {
    name: "health with a wrong apikey",
    req: () => ({
      path: "/health",
      method: "GET",
      headers: { apikey: secret("SUPABASE_SERVICE_ROLE_KEY").slice(0, -1) },
    }),
    status: 200,
    code: null,
    check: (b) => assert(!("problems" in b), "a near-miss key saw problems"),
  },
  {
    name: "health with the service-role key shows the redacted report",
    req: () => ({
      path: "/health",
      method: "GET",
      headers: { apikey: secret("SUPABASE_SERVICE_ROLE_KEY") },
    }),
    status: 200,
    code: null,
    check: (b) => assert(Array.isArray(b.problems), "the service role saw no problems list"),
  },
];

const end: Row[] = [
  {
    name: "end without a session token",
    req: () => post({}, {}, "/end"),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "end with an unknown field",
    req: () => post({ session_id: "*" }, bearer(), "/end"),
    status: 400,
    code: "ERR_UNKNOWN_FIELD",
  },
  {
    name: "end with room_name of the wrong type",
    req: () => post({ room_name: { $gt: "" } }, bearer(), "/end"),
    status: 400,
    code: "ERR_BAD_FIELD",
  },
  {
    name: "end of a room that is not the caller's",
    req: () =>
      post(
        { room_name: "hostile-room" },
        bearer({ sub: "00000000-0000-4000-8000-000000000000" }),
        "/end",
      ),
    status: 404,
    code: "ERR_SESSION_NOT_FOUND",
  },
];

const replayed = event("participant_joined", { participant: { identity: "x" } });
const replayedHeaders = () => webhookHeaders(replayed);
let firstDelivery: Record<string, string> | null = null;

const webhooks: Row[] = [
  {
    name: "webhook without Authorization",
    req: () => ({
      fn: "livekit-webhook",
      headers: { "content-type": "application/webhook+json" },
      body: event("room_finished"),
    }),
    status: 401,
    code: "ERR_WEBHOOK_AUTH_MISSING",
  },
  {
    name: "webhook signed with a guessed secret",
    req: () => {
      const b = event("room_finished");
      return { fn: "livekit-webhook", headers: webhookHeaders(b, API_KEY, "secret"), body: b };
    },
    status: 401,
    code: "ERR_TOKEN_SIGNATURE",
  },
  {
    name: "webhook from an unknown key",
    req: () => {
      const b = event("room_finished");
      return {
        fn: "livekit-webhook",
        headers: webhookHeaders(b, "attacker-key", "attacker-secret-0123456789"),
        body: b,
      };
    },
    status: 401,
    code: "ERR_TOKEN_UNKNOWN_KEY",
  },
  {
    name: "a forged body under a genuine delivery's token",
    req: () => ({
      fn: "livekit-webhook",
      headers: webhookHeaders(event("participant_joined")),
      body: event("room_finished"),
    }),
    status: 401,
    code: "ERR_WEBHOOK_HASH_MISMATCH",
  },
  {
    name: "webhook token with alg none",
    req: async () => {
      const b = event("room_finished");
      const claims = {
        iss: API_KEY,
        exp: now() + 300,
        sha256: btoa(
          String.fromCharCode(
            ...new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(b))),
          ),
        ),
      };
      return {
        fn: "livekit-webhook",
        headers: {
          ...WEBHOOK_TYPE,
          authorization: `${b64urlText('{"alg":"none"}')}.${b64urlText(JSON.stringify(claims))}.`,
        },
        body: b,
      };
    },
    status: 401,
    code: "ERR_TOKEN_ALGORITHM",
  },
  {
    name: "webhook token expired",
    req: async () => {
      const b = event("room_finished");
      const sha256 = btoa(
        String.fromCharCode(
          ...new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(b))),
        ),
      );
      return {
        fn: "livekit-webhook",
        headers: {
          ...WEBHOOK_TYPE,
          authorization: await jws(HS256, {
            iss: API_KEY,
            nbf: now() - 900,
            exp: now() - 600,
            sha256,
          }, secret("LIVEKIT_API_SECRET")),
        },
        body: b,
      };
    },
    status: 401,
    code: "ERR_TOKEN_EXPIRED",
  },
  {
    name: "a delivery recorded two hours ago",
    req: () => {
      const b = event("room_finished", { createdAt: String(now() - 7200) });
      return { fn: "livekit-webhook", headers: webhookHeaders(b), body: b };
    },
    status: 401,
    code: "ERR_WEBHOOK_TOO_OLD",
  },
  {
    name: "webhook as text/plain",
    req: () => {
      const b = event("room_finished");
      return {
        fn: "livekit-webhook",
        headers: { ...webhookHeaders(b), "content-type": "text/plain" },
        body: b,
      };
    },
    status: 415,
    code: "ERR_UNSUPPORTED_MEDIA_TYPE",
  },
  {
    name: "webhook body of 300 KiB",
    req: () => {
      const b = event("room_finished", { pad: "p".repeat(300 * 1024) });
      return { fn: "livekit-webhook", headers: webhookHeaders(b), body: b };
    },
    status: 413,
    code: "ERR_BODY_TOO_LARGE",
  },
  {
    name: "webhook body that is not UTF-8",
    req: () => ({
      fn: "livekit-webhook",
      headers: { "content-type": "application/webhook+json" },
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    }),
    status: 400,
    code: "ERR_BAD_ENCODING",
  },
  {
    name: "a genuine delivery whose body is not an event",
    req: () => ({ fn: "livekit-webhook", headers: webhookHeaders("[1,2,3]"), body: "[1,2,3]" }),
    status: 400,
    code: "ERR_WEBHOOK_BODY_MALFORMED",
  },
  {
    name: "a genuine delivery (control)",
    req: () => {
      firstDelivery = replayedHeaders();
      return { fn: "livekit-webhook", headers: firstDelivery, body: replayed };
    },
    status: 200,
    code: null,
    check: (b) => assertEquals(b.action, "none"),
  },
  {
    name: "the same delivery replayed",
    req: () => ({ fn: "livekit-webhook", headers: firstDelivery!, body: replayed }),
    status: 200,
    code: null,
    check: (b) => assertEquals(b.action, "duplicate"),
  },
];

const cb = () => secret("TAVUS_CALLBACK_SECRET");
const callbacks: Row[] = [
  {
    name: "callback without the secret path",
    req: () => callback(""),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "callback with a guessed secret",
    req: () => callback("/secret"),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "callback with the secret's prefix",
    req: () => callback(`/${cb().slice(0, -1)}`),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "callback with the secret and a suffix path",
    req: () => callback(`/${cb()}/x`),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "callback with the secret upper-cased",
    req: () => callback(`/${cb().toUpperCase()}`),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "callback with GET",
    req: () => callback(`/${cb()}`, {}, "GET"),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "callback body that is not an event",
    req: () => callback(`/${cb()}`, ["shutdown"]),
    status: 400,
    code: "ERR_TAVUS_BAD_CALLBACK",
  },
  {
    name: "a forged shutdown of an unknown conversation",
    req: () =>
      callback(`/${cb()}`, {
        conversation_id: "c0123456789ab",
        event_type: "system.shutdown",
        message_type: "system",
        properties: { shutdown_reason: "forged" },
      }),
    status: 200,
    code: null,
    check: (b) => assertEquals(b.action, "none"),
  },
];

// The reconciler runs for the service role only: everyone else gets the same 401 before any work.
const reconcileCall = async (
  headers: Record<string, string> | Promise<Record<string, string>> = {},
  method = "POST",
  path = "",
): Promise<Parts> => ({
  fn: "reconcile",
  path,
  method,
  headers: { ...JSON_TYPE, ...await headers },
  body: method === "GET" ? null : "{}",
});
const SERVICE_ROLE_REQUIRED = { status: 401, code: "ERR_AUTH_SERVICE_ROLE_REQUIRED" };
const reconcile: Row[] = [
  { name: "reconcile without credentials", req: () => reconcileCall(), ...SERVICE_ROLE_REQUIRED },
  {
    name: "reconcile with a user's session token",
    req: () => reconcileCall(bearer()),
    ...SERVICE_ROLE_REQUIRED,
  },
  {
    name: "reconcile with a forged service-role JWT",
    req: async () =>
      reconcileCall({
        authorization: `Bearer ${await jws(
          HS256,
          { role: "service_role", exp: now() + 60 },
          "guessed-secret",
        )}`,
      }),
    ...SERVICE_ROLE_REQUIRED,
  },
  {
    name: "reconcile with a near-miss service-role key",
    req: () => reconcileCall({ apikey: secret("SUPABASE_SERVICE_ROLE_KEY").slice(0, -1) }),
    ...SERVICE_ROLE_REQUIRED,
  },
  {
    name: "reconcile with the JWT secret as a bearer",
    req: () => reconcileCall({ authorization: `Bearer ${secret("AUTH_JWT_SECRET")}` }),
    ...SERVICE_ROLE_REQUIRED,
  },
  {
    name: "reconcile with GET",
    req: () => reconcileCall({}, "GET"),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "reconcile below its route",
    req: () => reconcileCall({}, "POST", "/run"),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
];

const MATRIX: [string, Row[]][] = [
  ["routing", routing],
  ["authentication", auth],
  ["bodies", bodies],
  ["forbidden fields", forbidden],
  ["scenario ids", scenarios],
  ["headers", headers],
  ["health", health],
  ["end", end],
  ["webhooks", webhooks],
  ["Tavus callbacks", callbacks],
  ["reconcile", reconcile],
];

/** A request written byte by byte over TCP, for what `fetch` refuses to send. */
async function sendRaw(url: URL, method: string, raw: Uint8Array): Promise<Response> {
  const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  try {
    const line = enc.encode(`${method} ${url.pathname}${url.search} HTTP/1.1\r\n`);
    await conn.write(new Uint8Array([...line, ...raw]));
    const chunks: number[] = [];
    const buf = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(...buf.subarray(0, n));
    }
    const text = new TextDecoder().decode(new Uint8Array(chunks));
    const [head, ...rest] = text.split("\r\n\r\n");
    const [status, ...lines] = head.split("\r\n");
    const headers = new Headers(lines.map((l) => {
      const i = l.indexOf(":");
      return [l.slice(0, i).trim(), l.slice(i + 1).trim()] as [string, string];
    }));
    const code = Number(status.split(" ")[1]);
    return new Response(code === 204 ? null : rest.join("\r\n\r\n"), { status: code, headers });
  } finally {
    conn.close();
  }
}

async function send(served: Served, parts: Parts): Promise<Response> {
  const url = `${served.base}/${parts.fn ?? "livekit-token"}${parts.path ?? ""}`;
  if (parts.raw) return await sendRaw(new URL(url), parts.method ?? "POST", parts.raw);
  return await fetch(url, {
    method: parts.method ?? "POST",
    headers: parts.headers,
    body: parts.body ?? null,
  });
}

Deno.test("hostile HTTP matrix: every row gets its status and code, none a 5xx, none a secret", async (t) => {
  const served = await serveFunctions(ENV, ["--dev-session-store"]);
  const statuses: number[] = [];
  let rows = 0;
  try {
    for (const [group, list] of MATRIX) {
      for (const row of list) {
        rows++;
        await t.step(`${group}: ${row.name}`, async () => {
          const res = await send(served, await row.req());
          statuses.push(res.status);
          const text = await res.text();
          const where = `${row.name}: ${res.status} ${text.slice(0, 300)}`;
          assertEquals(res.status, row.status, where);
          if (row.server) {
            assertEquals(text, "", where);
            return;
          }
          assert(res.headers.get("x-request-id") || row.code === "ERR_FUNCTION_NOT_FOUND", where);
          const everything = text + [...res.headers].join("\n");
          for (const s of CONFIGURED) {
            assert(!everything.includes(s), `${row.name}: a secret leaked`);
          }
          if (row.code === undefined) return;
          const body = JSON.parse(text);
          if (row.code === null) {
            assert(!("error" in body), where);
          } else {
            assertEquals(body.error?.code, row.code, where);
            assert(typeof body.error?.message === "string" && body.error.message !== "", where);
          }
          row.check?.(body);
        });
      }
    }
  } finally {
    await served.close();
  }
  assert(rows >= 60, `only ${rows} rows`);
  assertEquals(statuses.filter((s) => s >= 500), [], "5xx answers");
  for (const s of CONFIGURED) {
    assert(!served.logs().includes(s), "a secret is in the functions' logs");
  }
});
