//! `pinctl outdated` end to end: the real binary against the in-process test index, with
//! a hand-written pyproject.toml and pylock.toml in a temporary directory. Each case
//! snapshots the exit code, stdout and stderr.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// A snapshot without the expression.
macro_rules! snap {
    ($name:expr, $value:expr) => {
        snapshot!($name, $value, omit_expression => true)
    };
}

use pinctl::lock::{Lock, LockInputs};
use pinctl::project::read_project;

use crate::common::server::{PackageSpec, TestIndex};
use crate::common::snapshot;

const PYPROJECT: &str = r#"[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = [
    "requests>=2.28,<2.30",
    "numpy>=1.26",
    "click>=8",
    "forky",
    "zeroverse>=0.4",
]

[dependency-groups]
dev = [
    "pytest>=7",
]
"#;

/// One `[[packages]]` entry: name, version, scopes (`prod`, `dev`).
const LOCKED: &[(&str, &str, &[&str])] = &[
    ("attrs", "23.1.0", &["prod"]),
    ("click", "8.1.7", &["prod"]),
    ("forky", "1.1.0", &["prod@python_full_version < '3.11'"]),
    ("forky", "2.0.0", &["prod@python_full_version >= '3.11'"]),
    ("numpy", "1.26.4", &["prod"]),
    ("pluggy", "1.5.0", &["dev"]),
    ("pytest", "7.4.0", &["dev"]),
    ("requests", "2.28.0", &["prod"]),
    ("urllib3", "1.26.18", &["prod"]),
    ("zeroverse", "0.4.1", &["prod"]),
];

fn pylock(packages: &[(&str, &str, &[&str])]) -> String {
    let mut out = String::from(
        "lock-version = \"1.0\"\ncreated-by = \"pinctl\"\nrequires-python = \">=3.9\"\ndependency-groups = [\"dev\"]\n",
    );
    for (name, version, scopes) in packages {
        let file = format!("{}-{version}-py3-none-any.whl", name.replace('-', "_"));
        let _ = write!(
            out,
            "\n[[packages]]\nname = \"{name}\"\nversion = \"{version}\"\nindex = \"https://example.invalid/simple\"\n\
             wheels = [{{ name = \"{file}\", url = \"https://example.invalid/files/{file}\", hashes = {{ sha256 = \"{}\" }} }}]\n\
             [packages.tool.pinctl]\n",
            "0".repeat(64)
        );
        if scopes.contains(&"prod") {
            out.push_str("prod = true\n");
        }
        // `prod@MARKER`: production needs this version only under MARKER (a forked lock).
        for marker in scopes.iter().filter_map(|s| s.strip_prefix("prod@")) {
            let _ = writeln!(out, "prod = \"{marker}\"");
        }
        if scopes.contains(&"dev") {
            out.push_str("groups = { dev = true }\n");
        }
    }
    out.push_str(
        "\n[tool.pinctl]\nfingerprint = \"0\"\nindex-url = \"https://example.invalid/simple\"\n",
    );
    out
}

fn index() -> TestIndex {
    let v = PackageSpec::new;
    TestIndex::builder()
        .package("attrs", "23.1.0", v().yanked(Some("broken metadata")))
        .package("attrs", "23.2.0", v())
        .package("click", "8.1.7", v())
        .package("click", "8.2.0rc1", v())
        .package("forky", "1.0.0", v().requires_python(">=3.9"))
        .package("forky", "1.1.0", v().requires_python(">=3.9"))
        .package("forky", "2.0.0", v().requires_python(">=3.11"))
        .package("numpy", "1.26.4", v().requires_python(">=3.9"))
        .package("numpy", "2.0.2", v().requires_python(">=3.9"))
        .package("numpy", "2.3.0", v().requires_python(">=3.11"))
        .package("pluggy", "1.5.0", v())
        .package("pytest", "7.4.0", v())
        .package("pytest", "8.3.2", v())
        .package("requests", "2.28.0", v())
        .package("requests", "2.28.2", v())
        .package("requests", "2.32.3", v())
        .package("urllib3", "1.26.18", v())
        .package("urllib3", "2.2.1", v())
        .package("zeroverse", "0.4.1", v())
        .package("zeroverse", "0.4.2", v())
        .package("zeroverse", "0.5.0", v())
        .build()
}

