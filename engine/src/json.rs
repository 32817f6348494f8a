//! One schema engine for every JSON shape the core reads or writes.
//!
//! Each shape (token claims and options, grants, webhook events, settings,
//! scenarios, request bodies, …) is a [`Schema`]: a table of fields with their
//! wire name and [`Ty`]. The same table
//!
//! - reads JSON ([`read`]) in one pass of its own small parser (RFC 8259,
//!   nesting at most 128 deep), strictly (an unknown field is an error naming
//!   its path, e.g. `video.canpublish`) or leniently (unknown fields skipped, as
//!   LiveKit's server does), refusing a field given twice and checking every
//!   known field's type;
//! - writes JSON ([`write`]) in the table's order, with map keys sorted, so the
//!   bytes of a token are the same whatever order the caller used;
//! - describes the package's TypeScript types (`js/src/generated.ts`, written
//!   by the `typescript` test module from these tables).
//!
//! A table is code-free data, so adding a type costs a few hundred bytes of
//! wasm instead of a serde derive per type and format, and one parser serves
//! every input: no `serde`, no `serde_json` and no float formatting in the wasm.
//! Numbers keep their JSON text; only integers are converted.

use std::borrow::Cow;
use std::fmt;

/// The largest time claim accepted: JavaScript's `Number.MAX_SAFE_INTEGER`.
pub const MAX_TIME: i64 = (1 << 53) - 1;

/// The type of a field.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// `true` or `false`.
    Bool,
    /// A string.
    Str,
    /// A JWT time claim: a JSON integer from 0 to 2^53−1 (a float, a string or
    /// `null` is an error, never a skipped check).
    Time,
    /// A JWT NumericDate: any finite JSON number (fractions allowed).
    Num,
    /// A JSON integer (`i64`), written as a number.
    Int,
    /// A protobuf `uint32`: a number or a decimal string; written as a number.
    U32,
    /// A protobuf `int32`: a number or a decimal string; written as a number.
    I32,
    /// A protobuf `int64`: a number or a decimal string; written as a decimal
    /// string (exact in JavaScript).
    Int64,
    /// A protobuf enum: its name (a string) or its number; written as given.
    Enum,
    /// A string from a closed list (the list is the TypeScript union; the
    /// reader takes any string, the rules check membership where they apply).
    OneOf(&'static [&'static str]),
    /// A list of strings.
    Strs,
    /// A string or a list of strings (read as a list): a JWT `aud`.
    Aud,
    /// A list of strings from a closed list (the TypeScript union's array).
    OneOfs(&'static [&'static str]),
    /// A list of protobuf enums.
    Enums,
    /// A map of strings to strings; written with its keys sorted.
    StrMap,
    /// An object of a schema.
    Obj(&'static Schema),
    /// A list of objects of a schema.
    Objs(&'static Schema),
    /// Any JSON object, kept as given (its exact text).
    Raw,
    /// Any JSON value, kept as given (its exact text).
    Any,
    /// A lifetime: a number of seconds or a duration string.
    Ttl,
}

/// One field of a schema.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The camelCase (or wire) name.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// [`PROTO`], [`TRI`], [`CLAIM`], [`OPTION`], [`ALWAYS`], [`NULLABLE`], [`OPEN`].
    pub flags: u8,
}

/// Also accepted under its protobuf snake_case name (`emptyTimeout` ↔ `empty_timeout`).
pub const PROTO: u8 = 1;
/// A tri-state flag: `false` differs from absent and is kept when minting.
pub const TRI: u8 = 2;
/// Only in verified claims, not a minting option (`iss`, `nbf`, `exp`, …).
pub const CLAIM: u8 = 4;
/// Only a minting option, never a claim (`identity`, `ttl`, …).
pub const OPTION: u8 = 8;
/// Always present in what the core writes (required in the TypeScript type).
pub const ALWAYS: u8 = 16;
/// A closed list ([`Ty::OneOf`]) that newer values may extend: in the
/// TypeScript type, any other string too.
pub const OPEN: u8 = 64;
/// `null` is a value of its own (read as [`Val::Null`], written, and `| null`
/// in the TypeScript type); elsewhere `null` reads as an absent field.
pub const NULLABLE: u8 = 32;

/// A JSON object's shape.
#[derive(Debug)]
pub struct Schema {
    /// The TypeScript interface name (test builds only).
    #[cfg(any(test, feature = "schema-docs"))]
    pub ts: &'static str,
    /// The fields, in writing order.
    pub fields: &'static [Field],
    /// The interface's documentation (test builds only: it never reaches the wasm).
    #[cfg(any(test, feature = "schema-docs"))]
    pub doc: &'static str,
    /// Each field's documentation, in the same order.
    #[cfg(any(test, feature = "schema-docs"))]
    pub docs: &'static [&'static str],
}

/// Declares a [`Schema`] constant and an enum of its field indices, from one list:
///
/// ```ignore
/// schema! {
///     /// The `sip` grant.
///     pub SIP_GRANT("SipGrant"): Sip {
///         /// May manage SIP trunks.
///         Admin "admin": Bool;
///     }
/// }
/// ```
#[macro_export]
macro_rules! schema {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $name:ident($ts:literal): $idx:ident {
            $( $(#[doc = $fdoc:literal])* $var:ident $fname:literal: $ty:expr $(, $flags:expr)?; )*
        }
    ) => {
        $(#[doc = $doc])*
        $vis const $name: &$crate::json::Schema = &$crate::__schema_table!(
            $ts,
            &[$($crate::json::Field { name: $fname, ty: $ty, flags: 0 $(| $flags)? }),*],
            concat!($($doc, "\n"),*),
            &[$(concat!($($fdoc, "\n"),*)),*]
        );
        #[doc = concat!("Field indices of [`", stringify!($name), "`].")]
        #[allow(dead_code, missing_docs)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[repr(u8)]
        $vis enum $idx { $($var),* }
        impl From<$idx> for u8 {
            fn from(i: $idx) -> u8 {
                i as u8
            }
        }
    };
}
pub use crate::schema;

/// A [`Schema`] value with or without its documentation, as this crate was
/// built (decided here, not where [`schema!`] is used).
#[cfg(any(test, feature = "schema-docs"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __schema_table {
    ($ts:expr, $fields:expr, $doc:expr, $docs:expr) => {
        $crate::json::Schema {
            ts: $ts,
            fields: $fields,
            doc: $doc,
            docs: $docs,
        }
    };
}

/// A [`Schema`] value with or without its documentation, as this crate was
/// built (decided here, not where [`schema!`] is used).
#[cfg(not(any(test, feature = "schema-docs")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __schema_table {
    ($ts:expr, $fields:expr, $doc:expr, $docs:expr) => {
        $crate::json::Schema { fields: $fields }
    };
}

