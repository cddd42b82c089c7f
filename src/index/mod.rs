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
use std::sync::{Arc, OnceLock};

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
    /// Set when the index serves the file's core metadata on its own (PEP 658/714).
    pub metadata_file: Option<MetadataFile>,
}

/// A distribution file's core metadata, served beside it at `<file URL>.metadata`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataFile {
    /// The sha256 of the metadata file, when the index gives it.
    pub sha256: Option<String>,
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

    /// Whether the file is an sdist or a wheel CPython or PyPy can install.
    pub fn usable(&self) -> bool {
        match &self.kind {
            FileKind::Sdist => true,
            FileKind::Wheel {
                python_tags,
                abi_tags,
                ..
            } => {
                python_tags.iter().any(|t| usable_python_tag(t))
                    && abi_tags.iter().any(|t| usable_abi_tag(t))
            }
        }
    }
}

/// Every file of one version, with a summary the resolver reads without them.
///
/// A version read from the page cache keeps its files undecoded (a handle into the
/// cached page's bytes) until [`VersionFiles::files`] is first called: the resolver only
/// needs the summary, and the lock writer the files of the few versions it chose, while
/// a page can list tens of thousands of files.
#[derive(Debug, Clone, Default)]
pub struct VersionFiles {
    summary: FilesSummary,
    files: OnceLock<Vec<DistFile>>,
    lazy: Option<page_codec::LazyFiles>,
}

/// What the resolver needs to know about a version's files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FilesSummary {
    pub(crate) count: usize,
    /// Set when every file is yanked: the last file's status.
    pub(crate) yanked: Option<Yanked>,
    /// The first Requires-Python a file gives.
    pub(crate) requires_python: Option<VersionSpecifiers>,
    /// Whether some file is an sdist or a wheel CPython/PyPy can install.
    pub(crate) usable: bool,
}

impl FilesSummary {
    /// Folds one more file into the summary (files in index order).
    pub(crate) fn add(
        &mut self,
        yanked: Option<&Yanked>,
        requires_python: Option<&VersionSpecifiers>,
        usable: bool,
    ) {
        let first = self.count == 0;
        self.count += 1;
        self.yanked = match yanked {
            Some(y) if first || self.yanked.is_some() => Some(y.clone()),
            _ => None,
        };
        if self.requires_python.is_none() {
            self.requires_python = requires_python.cloned();
        }
        self.usable |= usable;
    }
}

/// The oldest Python 3 a wheel's python tag is for: `cp311`, `pp310` and `py311` name
/// their version (`cp311-abi3` wheels also serve later ones, which only matters above),
/// `py3` any; `py2`, other implementations and unknown tags none.
fn python_tag_floor(tag: &str) -> Option<Version> {
    let digits = ["cp", "pp", "py"]
        .iter()
        .find_map(|prefix| tag.strip_prefix(prefix))?;
    let minor = digits.strip_prefix('3')?;
    if minor.is_empty() {
        return Some(Version::new([3, 0]));
    }
    minor.parse::<u64>().ok().map(|m| Version::new([3, m]))
}

/// Whether a python tag names an implementation pinctl can lock for (CPython, PyPy, any).
pub(crate) fn usable_python_tag(tag: &str) -> bool {
    tag.starts_with("py") || tag.starts_with("cp") || tag.starts_with("pp")
}

/// Whether an ABI tag is one CPython or PyPy can load.
pub(crate) fn usable_abi_tag(tag: &str) -> bool {
    tag == "none"
        || tag == "abi3"
        || tag.starts_with("cp")
        || tag.starts_with("pypy")
        || tag.starts_with("pp")
}

impl VersionFiles {
    /// A version with these files (in index order).
    pub fn new(files: Vec<DistFile>) -> Self {
        let mut summary = FilesSummary::default();
        for f in &files {
            summary.add(f.yanked.as_ref(), f.requires_python.as_ref(), f.usable());
        }
        Self {
            summary,
            files: OnceLock::from(files),
            lazy: None,
        }
    }

    /// A version whose files are decoded from a cached page on first use.
    pub(crate) fn lazy(summary: FilesSummary, lazy: page_codec::LazyFiles) -> Self {
        Self {
            summary,
            files: OnceLock::new(),
            lazy: Some(lazy),
        }
    }

    /// The files, in index order.
    pub fn files(&self) -> &[DistFile] {
        self.files.get_or_init(|| {
            self.lazy
                .as_ref()
                .map(page_codec::LazyFiles::decode)
                .unwrap_or_default()
        })
    }

