// The shared test vectors (tests/vectors/*.json, format in the project's vector
// notes) run through the package's JavaScript API. Plain ESM with no runtime
// APIs, so the same runner serves the Deno suite (tests/deno/vectors_test.ts,
// against js/src) and the packed tarball in Node, Deno and Bun
// (tests/package/check.mjs). An unknown kind fails: nothing is skipped.

/** @param {string} text base64url without padding */
export function fromB64url(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @param {Uint8Array} bytes */
export function toB64url(bytes) {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The decoded payload of a compact JWS. */
export function payloadOf(token) {
  return JSON.parse(new TextDecoder().decode(fromB64url(token.split(".")[1])));
}

/**
 * Where `actual` and `expected` first differ (object key order ignored), or
 * `null` when they are equal.
 */
export function difference(actual, expected, path = "$") {
  if (Object.is(actual, expected)) return null;
  const kind = (v) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(actual) !== kind(expected)) {
    return `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
  if (kind(actual) === "array") {
    if (actual.length !== expected.length) {
      return `${path}: expected ${expected.length} items, got ${actual.length}`;
    }
    for (let i = 0; i < actual.length; i++) {
      const d = difference(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (kind(actual) === "object") {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const k of [...keys].sort()) {
      if (!(k in expected)) return `${path}.${k}: unexpected ${JSON.stringify(actual[k])}`;
      if (!(k in actual)) return `${path}.${k}: missing (expected ${JSON.stringify(expected[k])})`;
      const d = difference(actual[k], expected[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

const at = (now) => (now === undefined ? undefined : new Date(now * 1000));

/**
 * One function per vector kind: runs the input through the API and returns
 * what to compare with `expect` (minus `expect.error`, handled by the caller).
 */
const kinds = {
  hs256(api, input) {
    const mac = api.hmacSha256(fromB64url(input.keyB64url), input.signingInput);
    return { signatureB64url: toB64url(mac) };
  },
  verify(api, input) {
    const claims = api.verifyAccessToken(input.token, input.keys, {
      currentDate: at(input.now),
      leeway: input.leeway,
    });
    return { claims };
  },
  mint(api, input, expect) {
    const warnings = [];
    const token = api.createAccessToken(input.apiKey, input.apiSecret, {
      ...input.options,
      currentDate: at(input.now),
      onWarning: (w) => warnings.push(w.code),
    });
    const out = { claims: payloadOf(token) };
    if ("token" in expect) out.token = token;
    if ("warnings" in expect) out.warnings = warnings;
    return out;
  },
  webhook(api, input) {
    const event = api.receiveWebhook(input.body, input.authorization, input.keys, {
      currentDate: at(input.now),
      leeway: input.leeway,
      maxAge: input.maxAge,
    });
    return { event };
  },
  ttl(api, input) {
    return { seconds: api.parseTtl(input.ttl) };
  },
  server_url(api, input) {
    return { httpUrl: api.livekitHttpUrl(input.wsUrl) };
  },
  // Asynchronous: ES256/RS256 tokens are checked with WebCrypto.
  async supabase_jwt(api, input) {
    const claims = await api.verifySupabaseJwt(input.token, {
      secret: input.secret,
      jwks: input.jwks,
      ...input.rules,
      currentDate: at(input.now),
    });
    return { claims };
  },
};

/** The kinds this runner knows. */
export const KINDS = Object.keys(kinds);

/**
 * Runs one case. Returns `null` when it passes, else why it failed; for an
 * asynchronous kind (`supabase_jwt`), a promise of the same.
 * @param {Record<string, any>} api the package's exports
 * @param {{name: string, kind: string, input: any, expect: any}} c
 * @returns {string | null | Promise<string | null>}
 */
export function runCase(api, c) {
  const run = kinds[c.kind];
  if (!run) return `unknown kind ${JSON.stringify(c.kind)}`;
  const thrown = (e) => {
    if (!(e instanceof api.EdgeError)) return `threw a non-EdgeError: ${e}`;
    if (c.expect.error === undefined) return `threw ${e.code}: ${e.message}`;
    return e.code === c.expect.error ? null : `expected ${c.expect.error}, threw ${e.code}`;
  };
  const returned = (actual) => {
    if (c.expect.error !== undefined) {
      return `expected ${c.expect.error}, got ${JSON.stringify(actual)}`;
    }
    return difference(actual, c.expect);
  };
  let actual;
  try {
    actual = run(api, c.input, c.expect);
  } catch (e) {
    return thrown(e);
  }
  return actual instanceof Promise ? actual.then(returned, thrown) : returned(actual);
}

/**
 * Runs every case of every vector file.
 * @param {Record<string, any>} api
 * @param {Array<{file: string, vectors: {cases: any[]}}>} files
 * @returns {Promise<Array<{file: string, name: string, kind: string, failure: string | null}>>}
 */
export async function runVectors(api, files) {
  const results = [];
  for (const { file, vectors } of files) {
    if (!Array.isArray(vectors.cases) || vectors.cases.length === 0) {
      results.push({ file, name: "(file)", kind: "-", failure: "no cases" });
      continue;
    }
    for (const c of vectors.cases) {
      results.push({ file, name: c.name, kind: c.kind, failure: await runCase(api, c) });
    }
  }
  return results;
}
