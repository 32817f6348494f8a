//! The binary "tape" on which token options and server-API request bodies
//! cross the JavaScript boundary.
//!
//! The JavaScript half (`src/wasm_tape.js`) walks a value once and writes the
//! tape in a single boundary crossing; `tape_to_json` in `src/wasm.rs` turns it
//! into the JSON text that the core's strict `serde_json` reading takes, so
//! options and token payloads share one deserialisation path. No JSON text
//! crosses the boundary. (A tape for results too, transcoded from `serde_json`
//! output and decoded in JavaScript, was measured slower than serde-wasm-bindgen
//! for verified claims and reports, so results cross through serde-wasm-bindgen;
//! see BENCHMARKS.md.)
//!
//! Format: a value is a tag byte, then its payload. Lengths are `u32` and
//! numbers `f64`, little-endian. Arrays and objects end with [`END`]; an
//! object's entries are a [`STR`] key followed by a value.

/// `undefined`: an absent value; object entries holding it are dropped.
pub const UNDEF: u8 = 0;
/// `null`.
pub const NULL: u8 = 1;
/// `false`.
pub const FALSE: u8 = 2;
/// `true`.
pub const TRUE: u8 = 3;
/// A number: 8 bytes of `f64`.
pub const NUM: u8 = 4;
/// A string: `u32` byte length, then UTF-8.
pub const STR: u8 = 5;
/// An array: values until [`END`].
pub const ARR: u8 = 6;
/// An object: ([`STR`] key, value) pairs until [`END`].
pub const OBJ: u8 = 7;
/// Bytes (`Uint8Array`): `u32` length, then the bytes.
pub const BYTES: u8 = 8;
/// A JavaScript value with no JSON meaning (a function, a symbol, a cycle…):
/// `u32` length, then a UTF-8 description for the error message.
pub const INVALID: u8 = 9;
/// Closes an array or an object.
pub const END: u8 = 10;

/// Writes a tape as JSON text, inside the core: token
/// options and request bodies then parse through the same `serde_json` code as
/// token payloads, so that code exists once in the binary. Refuses what JSON
/// cannot carry (non-finite numbers, bytes, functions, dates…).
pub fn tape_to_json(tape: &[u8]) -> Result<Vec<u8>, String> {
    fn take<'a>(tape: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8], String> {
        let bytes = tape.get(*pos..*pos + n).ok_or("a truncated tape")?;
        *pos += n;
        Ok(bytes)
    }
    fn text<'a>(tape: &'a [u8], pos: &mut usize) -> Result<&'a [u8], String> {
        let len = take(tape, pos, 4)?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        take(tape, pos, len)
    }
    fn string(mut s: &[u8], out: &mut Vec<u8>) {
        out.push(b'"');
        // Copy runs that need no escape in one go (a byte at a time is slow at opt-level z).
        while let Some(i) = s.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20) {
            out.extend_from_slice(&s[..i]);
            match s[i] {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let (hi, lo) = (HEX[(b >> 4) as usize], HEX[(b & 15) as usize]);
                    out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hi, lo]);
                }
            }
            s = &s[i + 1..];
        }
        out.extend_from_slice(s);
        out.push(b'"');
    }
    fn value(tape: &[u8], pos: &mut usize, out: &mut Vec<u8>) -> Result<(), String> {
        match take(tape, pos, 1)?[0] {
            UNDEF | NULL => out.extend_from_slice(b"null"),
            FALSE => out.extend_from_slice(b"false"),
            TRUE => out.extend_from_slice(b"true"),
            NUM => {
                let b = take(tape, pos, 8)?;
                let n = f64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]);
                if !n.is_finite() {
                    return Err("a number that is not finite".into());
                }
                if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
                    write_integer(n as i64, out);
                } else {
                    out.extend_from_slice(&serde_json::to_vec(&n).map_err(|e| e.to_string())?);
                }
            }
            STR => string(text(tape, pos)?, out),
            ARR => {
                out.push(b'[');
                let mut first = true;
                while tape.get(*pos) != Some(&END) {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    value(tape, pos, out)?;
                }
                *pos += 1;
                out.push(b']');
            }
            OBJ => {
                out.push(b'{');
                let mut first = true;
                while tape.get(*pos) != Some(&END) {
                    if take(tape, pos, 1)?[0] != STR {
                        return Err("an object key that is not a string".into());
                    }
                    let key = text(tape, pos)?;
                    if tape.get(*pos) == Some(&UNDEF) {
                        *pos += 1;
                        continue;
                    }
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    string(key, out);
                    out.push(b':');
                    value(tape, pos, out)?;
                }
                *pos += 1;
                out.push(b'}');
            }
            BYTES => return Err("bytes where JSON values are expected".into()),
            INVALID => return Err(String::from_utf8_lossy(text(tape, pos)?).into_owned()),
            _ => return Err("a corrupt tape".into()),
        }
        Ok(())
    }
    let mut out = Vec::with_capacity(tape.len() + 16);
    let mut pos = 0;
    value(tape, &mut pos, &mut out)?;
    if pos != tape.len() {
        return Err("a corrupt tape".into());
    }
    Ok(out)
}

