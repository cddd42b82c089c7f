//! Runs the resolver over every packse scenario in `tests/scenarios/` (through the
//! in-memory index) and over focused cases of the universal-resolution policy.
//!
//! Target Python per scenario, mirroring how uv's generated tests run them:
//! - universal scenarios (`uv lock`): the root `requires-python` (default `>=3.12`);
//!   those whose `[testgen] kind = "compile"` (`uv pip compile --universal
//!   --python-version X`) use `>=X` with X the environment's Python;
//! - the others (`uv pip install` / `uv pip compile --python-version X`): one Python
//!   minor, `>=X.Y[.Z],<X.(Y+1)` with X.Y from `resolver_options.python`, else the
//!   environment's Python (default 3.12).
//!
//! Scoring follows the scenario harness: satisfiable scenarios must resolve and contain
//! every expected `name==version`; unsatisfiable ones must fail.
//!
//! `PINCTL_SCENARIO_DUMP=FILE cargo test --test it resolve_scenarios::packse` appends each
//! resolution as `category/name.toml<TAB>name==version ...` to FILE, for comparing the
//! exact version sets with uv's (`../shared/scenarios/uv-reference.json`).

// The pass table is the point of the scenario test.
#![allow(clippy::print_stderr)]

use std::fmt::Write as _;
use std::io::Write as _;

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use crate::common::scenario::{Scenario, category, scenario_files};
use crate::common::snapshot;
use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, PackageName, Requirement};
use pinctl::index::memory::MemoryIndex;
use pinctl::index::{DistFile, FileKind, Metadata, VersionFiles, Yanked};
use pinctl::project::{GroupName, Scope};
use pinctl::reporter::NoReporter;
use pinctl::resolve::{
    Resolution, ResolutionStrategy, ResolveError, ResolveInput, ResolveOptions, Upgrade, resolve,
};

// ---------------------------------------------------------------------------
// A tiny builder for in-memory indexes.

#[derive(Default)]
struct IndexBuilder {
    index: MemoryIndex,
}

#[derive(Default, Clone)]
struct VersionSpec<'a> {
    requires: Vec<&'a str>,
    extras: Vec<(&'a str, Vec<&'a str>)>,
    requires_python: Option<&'a str>,
    yanked: bool,
    sdist: bool,
    wheel_tags: Vec<&'a str>,
}

fn parse_req(s: &str) -> Requirement {
    Requirement::from_str(s).unwrap_or_else(|e| panic!("bad requirement `{s}`: {e}"))
}

fn files_for(name: &str, version: &str, spec: &VersionSpec<'_>) -> VersionFiles {
    let requires_python = spec
        .requires_python
        .map(|rp| VersionSpecifiers::from_str(rp).unwrap());
    let yanked = spec.yanked.then_some(Yanked { reason: None });
    let mut files = Vec::new();
    let dist = name.replace('-', "_");
    let mut push = |filename: String, kind: FileKind| {
        files.push(DistFile {
            url: format!("https://files.example/{filename}"),
            filename,
            hashes: vec![("sha256".to_string(), "00".repeat(32))],
            size: Some(1),
            upload_time: None,
            requires_python: requires_python.clone(),
            yanked: yanked.clone(),
            metadata_file: None,
            kind,
        });
    };
    if spec.sdist {
        push(format!("{dist}-{version}.tar.gz"), FileKind::Sdist);
    }
    for tag in &spec.wheel_tags {
        let mut parts = tag.split('-');
        let split = |s: Option<&str>| -> Vec<String> {
            s.unwrap_or("").split('.').map(str::to_string).collect()
        };
        let kind = FileKind::Wheel {
            python_tags: split(parts.next()),
            abi_tags: split(parts.next()),
            platform_tags: split(parts.next()),
        };
        push(format!("{dist}-{version}-{tag}.whl"), kind);
    }
    VersionFiles::new(files)
}

impl IndexBuilder {
    fn add(&mut self, name: &str, version: &str, spec: &VersionSpec<'_>) -> &mut Self {
        let mut requires_dist: Vec<Requirement> =
            spec.requires.iter().map(|r| parse_req(r)).collect();
        let mut provides_extra = Vec::new();
        for (extra, requires) in &spec.extras {
            provides_extra.push(ExtraName::from_str(extra).unwrap());
            for r in requires {
                let mut req = parse_req(r);
                let marker =
                    pep508_rs::MarkerTree::from_str(&format!("extra == '{extra}'")).unwrap();
                req.marker.and(marker);
                requires_dist.push(req);
            }
        }
        let metadata = Metadata {
            name: PackageName::from_str(name).unwrap(),
            version: Version::from_str(version).unwrap(),
            requires_dist,
            requires_python: spec
                .requires_python
                .map(|rp| VersionSpecifiers::from_str(rp).unwrap()),
            provides_extra,
        };
        self.index.add(metadata, files_for(name, version, spec));
        self
    }

    /// An sdist-only version that declares `requires_python`.
    fn requiring_python(&mut self, name: &str, version: &str, rp: &str) -> &mut Self {
        self.add(
            name,
            version,
            &VersionSpec {
                requires_python: Some(rp),
                sdist: true,
                ..VersionSpec::default()
            },
        )
    }

