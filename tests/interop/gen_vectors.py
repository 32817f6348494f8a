#!/usr/bin/env python3
"""Writes tests/vectors/*.json (format: see docs/testing.md, "Test vectors and interop").

Size limits (1 MiB tokens, 512 KiB metadata, 64 KiB attributes) are tested in
tests/token_limits.rs and the Deno suite instead, to keep these files small.

Expected values are computed here independently of the Rust core: tokens are
signed with Python's `hmac`, payload bytes are written by hand, SDK tokens are
minted by the real SDKs (PyPI livekit-api in .venv, npm livekit-server-sdk in
tools/node_modules). Run with .venv/bin/python from the repository root; the
files change only where an SDK mints with the current time.

    .venv/bin/python tests/interop/gen_vectors.py
"""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "vectors")
sys.path.insert(0, ROOT)

from livekit import api  # noqa: E402  (PyPI livekit-api)
from livekit.protocol.room import RoomConfiguration  # noqa: E402
from livekit.protocol.agent_dispatch import RoomAgentDispatch  # noqa: E402
import jwt as pyjwt  # noqa: E402  (PyJWT, the Python SDK's JWT library)


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


HS256 = b'{"alg":"HS256","typ":"JWT"}'


def jws(header: bytes, payload: bytes, secret: bytes) -> str:
    signing_input = f"{b64u(header)}.{b64u(payload)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64u(mac)}"


def jws_segments(header: str, payload: str, secret: bytes) -> str:
    """Signs already-encoded segments (for malformed-encoding cases)."""
    signing_input = f"{header}.{payload}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64u(mac)}"


def body_hash(body: str) -> str:
    return base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()


def claims_of(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def node(script: str) -> str:
    env = dict(os.environ, NODE_PATH=os.path.join(ROOT, "tools", "node_modules"))
    return subprocess.run(
        ["node", "--input-type=module", "-e", script],
        capture_output=True, text=True, check=True, env=env, cwd=os.path.join(ROOT, "tools"),
    ).stdout.strip()


def case(name, kind, input_, expect):
    return {"name": name, "kind": kind, "input": input_, "expect": expect}


def write(name, description, source, cases):
    path = os.path.join(OUT, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"description": description, "source": source, "cases": cases}, f,
                  indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"{name}: {len(cases)} cases")


NOW = 1_700_000_000
K, S = "APIkey1", "a-test-secret-of-at-least-32-bytes!!"
KEYS = {K: S}

# --- RFC 7515 ---------------------------------------------------------------

rfc7515_key = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
rfc7515_input = ("eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkz"
                 "ODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ")
write("rfc7515.json", "RFC 7515 (JWS) appendix A examples",
      "RFC 7515 appendix A.1 (HMAC SHA-256 JWS) and A.5 (unsecured JWS), copied from the RFC",
      [
          case("A.1 HS256 signature", "hs256",
               {"keyB64url": rfc7515_key, "signingInput": rfc7515_input},
               {"signatureB64url": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"}),
          case("A.5 unsecured JWS (alg none) is refused", "verify",
               {"token": "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.",
                "keys": {"joe": "any-secret"}, "now": 1300819000},
               {"error": "ERR_TOKEN_ALGORITHM"}),
      ])

# --- RFC 7520 ---------------------------------------------------------------

write("rfc7520.json", "RFC 7520 (JOSE cookbook) section 4.4, HMAC-SHA2 integrity protection",
      "RFC 7520 §4.4: key hJtXIZ2u… (kid 018c0ae5-…), header {\"alg\":\"HS256\",\"kid\":…}, the "
      "Frodo payload; signature copied from the RFC",
      [
          case("4.4 HS256 compact signature", "hs256",
               {"keyB64url": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg",
                "signingInput": "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9"
                                ".SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4"},
               {"signatureB64url": "s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0"}),
      ])

# --- official LiveKit SDK vectors -------------------------------------------

RUST_SDK_TOKEN = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJuYW1lIjoibmFtZSIsInZpZGVvIjp7InJvb21Kb2luIjp0cnVlLCJyb29tIjoibXktcm9vbSIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaERhdGEiOnRydWV9LCJyb29tQ29uZmlnIjp7ImFnZW50cyI6W3siYWdlbnROYW1lIjoidGVzdC1hZ2VudCIsIm1ldGFkYXRhIjoidGVzdC1tZXRhZGF0YSJ9XX0sInN1YiI6ImlkZW50aXR5IiwiaXNzIjoibXlhcGlrZXkiLCJuYmYiOjE3NDE4Njk2NzksImV4cCI6MTc0MTg5MTI3OX0"
                  ".9_eOcZ1RNaRXxwdU36LTYoxsHtv_IhfhLk-kTd8MDY4")
RUST_KEYS = {"myapikey": "thiskeyistotallyunsafe"}
rust_claims = claims_of(RUST_SDK_TOKEN)

GO_KEY, GO_SECRET = "APID3B67uxk4Nj2GKiRPibAZ9", "YHC-CUhbQhGeVCaYgn1BNA++"
GO_TOKEN = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE2MDg5MzAzMDgsImlzcyI6IkFQSUQzQjY3dXhrNE5qMkdLaVJQaWJBWjkiLCJuYmYiOjE2MDg5MjY3MDgsInJvb21fam9pbiI6dHJ1ZSwicm9vbV9zaWQiOiJteWlkIiwic3ViIjoiQVBJRDNCNjd1eGs0TmoyR0tpUlBpYkFaOSJ9"
            ".cmHEBq0MLyRqphmVLM2cLXg5ao5Sro7am8yXhcYKcwE")
GO_KEYS = {GO_KEY: GO_SECRET}


def go_signed(claims: dict) -> str:
    # protocol auth/verifier_test.go builds these with golang-jwt (HS256); PyJWT writes the same JWS.
    return pyjwt.encode(claims, GO_SECRET, algorithm="HS256")


go_now = 1_741_000_000
go_future = {
    "iss": GO_KEY, "sub": "me", "nbf": go_now, "exp": go_now + 60,
    "someFutureGrant": {"enabled": True},
    "video": {"roomJoin": True, "room": "myroom", "someFutureVideoField": "future-value"},
    "roomConfig": {"name": "myroom", "someFutureRoomConfigField": "future-value"},
}
go_nil_permissions = {"iss": GO_KEY, "nbf": go_now, "exp": go_now + 21600,
                      "video": {"roomJoin": True, "room": "myroom", "canPublishData": False}}
go_metadata = {"iss": GO_KEY, "nbf": go_now, "exp": go_now + 21600,
               "video": {"roomAdmin": True, "room": "myroom"},
               "metadata": '{"number":3,"user":"value"}',
               "attributes": {"mykey": "myval", "secondkey": "secondval"}}

