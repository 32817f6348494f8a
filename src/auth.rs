//! Supabase user JWTs: HS256 verification, JWKS key selection, and the claim
//! rules every caller token must pass whatever its algorithm.
//!
//! Supabase signs user sessions with the project's legacy HS256 "JWT secret" or,
//! on newer projects, with asymmetric keys published as a JWKS (ES256/RS256).
//! HS256 is verified here. ES256/RS256 signatures are checked by the caller
//! with WebCrypto (keeping big-number crates out of the wasm), using the key
//! [`select_jwk`] picks; the verified token then goes through
//! [`check_verified_claims`], the same rules as HS256 tokens.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::jws;

/// Default clock leeway for `exp`, `nbf` and `iat`, in seconds.
pub const DEFAULT_AUTH_LEEWAY_SECONDS: i64 = 30;

/// The role and audience of a signed-in user's token.
pub const AUTHENTICATED: &str = "authenticated";

/// Signature algorithms accepted in a Supabase token's header.
pub const ACCEPTED_ALGORITHMS: [&str; 3] = ["HS256", "ES256", "RS256"];

/// What a verified token must say. The defaults are a signed-in user's token.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct AuthRules {
    /// Audience the token must contain (`aud` string or list); `None`: not checked.
    pub audience: Option<String>,
    /// The `role` claim required.
    pub role: String,
    /// The `iss` required, when known (`{SUPABASE_URL}/auth/v1`).
    pub issuer: Option<String>,
    /// Whether anonymous sign-ins (`is_anonymous: true`) are accepted.
    pub allow_anonymous: bool,
    /// Whether `sub` must be present and a UUID (a user's token).
    pub require_subject: bool,
    /// Clock leeway in seconds.
    pub leeway: i64,
}

impl Default for AuthRules {
    fn default() -> Self {
        AuthRules {
            audience: Some(AUTHENTICATED.to_owned()),
            role: AUTHENTICATED.to_owned(),
            issuer: None,
            allow_anonymous: false,
            require_subject: true,
            leeway: DEFAULT_AUTH_LEEWAY_SECONDS,
        }
    }
}

/// The claims of a token that passed the rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserClaims {
    /// The user id (a lower-case UUID), when the token has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The role.
    pub role: String,
    /// The audiences.
    pub aud: Vec<String>,
    /// Expiry, seconds since the epoch.
    pub exp: f64,
    /// Issued at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<f64>,
    /// Issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The user's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The auth session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// Whether this is an anonymous sign-in.
    pub is_anonymous: bool,
}

/// The decoded header of a token (nothing verified yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtHeader {
    /// The signature algorithm: one of [`ACCEPTED_ALGORITHMS`].
    pub alg: String,
    /// The key id, for JWKS lookup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The token type, `JWT` when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

/// One key of a JWKS (public members only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// Key type: `EC` or `RSA`.
    pub kty: String,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Algorithm the key is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// Intended use: `sig` when present.
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// EC curve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// EC x coordinate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
    /// RSA modulus.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA exponent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

/// A JSON Web Key Set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys.
    pub keys: Vec<Jwk>,
}

/// Splitting errors of the LiveKit token code, as errors of a caller's token.
fn malformed(e: Error) -> Error {
    match e {
        Error::TokenMalformed(why) => Error::AuthMalformed(why),
        Error::TokenTooLarge => Error::AuthMalformed("the token is larger than 1 MiB"),
        _ => Error::AuthMalformed("expected three base64url segments"),
    }
}

/// Splits a compact token and decodes its header, refusing any algorithm
/// outside [`ACCEPTED_ALGORITHMS`] (`none` included) and any `crit` header.
///
/// ```
/// use livekit_tavus_edge::auth::decode_header;
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln";
/// assert_eq!(decode_header(token).unwrap().alg, "HS256");
/// ```
pub fn decode_header(token: &str) -> Result<JwtHeader> {
    let parts = jws::split(token).map_err(malformed)?;
    header_of(&parts)
}

/// The header members whose value decides how a token is checked.
#[derive(Deserialize)]
#[allow(dead_code)]
struct HeaderMembers {
    alg: Option<IgnoredAny>,
    kid: Option<IgnoredAny>,
    typ: Option<IgnoredAny>,
}

