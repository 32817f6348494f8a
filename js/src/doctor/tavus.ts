/**
 * The Tavus checks: the API key, and for every enabled scenario its replica
 * (exists, trained) and its persona (exists; in direct mode, set up for the
 * LiveKit transport with `pipeline_mode: "echo"`).
 *
 * @module
 */
import { line } from "./check.ts";
import { describeFailure, parseJson, request } from "./net.ts";
import type { CheckResult, CheckStatus } from "./types.ts";

/** The fields of a scenario the Tavus checks read. */
export interface ScenarioRef {
  scenario_id: string;
  replica_id: string;
  persona_id?: string | null;
}

/** What the Tavus checks need. */
export interface TavusCheckInput {
  apiKey: string;
  /** `TAVUS_API_URL` (default `https://tavusapi.com`), without a trailing slash. */
  baseUrl: string;
  /** `direct`, `agent` or `none`. */
  avatarMode: string;
  /** Enabled scenarios; `null` when they could not be read. */
  scenarios: ScenarioRef[] | null;
  fetch: typeof fetch;
  timeoutMs: number;
}

type Answer = { status: number; json: unknown; text: string; headers: Headers };

function check(
  id: string,
  title: string,
  status: CheckStatus,
  code: string | null,
  found: string,
  fix: string | null,
): CheckResult {
  return line("tavus", id, title, status, code, found, fix);
}

/** Tavus' error text: `error` or `message` (both are used). */
function tavusError(json: unknown): string {
  const o = json as { error?: unknown; message?: unknown } | null | undefined;
  const v = typeof o?.error === "string"
    ? o.error
    : typeof o?.message === "string"
    ? o.message
    : "";
  return v.slice(0, 120);
}

/**
 * A persona from either documented shape: `{data: [persona]}` or the persona itself.
 *
 * @example
 * ```ts
 * personaFromBody({ data: [{ persona_id: "p1", pipeline_mode: "echo" }] })?.pipeline_mode; // "echo"
 * ```
 */
export function personaFromBody(json: unknown): Record<string, unknown> | null {
  if (!json || typeof json !== "object" || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.data)) {
    const first = o.data[0];
    return first && typeof first === "object" ? first as Record<string, unknown> : null;
  }
  if (o.data && typeof o.data === "object") {
    return o.data as Record<string, unknown>;
  }
  return o;
}

/**
 * Runs the Tavus checks; one result for the key, then one per distinct
 * replica and persona of the scenarios.
 *
 * @example
 * ```ts
 * const results = await checkTavus({ apiKey, baseUrl: "https://tavusapi.com", avatarMode: "direct",
 *   scenarios: [{ scenario_id: "demo", replica_id: "r123", persona_id: "p456" }], fetch, timeoutMs: 5000 });
 * ```
 */
