//! Small string helpers on bytes: they keep `core`'s generic substring
//! searcher, character counter and `[T]::join` out of the wasm (about 4 KB),
//! for inputs that are short (URLs, error texts, names, lists of names).

/// The byte offset of the first `needle` in `hay`.
pub fn find(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    (0..h.len().saturating_sub(n.len() - 1)).find(|&i| &h[i..i + n.len()] == n)
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// `hay` split at its first `sep`: before and after it.
pub fn split_once<'a>(hay: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    // `sep` is ASCII in every use, so both offsets are character boundaries.
    find(hay, sep).map(|i| (&hay[..i], &hay[i + sep.len()..]))
}

/// The number of characters (Unicode scalar values) of `s`: its bytes that do
/// not continue a character.
pub fn chars(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xc0 != 0x80).count()
}

/// The items joined with `sep`.
pub fn join<S: AsRef<str>>(items: impl IntoIterator<Item = S>, sep: &str) -> String {
    let mut out = String::new();
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(s.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_split_and_join() {
        assert_eq!(find("wss://a", "://"), Some(3));
        assert_eq!(find("ab", "abc"), None);
        assert_eq!(find("", ""), Some(0));
        assert!(contains("the api key is wrong", "api key"));
        assert!(!contains("api", "api key"));
        assert_eq!(split_once("https://x/y", "://"), Some(("https", "x/y")));
        assert_eq!(split_once("x", "://"), None);
        assert_eq!(join(["a", "b", "c"], ", "), "a, b, c");
        assert_eq!(join(Vec::<String>::new(), ","), "");
        for t in ["", "abc", "é", "日本語", "🦀x"] {
            assert_eq!(chars(t), t.chars().count(), "{t}");
        }
    }
}
