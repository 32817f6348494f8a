//! The shared test vectors (`tests/vectors/*.json`), driven by one loop.
//!
//! Every case names a `kind`; an unknown kind fails the suite, so nothing is
//! skipped silently. The Deno suite reads the same files through the JS API.

use std::collections::BTreeMap;
use std::fs;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use livekit_tavus_edge::auth::{self, verify, AuthRules};
use livekit_tavus_edge::duration::{ttl_seconds, Ttl};
use livekit_tavus_edge::jws::HmacKey;
use livekit_tavus_edge::server_api::http_url;
use livekit_tavus_edge::token::create_access_token;
use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions, DEFAULT_LEEWAY_SECONDS};
use livekit_tavus_edge::webhook::{receive_webhook, WebhookOptions};
use livekit_tavus_edge::{jws, Error};
use serde_json::{json, Value};

type Outcome = Result<Value, Error>;

fn field<'a>(input: &'a Value, name: &str) -> Result<&'a Value, String> {
    input
        .get(name)
        .ok_or_else(|| format!("input has no `{name}`"))
}

fn text<'a>(input: &'a Value, name: &str) -> Result<&'a str, String> {
    field(input, name)?
        .as_str()
        .ok_or_else(|| format!("`{name}` is not a string"))
}

fn int(input: &Value, name: &str) -> Result<i64, String> {
    field(input, name)?
        .as_i64()
        .ok_or_else(|| format!("`{name}` is not an integer"))
}

fn keys(input: &Value) -> Result<BTreeMap<String, String>, String> {
    serde_json::from_value(field(input, "keys")?.clone()).map_err(|e| format!("keys: {e}"))
}

fn verify_options(input: &Value) -> Result<VerifyOptions, String> {
    Ok(VerifyOptions {
        now: int(input, "now")?,
        leeway: match input.get("leeway") {
            Some(_) => int(input, "leeway")?,
            None => DEFAULT_LEEWAY_SECONDS,
        },
    })
}

fn payload_of(token: &str) -> Result<Value, String> {
    let payload = token.split('.').nth(1).ok_or("token has no payload")?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| format!("payload: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("payload: {e}"))
}

/// JSON numbers as JavaScript sees them: a whole `f64` compares equal to the integer.
fn js_numbers(v: Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => json!(f as i64),
            _ => Value::Number(n),
        },
        Value::Array(a) => Value::Array(a.into_iter().map(js_numbers).collect()),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, js_numbers(v))).collect()),
        other => other,
    }
}

fn parsed(json: &str) -> Value {
    serde_json::from_str(json).expect("the core writes JSON")
}

/// `supabase_jwt`: what the JS `verifySupabaseJwt` does, up to the WebCrypto step
/// (HS256 in the core; ES256/RS256 need a JWKS and a key for the token's `kid`).
fn supabase_jwt(input: &Value) -> Result<Outcome, String> {
    let token = text(input, "token")?;
    let now = int(input, "now")?;
    let rules = match input.get("rules") {
        Some(r) => {
            AuthRules::from_json(r.to_string().as_bytes()).map_err(|e| format!("rules: {e}"))?
        }
        None => AuthRules::default(),
    };
    let secret = input.get("secret").and_then(Value::as_str).unwrap_or("");
    let key = (!secret.is_empty()).then(|| HmacKey::new(secret.as_bytes()));
    let jwks = input.get("jwks").map(Value::to_string);
    Ok(
        match verify(token, key.as_ref(), jwks.as_deref(), &rules, now, true) {
            Err(e) => Err(e),
            Ok(auth::Outcome::Verified(claims)) => {
                Ok(json!({ "claims": js_numbers(parsed(&claims)) }))
            }
            Ok(_) => {
                return Err(
                    "this case needs a WebCrypto signature check: the JS suite runs it".into(),
                )
            }
        },
    )
}

/// Runs one case; `Ok(outcome)` is the library's answer (a value or an error).
fn run(kind: &str, input: &Value) -> Result<Outcome, String> {
    Ok(match kind {
        "hs256" => {
            let key = URL_SAFE_NO_PAD
                .decode(text(input, "keyB64url")?)
                .map_err(|e| format!("keyB64url: {e}"))?;
            let mac = jws::hmac_sha256(&key, text(input, "signingInput")?.as_bytes());
            Ok(json!({ "signatureB64url": URL_SAFE_NO_PAD.encode(mac) }))
        }
        "verify" => {
            let keys = keys(input)?;
            verify_access_token(
                text(input, "token")?,
                |iss| keys.get(iss),
                verify_options(input)?,
            )
            .map(|claims| json!({ "claims": parsed(&claims.json) }))
        }
        "mint" => {
            let options = serde_json::to_vec(field(input, "options")?).unwrap();
            let (key, secret) = (text(input, "apiKey")?, text(input, "apiSecret")?);
            let now = int(input, "now")?;
            create_access_token(key, secret, &options, now).map(|minted| {
                let warnings: Vec<&str> = minted.warnings.iter().map(|w| w.code()).collect();
                json!({
                    "claims": payload_of(&minted.token).unwrap(),
                    "token": minted.token,
                    "warnings": warnings,
                    "typed": parsed(&minted.claims),
                })
            })
        }
        "webhook" => {
            let keys = keys(input)?;
            let options = WebhookOptions {
                verify: verify_options(input)?,
                max_age: match input.get("maxAge") {
                    Some(_) => Some(int(input, "maxAge")?),
                    None => None,
                },
            };
            let authorization = match field(input, "authorization")? {
                Value::Null => None,
                _ => Some(text(input, "authorization")?),
            };
            let body = text(input, "body")?.as_bytes();
            receive_webhook(body, authorization, |iss| keys.get(iss), options)
                .map(|event| json!({ "event": parsed(&event) }))
        }
        "ttl" => {
            let ttl = match field(input, "ttl")? {
                Value::String(s) => Ttl::Text(s.clone()),
                Value::Number(n) => Ttl::Seconds(n.as_f64().unwrap()),
                other => return Err(format!("ttl: {other}")),
            };
            ttl_seconds(Some(&ttl)).map(|seconds| json!({ "seconds": seconds }))
        }
        "server_url" => http_url(text(input, "wsUrl")?).map(|url| json!({ "httpUrl": url })),
        "supabase_jwt" => supabase_jwt(input)?,
        other => return Err(format!("unknown kind {other:?}")),
    })
}

