//! `pinctl lock`: resolve pyproject.toml against the index and write pylock.toml.
//!
//! Thin: reads the project, merges settings, calls `resolve::resolve` and
//! `lock::build_lock`, and reports. `--check` never touches the network.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use pep508_rs::PackageName;

use crate::cli::{GlobalArgs, LockArgs};
use crate::commands::ExitStatus;
use crate::index::HttpIndex;
use crate::lint::{self, LintLevels, render};
use crate::lock::{self, Freshness, LOCK_FILE_NAME, Lock, LockInputs};
use crate::printer::{HintedError, Printer, Verbosity};
use crate::progress::ProgressReporter;
use crate::project::{self, Project, Scope};
use crate::resolve::{self, ResolveInput, ResolveOptions, Upgrade};
use crate::settings;

pub fn run(global: &GlobalArgs, args: LockArgs, printer: &Printer) -> anyhow::Result<ExitStatus> {
    let LockArgs {
        upgrade,
        upgrade_package,
        check,
        locked,
        dry_run,
        index,
    } = args;
    let started = Instant::now();
    let dir = global.directory.clone().unwrap_or_default();
    let project = project::read_project(&dir)?;
    reject_direct_references(&project)?;
    let mut settings = settings::index_settings(&index, Some(&project))?;
    // An upgrade asks for today's releases: cached index pages (up to 10 minutes old)
    // could hide one published since.
    settings.refresh |= (upgrade || !upgrade_package.is_empty()) && !settings.offline;
    let inputs = LockInputs::from_project(&project, &settings.url);
    let lock_path = dir.join(LOCK_FILE_NAME);
    let existing = Lock::read(&lock_path).map_err(|err| {
        // The reader's own hint is "run `pinctl lock`", which is what failed here.
        let err = match err {
            lock::LockError::Input(e) => lock::LockError::Input(e.with_hint(format!(
                "fix `{LOCK_FILE_NAME}` or delete it, then run `pinctl lock` again"
            ))),
            io @ lock::LockError::Io(_) => io,
        };
        err.into_anyhow().context(format!(
            "failed to read the existing lock `{}` (delete it to lock from scratch)",
            lock_path.display()
        ))
    })?;

    if check {
        return Ok(check_only(existing.as_ref(), &inputs, &lock_path, printer));
    }
    for warning in &project.warnings {
        printer.input_warning(warning);
    }
    // Lint findings come after the resolution, so that their suggestions bound and pin
    // around the versions just locked (or, when locking fails, the old lock's).
    let levels = lint_levels(&project)?;

    let upgrade = parse_upgrade(upgrade, &upgrade_package)?;
    let options = ResolveOptions {
        preferences: preferences(existing.as_ref(), &upgrade),
        upgrade,
        concurrency: settings.concurrency,
        ..ResolveOptions::default()
    };
    let input = ResolveInput {
        project_name: project.name.clone(),
        requires_python: inputs.requires_python.clone(),
        scopes: inputs.scopes.clone(),
    };
    if !settings.offline {
        warn_if_cache_unwritable(&settings.cache_dir, printer);
    }
    let reporter = Arc::new(ProgressReporter::new(printer, "Resolving"));
    // Blocking work (cache reads, parsing) is CPU-bound: more threads than cores only
    // cost each new thread its own allocator pages (measured on 2 cores: a warm lock
    // took 20 ms with 8 blocking threads, 19 with 2, and used a quarter less memory).
    // One more blocking thread than cores, as the solver holds one for the whole run.
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .worker_threads(threads)
        .max_blocking_threads(threads + 1)
        .build()
        .context("failed to start the async runtime")?;
    let index = HttpIndex::new(settings, reporter.clone())?;
    let resolution = runtime.block_on(resolve::resolve(
        &input,
        Arc::new(index.clone()),
        &options,
        reporter.clone(),
    ));
    reporter.finish();
    // Prefetches the solver did not need may still be in flight. Stop them now: a TLS
    // handshake still running while the process exits can abort it (aws-lc's entropy
    // source, seen as an exit status of 134 after the lock was written). Pending
    // requests are dropped at once; a cache write in progress gets a moment to finish.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    // The index holds every project page read (tens of megabytes in small allocations):
    // the process is about to exit, so it is not freed.
    let _leak = Leak(Some(index));
    let resolution = match resolution {
        Ok(resolution) => resolution,
        Err(err) => {
            report_lint(&project, &levels, existing.as_ref(), printer);
            return Err(resolve_error(err));
        }
    };

    let new_lock = lock::build_lock(&resolution, &inputs);
    report_lint(&project, &levels, Some(&new_lock), printer);
    warn_if_shadowed(&project, &new_lock, printer);
    if let Upgrade::Packages(names) = &options.upgrade {
        for name in names {
            if !new_lock.packages.iter().any(|p| &p.name == name) {
                printer.warn(&format!(
                    "`--upgrade-package {name}`: `{name}` is not in the lock; nothing to upgrade"
                ));
            }
        }
    }
    let text = new_lock.to_toml();
    let changes = existing
        .as_ref()
        .map(|old| lock::diff(old, &new_lock))
        .unwrap_or_default();
    let unchanged = std::fs::read_to_string(&lock_path).is_ok_and(|old| old == text);

    if dry_run {
        if existing.is_none() {
            for package in &new_lock.packages {
                printer.info(&format!("Add {} {}", package.name, package.version));
            }
        }
        for change in &changes {
            printer.info(&change.to_string());
        }
        if unchanged {
            printer.info(&format!("{LOCK_FILE_NAME} is up to date"));
        } else if existing.is_some() && changes.is_empty() {
            // Same versions, other inputs (requires-python, a requirement, a group).
            printer.info(&format!(
                "No version changes; {LOCK_FILE_NAME} would be rewritten to match pyproject.toml"
            ));
        }
        printer.info("Dry run: nothing was written");
        return Ok(ExitStatus::Success);
    }
    if locked && !unchanged {
        let what = if existing.is_none() {
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
        printer.error(&anyhow::Error::new(HintedError::new(
            format!("{what}, and `--locked` forbids writing it"),
            "run `pinctl lock` without `--locked` and commit the result",
        )));
        return Ok(ExitStatus::Failure);
    }
    for change in &changes {
        printer.verbose(&change.to_string());
    }
    lock::write_if_changed(&lock_path, &text)
        .with_context(|| format!("failed to write `{}`", lock_path.display()))?;
    printer.info(&summary(&new_lock, started.elapsed().as_secs_f64()));
    Ok(ExitStatus::Success)
}

/// Forgets its value instead of dropping it (see its use in [`run`]).
struct Leak<T>(Option<T>);

impl<T> Drop for Leak<T> {
    fn drop(&mut self) {
        std::mem::forget(self.0.take());
    }
}

/// `lock --check`: compares fingerprints only.
fn check_only(
    existing: Option<&Lock>,
    inputs: &LockInputs,
    path: &Path,
    printer: &Printer,
) -> ExitStatus {
    let Some(lock) = existing else {
        printer.error(&anyhow::Error::new(HintedError::new(
            format!("`{}` does not exist", path.display()),
            "run `pinctl lock` to create it",
        )));
        return ExitStatus::Failure;
    };
    match lock::check_fresh(lock, inputs) {
        Freshness::Fresh => {
            printer.info(&format!(
                "{LOCK_FILE_NAME} is up to date with pyproject.toml"
            ));
            ExitStatus::Success
        }
        Freshness::Stale(reasons) => {
            printer.error(&anyhow::Error::new(HintedError::new(
                format!(
                    "{LOCK_FILE_NAME} is out of date with pyproject.toml: {}",
                    reasons.join("; ")
                ),
                "run `pinctl lock` and commit the result",
            )));
            ExitStatus::Failure
        }
    }
}

/// `name @ URL` (a URL, a `file://` path, a VCS URL) cannot be locked yet. Locking the
/// index's package of the same name instead would swap in unrelated code.
fn reject_direct_references(project: &Project) -> Result<(), crate::source::InputError> {
    for dep in project.all_dependencies() {
        if let Some(pep508_rs::VersionOrUrl::Url(url)) = &dep.requirement.version_or_url {
            let name = &dep.requirement.name;
            let kind = match url.scheme() {
                "file" => "a path",
                scheme if scheme.starts_with("git+") || scheme.starts_with("hg+") => "a VCS",
                _ => "a URL",
            };
            return Err(crate::source::InputError::new(
                &dep.file,
                dep.specifier_span.unwrap_or(dep.span),
                format!(
                    "`{name}` is {kind} dependency; pinctl does not support git, path or URL dependencies yet"
                ),
            )
            .with_hint(format!(
                "publish `{name}` to an index and depend on a version (`{name}>=1.0`), with `--index-url` if it is not PyPI"
            )));
        }
    }
    Ok(())
}

/// A project named like a package its dependencies need (a project called `prefect`
/// next to PyPI's prefect): the two cannot be installed together.
fn warn_if_shadowed(project: &Project, lock: &Lock, printer: &Printer) {
    let Some(name) = &project.name else {
        return;
    };
    let versions: Vec<String> = lock
        .packages
        .iter()
        .filter(|p| &p.name == name)
        .map(|p| p.version.to_string())
        .collect();
    if !versions.is_empty() {
        printer.warn(&format!(
            "the project is named `{name}`, and its dependencies need the index's `{name}` ({}): the two cannot be installed together; rename the project",
            versions.join(", ")
        ));
    }
}

/// Says once when nothing can be cached (the cache is best effort, so each failed entry
/// is otherwise only a `-v` line), as `--offline` will then never work.
pub(crate) fn warn_if_cache_unwritable(dir: &Path, printer: &Printer) {
    let probe = std::fs::create_dir_all(dir)
        .and_then(|()| tempfile::Builder::new().prefix(".probe-").tempfile_in(dir));
    if let Err(e) = probe {
        printer.warn(&format!(
            "cannot write to the cache directory `{}` ({e}): nothing will be cached, so `--offline` cannot work; choose another with `--cache-dir` or `PINCTL_CACHE_DIR`",
            dir.display()
        ));
    }
}

/// The project's lint levels for `lock`: the lock is about to be rewritten, so whether
/// the old one is stale is not news.
fn lint_levels(project: &Project) -> anyhow::Result<LintLevels> {
    Ok(LintLevels::from_pyproject(&project.file)?.with_overrides([], [], ["stale-lock"])?)
}

/// Prints the lint findings about the project's own specifiers as warnings, with fixes
/// around the versions of `lock`: lock's exit code is about locking, `pinctl check` is
/// the gate.
fn report_lint(project: &Project, levels: &LintLevels, lock: Option<&Lock>, printer: &Printer) {
    if printer.verbosity() < Verbosity::Normal {
        return;
    }
    let findings = lint::sort_findings(lint::check_project_locked(project, levels, lock));
    if !findings.is_empty() {
        printer.diagnostic(&render::human(&findings));
    }
}

fn parse_upgrade(all: bool, packages: &[String]) -> anyhow::Result<Upgrade> {
    if all {
        return Ok(Upgrade::All);
    }
    if packages.is_empty() {
        return Ok(Upgrade::None);
    }
    let names = packages
        .iter()
        .map(|p| {
            PackageName::new(p.clone())
                .with_context(|| format!("invalid package name `{p}` for `--upgrade-package`"))
        })
        .collect::<anyhow::Result<BTreeSet<_>>>()?;
    Ok(Upgrade::Packages(names))
}

/// The versions already locked, to keep where still allowed (`--upgrade` drops them all,
/// `--upgrade-package P` drops P's).
fn preferences(
    existing: Option<&Lock>,
    upgrade: &Upgrade,
) -> BTreeMap<PackageName, Vec<pep440_rs::Version>> {
    let mut prefs = existing.map(Lock::preferences).unwrap_or_default();
    match upgrade {
        Upgrade::None => {}
        Upgrade::All => prefs.clear(),
        Upgrade::Packages(names) => prefs.retain(|name, _| !names.contains(name)),
    }
    prefs
}

/// An unsatisfiable resolution keeps its explanation as the message and its first hint.
fn resolve_error(err: resolve::ResolveError) -> anyhow::Error {
    match err {
        resolve::ResolveError::NoSolution { explanation, hints } => {
            let message = format!("no set of versions satisfies the requirements:\n{explanation}");
            if hints.is_empty() {
                anyhow::Error::msg(message)
            } else {
                anyhow::Error::new(HintedError::new(message, hints.join("\nhint: ")))
            }
        }
        other => anyhow::Error::new(other),
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
