// Type-checked (not run) in the clean Node and Deno projects against the
// installed tarball: the package's declarations must resolve by its name and
// type every option, grant, result and error code.
import {
  type AccessTokenClaims,
  type AccessTokenOptions,
  createAccessToken,
  EdgeError,
  type ErrorCode,
  receiveWebhook,
  verifyAccessToken,
  type WebhookEvent,
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

export { badGrant, codeOf, configured, event, expired, room, wrong };
