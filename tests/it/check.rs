//! `pinctl check` end to end: the real binary on files in a temp directory, every run
//! (exit code, stdout, stderr) snapshotted in snapshots/.

use std::process::Command;

use crate::common::cli::{pinctl, run};
use crate::common::snapshot;
use tempfile::TempDir;

/// A temp directory holding `files` (path, text).
fn dir(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `pinctl check ARGS...` run in `dir`.
fn check(dir: &TempDir, args: &[&str]) -> Command {
    let mut cmd = pinctl();
    cmd.current_dir(dir.path()).arg("check").args(args);
    cmd
}

fn exit_code(cmd: &mut Command) -> Option<i32> {
    cmd.output().unwrap().status.code()
}

/// One requirement per rule, and one that is fine.
const EVERY_RULE: &str = "\
pandas
requests>=2.31
foo==0.*
ruff>=0.4,<1
bar!=1.2.3
baz===1.0
qux @ https://example.com/qux-1.0.tar.gz
flask==3.0.3
";

const PEP621: &str = r#"[project]
name = "service"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = [
    "django>=4.2,<6",
    "requests>=2.31",
    "pandas",
]

[project.optional-dependencies]
s3 = ["boto3~=1.34"]

[dependency-groups]
test = ["pytest>=8,<9", "hypothesis"]
dev = [{include-group = "test"}, "ruff>=0.4"]
"#;

const POETRY: &str = r#"[tool.poetry]
name = "service"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.10"
fastapi = "^0.75.0"
pandas = "*"
uvicorn = { version = ">=0.17", extras = ["standard"] }
experimental = "0.*"
requests = ">=2.31"

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
"#;

#[test]
fn help() {
    snapshot!("check_pinctl_help", run(pinctl().arg("--help")));
    snapshot!("check_help", run(pinctl().args(["check", "--help"])));
    snapshot!("check_help_short", run(pinctl().args(["check", "-h"])));
}

#[test]
fn seed_unpinned_list() {
    let d = dir(&[("requirements.txt", "pandas\nnumpy\nscikit-learn\n")]);
    snapshot!(
        "check_seed_unpinned",
        run(&mut check(&d, &["requirements.txt"]))
    );
}

#[test]
fn pinned_passes() {
    let d = dir(&[("requirements.txt", "flask==3.0.3\n")]);
    snapshot!(
        "check_pinned_passes",
        run(&mut check(&d, &["requirements.txt"]))
    );
}

#[test]
fn lower_bound_only() {
    let d = dir(&[("requirements.txt", "requests>=2.31\n")]);
    snapshot!(
        "check_no_upper_bound",
        run(&mut check(&d, &["requirements.txt"]))
    );
}

#[test]
fn every_rule_every_format() {
    let d = dir(&[("requirements.txt", EVERY_RULE)]);
    snapshot!(
        "check_every_rule_human",
        run(&mut check(&d, &["requirements.txt"]))
    );
    snapshot!(
        "check_every_rule_json",
        run(&mut check(&d, &["requirements.txt", "--format", "json"]))
    );
    snapshot!(
        "check_every_rule_github",
        run(&mut check(&d, &["requirements.txt", "--format", "github"]))
    );
}

#[test]
fn json_is_valid_and_stable() {
    let d = dir(&[("requirements.txt", EVERY_RULE)]);
    let output = check(&d, &["requirements.txt", "--format", "json"])
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let lines: Vec<u64> = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(value["summary"]["errors"], 1);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn pyproject_pep621_default_project() {
    let d = dir(&[("pyproject.toml", PEP621)]);
    snapshot!("check_pep621", run(&mut check(&d, &[])));
    snapshot!(
        "check_pep621_json",
        run(&mut check(&d, &["--format", "json"]))
    );
    snapshot!(
        "check_pep621_github",
        run(&mut check(&d, &["--format", "github"]))
    );
}

#[test]
fn pyproject_directory_flag() {
    let d = dir(&[("svc/pyproject.toml", PEP621)]);
    let mut cmd = pinctl();
    cmd.current_dir(d.path()).args([
        "--directory",
        "svc",
        "check",
        "--allow",
        "no-upper-bound",
        "--allow",
        "zero-ver-range",
    ]);
    snapshot!("check_directory_flag", run(&mut cmd));
}

#[test]
fn pyproject_poetry() {
    let d = dir(&[("pyproject.toml", POETRY)]);
    snapshot!("check_poetry", run(&mut check(&d, &[])));
}

#[test]
fn levels_from_config() {
    let text =
        format!("{PEP621}\n[tool.pinctl.lint]\nunpinned = \"error\"\nno-upper-bound = \"allow\"\n");
    let d = dir(&[("pyproject.toml", &text)]);
    snapshot!("check_levels_config", run(&mut check(&d, &[])));
    // Flags win over the config.
    assert_eq!(exit_code(&mut check(&d, &["--warn", "unpinned"])), Some(0));
    assert_eq!(
        exit_code(&mut check(
            &d,
            &["--deny", "zero-ver-range", "--allow", "unpinned"]
        )),
        Some(1)
    );
    // A requirements file takes the levels of the project in the current directory.
    std::fs::write(d.path().join("requirements.txt"), "numpy\nscipy>=1\n").unwrap();
    snapshot!(
        "check_levels_config_requirements",
        run(&mut check(&d, &["requirements.txt"]))
    );
}

#[test]
fn levels_from_flags() {
    let d = dir(&[("requirements.txt", EVERY_RULE)]);
    assert_eq!(exit_code(&mut check(&d, &["requirements.txt"])), Some(1));
    snapshot!(
        "check_levels_flags",
        run(&mut check(
            &d,
            &[
                "requirements.txt",
                "--warn",
                "url-without-hash",
                "--deny",
                "unpinned",
                "--allow",
                "wildcard",
                "--allow",
                "not-equal-only",
            ]
        ))
    );
    assert_eq!(
        exit_code(&mut check(
            &d,
            &["requirements.txt", "--warn", "url-without-hash"]
        )),
        Some(0)
    );
    // --deny wins over --allow.
    assert_eq!(
        exit_code(&mut check(
            &d,
            &[
                "requirements.txt",
                "--allow",
                "url-without-hash",
                "--deny",
                "url-without-hash"
            ]
        )),
        Some(1)
    );
}

#[test]
fn quiet_shows_only_errors() {
    let d = dir(&[("requirements.txt", EVERY_RULE)]);
    snapshot!(
        "check_quiet",
        run(&mut check(&d, &["-q", "requirements.txt"]))
    );
}

#[test]
fn unknown_rule_flag() {
    let d = dir(&[("requirements.txt", "flask==3.0.3\n")]);
    snapshot!(
        "check_unknown_rule_flag",
        run(&mut check(&d, &["--deny", "unpined"]))
    );
}

#[test]
fn bad_lint_config() {
    let d = dir(&[(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.pinctl.lint]\nunpined = \"error\"\n",
    )]);
    snapshot!("check_config_unknown_rule", run(&mut check(&d, &[])));
    let d = dir(&[(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.pinctl.lint]\nunpinned = \"deny\"\n",
    )]);
    snapshot!("check_config_bad_level", run(&mut check(&d, &[])));
}

