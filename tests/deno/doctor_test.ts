// The doctor (js/src/doctor/; its command line is js/src/doctor/cli.ts) against loopback
// stand-ins: Tavus and Supabase from tests/standins/, LiveKit's server API with LiveKit's own
// authentication from tests/doctor/standins.ts. One test per failure mode, the all-good run, the
// output formats, the executable under Deno and Node, and a secret scan of every output
// (tests/doctor/harness.ts scans each run).
import { Ajv2020 } from "ajv/dist/2020.js";
import { assert, assertEquals, assertMatch } from "./assert.ts";
import {
  compileForNode,
  lineOf,
  outputsScanned,
  runCli,
  runProcess,
  scanForSecrets,
  SECRETS,
} from "../doctor/harness.ts";
import {
  closedPort,
  type LiveKitAuthOptions,
  selfSignedCertificate,
  startLiveKitAuth,
  startSilentServer,
  startUntrustedTls,
} from "../doctor/standins.ts";
import type { RecordedRequest } from "../standins/common.ts";
import { startSupabase, type SupabaseOptions, vaultAllowList } from "../standins/supabase.ts";
import { startTavus, type TavusOptions } from "../standins/tavus.ts";
import { classifyFetchError } from "../../js/src/doctor/net.ts";
import { classifyUnauthorized } from "../../js/src/doctor/livekit.ts";
import { VAULT_SECRET_NAMES } from "../../js/src/generated.ts";
import { parseEnvFile } from "../../js/src/doctor/envfile.ts";
import { makeRedactor } from "../../js/src/doctor/redact.ts";
import type { DoctorReport } from "../../js/src/doctor/types.ts";

const root = new URL("../../", import.meta.url);
const DEFAULT_SCENARIOS = JSON.parse(
  Deno.readTextFileSync(new URL("supabase/functions/_shared/default_scenarios.json", root)),
) as Array<{ scenario_id: string; replica_id: string; persona_id: string }>;

/** A persona set up for a LiveKit room: what direct mode needs. */
const LIVEKIT_PERSONA = {
  pipeline_mode: "echo",
  layers: { transport: { transport_type: "livekit" } },
};

