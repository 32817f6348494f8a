//! The binary "tape" that typed values cross the JavaScript boundary on.
//!
//! Value by value through `JsValue` calls (serde-wasm-bindgen), a struct cost
//! one to three boundary crossings per field and a monomorphised copy of every
//! serde impl for a second data format. Instead the JavaScript half
//! (`src/wasm_tape.js`) walks an object once and writes a compact tape (one
//! crossing), and decodes a tape into plain objects (one crossing). Inside the
//! core, a tape is transcoded to and from the JSON text that `serde_json`
//! reads and writes (`tape_to_json` in `src/wasm.rs`, [`json_to_tape`] here),
//! so each type's serde code exists once in the binary: the same code that
//! reads and writes token payloads and webhook bodies. No JSON text crosses
//! the boundary.
//!
//! Format: a value is a tag byte, then its payload. Lengths are `u32` and
//! numbers `f64`, little-endian. Arrays and objects end with [`END`]; an
//! object's entries are a [`STR`] key followed by a value.

// Outside wasm32 only the tests use this module.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

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

/// Deeper nesting is refused (the JavaScript half refuses the same depth).
const MAX_DEPTH: usize = 64;

/// Transcodes JSON text (as `serde_json` writes it) into a tape, keeping the
/// order of object keys. Errors say what was wrong, never quote the text.
pub fn json_to_tape(json: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut t = Transcoder {
        json,
        pos: 0,
        out: Vec::with_capacity(json.len() + 16),
    };
    t.value(0)?;
    t.ws();
    if t.pos != json.len() {
        return Err("trailing characters after the JSON value");
    }
    Ok(t.out)
}

struct Transcoder<'a> {
    json: &'a [u8],
    pos: usize,
    out: Vec<u8>,
}

