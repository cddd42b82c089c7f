//! Universal dependency resolution: one set of pins valid on every platform and Python
//! the project supports.
//!
//! Input is plain requirements per [`Scope`] (no file spans: the project layer owns
//! those); output is a [`Resolution`] the lock writer serialises. Talks to the network
//! only through [`PackageIndex`](crate::index::PackageIndex). Never prints: progress goes
//! through [`Reporter`](crate::reporter::Reporter).

use std::collections::{BTreeMap, BTreeSet};

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{MarkerTree, PackageName, Requirement};

use crate::index::VersionFiles;
use crate::project::Scope;

/// What to resolve: the requirements of each scope and the project's Python range.
#[derive(Debug, Clone, Default)]
pub struct ResolveInput {
    /// The project's own name, when it has one (never locked as a package).
    pub project_name: Option<PackageName>,
    /// `requires-python`; `None` means any Python 3.
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

/// Policy knobs for one resolution.
#[derive(Debug, Clone, Default)]
pub struct ResolveOptions {
    pub upgrade: Upgrade,
    /// Versions in the existing lock, tried first (a package may be locked at several
    /// versions when the lock forks).
    pub preferences: BTreeMap<PackageName, Vec<Version>>,
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
