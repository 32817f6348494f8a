//! Environment settings: parse, validate, and report without revealing secrets.
//!
//! The report says which variables are missing or malformed and how to fix
//! them. It never contains a secret's value, a part of it, or its length.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::json::Ty::*;
use crate::json::{schema, ObjWriter, ALWAYS, NULLABLE};

/// Environment variables by name.
pub trait Env {
    /// The value of `name`, if set.
    fn var(&self, name: &str) -> Option<&str>;
}

impl Env for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

impl Env for Vec<(Cow<'_, str>, Cow<'_, str>)> {
    fn var(&self, name: &str) -> Option<&str> {
        self.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The service cannot work until it is fixed.
    Error,
    /// It works, but should be fixed.
    Warning,
}

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigReport {
    /// LiveKit key, secret and URL are present and well formed.
    pub livekit_configured: bool,
    /// The Tavus API key is present and well formed.
    pub tavus_configured: bool,
    /// Supabase's URL and keys are present: scenarios and sessions live in Postgres.
    pub database_configured: bool,
    /// Callers' JWTs can be verified (a JWT secret, a JWKS, or a URL to fetch it from).
    pub auth_configured: bool,
    /// The HTTP(S) base URL of LiveKit's server API, derived from the WebSocket URL.
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
    debug_assert!(
        crate::error::REPORT_CODES.contains(&code),
        "{code} is not in error::REPORT_CODES"
    );
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
    env: &dyn Env,
    variable: &'static str,
    fix: &str,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let Some(value) = env.var(variable).filter(|v| !v.is_empty()) else {
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

fn check_ws_url(env: &dyn Env, problems: &mut Vec<Problem>) -> Option<String> {
    let Some(url) = env.var(LIVEKIT_WS_URL).filter(|v| !v.is_empty()) else {
        problems.push(missing(
            LIVEKIT_WS_URL,
            "your project's URL, wss://<project>.livekit.cloud",
        ));
        return None;
    };
    let scheme = crate::text::split_once(url, "://").map(|(s, _)| s.to_ascii_lowercase());
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
pub fn validate_env(env: &dyn Env) -> ConfigReport {
    load_settings(env).report
}

/// The legacy HS256 JWT secret of the Supabase project (custom secrets may
/// not start with `SUPABASE_`).
pub const AUTH_JWT_SECRET: &str = "AUTH_JWT_SECRET";
/// The `iss` callers' JWTs must carry; `{SUPABASE_URL}/auth/v1` by default, `off` to skip.
pub const AUTH_JWT_ISSUER: &str = "AUTH_JWT_ISSUER";
/// Whether anonymous sign-ins may start sessions.
pub const ALLOW_ANONYMOUS_USERS: &str = "ALLOW_ANONYMOUS_USERS";
/// The project's URL (set by Supabase).
pub const SUPABASE_URL: &str = "SUPABASE_URL";
/// The anon key (set by Supabase): the `apikey` of reads made with the caller's JWT.
pub const SUPABASE_ANON_KEY: &str = "SUPABASE_ANON_KEY";
/// The service-role key (set by Supabase): RPCs and Vault.
pub const SUPABASE_SERVICE_ROLE_KEY: &str = "SUPABASE_SERVICE_ROLE_KEY";
/// The project's secret API keys (set by Supabase): a JSON map of name to
/// `sb_secret_…` key, e.g. `{"default": "sb_secret_…"}`. Preferred over
/// [`SUPABASE_SERVICE_ROLE_KEY`].
pub const SUPABASE_SECRET_KEYS: &str = "SUPABASE_SECRET_KEYS";
/// The project's publishable API keys (set by Supabase): a JSON map of name to
/// `sb_publishable_…` key. Preferred over [`SUPABASE_ANON_KEY`].
pub const SUPABASE_PUBLISHABLE_KEYS: &str = "SUPABASE_PUBLISHABLE_KEYS";
/// The project's JWKS (set by Supabase): `{"keys": [...]}` or a bare array of keys.
pub const SUPABASE_JWKS: &str = "SUPABASE_JWKS";
/// `direct`, `agent` or `none`.
pub const AVATAR_MODE: &str = "AVATAR_MODE";
/// The LiveKit agent dispatched in agent mode (a scenario's `agent_name` wins).
pub const AGENT_NAME: &str = "AGENT_NAME";
/// Extra agent names a caller may dispatch through `room_config.agents`.
pub const TOKEN_ALLOWED_AGENTS: &str = "TOKEN_ALLOWED_AGENTS";
/// Let callers choose their participant identity.
pub const TOKEN_ALLOW_CLIENT_IDENTITY: &str = "TOKEN_ALLOW_CLIENT_IDENTITY";
/// Let callers choose the room name of a new session.
pub const TOKEN_ALLOW_CLIENT_ROOM_NAME: &str = "TOKEN_ALLOW_CLIENT_ROOM_NAME";
/// Lifetime of the tokens handed to callers.
pub const TOKEN_TTL_SECONDS: &str = "TOKEN_TTL_SECONDS";
/// The scenario used when a request names none.
pub const DEFAULT_SCENARIO_ID: &str = "DEFAULT_SCENARIO_ID";
/// The avatar's participant identity in direct mode.
pub const AVATAR_IDENTITY: &str = "AVATAR_IDENTITY";
/// The identity the avatar publishes on behalf of (`lk.publish_on_behalf`).
pub const AVATAR_PUBLISH_ON_BEHALF: &str = "AVATAR_PUBLISH_ON_BEHALF";
/// Cap on a user's open sessions.
pub const MAX_LIVE_SESSIONS_PER_USER: &str = "MAX_LIVE_SESSIONS_PER_USER";
/// Requests per user and minute, per instance.
pub const RATE_LIMIT_PER_MINUTE: &str = "RATE_LIMIT_PER_MINUTE";
/// Comma-separated origins allowed by CORS, or `*`.
pub const CORS_ALLOWED_ORIGINS: &str = "CORS_ALLOWED_ORIGINS";
/// `env` (default) or `vault`.
pub const SECRETS_SOURCE: &str = "SECRETS_SOURCE";
/// How long secrets read from Vault are reused.
pub const SECRETS_CACHE_SECONDS: &str = "SECRETS_CACHE_SECONDS";
/// How long a scenario read from the database is reused.
pub const SCENARIO_CACHE_SECONDS: &str = "SCENARIO_CACHE_SECONDS";
/// The least level of the functions' log lines that is written.
pub const LOG_LEVEL: &str = "LOG_LEVEL";
/// Timeout of every upstream call (Tavus, LiveKit, Supabase), in milliseconds.
pub const UPSTREAM_TIMEOUT_MS: &str = "UPSTREAM_TIMEOUT_MS";
/// Tavus' API base URL.
pub const TAVUS_API_URL: &str = "TAVUS_API_URL";
/// Create conversations in Tavus test mode (no replica joins, nothing billed).
pub const TAVUS_TEST_MODE: &str = "TAVUS_TEST_MODE";
/// The secret path segment of the Tavus callback URL.
pub const TAVUS_CALLBACK_SECRET: &str = "TAVUS_CALLBACK_SECRET";
/// Public base URL of the functions, `{SUPABASE_URL}/functions/v1` by default.
pub const FUNCTIONS_BASE_URL: &str = "FUNCTIONS_BASE_URL";
/// End the session when its user leaves the room.
pub const END_ON_PARTICIPANT_LEFT: &str = "END_ON_PARTICIPANT_LEFT";
/// Delete the LiveKit room when a session ends early (end route, user left).
pub const DELETE_ROOM_ON_END: &str = "DELETE_ROOM_ON_END";

/// The secrets the functions read from Vault when `SECRETS_SOURCE=vault`.
pub const VAULT_SECRET_NAMES: [&str; 6] = [
    LIVEKIT_API_KEY,
    LIVEKIT_API_SECRET,
    LIVEKIT_WS_URL,
    TAVUS_API_KEY,
    TAVUS_CALLBACK_SECRET,
    AUTH_JWT_SECRET,
];

/// How the avatar reaches the room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarMode {
    /// The function creates the Tavus conversation in the room.
    Direct,
    /// The user's token dispatches a LiveKit agent that starts the avatar.
    Agent,
    /// Tokens only.
    None,
}

/// Where secrets come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretsSource {
    /// The process environment (`supabase secrets set`).
    Env,
    /// Supabase Vault through the service-role RPC `get_edge_secrets`.
    Vault,
}

/// Where a Supabase API key is read from: a variable and, for the JSON key maps
/// (`SUPABASE_SECRET_KEYS`, `SUPABASE_PUBLISHABLE_KEYS`), the entry. Never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySource {
    /// The variable.
    pub variable: &'static str,
    /// The entry of a JSON key map; `None` for a plain variable.
    pub entry: Option<String>,
}

impl KeySource {
    fn to_json(&self) -> String {
        ObjWriter::new()
            .str("variable", self.variable)
            .opt_str("entry", self.entry.as_deref())
            .finish()
    }
}

/// Every non-secret setting, parsed, with its default applied. Secrets stay in
/// the environment map and are never copied here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSettings {
    /// `AVATAR_MODE` (default `direct`).
    pub avatar_mode: AvatarMode,
    /// Direct mode without `TAVUS_API_KEY`: no Tavus call is made.
    pub dry_run: bool,
    /// `AGENT_NAME`.
    pub agent_name: Option<String>,
    /// `TOKEN_ALLOWED_AGENTS` (names callers may dispatch besides the configured agent).
    pub allowed_agents: Vec<String>,
    /// `TOKEN_ALLOW_CLIENT_IDENTITY` (default false).
    pub allow_client_identity: bool,
    /// `TOKEN_ALLOW_CLIENT_ROOM_NAME` (default false).
    pub allow_client_room_name: bool,
    /// `TOKEN_TTL_SECONDS` (default 900).
    pub token_ttl_seconds: u32,
    /// `DEFAULT_SCENARIO_ID` (default `casual-conversation`).
    pub default_scenario_id: String,
    /// `AVATAR_IDENTITY` (default `tavus-avatar-agent`).
    pub avatar_identity: String,
    /// `AVATAR_PUBLISH_ON_BEHALF` (default `assistant`).
    pub avatar_publish_on_behalf: String,
    /// `MAX_LIVE_SESSIONS_PER_USER` (default 2).
    pub max_live_sessions: u32,
    /// `RATE_LIMIT_PER_MINUTE` (default 30; 0 turns it off).
    pub rate_limit_per_minute: u32,
    /// `ALLOW_ANONYMOUS_USERS` (default false).
    pub allow_anonymous_users: bool,
    /// `AUTH_JWT_ISSUER`, or `{SUPABASE_URL}/auth/v1`; `None` when off or unknown.
    pub auth_issuer: Option<String>,
    /// `CORS_ALLOWED_ORIGINS` (default `*`).
    pub cors_allowed_origins: Vec<String>,
    /// `SECRETS_SOURCE` (default `env`).
    pub secrets_source: SecretsSource,
    /// `SECRETS_CACHE_SECONDS` (default 300).
    pub secrets_cache_seconds: u32,
    /// `SCENARIO_CACHE_SECONDS` (default 30).
    pub scenario_cache_seconds: u32,
    /// `LOG_LEVEL` (default `info`): an index into [`LOG_LEVELS`].
    pub log_level: u8,
    /// `UPSTREAM_TIMEOUT_MS` (default 10000).
    pub upstream_timeout_ms: u32,
    /// `TAVUS_API_URL` (default `https://tavusapi.com`), without a trailing slash.
    pub tavus_api_url: String,
    /// `TAVUS_TEST_MODE` (default false).
    pub tavus_test_mode: bool,
    /// The callback receiver's base URL when `TAVUS_CALLBACK_SECRET` is set
    /// (`{FUNCTIONS_BASE_URL}/tavus-callback`); the secret is appended by the caller.
    pub tavus_callback_base: Option<String>,
    /// `END_ON_PARTICIPANT_LEFT` (default true).
    pub end_on_participant_left: bool,
    /// `DELETE_ROOM_ON_END` (default true).
    pub delete_room_on_end: bool,
    /// `SUPABASE_URL`, without a trailing slash.
    pub supabase_url: Option<String>,
    /// LiveKit's server-API base URL.
    pub livekit_api_url: Option<String>,
    /// The server key of RPCs and Vault: `SUPABASE_SECRET_KEYS` (its `default`
    /// entry, else the first by name) when it holds a key, else the legacy
    /// `SUPABASE_SERVICE_ROLE_KEY`.
    pub supabase_secret_key: Option<KeySource>,
    /// The `apikey` of reads made with a caller's JWT: `SUPABASE_PUBLISHABLE_KEYS`
    /// (as above), else the legacy `SUPABASE_ANON_KEY`.
    pub supabase_publishable_key: Option<KeySource>,
    /// The keys that make a caller the service role: every entry of
    /// `SUPABASE_SECRET_KEYS` when it holds any (a project that has them may have
    /// disabled, or be rotating away from, its legacy keys), else
    /// `SUPABASE_SERVICE_ROLE_KEY`.
    pub service_keys: Vec<KeySource>,
    /// `SUPABASE_JWKS` with its usable keys (EC and RSA, public members only),
    /// as JSON (`{"keys": [...]}`); `None` when absent or without usable keys
    /// (then it is fetched).
    pub jwks: Option<String>,
}

