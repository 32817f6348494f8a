/**
 * The leak scan: looks for every test secret (tests/secrets.json), in every form
 * it could leak in, in everything under a capture directory: the output of the
 * whole test command and every response and function log line the served
 * functions produced (scripts/test.sh sets `LTE_CAPTURE_DIR`; tests/deno/served.ts
 * writes the captures). Any hit fails; a hit is reported by the secret's name,
 * the form and the place, never by its value.
 *
 * Usage:
 *   deno run --allow-read --allow-env scripts/leak-scan.ts [--secrets FILE] [--expect PATH]... [DIR]
 *
 * DIR defaults to `$LTE_CAPTURE_DIR`. Each `--expect` names a file or directory
 * (relative to DIR) that must hold captured bytes: a scan of nothing proves
 * nothing. Prints `leak-scan: N passed, N failed`, one count per secret.
 *
 * @module
 */

/** A secret to look for. */
export interface Secret {
  name: string;
  value: string;
}

/** One way a secret can appear, and the text to look for. */
export interface Form {
  form: string;
  needle: string;
}

/** A secret found somewhere. */
export interface Finding {
  secret: string;
  form: string;
  file: string;
  line: number;
}

const bytesOf = (s: string) => new TextEncoder().encode(s);

function base64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * The part of a base64 text that the secret alone decides when it starts at a
 * byte offset ≡ `shift` (mod 3) of a longer encoded message: the secret inside
 * a JSON document that was base64-encoded (a JWT payload, a basic-auth header)
 * shows up as one of the three.
 */
function base64Fragment(secret: Uint8Array, shift: number): string {
  const padded = new Uint8Array(shift + secret.length);
  padded.set(secret, shift);
  const text = base64(padded);
  const start = shift === 0 ? 0 : 4;
  const end = 4 * Math.floor(padded.length / 3);
  return text.slice(start, end);
}

/** Every form `secret` is looked for in: raw, JSON-escaped, URL-encoded, base64 and base64url (any alignment), hex. */
export function secretForms(secret: string): Form[] {
  const raw = bytesOf(secret);
  const forms: Form[] = [
    { form: "raw", needle: secret },
    { form: "JSON string", needle: JSON.stringify(secret).slice(1, -1) },
    { form: "URL-encoded", needle: encodeURIComponent(secret) },
    { form: "form-encoded", needle: new URLSearchParams({ s: secret }).toString().slice(2) },
    { form: "hex", needle: [...raw].map((b) => b.toString(16).padStart(2, "0")).join("") },
  ];
  forms.push({ form: "HEX", needle: forms[forms.length - 1].needle.toUpperCase() });
  for (const shift of [0, 1, 2]) {
    const b64 = base64Fragment(raw, shift);
    forms.push({ form: `base64 (offset ${shift})`, needle: b64 });
    forms.push({
      form: `base64url (offset ${shift})`,
      needle: b64.replaceAll("+", "-").replaceAll("/", "_"),
    });
  }
  const seen = new Set<string>();
  return forms.filter((f) => f.needle.length >= 8 && !seen.has(f.needle) && seen.add(f.needle));
}

/** The findings of `secrets` in one text. */
export function scanText(text: string, secrets: Secret[], file: string): Finding[] {
  const findings: Finding[] = [];
  for (const s of secrets) {
    for (const f of secretForms(s.value)) {
      let at = text.indexOf(f.needle);
      while (at !== -1) {
        const line = text.slice(0, at).split("\n").length;
        findings.push({ secret: s.name, form: f.form, file, line });
        at = text.indexOf(f.needle, at + 1);
      }
    }
  }
  return findings;
}

/** Every file under `dir` (recursively), sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory) walk(p);
      else if (e.isFile) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Scans every file under `dir`; returns the findings and how much was read. */
export function scanDir(
  dir: string,
  secrets: Secret[],
): { findings: Finding[]; files: number; bytes: number } {
  const decoder = new TextDecoder();
  const findings: Finding[] = [];
  let bytes = 0;
  const files = filesUnder(dir);
  for (const path of files) {
    const data = Deno.readFileSync(path);
    bytes += data.byteLength;
    findings.push(...scanText(decoder.decode(data), secrets, path.slice(dir.length + 1)));
  }
  return { findings, files: files.length, bytes };
}

/** Reads and checks tests/secrets.json (or another file of that shape). */
export function loadSecrets(path: string): Secret[] {
  const doc = JSON.parse(Deno.readTextFileSync(path));
  const min = Number(doc.minLength ?? 12);
  const secrets: Secret[] = doc.secrets;
  if (!Array.isArray(secrets) || secrets.length === 0) throw new Error(`${path}: no secrets`);
  const names = new Set<string>();
  for (const s of secrets) {
    if (typeof s.name !== "string" || typeof s.value !== "string") {
      throw new Error(`${path}: every secret needs a name and a value`);
    }
    if (s.value.length < min) throw new Error(`${path}: ${s.name} is shorter than ${min}`);
    if (names.has(s.name)) throw new Error(`${path}: ${s.name} is listed twice`);
    names.add(s.name);
  }
  return secrets;
}

function bytesIn(path: string): number {
  const info = Deno.statSync(path);
  if (info.isFile) return info.size;
  return filesUnder(path).reduce((n, f) => n + Deno.statSync(f).size, 0);
}

if (import.meta.main) {
  const args = [...Deno.args];
  const root = new URL("..", import.meta.url).pathname;
  let secretsFile = `${root}tests/secrets.json`;
  const expect: string[] = [];
  const rest: string[] = [];
  while (args.length) {
    const a = args.shift()!;
    if (a === "--secrets") secretsFile = args.shift()!;
    else if (a === "--expect") expect.push(args.shift()!);
    else rest.push(a);
  }
  const dir = (rest[0] ?? Deno.env.get("LTE_CAPTURE_DIR") ?? "").replace(/\/$/, "");
  if (!dir) {
    console.error("leak-scan: no capture directory (argument or LTE_CAPTURE_DIR)");
    Deno.exit(2);
  }
  const secrets = loadSecrets(secretsFile);
  let missing = 0;
  for (const e of expect) {
    let n = 0;
    try {
      n = bytesIn(`${dir}/${e}`);
    } catch {
      // reported below
    }
    if (n === 0) {
      console.error(`leak-scan: nothing was captured in ${e}`);
      missing++;
    }
  }
  const { findings, files, bytes } = scanDir(dir, secrets);
  for (const f of findings) {
    console.error(`leak-scan: LEAK of ${f.secret} (${f.form}) in ${f.file}:${f.line}`);
  }
  const leaked = new Set(findings.map((f) => f.secret));
  const forms = secrets.reduce((n, s) => n + secretForms(s.value).length, 0);
  console.log(
    `leak-scan: ${secrets.length} secrets (${forms} forms) looked for in ${files} files, ${bytes} bytes`,
  );
  const failed = leaked.size + missing;
  console.log(`leak-scan: ${secrets.length - leaked.size} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
