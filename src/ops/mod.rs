//! One function per command: what `pinctl <command>` does, without flags or printing.
//!
//! Each takes its options (already merged from flags, environment and pyproject.toml
//! by the caller), the [`PackageIndex`](crate::index::PackageIndex) to ask when it needs
//! one, and a [`Reporter`](crate::reporter::Reporter) for progress and warnings, and
//! returns an outcome for the caller to render. Failures are [`Report`]s, so that each
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
use crate::lock::Lock;

/// Reads the project's pylock.toml, which must exist (`export`, `outdated`).
fn read_lock(path: &std::path::Path) -> Result<Lock> {
    Lock::read(path)?.ok_or_else(|| {
        Report::hinted(
            format!("no lock file: `{}` does not exist", path.display()),
            "run `pinctl lock` to create it",
        )
    })
}
