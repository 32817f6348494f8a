//! One error type for the whole core, each variant with a stable code.
//!
//! The code (`ERR_…`) is the contract: it is the `code` of the error thrown in
//! JavaScript and of the `{"error": {"code": …}}` bodies the edge functions
//! return. Messages say what is wrong and how to fix it, and never contain a
//! secret, a token, or a secret's length.

use std::fmt;

/// Everything the core can refuse, with a stable machine-readable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An API key or secret was empty.
    KeyMissing(&'static str),
    /// A token option had an invalid value (name of the option, reason).
    InvalidOption(&'static str, String),
    /// `roomJoin` was granted but no identity was given.
    IdentityRequired,
    /// The token's lifetime is zero, negative, not finite, unparsable or too long.
    InvalidTtl(String),
    /// The token is not three base64url segments.
    TokenMalformed(&'static str),
    /// The header's `alg` is not HS256, or it carries a header we do not accept.
    TokenAlgorithm(String),
    /// The HMAC does not match.
    TokenSignature,
    /// `exp` is in the past (beyond leeway).
    TokenExpired,
    /// `nbf` is in the future (beyond leeway).
    TokenNotYetValid,
    /// A claim is missing or has the wrong JSON type.
    TokenClaims(String),
    /// The input is larger than any token we accept.
    TokenTooLarge,
    /// The token's `iss` names no key we hold.
    TokenUnknownKey,
    /// Options passed across the JavaScript boundary could not be read.
    InvalidInput(String),
    /// An identity, name or room name is longer than 256 bytes (which one).
    GrantTooLong(&'static str),
    /// The participant metadata is larger than 512 KiB.
    GrantMetadataTooLarge,
    /// The participant attributes are larger than 64 KiB in total.
    GrantAttributesTooLarge,
    /// `roomConfig.egress` carries storage or stream credentials and they were not allowed.
    GrantEgressCredentials,
    /// A token segment is not strict base64url (which segment).
    TokenBase64(&'static str),
    /// A token's header or payload is not a JSON object (which one, why).
    TokenJson(&'static str),
    /// The token header carries something we refuse (`crit`, `b64`, a foreign `typ`).
    TokenHeader(String),
    /// The token has no `exp` claim.
    TokenExpRequired,
    /// A webhook arrived without an `Authorization` header.
    WebhookAuthMissing,
    /// The webhook token carries no `sha256` claim.
    WebhookHashMissing,
    /// The SHA-256 of the webhook body differs from the token's `sha256` claim.
    WebhookHashMismatch,
    /// The webhook body (already authenticated) is not a valid event.
    WebhookBodyMalformed(String),
    /// The webhook body is larger than the accepted maximum.
    WebhookBodyTooLarge,
    /// The webhook event is older than the caller's `maxAge`.
    WebhookTooOld,
    /// A LiveKit URL could not be turned into a server-API URL.
    ServerApiUrl(String),
    /// The server-API method is not a RoomService method we know.
    ServerApiMethod(String),
    /// The server-API request body lacks a field the method needs, or has the wrong type.
    ServerApiBody(String),
    /// A caller's Supabase JWT is not a compact JWT (why).
    AuthMalformed(&'static str),
    /// A caller's JWT names an algorithm or header we refuse.
    AuthAlgorithm(String),
    /// A caller's JWT signature does not verify.
    AuthSignature,
    /// No configured key can verify the caller's JWT (no secret for HS256, no JWKS key for its kid).
    AuthUnknownKey(String),
    /// The JWKS is not a JSON Web Key Set.
    AuthJwks(String),
    /// A caller's JWT has expired.
    AuthExpired,
    /// A caller's JWT is not valid yet (`nbf` or `iat` in the future).
    AuthNotYetValid,
    /// A caller's JWT lacks a claim or has one of the wrong type.
    AuthClaims(String),
    /// A caller's JWT is not for the `authenticated` audience.
    AuthAudience,
    /// A caller's JWT was issued by another project.
    AuthIssuer,
    /// The caller sent the project's anon key instead of a user's session token.
    AuthAnonKey,
    /// A caller's JWT has a role other than the one required.
    AuthRole(String),
    /// An anonymous sign-in where anonymous users are not allowed.
    AuthAnonymousUser,
    /// A scenario id is not a slug.
    ScenarioId(String),
    /// A scenario's display name is empty or too long.
    ScenarioDisplayName(String),
    /// A scenario's replica id is malformed.
    ScenarioReplica(String),
    /// A scenario's persona id is malformed.
    ScenarioPersona(String),
    /// A scenario's language is not a Tavus language name.
    ScenarioLanguage(String),
    /// A scenario's prompt is empty or too long.
    ScenarioPrompt(String),
    /// A scenario's greeting is too long.
    ScenarioGreeting(String),
    /// A scenario's max call duration is out of range.
    ScenarioDuration(String),
    /// A scenario's agent name is malformed.
    ScenarioAgentName(String),
    /// Tavus refused: the account's concurrent-conversation cap is reached.
    TavusConcurrency,
    /// Tavus refused the API key.
    TavusUnauthorized,
    /// Tavus does not know the scenario's replica (which scenario and replica).
    TavusReplica(String),
    /// Tavus does not know the scenario's persona (which scenario and persona).
    TavusPersona(String),
    /// Tavus rate-limited the call.
    TavusRateLimited,
    /// Tavus refused the request for another reason.
    TavusRejected(String),
    /// Tavus answered with a server error (status).
    TavusUnavailable(u16),
    /// Tavus answered 2xx with a body we cannot use.
    TavusBadResponse(String),
    /// Tavus does not know the conversation (or the id is malformed).
    TavusNotFound,
    /// A Tavus callback body is not a conversation event.
    TavusBadCallback(String),
}

impl Error {
    /// The stable code of this error, e.g. `ERR_TOKEN_EXPIRED`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::KeyMissing(_) => "ERR_KEY_MISSING",
            Error::InvalidOption(..) => "ERR_INVALID_OPTION",
            Error::IdentityRequired => "ERR_IDENTITY_REQUIRED",
            Error::InvalidTtl(_) => "ERR_INVALID_TTL",
            Error::TokenMalformed(_) => "ERR_TOKEN_MALFORMED",
            Error::TokenAlgorithm(_) => "ERR_TOKEN_ALGORITHM",
            Error::TokenSignature => "ERR_TOKEN_SIGNATURE",
            Error::TokenExpired => "ERR_TOKEN_EXPIRED",
            Error::TokenNotYetValid => "ERR_TOKEN_NOT_YET_VALID",
            Error::TokenClaims(_) => "ERR_TOKEN_CLAIMS",
            Error::TokenTooLarge => "ERR_TOKEN_TOO_LARGE",
            Error::TokenUnknownKey => "ERR_TOKEN_UNKNOWN_KEY",
            Error::InvalidInput(_) => "ERR_INVALID_INPUT",
            Error::GrantTooLong(_) => "ERR_GRANT_TOO_LONG",
            Error::GrantMetadataTooLarge => "ERR_GRANT_METADATA_TOO_LARGE",
            Error::GrantAttributesTooLarge => "ERR_GRANT_ATTRIBUTES_TOO_LARGE",
            Error::GrantEgressCredentials => "ERR_GRANT_EGRESS_CREDENTIALS",
            Error::TokenBase64(_) => "ERR_TOKEN_BASE64",
            Error::TokenJson(_) => "ERR_TOKEN_JSON",
            Error::TokenHeader(_) => "ERR_TOKEN_HEADER",
            Error::TokenExpRequired => "ERR_TOKEN_EXP_REQUIRED",
            Error::WebhookAuthMissing => "ERR_WEBHOOK_AUTH_MISSING",
            Error::WebhookHashMissing => "ERR_WEBHOOK_HASH_MISSING",
            Error::WebhookHashMismatch => "ERR_WEBHOOK_HASH_MISMATCH",
            Error::WebhookBodyMalformed(_) => "ERR_WEBHOOK_BODY_MALFORMED",
            Error::WebhookBodyTooLarge => "ERR_WEBHOOK_BODY_TOO_LARGE",
            Error::WebhookTooOld => "ERR_WEBHOOK_TOO_OLD",
            Error::ServerApiUrl(_) => "ERR_SERVER_API_URL",
            Error::ServerApiMethod(_) => "ERR_SERVER_API_METHOD",
            Error::ServerApiBody(_) => "ERR_SERVER_API_BODY",
            Error::AuthMalformed(_) => "ERR_AUTH_MALFORMED",
            Error::AuthAlgorithm(_) => "ERR_AUTH_ALGORITHM",
            Error::AuthSignature => "ERR_AUTH_SIGNATURE",
            Error::AuthUnknownKey(_) => "ERR_AUTH_UNKNOWN_KEY",
            Error::AuthJwks(_) => "ERR_AUTH_JWKS",
            Error::AuthExpired => "ERR_AUTH_EXPIRED",
            Error::AuthNotYetValid => "ERR_AUTH_NOT_YET_VALID",
            Error::AuthClaims(_) => "ERR_AUTH_CLAIMS",
            Error::AuthAudience => "ERR_AUTH_AUDIENCE",
            Error::AuthIssuer => "ERR_AUTH_ISSUER",
            Error::AuthAnonKey => "ERR_AUTH_ANON_KEY",
            Error::AuthRole(_) => "ERR_AUTH_ROLE",
            Error::AuthAnonymousUser => "ERR_AUTH_ANONYMOUS_USER",
            Error::ScenarioId(_) => "ERR_SCENARIO_ID",
            Error::ScenarioDisplayName(_) => "ERR_SCENARIO_DISPLAY_NAME",
            Error::ScenarioReplica(_) => "ERR_SCENARIO_REPLICA",
            Error::ScenarioPersona(_) => "ERR_SCENARIO_PERSONA",
            Error::ScenarioLanguage(_) => "ERR_SCENARIO_LANGUAGE",
            Error::ScenarioPrompt(_) => "ERR_SCENARIO_PROMPT",
            Error::ScenarioGreeting(_) => "ERR_SCENARIO_GREETING",
            Error::ScenarioDuration(_) => "ERR_SCENARIO_DURATION",
            Error::ScenarioAgentName(_) => "ERR_SCENARIO_AGENT_NAME",
            Error::TavusConcurrency => "ERR_TAVUS_CONCURRENCY",
            Error::TavusUnauthorized => "ERR_TAVUS_UNAUTHORIZED",
            Error::TavusReplica(_) => "ERR_TAVUS_REPLICA",
            Error::TavusPersona(_) => "ERR_TAVUS_PERSONA",
            Error::TavusRateLimited => "ERR_TAVUS_RATE_LIMITED",
            Error::TavusRejected(_) => "ERR_TAVUS_REJECTED",
            Error::TavusUnavailable(_) => "ERR_TAVUS_UNAVAILABLE",
            Error::TavusBadResponse(_) => "ERR_TAVUS_BAD_RESPONSE",
            Error::TavusNotFound => "ERR_TAVUS_NOT_FOUND",
            Error::TavusBadCallback(_) => "ERR_TAVUS_BAD_CALLBACK",
        }
    }
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
                write!(f, "unknown RoomService method {name:?}")
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

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