/// A value read against a schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    /// `true`/`false`.
    Bool(bool),
    /// An integer (times, protobuf numbers, enum numbers).
    Int(i64),
    /// A finite number, as its JSON text (NumericDates, lifetimes in seconds).
    Num(Cow<'a, str>),
    /// A string (borrowed from the input when it had no escapes).
    Str(Cow<'a, str>),
    /// A list.
    List(Vec<Val<'a>>),
    /// A string map, in input order (a repeated key keeps its last value).
    Map(Vec<(Cow<'a, str>, Cow<'a, str>)>),
    /// An object.
    Obj(Obj<'a>),
    /// A JSON value kept as given: its exact text.
    Raw(Cow<'a, str>),
    /// `null`, for a [`NULLABLE`] field (elsewhere `null` reads as absent).
    Null,
}

/// The fields of an object that were present (not `null`), sorted by index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Obj<'a> {
    /// `(field index, value)`, sorted by index.
    pub fields: Vec<(u8, Val<'a>)>,
}

impl<'a> Obj<'a> {
    /// The value of a field.
    pub fn get(&self, i: impl Into<u8>) -> Option<&Val<'a>> {
        let i = i.into();
        self.fields.iter().find(|f| f.0 == i).map(|f| &f.1)
    }

    /// The value of a field, mutably.
    pub fn get_mut(&mut self, i: impl Into<u8>) -> Option<&mut Val<'a>> {
        let i = i.into();
        self.fields.iter_mut().find(|f| f.0 == i).map(|f| &mut f.1)
    }

    /// A string field.
    pub fn str(&self, i: impl Into<u8>) -> Option<&str> {
        match self.get(i) {
            Some(Val::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// A boolean field.
    pub fn bool(&self, i: impl Into<u8>) -> Option<bool> {
        match self.get(i) {
            Some(Val::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// An integer field.
    pub fn int(&self, i: impl Into<u8>) -> Option<i64> {
        match self.get(i) {
            Some(Val::Int(n)) => Some(*n),
            _ => None,
        }
    }

    /// A number field's JSON text.
    pub fn num(&self, i: impl Into<u8>) -> Option<&str> {
        match self.get(i) {
            Some(Val::Num(n)) => Some(n),
            _ => None,
        }
    }

    /// An object field.
    pub fn obj(&self, i: impl Into<u8>) -> Option<&Obj<'a>> {
        match self.get(i) {
            Some(Val::Obj(o)) => Some(o),
            _ => None,
        }
    }

    /// A string-map field.
    pub fn map(&self, i: impl Into<u8>) -> Option<&[(Cow<'a, str>, Cow<'a, str>)]> {
        match self.get(i) {
            Some(Val::Map(m)) => Some(m),
            _ => None,
        }
    }

    /// A list field.
    pub fn list(&self, i: impl Into<u8>) -> Option<&[Val<'a>]> {
        match self.get(i) {
            Some(Val::List(l)) => Some(l),
            _ => None,
        }
    }

    /// A raw field's JSON text.
    pub fn raw(&self, i: impl Into<u8>) -> Option<&str> {
        match self.get(i) {
            Some(Val::Raw(r)) => Some(r),
            _ => None,
        }
    }

    /// Sets a field, replacing its value if present.
    pub fn set(&mut self, i: impl Into<u8>, v: Val<'a>) {
        let i = i.into();
        match self.fields.binary_search_by_key(&i, |f| f.0) {
            Ok(at) => self.fields[at].1 = v,
            Err(at) => self.fields.insert(at, (i, v)),
        }
    }

    /// Removes a field and returns its value.
    pub fn take(&mut self, i: impl Into<u8>) -> Option<Val<'a>> {
        let i = i.into();
        let at = self.fields.iter().position(|f| f.0 == i)?;
        Some(self.fields.remove(at).1)
    }

    /// Sets a string field.
    pub fn set_str(&mut self, i: impl Into<u8>, s: impl Into<Cow<'a, str>>) {
        self.set(i, Val::Str(s.into()));
    }
}

/// How [`read`] treats fields it does not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Unknown fields (and [`CLAIM`] fields) are errors: minting options, inputs.
    Strict,
    /// Unknown fields (and [`OPTION`] fields) are skipped: claims, events.
    Lenient,
}

/// Why [`read`] refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// Where: `video.canPublish`, `roomConfig.agents[0].agentName` (empty at the top).
    pub path: String,
    /// What is wrong.
    pub kind: ReadErrorKind,
}

/// The kinds of [`ReadError`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadErrorKind {
    /// Not JSON, or not one JSON value (what went wrong, never the content).
    Syntax(&'static str),
    /// A field the schema does not have (strict reading only).
    Unknown,
    /// A field given twice (also under its camelCase and protobuf names).
    Twice,
    /// A known field of the wrong type or out of range: what was expected.
    Type(&'static str),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = &self.path;
        match &self.kind {
            ReadErrorKind::Syntax(why) if path.is_empty() => f.write_str(why),
            ReadErrorKind::Syntax(why) => write!(f, "`{path}`: {why}"),
            ReadErrorKind::Unknown => write!(f, "`{path}` is not a known field"),
            ReadErrorKind::Twice => write!(f, "`{path}` is given twice"),
            ReadErrorKind::Type(want) if path.is_empty() => write!(f, "expected {want}"),
            ReadErrorKind::Type(want) => write!(f, "`{path}`: expected {want}"),
        }
    }
}

impl ReadError {
    /// Whether the input was not JSON at all (as opposed to JSON of the wrong shape).
    pub fn is_syntax(&self) -> bool {
        matches!(self.kind, ReadErrorKind::Syntax(_))
    }
}

/// What a type accepts, for error messages.
fn expected(ty: Ty) -> &'static str {
    match ty {
        Ty::Bool => "a boolean",
        Ty::Str | Ty::OneOf(_) => "a string",
        Ty::Time => "an integer number of seconds from 0 to 2^53-1",
        Ty::Int => "an integer",
        Ty::Num => "a number",
        Ty::U32 => "a uint32 (number or decimal string)",
        Ty::I32 => "an int32 (number or decimal string)",
        Ty::Int64 => "an int64 (number or decimal string)",
        Ty::Enum => "an enum name or number",
        Ty::Strs | Ty::OneOfs(_) => "a list of strings",
        Ty::Aud => "a string or a list of strings",
        Ty::Enums => "a list of enum names or numbers",
        Ty::StrMap => "a map of strings",
        Ty::Obj(_) | Ty::Raw => "an object",
        Ty::Objs(_) => "a list of objects",
        Ty::Any => "a value",
        Ty::Ttl => "a number of seconds or a duration string such as \"10m\"",
    }
}

fn range(ty: Ty) -> (i128, i128) {
    match ty {
        Ty::U32 => (0, u32::MAX as i128),
        Ty::I32 | Ty::Enum => (i32::MIN as i128, i32::MAX as i128),
        Ty::Time => (0, MAX_TIME as i128),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}

/// A decimal integer as protobuf-JSON writes one (optional `-`, at most 20 digits).
fn decimal(s: &str) -> Option<i128> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Up to 19 digits fit a u64 (no 128-bit multiplication in the common case).
    let split = digits.len().saturating_sub(19);
    let mut low = 0u64;
    for &b in &digits.as_bytes()[split..] {
        low = low * 10 + u64::from(b - b'0');
    }
    let n = if split == 0 {
        i128::from(low)
    } else {
        i128::from(digits.as_bytes()[0] - b'0') * 10_000_000_000_000_000_000 + i128::from(low)
    };
    Some(if s.starts_with('-') { -n } else { n })
}

/// Whether a JSON number's text has a fraction or an exponent.
fn fractional(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// A JSON number's value, to about 17 significant digits (infinite when out of range).
pub fn approx(text: &str) -> f64 {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let mut m: u64 = 0;
    let mut exp10: i64 = 0;
    let mut digits = 0;
    let mut after_dot = false;
    for b in mantissa.bytes() {
        if b == b'.' {
            after_dot = true;
            continue;
        }
        if digits < 19 {
            if m > 0 || b != b'0' {
                digits += 1;
            }
            m = m * 10 + u64::from(b - b'0');
            if after_dot {
                exp10 -= 1;
            }
        } else if !after_dot {
            exp10 += 1;
        }
    }
    let e = exponent.strip_prefix('+').unwrap_or(exponent);
    let e_neg = e.starts_with('-');
    let e_abs = e
        .trim_start_matches('-')
        .bytes()
        .fold(0i64, |n, b| (n * 10 + i64::from(b - b'0')).min(100_000));
    exp10 += if e_neg { -e_abs } else { e_abs };
    let exp10 = exp10.clamp(-100_000, 100_000) as i32;
    let v = if m == 0 {
        0.0
    } else if exp10 < -300 {
        // Keep the mantissa's precision away from the subnormal range.
        (m as f64) * 10f64.powi(-300) * 10f64.powi(exp10 + 300)
    } else {
        (m as f64) * 10f64.powi(exp10)
    };
    if negative {
        -v
    } else {
        v
    }
}

/// The value of a JSON number's text when it is a whole number within `i128`.
fn whole(text: &str) -> Option<i128> {
    if !fractional(text) {
        return decimal(text);
    }
    let f = approx(text);
    (f.fract() == 0.0 && f.abs() < 9.3e18).then_some(f as i128)
}

/// The recursion limit of the parser.
const MAX_DEPTH: u32 = 128;

type R<T> = Result<T, ReadErrorKind>;

struct Parser<'a> {
    s: &'a str,
    i: usize,
    depth: u32,
    strict: bool,
    path: String,
    canonical: bool,
}

fn syntax<T>(why: &'static str) -> R<T> {
    Err(ReadErrorKind::Syntax(why))
}

impl<'a> Parser<'a> {
    fn new(s: &'a str, strict: bool) -> Self {
        Parser {
            s,
            i: 0,
            depth: 0,
            strict,
            path: String::new(),
            canonical: true,
        }
    }

    /// The next byte that is not whitespace (JSON's whitespace is all below `!`).
    #[inline(always)]
    fn peek(&mut self) -> Option<u8> {
        match self.s.as_bytes().get(self.i) {
            Some(&c) if c > b' ' => Some(c),
            _ => self.peek_slow(),
        }
    }

    fn peek_slow(&mut self) -> Option<u8> {
        let b = self.s.as_bytes();
        while let Some(&c) = b.get(self.i) {
            if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                self.i += 1;
            } else {
                return Some(c);
            }
        }
        None
    }

    fn expect(&mut self, c: u8, why: &'static str) -> R<()> {
        match self.peek() {
            Some(x) if x == c => {
                self.i += 1;
                Ok(())
            }
            None => syntax("EOF while parsing"),
            _ => syntax(why),
        }
    }

    fn end(&mut self) -> R<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => syntax("trailing characters"),
        }
    }

    fn word(&mut self, w: &'static str) -> R<()> {
        if self.s.as_bytes()[self.i..].starts_with(w.as_bytes()) {
            self.i += w.len();
            Ok(())
        } else {
            syntax("expected value")
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .ok_or(ReadErrorKind::Syntax("EOF while parsing"))?;
        let n = u32::from_str_radix(h, 16).map_err(|_| ReadErrorKind::Syntax("invalid escape"))?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return syntax("invalid escape");
        }
        self.i += 4;
        Ok(n)
    }

    /// A string, at its opening quote.
    fn string(&mut self) -> R<Cow<'a, str>> {
        let b = self.s.as_bytes();
        self.i += 1;
        let start = self.i;
        // The usual string: no escape, no control character, borrowed.
        let mut i = start;
        while i < b.len() && !ESCAPE[b[i] as usize] {
            i += 1;
        }
        if i < b.len() && b[i] == b'"' {
            self.i = i + 1;
            // SAFETY: `start` follows a quote and `i` is at one: both are
            // character boundaries of the `str`.
            return Ok(Cow::Borrowed(unsafe { self.s.get_unchecked(start..i) }));
        }
        self.i = i;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let Some(&c) = b.get(self.i) else {
                return syntax("EOF while parsing a string");
            };
            match c {
                b'"' => {
                    let s = &self.s[run..self.i];
                    self.i += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(s),
                        Some(mut o) => {
                            o.push_str(s);
                            Cow::Owned(o)
                        }
                    });
                }
                b'\\' => {
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(&self.s[run..self.i]);
                    self.i += 1;
                    let Some(&e) = b.get(self.i) else {
                        return syntax("EOF while parsing a string");
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                if !self.s.as_bytes()[self.i..].starts_with(b"\\u") {
                                    return syntax("lone leading surrogate in hex escape");
                                }
                                self.i += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return syntax("lone leading surrogate in hex escape");
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else if (0xDC00..0xE000).contains(&hi) {
                                return syntax("lone trailing surrogate in hex escape");
                            } else {
                                hi
                            };
                            char::from_u32(code).ok_or(ReadErrorKind::Syntax("invalid escape"))?
                        }
                        _ => return syntax("invalid escape"),
                    };
                    o.push(ch);
                    run = self.i;
                }
                0..=0x1f => {
                    return syntax(
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    )
                }
                _ => self.i += 1,
            }
        }
    }

    /// A number's text (checked against the JSON grammar).
    fn number(&mut self) -> R<&'a str> {
        let b = self.s.as_bytes();
        let start = self.i;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - from
        };
        let mut i = self.i;
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return syntax("invalid number"),
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                return syntax("invalid number");
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return syntax("invalid number");
            }
        }
        self.i = i;
        let text = &self.s[start..i];
        // Only an exponent or hundreds of digits reach infinity.
        if (text.len() > 300 || fractional(text)) && approx(text).is_infinite() {
            return syntax("number out of range");
        }
        Ok(text)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return syntax("recursion limit exceeded");
        }
        self.i += 1;
        Ok(())
    }

    /// Any value, checked and skipped; returns its text.
    fn skip(&mut self) -> R<&'a str> {
        let start = match self.peek() {
            Some(_) => self.i,
            None => return syntax("EOF while parsing a value"),
        };
        match self.s.as_bytes()[start] {
            b'"' => {
                self.string()?;
            }
            b't' => self.word("true")?,
            b'f' => self.word("false")?,
            b'n' => self.word("null")?,
            b'-' | b'0'..=b'9' => {
                self.number()?;
            }
            b'[' => {
                self.enter()?;
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        self.skip()?;
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            None => return syntax("EOF while parsing a list"),
                            _ => return syntax("expected `,` or `]`"),
                        }
                    }
                }
                self.depth -= 1;
            }
            b'{' => {
                self.enter()?;
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.key()?;
                        self.skip()?;
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            None => return syntax("EOF while parsing an object"),
                            _ => return syntax("expected `,` or `}`"),
                        }
                    }
                }
                self.depth -= 1;
            }
            _ => return syntax("expected value"),
        }
        Ok(&self.s[start..self.i])
    }

    /// An object key and its colon.
    fn key(&mut self) -> R<Cow<'a, str>> {
        match self.peek() {
            Some(b'"') => {}
            None => return syntax("EOF while parsing an object"),
            _ => return syntax("key must be a string"),
        }
        let k = self.string()?;
        self.expect(b':', "expected `:`")?;
        Ok(k)
    }

    /// Puts `seg` (a key, or an index as `[i]`) in front of the path of an
    /// error raised inside it: the path is built only when something failed.
    fn outer(&mut self, seg: &str) {
        let inner = std::mem::take(&mut self.path);
        self.path.push_str(seg);
        if !inner.is_empty() && !inner.starts_with('[') {
            self.path.push('.');
        }
        self.path.push_str(&inner);
    }

    fn outer_index(&mut self, i: usize) {
        let mut seg = String::from("[");
        push_int(&mut seg, i as i64);
        seg.push(']');
        self.outer(&seg);
    }

    fn ty_err<T>(&self, ty: Ty) -> R<T> {
        Err(ReadErrorKind::Type(expected(ty)))
    }

    fn int(&self, ty: Ty, n: Option<i128>) -> R<Option<Val<'a>>> {
        let (lo, hi) = range(ty);
        match n {
            Some(n) if (lo..=hi).contains(&n) => Ok(Some(Val::Int(n as i64))),
            _ => self.ty_err(ty),
        }
    }

    /// A value of type `ty`; `None` for `null` (unless `nullable`).
    fn value(&mut self, ty: Ty, nullable: bool) -> R<Option<Val<'a>>> {
        let Some(c) = self.peek() else {
            return syntax("EOF while parsing a value");
        };
        match (ty, c) {
            (_, b'n') => {
                self.word("null")?;
                match ty {
                    Ty::Time => self.ty_err(ty),
                    _ if nullable => Ok(Some(Val::Null)),
                    _ => {
                        self.canonical = false;
                        Ok(None)
                    }
                }
            }
            (Ty::Any, _) | (Ty::Raw, b'{') => Ok(Some(Val::Raw(Cow::Borrowed(self.skip()?)))),
            (_, b'"') => {
                let s = self.string()?;
                match ty {
                    Ty::Str | Ty::Enum | Ty::OneOf(_) | Ty::Ttl => Ok(Some(Val::Str(s))),
                    Ty::Aud => {
                        self.canonical = false;
                        Ok(Some(Val::List(vec![Val::Str(s)])))
                    }
                    // Written back as a string: canonical when it is the number's own digits.
                    Ty::Int64 => {
                        let digits = s.strip_prefix('-').unwrap_or(&s);
                        if digits.starts_with('0') && (digits.len() > 1 || s.starts_with('-')) {
                            self.canonical = false;
                        }
                        self.int(ty, decimal(&s))
                    }
                    Ty::U32 | Ty::I32 => {
                        self.canonical = false;
                        self.int(ty, decimal(&s))
                    }
                    _ => self.ty_err(ty),
                }
            }
            (_, b'-' | b'0'..=b'9') => {
                let text = self.number()?;
                match ty {
                    // A JWT time is a non-negative JSON integer: `-0` is a float to JSON parsers.
                    Ty::Time if !text.starts_with('-') && !fractional(text) => {
                        self.int(ty, decimal(text))
                    }
                    Ty::Int if !fractional(text) => self.int(ty, decimal(text)),
                    Ty::U32 | Ty::I32 | Ty::Int64 | Ty::Enum => {
                        // An int64 is written as a string; a fraction as a whole number.
                        if matches!(ty, Ty::Int64) || fractional(text) {
                            self.canonical = false;
                        }
                        self.int(ty, whole(text))
                    }
                    Ty::Num | Ty::Ttl => Ok(Some(Val::Num(Cow::Borrowed(text)))),
                    _ => self.ty_err(ty),
                }
            }
            (Ty::Bool, b't') => {
                self.word("true")?;
                Ok(Some(Val::Bool(true)))
            }
            (Ty::Bool, b'f') => {
                self.word("false")?;
                Ok(Some(Val::Bool(false)))
            }
            (Ty::Strs | Ty::OneOfs(_) | Ty::Aud | Ty::Enums | Ty::Objs(_), b'[') => {
                let item = match ty {
                    Ty::Enums => Ty::Enum,
                    Ty::Objs(s) => Ty::Obj(s),
                    _ => Ty::Str,
                };
                self.list(ty, item).map(Some)
            }
            (Ty::StrMap, b'{') => self.map().map(Some),
            (Ty::Obj(schema), b'{') => self.object(schema).map(|o| Some(Val::Obj(o))),
            (_, b't' | b'f' | b'[' | b'{') => self.ty_err(ty),
            _ => syntax("expected value"),
        }
    }

    fn list(&mut self, ty: Ty, item: Ty) -> R<Val<'a>> {
        self.enter()?;
        let mut out = Vec::new();
        if self.peek() == Some(b']') {
            self.i += 1;
        } else {
            loop {
                let v = match self.value(item, false) {
                    Ok(Some(v)) => v,
                    // A list holds no `null`s.
                    Ok(None) => {
                        self.outer_index(out.len());
                        return self.ty_err(ty);
                    }
                    Err(e) => {
                        self.outer_index(out.len());
                        return Err(e);
                    }
                };
                out.push(v);
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b']') => {
                        self.i += 1;
                        break;
                    }
                    None => return syntax("EOF while parsing a list"),
                    _ => return syntax("expected `,` or `]`"),
                }
            }
        }
        self.depth -= 1;
        Ok(Val::List(out))
    }

    fn map(&mut self) -> R<Val<'a>> {
        self.enter()?;
        let mut out: Vec<(Cow<'a, str>, Cow<'a, str>)> = Vec::new();
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let k = self.key()?;
                let v = match self.value(Ty::Str, false) {
                    Ok(Some(Val::Str(v))) => v,
                    Ok(_) => {
                        self.outer(&k);
                        return self.ty_err(Ty::Str);
                    }
                    Err(e) => {
                        self.outer(&k);
                        return Err(e);
                    }
                };
                match out.iter_mut().find(|(key, _)| *key == k) {
                    Some(entry) => {
                        self.canonical = false;
                        entry.1 = v;
                    }
                    None => out.push((k, v)),
                }
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    None => return syntax("EOF while parsing an object"),
                    _ => return syntax("expected `,` or `}`"),
                }
            }
        }
        self.depth -= 1;
        Ok(Val::Map(out))
    }

    fn object(&mut self, schema: &'static Schema) -> R<Obj<'a>> {
        self.enter()?;
        let skip = if self.strict { CLAIM } else { OPTION };
        let mut fields: Vec<(u8, Val<'a>)> = Vec::with_capacity(schema.fields.len().min(16));
        let mut seen = 0u64;
        // Objects usually list their fields in the schema's order: the search for
        // a key starts after the last field found (a key names at most one field:
        // tested), so it usually ends at once.
        let mut hint = 0;
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            loop {
                let k = self.key()?;
                let key: &str = &k;
                let n = schema.fields.len();
                let mut found = None;
                for j in 0..n {
                    let i = if hint + j >= n {
                        hint + j - n
                    } else {
                        hint + j
                    };
                    let f = &schema.fields[i];
                    if f.flags & skip == 0 && names(key, f) {
                        found = Some(i);
                        hint = i + 1;
                        break;
                    }
                }
                match found {
                    None if self.strict => {
                        self.outer(&k);
                        return Err(ReadErrorKind::Unknown);
                    }
                    None => {
                        self.canonical = false;
                        self.skip()?;
                    }
                    Some(i) => {
                        if seen & (1 << i) != 0 {
                            self.outer(&k);
                            return Err(ReadErrorKind::Twice);
                        }
                        seen |= 1 << i;
                        let field = &schema.fields[i];
                        if k.len() != field.name.len() {
                            self.canonical = false;
                        }
                        match self.value(field.ty, field.flags & NULLABLE != 0) {
                            Ok(Some(v)) => fields.push((i as u8, v)),
                            Ok(None) => {}
                            Err(e) => {
                                self.outer(&k);
                                return Err(e);
                            }
                        }
                    }
                }
                match self.peek() {
                    Some(b',') => self.i += 1,
                    Some(b'}') => {
                        self.i += 1;
                        break;
                    }
                    None => return syntax("EOF while parsing an object"),
                    _ => return syntax("expected `,` or `}`"),
                }
            }
        }
        self.depth -= 1;
        // Insertion sort: objects are small and usually in order already.
        for i in 1..fields.len() {
            let mut j = i;
            while j > 0 && fields[j - 1].0 > fields[j].0 {
                fields.swap(j - 1, j);
                j -= 1;
            }
        }
        Ok(Obj { fields })
    }
}

