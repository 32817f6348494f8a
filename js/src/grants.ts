/**
 * Grant shapes as livekit-server-sdk users write them: the `TrackSource` and
 * `JobRestartPolicy` enums (protobuf numbers) and the `RoomConfiguration` /
 * `RoomAgentDispatch` classes, plus the step that turns them (and
 * `@livekit/protocol` messages) into the plain protobuf-JSON the core reads.
 *
 * @module
 */
import { EdgeError } from "./errors.ts";
import type { RoomAgentDispatchGrant, RoomConfigurationGrant } from "./generated.ts";

/**
 * A track source, numbered as in LiveKit's protocol (`livekit.TrackSource`,
 * the enum livekit-server-sdk re-exports). `video.canPublishSources` takes
 * these numbers or their names (`"camera"`, ...); a minted token always
 * carries the names.
 */
export enum TrackSource {
  /** Not a source a grant can name: refused when minting. */
  UNKNOWN = 0,
  /** A camera. */
  CAMERA = 1,
  /** A microphone. */
  MICROPHONE = 2,
  /** A shared screen. */
  SCREEN_SHARE = 3,
  /** A shared screen's audio. */
  SCREEN_SHARE_AUDIO = 4,
}

/** An agent job's restart policy (`livekit.JobRestartPolicy`). */
export enum JobRestartPolicy {
  /** Restart the job when it fails (the default: left out of a token). */
  JRP_ON_FAILURE = 0,
  /** Never restart the job. */
  JRP_NEVER = 1,
}

/**
 * The fields of a {@linkcode RoomAgentDispatch}: the core's `roomConfig.agents[]`
 * table (generated).
 */
export type RoomAgentDispatchFields = RoomAgentDispatchGrant;

/**
 * The fields of a {@linkcode RoomConfiguration}: the core's `roomConfig` table
 * (generated), with `egress` as any object so that a `@livekit/protocol`
 * `RoomEgress` message fits too.
 */
export type RoomConfigurationFields = Omit<RoomConfigurationGrant, "egress" | "agents"> & {
  /**
   * Automatic egress (protobuf-JSON `livekit.RoomEgress`, or a `RoomEgress`
   * message). Credentials in it are refused unless `allowRoomConfigEgress` is
   * set: every participant can read the token.
   */
  egress?: object;
  /** Agents to dispatch when the room is created. */
  agents?: RoomAgentDispatchFields[];
};

// The classes' fields are their tables' (declaration merging): one list, generated.
export interface RoomAgentDispatch extends RoomAgentDispatchFields {}

/**
 * One agent to dispatch when this participant's join creates the room: the
 * shape of livekit-server-sdk's `RoomAgentDispatch`. A plain object with the
 * same fields is just as good.
 *
 * @example
 * ```ts
 * const at = new AccessToken("devkey", "secret", { identity: "ada" });
 * at.roomConfig = new RoomConfiguration({
 *   agents: [new RoomAgentDispatch({ agentName: "tutor", metadata: '{"lang":"en"}' })],
 * });
 * ```
 */
export class RoomAgentDispatch {
  /** Copies the given fields (only those: nothing else is written to the token). */
  constructor(data?: RoomAgentDispatchFields) {
    copyFields(this, data);
  }
}

export interface RoomConfiguration extends RoomConfigurationFields {}

/**
 * Room configuration used when this participant's join creates the room
 * (protobuf-JSON `livekit.RoomConfiguration`): the shape of
 * livekit-server-sdk's `RoomConfiguration`. A plain object with the same
 * fields, or a `@livekit/protocol` message, is just as good. A minted token
 * carries only the fields set to non-default values.
 *
 * @example
 * ```ts
 * const token = createAccessToken("devkey", "secret", {
 *   identity: "ada",
 *   video: { roomJoin: true, room: "lesson-1" },
 *   roomConfig: new RoomConfiguration({ emptyTimeout: 60, agents: [{ agentName: "tutor" }] }),
 * });
 * ```
 */
export class RoomConfiguration {
  /** Copies the given fields (only those: nothing else is written to the token). */
  constructor(data?: RoomConfigurationFields) {
    copyFields(this, data);
  }
}

/** Copies `data`'s own enumerable fields onto a fresh instance. */
function copyFields(target: object, data: object | undefined): void {
  if (data === undefined || data === null) return;
  if (typeof data !== "object") {
    throw new EdgeError("ERR_INVALID_OPTION", "expected an object of fields");
  }
  Object.assign(target, data);
}

/** A protobuf-es (v1) message, as `@livekit/protocol` builds them. */
interface ProtobufMessage {
  toJson(options?: object): unknown;
}

function isMessage(value: unknown): value is ProtobufMessage {
  return typeof value === "object" && value !== null &&
    typeof (value as { toJson?: unknown }).toJson === "function";
}

/**
 * `roomConfig` as the core reads it: a `@livekit/protocol` message becomes its
 * protobuf-JSON (defaults left out, enums as names); plain objects and this
 * package's classes pass as they are.
 */
function plainRoomConfig(config: unknown): unknown {
  if (isMessage(config)) return config.toJson();
  const agents = (config as { agents?: unknown } | null | undefined)?.agents;
  if (Array.isArray(agents) && agents.some(isMessage)) {
    return {
      ...(config as object),
      agents: agents.map((a) => isMessage(a) ? a.toJson() : a),
    };
  }
  return config;
}

/**
 * A source in `video.canPublishSources` as the core reads it: a
 * {@linkcode TrackSource} number becomes its name (`1` → `"camera"`); other
 * values pass for the core to judge.
 */
function sourceName(source: unknown): unknown {
  if (typeof source !== "number") return source;
  const name = TrackSource[source];
  return name === undefined ? `TrackSource ${source}` : name.toLowerCase();
}

/** What {@linkcode plainGrants} reads and rewrites. */
interface GrantShapes {
  video?: { canPublishSources?: unknown };
  roomConfig?: unknown;
}

/**
 * Token options with SDK-style values made plain for the core: numeric
 * `TrackSource`s named, protobuf messages in `roomConfig` turned into
 * protobuf-JSON. Returns the options themselves when nothing needs changing.
 * Internal to the package.
 *
 * @example
 * ```ts
 * plainGrants({ video: { canPublishSources: [TrackSource.CAMERA] } });
 * // { video: { canPublishSources: ["camera"] } }
 * ```
 */
export function plainGrants<T extends GrantShapes>(options: T): T {
  let out = options;
  const sources = options.video?.canPublishSources;
  if (Array.isArray(sources) && sources.some((s) => typeof s === "number")) {
    out = {
      ...out,
      video: { ...options.video, canPublishSources: sources.map(sourceName) },
    };
  }
  if (typeof options.roomConfig === "object" && options.roomConfig !== null) {
    const roomConfig = plainRoomConfig(options.roomConfig);
    if (roomConfig !== options.roomConfig) out = { ...out, roomConfig };
  }
  return out;
}
