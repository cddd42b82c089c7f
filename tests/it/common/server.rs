//! The in-process test package index: an HTTP/1.1 server on 127.0.0.1 serving a PEP 691
//! (JSON) / PEP 503 (HTML) simple index built on the fly from a scenario or from
//! packages added programmatically, with real wheels, `.metadata` sidecars and sdists,
//! per-path fault injection and request counters.
//!
//! Layout (as on PyPI): `/simple/` lists projects, `/simple/<normalized-name>/` lists a
//! project's files (JSON when `Accept` prefers `application/vnd.pypi.simple.v1+json`,
//! HTML otherwise; a non-normalised name or a missing trailing slash gets a 301 to the
//! canonical page; an unknown project 404). JSON file URLs are absolute; HTML hrefs are
//! relative (`../../files/<file>#sha256=<hex>`), so clients must join them with the page
//! URL. Files live at `/files/<filename>` (percent-encoded in URLs, e.g. `+` as `%2B`)
//! and wheel metadata at `/files/<wheel>.metadata`. File responses support HEAD and a
//! single `Range: bytes=A-B`, `bytes=A-` or `bytes=-N` (206 + Content-Range; 416 past
//! the end). Connections are kept alive unless the client sends `Connection: close`.
//!
//! Wheels are DEFLATE zips with `<name>/__init__.py` and a `.dist-info` holding
//! METADATA (Metadata-Version 2.1), WHEEL and RECORD; sdists are `.tar.gz` with PKG-INFO
//! (Metadata-Version 2.2, nothing dynamic), a static `[project]` pyproject.toml and a
//! tiny in-tree build backend, so pip can build them offline. Bytes are deterministic.
//!
//! Faults ([`Fault`]) are set per path prefix; the longest matching prefix applies.
//! Every request is logged (`"GET /simple/a/ 200"`, `"GET /files/x reset"`) before its
//! answer is written, so counts are exact once the client has its answer.

mod dist;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub use dist::{UPLOAD_TIME, dist_name, normalize, sha256_hex};

use crate::common::scenario::Scenario;

/// The JSON media type of PEP 691.
pub const JSON_TYPE: &str = "application/vnd.pypi.simple.v1+json";
/// Connections idle this long are closed by the server.
const IDLE_LIMIT: Duration = Duration::from_mins(2);

/// What one version of a package declares and which files it has.
#[derive(Debug, Clone)]
pub struct PackageSpec {
    /// Requires-Dist entries (PEP 508), without extras markers.
    pub requires: Vec<String>,
    /// Extra name -> its requirements (rendered with `; extra == "x"` markers).
    pub extras: BTreeMap<String, Vec<String>>,
    /// Requires-Python of the version (and of each file in the index).
    pub requires_python: Option<String>,
    /// Every file of the version is yanked.
    pub yanked: bool,
    /// The yank reason (JSON `yanked: "<reason>"`, HTML `data-yanked="<reason>"`);
    /// without one JSON says `yanked: true` and HTML `data-yanked=""`.
    pub yanked_reason: Option<String>,
    /// One wheel per tag (compressed tag sets like `py2.py3-none-any` are fine);
    /// empty means `py3-none-any`.
    pub wheel_tags: Vec<String>,
    /// Publish an sdist (`.tar.gz`).
    pub sdist: bool,
    /// Publish wheels.
    pub wheel: bool,
}

impl Default for PackageSpec {
    fn default() -> Self {
        Self {
            requires: Vec::new(),
            extras: BTreeMap::new(),
            requires_python: None,
            yanked: false,
            yanked_reason: None,
            wheel_tags: Vec::new(),
            sdist: true,
            wheel: true,
        }
    }
}

impl PackageSpec {
    /// A version with a `py3-none-any` wheel and an sdist, no requirements.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds Requires-Dist entries.
    #[must_use]
    pub fn requires<I: IntoIterator<Item = S>, S: Into<String>>(mut self, reqs: I) -> Self {
        self.requires.extend(reqs.into_iter().map(Into::into));
        self
    }