/// Whether `key` is `name` or, for [`PROTO`] fields, its snake_case form.
fn names(key: &str, field: &Field) -> bool {
    let name = field.name;
    if key.len() == name.len() {
        return key == name;
    }
    if field.flags & PROTO == 0 || key.len() < name.len() {
        return false;
    }
    let mut k = key.bytes();
    for c in name.bytes() {
        if c.is_ascii_uppercase() {
            if k.next() != Some(b'_') || k.next() != Some(c.to_ascii_lowercase()) {
                return false;
            }
        } else if k.next() != Some(c) {
            return false;
        }
    }
    k.next().is_none()
}

/// A read object, and whether the input was already exactly what [`write`]
/// would make of it (nothing skipped, renamed or converted), so that a caller
/// may hand the input on as it is.
#[derive(Debug)]
pub struct Read<'a> {
    /// The object.
    pub obj: Obj<'a>,
    /// The input needs no rewriting: its fields are the schema's, under their
    /// own names, of their own types, none `null`, no map key repeated.
    pub canonical: bool,
}

fn utf8(json: &[u8]) -> Result<&str, ReadError> {
    std::str::from_utf8(json).map_err(|_| ReadError {
        path: String::new(),
        kind: ReadErrorKind::Syntax("invalid UTF-8"),
    })
}

