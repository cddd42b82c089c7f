//! Trusting the lock: `lock --check`, `check`, `export` and `outdated` verify, without
//! the network, that pylock.toml satisfies the project (every requirement of every scope
//! locked at an allowed version, every locked dependency present) and is what
//! `pinctl lock` wrote, and all four report a lock that is not with the same words and
//! exit code 1. A real lock from the in-process test index, then edited as a bad merge or
//! a hand edit would.

use std::path::Path;

use crate::common::cli::Output;
use crate::common::server::{PackageSpec, TestIndex};
use crate::common::snapshot;

/// Production `webframe` (which needs `routes`) and `modern` (forked on Python: 2.0.0
/// needs 3.11), Windows-only `tzdata`, a `fast` extra and a `dev` group.
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
dev = ["testkit>=8,<9"]
"#;

fn index() -> TestIndex {
    TestIndex::builder()
        .package(
            "webframe",
            "1.1.0",
            PackageSpec::new().requires(["routes>=2.1,<3"]),
        )
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
            PackageSpec::new().requires(["plugkit>=1"]),
        )
        .package("plugkit", "1.5.0", PackageSpec::new())
        .build()
}

/// A project locked against its own index, in a temp directory.
struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
    index: TestIndex,
}

impl Project {
    fn locked(pyproject: &str, index: TestIndex) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
        let project = Self {
            dir,
            cache: tempfile::tempdir().unwrap(),
            index,
        };
        let out = project.run(&["lock"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        project.index.reset_counters();
        project
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn lock_text(&self) -> String {
        std::fs::read_to_string(self.path().join("pylock.toml")).unwrap()
    }

    /// `pinctl ARGS`; `lock` and `outdated` get the project's index and cache.
    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = crate::common::cli::pinctl();
        cmd.args(args).current_dir(self.path());
        if matches!(args[0], "lock" | "outdated") {
            cmd.args(["--no-progress", "--index-url", &self.index.url()])
                .arg("--cache-dir")
                .arg(self.cache.path());
        }
        let out = Output::of(
            &mut cmd,
            &[self.path().to_path_buf(), self.cache.path().to_path_buf()],
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        out
    }

    /// Removes the `[[packages]]` entry of `name` `version`, as a bad merge would.
    fn delete_package(&self, name: &str, version: &str) {
        let text = self.lock_text();
        let head = format!("[[packages]]\nname = \"{name}\"\nversion = \"{version}\"\n");
        let start = text
            .find(&head)
            .unwrap_or_else(|| panic!("no {name} {version}"));
        let rest = &text[start + head.len()..];
        let end = start
            + head.len()
            + ["\n[[packages]]\n", "\n[tool.pinctl]\n"]
                .iter()
                .filter_map(|next| rest.find(next))
                .min()
                .unwrap()
            + 1;
        self.write_lock(&format!("{}{}", &text[..start], &text[end..]));
    }

    fn edit_lock(&self, from: &str, to: &str) {
        let text = self.lock_text();
        assert!(text.contains(from), "`{from}` is not in pylock.toml");
        self.write_lock(&text.replacen(from, to, 1));
    }

    fn write_lock(&self, text: &str) {
        std::fs::write(self.path().join("pylock.toml"), text).unwrap();
    }

    /// Runs the four commands that read the lock; each must fail the check (exit 1)
    /// with the same message, and none may touch the network. Returns the message.
    fn every_command_refuses(&self) -> String {
        let check_lock = self.run(&["lock", "--check"]);
        let lint = self.run(&["check"]);
        let export = self.run(&["export", "--prod"]);
        let outdated = self.run(&["outdated", "--exit-code"]);
        let message = check_lock
            .stderr
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("error: "))
            .unwrap_or_else(|| panic!("{}", check_lock.stderr))
            .to_owned();
        for (command, out) in [
            ("lock --check", &check_lock),
            ("check", &lint),
            ("export", &export),
            ("outdated", &outdated),
        ] {
            assert_eq!(out.code, 1, "`{command}`: {}", out.render());
            assert!(
                out.stderr.contains(&message),
                "`{command}` says something else:\n{}\n---\n{message}",
                out.stderr
            );
            assert!(
                out.stderr.contains("run `pinctl lock`"),
                "`{command}`: {}",
                out.stderr
            );
        }
        assert!(
            lint.stderr
                .starts_with(&format!("error[stale-lock]: {message}\n")),
            "{}",
            lint.stderr
        );
        assert_eq!(export.stdout, "", "a refused export printed data");
        assert_eq!(outdated.stdout, "", "a refused outdated printed a report");
        assert_eq!(
            self.index.request_log(),
            Vec::<String>::new(),
            "the check used the network"
        );
        message
    }
}

#[test]
fn a_fresh_lock_passes_every_check() {
    let project = Project::locked(PYPROJECT, index());
    for args in [
        &["lock", "--check"][..],
        &["check"],
        &["export", "--all-groups", "--all-extras"],
        &["outdated", "--exit-code"],
    ] {
        let out = project.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.render());
    }
}

