//! The JavaScript boundary: the only module with `#[wasm_bindgen]` and `js_sys`.
//!
//! Typed structs cross through serde-wasm-bindgen, except token options and
//! server-API request bodies: those cross as a binary tape (`crate::wasm_tape`,
//! written by `src/wasm_tape.js` in one call) that the core transcodes to JSON
//! text for its strict `serde_json` reading. Every error thrown is a JS `Error`
//! whose `code` property is the core's stable code.

use std::collections::BTreeMap;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::error::Error;

fn throw(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

// Token options and request bodies cross as a tape (see `crate::wasm_tape`),
// which the core transcodes to JSON text for its strict `serde_json` reading.
#[wasm_bindgen(module = "/src/wasm_tape.js")]
extern "C" {
    #[wasm_bindgen(js_name = encode)]
    fn tape_encode(value: &JsValue) -> Vec<u8>;
}

/// Reads a typed struct from a JS value; `undefined` and `null` read as `{}`.
fn input<T: serde::de::DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let value = if value.is_undefined() || value.is_null() {
        js_sys::Object::new().into()
    } else {
        value
    };
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| throw(&Error::InvalidInput(format!("{what}: {e}"))))
}

/// Turns a typed struct into plain JS objects (JSON-compatible: maps become objects).
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

/// Classifies the answer to `GET /v2/conversations` (one page).
#[wasm_bindgen(js_name = tavusParseConversationList)]
pub fn tavus_parse_conversation_list(status: u16, body: &str) -> Result<JsValue, JsValue> {
    output(&crate::tavus::parse_conversation_list(status, body).map_err(|e| throw(&e))?)
}

/// A new conversation's name; see [`crate::reconcile::conversation_name`].
#[wasm_bindgen(js_name = reconcileConversationName)]
pub fn reconcile_conversation_name(
    marker: &str,
    session_id: &str,
    scenario_id: &str,
) -> Result<String, JsValue> {
    crate::reconcile::conversation_name(marker, session_id, scenario_id).map_err(|e| throw(&e))
}

/// The owner a conversation name names (or `null`); see [`crate::reconcile::parse_conversation_name`].
#[wasm_bindgen(js_name = reconcileParseConversationName)]
pub fn reconcile_parse_conversation_name(name: &str) -> Result<JsValue, JsValue> {
    match crate::reconcile::parse_conversation_name(name) {
        Some(owner) => output(&owner),
        None => Ok(JsValue::NULL),
    }
}

/// One reconciler pass's plan; see [`crate::reconcile::plan`].
#[wasm_bindgen(js_name = reconcilePlan)]
pub fn reconcile_plan(input_value: JsValue) -> Result<JsValue, JsValue> {
    let plan_input: crate::reconcile::PlanInput = input(input_value, "reconcile input")?;
    output(&crate::reconcile::plan(&plan_input))
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

// ---------------------------------------------------------------------------
// LiveKit access tokens, webhooks and the server API.
// ---------------------------------------------------------------------------

/// A JS value as JSON text (see [`crate::wasm_tape::tape_to_json`]); `undefined`/`null` give `None`.
fn json_of(value: &JsValue) -> Result<Option<Vec<u8>>, String> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    crate::wasm_tape::tape_to_json(&tape_encode(value)).map(Some)
}

/// Token options, read strictly (unknown fields refused at any depth).
fn token_options(options: &JsValue) -> Result<crate::token::TokenOptions, JsValue> {
    match json_of(options) {
        Ok(None) => Ok(crate::token::TokenOptions::default()),
        Ok(Some(json)) => crate::token::TokenOptions::from_json(&json).map_err(|e| throw(&e)),
        Err(why) => Err(throw(&Error::InvalidOption("options", why))),
    }
}

/// Looks secrets up in a JS object (own properties) or `Map`, one key at a time.
fn key_lookup(keys: &JsValue) -> Result<impl Fn(&str) -> Option<String> + '_, JsValue> {
    if !keys.is_object() {
        return Err(throw(&Error::InvalidInput(
            "keys must be an object mapping API keys to secrets".into(),
        )));
    }
    let map = keys.dyn_ref::<js_sys::Map>();
    Ok(move |iss: &str| {
        let key = JsValue::from_str(iss);
        match map {
            Some(map) => map.get(&key).as_string(),
            None => js_sys::Object::has_own(keys.unchecked_ref::<js_sys::Object>(), &key)
                .then(|| js_sys::Reflect::get(keys, &key).ok()?.as_string())
                .flatten(),
        }
    })
}

/// Seconds from JS for a leeway or an age: a non-finite or negative value
/// becomes `-1`, which the core refuses with the option's name.
fn whole_seconds(value: Option<f64>, default: i64) -> i64 {
    match value {
        None => default,
        Some(v) if v.is_finite() && v >= 0.0 => v.floor().min(i64::MAX as f64) as i64,
        Some(_) => -1,
    }
}

fn verify_options(
    now: Option<f64>,
    leeway: Option<f64>,
) -> Result<crate::verify::VerifyOptions, JsValue> {
    Ok(crate::verify::VerifyOptions {
        now: now_seconds(now)?,
        leeway: whole_seconds(leeway, crate::verify::DEFAULT_LEEWAY_SECONDS),
    })
}

