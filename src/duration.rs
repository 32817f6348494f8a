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

fn unit_seconds(unit: &str) -> Option<u64> {
    const UNITS: [(&[&str], u64); 6] = [
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
    let mut shown = String::new();
    crate::json::push_str(&mut shown, &text[..end]);
    shown.push_str(ellipsis);
    shown
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
    exact(negative, int, frac, 0, scale)
}

/// Whole seconds, rounded up, of `±int.frac × 10^exp × scale`, checked
/// (greater than zero, at most [`MAX_TTL_SECONDS`]). The arithmetic is exact
/// for any number of digits: the decimal digits are multiplied by `scale` as
/// they are, then split at the decimal point.
fn exact(negative: bool, int: &str, frac: &str, exp: i64, scale: u64) -> Result<i64> {
    let int = int.trim_start_matches('0');
    let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    // digits × scale, most significant digit first.
    let mut product = vec![0u8; digits.len() + 20];
    let mut carry = 0u64;
    let mut at = product.len();
    for &d in digits.iter().rev() {
        let n = u64::from(d) * scale + carry;
        at -= 1;
        product[at] = (n % 10) as u8;
        carry = n / 10;
    }
    while at > 0 {
        at -= 1;
        product[at] = (carry % 10) as u8;
        carry /= 10;
    }
    // The decimal point sits `frac.len() - exp` digits from the right.
    let right = frac.len() as i64 - exp;
    let whole_len = (product.len() as i64 - right).max(0);
    let (whole, fraction): (&[u8], &[u8]) = if whole_len as usize >= product.len() {
        (&product, &[])
    } else {
        product.split_at(whole_len as usize)
    };
    let zeros_after = if whole_len as usize > product.len() {
        whole_len as usize - product.len()
    } else {
        0
    };
    let whole_digits = whole.iter().skip_while(|&&d| d == 0).count() + zeros_after;
    let nonzero = whole.iter().any(|&d| d != 0);
    if nonzero && whole_digits > 7 {
        return Err(too_long());
    }
    let mut seconds = whole.iter().fold(0u64, |n, &d| n * 10 + u64::from(d));
    if nonzero {
        seconds *= 10u64.pow(zeros_after as u32);
    }
    if fraction.iter().any(|&d| d != 0) {
        seconds += 1;
    }
    if seconds == 0 || negative {
        return Err(not_positive());
    }
    if seconds > MAX_TTL_SECONDS as u64 {
        return Err(too_long());
    }
    Ok(seconds as i64)
}

/// A lifetime given as a JSON number's text (`90.25`, `6e2`), in whole seconds
/// rounded up exactly, checked.
///
/// ```
/// use livekit_tavus_edge::duration::number_seconds;
/// assert_eq!(number_seconds("90.25").unwrap(), 91);
/// assert_eq!(number_seconds("6e2").unwrap(), 600);
/// assert_eq!(number_seconds("1e-7").unwrap(), 1);
/// assert!(number_seconds("0").is_err() && number_seconds("-1").is_err());
/// assert!(number_seconds("604801").is_err());
/// ```
pub fn number_seconds(text: &str) -> Result<i64> {
    // The usual lifetime, a plain positive integer within the limit, needs no
    // big arithmetic (the exact path below gives the same for these: tested).
    let b = text.as_bytes();
    if (1..=6).contains(&b.len()) && b[0] != b'0' && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0'));
        if n <= MAX_TTL_SECONDS {
            return Ok(n);
        }
    }
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, "0"),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let e = exponent.strip_prefix('+').unwrap_or(exponent);
    let e_abs = e.trim_start_matches('-').bytes().fold(0i64, |n, b| {
        (n * 10 + i64::from(b.wrapping_sub(b'0'))).min(1000)
    });
    let exp = if e.starts_with('-') { -e_abs } else { e_abs };
    let well_formed =
        !int.is_empty() && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit());
    if !well_formed {
        return Err(Error::InvalidTtl("not a number".into()));
    }
    exact(negative, int, frac, exp, 1)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_integers_take_the_short_path_to_the_same_answer() {
        let samples = (1..=MAX_TTL_SECONDS + 2).step_by(997);
        for n in samples.chain([1, 9, 10, 99_999, 604_800, 604_801, 999_999]) {
            let text = n.to_string();
            let long = exact(false, &text, "", 0, 1).map_err(|e| e.code());
            assert_eq!(number_seconds(&text).map_err(|e| e.code()), long, "{n}");
        }
    }
}
