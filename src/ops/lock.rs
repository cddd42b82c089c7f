//! `lock`: resolve the project against the index and write pylock.toml; `check_lock`:
//! verify the lock against the project, without the network.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pep508_rs::PackageName;

use super::{Observer, Warning};
use crate::diagnostic::{Context as _, Report, Result};
use crate::index::PackageIndex;
use crate::lint::{self, LintLevels};
use crate::lock::{self, Change, LOCK_FILE_NAME, Lock, LockInputs, StaleLock};
use crate::project::Project;
use crate::resolve::{self, ResolveInput, ResolveOptions, Upgrade};
use crate::source::InputError;

/// What `lock` does with the lock it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Write it (when it differs from the file).
    Write,
    /// `--locked`: write nothing; the outcome says whether the file would change.
    Locked,
    /// `--dry-run`: write nothing; the outcome lists the changes.
    DryRun,
}

/// The settings of one `lock`.
#[derive(Debug, Clone)]
pub struct LockOptions {
    /// The URL the lock records as its index (part of its fingerprint).
    pub index_url: String,
    pub upgrade: Upgrade,
    pub mode: LockMode,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The cache directory to probe for writing (online runs), so that a cache that
    /// keeps nothing is said once instead of per entry.
    pub cache_dir: Option<PathBuf>,
}

/// What `lock` made.
#[derive(Debug)]
pub struct LockOutcome {
    /// Where the lock is (`<project>/pylock.toml`).
    pub path: PathBuf,
    pub lock: Lock,
    /// Whether a lock existed before.
    pub existed: bool,
    /// The version changes against the lock that existed.
    pub changes: Vec<Change>,
    /// Whether the new lock's text equals the file's.
    pub unchanged: bool,
}

/// What `lock --check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockCheck {
    /// There is no lock at `path`.
    Missing(PathBuf),
    /// The lock matches the project.
    Fresh,
    /// The lock cannot be trusted ([`lock::verify`] says why).
    Stale(StaleLock),
}

/// `lock --check`: [`lock::verify`], the check `check`, `export` and `outdated` make
/// too; never touches the network.
pub fn check_lock(project: &Project, dir: &Path, index_url: &str) -> Result<LockCheck> {
    reject_direct_references(project)?;
    let inputs = LockInputs::from_project(project, index_url);
    let path = dir.join(LOCK_FILE_NAME);
    Ok(match read_existing(&path)? {
        None => LockCheck::Missing(path),
        Some(lock) => match lock::verify(&lock, project, &inputs) {
            Ok(()) => LockCheck::Fresh,
            Err(stale) => LockCheck::Stale(stale),
        },
    })
}

/// Resolves `project` (read from `dir`) against `index` and, unless `options.mode` says
/// otherwise, writes `dir/pylock.toml`. Warnings (the project's own, lint findings about
/// its specifiers, a project shadowing a dependency) go to `reporter` as they arise.
pub async fn lock(
    project: &Project,
    dir: &Path,
    options: &LockOptions,
    index: Arc<dyn PackageIndex>,
    reporter: Arc<dyn Observer>,
) -> Result<LockOutcome> {
    reject_direct_references(project)?;
    let inputs = LockInputs::from_project(project, &options.index_url);
    let path = dir.join(LOCK_FILE_NAME);
    let existing = read_existing(&path)?;
    for warning in &project.warnings {
        reporter.on_warning(Warning::Input(warning));
    }
    // Lint findings come after the resolution, so that their suggestions bound and pin
    // around the versions just locked (or, when locking fails, the old lock's).
    let levels = lint_levels(project)?;
    let resolve_options = ResolveOptions {
        preferences: preferences(existing.as_ref(), &options.upgrade),
        upgrade: options.upgrade.clone(),
        concurrency: options.concurrency,
        ..ResolveOptions::default()
    };
    let input = ResolveInput {
        project_name: project.name.clone(),
        requires_python: inputs.requires_python.clone(),
        scopes: inputs.scopes.clone(),
    };
    if let Some(dir) = &options.cache_dir
        && let Err(e) = super::cache::probe_writable(dir)
    {
        reporter.on_warning(Warning::Message(&format!(
            "cannot write to the cache directory `{}` ({e}): nothing will be cached, so `--offline` cannot work; choose another with `--cache-dir` or `PINCTL_CACHE_DIR`",
            dir.display()
        )));
    }
    let progress: Arc<dyn crate::reporter::Reporter> = reporter.clone();
    let resolution = resolve::resolve_confirmed(&input, index, &resolve_options, progress).await;
    let resolution = match resolution {
        Ok((resolution, corrected)) => {
            warn_corrected_metadata(&corrected, reporter.as_ref());
            resolution
        }
        Err(err) => {
            report_lint(project, &levels, existing.as_ref(), reporter.as_ref());
            return Err(resolve_error(err));
        }
    };

    warn_yanked(&resolution, reporter.as_ref());
    let new_lock = lock::build_lock(&resolution, &inputs);
    report_lint(project, &levels, Some(&new_lock), reporter.as_ref());
    warn_if_shadowed(project, &new_lock, reporter.as_ref());
    if let Upgrade::Packages(names) = &options.upgrade {
        for name in names {
            if !new_lock.packages.iter().any(|p| &p.name == name) {
                reporter.on_warning(Warning::Message(&format!(
                    "`--upgrade-package {name}`: `{name}` is not in the lock; nothing to upgrade"
                )));
            }
        }
    }
    let text = new_lock.to_toml();
    let changes = existing
        .as_ref()
        .map(|old| lock::diff(old, &new_lock))
        .unwrap_or_default();
    let unchanged = std::fs::read_to_string(&path).is_ok_and(|old| old == text);
    if options.mode == LockMode::Write {
        lock::write_if_changed(&path, &text)
            .with_context(|| format!("failed to write `{}`", path.display()))?;
    }
    Ok(LockOutcome {
        path,
        lock: new_lock,
        existed: existing.is_some(),
        changes,
        unchanged,
    })
}