    /// A plain version: sdist + a py3-none-any wheel.
    fn simple(&mut self, name: &str, version: &str, requires: &[&str]) -> &mut Self {
        self.add(
            name,
            version,
            &VersionSpec {
                requires: requires.to_vec(),
                sdist: true,
                wheel_tags: vec!["py3-none-any"],
                ..VersionSpec::default()
            },
        )
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn input(requires: &[&str], requires_python: Option<&str>) -> ResolveInput {
    ResolveInput {
        project_name: None,
        requires_python: requires_python.map(|s| VersionSpecifiers::from_str(s).unwrap()),
        scopes: BTreeMap::from([(
            Scope::Production,
            requires.iter().map(|r| parse_req(r)).collect(),
        )]),
    }
}

fn run(
    index: &IndexBuilder,
    input: &ResolveInput,
    options: &ResolveOptions,
) -> Result<Resolution, ResolveError> {
    let index = Arc::new(index.index.clone());
    rt().block_on(resolve(input, index, options, Arc::new(NoReporter)))
}

/// `name==version` lines with the production marker, for readable asserts.
fn pins(resolution: &Resolution) -> Vec<String> {
    resolution
        .packages
        .iter()
        .map(|p| {
            let marker = p
                .needed_by
                .get(&Scope::Production)
                .and_then(pep508_rs::MarkerTree::try_to_string);
            match marker {
                Some(m) => format!("{}=={} ; {m}", p.name, p.version),
                None => format!("{}=={}", p.name, p.version),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The packse scenarios.

struct Outcome {
    category: String,
    name: String,
    universal: bool,
    pass: bool,
    reason: String,
}

fn scenario_index(scenario: &Scenario) -> IndexBuilder {
    let mut builder = IndexBuilder::default();
    for (name, package) in &scenario.packages {
        for (version, v) in &package.versions {
            let mut wheel_tags: Vec<&str> = v.wheel_tags.iter().map(String::as_str).collect();
            if v.wheel && wheel_tags.is_empty() {
                wheel_tags.push("py3-none-any");
            }
            if !v.wheel {
                wheel_tags.clear();
            }
            let spec = VersionSpec {
                requires: v.requires.iter().map(String::as_str).collect(),
                extras: v
                    .extras
                    .iter()
                    .map(|(k, reqs)| (k.as_str(), reqs.iter().map(String::as_str).collect()))
                    .collect(),
                requires_python: Some(v.requires_python()),
                yanked: v.yanked,
                sdist: v.sdist,
                wheel_tags,
            };
            builder.add(name, version, &spec);
        }
    }
    builder
}

fn one_minor(python: &str) -> String {
    let parts: Vec<u64> = python.split('.').map(|p| p.parse().unwrap()).collect();
    format!(">={python},<{}.{}", parts[0], parts[1] + 1)
}

fn target_python(scenario: &Scenario) -> String {
    let env_python = scenario.environment.python.as_deref().unwrap_or("3.12");
    if scenario.resolver_options.universal {
        if scenario.testgen.kind.as_deref() == Some("compile") {
            let python = scenario
                .resolver_options
                .python
                .as_deref()
                .unwrap_or(env_python);
            return format!(">={python}");
        }
        return scenario.requires_python().to_string();
    }
    one_minor(
        scenario
            .resolver_options
            .python
            .as_deref()
            .unwrap_or(env_python),
    )
}

fn run_scenario(path: &Path, runtime: &tokio::runtime::Runtime) -> Outcome {
    let scenario = Scenario::load(path);
    let category = category(path);
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let universal = scenario.resolver_options.universal;
    let index = Arc::new(scenario_index(&scenario).index);
    let rp = target_python(&scenario);
    let requires: Vec<&str> = scenario.root.requires.iter().map(String::as_str).collect();
    let input = input(&requires, Some(&rp));
    let options = ResolveOptions {
        resolution: match scenario.resolver_options.resolution.as_deref() {
            Some("lowest") => ResolutionStrategy::Lowest,
            Some("lowest-direct") => ResolutionStrategy::LowestDirect,
            _ => ResolutionStrategy::Highest,
        },
        ..ResolveOptions::default()
    };
    let result = runtime.block_on(resolve(&input, index, &options, Arc::new(NoReporter)));
    if let (Ok(resolution), Ok(dump)) = (&result, std::env::var("PINCTL_SCENARIO_DUMP")) {
        let line = format!(
            "{category}/{name}.toml\t{}\n",
            resolution
                .packages
                .iter()
                .map(|p| format!("{}=={}", p.name, p.version))
                .collect::<Vec<_>>()
                .join(" ")
        );
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dump)
            .unwrap()
            .write_all(line.as_bytes())
            .unwrap();
    }
    let (pass, reason) = match (&result, scenario.expected.satisfiable) {
        (Ok(resolution), true) => {
            let mut missing = Vec::new();
            for (pkg, version) in &scenario.expected.packages {
                let want_name = PackageName::from_str(pkg).unwrap();
                let want = Version::from_str(version).unwrap();
                let got: Vec<String> = resolution
                    .packages
                    .iter()
                    .filter(|p| p.name == want_name)
                    .map(|p| p.version.to_string())
                    .collect();
                if !resolution
                    .packages
                    .iter()
                    .any(|p| p.name == want_name && p.version == want)
                {
                    missing.push(format!("{pkg}: want {version}, got {}", got.join(",")));
                }
            }
            (missing.is_empty(), missing.join("; "))
        }
        (Ok(resolution), false) => (
            false,
            format!("resolved but expected no solution: {:?}", pins(resolution)),
        ),
        (Err(_), false) => (true, String::new()),
        (Err(e), true) => (
            false,
            format!("failed: {}", e.to_string().replace('\n', " / ")),
        ),
    };
    Outcome {
        category,
        name,
        universal,
        pass,
        reason,
    }
}

#[test]
fn packse_scenarios() {
    let runtime = rt();
    let outcomes: Vec<Outcome> = scenario_files()
        .iter()
        .map(|path| run_scenario(path, &runtime))
        .collect();
    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let entry = table.entry(&o.category).or_default();
        entry.1 += 1;
        if o.pass {
            entry.0 += 1;
        }
    }
    eprintln!("{:<24} {:>5} {:>5}", "category", "pass", "total");
    for (category, (pass, total)) in &table {
        eprintln!("{category:<24} {pass:>5} {total:>5}");
    }
    let passed = outcomes.iter().filter(|o| o.pass).count();
    let universal = outcomes.iter().filter(|o| o.universal).count();
    let universal_passed = outcomes.iter().filter(|o| o.universal && o.pass).count();
    eprintln!("{:<24} {passed:>5} {:>5}", "TOTAL", outcomes.len());
    eprintln!("{:<24} {universal_passed:>5} {universal:>5}", "universal");
    for o in outcomes.iter().filter(|o| !o.pass) {
        eprintln!("FAIL {}/{}: {}", o.category, o.name, o.reason);
    }
    assert!(outcomes.len() >= 180, "scenarios went missing");
    // Minimum pass rates; raise them as the resolver improves.
    assert!(
        passed * 100 >= outcomes.len() * MIN_PERCENT,
        "{passed}/{} passed",
        outcomes.len()
    );
    assert!(
        universal_passed * 100 >= universal * MIN_UNIVERSAL_PERCENT,
        "{universal_passed}/{universal} universal scenarios passed"
    );
}

const MIN_PERCENT: usize = 96;
const MIN_UNIVERSAL_PERCENT: usize = 94;

// ---------------------------------------------------------------------------
// Focused cases.

fn resolve_ok(index: &IndexBuilder, input: &ResolveInput, options: &ResolveOptions) -> Resolution {
    run(index, input, options).unwrap_or_else(|e| panic!("expected a resolution, got: {e}"))
}

fn explanation(index: &IndexBuilder, input: &ResolveInput) -> (String, Vec<String>) {
    match run(index, input, &ResolveOptions::default()) {
        Err(ResolveError::NoSolution { explanation, hints }) => (explanation, hints),
        other => panic!("expected no solution, got {other:?}"),
    }
}

#[test]
fn forks_on_sys_platform() {
    let mut index = IndexBuilder::default();
    index.simple("a", "1.0.0", &[]).simple("a", "2.0.0", &[]);
    let input = input(
        &[
            "a>=2 ; sys_platform == 'linux'",
            "a<2 ; sys_platform == 'darwin'",
        ],
        Some(">=3.12"),
    );
    let resolution = resolve_ok(&index, &input, &ResolveOptions::default());
    assert_eq!(
        pins(&resolution),
        [
            "a==1.0.0 ; sys_platform == 'darwin'",
            "a==2.0.0 ; sys_platform == 'linux'"
        ]
    );
    let forks: Vec<String> = resolution
        .forks
        .iter()
        .filter_map(pep508_rs::MarkerTree::try_to_string)
        .collect();
    assert_eq!(
        forks,
        // The branch with an upper bound (`a<2`) is solved first.
        [
            "sys_platform == 'darwin'",
            "sys_platform == 'linux'",
            "sys_platform != 'darwin' and sys_platform != 'linux'"
        ]
    );
}

#[test]
fn requires_python_fork_gives_newest_per_python() {
    let mut index = IndexBuilder::default();
    for (version, rp) in [("1.26.0", ">=3.9"), ("2.0.0", ">=3.9"), ("2.3.0", ">=3.11")] {
        index.requiring_python("numpy", version, rp);
    }
    let resolution = resolve_ok(
        &index,
        &input(&["numpy"], Some(">=3.9")),
        &ResolveOptions::default(),
    );
    assert_eq!(
        pins(&resolution),
        [
            "numpy==2.0.0 ; python_full_version < '3.11'",
            "numpy==2.3.0 ; python_full_version >= '3.11'"
        ]
    );
    // The marker disappears once the project itself requires >=3.11.
    let resolution = resolve_ok(
        &index,
        &input(&["numpy"], Some(">=3.11")),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["numpy==2.3.0"]);
    assert!(resolution.forks.is_empty());
}

#[test]
fn wheels_only_versions_are_no_candidate_below_their_wheels() {
    // onnxruntime: 1.32.0 requires >=3.11; 1.24.3 says >=3.10 but has no sdist and
    // wheels from cp311 up; 1.23.2 has cp310 wheels.
    let mut index = IndexBuilder::default();
    for (version, rp, tags) in [
        (
            "1.23.2",
            ">=3.10",
            vec!["cp310-cp310-manylinux_2_17_x86_64", "cp311-cp311-win_amd64"],
        ),
        (
            "1.24.3",
            ">=3.10",
            vec!["cp311-cp311-manylinux_2_17_x86_64", "cp312-abi3-win_amd64"],
        ),
        (
            "1.32.0",
            ">=3.11",
            vec!["cp311-cp311-manylinux_2_17_x86_64"],
        ),
    ] {
        index.add(
            "onnxruntime",
            version,
            &VersionSpec {
                requires_python: Some(rp),
                wheel_tags: tags,
                ..VersionSpec::default()
            },
        );
    }
    let resolution = resolve_ok(
        &index,
        &input(&["onnxruntime"], Some(">=3.10")),
        &ResolveOptions::default(),
    );
    assert_eq!(
        pins(&resolution),
        [
            "onnxruntime==1.23.2 ; python_full_version < '3.11'",
            "onnxruntime==1.32.0 ; python_full_version >= '3.11'"
        ]
    );
    let resolution = resolve_ok(
        &index,
        &input(&["onnxruntime<1.30"], Some(">=3.10,<3.11")),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["onnxruntime==1.23.2"]);
    // Wheels for part of the range do not split it (as uv): 1.24.3 serves >=3.11.
    let resolution = resolve_ok(
        &index,
        &input(&["onnxruntime==1.24.3"], Some(">=3.10")),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["onnxruntime==1.24.3"]);
    // Pinned where no wheel serves any Python of the project: said why.
    let (text, _) = explanation(
        &index,
        &input(&["onnxruntime==1.24.3"], Some(">=3.10,<3.11")),
    );
    assert!(
        text.contains("1.24.3 has no sdist and no wheel for Python older than 3.11"),
        "{text}"
    );
    // With an sdist, any Python can build it.
    index.add(
        "onnxruntime",
        "1.24.3",
        &VersionSpec {
            requires_python: Some(">=3.10"),
            sdist: true,
            wheel_tags: vec!["cp311-cp311-manylinux_2_17_x86_64"],
            ..VersionSpec::default()
        },
    );
    let resolution = resolve_ok(
        &index,
        &input(&["onnxruntime<1.30"], Some(">=3.10,<3.11")),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["onnxruntime==1.24.3"]);
}

#[test]
fn a_version_held_back_by_another_forks_pythons_is_not_reused() {
    // networkx: 3.6.1 and 3.7 exclude Python 3.14.1; `u` 2.0 splits at 3.12 first.
    let mut index = IndexBuilder::default();
    for (version, rp) in [
        ("3.4.2", ">=3.10"),
        ("3.6", ">=3.11"),
        ("3.6.1", ">=3.11,!=3.14.1"),
        ("3.7", ">=3.12,!=3.14.1"),
    ] {
        index.requiring_python("networkx", version, rp);
    }
    for (version, rp) in [("1.0", ">=3.10"), ("2.0", ">=3.12")] {
        index.requiring_python("u", version, rp);
    }
    let resolution = resolve_ok(
        &index,
        &input(&["u", "networkx"], Some(">=3.10")),
        &ResolveOptions::default(),
    );
    let networkx: Vec<String> = pins(&resolution)
        .into_iter()
        .filter(|p| p.starts_with("networkx"))
        .collect();
    assert_eq!(
        networkx,
        [
            "networkx==3.4.2 ; python_full_version < '3.11'",
            "networkx==3.6 ; python_full_version == '3.14.1'",
            "networkx==3.6.1 ; python_full_version == '3.11.*'",
            "networkx==3.7 ; (python_full_version >= '3.12' and python_full_version < '3.14.1') or python_full_version > '3.14.1'",
        ]
    );
}

#[test]
fn a_package_pinning_what_another_pins_is_decided_first_not_walked_down() {
    // dagster (core), dagster-webserver (web) and dagster-dbt (dbt) pin each other's
    // versions exactly; the oldest dbt pins nothing. The answer is core 1.0, web 1.0,
    // dbt 0.50, not dbt 0.1.
    let mut index = IndexBuilder::default();
    for minor in 2..50 {
        let version = format!("0.{minor}");
        index.simple("core", &version, &[]);
        index.simple("dbt", &version, &[&format!("core=={version}")]);
        if minor < 10 {
            index.simple("web", &version, &[&format!("core=={version}")]);
        }
    }
    for version in ["1.0", "1.1", "1.2"] {
        index.simple("core", version, &[]);
    }
    index
        .simple("web", "1.0", &["core==1.0"])
        .simple("web", "1.1", &["core==1.1"])
        .simple("dbt", "0.50", &["core==1.0"])
        .simple("dbt", "0.1", &["core"]);
    let resolution = resolve_ok(
        &index,
        &input(&["core", "web", "dbt"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["core==1.0", "dbt==0.50", "web==1.0"]);
}

/// Records every metadata request, answering from a [`MemoryIndex`].
struct RecordingIndex {
    inner: MemoryIndex,
    asked: std::sync::Mutex<Vec<String>>,
}

impl pinctl::index::PackageIndex for RecordingIndex {
    fn versions<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> futures::future::BoxFuture<
        'a,
        Result<Arc<pinctl::index::PackageVersions>, pinctl::index::IndexError>,
    > {
        self.inner.versions(name)
    }

    fn metadata<'a>(
        &'a self,
        name: &'a PackageName,
        version: &'a Version,
    ) -> futures::future::BoxFuture<'a, Result<Arc<Metadata>, pinctl::index::IndexError>> {
        self.asked
            .lock()
            .unwrap()
            .push(format!("{name}=={version}"));
        self.inner.metadata(name, version)
    }
}

#[test]
fn backtracking_through_versions_asks_for_older_metadata_in_a_batch() {
    // `lib` 1.30 to 1.40 need a `dep` that does not exist: the solver walks them down
    // one by one to 1.29.
    let mut index = IndexBuilder::default();
    for minor in 0..=40 {
        let requires: &[&str] = if minor >= 30 { &["dep>=99"] } else { &[] };
        index.simple("lib", &format!("1.{minor}"), requires);
    }
    index.simple("dep", "1.0", &[]);
    let recording = Arc::new(RecordingIndex {
        inner: index.index.clone(),
        asked: std::sync::Mutex::default(),
    });
    let runtime = rt();
    let resolution = runtime
        .block_on(resolve(
            &input(&["lib"], None),
            recording.clone(),
            &ResolveOptions::default(),
            Arc::new(NoReporter),
        ))
        .unwrap();
    assert_eq!(pins(&resolution), ["lib==1.29"]);
    // Prefetches run on the runtime and may land just after the resolution returns.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !recording
        .asked
        .lock()
        .unwrap()
        .iter()
        .any(|a| a == "lib==1.20")
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let asked = recording.asked.lock().unwrap().clone();
    // Once it was backtracking, the older releases were asked for ahead of the solver
    // (1.20 was never chosen), each once.
    assert!(asked.contains(&"lib==1.20".to_string()), "{asked:?}");
    let mut unique = asked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), asked.len(), "{asked:?}");
}

#[test]
fn marker_conflict_on_python_version_forks() {
    let mut index = IndexBuilder::default();
    index
        .simple("numpy", "1.26.0", &[])
        .simple("numpy", "2.1.0", &[]);
    let input = input(
        &[
            "numpy<2 ; python_version < '3.10'",
            "numpy>=2 ; python_version >= '3.10'",
        ],
        Some(">=3.9"),
    );
    // Versions default to no Requires-Python here, so only the markers split.
    let resolution = resolve_ok(&index, &input, &ResolveOptions::default());
    assert_eq!(
        pins(&resolution),
        [
            "numpy==1.26.0 ; python_full_version < '3.10'",
            "numpy==2.1.0 ; python_full_version >= '3.10'"
        ]
    );
}

#[test]
fn extras_add_their_dependencies_with_markers() {
    let mut index = IndexBuilder::default();
    index.add(
        "requests",
        "2.0.0",
        &VersionSpec {
            requires: vec!["idna"],
            extras: vec![("socks", vec!["pysocks ; sys_platform != 'win32'"])],
            sdist: true,
            ..VersionSpec::default()
        },
    );
    index
        .simple("idna", "3.0", &[])
        .simple("pysocks", "1.7", &[])
        .simple("unused", "1.0", &[]);
    let resolution = resolve_ok(
        &index,
        &input(&["requests[socks]"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(
        pins(&resolution),
        [
            "idna==3.0",
            "pysocks==1.7 ; sys_platform != 'win32'",
            "requests==2.0.0"
        ]
    );
    let requests = &resolution.packages[2];
    let deps: Vec<String> = requests
        .dependencies
        .iter()
        .map(|d| format!("{}=={}", d.name, d.version))
        .collect();
    assert_eq!(deps, ["idna==3.0", "pysocks==1.7"]);
    // Without the extra, pysocks is not needed.
    let resolution = resolve_ok(
        &index,
        &input(&["requests"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["idna==3.0", "requests==2.0.0"]);
}

#[test]
fn scopes_share_one_version_and_record_who_needs_it() {
    let mut index = IndexBuilder::default();
    index
        .simple("a", "1.0", &["c"])
        .simple("c", "1.0", &[])
        .simple("c", "2.0", &[]);
    index.simple("pytest", "8.0", &["c<2"]);
    let input = ResolveInput {
        project_name: None,
        requires_python: None,
        scopes: BTreeMap::from([
            (Scope::Production, vec![parse_req("a")]),
            (
                Scope::Group(GroupName::new("dev")),
                vec![parse_req("pytest ; sys_platform == 'linux'")],
            ),
        ]),
    };
    let resolution = resolve_ok(&index, &input, &ResolveOptions::default());
    let c = resolution
        .packages
        .iter()
        .find(|p| p.name.as_ref() == "c")
        .unwrap();
    assert_eq!(c.version.to_string(), "1.0");
    assert!(c.needed_by[&Scope::Production].is_true());
    assert_eq!(
        c.needed_by[&Scope::Group(GroupName::new("dev"))]
            .try_to_string()
            .as_deref(),
        Some("sys_platform == 'linux'")
    );
    let pytest = resolution
        .packages
        .iter()
        .find(|p| p.name.as_ref() == "pytest")
        .unwrap();
    assert!(!pytest.needed_by.contains_key(&Scope::Production));
}

#[test]
fn prereleases_only_when_asked_or_nothing_else_fits() {
    let mut index = IndexBuilder::default();
    index.simple("a", "1.0.0", &[]).simple("a", "2.0.0a1", &[]);
    index.simple("b", "1.0.0b1", &[]);
    let resolution = resolve_ok(
        &index,
        &input(&["a", "b"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["a==1.0.0", "b==1.0.0b1"]);
    let resolution = resolve_ok(
        &index,
        &input(&["a>=2.0.0a1"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["a==2.0.0a1"]);
}

#[test]
fn yanked_only_when_pinned_exactly() {
    let mut index = IndexBuilder::default();
    index.simple("a", "1.0.0", &[]);
    index.add(
        "a",
        "2.0.0",
        &VersionSpec {
            yanked: true,
            sdist: true,
            ..VersionSpec::default()
        },
    );
    let resolution = resolve_ok(&index, &input(&["a"], None), &ResolveOptions::default());
    assert_eq!(pins(&resolution), ["a==1.0.0"]);
    let resolution = resolve_ok(
        &index,
        &input(&["a==2.0.0"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["a==2.0.0"]);
    let (text, hints) = explanation(&index, &input(&["a>1"], None));
    assert_eq!(
        text,
        "Your project depends on a>1, but no release of a in that range can be used (2.0.0 is yanked)."
    );
    assert_eq!(
        hints,
        ["a==2.0.0 matches but was yanked; pin it exactly (a==2.0.0) to use it anyway"]
    );
}

#[test]
fn exact_pins_match_local_versions() {
    let mut index = IndexBuilder::default();
    index
        .simple("torch", "2.1.0+cpu", &[])
        .simple("torch", "2.1.0.post1", &[]);
    let resolution = resolve_ok(
        &index,
        &input(&["torch==2.1.0"], None),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["torch==2.1.0+cpu"]);
}

#[test]
fn preferences_are_kept_unless_upgrading() {
    let mut index = IndexBuilder::default();
    index
        .simple("a", "1.0", &[])
        .simple("a", "1.1", &[])
        .simple("b", "1.0", &[])
        .simple("b", "2.0", &[]);
    let options = ResolveOptions {
        resolution: ResolutionStrategy::Highest,
        upgrade: Upgrade::None,
        preferences: BTreeMap::from([
            (
                PackageName::from_str("a").unwrap(),
                vec![Version::from_str("1.0").unwrap()],
            ),
            (
                PackageName::from_str("b").unwrap(),
                vec![Version::from_str("1.0").unwrap()],
            ),
        ]),
        ..ResolveOptions::default()
    };
    let input = input(&["a", "b"], None);
    assert_eq!(
        pins(&resolve_ok(&index, &input, &options)),
        ["a==1.0", "b==1.0"]
    );
    let only_b = ResolveOptions {
        upgrade: Upgrade::Packages([PackageName::from_str("b").unwrap()].into()),
        ..options.clone()
    };
    assert_eq!(
        pins(&resolve_ok(&index, &input, &only_b)),
        ["a==1.0", "b==2.0"]
    );
    let all = ResolveOptions {
        upgrade: Upgrade::All,
        ..options
    };
    assert_eq!(
        pins(&resolve_ok(&index, &input, &all)),
        ["a==1.1", "b==2.0"]
    );
}

#[test]
fn missing_package_is_named() {
    let index = IndexBuilder::default();
    let (text, hints) = explanation(&index, &input(&["nope"], None));
    assert!(
        text.contains("nope was not found in the package index"),
        "{text}"
    );
    assert_eq!(
        hints,
        ["`nope` does not exist on the package index; check the spelling and the index URL"]
    );
}

#[test]
fn missing_package_gets_a_suggestion() {
    let mut index = IndexBuilder::default();
    index
        .simple("django", "5.1", &[])
        .simple("celery", "5.4", &["kombu"])
        .simple("kombu", "5.4", &[]);
    // A typo of a package the index is known to have.
    let (_, hints) = explanation(&index, &input(&["djnago"], None));
    assert_eq!(
        hints,
        ["`djnago` does not exist on the package index; did you mean `django`?"]
    );
    // A typo in a dependency's metadata.
    index.simple("app", "1.0", &["celery", "kombo"]);
    let (text, hints) = explanation(&index, &input(&["app"], None));
    assert!(text.contains("kombo"), "{text}");
    assert_eq!(
        hints,
        ["`kombo` does not exist on the package index; did you mean `kombu`?"]
    );
    // A module name instead of its distribution's.
    let (_, hints) = explanation(&index, &input(&["cv2"], None));
    assert_eq!(
        hints,
        [
            "`cv2` is not on the package index; it is the name of a module, and the package that provides it is `opencv-python`"
        ]
    );
}

#[test]
fn conflict_explanations_read_as_english() {
    let mut index = IndexBuilder::default();
    index
        .simple("a", "1.0.0", &["c>=2,<3"])
        .simple("a", "2.0.0", &["c>=2,<3"]);
    index.simple("b", "1.0.0", &["c==1.0.0"]);
    index.simple("c", "1.0.0", &[]).simple("c", "2.0.0", &[]);
    index.add(
        "d",
        "2.0",
        &VersionSpec {
            requires_python: Some(">=3.13"),
            sdist: true,
            ..VersionSpec::default()
        },
    );
    index.simple("d", "1.0", &[]).simple("d", "2.1.0a1", &[]);
    index.add(
        "e",
        "1.0",
        &VersionSpec {
            extras: vec![("fast", vec!["c<2"])],
            sdist: true,
            ..VersionSpec::default()
        },
    );
    // No release in range at all, directly and through a dependency.
    index
        .simple("mypy", "0.961", &[])
        .simple("mypy", "0.971", &[])
        .simple("f", "1.0", &["mypy>=0.970,<0.971"])
        .simple("f", "2.0", &["mypy>=0.970,<0.971"]);
    index.simple("g", "1.0", &["c>=5"]);
    // A release in range that nothing can install (a wheel for IronPython only).
    index.add(
        "h",
        "1.0",
        &VersionSpec {
            wheel_tags: vec!["ip27-none-any"],
            ..VersionSpec::default()
        },
    );
    let mut report = String::new();
    for (requires, rp) in [
        (vec!["a", "b"], None),
        (vec!["d>=2"], Some(">=3.12")),
        (vec!["e[fast]", "a"], None),
        (vec!["nope>=1"], None),
        (vec!["mypy>=0.970,<0.971"], None),
        (vec!["f"], None),
        (vec!["g"], None),
        (vec!["h"], None),
        (vec!["mypy>=2"], None),
    ] {
        let (text, hints) = explanation(&index, &input(&requires, rp));
        let _ = writeln!(report, "# {}\n{text}", requires.join(", "));
        for hint in hints {
            let _ = writeln!(report, "hint: {hint}");
        }
        report.push('\n');
        assert!(!text.contains("root"), "{text}");
        assert!(!text.contains("Root"), "{text}");
    }
    snapshot!("resolve_conflict_explanations", report);
}

#[test]
fn conflict_explanations_name_the_group_or_extra() {
    let mut index = IndexBuilder::default();
    index
        .simple("django", "4.1", &[])
        .simple("django", "4.2", &[])
        .simple("django", "5.1", &[])
        .simple("drf", "3.15", &["django>=4.2"])
        .simple("pytest", "8.0", &[]);
    let scoped = |scopes: Vec<(Scope, Vec<&str>)>| ResolveInput {
        project_name: None,
        requires_python: None,
        scopes: scopes
            .into_iter()
            .map(|(scope, reqs)| (scope, reqs.into_iter().map(parse_req).collect()))
            .collect(),
    };
    let dev = || Scope::Group(GroupName::new("dev"));
    let api = || Scope::Extra(ExtraName::from_str("api").unwrap());
    let mut report = String::new();
    for (title, input) in [
        (
            "production and dev ask for disjoint ranges",
            scoped(vec![
                (Scope::Production, vec!["django<5"]),
                (dev(), vec!["django>=5.1", "pytest"]),
            ]),
        ),
        (
            "one scope lists a package twice",
            scoped(vec![(Scope::Production, vec!["django<4", "django>=5"])]),
        ),
        (
            "the dev group asks for what does not exist",
            scoped(vec![
                (Scope::Production, vec!["django"]),
                (dev(), vec!["pytest>=99"]),
            ]),
        ),
        (
            "an extra pulls in what production excludes",
            scoped(vec![
                (Scope::Production, vec!["django<4.2"]),
                (api(), vec!["drf"]),
                (dev(), vec!["drf"]),
            ]),
        ),
    ] {
        let (text, hints) = explanation(&index, &input);
        let _ = writeln!(report, "# {title}\n{text}");
        for hint in hints {
            let _ = writeln!(report, "hint: {hint}");
        }
        report.push('\n');
    }
    snapshot!("resolve_conflict_explanations_by_scope", report);
}

/// An index whose every request fails (or panics), to check errors reach the caller.
struct BrokenIndex {
    panic: bool,
}

impl pinctl::index::PackageIndex for BrokenIndex {
    fn versions<'a>(
        &'a self,
        name: &'a PackageName,
    ) -> futures::future::BoxFuture<
        'a,
        Result<Arc<pinctl::index::PackageVersions>, pinctl::index::IndexError>,
    > {
        let panic = self.panic;
        Box::pin(async move {
            assert!(!panic, "index bug");
            Err(pinctl::index::IndexError::HttpStatus {
                url: format!("https://pypi.example/simple/{name}/"),
                code: 503,
                status: "503 Service Unavailable".to_owned(),
                retries: 3,
                seconds: 1.0,
            })
        })
    }

    fn metadata<'a>(
        &'a self,
        name: &'a PackageName,
        version: &'a Version,
    ) -> futures::future::BoxFuture<'a, Result<Arc<Metadata>, pinctl::index::IndexError>> {
        Box::pin(async move {
            Err(pinctl::index::IndexError::MissingMetadata {
                name: name.clone(),
                version: version.clone(),
            })
        })
    }
}

#[test]
fn index_failures_name_the_package() {
    for panic in [false, true] {
        let result = rt().block_on(resolve(
            &input(&["flask"], None),
            Arc::new(BrokenIndex { panic }),
            &ResolveOptions::default(),
            Arc::new(NoReporter),
        ));
        match result {
            Err(e @ ResolveError::Fetch { .. }) => {
                assert_eq!(e.to_string(), "failed to fetch the versions of `flask`");
            }
            other => panic!("expected a fetch error, got {other:?}"),
        }
    }
}

#[test]
fn later_forks_reuse_earlier_versions() {
    // uv's fork-allows-non-conflicting-non-overlapping-dependencies: the `a<2` branch is
    // solved first and the `a>=1` branch keeps its choice, so one version of `a` is locked.
    let mut index = IndexBuilder::default();
    index.simple("a", "1.0.0", &[]).simple("a", "2.0.0", &[]);
    let input = input(
        &[
            "a>=1 ; sys_platform == 'linux'",
            "a<2 ; sys_platform == 'darwin'",
        ],
        Some(">=3.12"),
    );
    let resolution = resolve_ok(&index, &input, &ResolveOptions::default());
    assert_eq!(
        pins(&resolution),
        ["a==1.0.0 ; sys_platform == 'darwin' or sys_platform == 'linux'"]
    );
}

#[test]
fn wide_graph_resolves() {
    // 150 packages with 20 versions each, each depending on the next three with ranges,
    // some platform-specific: a smoke test for the solver loop and the marker walk.
    let mut index = IndexBuilder::default();
    let n = 150;
    for i in 0..n {
        for v in 0..20 {
            let deps: Vec<String> = (1..=3)
                .filter(|d| i + d < n)
                .map(|d| {
                    if d == 3 {
                        format!("p{} >={}; sys_platform == 'linux'", i + d, v / 2)
                    } else {
                        format!("p{} >={}", i + d, v / 2)
                    }
                })
                .collect();
            let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
            index.simple(&format!("p{i}"), &format!("{v}.0"), &deps);
        }
    }
    let resolution = resolve_ok(
        &index,
        &input(&["p0"], Some(">=3.10")),
        &ResolveOptions::default(),
    );
    assert_eq!(resolution.packages.len(), n);
    assert!(
        resolution
            .packages
            .iter()
            .all(|p| p.version.to_string() == "19.0")
    );
}

#[test]
fn without_requires_python_no_python_forks() {
    let mut index = IndexBuilder::default();
    index.add(
        "a",
        "1.0",
        &VersionSpec {
            requires_python: Some(">=3.8"),
            sdist: true,
            ..VersionSpec::default()
        },
    );
    let resolution = resolve_ok(&index, &input(&["a"], None), &ResolveOptions::default());
    assert_eq!(pins(&resolution), ["a==1.0"]);
    assert!(resolution.forks.is_empty());
}

#[test]
fn newest_python_fork_is_solved_first() {
    // webapp against PyPI: a marker fork at 3.15 and a Requires-Python fork at 3.11. The
    // `>=3.15` branch must get the newest `a` (as `>=3.11,<3.15` does), not inherit the
    // older version the `<3.11` branch needs.
    let mut index = IndexBuilder::default();
    for (version, rp) in [("1.0", ">=3.9"), ("2.0", ">=3.11")] {
        index.requiring_python("a", version, rp);
    }
    index.simple("c", "1.0", &[]).simple("c", "2.0", &[]);
    let input = input(
        &[
            "a",
            "c<2 ; python_version < '3.15'",
            "c>=2 ; python_version >= '3.15'",
        ],
        Some(">=3.10"),
    );
    let resolution = resolve_ok(&index, &input, &ResolveOptions::default());
    assert_eq!(
        pins(&resolution),
        [
            "a==1.0 ; python_full_version < '3.11'",
            "a==2.0 ; python_full_version >= '3.11'",
            "c==1.0 ; python_full_version < '3.15'",
            "c==2.0 ; python_full_version >= '3.15'",
        ]
    );
    let forks: Vec<String> = resolution
        .forks
        .iter()
        .filter_map(pep508_rs::MarkerTree::try_to_string)
        .collect();
    assert_eq!(
        forks,
        [
            "python_full_version >= '3.15'",
            "python_full_version >= '3.11' and python_full_version < '3.15'",
            "python_full_version < '3.11'",
        ]
    );
}

#[test]
fn requires_python_exclusions_fork() {
    // cryptography 50.0.2 says `>=3.9, !=3.9.0, !=3.9.1`: it must not be locked for those
    // two Pythons, which get the newest version that installs there.
    let mut index = IndexBuilder::default();
    for (version, rp) in [("47.0.0", ">=3.8"), ("50.0.2", ">=3.9, !=3.9.0, !=3.9.1")] {
        index.requiring_python("cryptography", version, rp);
    }
    let resolution = resolve_ok(
        &index,
        &input(&["cryptography"], Some(">=3.9")),
        &ResolveOptions::default(),
    );
    let by_version: BTreeMap<String, pep508_rs::MarkerTree> = resolution
        .packages
        .iter()
        .map(|p| {
            (
                p.version.to_string(),
                p.needed_by[&Scope::Production].clone(),
            )
        })
        .collect();
    assert_eq!(
        by_version.keys().collect::<Vec<_>>(),
        ["47.0.0", "50.0.2"],
        "{:?}",
        pins(&resolution)
    );
    let python = |py: &str| {
        pep508_rs::MarkerTree::from_str(&format!("python_full_version == '{py}'")).unwrap()
    };
    for (py, want) in [
        ("3.9.0", "47.0.0"),
        ("3.9.1", "47.0.0"),
        ("3.9.2", "50.0.2"),
        ("3.13.1", "50.0.2"),
    ] {
        let got: Vec<&String> = by_version
            .iter()
            .filter(|(_, marker)| !marker.is_disjoint(&python(py)))
            .map(|(version, _)| version)
            .collect();
        assert_eq!(got, [want], "Python {py}: {:?}", pins(&resolution));
    }
    // A `<4` never splits the lock: there is no Python 4.
    let mut index = IndexBuilder::default();
    index.add(
        "old",
        "1.0",
        &VersionSpec {
            requires_python: Some(">=3.8,<4"),
            sdist: true,
            ..VersionSpec::default()
        },
    );
    let resolution = resolve_ok(
        &index,
        &input(&["old"], Some(">=3.9")),
        &ResolveOptions::default(),
    );
    assert_eq!(pins(&resolution), ["old==1.0"]);
    assert!(resolution.forks.is_empty());
    // An upper bound inside the project's range leaves the Pythons above it without
    // `old` (pip refuses it there): no lock.
    let mut index = IndexBuilder::default();
    index.requiring_python("old", "1.0", ">=3.8,<3.11");
    let (text, _) = explanation(&index, &input(&["old"], Some(">=3.9")));
    assert_eq!(
        text,
        "For environments where `python_full_version >= '3.11'`:\n\
         Your project depends on old, but no release of old can be used (1.0 requires Python >=3.8, <3.11)."
    );
}

#[test]
fn no_release_in_range_is_told_apart_from_unusable_releases() {
    // seed-poetry: Poetry's `mypy = "^0.970"` is `>=0.970,<0.971`, and mypy skipped 0.970.
    let mut index = IndexBuilder::default();
    index
        .simple("mypy", "0.961", &[])
        .simple("mypy", "0.971", &[])
        .simple("mypy", "0.981", &[]);
    let (text, hints) = explanation(&index, &input(&["mypy>=0.970,<0.971"], Some(">=3.9")));
    assert_eq!(
        text,
        "Your project depends on mypy>=0.970,<0.971, but no release of mypy is in that range."
    );
    assert_eq!(hints, ["the nearest releases of mypy are 0.961 and 0.971"]);

    // Releases in range that cannot be used say why instead.
    index.add(
        "mypy",
        "0.970",
        &VersionSpec {
            yanked: true,
            sdist: true,
            ..VersionSpec::default()
        },
    );
    let (text, hints) = explanation(&index, &input(&["mypy>=0.970,<0.971"], Some(">=3.9")));
    assert_eq!(
        text,
        "Your project depends on mypy>=0.970,<0.971, but no release of mypy in that range can be used (0.970 is yanked)."
    );
    assert_eq!(
        hints,
        ["mypy==0.970 matches but was yanked; pin it exactly (mypy==0.970) to use it anyway"]
    );
}

#[test]
fn relocking_with_the_lock_as_preferences_changes_nothing() {
    // A forked lock fed back as preferences must give the same forks: a preferred version
    // that fits only part of the Pythons splits the resolution like a fresh pick does,
    // instead of the older version that fits everywhere winning.
    let mut index = IndexBuilder::default();
    for (version, rp) in [
        ("43.0.3", ">=3.7"),
        ("47.0.0", ">=3.8, !=3.9.0, !=3.9.1"),
        ("50.0.2", ">=3.9, !=3.9.0, !=3.9.1"),
    ] {
        index.requiring_python("cryptography", version, rp);
    }
    for (version, rp) in [("1.0", ">=3.9"), ("2.0", ">=3.11")] {
        index.requiring_python("a", version, rp);
    }
    let input = input(&["cryptography", "a"], Some(">=3.9"));
    let first = resolve_ok(&index, &input, &ResolveOptions::default());
    assert_eq!(first.packages.len(), 4, "{:?}", pins(&first));
    let mut preferences: BTreeMap<PackageName, Vec<Version>> = BTreeMap::new();
    for p in &first.packages {
        preferences
            .entry(p.name.clone())
            .or_default()
            .push(p.version.clone());
    }
    let again = resolve_ok(
        &index,
        &input,
        &ResolveOptions {
            preferences,
            ..ResolveOptions::default()
        },
    );
    assert_eq!(pins(&again), pins(&first));
}

#[test]
fn requires_python_exclusion_without_an_older_release_fails_clearly() {
    let mut index = IndexBuilder::default();
    index.add(
        "cryptography",
        "50.0.2",
        &VersionSpec {
            requires_python: Some(">=3.9, !=3.9.0, !=3.9.1"),
            sdist: true,
            ..VersionSpec::default()
        },
    );
    // The fork of the two excluded Pythons has nothing; the hint shows the requires-python
    // that avoids them.
    let (text, hints) = explanation(&index, &input(&["cryptography"], Some(">=3.9")));
    assert_eq!(
        text,
        "For environments where `python_full_version <= '3.9' or python_full_version == '3.9.1'`:\n\
         Your project depends on cryptography, but no release of cryptography can be used (50.0.2 requires Python >=3.9, !=3.9.0, !=3.9.1)."
    );
    assert_eq!(
        hints,
        [
            "cryptography 50.0.2 requires Python >=3.9, !=3.9.0, !=3.9.1 but the project supports >=3.9: narrow requires-python (for example `requires-python = \">=3.9, !=3.9.0, !=3.9.1\"`) or require an older cryptography"
        ]
    );
}