struct Project {
    dir: tempfile::TempDir,
    index: TestIndex,
}

impl Project {
    fn new() -> Self {
        Self::with(PYPROJECT, Some(&pylock(LOCKED)), index())
    }

    /// A project whose lock holds the packages of `lock` and is fresh: made from this
    /// pyproject.toml (`[tool.pinctl]` recomputed), as `pinctl lock` would write it.
    fn with(pyproject: &str, lock: Option<&str>, index: TestIndex) -> Self {
        let project = Self::raw(pyproject, None, index);
        if let Some(lock) = lock {
            let inputs = read_project(project.path()).unwrap();
            let mut lock = Lock::from_toml(lock, Path::new("pylock.toml")).unwrap();
            lock.requires_python.clone_from(&inputs.requires_python);
            lock.tool = LockInputs::from_project(&inputs, &lock.tool.index_url).tool();
            std::fs::write(project.path().join("pylock.toml"), lock.to_toml()).unwrap();
        }
        project
    }

    /// A project with this pylock.toml text as it is.
    fn raw(pyproject: &str, lock: Option<&str>, index: TestIndex) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
        if let Some(lock) = lock {
            std::fs::write(dir.path().join("pylock.toml"), lock).unwrap();
        }
        Self { dir, index }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `pinctl outdated ARGS` in the project directory with its own cache.
    fn outdated(&self, args: &[&str]) -> String {
        let cache = self.path().join(".cache");
        let output = Command::new(env!("CARGO_BIN_EXE_pinctl"))
            .arg("outdated")
            .args(["--index-url", &self.index.url()])
            .arg("--cache-dir")
            .arg(&cache)
            .args(args)
            .current_dir(self.path())
            .env_remove("PINCTL_INDEX_URL")
            .env_remove("PINCTL_CACHE_DIR")
            .env_remove("NO_COLOR")
            .output()
            .unwrap();
        let text = format!(
            "exit: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            output.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        let port = self.index.addr().port().to_string();
        let temp = self.path().display().to_string();
        text.replace(&temp, "[TEMP]").replace(&port, "[PORT]")
    }
}

#[test]
fn table() {
    let p = Project::new();
    snap!("outdated_table", p.outdated(&[]));
}

#[test]
fn table_all_includes_up_to_date_packages() {
    let p = Project::new();
    let out = p.outdated(&["--all"]);
    // click's 8.2.0rc1 is a pre-release: neither wanted nor latest.
    assert!(
        out.contains("click      8.1.7    8.1.7   8.1.7   prod"),
        "{out}"
    );
    snap!("outdated_table_all", out);
}

#[test]
fn table_in_colour() {
    let p = Project::new();
    snap!(
        "outdated_table_color",
        p.outdated(&[
            "--color",
            "always",
            "--package",
            "attrs",
            "--package",
            "zeroverse"
        ])
    );
}

#[test]
fn json() {
    let p = Project::new();
    let out = p.outdated(&["--format", "json"]);
    let stdout = out
        .split("----- stdout -----\n")
        .nth(1)
        .and_then(|s| s.split("----- stderr -----").next())
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    snap!("outdated_json", out);
}

#[test]
fn markdown() {
    let p = Project::new();
    snap!("outdated_markdown", p.outdated(&["--format", "markdown"]));
}

#[test]
fn github_annotations() {
    let p = Project::new();
    snap!("outdated_github", p.outdated(&["--format", "github"]));
}

#[test]
fn filter_prod() {
    let p = Project::new();
    snap!("outdated_prod", p.outdated(&["--prod"]));
}

#[test]
fn filter_group() {
    let p = Project::new();
    snap!(
        "outdated_group_dev",
        p.outdated(&["--group", "dev", "--all"])
    );
}

#[test]
fn filter_direct() {
    let p = Project::new();
    snap!("outdated_direct", p.outdated(&["--direct"]));
}

#[test]
fn filter_packages() {
    let p = Project::new();
    snap!(
        "outdated_packages",
        p.outdated(&["--package", "requests", "--package", "Urllib3"])
    );
}

#[test]
fn exit_code_and_fail_on_levels() {
    let p = Project::new();
    let exit = |args: &[&str]| {
        let out = p.outdated(args);
        out.lines().next().unwrap().to_string()
    };
    assert_eq!(exit(&[]), "exit: 0");
    assert_eq!(exit(&["--exit-code"]), "exit: 1");
    assert_eq!(exit(&["--exit-code", "--package", "click"]), "exit: 0");
    // requests 2.28.0 -> 2.32.3 is a minor update.
    let requests = ["--package", "requests", "--fail-on"];
    assert_eq!(exit(&[&requests[..], &["patch"]].concat()), "exit: 1");
    assert_eq!(exit(&[&requests[..], &["minor"]].concat()), "exit: 1");
    assert_eq!(exit(&[&requests[..], &["major"]].concat()), "exit: 0");
    assert_eq!(exit(&[&requests[..], &["yanked"]].concat()), "exit: 0");
    // zeroverse 0.4.1 -> 0.5.0 counts as major.
    assert_eq!(
        exit(&["--package", "zeroverse", "--fail-on", "major"]),
        "exit: 1"
    );
    // attrs 23.1.0 is yanked.
    assert_eq!(exit(&["--fail-on", "yanked"]), "exit: 1");
    assert_eq!(
        exit(&["--prod", "--direct", "--fail-on", "yanked"]),
        "exit: 0"
    );
    snap!(
        "outdated_fail_on_yanked",
        p.outdated(&["--fail-on", "yanked", "--package", "attrs"])
    );
}

#[test]
fn one_request_per_package_then_cache_then_refresh() {
    let p = Project::new();
    let pages = || p.index.requests("/simple/");
    // One request per package name (forky is locked twice).
    let names = LOCKED.len() - 1;
    p.outdated(&[]);
    assert_eq!(pages(), names, "{:?}", p.index.request_log());
    p.outdated(&[]);
    assert_eq!(pages(), names, "cached pages are reused");
    p.outdated(&["--refresh"]);
    assert_eq!(pages(), 2 * names, "--refresh fetches every page again");
    // Everything is cached now, so --offline works.
    let offline = p.outdated(&["--offline"]);
    assert!(offline.starts_with("exit: 0"), "{offline}");
    assert_eq!(pages(), 2 * names);
    // Metadata is never needed.
    assert_eq!(p.index.requests("/files/"), 0);
}

#[test]
fn offline_without_cache_fails() {
    let p = Project::new();
    snap!("outdated_offline_cold", p.outdated(&["--offline"]));
}

#[test]
fn an_index_without_any_locked_package_fails_the_check() {
    let empty = TestIndex::builder()
        .package("unrelated", "1.0", PackageSpec::new())
        .build();
    let p = Project::with(PYPROJECT, Some(&pylock(LOCKED)), empty);
    let out = p.outdated(&["--exit-code"]);
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains("none of the") && out.contains("locked packages is on the index"),
        "{out}"
    );
    assert!(out.contains("hint: check the index URL"), "{out}");
}

