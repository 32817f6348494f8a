//! Supabase user JWTs, through the one JWS pipeline ([`crate::jws`]): HS256
//! verification, JWKS key selection, and the claim rules every caller token
//! must pass whatever its algorithm.
//!
//! Supabase signs user sessions with the project's legacy HS256 "JWT secret" or,
//! on newer projects, with asymmetric keys published as a JWKS (ES256/RS256).
//! [`verify`] decodes the header once and either verifies an HS256 token here,
//! or picks the JWKS key for an ES256/RS256 token and returns it with the
//! outcome of the claim rules, for the caller to check the signature with
//! WebCrypto (keeping big-number crates out of the wasm) before it trusts that
//! outcome.

use subtle::ConstantTimeEq;

use crate::error::{Error, Result};
use crate::json::Ty::*;
use crate::json::{self, schema, Mode, ObjWriter, Val, ALWAYS, NULLABLE};
use crate::jws::{self, Alg, HmacKey, Validation};

/// Default clock leeway for `exp`, `nbf` and `iat`, in seconds.
pub const DEFAULT_AUTH_LEEWAY_SECONDS: i64 = 30;

/// The role and audience of a signed-in user's token.
pub const AUTHENTICATED: &str = "authenticated";

schema! {
    /// What a verified token must say (every field optional: the defaults are a
    /// signed-in user's token).
    pub AUTH_RULES("SupabaseJwtRules"): Rules {
        /// Required audience (default `authenticated`); `null` skips the check.
        Audience "audience": Str, NULLABLE;
        /// Required role (default `authenticated`).
        Role "role": Str;
        /// Required `iss`, e.g. `https://<ref>.supabase.co/auth/v1`.
        Issuer "issuer": Str;
        /// Accept anonymous sign-ins (default false).
        AllowAnonymous "allowAnonymous": Bool;
        /// Require `sub` to be a UUID (default true).
        RequireSubject "requireSubject": Bool;
        /// Clock leeway in seconds (default 30).
        Leeway "leeway": I32;
    }
}

/// What a verified token must say. The defaults are a signed-in user's token.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl AuthRules {
    /// Reads rules from JSON (the `SupabaseJwtRules` type); absent fields keep their defaults.
    pub fn from_json(json: &[u8]) -> Result<Self> {
        let r = json::read(json, AUTH_RULES, Mode::Strict)
            .map_err(|e| Error::InvalidInput(format!("auth rules: {e}")))?
            .obj;
        let mut rules = AuthRules::default();
        match r.get(Rules::Audience) {
            Some(Val::Null) => rules.audience = None,
            Some(Val::Str(a)) => rules.audience = Some(a.to_string()),
            _ => {}
        }
        if let Some(role) = r.str(Rules::Role) {
            rules.role = role.to_owned();
        }
        rules.issuer = r.str(Rules::Issuer).map(str::to_owned);
        rules.allow_anonymous = r.bool(Rules::AllowAnonymous).unwrap_or(false);
        rules.require_subject = r.bool(Rules::RequireSubject).unwrap_or(true);
        rules.leeway = r.int(Rules::Leeway).unwrap_or(DEFAULT_AUTH_LEEWAY_SECONDS);
        Ok(rules)
    }
}

schema! {
    /// The claims the rules read from a caller's token (others are ignored).
    PAYLOAD("SupabaseJwtPayload"): P {
        /// Expiry.
        Exp "exp": Num;
        /// Not before.
        Nbf "nbf": Num;
        /// Issued at.
        Iat "iat": Num;
        /// Role.
        Role "role": Str;
        /// Audiences.
        Aud "aud": Aud;
        /// Issuer.
        Iss "iss": Str;
        /// User id.
        Sub "sub": Str;
        /// Anonymous sign-in.
        IsAnonymous "is_anonymous": Bool;
        /// Email.
        Email "email": Str;
        /// Auth session id.
        SessionId "session_id": Str;
    }
}

schema! {
    /// The claims of a token that passed verification and the rules.
    pub SUPABASE_CLAIMS("SupabaseClaims"): UserClaims {
        /// The user id (lower-case UUID); absent only when `requireSubject` is false.
        Sub "sub": Str;
        /// The role.
        Role "role": Str, ALWAYS;
        /// The audiences.
        Aud "aud": Strs, ALWAYS;
        /// Expiry, seconds since the epoch.
        Exp "exp": Num, ALWAYS;
        /// Issued at.
        Iat "iat": Num;
        /// Issuer.
        Iss "iss": Str;
        /// The user's email.
        Email "email": Str;
        /// The auth session id.
        SessionId "session_id": Str;
        /// Whether this is an anonymous sign-in.
        IsAnonymous "is_anonymous": Bool, ALWAYS;
    }
}

