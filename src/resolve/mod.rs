//! Universal dependency resolution: one set of pins valid on every platform and Python
//! the project supports.
//!
//! Input is plain requirements per [`Scope`] (no file spans: the project layer owns
//! those); output is a [`Resolution`] the lock writer serialises. Talks to the network
//! only through [`PackageIndex`](crate::index::PackageIndex). Never prints: progress goes
//! through [`Reporter`](crate::reporter::Reporter).

mod confirm;
mod driver;
mod fetch;
mod graph;
pub(crate) mod markers;
mod provider;
mod report;
mod suggest;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{MarkerTree, PackageName, Requirement};

pub use confirm::resolve_confirmed;

use crate::index::{IndexError, PackageIndex, VersionFiles};
use crate::project::Scope;
use crate::reporter::Reporter;

/// Why a resolution failed.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The requirements cannot all hold: `explanation` is plain English (several lines),
    /// `hints` suggest fixes (pre-releases, yanked versions, requires-python, typos).
    #[error("{explanation}")]
    NoSolution {
        explanation: String,
        hints: Vec<String>,
    },
    /// The index failed while the resolver was fetching `package` (and `version`'s metadata).
    #[error("failed to fetch {}", fetch_label(package, version.as_ref()))]
    Fetch {
        package: PackageName,
        version: Option<Version>,
        #[source]
        source: Box<IndexError>,
    },
    /// The resolution kept splitting on markers beyond the safety limit.
    #[error(
        "the resolution split into more than {0} forks; simplify the markers of the requirements"
    )]
    TooManyForks(usize),
    /// The solver thread died (a bug).
    #[error("the resolver thread failed: {0}")]
    Internal(String),
}

impl crate::diagnostic::Diagnostic for ResolveError {
    fn hint(&self) -> Option<String> {
        match self {
            ResolveError::NoSolution { hints, .. } if !hints.is_empty() => {
                Some(hints.join("\nhint: "))
            }
            _ => None,
        }
    }

    fn wrapped(&self) -> Option<&dyn crate::diagnostic::Diagnostic> {
        match self {
            ResolveError::Fetch { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

fn fetch_label(package: &PackageName, version: Option<&Version>) -> String {
    match version {
        Some(version) => format!("the metadata of `{package}` {version}"),
        None => format!("the versions of `{package}`"),
    }
}

/// Resolves every scope of `input` together into one universal [`Resolution`].
///
/// The solver runs on a blocking thread; index requests run concurrently on the current
/// tokio runtime (which must be running: call this from async code).
pub async fn resolve(
    input: &ResolveInput,
    index: Arc<dyn PackageIndex>,
    options: &ResolveOptions,
    reporter: Arc<dyn Reporter>,
) -> Result<Resolution, ResolveError> {
    let input = input.clone();
    let options = options.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        driver::resolve_blocking(&input, index, &options, &reporter, runtime)
    })
    .await
    .map_err(|e| ResolveError::Internal(e.to_string()))?
}

/// What to resolve: the requirements of each scope and the project's Python range.
#[derive(Debug, Clone, Default)]
pub struct ResolveInput {
    /// The project's own name, when it has one (never locked as a package).
    pub project_name: Option<PackageName>,
    /// `requires-python`; `None` means any Python 3, and then packages' Requires-Python
    /// is not checked (there is no range to check it against).
    pub requires_python: Option<VersionSpecifiers>,
    /// Requirements per scope (production, each group, each extra).
    pub scopes: BTreeMap<Scope, Vec<Requirement>>,
}

/// Which locked versions may move.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Upgrade {
    /// Keep every version already locked where it is still allowed.
    #[default]
    None,
    /// Ignore the existing lock.
    All,
    /// Let only these packages move.
    Packages(BTreeSet<PackageName>),
}

/// Which version of a package the resolver tries first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResolutionStrategy {
    /// The newest allowed version (the default).
    #[default]
    Highest,
    /// The oldest allowed version of every package (to test lower bounds).
    Lowest,
    /// The oldest allowed version of the direct dependencies, the newest of the others.
    LowestDirect,
}

/// Policy knobs for one resolution.
#[derive(Debug, Clone)]
pub struct ResolveOptions {
    pub upgrade: Upgrade,
    /// Versions in the existing lock, tried first (a package may be locked at several
    /// versions when the lock forks).
    pub preferences: BTreeMap<PackageName, Vec<Version>>,
    /// Newest or oldest versions first.
    pub resolution: ResolutionStrategy,
    /// Index requests the resolver keeps in flight at once (at least 1): the user's
    /// `--concurrency`, the same limit the HTTP index applies.
    pub concurrency: usize,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        Self {
            upgrade: Upgrade::default(),
            preferences: BTreeMap::new(),
            resolution: ResolutionStrategy::default(),
            concurrency: crate::index::settings::DEFAULT_CONCURRENCY,
        }
    }
}

/// A dependency edge of a resolved package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDependency {
    pub name: PackageName,
    pub version: Version,
    /// Environment marker of the edge (from Requires-Dist), `true` when unconditional.
    pub marker: MarkerTree,
}

/// One package version in the resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPackage {
    pub name: PackageName,
    pub version: Version,
    /// For each scope that needs this version, the environment marker under which it is
    /// needed (the disjunction of every path from that scope's requirements), simplified
    /// against the project's requires-python.
    pub needed_by: BTreeMap<Scope, MarkerTree>,
    pub dependencies: Vec<ResolvedDependency>,
    /// The version's files as the index lists them (the lock writer filters them).
    pub files: VersionFiles,
    /// The version's Requires-Python.
    pub requires_python: Option<VersionSpecifiers>,
}

/// The result of a universal resolution.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolution {
    pub requires_python: Option<VersionSpecifiers>,
    /// Sorted by name, then version.
    pub packages: Vec<ResolvedPackage>,
    /// The marker of each fork the resolution split into (empty when it did not fork).
    pub forks: Vec<MarkerTree>,
}