export async function checkTavus(
  input: TavusCheckInput,
): Promise<CheckResult[]> {
  const headers = { "x-api-key": input.apiKey, "accept": "application/json" };
  const get = async (path: string): Promise<Answer | { fail: CheckResult }> => {
    const url = `${input.baseUrl}${path}`;
    const a = await request(
      input.fetch,
      url,
      { method: "GET", headers },
      input.timeoutMs,
    );
    if ("failure" in a) {
      const d = describeFailure(
        a.failure,
        "Tavus",
        url,
        "TAVUS_API_URL (default https://tavusapi.com)",
      );
      return {
        fail: check(
          "tavus.api_key",
          "Tavus API key",
          "fail",
          d.code,
          d.found,
          d.fix,
        ),
      };
    }
    return { ...a, json: parseJson(a.text) };
  };

  const results: CheckResult[] = [];
  const key = await get("/v2/replicas?limit=1");
  if ("fail" in key) return [key.fail];
  if (key.status === 401 || key.status === 403) {
    return [check(
      "tavus.api_key",
      "Tavus API key",
      "fail",
      "DOCTOR_TAVUS_UNAUTHORIZED",
      `Tavus refused TAVUS_API_KEY (${key.status}${
        tavusError(key.json) ? `: ${tavusError(key.json)}` : ""
      })`,
      "copy the key again from the Tavus developer portal (API Keys) and set TAVUS_API_KEY",
    )];
  }
  if (key.status !== 200 || !key.json || typeof key.json !== "object") {
    return [check(
      "tavus.api_key",
      "Tavus API key",
      "fail",
      key.status === 429 ? "DOCTOR_TAVUS_RATE_LIMITED" : "DOCTOR_TAVUS_HTTP",
      `GET /v2/replicas answered ${key.status}${
        tavusError(key.json) ? `: ${tavusError(key.json)}` : ""
      }`,
      key.status === 429
        ? "wait a minute and run the doctor again"
        : key.status >= 500
        ? "retry later; if it persists, see Tavus' status page"
        : "check TAVUS_API_URL: it must be Tavus' API base (default https://tavusapi.com)",
    )];
  }
  const total = (key.json as { total_count?: unknown }).total_count;
  results.push(check(
    "tavus.api_key",
    "Tavus API key",
    "ok",
    null,
    `key accepted${
      typeof total === "number" ? ` (${total} replica${total === 1 ? "" : "s"} on the account)` : ""
    }`,
    null,
  ));

  if (input.avatarMode === "none") {
    results.push(check(
      "tavus.scenarios",
      "Tavus replicas and personas",
      "skip",
      null,
      "AVATAR_MODE=none: no avatar joins, replicas and personas are not used",
      null,
    ));
    return results;
  }
  if (input.scenarios === null) {
    results.push(check(
      "tavus.scenarios",
      "Tavus replicas and personas",
      "skip",
      null,
      "no scenarios could be read (see the database checks)",
      null,
    ));
    return results;
  }

  const replicas = new Map<string, string[]>();
  const personas = new Map<string, string[]>();
  for (const s of input.scenarios) {
    replicas.set(s.replica_id, [
      ...(replicas.get(s.replica_id) ?? []),
      s.scenario_id,
    ]);
    if (s.persona_id) {
      personas.set(s.persona_id, [
        ...(personas.get(s.persona_id) ?? []),
        s.scenario_id,
      ]);
    } else if (input.avatarMode === "direct") {
      results.push(check(
        `tavus.persona.${s.scenario_id}`,
        `persona of ${s.scenario_id}`,
        "fail",
        "DOCTOR_TAVUS_NO_PERSONA",
        `scenario ${s.scenario_id} has no persona_id; direct mode needs a persona with the LiveKit transport`,
        `create a persona with pipeline_mode "echo" and layers.transport.transport_type "livekit" (POST /v2/personas) and set it as persona_id of ${s.scenario_id} in avatar_configs`,
      ));
    }
  }

  const checks = [
    ...[...replicas].map(([id, used]) => replicaCheck(get, id, used)),
    ...[...personas].map(([id, used]) => personaCheck(get, id, used, input.avatarMode)),
  ];
  results.push(...await Promise.all(checks));
  return results;
}

function usedBy(scenarios: string[]): string {
  return scenarios.join(", ");
}

/**
 * `GET /v2/{kind}s/{id}`: the object, or the line to print when Tavus has no
 * such object (400/404) or the answer is unusable.
 */
async function getOne(
  get: (path: string) => Promise<Answer | { fail: CheckResult }>,
  kind: "replica" | "persona",
  id: string,
  cid: string,
  title: string,
  missingFix: string,
  pick: (json: unknown) => Record<string, unknown> | null,
): Promise<{ line: CheckResult } | { obj: Record<string, unknown> }> {
  const a = await get(`/v2/${kind}s/${encodeURIComponent(id)}`);
  if ("fail" in a) return { line: { ...a.fail, id: cid, title } };
  if (a.status === 400 || a.status === 404) {
    const why = tavusError(a.json);
    return {
      line: check(
        cid,
        title,
        "fail",
        `DOCTOR_TAVUS_${kind.toUpperCase()}_MISSING`,
        `Tavus has no ${kind} ${id} on this account (${a.status}${why ? `: ${why}` : ""})`,
        missingFix,
      ),
    };
  }
  const obj = a.status === 200 ? pick(a.json) : null;
  if (!obj) {
    return {
      line: check(
        cid,
        title,
        "fail",
        "DOCTOR_TAVUS_HTTP",
        `GET /v2/${kind}s/${id} answered ${a.status}${
          a.status === 200 ? ` without a ${kind}` : ""
        }`,
        "run the doctor again; if it persists, see Tavus' status page",
      ),
    };
  }
  return { obj };
}

