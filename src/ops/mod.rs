//! One function per command: what `pinctl <command>` does, without flags or printing.
//!
//! Each takes its options (already merged from flags, environment and pyproject.toml
//! by the caller), the [`PackageIndex`](crate::index::PackageIndex) to ask when it needs
//! one, and an [`Observer`] for progress and warnings, and returns an outcome for the
//! caller to render. Failures are [`Report`]s, so that each
//! keeps its hint and snippet. The CLI is one caller; tests and library users are others.

mod cache;
mod check;
mod export;
mod lock;
mod outdated;

pub use cache::{CacheClean, cache_clean};
pub use check::{CheckOptions, CheckOutcome, check};
pub use export::{ExportFormat, ExportOptions, ExportOutcome, export};
pub use lock::{LockCheck, LockMode, LockOptions, LockOutcome, check_lock, lock};
pub use outdated::{OutdatedOptions, outdated};

use crate::diagnostic::{Report, Result};
use crate::lint::Finding;
use crate::lock::Lock;
use crate::project::InputWarning;
use crate::reporter::{NoReporter, Reporter};

/// Something the user should know that does not stop the command, in the order it
/// arises.
#[derive(Debug, Clone, Copy)]
pub enum Warning<'a> {
    /// A remark about the input file, with its position (an ignored Poetry table, ...).
    Input(&'a InputWarning),
    /// Lint findings about the project's own specifiers, shown together.
    Findings(&'a [Finding]),
    /// A plain warning, one sentence.
    Message(&'a str),
}

/// Receives what an operation has to say: its progress (the [`Reporter`] events the
/// index and the resolver send) and its warnings.
pub trait Observer: Reporter {
    /// A warning for the user.
    fn on_warning(&self, _warning: Warning<'_>) {}
}

impl Observer for NoReporter {}

/// Reads the project's pylock.toml, which must exist (`export`, `outdated`).
fn read_lock(path: &std::path::Path) -> Result<Lock> {
    Lock::read(path)?.ok_or_else(|| {
        Report::hinted(
            format!("no lock file: `{}` does not exist", path.display()),
            "run `pinctl lock` to create it",
        )
    })
}