    /// The files, owned.
    pub fn into_files(self) -> Vec<DistFile> {
        self.files();
        self.files.into_inner().unwrap_or_default()
    }

    /// How many files the version has.
    pub fn len(&self) -> usize {
        self.summary.count
    }

    /// Whether the version has no file.
    pub fn is_empty(&self) -> bool {
        self.summary.count == 0
    }

    /// Whether some file is an sdist or a wheel CPython or PyPy can install.
    pub fn any_usable(&self) -> bool {
        self.summary.usable
    }

    /// A version counts as yanked when every one of its files is (PEP 592).
    pub fn yanked(&self) -> Option<&Yanked> {
        self.summary.yanked.as_ref()
    }

    /// The Requires-Python the index advertises for this version (taken from its files;
    /// they agree in practice, the first non-empty one wins).
    pub fn requires_python(&self) -> Option<&VersionSpecifiers> {
        self.summary.requires_python.as_ref()
    }

    /// For a version without an sdist, the oldest Python 3 one of its wheels is for:
    /// onnxruntime 1.24.3 says Requires-Python >=3.10 but has wheels from cp311 up, so
    /// Python 3.10 cannot install it. `None` when an sdist can build for any Python or
    /// no wheel tag says. Reads the files.
    pub fn oldest_wheel_python(&self) -> Option<Version> {
        let files = self.files();
        if files.iter().any(|f| !f.is_wheel()) {
            return None;
        }
        files
            .iter()
            .filter(|f| f.usable())
            .filter_map(|f| match &f.kind {
                FileKind::Wheel { python_tags, .. } => {
                    python_tags.iter().filter_map(|t| python_tag_floor(t)).min()
                }
                FileKind::Sdist => None,
            })
            .min()
    }
}

impl PartialEq for VersionFiles {
    fn eq(&self, other: &Self) -> bool {
        self.summary == other.summary && self.files() == other.files()
    }
}

impl Eq for VersionFiles {}

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

/// Why the index could not answer. Every variant about a request names its URL, with
/// credentials redacted; each carries its own hint ([`Diagnostic`](crate::diagnostic::Diagnostic)).
#[derive(Debug, Clone, thiserror::Error)]
pub enum IndexError {
    /// The index has no project of that name.
    #[error("package `{name}` was not found in the package index{}", url.as_ref().map(|u| format!(" (`{u}` answered 404 Not Found)")).unwrap_or_default())]
    NotFound {
        name: PackageName,
        /// The project page that answered 404 (redacted), for an HTTP index.
        url: Option<String>,
    },
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
    /// The index answered with a status that is no answer (401, 403, 500, ...), after
    /// the retries a transient status deserves.
    #[error("failed to fetch {url}{}: {status}", retried(*.retries, *.seconds))]
    HttpStatus {
        url: String,
        code: u16,
        /// `503 Service Unavailable`.
        status: String,
        retries: u32,
        seconds: f64,
    },
    /// No answer in time, after the retries.
    #[error("failed to fetch {url}{}: {reason}", retried(*.retries, *.seconds))]
    Timeout {
        url: String,
        reason: String,
        retries: u32,
        seconds: f64,
    },
    /// The connection failed or broke (refused, reset, TLS), after the retries.
    #[error("failed to fetch {url}{}: {reason}", retried(*.retries, *.seconds))]
    Connection {
        url: String,
        reason: String,
        retries: u32,
        seconds: f64,
    },
    /// What came back is not what was asked for: not a project page, not a response
    /// pinctl can use (too large, cut short).
    #[error("{message}{}", came_back(content_type.as_deref(), first_bytes))]
    BadBody {
        url: String,
        /// One line: what is wrong, naming the URL.
        message: String,
        content_type: Option<String>,
        /// The start of the body, escaped (empty when not kept).
        first_bytes: String,
    },
    /// A download does not have the hash the index gave for it.
    #[error(
        "hash mismatch for `{url}`: the index says sha256 `{expected}`, the download has `{actual}`"
    )]
    HashMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    /// A metadata file that does not parse (nothing of it is used).
    #[error("invalid metadata for `{name}` {version} from {url}: {reason}")]
    InvalidMetadata {
        name: PackageName,
        version: Version,
        url: String,
        /// What does not parse, with its line.
        reason: String,
    },
    /// A wheel or sdist that cannot be read (not an archive, no metadata inside).
    #[error("{message}")]
    BadArchive { url: String, message: String },
    /// A file larger than pinctl downloads to read metadata.
    #[error(
        "`{filename}` is {size} bytes, more than the {limit} pinctl downloads to read metadata"
    )]
    TooLarge {
        filename: String,
        size: u64,
        limit: u64,
    },
    /// A URL (of the index, a project page, a file) that does not parse.
    #[error("invalid {what} `{url}`: {reason}")]
    InvalidUrl {
        what: &'static str,
        url: String,
        reason: String,
    },
    /// The project page does not list that version.
    #[error("`{name}` has no version `{version}` on {index}")]
    NoSuchVersion {
        name: PackageName,
        version: Version,
        index: String,
    },
    /// The version is listed without any file to read its metadata from.
    #[error("`{name}` {version} has no files")]
    NoFiles { name: PackageName, version: Version },
    /// An in-memory index was asked for metadata it was not given.
    #[error("no metadata for `{name}` {version}")]
    MissingMetadata { name: PackageName, version: Version },
    /// A name that is not a valid package name.
    #[error("invalid package name `{name}`: {reason}")]
    InvalidName { name: String, reason: String },
    /// pinctl's own machinery failed (a background task, the request pool).
    #[error("{0}")]
    Internal(String),
}

