//! Environment settings: parse, validate, and report without revealing secrets.
//!
//! The report says which variables are missing or malformed and how to fix
//! them. It never contains a secret's value, a part of it, or its length.

use std::collections::BTreeMap;

use serde::Serialize;

/// The LiveKit API key variable.
pub const LIVEKIT_API_KEY: &str = "LIVEKIT_API_KEY";
/// The LiveKit API secret variable.
pub const LIVEKIT_API_SECRET: &str = "LIVEKIT_API_SECRET";
/// The LiveKit WebSocket URL variable.
pub const LIVEKIT_WS_URL: &str = "LIVEKIT_WS_URL";
/// The Tavus API key variable.
pub const TAVUS_API_KEY: &str = "TAVUS_API_KEY";

/// Secrets shorter than this get a warning (LiveKit's server warns too).
pub const MIN_SECRET_BYTES: usize = 32;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The service cannot work until it is fixed.
    Error,
    /// It works, but should be fixed.
    Warning,
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable code, e.g. `ERR_CONFIG_MISSING`.
    pub code: &'static str,
    /// The variable concerned.
    pub variable: &'static str,
    /// What is wrong (never the value).
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// Whether it blocks the service.
    pub severity: Severity,
}

/// The redacted configuration report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigReport {
    /// LiveKit key, secret and URL are present and well formed.
    pub livekit_configured: bool,
    /// The Tavus API key is present and well formed.
    pub tavus_configured: bool,
    /// The HTTP(S) base URL of LiveKit's server API, derived from the WebSocket URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub livekit_api_url: Option<String>,
    /// Everything found wrong, errors first.
    pub problems: Vec<Problem>,
}

fn problem(
    code: &'static str,
    variable: &'static str,
    severity: Severity,
    message: impl Into<String>,
    fix: impl Into<String>,
) -> Problem {
    Problem {
        code,
        variable,
        message: message.into(),
        fix: fix.into(),
        severity,
    }
}

fn missing(variable: &'static str, fix: &str) -> Problem {
    problem(
        "ERR_CONFIG_MISSING",
        variable,
        Severity::Error,
        format!("{variable} is not set"),
        format!("set {variable} ({fix}), e.g. `supabase secrets set {variable}=…`"),
    )
}

/// Checks a credential-like value: present, no surrounding whitespace, no
/// control characters. Returns whether it is usable.
fn check_credential(
    env: &BTreeMap<String, String>,
    variable: &'static str,
    fix: &str,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let Some(value) = env.get(variable).filter(|v| !v.is_empty()) else {
        problems.push(missing(variable, fix));
        return None;
    };
    if value.trim() != value {
        problems.push(problem(
            "ERR_CONFIG_WHITESPACE",
            variable,
            Severity::Error,
            format!("{variable} has leading or trailing whitespace"),
            format!("set {variable} again without spaces or line breaks around the value"),
        ));
        return None;
    }
    if value.chars().any(char::is_control) {
        problems.push(problem(
            "ERR_CONFIG_MALFORMED",
            variable,
            Severity::Error,
            format!("{variable} contains control characters"),
            format!("copy {variable} again from its dashboard"),
        ));
        return None;
    }
    Some(value.len())
}

fn check_ws_url(env: &BTreeMap<String, String>, problems: &mut Vec<Problem>) -> Option<String> {
    let Some(url) = env.get(LIVEKIT_WS_URL).filter(|v| !v.is_empty()) else {
        problems.push(missing(
            LIVEKIT_WS_URL,
            "your project's URL, wss://<project>.livekit.cloud",
        ));
        return None;
    };
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("wss") | Some("ws") => {}
        Some("http") | Some("https") => problems.push(problem(
            "ERR_CONFIG_URL_SCHEME",
            LIVEKIT_WS_URL,
            Severity::Warning,
            format!("{LIVEKIT_WS_URL} uses an HTTP scheme; clients connect over WebSocket"),
            format!("set {LIVEKIT_WS_URL} to the wss:// (or ws:// for local) URL"),
        )),
        _ => {
            problems.push(problem(
                "ERR_CONFIG_URL",
                LIVEKIT_WS_URL,
                Severity::Error,
                format!("{LIVEKIT_WS_URL} is not a ws:// or wss:// URL"),
                format!("set {LIVEKIT_WS_URL} to wss://<project>.livekit.cloud"),
            ));
            return None;
        }
    }
    let api = crate::server_api::http_url(url).ok();
    if api.is_none() {
        problems.push(problem(
            "ERR_CONFIG_URL",
            LIVEKIT_WS_URL,
            Severity::Error,
            format!("{LIVEKIT_WS_URL} has no host"),
            format!("set {LIVEKIT_WS_URL} to wss://<project>.livekit.cloud"),
        ));
    }
    api
}

/// Validates an environment map and returns the redacted report.
///
/// ```
/// use std::collections::BTreeMap;
/// use livekit_tavus_edge::config::validate_env;
///
/// let env: BTreeMap<String, String> = [("LIVEKIT_API_KEY", "devkey")]
///     .into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let report = validate_env(&env);
/// assert!(!report.livekit_configured);
/// assert!(report.problems.iter().any(|p| p.variable == "LIVEKIT_API_SECRET"));
/// ```
pub fn validate_env(env: &BTreeMap<String, String>) -> ConfigReport {
    let mut problems = Vec::new();
    let key = check_credential(
        env,
        LIVEKIT_API_KEY,
        "the API key from LiveKit Cloud → Settings → Keys",
        &mut problems,
    );
    let secret = check_credential(
        env,
        LIVEKIT_API_SECRET,
        "the API secret paired with LIVEKIT_API_KEY",
        &mut problems,
    );
    if matches!(secret, Some(n) if n < MIN_SECRET_BYTES) {
        problems.push(problem(
            "ERR_CONFIG_WEAK_SECRET",
            LIVEKIT_API_SECRET,
            Severity::Warning,
            format!("{LIVEKIT_API_SECRET} is shorter than {MIN_SECRET_BYTES} bytes"),
            "use a generated secret of at least 32 random bytes outside development",
        ));
    }
    let api = check_ws_url(env, &mut problems);
    let tavus = match env.get(TAVUS_API_KEY).filter(|v| !v.is_empty()) {
        // Without a key Tavus runs in dry-run: tokens still work, no avatar joins.
        None => {
            problems.push(problem(
                "ERR_CONFIG_MISSING",
                TAVUS_API_KEY,
                Severity::Warning,
                format!("{TAVUS_API_KEY} is not set: avatars run in dry-run and none joins"),
                format!(
                    "set {TAVUS_API_KEY} to the API key from the Tavus developer portal, \
                     e.g. `supabase secrets set {TAVUS_API_KEY}=…`"
                ),
            ));
            None
        }
        Some(_) => check_credential(env, TAVUS_API_KEY, "the Tavus API key", &mut problems),
    };
    problems.sort_by_key(|p| p.severity == Severity::Warning);
    ConfigReport {
        livekit_configured: key.is_some() && secret.is_some() && api.is_some(),
        tavus_configured: tavus.is_some(),
        livekit_api_url: api,
        problems,
    }
}
