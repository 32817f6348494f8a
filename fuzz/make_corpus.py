#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (standard library only).

Each target reads a few header bytes before its payload (see the target's doc
comment); the secrets are the test values of fuzz_targets/common.rs. Seeds are
small and deterministic: re-running this script rewrites the same seed-* files
and keeps the regress-* ones (inputs that once crashed a target).

    python3 fuzz/make_corpus.py
"""
import base64
import hashlib
import hmac
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
SECRET = "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz"
SECRET2 = "second-fuzz-secret-ABCDEFGHIJKLMNOPQRSTUVWX"
NOW = 1_800_000_000
NOW_BYTE = 128  # Reader::now(): 128 is NOW itself
HS256 = b'{"alg":"HS256","typ":"JWT"}'
USER = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
ISSUER = "http://127.0.0.1:54321/auth/v1"
NONE_H = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
ES_H = b'{"alg":"ES256","kid":"ec-1"}'
RS_H = b'{"alg":"RS256","kid":"rsa-1","typ":"JWT"}'


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(header: bytes, payload: bytes, secret: str) -> str:
    inp = f"{b64url(header)}.{b64url(payload)}"
    mac = hmac.new(secret.encode(), inp.encode(), hashlib.sha256).digest()
    return f"{inp}.{b64url(mac)}"


def j(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def write(target: str, seeds: list) -> None:
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    # Found crashes (regress-*) stay: they are the targets' regression seeds.
    for old in os.listdir(d):
        if old.startswith("seed-"):
            os.remove(os.path.join(d, old))
    for i, seed in enumerate(seeds):
        with open(os.path.join(d, f"seed-{i:02d}"), "wb") as f:
            f.write(seed)


def lk_claims(**extra):
    c = {"iss": "devkey", "sub": "ada", "nbf": NOW - 10, "exp": NOW + 600,
         "video": {"roomJoin": True, "room": "lobby"}}
    c.update(extra)
    return c


def verify_seeds():
    raw = lambda t: bytes([0, NOW_BYTE, 6]) + t.encode()
    pair = lambda h, p: bytes([1, NOW_BYTE, 6]) + h + b"\0" + p
    payload = lambda p: bytes([2, NOW_BYTE, 6]) + p
    good = sign(HS256, j(lk_claims()), SECRET)
    h, p, s = good.split(".")
    return [
        raw(good),
        raw(sign(HS256, j(lk_claims(iss="k2")), SECRET2)),
        raw(sign(HS256, j(lk_claims()), "wrong-secret")),
        raw(f"{NONE_H}.{p}."),
        raw(f"{h}.{p}.{s}="),
        raw(f"{h}.{p}"),
        raw(f"{h}.{p}.{s}.{s}"),
        raw(f" {good}\n"),
        pair(b'{"alg":"HS512"}', j(lk_claims())),
        pair(b'{"alg":"HS256","crit":["exp"]}', j(lk_claims())),
        pair(b'{"alg":"HS256","b64":false}', j(lk_claims())),
        pair(b'{"alg":"HS256","kid":"k","jku":"http://127.0.0.1/jwks"}', j(lk_claims())),
        pair(b'{"alg":"HS256","alg":"none"}', j(lk_claims())),
        pair(HS256, b'{"iss":"devkey","exp":1800000600,"exp":1}'),
        payload(j(lk_claims(exp=str(NOW + 600)))),
        payload(j(lk_claims(exp=NOW + 600.5))),
        payload(j(lk_claims(exp=2**63))),
        payload(j(lk_claims(exp=-1))),
        payload(j({"iss": "devkey", "sub": "ada"})),
        payload(j(lk_claims(nbf=NOW + 3600))),
        payload(j(lk_claims(iss="unknown"))),
        payload(j(lk_claims(iss="empty"))),
        payload(j(lk_claims(name="Ada", metadata="{}", attributes={"a": "b"}, kind="agent",
                            roomConfig={"agents": [{"agentName": "tutor", "metadata": "m"}],
                                        "emptyTimeout": "30", "egress": {"room": {}}},
                            sip={"admin": True}, sha256="x"))),
        payload(j(lk_claims(video={"roomJoin": True, "room": "r", "canPublishSources": ["camera"],
                                   "canPublish": False, "hidden": True}))),
    ]


def webhook_seeds():
    def auth(body: bytes, at=NOW, **extra):
        claims = {"iss": "devkey", "nbf": at, "exp": at + 300,
                  "sha256": base64.b64encode(hashlib.sha256(body).digest()).decode()}
        claims.update(extra)
        return sign(HS256, j(claims), SECRET)

    bodies = [
        j({"event": "room_started", "room": {"sid": "RM_1", "name": "demo", "emptyTimeout": 300,
                                               "creationTime": "1800000000"},
           "id": "EV_1", "createdAt": "1800000000"}),
        j({"event": "participant_joined", "room": {"name": "demo"},
           "participant": {"sid": "PA_1", "identity": "ada", "state": "ACTIVE", "joinedAt": "1800000000",
                           "permission": {"canPublish": True, "canPublishSources": ["CAMERA", 2]},
                           "kind": "STANDARD", "attributes": {"k": "v"}}, "id": "EV_2",
           "createdAt": 1800000001}),
        j({"event": "track_published", "track": {"sid": "TR_1", "type": "VIDEO", "width": 640,
                                                  "source": "CAMERA", "mimeType": "video/vp8"}}),
        j({"event": "egress_ended", "egress_info": {"egress_id": "EG_1", "status": 3}}),
        j({"event": "agent_job_started", "job": {"id": "AJ_1", "type": "JT_ROOM",
                                                 "state": {"status": "JS_RUNNING", "startedAt": "1800000000000000000"}}}),
        j({"event": "room_finished", "room": {"name": "demo"}, "room_end_reason": "DEPARTURE_TIMEOUT",
           "num_dropped": 2}),
    ]
    seeds = []
    for b in bodies:
        seeds.append(bytes([0, NOW_BYTE, 0]) + f"Bearer {auth(b)}".encode() + b"\0" + b)
        seeds.append(bytes([1, NOW_BYTE, 31]) + b)
    b = bodies[0]
    claims = {"iss": "devkey", "nbf": NOW, "exp": NOW + 300,
              "sha256": base64.b64encode(hashlib.sha256(b).digest()).decode()}
    seeds += [
        bytes([2, NOW_BYTE, 0]) + j(claims) + b"\0" + b,
        bytes([2, NOW_BYTE, 0]) + j({**claims, "sha256": None}) + b"\0" + b,
        bytes([2, NOW_BYTE, 0]) + j({**claims, "sha256": b64url(hashlib.sha256(b).digest())}) + b"\0" + b,
        bytes([0, NOW_BYTE, 0]) + auth(b).encode() + b"\0" + b + b" ",
        bytes([0, NOW_BYTE, 0]) + auth(b, at=NOW - 4000).encode() + b"\0" + b,
        bytes([0, NOW_BYTE, 0]) + b"Bearer \0" + b,
        bytes([8, NOW_BYTE, 0]) + b"\0" + b,
        bytes([0, NOW_BYTE, 0]) + auth(b"[]").encode() + b"\0[]",
        bytes([0, NOW_BYTE, 0]) + auth(b'{"event":""}').encode() + b'\0{"event":""}',
    ]
    return seeds


def duration_seeds():
    texts = ["10m", "1.5h", "2 days", "90 seconds", "600", "-5m", "+5m", " 7 d ", "0.1h", ".5h",
             "1e3s", "1y", "168h", "604800s", "604801s", "1.000000000000000000001s", "5 MINUTES",
             "0s", "3 hrs", "1w", "\u00a010m", "1..5h", "12x"]
    json_values = ["600", "\"10m\"", "1.5", "-1", "1e400", "null", "true", "[]"]
    seeds = [t.encode() for t in texts] + [v.encode() for v in json_values]
    seeds += [struct.pack("<d", x) for x in (600.0, 0.5, -1.0, float("inf"), float("nan"), 604800.5)]
    return seeds


CONFIG_NAMES = [
    "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "LIVEKIT_WS_URL", "TAVUS_API_KEY", "AUTH_JWT_SECRET",
    "AUTH_JWT_ISSUER", "ALLOW_ANONYMOUS_USERS", "SUPABASE_URL", "SUPABASE_ANON_KEY",
    "SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_JWKS", "AVATAR_MODE", "AGENT_NAME", "TOKEN_ALLOWED_AGENTS",
    "TOKEN_ALLOW_CLIENT_IDENTITY", "TOKEN_ALLOW_CLIENT_ROOM_NAME", "TOKEN_TTL_SECONDS",
    "DEFAULT_SCENARIO_ID", "AVATAR_IDENTITY", "AVATAR_PUBLISH_ON_BEHALF", "MAX_LIVE_SESSIONS_PER_USER",
    "RATE_LIMIT_PER_MINUTE", "CORS_ALLOWED_ORIGINS", "SECRETS_SOURCE", "SECRETS_CACHE_SECONDS",
    "SCENARIO_CACHE_SECONDS", "UPSTREAM_TIMEOUT_MS", "TAVUS_API_URL", "TAVUS_TEST_MODE",
    "TAVUS_CALLBACK_SECRET", "FUNCTIONS_BASE_URL", "END_ON_PARTICIPANT_LEFT", "DELETE_ROOM_ON_END",
    "LOG_LEVEL",
]


def config_seeds():
    def env(pairs):
        return b"\n".join(bytes([CONFIG_NAMES.index(k)]) + v.encode() for k, v in pairs)

    dev = [("LIVEKIT_API_KEY", "devkey"), ("LIVEKIT_API_SECRET", "secret"),
           ("LIVEKIT_WS_URL", "ws://127.0.0.1:7880")]
    full = dev + [
        ("TAVUS_API_KEY", "tvs-0123456789abcdef"), ("AUTH_JWT_SECRET", "super-secret-jwt-token-with-at-least-32-characters-long"),
        ("SUPABASE_URL", "http://127.0.0.1:54321"), ("SUPABASE_ANON_KEY", "anon"),
        ("SUPABASE_SERVICE_ROLE_KEY", "service"), ("AVATAR_MODE", "agent"), ("AGENT_NAME", "tutor.v1"),
        ("TOKEN_ALLOWED_AGENTS", "a, b,c"), ("TOKEN_TTL_SECONDS", "900"),
        ("CORS_ALLOWED_ORIGINS", "https://app.example.com, http://127.0.0.1:3000"),
        ("TAVUS_CALLBACK_SECRET", "callback-secret-0123456789abc"), ("END_ON_PARTICIPANT_LEFT", "no"),
    ]
    return [
        b"",
        env(dev),
        env(full),
        env(full + [("SECRETS_SOURCE", "vault")]),
        env([("SECRETS_SOURCE", "VAULT"), ("SUPABASE_URL", "https://x.supabase.co/")]),
        env([("LIVEKIT_WS_URL", "https://x.livekit.cloud"), ("LIVEKIT_API_SECRET", " padded ")]),
        env([("LIVEKIT_WS_URL", "wss://"), ("LIVEKIT_API_SECRET", "a\x01b")]),
        env([("SUPABASE_JWKS", '{"keys":[{"kty":"EC","crv":"P-256","x":"x","y":"y"}]}')]),
        env([("SUPABASE_JWKS", '{"keys":[]}'), ("AUTH_JWT_ISSUER", "off")]),
        env([("TOKEN_TTL_SECONDS", "99999999999"), ("RATE_LIMIT_PER_MINUTE", "-1"),
             ("MAX_LIVE_SESSIONS_PER_USER", "0x10")]),
        env([("CORS_ALLOWED_ORIGINS", "*,https://a.example/path"), ("TAVUS_API_URL", "ftp://x")]),
        env([("AVATAR_IDENTITY", "x" * 300), ("DEFAULT_SCENARIO_ID", "Bad Id"), ("AVATAR_MODE", "none")]),
    ]


def scenario_seeds():
    path = os.path.join(os.path.dirname(ROOT), "..", "supabase", "functions", "_shared",
                        "default_scenarios.json")
    with open(path) as f:
        rows = json.load(f)
    seeds = [b"\0" + j(r) for r in rows[:4]]
    base = rows[0]
    seeds += [
        b"\0" + j({**base, "language": "en"}),
        b"\0" + j({**base, "max_call_duration_seconds": 59}),
        b"\0" + j({**base, "scenario_id": "a--b"}),
        b"\0" + j({**base, "agent_name": "tutor v1"}),
        b"\0" + j({**base, "persona_id": None, "greeting": None}),
        b"\0" + j({k: v for k, v in base.items() if k in ("scenario_id", "display_name", "replica_id", "prompt")}),
    ]
    fields = lambda *f: b"\x01" + b"\0".join(x.encode() for x in f)
    seeds += [
        fields("zz", "casual", "Casual", "r6ae5b6efc9d", "p2fbd605ade0", "english", "Be kind.", "Hi", "tutor"),
        fields("", "x" * 64, "D", "r12", "", "multilingual", "p" * 80, "", ""),
        fields("q", "a-b-c", "", "R12", "p1", "english", "", "g", "a b"),
    ]
    ids = ["casual-conversation", "a" * 64, "a" * 65, "-a", "a-", "A", "r6ae5b6efc9d", "p2fbd605ade0",
           "tutor_v1.x-y", USER, USER.upper(), "7c9e6679742540de944be07fc1f90ae7", "'; drop table x; --",
           "../etc/passwd", "%2e%2e", "caf\u00e9"]
    seeds += [b"\x02" + i.encode() for i in ids]
    return seeds


def supabase_seeds():
    def user(**extra):
        c = {"sub": USER, "role": "authenticated", "aud": "authenticated", "iss": ISSUER,
             "exp": NOW + 3600, "iat": NOW - 10, "session_id": "s", "email": "a@example.com",
             "is_anonymous": False}
        c.update(extra)
        return c

    raw = lambda t, bits=0: bytes([0, bits, NOW_BYTE]) + t.encode()
    pair = lambda h, p, bits=0: bytes([1, bits, NOW_BYTE]) + h + b"\0" + p
    payload = lambda p, bits=0: bytes([2, bits, NOW_BYTE]) + p
    good = sign(HS256, j(user()), SECRET)
    h, p, s = good.split(".")
    return [
        raw(good),
        raw(good, 128),
        raw(sign(HS256, j(user()), "other")),
        raw(f"{NONE_H}.{p}."),
        raw(f"{b64url(ES_H)}.{p}.{s}"),
        raw(f"{b64url(RS_H)}.{p}.{s}"),
        raw(f"{h}.{p}.{s}=="),
        raw(SECRET),
        pair(b'{"alg":"HS384"}', j(user())),
        pair(b'{"alg":"HS256","crit":["x"],"x":1}', j(user())),
        pair(b'{"alg":"HS256","typ":"at+jwt"}', j(user())),
        pair(b'{"alg":"none","alg":"HS256"}', j(user())),
        pair(b'{"alg":"HS256","kid":"ec-2","x5u":"http://127.0.0.1/x"}', j(user())),
        payload(j(user())),
        payload(j(user(role="service_role", sub=None)), 2 | 16),
        payload(j(user(role="anon"))),
        payload(j(user(aud=["x", "authenticated"]))),
        payload(j(user(aud="x")), 1),
        payload(j(user(iss=ISSUER + "/"))),
        payload(j(user(iss="https://evil.example/auth/v1"))),
        payload(j(user(exp=str(NOW + 60)))),
        payload(j(user(exp=NOW + 60.5, nbf=NOW - 1.5))),
        payload(j(user(exp=1e308))),
        payload(j(user(exp=-1))),
        payload(j({k: v for k, v in user().items() if k != "exp"})),
        payload(j(user(nbf=NOW + 3600))),
        payload(j(user(is_anonymous=True)), 8),
        payload(j(user(sub=USER.upper()))),
        payload(j(user(sub="not-a-uuid"))),
        payload(b'{"sub":"' + USER.encode() + b'","role":"anon","role":"authenticated","aud":"authenticated","exp":1800003600}', 4),
    ]


def mint_seeds():
    """`now byte, options JSON`: every grant, proto names, limits, typos."""
    def o(options, now=NOW_BYTE):
        return bytes([now]) + (options if isinstance(options, bytes) else j(options))
    return [
        o({}),
        o({"identity": "ada", "name": "Ada", "ttl": 600,
           "video": {"roomJoin": True, "room": "lobby", "canPublish": False}}),
        o({"identity": "a", "ttl": "1.5h", "kind": "agent",
           "attributes": {"lk.publish_on_behalf": "u", "b": "2"},
           "video": {"roomJoin": True, "room": "r", "canPublishSources": ["camera", "microphone"]},
           "roomConfig": {"agents": [{"agentName": "tutor", "metadata": "{}"}, {}]}}),
        o({"roomConfig": {"name": "r", "empty_timeout": "30", "departureTimeout": 0,
                          "agents": [{"agent_name": "x", "restart_policy": "JR_NEVER"}],
                          "egress": {"tracks": {"filepath": "x"}}, "tags": {"a": "b"}}}),
        o({"allowRoomConfigEgress": True,
           "roomConfig": {"egress": {"room": {"fileOutputs": [{"s3": {"secret": "SK"}}]}}}}),
        o({"sip": {"admin": True}, "agent": {"dispatchAdmin": True},
           "agentEndpoint": {"call": True, "agentName": "a"},
           "agentThread": {"threadIds": ["t1"], "read": True},
           "inference": {"perform": True}, "observability": {"write": True},
           "kindDetails": ["CLOUD_AGENT"], "sha256": "abc=", "roomPreset": "p"}),
        o({"video": {"canpublish": False}}),
        o({"ttl": 90.25, "name": "", "metadata": "", "video": {"hidden": False}}),
        o({"ttl": "7d", "identity": "i" * 257}),
        o(b'{"identity":"a","identity":"b"}'),
        o(b'{"ttl":1e300,"kind":"robot"}'),
        o(b'{"name":"\u00e9\ud83c\udf99","metadata":"\"q\"\\"}'),
    ]


def token_request_seeds():
    """`settings bits, now byte, body`: the standard endpoint's fields and the policy's refusals."""
    def b(body, bits=0):
        return bytes([bits, NOW_BYTE]) + (body if isinstance(body, bytes) else j(body))
    return [
        b({}),
        b(b""),
        b({"participant_name": "Ada", "participant_metadata": "m",
           "participant_attributes": {"level": "b2"}}),
        b({"participantName": "Ada", "roomConfig": {"agents": [{"agentName": "helper", "metadata": "x"}]}}, 16),
        b({"room_config": {"agents": [{"agent_name": "tutor"}]}}, 1),
        b({"participant_identity": "someone-else"}),
        b({"participant_identity": "someone-else"}, 4),
        b({"room_name": "avatar-1234"}),
        b({"room_name": "mine"}, 8),
        b({"scenario_id": "casual-conversation"}, 32),
        b({"scenario_id": "travel-guide"}, 32),
        b({"scenario_id": "Not A Slug"}),
        b({"participant_attributes": {"lk.agent": "x"}}),
        b({"room_config": {"name": "x"}}),
        b({"room_config": {"agents": [{"agent_name": "x", "deployment": "y"}]}}),
        b({"unknown": 1}),
        b(b'{"room_name":"a","roomName":"b"}'),
        b(b'[1,2]'),
        b(b'{"participant_name":"\u0001"}'),
        b({"participant_attributes": {str(i): "v" for i in range(40)}}),
    ]


if __name__ == "__main__":
    write("verify_token", verify_seeds())
    write("webhook", webhook_seeds())
    write("duration", duration_seeds())
    write("config", config_seeds())
    write("scenario", scenario_seeds())
    write("supabase_jwt", supabase_seeds())
    write("mint", mint_seeds())
    write("token_request", token_request_seeds())
    for t in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, t))
        size = sum(os.path.getsize(os.path.join(ROOT, t, f)) for f in files)
        print(f"{t}: {len(files)} seeds, {size} bytes")