#[test]
fn never_writes_a_file() {
    let p = Project::new();
    let lock = std::fs::read(p.path().join("pylock.toml")).unwrap();
    let pyproject = std::fs::read(p.path().join("pyproject.toml")).unwrap();
    p.outdated(&["--all"]);
    assert_eq!(std::fs::read(p.path().join("pylock.toml")).unwrap(), lock);
    assert_eq!(
        std::fs::read(p.path().join("pyproject.toml")).unwrap(),
        pyproject
    );
    let mut names: Vec<String> = std::fs::read_dir(p.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".cache", "pylock.toml", "pyproject.toml"]);
}

#[test]
fn missing_lock() {
    let p = Project::with(PYPROJECT, None, index());
    snap!("outdated_missing_lock", p.outdated(&[]));
}

#[test]
fn unknown_group_and_package() {
    let p = Project::new();
    snap!("outdated_unknown_group", p.outdated(&["--group", "docs"]));
    snap!(
        "outdated_unknown_package",
        p.outdated(&["--package", "django"])
    );
}

#[test]
fn package_missing_from_the_index() {
    let mut locked = LOCKED.to_vec();
    locked.push(("private-thing", "1.0.0", &["prod"]));
    let p = Project::with(PYPROJECT, Some(&pylock(&locked)), index());
    snap!(
        "outdated_not_on_index",
        p.outdated(&["--package", "private-thing", "--package", "requests"])
    );
}