/// A yanked release is only ever locked because the project pins it with `==` (PEP 592);
/// say so, with the reason the index gives, as uv does.
fn warn_yanked(resolution: &resolve::Resolution, reporter: &dyn Observer) {
    for package in &resolution.packages {
        if let Some(yanked) = package.files.yanked() {
            let reason = yanked
                .reason
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                // The index's text: no control characters reach the terminal.
                .map(|r| {
                    let r: String = r
                        .trim()
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    format!(" (reason: \"{r}\")")
                })
                .unwrap_or_default();
            reporter.on_warning(Warning::Message(&format!(
                "`{}=={}` is yanked{reason}; it is locked only because it is pinned with `==`: \
                 pin a release that is not yanked",
                package.name, package.version
            )));
        }
    }
}

/// The lock already at `path`, if any.
fn read_existing(path: &Path) -> Result<Option<Lock>> {
    Lock::read(path).map_err(|err| {
        // The reader's own hint is "run `pinctl lock`", which is what failed here.
        let err = match err {
            lock::LockError::Input(e) => lock::LockError::Input(e.with_hint(format!(
                "fix `{LOCK_FILE_NAME}` or delete it, then run `pinctl lock` again"
            ))),
            io @ lock::LockError::Io(_) => io,
        };
        Report::from(err).context(format!(
            "failed to read the existing lock `{}` (delete it to lock from scratch)",
            path.display()
        ))
    })
}

/// `name @ URL` (a URL, a `file://` path, a VCS URL) cannot be locked yet. Locking the
/// index's package of the same name instead would swap in unrelated code.
fn reject_direct_references(project: &Project) -> Result<(), InputError> {
    for dep in project.all_dependencies() {
        if let Some(pep508_rs::VersionOrUrl::Url(url)) = &dep.requirement.version_or_url {
            let name = &dep.requirement.name;
            let kind = match url.scheme() {
                "file" => "a path",
                scheme if scheme.starts_with("git+") || scheme.starts_with("hg+") => "a VCS",
                _ => "a URL",
            };
            return Err(InputError::new(
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

/// `.metadata` files the index served without advertising them, found to differ from
/// their wheels: the lock was made from the wheels' own METADATA instead.
fn warn_corrected_metadata(corrected: &[crate::index::MetadataMismatch], reporter: &dyn Observer) {
    for m in corrected {
        reporter.on_warning(Warning::Message(&format!(
            "the index's `{}` for `{}` {} does not match the wheel's own METADATA ({}); resolved again with the wheel's",
            m.url, m.name, m.version, m.difference
        )));
    }
}

/// A project named like a package its dependencies need (a project called `prefect`
/// next to PyPI's prefect): the two cannot be installed together.
fn warn_if_shadowed(project: &Project, lock: &Lock, reporter: &dyn Observer) {
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
        reporter.on_warning(Warning::Message(&format!(
            "the project is named `{name}`, and its dependencies need the index's `{name}` ({}): the two cannot be installed together; rename the project",
            versions.join(", ")
        )));
    }
}

/// The project's lint levels for `lock`: the lock is about to be rewritten, so whether
/// the old one is stale is not news.
fn lint_levels(project: &Project) -> Result<LintLevels> {
    Ok(LintLevels::from_pyproject(&project.file)?.with_overrides([], [], ["stale-lock"])?)
}

/// Reports the lint findings about the project's own specifiers as warnings, with fixes
/// around the versions of `lock`: lock's outcome is about locking, `check` is the gate.
fn report_lint(
    project: &Project,
    levels: &LintLevels,
    lock: Option<&Lock>,
    reporter: &dyn Observer,
) {
    let findings = lint::sort_findings(lint::check_project_locked(project, levels, lock));
    if !findings.is_empty() {
        reporter.on_warning(Warning::Findings(&findings));
    }
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
fn resolve_error(err: resolve::ResolveError) -> Report {
    match err {
        resolve::ResolveError::NoSolution { explanation, hints } => {
            let message = format!("no set of versions satisfies the requirements:\n{explanation}");
            if hints.is_empty() {
                Report::msg(message)
            } else {
                Report::hinted(message, hints.join("\nhint: "))
            }
        }
        other => Report::from(other),
    }
}
