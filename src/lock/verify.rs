//! Whether a lock can be trusted for the project, without the network: the one check
//! `lock --check`, `check` (`stale-lock`), `export` and `outdated` share, so that they
//! agree on every lock and say the same thing about it.
//!
//! A lock is trusted when
//! 1. it was made from the project's current inputs (the `fingerprint`, [`check_fresh`]);
//! 2. every direct requirement of every scope (production, each group, each extra) is
//!    locked for that scope, with a version its specifier allows, on every environment
//!    where the requirement applies within the project's `requires-python` (a forked
//!    package is several entries, each needed under its own marker);
//! 3. every dependency a locked package records is itself locked;
//! 4. its content is what `pinctl lock` wrote (the `content-digest`, see `digest.rs`).
//!
//! 2 and 3 name what is wrong after a bad merge; 4 catches the edits they cannot see (a
//! changed hash, a version that satisfies the specifier but does not exist).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use pep440_rs::Version;
use pep508_rs::{MarkerTree, PackageName, VersionOrUrl};

use super::inputs::describe_scope;
use super::{Freshness, Integrity, LOCK_FILE_NAME, Lock, LockInputs, check_fresh};
use crate::project::{Dependency, Project, Scope};
use crate::python::{python_bounds, requires_python_marker};

/// What to do about a lock that cannot be trusted, whichever command found it.
pub const RELOCK_HINT: &str = "run `pinctl lock` and commit the result";

/// At most this many reasons are spelled out; the rest are counted.
const SHOWN_REASONS: usize = 10;

/// A lock that does not match the project or was changed since `pinctl lock` wrote it.
/// Every command reports it with this message and exits 1 ("a check failed").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", .headline, list(.reasons))]
pub struct StaleLock {
    headline: String,
    /// One sentence per problem, in a stable order.
    pub reasons: Vec<String>,
    hint: String,
}

impl StaleLock {
    fn out_of_date(reasons: Vec<String>) -> Self {
        Self {
            headline: format!("`{LOCK_FILE_NAME}` is out of date with pyproject.toml"),
            reasons,
            hint: RELOCK_HINT.to_owned(),
        }
    }

    /// The same problem with a longer hint (`export` offers `--frozen`).
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// The fix, one line.
    pub fn hint(&self) -> &str {
        &self.hint
    }
}

impl crate::diagnostic::Diagnostic for StaleLock {
    fn hint(&self) -> Option<String> {
        Some(self.hint.clone())
    }
}

fn list(reasons: &[String]) -> String {
    let mut text = reasons
        .iter()
        .take(SHOWN_REASONS)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if reasons.len() > SHOWN_REASONS {
        let _ = write!(text, "; and {} more", reasons.len() - SHOWN_REASONS);
    }
    text
}

/// `lock --check`: the lock against the project and the inputs the settings give (an
/// index other than the lock's makes it stale).
pub fn verify(lock: &Lock, project: &Project, inputs: &LockInputs) -> Result<(), StaleLock> {
    let mut reasons = match check_fresh(lock, inputs) {
        Freshness::Fresh => Vec::new(),
        Freshness::Stale(reasons) => reasons,
    };
    // When the inputs changed the reasons already name the requirements that did;
    // checking the new ones against the old lock would only repeat them.
    if reasons.is_empty() {
        requirement_reasons(lock, project, &mut reasons);
    }
    integrity_reasons(lock, &mut reasons);
    finish(reasons)
}

/// `check`, `export` and `outdated`: the lock against the project's requirements and
/// requires-python. The index and resolution options are taken from the lock: they are
/// settings of `pinctl lock`, which these commands cannot see.
pub fn verify_project(lock: &Lock, project: &Project) -> Result<(), StaleLock> {
    let mut inputs = LockInputs::from_project(project, &lock.tool.index_url);
    inputs.options.clone_from(&lock.tool.options);
    verify(lock, project, &inputs)
}

/// `export --frozen`: the lock on its own, without the project (its dependencies are
/// all locked and its content is what `pinctl lock` wrote).
pub fn verify_integrity(lock: &Lock) -> Result<(), StaleLock> {
    let mut reasons = Vec::new();
    integrity_reasons(lock, &mut reasons);
    finish(reasons).map_err(|mut stale| {
        stale.headline = format!("`{LOCK_FILE_NAME}` was changed since `pinctl lock` wrote it");
        stale
    })
}

