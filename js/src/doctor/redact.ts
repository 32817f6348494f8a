/**
 * The last line of defence: every text the doctor prints passes through a
 * redactor that knows the secrets of the run. The checks never put a secret
 * in their text; this catches what a server might echo back (LiveKit echoes
 * the token in some 401 bodies).
 *
 * @module
 */

/** Variables whose values are secrets (or credentials nobody should see in a log). */
export const SECRET_VARIABLES: readonly string[] = [
  "LIVEKIT_API_KEY",
  "LIVEKIT_API_SECRET",
  "TAVUS_API_KEY",
  "TAVUS_CALLBACK_SECRET",
  "AUTH_JWT_SECRET",
  "SUPABASE_ANON_KEY",
  "SUPABASE_SERVICE_ROLE_KEY",
  "SUPABASE_DB_URL",
  "SUPABASE_SECRET_KEYS",
  "SUPABASE_PUBLISHABLE_KEYS",
];

/**
 * Whether a variable holds a secret: listed above, or named like one.
 *
 * @example
 * ```ts
 * isSecretVariable("MY_WEBHOOK_SECRET"); // true
 * ```
 */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLES.includes(name) ||
    /SECRET|PASSWORD|TOKEN|_KEY$|_KEYS$/.test(name);
}

const PLACEHOLDER = "[redacted]";
/** Shorter values are not searched for: they would match ordinary words. */
const MIN_REDACT = 8;
/** Three base64url segments: a JWT, whoever minted it. */
const JWT = /[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g;

function b64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/**
 * The forms a secret can take in text: raw, JSON-escaped, URL-encoded, base64
 * and base64url (with and without padding); forms shorter than 8 characters are left out.
 *
 * @example
 * ```ts
 * encodedForms("secret/value+1").includes("c2VjcmV0L3ZhbHVlKzE"); // true
 * ```
 */
export function encodedForms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const std = b64(bytes);
  const url = std.replace(/\+/g, "-").replace(/\//g, "_");
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    std,
    std.replace(/=+$/, ""),
    url,
    url.replace(/=+$/, ""),
  ];
  return [...new Set(forms)].filter((f) => f.length >= MIN_REDACT);
}

/**
 * Builds a function that replaces every known secret (in any encoding of
 * {@linkcode encodedForms}) and anything shaped like a JWT with `[redacted]`.
 * The placeholder has a fixed length, so not even a secret's length shows.
 *
 * @example
 * ```ts
 * const redact = makeRedactor(["s3cr3t-value-123"]);
 * redact("got s3cr3t-value-123"); // "got [redacted]"
 * ```
 */
export function makeRedactor(
  secrets: Iterable<string>,
): (text: string) => string {
  const forms = [...new Set([...secrets].flatMap(encodedForms))].sort((a, b) =>
    b.length - a.length
  );
  return (text: string) => {
    let out = text.replace(JWT, PLACEHOLDER);
    for (const f of forms) out = out.split(f).join(PLACEHOLDER);
    return out;
  };
}