schema! {
    /// One public key of a JWKS.
    pub JWK("Jwk"): Jwk {
        /// `EC` or `RSA`.
        Kty "kty": Str, ALWAYS;
        /// Key id.
        Kid "kid": Str;
        /// Algorithm.
        Alg "alg": Str;
        /// `sig` when present.
        Use "use": Str;
        /// EC curve (`P-256`).
        Crv "crv": Str;
        /// EC x.
        X "x": Str;
        /// EC y.
        Y "y": Str;
        /// RSA modulus.
        N "n": Str;
        /// RSA exponent.
        E "e": Str;
    }
}

schema! {
    /// A JSON Web Key Set, as served at `{SUPABASE_URL}/auth/v1/.well-known/jwks.json`.
    pub JWKS("JsonWebKeySet"): Jwks {
        /// The keys.
        Keys "keys": Objs(JWK), ALWAYS;
    }
}

/// A JWKS read from JSON: `{"keys": [...]}` or a bare array of keys.
pub fn read_jwks(json: &str) -> Result<json::Obj<'_>> {
    let bad = || Error::AuthJwks("not a JSON Web Key Set".into());
    let obj = if json.trim_start().starts_with('[') {
        let keys = json::read_list(json.as_bytes(), JWK, Mode::Lenient).map_err(|_| bad())?;
        let mut obj = json::Obj::default();
        obj.set(Jwks::Keys, Val::List(keys));
        obj
    } else {
        json::read(json.as_bytes(), JWKS, Mode::Lenient)
            .map_err(|_| bad())?
            .obj
    };
    // Every key says its type (a key without one is not a JWK).
    let keys = obj.list(Jwks::Keys).ok_or_else(bad)?;
    if !keys
        .iter()
        .all(|k| matches!(k, Val::Obj(o) if o.str(Jwk::Kty).is_some()))
    {
        return Err(bad());
    }
    Ok(obj)
}

fn quoted(s: &str) -> String {
    let mut out = String::new();
    json::push_str(&mut out, s);
    out
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

/// The claim rules, on a payload's JSON text; returns the claims JSON ([`SUPABASE_CLAIMS`]).
pub fn check_claims(payload: &str, rules: &AuthRules, v: &Validation) -> Result<String> {
    let c = match json::read_str(payload, PAYLOAD, Mode::Lenient) {
        Ok(r) => r.obj,
        Err(e) if e.is_syntax() => return Err(Error::AuthMalformed("the payload is not JSON")),
        Err(e) if e.kind == json::ReadErrorKind::Twice => {
            return Err(Error::AuthClaims("a claim is repeated".into()))
        }
        Err(e) => return Err(Error::AuthClaims(e.to_string())),
    };
    let num = |i: P| c.num(i).map(json::approx);
    v.check_times(num(P::Exp), num(P::Nbf), num(P::Iat))?;
    let role = c.str(P::Role).unwrap_or_default();
    if role != rules.role {
        if role == "anon" {
            return Err(Error::AuthAnonKey);
        }
        return Err(Error::AuthRole(if role.is_empty() {
            "the token has no role".into()
        } else {
            format!("role {} is not {}", quoted(role), quoted(&rules.role))
        }));
    }
    let aud: Vec<&str> = c
        .list(P::Aud)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| match a {
            Val::Str(s) => Some(s.as_ref()),
            _ => None,
        })
        .collect();
    if let Some(want) = &rules.audience {
        if !aud.iter().any(|a| a == want) {
            return Err(Error::AuthAudience);
        }
    }
    let iss = c.str(P::Iss);
    if let Some(want) = &rules.issuer {
        let trim = |s: &str| s.trim_end_matches('/').to_owned();
        if iss.map(trim) != Some(trim(want)) {
            return Err(Error::AuthIssuer);
        }
    }
    let sub = match c.str(P::Sub) {
        Some(s) if is_uuid(s) => Some(s.to_ascii_lowercase()),
        Some(_) if rules.require_subject => {
            return Err(Error::AuthClaims("`sub` is not a user id (UUID)".into()))
        }
        None if rules.require_subject => return Err(Error::AuthClaims("`sub` is missing".into())),
        other => other.map(str::to_owned),
    };
    let is_anonymous = c.bool(P::IsAnonymous).unwrap_or(false);
    if is_anonymous && !rules.allow_anonymous {
        return Err(Error::AuthAnonymousUser);
    }
    let mut w = ObjWriter::new();
    w.some_str("sub", sub.as_deref())
        .str("role", role)
        .strs("aud", &aud)
        .num("exp", c.num(P::Exp).unwrap_or("0"));
    if let Some(iat) = c.num(P::Iat) {
        w.num("iat", iat);
    }
    w.some_str("iss", iss)
        .some_str("email", c.str(P::Email))
        .some_str("session_id", c.str(P::SessionId))
        .bool("is_anonymous", is_anonymous);
    Ok(w.finish())
}

