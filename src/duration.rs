//! Token lifetimes: a number of seconds or a duration string.
//!
//! Strings follow the grammar LiveKit's Node SDK accepts (through `jose`): a
//! number, optional spaces, and a unit: `"10m"`, `"1.5h"`, `"2 days"`,
//! `"90 seconds"`. Units are case-insensitive: `s sec secs second seconds`,
//! `m min mins minute minutes`, `h hr hrs hour hours`, `d day days`,
//! `w week weeks`, `y yr yrs year years` (365.25 days). A bare number in a
//! string (`"600"`) is refused: the Node SDK refuses it too, and the `ms`
//! package reads it as milliseconds, so it is ambiguous.
//!
//! A lifetime must be finite, greater than zero and at most
//! [`MAX_TTL_SECONDS`]; it is rounded up to whole seconds. Nothing is silently
//! replaced: `0` is an error, not the default.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::error::{Error, Result};

/// Default token lifetime: 6 hours, as in LiveKit's SDKs.
pub const DEFAULT_TTL_SECONDS: i64 = 6 * 60 * 60;
/// The longest lifetime accepted: 7 days.
pub const MAX_TTL_SECONDS: i64 = 7 * 24 * 60 * 60;

/// A token lifetime as a caller gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Ttl {
    /// A number of seconds.
    Seconds(f64),
    /// A duration string such as `"10m"`.
    Text(String),
}

impl From<i64> for Ttl {
    fn from(seconds: i64) -> Self {
        Ttl::Seconds(seconds as f64)
    }
}

impl From<&str> for Ttl {
    fn from(text: &str) -> Self {
        Ttl::Text(text.to_owned())
    }
}

impl<'de> Deserialize<'de> for Ttl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Ttl;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of seconds or a duration string such as \"10m\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Ttl, E> {
                Ok(Ttl::Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Ttl, E> {
                Ok(Ttl::Seconds(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Ttl, E> {
                Ok(Ttl::Seconds(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Ttl, E> {
                Ok(Ttl::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Ttl, E> {
                Ok(Ttl::Text(v))
            }
        }
        d.deserialize_any(V)
    }
}

fn unit_seconds(unit: &str) -> Option<u128> {
    const UNITS: [(&[&str], u128); 6] = [
        (&["s", "sec", "secs", "second", "seconds"], 1),
        (&["m", "min", "mins", "minute", "minutes"], 60),
        (&["h", "hr", "hrs", "hour", "hours"], 3600),
        (&["d", "day", "days"], 86_400),
        (&["w", "week", "weeks"], 604_800),
        (&["y", "yr", "yrs", "year", "years"], 31_557_600),
    ];
    UNITS
        .iter()
        .find(|(names, _)| names.iter().any(|n| n.eq_ignore_ascii_case(unit)))
        .map(|&(_, s)| s)
}

fn shown(text: &str) -> String {
    let mut end = text.len().min(32);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let ellipsis = if end < text.len() { "…" } else { "" };
    format!("{:?}{ellipsis}", &text[..end])
}

fn too_long() -> Error {
    Error::InvalidTtl(format!(
        "longer than the maximum of {MAX_TTL_SECONDS} seconds (7 days)"
    ))
}

fn not_positive() -> Error {
    Error::InvalidTtl("must be greater than zero".into())
}

/// Parses a duration string into whole seconds, rounded up, and checks it
/// (greater than zero, at most [`MAX_TTL_SECONDS`]). The arithmetic is exact:
/// `"0.1h"` is 360 seconds, not 361.
///
/// ```
/// use livekit_tavus_edge::duration::parse_duration;
/// assert_eq!(parse_duration("10m").unwrap(), 600);
/// assert_eq!(parse_duration("1.5h").unwrap(), 5400);
/// assert_eq!(parse_duration("2 days").unwrap(), 172_800);
/// assert_eq!(parse_duration("0.1h").unwrap(), 360);
/// assert!(parse_duration("600").is_err());
/// assert!(parse_duration("-5m").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<i64> {
    let bad = |why: &str| Error::InvalidTtl(format!("{} {why}", shown(text)));
    let s = text.trim();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, s[1..].trim_start()),
        Some(b'+') => (false, s[1..].trim_start()),
        _ => (false, s),
    };
    let number_len = s
        .bytes()
        .position(|b| !(b.is_ascii_digit() || b == b'.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(number_len);
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    let well_formed = if number.contains('.') {
        !frac.is_empty() && !frac.contains('.')
    } else {
        !int.is_empty()
    };
    if !well_formed {
        return Err(bad(
            "is not a duration: expected a number and a unit, e.g. \"10m\"",
        ));
    }
    let unit = unit.trim_start();
    if unit.is_empty() {
        return Err(bad(
            "has no unit: write seconds as a number, or add a unit such as \"s\" or \"m\"",
        ));
    }
    let Some(scale) = unit_seconds(unit) else {
        return Err(bad("has an unknown unit (use s, m, h, d, w or y)"));
    };
    // Exact decimal arithmetic: value = digits / 10^k, in whole seconds rounded up.
    let int = int.trim_start_matches('0');
    if int.len() > 15 {
        return Err(too_long());
    }
    let kept = &frac[..frac.len().min(18)];
    let sticky = frac[kept.len()..].bytes().any(|b| b != b'0');
    let digits = int
        .bytes()
        .chain(kept.bytes())
        .fold(0u128, |n, b| n * 10 + u128::from(b - b'0'));
    // Up to 33 digits times a year's seconds exceeds u128 (found by fuzz/duration):
    // such a product is far beyond the maximum anyway.
    let total = digits.checked_mul(scale).ok_or_else(too_long)?;
    let denominator = 10u128.pow(kept.len() as u32);
    let mut seconds = total / denominator;
    if total % denominator != 0 || sticky {
        seconds += 1;
    }
    if seconds == 0 || negative {
        return Err(not_positive());
    }
    if seconds > MAX_TTL_SECONDS as u128 {
        return Err(too_long());
    }
    Ok(seconds as i64)
}

/// Checks a lifetime in seconds and rounds it up to whole seconds.
pub fn check_seconds(seconds: f64) -> Result<i64> {
    if !seconds.is_finite() {
        return Err(Error::InvalidTtl("not a finite number".into()));
    }
    if seconds <= 0.0 {
        return Err(not_positive());
    }
    if seconds > MAX_TTL_SECONDS as f64 {
        return Err(too_long());
    }
    Ok(seconds.ceil() as i64)
}

/// The lifetime in whole seconds: [`DEFAULT_TTL_SECONDS`] when `None`.
///
/// ```
/// use livekit_tavus_edge::duration::{ttl_seconds, Ttl};
/// assert_eq!(ttl_seconds(None).unwrap(), 6 * 3600);
/// assert_eq!(ttl_seconds(Some(&Ttl::from("10m"))).unwrap(), 600);
/// assert_eq!(ttl_seconds(Some(&Ttl::Seconds(90.5))).unwrap(), 91);
/// assert_eq!(ttl_seconds(Some(&Ttl::from(0))).unwrap_err().code(), "ERR_INVALID_TTL");
/// ```
pub fn ttl_seconds(ttl: Option<&Ttl>) -> Result<i64> {
    match ttl {
        None => Ok(DEFAULT_TTL_SECONDS),
        Some(Ttl::Seconds(s)) => check_seconds(*s),
        Some(Ttl::Text(t)) => parse_duration(t),
    }
}
