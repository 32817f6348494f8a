// The leak scan (scripts/leak-scan.ts) finds what it must: a planted secret in
// each form, inside base64 at every alignment, in a capture directory; and it
// stays quiet on clean captures and near misses. The planted secret is made
// here, is in no list the real scan reads, and is never printed.
import { loadSecrets, scanDir, scanText, secretForms } from "../../scripts/leak-scan.ts";
import { assert, assertEquals } from "./assert.ts";

const root = new URL("../..", import.meta.url).pathname;
const PLANTED = { name: "PLANTED", value: `planted-${crypto.randomUUID()}` };

function b64(s: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin);
}
const b64url = (s: string) => b64(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

Deno.test("leak scan: every form of a planted secret is caught, and only it", () => {
  const s = PLANTED.value;
  const hex = [...new TextEncoder().encode(s)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const planted: [string, string][] = [
    ["raw in a log line", `{"level":"error","detail":"${s}"}`],
    ["URL-encoded in a query", `GET /cb?k=${encodeURIComponent(s + "/+ ")}`],
    ["base64 header", `authorization: Basic ${b64(`user:${s}`)}`],
    ["base64url in a JWT payload", `eyJhbGciOiJIUzI1NiJ9.${b64url(JSON.stringify({ k: s }))}.sig`],
    ["base64 shifted by one", b64(`x${s}`)],
    ["base64 shifted by two", b64(`xy${s}`)],
    ["hex dump", `bytes: ${hex}`],
    ["upper-case hex", hex.toUpperCase()],
  ];
  for (const [what, text] of planted) {
    const found = scanText(`prefix\n${text}\nsuffix`, [PLANTED], "capture.log");
    assert(found.length > 0, `missed: ${what}`);
    assert(found.every((f) => f.secret === "PLANTED" && f.line === 2), `wrong place: ${what}`);
  }
  const clean = [
    "nothing here",
    s.slice(0, -1), // a near miss: all but the last character
    b64(s.slice(1)).slice(0, 8),
    "the LIVEKIT_API_SECRET is shorter than 32 bytes",
  ];
  for (const text of clean) {
    assertEquals(scanText(text, [PLANTED], "x").length, 0, "a false positive");
  }
  const forms = secretForms(s).map((f) => f.form);
  for (
    const form of ["raw", "hex", "base64 (offset 0)", "base64 (offset 1)", "base64 (offset 2)"]
  ) {
    assert(forms.includes(form), `no ${form} form`);
  }
});

Deno.test("leak scan: a capture directory with a planted leak fails the CLI, which never prints the secret", async () => {
  const dir = await Deno.makeTempDir({ prefix: "leak-scan-test-" });
  try {
    const secretsFile = `${dir}/secrets.json`;
    await Deno.writeTextFile(secretsFile, JSON.stringify({ minLength: 12, secrets: [PLANTED] }));
    const capture = `${dir}/capture`;
    await Deno.mkdir(`${capture}/http`, { recursive: true });
    await Deno.writeTextFile(`${capture}/test-output.log`, "cargo test: 1 passed, 0 failed\n");
    await Deno.writeTextFile(`${capture}/http/a.log`, "HTTP 200\ncontent-type: text/plain\n\nok\n");
    const run = async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-read",
          "--allow-env",
          `${root}scripts/leak-scan.ts`,
          "--secrets",
          secretsFile,
          "--expect",
          "http",
          capture,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      return { code: out.code, text };
    };
    const clean = await run();
    assertEquals(clean.code, 0, "a clean capture failed");
    assert(clean.text.includes("leak-scan: 1 passed, 0 failed"));

    const token = `eyJhbGciOiJIUzI1NiJ9.${b64url(JSON.stringify({ secret: PLANTED.value }))}.x`;
    await Deno.writeTextFile(`${capture}/http/b.log`, `HTTP 500\n\n{"debug":"${token}"}\n`);
    const leaked = await run();
    assertEquals(leaked.code, 1, "a planted leak passed");
    assert(leaked.text.includes("leak-scan: 0 passed, 1 failed"));
    assert(leaked.text.includes("LEAK of PLANTED (base64"), "the finding is not named");
    assert(leaked.text.includes("http/b.log:3"), "the place is not named");
    assert(!leaked.text.includes(PLANTED.value), "the scanner printed the secret");

    await Deno.remove(`${capture}/http`, { recursive: true });
    const empty = await run();
    assertEquals(empty.code, 1, "an empty expected capture passed");
    assert(empty.text.includes("nothing was captured in http"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("leak scan: the secrets list is well formed and the scan of a directory counts its bytes", async () => {
  const secrets = loadSecrets(`${root}tests/secrets.json`);
  assert(secrets.length >= 5);
  const dir = await Deno.makeTempDir({ prefix: "leak-scan-dir-" });
  try {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    await Deno.writeTextFile(`${dir}/a/b/c.log`, "0123456789");
    await Deno.writeFile(`${dir}/bin`, new Uint8Array([0xff, 0xfe, 0x00, 0x41]));
    const r = scanDir(dir, secrets);
    assertEquals([r.files, r.bytes, r.findings.length], [2, 14, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