schema! {
    /// A decoded (unverified) JWT header.
    pub JWT_HEADER("JwtHeader"): HeaderField {
        /// `HS256`, `ES256` or `RS256`.
        Alg "alg": Str, ALWAYS;
        /// Key id, for the JWKS.
        Kid "kid": Str;
        /// `JWT` when present.
        Typ "typ": Str;
    }
}

/// Decodes a caller's token header (and checks everything that needs no key)
/// without verifying anything; returns it as JSON (the `JwtHeader` type).
///
/// ```
/// let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln";
/// assert_eq!(livekit_tavus_edge::auth::decode_header(token, 0).unwrap(), r#"{"alg":"HS256","typ":"JWT"}"#);
/// ```
pub fn decode_header(token: &str, now: i64) -> Result<String> {
    let t = jws::decode(token, &Validation::supabase(now, 0))?;
    Ok(ObjWriter::new()
        .str("alg", t.header.alg.name())
        .some_str("kid", t.header.kid.as_deref())
        .some_str("typ", t.header.typ.as_deref())
        .finish())
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// An HS256 token, verified here: its claims JSON.
    Verified(String),
    /// An ES256/RS256 token: check its signature over `signing_input` with
    /// `jwk` (JSON, public members only) before trusting `claims` (the
    /// outcome of the rules, computed meanwhile).
    Signature {
        /// `ES256` or `RS256`.
        alg: Alg,
        /// The selected key, as JSON.
        jwk: String,
        /// The claims JSON if the signature verifies, or why they are refused.
        claims: Result<String>,
    },
    /// The token needs a key of the project's JWKS that `jwks` does not hold
    /// (or no JWKS was given): fetch it and ask again.
    NeedJwks,
}

/// Verifies a caller's token in one pass: the header is decoded once; an HS256
/// token is verified with `secret`, an ES256/RS256 one gets its key from `jwks`.
/// With `final_try`, a missing JWKS key is `ERR_AUTH_UNKNOWN_KEY` instead of
/// [`Outcome::NeedJwks`].
///
/// ```
/// use livekit_tavus_edge::auth::{verify, AuthRules, Outcome};
/// use livekit_tavus_edge::jws::{sign_hs256, HmacKey};
/// let claims = br#"{"sub":"7c9e6679-7425-40de-944b-e07fc1f90ae7","role":"authenticated","aud":"authenticated","exp":2000}"#;
/// let key = HmacKey::new(b"jwt-secret");
/// let token = sign_hs256(claims, &key);
/// let Outcome::Verified(user) = verify(&token, Some(&key), None, &AuthRules::default(), 1000, true).unwrap() else { panic!() };
/// assert!(user.contains("7c9e6679-7425-40de-944b-e07fc1f90ae7"));
/// let other = HmacKey::new(b"other");
/// assert_eq!(verify(&token, Some(&other), None, &AuthRules::default(), 1000, true).unwrap_err().code(), "ERR_AUTH_SIGNATURE");
/// ```
pub fn verify(
    token: &str,
    secret: Option<&HmacKey>,
    jwks: Option<&str>,
    rules: &AuthRules,
    now: i64,
    final_try: bool,
) -> Result<Outcome> {
    let v = Validation::supabase(now, rules.leeway);
    let t = jws::decode(token, &v)?;
    if t.header.alg == Alg::HS256 {
        let secret = secret.ok_or_else(|| {
            Error::AuthUnknownKey("the token is HS256 but no JWT secret is configured".into())
        })?;
        t.verify_hmac(secret, &v)?;
        return check_claims(&t.payload, rules, &v).map(Outcome::Verified);
    }
    let alg = t.header.alg;
    let jwk = match jwks {
        None if final_try => {
            return Err(Error::AuthUnknownKey(format!(
                "the token is {} and no JWKS is configured",
                alg.name()
            )))
        }
        None => return Ok(Outcome::NeedJwks),
        Some(jwks) => match select_jwk(&read_jwks(jwks)?, alg, t.header.kid.as_deref()) {
            Ok(jwk) => jwk,
            Err(_) if !final_try => return Ok(Outcome::NeedJwks),
            Err(e) => return Err(e),
        },
    };
    Ok(Outcome::Signature {
        alg,
        jwk,
        claims: check_claims(&t.payload, rules, &v),
    })
}