#[test]
fn missing_pyproject() {
    let d = dir(&[]);
    snapshot!("check_missing_pyproject", run(&mut check(&d, &[])));
    let mut cmd = pinctl();
    cmd.current_dir(d.path())
        .args(["--directory", "nowhere", "check"]);
    snapshot!("check_missing_pyproject_directory", run(&mut cmd));
    snapshot!(
        "check_missing_file",
        run(&mut check(&d, &["requirements.txt"]))
    );
}

#[test]
fn input_warnings_are_shown() {
    let text = "[project]\nname = \"x\"\ndependencies = [\"flask==3.0.3\"]\n\n[tool.poetry.dependencies]\npython = \"^3.10\"\nflask = \"*\"\n";
    let d = dir(&[("pyproject.toml", text)]);
    snapshot!("check_input_warning", run(&mut check(&d, &[])));
}

#[test]
fn malformed_pyprojects() {
    let cases = [
        ("check_broken_toml", "[project\nname = \"x\"\n"),
        (
            "check_bad_pep508",
            "[project]\nname = \"x\"\ndependencies = [\"requests>=2.31\", \"foo ^1.2\"]\n",
        ),
        (
            "check_bad_poetry_constraint",
            "[tool.poetry.dependencies]\npython = \"^3.10\"\nfoo = \"^1.x\"\n",
        ),
        (
            "check_unknown_include_group",
            "[project]\nname = \"x\"\n\n[dependency-groups]\ndev = [{include-group = \"test\"}]\n",
        ),
        (
            "check_include_cycle",
            "[project]\nname = \"x\"\n\n[dependency-groups]\ndev = [{include-group = \"test\"}, \"ruff>=0.4\"]\ntest = [{include-group = \"dev\"}]\n",
        ),
    ];
    for (name, text) in cases {
        let d = dir(&[("pyproject.toml", text)]);
        snapshot!(name, run(&mut check(&d, &[])));
    }
}