#[test]
fn everything_up_to_date() {
    let pyproject = "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"pluggy\"]\n";
    let p = Project::with(
        pyproject,
        Some(&pylock(&[("pluggy", "1.5.0", &["prod"])])),
        index(),
    );
    snap!("outdated_up_to_date", p.outdated(&["--exit-code"]));
}

#[test]
fn help() {
    let output = crate::common::cli::pinctl()
        .args(["outdated", "--help"])
        .output()
        .unwrap();
    snap!(
        "outdated_help",
        String::from_utf8_lossy(&output.stdout).to_string()
    );
}

#[test]
fn directory_flag_points_annotations_at_the_project_file() {
    let p = Project::new();
    let parent = p.path().parent().unwrap();
    let sub = p.path().file_name().unwrap().to_string_lossy().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_pinctl"))
        .args(["outdated", "--format", "github", "--package", "requests"])
        .args(["--index-url", &p.index.url()])
        .arg("--cache-dir")
        .arg(p.path().join(".cache"))
        .args(["--directory", &sub])
        .current_dir(parent)
        .env_remove("PINCTL_INDEX_URL")
        .env_remove("PINCTL_CACHE_DIR")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(&format!(
            "::warning file={sub}/pyproject.toml,line=6,col=5,"
        )),
        "{stdout}"
    );
}

#[test]
fn a_locked_version_the_index_no_longer_lists_is_not_up_to_date() {
    // pluggy 1.6.0 was deleted from the index; 1.5.0 is older, so there is no update.
    let pyproject = "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"click>=8\", \"pluggy\"]\n";
    let p = Project::with(
        pyproject,
        Some(&pylock(&[
            ("click", "8.1.7", &["prod"]),
            ("pluggy", "1.6.0", &["prod"]),
        ])),
        index(),
    );
    let out = p.outdated(&["--exit-code"]);
    // The table shows the vanished version; the summary must not call it up to date.
    assert!(
        out.contains("locked version no longer on the index"),
        "{out}"
    );
    assert!(!out.contains("up to date"), "{out}");
    snap!("outdated_locked_version_gone", out);
}

#[test]
fn a_stale_lock_is_refused_before_any_request() {
    let p = Project::new();
    std::fs::write(
        p.path().join("pyproject.toml"),
        PYPROJECT.replace("\"pytest>=7\",", "\"pytest>=7\",\n    \"coverage>=7\","),
    )
    .unwrap();
    let out = p.outdated(&[]);
    assert_eq!(
        out,
        "exit: 1\n----- stdout -----\n----- stderr -----\nerror: `pylock.toml` is out of date \
         with pyproject.toml: dependency `coverage>=7` was added to group `dev`\nhint: run \
         `pinctl lock` and commit the result\n"
    );
    assert_eq!(p.index.request_log(), Vec::<String>::new());
}
