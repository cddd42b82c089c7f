//! `pinctl outdated`: compare locked versions with what the index offers now.
//!
//! This module owns the comparison: for each locked package, *current* (the locked
//! version), *wanted* (the newest version the project's own specifiers allow), *latest*
//! (the newest stable, non-yanked release that supports the project's Python), and the
//! flags `yanked`, `major` and `blocked`. It works on plain inputs ([`OutdatedInput`]) so
//! it can be tested over [`MemoryIndex`](crate::index::memory::MemoryIndex); the adapters
//! from the project and lock models live in [`input`], rendering in [`render`]. It never
//! writes a file, never re-locks and never prints.

pub mod input;
pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use futures::StreamExt as _;
use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{MarkerTree, PackageName, Requirement, VersionOrUrl};

use crate::index::{IndexError, PackageIndex, PackageVersions, Yanked};
use crate::project::{GroupName, Scope};
use crate::python::PythonRange;
use crate::source::{SourceFile, Span};

/// One package version as the lock records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPackage {
    pub name: PackageName,
    pub version: Version,
    /// The scopes (production, groups, extras) that install this version.
    pub scopes: BTreeSet<Scope>,
    /// Whether the project names this package itself (in any scope).
    pub direct: bool,
    /// The environment part of the lock marker (`true` when unconditional). A forked
    /// lock holds several versions of one package with disjoint markers; a project
    /// specifier whose marker is disjoint from this one does not constrain this version.
    pub marker: MarkerTree,
}

/// One requirement the project itself declares for a package, with where it is written.
#[derive(Debug, Clone)]
pub struct DirectSpec {
    pub requirement: Requirement,
    pub file: Arc<SourceFile>,
    /// The whole entry as written (a string literal with its quotes, a Poetry `key = value`).
    pub span: Span,
    pub scope: Scope,
}

impl DirectSpec {
    /// The version specifiers, or `None` for URL requirements and bare names.
    fn specifiers(&self) -> Option<&VersionSpecifiers> {
        match &self.requirement.version_or_url {
            Some(VersionOrUrl::VersionSpecifier(specifiers)) if !specifiers.is_empty() => {
                Some(specifiers)
            }
            _ => None,
        }
    }

    /// Where the specifier is written, resolved to text and `line:column`.
    pub fn location(&self) -> SpecLocation {
        let written = self.file.slice(self.span).trim();
        let written = written
            .strip_prefix(['"', '\''])
            .and_then(|s| s.strip_suffix(['"', '\'']))
            .unwrap_or(written);
        let requirement = if written.is_empty() {
            self.requirement.to_string()
        } else {
            written.to_string()
        };
        let lc = self.file.line_col(self.span.start);
        SpecLocation {
            requirement,
            file: self.file.path.clone(),
            line: lc.line,
            column: lc.column,
        }
    }
}

/// Everything `outdated` compares: the locked packages and the project's specifiers.
#[derive(Debug, Clone, Default)]
pub struct OutdatedInput {
    pub packages: Vec<LockedPackage>,
    /// The project's `requires-python`; `None` accepts every version's Requires-Python.
    pub requires_python: Option<VersionSpecifiers>,
    /// The project's own requirements, by package (every scope, in declaration order).
    pub specifiers: BTreeMap<PackageName, Vec<DirectSpec>>,
}

/// Which locked packages to report (`--prod`, `--group`, `--direct`, `--package`).
///
/// Kinds combine with "and"; `--prod` and `--group` together select the union of those
/// scopes; repeated `--package` flags select any of the names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub prod: bool,
    pub groups: Vec<GroupName>,
    pub direct: bool,
    pub packages: Vec<PackageName>,
}