    /// Adds an extra with its requirements.
    #[must_use]
    pub fn extra<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        name: &str,
        reqs: I,
    ) -> Self {
        self.extras
            .insert(name.to_string(), reqs.into_iter().map(Into::into).collect());
        self
    }

    /// Sets Requires-Python.
    #[must_use]
    pub fn requires_python(mut self, spec: &str) -> Self {
        self.requires_python = Some(spec.to_string());
        self
    }

    /// Yanks the version, optionally with a reason.
    #[must_use]
    pub fn yanked(mut self, reason: Option<&str>) -> Self {
        self.yanked = true;
        self.yanked_reason = reason.map(str::to_string);
        self
    }

    /// Publishes one wheel per tag instead of `py3-none-any`.
    #[must_use]
    pub fn wheel_tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.wheel_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Whether to publish an sdist.
    #[must_use]
    pub fn sdist(mut self, yes: bool) -> Self {
        self.sdist = yes;
        self
    }

    /// Whether to publish wheels.
    #[must_use]
    pub fn wheel(mut self, yes: bool) -> Self {
        self.wheel = yes;
        self
    }
}

/// A misbehaviour injected for every request whose path starts with a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Always answer with this status (e.g. 500, 503, 404) and a short text body.
    Status(u16),
    /// Answer with the status the first N times, then serve normally.
    StatusTimes(u16, usize),
    /// 429 with `Retry-After: <secs>` the first `times` times, then serve normally.
    RateLimited { retry_after_secs: u64, times: usize },
    /// Read the request, then close the connection without answering, `times` times.
    ConnectionReset { times: usize },
    /// Wait this long before answering normally.
    Delay(Duration),
    /// Send the full Content-Length but only half of the body, then close.
    TruncatedBody,
    /// Files (`/files/...`, including `.metadata`) are served with bytes that differ
    /// from the sha256 in the index (wheels and sdists keep their size and stay valid
    /// archives; sidecars get an extra line). Pages are unaffected.
    WrongHash,
    /// `.metadata` sidecars under the prefix answer 404 (pages still advertise them
    /// unless the package hides core-metadata); other paths are served normally.
    NoMetadata,
    /// Files ignore `Range` and answer 200 with the whole body, without
    /// `Accept-Ranges`.
    NoRange,
    /// JSON index pages are cut off mid-document (HTML answers are unchanged).
    MalformedJson,
    /// HTML index pages are cut off mid-tag (JSON answers are unchanged).
    MalformedHtml,
    /// Answer 200 with this content type and body (a captive portal, an empty body, an
    /// error object) the first `times` times, then serve normally.
    Body {
        content_type: String,
        body: Vec<u8>,
        times: usize,
    },
    /// [`Fault::WrongHash`] the first N times, then serve normally.
    WrongHashTimes(usize),
    /// Whole bodies (200) are sent gzip-compressed with `Content-Encoding: gzip`, asked
    /// for or not, as a misconfigured CDN may; range answers (206) are left alone.
    Gzip,
}

/// Builds a [`TestIndex`] from packages added one by one.
#[derive(Debug, Default, Clone)]
pub struct TestIndexBuilder {
    /// Normalized name -> (display name, versions in insertion order).
    packages: BTreeMap<String, (String, Vec<(String, PackageSpec)>)>,
    hide_core_metadata: BTreeSet<String>,
    hide_all_core_metadata: bool,
    etags: bool,
    cache_control: Option<String>,
}

impl TestIndexBuilder {
    /// Adds (or replaces) `version` of `name`.
    #[must_use]
    pub fn package(mut self, name: &str, version: &str, spec: PackageSpec) -> Self {
        let (_, versions) = self
            .packages
            .entry(normalize(name))
            .or_insert_with(|| (name.to_string(), Vec::new()));
        versions.retain(|(v, _)| v != version);
        versions.push((version.to_string(), spec));
        self
    }

    /// Adds a project with no versions (its page exists and lists no files).
    #[must_use]
    pub fn empty_project(mut self, name: &str) -> Self {
        self.packages
            .entry(normalize(name))
            .or_insert_with(|| (name.to_string(), Vec::new()));
        self
    }

    /// Index pages carry an `ETag` (a hash of the body) and answer a matching
    /// `If-None-Match` with 304 Not Modified.
    #[must_use]
    pub fn etags(mut self) -> Self {
        self.etags = true;
        self
    }

    /// Index pages carry this `Cache-Control` header (e.g. `max-age=0`); by default
    /// they carry none.
    #[must_use]
    pub fn cache_control(mut self, value: &str) -> Self {
        self.cache_control = Some(value.to_string());
        self
    }

    /// The index pages of `name` do not advertise core metadata (no `core-metadata` key,
    /// no `data-dist-info-metadata`), as the reachable PyPI does; sidecars are still served.
    #[must_use]
    pub fn hide_core_metadata(mut self, name: &str) -> Self {
        self.hide_core_metadata.insert(normalize(name));
        self
    }

