//! Reading requirements files: comments, continuations, options, hashes, includes.

use std::path::Path;

use crate::common::snapshot;
use pinctl::project::ProjectError;
use pinctl::project::requirements_txt::{self, RequirementsFile};

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn read(dir: &Path, name: &str) -> Result<RequirementsFile, ProjectError> {
    requirements_txt::read(&dir.join(name))
}

fn line_col(dep: &pinctl::project::Dependency) -> (usize, usize) {
    let lc = dep.file.line_col(dep.span.start);
    (lc.line, lc.column)
}

#[test]
fn comments_continuations_markers_and_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\
# a comment
--index-url https://pypi.example/simple
-i https://other.example/simple
--extra-index-url=https://extra.example/simple
--pre

requests==2.31.0 \\
    --hash=sha256:942c5a758f98d790eaed1a29cb6eefc7ffb0d1cf7af05c3d2791656dbd6ad1e1 \\
    --hash sha256:58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f
flask >=3.0,<3.1  # web
pywin32==306 ; sys_platform == 'win32'
pkg @ https://example.com/pkg-1.0-py3-none-any.whl#sha256=abc
  numpy\\
>=1.26
";
    write(dir.path(), "requirements.txt", text);
    let r = read(dir.path(), "requirements.txt").unwrap();
    let names: Vec<String> = r
        .dependencies
        .iter()
        .map(|d| d.requirement.to_string())
        .collect();
    assert_eq!(
        names,
        [
            "requests==2.31.0",
            "flask>=3.0,<3.1",
            "pywin32==306 ; sys_platform == 'win32'",
            "pkg @ https://example.com/pkg-1.0-py3-none-any.whl#sha256=abc",
            "numpy>=1.26"
        ]
    );
    let requests = &r.dependencies[0];
    assert_eq!(line_col(requests), (7, 1));
    assert_eq!(requests.file.slice(requests.span), "requests==2.31.0");
    assert_eq!(requests.hashes.len(), 2);
    assert!(requests.hashes[0].starts_with("sha256:942c5a"));
    let flask = &r.dependencies[1];
    assert_eq!(
        flask.file.slice(flask.specifier_span.unwrap()),
        ">=3.0,<3.1"
    );
    // A requirement continued over two lines starts where it is written.
    let numpy = &r.dependencies[4];
    assert_eq!(line_col(numpy), (13, 3));
    let spec = numpy.specifier_span.unwrap();
    let lc = numpy.file.line_col(spec.start);
    assert_eq!((lc.line, lc.column), (14, 1));
    let options: Vec<(String, Option<String>)> = r
        .options
        .iter()
        .map(|o| (o.name.clone(), o.value.clone()))
        .collect();
    assert_eq!(
        options,
        [
            (
                "--index-url".to_string(),
                Some("https://pypi.example/simple".to_string())
            ),
            (
                "--index-url".to_string(),
                Some("https://other.example/simple".to_string())
            ),
            (
                "--extra-index-url".to_string(),
                Some("https://extra.example/simple".to_string())
            ),
            ("--pre".to_string(), None),
        ]
    );
}

#[test]
fn includes_and_constraints() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "-r sub/base.txt\n-c constraints.txt\nflask\n",
    );
    write(
        dir.path(),
        "sub/base.txt",
        "requests>=2.31\n-r ../common.txt\n",
    );
    write(dir.path(), "common.txt", "idna\n");
    write(dir.path(), "constraints.txt", "urllib3<3\n");
    let r = read(dir.path(), "requirements.txt").unwrap();
    let names: Vec<&str> = r
        .dependencies
        .iter()
        .map(|d| d.requirement.name.as_ref())
        .collect();
    assert_eq!(names, ["requests", "idna", "flask"]);
    assert!(r.dependencies[0].file.path.ends_with("sub/base.txt"));
    assert_eq!(r.constraints.len(), 1);
    assert_eq!(r.constraints[0].requirement.to_string(), "urllib3<3");
    assert_eq!(r.files.len(), 4);
}

#[test]
fn include_cycle_is_an_error_at_the_closing_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "flask\n-r b.txt\n");
    write(dir.path(), "b.txt", "requests\n-r a.txt\n");
    let err = read(dir.path(), "a.txt").unwrap_err();
    let e = err.input_error().unwrap();
    assert_eq!(
        e.message,
        "requirements files include each other: a.txt -> b.txt -> a.txt"
    );
    assert!(e.file.path.ends_with("b.txt"));
    assert_eq!(e.location().rsplit_once("b.txt").unwrap().1, ":2:4");
}

#[test]
fn missing_include_names_the_path_and_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "flask\n--requirement=missing.txt\n",
    );
    let err = read(dir.path(), "requirements.txt").unwrap_err();
    let e = err.input_error().unwrap();
    assert!(
        e.message.starts_with("the requirements file `"),
        "{}",
        e.message
    );
    assert!(
        e.message.ends_with("missing.txt` does not exist"),
        "{}",
        e.message
    );
    assert!(e.message.contains("missing.txt"));
    assert_eq!(e.file.slice(e.span), "missing.txt");
    assert_eq!(e.file.line_col(e.span.start).line, 2);
}

