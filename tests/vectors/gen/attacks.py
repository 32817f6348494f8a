#!/usr/bin/env python3
"""Generates the JWT attack suite: tests/vectors/attacks_{livekit,webhook,supabase}.json.

Standard library only, deterministic (fixed clock, fixed keys, no randomness):
re-running it rewrites the same bytes, and `--check` fails if the committed
files differ from what it would write.

Every attack that a signature would otherwise stop carries a *real* one: the
`alg: HS512` token is correctly HMAC-signed (both with HMAC-SHA512 and with
HMAC-SHA256), the `crit` and `b64` tokens carry the right HS256 MAC, the
RS256/ES256 tokens are HMAC-signed with the secret as the key. So each case
proves that the check named by its code refuses it, not a lucky MAC mismatch.

    python3 tests/vectors/gen/attacks.py            # write
    python3 tests/vectors/gen/attacks.py --check    # verify the committed files
"""
import base64
import hashlib
import hmac
import json
import os
import sys

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOW = 1_800_000_000
KEY = "attack-key"
SECRET = "attack-livekit-secret-0123456789abcdefghijklmnop"
OTHER_KEY = "attack-key-2"
OTHER_SECRET = "attack-livekit-secret-2-ABCDEFGHIJKLMNOPQRSTUVWX"
ATTACKER_SECRET = "attacker-chosen-secret"
JWT_SECRET = "attack-jwt-secret-0123456789abcdefghijklmnopqrstu"
ISSUER = "http://127.0.0.1:54321/auth/v1"
USER = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
HS256 = '{"alg":"HS256","typ":"JWT"}'
# An EC public key as a JWKS would publish it (test values; never a private key).
EC_JWK = {
    "kty": "EC", "kid": "ec-key-1", "alg": "ES256", "use": "sig", "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}
RSA_JWK = {
    "kty": "RSA", "kid": "rsa-key-1", "alg": "RS256", "use": "sig",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
         "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
         "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
         "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
}
JWKS = {"keys": [EC_JWK, RSA_JWK]}


def b64url(b) -> str:
    if isinstance(b, str):
        b = b.encode()
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def j(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def mac(key: str, signing_input: str, digest=hashlib.sha256) -> str:
    return b64url(hmac.new(key.encode(), signing_input.encode(), digest).digest())


def token(header, payload, key=SECRET, digest=hashlib.sha256, sig=None) -> str:
    """A compact JWS of exactly these header and payload texts (or bytes)."""
    hdr = header if isinstance(header, (str, bytes)) else j(header)
    pl = payload if isinstance(payload, (str, bytes)) else j(payload)
    inp = f"{b64url(hdr)}.{b64url(pl)}"
    return f"{inp}.{mac(key, inp, digest) if sig is None else sig}"


def raw_sig(segment: str) -> bytes:
    """The bytes of a base64url signature segment."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def signed_as_is(signing_input: str, key=SECRET) -> str:
    """`signing_input` (taken as it is, even if not base64url) with its real MAC appended."""
    return f"{signing_input}.{mac(key, signing_input)}"


def lk_claims(**extra):
    c = {"iss": KEY, "sub": "attacker", "nbf": NOW - 60, "exp": NOW + 600,
         "video": {"roomJoin": True, "room": "victim-room", "roomAdmin": True}}
    c.update(extra)
    return {k: v for k, v in c.items() if v is not None}


GOOD = token(HS256, lk_claims())
H, P, S = GOOD.split(".")


def lk(name, tok, error=None, claims=None, **input_extra):
    case = {"name": name, "kind": "verify",
            "input": {"token": tok, "keys": {KEY: SECRET, OTHER_KEY: OTHER_SECRET}, "now": NOW,
                      **input_extra}}
    case["expect"] = {"error": error} if error else {"claims": claims}
    return case


def livekit_cases():
    c = lk_claims()
    unsigned = lambda alg: f"{b64url(j({'alg': alg, 'typ': 'JWT'}))}.{P}."
    return [
        lk("control: the untouched token verifies", GOOD, claims=c),
        lk("alg none, no signature", unsigned("none"), "ERR_TOKEN_ALGORITHM"),
        lk("alg None, no signature", unsigned("None"), "ERR_TOKEN_ALGORITHM"),
        lk("alg NONE, no signature", unsigned("NONE"), "ERR_TOKEN_ALGORITHM"),
        lk("alg none with the right HS256 MAC", token({"alg": "none"}, c), "ERR_TOKEN_ALGORITHM"),
        lk("alg HS384, real HMAC-SHA384", token({"alg": "HS384", "typ": "JWT"}, c, digest=hashlib.sha384),
           "ERR_TOKEN_ALGORITHM"),
        lk("alg HS512, real HMAC-SHA512", token({"alg": "HS512", "typ": "JWT"}, c, digest=hashlib.sha512),
           "ERR_TOKEN_ALGORITHM"),
        lk("alg HS512 carrying the right HMAC-SHA256", token({"alg": "HS512", "typ": "JWT"}, c),
           "ERR_TOKEN_ALGORITHM"),
        lk("alg RS256, HMAC-signed with the secret as the key", token({"alg": "RS256", "typ": "JWT"}, c),
           "ERR_TOKEN_ALGORITHM"),
        lk("alg ES256, HMAC-signed with the secret as the key", token({"alg": "ES256", "typ": "JWT"}, c),
           "ERR_TOKEN_ALGORITHM"),
        lk("alg PS256, HMAC-signed with the secret as the key", token({"alg": "PS256"}, c),
           "ERR_TOKEN_ALGORITHM"),
        lk("alg 'HS256 ' with a trailing space", token({"alg": "HS256 "}, c), "ERR_TOKEN_ALGORITHM"),
        lk("alg written with JSON escapes is HS256 (verifies)",
           token('{"alg":"\\u0048S256","typ":"JWT"}', c), claims=c),
        lk("kid naming the other key, MAC by the other key's secret",
           token({"alg": "HS256", "kid": OTHER_KEY}, c, key=OTHER_SECRET), "ERR_TOKEN_SIGNATURE"),
        lk("kid is not a key selector: the iss key's MAC verifies",
           token({"alg": "HS256", "kid": "../../etc/passwd"}, c), claims=c),
        lk("jku pointing at an attacker's key set, attacker's MAC",
           token({"alg": "HS256", "jku": "http://127.0.0.1:9/jwks.json"}, c, key=ATTACKER_SECRET),
           "ERR_TOKEN_SIGNATURE"),
        lk("x5u pointing at an attacker's certificate, attacker's MAC",
           token({"alg": "HS256", "x5u": "http://127.0.0.1:9/cert.pem"}, c, key=ATTACKER_SECRET),
           "ERR_TOKEN_SIGNATURE"),
        lk("embedded jwk (oct) holding the attacker's key, attacker's MAC",
           token({"alg": "HS256", "jwk": {"kty": "oct", "k": b64url(ATTACKER_SECRET)}}, c, key=ATTACKER_SECRET),
           "ERR_TOKEN_SIGNATURE"),
        lk("crit [\"exp\"] with the right MAC", token({"alg": "HS256", "crit": ["exp"]}, c), "ERR_TOKEN_HEADER"),
        lk("crit [] with the right MAC", token({"alg": "HS256", "crit": []}, c), "ERR_TOKEN_HEADER"),
        lk("b64 false and crit, the right MAC over the raw payload (RFC 7797)",
           signed_as_is(f"{b64url(j({'alg': 'HS256', 'b64': False, 'crit': ['b64']}))}.{j(c)}"),
           "ERR_TOKEN_HEADER"),
        lk("b64 false (without crit) with the right MAC",
           token({"alg": "HS256", "b64": False}, c), "ERR_TOKEN_HEADER"),
        lk("alg repeated, HS256 then none", token('{"alg":"HS256","alg":"none"}', c), "ERR_TOKEN_HEADER"),
        lk("alg repeated, none then HS256", token('{"alg":"none","alg":"HS256"}', c), "ERR_TOKEN_HEADER"),
        lk("iss repeated, the second naming another key",
           token(HS256, f'{{"iss":"{KEY}","iss":"{OTHER_KEY}","exp":{NOW + 600}}}'), "ERR_TOKEN_CLAIMS"),
        lk("exp repeated, the second in the future",
           token(HS256, f'{{"iss":"{KEY}","exp":{NOW - 10},"exp":{NOW + 600}}}'), "ERR_TOKEN_CLAIMS"),
        lk("video repeated, the second granting roomAdmin",
           token(HS256, f'{{"iss":"{KEY}","exp":{NOW + 600},"video":{{"room":"a"}},"video":{{"roomAdmin":true}}}}'),
           "ERR_TOKEN_CLAIMS"),
        lk("padding on the header segment", f"{H}==.{P}.{S}", "ERR_TOKEN_BASE64"),
        lk("padding on the signature segment", f"{H}.{P}.{S}=", "ERR_TOKEN_BASE64"),
        lk("padded payload, MAC over the padded form", signed_as_is(f"{H}.{b64url(j(lk_claims(sub='a')))}="),
           "ERR_TOKEN_BASE64"),
        lk("a space before the token", f" {GOOD}", "ERR_TOKEN_BASE64"),
        lk("a newline after the token", f"{GOOD}\n", "ERR_TOKEN_BASE64"),
        lk("a tab inside the signature", f"{H}.{P}.{S[:10]}\t{S[10:]}", "ERR_TOKEN_BASE64"),
        lk("a line break inside the payload", f"{H}.{P[:20]}\r\n{P[20:]}.{S}", "ERR_TOKEN_BASE64"),
        lk("standard-alphabet signature (+ and /)", f"{H}.{P}.{S.replace('-', '+').replace('_', '/')}"
           if ("-" in S or "_" in S) else f"{H}.{P}.{S[:-1]}+", "ERR_TOKEN_BASE64"),
        lk("signature truncated to 31 bytes", f"{H}.{P}.{b64url(raw_sig(S)[:31])}", "ERR_TOKEN_SIGNATURE"),
        lk("signature with a NUL byte appended", f"{H}.{P}.{b64url(raw_sig(S) + bytes(1))}", "ERR_TOKEN_SIGNATURE"),
        lk("signature doubled (64 bytes)", f"{H}.{P}.{b64url(raw_sig(S) * 2)}", "ERR_TOKEN_SIGNATURE"),
        lk("signature of 4 KiB", f"{H}.{P}.{b64url(bytes(range(256)) * 16)}", "ERR_TOKEN_SIGNATURE"),
        lk("empty signature segment", f"{H}.{P}.", "ERR_TOKEN_SIGNATURE"),
        lk("a trailing dot (four segments)", f"{GOOD}.", "ERR_TOKEN_MALFORMED"),
        lk("exp as a string", token(HS256, lk_claims(exp=str(NOW + 600))), "ERR_TOKEN_CLAIMS"),
        lk("exp as a float", token(HS256, lk_claims(exp=NOW + 600.5)), "ERR_TOKEN_CLAIMS"),
        lk("exp as 1.8e9 (exponent form)", token(HS256, j(lk_claims(exp=1)).replace('"exp":1', '"exp":1.8000006e9')),
           "ERR_TOKEN_CLAIMS"),
        lk("exp of 2^63 (overflows i64)", token(HS256, lk_claims(exp=2 ** 63)), "ERR_TOKEN_CLAIMS"),
        lk("exp of 1e400 (overflows f64)", token(HS256, j(lk_claims(exp=1)).replace('"exp":1', '"exp":1e400')),
           "ERR_TOKEN_JSON"),
        lk("exp of 2^53 (beyond JavaScript's safe integers)", token(HS256, lk_claims(exp=2 ** 53)),
           "ERR_TOKEN_CLAIMS"),
        lk("exp negative", token(HS256, lk_claims(exp=-1)), "ERR_TOKEN_CLAIMS"),
        lk("exp -0 (a float to JSON parsers)", token(HS256, j(lk_claims(exp=1)).replace('"exp":1', '"exp":-0')),
           "ERR_TOKEN_CLAIMS"),
        lk("exp true", token(HS256, lk_claims(exp=True)), "ERR_TOKEN_CLAIMS"),
        lk("exp null", token(HS256, j(lk_claims(exp=1)).replace('"exp":1', '"exp":null')), "ERR_TOKEN_CLAIMS"),
        lk("exp missing", token(HS256, {k: v for k, v in lk_claims().items() if k != "exp"}),
           "ERR_TOKEN_EXP_REQUIRED"),
        lk("nbf as a string", token(HS256, lk_claims(nbf=str(NOW - 60))), "ERR_TOKEN_CLAIMS"),
        lk("nbf as a float", token(HS256, lk_claims(nbf=NOW - 60.25)), "ERR_TOKEN_CLAIMS"),
        lk("nbf an hour ahead", token(HS256, lk_claims(nbf=NOW + 3600)), "ERR_TOKEN_NOT_YET_VALID"),
        lk("iat an hour ahead", token(HS256, lk_claims(iat=NOW + 3600)), "ERR_TOKEN_NOT_YET_VALID"),
        lk("unknown iss, attacker's MAC", token(HS256, lk_claims(iss="attacker-key"), key=ATTACKER_SECRET),
           "ERR_TOKEN_UNKNOWN_KEY"),
        lk("iss in another case", token(HS256, lk_claims(iss=KEY.upper())), "ERR_TOKEN_UNKNOWN_KEY"),
        lk("iss with a trailing space", token(HS256, lk_claims(iss=KEY + " ")), "ERR_TOKEN_UNKNOWN_KEY"),
        lk("iss with a NUL byte", token(HS256, lk_claims(iss=KEY + "\u0000")), "ERR_TOKEN_UNKNOWN_KEY"),
        lk("iss as a list of keys", token(HS256, lk_claims(iss=[KEY])), "ERR_TOKEN_CLAIMS"),
        lk("iss of one key, MAC by the other key's secret", token(HS256, lk_claims(), key=OTHER_SECRET),
           "ERR_TOKEN_SIGNATURE"),
        lk("wrong secret", token(HS256, lk_claims(), key="not-the-secret"), "ERR_TOKEN_SIGNATURE"),
        lk("secret with a trailing newline", token(HS256, lk_claims(), key=SECRET + "\n"), "ERR_TOKEN_SIGNATURE"),
        lk("empty secret", token(HS256, lk_claims(), key=""), "ERR_TOKEN_SIGNATURE"),
        lk("payload bytes not UTF-8, signed", token(HS256, b'{"iss":"attack-key","sub":"\xff\xfe","exp":1800000600}'),
           "ERR_TOKEN_JSON"),
        lk("header bytes not UTF-8, signed", token(b'{"alg":"HS256","x":"\xc3\x28"}', lk_claims()),
           "ERR_TOKEN_JSON"),
        lk("header with a byte-order mark", token("\ufeff" + HS256, lk_claims()), "ERR_TOKEN_JSON"),
        lk("a Bearer prefix left on the token", f"Bearer {GOOD}", "ERR_TOKEN_BASE64"),
        lk("leeway of a day asked for", GOOD, "ERR_INVALID_OPTION", leeway=86400),
    ]


WEBHOOK_BODY = j({"event": "room_finished", "id": "EV_attack", "createdAt": str(NOW - 5),
                  "room": {"sid": "RM_victim", "name": "victim-room"}})
WEBHOOK_EVENT = {"event": "room_finished", "id": "EV_attack", "createdAt": str(NOW - 5),
                 "room": {"sid": "RM_victim", "name": "victim-room"}}


def body_hash(body: str) -> str:
    return base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()


def wh_claims(body=WEBHOOK_BODY, **extra):
    c = {"iss": KEY, "nbf": NOW - 5, "exp": NOW + 295, "sha256": body_hash(body)}
    c.update(extra)
    return {k: v for k, v in c.items() if v is not None}


def wh(name, authorization, error=None, body=WEBHOOK_BODY, **input_extra):
    case = {"name": f"webhook attack: {name}", "kind": "webhook",
            "input": {"body": body, "authorization": authorization,
                      "keys": {KEY: SECRET, OTHER_KEY: OTHER_SECRET}, "now": NOW, **input_extra}}
    case["expect"] = {"error": error} if error else {"event": WEBHOOK_EVENT}
    return case


def webhook_cases():
    good = token(HS256, wh_claims())
    h, p, s = good.split(".")
    forged_body = j({"event": "room_finished", "id": "EV_forged", "room": {"name": "other-room"}})
    return [
        wh("control: the genuine delivery verifies", good),
        wh("control: Bearer scheme in lower case", f"bearer {good}"),
        wh("alg none with the body's hash", f"{b64url(j({'alg': 'none'}))}.{p}.", "ERR_TOKEN_ALGORITHM"),
        wh("alg HS512 carrying the right HMAC-SHA256", token({"alg": "HS512"}, wh_claims()), "ERR_TOKEN_ALGORITHM"),
        wh("alg RS256, HMAC-signed with the secret", token({"alg": "RS256"}, wh_claims()), "ERR_TOKEN_ALGORITHM"),
        wh("crit with the right MAC", token({"alg": "HS256", "crit": ["sha256"]}, wh_claims()), "ERR_TOKEN_HEADER"),
        wh("b64 false with the right MAC", token({"alg": "HS256", "b64": False}, wh_claims()), "ERR_TOKEN_HEADER"),
        wh("kid naming the other key, its MAC", token({"alg": "HS256", "kid": OTHER_KEY}, wh_claims(), key=OTHER_SECRET),
           "ERR_TOKEN_SIGNATURE"),
        wh("forged body under a genuine token (replayed header)", good, "ERR_WEBHOOK_HASH_MISMATCH", body=forged_body),
        wh("genuine body with a trailing newline", good, "ERR_WEBHOOK_HASH_MISMATCH", body=WEBHOOK_BODY + "\n"),
        wh("forged body, token from an unknown key with its hash",
           token(HS256, wh_claims(forged_body, iss="attacker-key"), key=ATTACKER_SECRET),
           "ERR_TOKEN_UNKNOWN_KEY", body=forged_body),
        wh("forged body, token signed with a guessed secret",
           token(HS256, wh_claims(forged_body), key="secret"), "ERR_TOKEN_SIGNATURE", body=forged_body),
        wh("replayed after the token expired", good, "ERR_TOKEN_EXPIRED", now=NOW + 295 + 61),
        wh("replayed 200 s later with maxAge 30 (and the 60 s leeway)", good, "ERR_WEBHOOK_TOO_OLD", now=NOW + 200,
           maxAge=30),
        wh("token not valid yet (nbf an hour ahead)", token(HS256, wh_claims(nbf=NOW + 3600)),
           "ERR_TOKEN_NOT_YET_VALID"),
        wh("sha256 in base64url instead of base64",
           token(HS256, wh_claims(sha256=b64url(hashlib.sha256(WEBHOOK_BODY.encode()).digest()))),
           "ERR_WEBHOOK_HASH_MISMATCH"),
        wh("sha256 without its padding",
           token(HS256, wh_claims(sha256=body_hash(WEBHOOK_BODY).rstrip("="))), "ERR_WEBHOOK_HASH_MISMATCH"),
        wh("sha256 as a number", token(HS256, wh_claims(sha256=1)), "ERR_TOKEN_CLAIMS"),
        wh("sha256 repeated, the first matching", token(
            HS256, j(wh_claims()).replace('"sha256"', f'"sha256":"{body_hash(forged_body)}","sha256"')),
           "ERR_TOKEN_CLAIMS"),
        wh("sha256 missing", token(HS256, wh_claims(sha256=None)), "ERR_WEBHOOK_HASH_MISSING"),
        wh("exp as a string", token(HS256, wh_claims(exp=str(NOW + 295))), "ERR_TOKEN_CLAIMS"),
        wh("exp missing", token(HS256, wh_claims(exp=None)), "ERR_TOKEN_EXP_REQUIRED"),
        wh("Basic scheme instead of Bearer", f"Basic {good}", "ERR_TOKEN_BASE64"),
        wh("token split by a space", f"Bearer {h}. {p}.{s}", "ERR_TOKEN_BASE64"),
        wh("signature truncated", f"{h}.{p}.{b64url(raw_sig(s)[:30])}", "ERR_TOKEN_SIGNATURE"),
        wh("signature over-long", f"{h}.{p}.{s}AAAA", "ERR_TOKEN_SIGNATURE"),
        wh("no Authorization header", None, "ERR_WEBHOOK_AUTH_MISSING"),
        wh("Authorization of only spaces", "   ", "ERR_WEBHOOK_AUTH_MISSING"),
    ]


def user_claims(**extra):
    c = {"sub": USER, "role": "authenticated", "aud": "authenticated", "iss": ISSUER,
         "exp": NOW + 3600, "iat": NOW - 60, "email": "user@example.com",
         "session_id": "3f0c8bde-4b2c-4d1e-9a53-2b8f0f6f4c11", "is_anonymous": False}
    c.update(extra)
    return {k: v for k, v in c.items() if v is not None}


def user_result(claims):
    """What verifySupabaseJwt returns for claims that pass."""
    out = {"role": claims["role"], "aud": [claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"],
           "exp": claims["exp"], "is_anonymous": claims.get("is_anonymous", False)}
    for k in ("sub", "iat", "iss", "email", "session_id"):
        if k in claims:
            out[k] = claims[k].lower() if k == "sub" else claims[k]
    return out


def sb(name, tok, error=None, claims=None, secret=JWT_SECRET, jwks=None, rules=None):
    inp = {"token": tok, "now": NOW, "rules": {"issuer": ISSUER, **(rules or {})}}
    if secret is not None:
        inp["secret"] = secret
    if jwks is not None:
        inp["jwks"] = jwks
    case = {"name": f"supabase attack: {name}", "kind": "supabase_jwt", "input": inp}
    case["expect"] = {"error": error} if error else {"claims": user_result(claims)}
    return case


def supabase_cases():
    u = user_claims()
    good = token(HS256, u, key=JWT_SECRET)
    h, p, s = good.split(".")
    st = lambda header, claims=u, **kw: token(header, claims, key=JWT_SECRET, **kw)
    ec_as_secret = j(EC_JWK)
    return [
        sb("control: a signed-in user's token verifies", good, claims=u),
        sb("alg none, no signature", f"{b64url(j({'alg': 'none', 'typ': 'JWT'}))}.{p}.", "ERR_AUTH_MALFORMED"),
        sb("alg none with the right HS256 MAC", st({"alg": "none", "typ": "JWT"}), "ERR_AUTH_ALGORITHM"),
        sb("alg None with the right HS256 MAC", st({"alg": "None"}), "ERR_AUTH_ALGORITHM"),
        sb("alg NONE with the right HS256 MAC", st({"alg": "NONE"}), "ERR_AUTH_ALGORITHM"),
        sb("alg HS384, real HMAC-SHA384", st({"alg": "HS384"}, digest=hashlib.sha384), "ERR_AUTH_ALGORITHM"),
        sb("alg HS512 carrying the right HMAC-SHA256", st({"alg": "HS512"}), "ERR_AUTH_ALGORITHM"),
        sb("alg RS256 HMAC-signed with the JWT secret, no JWKS", st({"alg": "RS256"}), "ERR_AUTH_UNKNOWN_KEY"),
        sb("alg ES256 HMAC-signed with the JWT secret, no JWKS", st({"alg": "ES256"}), "ERR_AUTH_UNKNOWN_KEY"),
        sb("alg ES256 with a kid the JWKS does not have",
           st({"alg": "ES256", "kid": "attacker-key"}), "ERR_AUTH_UNKNOWN_KEY", jwks=JWKS),
        sb("alg RS256 with the EC key's kid", st({"alg": "RS256", "kid": "ec-key-1"}), "ERR_AUTH_UNKNOWN_KEY",
           jwks=JWKS),
        sb("HS256 keyed with the JWKS public key (algorithm confusion)",
           token({"alg": "HS256", "kid": "ec-key-1"}, u, key=ec_as_secret), "ERR_AUTH_SIGNATURE", jwks=JWKS),
        sb("HS256 keyed with the public key, no JWT secret configured",
           token({"alg": "HS256", "kid": "ec-key-1"}, u, key=ec_as_secret), "ERR_AUTH_UNKNOWN_KEY",
           secret=None, jwks=JWKS),
        sb("kid is not a key selector for HS256", st({"alg": "HS256", "kid": "../../dev/null"}), claims=u),
        sb("jku pointing at an attacker's key set, attacker's MAC",
           token({"alg": "HS256", "jku": "http://127.0.0.1:9/jwks.json"}, u, key=ATTACKER_SECRET),
           "ERR_AUTH_SIGNATURE"),
        sb("x5u pointing at an attacker's certificate, attacker's MAC",
           token({"alg": "HS256", "x5u": "http://127.0.0.1:9/cert.pem"}, u, key=ATTACKER_SECRET),
           "ERR_AUTH_SIGNATURE"),
        sb("crit with the right MAC", st({"alg": "HS256", "crit": ["exp"]}), "ERR_AUTH_ALGORITHM"),
        sb("b64 false with the right MAC", st({"alg": "HS256", "b64": False}), "ERR_AUTH_ALGORITHM"),
        sb("alg repeated, none then HS256", st('{"alg":"none","alg":"HS256"}'), "ERR_AUTH_ALGORITHM"),
        sb("role repeated, anon then authenticated",
           token(HS256, j(u).replace('"role"', '"role":"anon","role"'), key=JWT_SECRET), "ERR_AUTH_CLAIMS"),
        sb("sub repeated, the second another user",
           token(HS256, j(u) [:-1] + ',"sub":"00000000-0000-4000-8000-000000000000"}', key=JWT_SECRET),
           "ERR_AUTH_CLAIMS"),
        sb("padding on the payload segment", f"{h}.{p}=.{s}", "ERR_AUTH_MALFORMED"),
        sb("padding on the signature segment", f"{h}.{p}.{s}=", "ERR_AUTH_MALFORMED"),
        sb("a space inside the token", f"{h}.{p[:5]} {p[5:]}.{s}", "ERR_AUTH_MALFORMED"),
        sb("a newline after the token", f"{good}\n", "ERR_AUTH_MALFORMED"),
        sb("signature truncated to 31 bytes", f"{h}.{p}.{b64url(raw_sig(s)[:31])}", "ERR_AUTH_SIGNATURE"),
        sb("signature doubled (64 bytes)", f"{h}.{p}.{b64url(raw_sig(s) * 2)}", "ERR_AUTH_SIGNATURE"),
        sb("empty signature", f"{h}.{p}.", "ERR_AUTH_MALFORMED"),
        sb("exp as a string", st(HS256, user_claims(exp=str(NOW + 3600))), "ERR_AUTH_CLAIMS"),
        sb("exp as a float (a NumericDate may have a fraction)", st(HS256, user_claims(exp=NOW + 3600.5)),
           claims=user_claims(exp=NOW + 3600.5)),
        sb("exp of 1e400 (overflows f64)", st(HS256, j(u).replace(f'"exp":{NOW + 3600}', '"exp":1e400')),
           "ERR_AUTH_MALFORMED"),
        sb("exp negative", st(HS256, user_claims(exp=-1)), "ERR_AUTH_EXPIRED"),
        sb("exp missing", st(HS256, user_claims(exp=None)), "ERR_AUTH_CLAIMS"),
        sb("exp expired beyond the leeway", st(HS256, user_claims(exp=NOW - 31)), "ERR_AUTH_EXPIRED"),
        sb("nbf an hour ahead", st(HS256, user_claims(nbf=NOW + 3600)), "ERR_AUTH_NOT_YET_VALID"),
        sb("nbf as a string", st(HS256, user_claims(nbf=str(NOW))), "ERR_AUTH_CLAIMS"),
        sb("iat an hour ahead", st(HS256, user_claims(iat=NOW + 3600)), "ERR_AUTH_NOT_YET_VALID"),
        sb("iss of another project", st(HS256, user_claims(iss="https://attacker.supabase.co/auth/v1")),
           "ERR_AUTH_ISSUER"),
        sb("iss missing", st(HS256, user_claims(iss=None)), "ERR_AUTH_ISSUER"),
        sb("wrong secret", token(HS256, u, key="another-projects-jwt-secret-0123456789abc"), "ERR_AUTH_SIGNATURE"),
        sb("the project's anon key (role anon)",
           st(HS256, {"iss": "supabase", "ref": "x", "role": "anon", "iat": NOW - 86400, "exp": NOW + 86400 * 3650}),
           "ERR_AUTH_ANON_KEY"),
        sb("the service-role key (role service_role)",
           st(HS256, {"iss": "supabase", "ref": "x", "role": "service_role", "iat": NOW - 86400,
                      "exp": NOW + 86400 * 3650}), "ERR_AUTH_ROLE"),
        sb("audience of another service", st(HS256, user_claims(aud="postgrest")), "ERR_AUTH_AUDIENCE"),
        sb("sub that is not a UUID", st(HS256, user_claims(sub="' OR 1=1 --")), "ERR_AUTH_CLAIMS"),
        sb("anonymous sign-in", st(HS256, user_claims(is_anonymous=True)), "ERR_AUTH_ANONYMOUS_USER"),
        sb("payload bytes not UTF-8, signed",
           token(HS256, j(u).encode().replace(b"user@example.com", b"\xff\xfe@example.com"), key=JWT_SECRET),
           "ERR_AUTH_MALFORMED"),
        sb("two segments", f"{h}.{p}", "ERR_AUTH_MALFORMED"),
    ]


FILES = {
    "attacks_livekit.json": (
        "JWT attack suite against LiveKit access-token verification (kind verify): algorithm "
        "confusion, unsupported and critical headers, duplicate members, non-canonical encodings, "
        "signature length games, hostile time claims, key confusion",
        livekit_cases),
    "attacks_webhook.json": (
        "JWT attack suite against LiveKit webhook verification (kind webhook): forged and replayed "
        "deliveries, algorithm confusion, hash-claim games, hostile Authorization headers",
        webhook_cases),
    "attacks_supabase.json": (
        "JWT attack suite against Supabase user-JWT verification (kind supabase_jwt): alg none and "
        "HS/RS/ES confusion (including HMAC keyed with the JWKS public key), crit/b64/jku/x5u/kid "
        "headers, duplicate members, hostile claims, other projects' and roles' keys",
        supabase_cases),
}
SOURCE = ("generated by tests/vectors/gen/attacks.py (deterministic; real HMAC signatures where the "
          "attack needs one); expectations from RFC 7515/7519/7797, LiveKit's verifier and Supabase Auth's claims")


def render(description, make) -> str:
    doc = {"description": description, "source": SOURCE, "cases": make()}
    names = [c["name"] for c in doc["cases"]]
    assert len(names) == len(set(names)), "duplicate case names"
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    check = "--check" in sys.argv
    stale = []
    for name, (description, make) in FILES.items():
        text = render(description, make)
        path = os.path.join(OUT, name)
        if check:
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                stale.append(name)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        print(f"{name}: {len(json.loads(text)['cases'])} cases")
    if check:
        print(f"attack-vectors: {len(FILES) - len(stale)} passed, {len(stale)} failed")
    if stale:
        sys.exit(f"stale (re-run tests/vectors/gen/attacks.py): {', '.join(stale)}")
