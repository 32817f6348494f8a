//! One error type for the whole core, each variant with a stable code and the
//! HTTP status it answers with.
//!
//! The code (`ERR_…`) is the contract: it is the `code` of the error thrown in
//! JavaScript and of the `{"error": {"code": …}}` bodies the edge functions
//! return. Messages say what is wrong and how to fix it, and never contain a
//! secret, a token, or a secret's length. The table below is the one list of
//! codes: the package's `ErrorCode` type and the functions' status map are
//! generated from [`CODES`] (see `src/typescript.rs`).

use std::fmt;

/// Declares [`Error`], its `code()` and `status()`, and [`CODES`] from one table.
macro_rules! errors {
    ($( $(#[doc = $doc:literal])* $variant:ident $(($($field:ty),*))? = $code:literal, $status:literal; )*) => {
        /// Everything the core can refuse, with a stable machine-readable code.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Error {
            $( $(#[doc = $doc])* $variant $(($($field),*))?, )*
        }

        impl Error {
            fn table_code(&self) -> &'static str {
                match self {
                    $( Error::$variant { .. } => $code, )*
                }
            }

            fn table_status(&self) -> u16 {
                match self {
                    $( Error::$variant { .. } => $status, )*
                }
            }
        }

        /// Every code of [`Error`] with its HTTP status, in declaration order
        /// (`Misconfigured` has its inner error's code).
        pub const CODES: &[(&str, u16)] = &[$(($code, $status)),*];
    };
}

impl Error {
    /// The stable code of this error, e.g. `ERR_TOKEN_EXPIRED`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Misconfigured(inner) => inner.code(),
            e => e.table_code(),
        }
    }

    /// The HTTP status of this error in the functions' answers.
    pub fn status(&self) -> u16 {
        match self {
            Error::Misconfigured(_) => 500,
            e => e.table_status(),
        }
    }
}