impl Filter {
    /// Whether `package` passes the filter.
    pub fn matches(&self, package: &LockedPackage) -> bool {
        let scoped = (!self.prod && self.groups.is_empty())
            || package.scopes.iter().any(|scope| match scope {
                Scope::Production => self.prod,
                Scope::Group(group) => self.groups.contains(group),
                Scope::Extra(_) => false,
            });
        let named = self.packages.is_empty() || self.packages.contains(&package.name);
        scoped && named && (!self.direct || package.direct)
    }
}

impl OutdatedInput {
    /// The input restricted to the packages `filter` selects (so no index request is made
    /// for the others).
    #[must_use]
    pub fn filtered(&self, filter: &Filter) -> Self {
        Self {
            packages: self
                .packages
                .iter()
                .filter(|p| filter.matches(p))
                .cloned()
                .collect(),
            requires_python: self.requires_python.clone(),
            specifiers: self.specifiers.clone(),
        }
    }
}

/// How far an update moves, ordered by severity. For `0.x` versions a minor bump counts
/// as major (`0.4` to `0.5` may break, as in Cargo's and npm's caret rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpdateKind {
    Patch,
    Minor,
    Major,
}

impl UpdateKind {
    /// The kind of the move from `from` to `to` (`None` unless `to` is newer).
    pub fn between(from: &Version, to: &Version) -> Option<Self> {
        if to <= from {
            return None;
        }
        let segment = |v: &Version, i: usize| v.release().get(i).copied().unwrap_or(0);
        let (major_a, major_b) = (segment(from, 0), segment(to, 0));
        let (minor_a, minor_b) = (segment(from, 1), segment(to, 1));
        Some(
            if major_a != major_b || (major_a == 0 && minor_a != minor_b) {
                Self::Major
            } else if minor_a != minor_b {
                Self::Minor
            } else {
                Self::Patch
            },
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patch => "patch",
            Self::Minor => "minor",
            Self::Major => "major",
        }
    }
}

/// What `--fail-on` counts, ordered: each level also counts everything above it
/// (`minor` fails on minor and major updates and on yanked locked versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Any update.
    Patch,
    /// A minor or major update.
    Minor,
    /// A major update.
    Major,
    /// The locked version has been yanked (or is no longer on the index).
    Yanked,
}

impl From<UpdateKind> for Severity {
    fn from(kind: UpdateKind) -> Self {
        match kind {
            UpdateKind::Patch => Self::Patch,
            UpdateKind::Minor => Self::Minor,
            UpdateKind::Major => Self::Major,
        }
    }
}

/// A project specifier, resolved to its text and position (for `blocked` and annotations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecLocation {
    /// The requirement as written (`requests>=2,<2.29`, or `requests = "^2.28"` for Poetry).
    pub requirement: String,
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

/// A newer release that the project's Python range cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonNote {
    pub version: Version,
    pub requires_python: Option<VersionSpecifiers>,
}

/// The finding for one locked package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutdatedEntry {
    pub name: PackageName,
    /// The locked version.
    pub current: Version,
    /// The newest version every applicable project specifier allows (`None`: none does).
    pub wanted: Option<Version>,
    /// The newest stable, non-yanked release supporting the project's Python.
    pub latest: Option<Version>,
    pub scopes: BTreeSet<Scope>,
    pub direct: bool,
    /// The locked version has been yanked (PEP 592), with the index's reason.
    pub yanked: Option<Yanked>,
    /// The index no longer lists the locked version.
    pub missing: bool,
    /// How far the newest of wanted and latest is from current (`None`: up to date).
    pub update: Option<UpdateKind>,
    /// The project specifiers that exclude `latest` (non-empty: blocked).
    pub blocked_by: Vec<SpecLocation>,
    /// The newest stable release when it is newer than `latest` because it drops the
    /// project's Python.
    pub newer_requires_python: Option<PythonNote>,
    /// Every project specifier that applies to this version (empty for transitive ones).
    pub specifiers: Vec<SpecLocation>,
}

impl OutdatedEntry {
    /// A newer version is available (wanted or latest).
    pub fn is_outdated(&self) -> bool {
        self.update.is_some()
    }

