//! `pinctl lock` end to end: the real binary against the in-process [`TestIndex`], its
//! pylock.toml checked by `packaging.pylock` and installed with pip and uv from the test
//! venv, and the user-facing stderr of every mode snapshotted in snapshots/.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A snapshot without the expression, the index port and durations filtered.
macro_rules! snap {
    ($name:expr, $value:expr) => {
        snapshot!($name, $value,
            omit_expression => true,
            filters => vec![
                (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
                (r"\bin \d+\.\d+s\b", "in [TIME]"),
            ],
        )
    };
}

use crate::common::cli::Output;
use crate::common::python::{install_into, installed, installed_dists, run_ok, test_venv};
use crate::common::server::{Fault, PackageSpec, TestIndex};
use crate::common::snapshot;

/// The small web project of most tests: production `webframe` (which needs `routes`)
/// and `modern`, Windows-only `tzdata`, a `fast` extra, a `dev` group that includes a
/// `lint` group (its `testkit` needs `colorama` on Windows and `exceptiongroup` before
/// Python 3.11, as pytest does).
const PYPROJECT: &str = r#"[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = [
    "webframe>=1.0,<2",
    "modern>=1,<3",
    "tzdata>=2024.1,<2025; sys_platform == 'win32'",
]

[project.optional-dependencies]
fast = ["fastjson>=1,<2"]

[dependency-groups]
dev = ["testkit>=8,<9", { include-group = "lint" }]
lint = ["linter>=0.5,<0.6"]
"#;

/// The index the project locks against. `modern 2.0.0` needs Python 3.11, newer than the
/// project's floor, so the lock forks on the Python version.
fn index() -> TestIndex {
    TestIndex::builder()
        .package(
            "webframe",
            "1.0.0",
            PackageSpec::new().requires(["routes>=2,<3"]),
        )
        .package(
            "webframe",
            "1.1.0",
            PackageSpec::new().requires(["routes>=2.1,<3"]),
        )
        .package("routes", "2.0.0", PackageSpec::new())
        .package("routes", "2.1.0", PackageSpec::new())
        .package(
            "modern",
            "1.0.0",
            PackageSpec::new().requires_python(">=3.8"),
        )
        .package(
            "modern",
            "2.0.0",
            PackageSpec::new().requires_python(">=3.11"),
        )
        .package(
            "tzdata",
            "2024.2",
            PackageSpec::new().wheel_tags(["py2.py3-none-any"]),
        )
        .package("fastjson", "1.2.0", PackageSpec::new())
        .package(
            "testkit",
            "8.1.0",
            PackageSpec::new().requires([
                "plugkit>=1",
                "colorama; sys_platform == 'win32'",
                "exceptiongroup>=1; python_version < '3.11'",
            ]),
        )
        .package("colorama", "0.4.6", PackageSpec::new())
        .package("exceptiongroup", "1.2.0", PackageSpec::new())
        .package("plugkit", "1.5.0", PackageSpec::new().sdist(false))
        .package("linter", "0.5.3", PackageSpec::new())
        .package("coverage", "7.4.0", PackageSpec::new())
        .build()
}

/// A project directory with its own cache, locking against an index.
struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
    index_url: String,
}

impl Project {
    fn new(pyproject: &str, index: &TestIndex) -> Self {
        Self::at(pyproject, &index.url())
    }