#[test]
fn a_lock_missing_a_direct_dependency_fails_every_check() {
    let project = Project::locked(PYPROJECT, index());
    project.delete_package("webframe", "1.1.0");
    let message = project.every_command_refuses();
    assert_eq!(
        message,
        "`pylock.toml` is out of date with pyproject.toml: `webframe>=1.0,<2` of the \
         production dependencies (pyproject.toml:6) is not locked; its content was changed \
         since `pinctl lock` wrote it (by hand or by a merge: it no longer matches its \
         `content-digest`)"
    );
    snapshot!(
        "lock_trust_missing_direct",
        project.run(&["lock", "--check"]).render()
    );
    // The dependency of a package the lock still holds is caught the same way.
    let project = Project::locked(PYPROJECT, index());
    project.delete_package("routes", "2.1.0");
    let message = project.every_command_refuses();
    assert!(
        message.contains(
            "`pylock.toml` is out of date with pyproject.toml: `webframe 1.1.0` depends on \
             `routes 2.1.0`, which is not locked; "
        ),
        "{message}"
    );
    // So is a group's requirement.
    let project = Project::locked(PYPROJECT, index());
    project.delete_package("testkit", "8.1.0");
    let message = project.every_command_refuses();
    assert!(
        message.contains("`testkit>=8,<9` of group `dev` (pyproject.toml:15) is not locked"),
        "{message}"
    );
}

#[test]
fn a_missing_fork_is_named_with_the_environments_it_covered() {
    let project = Project::locked(PYPROJECT, index());
    assert!(
        project
            .lock_text()
            .contains("name = \"modern\"\nversion = \"2.0.0\"")
    );
    project.delete_package("modern", "2.0.0");
    let message = project.every_command_refuses();
    assert!(
        message.contains(
            "`modern>=1,<3` of the production dependencies (pyproject.toml:7) is not locked \
             where `python_full_version >= '3.11'`"
        ),
        "{message}"
    );
}

#[test]
fn a_locked_version_the_requirement_does_not_allow_fails_every_check() {
    let project = Project::locked(PYPROJECT, index());
    project.edit_lock(
        "name = \"webframe\"\nversion = \"1.1.0\"",
        "name = \"webframe\"\nversion = \"2.0.0\"",
    );
    let message = project.every_command_refuses();
    assert!(
        message.contains(
            "`webframe>=1.0,<2` of the production dependencies (pyproject.toml:6) is locked \
             at `webframe 2.0.0`, which it does not allow"
        ),
        "{message}"
    );
}