/// Picks the JWKS key that verifies a token with this `alg` and `kid`: the key
/// with that `kid` (or the only compatible key when the token has none), of the
/// type the algorithm needs (`EC` P-256 for ES256, `RSA` for RS256), with `alg`
/// and `use` compatible when present. Returns it as JSON, public members only.
///
/// ```
/// use livekit_tavus_edge::auth::{read_jwks, select_jwk};
/// use livekit_tavus_edge::jws::Alg;
/// let jwks = read_jwks(r#"{"keys":[{"kty":"EC","kid":"k1","crv":"P-256","x":"x","y":"y","d":"private"}]}"#).unwrap();
/// assert_eq!(select_jwk(&jwks, Alg::ES256, Some("k1")).unwrap(), r#"{"kty":"EC","kid":"k1","crv":"P-256","x":"x","y":"y"}"#);
/// assert_eq!(select_jwk(&jwks, Alg::ES256, Some("k2")).unwrap_err().code(), "ERR_AUTH_UNKNOWN_KEY");
/// ```
pub fn select_jwk(jwks: &json::Obj<'_>, alg: Alg, kid: Option<&str>) -> Result<String> {
    let keys = jwks.list(Jwks::Keys).unwrap_or_default();
    let compatible = |k: &&json::Obj<'_>| {
        let type_ok = match alg {
            Alg::ES256 => {
                k.str(Jwk::Kty) == Some("EC")
                    && k.str(Jwk::Crv) == Some("P-256")
                    && k.str(Jwk::X).is_some()
                    && k.str(Jwk::Y).is_some()
            }
            Alg::RS256 => {
                k.str(Jwk::Kty) == Some("RSA") && k.str(Jwk::N).is_some() && k.str(Jwk::E).is_some()
            }
            Alg::HS256 => false,
        };
        type_ok
            && k.str(Jwk::Alg).is_none_or(|a| a == alg.name())
            && k.str(Jwk::Use).is_none_or(|u| u == "sig")
    };
    let mut candidates = keys
        .iter()
        .filter_map(|k| match k {
            Val::Obj(o) => Some(o),
            _ => None,
        })
        .filter(compatible);
    let found = match kid {
        Some(kid) => candidates.find(|k| k.str(Jwk::Kid) == Some(kid)),
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
    found.map(|k| json::write(JWK, k)).ok_or_else(|| {
        Error::AuthUnknownKey(format!(
            "no {} key in the project's JWKS matches the token's kid",
            alg.name()
        ))
    })
}