/// Mints a LiveKit access token; see [`crate::token::create_access_token`].
/// `on_warning` is called with `{code, message}` for each warning.
#[wasm_bindgen(js_name = createAccessToken)]
pub fn create_access_token(
    api_key: &str,
    api_secret: &str,
    options: JsValue,
    now: Option<f64>,
    on_warning: Option<js_sys::Function>,
) -> Result<String, JsValue> {
    let options = token_options(&options)?;
    let minted = crate::token::create_access_token(api_key, api_secret, options, now_seconds(now)?)
        .map_err(|e| throw(&e))?;
    if let Some(callback) = on_warning {
        for warning in &minted.warnings {
            let w = js_sys::Object::new();
            js_sys::Reflect::set(&w, &"code".into(), &warning.code().into())?;
            js_sys::Reflect::set(&w, &"message".into(), &warning.message().into())?;
            callback.call1(&JsValue::NULL, &w)?;
        }
    }
    Ok(minted.token)
}

/// Verifies a LiveKit access token against `keys` (API key → secret).
#[wasm_bindgen(js_name = verifyAccessToken)]
pub fn verify_access_token(
    token: &str,
    keys: JsValue,
    now: Option<f64>,
    leeway: Option<f64>,
) -> Result<JsValue, JsValue> {
    let lookup = key_lookup(&keys)?;
    let claims = crate::verify::verify_access_token(token, lookup, verify_options(now, leeway)?)
        .map_err(|e| throw(&e))?;
    output(&claims)
}

/// Decodes a token's claims without verifying anything; see
/// [`crate::verify::dangerous_decode_unverified`].
#[wasm_bindgen(js_name = decodeAccessTokenUnsafe)]
pub fn decode_access_token_unsafe(token: &str) -> Result<JsValue, JsValue> {
    output(&crate::verify::dangerous_decode_unverified(token).map_err(|e| throw(&e))?)
}

/// A token lifetime (seconds or a duration string) in whole seconds.
#[wasm_bindgen(js_name = parseTtl)]
pub fn parse_ttl(ttl: JsValue) -> Result<f64, JsValue> {
    let ttl = if let Some(seconds) = ttl.as_f64() {
        crate::duration::Ttl::Seconds(seconds)
    } else if let Some(text) = ttl.as_string() {
        crate::duration::Ttl::Text(text)
    } else {
        return Err(throw(&Error::InvalidTtl(
            "expected a number of seconds or a duration string".into(),
        )));
    };
    crate::duration::ttl_seconds(Some(&ttl))
        .map(|s| s as f64)
        .map_err(|e| throw(&e))
}

fn webhook_options(
    now: Option<f64>,
    leeway: Option<f64>,
    max_age: Option<f64>,
) -> Result<crate::webhook::WebhookOptions, JsValue> {
    Ok(crate::webhook::WebhookOptions {
        verify: verify_options(now, leeway)?,
        max_age: max_age.map(|a| whole_seconds(Some(a), -1)),
    })
}

/// Verifies a webhook (body as a string) and returns its event.
#[wasm_bindgen(js_name = receiveWebhook)]
pub fn receive_webhook(
    body: &str,
    authorization: Option<String>,
    keys: JsValue,
    now: Option<f64>,
    leeway: Option<f64>,
    max_age: Option<f64>,
) -> Result<JsValue, JsValue> {
    receive_webhook_bytes(body.as_bytes(), authorization, keys, now, leeway, max_age)
}

/// Verifies a webhook (body as bytes) and returns its event.
#[wasm_bindgen(js_name = receiveWebhookBytes)]
pub fn receive_webhook_bytes(
    body: &[u8],
    authorization: Option<String>,
    keys: JsValue,
    now: Option<f64>,
    leeway: Option<f64>,
    max_age: Option<f64>,
) -> Result<JsValue, JsValue> {
    let lookup = key_lookup(&keys)?;
    let options = webhook_options(now, leeway, max_age)?;
    let event =
        crate::webhook::receive_webhook_json(body, authorization.as_deref(), lookup, options)
            .map_err(|e| throw(&e))?;
    output(&event)
}

/// Decodes a webhook body without verifying anything; see
/// [`crate::webhook::dangerous_decode_webhook_unverified`].
#[wasm_bindgen(js_name = decodeWebhookUnsafe)]
pub fn decode_webhook_unsafe(body: &[u8]) -> Result<JsValue, JsValue> {
    output(&crate::webhook::dangerous_decode_webhook_unverified(body).map_err(|e| throw(&e))?)
}

/// Signs a webhook body as LiveKit's server does; returns the Authorization value.
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(
    body: &[u8],
    api_key: &str,
    api_secret: &str,
    now: Option<f64>,
) -> Result<String, JsValue> {
    crate::webhook::sign_webhook(body, api_key, api_secret, now_seconds(now)?)
        .map_err(|e| throw(&e))
}

/// A ready-to-send RoomService request; see [`crate::server_api::room_service_request`].
#[wasm_bindgen(js_name = serverApiRequest)]
pub fn server_api_request(
    method: &str,
    ws_url: &str,
    api_key: &str,
    api_secret: &str,
    body: JsValue,
    now: Option<f64>,
) -> Result<JsValue, JsValue> {
    let body = json_of(&body)
        .map_err(|why| throw(&Error::ServerApiBody(why)))?
        .map(|json| String::from_utf8(json).unwrap_or_default());
    let request = crate::server_api::room_service_request(
        method,
        ws_url,
        api_key,
        api_secret,
        body.as_deref(),
        now_seconds(now)?,
    )
    .map_err(|e| throw(&e))?;
    output(&request)
}

/// The server-API base URL for a LiveKit URL; see [`crate::server_api::http_url`].
#[wasm_bindgen(js_name = livekitHttpUrl)]
pub fn livekit_http_url(ws_url: &str) -> Result<String, JsValue> {
    crate::server_api::http_url(ws_url).map_err(|e| throw(&e))
}