    /// `latest` crosses a major version (or a 0.x minor version).
    pub fn is_major(&self) -> bool {
        self.update == Some(UpdateKind::Major)
    }

    /// `latest` is excluded by a project specifier.
    pub fn is_blocked(&self) -> bool {
        !self.blocked_by.is_empty()
    }

    /// Whether the entry has anything to say (shown without `--all`): an update, or a
    /// yanked or vanished locked version. A Python note alone is not enough.
    pub fn is_notable(&self) -> bool {
        self.is_outdated() || self.yanked.is_some() || self.missing
    }

    /// The most severe thing about this entry, for `--fail-on`. A locked version the index
    /// no longer lists counts as yanked: installing the lock would fail the same way.
    pub fn severity(&self) -> Option<Severity> {
        if self.yanked.is_some() || self.missing {
            Some(Severity::Yanked)
        } else {
            self.update.map(Severity::from)
        }
    }

    /// Whether this entry makes `--fail-on level` fail.
    pub fn fails(&self, level: Severity) -> bool {
        self.severity().is_some_and(|s| s >= level)
    }
}

/// The result of one `outdated` run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutdatedReport {
    /// One entry per locked package version, sorted by name then version.
    pub entries: Vec<OutdatedEntry>,
    /// Locked packages the index does not know (private packages, a different index).
    pub not_found: Vec<PackageName>,
    /// The project's `requires-python`, echoed for the report.
    pub requires_python: Option<VersionSpecifiers>,
}

impl OutdatedReport {
    /// Whether any entry makes `--fail-on level` fail.
    pub fn fails(&self, level: Severity) -> bool {
        self.entries.iter().any(|e| e.fails(level))
    }
}

/// Compares every locked package with the index: one `versions` request per package
/// name, at most `concurrency` (the user's `--concurrency`, at least 1) in flight,
/// through the index's own cache rules.
///
/// Packages the index does not know are listed in [`OutdatedReport::not_found`]; any other
/// index failure aborts the run (the first failing package by name is reported).
pub async fn find_outdated(
    input: &OutdatedInput,
    index: &dyn PackageIndex,
    concurrency: usize,
) -> Result<OutdatedReport, IndexError> {
    let names: BTreeSet<&PackageName> = input.packages.iter().map(|p| &p.name).collect();
    let mut responses = futures::stream::iter(names)
        .map(|name| async move { (name, index.versions(name).await) })
        .buffer_unordered(concurrency.max(1));
    let mut results = BTreeMap::new();
    while let Some((name, response)) = responses.next().await {
        results.insert(name, response);
    }
    // In name order, so the error reported does not depend on which answer came first.
    let mut found: BTreeMap<&PackageName, Arc<PackageVersions>> = BTreeMap::new();
    let mut not_found = Vec::new();
    for (name, response) in results {
        match response {
            Ok(versions) => {
                found.insert(name, versions);
            }
            Err(IndexError::NotFound { .. }) => not_found.push(name.clone()),
            Err(err) => return Err(err),
        }
    }

    let python = PythonRange::new(input.requires_python.as_ref());
    let no_specs = Vec::new();
    let mut entries: Vec<OutdatedEntry> = input
        .packages
        .iter()
        .filter_map(|package| {
            let versions = found.get(&package.name)?;
            let specs = input.specifiers.get(&package.name).unwrap_or(&no_specs);
            let python = python.narrowed(&package.marker);
            Some(compare(package, specs, versions, &python))
        })
        .collect();
    entries.sort_by(|a, b| (&a.name, &a.current).cmp(&(&b.name, &b.current)));
    // In a lock forked on Python, the note "newest X requires Python >=3.11" on the
    // older fork says nothing new when the lock already holds X (or newer) for the
    // newer Pythons.
    let newest_locked: BTreeMap<&PackageName, &Version> =
        input
            .packages
            .iter()
            .fold(BTreeMap::new(), |mut newest, p| {
                let slot = newest.entry(&p.name).or_insert(&p.version);
                if p.version > **slot {
                    *slot = &p.version;
                }
                newest
            });
    for entry in &mut entries {
        if let (Some(note), Some(newest)) =
            (&entry.newer_requires_python, newest_locked.get(&entry.name))
            && **newest >= note.version
        {
            entry.newer_requires_python = None;
        }
    }
    Ok(OutdatedReport {
        entries,
        not_found,
        requires_python: input.requires_python.clone(),
    })
}

