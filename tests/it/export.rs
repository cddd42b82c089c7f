//! `pinctl export`: snapshots of every flag on a sample lock, and installs of the export
//! with pip `--require-hashes` from the in-process test index.

use std::path::Path;
use std::process::Command;

use crate::common::cli::Output;
use crate::common::fixtures::*;
use crate::common::python::{install, run_ok, test_venv};
use crate::common::server::{PackageSpec, TestIndex, sha256_hex};
use crate::common::snapshot;
use pinctl::lock::{LockInputs, build_lock};
use pinctl::project::read_project;
use pinctl::resolve::Resolution;

const PYPROJECT: &str = r#"[project]
name = "webshop"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [
    "django>=5.1,<5.2",
    "numpy>=2",
    "rich>=13",
    "tzdata; sys_platform == 'win32'",
]

[project.optional-dependencies]
socks = ["pysocks>=1.7"]

[dependency-groups]
dev = ["pytest>=8", "rich>=13"]
"#;

/// A project directory with pyproject.toml and a fresh pylock.toml of the sample resolution.
fn sample_project(index_url: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), PYPROJECT).unwrap();
    let project = read_project(dir.path()).unwrap();
    let lock = build_lock(
        &sample_resolution(),
        &LockInputs::from_project(&project, index_url),
    );
    std::fs::write(dir.path().join("pylock.toml"), lock.to_toml()).unwrap();
    dir
}

fn pinctl(dir: &Path, args: &[&str]) -> Output {
    Output::of(
        crate::common::cli::pinctl().args(args).current_dir(dir),
        &[dir.to_path_buf()],
    )
}

fn snapshot(name: &str, args: &[&str], out: &Output) {
    let text = format!("$ pinctl {}\n{}", args.join(" "), out.render());
    snapshot!(name, text);
}

fn case(name: &str, args: &[&str]) -> Output {
    let dir = sample_project("https://user:secret@pypi.example.org/simple/");
    let out = pinctl(dir.path(), args);
    assert!(!out.stdout.contains("secret"), "credentials leaked");
    snapshot(name, args, &out);
    out
}

#[test]
fn export_default_is_production() {
    let default = case("export_default", &["export"]);
    assert_eq!(default.code, 0);
    let dir = sample_project("https://user:secret@pypi.example.org/simple/");
    let prod = pinctl(dir.path(), &["export", "--prod"]);
    assert_eq!(
        prod.stdout, default.stdout,
        "the default selection is --prod"
    );
    // Same lock in, same bytes out.
    assert_eq!(
        pinctl(dir.path(), &["export", "--prod"]).stdout,
        prod.stdout
    );
}

#[test]
fn export_selections() {
    assert_eq!(
        case("export_group_dev", &["export", "--group", "dev"]).code,
        0
    );
    assert_eq!(
        case(
            "export_extra_socks",
            &["export", "--extra", "socks", "--no-hashes"]
        )
        .code,
        0
    );
    assert_eq!(
        case(
            "export_only_group_dev",
            &["export", "--only-group", "dev", "--no-hashes"]
        )
        .code,
        0
    );
    assert_eq!(
        case(
            "export_all",
            &["export", "--all-groups", "--all-extras", "--no-hashes"]
        )
        .code,
        0
    );
}

#[test]
fn export_format_flags() {
    assert_eq!(
        case(
            "export_no_hashes_no_header",
            &["export", "--no-hashes", "--no-header"]
        )
        .code,
        0
    );
    assert_eq!(
        case(
            "export_annotate",
            &["export", "--group", "dev", "--annotate", "--no-hashes"]
        )
        .code,
        0
    );
    assert_eq!(
        case(
            "export_pylock_dev",
            &["export", "--format", "pylock", "--group", "dev"]
        )
        .code,
        0
    );
    assert_eq!(
        case(
            "export_pylock_no_hashes",
            &["export", "--format", "pylock", "--no-hashes"]
        )
        .code,
        2
    );
}