/// The claims the rules read.
#[derive(Deserialize)]
#[allow(dead_code)]
struct ClaimMembers {
    exp: Option<IgnoredAny>,
    nbf: Option<IgnoredAny>,
    iat: Option<IgnoredAny>,
    role: Option<IgnoredAny>,
    aud: Option<IgnoredAny>,
    iss: Option<IgnoredAny>,
    sub: Option<IgnoredAny>,
    is_anonymous: Option<IgnoredAny>,
    email: Option<IgnoredAny>,
    session_id: Option<IgnoredAny>,
}

/// Whether a JSON object repeats a member `T` names: a `Value` keeps the last
/// one silently, and another parser may keep the first, so such a token is refused.
fn repeats_a_member<'de, T: Deserialize<'de>>(json: &'de [u8]) -> bool {
    serde_json::from_slice::<T>(json).is_err()
}

fn header_of(parts: &jws::Parts<'_>) -> Result<JwtHeader> {
    let raw: Value = serde_json::from_slice(&parts.header)
        .map_err(|_| Error::AuthMalformed("the header is not JSON"))?;
    if raw.get("crit").is_some() {
        return Err(Error::AuthAlgorithm(
            "critical header extensions are not supported".into(),
        ));
    }
    if raw.get("b64").is_some() {
        return Err(Error::AuthAlgorithm(
            "the b64 header is not supported".into(),
        ));
    }
    if repeats_a_member::<HeaderMembers>(&parts.header) {
        return Err(Error::AuthAlgorithm("a header member is repeated".into()));
    }
    let header: JwtHeader = serde_json::from_value(raw)
        .map_err(|_| Error::AuthMalformed("the header has no string `alg`"))?;
    if !ACCEPTED_ALGORITHMS.contains(&header.alg.as_str()) {
        return Err(Error::AuthAlgorithm(format!(
            "alg {:?} is not accepted (HS256, ES256 or RS256)",
            header.alg
        )));
    }
    if let Some(typ) = &header.typ {
        if !typ.eq_ignore_ascii_case("JWT") {
            return Err(Error::AuthMalformed("the header's typ is not JWT"));
        }
    }
    Ok(header)
}

/// Verifies an HS256 Supabase token with the project's legacy JWT secret, then
/// applies `rules` at time `now`.
///
/// ```
/// use livekit_tavus_edge::auth::{verify_hs256, AuthRules};
/// use livekit_tavus_edge::jws::sign_hs256;
/// let claims = br#"{"sub":"7c9e6679-7425-40de-944b-e07fc1f90ae7","role":"authenticated","aud":"authenticated","exp":2000}"#;
/// let token = sign_hs256(claims, b"jwt-secret");
/// let user = verify_hs256(&token, b"jwt-secret", &AuthRules::default(), 1000).unwrap();
/// assert_eq!(user.sub.as_deref(), Some("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
/// assert_eq!(verify_hs256(&token, b"other", &AuthRules::default(), 1000).unwrap_err().code(), "ERR_AUTH_SIGNATURE");
/// ```
pub fn verify_hs256(token: &str, secret: &[u8], rules: &AuthRules, now: i64) -> Result<UserClaims> {
    let parts = jws::split(token).map_err(malformed)?;
    let header = header_of(&parts)?;
    if header.alg != "HS256" {
        return Err(Error::AuthAlgorithm(format!(
            "alg {} cannot be verified with the JWT secret",
            header.alg
        )));
    }
    if secret.is_empty() {
        return Err(Error::AuthUnknownKey(
            "the token is HS256 but no JWT secret is configured".into(),
        ));
    }
    jws::verify_signature(&parts, secret).map_err(|_| Error::AuthSignature)?;
    check_claims(&parts.payload, rules, now)
}

/// Applies `rules` to the claims of a token whose signature the caller has
/// already verified (ES256/RS256 with WebCrypto). Never call it on a token
/// whose signature was not checked.
pub fn check_verified_claims(token: &str, rules: &AuthRules, now: i64) -> Result<UserClaims> {
    let parts = jws::split(token).map_err(malformed)?;
    header_of(&parts)?;
    check_claims(&parts.payload, rules, now)
}

fn number(v: &Value, name: &str) -> Result<Option<f64>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_f64()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| Error::AuthClaims(format!("`{name}` is not a finite number"))),
        Some(_) => Err(Error::AuthClaims(format!("`{name}` must be a number"))),
    }
}

fn string(v: &Value, name: &str) -> Result<Option<String>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::AuthClaims(format!("`{name}` must be a string"))),
    }
}

