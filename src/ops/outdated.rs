//! `outdated`: ask the index what it offers now for each locked package of the project.
//! Never writes a file and never re-locks.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use pep508_rs::PackageName;

use super::{Observer, Warning};
use crate::diagnostic::{Context as _, Report, Result};
use crate::index::PackageIndex;
use crate::lock::{self, LOCK_FILE_NAME, Lock};
use crate::outdated::{Filter, OutdatedReport, find_outdated, input};
use crate::project::{GroupName, Project};

/// The settings of one `outdated`.
#[derive(Debug, Clone)]
pub struct OutdatedOptions {
    /// The index URL, as the user gave it (named in messages, credentials redacted).
    pub index_url: String,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Only production dependencies.
    pub prod: bool,
    /// Only these dependency groups.
    pub groups: Vec<String>,
    /// Only the project's direct dependencies.
    pub direct: bool,
    /// Only these packages.
    pub packages: Vec<String>,
}

/// The drift of `project`'s lock (in `dir`) against `index`, once [`lock::verify_project`]
/// trusts the lock (a [`StaleLock`](crate::lock::StaleLock) error otherwise). Locked packages the index
/// does not have are warned about and left out; none found at all is an error (the
/// wrong index), not an empty report.
pub async fn outdated(
    project: &Project,
    dir: &Path,
    options: &OutdatedOptions,
    index: &dyn PackageIndex,
    reporter: &dyn Observer,
) -> Result<OutdatedReport> {
    let lock = super::read_lock(&dir.join(LOCK_FILE_NAME))?;
    // Offline, before any request: a report about a lock that is not the project's
    // would compare the wrong versions.
    lock::verify_project(&lock, project)?;
    let filter = filter(project, &lock, options)?;
    let input = input::from_project_and_lock(project, &lock).filtered(&filter);
    let mut report = find_outdated(&input, index, options.concurrency).await?;
    relativize_paths(&mut report);
    let url = crate::index::redact(&options.index_url);
    // An index that knows none of the locked packages is the wrong index, not news:
    // a scheduled check must not pass on it.
    if report.entries.is_empty() && report.not_found.len() > 1 {
        return Err(Report::hinted(
            format!(
                "none of the {} locked packages is on the index `{url}`",
                report.not_found.len(),
            ),
            "check the index URL (`--index-url`, `PINCTL_INDEX_URL` or `[tool.pinctl] index-url`)",
        ));
    }
    for name in &report.not_found {
        reporter.on_warning(Warning::Message(&format!(
            "`{name}` is not on the index `{url}`; skipped"
        )));
    }
    Ok(report)
}

/// Checks the filter against the lock so a typo is an error, not an empty report.
fn filter(project: &Project, lock: &Lock, options: &OutdatedOptions) -> Result<Filter> {
    let mut filter = Filter {
        prod: options.prod,
        direct: options.direct,
        ..Filter::default()
    };
    for group in &options.groups {
        let name = GroupName::new(group);
        if !lock.groups.contains(&name) && !project.groups.contains_key(&name) {
            let known: Vec<String> = lock.groups.iter().map(|g| format!("`{g}`")).collect();
            let hint = if known.is_empty() {
                "the lock has no dependency groups".to_string()
            } else {
                format!("the lock has the groups {}", known.join(", "))
            };
            return Err(Report::hinted(
                format!("dependency group `{group}` is not in `{LOCK_FILE_NAME}`"),
                hint,
            ));
        }
        filter.groups.push(name);
    }
    for package in &options.packages {
        let name = PackageName::from_str(package)
            .map_err(|e| Report::msg(e.to_string()))
            .with_context(|| format!("invalid package name `{package}`"))?;
        if !lock.packages.iter().any(|p| p.name == name) {
            return Err(Report::hinted(
                format!("package `{package}` is not in `{LOCK_FILE_NAME}`"),
                "run `pinctl lock` if it was added to pyproject.toml since",
            ));
        }
        filter.packages.push(name);
    }
    Ok(filter)
}

/// Shows specifier files relative to the working directory (`pyproject.toml`, not
/// `./pyproject.toml` or an absolute path), as GitHub annotations need.
fn relativize_paths(report: &mut OutdatedReport) {
    let cwd = std::env::current_dir().ok();
    let relative = |path: &mut PathBuf| {
        if let Ok(stripped) = path.strip_prefix(".") {
            *path = stripped.to_path_buf();
        } else if let Some(stripped) = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
            *path = stripped.to_path_buf();
        }
    };
    for entry in &mut report.entries {
        for spec in entry
            .specifiers
            .iter_mut()
            .chain(entry.blocked_by.iter_mut())
        {
            relative(&mut spec.file);
        }
    }
}
