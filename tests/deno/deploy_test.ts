// scripts/deploy.sh --dry-run: the offline checks refuse what would fail at Supabase, and the
// printed sequence is the documented one (build, link, push, secrets, every function, doctor).
import { assert, assertEquals, assertMatch } from "./assert.ts";

const root = new URL("../../", import.meta.url).pathname;
const REF = "abcdefghijklmnopqrst";

async function dryRun(args: string[], env?: string) {
  const dir = await Deno.makeTempDir({ prefix: "lte-deploy-" });
  try {
    const file = `${dir}/test.env`;
    if (env !== undefined) await Deno.writeTextFile(file, env);
    const out = await new Deno.Command("bash", {
      args: [
        "scripts/deploy.sh",
        "--dry-run",
        ...args,
        ...(env !== undefined ? ["--env-file", file] : []),
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    // deno-lint-ignore no-control-regex
    const text = new TextDecoder().decode(out.stdout).replace(/\x1b\[[0-9;]*m/g, "");
    return { code: out.code, text: text.replaceAll(file, "<env>") };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const GOOD = [
  "LIVEKIT_API_KEY=APIkey",
  "LIVEKIT_API_SECRET=a-livekit-secret-of-more-than-thirty-two-bytes",
  "LIVEKIT_WS_URL=wss://x.livekit.cloud",
].join("\n");

Deno.test("deploy --dry-run prints the sequence and runs nothing", async () => {
  const r = await dryRun(["--project-ref", REF], GOOD);
  assertEquals(r.code, 0, r.text);
  const commands = r.text.split("\n").filter((l) => /^\[\d+\] /.test(l));
  const S = "tools/node_modules/.bin/supabase";
  assertEquals(commands, [
    "[1] bash scripts/build.sh",
    `[2] ${S} link --project-ref ${REF}`,
    `[3] ${S} db push --include-seed`,
    `[4] ${S} secrets set --env-file <env>`,
    `[5] ${S} functions deploy livekit-token --use-api`,
    `[6] ${S} functions deploy livekit-webhook --use-api`,
    `[7] ${S} functions deploy tavus-callback --use-api`,
    `[8] ${S} functions deploy reconcile --use-api`,
    `[9] env SUPABASE_URL=https://${REF}.supabase.co deno task doctor --env-file <env>`,
  ]);
  assertMatch(r.text, /deploy checks: all passed/);
  // The secret values of the env file are never printed.
  assert(!r.text.includes("a-livekit-secret-of-more-than-thirty-two-bytes"));
});

Deno.test("deploy --dry-run refuses what Supabase would refuse or the functions could not use", async () => {
  const bad = await dryRun(
    ["--project-ref", "not-a-ref"],
    "SUPABASE_SERVICE_ROLE_KEY=x\nLIVEKIT_API_KEY=k\nLIVEKIT_WS_URL=https://x.livekit.cloud\nBROKEN LINE\n",
  );
  assertEquals(bad.code, 1, bad.text);
  for (
    const line of [
      /^FAIL +--project-ref must be the project's ref/m,
      /^FAIL +<env>:4: expected NAME=value/m,
      /^FAIL +<env>: Supabase refuses secrets named SUPABASE_… .*SUPABASE_SERVICE_ROLE_KEY/m,
      /^FAIL +settings: LIVEKIT_API_SECRET ERR_CONFIG_MISSING/m,
      /^warn +settings: LIVEKIT_WS_URL ERR_CONFIG_URL_SCHEME/m,
    ]
  ) assertMatch(bad.text, line);
  assert(!/^\[\d+\] /m.test(bad.text), "no command is printed after a failed check");
  const missing = await dryRun(["--project-ref", REF, "--env-file", "/nonexistent.env"]);
  assertEquals(missing.code, 1);
  assertMatch(missing.text, /^FAIL +cannot read the env file/m);
  const usage = await dryRun([]);
  assertEquals(usage.code, 2);
});