#[test]
fn export_single_use_pylock_is_valid() {
    let venv = test_venv();
    let dir = sample_project("https://pypi.example.org/simple");
    let out = pinctl(
        dir.path(),
        &[
            "export",
            "--format",
            "pylock",
            "--only-group",
            "dev",
            "-o",
            "pylock.dev.toml",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let check = run_ok(
        Command::new(venv.join("bin/python"))
            .arg("-c")
            .arg(
                "import sys, tomllib\nfrom packaging.pylock import Pylock\n\
         lock = Pylock.from_dict(tomllib.load(open(sys.argv[1], 'rb')))\n\
         print(sorted((p.name, str(p.marker)) for p in lock.packages))",
            )
            .arg(dir.path().join("pylock.dev.toml")),
    );
    assert_eq!(
        check.trim(),
        "[('colorama', 'sys_platform == \"win32\"'), ('iniconfig', 'None'), ('pygments', 'None'), ('pytest', 'None'), ('rich', 'None')]"
    );
}

#[test]
fn export_to_file_is_atomic_and_stable() {
    let dir = sample_project("https://pypi.org/simple");
    let args = ["export", "--group", "dev", "-o", "requirements-dev.txt"];
    let out = pinctl(dir.path(), &args);
    snapshot("export_output_file", &args, &out);
    let written = std::fs::read_to_string(dir.path().join("requirements-dev.txt")).unwrap();
    assert!(written.starts_with(
        "# This file was generated by pinctl: pinctl export --group dev -o requirements-dev.txt\n"
    ));
    assert!(
        !written.contains("--index-url"),
        "the default index needs no line"
    );
    let again = pinctl(dir.path(), &args);
    assert!(again.stderr.contains("is up to date"), "{}", again.stderr);
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries.len(), 3, "stray files: {entries:?}");
}

#[test]
fn export_errors() {
    assert_eq!(
        case("export_unknown_group", &["export", "--group", "docs"]).code,
        2
    );
    assert_eq!(
        case(
            "export_conflicting_flags",
            &["export", "--prod", "--group", "dev"]
        )
        .code,
        2
    );

    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("pyproject.toml"), PYPROJECT).unwrap();
    let out = pinctl(empty.path(), &["export"]);
    snapshot("export_missing_lock", &["export"], &out);
    assert_eq!(out.code, 2);

    let broken = sample_project("https://pypi.org/simple");
    let text = std::fs::read_to_string(broken.path().join("pylock.toml")).unwrap();
    std::fs::write(
        broken.path().join("pylock.toml"),
        text.replacen("version = \"5.1.4\"", "version = \"5.1.four\"", 1),
    )
    .unwrap();
    let out = pinctl(broken.path(), &["export"]);
    snapshot("export_broken_lock", &["export"], &out);
    assert_eq!(out.code, 2);

    let dir = sample_project("https://pypi.org/simple");
    let edited = PYPROJECT.replace(
        "dev = [\"pytest>=8\", \"rich>=13\"]",
        "dev = [\"pytest>=8\", \"rich>=13\", \"ruff>=0.8\"]",
    );
    std::fs::write(dir.path().join("pyproject.toml"), edited).unwrap();
    let stale = pinctl(dir.path(), &["export"]);
    snapshot("export_stale_lock", &["export"], &stale);
    // A failed check, as `lock --check` says of the same lock; not an error.
    assert_eq!(stale.code, 1);
    let frozen = pinctl(dir.path(), &["export", "--frozen", "--no-hashes"]);
    assert_eq!(frozen.code, 0, "{}", frozen.stderr);
    assert!(frozen.stdout.contains("django==5.1.4\n"));
}

