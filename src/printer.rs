//! The output layer: the only place that writes to stdout and stderr.
//!
//! stdout carries data (exports, JSON, trees); stderr carries everything meant for
//! people: progress, warnings, errors. Colour follows `--color` and `NO_COLOR`
//! (anstream strips styles when colour is off).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};

use crate::cli::{ColorChoice, GlobalArgs};
use crate::index::IndexError;
use crate::lock::LockError;
use crate::project::{InputWarning, ProjectError};
use crate::source::InputError;

/// Bold red, for `error`.
pub const ERROR: Style = AnsiColor::Red.on_default().bold();
/// Bold yellow, for `warning`.
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
/// Bold cyan, for `hint` / `help`.
pub const HINT: Style = AnsiColor::Cyan.on_default().bold();
/// Bold blue, for snippet gutters.
pub const GUTTER: Style = AnsiColor::Blue.on_default().bold();
/// Bold, for emphasis.
pub const BOLD: Style = Style::new().bold();

/// How much to say on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
    Debug,
}

/// Writes data to stdout and messages to stderr.
#[derive(Debug, Clone)]
pub struct Printer {
    verbosity: Verbosity,
    progress: bool,
}

impl Printer {
    /// Sets the global colour choice and returns a printer for the given flags.
    pub fn new(global: &GlobalArgs) -> Self {
        let choice = match global.color {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
        let verbosity = match (global.quiet, global.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Verbose,
            (false, _) => Verbosity::Debug,
        };
        let progress = verbosity == Verbosity::Normal
            && !global.no_progress
            && std::io::stderr().is_terminal();
        Self {
            verbosity,
            progress,
        }
    }

    /// A printer that writes messages at normal verbosity and never shows progress (tests).
    pub fn plain() -> Self {
        Self {
            verbosity: Verbosity::Normal,
            progress: false,
        }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// Whether progress bars may be drawn (a terminal, no `-q`/`-v`/`--no-progress`).
    pub fn show_progress(&self) -> bool {
        self.progress
    }

    /// Writes data to stdout. Errors (a closed pipe) are returned so the caller can stop.
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        let mut out = anstream::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    /// A message for people, shown unless `-q`.
    pub fn info(&self, text: &str) {
        if self.verbosity >= Verbosity::Normal {
            to_stderr(&format!("{text}\n"));
        }
    }

    /// A message shown only with `-v`.
    pub fn verbose(&self, text: &str) {
        if self.verbosity >= Verbosity::Verbose {
            to_stderr(&format!("{text}\n"));
        }
    }

    /// `warning: ...`, shown unless `-q`.
    pub fn warn(&self, text: &str) {
        if self.verbosity >= Verbosity::Normal {
            to_stderr(&format!("{WARNING}warning{WARNING:#}: {text}\n"));
        }
    }

    /// Pre-rendered diagnostic text (may contain styles), always shown on stderr.
    pub fn diagnostic(&self, text: &str) {
        to_stderr(text);
    }

    /// `warning: ...` with the snippet, for remarks about the input (an ignored Poetry
    /// table, ...), shown unless `-q`.
    pub fn input_warning(&self, warning: &InputWarning) {
        if self.verbosity >= Verbosity::Normal {
            to_stderr(&format!(
                "{WARNING}warning{WARNING:#}: {}\n{}\n\n",
                warning.message,
                warning.file.snippet(warning.span)
            ));
        }
    }

    /// Renders a failure: `error: ...`, the snippet for input errors, `Caused by:` lines
    /// and a `hint:` when one is known.
    pub fn error(&self, err: &anyhow::Error) {
        to_stderr(&render_error(err));
    }
}

/// Writes `text` (which may contain styles) to stderr. Without colour, the styles are
/// stripped first and the text goes out in one write: anstream's stripping writer
/// issues a write per unstyled piece, hundreds for a page of warnings.
fn to_stderr(text: &str) {
    let stderr = std::io::stderr();
    if anstream::AutoStream::choice(&stderr) == anstream::ColorChoice::Never {
        let plain = anstream::adapter::strip_str(text).to_string();
        let _ = stderr.lock().write_all(plain.as_bytes());
    } else {
        let _ = anstream::AutoStream::auto(stderr)
            .lock()
            .write_all(text.as_bytes());
    }
}

/// `-v` shows pinctl's own warnings and info logs (skipped files, invalid metadata), `-vv` its
/// debug logs, on stderr.
pub fn init_logging(verbosity: Verbosity) {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let level = match verbosity {
        Verbosity::Quiet => return,
        Verbosity::Normal => tracing::Level::ERROR,
        Verbosity::Verbose => tracing::Level::INFO,
        Verbosity::Debug => tracing::Level::DEBUG,
    };
    let only_pinctl = tracing_subscriber::filter::filter_fn(move |meta| {
        meta.target().starts_with("pinctl") && *meta.level() <= level
    });
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .without_time()
                .with_target(false),
        )
        .with(only_pinctl)
        .try_init();
}

/// An error with a known fix, for errors that are not tied to a file position.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct HintedError {
    pub message: String,
    pub hint: String,
}