/// Compares an outcome with `expect`; `Err` describes the difference.
fn check(kind: &str, input: &Value, outcome: Outcome, expect: &Value) -> Result<(), String> {
    if let Some(code) = expect.get("error") {
        return match outcome {
            Err(e) if code == e.code() => {
                // No error text may carry the secret or the token.
                let message = e.to_string();
                if let Some(token) = input.get("token").and_then(Value::as_str) {
                    if token.len() > 8 && message.contains(token) {
                        return Err("the error message contains the token".into());
                    }
                }
                Ok(())
            }
            Err(e) => Err(format!("expected {code}, got {} ({e})", e.code())),
            Ok(value) => Err(format!("expected {code}, got success {value}")),
        };
    }
    let value = outcome.map_err(|e| format!("expected success, got {} ({e})", e.code()))?;
    if kind == "mint" {
        let claims = &value["claims"];
        if claims != &expect["claims"] {
            return Err(format!(
                "claims differ:\n  got      {claims}\n  expected {}",
                expect["claims"]
            ));
        }
        // The typed claims the core returns are exactly the signed payload.
        if &value["typed"] != claims {
            return Err(format!(
                "typed claims {} differ from the payload",
                value["typed"]
            ));
        }
        if let Some(token) = expect.get("token") {
            if token != &value["token"] {
                return Err(format!("token differs: got {}", value["token"]));
            }
        }
        let warnings = expect.get("warnings").cloned().unwrap_or(json!([]));
        if warnings != value["warnings"] {
            return Err(format!(
                "warnings: got {}, expected {warnings}",
                value["warnings"]
            ));
        }
        // A minted token verifies to the same claims.
        let (key, secret) = (text(input, "apiKey")?, text(input, "apiSecret")?);
        let now = int(input, "now")?;
        let token = value["token"].as_str().unwrap();
        let verified = verify_access_token(
            token,
            |iss| (iss == key).then_some(secret),
            VerifyOptions::at(now),
        )
        .map_err(|e| format!("minted token does not verify: {e}"))?;
        if &parsed(&verified.json) != claims {
            return Err("minted token verifies to different claims".into());
        }
        return Ok(());
    }
    if &value != expect {
        return Err(format!("got {value}\n  expected {expect}"));
    }
    Ok(())
}

#[test]
fn every_vector_file_passes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors");
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("tests/vectors exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 8,
        "expected at least 8 vector files, found {}",
        files.len()
    );

    let mut failures = Vec::new();
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = 0;
    let mut names = std::collections::BTreeSet::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc: Value = serde_json::from_slice(&fs::read(path).unwrap())
            .unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
        for key in ["description", "source"] {
            assert!(
                doc[key].as_str().is_some_and(|s| !s.is_empty()),
                "{file}: `{key}` is missing"
            );
        }
        let cases = doc["cases"]
            .as_array()
            .unwrap_or_else(|| panic!("{file}: no cases"));
        assert!(!cases.is_empty(), "{file}: no cases");
        for case in cases {
            let name = case["name"].as_str().unwrap_or("(unnamed)");
            assert!(
                names.insert(format!("{file}/{name}")),
                "{file}: duplicate case name {name:?}"
            );
            let kind = case["kind"].as_str().unwrap_or("");
            let (input, expect) = (&case["input"], &case["expect"]);
            *per_kind.entry(kind.to_owned()).or_default() += 1;
            if expect.get("error").is_some() {
                errors += 1;
            }
            let result = run(kind, input).and_then(|outcome| check(kind, input, outcome, expect));
            if let Err(why) = result {
                failures.push(format!("{file}: {name}: {why}"));
            }
        }
    }
    let total: usize = per_kind.values().sum();
    eprintln!("vectors: {total} cases ({errors} negative) by kind: {per_kind:?}");
    assert!(
        failures.is_empty(),
        "{} of {total} vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(errors >= 30, "only {errors} negative vectors");
    for kind in ["hs256", "verify", "mint", "webhook", "ttl", "server_url"] {
        assert!(per_kind.contains_key(kind), "no `{kind}` vectors");
    }
}