#[test]
fn export_never_overwrites_the_project_files() {
    let dir = sample_project("https://pypi.example.org/simple/");
    let before: Vec<String> = ["pyproject.toml", "pylock.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
        .collect();
    for (args, file) in [
        (vec!["export", "-o", "pyproject.toml"], "pyproject.toml"),
        (
            vec![
                "export",
                "--frozen",
                "-o",
                "./pylock.toml",
                "--format",
                "pylock",
            ],
            "pylock.toml",
        ),
    ] {
        let out = pinctl(dir.path(), &args);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .contains(&format!("is the project's own `{file}`")),
            "{}",
            out.stderr
        );
        assert!(
            out.stderr
                .contains("hint: write the export to another file"),
            "{}",
            out.stderr
        );
    }
    let after: Vec<String> = ["pyproject.toml", "pylock.toml"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn export_help() {
    let dir = tempfile::tempdir().unwrap();
    let out = pinctl(dir.path(), &["export", "--help"]);
    assert_eq!(out.code, 0);
    snapshot("export_help", &["export", "--help"], &out);
}

#[test]
fn broken_pipe_exits_quietly() {
    use std::io::Read as _;
    use std::process::Stdio;
    let dir = sample_project("https://pypi.org/simple");
    // Enough packages that the export is larger than a pipe buffer is not needed: the
    // reader closes before pinctl writes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_pinctl"))
        .args(["export", "--all-groups", "--all-extras"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status:?} {stderr}");
    assert_eq!(stderr, "");
}

/// A resolution of packages served by `index`: production `alpha`, `shared` (also dev),
/// `linuxonly` (Linux) and `winonly` (Windows); dev `gamma` and `devlinux` (Linux);
/// extra `socks`: `delta`. Files, URLs and sha256 are the index's own.
fn served_resolution(index: &TestIndex) -> Resolution {
    scoped_resolution("1.0.0", |name| {
        index
            .filenames()
            .into_iter()
            .filter(|f| f.starts_with(&format!("{name}-1.0.0")) && !f.ends_with(".metadata"))
            .map(|f| {
                let bytes = index.file(&f).unwrap();
                let mut entry = file("", &f, Some(&sha256_hex(&bytes)), bytes.len() as u64);
                entry.url = index.file_url(&f);
                entry
            })
            .collect()
    })
}

/// The index serving every package of [`served_resolution`] at 1.0.0.
fn served_index() -> TestIndex {
    let mut builder = TestIndex::builder();
    for name in [
        "alpha",
        "shared",
        "linuxonly",
        "winonly",
        "gamma",
        "devlinux",
        "delta",
    ] {
        builder = builder.package(name, "1.0.0", PackageSpec::new());
    }
    builder.build()
}

fn served_project(index: &TestIndex) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"app\"\nversion = \"1\"\nrequires-python = \">=3.8\"\n\
         dependencies = [\"alpha\", \"shared\", \"linuxonly; sys_platform == 'linux'\", \"winonly; sys_platform == 'win32'\"]\n\
         [project.optional-dependencies]\nsocks = [\"delta\"]\n\
         [dependency-groups]\ndev = [\"gamma\", \"shared\", \"winonly\", \"devlinux; sys_platform == 'linux'\"]\n",
    )
    .unwrap();
    let project = read_project(dir.path()).unwrap();
    let lock = build_lock(
        &served_resolution(index),
        &LockInputs::from_project(&project, &index.url()),
    );
    std::fs::write(dir.path().join("pylock.toml"), lock.to_toml()).unwrap();
    dir
}

fn pip_install_requirements(dir: &Path, file: &str) -> Vec<String> {
    install(
        "pip",
        dir,
        &["--require-hashes", "--no-deps", "-r", file],
        false,
    )
}

#[test]
fn pip_installs_the_export_with_require_hashes() {
    assert_eq!(
        std::env::consts::OS,
        "linux",
        "the expected sets assume Linux"
    );
    let index = served_index();
    let dir = served_project(&index);
    let d = dir.path();
    assert_eq!(
        pinctl(d, &["export", "--prod", "-o", "requirements.txt"]).code,
        0
    );
    assert_eq!(
        pinctl(
            d,
            &["export", "--group", "dev", "-o", "requirements-dev.txt"]
        )
        .code,
        0
    );
    let text = std::fs::read_to_string(d.join("requirements.txt")).unwrap();
    assert!(
        text.contains(&format!("--index-url {}\n", index.url())),
        "{text}"
    );
    // The Windows-only package keeps its marker and every file's hash.
    let winonly = text
        .lines()
        .skip_while(|l| !l.starts_with("winonly=="))
        .take(3)
        .collect::<Vec<_>>();
    assert_eq!(winonly[0], "winonly==1.0.0 ; sys_platform == 'win32' \\");
    assert!(
        winonly[1].starts_with("    --hash=sha256:")
            && winonly[2].starts_with("    --hash=sha256:"),
        "{winonly:?}"
    );

    assert_eq!(pip_install_requirements(d, "requirements.txt"), SCOPED_PROD);
    assert_eq!(
        pip_install_requirements(d, "requirements-dev.txt"),
        SCOPED_PROD_DEV
    );
}

#[test]
fn pip_and_uv_install_the_lock_from_the_test_index() {
    let index = served_index();
    let dir = served_project(&index);
    let install = |tool: &str, args: &[&str]| install(tool, dir.path(), args, false);
    let (prod, prod_dev) = (SCOPED_PROD, SCOPED_PROD_DEV);
    assert_eq!(install("pip", &["-r", "pylock.toml"]), prod);
    assert_eq!(
        install("pip", &["-r", "pylock.toml", "--group", "pylock.toml:dev"]),
        prod_dev
    );
    assert_eq!(install("uv", &["-r", "pylock.toml"]), prod);
    assert_eq!(
        install("uv", &["-r", "pylock.toml", "--group", "dev"]),
        prod_dev
    );
}