#[test]
fn an_edit_only_the_digest_sees_fails_every_check() {
    // A version that satisfies the requirement but does not exist.
    let project = Project::locked(PYPROJECT, index());
    project.edit_lock(
        "name = \"webframe\"\nversion = \"1.1.0\"",
        "name = \"webframe\"\nversion = \"1.9.0\"",
    );
    let message = project.every_command_refuses();
    assert_eq!(
        message,
        "`pylock.toml` is out of date with pyproject.toml: its content was changed since \
         `pinctl lock` wrote it (by hand or by a merge: it no longer matches its \
         `content-digest`)"
    );
    // A hash pip would check, and a marker pip would follow.
    let project = Project::locked(PYPROJECT, index());
    let text = project.lock_text();
    let at = text.find("sha256 = \"").unwrap() + "sha256 = \"".len();
    let old = &text[at..at + 64];
    project.edit_lock(old, &"0".repeat(64));
    assert_eq!(project.every_command_refuses(), message);
    let project = Project::locked(PYPROJECT, index());
    project.edit_lock(
        "marker = \"sys_platform == 'win32'\"",
        "marker = \"sys_platform == 'linux'\"",
    );
    assert_eq!(project.every_command_refuses(), message);
    // A package appended after `[tool.pinctl]`, where TOML still allows it.
    let project = Project::locked(PYPROJECT, index());
    let text = project.lock_text();
    let start = text.find("[[packages]]\nname = \"routes\"").unwrap();
    let end = text[start..].find("\n[[packages]]").unwrap() + start + 1;
    let routes = text[start..end].replace("2.1.0", "2.2.0");
    project.write_lock(&format!("{text}\n{routes}"));
    assert_eq!(project.every_command_refuses(), message);
    // A Git checkout with CRLF line endings is the same lock.
    let project = Project::locked(PYPROJECT, index());
    project.write_lock(&project.lock_text().replace('\n', "\r\n"));
    let out = project.run(&["lock", "--check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn export_frozen_still_refuses_a_changed_lock() {
    let project = Project::locked(PYPROJECT, index());
    project.delete_package("routes", "2.1.0");
    let out = project.run(&["export", "--frozen"]);
    assert_eq!(out.code, 1, "{}", out.render());
    assert_eq!(
        out.stderr,
        "error: `pylock.toml` was changed since `pinctl lock` wrote it: `webframe 1.1.0` \
         depends on `routes 2.1.0`, which is not locked; its content was changed since \
         `pinctl lock` wrote it (by hand or by a merge: it no longer matches its \
         `content-digest`)\nhint: run `pinctl lock` and commit the result\n"
    );
    // Out of date with pyproject.toml only: `--frozen` exports it as it is.
    let project = Project::locked(PYPROJECT, index());
    std::fs::write(
        project.path().join("pyproject.toml"),
        PYPROJECT.replace("\"testkit>=8,<9\"", "\"testkit>=8,<9\", \"plugkit>=1\""),
    )
    .unwrap();
    let stale = project.run(&["export"]);
    assert_eq!(stale.code, 1, "{}", stale.render());
    assert!(
        stale.stderr.ends_with(
            "hint: run `pinctl lock` and commit the result, or pass `--frozen` to export the \
             lock as it is\n"
        ),
        "{}",
        stale.stderr
    );
    let frozen = project.run(&["export", "--frozen", "--no-hashes", "--no-header"]);
    assert_eq!(frozen.code, 0, "{}", frozen.stderr);
    assert!(
        frozen.stdout.contains("webframe==1.1.0\n"),
        "{}",
        frozen.stdout
    );
}

#[test]
fn export_of_an_empty_production_set_warns_and_names_the_groups() {
    let pyproject = r#"[project]
name = "tools"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = []

[project.optional-dependencies]
fast = ["fastjson>=1,<2"]

[dependency-groups]
dev = ["testkit>=8,<9"]
test = ["routes>=2,<3"]
"#;
    let project = Project::locked(pyproject, index());
    let out = project.run(&["export", "--prod"]);
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(
        out.stdout,
        "# This file was generated by pinctl: pinctl export --prod\n--index-url ".to_owned()
            + &project.index.url()
            + "\n"
    );
    snapshot!(
        "lock_trust_export_empty_production",
        out.render().replace(&project.index.url(), "[INDEX]")
    );
    // A selection that holds packages says nothing.
    let dev = project.run(&["export", "--group", "dev"]);
    assert_eq!(dev.code, 0);
    assert_eq!(dev.stderr, "");
    // Nor does a project whose lock is empty: there is nothing to point at.
    let empty = Project::locked(
        "[project]\nname = \"bare\"\nversion = \"0\"\ndependencies = []\n",
        index(),
    );
    let out = empty.run(&["export"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}