    /// [`Self::hide_core_metadata`] for every package.
    #[must_use]
    pub fn hide_all_core_metadata(mut self) -> Self {
        self.hide_all_core_metadata = true;
        self
    }

    /// Builds every file, binds 127.0.0.1:0 and starts serving.
    pub fn build(self) -> TestIndex {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let base = format!("http://{addr}");
        let content = Content::build(&self, &base);
        let state = Arc::new(State {
            base: base.clone(),
            content: RwLock::new(Arc::new(content)),
            etags: self.etags,
            cache_control: self.cache_control.clone(),
            spec: Mutex::new(self),
            faults: Mutex::new(Vec::new()),
            overrides: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
            stop: AtomicBool::new(false),
        });
        let accept_state = Arc::clone(&state);
        let accept = std::thread::Builder::new()
            .name("test-index-accept".into())
            .spawn(move || accept_loop(&listener, &accept_state))
            .unwrap();
        TestIndex {
            addr,
            base,
            state,
            accept: Some(accept),
        }
    }
}

/// A running test index; stops serving when dropped.
pub struct TestIndex {
    addr: SocketAddr,
    base: String,
    state: Arc<State>,
    accept: Option<JoinHandle<()>>,
}

impl TestIndex {
    /// Serves every package of the scenario (versions without `requires_python` get
    /// the scenario default `>=3.12`; packages with no versions get an empty page).
    pub fn from_scenario(s: &Scenario) -> TestIndex {
        let mut b = TestIndex::builder();
        for (name, pkg) in &s.packages {
            b = b.empty_project(name);
            for (version, v) in &pkg.versions {
                let spec = PackageSpec {
                    requires: v.requires.clone(),
                    extras: v.extras.clone(),
                    requires_python: Some(v.requires_python().to_string()),
                    yanked: v.yanked,
                    yanked_reason: None,
                    wheel_tags: v.wheel_tags.clone(),
                    sdist: v.sdist,
                    wheel: v.wheel,
                };
                b = b.package(name, version, spec);
            }
        }
        b.build()
    }

    /// [`Self::from_scenario`] of a scenario TOML file.
    pub fn from_scenario_file(path: &Path) -> TestIndex {
        Self::from_scenario(&Scenario::load(path))
    }

    /// A builder for adding packages programmatically.
    pub fn builder() -> TestIndexBuilder {
        TestIndexBuilder::default()
    }

    /// The index URL to give a client: `http://127.0.0.1:PORT/simple`.
    pub fn url(&self) -> String {
        format!("{}/simple", self.base)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        self.base.clone()
    }

    /// The socket address served.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sets (or replaces) the fault for paths starting with `path_prefix`. When several
    /// prefixes match a request, the longest one applies.
    pub fn fault(&self, path_prefix: &str, fault: Fault) {
        let mut faults = self.state.faults.lock().unwrap();
        faults.retain(|f| f.prefix != path_prefix);
        faults.push(ActiveFault {
            prefix: path_prefix.to_string(),
            fault,
            fired: 0,
        });
    }

    /// Serves `body` at `/files/<filename>` instead of the file's own bytes (pages keep
    /// the real file's hash): a `.metadata` file that disagrees with its wheel, say.
    pub fn override_file(&self, filename: &str, body: &[u8]) {
        self.state
            .overrides
            .lock()
            .unwrap()
            .insert(filename.to_string(), body.to_vec());
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.state.faults.lock().unwrap().clear();
    }