/// Reads one JSON object of `schema` from `json` (nothing may follow it but whitespace).
pub fn read<'a>(
    json: &'a [u8],
    schema: &'static Schema,
    mode: Mode,
) -> Result<Read<'a>, ReadError> {
    read_str(utf8(json)?, schema, mode)
}

/// [`read`] of text already known to be UTF-8.
pub fn read_str<'a>(
    json: &'a str,
    schema: &'static Schema,
    mode: Mode,
) -> Result<Read<'a>, ReadError> {
    let mut p = Parser::new(json, mode == Mode::Strict);
    let result = match p.value(Ty::Obj(schema), false) {
        Ok(Some(Val::Obj(obj))) => p.end().map(|_| obj),
        Ok(_) => Err(ReadErrorKind::Type("an object")),
        Err(e) => Err(e),
    };
    match result {
        Ok(obj) => Ok(Read {
            obj,
            canonical: p.canonical,
        }),
        Err(kind) => Err(ReadError { path: p.path, kind }),
    }
}

/// A string map as read: `(key, value)` in input order.
pub type StrMap<'a> = Vec<(Cow<'a, str>, Cow<'a, str>)>;

/// Reads one JSON object of strings (an environment, API keys → secrets).
pub fn read_map(json: &[u8]) -> Result<StrMap<'_>, ReadError> {
    let mut p = Parser::new(utf8(json)?, true);
    let result = match p.value(Ty::StrMap, false) {
        Ok(Some(Val::Map(m))) => p.end().map(|_| m),
        Ok(_) => Err(ReadErrorKind::Type("a map of strings")),
        Err(e) => Err(e),
    };
    result.map_err(|kind| ReadError { path: p.path, kind })
}