/// ` after 3 retries in 4.2s`, or nothing when the request was not retried.
fn retried(retries: u32, seconds: f64) -> String {
    match retries {
        0 => String::new(),
        1 => format!(" after 1 retry in {seconds:.1}s"),
        n => format!(" after {n} retries in {seconds:.1}s"),
    }
}

/// ` (content type `text/html`, starts with `<!DOCTYPE html>`)`, when known.
fn came_back(content_type: Option<&str>, first_bytes: &str) -> String {
    match (content_type, first_bytes.is_empty()) {
        (None, true) => String::new(),
        (Some(t), true) => format!(" (content type `{t}`)"),
        (None, false) => format!(" (starts with `{first_bytes}`)"),
        (Some(t), false) => format!(" (content type `{t}`, starts with `{first_bytes}`)"),
    }
}

/// The start of a body for a message: up to 60 characters, escaped, on one line.
pub fn first_bytes(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(60)]);
    let mut out: String = text.escape_debug().collect();
    if body.len() > 60 {
        out.push_str("...");
    }
    out
}

impl IndexError {
    /// The URL the failure is about, redacted, when it is about one request.
    pub fn url(&self) -> Option<&str> {
        match self {
            IndexError::HttpStatus { url, .. }
            | IndexError::Timeout { url, .. }
            | IndexError::Connection { url, .. }
            | IndexError::BadBody { url, .. }
            | IndexError::HashMismatch { url, .. }
            | IndexError::InvalidMetadata { url, .. }
            | IndexError::BadArchive { url, .. }
            | IndexError::InvalidUrl { url, .. } => Some(url),
            _ => None,
        }
    }
}

impl crate::diagnostic::Diagnostic for IndexError {
    fn hint(&self) -> Option<String> {
        let hint = match self {
            IndexError::InvalidUrl { url, .. } if !url.contains("://") => {
                format!("index URLs start with `https://`: write it as `https://{url}`")
            }
            IndexError::Offline { .. } => "run once without `--offline` to fill the cache".to_owned(),
            IndexError::Refused { hint, .. } => hint.clone(),
            IndexError::NeedsBuild { name, version, .. } => format!(
                "pinctl reads metadata without running package code: require a version of `{name}` that ships a wheel or static metadata (for example `{name}!={version}`), or a maintained replacement"
            ),
            IndexError::HttpStatus { code: 401 | 403, .. } => {
                "the index wants credentials: put them in `~/.netrc` or in the index URL (`https://user:token@host/simple`)".to_owned()
            }
            IndexError::HttpStatus { code: 404 | 410, .. } => {
                "check the index URL (`--index-url`, `PINCTL_INDEX_URL` or `[tool.pinctl] index-url`)".to_owned()
            }
            IndexError::HttpStatus { code: 429 | 500..=599, .. } | IndexError::Connection { .. } => {
                "the index is unavailable or refused the connection; try again later, or check the index URL and your network".to_owned()
            }
            IndexError::Timeout { .. } => {
                "the index is slow to answer: raise `--timeout` (or `PINCTL_HTTP_TIMEOUT`, seconds) or lower `--concurrency`".to_owned()
            }
            IndexError::BadBody { .. } => {
                "the index URL may not point at a PEP 503/691 simple index (it ends in `/simple` on most servers)".to_owned()
            }
            IndexError::HashMismatch { .. } => {
                "the index served a file other than the one it lists; if a proxy or mirror sits between, check it, then `pinctl cache clean` and try again".to_owned()
            }
            IndexError::InvalidMetadata { .. } | IndexError::BadArchive { .. } => {
                "the package's files are broken on the index: exclude that version (`name!=version`) or report it upstream".to_owned()
            }
            IndexError::NotFound { .. }
            | IndexError::HttpStatus { .. }
            | IndexError::TooLarge { .. }
            | IndexError::InvalidUrl { .. }
            | IndexError::NoSuchVersion { .. }
            | IndexError::NoFiles { .. }
            | IndexError::MissingMetadata { .. }
            | IndexError::InvalidName { .. }
            | IndexError::Internal(_) => return None,
        };
        Some(hint)
    }
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

