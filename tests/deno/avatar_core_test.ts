// The JS faces of the avatar core: scenario validation, Tavus bodies and answers,
// settings; each refusal is an EdgeError with the Rust code.
import { EdgeError } from "livekit-tavus-edge";
import {
  createConversationBody,
  parseConversationResponse,
  parseCreateConversationResponse,
  parseEndConversationResponse,
  parseSettings,
  parseTavusCallback,
  type Scenario,
  scenarioDispatchMetadata,
  tavusConversationPath,
  validateScenario,
} from "livekit-tavus-edge/avatar";
import { assert, assertEquals, assertThrows } from "./assert.ts";

const DEFAULTS: Scenario[] = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../supabase/functions/_shared/default_scenarios.json", import.meta.url),
  ),
);

function code(f: () => unknown): string {
  let got = "";
  assertThrows(f, (e) => {
    assert(e instanceof EdgeError, String(e));
    got = e.code;
  });
  return got;
}

Deno.test("validateScenario: the defaults pass; each broken rule has its code", () => {
  for (const s of DEFAULTS) assertEquals(validateScenario(s).scenario_id, s.scenario_id);
  const base = DEFAULTS[0]!;
  const cases: [Partial<Scenario>, string][] = [
    [{ scenario_id: "Bad Id" }, "ERR_SCENARIO_ID"],
    [{ replica_id: "x123" }, "ERR_SCENARIO_REPLICA"],
    [{ persona_id: "P1" }, "ERR_SCENARIO_PERSONA"],
    [{ language: "en" }, "ERR_SCENARIO_LANGUAGE"],
    [{ prompt: "" }, "ERR_SCENARIO_PROMPT"],
    [{ greeting: "g".repeat(1001) }, "ERR_SCENARIO_GREETING"],
    [{ max_call_duration_seconds: 7200 }, "ERR_SCENARIO_DURATION"],
    [{ agent_name: "no spaces" }, "ERR_SCENARIO_AGENT_NAME"],
  ];
  for (const [edit, want] of cases) {
    assertEquals(code(() => validateScenario({ ...base, ...edit })), want, JSON.stringify(edit));
  }
  // Defaults the table applies are applied here too.
  const minimal = validateScenario({
    scenario_id: "m",
    display_name: "M",
    replica_id: "r12",
    prompt: "p",
  });
  assertEquals([minimal.language, minimal.max_call_duration_seconds, minimal.enabled], [
    "english",
    1800,
    true,
  ]);
});

Deno.test("Tavus: body, answers and paths", () => {
  const s = DEFAULTS[2]!;
  const body = createConversationBody(s, {
    livekitWsUrl: "wss://x.livekit.cloud",
    livekitRoomToken: "t",
  });
  assertEquals(body.properties, {
    max_call_duration: 1200,
    language: "spanish",
    livekit_ws_url: "wss://x.livekit.cloud",
    livekit_room_token: "t",
  });
  assertEquals(body.test_mode, undefined);
  assertEquals(
    code(() => createConversationBody(s, { livekitWsUrl: "https://x", livekitRoomToken: "t" })),
    "ERR_INVALID_OPTION",
  );
  assertEquals(
    parseCreateConversationResponse(200, '{"conversation_id":"cabc12"}', s).conversation_id,
    "cabc12",
  );
  assertEquals(
    code(() =>
      parseCreateConversationResponse(
        400,
        '{"message":"User has reached maximum concurrent conversations"}',
        s,
      )
    ),
    "ERR_TAVUS_CONCURRENCY",
  );
  assertEquals(parseEndConversationResponse(204, ""), "ended");
  assertEquals(
    parseConversationResponse(200, '{"conversation_id":"c12","status":"ended"}').active,
    false,
  );
  assertEquals(
    parseTavusCallback('{"conversation_id":"c12","event_type":"system.shutdown"}')
      .ends_conversation,
    true,
  );
  assertEquals(tavusConversationPath("c12", { end: true }), "/v2/conversations/c12/end");
  assertEquals(code(() => tavusConversationPath("../x")), "ERR_TAVUS_NOT_FOUND");
  const meta = JSON.parse(scenarioDispatchMetadata(s, { sessionId: "s1" }));
  assertEquals([meta.replica_id, meta.session_id, meta.max_call_duration], [
    "rb17cf590e15",
    "s1",
    1200,
  ]);
});

Deno.test("parseSettings: defaults, a bad value falls back and is reported", () => {
  const { settings, report } = parseSettings({ AVATAR_MODE: "video", TOKEN_TTL_SECONDS: "600" });
  assertEquals([settings.avatarMode, settings.tokenTtlSeconds], ["direct", 600]);
  assert(
    report.problems.some((p) => p.variable === "AVATAR_MODE" && p.code === "ERR_CONFIG_INVALID"),
  );
  assertEquals([report.database_configured, report.auth_configured], [false, false]);
});
