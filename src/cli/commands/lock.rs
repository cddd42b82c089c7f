//! `pinctl lock`: settings, [`ops::lock`] (or [`ops::check_lock`] for `--check`), and
//! what happened, on stderr.

use std::sync::Arc;
use std::time::Instant;

use pinctl::diagnostic::{Report, Result};
use pinctl::index::HttpIndex;
use pinctl::lock::{LOCK_FILE_NAME, Lock};
use pinctl::ops::{self, LockCheck, LockMode, LockOptions, LockOutcome};
use pinctl::project::{self, Scope};

use crate::cli::args::{GlobalArgs, LockArgs};
use crate::cli::commands::{ExitStatus, Leak, run_interruptible, runtime};
use crate::cli::printer::Printer;
use crate::cli::progress::ProgressReporter;
use crate::cli::settings::{LockSettings, Sources};

pub fn run(
    global: &GlobalArgs,
    args: &LockArgs,
    sources: Sources<'_>,
    printer: &Printer,
) -> Result<ExitStatus> {
    let started = Instant::now();
    let dir = global.directory.clone().unwrap_or_default();
    let project = project::read_project(&dir)?;
    let settings = LockSettings::resolve(args, sources, &project)?;
    tracing::debug!("{}", settings.network.describe());
    if settings.check {
        return Ok(render_check(
            &ops::check_lock(&project, &dir, settings.network.index_url())?,
            printer,
        ));
    }
    let options = LockOptions {
        index_url: settings.network.index_url().to_owned(),
        upgrade: settings.upgrade.clone(),
        mode: settings.mode,
        concurrency: settings.network.concurrency.value,
        cache_dir: (!settings.network.offline).then(|| settings.network.cache_dir.value.clone()),
    };
    let reporter = Arc::new(ProgressReporter::new(printer, "Resolving"));
    let runtime = runtime()?;
    let index = HttpIndex::new(settings.network.index_settings(), reporter.clone())?;
    let outcome = run_interruptible(
        runtime,
        ops::lock(
            &project,
            &dir,
            &options,
            Arc::new(index.clone()),
            reporter.clone(),
        ),
    );
    reporter.finish();
    let _leak = Leak(Some(index));
    let Some(outcome) = outcome else {
        return Ok(ExitStatus::Interrupted);
    };
    Ok(render(&outcome?, settings.mode, started, printer))
}

/// What `lock` did, on stderr.
fn render(
    outcome: &LockOutcome,
    mode: LockMode,
    started: Instant,
    printer: &Printer,
) -> ExitStatus {
    let LockOutcome {
        lock,
        existed,
        changes,
        unchanged,
        ..
    } = outcome;
    match mode {
        LockMode::DryRun => {
            if !existed {
                for package in &lock.packages {
                    printer.info(&format!("Add {} {}", package.name, package.version));
                }
            }
            for change in changes {
                printer.info(&change.to_string());
            }
            if *unchanged {
                printer.info(&format!("{LOCK_FILE_NAME} is up to date"));
            } else if *existed && changes.is_empty() {
                // Same versions, other inputs (requires-python, a requirement, a group).
                printer.info(&format!(
                    "No version changes; {LOCK_FILE_NAME} would be rewritten to match pyproject.toml"
                ));
            }
            printer.info("Dry run: nothing was written");
            ExitStatus::Success
        }
        LockMode::Locked if !unchanged => {
            let what = if !existed {
                format!("{LOCK_FILE_NAME} does not exist")
            } else if changes.is_empty() {
                format!("{LOCK_FILE_NAME} would change (same versions, other inputs)")
            } else {
                let shown: Vec<String> = changes.iter().take(10).map(ToString::to_string).collect();
                let more = changes.len().saturating_sub(shown.len());
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                format!("{LOCK_FILE_NAME} would change ({}{tail})", shown.join(", "))
            };
            printer.error(&Report::hinted(
                format!("{what}, and `--locked` forbids writing it"),
                "run `pinctl lock` without `--locked` and commit the result",
            ));
            ExitStatus::Failure
        }
        LockMode::Locked | LockMode::Write => {
            for change in changes {
                printer.verbose(&change.to_string());
            }
            printer.info(&summary(lock, started.elapsed().as_secs_f64()));
            ExitStatus::Success
        }
    }
}

/// What `lock --check` found, on stderr.
fn render_check(check: &LockCheck, printer: &Printer) -> ExitStatus {
    match check {
        LockCheck::Missing(path) => {
            printer.error(&Report::hinted(
                format!("`{}` does not exist", path.display()),
                "run `pinctl lock` to create it",
            ));
            ExitStatus::Failure
        }
        LockCheck::Fresh => {
            printer.info(&format!(
                "{LOCK_FILE_NAME} is up to date with pyproject.toml"
            ));
            ExitStatus::Success
        }
        LockCheck::Stale(stale) => {
            printer.error(&Report::from(stale.clone()));
            ExitStatus::Failure
        }
    }
}

/// `Locked 60 packages (42 production, 18 dev-only) in 1.2s`
fn summary(lock: &Lock, seconds: f64) -> String {
    let total = lock.packages.len();
    let production = lock
        .packages
        .iter()
        .filter(|p| p.needed_by.contains_key(&Scope::Production))
        .count();
    let other = total - production;
    let noun = if total == 1 { "package" } else { "packages" };
    format!(
        "Locked {total} {noun} ({production} production, {other} only in groups or extras) in {seconds:.2}s"
    )
}