/// Whether `s` is a UUID in its 8-4-4-4-12 hexadecimal form.
///
/// ```
/// use livekit_tavus_edge::auth::is_uuid;
/// assert!(is_uuid("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
/// assert!(!is_uuid("7c9e6679742540de944be07fc1f90ae7"));
/// ```
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The claim rules, on a payload's JSON bytes.
pub fn check_claims(payload: &[u8], rules: &AuthRules, now: i64) -> Result<UserClaims> {
    let v: Value = serde_json::from_slice(payload)
        .map_err(|_| Error::AuthMalformed("the payload is not JSON"))?;
    if !v.is_object() {
        return Err(Error::AuthMalformed("the payload is not a JSON object"));
    }
    if repeats_a_member::<ClaimMembers>(payload) {
        return Err(Error::AuthClaims("a claim is repeated".into()));
    }
    let now = now as f64;
    let leeway = rules.leeway.max(0) as f64;
    let exp = number(&v, "exp")?.ok_or_else(|| Error::AuthClaims("`exp` is missing".into()))?;
    if now > exp + leeway {
        return Err(Error::AuthExpired);
    }
    if let Some(nbf) = number(&v, "nbf")? {
        if nbf > now + leeway {
            return Err(Error::AuthNotYetValid);
        }
    }
    let iat = number(&v, "iat")?;
    if matches!(iat, Some(iat) if iat > now + leeway) {
        return Err(Error::AuthNotYetValid);
    }
    let role = string(&v, "role")?.unwrap_or_default();
    if role != rules.role {
        if role == "anon" {
            return Err(Error::AuthAnonKey);
        }
        return Err(Error::AuthRole(if role.is_empty() {
            "the token has no role".into()
        } else {
            format!("role {role:?} is not {:?}", rules.role)
        }));
    }
    let aud = match v.get("aud") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .map(|a| a.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::AuthClaims("`aud` must be a string or strings".into()))?,
        Some(_) => {
            return Err(Error::AuthClaims(
                "`aud` must be a string or strings".into(),
            ))
        }
    };
    if let Some(want) = &rules.audience {
        if !aud.iter().any(|a| a == want) {
            return Err(Error::AuthAudience);
        }
    }
    let iss = string(&v, "iss")?;
    if let Some(want) = &rules.issuer {
        let trim = |s: &str| s.trim_end_matches('/').to_owned();
        if iss.as_deref().map(trim) != Some(trim(want)) {
            return Err(Error::AuthIssuer);
        }
    }
    let sub = string(&v, "sub")?;
    let sub = match sub {
        Some(s) if is_uuid(&s) => Some(s.to_ascii_lowercase()),
        Some(_) if rules.require_subject => {
            return Err(Error::AuthClaims("`sub` is not a user id (UUID)".into()))
        }
        None if rules.require_subject => return Err(Error::AuthClaims("`sub` is missing".into())),
        other => other,
    };
    let is_anonymous = match v.get("is_anonymous") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(Error::AuthClaims("`is_anonymous` must be a boolean".into())),
    };
    if is_anonymous && !rules.allow_anonymous {
        return Err(Error::AuthAnonymousUser);
    }
    Ok(UserClaims {
        sub,
        role,
        aud,
        exp,
        iat,
        iss,
        email: string(&v, "email")?,
        session_id: string(&v, "session_id")?,
        is_anonymous,
    })
}

/// Picks the JWKS key that verifies a token with this header: the key with the
/// header's `kid` (or the only compatible key when the header has none), of the
/// type the algorithm needs (`EC` P-256 for ES256, `RSA` for RS256), with `alg`
/// and `use` compatible when present. Returns it with public members only.
///
/// ```
/// use livekit_tavus_edge::auth::{select_jwk, Jwk, Jwks, JwtHeader};
/// let key = Jwk { kty: "EC".into(), kid: Some("k1".into()), alg: Some("ES256".into()),
///     key_use: Some("sig".into()), crv: Some("P-256".into()), x: Some("x".into()),
///     y: Some("y".into()), n: None, e: None };
/// let jwks = Jwks { keys: vec![key.clone()] };
/// let header = JwtHeader { alg: "ES256".into(), kid: Some("k1".into()), typ: None };
/// assert_eq!(select_jwk(&jwks, &header).unwrap(), key);
/// let other = JwtHeader { kid: Some("k2".into()), ..header };
/// assert_eq!(select_jwk(&jwks, &other).unwrap_err().code(), "ERR_AUTH_UNKNOWN_KEY");
/// ```
pub fn select_jwk(jwks: &Jwks, header: &JwtHeader) -> Result<Jwk> {
    let compatible = |k: &&Jwk| {
        let type_ok = match header.alg.as_str() {
            "ES256" => {
                k.kty == "EC" && k.crv.as_deref() == Some("P-256") && k.x.is_some() && k.y.is_some()
            }
            "RS256" => k.kty == "RSA" && k.n.is_some() && k.e.is_some(),
            _ => false,
        };
        type_ok
            && k.alg.as_deref().is_none_or(|a| a == header.alg)
            && k.key_use.as_deref().is_none_or(|u| u == "sig")
    };
    let mut candidates = jwks.keys.iter().filter(compatible);
    let found = match &header.kid {
        Some(kid) => candidates.find(|k| k.kid.as_deref() == Some(kid.as_str())),
        None => {
            let first = candidates.next();
            if candidates.next().is_some() {
                return Err(Error::AuthUnknownKey(
                    "the token has no kid and the JWKS has several keys for its alg".into(),
                ));
            }
            first
        }
    };
    found.cloned().ok_or_else(|| {
        Error::AuthUnknownKey(format!(
            "no {} key in the project's JWKS matches the token's kid",
            header.alg
        ))
    })
}

