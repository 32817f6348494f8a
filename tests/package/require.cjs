// CommonJS users of livekit-server-sdk switch with `require`: Node >= 20.19 and
// Bun load this ES-module package through require() (no top-level await in
// it). Runs in the clean projects (scripts/test-package.sh); prints
// `require-<runtime>: N passed, N failed`. Usage: <runtime> require.cjs <runtime>
const { AccessToken, TokenVerifier, WebhookReceiver, EdgeError } = require("livekit-tavus-edge");
const { validateConfig } = require("livekit-tavus-edge/avatar");

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    const failure = await fn();
    if (failure) throw new Error(failure);
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

(async () => {
  await check("mint and verify through require()", async () => {
    const at = new AccessToken("api-key", "secret-key", { identity: "user-name" });
    at.addGrant({ roomJoin: true, room: "name-of-room" });
    const grants = await new TokenVerifier("api-key", "secret-key").verify(await at.toJwt());
    return grants.sub === "user-name" && grants.video.room === "name-of-room"
      ? null
      : JSON.stringify(grants);
  });
  await check("refusals are the same EdgeError class", async () => {
    try {
      await new WebhookReceiver("apikey", "apisecret").receive("{}");
    } catch (e) {
      return e instanceof EdgeError && e.code === "ERR_WEBHOOK_AUTH_MISSING" ? null : String(e);
    }
    return "accepted a webhook without Authorization";
  });
  await check(
    "the avatar subpath through require()",
    () => Array.isArray(validateConfig({}).problems) ? null : "no report",
  );
  console.log(`require-${process.argv[2]}: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
})();
