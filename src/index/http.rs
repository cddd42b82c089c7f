//! [`HttpIndex`]: the [`PackageIndex`] that talks to a PEP 503/691 index over HTTP.
//!
//! Owns the network policy (one shared client, a semaphore bounding requests in flight,
//! retries with backoff, credentials only for the index host), the metadata strategy
//! (PEP 658 sidecar, then range requests into the wheel, then the whole wheel; static
//! sdist metadata), hash verification, and the use of the disk cache and the
//! in-process memo. Never runs package code; never logs credentials.

use std::collections::HashMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::future::BoxFuture;
use pep440_rs::Version;
use pep508_rs::PackageName;
use reqwest::header::{self, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use tokio::sync::{OnceCell, Semaphore};
use url::Url;

use super::auth::{self, Credentials, redact};
use super::cache::{CachedPage, DiskCache, now_secs, parse_max_age};
use super::core_metadata::CachedMetadata;
use super::retry::{backoff, is_retryable_status, parse_retry_after};
use super::settings::IndexSettings;
use super::simple::{self, SimplePage};
use super::{IndexError, Metadata, PackageIndex, PackageVersions};
use crate::reporter::Reporter;
use dist::pick_wheel;

mod dist;

/// Largest project page accepted.
pub const MAX_PAGE: u64 = 64 * 1024 * 1024;
/// Largest `.metadata` file accepted.
pub const MAX_METADATA: u64 = 16 * 1024 * 1024;
/// Largest wheel or sdist downloaded to read its metadata.
pub const MAX_DOWNLOAD: u64 = 500 * 1024 * 1024;
/// Unadvertised `.metadata` sidecars that must 404 (with none found) before pinctl stops
/// trying them on an index.
const SIDECAR_GIVE_UP: u64 = 3;

/// Counters of what the client did (for `-v` summaries and benchmarks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// HTTP requests sent (every attempt counts).
    pub requests: u64,
    /// Response body bytes received.
    pub bytes: u64,
    /// Answers served from the disk cache.
    pub cache_hits: u64,
}

/// The cache entry for a freshly fetched page.
fn cache_entry(
    name: &PackageName,
    page: SimplePage,
    max_age: Option<u64>,
    etag: Option<String>,
) -> CachedPage {
    CachedPage {
        fetched_at: now_secs(),
        max_age,
        etag,
        versions: simple::into_versions(name, page),
    }
}

type Memo<K, V> = Mutex<HashMap<K, Arc<OnceCell<Arc<V>>>>>;

struct Inner {
    settings: IndexSettings,
    /// The index base without credentials, ending in `/`.
    base: Url,
    credentials: Option<Credentials>,
    /// Built on first use: loading the TLS roots takes milliseconds an offline run or a
    /// run served from the cache does not need to spend.
    client: std::sync::OnceLock<Result<reqwest::Client, String>>,
    permits: Semaphore,
    reporter: Arc<dyn Reporter>,
    cache: DiskCache,
    pages: Memo<PackageName, PackageVersions>,
    metadata: Memo<(PackageName, Version), Metadata>,
    requests: AtomicU64,
    bytes: AtomicU64,
    cache_hits: AtomicU64,
    /// Unadvertised `.metadata` sidecars that answered 200 / 404: once several have
    /// failed and none worked, unadvertised sidecars are no longer tried.
    sidecar_hits: AtomicU64,
    sidecar_misses: AtomicU64,
    /// Per origin: whether a connection has answered yet (see [`HttpIndex::attempt`]).
    origins: Mutex<HashMap<String, Arc<tokio::sync::Mutex<bool>>>>,
}

/// A package index reached over HTTP, with a disk cache. Cheap to clone.
#[derive(Clone)]
pub struct HttpIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HttpIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpIndex")
            .field("url", &self.inner.base.as_str())
            .finish_non_exhaustive()
    }
}

/// Where a response body goes.
enum Sink {
    Memory(Vec<u8>),
    File(File),
}

/// A response whose body was read (or skipped, for statuses the caller does not read).
struct Fetched {
    status: u16,
    headers: HeaderMap,
    final_url: Url,
    body: Vec<u8>,
    /// For downloads to a file: the file and its sha256.
    file: Option<(File, String)>,
    len: u64,
}

/// One request to make (and possibly retry).
struct Request<'a> {
    url: &'a Url,
    what: &'a str,
    headers: HeaderMap,
    limit: u64,
    /// A range request: a plain 200 is returned without reading its body.
    range: bool,
    to_file: bool,
}

