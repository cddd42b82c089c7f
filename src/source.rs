//! Source files and spans: where a piece of user input came from.
//!
//! Every input error and every lint finding points at a byte span of a
//! [`SourceFile`]; this module turns spans into `line:column` and renders the
//! rustc-style snippet (`--> file:line:col`, the line, a caret). It must not
//! decide what is wrong with the input: callers bring the message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anstyle::Style;

/// The text of one input file, kept so diagnostics can quote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user should see it (relative to the working directory when possible).
    pub path: PathBuf,
    /// The whole file.
    pub text: String,
}

/// A byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// This span shifted by `offset` bytes (a sub-span found inside a string starting at `offset`).
    #[must_use]
    pub fn offset(self, offset: usize) -> Self {
        Self::new(self.start + offset, self.end + offset)
    }
}

/// A 1-based line and column (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            path: path.into(),
            text: text.into(),
        })
    }

    /// Reads a file, keeping `display_path` for messages.
    pub fn read(path: &Path) -> std::io::Result<Arc<Self>> {
        let text = fs_err::read_to_string(path)?;
        Ok(Self::new(path, text))
    }

    /// The 1-based line and column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..offset].chars().count() + 1;
        LineCol { line, column }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        self.text
            .split('\n')
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// Renders the snippet under a headline:
    ///
    /// ```text
    ///   --> pyproject.toml:7:5
    ///    |
    ///  7 |     "pandas",
    ///    |     ^^^^^^^^
    /// ```
    ///
    /// Multi-line spans are underlined on their first line only.
    pub fn snippet(&self, span: Span) -> String {
        self.styled_snippet(span, Style::new(), Style::new())
    }

    /// [`Self::snippet`] coloured as rustc does: the gutters and the arrow in `gutter`,
    /// the carets in `carets`. With plain styles the text is [`Self::snippet`]'s.
    pub fn styled_snippet(&self, span: Span, gutter: Style, carets: Style) -> String {
        let start = self.line_col(span.start);
        let line = self.line_text(start.line);
        let pad = " ".repeat(start.line.to_string().len());
        let end_in_line = {
            let end = self.line_col(span.end.max(span.start));
            if end.line == start.line {
                end.column
            } else {
                line.chars().count() + 1
            }
        };
        let width = end_in_line.saturating_sub(start.column).max(1);
        let g = gutter;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{pad}{g}-->{g:#} {}:{}:{}",
            self.path.display(),
            start.line,
            start.column
        );
        let _ = writeln!(out, "{g}{pad} |{g:#}");
        let _ = writeln!(out, "{g}{} |{g:#} {line}", start.line);
        let _ = write!(
            out,
            "{g}{pad} |{g:#} {}{carets}{}{carets:#}",
            " ".repeat(start.column - 1),
            "^".repeat(width)
        );
        out
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// An error in a user's input file: what was wrong, exactly where, and how to fix it.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct InputError {
    pub file: Arc<SourceFile>,
    pub span: Span,
    /// One line, naming the offending value in backticks.
    pub message: String,
    /// The fix, when one is known.
    pub hint: Option<String>,
}

impl crate::diagnostic::Diagnostic for InputError {
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }

    fn snippet(&self) -> Option<String> {
        Some(self.file.snippet(self.span))
    }
}

impl InputError {
    pub fn new(file: &Arc<SourceFile>, span: Span, message: impl Into<String>) -> Self {
        Self {
            file: Arc::clone(file),
            span,
            message: message.into(),
            hint: None,
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// `path:line:col`
    pub fn location(&self) -> String {
        let lc = self.file.line_col(self.span.start);
        format!("{}:{}:{}", self.file.path.display(), lc.line, lc.column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_and_snippet() {
        let f = SourceFile::new(
            "pyproject.toml",
            "[project]\ndependencies = [\n    \"pandas\",\n]\n",
        );
        let start = f.text.find("\"pandas\"").unwrap();
        let span = Span::new(start, start + 8);
        assert_eq!(f.line_col(start), LineCol { line: 3, column: 5 });
        assert_eq!(
            f.snippet(span),
            " --> pyproject.toml:3:5\n  |\n3 |     \"pandas\",\n  |     ^^^^^^^^"
        );
    }

    #[test]
    fn columns_count_characters() {
        let f = SourceFile::new("r.txt", "é = 1\nx");
        assert_eq!(f.line_col(f.text.find('=').unwrap()).column, 3);
        assert_eq!(f.line_col(10_000), LineCol { line: 2, column: 2 });
    }
}
