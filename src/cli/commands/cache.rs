//! `pinctl cache dir` and `pinctl cache clean`: show or clear the index cache.
//!
//! What `clean` removes is [`pinctl::ops::cache_clean`]'s business: only pinctl's own
//! entries, so a mistyped `--cache-dir` cannot wipe an unrelated directory.

use pinctl::diagnostic::Result;
use pinctl::ops;

use crate::cli::args::{CacheCommand, CacheCommandArgs};
use crate::cli::commands::ExitStatus;
use crate::cli::printer::Printer;
use crate::cli::settings::{Sources, cache_dir};

/// Runs `pinctl cache dir` or `pinctl cache clean`.
pub fn run(args: &CacheCommandArgs, sources: Sources<'_>, printer: &Printer) -> Result<ExitStatus> {
    let CacheCommandArgs { command } = args;
    let sources = sources.subcommand();
    match command {
        CacheCommand::Dir(cache) => {
            printer.data(&format!("{}\n", cache_dir(cache, sources).value.display()))?;
        }
        CacheCommand::Clean(cache) => {
            let dir = cache_dir(cache, sources).value;
            let removed = ops::cache_clean(&dir)?;
            if removed.existed {
                printer.info(&format!(
                    "Removed {} from {}",
                    human_bytes(removed.bytes),
                    dir.display()
                ));
            } else {
                printer.info(&format!(
                    "Nothing to clean: {} does not exist",
                    dir.display()
                ));
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// `1.2 MiB` style sizes.
fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(clippy::cast_precision_loss)]
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_bytes(10), "10 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
    }
}