/// Whether `presented` equals one of `candidates`, compared in constant time
/// (as SHA-256 digests, so neither length nor content leaks through timing).
///
/// ```
/// use livekit_tavus_edge::auth::matches_any_secret;
/// assert!(matches_any_secret("sb_secret_x", &["a".into(), "sb_secret_x".into()]));
/// assert!(!matches_any_secret("", &["".into()]));
/// ```
pub fn matches_any_secret(presented: &str, candidates: &[String]) -> bool {
    if presented.is_empty() {
        return false;
    }
    let want = Sha256::digest(presented.as_bytes());
    let mut hit = subtle::Choice::from(0);
    for c in candidates.iter().filter(|c| !c.is_empty()) {
        hit |= Sha256::digest(c.as_bytes()).ct_eq(&want);
    }
    hit.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::sign_hs256;

    const USER: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    const NOW: i64 = 1_800_000_000;

    fn token(claims: &str) -> String {
        sign_hs256(claims.as_bytes(), b"secret")
    }

    fn user(extra: &str) -> String {
        format!(
            r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated","exp":{},"iat":{}{extra}}}"#,
            NOW + 3600,
            NOW - 10
        )
    }

    #[test]
    fn rules_table() {
        let rules = AuthRules {
            issuer: Some("http://127.0.0.1:54321/auth/v1".into()),
            ..AuthRules::default()
        };
        let iss = r#","iss":"http://127.0.0.1:54321/auth/v1""#;
        let cases: Vec<(String, Option<&str>)> = vec![
            (user(iss), None),
            (
                user(&format!(r#"{iss},"is_anonymous":true"#)),
                Some("ERR_AUTH_ANONYMOUS_USER"),
            ),
            (
                user(r#","iss":"https://evil.example/auth/v1""#),
                Some("ERR_AUTH_ISSUER"),
            ),
            (user(""), Some("ERR_AUTH_ISSUER")),
            (
                format!(r#"{{"iss":"supabase","role":"anon","exp":{}}}"#, NOW + 60),
                Some("ERR_AUTH_ANON_KEY"),
            ),
            (
                format!(
                    r#"{{"iss":"supabase","role":"service_role","exp":{}}}"#,
                    NOW + 60
                ),
                Some("ERR_AUTH_ROLE"),
            ),
            (
                format!(
                    r#"{{"sub":"{USER}","role":"authenticated","aud":"x","exp":{}}}"#,
                    NOW + 60
                ),
                Some("ERR_AUTH_AUDIENCE"),
            ),
            (
                format!(
                    r#"{{"sub":"{USER}","role":"authenticated","aud":["x","authenticated"],"exp":{}{iss}}}"#,
                    NOW + 60
                ),
                None,
            ),
            (
                format!(
                    r#"{{"sub":"ada","role":"authenticated","aud":"authenticated","exp":{}{iss}}}"#,
                    NOW + 60
                ),
                Some("ERR_AUTH_CLAIMS"),
            ),
            (
                format!(
                    r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated","exp":"{}"{iss}}}"#,
                    NOW + 60
                ),
                Some("ERR_AUTH_CLAIMS"),
            ),
            (
                format!(r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated"{iss}}}"#),
                Some("ERR_AUTH_CLAIMS"),
            ),
            (
                format!(
                    r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated","exp":{}{iss}}}"#,
                    NOW - 31
                ),
                Some("ERR_AUTH_EXPIRED"),
            ),
            (
                format!(
                    r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated","exp":{}{iss}}}"#,
                    NOW - 30
                ),
                None,
            ),
            (
                format!(
                    r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated","exp":{},"nbf":{}{iss}}}"#,
                    NOW + 60,
                    NOW + 31
                ),
                Some("ERR_AUTH_NOT_YET_VALID"),
            ),
        ];
        for (i, (claims, want)) in cases.iter().enumerate() {
            let got = verify_hs256(&token(claims), b"secret", &rules, NOW)
                .err()
                .map(|e| e.code());
            assert_eq!(got, *want, "case {i}: {claims}");
        }
    }

    #[test]
    fn headers_refused_before_any_signature_work() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let body = URL_SAFE_NO_PAD.encode(user("").as_bytes());
        for (header, code) in [
            (r#"{"alg":"none"}"#, "ERR_AUTH_ALGORITHM"),
            (r#"{"alg":"HS512"}"#, "ERR_AUTH_ALGORITHM"),
            (r#"{"alg":"HS256","crit":["b64"]}"#, "ERR_AUTH_ALGORITHM"),
            (r#"{"alg":"HS256","typ":"at+jwt"}"#, "ERR_AUTH_MALFORMED"),
            (r#"{"typ":"JWT"}"#, "ERR_AUTH_MALFORMED"),
        ] {
            let t = format!("{}.{body}.c2ln", URL_SAFE_NO_PAD.encode(header));
            assert_eq!(
                verify_hs256(&t, b"secret", &AuthRules::default(), NOW)
                    .unwrap_err()
                    .code(),
                code,
                "{header}"
            );
        }
        assert_eq!(
            verify_hs256("a.b", b"secret", &AuthRules::default(), NOW)
                .unwrap_err()
                .code(),
            "ERR_AUTH_MALFORMED"
        );
        let es = format!(
            "{}.{body}.c2ln",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"ES256"}"#)
        );
        assert_eq!(
            verify_hs256(&es, b"secret", &AuthRules::default(), NOW)
                .unwrap_err()
                .code(),
            "ERR_AUTH_ALGORITHM"
        );
        assert_eq!(
            verify_hs256(&token(&user("")), b"", &AuthRules::default(), NOW)
                .unwrap_err()
                .code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
    }

    #[test]
    fn service_role_rules() {
        let rules = AuthRules {
            audience: None,
            role: "service_role".into(),
            require_subject: false,
            ..AuthRules::default()
        };
        let t = token(&format!(
            r#"{{"iss":"supabase","role":"service_role","exp":{}}}"#,
            NOW + 60
        ));
        let claims = verify_hs256(&t, b"secret", &rules, NOW).unwrap();
        assert_eq!((claims.role.as_str(), claims.sub), ("service_role", None));
        assert_eq!(
            verify_hs256(&token(&user("")), b"secret", &rules, NOW)
                .unwrap_err()
                .code(),
            "ERR_AUTH_ROLE"
        );
    }

    #[test]
    fn jwk_selection() {
        let ec = |kid: &str| Jwk {
            kty: "EC".into(),
            kid: Some(kid.into()),
            alg: None,
            key_use: None,
            crv: Some("P-256".into()),
            x: Some("x".into()),
            y: Some("y".into()),
            n: None,
            e: None,
        };
        let rsa = Jwk {
            kty: "RSA".into(),
            kid: Some("r".into()),
            alg: Some("RS256".into()),
            key_use: Some("sig".into()),
            crv: None,
            x: None,
            y: None,
            n: Some("n".into()),
            e: Some("AQAB".into()),
        };
        let jwks = Jwks {
            keys: vec![ec("a"), ec("b"), rsa.clone()],
        };
        let h = |alg: &str, kid: Option<&str>| JwtHeader {
            alg: alg.into(),
            kid: kid.map(Into::into),
            typ: None,
        };
        assert_eq!(select_jwk(&jwks, &h("ES256", Some("b"))).unwrap(), ec("b"));
        assert_eq!(select_jwk(&jwks, &h("RS256", None)).unwrap(), rsa);
        assert_eq!(
            select_jwk(&jwks, &h("RS256", Some("a")))
                .unwrap_err()
                .code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
        assert_eq!(
            select_jwk(&jwks, &h("ES256", None)).unwrap_err().code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
        let enc = Jwks {
            keys: vec![Jwk {
                key_use: Some("enc".into()),
                ..ec("a")
            }],
        };
        assert!(select_jwk(&enc, &h("ES256", Some("a"))).is_err());
    }
}
