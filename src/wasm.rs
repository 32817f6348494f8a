//! The JavaScript boundary: the only module with `#[wasm_bindgen]`.
//!
//! One mechanism for every structured value, both ways: JSON text. Inputs are
//! `JSON.stringify`'d by the package (engine-native) and read here against
//! their schema ([`crate::json`]), strictly where the caller can mistype a
//! field; results are written here and `JSON.parse`'d by the package. Strings,
//! numbers, booleans and byte arrays cross as themselves. An error is thrown as
//! the JSON text `{"code", "message", "status"}`, which the package turns into
//! its `EdgeError`. The clock is read by the package and passed in as `now`
//! (seconds): the core never reads it.

use std::borrow::Cow;
use std::cell::RefCell;

use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::json::ObjWriter;
use crate::jws::HmacKey;

/// An error as JSON: `{"code", "message", "status"}`.
fn error_json(e: &Error) -> String {
    ObjWriter::new()
        .str("code", e.code())
        .str("message", &e.to_string())
        .int("status", e.status().into())
        .finish()
}

/// An error, thrown as its JSON text.
fn throw(e: &Error) -> JsValue {
    JsValue::from_str(&error_json(e))
}

fn fail<T>(e: Error) -> Result<T, JsValue> {
    Err(throw(&e))
}

/// Seconds since the epoch, from the package's clock.
fn seconds(now: f64) -> Result<i64, JsValue> {
    if !now.is_finite() {
        return fail(Error::InvalidInput("now must be a finite number".into()));
    }
    Ok(now.floor() as i64)
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

/// A JSON object of strings (an environment).
fn string_map<'a>(json: &'a str, what: &str) -> Result<Vec<(Cow<'a, str>, Cow<'a, str>)>, JsValue> {
    crate::json::read_map(json.as_bytes())
        .or_else(|e| fail(Error::InvalidInput(format!("{what}: {e}"))))
}

thread_local! {
    /// Imported HMAC keys by secret: a secret is imported once per instance.
    static KEYS: RefCell<Vec<(Vec<u8>, HmacKey)>> = const { RefCell::new(Vec::new()) };
}

/// The imported key of `secret` (at most 16 are kept).
fn key(secret: &[u8]) -> HmacKey {
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some((_, k)) = keys.iter().find(|(s, _)| s == secret) {
            return k.clone();
        }
        let k = HmacKey::new(secret);
        if keys.len() >= 16 {
            keys.remove(0);
        }
        keys.push((secret.to_vec(), k.clone()));
        k
    })
}

/// A cached key, as a verification key source.
struct Cached<'a>(&'a str);

impl crate::verify::Secret for Cached<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn key(&self) -> HmacKey {
        key(self.0.as_bytes())
    }
}

// ---------------------------------------------------------------------------
// LiveKit access tokens, webhooks and the server API.
// ---------------------------------------------------------------------------

/// Mints a LiveKit access token from options JSON; see [`crate::token`].
#[wasm_bindgen(js_name = createAccessToken)]
pub fn create_access_token(
    api_key: &str,
    api_secret: &str,
    options: &str,
    now: f64,
) -> Result<String, JsValue> {
    let k = key(api_secret.as_bytes());
    crate::token::mint_text(api_key, api_secret.as_bytes(), &k, options, seconds(now)?)
        .map(|m| m.token)
        .map_err(|e| throw(&e))
}

/// The warnings for an API secret, as JSON `[{code, message}]`.
#[wasm_bindgen(js_name = secretWarnings)]
pub fn secret_warnings(api_secret: &str) -> String {
    let mut out = String::from("[");
    for (i, w) in crate::token::secret_warnings(api_secret.as_bytes())
        .iter()
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        out.push_str(
            &ObjWriter::new()
                .str("code", w.code())
                .str("message", w.message())
                .finish(),
        );
    }
    out.push(']');
    out
}

