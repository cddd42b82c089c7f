//! Everything pinctl learns about packages: version lists, files, hashes and metadata.
//!
//! The resolver, `lock` and `outdated` see the index only through [`PackageIndex`], so
//! tests can swap in [`memory::MemoryIndex`]. The HTTP implementation (PEP 691 JSON with
//! PEP 503 HTML fallback, PEP 658 metadata, range requests, cache) lives in the
//! submodules. This layer never runs package code.

pub mod auth;
pub mod cache;
pub mod core_metadata;
pub mod filename;
pub mod http;
pub mod memory;
pub mod page_codec;
pub mod retry;
pub mod sdist;
pub mod settings;
pub mod simple;
pub mod zip;

pub use auth::redact;
pub use http::{HttpIndex, RequestStats};
pub use settings::IndexSettings;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures::future::BoxFuture;
use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, PackageName, Requirement};

/// A file's kind, parsed from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A wheel, with its compatibility tags (`py3-none-any`, `cp312-cp312-manylinux_2_17_x86_64`, ...).
    Wheel {
        python_tags: Vec<String>,
        abi_tags: Vec<String>,
        platform_tags: Vec<String>,
    },
    /// A source distribution (`.tar.gz` or `.zip`).
    Sdist,
}

/// The yanked status of a file (PEP 592).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Yanked {
    pub reason: Option<String>,
}

/// One distribution file of a version, as the index lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFile {
    pub filename: String,
    /// Absolute URL (credentials never included).
    pub url: String,
    /// `(algorithm, lower-case hex)` pairs sorted by algorithm; usually just sha256. A
    /// vector, not a map: a page can list tens of thousands of files, and a map node per
    /// file was half the memory of a warm lock.
    pub hashes: Vec<(String, String)>,
    pub size: Option<u64>,
    /// RFC 3339 upload time, when the index gives it.
    pub upload_time: Option<String>,
    pub requires_python: Option<VersionSpecifiers>,
    pub yanked: Option<Yanked>,
    pub kind: FileKind,
}

impl DistFile {
    pub fn sha256(&self) -> Option<&str> {
        self.hash("sha256")
    }

    /// The hex digest for `algorithm`, if the index gave one.
    pub fn hash(&self, algorithm: &str) -> Option<&str> {
        self.hashes
            .iter()
            .find(|(a, _)| a == algorithm)
            .map(|(_, h)| h.as_str())
    }

    pub fn is_wheel(&self) -> bool {
        matches!(self.kind, FileKind::Wheel { .. })
    }
}

/// Every file of one version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionFiles {
    pub files: Vec<DistFile>,
}

impl VersionFiles {
    /// A version counts as yanked when every one of its files is (PEP 592).
    pub fn yanked(&self) -> Option<&Yanked> {
        if self.files.is_empty() {
            return None;
        }
        let mut reason = None;
        for f in &self.files {
            reason = Some(f.yanked.as_ref()?);
        }
        reason
    }

    /// The Requires-Python the index advertises for this version (taken from its files;
    /// they agree in practice, the first non-empty one wins).
    pub fn requires_python(&self) -> Option<&VersionSpecifiers> {
        self.files.iter().find_map(|f| f.requires_python.as_ref())
    }
}

/// What the index knows about one project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageVersions {
    pub name: PackageName,
    /// Every version with at least one file, newest last.
    pub versions: BTreeMap<Version, VersionFiles>,
}

/// Core metadata of one version (the fields the resolver needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub name: PackageName,
    pub version: Version,
    pub requires_dist: Vec<Requirement>,
    pub requires_python: Option<VersionSpecifiers>,
    pub provides_extra: Vec<ExtraName>,
}

/// Why the index could not answer.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The index has no project of that name.
    #[error("package `{0}` was not found in the package index")]
    NotFound(PackageName),
    /// `--offline` and the cache does not hold what was asked.
    #[error("`{what}` is not in the cache and `--offline` forbids the network")]
    Offline { what: String },
    /// Metadata cannot be had without building the package (dynamic sdist metadata).
    #[error("cannot read the metadata of `{name}` {version} without running its build: {reason}")]
    NeedsBuild {
        name: PackageName,
        version: Version,
        reason: String,
    },
    /// A URL pinctl will not use as given (plain http to a remote host, another scheme).
    #[error("{message}")]
    Refused { message: String, hint: String },
    /// Any other failure, already phrased for the user (URL, attempts, status).
    #[error("{0}")]
    Other(String),
}

/// The seam between pinctl and a package index.
///
/// Implementations cache and deduplicate: asking twice for the same thing is cheap, and
/// many requests may be in flight at once (the resolver prefetches).
pub trait PackageIndex: Send + Sync {
    /// Every version of `name` with its files.
    fn versions<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> BoxFuture<'a, Result<Arc<PackageVersions>, IndexError>>;

    /// Core metadata of `name` `version` (from any of its files; wheels preferred).
    fn metadata<'a>(
        &'a self,
        name: &'a PackageName,
        version: &'a Version,
    ) -> BoxFuture<'a, Result<Arc<Metadata>, IndexError>>;
}