/// Whether `presented` equals one of `candidates`, compared in constant time
/// (as SHA-256 digests, so neither length nor content leaks through timing).
///
/// ```
/// use livekit_tavus_edge::auth::matches_any_secret;
/// assert!(matches_any_secret("sb_secret_x", &["a", "sb_secret_x"]));
/// assert!(!matches_any_secret("", &[""]));
/// ```
pub fn matches_any_secret<S: AsRef<str>>(presented: &str, candidates: &[S]) -> bool {
    if presented.is_empty() {
        return false;
    }
    let want = crate::hash::sha256(presented.as_bytes());
    let mut hit = subtle::Choice::from(0);
    for c in candidates
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| !c.is_empty())
    {
        hit |= crate::hash::sha256(c.as_bytes()).ct_eq(&want);
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
        sign_hs256(claims.as_bytes(), &HmacKey::new(b"secret"))
    }

    fn user(extra: &str) -> String {
        format!(
            r#"{{"sub":"{USER}","role":"authenticated","aud":"authenticated","exp":{},"iat":{}{extra}}}"#,
            NOW + 3600,
            NOW - 10
        )
    }

    fn hs256(token: &str, secret: &[u8], rules: &AuthRules) -> Result<String> {
        let key = HmacKey::new(secret);
        let key = (!secret.is_empty()).then_some(&key);
        match verify(token, key, None, rules, NOW, true)? {
            Outcome::Verified(c) => Ok(c),
            other => panic!("{other:?}"),
        }
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
            let got = hs256(&token(claims), b"secret", &rules)
                .err()
                .map(|e| e.code());
            assert_eq!(got, *want, "case {i}: {claims}");
        }
    }

    #[test]
    fn headers_refused_before_any_signature_work() {
        let enc = |b: &[u8]| {
            let mut s = String::new();
            crate::hash::b64url_encode_into(b, &mut s);
            s
        };
        let body = enc(user("").as_bytes());
        for (header, code) in [
            (r#"{"alg":"none"}"#, "ERR_AUTH_ALGORITHM"),
            (r#"{"alg":"HS512"}"#, "ERR_AUTH_ALGORITHM"),
            (r#"{"alg":"HS256","crit":["b64"]}"#, "ERR_AUTH_ALGORITHM"),
            (r#"{"alg":"HS256","typ":"at+jwt"}"#, "ERR_AUTH_MALFORMED"),
            (r#"{"typ":"JWT"}"#, "ERR_AUTH_MALFORMED"),
        ] {
            let t = format!("{}.{body}.c2ln", enc(header.as_bytes()));
            assert_eq!(
                hs256(&t, b"secret", &AuthRules::default())
                    .unwrap_err()
                    .code(),
                code,
                "{header}"
            );
        }
        assert_eq!(
            hs256("a.b", b"secret", &AuthRules::default())
                .unwrap_err()
                .code(),
            "ERR_AUTH_MALFORMED"
        );
        let es = format!("{}.{body}.c2ln", enc(br#"{"alg":"ES256"}"#));
        assert_eq!(
            verify(&es, None, None, &AuthRules::default(), NOW, true)
                .unwrap_err()
                .code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
        assert_eq!(
            verify(&es, None, None, &AuthRules::default(), NOW, false).unwrap(),
            Outcome::NeedJwks
        );
        assert_eq!(
            hs256(&token(&user("")), b"", &AuthRules::default())
                .unwrap_err()
                .code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
    }

    #[test]
    fn service_role_rules() {
        let rules = AuthRules::from_json(
            br#"{"audience":null,"role":"service_role","requireSubject":false}"#,
        )
        .unwrap();
        assert_eq!((rules.audience.as_deref(), rules.leeway), (None, 30));
        let t = token(&format!(
            r#"{{"iss":"supabase","role":"service_role","exp":{}}}"#,
            NOW + 60
        ));
        let claims = hs256(&t, b"secret", &rules).unwrap();
        assert!(claims.contains(r#""role":"service_role""#) && !claims.contains("sub"));
        assert_eq!(
            hs256(&token(&user("")), b"secret", &rules)
                .unwrap_err()
                .code(),
            "ERR_AUTH_ROLE"
        );
        assert_eq!(
            AuthRules::from_json(br#"{"roles":"x"}"#)
                .unwrap_err()
                .code(),
            "ERR_INVALID_INPUT"
        );
    }

    #[test]
    fn claims_output_matches_its_schema() {
        let t = token(&user(r#","email":"a@b.c","session_id":"s""#));
        let out = hs256(&t, b"secret", &AuthRules::default()).unwrap();
        json::read(out.as_bytes(), SUPABASE_CLAIMS, Mode::Strict).unwrap();
    }

    #[test]
    fn jwk_selection() {
        let jwks = read_jwks(
            r#"[{"kty":"EC","kid":"a","crv":"P-256","x":"x","y":"y"},
                {"kty":"EC","kid":"b","crv":"P-256","x":"x","y":"y"},
                {"kty":"RSA","kid":"r","alg":"RS256","use":"sig","n":"n","e":"AQAB"}]"#,
        )
        .unwrap();
        assert!(select_jwk(&jwks, Alg::ES256, Some("b"))
            .unwrap()
            .contains(r#""kid":"b""#));
        assert!(select_jwk(&jwks, Alg::RS256, None)
            .unwrap()
            .contains(r#""n":"n""#));
        assert_eq!(
            select_jwk(&jwks, Alg::RS256, Some("a")).unwrap_err().code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
        assert_eq!(
            select_jwk(&jwks, Alg::ES256, None).unwrap_err().code(),
            "ERR_AUTH_UNKNOWN_KEY"
        );
        let enc = read_jwks(
            r#"{"keys":[{"kty":"EC","kid":"a","use":"enc","crv":"P-256","x":"x","y":"y"}]}"#,
        )
        .unwrap();
        assert!(select_jwk(&enc, Alg::ES256, Some("a")).is_err());
        assert_eq!(read_jwks("{}").unwrap_err().code(), "ERR_AUTH_JWKS");
    }
}