/// Verifies a LiveKit access token against `keys` (JSON: API key → secret); returns its claims JSON.
#[wasm_bindgen(js_name = verifyAccessToken)]
pub fn verify_access_token(
    token: &str,
    keys: &str,
    now: f64,
    leeway: Option<f64>,
) -> Result<String, JsValue> {
    let keys = crate::json::read_map(keys.as_bytes()).or_else(|_| {
        fail(Error::InvalidInput(
            "keys must map API keys to secrets".into(),
        ))
    })?;
    let options = crate::verify::VerifyOptions {
        now: seconds(now)?,
        leeway: whole_seconds(leeway, crate::verify::DEFAULT_LEEWAY_SECONDS),
    };
    let lookup = |iss: &str| keys.iter().find(|(k, _)| k == iss).map(|(_, s)| Cached(s));
    crate::verify::verify_access_token(token, lookup, options)
        .map(|c| c.json)
        .map_err(|e| throw(&e))
}

/// Decodes a token's claims without verifying anything; see
/// [`crate::verify::dangerous_decode_unverified`].
#[wasm_bindgen(js_name = decodeAccessTokenUnsafe)]
pub fn decode_access_token_unsafe(token: &str) -> Result<String, JsValue> {
    crate::verify::dangerous_decode_unverified(token)
        .map(|c| c.json)
        .map_err(|e| throw(&e))
}

/// A lifetime in seconds, checked and rounded up.
#[wasm_bindgen(js_name = ttlSeconds)]
pub fn ttl_seconds(seconds: f64) -> Result<f64, JsValue> {
    crate::duration::check_seconds(seconds)
        .map(|s| s as f64)
        .map_err(|e| throw(&e))
}

/// A duration string (`"10m"`) in whole seconds.
#[wasm_bindgen(js_name = parseDuration)]
pub fn parse_duration(text: &str) -> Result<f64, JsValue> {
    crate::duration::parse_duration(text)
        .map(|s| s as f64)
        .map_err(|e| throw(&e))
}

/// Verifies a webhook (the body's exact bytes) and returns its event JSON, or
/// `""` when that is the body itself (the caller has it already: no copy back).
#[wasm_bindgen(js_name = receiveWebhook)]
pub fn receive_webhook(
    body: &[u8],
    authorization: Option<String>,
    keys: &str,
    now: f64,
    leeway: Option<f64>,
    max_age: Option<f64>,
) -> Result<String, JsValue> {
    webhook_event(body, authorization, keys, now, leeway, max_age)
}

/// [`receive_webhook`] of a body given as text (its UTF-8 bytes are the body):
/// copied into wasm memory once, with no intermediate byte array.
#[wasm_bindgen(js_name = receiveWebhookText)]
pub fn receive_webhook_text(
    body: &str,
    authorization: Option<String>,
    keys: &str,
    now: f64,
    leeway: Option<f64>,
    max_age: Option<f64>,
) -> Result<String, JsValue> {
    webhook_event(body.as_bytes(), authorization, keys, now, leeway, max_age)
}

fn webhook_event(
    body: &[u8],
    authorization: Option<String>,
    keys: &str,
    now: f64,
    leeway: Option<f64>,
    max_age: Option<f64>,
) -> Result<String, JsValue> {
    let keys = crate::json::read_map(keys.as_bytes()).or_else(|_| {
        fail(Error::InvalidInput(
            "keys must map API keys to secrets".into(),
        ))
    })?;
    let options = crate::webhook::WebhookOptions {
        verify: crate::verify::VerifyOptions {
            now: seconds(now)?,
            leeway: whole_seconds(leeway, crate::verify::DEFAULT_LEEWAY_SECONDS),
        },
        max_age: max_age.map(|a| whole_seconds(Some(a), -1)),
    };
    let lookup = |iss: &str| keys.iter().find(|(k, _)| k == iss).map(|(_, s)| Cached(s));
    match crate::webhook::receive_webhook_event(body, authorization.as_deref(), lookup, options) {
        Ok(Cow::Borrowed(_)) => Ok(String::new()),
        Ok(Cow::Owned(event)) => Ok(event),
        Err(e) => fail(e),
    }
}