/// Settings and the report made from one environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedSettings {
    /// The parsed settings.
    pub settings: EdgeSettings,
    /// The redacted report.
    pub report: ConfigReport,
}

/// The names of [`AvatarMode`]s.
pub const AVATAR_MODES: &[&str] = &["direct", "agent", "none"];

/// `LOG_LEVEL`'s values, least severe first.
pub const LOG_LEVELS: &[&str] = &["debug", "info", "warn", "error"];

impl AvatarMode {
    /// `direct`, `agent` or `none`.
    pub fn name(self) -> &'static str {
        AVATAR_MODES[self as usize]
    }
}

impl SecretsSource {
    /// `env` or `vault`.
    pub fn name(self) -> &'static str {
        match self {
            SecretsSource::Env => "env",
            SecretsSource::Vault => "vault",
        }
    }
}

schema! {
    /// One thing wrong with the configuration; never contains a secret.
    pub CONFIG_PROBLEM("ConfigProblem"): ProblemField {
        /// Stable code, e.g. `ERR_CONFIG_MISSING`.
        Code "code": Str, ALWAYS;
        /// The variable concerned.
        Variable "variable": Str, ALWAYS;
        /// What is wrong.
        Message "message": Str, ALWAYS;
        /// How to fix it.
        Fix "fix": Str, ALWAYS;
        /// `error` blocks the service; `warning` does not.
        Severity "severity": OneOf(&["error", "warning"]), ALWAYS;
    }
}

