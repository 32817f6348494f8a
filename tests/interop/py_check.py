"""PyPI livekit-api (.venv):
  1. accepts the tokens and webhooks this package made (<dir>/ours.json) with
     identical decoded claims and events;
  2. mints tokens with every grant it supports, and webhooks, for this package
     to verify (<dir>/py.json).
Prints one `ok <name>` / `FAIL <name>: <why>` line per check.
"""

import base64
import dataclasses
import hashlib
import json
import sys
import warnings

import jwt
from google.protobuf.json_format import MessageToDict
from livekit import api
from livekit.protocol.agent_dispatch import RoomAgentDispatch
from livekit.protocol.room import RoomConfiguration

warnings.simplefilter("ignore")  # PyJWT warns about short secrets; the devkey case uses one on purpose.
directory = sys.argv[1]
with open(f"{directory}/ours.json", encoding="utf-8") as f:
    ours = json.load(f)


def check(name, f):
    try:
        why = f()
    except Exception as e:  # noqa: BLE001 - any exception is a failed check
        why = f"{type(e).__name__}: {e}"
    print(f"FAIL python: {name}: {why}" if why else f"ok python: {name}")


def canon(v):
    """Drops protobuf default values, which MessageToDict leaves out."""
    if isinstance(v, list):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            c = canon(x)
            if c in (0, "", False, "0", [], {}) and c is not True:
                continue
            out[k] = c
        return out
    return v


def snake(name):
    return api.access_token.camel_to_snake(name)


def typed_matches(claims, ours_claims):
    """The SDK's typed Claims agree with every claim we decoded."""
    problems = []
    simple = {"sub": "identity", "name": "name", "kind": "kind", "metadata": "metadata", "sha256": "sha256",
              "attributes": "attributes", "roomPreset": "room_preset"}
    for ours_key, field in simple.items():
        if ours_key in ours_claims and getattr(claims, field) != ours_claims[ours_key]:
            problems.append(f"{field}: {getattr(claims, field)!r} != {ours_claims[ours_key]!r}")
    for grant, field in [("video", "video"), ("sip", "sip"), ("agent", "agent"), ("agentEndpoint", "agent_endpoint"),
                         ("agentThread", "agent_thread"), ("inference", "inference"),
                         ("observability", "observability")]:
        for k, v in ours_claims.get(grant, {}).items():
            got = getattr(getattr(claims, field), snake(k))
            if got != v:
                problems.append(f"{grant}.{k}: {got!r} != {v!r}")
    if "roomConfig" in ours_claims:
        got = MessageToDict(claims.room_config)
        if canon(got) != canon(ours_claims["roomConfig"]):
            problems.append(f"roomConfig: {got!r} != {ours_claims['roomConfig']!r}")
    return "; ".join(problems)


for t in ours["tokens"]:
    def verify_token(t=t):
        claims = api.TokenVerifier(t["key"], t["secret"]).verify(t["token"])
        payload = jwt.decode(t["token"], t["secret"], algorithms=["HS256"], issuer=t["key"], leeway=60)
        if payload != t["claims"]:
            return f"payload {payload!r} != our claims {t['claims']!r}"
        return typed_matches(claims, t["claims"])
    check(f'TokenVerifier accepts our "{t["name"]}" with identical claims', verify_token)

for w in ours["webhooks"]:
    def receive(w=w):
        receiver = api.WebhookReceiver(api.TokenVerifier(w["key"], w["secret"]))
        event = MessageToDict(receiver.receive(w["body"], w["authorization"]))
        return "" if canon(event) == canon(w["event"]) else f"got {event!r}, we decoded {w['event']!r}"
    check(f"WebhookReceiver accepts our {w['name']} with an identical event", receive)


def refuses_changed_body():
    w = ours["webhooks"][0]
    receiver = api.WebhookReceiver(api.TokenVerifier(w["key"], w["secret"]))
    try:
        receiver.receive(w["body"].replace("demo", "dem0"), w["authorization"])
    except Exception:  # noqa: BLE001
        return ""
    return "accepted"


check("WebhookReceiver refuses our webhook with a changed body", refuses_changed_body)

