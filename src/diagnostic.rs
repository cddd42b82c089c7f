//! How an error is shown to a person: the one trait the CLI renders every failure
//! through, and [`Report`], the error type of the [`ops`](crate::ops) layer.
//!
//! A domain error implements [`Diagnostic`] to say what it knows beyond its message:
//! the fix ([`hint`](Diagnostic::hint)), where in the input it is
//! ([`snippet`](Diagnostic::snippet)) and the diagnostic it wraps
//! ([`wrapped`](Diagnostic::wrapped)), so that nothing has to downcast to find them.

use std::fmt;

/// An error that can explain itself: its message (`Display`), the errors under it
/// (`source`), and optionally a fix and a snippet of the input.
pub trait Diagnostic: std::error::Error + Send + Sync + 'static {
    /// What to do about it, one line (`hint: ...`).
    fn hint(&self) -> Option<String> {
        None
    }
    /// The input around the fault, already rendered (file, line, column, gutter).
    fn snippet(&self) -> Option<String> {
        None
    }
    /// The diagnostic this one wraps, when its hint or snippet should show too. Its
    /// message is part of the `source` chain already.
    fn wrapped(&self) -> Option<&dyn Diagnostic> {
        None
    }
}

impl Diagnostic for std::io::Error {}
impl Diagnostic for std::fmt::Error {}

/// A plain message, with a hint when the fix is known: for failures that are not tied to
/// one module's error type (a missing lock file, a flag that does not apply).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Hinted {
    pub message: String,
    pub hint: Option<String>,
}

impl Hinted {
    /// A message with its fix.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    /// A message without a known fix.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: None,
        }
    }
}

impl Diagnostic for Hinted {
    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

/// A failure on its way to the user: one [`Diagnostic`] and the context lines added on
/// the way up (outermost last), as in `error: <context>` / `Caused by: <diagnostic>`.
pub struct Report {
    diagnostic: Box<dyn Diagnostic>,
    context: Vec<String>,
}

/// The result of an operation that ends up in front of the user.
pub type Result<T, E = Report> = std::result::Result<T, E>;

impl Report {
    /// A report of a plain message.
    pub fn msg(message: impl Into<String>) -> Self {
        Hinted::msg(message).into()
    }

    /// A report of a message with its fix.
    pub fn hinted(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Hinted::new(message, hint).into()
    }

    /// Adds a line of context above the failure.
    #[must_use]
    pub fn context(mut self, context: impl fmt::Display) -> Self {
        self.context.push(context.to_string());
        self
    }

    /// The error at the root of the report.
    pub fn diagnostic(&self) -> &dyn Diagnostic {
        self.diagnostic.as_ref()
    }

    /// Every message, outermost first: the context lines, the diagnostic, its sources.
    pub fn chain(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.context.iter().rev().cloned().collect();
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self.diagnostic.as_ref());
        while let Some(err) = cause {
            lines.push(err.to_string());
            cause = err.source();
        }
        lines
    }

    /// The first hint along the diagnostic chain, outermost first.
    pub fn hint(&self) -> Option<String> {
        self.diagnostics().find_map(Diagnostic::hint)
    }

    /// The snippets along the diagnostic chain, outermost first.
    pub fn snippets(&self) -> Vec<String> {
        self.diagnostics().filter_map(Diagnostic::snippet).collect()
    }

    fn diagnostics(&self) -> impl Iterator<Item = &dyn Diagnostic> {
        std::iter::successors(Some(self.diagnostic.as_ref()), |d| d.wrapped())
    }
}

impl<E: Diagnostic> From<E> for Report {
    fn from(err: E) -> Self {
        Self {
            diagnostic: Box::new(err),
            context: Vec::new(),
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.context.last() {
            Some(outer) => f.write_str(outer),
            None => fmt::Display::fmt(&self.diagnostic, f),
        }
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self.chain().into_iter();
        if let Some(first) = lines.next() {
            f.write_str(&first)?;
        }
        for line in lines {
            write!(f, "\n  Caused by: {line}")?;
        }
        Ok(())
    }
}

/// `.context(...)` on results, as anyhow has it, for anything that becomes a [`Report`].
pub trait Context<T> {
    /// Adds `context` above the error.
    fn context(self, context: impl fmt::Display) -> Result<T>;
    /// Adds the context `f` computes, only on error.
    fn with_context<C: fmt::Display>(self, f: impl FnOnce() -> C) -> Result<T>;
}

impl<T, E: Into<Report>> Context<T> for std::result::Result<T, E> {
    fn context(self, context: impl fmt::Display) -> Result<T> {
        self.map_err(|err| Into::<Report>::into(err).context(context))
    }

    fn with_context<C: fmt::Display>(self, f: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|err| Into::<Report>::into(err).context(f()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Hinted);

    impl Diagnostic for Outer {
        fn wrapped(&self) -> Option<&dyn Diagnostic> {
            Some(&self.0)
        }
    }

    #[test]
    fn the_chain_lists_context_then_the_diagnostic_then_its_sources() {
        let report = Report::from(Outer(Hinted::new("inner", "do this")))
            .context("middle")
            .context("top");
        assert_eq!(report.to_string(), "top");
        assert_eq!(report.chain(), ["top", "middle", "outer", "inner"]);
        assert_eq!(report.hint().as_deref(), Some("do this"));
    }

    #[test]
    fn context_on_a_result_wraps_the_error() {
        let result: std::result::Result<(), Hinted> = Err(Hinted::msg("no"));
        let report = result.context("while trying").unwrap_err();
        assert_eq!(report.chain(), ["while trying", "no"]);
        assert_eq!(report.hint(), None);
    }
}
