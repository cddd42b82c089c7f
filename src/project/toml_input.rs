//! Typed, span-aware access to a parsed pyproject.toml (`toml_edit::Document`).
//!
//! Every accessor that can fail returns an [`InputError`] pointing at the offending
//! value ("expected a string (a PEP 508 requirement), found an integer"). This module
//! knows TOML, not what the tables mean: the callers say what they expected.

use std::ops::Range;
use std::sync::Arc;

use std::str::FromStr;

use pep508_rs::PackageName;
use toml_edit::{Item, TableLike, Value};

use crate::source::{InputError, SourceFile, Span};

/// Turns a toml_edit span into ours (an empty span at 0 when the item has none).
pub(crate) fn span(range: Option<Range<usize>>) -> Span {
    range.map_or_else(Span::default, |r| Span::new(r.start, r.end))
}

/// "an integer", "a string", ...: the TOML type of an item, for messages.
pub(crate) fn type_name(item: &Item) -> &'static str {
    match item {
        Item::None => "nothing",
        Item::Value(v) => value_type_name(v),
        Item::Table(_) => "a table",
        Item::ArrayOfTables(_) => "an array of tables",
    }
}

/// "an integer", "a string", ...: the TOML type of a value, for messages.
pub(crate) fn value_type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a float",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date-time",
        Value::Array(_) => "an array",
        Value::InlineTable(_) => "an inline table",
    }
}

/// A table entry as found: the key's text and span, the item, and the span of the whole
/// `key = value` entry (for a `[table]` entry: its header).
pub(crate) struct Entry<'a> {
    pub key: &'a str,
    pub key_span: Span,
    pub item: &'a Item,
    pub whole_span: Span,
}

/// The entries of a table or inline table, in file order.
pub(crate) fn entries(table: &dyn TableLike) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for (key, _) in table.iter() {
        if let Some((k, item)) = table.get_key_value(key) {
            let key_span = span(k.span());
            let item_span = span(item.span());
            let whole_span = match item {
                Item::Value(_) if item_span.end > key_span.start => {
                    Span::new(key_span.start, item_span.end)
                }
                Item::Table(t) if !t.is_implicit() && !t.is_dotted() && t.span().is_some() => {
                    item_span
                }
                _ => key_span,
            };
            out.push(Entry {
                key,
                key_span,
                item,
                whole_span,
            });
        }
    }
    out
}

/// The span to point at for an item: its own, or `fallback` when it has none (dotted keys).
pub(crate) fn item_span(item: &Item, fallback: Span) -> Span {
    match item.span() {
        Some(r) if r.start < r.end => Span::new(r.start, r.end),
        _ => fallback,
    }
}

/// A "expected X, found Y" error at `at`.
pub(crate) fn type_error(
    file: &Arc<SourceFile>,
    at: Span,
    expected: &str,
    found: &Item,
) -> InputError {
    InputError::new(
        file,
        at,
        format!("expected {expected}, found {}", type_name(found)),
    )
}

/// A "expected X, found Y" error for a value inside an array or inline table.
pub(crate) fn value_type_error(
    file: &Arc<SourceFile>,
    value: &Value,
    expected: &str,
) -> InputError {
    InputError::new(
        file,
        span(value.span()),
        format!("expected {expected}, found {}", value_type_name(value)),
    )
}

/// The item as a table or inline table, or an error naming what was expected.
pub(crate) fn expect_table<'a>(
    file: &Arc<SourceFile>,
    item: &'a Item,
    at: Span,
    expected: &str,
) -> Result<&'a dyn TableLike, InputError> {
    item.as_table_like()
        .ok_or_else(|| type_error(file, item_span(item, at), expected, item))
}

/// The item as an array, or an error naming what was expected.
pub(crate) fn expect_array<'a>(
    file: &Arc<SourceFile>,
    item: &'a Item,
    at: Span,
    expected: &str,
) -> Result<&'a toml_edit::Array, InputError> {
    item.as_array()
        .ok_or_else(|| type_error(file, item_span(item, at), expected, item))
}

/// A string value with the span of its literal (quotes included).
pub(crate) fn expect_str<'a>(
    file: &Arc<SourceFile>,
    item: &'a Item,
    at: Span,
    expected: &str,
) -> Result<(&'a str, Span), InputError> {
    match item.as_str() {
        Some(s) => Ok((s, item_span(item, at))),
        None => Err(type_error(file, item_span(item, at), expected, item)),
    }
}

/// Where the content of a string literal starts in the file, when every byte of the
/// decoded value sits at the same offset in the literal (no escapes, no line-ending
/// backslash). `None` means: point at the whole literal instead.
pub(crate) fn string_content_offset(file: &SourceFile, literal: Span) -> Option<usize> {
    let raw = file.text.get(literal.start..literal.end)?;
    let (delim_len, basic) = if raw.starts_with("\"\"\"") {
        (3, true)
    } else if raw.starts_with("'''") {
        (3, false)
    } else if raw.starts_with('"') {
        (1, true)
    } else if raw.starts_with('\'') {
        (1, false)
    } else {
        return None;
    };
    if basic && raw.contains('\\') {
        return None;
    }
    let mut start = delim_len;
    if delim_len == 3 {
        // A newline right after the opening delimiter is trimmed (TOML spec).
        if raw[start..].starts_with("\r\n") {
            start += 2;
        } else if raw[start..].starts_with('\n') {
            start += 1;
        }
        // Multi-line strings keep CRLF as written... unless toml normalises them;
        // a literal with `\r` cannot be mapped byte for byte safely.
        if raw[start..].contains('\r') {
            return None;
        }
    }
    Some(literal.start + start)
}

/// Maps a byte range inside a string's decoded value to a file span: exact when the
/// literal has no escapes (one past the end is the closing quote), otherwise the whole
/// literal.
pub(crate) fn span_in_string(
    file: &SourceFile,
    literal: Span,
    value: &str,
    range: Range<usize>,
) -> Span {
    match string_content_offset(file, literal) {
        // `len + 1` is the closing quote, where "unexpected end" errors point.
        Some(offset) if range.end <= value.len() + 1 && range.start <= range.end => {
            Span::new(range.start, range.end).offset(offset)
        }
        _ => literal,
    }
}

/// The entry `key` of a table, with spans.
pub(crate) fn find<'a>(table: &'a dyn TableLike, key: &str) -> Option<Entry<'a>> {
    entries(table).into_iter().find(|e| e.key == key)
}

/// A validated package name from a string entry.
pub(crate) fn package_name(
    file: &Arc<SourceFile>,
    e: &Entry<'_>,
) -> Result<PackageName, InputError> {
    let (text, literal) = expect_str(file, e.item, e.key_span, "a string (the package name)")?;
    PackageName::from_str(text).map_err(|err| {
        InputError::new(
            file,
            literal,
            format!("invalid package name `{text}`: {err}"),
        )
    })
}
