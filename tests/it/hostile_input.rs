//! Hostile input (issue 13): deep and diamond-shaped `include-group` webs, a one-line
//! array of thousands of findings, credentials in every form an index URL can take,
//! and a `==` pin on a yanked release. The real binary, against the in-process index.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;

use crate::common::cli::pinctl;
use crate::common::server::{Fault, PackageSpec, TestIndex};

fn project(pyproject: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs_err::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
    dir
}

fn header(deps: &str) -> String {
    format!(
        "[project]\nname = \"demo\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\ndependencies = [{deps}]\n"
    )
}

fn check(dir: &Path) -> Output {
    pinctl()
        .current_dir(dir)
        .args(["check", "--no-progress"])
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_include_group_chain_thousands_deep_is_read_without_overflowing_the_stack() {
    let mut text = header("");
    text.push_str("[dependency-groups]\n");
    // 8000 overflowed a debug build, 30000 a release build.
    let n = 30_000;
    for i in 0..n - 1 {
        let _ = writeln!(text, "g{i} = [{{include-group = \"g{}\"}}]", i + 1);
    }
    let _ = writeln!(text, "g{} = [\"deepest>=1,<2\"]", n - 1);
    let dir = project(&text);
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_diamond_of_include_groups_takes_linear_time_and_a_quadratic_web_is_refused() {
    // 2^40 include paths from g0 to g40.
    let mut text = header("");
    text.push_str("[dependency-groups]\n");
    for i in 0..40 {
        let next = i + 1;
        let _ = write!(
            text,
            "g{i} = [{{include-group = \"a{i}\"}}, {{include-group = \"b{i}\"}}]\n\
             a{i} = [{{include-group = \"g{next}\"}}]\nb{i} = [{{include-group = \"g{next}\"}}]\n"
        );
    }
    text.push_str("g40 = [\"deepest>=1,<2\"]\n");
    let dir = project(&text);
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // Each of 8000 groups adds an entry and includes the next: 32 million entries.
    let mut text = header("");
    text.push_str("[dependency-groups]\n");
    for i in 0..7999 {
        let _ = writeln!(
            text,
            "g{i} = [\"p{i}>=1,<2\", {{include-group = \"g{}\"}}]",
            i + 1
        );
    }
    text.push_str("g7999 = [\"last>=1,<2\"]\n");
    let dir = project(&text);
    let out = check(dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: the dependency groups expand to more than 100000 requirements through `include-group`"
        ) && err.contains("pyproject.toml:6:2"),
        "{err}"
    );
}

#[test]
fn lint_output_is_linear_in_a_one_line_array_of_thousands_of_entries() {
    let n = 4000;
    let deps: Vec<String> = (0..n).map(|i| format!("\"pkg{i}\"")).collect();
    let dir = project(&header(&deps.join(", ")));
    let out = check(dir.path());
    let err = stderr(&out);
    assert_eq!(
        err.matches("warning[unpinned]").count(),
        n,
        "{}",
        &err[..500]
    );
    // Each finding quotes a window of the line, not the whole 43 kB line: before, the
    // output was 4000 x 43 kB = 172 MB.
    assert!(err.len() < n * 400, "{} bytes of stderr", err.len());
    let quoted = err
        .lines()
        .find(|l| l.starts_with("5 | ") && l.contains("\"pkg2000\""))
        .unwrap();
    assert!(
        quoted.starts_with("5 | ...") && quoted.ends_with("..."),
        "{quoted}"
    );
    assert!(quoted.chars().count() < 120, "{quoted}");
}

fn index() -> TestIndex {
    TestIndex::builder()
        .package("app", "1.0", PackageSpec::new().requires(["idna>=1"]))
        .package("app", "1.1", PackageSpec::new().requires(["idna>=1"]))
        .package("idna", "1.0", PackageSpec::new())
        .package("oldpin", "1.0", PackageSpec::new())
        .package(
            "oldpin",
            "2.0",
            PackageSpec::new().yanked(Some("broken \x1b[31mbuild")),
        )
        .package("oldpin", "3.0", PackageSpec::new())
        .build()
}

/// Every form of a password or token in an index URL, and the forms of it that must
/// never be printed or written: as written and percent-decoded.
const FORMS: &[(&str, &[&str])] = &[
    ("alice:s3cretpw@", &["s3cretpw"]),
    ("alice:s3cret%21pw@", &["s3cret%21pw", "s3cret!pw"]),
    ("t0kenvalue@", &["t0kenvalue"]),
    (
        "%5F_token__:pypi-AgEIcHlwaS5vcmc@",
        &["pypi-AgEIcHlwaS5vcmc"],
    ),
];

fn assert_hidden(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows `{secret}`:\n{text}");
    }
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn credentials_never_show_in_stderr_stdout_the_lock_or_an_export() {
    let index = index();
    for (userinfo, secrets) in FORMS {
        let url = index
            .url()
            .replace("http://", &format!("http://{userinfo}"));
        let dir = project(&header("\"app>=1,<2\""));
        let cache = dir.path().join(".cache");
        let run = |args: &[&str]| {
            pinctl()
                .current_dir(dir.path())
                .env("PINCTL_CACHE_DIR", &cache)
                .args(args)
                .output()
                .unwrap()
        };
        let out = run(&["-vv", "lock", "--no-progress", "--index-url", &url]);
        assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
        assert!(stderr(&out).contains("***@127.0.0.1"), "{}", stderr(&out));
        assert_hidden("lock -vv", &all_output(&out), secrets);
        let lock = fs_err::read_to_string(dir.path().join("pylock.toml")).unwrap();
        assert_hidden("pylock.toml", &lock, secrets);
        assert!(lock.contains(&format!(
            "index-url = \"{}\"",
            index.url().trim_end_matches('/')
        )));

        let out = run(&["-vv", "export", "--prod"]);
        assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
        assert_hidden("export", &all_output(&out), secrets);
        let out = run(&["export", "--prod", "-o", "requirements.txt"]);
        assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
        let exported = fs_err::read_to_string(dir.path().join("requirements.txt")).unwrap();
        assert!(exported.contains("app==1.1"), "{exported}");
        assert_hidden("requirements.txt", &exported, secrets);

        for format in ["table", "json"] {
            let out = run(&["-vv", "outdated", "--format", format, "--index-url", &url]);
            assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
            assert_hidden("outdated", &all_output(&out), secrets);
        }
        let out = run(&["-vv", "check"]);
        assert_hidden("check", &all_output(&out), secrets);

        // The same URL from `[tool.pinctl]`, shown with its origin under -vv.
        fs_err::write(
            dir.path().join("pyproject.toml"),
            format!(
                "{}[tool.pinctl]\nindex-url = \"{url}\"\n",
                header("\"app>=1,<2\"")
            ),
        )
        .unwrap();
        let out = run(&["-vv", "lock", "--no-progress", "--upgrade"]);
        assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
        assert!(
            stderr(&out).contains("(from pyproject.toml"),
            "{}",
            stderr(&out)
        );
        assert_hidden("lock from [tool.pinctl]", &all_output(&out), secrets);
    }
}

#[test]
fn credentials_never_show_in_errors_even_when_the_url_is_not_a_valid_one() {
    let index = index();
    index.fault("/simple/app/", Fault::Status(500));
    for (userinfo, secrets) in FORMS {
        let dir = project(&header("\"app>=1,<2\""));
        let run = |url: &str| {
            pinctl()
                .current_dir(dir.path())
                .env("PINCTL_CACHE_DIR", dir.path().join(".cache"))
                .args(["-vv", "lock", "--no-progress", "--index-url", url])
                .output()
                .unwrap()
        };
        // An error chain from a failing index, with every retry logged under -vv.
        let url = index
            .url()
            .replace("http://", &format!("http://{userinfo}"));
        let out = run(&url);
        assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
        assert!(stderr(&out).contains("500"), "{}", stderr(&out));
        assert_hidden("an index error", &all_output(&out), secrets);

        // Scheme-less: `url` reads `alice:` as a scheme.
        let url = index.url().replace("http://", userinfo);
        let out = run(&url);
        assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
        assert!(
            stderr(&out).contains("write it as `https://***@127.0.0.1"),
            "{}",
            stderr(&out)
        );
        assert_hidden("a scheme-less URL", &all_output(&out), secrets);

        // Not a URL at all.
        let url = format!("https://{userinfo}[::1/simple");
        let out = run(&url);
        assert_eq!(out.status.code(), Some(2), "{}", all_output(&out));
        assert_hidden("an invalid URL", &all_output(&out), secrets);
    }
}

#[test]
fn a_pin_on_a_yanked_release_is_locked_with_a_warning_giving_the_reason() {
    let index = index();
    let dir = project(&header("\"oldpin==2.0\""));
    let out = pinctl()
        .current_dir(dir.path())
        .env("PINCTL_CACHE_DIR", dir.path().join(".cache"))
        .args(["lock", "--no-progress", "--index-url", &index.url()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "warning: `oldpin==2.0` is yanked (reason: \"broken  [31mbuild\"); it is locked only because it is pinned with `==`: pin a release that is not yanked"
        ),
        "{}",
        stderr(&out)
    );
    let lock = fs_err::read_to_string(dir.path().join("pylock.toml")).unwrap();
    assert!(
        lock.contains("name = \"oldpin\"\nversion = \"2.0\""),
        "{lock}"
    );

    // A range never picks the yanked release, so nothing to warn about.
    fs_err::write(
        dir.path().join("pyproject.toml"),
        header("\"oldpin>=1,<3\""),
    )
    .unwrap();
    let out = pinctl()
        .current_dir(dir.path())
        .env("PINCTL_CACHE_DIR", dir.path().join(".cache"))
        .args(["lock", "--no-progress", "--index-url", &index.url()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("yanked"), "{}", stderr(&out));
}