/// The comparison for one locked version, given the index's answer.
fn compare(
    package: &LockedPackage,
    specs: &[DirectSpec],
    versions: &PackageVersions,
    python: &PythonRange,
) -> OutdatedEntry {
    // Specifiers under a marker that can never hold together with this locked version's
    // marker belong to another fork of the lock.
    let specs: Vec<&DirectSpec> = specs
        .iter()
        .filter(|spec| !spec.requirement.marker.is_disjoint(&package.marker))
        .collect();
    let version_specs: Vec<&VersionSpecifiers> =
        specs.iter().filter_map(|spec| spec.specifiers()).collect();
    let allowed = |v: &Version| version_specs.iter().all(|s| s.contains(v));
    // Pre-releases count for `wanted` when the lock already holds one or a specifier names one.
    let prereleases = package.version.any_prerelease()
        || version_specs
            .iter()
            .any(|s| s.iter().any(|spec| spec.version().any_prerelease()));
    // Yanked versions count for `wanted` only when pinned exactly (PEP 592).
    let pinned = |v: &Version| {
        version_specs.iter().any(|s| {
            s.iter().any(|spec| {
                matches!(
                    spec.operator(),
                    pep440_rs::Operator::Equal | pep440_rs::Operator::ExactEqual
                ) && spec.version() == v
            })
        })
    };

    let mut latest = None;
    let mut newest_stable = None;
    let mut wanted = None;
    for (version, files) in versions.versions.iter().rev() {
        let yanked = files.yanked().is_some();
        let stable = !version.any_prerelease();
        let python_ok = python.admits(files.requires_python());
        if newest_stable.is_none() && stable && !yanked {
            newest_stable = Some((version, files.requires_python()));
        }
        if latest.is_none() && stable && !yanked && python_ok {
            latest = Some(version);
        }
        if wanted.is_none()
            && python_ok
            && (stable || prereleases)
            && (!yanked || pinned(version))
            && allowed(version)
        {
            wanted = Some(version);
        }
        if latest.is_some() && wanted.is_some() {
            break;
        }
    }

    let current = &package.version;
    let locked = versions.versions.get(current);
    let target = [wanted, latest].into_iter().flatten().max();
    let update = target.and_then(|t| UpdateKind::between(current, t));
    let blocked_by = match latest {
        Some(latest) if latest > current => specs
            .iter()
            .filter(|spec| spec.specifiers().is_some_and(|s| !s.contains(latest)))
            .map(|spec| spec.location())
            .collect(),
        _ => Vec::new(),
    };
    let newer_requires_python = match newest_stable {
        Some((version, requires_python)) if Some(version) > latest => Some(PythonNote {
            version: version.clone(),
            requires_python: requires_python.cloned(),
        }),
        _ => None,
    };
    OutdatedEntry {
        name: package.name.clone(),
        current: current.clone(),
        wanted: wanted.cloned(),
        latest: latest.cloned(),
        scopes: package.scopes.clone(),
        direct: package.direct,
        yanked: locked.and_then(|files| files.yanked().cloned()),
        missing: locked.is_none(),
        update,
        blocked_by,
        newer_requires_python,
        specifiers: specs.iter().map(|spec| spec.location()).collect(),
    }
}

#[cfg(test)]
mod tests;