errors! {
    /// An API key or secret was empty.
    KeyMissing(&'static str) = "ERR_KEY_MISSING", 500;
    /// A token option had an invalid value (name of the option, reason).
    InvalidOption(&'static str, String) = "ERR_INVALID_OPTION", 500;
    /// `roomJoin` was granted but no identity was given.
    IdentityRequired = "ERR_IDENTITY_REQUIRED", 500;
    /// The token's lifetime is zero, negative, not finite, unparsable or too long.
    InvalidTtl(String) = "ERR_INVALID_TTL", 500;
    /// The token is not three base64url segments.
    TokenMalformed(&'static str) = "ERR_TOKEN_MALFORMED", 401;
    /// The header's `alg` is not HS256, or it carries a header we do not accept.
    TokenAlgorithm(String) = "ERR_TOKEN_ALGORITHM", 401;
    /// The HMAC does not match.
    TokenSignature = "ERR_TOKEN_SIGNATURE", 401;
    /// `exp` is in the past (beyond leeway).
    TokenExpired = "ERR_TOKEN_EXPIRED", 401;
    /// `nbf` is in the future (beyond leeway).
    TokenNotYetValid = "ERR_TOKEN_NOT_YET_VALID", 401;
    /// A claim is missing or has the wrong JSON type.
    TokenClaims(String) = "ERR_TOKEN_CLAIMS", 401;
    /// The input is larger than any token we accept.
    TokenTooLarge = "ERR_TOKEN_TOO_LARGE", 401;
    /// The token's `iss` names no key we hold.
    TokenUnknownKey = "ERR_TOKEN_UNKNOWN_KEY", 401;
    /// Options passed across the JavaScript boundary could not be read.
    InvalidInput(String) = "ERR_INVALID_INPUT", 500;
    /// An identity, name or room name is longer than 256 bytes (which one).
    GrantTooLong(&'static str) = "ERR_GRANT_TOO_LONG", 500;
    /// The participant metadata is larger than 512 KiB.
    GrantMetadataTooLarge = "ERR_GRANT_METADATA_TOO_LARGE", 500;
    /// The participant attributes are larger than 64 KiB in total.
    GrantAttributesTooLarge = "ERR_GRANT_ATTRIBUTES_TOO_LARGE", 500;
    /// `roomConfig.egress` carries storage or stream credentials and they were not allowed.
    GrantEgressCredentials = "ERR_GRANT_EGRESS_CREDENTIALS", 500;
    /// A token segment is not strict base64url (which segment).
    TokenBase64(&'static str) = "ERR_TOKEN_BASE64", 401;
    /// A token's header or payload is not a JSON object (which one, why).
    TokenJson(&'static str) = "ERR_TOKEN_JSON", 401;
    /// The token header carries something we refuse (`crit`, `b64`, a foreign `typ`).
    TokenHeader(String) = "ERR_TOKEN_HEADER", 401;
    /// The token has no `exp` claim.
    TokenExpRequired = "ERR_TOKEN_EXP_REQUIRED", 401;
    /// A webhook arrived without an `Authorization` header.
    WebhookAuthMissing = "ERR_WEBHOOK_AUTH_MISSING", 401;
    /// The webhook token carries no `sha256` claim.
    WebhookHashMissing = "ERR_WEBHOOK_HASH_MISSING", 401;
    /// The SHA-256 of the webhook body differs from the token's `sha256` claim.
    WebhookHashMismatch = "ERR_WEBHOOK_HASH_MISMATCH", 401;
    /// The webhook body (already authenticated) is not a valid event.
    WebhookBodyMalformed(String) = "ERR_WEBHOOK_BODY_MALFORMED", 400;
    /// The webhook body is larger than the accepted maximum.
    WebhookBodyTooLarge = "ERR_WEBHOOK_BODY_TOO_LARGE", 413;
    /// The webhook event is older than the caller's `maxAge`.
    WebhookTooOld = "ERR_WEBHOOK_TOO_OLD", 401;
    /// A LiveKit URL could not be turned into a server-API URL.
    ServerApiUrl(String) = "ERR_SERVER_API_URL", 500;
    /// The server-API method is not a RoomService method we know.
    ServerApiMethod(String) = "ERR_SERVER_API_METHOD", 500;
    /// The server-API request body lacks a field the method needs, or has the wrong type.
    ServerApiBody(String) = "ERR_SERVER_API_BODY", 500;
    /// A caller's Supabase JWT is not a compact JWT (why).
    AuthMalformed(&'static str) = "ERR_AUTH_MALFORMED", 401;
    /// A caller's JWT names an algorithm or header we refuse.
    AuthAlgorithm(String) = "ERR_AUTH_ALGORITHM", 401;
    /// A caller's JWT signature does not verify.
    AuthSignature = "ERR_AUTH_SIGNATURE", 401;
    /// No configured key can verify the caller's JWT (no secret for HS256, no JWKS key for its kid).
    AuthUnknownKey(String) = "ERR_AUTH_UNKNOWN_KEY", 401;
    /// The JWKS is not a JSON Web Key Set.
    AuthJwks(String) = "ERR_AUTH_JWKS", 503;
    /// A caller's JWT has expired.
    AuthExpired = "ERR_AUTH_EXPIRED", 401;
    /// A caller's JWT is not valid yet (`nbf` or `iat` in the future).
    AuthNotYetValid = "ERR_AUTH_NOT_YET_VALID", 401;
    /// A caller's JWT lacks a claim or has one of the wrong type.
    AuthClaims(String) = "ERR_AUTH_CLAIMS", 401;
    /// A caller's JWT is not for the `authenticated` audience.
    AuthAudience = "ERR_AUTH_AUDIENCE", 401;
    /// A caller's JWT was issued by another project.
    AuthIssuer = "ERR_AUTH_ISSUER", 401;
    /// The caller sent the project's anon key instead of a user's session token.
    AuthAnonKey = "ERR_AUTH_ANON_KEY", 401;
    /// A caller's JWT has a role other than the one required.
    AuthRole(String) = "ERR_AUTH_ROLE", 401;
    /// An anonymous sign-in where anonymous users are not allowed.
    AuthAnonymousUser = "ERR_AUTH_ANONYMOUS_USER", 403;
    /// A scenario id is not a slug.
    ScenarioId(String) = "ERR_SCENARIO_ID", 400;
    /// A scenario's display name is empty or too long.
    ScenarioDisplayName(String) = "ERR_SCENARIO_DISPLAY_NAME", 400;
    /// A scenario's replica id is malformed.
    ScenarioReplica(String) = "ERR_SCENARIO_REPLICA", 400;
    /// A scenario's persona id is malformed.
    ScenarioPersona(String) = "ERR_SCENARIO_PERSONA", 400;
    /// A scenario's language is not a Tavus language name.
    ScenarioLanguage(String) = "ERR_SCENARIO_LANGUAGE", 400;
    /// A scenario's prompt is empty or too long.
    ScenarioPrompt(String) = "ERR_SCENARIO_PROMPT", 400;
    /// A scenario's greeting is too long.
    ScenarioGreeting(String) = "ERR_SCENARIO_GREETING", 400;
    /// A scenario's max call duration is out of range.
    ScenarioDuration(String) = "ERR_SCENARIO_DURATION", 400;
    /// A scenario's agent name is malformed.
    ScenarioAgentName(String) = "ERR_SCENARIO_AGENT_NAME", 400;
    /// Tavus refused: the account's concurrent-conversation cap is reached.
    TavusConcurrency = "ERR_TAVUS_CONCURRENCY", 503;
    /// Tavus refused the API key.
    TavusUnauthorized = "ERR_TAVUS_UNAUTHORIZED", 502;
    /// Tavus does not know the scenario's replica (which scenario and replica).
    TavusReplica(String) = "ERR_TAVUS_REPLICA", 502;
    /// Tavus does not know the scenario's persona (which scenario and persona).
    TavusPersona(String) = "ERR_TAVUS_PERSONA", 502;
    /// Tavus rate-limited the call.
    TavusRateLimited = "ERR_TAVUS_RATE_LIMITED", 503;
    /// Tavus refused the request for another reason.
    TavusRejected(String) = "ERR_TAVUS_REJECTED", 502;
    /// Tavus answered with a server error (status).
    TavusUnavailable(u16) = "ERR_TAVUS_UNAVAILABLE", 502;
    /// Tavus answered 2xx with a body we cannot use.
    TavusBadResponse(String) = "ERR_TAVUS_BAD_RESPONSE", 502;
    /// Tavus does not know the conversation (or the id is malformed).
    TavusNotFound = "ERR_TAVUS_NOT_FOUND", 502;
    /// A Tavus callback body is not a conversation event.
    TavusBadCallback(String) = "ERR_TAVUS_BAD_CALLBACK", 400;
    /// A request body is not JSON, or not a JSON object.
    BadJson(String) = "ERR_BAD_JSON", 400;
    /// A request body names a field the endpoint does not have.
    UnknownField(String) = "ERR_UNKNOWN_FIELD", 400;
    /// A request field has the wrong type, or is given twice.
    BadField(String) = "ERR_BAD_FIELD", 400;
    /// A request field is larger than the endpoint allows.
    FieldTooLarge(String) = "ERR_FIELD_TOO_LARGE", 400;
    /// A request field the caller may not set.
    FieldNotAllowed(String) = "ERR_FIELD_NOT_ALLOWED", 403;
    /// A participant identity other than the caller's own.
    IdentityNotAllowed = "ERR_IDENTITY_NOT_ALLOWED", 403;
    /// An agent the caller may not dispatch (which one).
    AgentNotAllowed(String) = "ERR_AGENT_NOT_ALLOWED", 403;
    /// The deployment lacks a setting this request needs (what to set).
    NotConfigured(String) = "ERR_NOT_CONFIGURED", 503;
    /// No enabled scenario has this id.
    ScenarioNotFound(String) = "ERR_SCENARIO_NOT_FOUND", 404;
    /// A stored row (a scenario) breaks a rule: the inner error's code, status 500.
    Misconfigured(Box<Error>) = "", 500;
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::KeyMissing(what) => write!(f, "the LiveKit API {what} is empty"),
            Error::InvalidOption(name, why) => write!(f, "option `{name}`: {why}"),
            Error::IdentityRequired => {
                f.write_str("a token that grants roomJoin needs a participant identity")
            }
            Error::InvalidTtl(why) => write!(f, "invalid token lifetime: {why}"),
            Error::TokenMalformed(why) => write!(f, "malformed token: {why}"),
            Error::TokenAlgorithm(why) => write!(f, "token header refused: {why}"),
            Error::TokenSignature => f.write_str("token signature does not match"),
            Error::TokenExpired => f.write_str("token has expired"),
            Error::TokenNotYetValid => f.write_str("token is not valid yet (nbf is in the future)"),
            Error::TokenClaims(why) => write!(f, "invalid token claims: {why}"),
            Error::TokenTooLarge => f.write_str("token is larger than the accepted maximum"),
            Error::TokenUnknownKey => f.write_str("token issuer names no known API key"),
            Error::InvalidInput(why) => write!(f, "invalid input: {why}"),
            Error::GrantTooLong(what) => write!(f, "{what} is longer than 256 bytes"),
            Error::GrantMetadataTooLarge => {
                f.write_str("participant metadata is larger than 512 KiB")
            }
            Error::GrantAttributesTooLarge => {
                f.write_str("participant attributes are larger than 64 KiB in total")
            }
            Error::GrantEgressCredentials => f.write_str(
                "roomConfig.egress contains storage or stream credentials, which every \
                 participant could read from the token; pass allowRoomConfigEgress to allow it",
            ),
            Error::TokenBase64(what) => write!(f, "malformed token: {what} is not base64url"),
            Error::TokenJson(why) => write!(f, "malformed token: {why}"),
            Error::TokenHeader(why) => write!(f, "token header refused: {why}"),
            Error::TokenExpRequired => f.write_str("token has no `exp` claim"),
            Error::WebhookAuthMissing => f.write_str("webhook request has no Authorization header"),
            Error::WebhookHashMissing => f.write_str("webhook token carries no sha256 claim"),
            Error::WebhookHashMismatch => f.write_str(
                "the SHA-256 of the webhook body does not match the token \
                 (hash the raw body bytes, before any JSON parsing)",
            ),
            Error::WebhookBodyMalformed(why) => write!(f, "webhook body is not a valid event: {why}"),
            Error::WebhookBodyTooLarge => f.write_str("webhook body is larger than 1 MiB"),
            Error::WebhookTooOld => f.write_str("webhook event is older than the allowed maximum age"),
            Error::ServerApiUrl(why) => write!(f, "invalid LiveKit URL: {why}"),
            Error::ServerApiMethod(name) => {
                f.write_str("unknown RoomService method ")?;
                let mut shown = String::new();
                crate::json::push_str(&mut shown, name);
                f.write_str(&shown)
            }
            Error::ServerApiBody(why) => write!(f, "invalid server-API request body: {why}"),
            Error::AuthMalformed(why) => write!(f, "the Authorization token is not a JWT: {why}"),
            Error::AuthAlgorithm(why) => write!(f, "the Authorization token is refused: {why}"),
            Error::AuthSignature => f.write_str("the Authorization token's signature does not verify"),
            Error::AuthUnknownKey(why) => write!(f, "the Authorization token cannot be verified: {why}"),
            Error::AuthJwks(why) => write!(f, "the project's JWKS is unusable: {why}"),
            Error::AuthExpired => f.write_str("the session has expired: refresh it and retry"),
            Error::AuthNotYetValid => f.write_str("the Authorization token is not valid yet (check the clock)"),
            Error::AuthClaims(why) => write!(f, "the Authorization token's claims are invalid: {why}"),
            Error::AuthAudience => f.write_str("the Authorization token is not for the `authenticated` audience"),
            Error::AuthIssuer => f.write_str("the Authorization token was issued by another project"),
            Error::AuthAnonKey => f.write_str(
                "the Authorization header carries the project's anon key, not a signed-in user's \
                 session token: sign in and send the session's access_token",
            ),
            Error::AuthRole(why) => write!(f, "the Authorization token's role is refused: {why}"),
            Error::AuthAnonymousUser => f.write_str(
                "anonymous sign-ins may not start sessions here (ALLOW_ANONYMOUS_USERS is off)",
            ),
            Error::ScenarioId(why)
            | Error::ScenarioDisplayName(why)
            | Error::ScenarioReplica(why)
            | Error::ScenarioPersona(why)
            | Error::ScenarioLanguage(why)
            | Error::ScenarioPrompt(why)
            | Error::ScenarioGreeting(why)
            | Error::ScenarioDuration(why)
            | Error::ScenarioAgentName(why) => f.write_str(why),
            Error::TavusConcurrency => f.write_str(
                "the Tavus account has reached its maximum of concurrent conversations: retry later",
            ),
            Error::TavusUnauthorized => f.write_str("Tavus refused the API key: check TAVUS_API_KEY"),
            Error::TavusReplica(why) | Error::TavusPersona(why) | Error::TavusRejected(why) => {
                f.write_str(why)
            }
            Error::TavusRateLimited => f.write_str("Tavus rate-limited the request: retry later"),
            Error::TavusUnavailable(status) => write!(f, "Tavus answered with HTTP {status}"),
            Error::TavusBadResponse(why) => write!(f, "unexpected answer from Tavus: {why}"),
            Error::TavusNotFound => f.write_str("Tavus does not know this conversation"),
            Error::TavusBadCallback(why) => write!(f, "not a Tavus conversation event: {why}"),
            Error::BadJson(why)
            | Error::UnknownField(why)
            | Error::BadField(why)
            | Error::FieldTooLarge(why)
            | Error::FieldNotAllowed(why)
            | Error::AgentNotAllowed(why)
            | Error::NotConfigured(why) => f.write_str(why),
            Error::IdentityNotAllowed => f.write_str(
                "participant_identity must be your user id (leave it out); \
                 TOKEN_ALLOW_CLIENT_IDENTITY relaxes this",
            ),
            Error::ScenarioNotFound(id) => write!(f, "no enabled scenario {id}"),
            Error::Misconfigured(inner) => write!(f, "scenario is misconfigured: {inner}"),
        }
    }
}

/// Something accepted but worth telling the caller about, with a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warning {
    /// The API secret is shorter than 32 bytes (LiveKit's server warns too).
    WeakSecret,
}

impl Warning {
    /// Every warning.
    pub const ALL: [Warning; 1] = [Warning::WeakSecret];

    /// The stable code of this warning, e.g. `ERR_KEY_WEAK_SECRET`.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::WeakSecret => "ERR_KEY_WEAK_SECRET",
        }
    }

    /// What the warning means, for people (never contains the secret or its length).
    pub fn message(&self) -> &'static str {
        match self {
            Warning::WeakSecret => {
                "the API secret is shorter than 32 bytes; use a generated secret outside development"
            }
        }
    }
}

/// The codes the edge functions answer with besides the core's own ([`CODES`]),
/// with the HTTP status of each: HTTP plumbing, the upstream calls' timeouts and
/// network failures, the database, the session rules the SQL functions enforce,
/// caller and service-role authentication outside the core, and the local
/// development gateway. The core never raises them; they are listed here so
/// that every code has one source: the package's `FunctionErrorCode` and
/// `FUNCTION_ERROR_STATUS` are generated from this table, and the functions'
/// `HttpError` accepts no other code (deno check).
pub const FUNCTION_CODES: &[(&str, u16)] = &[
    ("ERR_AUTH_MISSING", 401),
    ("ERR_AUTH_JWKS_UNAVAILABLE", 503),
    ("ERR_AUTH_SERVICE_ROLE_REQUIRED", 401),
    ("ERR_BAD_ENCODING", 400),
    ("ERR_BODY_TOO_LARGE", 413),
    ("ERR_METHOD_NOT_ALLOWED", 405),
    ("ERR_NOT_FOUND", 404),
    ("ERR_UNSUPPORTED_MEDIA_TYPE", 415),
    ("ERR_RATE_LIMITED", 429),
    ("ERR_INTERNAL", 500),
    ("ERR_CONFIG_VAULT", 503),
    ("ERR_CONFIG_VAULT_TIMEOUT", 504),
    ("ERR_DATABASE", 503),
    ("ERR_DATABASE_TIMEOUT", 504),
    ("ERR_DATABASE_UNAVAILABLE", 502),
    ("ERR_TAVUS_TIMEOUT", 504),
    ("ERR_TAVUS_NETWORK", 502),
    ("ERR_LIVEKIT_UPSTREAM", 502),
    ("ERR_LIVEKIT_TIMEOUT", 504),
    ("ERR_LIVEKIT_NETWORK", 502),
    ("ERR_SESSION_LIMIT", 409),
    ("ERR_SESSION_CLEANUP_PENDING", 409),
    ("ERR_SESSION_ENDING", 409),
    ("ERR_SESSION_CONFLICT", 409),
    ("ERR_SESSION_NOT_FOUND", 404),
    ("ERR_ROOM_TAKEN", 409),
    ("ERR_ROOM_NOT_ALLOWED", 403),
    ("ERR_ROOM_CONFLICT", 409),
    ("ERR_FUNCTION_NOT_FOUND", 404),
    ("ERR_FORBIDDEN", 403),
];

/// Codes that are never an HTTP error body: the problems of the configuration
/// report (`config`) and of the health report, the reconciler's summary, and
/// the refusals of the SQL functions that the edge functions turn into another
/// answer (or that only a misuse of an RPC meets). Generated into the package
/// as `ReportCode`; a configuration problem with a code not listed here fails
/// a debug assertion.
pub const REPORT_CODES: &[&str] = &[
    "ERR_CONFIG_MISSING",
    "ERR_CONFIG_WHITESPACE",
    "ERR_CONFIG_MALFORMED",
    "ERR_CONFIG_URL",
    "ERR_CONFIG_URL_SCHEME",
    "ERR_CONFIG_WEAK_SECRET",
    "ERR_CONFIG_INVALID",
    "ERR_CONFIG_NO_DATABASE",
    "ERR_RECONCILER_NOT_RUNNING",
    "ERR_RECONCILER_FAILED",
    "ERR_TAVUS_END_OWED",
    "ERR_TAVUS_END_FAILED",
    "ERR_VAULT_NAME_NOT_ALLOWED",
    "ERR_RECONCILE_NOT_CONFIGURED",
    "ERR_INVALID_ARGUMENT",
];

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_across_the_tables() {
        let mut seen = std::collections::BTreeSet::new();
        let all = CODES
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| !c.is_empty())
            .chain(FUNCTION_CODES.iter().map(|(c, _)| *c))
            .chain(REPORT_CODES.iter().copied())
            .chain(Warning::ALL.map(|w| w.code()));
        for code in all {
            assert!(
                code.len() > 4
                    && code.starts_with("ERR_")
                    && code[4..]
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{code} is not an ERR_ name"
            );
            assert!(seen.insert(code), "{code} is listed twice");
        }
        for (code, status) in FUNCTION_CODES {
            assert!((400..=599).contains(status), "{code}: {status}");
        }
    }
}