    /// How many requests (any method, any outcome) had a path starting with `path_prefix`.
    pub fn requests(&self, path_prefix: &str) -> usize {
        self.state
            .log
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.path.starts_with(path_prefix))
            .count()
    }

    /// Every request in order: `"GET /simple/a/ 200"`, or `"GET /files/x reset"` for a
    /// connection reset.
    pub fn request_log(&self) -> Vec<String> {
        self.state
            .log
            .lock()
            .unwrap()
            .iter()
            .map(|e| match e.status {
                Some(s) => format!("{} {} {s}", e.method, e.path),
                None => format!("{} {} reset", e.method, e.path),
            })
            .collect()
    }

    /// Forgets every request seen so far.
    pub fn reset_counters(&self) {
        self.state.log.lock().unwrap().clear();
    }

    /// Every filename served under `/files/` (distributions and `.metadata` sidecars).
    pub fn filenames(&self) -> Vec<String> {
        let mut names: Vec<String> = self.state.content().files.keys().cloned().collect();
        names.sort();
        names
    }

    /// The bytes served (without faults) at `/files/<filename>`.
    pub fn file(&self, filename: &str) -> Option<Vec<u8>> {
        self.state
            .content()
            .files
            .get(filename)
            .map(|f| f.as_ref().clone())
    }

    /// Publishes (or replaces) `version` of `name` while serving, as if uploaded now:
    /// pages and files are rebuilt; later requests see the new version.
    pub fn publish(&self, name: &str, version: &str, spec: PackageSpec) {
        let mut builder = self.state.spec.lock().unwrap();
        *builder = std::mem::take(&mut *builder).package(name, version, spec);
        let content = Content::build(&builder, &self.base);
        *self.state.content.write().unwrap() = Arc::new(content);
    }

    /// The absolute URL of `/files/<filename>`.
    pub fn file_url(&self, filename: &str) -> String {
        format!("{}/files/{}", self.base, quote(filename))
    }
}

impl Drop for TestIndex {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.accept.take() {
            let _ = h.join();
        }
    }
}

// ---------------------------------------------------------------------------
// Index content
// ---------------------------------------------------------------------------

#[derive(Clone)]
enum Yank {
    No,
    NoReason,
    Reason(String),
}

struct FileEntry {
    filename: String,
    sha256: String,
    size: usize,
    requires_python: Option<String>,
    yanked: Yank,
    /// Some for wheels (sha256 of the `.metadata` sidecar).
    metadata_sha256: Option<String>,
}

struct Project {
    display: String,
    json: String,
    html: String,
}

struct Content {
    projects: BTreeMap<String, Project>,
    root_json: String,
    root_html: String,
    files: HashMap<String, Arc<Vec<u8>>>,
}

fn version_key(v: &str) -> (Option<pep440_rs::Version>, String) {
    (v.parse().ok(), v.to_string())
}

impl Content {
    fn build(b: &TestIndexBuilder, base: &str) -> Content {
        let mut files = HashMap::new();
        let mut projects = BTreeMap::new();
        for (key, (display, versions)) in &b.packages {
            let key = key.clone();
            let hide = b.hide_all_core_metadata || b.hide_core_metadata.contains(&key);
            let mut sorted: Vec<&(String, PackageSpec)> = versions.iter().collect();
            sorted.sort_by_key(|(v, _)| version_key(v));
            let mut entries = Vec::new();
            for (version, spec) in &sorted {
                let meta = dist::VersionMeta {
                    name: display,
                    version,
                    requires: &spec.requires,
                    extras: &spec.extras,
                    requires_python: spec.requires_python.as_deref(),
                };
                let yanked = match (spec.yanked, &spec.yanked_reason) {
                    (false, _) => Yank::No,
                    (true, None) => Yank::NoReason,
                    (true, Some(r)) => Yank::Reason(r.clone()),
                };
                let metadata = dist::core_metadata(&meta, "2.1");
                if spec.wheel {
                    let tags = if spec.wheel_tags.is_empty() {
                        vec!["py3-none-any".to_string()]
                    } else {
                        spec.wheel_tags.clone()
                    };
                    for tag in tags {
                        let filename = format!("{}-{version}-{tag}.whl", dist_name(display));
                        let data = dist::build_wheel(&meta, &metadata, &tag);
                        entries.push(FileEntry {
                            filename: filename.clone(),
                            sha256: sha256_hex(&data),
                            size: data.len(),
                            requires_python: spec.requires_python.clone(),
                            yanked: yanked.clone(),
                            metadata_sha256: Some(sha256_hex(metadata.as_bytes())),
                        });
                        files.insert(filename.clone(), Arc::new(data));
                        files.insert(
                            format!("{filename}.metadata"),
                            Arc::new(metadata.clone().into_bytes()),
                        );
                    }
                }
                if spec.sdist {
                    let filename = format!("{}-{version}.tar.gz", dist_name(display));
                    let data = dist::build_sdist(&meta);
                    entries.push(FileEntry {
                        filename: filename.clone(),
                        sha256: sha256_hex(&data),
                        size: data.len(),
                        requires_python: spec.requires_python.clone(),
                        yanked: yanked.clone(),
                        metadata_sha256: None,
                    });
                    files.insert(filename, Arc::new(data));
                }
            }
            let version_list: Vec<&str> = sorted.iter().map(|(v, _)| v.as_str()).collect();
            let json = project_json(&key, &version_list, &entries, hide, base);
            let html = project_html(display, &entries, hide);
            projects.insert(
                key,
                Project {
                    display: display.clone(),
                    json,
                    html,
                },
            );
        }
        let root_json = serde_json::to_string_pretty(&serde_json::json!({
            "meta": {"api-version": "1.1"},
            "projects": projects.values().map(|p| serde_json::json!({"name": p.display})).collect::<Vec<_>>(),
        }))
        .unwrap();
        let mut root_html = String::from(
            "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n    <title>Simple index</title>\n  </head>\n  <body>\n",
        );
        for (key, p) in &projects {
            let _ = writeln!(
                root_html,
                "    <a href=\"/simple/{key}/\">{}</a><br />",
                html_escape(&p.display)
            );
        }
        root_html.push_str("  </body>\n</html>\n");
        Content {
            projects,
            root_json,
            root_html,
            files,
        }
    }
}

