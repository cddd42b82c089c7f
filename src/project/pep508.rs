//! Parsing one PEP 508 requirement string written in a file, with errors that point at
//! the offending column of the file and hints for the usual mistakes (Poetry's `^`/`~`
//! in a PEP 621 string, a bare version without `==`).
//!
//! The caller says how an offset inside the requirement text maps to the file (a TOML
//! string literal, a requirements line with continuations); this module owns only the
//! PEP 508 side.

use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use pep508_rs::Requirement;

use super::poetry;
use super::toml_input::{span, span_in_string, value_type_error};
use super::{Dependency, Scope, Written};
use crate::requirement::{bad_name_end, skip_ws};
use crate::source::{InputError, SourceFile, Span};

/// Parses `text`, the requirement found at `span` of `file`: offsets map exactly when
/// `file.slice(span) == text`, otherwise errors point at the whole `span`.
pub fn parse_requirement(
    text: &str,
    file: &Arc<SourceFile>,
    span: Span,
) -> Result<Requirement, InputError> {
    let exact = file.slice(span) == text;
    parse_with(text, file, &|r: Range<usize>| {
        if exact {
            Span::new(r.start, r.end).offset(span.start)
        } else {
            span
        }
    })
}

/// Parses `text`; `map` turns a byte range of `text` into a file span.
pub(crate) fn parse_with(
    text: &str,
    file: &Arc<SourceFile>,
    map: &dyn Fn(Range<usize>) -> Span,
) -> Result<Requirement, InputError> {
    if let Some((range, message)) = bad_name_end(text) {
        return Err(InputError::new(
            file,
            map(range),
            format!("invalid requirement `{}`: {message}", one_line(text)),
        ));
    }
    match Requirement::from_str(text) {
        Ok(requirement) => Ok(requirement),
        Err(err) => {
            let start = err.start.min(text.len());
            let mut end = start.saturating_add(err.len).min(text.len());
            if end == start {
                // Point at the character after the text (the closing quote, the line end).
                end = start + 1;
            }
            let mut error = InputError::new(
                file,
                map(start..end),
                format!("invalid requirement `{}`: {}", one_line(text), err.message),
            );
            if let Some(hint) = hint_for(text) {
                error = error.with_hint(hint);
            }
            Err(error)
        }
    }
}

/// The requirement for a message: runs of whitespace (continuations) become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where the parts of a requirement string are, found by scanning (pep508_rs does not
/// report spans of a parsed requirement).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RequirementParts {
    /// The distribution name.
    pub name: Range<usize>,
    /// The version specifier (without surrounding parentheses), or the URL after `@`.
    pub specifier: Option<Range<usize>>,
}

/// Finds the name and the specifier (or URL) of a requirement string.
pub(crate) fn scan(text: &str) -> RequirementParts {
    let bytes = text.as_bytes();
    let mut i = skip_ws(bytes, 0);
    let name_start = i;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'-' | b'_' | b'.'))
    {
        i += 1;
    }
    let name = name_start..i;
    i = skip_ws(bytes, i);
    if bytes.get(i) == Some(&b'[') {
        while i < bytes.len() && bytes[i] != b']' {
            i += 1;
        }
        i = skip_ws(bytes, (i + 1).min(bytes.len()));
    }
    let specifier = match bytes.get(i) {
        Some(b'@') => {
            let start = skip_ws(bytes, i + 1);
            let mut end = start;
            while end < bytes.len() && !bytes[end].is_ascii_whitespace() {
                end += 1;
            }
            (end > start).then_some(start..end)
        }
        Some(b'(') => {
            let start = i + 1;
            let end = text[start..].find(')').map_or(text.len(), |e| start + e);
            trimmed(text, start..end)
        }
        Some(b'<' | b'>' | b'=' | b'!' | b'~') => {
            let end = text[i..].find(';').map_or(text.len(), |e| i + e);
            trimmed(text, i..end)
        }
        _ => None,
    };
    RequirementParts { name, specifier }
}

fn trimmed(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let slice = text.get(range.clone())?;
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    (end > start).then_some(start..end)
}