# Python SDK tokens with every grant type it supports.
py_token = (api.AccessToken("pykey", "a-python-sdk-secret-of-32-bytes-plus")
            .with_identity("py-user").with_name("Py User").with_kind("agent")
            .with_metadata('{"role":"tutor"}').with_attributes({"lk.publish_on_behalf": "user-1"})
            .with_grants(api.VideoGrants(room_join=True, room="py-room", can_publish_sources=["camera", "microphone"],
                                         can_update_own_metadata=True, agent=True))
            .with_sip_grants(api.SIPGrants(admin=True, call=False))
            .with_agent_grants(api.AgentGrants(admin=True, simulation_admin=True))
            .with_inference_grants(api.InferenceGrants(perform=True))
            .with_observability_grants(api.ObservabilityGrants(write=True))
            .with_room_preset("preset-1")
            .with_room_config(RoomConfiguration(name="py-room", empty_timeout=30, max_participants=3,
                                                agents=[RoomAgentDispatch(agent_name="tutor", metadata='{"lang":"en"}')]))
            .to_jwt())
py_claims = claims_of(py_token)

# Node SDK token (AccessToken.test.ts "can decode encoded token").
node_token = node("""
import { AccessToken } from 'livekit-server-sdk';
const t = new AccessToken('abcdefg', 'abababa');
t.sha256 = 'abcdefg';
t.kind = 'agent';
t.addGrant({ roomCreate: true });
t.attributes = { foo: 'bar', live: 'kit' };
console.log(await t.toJwt());
""")
node_claims = claims_of(node_token)
node_no_exp = node("""
import * as jose from 'jose';
const secret = new TextEncoder().encode('abababa');
console.log(await new jose.SignJWT({ video: { roomCreate: true } })
  .setProtectedHeader({ alg: 'HS256' }).setIssuer('abcdefg').setSubject('me')
  .setNotBefore(1700000000).sign(secret));
""")

# Webhook bodies from the SDK tests.
NODE_BODY = ('{"event":"room_started", "room":{"sid":"RM_TkVjUvAqgzKz", "name":"mytestroom", "emptyTimeout":300, '
             '"creationTime":"1628545903", "turnPassword":"ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N", '
             '"enabledCodecs":[{"mime":"audio/opus"}, {"mime":"video/VP8"}]}}')
NODE_SHA = "CoEQz1chqJ9bnZRcORddjplkvpjmPujmLTR42DbefYI="
assert body_hash(NODE_BODY) == NODE_SHA
node_webhook_token = node(f"""
import {{ AccessToken }} from 'livekit-server-sdk';
const t = new AccessToken('abcdefg', 'abababa');
t.sha256 = '{NODE_SHA}';
console.log(await t.toJwt());
""")
node_webhook_now = claims_of(node_webhook_token)["nbf"]

PY_BODY = """
{
  "event": "room_started",
  "room": {
    "sid": "RM_hycBMAjmt6Ub",
    "name": "Demo Room",
    "emptyTimeout": 300,
    "creationTime": "1692627281",
    "turnPassword": "2Pvdj+/WV1xV4EkB8klJ9xkXDWY=",
    "enabledCodecs": [
      {
        "mime": "audio/opus"
      },
      {
        "mime": "video/H264"
      },
      {
        "mime": "video/VP8"
      },
      {
        "mime": "video/AV1"
      },
      {
        "mime": "video/H264"
      },
      {
        "mime": "audio/red"
      },
      {
        "mime": "video/VP9"
      }
    ]
  },
  "id": "EV_eugWmGhovZmm",
  "createdAt": "1692985556"
}
"""
PY_KEYS = {"myapikey": "thiskeyistotallyunsafe"}


def py_webhook(key, secret, sha):
    t = api.AccessToken(key, secret)
    t.claims.sha256 = sha
    return t.to_jwt()


py_webhook_token = py_webhook("myapikey", "thiskeyistotallyunsafe", body_hash(PY_BODY))
py_webhook_now = claims_of(py_webhook_token)["nbf"]
py_bad_hash_token = py_webhook("myapikey", "thiskeyistotallyunsafe", body_hash("wrong_hash"))
py_invalid_body_token = py_webhook("myapikey", "thiskeyistotallyunsafe", body_hash("invalid body"))
py_bad_key_token = py_webhook("badkey", "badsecret", body_hash(PY_BODY))
py_bad_secret_token = py_webhook("myapikey", "badsecret", body_hash(PY_BODY))

py_event = {
    "event": "room_started",
    "room": {"sid": "RM_hycBMAjmt6Ub", "name": "Demo Room", "emptyTimeout": 300, "creationTime": "1692627281",
             "turnPassword": "2Pvdj+/WV1xV4EkB8klJ9xkXDWY=",
             "enabledCodecs": [{"mime": m} for m in ["audio/opus", "video/H264", "video/VP8", "video/AV1",
                                                      "video/H264", "audio/red", "video/VP9"]]},
    "id": "EV_eugWmGhovZmm", "createdAt": "1692985556",
}
node_event = {
    "event": "room_started",
    "room": {"sid": "RM_TkVjUvAqgzKz", "name": "mytestroom", "emptyTimeout": 300, "creationTime": "1628545903",
             "turnPassword": "ICkSr2rEeslkN6e9bXL4Ji5zzMD5Z7zzr6ulOaxMj6N",
             "enabledCodecs": [{"mime": "audio/opus"}, {"mime": "video/VP8"}]},
}

