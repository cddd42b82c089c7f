//! `[tool.pinctl]`: the settings a project sets for itself, each with the span of its
//! value, so that a wrong one is reported at its line ("`concurrency` must be from 1 to
//! 1024" pointing at `concurrency = 0`). `lint` is read by [`crate::lint::LintLevels`].

use std::sync::Arc;

use toml_edit::{Item, Value};

use super::toml_input::find;
use super::toml_input::{Entry, entries, expect_table, item_span, span, type_name};
use crate::source::{InputError, SourceFile, Span};

/// The `[tool.pinctl]` keys pinctl reads; anything else there is an error (a typo would
/// otherwise be ignored silently).
pub const KNOWN_KEYS: &[&str] = &["index-url", "allow-insecure-host", "concurrency", "lint"];

/// The largest `concurrency` accepted (as for `--concurrency`).
pub const MAX_CONCURRENCY: u16 = 1024;

/// A value and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The settings of `[tool.pinctl]`, validated; absent keys are `None` / empty.
#[derive(Debug, Clone)]
pub struct ToolPinctl {
    /// The pyproject.toml they come from.
    pub file: Arc<SourceFile>,
    pub index_url: Option<Spanned<String>>,
    pub allow_insecure_host: Vec<Spanned<String>>,
    pub concurrency: Option<Spanned<u16>>,
}

impl ToolPinctl {
    /// `file:line` of `span`, for "(from pyproject.toml:12)".
    pub fn location(&self, span: Span) -> String {
        let at = self.file.line_col(span.start);
        format!("{}:{}", self.file.path.display(), at.line)
    }
}

/// Reads and checks `[tool.pinctl]` of the pyproject in `file`.
pub fn read(file: &Arc<SourceFile>) -> Result<ToolPinctl, InputError> {
    let mut settings = ToolPinctl {
        file: Arc::clone(file),
        index_url: None,
        allow_insecure_host: Vec::new(),
        concurrency: None,
    };
    let doc = toml_edit::Document::parse(file.text.as_str()).map_err(|e| {
        let at = e
            .span()
            .map_or_else(|| Span::new(0, 0), |r| Span::new(r.start, r.end));
        InputError::new(
            file,
            at,
            format!("invalid TOML: {}", e.message().trim_end()),
        )
    })?;
    let Some(tool) = find(doc.as_table(), "tool") else {
        return Ok(settings);
    };
    let tool = expect_table(file, tool.item, tool.key_span, "a table (`[tool]`)")?;
    let Some(pinctl) = find(tool, "pinctl") else {
        return Ok(settings);
    };
    let table = expect_table(
        file,
        pinctl.item,
        pinctl.key_span,
        "a table (`[tool.pinctl]`)",
    )?;
    for entry in entries(table) {
        match entry.key {
            "index-url" => settings.index_url = Some(string(file, &entry)?),
            "allow-insecure-host" => settings.allow_insecure_host = hosts(file, &entry)?,
            "concurrency" => settings.concurrency = Some(concurrency(file, &entry)?),
            "lint" => {}
            unknown => {
                return Err(InputError::new(
                    file,
                    entry.key_span,
                    format!("unknown key `{unknown}` in `[tool.pinctl]`"),
                )
                .with_hint(format!(
                    "the keys pinctl reads are: {}",
                    KNOWN_KEYS.join(", ")
                )));
            }
        }
    }
    Ok(settings)
}

fn string(file: &Arc<SourceFile>, entry: &Entry<'_>) -> Result<Spanned<String>, InputError> {
    let at = item_span(entry.item, entry.key_span);
    match entry.item.as_str() {
        Some(s) => Ok(Spanned {
            value: s.to_owned(),
            span: at,
        }),
        None => Err(InputError::new(
            file,
            at,
            format!(
                "`[tool.pinctl] {}` must be a string, found {}",
                entry.key,
                type_name(entry.item)
            ),
        )),
    }
}