enum AttemptError {
    /// Worth retrying: a connection reset, a truncated body.
    Transient(String),
    /// Worth retrying: no answer in time.
    Timeout(String),
    /// Worth retrying: a 429 or 5xx status.
    Status(u16),
    /// Not worth retrying.
    Fatal(IndexError),
}

impl std::fmt::Display for AttemptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttemptError::Transient(reason) | AttemptError::Timeout(reason) => f.write_str(reason),
            AttemptError::Status(code) => f.write_str(&status_text(*code)),
            AttemptError::Fatal(error) => error.fmt(f),
        }
    }
}

/// A response pinctl will not read (too large), not worth retrying.
fn fatal(req: &Request<'_>, fetched: &Fetched, reason: &str) -> AttemptError {
    let url = redact(req.url.as_str());
    AttemptError::Fatal(IndexError::BadBody {
        message: format!("failed to fetch {url}: {reason}"),
        url,
        content_type: fetched
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        first_bytes: String::new(),
    })
}

/// A failure on this machine while fetching (a temporary file), not worth retrying.
fn local_failure(req: &Request<'_>, reason: &str) -> AttemptError {
    AttemptError::Fatal(IndexError::Internal(format!(
        "failed to fetch {}: {reason}",
        redact(req.url.as_str())
    )))
}

/// A transport failure of `err`, told apart by kind.
fn transient(err: &reqwest::Error) -> AttemptError {
    if err.is_timeout() {
        AttemptError::Timeout(describe(err))
    } else {
        AttemptError::Transient(describe(err))
    }
}

fn status_text(status: u16) -> String {
    reqwest::StatusCode::from_u16(status).map_or_else(
        |_| status.to_string(),
        |s| {
            format!("{} {}", s.as_u16(), s.canonical_reason().unwrap_or(""))
                .trim()
                .to_owned()
        },
    )
}