write("livekit_sdk.json", "Vectors from LiveKit's official SDKs and server library",
      "Rust SDK livekit-token/src/test_token.txt (minted by the Python SDK; key myapikey, secret "
      "thiskeyistotallyunsafe, roomConfig agent dispatch; this copy expires 2025-03-13, so `now` is inside its "
      "window); protocol auth/verifier_test.go (its token verbatim; its hand-rolled cases re-signed here with PyJWT "
      "as golang-jwt would); Node SDK AccessToken.test.ts and WebhookReceiver.test.ts (body and hash verbatim, "
      "tokens minted by npm livekit-server-sdk 2.19.2); Python SDK tests/api/test_webhook.py (body verbatim, "
      "tokens minted by PyPI livekit-api 1.2.2, as that test does); a Python SDK token with every grant it supports",
      [
          case("rust sdk test_token.txt (python-minted, agent dispatch)", "verify",
               {"token": RUST_SDK_TOKEN, "keys": RUST_KEYS, "now": 1741869679 + 30},
               {"claims": rust_claims}),
          case("rust sdk token after exp + leeway", "verify",
               {"token": RUST_SDK_TOKEN, "keys": RUST_KEYS, "now": 1741891279 + 60},
               {"error": "ERR_TOKEN_EXPIRED"}),
          case("rust sdk token inside the leeway", "verify",
               {"token": RUST_SDK_TOKEN, "keys": RUST_KEYS, "now": 1741891279 + 59},
               {"claims": rust_claims}),
          case("rust sdk token, incorrect secret", "verify",
               {"token": RUST_SDK_TOKEN, "keys": {"myapikey": "incorrect"}, "now": 1741869679},
               {"error": "ERR_TOKEN_SIGNATURE"}),
          case("rust sdk token, incorrect issuer", "verify",
               {"token": RUST_SDK_TOKEN, "keys": {"incorrect": "thiskeyistotallyunsafe"}, "now": 1741869679},
               {"error": "ERR_TOKEN_UNKNOWN_KEY"}),
          case("go verifier_test: token verifies inside its window", "verify",
               {"token": GO_TOKEN, "keys": GO_KEYS, "now": 1608926708 + 10},
               {"claims": {"exp": 1608930308, "iss": GO_KEY, "nbf": 1608926708, "sub": GO_KEY}}),
          case("go verifier_test: key has expired", "verify",
               {"token": GO_TOKEN, "keys": GO_KEYS, "now": 1700000000},
               {"error": "ERR_TOKEN_EXPIRED"}),
          case("go verifier_test: cannot decode with incorrect key", "verify",
               {"token": GO_TOKEN, "keys": {GO_KEY: "anothersecret"}, "now": 1608926708},
               {"error": "ERR_TOKEN_SIGNATURE"}),
          case("go verifier_test: empty secret", "verify",
               {"token": GO_TOKEN, "keys": {GO_KEY: ""}, "now": 1608926708},
               {"error": "ERR_KEY_MISSING"}),
          case("go verifier_test: token without exp is rejected", "verify",
               {"token": go_signed({"iss": GO_KEY, "nbf": go_now - 60, "video": {"roomCreate": True}}),
                "keys": GO_KEYS, "now": go_now},
               {"error": "ERR_TOKEN_EXP_REQUIRED"}),
          case("go verifier_test: unknown fields are ignored", "verify",
               {"token": go_signed(go_future), "keys": GO_KEYS, "now": go_now},
               {"claims": {"iss": GO_KEY, "sub": "me", "nbf": go_now, "exp": go_now + 60,
                           "video": {"roomJoin": True, "room": "myroom"}, "roomConfig": {"name": "myroom"}}}),
          case("go verifier_test: nil permissions stay absent", "verify",
               {"token": go_signed(go_nil_permissions), "keys": GO_KEYS, "now": go_now},
               {"claims": go_nil_permissions}),
          case("go verifier_test: metadata and attributes pass through", "verify",
               {"token": go_signed(go_metadata), "keys": GO_KEYS, "now": go_now},
               {"claims": go_metadata}),
          case("node AccessToken.test: can decode encoded token", "verify",
               {"token": node_token, "keys": {"abcdefg": "abababa"}, "now": node_claims["nbf"]},
               {"claims": node_claims}),
          case("node AccessToken.test: rejects a token that omits exp", "verify",
               {"token": node_no_exp, "keys": {"abcdefg": "abababa"}, "now": 1700000000},
               {"error": "ERR_TOKEN_EXP_REQUIRED"}),
          case("python sdk token with every grant type", "verify",
               {"token": py_token, "keys": {"pykey": "a-python-sdk-secret-of-32-bytes-plus"},
                "now": py_claims["nbf"]},
               {"claims": py_claims}),
          case("node WebhookReceiver.test: receive and decode", "webhook",
               {"body": NODE_BODY, "authorization": node_webhook_token, "keys": {"abcdefg": "abababa"},
                "now": node_webhook_now},
               {"event": node_event}),
          case("python test_webhook: webhook receiver", "webhook",
               {"body": PY_BODY, "authorization": py_webhook_token, "keys": PY_KEYS, "now": py_webhook_now},
               {"event": py_event}),
          case("python test_webhook: bad hash", "webhook",
               {"body": PY_BODY, "authorization": py_bad_hash_token, "keys": PY_KEYS, "now": py_webhook_now},
               {"error": "ERR_WEBHOOK_HASH_MISMATCH"}),
          case("python test_webhook: invalid body", "webhook",
               {"body": "invalid body", "authorization": py_invalid_body_token, "keys": PY_KEYS,
                "now": py_webhook_now},
               {"error": "ERR_WEBHOOK_BODY_MALFORMED"}),
          case("python test_webhook: mismatched api key", "webhook",
               {"body": PY_BODY, "authorization": py_bad_key_token, "keys": PY_KEYS, "now": py_webhook_now},
               {"error": "ERR_TOKEN_UNKNOWN_KEY"}),
          case("python test_webhook: mismatched secret", "webhook",
               {"body": PY_BODY, "authorization": py_bad_secret_token, "keys": PY_KEYS, "now": py_webhook_now},
               {"error": "ERR_TOKEN_SIGNATURE"}),
          case("python test_webhook: expired token", "webhook",
               {"body": PY_BODY, "authorization": py_webhook_token, "keys": PY_KEYS,
                "now": py_webhook_now + 6 * 3600 + 60},
               {"error": "ERR_TOKEN_EXPIRED"}),
      ])

# --- negative cases ---------------------------------------------------------

def tok(payload: dict, header: bytes = HS256, secret: str = S) -> str:
    return jws(header, compact(payload), secret.encode())


good = {"iss": K, "sub": "ada", "nbf": NOW, "exp": NOW + 600}


def v(name, token, code, now=NOW, keys=None, leeway=None):
    inp = {"token": token, "keys": KEYS if keys is None else keys, "now": now}
    if leeway is not None:
        inp["leeway"] = leeway
    return case(name, "verify", inp, {"error": code})


def with_(**kw):
    d = dict(good)
    for k, val in kw.items():
        if val is None:
            d.pop(k, None)
        else:
            d[k] = val
    return d