    fn at(pyproject: &str, index_url: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
        Self {
            dir,
            cache: tempfile::tempdir().unwrap(),
            index_url: index_url.to_owned(),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn lock_path(&self) -> PathBuf {
        self.path().join("pylock.toml")
    }

    fn lock_text(&self) -> String {
        std::fs::read_to_string(self.lock_path()).unwrap()
    }

    /// `pinctl lock --no-progress ARGS` in the project, with the project's index and cache.
    fn lock(&self, args: &[&str]) -> Output {
        self.lock_with(&self.index_url, self.cache.path(), args)
    }

    fn lock_with(&self, index_url: &str, cache: &Path, args: &[&str]) -> Output {
        let out = Output::of(
            crate::common::cli::pinctl()
                .args(["lock", "--no-progress", "--index-url", index_url])
                .arg("--cache-dir")
                .arg(cache)
                .args(args)
                .current_dir(self.path()),
            &[
                self.path().to_path_buf(),
                self.path().canonicalize().unwrap(),
                cache.to_path_buf(),
            ],
        );
        assert!(
            !out.stderr.contains("panicked"),
            "pinctl panicked:\n{}",
            out.stderr
        );
        out
    }

    /// `pinctl lock` must succeed.
    fn lock_ok(&self, args: &[&str]) -> Output {
        let out = self.lock(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out
    }

    /// name==version of every `[[packages]]` entry, in lock order.
    fn pins(&self) -> Vec<String> {
        let doc: toml::Table = toml::from_str(&self.lock_text()).unwrap();
        doc["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}=={}",
                    p["name"].as_str().unwrap(),
                    p["version"].as_str().unwrap()
                )
            })
            .collect()
    }

    fn edit(&self, from: &str, to: &str) {
        let path = self.path().join("pyproject.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "`{from}` is not in pyproject.toml");
        std::fs::write(path, text.replacen(from, to, 1)).unwrap();
    }
}

/// `Pylock.from_dict` of the file, printing each package's name, version and marker.
fn pylock_packages(path: &Path) -> String {
    run_ok(
        Command::new(test_venv().join("bin/python"))
            .arg("-c")
            .arg(
                "import sys, tomllib\nfrom packaging.pylock import Pylock\n\
             lock = Pylock.from_dict(tomllib.load(open(sys.argv[1], 'rb')))\n\
             for p in lock.packages:\n    print(p.name, p.version, p.marker)",
            )
            .arg(path),
    )
}

/// Installs with `tool` (`pip` or `uv`) into a fresh target directory; returns the
/// `name-version` of each installed distribution (from its `.dist-info`).
fn install(tool: &str, project: &Path, args: &[&str]) -> Vec<String> {
    let target = install_into(tool, project, args, false);
    let names = installed_dists(target.path());
    assert_eq!(
        installed(target.path()).len(),
        names.len(),
        "one module per distribution"
    );
    names
}

/// The lock text with the parts that change from run to run (the index port, and so the
/// fingerprint and the content digest) filtered.
fn stable_lock_text(project: &Project, index: &TestIndex) -> String {
    project
        .lock_text()
        .replace(&index.base(), "http://127.0.0.1:[PORT]")
        .lines()
        .map(|l| {
            if l.starts_with("fingerprint = ") {
                "fingerprint = \"[FINGERPRINT]\""
            } else if l.starts_with("content-digest = ") {
                // Over URLs with the index's port.
                "content-digest = \"[DIGEST]\""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A port nothing listens on.
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/simple")
}

/// The inode, modification time and text of a file: all unchanged when nothing wrote it.
fn file_identity(path: &Path) -> (u64, std::time::SystemTime, String) {
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(path).unwrap();
    (
        meta.ino(),
        meta.modified().unwrap(),
        std::fs::read_to_string(path).unwrap(),
    )
}

#[test]
fn realistic_project_locks_and_installs_with_pip_and_uv() {
    assert_eq!(
        std::env::consts::OS,
        "linux",
        "the expected sets assume Linux"
    );
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let out = project.lock_ok(&[]);
    snap!("lock_command_first_run", out.render());
    snap!(
        "lock_command_first_run_pylock",
        stable_lock_text(&project, &index)
    );
    assert_eq!(
        project.pins(),
        [
            "colorama==0.4.6",
            "exceptiongroup==1.2.0",
            "fastjson==1.2.0",
            "linter==0.5.3",
            "modern==1.0.0",
            "modern==2.0.0",
            "plugkit==1.5.0",
            "routes==2.1.0",
            "testkit==8.1.0",
            "tzdata==2024.2",
            "webframe==1.1.0",
        ]
    );
    // packaging reads the lock, markers included.
    assert_eq!(
        pylock_packages(&project.lock_path()),
        r#"colorama 0.4.6 "dev" in dependency_groups and sys_platform == "win32"
exceptiongroup 1.2.0 "dev" in dependency_groups and python_full_version < "3.11"
fastjson 1.2.0 "fast" in extras
linter 0.5.3 "dev" in dependency_groups or "lint" in dependency_groups
modern 1.0.0 python_full_version < "3.11"
modern 2.0.0 python_full_version >= "3.11"
plugkit 1.5.0 "dev" in dependency_groups
routes 2.1.0 None
testkit 8.1.0 "dev" in dependency_groups
tzdata 2024.2 sys_platform == "win32"
webframe 1.1.0 None
"#
    );

    // The test venv runs Python 3.11 on Linux: the newer `modern`, no tzdata.
    let prod = ["modern-2.0.0", "routes-2.1.0", "webframe-1.1.0"];
    let prod_dev = [
        "linter-0.5.3",
        "modern-2.0.0",
        "plugkit-1.5.0",
        "routes-2.1.0",
        "testkit-8.1.0",
        "webframe-1.1.0",
    ];
    let d = project.path();
    assert_eq!(install("pip", d, &["-r", "pylock.toml"]), prod);
    assert_eq!(
        install(
            "pip",
            d,
            &["-r", "pylock.toml", "--group", "pylock.toml:dev"]
        ),
        prod_dev
    );
    assert_eq!(install("uv", d, &["-r", "pylock.toml"]), prod);
    assert_eq!(
        install("uv", d, &["-r", "pylock.toml", "--group", "dev"]),
        prod_dev
    );
    // The other sides of the markers, through uv's target options.
    assert_eq!(
        install(
            "uv",
            d,
            &[
                "-r",
                "pylock.toml",
                "--group",
                "dev",
                "--python-version",
                "3.10"
            ]
        ),
        [
            "exceptiongroup-1.2.0",
            "linter-0.5.3",
            "modern-1.0.0",
            "plugkit-1.5.0",
            "routes-2.1.0",
            "testkit-8.1.0",
            "webframe-1.1.0",
        ]
    );
    assert_eq!(
        install(
            "uv",
            d,
            &["-r", "pylock.toml", "--python-platform", "windows"]
        ),
        [
            "modern-2.0.0",
            "routes-2.1.0",
            "tzdata-2024.2",
            "webframe-1.1.0"
        ]
    );
    assert_eq!(
        install(
            "uv",
            d,
            &["-r", "pylock.toml", "--extra", "fast", "--group", "lint"]
        ),
        [
            "fastjson-1.2.0",
            "linter-0.5.3",
            "modern-2.0.0",
            "routes-2.1.0",
            "webframe-1.1.0"
        ]
    );
}

#[test]
fn locking_is_deterministic_and_an_unchanged_lock_is_not_rewritten() {
    let index = index();
    let first = Project::new(PYPROJECT, &index);
    let second = Project::new(PYPROJECT, &index);
    first.lock_ok(&[]);
    second.lock_ok(&[]);
    assert_eq!(
        std::fs::read(first.lock_path()).unwrap(),
        std::fs::read(second.lock_path()).unwrap(),
        "two fresh locks differ"
    );
    // A second run in the same project, with a fresh cache too.
    let before = file_identity(&first.lock_path());
    let fresh_cache = tempfile::tempdir().unwrap();
    let again = first.lock_with(&first.index_url, fresh_cache.path(), &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        file_identity(&first.lock_path()),
        before,
        "pylock.toml was rewritten"
    );
    snap!("lock_command_unchanged", again.render());
    let entries: Vec<_> = std::fs::read_dir(first.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries.len(), 2, "stray files: {entries:?}");
}

#[test]
fn check_compares_without_the_network() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let missing = project.lock(&["--check"]);
    assert_eq!(missing.code, 1);
    snap!("lock_command_check_missing", missing.render());

    project.lock_ok(&[]);
    index.reset_counters();
    let fresh = project.lock(&["--check"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);
    snap!("lock_command_check_fresh", fresh.render());
    // A different index makes the lock stale, and is still not contacted.
    let dead = dead_url();
    let elsewhere = project.lock_with(&dead, project.cache.path(), &["--check"]);
    assert_eq!(elsewhere.code, 1, "{}", elsewhere.stderr);
    snap!(
        "lock_command_check_other_index",
        elsewhere
            .render()
            .replace(&dead, "http://127.0.0.1:[UNUSED-PORT]/simple")
    );
    assert_eq!(
        index.request_log(),
        Vec::<String>::new(),
        "--check used the network"
    );

    project.edit(
        "dev = [\"testkit>=8,<9\",",
        "dev = [\"testkit>=8,<9\", \"coverage>=7,<8\",",
    );
    let stale = project.lock(&["--check"]);
    assert_eq!(stale.code, 1, "{}", stale.stderr);
    assert!(stale.stderr.contains("coverage>=7,<8"), "{}", stale.stderr);
    snap!("lock_command_check_stale", stale.render());
    assert_eq!(
        index.request_log(),
        Vec::<String>::new(),
        "--check used the network"
    );
    let plan = project.lock(&["--dry-run"]);
    assert_eq!(
        plan.stderr,
        "Add coverage 7.4.0\nDry run: nothing was written\n"
    );
}

#[test]
fn dry_run_and_locked_write_nothing() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let plan = project.lock(&["--dry-run"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    snap!("lock_command_dry_run_new", plan.render());
    assert!(!project.lock_path().exists(), "--dry-run wrote pylock.toml");

    let locked = project.lock(&["--locked"]);
    assert_eq!(locked.code, 1, "{}", locked.stderr);
    assert!(!project.lock_path().exists(), "--locked wrote pylock.toml");

    project.lock_ok(&[]);
    let before = file_identity(&project.lock_path());
    assert_eq!(
        project.lock(&["--locked"]).code,
        0,
        "a fresh lock passes --locked"
    );

    index.publish(
        "webframe",
        "2.0.0",
        PackageSpec::new().requires(["routes>=2,<3"]),
    );
    project.edit("\"webframe>=1.0,<2\"", "\"webframe>=2,<3\"");
    // Index pages stay cached for 10 minutes; `--refresh` sees the new release now.
    let plan = project.lock(&["--dry-run", "--refresh"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    assert!(
        plan.stderr.contains("Update webframe 1.1.0 -> 2.0.0"),
        "{}",
        plan.stderr
    );
    snap!("lock_command_dry_run_update", plan.render());
    assert_eq!(
        file_identity(&project.lock_path()),
        before,
        "--dry-run wrote"
    );

    let locked = project.lock(&["--locked"]);
    assert_eq!(locked.code, 1, "{}", locked.stderr);
    snap!("lock_command_locked_would_change", locked.render());
    assert_eq!(
        file_identity(&project.lock_path()),
        before,
        "--locked wrote"
    );

    project.lock_ok(&[]);
    assert!(project.pins().contains(&"webframe==2.0.0".to_owned()));
}

#[test]
fn relock_keeps_versions_until_asked_to_upgrade() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    project.lock_ok(&[]);
    let original = project.pins();
    index.publish("routes", "2.2.0", PackageSpec::new());
    index.publish(
        "webframe",
        "1.2.0",
        PackageSpec::new().requires(["routes>=2.1,<3"]),
    );
    index.publish("linter", "0.5.4", PackageSpec::new());

    // Index pages stay cached for 10 minutes; `--refresh` makes the new releases seen.
    index.reset_counters();
    project.lock_ok(&["--refresh"]);
    assert_eq!(project.pins(), original, "a plain re-lock moved versions");
    assert!(
        index.requests("/simple/routes/") > 0,
        "the re-lock did not look"
    );

    let out = project.lock_ok(&["--upgrade-package", "routes", "-v"]);
    let expected: Vec<String> = original
        .iter()
        .map(|p| {
            if p == "routes==2.1.0" {
                "routes==2.2.0".to_owned()
            } else {
                p.clone()
            }
        })
        .collect();
    assert_eq!(project.pins(), expected, "{}", out.stderr);
    assert!(
        out.stderr.contains("Update routes 2.1.0 -> 2.2.0"),
        "{}",
        out.stderr
    );

    project.lock_ok(&["--upgrade"]);
    let pins = project.pins();
    for moved in ["routes==2.2.0", "webframe==1.2.0", "linter==0.5.4"] {
        assert!(pins.contains(&moved.to_owned()), "{pins:?}");
    }
}

#[test]
fn unsatisfiable_project_is_explained_in_plain_english() {
    let index = index();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=1.1,<2\", \"routes>=2,<2.1\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    snap!("lock_command_unsatisfiable", out.render());
    assert!(!project.lock_path().exists());
    let lower = out.stderr.to_lowercase();
    for internal in ["root", "__", "pubgrub", "proxy", "virtual", "{"] {
        assert!(
            !lower.contains(internal),
            "`{internal}` in:\n{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("webframe"), "{}", out.stderr);
    assert!(out.stderr.contains("routes"), "{}", out.stderr);

    // Groups and extras share the production versions (one lock for all), so a group
    // that contradicts production cannot be locked either.
    let group = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=1,<2\"]\n[dependency-groups]\nold = [\"routes<2\"]\n",
        &index,
    );
    let out = group.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("routes<2"), "{}", out.stderr);
    assert!(!group.lock_path().exists());
}

#[test]
fn unknown_package_is_named() {
    let index = index();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=1,<2\", \"no-such-package>=1,<2\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no-such-package"), "{}", out.stderr);
    snap!("lock_command_unknown_package", out.render());
    assert!(!project.lock_path().exists());
}

#[test]
fn index_failure_names_the_url_and_leaves_the_lock_alone() {
    let index = index();
    index.fault("/simple/", Fault::Status(503));
    // One direct dependency, so that the first failure is always the same page.
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=1,<2\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("{}/webframe/", index.url())),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("503"), "{}", out.stderr);
    assert_eq!(
        index.requests("/simple/webframe/"),
        4,
        "one try and 3 retries"
    );
    assert!(out.stderr.contains("3 retries"), "{}", out.stderr);
    snap!("lock_command_index_unavailable", out.render());
    assert!(
        !project.lock_path().exists(),
        "a failed lock wrote pylock.toml"
    );

    index.clear_faults();
    project.lock_ok(&[]);
    let before = file_identity(&project.lock_path());
    index.fault("/simple/", Fault::Status(503));
    // A fresh cache, so that every page has to come from the failing index.
    let cache = tempfile::tempdir().unwrap();
    let out = project.lock_with(&project.index_url, cache.path(), &["--upgrade"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        file_identity(&project.lock_path()),
        before,
        "the lock was touched"
    );
}

#[test]
fn broken_pyproject_shows_the_spot() {
    let index = index();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\ndependencies = [\"webframe>=1,<2\", \"routes >= >= 2\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    snap!("lock_command_broken_pyproject", out.render());
    assert_eq!(index.request_log(), Vec::<String>::new());
}

#[test]
fn direct_references_are_refused_not_swapped_for_the_index_package() {
    let index = index();
    for (requirement, kind) in [
        ("webframe @ git+https://example.com/webframe.git", "a VCS"),
        (
            "webframe @ https://example.com/webframe-1.0.tar.gz",
            "a URL",
        ),
        ("webframe @ file:///tmp/webframe", "a path"),
    ] {
        let project = Project::new(
            &format!(
                "[project]\nname = \"shop\"\nversion = \"0.1.0\"\ndependencies = [\"modern>=1,<3\", \"{requirement}\"]\n"
            ),
            &index,
        );
        let out = project.lock(&[]);
        assert_eq!(out.code, 2, "{requirement}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "`webframe` is {kind} dependency; pinctl does not support git, path or URL dependencies yet"
            )),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("pyproject.toml:4:"), "{}", out.stderr);
        assert!(!project.lock_path().exists());
    }
    assert_eq!(index.request_log(), Vec::<String>::new());
}

#[test]
fn an_unwritable_cache_is_said_once_and_the_lock_still_works() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let not_a_dir = project.path().join("cache-is-a-file");
    std::fs::write(&not_a_dir, "").unwrap();
    let out = project.lock_with(&index.url(), &not_a_dir, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr
            .matches("cannot write to the cache directory")
            .count(),
        1,
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("`--offline` cannot work"),
        "{}",
        out.stderr
    );
    assert!(project.lock_path().exists());
}

#[test]
fn a_project_named_like_a_dependency_is_warned_about() {
    let index = index();
    let project = Project::new(
        "[project]\nname = \"Routes\"\nversion = \"0.1.0\"\ndependencies = [\"webframe>=1,<2\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "the project is named `routes`, and its dependencies need the index's `routes` (2.1.0)"
        ),
        "{}",
        out.stderr
    );
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\ndependencies = [\"webframe>=1,<2\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert!(
        !out.stderr.contains("the project is named"),
        "{}",
        out.stderr
    );
}

#[test]
fn quiet_prints_nothing_and_lint_warnings_do_not_fail() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let out = project.lock(&["-q"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
    assert!(project.lock_path().exists());

    let unpinned = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe\", \"modern>=1,<3\"]\n",
        &index,
    );
    let out = unpinned.lock(&[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("unpinned"), "{}", out.stderr);
    snap!("lock_command_lint_warning", out.render());
    let quiet = Project::new(
        &std::fs::read_to_string(unpinned.path().join("pyproject.toml")).unwrap(),
        &index,
    );
    let out = quiet.lock(&["-q"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}

#[test]
fn a_project_without_dependencies_gets_a_valid_empty_lock() {
    let index = index();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n",
        &index,
    );
    project.lock_ok(&[]);
    assert!(
        project.lock_text().contains("\npackages = []\n"),
        "{}",
        project.lock_text()
    );
    assert_eq!(pylock_packages(&project.lock_path()), "");
    assert_eq!(project.lock(&["--check"]).code, 0);
}

/// `pinctl export -q` of the project's lock: the requirements file on stdout.
fn export(project: &Project) -> String {
    let out = Output::of(
        crate::common::cli::pinctl()
            .args(["export", "-q"])
            .current_dir(project.path()),
        &[project.path().to_path_buf()],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// The `name==version ; marker` lines of an exported requirements file.
fn exported_pins(requirements: &str) -> Vec<&str> {
    requirements
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("--") && !l.starts_with(' '))
        .map(|l| l.trim_end_matches(" \\"))
        .collect()
}

#[test]
fn a_version_whose_requires_python_upper_bound_excludes_the_project_is_no_candidate() {
    // foo 2.0.0 cannot install on any Python 3.13 (pip refuses it): the lock takes 1.0.0.
    let index = TestIndex::builder()
        .package("foo", "1.0.0", PackageSpec::new())
        .package("foo", "2.0.0", PackageSpec::new().requires_python("<3.13"))
        .build();
    let pyproject = "[project]\nname = \"shop\"\nversion = \"0.1.0\"\n\
         requires-python = \"==3.13.*\"\ndependencies = [\"foo>=1,<3\"]\n";
    let project = Project::new(pyproject, &index);
    project.lock_ok(&[]);
    assert_eq!(project.pins(), ["foo==1.0.0"]);
    // Needed on every Python of the project: no marker restating requires-python.
    assert_eq!(pylock_packages(&project.lock_path()), "foo 1.0.0 None\n");
    assert_eq!(project.lock(&["--check"]).code, 0);

    // With no such older release the lock fails, naming the bound, and writes nothing.
    let index = TestIndex::builder()
        .package(
            "legacy",
            "1.0.0",
            PackageSpec::new().requires_python(">=3.6,<3.9"),
        )
        .build();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.10\"\n\
         dependencies = [\"legacy==1.0.0\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: no set of versions satisfies the requirements:\n\
         Your project depends on legacy==1.0.0, but no release of legacy in that range can be used (1.0.0 requires Python >=3.6, <3.9).\n\
         hint: legacy 1.0.0 requires Python >=3.6, <3.9, which no Python of the project's requires-python (>=3.10) satisfies: require a release of legacy that supports it, or change requires-python\n"
    );
    assert!(!project.lock_path().exists());
}

#[test]
fn a_requires_python_upper_bound_inside_the_project_range_forks_the_lock() {
    // foo 2.0.0 stops at 3.11: Python 3.12 and later get foo 1.5.0, with markers that pip
    // and uv follow and `pinctl export` keeps. bar's `<4` splits nothing.
    let index = TestIndex::builder()
        .package("foo", "1.5.0", PackageSpec::new().requires_python(">=3.9"))
        .package(
            "foo",
            "2.0.0",
            PackageSpec::new().requires_python(">=3.9,<3.12"),
        )
        .package(
            "bar",
            "1.0.0",
            PackageSpec::new().requires_python(">=3.8,<4"),
        )
        .build();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"foo>=1,<3\", \"bar>=1,<2\"]\n",
        &index,
    );
    project.lock_ok(&[]);
    assert_eq!(
        pylock_packages(&project.lock_path()),
        "bar 1.0.0 None\n\
         foo 1.5.0 python_full_version >= \"3.12\"\n\
         foo 2.0.0 python_full_version < \"3.12\"\n"
    );
    assert_eq!(
        exported_pins(&export(&project)),
        [
            "bar==1.0.0",
            "foo==1.5.0 ; python_full_version >= '3.12'",
            "foo==2.0.0 ; python_full_version < '3.12'",
        ]
    );
    // The test venv's Python 3.11 takes foo 2.0.0; Python 3.12 (through uv) takes 1.5.0.
    let d = project.path();
    assert_eq!(
        install("pip", d, &["-r", "pylock.toml"]),
        ["bar-1.0.0", "foo-2.0.0"]
    );
    assert_eq!(
        install("uv", d, &["-r", "pylock.toml", "--python-version", "3.12"]),
        ["bar-1.0.0", "foo-1.5.0"]
    );
    // A re-lock finds the same forks.
    project.lock_ok(&["--check"]);
}

#[test]
fn pythons_no_release_supports_are_named_and_nothing_is_locked() {
    let index = TestIndex::builder()
        .package(
            "foo",
            "1.5.0",
            PackageSpec::new().requires_python(">=3.8,<3.12"),
        )
        .package(
            "foo",
            "2.0.0",
            PackageSpec::new().requires_python(">=3.9,<3.12"),
        )
        .build();
    let project = Project::new(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"foo>=1,<3\"]\n",
        &index,
    );
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: no set of versions satisfies the requirements:\n\
         For environments where `python_full_version >= '3.12'`:\n\
         Your project depends on foo>=1,<3, but no release of foo in that range can be used (2.0.0 requires Python >=3.9, <3.12; 1.5.0 requires Python >=3.8, <3.12).\n\
         hint: foo 2.0.0 requires Python >=3.9, <3.12 but the project supports >=3.9: narrow requires-python (for example `requires-python = \">=3.9, <3.12\"`) or require an older foo\n"
    );
    assert!(!project.lock_path().exists());
}

#[test]
fn removals_offline_and_yanked_pins() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    project.lock_ok(&[]);
    let unchanged = project.lock(&["--dry-run"]);
    assert_eq!(
        unchanged.stderr,
        "pylock.toml is up to date\nDry run: nothing was written\n"
    );