#[test]
fn corpus_projects() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/corpus");
    for name in ["bottle", "seed-poetry", "webapp"] {
        let mut cmd = pinctl();
        cmd.current_dir(corpus)
            .args(["check", &format!("{name}/pyproject.toml")]);
        snapshot!(format!("check_corpus_{name}"), run(&mut cmd));
    }
}

#[test]
fn requirements_includes_and_several_files() {
    let d = dir(&[
        ("requirements.txt", "-r base.txt\nflask>=3\n"),
        (
            "base.txt",
            "# shared pins\nnumpy\nqux @ https://example.com/qux-1.0.tar.gz \\\n    --hash=sha256:abcd\n",
        ),
        ("pyproject.toml", PEP621),
    ]);
    snapshot!(
        "check_requirements_includes",
        run(&mut check(
            &d,
            &["requirements.txt", "base.txt", "pyproject.toml"]
        ))
    );
}

#[test]
fn malformed_requirements() {
    let d = dir(&[
        ("a.txt", "-r b.txt\nflask\n"),
        ("b.txt", "-r a.txt\nrequests>=2\n"),
        ("bad.txt", "flask==3.0.3\nfoo ^1.2\n"),
    ]);
    snapshot!("check_requirements_cycle", run(&mut check(&d, &["a.txt"])));
    snapshot!(
        "check_requirements_bad_pep508",
        run(&mut check(&d, &["bad.txt"]))
    );
}

#[test]
fn docs_rules_table_is_current() {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/check.md")).unwrap();
    let table = pinctl::lint::rules_markdown();
    assert!(
        docs.contains(&table),
        "docs/check.md is stale; its rules table must be:\n{table}"
    );
}

#[test]
fn example_projects() {
    let root = env!("CARGO_MANIFEST_DIR");
    for name in ["service", "service-poetry", "loose"] {
        let mut cmd = pinctl();
        cmd.current_dir(root)
            .args(["--directory", &format!("examples/{name}"), "check"]);
        snapshot!(format!("check_example_{name}"), run(&mut cmd));
    }
    let mut cmd = pinctl();
    cmd.current_dir(root).args([
        "check",
        "examples/loose/requirements.txt",
        "--format",
        "github",
    ]);
    snapshot!("check_example_loose_requirements_github", run(&mut cmd));
}

#[test]
fn stale_lock_is_an_error_finding() {
    let pyproject = "[project]\nname = \"svc\"\nversion = \"0\"\nrequires-python = \">=3.10\"\ndependencies = [\"rich>=13,<14\"]\n";
    let lock = "lock-version = \"1.0\"\nrequires-python = \">=3.10\"\ncreated-by = \"pinctl\"\npackages = []\n\n[tool.pinctl]\nfingerprint = \"0\"\nindex-url = \"https://pypi.org/simple\"\ndependencies = [\"rich>=12,<13\"]\n";
    let d = dir(&[("pyproject.toml", pyproject), ("pylock.toml", lock)]);
    snapshot!("check_stale_lock", run(&mut check(&d, &[])));
    assert_eq!(
        exit_code(&mut check(&d, &["--warn", "stale-lock"])),
        Some(0)
    );
}