good_token = tok(good)
h, p, sig = good_token.split(".")
hs384 = jws(b'{"alg":"HS384","typ":"JWT"}', compact(good), S.encode())
neg = [
    v("alg none", jws(b'{"alg":"none"}', compact(good), b"").rsplit(".", 1)[0] + ".", "ERR_TOKEN_ALGORITHM"),
    v("alg None", jws(b'{"alg":"None","typ":"JWT"}', compact(good), S.encode()), "ERR_TOKEN_ALGORITHM"),
    v("alg HS384", hs384, "ERR_TOKEN_ALGORITHM"),
    v("alg HS512", jws(b'{"alg":"HS512"}', compact(good), S.encode()), "ERR_TOKEN_ALGORITHM"),
    v("alg RS256", jws(b'{"alg":"RS256","typ":"JWT"}', compact(good), S.encode()), "ERR_TOKEN_ALGORITHM"),
    v("alg ES256", jws(b'{"alg":"ES256","typ":"JWT"}', compact(good), S.encode()), "ERR_TOKEN_ALGORITHM"),
    v("alg hs256 (case matters)", jws(b'{"alg":"hs256"}', compact(good), S.encode()), "ERR_TOKEN_ALGORITHM"),
    v("no alg", jws(b'{"typ":"JWT"}', compact(good), S.encode()), "ERR_TOKEN_ALGORITHM"),
    v("crit header", jws(b'{"alg":"HS256","crit":["exp"],"exp":1}', compact(good), S.encode()), "ERR_TOKEN_HEADER"),
    v("b64 header", jws(b'{"alg":"HS256","b64":false}', compact(good), S.encode()), "ERR_TOKEN_HEADER"),
    v("typ at+jwt", jws(b'{"alg":"HS256","typ":"at+jwt"}', compact(good), S.encode()), "ERR_TOKEN_HEADER"),
    v("alg repeated (second one none)", jws(b'{"alg":"HS256","alg":"none"}', compact(good), S.encode()),
      "ERR_TOKEN_HEADER"),
    v("alg is a number", jws(b'{"alg":256}', compact(good), S.encode()), "ERR_TOKEN_HEADER"),
    v("header is not JSON", jws(b'{"alg":"HS256"', compact(good), S.encode()), "ERR_TOKEN_JSON"),
    v("header is a JSON array", jws(b'["HS256"]', compact(good), S.encode()), "ERR_TOKEN_JSON"),
    v("two segments", f"{h}.{p}", "ERR_TOKEN_MALFORMED"),
    v("four segments", f"{good_token}.{sig}", "ERR_TOKEN_MALFORMED"),
    v("empty payload segment", f"{h}..{sig}", "ERR_TOKEN_MALFORMED"),
    v("empty string", "", "ERR_TOKEN_MALFORMED"),
    v("padded payload", jws_segments(h, p + "=" * (-len(p) % 4 or 4), S.encode()), "ERR_TOKEN_BASE64"),
    v("standard base64 alphabet in payload",
      jws_segments(h, base64.b64encode(compact(with_(name="??>>")))  .decode().rstrip("="), S.encode()),
      "ERR_TOKEN_BASE64"),
    v("non-canonical trailing bits in payload", jws_segments(h, b64u(b'{"iss":"k"}')[:-1] + "R", S.encode()),
      "ERR_TOKEN_BASE64"),
    v("whitespace inside the token", f"{h}. {p}.{sig}", "ERR_TOKEN_BASE64"),
    v("signature not base64url", f"{h}.{p}.{sig[:-2]}*!", "ERR_TOKEN_BASE64"),
    v("payload is not JSON", jws(HS256, b'{"iss":', S.encode()), "ERR_TOKEN_JSON"),
    v("payload is a JSON array", jws(HS256, b'["iss"]', S.encode()), "ERR_TOKEN_JSON"),
    v("payload has trailing bytes", jws(HS256, compact(good) + b"x", S.encode()), "ERR_TOKEN_JSON"),
    v("payload is not UTF-8", jws(HS256, b'{"iss":"APIkey1","sub":"\xff","exp":1700000600}', S.encode()),
      "ERR_TOKEN_JSON"),
    v("exp as a string", tok(with_(exp=str(NOW + 600))), "ERR_TOKEN_CLAIMS"),
    v("exp as a float", jws(HS256, compact(good).replace(b'"exp":1700000600', b'"exp":1700000600.0'), S.encode()),
      "ERR_TOKEN_CLAIMS"),
    v("exp as a fraction", tok(with_(exp=NOW + 600.5)), "ERR_TOKEN_CLAIMS"),
    v("exp is null", jws(HS256, compact(good).replace(b'"exp":1700000600', b'"exp":null'), S.encode()),
      "ERR_TOKEN_CLAIMS"),
    v("exp in exponent notation", jws(HS256, compact(good).replace(b'"exp":1700000600', b'"exp":1.7e9'), S.encode()),
      "ERR_TOKEN_CLAIMS"),
    v("exp beyond 2^53", tok(with_(exp=2**53)), "ERR_TOKEN_CLAIMS"),
    v("exp negative", tok(with_(exp=-1)), "ERR_TOKEN_CLAIMS"),
    v("nbf as a string", tok(with_(nbf=str(NOW))), "ERR_TOKEN_CLAIMS"),
    v("iat as a float", tok(with_(iat=NOW + 0.25)), "ERR_TOKEN_CLAIMS"),
    v("exp repeated", jws(HS256, compact(good)[:-1] + b',"exp":9999999999}', S.encode()), "ERR_TOKEN_CLAIMS"),
    v("iss missing", tok(with_(iss=None)), "ERR_TOKEN_CLAIMS"),
    v("iss is a number", tok(with_(iss=7)), "ERR_TOKEN_CLAIMS"),
    v("iss empty", tok(with_(iss="")), "ERR_TOKEN_CLAIMS"),
    v("video.roomJoin is a string", tok(with_(video={"roomJoin": "true"})), "ERR_TOKEN_CLAIMS"),
    v("attributes value is a number", tok(with_(attributes={"a": 1})), "ERR_TOKEN_CLAIMS"),
    v("exp missing", tok(with_(exp=None)), "ERR_TOKEN_EXP_REQUIRED"),
    v("unknown iss", tok(with_(iss="APIother")), "ERR_TOKEN_UNKNOWN_KEY"),
    v("wrong secret", tok(good, secret="another-secret"), "ERR_TOKEN_SIGNATURE"),
    v("payload changed after signing", f"{h}.{b64u(compact(with_(sub='eve')))}.{sig}", "ERR_TOKEN_SIGNATURE"),
    v("signature truncated", f"{h}.{p}.{sig[:-3]}", "ERR_TOKEN_SIGNATURE"),
    v("empty signature", f"{h}.{p}.", "ERR_TOKEN_SIGNATURE"),
    v("HS384 token re-labelled HS256", f"{h}.{p}.{hs384.split('.')[2]}", "ERR_TOKEN_SIGNATURE"),
    v("expired at exp + leeway", good_token, "ERR_TOKEN_EXPIRED", now=NOW + 600 + 60),
    v("expired with zero leeway", good_token, "ERR_TOKEN_EXPIRED", now=NOW + 600, leeway=0),
    v("nbf beyond the leeway", good_token, "ERR_TOKEN_NOT_YET_VALID", now=NOW - 61),
    v("iat in the future", tok(with_(iat=NOW + 3600)), "ERR_TOKEN_NOT_YET_VALID"),
    v("negative leeway", good_token, "ERR_INVALID_OPTION", leeway=-1),
    v("leeway over an hour", good_token, "ERR_INVALID_OPTION", leeway=3601),
]


def m(name, options, code, key=K, secret=S):
    return case(name, "mint", {"apiKey": key, "apiSecret": secret, "now": NOW, "options": options},
                {"error": code})


