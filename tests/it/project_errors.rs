//! The input errors users read, rendered (message, snippet, hint) into one snapshot.

use std::fmt::Write as _;

use crate::common::snapshot;
use pinctl::project::parse_pyproject;
use pinctl::source::SourceFile;

const CASES: &[(&str, &str)] = &[
    ("broken TOML", "[project\nname = \"x\"\n"),
    (
        "integer in dependencies",
        "[project]\ndependencies = [\n    \"flask>=3,<4\",\n    42,\n]\n",
    ),
    (
        "dependencies not an array",
        "[project]\ndependencies = \"flask\"\n",
    ),
    (
        "caret in PEP 621",
        "[project]\ndependencies = [\n    \"fastapi ^0.115.2\",\n]\n",
    ),
    (
        "tilde in PEP 621 with a marker",
        "[project]\ndependencies = [\"attrs~23.2; python_version >= '3.10'\"]\n",
    ),
    (
        "bare version",
        "[project]\ndependencies = [\"requests 2.31.0\"]\n",
    ),
    (
        "bad marker",
        "[project]\ndependencies = [\"requests>=2; python_version >= \"]\n",
    ),
    (
        "bad requires-python",
        "[project]\nrequires-python = \"^3.10\"\n",
    ),
    (
        "unknown include-group",
        "[dependency-groups]\ndev = [{ include-group = \"tests\" }]\ntest = [\"pytest>=8\"]\n",
    ),
    (
        "include cycle",
        "[dependency-groups]\ndev = [{ include-group = \"test\" }]\ntest = [{ include-group = \"dev\" }]\n",
    ),
    (
        "poetry git dependency",
        "[tool.poetry.dependencies]\npython = \"^3.10\"\nmylib = { git = \"https://github.com/me/mylib.git\" }\n",
    ),
    (
        "poetry union with a gap",
        "[tool.poetry.dependencies]\npython = \"~2.7 || ^3.6\"\n",
    ),
    (
        "poetry bad version",
        "[tool.poetry.dependencies]\nflask = \">=3.0, <four\"\n",
    ),
    (
        "poetry ~= with one number",
        "[tool.poetry.dependencies]\nflask = \"~=3\"\n",
    ),
    (
        "poetry unknown key",
        "[tool.poetry.dependencies]\nflask = { version = \"^3\", extra = [\"async\"] }\n",
    ),
    (
        "poetry extra lists unknown package",
        "[tool.poetry.dependencies]\nflask = \"^3\"\n[tool.poetry.extras]\nasync = [\"asgiref\"]\n",
    ),
];

#[test]
fn input_errors() {
    let mut out = String::new();
    for (title, text) in CASES {
        let err = parse_pyproject(SourceFile::new("pyproject.toml", *text)).unwrap_err();
        let e = err.input_error().unwrap();
        let _ = writeln!(
            out,
            "=== {title}\nerror: {}\n{}",
            e.message,
            e.file.snippet(e.span)
        );
        if let Some(hint) = &e.hint {
            let _ = writeln!(out, "hint: {hint}");
        }
        out.push('\n');
    }
    snapshot!("project_input_errors", out);
}