/// Decodes a webhook body without verifying anything (event JSON); see
/// [`crate::webhook::dangerous_decode_webhook_unverified`].
#[wasm_bindgen(js_name = decodeWebhookUnsafe)]
pub fn decode_webhook_unsafe(body: &[u8]) -> Result<String, JsValue> {
    crate::webhook::dangerous_decode_webhook_unverified(body).map_err(|e| throw(&e))
}

/// Signs a webhook body as LiveKit's server does; returns the Authorization value.
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(
    body: &[u8],
    api_key: &str,
    api_secret: &str,
    now: f64,
) -> Result<String, JsValue> {
    crate::webhook::sign_webhook(body, api_key, api_secret, seconds(now)?).map_err(|e| throw(&e))
}

/// A ready-to-send RoomService request (JSON); see [`crate::server_api::room_service_request`].
#[wasm_bindgen(js_name = serverApiRequest)]
pub fn server_api_request(
    method: &str,
    ws_url: &str,
    api_key: &str,
    api_secret: &str,
    body: Option<String>,
    now: f64,
) -> Result<String, JsValue> {
    crate::server_api::room_service_request(
        method,
        ws_url,
        api_key,
        api_secret,
        body.as_deref(),
        seconds(now)?,
    )
    .map(|r| r.to_json())
    .map_err(|e| throw(&e))
}

/// The server-API base URL for a LiveKit URL; see [`crate::server_api::http_url`].
#[wasm_bindgen(js_name = livekitHttpUrl)]
pub fn livekit_http_url(ws_url: &str) -> Result<String, JsValue> {
    crate::server_api::http_url(ws_url).map_err(|e| throw(&e))
}

/// HMAC-SHA256 of `message` under `key`: the cost floor of signing, for benchmarks.
#[wasm_bindgen(js_name = hmacSha256)]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    crate::jws::hmac_sha256(key, message).to_vec()
}

// ---------------------------------------------------------------------------
// Settings, Supabase auth, scenarios and Tavus (the avatar-session flow).
// ---------------------------------------------------------------------------

/// Parses every setting (JSON environment); returns settings and report JSON.
#[wasm_bindgen(js_name = parseSettings)]
pub fn parse_settings(env: &str) -> Result<String, JsValue> {
    Ok(crate::config::load_settings(&string_map(env, "environment")?).to_json())
}