neg += [
    m("empty api key", {"identity": "a"}, "ERR_KEY_MISSING", key=""),
    m("empty api secret", {"identity": "a"}, "ERR_KEY_MISSING", secret=""),
    m("roomJoin without identity", {"video": {"roomJoin": True, "room": "r"}}, "ERR_IDENTITY_REQUIRED"),
    m("roomJoin with an empty identity", {"identity": "", "video": {"roomJoin": True}}, "ERR_IDENTITY_REQUIRED"),
    m("identity of 257 bytes", {"identity": "i" * 257}, "ERR_GRANT_TOO_LONG"),
    m("name over 256 bytes (129 two-byte characters)", {"name": "é" * 129}, "ERR_GRANT_TOO_LONG"),
    m("room of 257 bytes", {"identity": "a", "video": {"roomJoin": True, "room": "r" * 257}}, "ERR_GRANT_TOO_LONG"),
    m("destinationRoom of 257 bytes", {"video": {"destinationRoom": "d" * 257}}, "ERR_GRANT_TOO_LONG"),
    m("ttl zero", {"ttl": 0}, "ERR_INVALID_TTL"),
    m("ttl negative", {"ttl": -60}, "ERR_INVALID_TTL"),
    m("ttl over 7 days", {"ttl": 7 * 86400 + 1}, "ERR_INVALID_TTL"),
    m("ttl string without unit", {"ttl": "600"}, "ERR_INVALID_TTL"),
    m("ttl string 8 days", {"ttl": "8 days"}, "ERR_INVALID_TTL"),
    m("ttl string 0s", {"ttl": "0s"}, "ERR_INVALID_TTL"),
    m("ttl string negative", {"ttl": "-10m"}, "ERR_INVALID_TTL"),
    m("ttl of the wrong type", {"ttl": True}, "ERR_INVALID_OPTION"),
    m("egress credentials in roomConfig",
      {"roomConfig": {"egress": {"room": {"fileOutputs": [{"s3": {"accessKey": "AK", "secret": "SK", "bucket": "b"}}]}}}},
      "ERR_GRANT_EGRESS_CREDENTIALS"),
    m("egress stream outputs in roomConfig",
      {"roomConfig": {"egress": {"room": {"streamOutputs": [{"urls": ["rtmp://x/live/key"]}]}}}},
      "ERR_GRANT_EGRESS_CREDENTIALS"),
    m("unknown kind", {"kind": "robot"}, "ERR_INVALID_OPTION"),
    m("unknown track source", {"video": {"canPublishSources": ["camera", "video"]}}, "ERR_INVALID_OPTION"),
    m("unknown option (typo)", {"identty": "a"}, "ERR_INVALID_OPTION"),
    m("unknown grant flag (wrong case)", {"video": {"canpublish": False}}, "ERR_INVALID_OPTION"),
    m("unknown field in an agent dispatch", {"roomConfig": {"agents": [{"agent": "x"}]}}, "ERR_INVALID_OPTION"),
    m("flag of the wrong type", {"video": {"roomJoin": "yes"}}, "ERR_INVALID_OPTION"),
    m("attributes value of the wrong type", {"attributes": {"a": 1}}, "ERR_INVALID_OPTION"),
]
neg += [
    case("ttl: empty string", "ttl", {"ttl": ""}, {"error": "ERR_INVALID_TTL"}),
    case("ttl: unknown unit", "ttl", {"ttl": "10 fortnights"}, {"error": "ERR_INVALID_TTL"}),
    case("ttl: milliseconds are not a unit here", "ttl", {"ttl": "500ms"}, {"error": "ERR_INVALID_TTL"}),
    case("ttl: two numbers", "ttl", {"ttl": "1.2.3h"}, {"error": "ERR_INVALID_TTL"}),
    case("server_url: ftp scheme", "server_url", {"wsUrl": "ftp://demo.livekit.cloud"}, {"error": "ERR_SERVER_API_URL"}),
    case("server_url: no host", "server_url", {"wsUrl": "wss://"}, {"error": "ERR_SERVER_API_URL"}),
    case("server_url: credentials", "server_url", {"wsUrl": "wss://user:pw@demo.livekit.cloud"},
         {"error": "ERR_SERVER_API_URL"}),
    case("server_url: bad port", "server_url", {"wsUrl": "ws://127.0.0.1:99999"}, {"error": "ERR_SERVER_API_URL"}),
    case("server_url: whitespace", "server_url", {"wsUrl": " wss://demo.livekit.cloud"},
         {"error": "ERR_SERVER_API_URL"}),
]

WB = '{"event":"participant_joined","room":{"name":"r"},"participant":{"identity":"ada"},"createdAt":"1700000000"}'


def wtok(body_sha, key=K, secret=S, now=NOW, extra=None):
    claims = {"iss": key, "nbf": now, "exp": now + 300, "sha256": body_sha}
    claims.update(extra or {})
    return jws(HS256, compact(claims), secret.encode())


def w(name, body, authorization, code, now=NOW, max_age=None):
    inp = {"body": body, "authorization": authorization, "keys": KEYS, "now": now}
    if max_age is not None:
        inp["maxAge"] = max_age
    return case(name, "webhook", inp, {"error": code})


neg += [
    w("webhook: no authorization", WB, None, "ERR_WEBHOOK_AUTH_MISSING"),
    w("webhook: empty authorization", WB, "", "ERR_WEBHOOK_AUTH_MISSING"),
    w("webhook: only the Bearer scheme", WB, "Bearer ", "ERR_WEBHOOK_AUTH_MISSING"),
    w("webhook: body changed after signing", WB.replace("ada", "eve"), wtok(body_hash(WB)),
      "ERR_WEBHOOK_HASH_MISMATCH"),
    w("webhook: body re-serialised with spaces", json.dumps(json.loads(WB)), wtok(body_hash(WB)),
      "ERR_WEBHOOK_HASH_MISMATCH"),
    w("webhook: hash claim is hex, not base64", WB,
      wtok(hashlib.sha256(WB.encode()).hexdigest()), "ERR_WEBHOOK_HASH_MISMATCH"),
    w("webhook: token without sha256", WB,
      jws(HS256, compact({"iss": K, "nbf": NOW, "exp": NOW + 300}), S.encode()), "ERR_WEBHOOK_HASH_MISSING"),
    w("webhook: bad signature", WB, wtok(body_hash(WB), secret="wrong-secret"), "ERR_TOKEN_SIGNATURE"),
    w("webhook: expired token", WB, wtok(body_hash(WB)), "ERR_TOKEN_EXPIRED", now=NOW + 300 + 60),
    w("webhook: alg none token", WB,
      b64u(b'{"alg":"none"}') + "." + b64u(compact({"iss": K, "exp": NOW + 300, "sha256": body_hash(WB)})) + ".",
      "ERR_TOKEN_ALGORITHM"),
    w("webhook: body is JSON but not an object", "[1,2]", wtok(body_hash("[1,2]")), "ERR_WEBHOOK_BODY_MALFORMED"),
    w("webhook: event missing", '{"room":{"name":"r"}}', wtok(body_hash('{"room":{"name":"r"}}')),
      "ERR_WEBHOOK_BODY_MALFORMED"),
    w("webhook: createdAt not an integer", '{"event":"room_started","createdAt":"soon"}',
      wtok(body_hash('{"event":"room_started","createdAt":"soon"}')), "ERR_WEBHOOK_BODY_MALFORMED"),
    w("webhook: event older than maxAge", WB, wtok(body_hash(WB), now=NOW + 500), "ERR_WEBHOOK_TOO_OLD",
      now=NOW + 500, max_age=300),
    w("webhook: maxAge zero", WB, wtok(body_hash(WB)), "ERR_INVALID_OPTION", max_age=0),
]
write("negative.json", "Inputs every implementation must refuse, each with its stable error code",
      "written for this project from LiveKit's server rules (protocol auth/verifier.go, webhook/verifier.go), "
      "RFC 7515/7519 and known JWT pitfalls; tokens signed here with Python's hmac so each case differs from a "
      "valid token in one way only", neg)