#[test]
fn unnamed_requirements_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "-e .\n./vendor/pkg\nhttps://example.com/pkg-1.0.tar.gz\nname @ https://example.com/name-1.0.tar.gz\n",
    );
    let r = read(dir.path(), "requirements.txt").unwrap();
    let unnamed: Vec<(&str, bool)> = r
        .unnamed
        .iter()
        .map(|u| (u.text.as_str(), u.editable))
        .collect();
    assert_eq!(
        unnamed,
        [
            (".", true),
            ("./vendor/pkg", false),
            ("https://example.com/pkg-1.0.tar.gz", false)
        ]
    );
    assert_eq!(r.dependencies.len(), 1);
    let dep = &r.dependencies[0];
    assert_eq!(
        dep.file.slice(dep.specifier_span.unwrap()),
        "https://example.com/name-1.0.tar.gz"
    );
}

#[test]
fn errors_point_into_the_physical_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "requirements.txt",
        "flask\nrequests \\\n  ^2.31\n",
    );
    let err = read(dir.path(), "requirements.txt").unwrap_err();
    let e = err.input_error().unwrap();
    let snippet = e.file.snippet(e.span);
    assert!(snippet.ends_with("3 |   ^2.31\n  |   ^"), "{snippet}");
    assert_eq!(
        e.hint.as_deref(),
        Some(
            "`^` is Poetry syntax; PEP 440 spells `^2.31` as `>=2.31,<3.0`: write `requests>=2.31,<3.0`"
        )
    );

    write(dir.path(), "bad.txt", "--frobnicate\n");
    let e = read(dir.path(), "bad.txt").unwrap_err();
    assert_eq!(
        e.input_error().unwrap().message,
        "unknown option `--frobnicate` in a requirements file"
    );

    write(dir.path(), "hash.txt", "flask==3.0.3 --hash=md5\n");
    let e = read(dir.path(), "hash.txt").unwrap_err();
    let e = e.input_error().unwrap();
    assert_eq!(e.message, "invalid hash `md5`");
    assert_eq!(e.file.slice(e.span), "md5");

    write(dir.path(), "c.txt", "-c c2.txt\n");
    write(dir.path(), "c2.txt", "./local\n");
    let e = read(dir.path(), "c.txt").unwrap_err();
    assert_eq!(
        e.input_error().unwrap().message,
        "`./local` in a constraints file names no package"
    );
}

#[test]
fn missing_top_level_file_is_an_io_error_with_the_path() {
    let err = requirements_txt::read(Path::new("/nonexistent/requirements.txt")).unwrap_err();
    assert!(matches!(err, ProjectError::Io { .. }));
    assert_eq!(
        err.to_string(),
        "failed to read `/nonexistent/requirements.txt`"
    );
}

#[test]
fn pip_compile_output_with_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let text = "#\r\n# This file is autogenerated by pip-compile\r\n#\r\n--index-url https://pypi.org/simple\r\n\r\ncertifi==2024.8.30 \\\r\n    --hash=sha256:922820b53db7a7257ffbda3f597266d435245903d80737e34f8a45ff3e3230d8\r\n    # via requests\r\nidna==3.10 \\\r\n    --hash=sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3\r\n    # via requests\r\n";
    write(dir.path(), "requirements.txt", text);
    let r = read(dir.path(), "requirements.txt").unwrap();
    let names: Vec<String> = r
        .dependencies
        .iter()
        .map(|d| d.requirement.to_string())
        .collect();
    assert_eq!(names, ["certifi==2024.8.30", "idna==3.10"]);
    assert!(r.dependencies.iter().all(|d| d.hashes.len() == 1));
    let idna = &r.dependencies[1];
    assert_eq!(line_col(idna), (9, 1));
    assert_eq!(idna.file.slice(idna.span), "idna==3.10");
    assert_eq!(idna.file.slice(idna.specifier_span.unwrap()), "==3.10");
}

#[test]
fn requirements_errors_snapshot() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("poetry caret", "flask^3.0\n"),
        ("continued requirement", "requests \\\n    ~=2\n"),
        ("bad marker", "pywin32==306 ; sys_platform = 'win32'\n"),
        ("unknown option", "--frobnicate\n"),
        ("option without value", "--index-url\n"),
        ("bad hash", "flask==3.0.3 \\\n    --hash=sha256:not-hex\n"),
        ("unknown per-requirement option", "flask==3.0.3 --no-deps\n"),
        ("missing include", "-r base.txt\n"),
        ("URL include", "-r https://example.com/requirements.txt\n"),
        ("unnamed constraint", "-c constraints.txt\n"),
    ];
    write(dir.path(), "constraints.txt", "./local-pkg\n");
    let mut out = String::new();
    for (title, text) in cases {
        write(dir.path(), "requirements.txt", text);
        let err = read(dir.path(), "requirements.txt").unwrap_err();
        let e = err.input_error().unwrap();
        let mut snippet = e.file.snippet(e.span);
        let dir_text = dir.path().display().to_string();
        snippet = snippet.replace(&dir_text, "[TEMP]");
        let message = e.message.replace(&dir_text, "[TEMP]");
        let _ = writeln!(out, "=== {title}\nerror: {message}\n{snippet}");
        if let Some(hint) = &e.hint {
            let _ = writeln!(out, "hint: {}", hint.replace(&dir_text, "[TEMP]"));
        }
        out.push('\n');
    }
    snapshot!("project_requirements_errors", out);
}
