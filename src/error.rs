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
        }
    }
}

/// Result with the core's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
