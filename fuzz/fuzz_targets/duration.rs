//! Token lifetimes (`duration::parse_duration`, `duration::ttl_seconds`,
//! `duration::number_seconds` for lifetimes given as JSON numbers).
//!
//! Input: any bytes, read as a duration string, as a JSON `ttl` value, and
//! (first eight bytes) as an `f64` number of seconds. Oracles: an accepted
//! lifetime is a whole number of seconds from 1 to 7 days (the ceiling of the
//! number given); units are case-insensitive; `n min` is `60 × n s` for whole
//! numbers and within one minute of it otherwise; an error is
//! `ERR_INVALID_TTL` and quotes at most a short prefix of the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use livekit_tavus_edge::duration::{
    number_seconds, parse_duration, ttl_seconds, Ttl, MAX_TTL_SECONDS,
};
use livekit_tavus_edge::Result;

fn check(result: Result<i64>) -> Option<i64> {
    match result {
        Ok(s) => {
            assert!((1..=MAX_TTL_SECONDS).contains(&s), "accepted lifetime {s}");
            Some(s)
        }
        Err(e) => {
            assert_eq!(e.code(), "ERR_INVALID_TTL");
            // The message quotes at most 32 bytes of the input (escaped), never all of it.
            assert!(e.to_string().len() < 400, "error message echoes the input");
            None
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = check(parse_duration(&text));
    assert_eq!(
        check(ttl_seconds(Some(&Ttl::Text(text.clone().into_owned())))),
        parsed
    );
    let upper = check(parse_duration(&text.to_ascii_uppercase()));
    assert_eq!(parsed, upper, "units are case-sensitive");

    // The number part alone, with two units.
    let number: String = text
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .take(40)
        .collect();
    let s = check(parse_duration(&format!("{number}s")));
    let m = check(parse_duration(&format!("{number} min")));
    match (s, m) {
        (Some(s), Some(m)) if !number.contains('.') => assert_eq!(m, s * 60),
        (Some(s), Some(m)) => assert!(m <= s * 60 && m > (s - 1) * 60, "{number}: {s}s, {m}min"),
        (Some(s), None) => assert!(s * 60 > MAX_TTL_SECONDS - 60, "{number}: minutes refused"),
        (None, Some(m)) => panic!("{number}: {m} min accepted, seconds refused"),
        (None, None) => {}
    }

    if data.len() >= 8 {
        let f = f64::from_le_bytes(data[..8].try_into().unwrap());
        if let Some(s) = check(ttl_seconds(Some(&Ttl::Seconds(f)))) {
            assert!(f.is_finite() && f > 0.0);
            assert_eq!(s, f.ceil() as i64, "seconds not rounded up");
        }
    }
    // A JSON number's text: the exact ceiling, within one second of the float's.
    if let Ok(n) = serde_json::from_slice::<serde_json::Number>(data) {
        let text = std::str::from_utf8(data).unwrap().trim();
        let exact = check(number_seconds(text));
        if let (Some(s), Some(f)) = (exact, n.as_f64()) {
            assert!(
                (s as f64 - f.ceil()).abs() <= 1.0,
                "{text}: {s} against {f}"
            );
        }
    }
});
