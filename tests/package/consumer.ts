// Type-checked (not run) in the clean Node and Deno projects against the
// installed tarball: the package's declarations must resolve by its name and
// type every option, grant, result and error code, with no lib but ES2022 and
// no @types (the doctor subpath is left out: its declarations use the global
// `fetch` type, from lib DOM or @types/node).
import {
  AccessToken,
  type AccessTokenClaims,
  type AccessTokenOptions,
  type ClaimGrants,
  createAccessToken,
  EdgeError,
  type ErrorCode,
  JobRestartPolicy,
  receiveWebhook,
  RoomAgentDispatch,
  RoomConfiguration,
  type SIPGrant,
  TokenVerifier,
  TrackSource,
  verifyAccessToken,
  type VideoGrant,
  type WebhookEvent,
  type WebhookEventNames,
  WebhookReceiver,
} from "livekit-tavus-edge";
import { type ConfigReport, validateConfig } from "livekit-tavus-edge/avatar";

const options: AccessTokenOptions = {
  identity: "ada",
  ttl: "10m",
  video: { roomJoin: true, room: "demo", canPublishSources: ["camera"] },
  currentDate: new Date(0),
};
const token: string = createAccessToken("devkey", "secret", options);
const claims: AccessTokenClaims = verifyAccessToken(token, { devkey: "secret" }, { leeway: 10 });
const room: string | undefined = claims.video?.room;
const event: WebhookEvent = receiveWebhook("{}", null, { devkey: "secret" }, { maxAge: 300 });
const report: ConfigReport = validateConfig({});
const configured: boolean = report.livekit_configured;

function codeOf(e: unknown): ErrorCode | undefined {
  return e instanceof EdgeError ? e.code : undefined;
}
const expired: ErrorCode = "ERR_TOKEN_EXPIRED";

// @ts-expect-error: not an error code
const wrong: ErrorCode = "ERR_NOT_A_CODE";
// @ts-expect-error: canPublish is a boolean
const badGrant: AccessTokenOptions = { video: { canPublish: "yes" } };

// livekit-server-sdk's classes, as its README and tests use them.
async function sdkStyle(body: string, authorization: string | undefined) {
  const at = new AccessToken("api-key", "secret-key", { identity: "user-name", ttl: 600 });
  at.addGrant({ roomJoin: true, room: "name-of-room", canPublish: false, canSubscribe: true });
  at.addGrant({ canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE] });
  at.addSIPGrant({ admin: true } satisfies SIPGrant);
  at.addInferenceGrant({ perform: true });
  at.addObservabilityGrant({ write: true });
  at.name = "User";
  at.metadata = "{}";
  at.attributes = { team: "blue" };
  at.kind = "agent";
  at.sha256 = undefined;
  at.roomConfig = new RoomConfiguration({
    maxParticipants: 10,
    agents: [
      new RoomAgentDispatch({
        agentName: "agent1",
        metadata: "m",
        restartPolicy: JobRestartPolicy.JRP_NEVER,
      }),
    ],
  });
  const ttl: number | string = at.ttl;
  const identity: string | undefined = at.identity;
  const jwt: Promise<string> = at.toJwt();
  const grants: ClaimGrants = await new TokenVerifier("api-key", "secret-key").verify(await jwt);
  const tolerant: ClaimGrants = await new TokenVerifier("k", "s").verify(await jwt, "1m");
  const receiver = new WebhookReceiver("apikey", "apisecret");
  const received: WebhookEvent = await receiver.receive(body, authorization);
  const name: WebhookEventNames | string = received.event;
  const skipped: WebhookEvent = await receiver.receive(body, undefined, true, 10);
  const video: VideoGrant | undefined = grants.video;
  return [ttl, identity, tolerant, name, skipped, video];
}

// @ts-expect-error: toJwt() is asynchronous, as in livekit-server-sdk
const notAString: string = new AccessToken("k", "s").toJwt();
// @ts-expect-error: verify() is asynchronous, as in livekit-server-sdk
const notClaims: ClaimGrants = new TokenVerifier("k", "s").verify("t");
// @ts-expect-error: canPublishSources takes TrackSource values or their names
const badSource: VideoGrant = { canPublishSources: ["webcam"] };

export {
  badGrant,
  badSource,
  codeOf,
  configured,
  event,
  expired,
  notAString,
  notClaims,
  room,
  sdkStyle,
  wrong,
};