interface World {
  livekit: ReturnType<typeof startLiveKitAuth>;
  tavus: ReturnType<typeof startTavus>;
  supabase: ReturnType<typeof startSupabase>;
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A complete, healthy deployment on loopback (the default scenarios, their replicas trained and
 * their personas set up for LiveKit); `tweak` changes the stand-ins' options.
 */
function world(tweak: {
  livekit?: Partial<LiveKitAuthOptions>;
  tavus?: TavusOptions;
  supabase?: SupabaseOptions;
  env?: Record<string, string>;
} = {}): World {
  const livekit = startLiveKitAuth({
    keys: { [SECRETS.LIVEKIT_API_KEY]: SECRETS.LIVEKIT_API_SECRET },
    rooms: ["lobby", "demo"],
    ...tweak.livekit,
  });
  const tavus = startTavus({ apiKey: SECRETS.TAVUS_API_KEY, ...tweak.tavus });
  const supabase = startSupabase({
    serviceRoleKey: SECRETS.SUPABASE_SERVICE_ROLE_KEY,
    anonKey: SECRETS.SUPABASE_ANON_KEY,
    scenarios: DEFAULT_SCENARIOS,
    ...tweak.supabase,
  });
  const env: Record<string, string> = {
    LIVEKIT_API_KEY: SECRETS.LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET: SECRETS.LIVEKIT_API_SECRET,
    LIVEKIT_WS_URL: livekit.wsUrl,
    TAVUS_API_KEY: SECRETS.TAVUS_API_KEY,
    TAVUS_API_URL: tavus.url,
    TAVUS_CALLBACK_SECRET: SECRETS.TAVUS_CALLBACK_SECRET,
    SUPABASE_URL: supabase.url,
    SUPABASE_ANON_KEY: SECRETS.SUPABASE_ANON_KEY,
    SUPABASE_SERVICE_ROLE_KEY: SECRETS.SUPABASE_SERVICE_ROLE_KEY,
    AVATAR_MODE: "direct",
    ...tweak.env,
  };
  return {
    livekit,
    tavus,
    supabase,
    env,
    close: async () => {
      await Promise.all([livekit.close(), tavus.close(), supabase.close()]);
    },
  };
}

/**
 * Every request followed the documented API. The Supabase stand-in flags any service-role read
 * of avatar_configs (the functions must read it as the user, under RLS); the doctor reads it as
 * the service role on purpose, to see disabled rows too.
 */
function assertConformant(requests: RecordedRequest[], service: string): void {
  const intended = "avatar_configs read with the service role: RLS bypassed";
  for (const r of requests) {
    assertEquals(r.problems.filter((p) => p !== intended), [], `${service} ${r.method} ${r.path}`);
  }
}

/** A failWith answer of the Supabase stand-in for one path: what PostgREST says without a migration. */
function withoutMigration(
  path: string,
  code: string,
  message: string,
): SupabaseOptions["failWith"] {
  return (rec) =>
    rec.path === path
      ? { status: 404, body: { code, details: null, hint: null, message } }
      : undefined;
}

function report(stdout: string): DoctorReport {
  return JSON.parse(stdout) as DoctorReport;
}

function check(r: DoctorReport, id: string) {
  const c = r.checks.find((c) => c.id === id);
  assert(
    c !== undefined,
    `no check ${id} in ${r.checks.map((c) => c.id).join(", ")}`,
  );
  return c;
}

// ---------------------------------------------------------------------------
// The all-good run
// ---------------------------------------------------------------------------

Deno.test("doctor: a healthy deployment passes every check and exits 0", async () => {
  const w = world();
  try {
    const run = await runCli(["doctor"], w.env);
    assertEquals(run.code, 0, run.stdout);
    assertMatch(
      lineOf(run.stdout, "LiveKit server API"),
      new RegExp(
        `^ok +LiveKit server API +ListRooms answered at ${w.livekit.url}: 2 rooms$`,
      ),
    );
    assertMatch(
      lineOf(run.stdout, "Clock"),
      /^ok +Clock +within \d s of LiveKit's clock$/,
    );
    assertMatch(
      lineOf(run.stdout, "Tavus API key"),
      /^ok .*key accepted \(3 replicas on the account\)$/,
    );
    for (const s of DEFAULT_SCENARIOS) {
      assertMatch(
        lineOf(run.stdout, `replica ${s.replica_id}`),
        /^ok .*is trained and ready$/,
      );
      assertMatch(
        lineOf(run.stdout, `persona ${s.persona_id}`),
        /^ok .*persona exists, LiveKit transport, echo pipeline$/,
      );
      assertMatch(
        lineOf(run.stdout, `scenario ${s.scenario_id}`),
        /^ok .*valid, replica r/,
      );
    }
    assertMatch(
      lineOf(run.stdout, "avatar_configs table"),
      /readable: 3 scenarios, 3 enabled$/,
    );
    assertMatch(
      lineOf(run.stdout, "LIVEKIT_API_SECRET"),
      /^ok +LIVEKIT_API_SECRET +set \(the environment\)$/,
    );
    assert(!/^(fail|warn)/m.test(run.stdout), run.stdout);
    assertMatch(
      run.stdout,
      /\n\d+ ok, 0 warnings, 0 failed: nothing blocks this deployment\n$/,
    );
    // Every request was what the real services expect, and each was made.
    assertConformant(w.livekit.requests, "LiveKit");
    assertConformant(w.tavus.requests, "Tavus");
    assertConformant(w.supabase.requests, "Supabase");
    assertEquals(w.livekit.requests.map((r) => [r.method, r.path]), [
      ["POST", "/twirp/livekit.RoomService/ListRooms"],
    ]);
    assertEquals(w.livekit.statuses, [200]);
    assertEquals(w.tavus.requests.length, 1 + 3 + 3);
    assertEquals([w.tavus.requests[0]!.path, w.tavus.requests[0]!.query.get("limit")], [
      "/v2/replicas",
      "1",
    ]);
    assertEquals(
      w.supabase.requests.map((r) => [r.method, r.path, r.query.get("select")]),
      [["GET", "/rest/v1/avatar_configs", "*"]],
    );
  } finally {
    await w.close();
  }
});

// ---------------------------------------------------------------------------
// LiveKit: transport failures
// ---------------------------------------------------------------------------

async function livekitFailure(
  wsUrl: string,
  extraArgs: string[] = [],
): Promise<{ line: string; json: DoctorReport; code: number }> {
  const w = world();
  try {
    const env = { ...w.env, LIVEKIT_WS_URL: wsUrl };
    const table = await runCli(["doctor", ...extraArgs], env);
    const json = await runCli(["doctor", "--json", ...extraArgs], env);
    assertEquals(table.code, 1);
    assertEquals(json.code, 1);
    assertEquals(w.livekit.requests.length, 0);
    return {
      line: lineOf(table.stdout, "LiveKit server API"),
      json: report(json.stdout),
      code: table.code,
    };
  } finally {
    await w.close();
  }
}

Deno.test("doctor: LiveKit host that does not resolve (DNS)", async () => {
  const { line, json } = await livekitFailure(
    "wss://livekit-doctor-test.invalid",
  );
  assertMatch(
    line,
    /^fail +LiveKit server API +DNS lookup of livekit-doctor-test\.invalid failed/,
  );
  assertMatch(
    line,
    /→ check the host name in LIVEKIT_WS_URL, and this machine's DNS$/,
  );
  const c = check(json, "livekit.server_api");
  assertEquals([c.status, c.code], ["fail", "DOCTOR_LIVEKIT_DNS"]);
  assertEquals(
    json.targets.livekit_api_url,
    "https://livekit-doctor-test.invalid",
  );
});

Deno.test("doctor: LiveKit port where nothing listens (refused)", async () => {
  const port = closedPort();
  const { line, json } = await livekitFailure(`ws://127.0.0.1:${port}`);
  assertMatch(
    line,
    new RegExp(
      `^fail +LiveKit server API +connection to 127\\.0\\.0\\.1:${port} refused`,
    ),
  );
  assertMatch(
    line,
    /→ check the port in LIVEKIT_WS_URL, and that the LiveKit server is running$/,
  );
  assertEquals(
    check(json, "livekit.server_api").code,
    "DOCTOR_LIVEKIT_REFUSED",
  );
});

Deno.test("doctor: LiveKit with a self-signed certificate (TLS)", async () => {
  const tls = startUntrustedTls(await selfSignedCertificate());
  try {
    const port = new URL(tls.url).port;
    const { line, json } = await livekitFailure(`wss://127.0.0.1:${port}`);
    assertMatch(
      line,
      new RegExp(
        `^fail +LiveKit server API +TLS with 127\\.0\\.0\\.1:${port} failed: certificate not trusted`,
      ),
    );
    assertMatch(
      line,
      /→ use the LiveKit server's public https\/wss host name with a certificate from a trusted CA/,
    );
    assertEquals(check(json, "livekit.server_api").code, "DOCTOR_LIVEKIT_TLS");
    // The handshake failed before any HTTP request reached the server.
    assertEquals(tls.requests(), 0);
  } finally {
    await tls.close();
  }
});

Deno.test("doctor: LiveKit that accepts the connection but never answers (timeout)", async () => {
  const silent = startSilentServer();
  try {
    const { line, json } = await livekitFailure(
      `ws://127.0.0.1:${silent.port}`,
      [
        "--timeout",
        "300",
      ],
    );
    assertMatch(
      line,
      /^fail +LiveKit server API +127\.0\.0\.1:\d+ did not answer in time \(no answer within 300 ms\)/,
    );
    assertMatch(line, /raise the limit with --timeout$/);
    assertEquals(
      check(json, "livekit.server_api").code,
      "DOCTOR_LIVEKIT_TIMEOUT",
    );
  } finally {
    silent.close();
  }
});

// ---------------------------------------------------------------------------
// LiveKit: credentials and clocks
// ---------------------------------------------------------------------------

async function livekitAnswer(
  livekit: Partial<LiveKitAuthOptions>,
  env: Record<string, string> = {},
) {
  const w = world({ livekit, env });
  try {
    const table = await runCli(["doctor"], w.env);
    const json = await runCli(["doctor", "--json"], w.env);
    assertEquals(w.livekit.requests.length, 2);
    assertConformant(w.livekit.requests, "LiveKit");
    return {
      table,
      json: report(json.stdout),
      statuses: w.livekit.statuses,
    };
  } finally {
    await w.close();
  }
}

Deno.test("doctor: LiveKit does not know the API key", async () => {
  const { table, json, statuses } = await livekitAnswer({
    keys: { APIsomeoneelse: SECRETS.LIVEKIT_API_SECRET },
  });
  assertEquals(statuses, [401, 401]);
  assertEquals(table.code, 1);
  const line = lineOf(table.stdout, "LiveKit server API");
  assertMatch(
    line,
    /^fail +LiveKit server API +LiveKit does not know LIVEKIT_API_KEY {2}→ copy LIVEKIT_API_KEY and LIVEKIT_API_SECRET together from the LiveKit project/,
  );
  assertEquals(
    check(json, "livekit.server_api").code,
    "DOCTOR_LIVEKIT_UNKNOWN_KEY",
  );
  // The server's clock is right: the clock line says so.
  assertEquals(check(json, "clock").status, "ok");
});

Deno.test("doctor: LiveKit knows the key but the secret is wrong", async () => {
  const { table, json, statuses } = await livekitAnswer({}, {
    LIVEKIT_API_SECRET: SECRETS.WRONG_LIVEKIT_API_SECRET,
  });
  assertEquals(statuses, [401, 401]);
  assertEquals(table.code, 1);
  assertMatch(
    lineOf(table.stdout, "LiveKit server API"),
    /^fail +LiveKit server API +LiveKit knows LIVEKIT_API_KEY but the signature does not match: LIVEKIT_API_SECRET is not its secret {2}→ copy LIVEKIT_API_KEY and LIVEKIT_API_SECRET together/,
  );
  assertEquals(
    check(json, "livekit.server_api").code,
    "DOCTOR_LIVEKIT_WRONG_SECRET",
  );
});

Deno.test("doctor: this machine's clock is an hour behind LiveKit's (token expired there)", async () => {
  const { table, json, statuses } = await livekitAnswer({
    clockOffsetSeconds: 3600,
  });
  assertEquals(statuses, [401, 401]);
  assertEquals(table.code, 1);
  assertMatch(
    lineOf(table.stdout, "LiveKit server API"),
    /^fail +LiveKit server API +LiveKit refused the token's validity time \(this machine's clock is 60 min behind LiveKit's\) {2}→ set this machine's clock right \(NTP/,
  );
  assertMatch(
    lineOf(table.stdout, "Clock"),
    /^fail +Clock +this machine's clock is 60 min behind LiveKit's {2}→ turn on automatic time/,
  );
  assertEquals(
    check(json, "livekit.server_api").code,
    "DOCTOR_LIVEKIT_CLOCK_SKEW",
  );
  assertEquals([check(json, "clock").status, check(json, "clock").code], [
    "fail",
    "DOCTOR_CLOCK_SKEW",
  ]);
});

Deno.test("doctor: this machine's clock is ahead of LiveKit's (token not valid yet there)", async () => {
  const { table, json } = await livekitAnswer({
    clockOffsetSeconds: -2 * 3600,
  });
  assertMatch(
    lineOf(table.stdout, "LiveKit server API"),
    /LiveKit refused the token's validity time \(this machine's clock is 2 h 0 min ahead of LiveKit's\)/,
  );
  assertEquals(
    check(json, "livekit.server_api").code,
    "DOCTOR_LIVEKIT_CLOCK_SKEW",
  );
});

Deno.test("doctor: a skew inside LiveKit's leeway works but warns", async () => {
  const { table, json } = await livekitAnswer({ clockOffsetSeconds: 30 });
  assertEquals(table.code, 0, table.stdout);
  assertEquals(check(json, "livekit.server_api").status, "ok");
  const clock = check(json, "clock");
  assertEquals([clock.status, clock.code], ["warn", "DOCTOR_CLOCK_SKEW"]);
  assertMatch(
    clock.found,
    /^this machine's clock is (29|30|31) s behind LiveKit's$/,
  );
});

// ---------------------------------------------------------------------------
// Tavus
// ---------------------------------------------------------------------------

async function tavusRun(
  tavus: TavusOptions,
  env: Record<string, string> = {},
) {
  const w = world({ tavus, env });
  try {
    const table = await runCli(["doctor"], w.env);
    const json = await runCli(["doctor", "--json"], w.env);
    assertConformant(w.tavus.requests, "Tavus");
    return { table, json: report(json.stdout), requests: w.tavus.requests };
  } finally {
    await w.close();
  }
}

const [S1, S2, S3] = DEFAULT_SCENARIOS as [
  (typeof DEFAULT_SCENARIOS)[0],
  (typeof DEFAULT_SCENARIOS)[0],
  (typeof DEFAULT_SCENARIOS)[0],
];

Deno.test("doctor: Tavus refuses the API key", async () => {
  const { table, json, requests } = await tavusRun({
    apiKey: "another-key-entirely",
  });
  assertEquals(table.code, 1);
  assertMatch(
    lineOf(table.stdout, "Tavus API key"),
    /^fail +Tavus API key +Tavus refused TAVUS_API_KEY \(401: Invalid access token\) {2}→ copy the key again/,
  );
  assertEquals(check(json, "tavus.api_key").code, "DOCTOR_TAVUS_UNAUTHORIZED");
  // With a refused key there is nothing more to ask.
  assertEquals(requests.map((r) => r.path), ["/v2/replicas", "/v2/replicas"]);
});

Deno.test("doctor: replicas still training warn, failed or unknown ones fail", async () => {
  const { table, json } = await tavusRun({
    // S3's replica is unknown to this account.
    replicas: [S1.replica_id, S2.replica_id],
    replicaStatus: { [S1.replica_id]: "started", [S2.replica_id]: "error" },
  });
  assertEquals(table.code, 1);
  assertMatch(
    lineOf(table.stdout, `replica ${S1.replica_id}`),
    /^warn .*is still training \(40\/100\): conversations with it fail until it is done {2}→ wait for training/,
  );
  assertMatch(
    lineOf(table.stdout, `replica ${S2.replica_id}`),
    /^fail .*failed training {2}→ train the replica again/,
  );
  assertMatch(
    lineOf(table.stdout, `replica ${S3.replica_id}`),
    new RegExp(
      `^fail .*Tavus has no replica ${S3.replica_id} on this account \\(400: Invalid replica_id\\) {2}→ set replica_id of ${S3.scenario_id} in avatar_configs`,
    ),
  );
  assertEquals(
    [S1, S2, S3].map((s) => check(json, `tavus.replica.${s.replica_id}`).code),
    [
      "DOCTOR_TAVUS_REPLICA_TRAINING",
      "DOCTOR_TAVUS_REPLICA_ERROR",
      "DOCTOR_TAVUS_REPLICA_MISSING",
    ],
  );
});

Deno.test("doctor: a replica still training alone does not fail the run", async () => {
  const { table } = await tavusRun({ replicaStatus: { [S1.replica_id]: "started" } });
  assertEquals(table.code, 0, table.stdout);
  assertMatch(
    table.stdout,
    /\n\d+ ok, 1 warning, 0 failed: nothing blocks this deployment\n$/,
  );
});

Deno.test("doctor: personas must exist and, in direct mode, use the LiveKit transport", async () => {
  const personaDetails = {
    [S1.persona_id]: { pipeline_mode: "full", layers: { transport: { transport_type: "daily" } } },
    [S2.persona_id]: LIVEKIT_PERSONA,
  };
  // S3's persona does not exist.
  const direct = await tavusRun({ personas: [S1.persona_id, S2.persona_id], personaDetails });
  assertEquals(direct.table.code, 1);
  assertMatch(
    lineOf(direct.table.stdout, `persona ${S1.persona_id}`),
    /^fail .*persona exists but layers\.transport\.transport_type is "daily" and pipeline_mode is "full" \(needs "livekit" and "echo"\) {2}→ create a persona with pipeline_mode "echo" and layers\.transport\.transport_type "livekit"/,
  );
  assertMatch(lineOf(direct.table.stdout, `persona ${S2.persona_id}`), /^ok /);
  assertMatch(
    lineOf(direct.table.stdout, `persona ${S3.persona_id}`),
    /^fail .*Tavus has no persona p\w+ on this account \(400: Invalid persona_id\)/,
  );
  assertEquals(
    check(direct.json, `tavus.persona.${S1.persona_id}`).code,
    "DOCTOR_TAVUS_PERSONA_TRANSPORT",
  );
  assertEquals(
    check(direct.json, `tavus.persona.${S3.persona_id}`).code,
    "DOCTOR_TAVUS_PERSONA_MISSING",
  );

  // In agent mode the worker may bring its own persona: a warning, not a failure.
  const agent = await tavusRun({ personaDetails }, {
    AVATAR_MODE: "agent",
    AGENT_NAME: "tutor",
  });
  assertEquals(agent.table.code, 0, agent.table.stdout);
  assertEquals(
    check(agent.json, `tavus.persona.${S1.persona_id}`).status,
    "warn",
  );
});

Deno.test("doctor: a persona answered with top-level fields is read like the {data:[…]} shape", async () => {
  const { table, json } = await tavusRun({ personaShape: "top" });
  assertEquals(table.code, 0, table.stdout);
  for (const s of DEFAULT_SCENARIOS) {
    assertEquals(check(json, `tavus.persona.${s.persona_id}`).status, "ok");
  }
});

// ---------------------------------------------------------------------------
// Database and Vault
// ---------------------------------------------------------------------------

Deno.test("doctor: database without the migrations, a wrong key, and invalid scenarios", async () => {
  const missing = world({
    supabase: {
      failWith: withoutMigration(
        "/rest/v1/avatar_configs",
        "PGRST205",
        "Could not find the table 'public.avatar_configs' in the schema cache",
      ),
    },
  });
  try {
    const run = await runCli(["doctor"], missing.env);
    assertEquals(run.code, 1);
    assertMatch(
      lineOf(run.stdout, "avatar_configs table"),
      /^fail .*the database has no avatar_configs table: the migrations are not applied {2}→ apply the migrations: `supabase db push`/,
    );
    // No scenarios, so no replica or persona to check.
    assertMatch(
      lineOf(run.stdout, "Tavus replicas and personas"),
      /^skip .*no scenarios could be read/,
    );
  } finally {
    await missing.close();
  }

  const wrongKey = world({
    env: { SUPABASE_SERVICE_ROLE_KEY: "sb_secret_not_this_project_0000" },
  });
  try {
    const run = await runCli(["doctor", "--json"], wrongKey.env);
    assertEquals(run.code, 1);
    const c = check(report(run.stdout), "database.avatar_configs");
    assertEquals([c.status, c.code], ["fail", "DOCTOR_SUPABASE_UNAUTHORIZED"]);
    assertMatch(c.fix ?? "", /service_role key/);
  } finally {
    await wrongKey.close();
  }

  const anon = world({
    env: { SUPABASE_SERVICE_ROLE_KEY: SECRETS.SUPABASE_ANON_KEY },
  });
  try {
    const run = await runCli(["doctor", "--json"], anon.env);
    assertEquals(
      check(report(run.stdout), "database.avatar_configs").code,
      "DOCTOR_DATABASE_FORBIDDEN",
    );
  } finally {
    await anon.close();
  }

  const rows = [
    { ...DEFAULT_SCENARIOS[0], language: "en" },
    { ...DEFAULT_SCENARIOS[1], enabled: false },
    DEFAULT_SCENARIOS[2],
  ];
  const bad = world({ supabase: { scenarios: rows } });
  try {
    const run = await runCli(["doctor", "--json"], bad.env);
    assertEquals(run.code, 1);
    const r = report(run.stdout);
    const c = check(r, `scenarios.${S1.scenario_id}`);
    assertEquals([c.status, c.code], ["fail", "ERR_SCENARIO_LANGUAGE"]);
    // The default scenario is invalid, so requests without a scenario would fail.
    assertEquals(
      check(r, "scenarios.default").code,
      "DOCTOR_SCENARIO_DEFAULT_MISSING",
    );
    assertMatch(
      check(r, "scenarios.default").fix ?? "",
      new RegExp(`one of ${S3.scenario_id}, or add that scenario$`),
    );
    // Only the valid, enabled scenario's replica and persona were asked for.
    assertEquals(
      bad.tavus.requests.map((q) => q.path).sort(),
      [
        "/v2/personas/" + S3.persona_id,
        "/v2/replicas/" + S3.replica_id,
        "/v2/replicas",
      ]
        .sort(),
    );
    assertEquals(
      check(r, `scenarios.${S2.scenario_id}`).found,
      `valid (disabled), replica ${S2.replica_id}, persona ${S2.persona_id}`,
    );
  } finally {
    await bad.close();
  }
});

Deno.test("doctor: without a database it checks the --scenarios file instead", async () => {
  const w = world();
  try {
    const env = { ...w.env };
    delete env.SUPABASE_URL;
    delete env.SUPABASE_SERVICE_ROLE_KEY;
    delete env.SUPABASE_ANON_KEY;
    // Without SUPABASE_URL the project's JWKS is unknown: callers' JWTs need the legacy secret.
    env.AUTH_JWT_SECRET = SECRETS.AUTH_JWT_SECRET;
    const run = await runCli(["doctor", "--scenarios", "defaults.json"], env, {
      files: { "defaults.json": JSON.stringify(DEFAULT_SCENARIOS) },
    });
    assertEquals(run.code, 0, run.stdout);
    assertMatch(
      lineOf(run.stdout, "avatar_configs table"),
      /^skip .*checking defaults\.json instead/,
    );
    assertMatch(lineOf(run.stdout, "SUPABASE_URL"), /^warn .*no database/);
    assertEquals(w.supabase.requests.length, 0);
    assertEquals(w.tavus.requests.length, 7);
  } finally {
    await w.close();
  }
});

Deno.test("doctor: projects with only the new JSON key maps use their default keys", async () => {
  const w = world();
  try {
    const env: Record<string, string> = {
      ...w.env,
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: SECRETS.SUPABASE_SERVICE_ROLE_KEY }),
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ web: SECRETS.SUPABASE_ANON_KEY }),
    };
    delete env.SUPABASE_SERVICE_ROLE_KEY;
    delete env.SUPABASE_ANON_KEY;
    const run = await runCli(["doctor"], env);
    assertEquals(run.code, 0, run.stdout);
    assertMatch(
      lineOf(run.stdout, "SUPABASE_SECRET_KEYS"),
      /^ok +SUPABASE_SECRET_KEYS +set \(the environment\); its "default" entry is the server key$/,
    );
    assertMatch(lineOf(run.stdout, "avatar_configs table"), /^ok /);
    assertConformant(w.supabase.requests, "Supabase");
    // Both kinds set, the legacy key disabled (here: not the project's): the new key wins.
    w.supabase.requests.length = 0;
    const both = await runCli(["doctor", "--json"], {
      ...env,
      SUPABASE_SERVICE_ROLE_KEY: "legacy-service-role-key-disabled-000",
    });
    assertEquals(both.code, 0, both.stdout);
    assertEquals(check(report(both.stdout), "database.avatar_configs").status, "ok");
    assert(w.supabase.requests.length > 0);
    for (const r of w.supabase.requests) {
      assertEquals(r.headers.get("apikey"), SECRETS.SUPABASE_SERVICE_ROLE_KEY);
    }
  } finally {
    await w.close();
  }
});