/// Reads one JSON list of objects of `schema` (a bare JWKS).
pub fn read_list<'a>(
    json: &'a [u8],
    schema: &'static Schema,
    mode: Mode,
) -> Result<Vec<Val<'a>>, ReadError> {
    let mut p = Parser::new(utf8(json)?, mode == Mode::Strict);
    let result = match p.value(Ty::Objs(schema), false) {
        Ok(Some(Val::List(l))) => p.end().map(|_| l),
        Ok(_) => Err(ReadErrorKind::Type("a list of objects")),
        Err(e) => Err(e),
    };
    result.map_err(|kind| ReadError { path: p.path, kind })
}

/// Reads one JSON list of strings.
pub fn read_strs(json: &[u8]) -> Result<Vec<Cow<'_, str>>, ReadError> {
    let mut p = Parser::new(utf8(json)?, true);
    let result = match p.value(Ty::Strs, false) {
        Ok(Some(Val::List(l))) => p.end().map(|_| l),
        Ok(_) => Err(ReadErrorKind::Type("a list of strings")),
        Err(e) => Err(e),
    };
    result
        .map(|l| {
            l.into_iter()
                .filter_map(|v| match v {
                    Val::Str(s) => Some(s),
                    _ => None,
                })
                .collect()
        })
        .map_err(|kind| ReadError { path: p.path, kind })
}