impl HintedError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// Whether the failure is a closed stdout (`pinctl export | head`): exit quietly then.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The positional error inside `cause`, also when a module error wraps it transparently.
fn as_input_error<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a InputError> {
    if let Some(input) = cause.downcast_ref::<InputError>() {
        return Some(input);
    }
    if let Some(project) = cause.downcast_ref::<ProjectError>() {
        return project.input_error();
    }
    match cause.downcast_ref::<LockError>() {
        Some(LockError::Input(input)) => Some(input),
        _ => None,
    }
}

/// The text [`Printer::error`] writes (styles included; anstream strips them when needed).
pub fn render_error(err: &anyhow::Error) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut hint = None;
    let _ = writeln!(out, "{ERROR}error{ERROR:#}: {err}");
    for cause in err.chain() {
        if let Some(input) = as_input_error(cause) {
            let _ = writeln!(out, "{}", input.file.snippet(input.span));
            hint = hint.or(input.hint.clone());
        } else if let Some(h) = cause.downcast_ref::<HintedError>() {
            hint = hint.or(Some(h.hint.clone()));
        } else if let Some(index) = cause.downcast_ref::<IndexError>() {
            match index {
                IndexError::Offline { .. } => {
                    hint = hint.or(Some(
                        "run once without `--offline` to fill the cache".to_owned(),
                    ));
                }
                IndexError::Refused { hint: h, .. } => hint = hint.or(Some(h.clone())),
                IndexError::NeedsBuild { name, version, .. } => {
                    hint = hint.or(Some(format!(
                        "pinctl reads metadata without running package code: require a version of `{name}` that ships a wheel or static metadata (for example `{name}!={version}`), or a maintained replacement"
                    )));
                }
                _ => {}
            }
        }
    }
    for cause in err.chain().skip(1) {
        let _ = writeln!(out, "  {BOLD}Caused by:{BOLD:#} {cause}");
    }
    if let Some(hint) = hint {
        let _ = writeln!(out, "{HINT}hint{HINT:#}: {hint}");
    }
    out
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn an_sdist_that_needs_a_build_gets_a_hint() {
        let err = anyhow::Error::new(IndexError::NeedsBuild {
            name: pep508_rs::PackageName::from_str("pycrypto").unwrap(),
            version: pep440_rs::Version::from_str("2.6.1").unwrap(),
            reason: "PKG-INFO has Metadata-Version 1.1".to_owned(),
        })
        .context("failed to fetch the metadata of `pycrypto` 2.6.1");
        let text = anstream::adapter::strip_str(&render_error(&err)).to_string();
        assert!(
            text.contains("Caused by: cannot read the metadata of `pycrypto` 2.6.1"),
            "{text}"
        );
        assert!(
            text.contains("hint: pinctl reads metadata without running package code: require a version of `pycrypto` that ships a wheel or static metadata (for example `pycrypto!=2.6.1`)"),
            "{text}"
        );
    }
}