Deno.test("doctor: SECRETS_SOURCE=vault reads the secrets through get_edge_secrets", async () => {
  const w = world({
    livekit: {
      keys: { [SECRETS.LIVEKIT_API_KEY]: SECRETS.VAULT_LIVEKIT_API_SECRET },
    },
    supabase: {
      vault: {
        LIVEKIT_API_KEY: SECRETS.LIVEKIT_API_KEY,
        LIVEKIT_API_SECRET: SECRETS.VAULT_LIVEKIT_API_SECRET,
        TAVUS_API_KEY: SECRETS.TAVUS_API_KEY,
      },
    },
  });
  try {
    const env: Record<string, string> = { ...w.env, SECRETS_SOURCE: "vault" };
    delete env.LIVEKIT_API_KEY;
    delete env.LIVEKIT_API_SECRET;
    delete env.TAVUS_API_KEY;
    const table = await runCli(["doctor"], env);
    assertEquals(table.code, 0, table.stdout);
    assertMatch(
      lineOf(table.stdout, "Vault secrets"),
      /^ok +Vault secrets +3 of 6 in Vault: LIVEKIT_API_KEY, LIVEKIT_API_SECRET, TAVUS_API_KEY; not in Vault: LIVEKIT_WS_URL, TAVUS_CALLBACK_SECRET, AUTH_JWT_SECRET$/,
    );
    assertMatch(
      lineOf(table.stdout, "LIVEKIT_API_SECRET"),
      /^ok +LIVEKIT_API_SECRET +set \(Vault\)$/,
    );
    assertMatch(lineOf(table.stdout, "LiveKit server API"), /^ok /);
    assertMatch(table.stdout, /secrets from Vault \(SECRETS_SOURCE=vault\)/);
    const json = report((await runCli(["doctor", "--json"], env)).stdout);
    assertEquals(json.sources.vault_secrets.sort(), [
      "LIVEKIT_API_KEY",
      "LIVEKIT_API_SECRET",
      "TAVUS_API_KEY",
    ]);
    assertConformant(w.supabase.requests, "Supabase");
    assertEquals(
      w.supabase.requests.filter((r) => r.path === "/rest/v1/rpc/get_edge_secrets").length,
      2,
    );
    // --no-vault: the environment alone lacks the LiveKit secrets.
    const noVault = await runCli(["doctor", "--no-vault"], env);
    assertEquals(noVault.code, 1);
    assertMatch(lineOf(noVault.stdout, "Vault secrets"), /^skip .*--no-vault/);
    assertMatch(
      lineOf(noVault.stdout, "LIVEKIT_API_SECRET"),
      /^fail .*is in neither Vault nor the environment {2}→ select vault\.create_secret/,
    );
  } finally {
    await w.close();
  }
});