/// A hint for the common mistakes: Poetry constraints and bare versions.
fn hint_for(text: &str) -> Option<String> {
    let parts = scan(text);
    let name = text.get(parts.name.clone())?.trim();
    if name.is_empty() {
        return None;
    }
    let rest_start = text[parts.name.end..]
        .find(|c: char| !c.is_whitespace())
        .map_or(text.len(), |p| parts.name.end + p);
    let mut rest = &text[rest_start..];
    let mut extras = "";
    if rest.starts_with('[')
        && let Some(close) = rest.find(']')
    {
        extras = &rest[..=close];
        rest = rest[close + 1..].trim_start();
    }
    let (constraint, marker) = match rest.find(';') {
        Some(p) => (rest[..p].trim(), Some(rest[p..].trim())),
        None => (rest.trim(), None),
    };
    let suffix = marker.map_or(String::new(), |m| format!(" {m}"));
    let uses_caret = constraint.contains('^');
    let uses_tilde = constraint
        .char_indices()
        .any(|(i, c)| c == '~' && !constraint[i + 1..].starts_with('='));
    if uses_caret || uses_tilde {
        let sigil = if uses_caret { "^" } else { "~" };
        return Some(match poetry::translate_constraint(constraint) {
            Ok(pep440) if !pep440.is_empty() => {
                let pep440 = pep440.replace(", ", ",");
                format!(
                    "`{sigil}` is Poetry syntax; PEP 440 spells `{constraint}` as `{pep440}`: write `{name}{extras}{pep440}{suffix}`"
                )
            }
            _ => format!(
                "`{sigil}` is Poetry syntax; PEP 440 spells ^1.2 as >=1.2,<2 and ~1.2 as >=1.2,<1.3"
            ),
        });
    }
    if constraint.starts_with(|c: char| c.is_ascii_digit())
        && poetry::translate_constraint(constraint).is_ok()
    {
        return Some(format!(
            "a bare version is not a PEP 508 specifier: write `{name}{extras}=={constraint}{suffix}`"
        ));
    }
    None
}

/// One PEP 508 string literal in a pyproject array.
pub(crate) fn pep508_dependency(
    file: &Arc<SourceFile>,
    value: &toml_edit::Value,
    scope: Scope,
) -> Result<Dependency, InputError> {
    let Some(text) = value.as_str() else {
        return Err(value_type_error(
            file,
            value,
            "a string (a PEP 508 requirement)",
        ));
    };
    let literal = span(value.span());
    let map = |r: std::ops::Range<usize>| span_in_string(file, literal, text, r);
    let requirement = parse_with(text, file, &map)?;
    let specifier_span = scan(text).specifier.map(map);
    Ok(Dependency {
        requirement,
        written: Written::Pep508(text.to_string()),
        file: Arc::clone(file),
        span: literal,
        specifier_span,
        scope,
        hashes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> InputError {
        let file = SourceFile::new("x", text);
        parse_requirement(text, &file, Span::new(0, text.len())).unwrap_err()
    }

    #[test]
    fn caret_hint_gives_the_translation() {
        let e = err("requests^2.31");
        assert_eq!(e.span, Span::new(8, 9));
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "`^` is Poetry syntax; PEP 440 spells `^2.31` as `>=2.31,<3.0`: write `requests>=2.31,<3.0`"
            )
        );
        let e = err("fastapi ~0.75.1 ; python_version >= '3.9'");
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "`~` is Poetry syntax; PEP 440 spells `~0.75.1` as `>=0.75.1,<0.76.0`: write `fastapi>=0.75.1,<0.76.0 ; python_version >= '3.9'`"
            )
        );
    }

    #[test]
    fn bare_version_hint_suggests_double_equals() {
        let e = err("requests[socks] 2.31");
        assert_eq!(e.span, Span::new(16, 17));
        assert_eq!(
            e.hint.as_deref(),
            Some("a bare version is not a PEP 508 specifier: write `requests[socks]==2.31`")
        );
    }

    #[test]
    fn names_ending_in_punctuation_are_errors_not_panics() {
        let e = err("1. ");
        assert_eq!(
            e.message,
            "invalid requirement `1.`: a package name must end with an alphanumeric character, not `.`"
        );
        assert_eq!(e.span, Span::new(1, 2));
        let e = err("foo[bar, a- ]");
        assert_eq!(e.span, Span::new(10, 11));
        assert!(e.message.contains("an extra name must end"));
        let file = SourceFile::new("x", "foo[a,b]>=1");
        assert!(parse_requirement("foo[a,b]>=1", &file, Span::new(0, 11)).is_ok());
    }

    #[test]
    fn scan_finds_specifier_and_url() {
        let t = "uvicorn[standard] >=0.30,<0.33 ; python_version >= '3.10'";
        assert_eq!(&t[scan(t).specifier.unwrap()], ">=0.30,<0.33");
        assert_eq!(&t[scan(t).name], "uvicorn");
        let t = "pkg @ https://example.com/pkg-1.0.tar.gz ; os_name == 'nt'";
        assert_eq!(
            &t[scan(t).specifier.unwrap()],
            "https://example.com/pkg-1.0.tar.gz"
        );
        let t = "pkg (>=1.0)";
        assert_eq!(&t[scan(t).specifier.unwrap()], ">=1.0");
        assert_eq!(scan("pandas").specifier, None);
    }
}
