/**
 * The body of LiveKit's standard token endpoint, read strictly. Field names
 * are accepted in protobuf form (`room_name`, what the client SDKs send) and
 * camelCase JSON form (`roomName`), nested ones too. Types and sizes are
 * checked here (400); what the caller may set is decided by the policy in
 * `livekit_token.ts` (403).
 */
import { HttpError } from "./http.ts";

/** Largest participant name, identity or room name, in bytes (LiveKit's limit). */
export const MAX_NAME_BYTES = 256;
/** Largest participant or agent metadata a caller may set, in bytes. */
export const MAX_METADATA_BYTES = 4096;
/** Largest total of participant attributes (keys and values), in bytes. */
export const MAX_ATTRIBUTES_BYTES = 4096;
/** Most participant attributes. */
export const MAX_ATTRIBUTES = 32;
/** Most agent dispatches in `room_config.agents`. */
export const MAX_AGENTS = 4;

/** One agent dispatch the caller asked for. */
export interface AgentRequest {
  agentName: string;
  metadata?: string;
}

/** A parsed token request. */
export interface TokenRequest {
  /** `scenario_id` (the extension field), or undefined for the default. */
  scenarioId?: string;
  roomName?: string;
  identity?: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  /** `room_config.agents`. */
  agents: AgentRequest[];
}

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

function bad(code: string, message: string, status = 400): never {
  throw new HttpError(status, code, message);
}

/**
 * Reads `obj` with its known fields, each under its protobuf and camelCase
 * name. Unknown fields are refused (400 `ERR_UNKNOWN_FIELD`), and so is a field
 * given twice under both names.
 */
function fields(
  obj: Record<string, unknown>,
  known: [proto: string, camel: string][],
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = new Set(known.flat());
  for (const key of Object.keys(obj)) {
    if (!names.has(key)) {
      bad("ERR_UNKNOWN_FIELD", `unknown field ${where}${key}`);
    }
  }
  for (const [proto, camel] of known) {
    const a = obj[proto];
    const b = proto === camel ? undefined : obj[camel];
    if (a !== undefined && b !== undefined) {
      bad("ERR_BAD_FIELD", `${where}${proto} is given twice (as ${proto} and ${camel})`);
    }
    const v = a ?? b;
    if (v !== undefined && v !== null) out[proto] = v;
  }
  return out;
}

function optString(v: unknown, name: string, maxBytes: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string") bad("ERR_BAD_FIELD", `${name} must be a string`);
  if (bytes(v) > maxBytes) bad("ERR_FIELD_TOO_LARGE", `${name} is larger than ${maxBytes} bytes`);
  // Protobuf-JSON leaves empty strings out; treat one as absent.
  return v === "" ? undefined : v;
}

function object(v: unknown, name: string): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    bad("ERR_BAD_FIELD", `${name} must be an object`);
  }
  return v as Record<string, unknown>;
}

/** Control characters are never part of an identity or a name. */
function printable(v: string | undefined, name: string): string | undefined {
  // deno-lint-ignore no-control-regex
  if (v !== undefined && /[\u0000-\u001f\u007f]/.test(v)) {
    bad("ERR_BAD_FIELD", `${name} contains control characters`);
  }
  return v;
}

/**
 * Parses the request body (and `?scenario_id=` for clients that cannot add
 * body fields, such as `TokenSource.endpoint`).
 */
export function parseTokenRequest(
  body: Record<string, unknown>,
  query: URLSearchParams,
): TokenRequest {
  const f = fields(body, [
    ["room_name", "roomName"],
    ["participant_identity", "participantIdentity"],
    ["participant_name", "participantName"],
    ["participant_metadata", "participantMetadata"],
    ["participant_attributes", "participantAttributes"],
    ["room_config", "roomConfig"],
    ["scenario_id", "scenarioId"],
  ], "");
  const fromQuery = query.get("scenario_id") ?? undefined;
  if (fromQuery !== undefined && f.scenario_id !== undefined && fromQuery !== f.scenario_id) {
    bad("ERR_BAD_FIELD", "scenario_id differs between the URL and the body");
  }
  const req: TokenRequest = {
    scenarioId: optString(f.scenario_id ?? fromQuery, "scenario_id", 64),
    roomName: printable(optString(f.room_name, "room_name", MAX_NAME_BYTES), "room_name"),
    identity: printable(
      optString(f.participant_identity, "participant_identity", MAX_NAME_BYTES),
      "participant_identity",
    ),
    name: printable(
      optString(f.participant_name, "participant_name", MAX_NAME_BYTES),
      "participant_name",
    ),
    metadata: optString(f.participant_metadata, "participant_metadata", MAX_METADATA_BYTES),
    agents: [],
  };
  if (f.participant_attributes !== undefined) {
    const attrs = object(f.participant_attributes, "participant_attributes");
    const entries = Object.entries(attrs);
    if (entries.length > MAX_ATTRIBUTES) {
      bad("ERR_FIELD_TOO_LARGE", `participant_attributes has more than ${MAX_ATTRIBUTES} entries`);
    }
    let total = 0;
    for (const [k, v] of entries) {
      if (typeof v !== "string" || k === "") {
        bad("ERR_BAD_FIELD", "participant_attributes must map non-empty names to strings");
      }
      if (k.toLowerCase().startsWith("lk.")) {
        bad(
          "ERR_FIELD_NOT_ALLOWED",
          `participant_attributes.${k}: lk.* attributes are reserved for LiveKit`,
          403,
        );
      }
      total += bytes(k) + bytes(v);
    }
    if (total > MAX_ATTRIBUTES_BYTES) {
      bad("ERR_FIELD_TOO_LARGE", `participant_attributes exceed ${MAX_ATTRIBUTES_BYTES} bytes`);
    }
    if (entries.length > 0) req.attributes = attrs as Record<string, string>;
  }
  if (f.room_config !== undefined) {
    const rc = object(f.room_config, "room_config");
    for (const key of Object.keys(rc)) {
      if (key !== "agents") {
        bad(
          "ERR_FIELD_NOT_ALLOWED",
          `room_config.${key} may not be set by the caller (only agent dispatch is accepted)`,
          403,
        );
      }
    }
    const agents = rc.agents ?? [];
    if (!Array.isArray(agents)) bad("ERR_BAD_FIELD", "room_config.agents must be an array");
    if (agents.length > MAX_AGENTS) {
      bad("ERR_FIELD_TOO_LARGE", `room_config.agents has more than ${MAX_AGENTS} entries`);
    }
    agents.forEach((raw: unknown, i: number) => {
      const where = `room_config.agents[${i}].`;
      const a = object(raw, where.slice(0, -1));
      for (const key of Object.keys(a)) {
        if (!["agent_name", "agentName", "metadata"].includes(key)) {
          bad(
            "ERR_FIELD_NOT_ALLOWED",
            `${where}${key} may not be set by the caller (agent_name and metadata only)`,
            403,
          );
        }
      }
      const g = fields(a, [["agent_name", "agentName"], ["metadata", "metadata"]], where);
      const agentName = optString(g.agent_name, `${where}agent_name`, 128);
      if (agentName === undefined) bad("ERR_BAD_FIELD", `${where}agent_name is required`);
      req.agents.push({
        agentName,
        metadata: optString(g.metadata, `${where}metadata`, MAX_METADATA_BYTES),
      });
    });
  }
  return req;
}