Deno.test("doctor: Vault bridge missing or with an older allow-list", async () => {
  const none = world({
    supabase: {
      failWith: withoutMigration(
        "/rest/v1/rpc/get_edge_secrets",
        "PGRST202",
        "Could not find the function public.get_edge_secrets(p_names) in the schema cache",
      ),
    },
  });
  try {
    const run = await runCli(["doctor", "--json"], {
      ...none.env,
      SECRETS_SOURCE: "vault",
    });
    const c = check(report(run.stdout), "vault.secrets");
    assertEquals([run.code, c.status, c.code], [
      1,
      "fail",
      "DOCTOR_VAULT_NO_FUNCTION",
    ]);
    assertMatch(c.fix ?? "", /supabase db push/);
  } finally {
    await none.close();
  }
  const old = world({
    supabase: {
      vaultAllowList: vaultAllowList().filter((n) => n !== "AUTH_JWT_SECRET"),
    },
  });
  try {
    const run = await runCli(["doctor", "--json"], {
      ...old.env,
      SECRETS_SOURCE: "vault",
    });
    assertEquals(
      check(report(run.stdout), "vault.secrets").code,
      "DOCTOR_VAULT_ALLOW_LIST",
    );
  } finally {
    await old.close();
  }
});

Deno.test("the Vault names (the core's, read by the functions and the doctor) are the database's allow-list", () => {
  // The functions and the doctor read the core's list (js/src/generated.ts, checked for drift
  // by cargo test); vaultAllowList() reads the migration's allow-list.
  assertEquals([...VAULT_SECRET_NAMES].sort(), vaultAllowList().sort());
});

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