fn project_json(
    key: &str,
    versions: &[&str],
    entries: &[FileEntry],
    hide: bool,
    base: &str,
) -> String {
    let files: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let mut f = serde_json::json!({
                "filename": e.filename,
                "url": format!("{base}/files/{}", quote(&e.filename)),
                "hashes": {"sha256": e.sha256},
                "requires-python": e.requires_python,
                "size": e.size,
                "upload-time": UPLOAD_TIME,
                "yanked": match &e.yanked {
                    Yank::No => serde_json::Value::Bool(false),
                    Yank::NoReason => serde_json::Value::Bool(true),
                    Yank::Reason(reason) => serde_json::Value::String(reason.clone()),
                },
            });
            if !hide {
                let m = match &e.metadata_sha256 {
                    Some(h) => serde_json::json!({"sha256": h}),
                    None => serde_json::Value::Bool(false),
                };
                f["core-metadata"] = m.clone();
                f["dist-info-metadata"] = m;
            }
            f
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "meta": {"api-version": "1.1"},
        "name": key,
        "versions": versions,
        "files": files,
    }))
    .unwrap()
}

fn project_html(display: &str, entries: &[FileEntry], hide: bool) -> String {
    let mut page = format!(
        "<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"1.1\">\n    <title>Links for {0}</title>\n  </head>\n  <body>\n    <h1>Links for {0}</h1>\n",
        html_escape(display)
    );
    for e in entries {
        let mut attrs = vec![format!(
            "href=\"../../files/{}#sha256={}\"",
            html_escape(&quote(&e.filename)),
            e.sha256
        )];
        if let Some(rp) = &e.requires_python {
            attrs.push(format!("data-requires-python=\"{}\"", html_escape(rp)));
        }
        match &e.yanked {
            Yank::No => {}
            Yank::NoReason => attrs.push("data-yanked=\"\"".to_string()),
            Yank::Reason(reason) => attrs.push(format!("data-yanked=\"{}\"", html_escape(reason))),
        }
        if let (Some(h), false) = (&e.metadata_sha256, hide) {
            attrs.push(format!("data-dist-info-metadata=\"sha256={h}\""));
            attrs.push(format!("data-core-metadata=\"sha256={h}\""));
        }
        let _ = writeln!(
            page,
            "    <a {}>{}</a><br />",
            attrs.join(" "),
            html_escape(&e.filename)
        );
    }
    page.push_str("  </body>\n</html>\n");
    page
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes everything but unreserved characters.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn unquote(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------

struct ActiveFault {
    prefix: String,
    fault: Fault,
    fired: usize,
}

struct Logged {
    method: String,
    path: String,
    /// None: the connection was reset.
    status: Option<u16>,
}

struct State {
    base: String,
    content: RwLock<Arc<Content>>,
    /// What the content is built from (for [`TestIndex::publish`]).
    spec: Mutex<TestIndexBuilder>,
    etags: bool,
    cache_control: Option<String>,
    faults: Mutex<Vec<ActiveFault>>,
    /// Bodies served instead of files' own (see [`TestIndex::override_file`]).
    overrides: Mutex<HashMap<String, Vec<u8>>>,
    log: Mutex<Vec<Logged>>,
    stop: AtomicBool,
}

impl State {
    fn content(&self) -> Arc<Content> {
        Arc::clone(&self.content.read().unwrap())
    }

    /// The fault that fires for `path` now (counting it for limited faults).
    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let active = faults
            .iter_mut()
            .filter(|f| path.starts_with(&f.prefix))
            .max_by_key(|f| f.prefix.len())?;
        let limit = match active.fault {
            Fault::StatusTimes(_, n)
            | Fault::RateLimited { times: n, .. }
            | Fault::ConnectionReset { times: n }
            | Fault::Body { times: n, .. }
            | Fault::WrongHashTimes(n) => Some(n),
            _ => None,
        };
        if let Some(n) = limit
            && active.fired >= n
        {
            return None;
        }
        active.fired += 1;
        Some(active.fault.clone())
    }

    fn log(&self, req: &Request, status: Option<u16>) {
        self.log.lock().unwrap().push(Logged {
            method: req.method.clone(),
            path: req.path.clone(),
            status,
        });
    }
}

fn accept_loop(listener: &TcpListener, state: &Arc<State>) {
    for stream in listener.incoming() {
        if state.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        let state = Arc::clone(state);
        let _ = std::thread::Builder::new()
            .name("test-index-conn".into())
            .spawn(move || serve_connection(stream, &state));
    }
}

struct Request {
    method: String,
    /// Percent-decoded, without the query string.
    path: String,
    headers: Vec<(String, String)>,
    close: bool,
    /// Bytes of the request line and headers (still unread on the socket).
    head_len: u64,
    /// Content-Length of the request body (read and dropped).
    body_len: u64,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Waits for a whole request head and parses it WITHOUT consuming it from the socket
/// (`peek`), so that a connection-reset fault can close the socket with unread data,
/// which makes the kernel send a real RST. None when the connection closed, idled out
/// or sent garbage.
fn peek_request(stream: &mut TcpStream, state: &State) -> Option<Request> {
    let mut buf = vec![0_u8; 64 * 1024];
    let started = Instant::now();
    let mut last = 0;
    let head_len = loop {
        match stream.peek(&mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                // Tolerate blank lines between pipelined requests.
                if buf[..n].starts_with(b"\r\n") || buf[..n].starts_with(b"\n") {
                    let skip: u64 = if buf[0] == b'\r' { 2 } else { 1 };
                    if !discard(stream, skip, state) {
                        return None;
                    }
                    last = 0;
                    continue;
                }
                if let Some(pos) = buf[..n].windows(4).position(|w| w == b"\r\n\r\n") {
                    break pos + 4;
                }
                if n == buf.len() {
                    return None;
                }
                if n == last {
                    // More of the head is on its way; peek returns at once meanwhile.
                    std::thread::sleep(Duration::from_millis(1));
                }
                last = n;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
        if state.stop.load(Ordering::SeqCst) || started.elapsed() > IDLE_LIMIT {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_len]).into_owned();
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let version = parts.next().unwrap_or("HTTP/1.0").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut req = Request {
        method,
        path: String::new(),
        headers,
        close: false,
        head_len: head_len as u64,
        body_len: 0,
    };
    req.body_len = req
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let target = target
        .strip_prefix("http://")
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .unwrap_or(target);
    let raw_path = target.split(['?', '#']).next().unwrap_or("/");
    req.path = unquote(raw_path);
    let conn = req.header("connection").unwrap_or("").to_ascii_lowercase();
    req.close = conn.contains("close") || (version == "HTTP/1.0" && !conn.contains("keep-alive"));
    Some(req)
}

/// Reads and drops `n` bytes; false when the connection ended first.
fn discard(stream: &mut TcpStream, mut n: u64, state: &State) -> bool {
    let mut buf = [0_u8; 8192];
    let started = Instant::now();
    while n > 0 {
        let want = usize::try_from(n.min(buf.len() as u64)).unwrap_or(buf.len());
        match stream.read(&mut buf[..want]) {
            Ok(0) => return false,
            Ok(got) => n -= got as u64,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                if state.stop.load(Ordering::SeqCst) || started.elapsed() > IDLE_LIMIT {
                    return false;
                }
            }
            Err(_) => return false,
        }
    }
    true
}

/// What to do with the connection after a request.
#[derive(PartialEq, Eq)]
enum After {
    KeepAlive,
    Close,
    /// Drop the socket with the request unread (the kernel answers with RST).
    Reset,
}

fn serve_connection(mut stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = stream.set_nodelay(true);
    while let Some(req) = peek_request(&mut stream, state) {
        match handle(&mut stream, &req, state) {
            After::KeepAlive => {}
            After::Close => break,
            After::Reset => return,
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    /// What the body is (the malformed-page faults only touch pages).
    kind: BodyKind,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum BodyKind {
    Json,
    Html,
    File,
    Other,
}

impl Response {
    fn text(status: u16, body: &str) -> Self {
        Response {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".to_string())],
            body: body.as_bytes().to_vec(),
            kind: BodyKind::Other,
        }
    }

    fn redirect(location: String) -> Self {
        let mut r = Response::text(301, "moved\n");
        r.headers.push(("Location", location));
        r
    }
}

/// Whether the Accept header prefers the PEP 691 JSON form.
fn wants_json(accept: Option<&str>) -> bool {
    let Some(accept) = accept else { return false };
    let mut json_q: f32 = -1.0;
    let mut html_q: f32 = -1.0;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "application/vnd.pypi.simple.v1+json" | "application/vnd.pypi.simple.latest+json" => {
                json_q = json_q.max(q);
            }
            "text/html"
            | "application/vnd.pypi.simple.v1+html"
            | "application/vnd.pypi.simple.latest+html" => html_q = html_q.max(q),
            _ => {}
        }
    }
    json_q > 0.0 && json_q >= html_q
}

/// The answer for `req`, shaped by the file-level faults (NoMetadata, WrongHash, NoRange).
#[allow(clippy::case_sensitive_file_extension_comparisons)] // our own lowercase names
fn route(req: &Request, state: &State, fault: Option<&Fault>) -> Response {
    let path = req.path.as_str();
    let c = state.content();
    let c = &*c;
    if path == "/simple" || path == "/simple/" {
        return page(req, state, &c.root_json, &c.root_html);
    }
    if let Some(rest) = path.strip_prefix("/simple/") {
        let name = rest.trim_end_matches('/');
        if name.contains('/') {
            return Response::text(404, "not found\n");
        }
        let key = normalize(name);
        let Some(project) = c.projects.get(&key) else {
            return Response::text(404, &format!("no project `{name}`\n"));
        };
        if key != name || !rest.ends_with('/') {
            return Response::redirect(format!("{}/simple/{key}/", state.base));
        }
        return page(req, state, &project.json, &project.html);
    }
    if let Some(filename) = path.strip_prefix("/files/") {
        if matches!(fault, Some(Fault::NoMetadata)) && filename.ends_with(".metadata") {
            return Response::text(404, "no metadata\n");
        }
        let Some(data) = c.files.get(filename) else {
            return Response::text(404, &format!("no file `{filename}`\n"));
        };
        let overridden = state.overrides.lock().unwrap().get(filename).cloned();
        let data = if let Some(body) = overridden {
            body
        } else if matches!(fault, Some(Fault::WrongHash | Fault::WrongHashTimes(_))) {
            dist::tamper(filename, data)
        } else {
            data.as_ref().clone()
        };
        let content_type = if filename.ends_with(".metadata") {
            "text/plain; charset=utf-8"
        } else if filename.ends_with(".whl") {
            "application/zip"
        } else {
            "application/octet-stream"
        };
        let mut resp = Response {
            status: 200,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Accept-Ranges", "bytes".to_string()),
            ],
            body: data,
            kind: BodyKind::File,
        };
        if matches!(fault, Some(Fault::NoRange)) {
            resp.headers.retain(|(n, _)| *n != "Accept-Ranges");
        } else if let Some(range) = req.header("range") {
            apply_range(&mut resp, range);
        }
        return resp;
    }
    Response::text(404, "not found\n")
}

fn page(req: &Request, state: &State, json: &str, html: &str) -> Response {
    let mut resp = if wants_json(req.header("accept")) {
        Response {
            status: 200,
            headers: vec![("Content-Type", JSON_TYPE.to_string())],
            body: json.as_bytes().to_vec(),
            kind: BodyKind::Json,
        }
    } else {
        Response {
            status: 200,
            headers: vec![("Content-Type", "text/html; charset=utf-8".to_string())],
            body: html.as_bytes().to_vec(),
            kind: BodyKind::Html,
        }
    };
    resp.headers.push(("Vary", "Accept".to_string()));
    if let Some(cc) = &state.cache_control {
        resp.headers.push(("Cache-Control", cc.clone()));
    }
    if state.etags {
        let etag = format!("\"{}\"", &sha256_hex(&resp.body)[..16]);
        if req
            .header("if-none-match")
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag))
        {
            resp.status = 304;
            resp.body.clear();
        }
        resp.headers.push(("ETag", etag));
    }
    resp
}

