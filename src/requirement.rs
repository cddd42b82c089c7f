//! PEP 508 requirement strings that come from outside the user's files (Requires-Dist
//! from an index, a cache entry), and the guard every requirement parse goes through:
//! pep508_rs 0.9 panics on some names ending in `.`, `-` or `_`, so those are refused
//! first. The index and the project readers both build on it.

use std::ops::Range;
use std::str::FromStr;

use pep508_rs::Requirement;

/// Parses a requirement that is not in a user's file (Requires-Dist from an index, a
/// cache entry): the same guard against pep508_rs panics, errors as plain text.
pub fn parse_untrusted(text: &str) -> Result<Requirement, String> {
    if let Some((_, message)) = bad_name_end(text) {
        return Err(message);
    }
    Requirement::from_str(text).map_err(|err| err.to_string())
}

/// A package or extra name ending in `.`, `-` or `_` (pep508_rs 0.9 panics on some of
/// these instead of returning an error, so they are caught first).
pub(crate) fn bad_name_end(text: &str) -> Option<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.');
    let run_end = |mut i: usize| {
        while i < bytes.len() && is_name(bytes[i]) {
            i += 1;
        }
        i
    };
    let check = |start: usize, end: usize, what: &str| {
        let last = *bytes.get(end.checked_sub(1)?)?;
        (end > start && matches!(last, b'-' | b'_' | b'.')).then(|| {
            (
                end - 1..end,
                format!(
                    "{what} must end with an alphanumeric character, not `{}`",
                    last as char
                ),
            )
        })
    };
    let start = skip_ws(bytes, 0);
    let end = run_end(start);
    if let Some(found) = check(start, end, "a package name") {
        return Some(found);
    }
    let mut i = skip_ws(bytes, end);
    if bytes.get(i) != Some(&b'[') {
        return None;
    }
    loop {
        i = skip_ws(bytes, i + 1);
        let end = run_end(i);
        if let Some(found) = check(i, end, "an extra name") {
            return Some(found);
        }
        i = skip_ws(bytes, end);
        if bytes.get(i) != Some(&b',') {
            return None;
        }
    }
}

/// The index of the first byte at or after `i` that is not ASCII whitespace.
pub(crate) fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}