schema! {
    /// The redacted configuration report.
    pub CONFIG_REPORT("ConfigReport"): ReportField {
        /// LiveKit key, secret and URL are present and well formed.
        LivekitConfigured "livekit_configured": Bool, ALWAYS;
        /// The Tavus API key is present and well formed.
        TavusConfigured "tavus_configured": Bool, ALWAYS;
        /// Supabase's URL and keys are present: scenarios and sessions live in Postgres.
        DatabaseConfigured "database_configured": Bool, ALWAYS;
        /// Callers' JWTs can be verified (JWT secret, JWKS, or a URL to fetch it from).
        AuthConfigured "auth_configured": Bool, ALWAYS;
        /// LiveKit's server-API base URL, derived from `LIVEKIT_WS_URL`.
        LivekitApiUrl "livekit_api_url": Str;
        /// Everything found wrong, errors first.
        Problems "problems": Objs(CONFIG_PROBLEM), ALWAYS;
    }
}

schema! {
    /// Where a Supabase API key is read from: a variable and, for the JSON key maps
    /// (`SUPABASE_SECRET_KEYS`, `SUPABASE_PUBLISHABLE_KEYS`), the entry. Never the key.
    pub KEY_SOURCE("KeySource"): KeySourceField {
        /// The variable, e.g. `SUPABASE_SECRET_KEYS`.
        Variable "variable": Str, ALWAYS;
        /// The entry of a JSON key map (`default`); null for a plain variable.
        Entry "entry": Str, ALWAYS | NULLABLE;
    }
}

schema! {
    /// Every non-secret setting of the functions, parsed, defaults applied.
    pub EDGE_SETTINGS("EdgeSettings"): SettingsField {
        /// `AVATAR_MODE` (default `direct`).
        AvatarMode "avatarMode": OneOf(AVATAR_MODES), ALWAYS;
        /// Direct mode without `TAVUS_API_KEY`: no Tavus call is made.
        DryRun "dryRun": Bool, ALWAYS;
        /// `AGENT_NAME`.
        AgentName "agentName": Str, ALWAYS | NULLABLE;
        /// `TOKEN_ALLOWED_AGENTS`.
        AllowedAgents "allowedAgents": Strs, ALWAYS;
        /// `TOKEN_ALLOW_CLIENT_IDENTITY` (default false).
        AllowClientIdentity "allowClientIdentity": Bool, ALWAYS;
        /// `TOKEN_ALLOW_CLIENT_ROOM_NAME` (default false).
        AllowClientRoomName "allowClientRoomName": Bool, ALWAYS;
        /// `TOKEN_TTL_SECONDS` (default 900).
        TokenTtlSeconds "tokenTtlSeconds": U32, ALWAYS;
        /// `DEFAULT_SCENARIO_ID` (default `casual-conversation`).
        DefaultScenarioId "defaultScenarioId": Str, ALWAYS;
        /// `AVATAR_IDENTITY` (default `tavus-avatar-agent`).
        AvatarIdentity "avatarIdentity": Str, ALWAYS;
        /// `AVATAR_PUBLISH_ON_BEHALF` (default `assistant`).
        AvatarPublishOnBehalf "avatarPublishOnBehalf": Str, ALWAYS;
        /// `MAX_LIVE_SESSIONS_PER_USER` (default 2).
        MaxLiveSessions "maxLiveSessions": U32, ALWAYS;
        /// `RATE_LIMIT_PER_MINUTE` (default 30; 0: off).
        RateLimitPerMinute "rateLimitPerMinute": U32, ALWAYS;
        /// `ALLOW_ANONYMOUS_USERS` (default false).
        AllowAnonymousUsers "allowAnonymousUsers": Bool, ALWAYS;
        /// `AUTH_JWT_ISSUER` or `{SUPABASE_URL}/auth/v1`; null when off or unknown.
        AuthIssuer "authIssuer": Str, ALWAYS | NULLABLE;
        /// `CORS_ALLOWED_ORIGINS` (default `["*"]`).
        CorsAllowedOrigins "corsAllowedOrigins": Strs, ALWAYS;
        /// `SECRETS_SOURCE` (default `env`).
        SecretsSource "secretsSource": OneOf(&["env", "vault"]), ALWAYS;
        /// `SECRETS_CACHE_SECONDS` (default 300).
        SecretsCacheSeconds "secretsCacheSeconds": U32, ALWAYS;
        /// `SCENARIO_CACHE_SECONDS` (default 30).
        ScenarioCacheSeconds "scenarioCacheSeconds": U32, ALWAYS;
        /// `LOG_LEVEL` (default `info`): the least level written.
        LogLevel "logLevel": OneOf(LOG_LEVELS), ALWAYS;
        /// `UPSTREAM_TIMEOUT_MS` (default 10000).
        UpstreamTimeoutMs "upstreamTimeoutMs": U32, ALWAYS;
        /// `TAVUS_API_URL` (default `https://tavusapi.com`).
        TavusApiUrl "tavusApiUrl": Str, ALWAYS;
        /// `TAVUS_TEST_MODE` (default false).
        TavusTestMode "tavusTestMode": Bool, ALWAYS;
        /// `{FUNCTIONS_BASE_URL}/tavus-callback` when `TAVUS_CALLBACK_SECRET` is set.
        TavusCallbackBase "tavusCallbackBase": Str, ALWAYS | NULLABLE;
        /// `END_ON_PARTICIPANT_LEFT` (default true).
        EndOnParticipantLeft "endOnParticipantLeft": Bool, ALWAYS;
        /// `DELETE_ROOM_ON_END` (default true).
        DeleteRoomOnEnd "deleteRoomOnEnd": Bool, ALWAYS;
        /// `SUPABASE_URL` without a trailing slash.
        SupabaseUrl "supabaseUrl": Str, ALWAYS | NULLABLE;
        /// LiveKit's server-API base URL.
        LivekitApiUrl "livekitApiUrl": Str, ALWAYS | NULLABLE;
        /// The server key of RPCs and Vault: `SUPABASE_SECRET_KEYS` (its `default`
        /// entry, else the first by name) when it holds a key, else the legacy
        /// `SUPABASE_SERVICE_ROLE_KEY`. Read it with `apiKeyFrom`.
        SupabaseSecretKey "supabaseSecretKey": Obj(KEY_SOURCE), ALWAYS | NULLABLE;
        /// The `apikey` of reads under RLS: `SUPABASE_PUBLISHABLE_KEYS`, else `SUPABASE_ANON_KEY`.
        SupabasePublishableKey "supabasePublishableKey": Obj(KEY_SOURCE), ALWAYS | NULLABLE;
        /// Keys that make a caller the service role: all of `SUPABASE_SECRET_KEYS`, else the legacy key.
        ServiceKeys "serviceKeys": Objs(KEY_SOURCE), ALWAYS;
        /// `SUPABASE_JWKS` (a set or a bare array), its EC and RSA keys; null when absent or empty.
        Jwks "jwks": Obj(crate::auth::JWKS), ALWAYS | NULLABLE;
    }
}

