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