# Tokens and webhooks minted by the Python SDK, for this package to verify.
KEY, SECRET = "APIpython", "a-python-sdk-secret-of-32-bytes-xx"
made = {"tokens": [], "webhooks": []}


def mint(name, token):
    made["tokens"].append({"name": name, "token": token, "key": KEY, "secret": SECRET,
                           "payload": jwt.decode(token, options={"verify_signature": False})})


base = lambda: api.AccessToken(KEY, SECRET)  # noqa: E731
mint("identity, name, metadata, attributes, kind", base().with_identity("py-user").with_name("Py")
     .with_metadata('{"a":1}').with_attributes({"lk.publish_on_behalf": "u1"}).with_kind("agent")
     .with_grants(api.VideoGrants(room_join=True, room="py-room")).to_jwt())
mint("every video grant", base().with_identity("ops").with_grants(api.VideoGrants(
    room_create=True, room_list=True, room_record=True, room_admin=True, room_join=True, room="r",
    destination_room="r2", can_publish=False, can_subscribe=True, can_publish_data=False,
    can_publish_sources=["camera", "screen_share"], can_update_own_metadata=True, ingress_admin=True, hidden=True,
    recorder=True, agent=True, can_manage_agent_session=True, can_subscribe_metrics=True)).to_jwt())
mint("sip, agent, agentEndpoint, agentThread, inference, observability grants",
     base().with_identity("svc")
     .with_sip_grants(api.SIPGrants(admin=True, call=True))
     .with_agent_grants(api.AgentGrants(admin=True, simulation_admin=True, database_admin=True, dispatch_admin=True))
     .with_agent_endpoint_grants(api.AgentEndpointGrants(call=True, agent_name="tutor", deployment="prod"))
     .with_agent_thread_grants(api.AgentThreadGrants(all=True, scope="s", thread_ids=["t1", "t2"], list=True,
                                                     create=True, write=True, read=True, delete=True))
     .with_inference_grants(api.InferenceGrants(perform=True))
     .with_observability_grants(api.ObservabilityGrants(write=True)).to_jwt())
mint("sha256 and roomPreset", base().with_sha256("abc=").with_room_preset("preset").to_jwt())
mint("roomConfig with agent dispatch", base().with_identity("host")
     .with_grants(api.VideoGrants(room_join=True, room="conf"))
     .with_room_config(RoomConfiguration(
         name="conf", empty_timeout=30, departure_timeout=10, max_participants=4, metadata="m",
         min_playout_delay=100, max_playout_delay=200, sync_streams=True, tags={"team": "blue"},
         agents=[RoomAgentDispatch(agent_name="tutor", metadata='{"lang":"en"}', attributes={"tier": "gold"}),
                 RoomAgentDispatch(agent_name="other")])).to_jwt())

TEST_EVENT = """
{
  "event": "room_started",
  "room": {
    "sid": "RM_hycBMAjmt6Ub",
    "name": "Demo Room",
    "emptyTimeout": 300,
    "creationTime": "1692627281",
    "turnPassword": "2Pvdj+/WV1xV4EkB8klJ9xkXDWY=",
    "enabledCodecs": [{"mime": "audio/opus"}, {"mime": "video/VP8"}]
  },
  "id": "EV_eugWmGhovZmm",
  "createdAt": "1692985556"
}
"""
for name, body in [("test_webhook.py event", TEST_EVENT),
                   ("agent_job_ended", json.dumps({"event": "agent_job_ended", "id": "EV_p", "createdAt": "1700000000",
                                                   "job": {"id": "AJ_9", "agentName": "tutor",
                                                           "state": {"status": "JS_SUCCESS",
                                                                     "endedAt": "1700000000999999999"}}}))]:
    t = base()
    t.claims.sha256 = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    made["webhooks"].append({"name": name, "body": body, "authorization": t.to_jwt(), "key": KEY, "secret": SECRET,
                             "event": canon(MessageToDict(api.WebhookReceiver(api.TokenVerifier(KEY, SECRET))
                                                          .receive(body, t.to_jwt())))})

with open(f"{directory}/py.json", "w", encoding="utf-8") as f:
    json.dump(made, f, indent=2, ensure_ascii=False)