async function replicaCheck(
  get: (path: string) => Promise<Answer | { fail: CheckResult }>,
  id: string,
  scenarios: string[],
): Promise<CheckResult> {
  const cid = `tavus.replica.${id}`;
  const title = `replica ${id} (${usedBy(scenarios)})`;
  const setFix = `set replica_id of ${
    usedBy(scenarios)
  } in avatar_configs to a replica listed by GET /v2/replicas`;
  const got = await getOne(
    get,
    "replica",
    id,
    cid,
    title,
    setFix,
    (j) => j && typeof j === "object" && !Array.isArray(j) ? j as Record<string, unknown> : null,
  );
  if ("line" in got) return got.line;
  const r = got.obj as {
    status?: unknown;
    replica_name?: unknown;
    training_progress?: unknown;
  };
  const name = typeof r.replica_name === "string" ? ` "${r.replica_name.slice(0, 60)}"` : "";
  if (r.status === "completed") {
    return check(
      cid,
      title,
      "ok",
      null,
      `replica${name} is trained and ready`,
      null,
    );
  }
  if (r.status === "started") {
    const progress = typeof r.training_progress === "string" ||
        typeof r.training_progress === "number"
      ? ` (${String(r.training_progress).slice(0, 16)})`
      : "";
    return check(
      cid,
      title,
      "warn",
      "DOCTOR_TAVUS_REPLICA_TRAINING",
      `replica${name} is still training${progress}: conversations with it fail until it is done`,
      "wait for training to complete (usually a few hours), then run the doctor again",
    );
  }
  if (r.status === "error") {
    return check(
      cid,
      title,
      "fail",
      "DOCTOR_TAVUS_REPLICA_ERROR",
      `replica${name} failed training`,
      `train the replica again in Tavus, or ${setFix}`,
    );
  }
  return check(
    cid,
    title,
    "warn",
    "DOCTOR_TAVUS_REPLICA_STATUS",
    `replica${name} has status ${JSON.stringify(String(r.status)).slice(0, 40)}`,
    "check the replica in the Tavus portal",
  );
}

async function personaCheck(
  get: (path: string) => Promise<Answer | { fail: CheckResult }>,
  id: string,
  scenarios: string[],
  avatarMode: string,
): Promise<CheckResult> {
  const cid = `tavus.persona.${id}`;
  const title = `persona ${id} (${usedBy(scenarios)})`;
  const createFix =
    `create a persona with pipeline_mode "echo" and layers.transport.transport_type "livekit" (POST /v2/personas) and set it as persona_id of ${
      usedBy(scenarios)
    } in avatar_configs`;
  const got = await getOne(
    get,
    "persona",
    id,
    cid,
    title,
    createFix,
    personaFromBody,
  );
  if ("line" in got) return got.line;
  const persona = got.obj;
  const layers = persona.layers as
    | { transport?: { transport_type?: unknown } }
    | undefined;
  const transport = layers?.transport?.transport_type;
  const pipeline = persona.pipeline_mode;
  const wrong: string[] = [];
  if (transport !== "livekit") {
    wrong.push(
      `layers.transport.transport_type is ${
        transport === undefined ? "not set" : JSON.stringify(String(transport)).slice(0, 30)
      }`,
    );
  }
  if (pipeline !== "echo") {
    wrong.push(
      `pipeline_mode is ${
        pipeline === undefined ? "not set" : JSON.stringify(String(pipeline)).slice(0, 30)
      }`,
    );
  }
  if (wrong.length === 0) {
    return check(
      cid,
      title,
      "ok",
      null,
      "persona exists, LiveKit transport, echo pipeline",
      null,
    );
  }
  const found = `persona exists but ${wrong.join(" and ")} (needs "livekit" and "echo")`;
  if (avatarMode === "direct") {
    return check(
      cid,
      title,
      "fail",
      "DOCTOR_TAVUS_PERSONA_TRANSPORT",
      found,
      createFix,
    );
  }
  return check(
    cid,
    title,
    "warn",
    "DOCTOR_TAVUS_PERSONA_TRANSPORT",
    `${found}; fine if your agent worker uses its own persona`,
    createFix,
  );
}
