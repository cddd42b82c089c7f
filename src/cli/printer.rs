//! The output layer: the only place that writes to stdout and stderr.
//!
//! stdout carries data (exports, JSON, trees); stderr carries everything meant for
//! people: progress, warnings, errors. Colour follows `--color` and `NO_COLOR`
//! (anstream strips styles when colour is off).
#![allow(clippy::print_stdout, clippy::print_stderr)]
// Every message goes through the printer even where it needs none of its state yet.
#![allow(clippy::unused_self)]

use std::io::{IsTerminal, Write};

use pinctl::diagnostic::Report;
use pinctl::ops::Warning;
use pinctl::project::InputWarning;
pub use pinctl::style::{BOLD, ERROR, HINT, WARNING};

use crate::cli::args::{ColorChoice, GlobalArgs};

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

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    /// Whether progress bars may be drawn (a terminal, no `-q`/`-v`/`--no-progress`).
    pub fn show_progress(&self) -> bool {
        self.progress
    }

    /// Writes data to stdout. A closed stdout (`pinctl export | head`) ends the process
    /// quietly with exit 0: the reader has what it wanted.
    pub fn data(&self, text: &str) -> Result<(), Report> {
        let text = pinctl::index::auth::scrub(text);
        let mut out = anstream::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
            Err(e) => Err(Report::from(e).context("failed to write to stdout")),
        }
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

    /// A warning from the library, shown unless `-q`.
    pub fn warning(&self, warning: Warning<'_>) {
        match warning {
            Warning::Input(w) => self.input_warning(w),
            Warning::Findings(findings) => {
                if self.verbosity >= Verbosity::Normal {
                    self.diagnostic(&pinctl::lint::render::human(findings));
                }
            }
            Warning::Message(text) => self.warn(text),
        }
    }

    /// Renders a failure: `error: ...`, the snippet for input errors, `Caused by:` lines
    /// and a `hint:` when one is known.
    pub fn error(&self, err: &Report) {
        to_stderr(&render_error(err));
    }
}

/// Writes `text` (which may contain styles) to stderr, with the index's secrets
/// scrubbed. Without colour, the styles are stripped first and the text goes out in one
/// write: anstream's stripping writer issues a write per unstyled piece, hundreds for a
/// page of warnings.
fn to_stderr(text: &str) {
    let text = &*pinctl::index::auth::scrub(text);
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
                .with_writer(|| LogLine(Vec::new()))
                .with_ansi(
                    anstream::AutoStream::choice(&std::io::stderr())
                        != anstream::ColorChoice::Never,
                )
                .without_time()
                .with_target(false),
        )
        .with(only_pinctl)
        .try_init();
}

/// One log event, gathered and written to stderr (through [`to_stderr`], so scrubbed of
/// secrets) when the logger drops it.
struct LogLine(Vec<u8>);

impl Write for LogLine {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LogLine {
    fn drop(&mut self) {
        to_stderr(&String::from_utf8_lossy(&self.0));
    }
}

/// The text [`Printer::error`] writes (styles included; anstream strips them when needed):
/// the message, each snippet, the causes, and the first hint along the chain.
pub fn render_error(err: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let chain = err.chain();
    let _ = writeln!(out, "{ERROR}error{ERROR:#}: {}", chain[0]);
    for snippet in err.snippets() {
        let _ = writeln!(out, "{snippet}");
    }
    for cause in &chain[1..] {
        let _ = writeln!(out, "  {BOLD}Caused by:{BOLD:#} {cause}");
    }
    if let Some(hint) = err.hint() {
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
        let err = Report::from(pinctl::index::IndexError::NeedsBuild {
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