    /// Names the index is known to have without asking it (cached pages, the packages of
    /// an in-memory index): what "did you mean" picks from when a name is not found.
    fn known_names(&self) -> Vec<PackageName> {
        Vec::new()
    }

    /// Checks the metadata of `packages` that came from a source that is only a hint (a
    /// `.metadata` file the index did not advertise) against the wheel's own METADATA.
    /// Where the two differ, the wheel's metadata replaces the hint for every later
    /// [`Self::metadata`] call, and the difference is returned: a resolution that used
    /// the hint must be made again. An index whose metadata is always first-hand has
    /// nothing to confirm.
    fn confirm_metadata<'a>(
        &'a self,
        packages: &'a [(PackageName, Version)],
    ) -> BoxFuture<'a, Result<Vec<MetadataMismatch>, ConfirmError>> {
        let _ = packages;
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// [`PackageIndex::confirm_metadata`] could not read the wheel of `name` `version`.
#[derive(Debug, Clone)]
pub struct ConfirmError {
    pub name: PackageName,
    pub version: Version,
    pub source: IndexError,
}

/// A `.metadata` file that disagreed with the wheel it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataMismatch {
    pub name: PackageName,
    pub version: Version,
    /// The `.metadata` file's URL, redacted.
    pub url: String,
    /// What differs, in one line.
    pub difference: String,
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn file(filename: &str) -> DistFile {
        let project = PackageName::from_str("a").unwrap();
        let kind = filename::parse_filename(filename, &project).unwrap().kind;
        DistFile {
            filename: filename.to_owned(),
            url: String::new(),
            hashes: Vec::new(),
            size: None,
            upload_time: None,
            requires_python: None,
            yanked: None,
            kind,
            metadata_file: None,
        }
    }

    fn oldest(files: &[&str]) -> Option<String> {
        VersionFiles::new(files.iter().map(|f| file(f)).collect())
            .oldest_wheel_python()
            .map(|v| v.to_string())
    }

    #[test]
    fn python_tag_floors() {
        let floor = |t: &str| python_tag_floor(t).map(|v| v.to_string());
        assert_eq!(floor("cp311").as_deref(), Some("3.11"));
        assert_eq!(floor("pp310").as_deref(), Some("3.10"));
        assert_eq!(floor("py38").as_deref(), Some("3.8"));
        assert_eq!(floor("py3").as_deref(), Some("3.0"));
        assert_eq!(floor("py2"), None);
        assert_eq!(floor("cp27"), None);
        assert_eq!(floor("ip27"), None);
        assert_eq!(floor("graalpy311"), None);
    }

    #[test]
    fn oldest_wheel_python_of_a_version() {
        assert_eq!(
            oldest(&[
                "a-1-cp312-cp312-win_amd64.whl",
                "a-1-cp311-cp311-linux_x86_64.whl"
            ])
            .as_deref(),
            Some("3.11")
        );
        assert_eq!(
            oldest(&["a-1-cp39-abi3-manylinux_2_17_x86_64.whl"]).as_deref(),
            Some("3.9")
        );
        assert_eq!(
            oldest(&["a-1-py2.py3-none-any.whl"]).as_deref(),
            Some("3.0")
        );
        // An sdist builds for any Python; an unknown tag says nothing.
        assert_eq!(
            oldest(&["a-1.tar.gz", "a-1-cp312-cp312-win_amd64.whl"]),
            None
        );
        assert_eq!(oldest(&["a-1-ip27-none-any.whl"]), None);
        assert_eq!(oldest(&[]), None);
    }
}