fn hosts(file: &Arc<SourceFile>, entry: &Entry<'_>) -> Result<Vec<Spanned<String>>, InputError> {
    let wrong = |at: Span, found: &str| {
        InputError::new(
            file,
            at,
            format!(
                "`[tool.pinctl] allow-insecure-host` must be a string or an array of strings, found {found}"
            ),
        )
    };
    match entry.item {
        Item::Value(Value::Array(items)) => items
            .iter()
            .map(|value| match value.as_str() {
                Some(host) => Ok(Spanned {
                    value: host.to_owned(),
                    span: span(value.span()),
                }),
                None => Err(wrong(
                    span(value.span()),
                    super::toml_input::value_type_name(value),
                )),
            })
            .collect(),
        item => string(file, entry)
            .map(|host| vec![host])
            .map_err(|_| wrong(item_span(item, entry.key_span), type_name(item))),
    }
}

fn concurrency(file: &Arc<SourceFile>, entry: &Entry<'_>) -> Result<Spanned<u16>, InputError> {
    let at = item_span(entry.item, entry.key_span);
    match entry.item.as_integer() {
        Some(n) if (1..=i64::from(MAX_CONCURRENCY)).contains(&n) => Ok(Spanned {
            value: u16::try_from(n).unwrap_or(MAX_CONCURRENCY),
            span: at,
        }),
        Some(n) => Err(InputError::new(
            file,
            at,
            format!("`[tool.pinctl] concurrency` must be from 1 to {MAX_CONCURRENCY}, found `{n}`"),
        )
        .with_hint("requests in flight at once; the default is 50")),
        None => Err(InputError::new(
            file,
            at,
            format!(
                "`[tool.pinctl] concurrency` must be a whole number, found {}",
                type_name(entry.item)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<ToolPinctl, InputError> {
        read(&SourceFile::new("pyproject.toml", text))
    }

    #[test]
    fn values_keep_their_position() {
        let settings = read_text(
            "[project]\nname = \"a\"\n\n[tool.pinctl]\nindex-url = \"https://example.org/simple\"\nconcurrency = 8\nallow-insecure-host = [\"a.local\", \"b.local\"]\n",
        )
        .unwrap();
        let url = settings.index_url.clone().unwrap();
        assert_eq!(url.value, "https://example.org/simple");
        assert_eq!(settings.location(url.span), "pyproject.toml:5");
        let concurrency = settings.concurrency.clone().unwrap();
        assert_eq!(concurrency.value, 8);
        assert_eq!(settings.location(concurrency.span), "pyproject.toml:6");
        let hosts: Vec<&str> = settings
            .allow_insecure_host
            .iter()
            .map(|h| h.value.as_str())
            .collect();
        assert_eq!(hosts, ["a.local", "b.local"]);
    }

    #[test]
    fn a_bad_value_is_an_error_at_its_line() {
        let err = read_text("[tool.pinctl]\nconcurrency = 0\n").unwrap_err();
        assert_eq!(
            err.message,
            "`[tool.pinctl] concurrency` must be from 1 to 1024, found `0`"
        );
        assert_eq!(err.location(), "pyproject.toml:2:15");
        let err = read_text("[tool.pinctl]\nconcurrency = \"8\"\n").unwrap_err();
        assert!(
            err.message
                .contains("must be a whole number, found a string")
        );
        let err = read_text("[tool.pinctl]\nallow-insecure-host = [1]\n").unwrap_err();
        assert!(err.message.contains("found an integer"), "{}", err.message);
        let err = read_text("[tool.pinctl]\nindex-url = 3\n").unwrap_err();
        assert!(err.message.contains("must be a string, found an integer"));
    }

    #[test]
    fn an_unknown_key_is_an_error() {
        let err = read_text("[tool.pinctl]\nindex_url = \"x\"\n").unwrap_err();
        assert_eq!(err.message, "unknown key `index_url` in `[tool.pinctl]`");
        assert!(err.hint.unwrap().contains("index-url"));
        assert!(read_text("[tool.pinctl.lint]\nno-upper-bound = \"allow\"\n").is_ok());
        assert!(read_text("[project]\nname = \"a\"\n").is_ok());
    }
}
