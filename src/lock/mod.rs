//! The lock file: PEP 751 `pylock.toml`, multi-use (production, every dependency group
//! and every extra in one file).
//!
//! This module owns the lock's data model ([`Lock`]), turning a
//! [`Resolution`](crate::resolve::Resolution) into one ([`build_lock`]), its canonical
//! TOML form ([`Lock::to_toml`]) and reading it back ([`Lock::from_toml`]), the atomic
//! write ([`write_if_changed`]), the change list for `lock --dry-run` ([`diff`]) and the
//! one verification `lock --check`, `check`, `export` and `outdated` share ([`verify`]):
//! the lock was made from the project's current inputs ([`check_fresh`]), its content is
//! what `pinctl lock` wrote (the `content-digest`), and it satisfies every requirement of
//! every scope and every locked package's dependencies. It never resolves and never
//! touches the network.
//!
//! Marker encoding (docs/lock-format.md): production packages carry no group clause, so
//! `pip install -r pylock.toml` installs exactly them; a package a dependency group needs
//! carries `'dev' in dependency_groups`, one an extra needs `'socks' in extras`, each
//! `and`-ed with its environment marker. The exact per-scope conditions are also kept in
//! `[packages.tool.pinctl]`, because the PEP 751 marker of a package production needs
//! unconditionally must be empty and so cannot say which groups need it too.

mod build;
mod diff;
mod digest;
mod files;
mod inputs;
mod marker;
mod parse;
mod render;
mod verify;
mod write;

use std::collections::BTreeMap;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, PackageName};

use crate::project::{GroupName, Scope};

pub use build::build_lock;
pub use diff::{Change, diff};
pub use digest::Integrity;
pub use files::{python_tag_compatible, strip_credentials};
pub use inputs::{Freshness, LockInputs, check_fresh};
pub use marker::{pep751_marker, selection_marker};
pub use verify::{RELOCK_HINT, StaleLock, verify, verify_integrity, verify_project};
pub use write::write_if_changed;

/// The lock format version pinctl writes (PEP 751 `lock-version`).
pub const LOCK_VERSION: &str = "1.0";

/// The file name of the lock next to pyproject.toml.
pub const LOCK_FILE_NAME: &str = "pylock.toml";

/// A PEP 751 lock file, as pinctl writes and reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    /// `requires-python`: the project's Python range.
    pub requires_python: Option<VersionSpecifiers>,
    /// `extras`: every extra the lock covers (sorted).
    pub extras: Vec<ExtraName>,
    /// `dependency-groups`: every dependency group the lock covers (sorted).
    pub groups: Vec<GroupName>,
    /// `created-by`.
    pub created_by: String,
    /// `[[packages]]`, sorted by name, then version.
    pub packages: Vec<LockedPackage>,
    /// `[tool.pinctl]`: what the lock was made from.
    pub tool: LockTool,
    /// Whether the content read matches the `content-digest` in `[tool.pinctl]`
    /// ([`Integrity::Intact`] for a lock built in memory). Written locks always record
    /// the digest of what they hold.
    pub integrity: Integrity,
}

/// `[tool.pinctl]`: the normalised inputs and their fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LockTool {
    /// sha256 (hex) of the normalised inputs ([`LockInputs::fingerprint`]).
    pub fingerprint: String,
    /// The index the lock was resolved against, without credentials.
    pub index_url: String,
    /// Normalised requirement strings per scope (sorted).
    pub requirements: BTreeMap<Scope, Vec<String>>,
    /// Resolution options that change the result (`key = value`).
    pub options: BTreeMap<String, String>,
}

/// One `[[packages]]` entry: a package version and where to get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedPackage {
    /// `name` (normalised).
    pub name: PackageName,
    /// `version`.
    pub version: Version,
    /// The environment marker under which each scope needs this version
    /// (`[packages.tool.pinctl]`); the PEP 751 `marker` is derived from it.
    pub needed_by: BTreeMap<Scope, MarkerTree>,
    /// The version's Requires-Python.
    pub requires_python: Option<VersionSpecifiers>,
    /// The index's simple API base URL (without credentials).
    pub index: Option<String>,
    /// `sdist`, when the version has a compatible one.
    pub sdist: Option<LockedFile>,
    /// `wheels`: every wheel that can run on a Python the project supports, sorted by name.
    pub wheels: Vec<LockedFile>,
    /// `[[packages.dependencies]]` (informational): name and version of each dependency.
    pub dependencies: Vec<LockedDependency>,
}

impl LockedPackage {
    /// The PEP 751 `marker` of this entry (`None` when unconditional).
    pub fn marker(&self) -> Option<String> {
        pep751_marker(&self.needed_by)
    }

    /// Every file of the entry, sdist first.
    pub fn files(&self) -> impl Iterator<Item = &LockedFile> {
        self.sdist.iter().chain(&self.wheels)
    }
}

/// A dependency edge in `[[packages.dependencies]]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LockedDependency {
    pub name: PackageName,
    pub version: Version,
}

/// An sdist or wheel entry of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockedFile {
    /// The file name.
    pub name: String,
    pub url: String,
    pub size: Option<u64>,
    /// RFC 3339 upload time (written as a TOML datetime).
    pub upload_time: Option<String>,
    /// sha256, lower-case hex.
    pub sha256: String,
}

/// Why a pylock.toml could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// The file is not valid TOML or not a lock pinctl understands; points at the spot.
    #[error(transparent)]
    Input(#[from] crate::source::InputError),
    /// Reading, writing or renaming the file failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

impl LockError {
    /// The positional error to render with its snippet and hint, if this is one.
    pub fn input_error(&self) -> Option<&crate::source::InputError> {
        match self {
            LockError::Input(e) => Some(e),
            LockError::Io(_) => None,
        }
    }
}

impl crate::diagnostic::Diagnostic for LockError {
    fn wrapped(&self) -> Option<&dyn crate::diagnostic::Diagnostic> {
        self.input_error()
            .map(|e| e as &dyn crate::diagnostic::Diagnostic)
    }
}

impl Lock {
    /// Reads and parses the lock at `path`; `Ok(None)` when there is no file.
    pub fn read(path: &std::path::Path) -> Result<Option<Lock>, LockError> {
        match fs_err::read_to_string(path) {
            Ok(text) => Lock::from_toml(&text, path).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// The locked versions of each package, for
    /// [`ResolveOptions::preferences`](crate::resolve::ResolveOptions) (a re-lock keeps them).
    pub fn preferences(&self) -> BTreeMap<PackageName, Vec<Version>> {
        let mut map: BTreeMap<PackageName, Vec<Version>> = BTreeMap::new();
        for p in &self.packages {
            map.entry(p.name.clone())
                .or_default()
                .push(p.version.clone());
        }
        map
    }

    /// The packages a selection of scopes installs, with the environment marker under
    /// which each is needed for that selection (`true` when unconditional).
    pub fn select<'a>(
        &'a self,
        scopes: &'a [Scope],
    ) -> impl Iterator<Item = (&'a LockedPackage, MarkerTree)> + 'a {
        self.packages
            .iter()
            .filter_map(move |p| selection_marker(&p.needed_by, scopes).map(|m| (p, m)))
    }
}