Deno.test("doctor: missing and malformed settings are reported by the core with their fix", async () => {
  const w = world();
  try {
    const env = { ...w.env, LIVEKIT_API_SECRET: "", AVATAR_MODE: "video" };
    const run = await runCli(["doctor"], env);
    assertEquals(run.code, 1);
    assertMatch(
      lineOf(run.stdout, "LIVEKIT_API_SECRET"),
      /^fail +LIVEKIT_API_SECRET +LIVEKIT_API_SECRET is not set {2}→ set LIVEKIT_API_SECRET \(the API secret paired with LIVEKIT_API_KEY\)/,
    );
    assertMatch(
      lineOf(run.stdout, "AVATAR_MODE"),
      /^fail +AVATAR_MODE +AVATAR_MODE must be direct, agent or none/,
    );
    assertMatch(
      lineOf(run.stdout, "LiveKit server API"),
      /^skip .*LiveKit settings are incomplete/,
    );
    assertEquals(w.livekit.requests.length, 0);
    assertMatch(lineOf(run.stdout, "Clock"), /^skip /);
  } finally {
    await w.close();
  }
});

Deno.test("doctor: env files are read in order and the environment wins", async () => {
  const w = world();
  try {
    const file = [
      "# the functions' secrets",
      `export LIVEKIT_API_KEY=${w.env.LIVEKIT_API_KEY}`,
      `LIVEKIT_API_SECRET="${SECRETS.WRONG_LIVEKIT_API_SECRET}"`,
      `LIVEKIT_WS_URL='${w.env.LIVEKIT_WS_URL}'  `,
      `TAVUS_API_KEY=${w.env.TAVUS_API_KEY} # inline comment`,
      "this line is wrong",
    ].join("\n");
    const second = `LIVEKIT_API_SECRET=${SECRETS.LIVEKIT_API_SECRET}\n`;
    const env = { ...w.env };
    for (
      const k of [
        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",
        "LIVEKIT_WS_URL",
        "TAVUS_API_KEY",
      ]
    ) {
      delete env[k];
    }
    env.LIVEKIT_WS_URL = w.env.LIVEKIT_WS_URL!;
    const run = await runCli(
      ["doctor", "--env-file", "a.env", "--env-file=b.env"],
      env,
      {
        files: { "a.env": file, "b.env": second },
      },
    );
    assertMatch(
      lineOf(run.stdout, "LIVEKIT_API_KEY"),
      /^ok +LIVEKIT_API_KEY +set \(a\.env\)$/,
    );
    assertMatch(
      lineOf(run.stdout, "LIVEKIT_API_SECRET"),
      /^ok +LIVEKIT_API_SECRET +set \(b\.env, overriding a\.env\)$/,
    );
    assertMatch(
      lineOf(run.stdout, "LIVEKIT_WS_URL"),
      /set \(the environment, overriding a\.env\); server API at http:\/\/127\.0\.0\.1:\d+$/,
    );
    assertMatch(
      lineOf(run.stdout, "a.env:6"),
      /^fail +a\.env:6 +line 6 could not be read: expected NAME=value/,
    );
    assertMatch(lineOf(run.stdout, "LiveKit server API"), /^ok /);
    assertMatch(run.stdout, /settings from the environment, a\.env, b\.env/);
    assertEquals(run.code, 1);
    const missing = await runCli(["doctor", "--env-file", "nope.env"], env);
    assertEquals([missing.code, missing.stdout], [2, ""]);
    assertEquals(
      missing.stderr,
      "doctor: cannot read --env-file nope.env: no such file\n",
    );
  } finally {
    await w.close();
  }
});

