//! The JavaScript boundary: the only module with `#[wasm_bindgen]` and `js_sys`.
//!
//! Typed structs cross through serde-wasm-bindgen. Every error thrown is a JS
//! `Error` whose `code` property is the core's stable code.

use std::collections::BTreeMap;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::token::TokenOptions;
use crate::verify::{VerifyOptions, DEFAULT_LEEWAY_SECONDS};

fn throw(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

fn input<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return serde_wasm_bindgen::from_value(js_sys::Object::new().into())
            .map_err(|e| throw(&Error::InvalidInput(format!("{what}: {e}"))));
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| throw(&Error::InvalidInput(format!("{what}: {e}"))))
}

fn output<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| throw(&Error::InvalidInput(e.to_string())))
}

/// Seconds since the epoch: the caller's `now`, else the JS clock.
fn now_seconds(now: Option<f64>) -> Result<i64, JsValue> {
    let now = now.unwrap_or_else(|| js_sys::Date::now() / 1000.0);
    if !now.is_finite() {
        return Err(throw(&Error::InvalidInput(
            "now must be a finite number".into(),
        )));
    }
    Ok(now.floor() as i64)
}

/// Mints a LiveKit access token; see [`crate::token::create_access_token`].
#[wasm_bindgen(js_name = createAccessToken)]
pub fn create_access_token(
    api_key: &str,
    api_secret: &str,
    options: JsValue,
    now: Option<f64>,
) -> Result<String, JsValue> {
    let options: TokenOptions = input(options, "token options")?;
    crate::token::create_access_token(api_key, api_secret, options, now_seconds(now)?)
        .map(|m| m.token)
        .map_err(|e| throw(&e))
}

/// Verifies a LiveKit access token against `keys` (API key → secret).
#[wasm_bindgen(js_name = verifyAccessToken)]
pub fn verify_access_token(
    token: &str,
    keys: JsValue,
    now: Option<f64>,
    leeway: Option<f64>,
) -> Result<JsValue, JsValue> {
    let keys: BTreeMap<String, String> = input(keys, "keys")?;
    let options = VerifyOptions {
        now: now_seconds(now)?,
        leeway: leeway.map_or(DEFAULT_LEEWAY_SECONDS, |l| l as i64),
    };
    let claims =
        crate::verify::verify_access_token(token, |iss| keys.get(iss).map(String::as_str), options)
            .map_err(|e| throw(&e))?;
    output(&claims)
}

/// Validates an environment map; returns the redacted report.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(env: JsValue) -> Result<JsValue, JsValue> {
    let env: BTreeMap<String, String> = input(env, "environment")?;
    output(&crate::config::validate_env(&env))
}

/// HMAC-SHA256 of `message` under `key`: the cost floor of signing, for benchmarks.
#[wasm_bindgen(js_name = hmacSha256)]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    crate::jws::hmac_sha256(key, message).to_vec()
}

// ---------------------------------------------------------------------------
// Supabase auth, scenarios, Tavus and settings (the avatar-session flow).
// ---------------------------------------------------------------------------

/// Parses every setting and builds the redacted report; see [`crate::config::load_settings`].
#[wasm_bindgen(js_name = parseSettings)]
pub fn parse_settings(env: JsValue) -> Result<JsValue, JsValue> {
    let env: BTreeMap<String, String> = input(env, "environment")?;
    output(&crate::config::load_settings(&env))
}

/// Decodes a Supabase JWT's header, refusing algorithms other than HS256/ES256/RS256.
#[wasm_bindgen(js_name = decodeSupabaseJwtHeader)]
pub fn decode_supabase_jwt_header(token: &str) -> Result<JsValue, JsValue> {
    output(&crate::auth::decode_header(token).map_err(|e| throw(&e))?)
}

/// Verifies an HS256 Supabase JWT with the legacy JWT secret, then applies the claim rules.
#[wasm_bindgen(js_name = verifySupabaseJwtHs256)]
pub fn verify_supabase_jwt_hs256(
    token: &str,
    secret: &str,
    rules: JsValue,
    now: Option<f64>,
) -> Result<JsValue, JsValue> {
    let rules: crate::auth::AuthRules = input(rules, "auth rules")?;
    let claims = crate::auth::verify_hs256(token, secret.as_bytes(), &rules, now_seconds(now)?)
        .map_err(|e| throw(&e))?;
    output(&claims)
}

/// Applies the claim rules to a token whose ES256/RS256 signature was verified with WebCrypto.
#[wasm_bindgen(js_name = checkVerifiedSupabaseJwt)]
pub fn check_verified_supabase_jwt(
    token: &str,
    rules: JsValue,
    now: Option<f64>,
) -> Result<JsValue, JsValue> {
    let rules: crate::auth::AuthRules = input(rules, "auth rules")?;
    let claims = crate::auth::check_verified_claims(token, &rules, now_seconds(now)?)
        .map_err(|e| throw(&e))?;
    output(&claims)
}