/// Describes a reqwest error without its URL (we add the redacted one ourselves).
fn describe(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut msg = if err.is_timeout() {
        "timed out".to_owned()
    } else if err.is_connect() {
        "connection failed".to_owned()
    } else if err.is_body() || err.is_decode() {
        "connection broken while reading the body".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = err.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn verify_sha256(url: &Url, expected: Option<&str>, actual: &str) -> Result<(), IndexError> {
    match expected {
        Some(expected) if !expected.eq_ignore_ascii_case(actual) => Err(IndexError::HashMismatch {
            url: redact(url.as_str()),
            expected: expected.to_owned(),
            actual: actual.to_owned(),
        }),
        _ => Ok(()),
    }
}

impl HttpIndex {
    /// A client for `settings.url`. Fails on an invalid URL or a refused plain-http host.
    pub fn new(settings: IndexSettings, reporter: Arc<dyn Reporter>) -> Result<Self, IndexError> {
        let mut url = Url::parse(&settings.url).map_err(|e| IndexError::InvalidUrl {
            what: "index URL",
            url: redact(&settings.url),
            reason: e.to_string(),
        })?;
        auth::check_transport(&url, &settings.allow_insecure_hosts)?;
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url.set_fragment(None);
        url.set_query(None);
        let (base, mut credentials) = auth::split_credentials(&url);
        if credentials.is_none()
            && let (Some(path), Some(host)) = (auth::netrc_path(), base.host_str())
        {
            credentials = auth::netrc_credentials(&path, host);
        }
        let cache = DiskCache::new(settings.cache_dir.clone(), base.as_str());
        let permits = Semaphore::new(settings.concurrency.max(1));
        Ok(Self {
            inner: Arc::new(Inner {
                settings,
                base,
                credentials,
                client: std::sync::OnceLock::new(),
                permits,
                reporter,
                cache,
                pages: Mutex::default(),
                metadata: Mutex::default(),
                requests: AtomicU64::new(0),
                bytes: AtomicU64::new(0),
                cache_hits: AtomicU64::new(0),
                sidecar_hits: AtomicU64::new(0),
                sidecar_misses: AtomicU64::new(0),
                origins: Mutex::default(),
            }),
        })
    }

    /// The HTTP client, built on first use.
    fn client(&self) -> Result<&reqwest::Client, String> {
        let timeout = self.inner.settings.timeout;
        self.inner
            .client
            .get_or_init(|| {
                reqwest::Client::builder()
                    .user_agent(concat!("pinctl/", env!("CARGO_PKG_VERSION")))
                    .connect_timeout(timeout)
                    .read_timeout(timeout)
                    // Many project pages (megabytes each) share one HTTP/2 connection: the
                    // default flow-control windows would cap its throughput.
                    .http2_initial_stream_window_size(16 * 1024 * 1024)
                    .http2_initial_connection_window_size(64 * 1024 * 1024)
                    .build()
                    .map_err(|e| format!("cannot set up the HTTP client: {}", describe(&e)))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// What the client has done so far.
    pub fn stats(&self) -> RequestStats {
        RequestStats {
            requests: self.inner.requests.load(Ordering::Relaxed),
            bytes: self.inner.bytes.load(Ordering::Relaxed),
            cache_hits: self.inner.cache_hits.load(Ordering::Relaxed),
        }
    }

    fn cell<K: std::hash::Hash + Eq + Clone, V>(
        memo: &Memo<K, V>,
        key: &K,
    ) -> Arc<OnceCell<Arc<V>>> {
        let mut map = memo
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(key.clone()).or_default().clone()
    }

    /// Credentials go only to the index's own scheme, host and port.
    fn credentials_for(&self, url: &Url) -> Option<&Credentials> {
        let base = &self.inner.base;
        let same = url.scheme() == base.scheme()
            && url.host_str().map(str::to_ascii_lowercase)
                == base.host_str().map(str::to_ascii_lowercase)
            && url.port_or_known_default() == base.port_or_known_default();
        if same {
            self.inner.credentials.as_ref()
        } else {
            None
        }
    }

    /// Sends `req`, retrying transient failures; returns the last response otherwise.
    async fn fetch(&self, req: &Request<'_>) -> Result<Fetched, IndexError> {
        let inner = &self.inner;
        auth::check_transport(req.url, &inner.settings.allow_insecure_hosts)?;
        let started = Instant::now();
        let retries = inner.settings.retries;
        let mut attempt = 0;
        loop {
            let outcome = {
                let _permit = inner
                    .permits
                    .acquire()
                    .await
                    .map_err(|e| IndexError::Internal(format!("request pool closed: {e}")))?;
                inner.requests.fetch_add(1, Ordering::Relaxed);
                // Done when dropped: a request given up half-way (the loser of a race
                // between a metadata file and a range read) is no longer in flight.
                let _in_flight = InFlight::start(inner.reporter.as_ref(), req.what);
                self.attempt(req).await
            };
            let url = || redact(req.url.as_str());
            let (failure, retry_after) = match outcome {
                Ok(f) if is_retryable_status(f.status) => {
                    let after = f
                        .headers
                        .get(header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after);
                    (AttemptError::Status(f.status), after)
                }
                Ok(f) => return Ok(f),
                Err(AttemptError::Fatal(error)) => return Err(error),
                Err(transient) => (transient, None),
            };
            if attempt >= retries {
                let seconds = started.elapsed().as_secs_f64();
                return Err(match failure {
                    AttemptError::Status(code) => IndexError::HttpStatus {
                        url: url(),
                        code,
                        status: status_text(code),
                        retries: attempt,
                        seconds,
                    },
                    AttemptError::Timeout(reason) => IndexError::Timeout {
                        url: url(),
                        reason,
                        retries: attempt,
                        seconds,
                    },
                    AttemptError::Transient(reason) => IndexError::Connection {
                        url: url(),
                        reason,
                        retries: attempt,
                        seconds,
                    },
                    AttemptError::Fatal(error) => error,
                });
            }
            let reason = failure.to_string();
            let wait = backoff(attempt, retry_after, fastrand::f64());
            tracing::debug!(
                "retrying {} in {:.2}s after: {reason}",
                redact(req.url.as_str()),
                wait.as_secs_f64()
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt: send, then read the body for statuses the caller uses.
    async fn attempt(&self, req: &Request<'_>) -> Result<Fetched, AttemptError> {
        let mut builder = self
            .client()
            .map_err(|reason| local_failure(req, &reason))?
            .get(req.url.clone())
            .headers(req.headers.clone());
        if let Some(c) = self.credentials_for(req.url) {
            builder = builder.basic_auth(&c.username, c.password.as_deref());
        }
        // Until a first request to an origin has been answered, later ones wait: the
        // client cannot know before the handshake that the server speaks HTTP/2, and
        // would otherwise open (and resolve DNS for) one connection per request.
        let started = Instant::now();
        let gate = {
            let mut origins = self
                .inner
                .origins
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            origins
                .entry(req.url.origin().ascii_serialization())
                .or_default()
                .clone()
        };
        let guard = gate.lock().await;
        // Hold the gate across `send` only while no answer has come back yet.
        let mut first = if *guard {
            drop(guard);
            None
        } else {
            Some(guard)
        };
        let sent = builder.send().await;
        if let (Some(answered), Ok(_)) = (first.as_mut(), &sent) {
            **answered = true;
        }
        drop(first);
        let mut response = sent.map_err(|e| transient(&e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let final_url = response.url().clone();
        let read_body = matches!(status, 200 | 206) && !(req.range && status == 200);
        let mut fetched = Fetched {
            status,
            headers,
            final_url,
            body: Vec::new(),
            file: None,
            len: 0,
        };
        if !read_body {
            tracing::debug!(
                "GET {} -> {status} in {:.0?}",
                redact(req.url.as_str()),
                started.elapsed()
            );
            return Ok(fetched);
        }
        if let Some(len) = response.content_length().filter(|&l| l > req.limit) {
            return Err(fatal(
                req,
                &fetched,
                &format!(
                    "the response is {len} bytes, more than the limit of {}",
                    req.limit
                ),
            ));
        }
        let mut sink =
            if req.to_file {
                Sink::File(tempfile::tempfile().map_err(|e| {
                    local_failure(req, &format!("cannot create a temporary file: {e}"))
                })?)
            } else {
                Sink::Memory(Vec::new())
            };
        let mut hasher = Sha256::new();
        let mut len: u64 = 0;
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => {
                    self.inner.bytes.fetch_add(len, Ordering::Relaxed);
                    return Err(transient(&e));
                }
            };
            len += chunk.len() as u64;
            if len > req.limit {
                self.inner.bytes.fetch_add(len, Ordering::Relaxed);
                return Err(fatal(
                    req,
                    &fetched,
                    &format!(
                        "the response is larger than the limit of {} bytes",
                        req.limit
                    ),
                ));
            }
            match &mut sink {
                Sink::Memory(buf) => buf.extend_from_slice(&chunk),
                Sink::File(file) => {
                    hasher.update(&chunk);
                    file.write_all(&chunk).map_err(|e| {
                        local_failure(req, &format!("cannot write a temporary file: {e}"))
                    })?;
                }
            }
        }
        self.inner.bytes.fetch_add(len, Ordering::Relaxed);
        tracing::debug!(
            "GET {} -> {status}, {len} bytes in {:.0?}",
            redact(req.url.as_str()),
            started.elapsed()
        );
        fetched.len = len;
        match sink {
            Sink::Memory(buf) => fetched.body = buf,
            Sink::File(mut file) => {
                file.seek(SeekFrom::Start(0)).map_err(|e| {
                    local_failure(req, &format!("cannot rewind a temporary file: {e}"))
                })?;
                fetched.file = Some((file, format!("{:x}", hasher.finalize())));
            }
        }
        Ok(fetched)
    }

    fn status_error(url: &Url, status: u16) -> IndexError {
        IndexError::HttpStatus {
            url: redact(url.as_str()),
            code: status,
            status: status_text(status),
            retries: 0,
            seconds: 0.0,
        }
    }

    async fn page(&self, name: &PackageName) -> Result<Arc<PackageVersions>, IndexError> {
        let cell = Self::cell(&self.inner.pages, name);
        cell.get_or_try_init(|| self.load_page(name)).await.cloned()
    }

    fn page_from_cache(&self, cached: CachedPage) -> Arc<PackageVersions> {
        self.inner.cache_hits.fetch_add(1, Ordering::Relaxed);
        Arc::new(cached.versions)
    }

    async fn load_page(&self, name: &PackageName) -> Result<Arc<PackageVersions>, IndexError> {
        let inner = &self.inner;
        let key = name.to_string();
        let cached = {
            let (cache, name) = (inner.cache.clone(), name.clone());
            blocking(move || Ok(cache.read_page(&name))).await?
        };
        if inner.settings.offline {
            return match cached {
                Some(c) => Ok(self.page_from_cache(c)),
                None => Err(IndexError::Offline {
                    what: name.to_string(),
                }),
            };
        }
        let cached = match cached.filter(|_| !inner.settings.refresh) {
            Some(c) if c.is_fresh(now_secs()) => return Ok(self.page_from_cache(c)),
            other => other,
        };
        let url = inner
            .base
            .join(&format!("{name}/"))
            .map_err(|e| IndexError::InvalidUrl {
                what: "project URL",
                url: format!("{}{name}/", redact(inner.base.as_str())),
                reason: e.to_string(),
            })?;
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(simple::ACCEPT));
        if let Some(etag) = cached.as_ref().and_then(|c| c.etag.as_deref())
            && let Ok(v) = HeaderValue::from_str(etag)
        {
            headers.insert(header::IF_NONE_MATCH, v);
        }
        let fetched = self
            .fetch(&Request {
                url: &url,
                what: &key,
                headers,
                limit: MAX_PAGE,
                range: false,
                to_file: false,
            })
            .await?;
        let header_str = |h: header::HeaderName| {
            fetched
                .headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let max_age = header_str(header::CACHE_CONTROL).and_then(|c| parse_max_age(&c));
        let etag = header_str(header::ETAG);
        let content_type = header_str(header::CONTENT_TYPE);
        let is_json = content_type.as_deref().is_some_and(|t| t.contains("json"));
        let revalidated = match fetched.status {
            304 => match cached {
                Some(c) => Some(c),
                None => return Err(Self::status_error(&url, 304)),
            },
            404 => return Err(IndexError::NotFound(name.clone())),
            200 => None,
            other => return Err(Self::status_error(&url, other)),
        };
        // Parsing a large page (megabytes of JSON) and writing the cache entry are CPU
        // and disk work: keep them off the async workers.
        let (cache, name) = (inner.cache.clone(), name.clone());
        blocking(move || {
            let entry = if let Some(mut entry) = revalidated {
                entry.fetched_at = now_secs();
                entry.max_age = max_age;
                entry.etag = etag.or(entry.etag);
                entry
            } else {
                let page = if is_json {
                    simple::parse_json(&fetched.body, &fetched.final_url)
                } else {
                    simple::parse_html(&fetched.body, &fetched.final_url)
                }
                .map_err(|e| {
                    let url = redact(&e.url);
                    IndexError::BadBody {
                        message: format!("invalid project page `{url}`: {}", e.reason),
                        url,
                        content_type,
                        first_bytes: super::first_bytes(&fetched.body),
                    }
                })?;
                cache_entry(&name, page, max_age, etag)
            };
            cache.write_page(&entry);
            Ok(Arc::new(entry.versions))
        })
        .await
    }

    async fn load_metadata(
        &self,
        name: &PackageName,
        version: &Version,
    ) -> Result<Arc<Metadata>, IndexError> {
        let inner = &self.inner;
        let (key_name, key_version) = (name.to_string(), version.to_string());
        if let Some(cached) = inner.cache.read_metadata(&key_name, &key_version) {
            match cached.to_metadata() {
                Ok(m) => {
                    inner.cache_hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(Arc::new(m));
                }
                Err(e) => {
                    tracing::warn!("{e}");
                    DiskCache::discard(&inner.cache.metadata_path(&key_name, &key_version));
                }
            }
        }
        if inner.settings.offline {
            return Err(IndexError::Offline {
                what: format!("{name} {version}"),
            });
        }
        let page = self.page(name).await?;
        let files = page
            .versions
            .get(version)
            .ok_or_else(|| IndexError::NoSuchVersion {
                name: name.clone(),
                version: version.clone(),
                index: redact(inner.base.as_str()),
            })?;
        let mut metadata = if let Some(wheel) = pick_wheel(files.files()) {
            self.wheel_metadata(name, wheel).await?
        } else {
            let sdist = files
                .files()
                .iter()
                .find(|f| f.filename.to_ascii_lowercase().ends_with(".tar.gz"))
                .or_else(|| files.files().first())
                .ok_or_else(|| IndexError::NoFiles {
                    name: name.clone(),
                    version: version.clone(),
                })?;
            self.sdist_metadata(name, version, sdist).await?
        };
        if metadata.name != *name || metadata.version != *version {
            tracing::warn!(
                "the metadata of `{name}` {version} names `{}` {}; using the requested name and version",
                metadata.name,
                metadata.version
            );
            metadata.name = name.clone();
            metadata.version = version.clone();
        }
        inner
            .cache
            .write_metadata(&key_name, &key_version, &CachedMetadata::from(&metadata));
        Ok(Arc::new(metadata))
    }
}

impl PackageIndex for HttpIndex {
    fn versions<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> BoxFuture<'a, Result<Arc<PackageVersions>, IndexError>> {
        Box::pin(self.page(name))
    }

    fn metadata<'a>(
        &'a self,
        name: &'a PackageName,
        version: &'a Version,
    ) -> BoxFuture<'a, Result<Arc<Metadata>, IndexError>> {
        Box::pin(async move {
            let key = (name.clone(), version.clone());
            let cell = Self::cell(&self.inner.metadata, &key);
            cell.get_or_try_init(|| self.load_metadata(name, version))
                .await
                .cloned()
        })
    }

    fn known_names(&self) -> Vec<PackageName> {
        self.inner.cache.page_names()
    }
}

/// A request reported to the [`Reporter`] as started, and as done when dropped.
struct InFlight<'a> {
    reporter: &'a dyn Reporter,
    what: &'a str,
}

impl<'a> InFlight<'a> {
    fn start(reporter: &'a dyn Reporter, what: &'a str) -> Self {
        reporter.on_request_start(what);
        Self { reporter, what }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.reporter.on_request_done(self.what);
    }
}

/// Runs CPU or disk work on the blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, IndexError> + Send + 'static,
) -> Result<T, IndexError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| IndexError::Internal(format!("a background task failed: {e}")))?
}

/// Parses a package name for callers holding strings (benchmarks, commands).
pub fn package_name(s: &str) -> Result<PackageName, IndexError> {
    PackageName::from_str(s).map_err(|e| IndexError::InvalidName {
        name: s.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_mismatch_names_url_and_both_hashes() {
        let url = Url::parse("https://files.example/foo.whl").unwrap();
        assert!(verify_sha256(&url, None, "ab").is_ok());
        assert!(verify_sha256(&url, Some("AB"), "ab").is_ok());
        let err = verify_sha256(&url, Some("cd"), "ab")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("https://files.example/foo.whl")
                && err.contains("`cd`")
                && err.contains("`ab`"),
            "{err}"
        );
    }

    #[test]
    fn refuses_plain_http_and_keeps_credentials_out_of_debug() {
        let dir = tempfile::tempdir().unwrap();
        let settings =
            IndexSettings::new("http://user:pw@intranet/simple", dir.path().to_path_buf());
        let err = HttpIndex::new(settings, Arc::new(crate::reporter::NoReporter)).unwrap_err();
        let IndexError::Refused { message, hint } = err else {
            panic!("plain http was not refused: {err}");
        };
        assert!(
            hint.contains("--allow-insecure-host")
                && !message.contains("pw")
                && !hint.contains("pw"),
            "{message} / {hint}"
        );
        let settings = IndexSettings::new(
            "https://user:pw@example.com/simple",
            dir.path().to_path_buf(),
        );
        let index = HttpIndex::new(settings, Arc::new(crate::reporter::NoReporter)).unwrap();
        assert!(!format!("{index:?}").contains("pw"));
        let creds = index.credentials_for(&Url::parse("https://example.com/files/x.whl").unwrap());
        assert_eq!(creds.map(|c| c.username.as_str()), Some("user"));
        assert!(
            index
                .credentials_for(&Url::parse("https://files.example.org/x.whl").unwrap())
                .is_none()
        );
        assert!(
            index
                .credentials_for(&Url::parse("https://example.com:8443/x.whl").unwrap())
                .is_none()
        );
    }

    #[tokio::test]
    async fn offline_miss_names_the_package() {
        let dir = tempfile::tempdir().unwrap();
        let mut settings =
            IndexSettings::new("https://example.com/simple", dir.path().to_path_buf());
        settings.offline = true;
        let index = HttpIndex::new(settings, Arc::new(crate::reporter::NoReporter)).unwrap();
        let name = package_name("Django").unwrap();
        let err = index.versions(&name).await.unwrap_err();
        assert!(matches!(err, IndexError::Offline { .. }));
        assert!(err.to_string().contains("django"), "{err}");
        let err = index
            .metadata(&name, &Version::from_str("5.0").unwrap())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("`django 5.0`"), "{err}");
        assert_eq!(index.stats(), RequestStats::default());
    }
}