Deno.test("doctor: env file syntax", () => {
  const cases: Array<[string, Record<string, string>, number[]]> = [
    ["A=1\nB = two \n", { A: "1", B: "two" }, []],
    ["export A=x # c\n#B=2\n\n", { A: "x" }, []],
    [`A="multi\nline" \nB='lit\\n'\nC="esc\\n\\"q\\""`, {
      A: "multi\nline",
      B: "lit\\n",
      C: 'esc\n"q"',
    }, []],
    ["A='open\nB=1", {}, [1]],
    ["=x\n1A=2\nok=3", { ok: "3" }, [1, 2]],
    ["A=1\nA=2", { A: "2" }, []],
    ["\uFEFFA=b#not-a-comment\r\nB=c", { A: "b#not-a-comment", B: "c" }, []],
  ];
  for (const [text, values, errorLines] of cases) {
    const parsed = parseEnvFile(text);
    assertEquals(parsed.values, values, JSON.stringify(text));
    assertEquals(
      parsed.errors.map((e) => e.line),
      errorLines,
      JSON.stringify(text),
    );
  }
});

// ---------------------------------------------------------------------------
// Output: colour, progress, JSON, exit codes
// ---------------------------------------------------------------------------

Deno.test("doctor: colour only on a terminal and never with NO_COLOR; progress only on a terminal's stderr", async () => {
  const w = world();
  try {
    const ESC = String.fromCharCode(27);
    const esc = { test: (s: string) => s.includes(`${ESC}[`) };
    const tty = await runCli(["doctor"], w.env, {
      stdoutTTY: true,
      stderrTTY: true,
    });
    assert(esc.test(tty.stdout), "no colour on a terminal");
    assert(tty.stdout.includes(`${ESC}[32mok  ${ESC}[0m`), "ok is not green");
    assertMatch(tty.stderr, /checking (LiveKit|database|Tavus)/);
    assert(
      tty.stderr.endsWith("\r\x1b[2K"),
      "the progress line is erased at the end",
    );

    const noColor = await runCli(["doctor"], { ...w.env, NO_COLOR: "1" }, {
      stdoutTTY: true,
    });
    assert(!esc.test(noColor.stdout), "colour despite NO_COLOR");
    const flag = await runCli(["doctor", "--no-color"], w.env, {
      stdoutTTY: true,
    });
    assert(!esc.test(flag.stdout), "colour despite --no-color");
    const pipe = await runCli(["doctor"], w.env);
    assert(
      !esc.test(pipe.stdout) && pipe.stderr === "",
      "colour or progress on a pipe",
    );
    // The same lines, with and without colour.
    assertEquals(tty.stdout.replace(new RegExp(`${ESC}\\[[0-9;]*m`, "g"), ""), pipe.stdout);
  } finally {
    await w.close();
  }
});