/// Any JSON value, as a tree (for what no schema describes: upstream answers,
/// `roomConfig.egress`).
#[derive(Debug, Clone, PartialEq)]
pub enum Any<'a> {
    /// `null`.
    Null,
    /// `true`/`false`.
    Bool(bool),
    /// A number's text.
    Num(&'a str),
    /// A string.
    Str(Cow<'a, str>),
    /// A list.
    List(Vec<Any<'a>>),
    /// An object's members in order (a repeated key appears twice).
    Obj(Vec<(Cow<'a, str>, Any<'a>)>),
}

impl<'a> Any<'a> {
    /// The last member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Any<'a>> {
        match self {
            Any::Obj(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A string's value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Any::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Parser<'a> {
    fn any(&mut self) -> R<Any<'a>> {
        let Some(c) = self.peek() else {
            return syntax("EOF while parsing a value");
        };
        Ok(match c {
            b'"' => Any::Str(self.string()?),
            b't' => {
                self.word("true")?;
                Any::Bool(true)
            }
            b'f' => {
                self.word("false")?;
                Any::Bool(false)
            }
            b'n' => {
                self.word("null")?;
                Any::Null
            }
            b'-' | b'0'..=b'9' => Any::Num(self.number()?),
            b'[' => {
                self.enter()?;
                let mut out = Vec::new();
                if self.peek() == Some(b']') {
                    self.i += 1;
                } else {
                    loop {
                        out.push(self.any()?);
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            None => return syntax("EOF while parsing a list"),
                            _ => return syntax("expected `,` or `]`"),
                        }
                    }
                }
                self.depth -= 1;
                Any::List(out)
            }
            b'{' => {
                self.enter()?;
                let mut out = Vec::new();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                } else {
                    loop {
                        let k = self.key()?;
                        out.push((k, self.any()?));
                        match self.peek() {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            None => return syntax("EOF while parsing an object"),
                            _ => return syntax("expected `,` or `}`"),
                        }
                    }
                }
                self.depth -= 1;
                Any::Obj(out)
            }
            _ => return syntax("expected value"),
        })
    }
}

/// Parses any JSON text into a tree.
pub fn parse_any(json: &str) -> Result<Any<'_>, ReadError> {
    let mut p = Parser::new(json, false);
    let result = p.any().and_then(|v| p.end().map(|_| v));
    result.map_err(|kind| ReadError {
        path: String::new(),
        kind,
    })
}

// ---------------------------------------------------------------------------
// Writing.
// ---------------------------------------------------------------------------

/// Appends `bytes` to `out`: one capacity check and a copy, inlined (at
/// `opt-level = "z"` `String::push_str` is several calls deep per append).
#[inline(always)]
pub fn put(out: &mut String, bytes: &[u8]) {
    // SAFETY: callers append whole UTF-8 sequences (from `&str`s, or ASCII).
    let v = unsafe { out.as_mut_vec() };
    if v.capacity() - v.len() < bytes.len() {
        grow(v, bytes.len());
    }
    // SAFETY: the capacity was checked above; the regions cannot overlap.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), v.as_mut_ptr().add(v.len()), bytes.len());
        v.set_len(v.len() + bytes.len());
    }
}