impl Transcoder<'_> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.json.get(self.pos) {
            self.pos += 1;
        }
    }

    fn next(&mut self) -> Result<u8, &'static str> {
        let b = *self.json.get(self.pos).ok_or("truncated JSON")?;
        self.pos += 1;
        Ok(b)
    }

    fn literal(&mut self, word: &[u8], tag: u8) -> Result<(), &'static str> {
        if self.json.get(self.pos..self.pos + word.len()) != Some(word) {
            return Err("invalid JSON literal");
        }
        self.pos += word.len();
        self.out.push(tag);
        Ok(())
    }

    fn value(&mut self, depth: usize) -> Result<(), &'static str> {
        if depth > MAX_DEPTH {
            return Err("JSON nested too deeply");
        }
        self.ws();
        match *self.json.get(self.pos).ok_or("truncated JSON")? {
            b'{' => self.container(b'}', OBJ, depth),
            b'[' => self.container(b']', ARR, depth),
            b'"' => self.string(),
            b't' => self.literal(b"true", TRUE),
            b'f' => self.literal(b"false", FALSE),
            b'n' => self.literal(b"null", NULL),
            _ => self.number(),
        }
    }

    fn container(&mut self, close: u8, tag: u8, depth: usize) -> Result<(), &'static str> {
        self.pos += 1;
        self.out.push(tag);
        self.ws();
        if self.json.get(self.pos) == Some(&close) {
            self.pos += 1;
            self.out.push(END);
            return Ok(());
        }
        loop {
            if tag == OBJ {
                self.ws();
                if self.json.get(self.pos) != Some(&b'"') {
                    return Err("a JSON object key is not a string");
                }
                self.string()?;
                self.ws();
                if self.next()? != b':' {
                    return Err("expected `:` in a JSON object");
                }
            }
            self.value(depth + 1)?;
            self.ws();
            match self.next()? {
                b',' => continue,
                b if b == close => break,
                _ => return Err("expected `,` or a closing bracket in JSON"),
            }
        }
        self.out.push(END);
        Ok(())
    }

    fn string(&mut self) -> Result<(), &'static str> {
        self.pos += 1;
        self.out.push(STR);
        let len_at = self.out.len();
        self.out.extend_from_slice(&[0; 4]);
        loop {
            // Copy the run up to the next quote or escape in one go.
            let rest = &self.json[self.pos..];
            let run = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\')
                .ok_or("truncated JSON string")?;
            self.out.extend_from_slice(&rest[..run]);
            self.pos += run;
            if self.next()? == b'"' {
                break;
            }
            let c = match self.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => self.unicode_escape()?,
                _ => return Err("an invalid escape in a JSON string"),
            };
            self.out
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
        let len = (self.out.len() - len_at - 4) as u32;
        self.out[len_at..len_at + 4].copy_from_slice(&len.to_le_bytes());
        Ok(())
    }

    /// The character of a `\uXXXX` escape (the `\u` already read), joining
    /// a surrogate pair.
    fn unicode_escape(&mut self) -> Result<char, &'static str> {
        const LONE: &str = "a lone surrogate in a JSON string";
        let hi = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&hi) {
            if self.next()? != b'\\' || self.next()? != b'u' {
                return Err(LONE);
            }
            let lo = self.hex4()?;
            if !(0xdc00..0xe000).contains(&lo) {
                return Err(LONE);
            }
            0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00)
        } else {
            hi
        };
        char::from_u32(code).ok_or(LONE)
    }

    fn hex4(&mut self) -> Result<u32, &'static str> {
        let digits = self
            .json
            .get(self.pos..self.pos + 4)
            .ok_or("truncated JSON string")?;
        self.pos += 4;
        digits.iter().try_fold(0, |acc, &d| {
            let v = (d as char)
                .to_digit(16)
                .ok_or("an invalid \\u escape in a JSON string")?;
            Ok(acc * 16 + v)
        })
    }

    fn number(&mut self) -> Result<(), &'static str> {
        let start = self.pos;
        while let Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') = self.json.get(self.pos) {
            self.pos += 1;
        }
        let text = &self.json[start..self.pos];
        let n = match text {
            [] => return Err("invalid JSON"),
            // Integers of up to 15 digits, the common case, without a float parser.
            [b'0'..=b'9', ..] if text.len() <= 15 && text.iter().all(u8::is_ascii_digit) => {
                text.iter()
                    .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')) as f64
            }
            // serde_json's own number parser, already in the binary (core's
            // `str::parse::<f64>` would add its tables).
            _ => serde_json::from_slice::<f64>(text).map_err(|_| "an invalid JSON number")?,
        };
        self.out.push(NUM);
        self.out.extend_from_slice(&n.to_le_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tape as text, for readable assertions.
    fn show(tape: &[u8]) -> String {
        let mut out = String::new();
        let mut i = 0;
        while i < tape.len() {
            let tag = tape[i];
            i += 1;
            match tag {
                NUM => {
                    let n = f64::from_le_bytes(tape[i..i + 8].try_into().unwrap());
                    out += &format!("{n} ");
                    i += 8;
                }
                STR => {
                    let len = u32::from_le_bytes(tape[i..i + 4].try_into().unwrap()) as usize;
                    let s = std::str::from_utf8(&tape[i + 4..i + 4 + len]).unwrap();
                    out += &format!("{s:?} ");
                    i += 4 + len;
                }
                NULL => out += "null ",
                TRUE => out += "true ",
                FALSE => out += "false ",
                ARR => out += "[ ",
                OBJ => out += "{ ",
                END => out += "} ",
                other => out += &format!("?{other} "),
            }
        }
        out
    }

    #[test]
    fn transcodes_every_json_shape_in_order() {
        let json = br#" {"zeta": [1, -2.5, 1e3, 12345678901234567890], "alpha": {"t": true, "f": false, "n": null}, "e": []} "#;
        assert_eq!(
            show(&json_to_tape(json).unwrap()),
            r#"{ "zeta" [ 1 -2.5 1000 12345678901234567000 } "alpha" { "t" true "f" false "n" null } "e" [ } } "#
        );
    }

    #[test]
    fn unescapes_strings() {
        let json = r#"["a\"b\\c\/d\n\t\u00e9\ud83d\ude00", "plain é"]"#;
        let tape = json_to_tape(json.as_bytes()).unwrap();
        assert_eq!(show(&tape), "[ \"a\\\"b\\\\c/d\\n\\té😀\" \"plain é\" } ");
    }

    #[test]
    fn reads_what_serde_json_writes() {
        let value = serde_json::json!({
            "iss": "k", "exp": 1_700_000_000i64, "ratio": 0.1,
            "video": {"room": "r\u{1}\"", "roomJoin": true}, "attributes": {"x": "y"}
        });
        let tape = json_to_tape(&serde_json::to_vec(&value).unwrap()).unwrap();
        let text = show(&tape);
        for part in [
            "1700000000 ",
            "0.1 ",
            "\"r\\u{1}\\\"\" ",
            "\"roomJoin\" true ",
        ] {
            assert!(text.contains(part), "{part} not in {text}");
        }
    }

    #[test]
    fn refuses_broken_json() {
        let bad: [&[u8]; 12] = [
            b"",
            b"{",
            b"[1,",
            br#"{"a" 1}"#,
            b"{1:2}",
            b"tru",
            br#""abc"#,
            br#""\ud800""#,
            b"1 2",
            b"-",
            br#""\x""#,
            b"[1 2]",
        ];
        for json in bad {
            assert!(
                json_to_tape(json).is_err(),
                "{}",
                String::from_utf8_lossy(json)
            );
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(json_to_tape(deep.as_bytes()).is_err());
    }
}