Deno.test("doctor: --json output follows docs/doctor.schema.json, in every outcome", async () => {
  const schema = JSON.parse(
    Deno.readTextFileSync(new URL("docs/doctor.schema.json", root)),
  );
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validate = ajv.compile(schema);
  const reports: DoctorReport[] = [];
  const good = world();
  const skewed = world({
    livekit: { clockOffsetSeconds: 3600 },
    env: { SECRETS_SOURCE: "vault" },
  });
  try {
    for (
      const env of [
        good.env,
        skewed.env,
        { LIVEKIT_WS_URL: "wss://x.invalid" },
        {},
      ]
    ) {
      const run = await runCli(["doctor", "--json"], env);
      const r = report(run.stdout);
      assert(validate(r), `schema: ${ajv.errorsText(validate.errors)}`);
      assertEquals(run.code, r.ok ? 0 : 1);
      assertEquals(
        r.summary.fail,
        r.checks.filter((c) => c.status === "fail").length,
      );
      reports.push(r);
    }
  } finally {
    await Promise.all([good.close(), skewed.close()]);
  }
  assertEquals(reports.map((r) => r.ok), [true, false, false, false]);
  // The schema is strict enough to refuse what a report must not be.
  const broken = structuredClone(reports[0]!) as unknown as {
    checks: Array<Record<string, unknown>>;
  };
  broken.checks[0]!.status = "error";
  assert(!validate(broken), "schema accepted an unknown status");
  const extra = structuredClone(reports[0]!) as unknown as Record<
    string,
    unknown
  >;
  extra.secret = "x";
  assert(!validate(extra), "schema accepted an unknown field");
});

Deno.test("doctor: exit codes and usage errors", async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [
      ["doctor", "--bogus"],
      2,
      /^doctor: unknown option "--bogus"\n\nUsage: livekit-tavus-edge doctor/,
    ],
    [
      ["doctor", "--timeout", "5"],
      2,
      /--timeout takes milliseconds from 100 to 120000/,
    ],
    [["doctor", "--env-file"], 2, /--env-file needs a value/],
    [["frobnicate"], 2, /^unknown command "frobnicate"/],
    [[], 2, /^no command/],
    [
      ["doctor", "--scenarios", "x.json"],
      2,
      /cannot read --scenarios x\.json: no such file/,
    ],
  ];
  for (const [argv, code, stderr] of cases) {
    const run = await runCli(argv, {});
    assertEquals(run.code, code, argv.join(" "));
    assertMatch(run.stderr, stderr);
    assertEquals(run.stdout, "");
  }
  const help = await runCli(["doctor", "--help"], {});
  assertEquals(help.code, 0);
  assertMatch(help.stdout, /--env-file <file>/);
  // Nothing configured at all: failures, exit 1, and no network request was possible.
  const empty = await runCli(["doctor"], {});
  assertEquals(empty.code, 1);
  assertMatch(lineOf(empty.stdout, "LIVEKIT_API_KEY"), /^fail /);
});

// ---------------------------------------------------------------------------
// The executable, under Deno and Node
// ---------------------------------------------------------------------------