# --- mint -------------------------------------------------------------------

def mint(name, options, claims, token=None, warnings=None, key=K, secret=S, now=NOW):
    expect = {"claims": claims}
    if token is not None:
        expect["token"] = token
    if warnings:
        expect["warnings"] = warnings
    return case(name, "mint", {"apiKey": key, "apiSecret": secret, "now": now, "options": options}, expect)


def exact(payload_text: str, secret=S) -> str:
    return jws(HS256, payload_text.encode(), secret.encode())


mints = [
    mint("defaults: 6 hours, nothing else", {},
         {"iss": K, "nbf": NOW, "exp": NOW + 21600},
         token=exact('{"iss":"APIkey1","nbf":1700000000,"exp":1700021600}')),
    mint("join grant with tri-state flags set to false",
         {"identity": "ada", "name": "Ada", "ttl": 600,
          "video": {"roomJoin": True, "room": "lobby", "canPublish": False, "canSubscribe": True}},
         {"iss": K, "sub": "ada", "nbf": NOW, "exp": NOW + 600, "name": "Ada",
          "video": {"roomJoin": True, "room": "lobby", "canPublish": False, "canSubscribe": True}},
         token=exact('{"iss":"APIkey1","sub":"ada","nbf":1700000000,"exp":1700000600,"name":"Ada",'
                     '"video":{"roomJoin":true,"room":"lobby","canPublish":false,"canSubscribe":true}}')),
    mint("plain flags set to false and empty strings are left out",
         {"identity": "ada", "name": "", "metadata": "", "video": {"roomCreate": False, "hidden": False, "room": "",
                                                                   "canPublishSources": []},
          "sip": {"admin": False}, "attributes": {}},
         {"iss": K, "sub": "ada", "nbf": NOW, "exp": NOW + 21600},
         token=exact('{"iss":"APIkey1","sub":"ada","nbf":1700000000,"exp":1700021600}')),
    mint("ttl as a duration string", {"ttl": "10m"}, {"iss": K, "nbf": NOW, "exp": NOW + 600}),
    mint("ttl 1.5h", {"ttl": "1.5h"}, {"iss": K, "nbf": NOW, "exp": NOW + 5400}),
    mint("ttl 2 days", {"ttl": "2 days"}, {"iss": K, "nbf": NOW, "exp": NOW + 172800}),
    mint("fractional ttl rounds up", {"ttl": 90.25}, {"iss": K, "nbf": NOW, "exp": NOW + 91}),
    mint("ttl of exactly 7 days", {"ttl": "7d"}, {"iss": K, "nbf": NOW, "exp": NOW + 604800}),
    mint("avatar agent: kind, publish-on-behalf attribute, dispatch with metadata and attributes",
         {"identity": "avatar-1", "name": "Tavus avatar", "kind": "agent", "ttl": "1h",
          "attributes": {"lk.publish_on_behalf": "user-1", "role": "avatar"},
          "video": {"roomJoin": True, "room": "session-1", "canPublish": True, "canSubscribe": False,
                    "canPublishData": True, "agent": True},
          "roomConfig": {"agents": [{"agentName": "tutor", "metadata": '{"scenario":"intro"}',
                                     "attributes": {"tier": "gold"}}]}},
         {"iss": K, "sub": "avatar-1", "nbf": NOW, "exp": NOW + 3600, "name": "Tavus avatar", "kind": "agent",
          "attributes": {"lk.publish_on_behalf": "user-1", "role": "avatar"},
          "video": {"roomJoin": True, "room": "session-1", "canPublish": True, "canSubscribe": False,
                    "canPublishData": True, "agent": True},
          "roomConfig": {"agents": [{"agentName": "tutor", "metadata": '{"scenario":"intro"}',
                                     "attributes": {"tier": "gold"}}]}},
         token=exact('{"iss":"APIkey1","sub":"avatar-1","nbf":1700000000,"exp":1700003600,"name":"Tavus avatar",'
                     '"kind":"agent","attributes":{"lk.publish_on_behalf":"user-1","role":"avatar"},'
                     '"video":{"roomJoin":true,"room":"session-1","canPublish":true,"canSubscribe":false,'
                     '"canPublishData":true,"agent":true},"roomConfig":{"agents":[{"agentName":"tutor",'
                     '"metadata":"{\\"scenario\\":\\"intro\\"}","attributes":{"tier":"gold"}}]}}')),
    mint("every grant type",
         {"identity": "ops", "metadata": "m", "kindDetails": ["CLOUD_AGENT"], "sha256": "abc=",
          "video": {"roomCreate": True, "roomList": True, "roomRecord": True, "roomAdmin": True, "roomJoin": True,
                    "room": "r", "canPublish": True, "canSubscribe": True, "canPublishData": False,
                    "canPublishSources": ["camera", "microphone", "screen_share", "screen_share_audio"],
                    "canUpdateOwnMetadata": True, "ingressAdmin": True, "hidden": True, "recorder": True,
                    "agent": True, "canSubscribeMetrics": True, "canManageAgentSession": False,
                    "destinationRoom": "r2"},
          "sip": {"admin": True, "call": True},
          "agent": {"admin": True, "simulationAdmin": True, "databaseAdmin": True, "dispatchAdmin": True},
          "agentEndpoint": {"call": True, "agentName": "tutor", "deployment": "prod"},
          "agentThread": {"all": False, "scope": "s", "threadIds": ["t1", "t2"], "list": True, "create": True,
                          "write": True, "read": True, "delete": True},
          "inference": {"perform": True}, "observability": {"write": True}, "roomPreset": "preset"},
         {"iss": K, "sub": "ops", "nbf": NOW, "exp": NOW + 21600, "kindDetails": ["CLOUD_AGENT"], "metadata": "m",
          "sha256": "abc=",
          "video": {"roomCreate": True, "roomList": True, "roomRecord": True, "roomAdmin": True, "roomJoin": True,
                    "room": "r", "canPublish": True, "canSubscribe": True, "canPublishData": False,
                    "canPublishSources": ["camera", "microphone", "screen_share", "screen_share_audio"],
                    "canUpdateOwnMetadata": True, "ingressAdmin": True, "hidden": True, "recorder": True,
                    "agent": True, "canSubscribeMetrics": True, "canManageAgentSession": False,
                    "destinationRoom": "r2"},
          "sip": {"admin": True, "call": True},
          "agent": {"admin": True, "simulationAdmin": True, "databaseAdmin": True, "dispatchAdmin": True},
          "agentEndpoint": {"call": True, "agentName": "tutor", "deployment": "prod"},
          "agentThread": {"scope": "s", "threadIds": ["t1", "t2"], "list": True, "create": True,
                          "write": True, "read": True, "delete": True},
          "inference": {"perform": True}, "observability": {"write": True}, "roomPreset": "preset"}),
    mint("roomConfig: defaults left out, proto field names accepted",
         {"roomConfig": {"name": "r", "empty_timeout": 30, "departureTimeout": 0, "maxParticipants": 2,
                         "metadata": "", "syncStreams": False, "minPlayoutDelay": 100, "maxPlayoutDelay": "200",
                         "agents": [{"agent_name": "a", "metadata": "", "restartPolicy": 0}, {}],
                         "tags": {"team": "blue"}}},
         {"iss": K, "nbf": NOW, "exp": NOW + 21600,
          "roomConfig": {"name": "r", "emptyTimeout": 30, "maxParticipants": 2, "minPlayoutDelay": 100,
                         "maxPlayoutDelay": 200, "agents": [{"agentName": "a"}, {}], "tags": {"team": "blue"}}}),
    mint("roomConfig egress without credentials is allowed",
         {"roomConfig": {"egress": {"tracks": {"filepath": "{room_name}/{track_id}"}}}},
         {"iss": K, "nbf": NOW, "exp": NOW + 21600,
          "roomConfig": {"egress": {"tracks": {"filepath": "{room_name}/{track_id}"}}}}),
    mint("roomConfig egress credentials, explicitly allowed",
         {"allowRoomConfigEgress": True,
          "roomConfig": {"egress": {"tracks": {"s3": {"accessKey": "AK", "secret": "SK", "bucket": "b"}}}}},
         {"iss": K, "nbf": NOW, "exp": NOW + 21600,
          "roomConfig": {"egress": {"tracks": {"s3": {"accessKey": "AK", "bucket": "b", "secret": "SK"}}}}}),
    mint("identity and name of exactly 256 bytes",
         {"identity": "i" * 256, "name": "é" * 128},
         {"iss": K, "sub": "i" * 256, "nbf": NOW, "exp": NOW + 21600, "name": "é" * 128}),
    mint("non-ASCII identity, name, metadata and attributes",
         {"identity": "zoë", "name": "Zoë 🎙", "metadata": "{\"note\":\"ünïcödé\"}",
          "attributes": {"ключ": "значение"}},
         {"iss": K, "sub": "zoë", "nbf": NOW, "exp": NOW + 21600, "name": "Zoë 🎙",
          "metadata": "{\"note\":\"ünïcödé\"}", "attributes": {"ключ": "значение"}}),
    mint("short secret: accepted with a warning", {"identity": "dev"},
         {"iss": "devkey", "sub": "dev", "nbf": NOW, "exp": NOW + 21600},
         token=exact('{"iss":"devkey","sub":"dev","nbf":1700000000,"exp":1700021600}', secret="secret"),
         warnings=["ERR_KEY_WEAK_SECRET"], key="devkey", secret="secret"),
    mint("server-API style token without identity", {"video": {"roomList": True}, "ttl": "10m"},
         {"iss": K, "nbf": NOW, "exp": NOW + 600, "video": {"roomList": True}}),
]
write("mint.json", "Minting: what the token carries for given options",
      "written for this project; expected payloads written by hand from LiveKit's claim model (protocol "
      "auth/grants.go, the SDKs' grant types) and, where `token` is given, signed independently with Python's hmac",
      mints)