schema! {
    /// Settings and the redacted report made from one environment.
    pub LOADED_SETTINGS("LoadedSettings"): Loaded {
        /// The parsed settings (no secrets).
        Settings "settings": Obj(EDGE_SETTINGS), ALWAYS;
        /// The redacted report.
        Report "report": Obj(CONFIG_REPORT), ALWAYS;
    }
}

impl ConfigReport {
    /// As JSON (the `ConfigReport` type).
    pub fn to_json(&self) -> String {
        let mut problems = String::from("[");
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                problems.push(',');
            }
            problems.push_str(
                &ObjWriter::new()
                    .str("code", p.code)
                    .str("variable", p.variable)
                    .str("message", &p.message)
                    .str("fix", &p.fix)
                    .str(
                        "severity",
                        match p.severity {
                            Severity::Error => "error",
                            Severity::Warning => "warning",
                        },
                    )
                    .finish(),
            );
        }
        problems.push(']');
        ObjWriter::new()
            .bool("livekit_configured", self.livekit_configured)
            .bool("tavus_configured", self.tavus_configured)
            .bool("database_configured", self.database_configured)
            .bool("auth_configured", self.auth_configured)
            .some_str("livekit_api_url", self.livekit_api_url.as_deref())
            .raw("problems", &problems)
            .finish()
    }
}

impl EdgeSettings {
    /// As JSON (the `EdgeSettings` type).
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .str("avatarMode", self.avatar_mode.name())
            .bool("dryRun", self.dry_run)
            .opt_str("agentName", self.agent_name.as_deref())
            .strs("allowedAgents", &self.allowed_agents)
            .bool("allowClientIdentity", self.allow_client_identity)
            .bool("allowClientRoomName", self.allow_client_room_name)
            .int("tokenTtlSeconds", self.token_ttl_seconds.into())
            .str("defaultScenarioId", &self.default_scenario_id)
            .str("avatarIdentity", &self.avatar_identity)
            .str("avatarPublishOnBehalf", &self.avatar_publish_on_behalf)
            .int("maxLiveSessions", self.max_live_sessions.into())
            .int("rateLimitPerMinute", self.rate_limit_per_minute.into())
            .bool("allowAnonymousUsers", self.allow_anonymous_users)
            .opt_str("authIssuer", self.auth_issuer.as_deref())
            .strs("corsAllowedOrigins", &self.cors_allowed_origins)
            .str("secretsSource", self.secrets_source.name())
            .int("secretsCacheSeconds", self.secrets_cache_seconds.into())
            .int("scenarioCacheSeconds", self.scenario_cache_seconds.into())
            .str("logLevel", LOG_LEVELS[usize::from(self.log_level)])
            .int("upstreamTimeoutMs", self.upstream_timeout_ms.into())
            .str("tavusApiUrl", &self.tavus_api_url)
            .bool("tavusTestMode", self.tavus_test_mode)
            .opt_str("tavusCallbackBase", self.tavus_callback_base.as_deref())
            .bool("endOnParticipantLeft", self.end_on_participant_left)
            .bool("deleteRoomOnEnd", self.delete_room_on_end)
            .opt_str("supabaseUrl", self.supabase_url.as_deref())
            .opt_str("livekitApiUrl", self.livekit_api_url.as_deref())
            .raw(
                "supabaseSecretKey",
                &self
                    .supabase_secret_key
                    .as_ref()
                    .map_or("null".into(), KeySource::to_json),
            )
            .raw(
                "supabasePublishableKey",
                &self
                    .supabase_publishable_key
                    .as_ref()
                    .map_or("null".into(), KeySource::to_json),
            )
            .raw(
                "serviceKeys",
                &format!(
                    "[{}]",
                    crate::text::join(self.service_keys.iter().map(KeySource::to_json), ",")
                ),
            )
            .raw("jwks", self.jwks.as_deref().unwrap_or("null"))
            .finish()
    }
}

impl LoadedSettings {
    /// As JSON (the `LoadedSettings` type).
    pub fn to_json(&self) -> String {
        ObjWriter::new()
            .raw("settings", &self.settings.to_json())
            .raw("report", &self.report.to_json())
            .finish()
    }
}

fn value<'a>(env: &'a dyn Env, name: &str) -> Option<&'a str> {
    env.var(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn invalid_value(variable: &'static str, expected: &str) -> Problem {
    problem(
        "ERR_CONFIG_INVALID",
        variable,
        Severity::Error,
        format!("{variable} must be {expected}"),
        format!("set {variable} to {expected}, or unset it for the default"),
    )
}

fn flag(env: &dyn Env, name: &'static str, default: bool, problems: &mut Vec<Problem>) -> bool {
    match value(env, name).map(str::to_ascii_lowercase).as_deref() {
        None => default,
        Some("true" | "1" | "yes" | "on") => true,
        Some("false" | "0" | "no" | "off") => false,
        Some(_) => {
            problems.push(invalid_value(name, "true or false"));
            default
        }
    }
}

fn number(
    env: &dyn Env,
    name: &'static str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
    problems: &mut Vec<Problem>,
) -> u32 {
    let Some(v) = value(env, name) else {
        return default;
    };
    match v.parse::<u32>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            problems.push(invalid_value(
                name,
                &format!("a whole number from {} to {}", range.start(), range.end()),
            ));
            default
        }
    }
}

/// `http(s)://host[:port][/path]` without spaces; returned without a trailing slash.
fn http_base(v: &str) -> Option<String> {
    let lower = v.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(v.trim_end_matches('/').to_owned())
}

fn url_setting(env: &dyn Env, name: &'static str, problems: &mut Vec<Problem>) -> Option<String> {
    let v = value(env, name)?;
    let url = http_base(v);
    if url.is_none() {
        problems.push(problem(
            "ERR_CONFIG_URL",
            name,
            Severity::Error,
            format!("{name} is not an http(s) URL"),
            format!("set {name} to an https:// URL"),
        ));
    }
    url
}

fn is_origin(o: &str) -> bool {
    o == "*"
        || http_base(o).is_some_and(|b| {
            let rest = crate::text::split_once(&b, "://").map_or("", |(_, r)| r);
            !rest.bytes().any(|c| matches!(c, b'/' | b'?' | b'#')) && b == o
        })
}