/// Appends one ASCII byte to `out`.
#[inline(always)]
pub fn put_byte(out: &mut String, b: u8) {
    debug_assert!(b.is_ascii());
    // SAFETY: an ASCII byte is a whole UTF-8 sequence.
    let v = unsafe { out.as_mut_vec() };
    if v.len() == v.capacity() {
        grow(v, 1);
    }
    // SAFETY: there is room for one more byte.
    unsafe {
        *v.as_mut_ptr().add(v.len()) = b;
        v.set_len(v.len() + 1);
    }
}

/// Room for `more` bytes (at least double: appends stay amortised).
#[cold]
#[inline(never)]
fn grow(v: &mut Vec<u8>, more: usize) {
    v.reserve(more.max(v.capacity()));
}

/// Appends the decimal digits of `n`.
pub fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        put_byte(out, b'-');
    }
    put(out, &digits[i..]);
}

/// Bytes a JSON string must escape (`"`, `\` and the control characters):
/// also those that end the plain run of a string being read.
const ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Appends `s` as a JSON string, escaped exactly as `serde_json` does.
pub fn push_str(out: &mut String, s: &str) {
    let b = s.as_bytes();
    // Room for the usual case (nothing to escape) at once.
    // SAFETY: only the capacity changes.
    let v = unsafe { out.as_mut_vec() };
    if v.capacity() - v.len() < b.len() + 2 {
        grow(v, b.len() + 2);
    }
    put_byte(out, b'"');
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        let c = b[i];
        if !ESCAPE[c as usize] {
            i += 1;
            continue;
        }
        put(out, &b[run..i]);
        match c {
            b'"' => put(out, b"\\\""),
            b'\\' => put(out, b"\\\\"),
            b'\n' => put(out, b"\\n"),
            b'\r' => put(out, b"\\r"),
            b'\t' => put(out, b"\\t"),
            0x08 => put(out, b"\\b"),
            0x0c => put(out, b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                put(out, b"\\u00");
                put(out, &[HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]);
            }
        }
        i += 1;
        run = i;
    }
    put(out, &b[run..]);
    put_byte(out, b'"');
}

fn push_val(out: &mut String, ty: Ty, v: &Val<'_>) {
    match (ty, v) {
        (_, Val::Bool(b)) => put(out, if *b { b"true" } else { b"false" }),
        (Ty::Int64, Val::Int(n)) => {
            put_byte(out, b'"');
            push_int(out, *n);
            put_byte(out, b'"');
        }
        (_, Val::Int(n)) => push_int(out, *n),
        (_, Val::Num(n)) => put(out, n.as_bytes()),
        (_, Val::Str(s)) => push_str(out, s),
        (_, Val::List(items)) => {
            let item_ty = match ty {
                Ty::Objs(s) => Ty::Obj(s),
                Ty::Enums => Ty::Enum,
                _ => Ty::Str,
            };
            put_byte(out, b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    put_byte(out, b',');
                }
                push_val(out, item_ty, item);
            }
            put_byte(out, b']');
        }
        (_, Val::Map(entries)) => {
            let mut sorted: Vec<&(Cow<'_, str>, Cow<'_, str>)> = entries.iter().collect();
            for i in 1..sorted.len() {
                let mut j = i;
                while j > 0 && sorted[j - 1].0 > sorted[j].0 {
                    sorted.swap(j - 1, j);
                    j -= 1;
                }
            }
            put_byte(out, b'{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    put_byte(out, b',');
                }
                push_str(out, k);
                put_byte(out, b':');
                push_str(out, v);
            }
            put_byte(out, b'}');
        }
        (Ty::Obj(schema), Val::Obj(o)) => write_into(out, schema, o),
        (_, Val::Obj(_)) => put(out, b"{}"),
        (_, Val::Raw(v)) => put(out, v.as_bytes()),
        (_, Val::Null) => put(out, b"null"),
    }
}

/// Appends `obj` as JSON: its fields in the schema's order.
pub fn write_into(out: &mut String, schema: &Schema, obj: &Obj<'_>) {
    put_byte(out, b'{');
    for (n, (i, v)) in obj.fields.iter().enumerate() {
        if n > 0 {
            put_byte(out, b',');
        }
        let field = &schema.fields[*i as usize];
        // Field names are plain identifiers (checked by a test): no escaping.
        put_byte(out, b'"');
        put(out, field.name.as_bytes());
        put(out, b"\":");
        push_val(out, field.ty, v);
    }
    put_byte(out, b'}');
}

/// `obj` as JSON text.
pub fn write(schema: &Schema, obj: &Obj<'_>) -> String {
    write_sized(schema, obj, 256)
}

/// `obj` as JSON text, in a buffer of `capacity` bytes to start with.
pub fn write_sized(schema: &Schema, obj: &Obj<'_>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    write_into(&mut out, schema, obj);
    out
}

/// A small JSON object writer for the core's own results.
pub struct ObjWriter {
    out: String,
    first: bool,
}

impl Default for ObjWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl ObjWriter {
    /// An empty object.
    pub fn new() -> Self {
        ObjWriter {
            out: String::from("{"),
            first: true,
        }
    }

    fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            put_byte(&mut self.out, b',');
        }
        self.first = false;
        push_str(&mut self.out, k);
        put_byte(&mut self.out, b':');
        &mut self.out
    }

    /// A string member.
    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        push_str(self.key(k), v);
        self
    }

    /// A string member, or `null`.
    pub fn opt_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(k, v),
            None => self.raw(k, "null"),
        }
    }

    /// A string member only when `v` is `Some`.
    pub fn some_str(&mut self, k: &str, v: Option<&str>) -> &mut Self {
        if let Some(v) = v {
            self.str(k, v);
        }
        self
    }

    /// An integer member.
    pub fn int(&mut self, k: &str, v: i64) -> &mut Self {
        push_int(self.key(k), v);
        self
    }

    /// A number member, from its JSON text.
    pub fn num(&mut self, k: &str, json: &str) -> &mut Self {
        self.raw(k, json)
    }

    /// A boolean member.
    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.raw(k, if v { "true" } else { "false" })
    }

    /// A member whose value is JSON text already.
    pub fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).push_str(json);
        self
    }

    /// A list of strings.
    pub fn strs<S: AsRef<str>>(&mut self, k: &str, v: &[S]) -> &mut Self {
        let out = self.key(k);
        out.push('[');
        for (i, s) in v.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, s.as_ref());
        }
        out.push(']');
        self
    }

    /// The object's JSON text.
    pub fn finish(&mut self) -> String {
        self.out.push('}');
        std::mem::take(&mut self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    schema! {
        /// Inner.
        INNER("Inner"): In {
            /// a
            A "a": Ty::Bool;
            /// b
            EmptyTimeout "emptyTimeout": Ty::U32, PROTO;
        }
    }
    schema! {
        /// Outer.
        OUTER("Outer"): Out {
            /// time
            Exp "exp": Ty::Time, CLAIM;
            /// s
            S "s": Ty::Str;
            /// inner
            Inner "inner": Ty::Obj(INNER);
            /// list
            List "list": Ty::Objs(INNER);
            /// map
            M "m": Ty::StrMap;
            /// big
            Big "big": Ty::Int64, PROTO;
            /// only an option
            Opt "opt": Ty::Bool, OPTION;
        }
    }

    #[test]
    fn reads_and_writes_in_schema_order() {
        let json = br#"{"m":{"z":"1","a":"2"},"s":"x\n\"","big":"123","inner":{"empty_timeout":"30","a":true},"exp":5}"#;
        let r = read(json, OUTER, Mode::Lenient).unwrap();
        assert!(!r.canonical);
        assert_eq!(r.obj.int(Out::Big), Some(123));
        assert_eq!(
            write(OUTER, &r.obj),
            r#"{"exp":5,"s":"x\n\"","inner":{"a":true,"emptyTimeout":30},"m":{"a":"2","z":"1"},"big":"123"}"#
        );
        let same = br#"{"exp":5,"s":"x","list":[{"a":false}]}"#;
        let r = read(same, OUTER, Mode::Lenient).unwrap();
        assert!(r.canonical);
        // An int64 is canonical as the decimal string of its value, and only so.
        for (json, canonical) in [
            (&br#"{"big":"123"}"#[..], true),
            (br#"{"big":"-5"}"#, true),
            (br#"{"big":"0"}"#, true),
            (br#"{"big":123}"#, false),
            (br#"{"big":"0123"}"#, false),
            (br#"{"big":"-0"}"#, false),
        ] {
            let r = read(json, OUTER, Mode::Lenient).unwrap();
            assert_eq!(r.canonical, canonical, "{}", String::from_utf8_lossy(json));
        }
        assert_eq!(write(OUTER, &r.obj).as_bytes(), same);
    }

    #[test]
    fn strict_and_lenient() {
        let e = read(br#"{"inner":{"b":1}}"#, OUTER, Mode::Strict).unwrap_err();
        assert_eq!(
            (e.path.as_str(), &e.kind),
            ("inner.b", &ReadErrorKind::Unknown)
        );
        assert!(read(br#"{"inner":{"b":1}}"#, OUTER, Mode::Lenient).is_ok());
        // claim-only fields are not options, option-only fields not claims.
        assert_eq!(
            read(br#"{"exp":1}"#, OUTER, Mode::Strict).unwrap_err().kind,
            ReadErrorKind::Unknown
        );
        let r = read(br#"{"opt":true}"#, OUTER, Mode::Lenient).unwrap();
        assert!(r.obj.fields.is_empty());
        let e = read(br#"{"list":[{"a":true},{"a":1}]}"#, OUTER, Mode::Strict).unwrap_err();
        assert_eq!(e.path, "list[1].a");
        assert_eq!(e.to_string(), "`list[1].a`: expected a boolean");
        let e = read(
            br#"{"inner":{"emptyTimeout":1,"empty_timeout":2}}"#,
            OUTER,
            Mode::Lenient,
        )
        .unwrap_err();
        assert_eq!(e.kind, ReadErrorKind::Twice);
        for bad in [
            &br#"{"exp":1.5}"#[..],
            br#"{"exp":"1"}"#,
            br#"{"exp":null}"#,
            br#"{"exp":-1}"#,
            br#"{"exp":9007199254740992}"#,
            br#"{"inner":{"emptyTimeout":-1}}"#,
            br#"{"m":{"a":1}}"#,
        ] {
            let e = read(bad, OUTER, Mode::Lenient).unwrap_err();
            assert!(matches!(e.kind, ReadErrorKind::Type(_)), "{e:?}");
        }
        assert!(read(b"[]", OUTER, Mode::Lenient).is_err());
        assert!(read(b"{} x", OUTER, Mode::Lenient).unwrap_err().is_syntax());
    }

    #[test]
    fn escapes_like_serde_json() {
        let s = "q\"b\\\u{1}\u{8}\u{c}\t\r\n\u{1f}é\u{2028}/";
        let mut out = String::new();
        push_str(&mut out, s);
        assert_eq!(out, serde_json::to_string(s).unwrap());
        let mut n = String::new();
        push_int(&mut n, i64::MIN);
        assert_eq!(n, i64::MIN.to_string());
    }
}