/// Appends the decimal digits of `n` (no `fmt` machinery on the hot path).
fn write_integer(n: i64, out: &mut Vec<u8>) {
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
        out.push(b'-');
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tape built by hand, as `src/wasm_tape.js` writes it.
    struct Tape(Vec<u8>);

    impl Tape {
        fn new() -> Self {
            Tape(Vec::new())
        }
        fn tag(mut self, tag: u8) -> Self {
            self.0.push(tag);
            self
        }
        fn num(mut self, n: f64) -> Self {
            self.0.push(NUM);
            self.0.extend_from_slice(&n.to_le_bytes());
            self
        }
        fn text(mut self, tag: u8, s: &str) -> Self {
            self.0.push(tag);
            self.0.extend_from_slice(&(s.len() as u32).to_le_bytes());
            self.0.extend_from_slice(s.as_bytes());
            self
        }
        fn json(&self) -> Result<String, String> {
            tape_to_json(&self.0).map(|j| String::from_utf8(j).unwrap())
        }
    }

    #[test]
    fn writes_every_value_as_json() {
        let tape = Tape::new()
            .tag(OBJ)
            .text(STR, "name")
            .text(STR, "zoë \"q\" \\ \u{1}")
            .text(STR, "n")
            .num(42.0)
            .text(STR, "f")
            .num(-1.5)
            .text(STR, "gone")
            .tag(UNDEF)
            .text(STR, "list")
            .tag(ARR)
            .tag(TRUE)
            .tag(FALSE)
            .tag(NULL)
            .tag(END)
            .tag(END);
        assert_eq!(
            tape.json().unwrap(),
            r#"{"name":"zoë \"q\" \\ \u0001","n":42,"f":-1.5,"list":[true,false,null]}"#
        );
        let back: serde_json::Value = serde_json::from_str(&tape.json().unwrap()).unwrap();
        assert_eq!(back["name"], "zoë \"q\" \\ \u{1}");
    }

    #[test]
    fn refuses_what_json_cannot_carry() {
        for tape in [
            Tape::new().num(f64::NAN),
            Tape::new().num(f64::INFINITY),
            Tape::new().text(BYTES, "ab"),
            Tape::new().text(INVALID, "a function"),
            Tape::new().tag(OBJ).num(1.0).tag(END),
            Tape::new().tag(ARR).tag(TRUE),
            Tape::new().tag(42),
            Tape::new().text(STR, "x").tag(TRUE),
            Tape::new(),
        ] {
            assert!(tape.json().is_err(), "{:?}", tape.0);
        }
        let truncated = Tape::new().text(STR, "abc");
        assert!(tape_to_json(&truncated.0[..6]).is_err());
        let invalid = Tape::new().text(INVALID, "a symbol");
        assert_eq!(invalid.json().unwrap_err(), "a symbol");
    }
}
