//! Source files and spans: where a piece of user input came from.
//!
//! Every input error and every lint finding points at a byte span of a
//! [`SourceFile`]; this module turns spans into `line:column` and renders the
//! rustc-style snippet (`--> file:line:col`, the line, a caret). It must not
//! decide what is wrong with the input: callers bring the message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anstyle::Style;

/// The text of one input file, kept so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user should see it (relative to the working directory when possible).
    pub path: PathBuf,
    /// The whole file.
    pub text: String,
    /// The byte offset where each line starts, built on first use, so that a file with
    /// thousands of findings turns each span into `line:column` without rescanning it.
    line_starts: OnceLock<Vec<usize>>,
}

impl PartialEq for SourceFile {
    fn eq(&self, other: &Self) -> bool {
        self.path == other.path && self.text == other.text
    }
}

impl Eq for SourceFile {}

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
            line_starts: OnceLock::new(),
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
        let starts = self.line_starts();
        // The last line starting at or before `offset` (line 1 starts at 0).
        let index = starts.partition_point(|&start| start <= offset) - 1;
        let column = self.text[starts[index]..offset].chars().count() + 1;
        LineCol {
            line: index + 1,
            column,
        }
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |&next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
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
    /// Multi-line spans are underlined on their first line only. A line longer than
    /// [`SNIPPET_WIDTH`] characters is cut to a window around the span, with `...` where
    /// text was left out, so a finding in a one-line array of thousands of entries
    /// quotes a bounded piece of it rather than the whole line.
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
        let line_start = self.line_starts()[start.line - 1];
        let start_byte = floor_char_boundary(&self.text, span.start.min(self.text.len()))
            .saturating_sub(line_start)
            .min(line.len());
        let shown = window(line, start.column - 1, start_byte, width);
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
        let _ = writeln!(out, "{g}{} |{g:#} {}", start.line, shown.text);
        let _ = write!(
            out,
            "{g}{pad} |{g:#} {}{carets}{}{carets:#}",
            " ".repeat(shown.caret_column),
            "^".repeat(shown.caret_width)
        );
        out
    }
}

/// The most characters of a source line a snippet quotes (plus `...` on either side).
pub const SNIPPET_WIDTH: usize = 100;

/// The part of a line a snippet shows, and where its carets go (in characters).
struct Window {
    text: String,
    caret_column: usize,
    caret_width: usize,
}

/// Cuts `line` to at most [`SNIPPET_WIDTH`] characters around the span that starts at
/// character `start` and is `width` characters wide (it may reach one past the end of
/// the line, for a span at the line's end): some context before the span, as much of
/// the span as fits, `...` for each cut. `start_byte` is where character `start` begins,
/// so that the cut is found by walking at most a window's width of characters.
fn window(line: &str, start: usize, start_byte: usize, width: usize) -> Window {
    let len = line.chars().count();
    if len <= SNIPPET_WIDTH {
        return Window {
            text: line.to_owned(),
            caret_column: start,
            caret_width: width,
        };
    }
    // Leave room for context before the span even when the span is wider than the window.
    let visible = width.min(SNIPPET_WIDTH - SNIPPET_WIDTH / 5);
    let before = start.min((SNIPPET_WIDTH - visible) / 2);
    let mut from = start - before;
    let to = (from + SNIPPET_WIDTH).min(len);
    // Near the end of the line: fill the window with more text before the span.
    from = from.min(to.saturating_sub(SNIPPET_WIDTH));
    let from_byte = match (start - from).checked_sub(1) {
        None => start_byte,
        Some(back) => line[..start_byte]
            .char_indices()
            .rev()
            .nth(back)
            .map_or(0, |(i, _)| i),
    };
    let to_byte = line[from_byte..]
        .char_indices()
        .nth(to - from)
        .map_or(line.len(), |(i, _)| from_byte + i);
    let (head, tail) = (from > 0, to < len);
    let mut text = String::with_capacity(SNIPPET_WIDTH + 8);
    if head {
        text.push_str("...");
    }
    text.push_str(&line[from_byte..to_byte]);
    if tail {
        text.push_str("...");
    }
    // A span reaching past the window is underlined up to the cut (or one past the end
    // of the line, for a span at its end).
    let limit = if tail { to } else { len + 1 };
    Window {
        text,
        caret_column: start - from + if head { 3 } else { 0 },
        caret_width: width.min(limit.saturating_sub(start)).max(1),
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

    /// The quoted line and the caret line of a snippet.
    fn quoted(snippet: &str) -> (String, String) {
        let lines: Vec<&str> = snippet.lines().collect();
        let strip = |l: &str| l.split_once(" | ").map_or("", |(_, t)| t).to_string();
        (strip(lines[2]), strip(lines[3]))
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let entries: Vec<String> = (0..4000).map(|i| format!("\"pkg{i}\"")).collect();
        let text = format!("dependencies = [{}]\n", entries.join(", "));
        let f = SourceFile::new("pyproject.toml", text.as_str());
        for name in ["\"pkg0\"", "\"pkg2000\"", "\"pkg3999\""] {
            let start = f.text.find(name).unwrap();
            let snippet = f.snippet(Span::new(start, start + name.len()));
            assert!(snippet.starts_with(&format!(" --> pyproject.toml:1:{}\n", start + 1)));
            let (line, carets) = quoted(&snippet);
            assert!(line.chars().count() <= SNIPPET_WIDTH + 6, "{line}");
            // The carets sit exactly under the span.
            let at = carets.find('^').unwrap();
            assert_eq!(carets.trim_start(), "^".repeat(name.len()));
            assert_eq!(&line[at..at + name.len()], name);
        }
        let start = f.text.find("\"pkg2000\"").unwrap();
        let (line, _) = quoted(&f.snippet(Span::new(start, start + 9)));
        assert!(line.starts_with("...") && line.ends_with("..."), "{line}");
        let (line, carets) = quoted(&f.snippet(Span::new(0, 12)));
        assert!(line.starts_with("dependencies = [\"pkg0\", ") && line.ends_with("..."));
        assert_eq!(carets, "^".repeat(12));
        // The end of the line: no cut after it, the window filled from before.
        let end = f.text.len() - 1;
        let (line, carets) = quoted(&f.snippet(Span::new(end - 1, end)));
        assert!(
            line.starts_with("...") && line.ends_with("\"pkg3999\"]"),
            "{line}"
        );
        assert_eq!(line.chars().count(), SNIPPET_WIDTH + 3);
        assert_eq!(carets.len(), line.len());
        assert!(carets.ends_with(" ^"));
    }

    #[test]
    fn a_span_wider_than_the_window_is_underlined_to_the_cut() {
        let text = format!("x = \"{}\"", "é".repeat(300));
        let f = SourceFile::new("r.toml", text.as_str());
        let (line, carets) = quoted(&f.snippet(Span::new(4, f.text.len())));
        assert_eq!(line.chars().count(), SNIPPET_WIDTH + 3);
        assert!(line.starts_with("x = \"éé") && line.ends_with("é..."));
        assert_eq!(carets, format!("    {}", "^".repeat(SNIPPET_WIDTH - 4)));
    }

    #[test]
    fn columns_count_characters() {
        let f = SourceFile::new("r.txt", "é = 1\nx");
        assert_eq!(f.line_col(f.text.find('=').unwrap()).column, 3);
        assert_eq!(f.line_col(10_000), LineCol { line: 2, column: 2 });
    }
}