fn finish(mut reasons: Vec<String>) -> Result<(), StaleLock> {
    let mut seen = BTreeSet::new();
    reasons.retain(|r| seen.insert(r.clone()));
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(StaleLock::out_of_date(reasons))
    }
}

/// The checks that need only the lock: dependencies locked, digest intact.
fn integrity_reasons(lock: &Lock, reasons: &mut Vec<String>) {
    let locked: BTreeSet<(&PackageName, &Version)> = lock
        .packages
        .iter()
        .map(|p| (&p.name, &p.version))
        .collect();
    for package in &lock.packages {
        for dep in &package.dependencies {
            if !locked.contains(&(&dep.name, &dep.version)) {
                reasons.push(format!(
                    "`{} {}` depends on `{} {}`, which is not locked",
                    package.name, package.version, dep.name, dep.version
                ));
            }
        }
    }
    match lock.integrity {
        Integrity::Intact => {}
        Integrity::Edited => reasons.push(
            "its content was changed since `pinctl lock` wrote it (by hand or by a merge: it no \
             longer matches its `content-digest`)"
                .to_owned(),
        ),
        Integrity::Unrecorded => reasons.push(
            "it records no `content-digest` in `[tool.pinctl]` (an older pinctl wrote it, or the \
             line was removed), so changes to it cannot be detected"
                .to_owned(),
        ),
    }
}

/// Every direct requirement of every scope, locked for that scope wherever it applies,
/// at a version it allows.
fn requirement_reasons(lock: &Lock, project: &Project, reasons: &mut Vec<String>) {
    let python = requires_python_marker(project.requires_python.as_ref());
    let (lower, upper) = python_bounds(project.requires_python.as_ref());
    let scopes = std::iter::once((Scope::Production, &project.dependencies))
        .chain(
            project
                .groups
                .iter()
                .map(|(g, deps)| (Scope::Group(g.clone()), deps)),
        )
        .chain(
            project
                .extras
                .iter()
                .map(|(e, deps)| (Scope::Extra(e.clone()), deps)),
        );
    for (scope, deps) in scopes {
        for dep in deps {
            let requirement = &dep.requirement;
            // The project itself (`shop[fast]` in a group) stands for its extras, which
            // are checked as scopes of their own.
            if project.name.as_ref() == Some(&requirement.name) {
                continue;
            }
            let specifiers = match &requirement.version_or_url {
                Some(VersionOrUrl::VersionSpecifier(specifiers)) => Some(specifiers),
                Some(VersionOrUrl::Url(_)) => continue,
                None => None,
            };
            let mut applies = python.clone();
            applies.and(requirement.marker.clone());
            if applies.is_false() {
                continue;
            }
            let mut covered = MarkerTree::FALSE;
            for package in lock.packages.iter().filter(|p| p.name == requirement.name) {
                let Some(needed) = package.needed_by.get(&scope) else {
                    continue;
                };
                if needed.is_disjoint(&applies) {
                    continue;
                }
                covered.or(needed.clone());
                if specifiers.is_some_and(|s| !s.contains(&package.version)) {
                    reasons.push(format!(
                        "{} is locked at `{} {}`, which it does not allow",
                        describe(dep, &scope),
                        package.name,
                        package.version
                    ));
                }
            }
            let mut missing = applies;
            missing.and(covered.negate());
            if missing.is_false() {
                continue;
            }
            let where_ = if covered.is_false() {
                String::new()
            } else {
                missing
                    .simplify_python_versions(lower.as_ref(), upper.as_ref())
                    .try_to_string()
                    .map(|m| format!(" where `{m}`"))
                    .unwrap_or_default()
            };
            reasons.push(format!("{} is not locked{where_}", describe(dep, &scope)));
        }
    }
}

/// "`rich>=13` of group `dev` (pyproject.toml:12)"
fn describe(dep: &Dependency, scope: &Scope) -> String {
    let file = dep.file.path.file_name().map_or_else(
        || dep.file.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let line = dep.file.line_col(dep.span.start).line;
    format!(
        "`{}` of {} ({file}:{line})",
        dep.requirement,
        describe_scope(scope)
    )
}