/// Picks the JWKS key for a token header; see [`crate::auth::select_jwk`].
#[wasm_bindgen(js_name = selectSupabaseJwk)]
pub fn select_supabase_jwk(jwks: JsValue, header: JsValue) -> Result<JsValue, JsValue> {
    let jwks: crate::auth::Jwks = input(jwks, "JWKS")
        .map_err(|_| throw(&Error::AuthJwks("not a JSON Web Key Set".into())))?;
    let header: crate::auth::JwtHeader = input(header, "JWT header")?;
    output(&crate::auth::select_jwk(&jwks, &header).map_err(|e| throw(&e))?)
}

/// Whether `presented` equals one of `candidates`, in constant time.
#[wasm_bindgen(js_name = matchesAnySecret)]
pub fn matches_any_secret(presented: &str, candidates: JsValue) -> Result<bool, JsValue> {
    let candidates: Vec<String> = input(candidates, "candidates")?;
    Ok(crate::auth::matches_any_secret(presented, &candidates))
}

/// Validates a scenario row; returns it as the core reads it (defaults applied).
#[wasm_bindgen(js_name = validateScenario)]
pub fn validate_scenario(scenario: JsValue) -> Result<JsValue, JsValue> {
    let scenario: crate::scenario::Scenario = input(scenario, "scenario")?;
    crate::scenario::validate_scenario(&scenario).map_err(|e| throw(&e))?;
    output(&scenario)
}

/// Checks a requested scenario id (a slug).
#[wasm_bindgen(js_name = checkScenarioId)]
pub fn check_scenario_id(id: &str) -> Result<(), JsValue> {
    crate::scenario::check_scenario_id(id).map_err(|e| throw(&e))
}

/// The agent-dispatch metadata (JSON text) for a scenario.
#[wasm_bindgen(js_name = scenarioDispatchMetadata)]
pub fn scenario_dispatch_metadata(
    scenario: JsValue,
    session_id: Option<String>,
    client_metadata: Option<String>,
) -> Result<String, JsValue> {
    let scenario: crate::scenario::Scenario = input(scenario, "scenario")?;
    crate::scenario::validate_scenario(&scenario).map_err(|e| throw(&e))?;
    Ok(crate::scenario::dispatch_metadata(
        &scenario,
        session_id.as_deref(),
        client_metadata.as_deref(),
    ))
}

/// The body of Tavus' `POST /v2/conversations`.
#[wasm_bindgen(js_name = tavusCreateConversationBody)]
pub fn tavus_create_conversation_body(
    scenario: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let scenario: crate::scenario::Scenario = input(scenario, "scenario")?;
    let options: crate::tavus::ConversationOptions = input(options, "conversation options")?;
    output(&crate::tavus::create_conversation_body(&scenario, &options).map_err(|e| throw(&e))?)
}

/// Classifies the answer to `POST /v2/conversations`.
#[wasm_bindgen(js_name = tavusParseCreateResponse)]
pub fn tavus_parse_create_response(
    status: u16,
    body: &str,
    scenario: JsValue,
) -> Result<JsValue, JsValue> {
    let scenario: crate::scenario::Scenario = input(scenario, "scenario")?;
    output(&crate::tavus::parse_create_response(status, body, &scenario).map_err(|e| throw(&e))?)
}

/// Classifies the answer to `POST /v2/conversations/{id}/end`.
#[wasm_bindgen(js_name = tavusParseEndResponse)]
pub fn tavus_parse_end_response(status: u16, body: &str) -> Result<JsValue, JsValue> {
    output(&crate::tavus::parse_end_response(status, body).map_err(|e| throw(&e))?)
}

/// Classifies the answer to `GET /v2/conversations/{id}`.
#[wasm_bindgen(js_name = tavusParseConversationResponse)]
pub fn tavus_parse_conversation_response(status: u16, body: &str) -> Result<JsValue, JsValue> {
    output(&crate::tavus::parse_conversation_response(status, body).map_err(|e| throw(&e))?)
}

/// Parses a Tavus callback body.
#[wasm_bindgen(js_name = tavusParseCallback)]
pub fn tavus_parse_callback(body: &str) -> Result<JsValue, JsValue> {
    output(&crate::tavus::parse_callback(body).map_err(|e| throw(&e))?)
}

/// `/v2/conversations/{id}/end` (or `/v2/conversations/{id}` when `end` is false), id checked.
#[wasm_bindgen(js_name = tavusConversationPath)]
pub fn tavus_conversation_path(conversation_id: &str, end: bool) -> Result<String, JsValue> {
    if end {
        crate::tavus::end_conversation_path(conversation_id)
    } else {
        crate::tavus::conversation_path(conversation_id)
    }
    .map_err(|e| throw(&e))
}