    project.edit("\"modern>=1,<3\",", "");
    let plan = project.lock(&["--dry-run"]);
    assert_eq!(
        plan.stderr,
        "Remove modern 1.0.0\nRemove modern 2.0.0\nDry run: nothing was written\n"
    );

    // Everything needed is cached: --offline locks without the index.
    index.reset_counters();
    project.lock_ok(&["--offline"]);
    assert_eq!(index.request_log(), Vec::<String>::new());
    assert!(!project.pins().iter().any(|p| p.starts_with("modern==")));
    // ... and says what is missing when it is not.
    let cold = tempfile::tempdir().unwrap();
    let out = project.lock_with(&project.index_url, cold.path(), &["--offline", "--upgrade"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--offline"), "{}", out.stderr);
    assert_eq!(index.request_log(), Vec::<String>::new());

    // A locked version that gets yanked is left, with what depends on it.
    index.publish("routes", "2.1.0", PackageSpec::new().yanked(Some("broken")));
    let out = project.lock_ok(&["--refresh", "-v"]);
    assert!(
        out.stderr
            .contains("Update routes 2.1.0 -> 2.0.0\nUpdate webframe 1.1.0 -> 1.0.0\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn unreadable_inputs_are_errors_that_say_what_to_do() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let corrupt = "lock-version = \"1.0\"\n[[packages]]\nname = 3\n";
    std::fs::write(project.lock_path(), corrupt).unwrap();
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    snap!("lock_command_corrupt_lock", out.render());
    assert_eq!(project.lock_text(), corrupt);
    let check = project.lock(&["--check"]);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(check.stderr.contains("pylock.toml:3:8"), "{}", check.stderr);

    let empty = tempfile::tempdir().unwrap();
    let out = crate::common::cli::run(
        crate::common::cli::pinctl()
            .args(["lock", "--no-progress", "--index-url", &index.url()])
            .current_dir(empty.path()),
    );
    snap!("lock_command_no_pyproject", out);
    assert_eq!(index.request_log(), Vec::<String>::new());
}

#[test]
fn directory_flag_locks_another_project() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = crate::common::cli::pinctl()
        .args(["lock", "--no-progress", "-q", "--index-url", &index.url()])
        .arg("--directory")
        .arg(project.path())
        .arg("--cache-dir")
        .arg(project.cache.path())
        .current_dir(elsewhere.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(project.pins().len(), 11);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn check_ignores_formatting_and_names_real_changes() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    project.lock_ok(&[]);
    // Order, spacing, comments, name spelling and specifier order do not matter.
    project.edit(
        "\"webframe>=1.0,<2\",\n    \"modern>=1,<3\",",
        "\"modern >=1, <3\",  # the fork\n    \"WebFrame<2,>=1.0\",",
    );
    let fresh = project.lock(&["--check"]);
    assert_eq!(fresh.code, 0, "{}", fresh.stderr);

    project.edit(
        "requires-python = \">=3.9\"",
        "requires-python = \">=3.10\"",
    );
    let stale = project.lock(&["--check"]);
    assert_eq!(stale.code, 1);
    assert_eq!(
        stale.stderr,
        "error: `pylock.toml` is out of date with pyproject.toml: `requires-python` changed \
         from `>=3.9` to `>=3.10`\nhint: run `pinctl lock` and commit the result\n"
    );
    // Same versions, new inputs: the dry run says the file would still be rewritten.
    let plan = project.lock(&["--dry-run"]);
    assert_eq!(
        plan.stderr,
        "No version changes; pylock.toml would be rewritten to match pyproject.toml\n\
         Dry run: nothing was written\n"
    );
    project.lock_ok(&[]);
    assert!(
        project
            .lock_text()
            .starts_with("lock-version = \"1.0\"\nrequires-python = \">=3.10\"\n")
    );
    assert_eq!(project.lock(&["--check"]).code, 0);
}

#[test]
fn parallel_locks_share_one_cache() {
    let index = index();
    let cache = tempfile::tempdir().unwrap();
    let projects: Vec<Project> = (0..4).map(|_| Project::new(PYPROJECT, &index)).collect();
    std::thread::scope(|scope| {
        for project in &projects {
            let cache = cache.path();
            scope.spawn(move || {
                let out = project.lock_with(&project.index_url, cache, &[]);
                assert_eq!(out.code, 0, "{}", out.stderr);
            });
        }
    });
    let first = projects[0].lock_text();
    for project in &projects[1..] {
        assert_eq!(project.lock_text(), first);
    }
    // The shared cache is whole: an offline lock from it gives the same file.
    let offline = Project::new(PYPROJECT, &index);
    let out = offline.lock_with(&offline.index_url, cache.path(), &["--offline"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(offline.lock_text(), first);
}

#[test]
fn a_rewritten_lock_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt as _;
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    project.lock_ok(&[]);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&project.lock_path()), 0o644);
    std::fs::set_permissions(project.lock_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    project.edit("\"modern>=1,<3\",", "");
    project.lock_ok(&[]);
    assert!(!project.lock_text().contains("name = \"modern\""));
    assert_eq!(mode(&project.lock_path()), 0o600);
}

#[test]
fn upgrade_package_sees_a_release_cached_pages_hide() {
    let index = index();
    let project = Project::new(PYPROJECT, &index);
    project.lock_ok(&[]);
    index.publish("routes", "2.2.0", PackageSpec::new());
    // No `--refresh`: an upgrade fetches fresh index pages by itself.
    let out = project.lock_ok(&["--upgrade-package", "routes", "-v"]);
    assert!(
        project.pins().contains(&"routes==2.2.0".to_owned()),
        "{}",
        out.stderr
    );

    let out = project.lock_ok(&["--upgrade-package", "nosuch"]);
    assert!(
        out.stderr
            .contains("`--upgrade-package nosuch`: `nosuch` is not in the lock"),
        "{}",
        out.stderr
    );
}

#[test]
fn tool_pinctl_settings_are_checked_at_their_line_and_say_where_they_came_from() {
    let index = index();
    let pyproject = format!(
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"routes>=2,<3\"]\n\n[tool.pinctl]\nindex-url = \"{}\"\nconcurrency = 0\n",
        index.url()
    );
    let project = Project::new(&pyproject, &index);
    let out = project.lock(&[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    snap!("lock_command_tool_pinctl_out_of_range", out.render());
    assert_eq!(index.request_log(), Vec::<String>::new());

    project.edit("concurrency = 0", "concurrency = 12");
    // Without `--index-url`, so that the index comes from `[tool.pinctl]` too.
    let settings = |envs: &[(&str, &str)], args: &[&str]| {
        let out = Output::of(
            crate::common::cli::pinctl()
                .args(["lock", "--no-progress", "--dry-run", "-vv", "--cache-dir"])
                .arg(project.cache.path())
                .args(args)
                .envs(envs.iter().copied())
                .current_dir(project.path()),
            &[],
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stderr
            .lines()
            .find(|line| line.contains("settings: "))
            .unwrap_or_else(|| panic!("no settings line in:\n{}", out.stderr))
            .to_owned()
    };
    let line = settings(&[], &[]);
    assert!(
        line.contains(&format!("index {} (from pyproject.toml:8)", index.url())),
        "{line}"
    );
    assert!(
        line.contains("concurrency 12 (from pyproject.toml:9)"),
        "{line}"
    );
    assert!(line.contains("timeout 30s (from the default)"), "{line}");
    let line = settings(
        &[("PINCTL_CONCURRENCY", "7"), ("PINCTL_HTTP_TIMEOUT", "5")],
        &[],
    );
    assert!(
        line.contains("concurrency 7 (from `PINCTL_CONCURRENCY`)"),
        "{line}"
    );
    assert!(
        line.contains("timeout 5s (from `PINCTL_HTTP_TIMEOUT`)"),
        "{line}"
    );
    let line = settings(&[("PINCTL_CONCURRENCY", "7")], &["--concurrency", "9"]);
    assert!(
        line.contains("concurrency 9 (from `--concurrency`)"),
        "{line}"
    );
    let line = settings(&[("PINCTL_INDEX_URL", &index.url())], &[]);
    assert!(line.contains("(from `PINCTL_INDEX_URL`)"), "{line}");

    // `--concurrency` is honoured as given, within the same bounds as the table.
    let out = project.lock(&["--concurrency", "1025"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("1025 is not in 1..=1024"),
        "{}",
        out.stderr
    );
}