# --- webhooks ---------------------------------------------------------------

def ok_webhook(name, body, event, authorization=None, now=NOW, max_age=None, keys=None):
    inp = {"body": body, "authorization": authorization or wtok(body_hash(body)), "keys": keys or KEYS, "now": now}
    if max_age is not None:
        inp["maxAge"] = max_age
    return case(name, "webhook", inp, {"event": event})


egress_body = ('{"event":"egress_ended","id":"EV_eg","createdAt":1700000000,"egressInfo":{"egressId":"EG_1",'
               '"roomName":"r","status":"EGRESS_COMPLETE","startedAt":"1699999990000000000",'
               '"endedAt":"1700000000123456789","fileResults":[{"filename":"r.mp4","size":"1234"}]}}')
job_body = json.dumps({
    "event": "agent_job_started", "id": "EV_job", "createdAt": "1700000000",
    "job": {"id": "AJ_1", "dispatchId": "AD_1", "type": "JT_ROOM", "room": {"sid": "RM_1", "name": "r"},
            "namespace": "ns", "metadata": "{\"a\":1}", "agentName": "tutor",
            "state": {"status": "JS_RUNNING", "startedAt": "1700000000000000000", "updatedAt": 1700000000000000000,
                      "participantIdentity": "agent-AJ_1", "workerId": "AW_1", "agentId": "A_1"}},
}, separators=(",", ":"))
job_end_body = '{"event":"agent_job_ended","job":{"id":"AJ_1","state":{"status":"JS_FAILED","error":"crash"}}}'
track_body = json.dumps({
    "event": "track_published", "id": "EV_tr", "createdAt": "1700000000",
    "room": {"sid": "RM_1", "name": "r", "numParticipants": 2, "version": {"unixMicro": "1700000000000000", "ticks": 3}},
    "participant": {"sid": "PA_1", "identity": "avatar-1", "state": "ACTIVE", "joinedAt": "1700000000",
                    "joinedAtMs": "1700000000123", "kind": "AGENT",
                    "attributes": {"lk.publish_on_behalf": "user-1"},
                    "permission": {"canSubscribe": True, "canPublish": True, "canPublishData": True,
                                   "canPublishSources": ["CAMERA", "MICROPHONE"], "agent": True},
                    "kindDetails": ["CLOUD_AGENT"], "isPublisher": True, "region": "eu"},
    "track": {"sid": "TR_1", "type": "VIDEO", "name": "avatar", "width": 1280, "height": 720, "simulcast": True,
              "source": "CAMERA", "mimeType": "video/VP8", "mid": "1", "encryption": "NONE", "stream": "camera",
              "layers": [{"quality": "HIGH", "width": 1280}], "codecs": [{"mimeType": "video/VP8"}]},
    "futureField": {"ignored": True},
}, separators=(",", ":"))
track_event = json.loads(track_body)
del track_event["futureField"]
del track_event["track"]["layers"]
del track_event["track"]["codecs"]

