//! Inputs the fuzz targets (fuzz/, see SECURITY.md) found crashing, kept as
//! plain tests so `cargo test` guards them without the nightly toolchain. Each
//! input is also in the target's seed corpus (fuzz/corpus/<target>/regress-*).

use livekit_tavus_edge::duration::{parse_duration, ttl_seconds, Ttl, MAX_TTL_SECONDS};

/// fuzz/duration: 15 integer digits and 18 fraction digits of years overflowed
/// the u128 product (a panic with overflow checks, a wrapped value without).
#[test]
fn duration_with_33_digits_of_years_is_too_long_not_an_overflow() {
    let crash = "999999999999999.999999999999999999y";
    assert_eq!(
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/corpus/duration/regress-u128-overflow"
        ))
        .unwrap(),
        crash
    );
    for text in [
        crash,
        "999999999999999.999999999999999999 years",
        "999999999999999.999999999999999999w",
        "100000000000000.000000000000000001Y",
    ] {
        let err = parse_duration(text).unwrap_err();
        assert_eq!(err.code(), "ERR_INVALID_TTL", "{text}");
        assert!(
            err.to_string().contains("longer than the maximum"),
            "{text}: {err}"
        );
        assert_eq!(
            ttl_seconds(Some(&Ttl::from(text))).unwrap_err().code(),
            "ERR_INVALID_TTL"
        );
    }
    // The exact arithmetic still holds right below the limit.
    assert_eq!(parse_duration("7d").unwrap(), MAX_TTL_SECONDS);
    assert_eq!(
        parse_duration("0.019164955509924709y").unwrap(),
        604_800,
        "0.019164955509924709 years is 604,799.99…, rounded up"
    );
}