Deno.test("doctor: the executable runs under Deno (deno task doctor) and Node (npx)", async () => {
  const w = world({ livekit: { keys: { APIsomeoneelse: SECRETS.LIVEKIT_API_SECRET } } });
  const node = await compileForNode();
  const dir = await Deno.makeTempDir({ prefix: "doctor-env-" });
  try {
    // The settings in an env file, as `supabase secrets set --env-file` takes them.
    const envFile = `${dir}/functions.env`;
    await Deno.writeTextFile(
      envFile,
      Object.entries(w.env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n",
    );
    const denoArgs = [
      "run",
      "--quiet",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      new URL("js/src/doctor/bin.ts", root).pathname,
    ];
    const runs = {
      deno: await runProcess(Deno.execPath(), [...denoArgs, "doctor", "--env-file", envFile], {}),
      node: await runProcess("node", [node.bin, "doctor", "--env-file", envFile], {}),
    };
    for (const [runtime, run] of Object.entries(runs)) {
      assertEquals(run.code, 1, `${runtime}: ${run.stdout}${run.stderr}`);
      assertEquals(run.stderr, "", runtime);
      assert(!run.stdout.includes(String.fromCharCode(27)), `${runtime}: colour on a pipe`);
      assertMatch(
        lineOf(run.stdout, "LiveKit server API"),
        /^fail +LiveKit server API +LiveKit does not know LIVEKIT_API_KEY {2}→ copy/,
        runtime,
      );
      assertMatch(lineOf(run.stdout, "LIVEKIT_API_SECRET"), /set \(\/.*functions\.env\)$/, runtime);
      assertMatch(lineOf(run.stdout, "Tavus API key"), /^ok /, runtime);
    }
    // Both runtimes print the same table (the ports and file name are the same too).
    assertEquals(runs.deno.stdout, runs.node.stdout);

    const json = await runProcess("node", [node.bin, "doctor", "--json"], w.env);
    assertEquals(json.code, 1);
    assertEquals(
      report(json.stdout).checks.find((c) => c.id === "livekit.server_api")?.code,
      "DOCTOR_LIVEKIT_UNKNOWN_KEY",
    );
    // Node's fetch (undici) fails differently from Deno's: the same kinds must come out.
    const tls = startUntrustedTls(await selfSignedCertificate());
    try {
      const cases: Array<[string, string]> = [
        ["wss://livekit-doctor-test.invalid", "DOCTOR_LIVEKIT_DNS"],
        [`ws://127.0.0.1:${closedPort()}`, "DOCTOR_LIVEKIT_REFUSED"],
        [tls.url.replace("https", "wss"), "DOCTOR_LIVEKIT_TLS"],
      ];
      for (const [wsUrl, code] of cases) {
        const run = await runProcess("node", [node.bin, "doctor", "--json"], {
          ...w.env,
          LIVEKIT_WS_URL: wsUrl,
        });
        assertEquals(check(report(run.stdout), "livekit.server_api").code, code, `node ${wsUrl}`);
      }
    } finally {
      await tls.close();
    }
    const usage = await runProcess("node", [node.bin, "doctor", "--nope"], {});
    assertEquals(usage.code, 2);
    assertMatch(usage.stderr, /unknown option "--nope"/);
    assertEquals(w.livekit.requests.length, 3);
  } finally {
    await Promise.all([w.close(), node.remove(), Deno.remove(dir, { recursive: true })]);
  }
});

// ---------------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------------

Deno.test("doctor: transport errors of Deno and Node are told apart", () => {
  const cause = (code: string | undefined, message: string) =>
    new TypeError("fetch failed", {
      cause: Object.assign(new Error(message), code ? { code } : {}),
    });
  const cases: Array<[unknown, string]> = [
    // Node (undici) errors
    [cause("ENOTFOUND", "getaddrinfo ENOTFOUND livekit.invalid"), "dns"],
    [cause("EAI_AGAIN", "getaddrinfo EAI_AGAIN livekit.example"), "dns"],
    [cause("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:9"), "refused"],
    [cause("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"), "tls"],
    [
      cause(
        "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        "unable to verify the first certificate",
      ),
      "tls",
    ],
    [
      cause(
        "ERR_TLS_CERT_ALTNAME_INVALID",
        "Hostname/IP does not match certificate's altnames",
      ),
      "tls",
    ],
    [cause("CERT_HAS_EXPIRED", "certificate has expired"), "tls"],
    [cause("UND_ERR_CONNECT_TIMEOUT", "Connect Timeout Error"), "timeout"],
    [cause("ECONNRESET", "other side closed"), "network"],
    // Deno errors
    [
      cause(
        undefined,
        "client error (Connect): dns error: failed to lookup address information: Name or service not known",
      ),
      "dns",
    ],
    [
      cause(
        undefined,
        "client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
      "refused",
    ],
    [
      cause(
        undefined,
        "client error (Connect): invalid peer certificate: UnknownIssuer",
      ),
      "tls",
    ],
    [
      Object.assign(new DOMException("signal timed out", "TimeoutError")),
      "timeout",
    ],
  ];
  for (const [e, kind] of cases) {
    assertEquals(
      classifyFetchError(e).kind,
      kind,
      String((e as { cause?: Error }).cause?.message ?? e),
    );
  }
});

Deno.test("doctor: LiveKit's 401 texts are read as the server words them", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.c2lnbmF0dXJlc2lnbmF0dXJl";
  const cases: Array<[string, string]> = [
    ["invalid API key: APIxyz", "unknown_key"],
    [
      `{"code":"unauthenticated","msg":"invalid API key: APIxyz"}`,
      "unknown_key",
    ],
    [
      `invalid token: ${jwt}, error: go-jose/go-jose/jwt: validation failed, token is expired (exp)`,
      "token_time",
    ],
    [
      `invalid token: ${jwt}, error: go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)`,
      "token_time",
    ],
    [
      `invalid token: ${jwt}, error: go-jose/go-jose: error in cryptographic primitive`,
      "wrong_secret",
    ],
    [
      `{"code":"unauthenticated","msg":"\\"exp\\" claim timestamp check failed"}`,
      "token_time",
    ],
    [
      `{"code":"unauthenticated","msg":"signature verification failed"}`,
      "wrong_secret",
    ],
    // "exp" inside the echoed token is not a time error.
    [
      `invalid token: eyJleHAiexp.eyJleHAiOjF9exp.c2lnbmF0dXJlexp, error: unexpected`,
      "unknown",
    ],
    ["unauthorized", "unknown"],
  ];
  for (const [body, kind] of cases) {
    assertEquals(classifyUnauthorized(body), kind, body);
  }
});

Deno.test("doctor: the redactor hides secrets in every encoding and any JWT", () => {
  const secret = "s3cr3t+/value?&=ü-0123456789";
  const redact = makeRedactor([secret]);
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(secret)));
  const text = [
    secret,
    encodeURIComponent(secret),
    b64,
    b64.replace(/=+$/, "").replaceAll("+", "-").replaceAll("/", "_"),
    JSON.stringify(secret),
    "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.abcdefghijklmnop",
  ].join(" | ");
  const out = redact(text);
  assert(!/s3cr3t|eyJ/.test(out) && !out.includes(b64.slice(0, 12)), out);
  assertEquals(out.split("[redacted]").length - 1, 6);
});

Deno.test("doctor: every output of these tests was scanned and holds no secret", () => {
  // runCli scans each output as it is made; this test runs last and makes sure the scans happened.
  assert(outputsScanned() >= 80, `only ${outputsScanned()} outputs scanned`);
  // And the scanner does catch a leak (here: a base64url form, and a length).
  let caught = 0;
  for (
    const leak of [
      btoa(SECRETS.LIVEKIT_API_SECRET).replaceAll("+", "-").replaceAll("/", "_")
        .replace(/=+$/, ""),
      `secret is ${SECRETS.TAVUS_API_KEY.length} characters long`,
      encodeURIComponent(SECRETS.SUPABASE_SERVICE_ROLE_KEY),
    ]
  ) {
    try {
      scanForSecrets(leak, "a planted leak");
    } catch {
      caught++;
    }
  }
  assertEquals(caught, 3);
});