/// Applies a single `bytes=` range (206, or 416 when unsatisfiable); other forms are
/// ignored (200 with the whole body).
fn apply_range(resp: &mut Response, range: &str) {
    let len = resp.body.len();
    let Some(spec) = range.trim().strip_prefix("bytes=") else {
        return;
    };
    if spec.contains(',') {
        return;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return;
    };
    let (start, end) = if a.is_empty() {
        let Ok(n) = b.parse::<usize>() else { return };
        if n == 0 {
            return unsatisfiable(resp);
        }
        (len.saturating_sub(n), len.saturating_sub(1))
    } else {
        let Ok(start) = a.parse::<usize>() else {
            return;
        };
        let end = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            let Ok(end) = b.parse::<usize>() else { return };
            if end < start {
                return;
            }
            end.min(len.saturating_sub(1))
        };
        (start, end)
    };
    if len == 0 || start >= len {
        return unsatisfiable(resp);
    }
    resp.body = resp.body[start..=end].to_vec();
    resp.status = 206;
    resp.headers
        .push(("Content-Range", format!("bytes {start}-{end}/{len}")));
}

fn unsatisfiable(resp: &mut Response) {
    let len = resp.body.len();
    resp.status = 416;
    resp.body.clear();
    resp.headers
        .push(("Content-Range", format!("bytes */{len}")));
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Answers one request.
fn handle(stream: &mut TcpStream, req: &Request, state: &State) -> After {
    let fault = state.take_fault(&req.path);
    if let Some(Fault::ConnectionReset { .. }) = &fault {
        state.log(req, None);
        return After::Reset;
    }
    if !discard(stream, req.head_len + req.body_len, state) {
        return After::Close;
    }
    if let Some(Fault::Delay(d)) = &fault {
        std::thread::sleep(*d);
    }
    let mut resp = match &fault {
        Some(Fault::Status(code) | Fault::StatusTimes(code, _)) => {
            Response::text(*code, &format!("injected {code}\n"))
        }
        Some(Fault::Body {
            content_type, body, ..
        }) => Response {
            status: 200,
            headers: vec![("Content-Type", content_type.clone())],
            body: body.clone(),
            kind: BodyKind::Other,
        },
        Some(Fault::RateLimited {
            retry_after_secs, ..
        }) => {
            let mut r = Response::text(429, "slow down\n");
            r.headers
                .push(("Retry-After", retry_after_secs.to_string()));
            r
        }
        _ => route(req, state, fault.as_ref()),
    };
    match (&fault, resp.kind) {
        (Some(Fault::MalformedJson), BodyKind::Json) if resp.status == 200 => {
            let cut = resp.body.len() / 2;
            resp.body.truncate(cut);
            resp.body.extend_from_slice(b"\"@@@ not json");
        }
        (Some(Fault::MalformedHtml), BodyKind::Html) if resp.status == 200 => {
            resp.body = b"<!DOCTYPE html>\n<html><body>\n<a href=\"../../files/<<broken#sha256=zz\" data-requires-python=\"&gt;=3\n<a href=\n".to_vec();
        }
        _ => {}
    }
    if matches!(fault, Some(Fault::Gzip)) && resp.status == 200 && req.method != "HEAD" {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&resp.body).unwrap();
        resp.body = encoder.finish().unwrap();
        resp.headers.push(("Content-Encoding", "gzip".to_string()));
    }
    state.log(req, Some(resp.status));
    let truncated = matches!(fault, Some(Fault::TruncatedBody));
    let mut head = format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status));
    for (n, v) in &resp.headers {
        let _ = writeln!(head, "{n}: {v}\r");
    }
    let _ = writeln!(head, "Content-Length: {}\r", resp.body.len());
    let close = req.close || truncated;
    head.push_str(if close {
        "Connection: close\r\n"
    } else {
        "Connection: keep-alive\r\n"
    });
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if req.method != "HEAD" {
        if truncated {
            out.extend_from_slice(&resp.body[..resp.body.len() / 2]);
        } else {
            out.extend_from_slice(&resp.body);
        }
    }
    if stream
        .write_all(&out)
        .and_then(|()| stream.flush())
        .is_err()
        || close
    {
        return After::Close;
    }
    After::KeepAlive
}