/// fuzz/verify_token: a correctly signed token whose header carried a byte
/// that is not UTF-8 inside an ignored member (`jku`) was accepted: serde skips
/// ignored strings without checking them. The header (and payload) must be UTF-8.
#[test]
fn header_with_bytes_that_are_not_utf8_is_refused() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use livekit_tavus_edge::jws::hmac_sha256;
    use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};

    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/verify_token/regress-header-not-utf8"
    ))
    .unwrap();
    // The target's input: mode 1 (sign `header NUL payload`), clock byte, leeway byte.
    let (header, payload) = input[3..].split_at(input[3..].iter().position(|&b| b == 0).unwrap());
    let payload = &payload[1..];
    assert!(std::str::from_utf8(header).is_err());
    let secret = "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz";
    let sign = |header: &[u8], payload: &[u8]| {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mac = hmac_sha256(secret.as_bytes(), input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac))
    };
    let keys = |iss: &str| (iss == "devkey").then_some(secret);
    let at = VerifyOptions::at(1_800_000_000);
    let err = verify_access_token(&sign(header, payload), keys, at).unwrap_err();
    assert_eq!(err.code(), "ERR_TOKEN_JSON");
    assert!(err.to_string().contains("UTF-8"), "{err}");
    // The same for a payload whose unknown claim is not UTF-8.
    let bad_payload = br#"{"iss":"devkey","exp":1800000600,"x":"\x97"}"#;
    let bad_payload = [&bad_payload[..38], &[0x97], &bad_payload[42..]].concat();
    let err =
        verify_access_token(&sign(br#"{"alg":"HS256"}"#, &bad_payload), keys, at).unwrap_err();
    assert_eq!(err.code(), "ERR_TOKEN_JSON");
    // Control: the same bytes made valid verify.
    let fixed = String::from_utf8_lossy(header).into_owned();
    let claims = verify_access_token(&sign(fixed.as_bytes(), payload), keys, at).unwrap();
    assert!(claims.json.contains(r#""iss":"devkey""#));
}

/// fuzz/mint (a harness mistake, not the core's): the order oracle reordered
/// the members inside `roomConfig.egress`, which the core keeps as given, byte
/// for byte, so the token changed. The core's behaviour, pinned: the options'
/// order does not matter, the egress text does.
#[test]
fn room_config_egress_is_kept_as_given() {
    use livekit_tavus_edge::token::create_access_token;

    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/mint/regress-egress-kept-as-given"
    ))
    .unwrap();
    // The first byte is the fuzzer's clock; the rest is the options.
    assert!(create_access_token("devkey", "secret", &input[1..], 1_800_000_000).is_ok());

    let mint = |options: &str| {
        create_access_token("devkey", "secret", options.as_bytes(), 1_800_000_000)
            .unwrap()
            .token
    };
    let egress = r#"{"roomComposite":{"roomName":"r"},"fileOutputs":[{"filepath":"x.mp4"}]}"#;
    let swapped = r#"{"fileOutputs":[{"filepath":"x.mp4"}],"roomComposite":{"roomName":"r"}}"#;
    let a = mint(&format!(
        r#"{{"identity":"u","roomConfig":{{"name":"r","egress":{egress}}}}}"#
    ));
    let b = mint(&format!(
        r#"{{"roomConfig":{{"egress":{egress},"name":"r"}},"identity":"u"}}"#
    ));
    let c = mint(&format!(
        r#"{{"identity":"u","roomConfig":{{"name":"r","egress":{swapped}}}}}"#
    ));
    assert_eq!(a, b, "the options' order changed the token");
    assert_ne!(a, c, "the egress text is kept as given");
}

/// fuzz/mint (a harness mistake, not the core's): a lifetime with digits beyond
/// what an f64 holds. The core reads a JSON number's text exactly and rounds a
/// lifetime up, so `13000.000…0002` is 13,001 s; the harness's order oracle
/// wrote the options back through serde_json, whose f64 made it `13000.0`, and
/// compared that token with the original's. The behaviour, pinned.
#[test]
fn ttl_digits_beyond_an_f64_are_read_exactly() {
    use livekit_tavus_edge::token::create_access_token;
    use livekit_tavus_edge::verify::{verify_access_token, VerifyOptions};

    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/mint/regress-ttl-digits-beyond-f64"
    ))
    .unwrap();
    let now = 1_800_000_000;
    let exp = |options: &[u8]| {
        let token = create_access_token("devkey", "secret", options, now)
            .unwrap()
            .token;
        let keys = |k: &str| (k == "devkey").then_some("secret");
        let claims = verify_access_token(&token, keys, VerifyOptions::at(now)).unwrap();
        let at = claims.json.find(r#""exp":"#).unwrap() + 6;
        let digits: String = claims.json[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse::<i64>().unwrap() - now
    };
    // The first byte is the fuzzer's clock; the rest is the options.
    assert_eq!(exp(&input[1..]), 13_001);
    assert_eq!(exp(br#"{"ttl":13000.0}"#), 13_000);
    assert_eq!(exp(br#"{"ttl":13000}"#), 13_000);
    assert_eq!(exp(br#"{"ttl":1.3e4}"#), 13_000);
    assert_eq!(exp(br#"{"ttl":12999.000000000000000000001}"#), 13_000);
}

/// fuzz/mint (a harness mistake, not the core's): the oracle refused every
/// empty string in the claims, but an attribute's value is the caller's data:
/// livekit-server-sdk's `AccessToken` keeps `{"x": ""}` as it is, and so does
/// the core. The behaviour, pinned.
#[test]
fn an_empty_attribute_value_is_kept() {
    use livekit_tavus_edge::token::create_access_token;

    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/corpus/mint/regress-empty-attribute-value"
    ))
    .unwrap();
    // The first byte is the fuzzer's clock; the rest is the options.
    let minted = create_access_token("devkey", "secret", &input[1..], 1_800_000_000).unwrap();
    assert!(minted.claims.contains(r#""lk.publion_behalf":"""#));
    assert!(minted.claims.contains(r#""b":"2""#));
    let minted = create_access_token(
        "devkey",
        "secret",
        br#"{"identity":"a","name":"","attributes":{"x":""}}"#,
        1_800_000_000,
    )
    .unwrap();
    assert!(minted.claims.contains(r#""attributes":{"x":""}"#));
    // A plain claim that is empty is still left out.
    assert!(!minted.claims.contains(r#""name""#));
}