webhooks = [
    ok_webhook("room_finished with Bearer prefix", '{"event":"room_finished","room":{"sid":"RM_1","name":"r"},'
               '"roomEndReason":"ROOM_CLOSED"}',
               {"event": "room_finished", "room": {"sid": "RM_1", "name": "r"}, "roomEndReason": "ROOM_CLOSED"},
               authorization="Bearer " + wtok(body_hash('{"event":"room_finished","room":{"sid":"RM_1","name":"r"},'
                                                        '"roomEndReason":"ROOM_CLOSED"}'))),
    ok_webhook("lower-case bearer scheme", WB,
               {"event": "participant_joined", "room": {"name": "r"}, "participant": {"identity": "ada"},
                "createdAt": "1700000000"},
               authorization="bearer " + wtok(body_hash(WB))),
    ok_webhook("participant_left, int64 given as numbers", '{"event":"participant_left","createdAt":1700000000,'
               '"participant":{"identity":"ada","joinedAt":1699990000,"disconnectReason":"CLIENT_INITIATED"},'
               '"numDropped":0}',
               {"event": "participant_left", "createdAt": "1700000000",
                "participant": {"identity": "ada", "joinedAt": "1699990000", "disconnectReason": "CLIENT_INITIATED"},
                "numDropped": 0}),
    ok_webhook("track_published: typed participant and track, unknown fields ignored", track_body, track_event),
    ok_webhook("egress_ended: egressInfo kept as received", egress_body,
               {"event": "egress_ended", "id": "EV_eg", "createdAt": "1700000000",
                "egressInfo": json.loads(egress_body)["egressInfo"]}),
    ok_webhook("agent_job_started: nanosecond int64 kept exact", job_body,
               {"event": "agent_job_started", "id": "EV_job", "createdAt": "1700000000",
                "job": {"id": "AJ_1", "dispatchId": "AD_1", "type": "JT_ROOM", "room": {"sid": "RM_1", "name": "r"},
                        "namespace": "ns", "metadata": "{\"a\":1}", "agentName": "tutor",
                        "state": {"status": "JS_RUNNING", "startedAt": "1700000000000000000",
                                  "updatedAt": "1700000000000000000", "participantIdentity": "agent-AJ_1",
                                  "workerId": "AW_1", "agentId": "A_1"}}}),
    ok_webhook("agent_job_ended", job_end_body,
               {"event": "agent_job_ended", "job": {"id": "AJ_1", "state": {"status": "JS_FAILED", "error": "crash"}}}),
    ok_webhook("ingress_started: ingressInfo kept as received",
               '{"event":"ingress_started","ingressInfo":{"ingressId":"IN_1","state":{"status":"ENDPOINT_PUBLISHING"}}}',
               {"event": "ingress_started",
                "ingressInfo": {"ingressId": "IN_1", "state": {"status": "ENDPOINT_PUBLISHING"}}}),
    ok_webhook("a newer event name passes through", '{"event":"room_paused"}', {"event": "room_paused"}),
    ok_webhook("maxAge: an event within the limit", WB,
               {"event": "participant_joined", "room": {"name": "r"}, "participant": {"identity": "ada"},
                "createdAt": "1700000000"},
               authorization=wtok(body_hash(WB), now=NOW + 200), now=NOW + 200, max_age=300),
    ok_webhook("key rotation: the token's iss picks the secret", WB,
               {"event": "participant_joined", "room": {"name": "r"}, "participant": {"identity": "ada"},
                "createdAt": "1700000000"},
               authorization=wtok(body_hash(WB), key="APIkey2", secret="the-new-secret-of-at-least-32-bytes"),
               keys={K: S, "APIkey2": "the-new-secret-of-at-least-32-bytes"}),
    ok_webhook("protobuf field names accepted", '{"event":"room_started","created_at":"1700000000",'
               '"room":{"name":"r","empty_timeout":30,"creation_time":1699999999}}',
               {"event": "room_started", "createdAt": "1700000000",
                "room": {"name": "r", "emptyTimeout": 30, "creationTime": "1699999999"}}),
]
write("webhook.json", "Webhooks: verified events for every event family",
      "written for this project from LiveKit's webhook protocol (protocol livekit_webhook.proto, "
      "webhook/verifier.go); tokens signed here with Python's hmac", webhooks)

ttls = [(60, 60), (0.5, 1), ("10m", 600), ("1.5h", 5400), ("2 days", 172800), ("90 seconds", 90), ("1 week", 604800),
        ("3 hrs", 10800), ("45 mins", 2700), ("1H", 3600), ("+5m", 300), ("0.1h", 360), (".5m", 30), ("1.0001s", 2),
        ("7d", 604800), (" 10m ", 600), ("10 m", 600)]
write("ttl.json", "Token lifetimes: seconds or duration strings, in whole seconds rounded up",
      "written for this project; the string grammar is the one LiveKit's Node SDK accepts through jose",
      [case(f"ttl {t!r}", "ttl", {"ttl": t}, {"seconds": s}) for t, s in ttls])

urls = [("wss://demo.livekit.cloud", "https://demo.livekit.cloud"),
        ("wss://demo.livekit.cloud/", "https://demo.livekit.cloud"),
        ("ws://127.0.0.1:7880", "http://127.0.0.1:7880"),
        ("WSS://Demo.LiveKit.cloud", "https://Demo.LiveKit.cloud"),
        ("https://demo.livekit.cloud", "https://demo.livekit.cloud"),
        ("http://localhost:7880/", "http://localhost:7880"),
        ("demo.livekit.cloud", "https://demo.livekit.cloud"),
        ("wss://example.com/livekit//", "https://example.com/livekit"),
        ("wss://example.com/lk?access_token=x#frag", "https://example.com/lk"),
        ("ws://[::1]:7880", "http://[::1]:7880")]
write("server_url.json", "LiveKit URL to server-API base URL",
      "written for this project from LiveKit's SDKs (wss→https, ws→http)",
      [case(f"url {u}", "server_url", {"wsUrl": u}, {"httpUrl": h_}) for u, h_ in urls])