fn list(env: &dyn Env, name: &str) -> Vec<String> {
    value(env, name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn identity_setting(
    env: &dyn Env,
    name: &'static str,
    default: &str,
    problems: &mut Vec<Problem>,
) -> String {
    match value(env, name) {
        None => default.to_owned(),
        Some(v) if v.len() <= 256 && !v.chars().any(char::is_control) => v.to_owned(),
        Some(_) => {
            problems.push(invalid_value(
                name,
                "a participant identity of at most 256 bytes",
            ));
            default.to_owned()
        }
    }
}

/// The entries of a JSON key map variable that hold a key (sorted by name), or
/// `Err` when it is set but not a JSON object of strings. `Ok(empty)` when unset.
fn key_map_entries(env: &dyn Env, name: &str) -> Result<Vec<String>, ()> {
    let Some(raw) = value(env, name) else {
        return Ok(Vec::new());
    };
    let map = crate::json::read_map(raw.as_bytes()).map_err(|_| ())?;
    let mut names: Vec<String> = Vec::new();
    for (k, v) in map {
        if v.trim().is_empty() || names.iter().any(|n| *n == k) {
            continue;
        }
        // Sorted by name, as a map of names reads.
        let at = names
            .iter()
            .position(|n| n.as_str() > k.as_ref())
            .unwrap_or(names.len());
        names.insert(at, k.into_owned());
    }
    Ok(names)
}

/// Which key to use of a new JSON key map and its legacy variable: the map's
/// `default` entry, else its first by name; the legacy variable only when the map
/// holds no key. Returns the choice and every key the same rule accepts.
fn api_key(
    env: &dyn Env,
    map: &'static str,
    legacy: &'static str,
    p: &mut Vec<Problem>,
) -> (Option<KeySource>, Vec<KeySource>) {
    match key_map_entries(env, map) {
        Ok(entries) if !entries.is_empty() => {
            let chosen = entries
                .iter()
                .find(|e| *e == "default")
                .unwrap_or(&entries[0])
                .clone();
            let all = entries
                .into_iter()
                .map(|e| KeySource {
                    variable: map,
                    entry: Some(e),
                })
                .collect();
            return (
                Some(KeySource {
                    variable: map,
                    entry: Some(chosen),
                }),
                all,
            );
        }
        Ok(_) => {}
        Err(()) => p.push(problem(
            "ERR_CONFIG_MALFORMED",
            map,
            Severity::Warning,
            format!("{map} is not a JSON object of keys (it is ignored; {legacy} is used if set)"),
            format!("unset {map}: Supabase sets it in deployed functions"),
        )),
    }
    match value(env, legacy) {
        Some(_) => {
            let k = KeySource {
                variable: legacy,
                entry: None,
            };
            (Some(k.clone()), vec![k])
        }
        None => (None, Vec::new()),
    }
}

/// `SUPABASE_JWKS`: a JWKS object or a bare array of keys (as Supabase's own
/// helpers accept). Keys of other types than EC and RSA (the local CLI's `oct`
/// key) are skipped, as RFC 7517 §5 asks for keys not understood; a set left
/// without keys reads as absent (the JWKS is then fetched). Anything else is
/// `ERR_CONFIG_MALFORMED`. Returns the usable keys as a JWKS (JSON, public
/// members only).
fn jwks_setting(env: &dyn Env, p: &mut Vec<Problem>) -> Option<String> {
    use crate::json::Val;
    let raw = value(env, SUPABASE_JWKS)?;
    let Ok(set) = crate::auth::read_jwks(raw) else {
        p.push(problem(
            "ERR_CONFIG_MALFORMED",
            SUPABASE_JWKS,
            Severity::Error,
            format!("{SUPABASE_JWKS} is not a JSON Web Key Set ({{\"keys\": [...]}} or an array of keys)"),
            format!("unset {SUPABASE_JWKS} to fetch the project's JWKS instead"),
        ));
        return None;
    };
    let keys: Vec<String> = set
        .list(crate::auth::Jwks::Keys)
        .unwrap_or_default()
        .iter()
        .filter_map(|k| match k {
            Val::Obj(o) if matches!(o.str(crate::auth::Jwk::Kty), Some("EC" | "RSA")) => {
                Some(crate::json::write(crate::auth::JWK, o))
            }
            _ => None,
        })
        .collect();
    (!keys.is_empty()).then(|| format!("{{\"keys\":[{}]}}", crate::text::join(&keys, ",")))
}

/// Parses and validates every setting the functions read, and builds the
/// redacted report. Invalid values fall back to their defaults and are
/// reported as errors; secrets are checked but never copied out.
///
/// ```
/// use std::collections::BTreeMap;
/// use livekit_tavus_edge::config::{load_settings, AvatarMode};
///
/// let env: BTreeMap<String, String> = [("AVATAR_MODE", "agent"), ("AGENT_NAME", "tutor")]
///     .into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
/// let loaded = load_settings(&env);
/// assert_eq!(loaded.settings.avatar_mode, AvatarMode::Agent);
/// assert_eq!(loaded.settings.token_ttl_seconds, 900);
/// ```
pub fn load_settings(env: &dyn Env) -> LoadedSettings {
    let mut problems = Vec::new();
    let p = &mut problems;
    let vault = match value(env, SECRETS_SOURCE)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("env") => SecretsSource::Env,
        Some("vault") => SecretsSource::Vault,
        Some(_) => {
            p.push(invalid_value(SECRETS_SOURCE, "env or vault"));
            SecretsSource::Env
        }
    };

    // LiveKit and Tavus credentials.
    let key = check_credential(
        env,
        LIVEKIT_API_KEY,
        "the API key from LiveKit Cloud → Settings → Keys",
        p,
    );
    let secret = check_credential(
        env,
        LIVEKIT_API_SECRET,
        "the API secret paired with LIVEKIT_API_KEY",
        p,
    );
    if matches!(secret, Some(n) if n < MIN_SECRET_BYTES) {
        p.push(problem(
            "ERR_CONFIG_WEAK_SECRET",
            LIVEKIT_API_SECRET,
            Severity::Warning,
            format!("{LIVEKIT_API_SECRET} is shorter than {MIN_SECRET_BYTES} bytes"),
            "use a generated secret of at least 32 random bytes outside development",
        ));
    }
    let livekit_api_url = check_ws_url(env, p);
    let tavus = match env.var(TAVUS_API_KEY).filter(|v| !v.is_empty()) {
        // Without a key Tavus runs in dry-run: tokens still work, no avatar joins.
        None => {
            p.push(problem(
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
        Some(_) => check_credential(env, TAVUS_API_KEY, "the Tavus API key", p),
    };

    // Supabase: database and caller authentication.
    let supabase_url = url_setting(env, SUPABASE_URL, p);
    let (supabase_publishable_key, _) =
        api_key(env, SUPABASE_PUBLISHABLE_KEYS, SUPABASE_ANON_KEY, p);
    let (supabase_secret_key, service_keys) =
        api_key(env, SUPABASE_SECRET_KEYS, SUPABASE_SERVICE_ROLE_KEY, p);
    let anon = supabase_publishable_key.is_some();
    let service = supabase_secret_key.is_some();
    let database_configured = supabase_url.is_some() && anon && service;
    if !database_configured {
        let missing: Vec<&str> = [
            (SUPABASE_URL, supabase_url.is_some()),
            ("SUPABASE_PUBLISHABLE_KEYS (or SUPABASE_ANON_KEY)", anon),
            (
                "SUPABASE_SECRET_KEYS (or SUPABASE_SERVICE_ROLE_KEY)",
                service,
            ),
        ]
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| *n)
        .collect();
        p.push(problem(
            "ERR_CONFIG_NO_DATABASE",
            if supabase_url.is_none() {
                SUPABASE_URL
            } else if !service {
                SUPABASE_SECRET_KEYS
            } else {
                SUPABASE_PUBLISHABLE_KEYS
            },
            Severity::Warning,
            format!(
                "no database ({} missing): scenarios are the embedded defaults and sessions \
                 live in this instance's memory, which is for development only",
                crate::text::join(&missing, ", ")
            ),
            "deploy with `supabase functions deploy` (Supabase sets these) or set them locally",
        ));
    }
    let jwt_secret = match value(env, AUTH_JWT_SECRET) {
        None => None,
        Some(_) => check_credential(env, AUTH_JWT_SECRET, "the project's legacy JWT secret", p),
    };
    if matches!(jwt_secret, Some(n) if n < MIN_SECRET_BYTES) {
        p.push(problem(
            "ERR_CONFIG_WEAK_SECRET",
            AUTH_JWT_SECRET,
            Severity::Warning,
            format!("{AUTH_JWT_SECRET} is shorter than {MIN_SECRET_BYTES} bytes"),
            "use the project's JWT secret (Settings → API), not a development value",
        ));
    }
    let jwks = jwks_setting(env, p);
    let auth_configured = jwt_secret.is_some() || jwks.is_some() || supabase_url.is_some();
    if !auth_configured {
        p.push(problem(
            "ERR_CONFIG_MISSING",
            AUTH_JWT_SECRET,
            Severity::Error,
            "callers' JWTs cannot be verified: no JWT secret, JWKS or SUPABASE_URL".to_owned(),
            format!(
                "set {AUTH_JWT_SECRET} to the project's legacy JWT secret, or {SUPABASE_URL} \
                 so the project's JWKS can be fetched"
            ),
        ));
    }
    let auth_issuer = match value(env, AUTH_JWT_ISSUER) {
        Some(v) if v.eq_ignore_ascii_case("off") => None,
        Some(_) => url_setting(env, AUTH_JWT_ISSUER, p),
        None => supabase_url.as_ref().map(|u| format!("{u}/auth/v1")),
    };
    if vault == SecretsSource::Vault && !(supabase_url.is_some() && service) {
        p.push(problem(
            "ERR_CONFIG_MISSING",
            SUPABASE_SECRET_KEYS,
            Severity::Error,
            "SECRETS_SOURCE=vault needs SUPABASE_URL and a server key \
             (SUPABASE_SECRET_KEYS or SUPABASE_SERVICE_ROLE_KEY)"
                .to_owned(),
            "deploy to Supabase (which sets both) or set SECRETS_SOURCE=env",
        ));
    }

    let log_level = match value(env, LOG_LEVEL).map(str::to_ascii_lowercase) {
        None => 1,
        Some(l) => match LOG_LEVELS.iter().position(|x| *x == l) {
            Some(i) => i as u8,
            None => {
                p.push(invalid_value(LOG_LEVEL, "debug, info, warn or error"));
                1
            }
        },
    };

    // Avatar and token policy.
    let avatar_mode = match value(env, AVATAR_MODE)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("direct") => AvatarMode::Direct,
        Some("agent") => AvatarMode::Agent,
        Some("none") => AvatarMode::None,
        Some(_) => {
            p.push(invalid_value(AVATAR_MODE, "direct, agent or none"));
            AvatarMode::Direct
        }
    };
    let agent_name = value(env, AGENT_NAME).map(str::to_owned);
    if agent_name
        .as_deref()
        .is_some_and(|a| !crate::scenario::is_agent_name(a))
    {
        p.push(invalid_value(
            AGENT_NAME,
            "an agent name matching ^[A-Za-z0-9_.-]{1,128}$",
        ));
    }
    if avatar_mode == AvatarMode::Agent && agent_name.is_none() {
        p.push(problem(
            "ERR_CONFIG_MISSING",
            AGENT_NAME,
            Severity::Warning,
            "AVATAR_MODE=agent without AGENT_NAME: only scenarios with an agent_name work"
                .to_owned(),
            "set AGENT_NAME to the name your agent worker registers with",
        ));
    }
    let allowed_agents = list(env, TOKEN_ALLOWED_AGENTS);
    if allowed_agents
        .iter()
        .any(|a| !crate::scenario::is_agent_name(a))
    {
        p.push(invalid_value(
            TOKEN_ALLOWED_AGENTS,
            "comma-separated agent names",
        ));
    }
    let default_scenario_id = value(env, DEFAULT_SCENARIO_ID)
        .unwrap_or("casual-conversation")
        .to_owned();
    if !crate::scenario::is_scenario_id(&default_scenario_id) {
        p.push(invalid_value(
            DEFAULT_SCENARIO_ID,
            "a scenario id (lower-case slug)",
        ));
    }
    let mut cors_allowed_origins = list(env, CORS_ALLOWED_ORIGINS);
    if cors_allowed_origins.is_empty() {
        cors_allowed_origins.push("*".to_owned());
    }
    if !cors_allowed_origins.iter().all(|o| is_origin(o)) {
        p.push(invalid_value(
            CORS_ALLOWED_ORIGINS,
            "* or comma-separated origins such as https://app.example.com",
        ));
    }
    let tavus_api_url = url_setting(env, TAVUS_API_URL, p)
        .unwrap_or_else(|| crate::tavus::DEFAULT_TAVUS_API_URL.to_owned());
    let functions_base = url_setting(env, FUNCTIONS_BASE_URL, p)
        .or_else(|| supabase_url.as_ref().map(|u| format!("{u}/functions/v1")));
    let callback_secret = match value(env, TAVUS_CALLBACK_SECRET) {
        None => None,
        Some(_) => check_credential(env, TAVUS_CALLBACK_SECRET, "a long random string", p),
    };
    if matches!(callback_secret, Some(n) if n < 24) {
        p.push(problem(
            "ERR_CONFIG_WEAK_SECRET",
            TAVUS_CALLBACK_SECRET,
            Severity::Warning,
            format!(
                "{TAVUS_CALLBACK_SECRET} is short: it is the only protection of the callback URL"
            ),
            "use at least 24 random characters, e.g. `openssl rand -hex 24`",
        ));
    }
    let url_safe = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if callback_secret.is_some() && !value(env, TAVUS_CALLBACK_SECRET).is_some_and(url_safe) {
        p.push(invalid_value(
            TAVUS_CALLBACK_SECRET,
            "letters, digits, - and _ only (it is a URL path segment)",
        ));
    }
    let tavus_callback_base = match (callback_secret, &functions_base) {
        (Some(_), Some(base)) => Some(format!("{base}/tavus-callback")),
        (Some(_), None) => {
            p.push(problem(
                "ERR_CONFIG_MISSING",
                FUNCTIONS_BASE_URL,
                Severity::Warning,
                format!(
                    "{TAVUS_CALLBACK_SECRET} is set but the functions' public URL is unknown: \
                     conversations are created without a callback URL"
                ),
                format!("set {FUNCTIONS_BASE_URL} (or {SUPABASE_URL})"),
            ));
            None
        }
        _ => None,
    };

    let settings = EdgeSettings {
        avatar_mode,
        dry_run: avatar_mode == AvatarMode::Direct && tavus.is_none(),
        agent_name,
        allowed_agents,
        allow_client_identity: flag(env, TOKEN_ALLOW_CLIENT_IDENTITY, false, p),
        allow_client_room_name: flag(env, TOKEN_ALLOW_CLIENT_ROOM_NAME, false, p),
        token_ttl_seconds: number(env, TOKEN_TTL_SECONDS, 900, 60..=86_400, p),
        default_scenario_id,
        avatar_identity: identity_setting(env, AVATAR_IDENTITY, "tavus-avatar-agent", p),
        avatar_publish_on_behalf: identity_setting(env, AVATAR_PUBLISH_ON_BEHALF, "assistant", p),
        max_live_sessions: number(env, MAX_LIVE_SESSIONS_PER_USER, 2, 1..=100, p),
        rate_limit_per_minute: number(env, RATE_LIMIT_PER_MINUTE, 30, 0..=10_000, p),
        allow_anonymous_users: flag(env, ALLOW_ANONYMOUS_USERS, false, p),
        auth_issuer,
        cors_allowed_origins,
        secrets_source: vault,
        secrets_cache_seconds: number(env, SECRETS_CACHE_SECONDS, 300, 0..=86_400, p),
        scenario_cache_seconds: number(env, SCENARIO_CACHE_SECONDS, 30, 0..=3_600, p),
        log_level,
        upstream_timeout_ms: number(env, UPSTREAM_TIMEOUT_MS, 10_000, 100..=120_000, p),
        tavus_api_url,
        tavus_test_mode: flag(env, TAVUS_TEST_MODE, false, p),
        tavus_callback_base,
        end_on_participant_left: flag(env, END_ON_PARTICIPANT_LEFT, true, p),
        delete_room_on_end: flag(env, DELETE_ROOM_ON_END, true, p),
        supabase_url,
        livekit_api_url: livekit_api_url.clone(),
        supabase_secret_key,
        supabase_publishable_key,
        service_keys,
        jwks,
    };

    if vault == SecretsSource::Vault {
        for pr in problems.iter_mut() {
            if pr.code == "ERR_CONFIG_MISSING" && VAULT_SECRET_NAMES.contains(&pr.variable) {
                let v = pr.variable;
                pr.message = format!("{v} is in neither Vault nor the environment");
                pr.fix = format!(
                    "select vault.create_secret('<value>', '{v}'); in the SQL editor \
                     (SECRETS_SOURCE=vault)"
                );
            }
        }
    }
    // Errors first, each group in its order.
    let (mut problems, warnings): (Vec<Problem>, Vec<Problem>) = problems
        .into_iter()
        .partition(|p| p.severity == Severity::Error);
    problems.extend(warnings);
    LoadedSettings {
        settings,
        report: ConfigReport {
            livekit_configured: key.is_some() && secret.is_some() && livekit_api_url.is_some(),
            tavus_configured: tavus.is_some(),
            database_configured,
            auth_configured,
            livekit_api_url,
            problems,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn json_matches_its_schema() {
        use crate::json::{read, Mode};
        let l = load_settings(&env(&[
            (AGENT_NAME, "tutor"),
            (LIVEKIT_WS_URL, "ws://x:7880"),
        ]));
        read(l.to_json().as_bytes(), LOADED_SETTINGS, Mode::Strict).unwrap();
    }

    #[test]
    fn defaults_without_anything() {
        let l = load_settings(&env(&[]));
        let s = &l.settings;
        assert_eq!((s.avatar_mode, s.dry_run), (AvatarMode::Direct, true));
        assert_eq!((s.token_ttl_seconds, s.max_live_sessions), (900, 2));
        assert_eq!(s.cors_allowed_origins, vec!["*".to_owned()]);
        assert_eq!(s.tavus_api_url, "https://tavusapi.com");
        assert!(!l.report.database_configured && !l.report.auth_configured);
        let auth = l
            .report
            .problems
            .iter()
            .find(|p| p.variable == AUTH_JWT_SECRET);
        assert_eq!(auth.map(|p| p.severity), Some(Severity::Error));
    }

    #[test]
    fn each_bad_value_is_reported_against_its_variable() {
        let cases = [
            (AVATAR_MODE, "video"),
            (TOKEN_TTL_SECONDS, "5"),
            (RATE_LIMIT_PER_MINUTE, "-1"),
            (MAX_LIVE_SESSIONS_PER_USER, "0"),
            (CORS_ALLOWED_ORIGINS, "https://app.example.com/path"),
            (TOKEN_ALLOWED_AGENTS, "tutor, bad name"),
            (TOKEN_ALLOW_CLIENT_IDENTITY, "maybe"),
            (DEFAULT_SCENARIO_ID, "Not A Slug"),
            (SECRETS_SOURCE, "file"),
            (AGENT_NAME, "a b"),
            (UPSTREAM_TIMEOUT_MS, "ten"),
            (TAVUS_CALLBACK_SECRET, "has/slash-and-is-long-enough-0123"),
        ];
        for (name, bad) in cases {
            let l = load_settings(&env(&[(name, bad)]));
            assert!(
                l.report
                    .problems
                    .iter()
                    .any(|p| p.variable == name && p.code == "ERR_CONFIG_INVALID"),
                "{name}={bad}: {:?}",
                l.report.problems
            );
        }
        let ok = load_settings(&env(&[(
            CORS_ALLOWED_ORIGINS,
            "https://app.example.com, http://localhost:5173",
        )]));
        assert_eq!(ok.settings.cors_allowed_origins.len(), 2);
        assert!(!ok
            .report
            .problems
            .iter()
            .any(|p| p.variable == CORS_ALLOWED_ORIGINS));
    }

    #[test]
    fn supabase_settings_derive_issuer_callback_and_database() {
        let e = env(&[
            (SUPABASE_URL, "https://abc.supabase.co/"),
            (SUPABASE_ANON_KEY, "anon"),
            (SUPABASE_SERVICE_ROLE_KEY, "service"),
            (TAVUS_CALLBACK_SECRET, "0123456789abcdef0123456789"),
        ]);
        let l = load_settings(&e);
        assert!(l.report.database_configured && l.report.auth_configured);
        assert_eq!(
            l.settings.auth_issuer.as_deref(),
            Some("https://abc.supabase.co/auth/v1")
        );
        assert_eq!(
            l.settings.tavus_callback_base.as_deref(),
            Some("https://abc.supabase.co/functions/v1/tavus-callback")
        );
        let no_url = load_settings(&env(&[(
            TAVUS_CALLBACK_SECRET,
            "0123456789abcdef0123456789",
        )]));
        assert_eq!(no_url.settings.tavus_callback_base, None);
        assert!(no_url
            .report
            .problems
            .iter()
            .any(|p| p.variable == FUNCTIONS_BASE_URL && p.severity == Severity::Warning));
        let mut off = e.clone();
        off.insert(AUTH_JWT_ISSUER.into(), "off".into());
        assert_eq!(load_settings(&off).settings.auth_issuer, None);
    }

    #[test]
    fn vault_mode_names_the_missing_secret_and_where_to_put_it() {
        let l = load_settings(&env(&[(SECRETS_SOURCE, "vault")]));
        let p = l
            .report
            .problems
            .iter()
            .find(|p| p.variable == LIVEKIT_API_SECRET)
            .unwrap();
        assert!(p.message.contains("Vault"));
        assert!(p.fix.contains("vault.create_secret"));
        assert!(l
            .report
            .problems
            .iter()
            .any(|p| p.variable == SUPABASE_SECRET_KEYS && p.severity == Severity::Error));
    }

    fn source(variable: &'static str, entry: Option<&str>) -> KeySource {
        KeySource {
            variable,
            entry: entry.map(str::to_owned),
        }
    }

    #[test]
    fn new_api_keys_win_over_the_legacy_ones() {
        let both = load_settings(&env(&[
            (SUPABASE_URL, "https://abc.supabase.co"),
            (SUPABASE_ANON_KEY, "legacy-anon-jwt"),
            (SUPABASE_SERVICE_ROLE_KEY, "legacy-service-jwt"),
            (
                SUPABASE_SECRET_KEYS,
                r#"{"rotated":"sb_secret_old","default":"sb_secret_new"}"#,
            ),
            (
                SUPABASE_PUBLISHABLE_KEYS,
                r#"{"default":"sb_publishable_x"}"#,
            ),
        ]));
        let s = &both.settings;
        assert!(both.report.database_configured);
        assert_eq!(
            s.supabase_secret_key,
            Some(source(SUPABASE_SECRET_KEYS, Some("default")))
        );
        assert_eq!(
            s.supabase_publishable_key,
            Some(source(SUPABASE_PUBLISHABLE_KEYS, Some("default")))
        );
        // Every secret key counts as the service role; the legacy one no longer does.
        assert_eq!(
            s.service_keys,
            vec![
                source(SUPABASE_SECRET_KEYS, Some("default")),
                source(SUPABASE_SECRET_KEYS, Some("rotated")),
            ]
        );
        // Without a `default` entry: the first by name.
        let named = load_settings(&env(&[(
            SUPABASE_SECRET_KEYS,
            r#"{"b":"sb_secret_b","a":"sb_secret_a"}"#,
        )]));
        assert_eq!(
            named.settings.supabase_secret_key,
            Some(source(SUPABASE_SECRET_KEYS, Some("a")))
        );
    }

    #[test]
    fn a_project_with_legacy_keys_off_has_a_database() {
        let l = load_settings(&env(&[
            (SUPABASE_URL, "https://abc.supabase.co"),
            (SUPABASE_SECRET_KEYS, r#"{"default":"sb_secret_x"}"#),
            (
                SUPABASE_PUBLISHABLE_KEYS,
                r#"{"default":"sb_publishable_x"}"#,
            ),
            (SECRETS_SOURCE, "vault"),
        ]));
        assert!(l.report.database_configured, "{:?}", l.report.problems);
        assert!(!l
            .report
            .problems
            .iter()
            .any(|p| p.variable == SUPABASE_SECRET_KEYS
                || p.variable == SUPABASE_SERVICE_ROLE_KEY
                || p.code == "ERR_CONFIG_NO_DATABASE"));
        // Legacy keys only (older projects): still a database, read from them.
        let legacy = load_settings(&env(&[
            (SUPABASE_URL, "https://abc.supabase.co"),
            (SUPABASE_ANON_KEY, "anon"),
            (SUPABASE_SERVICE_ROLE_KEY, "service"),
        ]));
        assert!(legacy.report.database_configured);
        assert_eq!(
            legacy.settings.service_keys,
            vec![source(SUPABASE_SERVICE_ROLE_KEY, None)]
        );
        // A key map that is not one is reported and the legacy key used; an empty map is absent.
        for (map, bad) in [
            (SUPABASE_SECRET_KEYS, "sb_secret_x"),
            (SUPABASE_SECRET_KEYS, r#"{"default":1}"#),
        ] {
            let l = load_settings(&env(&[(map, bad), (SUPABASE_SERVICE_ROLE_KEY, "service")]));
            assert_eq!(
                l.settings.supabase_secret_key,
                Some(source(SUPABASE_SERVICE_ROLE_KEY, None))
            );
            assert!(l.report.problems.iter().any(|p| p.variable == map
                && p.code == "ERR_CONFIG_MALFORMED"
                && p.severity == Severity::Warning));
        }
        let empty = load_settings(&env(&[(SUPABASE_SECRET_KEYS, r#"{"default":""}"#)]));
        assert_eq!(empty.settings.supabase_secret_key, None);
        assert!(!empty
            .report
            .problems
            .iter()
            .any(|p| p.code == "ERR_CONFIG_MALFORMED"));
    }

    #[test]
    fn jwks_as_a_set_or_a_bare_array_and_an_empty_one_reads_as_absent() {
        let ec = r#"{"kty":"EC","crv":"P-256","x":"x","y":"y","kid":"k1","alg":"ES256"}"#;
        let oct = r#"{"kty":"oct","k":"c2VjcmV0","kid":"local"}"#;
        for raw in [
            format!(r#"{{"keys":[{ec}]}}"#),
            format!("[{ec}]"),
            format!("[{oct},{ec}]"),
        ] {
            let l = load_settings(&env(&[(SUPABASE_JWKS, &raw)]));
            let jwks: serde_json::Value =
                serde_json::from_str(&l.settings.jwks.expect(&raw)).unwrap();
            let keys = jwks["keys"].as_array().unwrap();
            assert_eq!(keys.len(), 1, "{raw}");
            assert_eq!(keys[0]["kid"], "k1");
            assert!(
                l.report.auth_configured
                    && l.report
                        .problems
                        .iter()
                        .all(|p| p.variable != SUPABASE_JWKS)
            );
        }
        for raw in ["[]", r#"{"keys":[]}"#, " ", &format!("[{oct}]")] {
            let l = load_settings(&env(&[(SUPABASE_JWKS, raw)]));
            assert_eq!(l.settings.jwks, None, "{raw}");
            assert!(
                l.report
                    .problems
                    .iter()
                    .all(|p| p.variable != SUPABASE_JWKS),
                "{raw}"
            );
            assert!(
                !l.report.auth_configured,
                "{raw}: absent, like no JWKS at all"
            );
        }
        for raw in [
            "not json",
            r#"{"key":[]}"#,
            "[1]",
            r#"[{"kid":"no kty"}]"#,
            "{",
        ] {
            let l = load_settings(&env(&[(SUPABASE_JWKS, raw)]));
            assert_eq!(l.settings.jwks, None);
            assert!(
                l.report
                    .problems
                    .iter()
                    .any(|p| p.variable == SUPABASE_JWKS && p.code == "ERR_CONFIG_MALFORMED"),
                "{raw}"
            );
        }
    }

    #[test]
    fn no_secret_is_ever_copied_out() {
        let secrets = [
            (LIVEKIT_API_SECRET, "lk-secret-value-0123456789abcdefXYZ"),
            (AUTH_JWT_SECRET, "jwt-secret-value-0123456789abcdefXYZ"),
            (TAVUS_API_KEY, "tavus-key-value-0123456789"),
            (TAVUS_CALLBACK_SECRET, "callback-secret-0123456789abc"),
            (SUPABASE_SERVICE_ROLE_KEY, "service-role-value-0123456789"),
            (SUPABASE_ANON_KEY, "anon-key-value-0123456789"),
            (
                SUPABASE_SECRET_KEYS,
                r#"{"default":"sb_secret_value_0123456789"}"#,
            ),
            (
                SUPABASE_PUBLISHABLE_KEYS,
                r#"{"default":"sb_publishable_value_0123"}"#,
            ),
        ];
        let l = load_settings(&env(&secrets));
        let text = l.to_json();
        for (_, v) in secrets {
            let v = v
                .strip_prefix(r#"{"default":""#)
                .map_or(v, |s| s.trim_end_matches("\"}"));
            assert!(!text.contains(v), "leaked {v}");
        }
        let malformed = load_settings(&env(&[(SUPABASE_SECRET_KEYS, "sb_secret_bare_value_0123")]));
        let text = malformed.to_json();
        assert!(!text.contains("sb_secret_bare_value_0123"));
    }
}