/// The outcome of a caller's JWT check, as JSON: `{"claims"}`, `{"alg", "jwk",
/// "claims"|"error"}` (check the signature first) or `{"jwks": true}` (fetch it).
fn outcome_json(outcome: crate::auth::Outcome) -> String {
    use crate::auth::Outcome;
    match outcome {
        Outcome::Verified(claims) => ObjWriter::new().raw("claims", &claims).finish(),
        Outcome::NeedJwks => String::from(r#"{"jwks":true}"#),
        Outcome::Signature { alg, jwk, claims } => {
            let mut w = ObjWriter::new();
            w.str("alg", alg.name()).raw("jwk", &jwk);
            match claims {
                Ok(c) => w.raw("claims", &c),
                Err(e) => w.raw("error", &error_json(&e)),
            };
            w.finish()
        }
    }
}

/// Verifies a Supabase JWT in one pass (header decoded once); see [`crate::auth::verify`].
#[wasm_bindgen(js_name = verifySupabaseJwt)]
pub fn verify_supabase_jwt(
    token: &str,
    secret: Option<String>,
    jwks: Option<String>,
    rules: &str,
    now: f64,
) -> Result<String, JsValue> {
    let rules = crate::auth::AuthRules::from_json(rules.as_bytes()).map_err(|e| throw(&e))?;
    let secret = secret.filter(|s| !s.is_empty()).map(|s| key(s.as_bytes()));
    crate::auth::verify(
        token,
        secret.as_ref(),
        jwks.as_deref(),
        &rules,
        seconds(now)?,
        true,
    )
    .map(outcome_json)
    .map_err(|e| throw(&e))
}

/// A caller's JWT header (JSON), decoded once and checked; nothing verified.
#[wasm_bindgen(js_name = decodeSupabaseJwtHeader)]
pub fn decode_supabase_jwt_header(token: &str) -> Result<String, JsValue> {
    crate::auth::decode_header(token, 0).map_err(|e| throw(&e))
}

/// Whether `presented` equals one of `candidates` (a JSON list), in constant time.
#[wasm_bindgen(js_name = matchesAnySecret)]
pub fn matches_any_secret(presented: &str, candidates: &str) -> bool {
    crate::json::read_strs(candidates.as_bytes())
        .is_ok_and(|c| crate::auth::matches_any_secret(presented, &c))
}

fn scenario_of(row: &str) -> Result<crate::scenario::Scenario, JsValue> {
    let s = crate::scenario::Scenario::from_json(row.as_bytes()).map_err(|e| throw(&e))?;
    crate::scenario::validate_scenario(&s).map_err(|e| throw(&e))?;
    Ok(s)
}

/// Validates a scenario row (JSON); returns it as the core reads it (defaults applied).
#[wasm_bindgen(js_name = validateScenario)]
pub fn validate_scenario(row: &str) -> Result<String, JsValue> {
    Ok(scenario_of(row)?.to_json())
}

/// Checks a requested scenario id (a slug).
#[wasm_bindgen(js_name = checkScenarioId)]
pub fn check_scenario_id(id: &str) -> Result<(), JsValue> {
    crate::scenario::check_scenario_id(id).map_err(|e| throw(&e))
}

/// The agent-dispatch metadata (JSON text) for a scenario.
#[wasm_bindgen(js_name = scenarioDispatchMetadata)]
pub fn scenario_dispatch_metadata(
    row: &str,
    session_id: Option<String>,
    client_metadata: Option<String>,
) -> Result<String, JsValue> {
    Ok(crate::scenario::dispatch_metadata(
        &scenario_of(row)?,
        session_id.as_deref(),
        client_metadata.as_deref(),
    ))
}

/// The body (JSON) of Tavus' `POST /v2/conversations`.
#[wasm_bindgen(js_name = tavusCreateConversationBody)]
pub fn tavus_create_conversation_body(row: &str, options: &str) -> Result<String, JsValue> {
    let scenario = crate::scenario::Scenario::from_json(row.as_bytes()).map_err(|e| throw(&e))?;
    let options =
        crate::tavus::ConversationOptions::from_json(options.as_bytes()).map_err(|e| throw(&e))?;
    crate::tavus::create_conversation_body(&scenario, &options)
        .map(|b| b.to_json())
        .map_err(|e| throw(&e))
}

/// Classifies the answer to `POST /v2/conversations` (JSON result).
#[wasm_bindgen(js_name = tavusParseCreateResponse)]
pub fn tavus_parse_create_response(status: u16, body: &str, row: &str) -> Result<String, JsValue> {
    let scenario = crate::scenario::Scenario::from_json(row.as_bytes()).map_err(|e| throw(&e))?;
    crate::tavus::parse_create_response(status, body, &scenario)
        .map(|c| c.to_json())
        .map_err(|e| throw(&e))
}

/// Classifies the answer to `POST /v2/conversations/{id}/end`: `ended`,
/// `already_ended` or `not_found`.
#[wasm_bindgen(js_name = tavusParseEndResponse)]
pub fn tavus_parse_end_response(status: u16, body: &str) -> Result<String, JsValue> {
    crate::tavus::parse_end_response(status, body)
        .map(|o| o.name().to_owned())
        .map_err(|e| throw(&e))
}

/// Classifies the answer to `GET /v2/conversations/{id}` (JSON result).
#[wasm_bindgen(js_name = tavusParseConversationResponse)]
pub fn tavus_parse_conversation_response(status: u16, body: &str) -> Result<String, JsValue> {
    crate::tavus::parse_conversation_response(status, body)
        .map(|s| s.to_json())
        .map_err(|e| throw(&e))
}

/// Parses a Tavus callback body (JSON result).
#[wasm_bindgen(js_name = tavusParseCallback)]
pub fn tavus_parse_callback(body: &str) -> Result<String, JsValue> {
    crate::tavus::parse_callback(body)
        .map(|c| c.to_json())
        .map_err(|e| throw(&e))
}

/// Classifies the answer to `GET /v2/conversations` (one page, JSON result).
#[wasm_bindgen(js_name = tavusParseConversationList)]
pub fn tavus_parse_conversation_list(status: u16, body: &str) -> Result<String, JsValue> {
    crate::tavus::parse_conversation_list(status, body)
        .map(|p| p.to_json())
        .map_err(|e| throw(&e))
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

/// The owner a conversation name names, as JSON (`null` when it names none);
/// see [`crate::reconcile::parse_conversation_name`].
#[wasm_bindgen(js_name = reconcileParseConversationName)]
pub fn reconcile_parse_conversation_name(name: &str) -> String {
    match crate::reconcile::parse_conversation_name(name) {
        Some(owner) => owner.to_json(),
        None => "null".to_owned(),
    }
}

/// One reconciler pass's plan (JSON) from its input (JSON); see [`crate::reconcile::plan`].
#[wasm_bindgen(js_name = reconcilePlan)]
pub fn reconcile_plan(input: &str) -> Result<String, JsValue> {
    let input = crate::reconcile::PlanInput::from_json(input.as_bytes()).map_err(|e| throw(&e))?;
    Ok(crate::reconcile::plan(&input).to_json())
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
// The functions' policy: built once per set of settings.
// ---------------------------------------------------------------------------

/// The functions' decisions for one environment; see [`crate::policy::Policy`].
#[wasm_bindgen]
pub struct EdgePolicy(crate::policy::Policy);

#[wasm_bindgen]
impl EdgePolicy {
    /// Parses the settings of an environment (JSON) and imports its keys.
    #[wasm_bindgen(constructor)]
    pub fn new(env: &str) -> Result<EdgePolicy, JsValue> {
        Ok(EdgePolicy(crate::policy::Policy::new(&string_map(
            env,
            "environment",
        )?)))
    }

    /// The settings and the redacted report (JSON, the `LoadedSettings` type).
    pub fn settings(&self) -> String {
        self.0.loaded.to_json()
    }

    /// Plans a token request: the `TokenPlan` JSON, or `{"load": id}` when
    /// scenario `id` must be read first (then call again with its row as
    /// `row`: JSON text, `"null"` when there is none).
    pub fn plan(
        &mut self,
        user_id: &str,
        body: &str,
        query_scenario_id: Option<String>,
        now: f64,
        row: Option<String>,
    ) -> Result<String, JsValue> {
        let row = row
            .as_deref()
            .map(|r| (r.trim() != "null").then_some(r.as_bytes()));
        match self
            .0
            .plan(
                user_id,
                body,
                query_scenario_id.as_deref(),
                seconds(now)?,
                row,
            )
            .map_err(|e| throw(&e))?
        {
            Ok(plan) => Ok(plan),
            Err(id) => Ok(ObjWriter::new().str("load", &id).finish()),
        }
    }

    /// Mints a planned token for its room, living no longer than `not_after`
    /// (seconds): the `MintedToken` JSON.
    pub fn mint(
        &self,
        plan: &str,
        room: &str,
        now: f64,
        not_after: Option<f64>,
    ) -> Result<String, JsValue> {
        let not_after = not_after.map(seconds).transpose()?;
        self.0
            .mint(plan, room, seconds(now)?, not_after)
            .map(|m| m.to_json())
            .map_err(|e| throw(&e))
    }

    /// The validated row (JSON) of a scenario a plan named.
    pub fn scenario(&self, id: &str) -> Result<String, JsValue> {
        self.0.scenario(id).map_err(|e| throw(&e))
    }

    /// The agents to dispatch on a new session's room (JSON list) from a plan's `dispatch`.
    pub fn agents(&self, dispatch: &str, session_id: &str) -> Result<String, JsValue> {
        self.0.agents(dispatch, session_id).map_err(|e| throw(&e))
    }

    /// Verifies a caller's Supabase JWT with this deployment's secret and rules
    /// (JSON outcome, as `verifySupabaseJwt`); `final_try`: a JWKS key that is
    /// missing is an error rather than `{"jwks": true}`.
    pub fn authenticate(
        &self,
        token: &str,
        jwks: Option<String>,
        now: f64,
        final_try: bool,
    ) -> Result<String, JsValue> {
        self.0
            .authenticate(token, jwks.as_deref(), seconds(now)?, final_try)
            .map(outcome_json)
            .map_err(|e| throw(&e))
    }

    /// Whether `token` is an HS256 `service_role` JWT of this project.
    #[wasm_bindgen(js_name = isServiceRoleJwt)]
    pub fn is_service_role_jwt(&self, token: &str, now: f64) -> bool {
        seconds(now).is_ok_and(|now| self.0.is_service_role_jwt(token, now))
    }
}

// ---------------------------------------------------------------------------
// The allocator: power-of-two size classes over linear memory ([`crate::sizeclass`]).
// ---------------------------------------------------------------------------

mod heap {
    use crate::sizeclass::{class, Classes, Memory};
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;

    const PAGE: usize = 64 * 1024;

    /// The module's linear memory.
    struct Linear;

    impl Memory for Linear {
        #[inline(always)]
        fn grow(&mut self, bytes: usize) -> Option<usize> {
            let pages = core::arch::wasm32::memory_grow(0, bytes / PAGE);
            (pages != usize::MAX).then_some(pages * PAGE)
        }
        #[inline(always)]
        fn load(&self, addr: usize) -> usize {
            // SAFETY: `addr` is a free block of at least 8 bytes, aligned to 8.
            unsafe { *(addr as *const usize) }
        }
        #[inline(always)]
        fn store(&mut self, addr: usize, value: usize) {
            // SAFETY: as in `load`: the block is free, so no one else reads it.
            unsafe { *(addr as *mut usize) = value }
        }
    }

    struct Heap(UnsafeCell<Classes>);

    // SAFETY: wasm32-unknown-unknown without atomics runs one thread.
    unsafe impl Sync for Heap {}

    #[global_allocator]
    static HEAP: Heap = Heap(UnsafeCell::new(Classes::new()));

    // SAFETY: blocks come from memory only this allocator grows, each handed out
    // once until it is freed, aligned to its class (≥ the layout's size and
    // alignment); one thread, so no reentrancy.
    unsafe impl GlobalAlloc for Heap {
        #[inline]
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            match class(layout.size(), layout.align()) {
                Some(k) => (*self.0.get()).alloc(k, &mut Linear) as *mut u8,
                None => std::ptr::null_mut(),
            }
        }

        #[inline]
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if let Some(k) = class(layout.size(), layout.align()) {
                (*self.0.get()).free(ptr as usize, k, &mut Linear);
            }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let (Some(o), Some(n)) = (
                class(layout.size(), layout.align()),
                class(new_size, layout.align()),
            ) else {
                return std::ptr::null_mut();
            };
            let to = (*self.0.get()).resize(ptr as usize, o, n, &mut Linear) as *mut u8;
            if !to.is_null() && to != ptr {
                std::ptr::copy_nonoverlapping(ptr, to, layout.size().min(new_size));
                (*self.0.get()).free(ptr as usize, o, &mut Linear);
            }
            to
        }
    }
}
