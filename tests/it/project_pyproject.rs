//! Reading pyproject.toml layouts: PEP 621 + PEP 735 and Poetry, and the errors users see.

use std::path::Path;

use pinctl::project::{
    Dependency, GroupName, Layout, Project, ProjectError, Scope, Written, parse_pyproject,
    read_project, read_pyproject,
};
use pinctl::source::{InputError, SourceFile};

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn reqs<'a>(deps: impl IntoIterator<Item = &'a Dependency>) -> Vec<String> {
    deps.into_iter()
        .map(|d| d.requirement.to_string())
        .collect()
}

fn group<'a>(p: &'a Project, name: &str) -> &'a Vec<Dependency> {
    &p.groups[&GroupName::new(name)]
}

fn parse(text: &str) -> Result<Project, ProjectError> {
    parse_pyproject(SourceFile::new("pyproject.toml", text))
}

fn input_err(text: &str) -> InputError {
    match parse(text) {
        Err(e) => e.input_error().cloned().expect("an input error"),
        Ok(_) => panic!("expected an error"),
    }
}

/// `message` + snippet, the way the output layer renders it (without colours).
fn render(e: &InputError) -> String {
    let mut out = format!("{}\n{}", e.message, e.file.snippet(e.span));
    if let Some(hint) = &e.hint {
        out.push_str("\nhint: ");
        out.push_str(hint);
    }
    out
}

#[test]
fn corpus_webapp() {
    let p = read_project(&repo("tests/fixtures/corpus/webapp")).unwrap();
    assert_eq!(p.layout, Layout::Pep621);
    assert_eq!(p.name.as_ref().unwrap().as_ref(), "webapp");
    assert_eq!(p.requires_python.as_ref().unwrap().to_string(), ">=3.10");
    assert_eq!(
        reqs(&p.dependencies),
        [
            "django>=4.2,<6",
            "celery[redis]>=5.3",
            "psycopg[binary]>=3.1",
            "gunicorn>=21",
            "structlog>=24",
            "requests>=2.31",
            "boto3>=1.34",
            "pydantic>=2.5"
        ]
    );
    let dev = group(&p, "dev");
    assert_eq!(dev.len(), 6);
    assert!(
        dev.iter()
            .all(|d| d.scope == Scope::Group(GroupName::new("dev")))
    );
    assert!(p.file.path.ends_with("webapp/pyproject.toml"));
    assert!(p.root.ends_with("webapp"));
}

#[test]
fn corpus_bottle() {
    let p = read_project(&repo("tests/fixtures/corpus/bottle")).unwrap();
    assert_eq!(p.name.as_ref().unwrap().as_ref(), "bottle-app");
    assert_eq!(
        reqs(&p.dependencies),
        [
            "bottle==0.13.*",
            "peewee>=3.17",
            "celery>=5.3,<6",
            "redis>=5",
            "gunicorn",
            "gevent>=23.9",
            "psycopg2-binary>=2.9"
        ]
    );
    assert_eq!(reqs(group(&p, "dev")), ["pytest>=8", "fabric>=3"]);
    // `gunicorn` has no specifier; `bottle==0.13.*` points at its specifier.
    assert_eq!(p.dependencies[4].specifier_span, None);
    let bottle = &p.dependencies[0];
    assert_eq!(p.file.slice(bottle.span), "\"bottle==0.13.*\"");
    assert_eq!(p.file.slice(bottle.specifier_span.unwrap()), "==0.13.*");
    assert_eq!(bottle.written, Written::Pep508("bottle==0.13.*".into()));
    let lc = p.file.line_col(bottle.span.start);
    assert_eq!((lc.line, lc.column), (6, 5));
}

#[test]
fn corpus_seed_poetry() {
    let p = read_project(&repo("tests/fixtures/corpus/seed-poetry")).unwrap();
    assert_eq!(p.layout, Layout::Poetry);
    assert_eq!(p.name.as_ref().unwrap().as_ref(), "my-service");
    assert_eq!(
        p.requires_python.as_ref().unwrap().to_string(),
        ">=3.9, <4.0"
    );
    assert_eq!(p.file.slice(p.requires_python_span.unwrap()), "\"^3.9\"");
    assert_eq!(
        reqs(&p.dependencies),
        [
            "fastapi>=0.90.0,<0.91.0",
            "pydantic>=1.10.0,<2.0.0",
            "uvicorn[standard]>=0.17.0,<0.18.0",
            "mypy>=0.970,<0.971",
            "pytest>=7.2.0,<8.0.0"
        ]
    );
    assert_eq!(
        reqs(group(&p, "dev")),
        [
            "hypothesis>=6.65.0,<7.0.0",
            "black>=23.3.0,<24.0.0",
            "flake8>=6.0.0,<7.0.0"
        ]
    );
    let fastapi = &p.dependencies[0];
    assert_eq!(p.file.slice(fastapi.span), "fastapi = \"^0.90.0\"");
    assert_eq!(p.file.slice(fastapi.specifier_span.unwrap()), "\"^0.90.0\"");
    assert_eq!(fastapi.written, Written::Poetry("^0.90.0".into()));
    let uvicorn = &p.dependencies[2];
    assert_eq!(
        p.file.slice(uvicorn.span),
        "uvicorn = {extras = [\"standard\"], version = \"^0.17.0\"}"
    );
}

#[test]
fn example_service() {
    let p = read_project(&repo("examples/service")).unwrap();
    assert_eq!(p.layout, Layout::Pep621);
    assert_eq!(
        reqs(&p.dependencies),
        [
            "fastapi>=0.115,<0.116",
            "httpx>=0.27,<0.29",
            "pydantic>=2.9,<3",
            "sqlalchemy>=2.0,<2.1",
            "uvicorn[standard]>=0.30,<0.33",
            "structlog>=24,<25"
        ]
    );
    let postgres = &p.extras[&"postgres".parse().unwrap()];
    assert_eq!(reqs(postgres), ["psycopg[binary]>=3.2,<3.3"]);
    assert_eq!(postgres[0].scope, Scope::Extra("postgres".parse().unwrap()));
    assert_eq!(
        reqs(group(&p, "test")),
        ["pytest>=8,<9", "pytest-asyncio>=0.24,<0.25"]
    );
    // `dev` = its own entries, then the included groups' (which keep their scope).
    let dev = group(&p, "dev");
    assert_eq!(
        reqs(dev),
        [
            "pytest>=8,<9",
            "pytest-asyncio>=0.24,<0.25",
            "ruff>=0.6,<0.7",
            "mypy>=1.11,<2",
            "ipython>=8,<9"
        ]
    );
    let scopes: Vec<String> = dev.iter().map(|d| d.scope.to_string()).collect();
    assert_eq!(scopes, ["test", "test", "lint", "lint", "dev"]);
    assert_eq!(dev[0].span, group(&p, "test")[0].span);
    let pinctl = pinctl::project::tool_pinctl::read(&p.file).unwrap();
    assert_eq!(
        pinctl.index_url.map(|url| url.value).as_deref(),
        Some("https://pypi.org/simple")
    );
    let levels = pinctl::lint::LintLevels::from_pyproject(&p.file).unwrap();
    assert_ne!(levels, pinctl::lint::LintLevels::default());
    assert!(p.warnings.is_empty());
}

#[test]
fn example_service_poetry_means_the_same() {
    let p = read_project(&repo("examples/service-poetry")).unwrap();
    assert_eq!(p.layout, Layout::Poetry);
    assert_eq!(
        p.requires_python.as_ref().unwrap().to_string(),
        ">=3.10, <4.0"
    );
    assert_eq!(
        reqs(&p.dependencies),
        [
            "fastapi>=0.115.0,<0.116.0",
            "httpx>=0.27,<0.29",
            "pydantic>=2.9,<3.0",
            "sqlalchemy>=2.0,<2.1",
            "uvicorn[standard]>=0.30,<0.33",
            "structlog>=24.1,<25.0"
        ]
    );
    let postgres = &p.extras[&"postgres".parse().unwrap()];
    assert_eq!(reqs(postgres), ["psycopg[binary]>=3.2,<3.3"]);
    assert_eq!(
        reqs(group(&p, "test")),
        ["pytest>=8.3,<9.0", "pytest-asyncio>=0.24,<0.25"]
    );
    assert_eq!(
        reqs(group(&p, "lint")),
        ["ruff>=0.6,<0.7", "mypy>=1.11,<2.0"]
    );
    // Optional Poetry groups are still locked.
    assert_eq!(reqs(group(&p, "dev")), ["ipython>=8.26,<9.0"]);
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn example_loose() {
    let p = read_pyproject(&repo("examples/loose/pyproject.toml")).unwrap();
    assert_eq!(p.dependencies.len(), 10);
    assert!(p.dependencies[0].requirement.version_or_url.is_none());
    let attrs = &p.dependencies[9];
    assert!(matches!(
        attrs.requirement.version_or_url,
        Some(pep508_rs::VersionOrUrl::Url(_))
    ));
    let r =
        pinctl::project::requirements_txt::read(&repo("examples/loose/requirements.txt")).unwrap();
    assert_eq!(reqs(&r.dependencies), reqs(&p.dependencies));
}

#[test]
fn broken_toml_points_at_the_parse_error() {
    let e = input_err("[project]\ndependencies = [\"a\",\nname = 1\n");
    assert_eq!(
        render(&e),
        "invalid TOML: unexpected `=` in array, expected value, `]`\n --> pyproject.toml:3:6\n  |\n3 | name = 1\n  |      ^"
    );
}

#[test]
fn wrong_types_point_at_the_value() {
    let e = input_err("[project]\nname = \"x\"\ndependencies = [\n  \"a\",\n  42,\n]\n");
    assert_eq!(
        render(&e),
        "expected a string (a PEP 508 requirement), found an integer\n --> pyproject.toml:5:3\n  |\n5 |   42,\n  |   ^^"
    );
    let e = input_err("[project]\ndependencies = \"requests\"\n");
    assert_eq!(
        e.message,
        "expected an array of strings (PEP 508 requirements), found a string"
    );
    assert_eq!(e.file.slice(e.span), "\"requests\"");
    let e =
        input_err("[project]\ndependencies = []\n[project.optional-dependencies]\npg = [true]\n");
    assert_eq!(
        e.message,
        "expected a string (a PEP 508 requirement), found a boolean"
    );
    let e = input_err("[project]\nrequires-python = 3.10\n");
    assert_eq!(
        e.message,
        "expected a string (PEP 440 specifiers), found a float"
    );
}

#[test]
fn poetry_syntax_in_pep621_gets_a_translation_hint() {
    let e = input_err("[project]\ndependencies = [\n    \"fastapi^0.75.0\",\n]\n");
    assert_eq!(
        render(&e),
        "invalid requirement `fastapi^0.75.0`: Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `^`\n \
         --> pyproject.toml:3:13\n  |\n3 |     \"fastapi^0.75.0\",\n  |             ^\n\
         hint: `^` is Poetry syntax; PEP 440 spells `^0.75.0` as `>=0.75.0,<0.76.0`: write `fastapi>=0.75.0,<0.76.0`"
    );
    let e = input_err("[project]\ndependencies = ['requests 2.31']\n");
    assert_eq!(e.file.slice(e.span), "2");
    assert_eq!(
        e.hint.as_deref(),
        Some("a bare version is not a PEP 508 specifier: write `requests==2.31`")
    );
    // An error at the end of the string points at the closing quote.
    let e = input_err("[project]\ndependencies = [\"requests;\"]\n");
    assert_eq!(e.file.slice(e.span), "\"");
    assert_eq!(e.file.line_col(e.span.start).column, 27);
    let e = input_err("[project]\ndependencies = [\"\"\"\nflask ~3.0\"\"\"]\n");
    assert_eq!(e.file.slice(e.span), "~3.0");
    let lc = e.file.line_col(e.span.start);
    assert_eq!((lc.line, lc.column), (3, 7));
}

#[test]
fn escaped_strings_fall_back_to_the_literal() {
    let e = input_err("[project]\ndependencies = [\"fl\\u0061sk ^3.0\"]\n");
    assert_eq!(e.file.slice(e.span), "\"fl\\u0061sk ^3.0\"");
    let p = parse("[project]\ndependencies = [\"fl\\u0061sk>=3.0\"]\n").unwrap();
    assert_eq!(p.dependencies[0].requirement.to_string(), "flask>=3.0");
    assert_eq!(
        p.file.slice(p.dependencies[0].specifier_span.unwrap()),
        "\"fl\\u0061sk>=3.0\""
    );
}

#[test]
fn dependency_group_includes() {
    let text = "[dependency-groups]\nDev_Tools = [{include-group = \"test\"}, \"ipython\"]\ntest = [\"pytest\"]\n";
    let p = parse(text).unwrap();
    assert_eq!(reqs(group(&p, "dev-tools")), ["pytest", "ipython"]);

    let e = input_err(
        "[dependency-groups]\ndev = [{include-group = \"tset\"}]\ntest = []\nlint = []\n",
    );
    assert_eq!(
        render(&e),
        "`dev` includes `tset`, which is not a dependency group\n --> pyproject.toml:2:25\n  |\n2 | dev = [{include-group = \"tset\"}]\n  |                         ^^^^^^\nhint: defined groups: `dev`, `lint`, `test`"
    );

    let e = input_err(
        "[dependency-groups]\ndev = [{include-group = \"test\"}]\ntest = [\"pytest\", {include-group = \"dev\"}]\n",
    );
    assert_eq!(
        e.message,
        "dependency groups include each other: dev -> test -> dev"
    );
    let lc = e.file.line_col(e.span.start);
    assert_eq!((lc.line, lc.column), (3, 36));
    assert_eq!(e.file.slice(e.span), "\"dev\"");

    let e = input_err("[dependency-groups]\ndev = [{include = \"test\"}]\n");
    assert_eq!(
        e.message,
        "unknown key `include` in a dependency group item"
    );
    let e = input_err("[dependency-groups]\ndev = [\"a\"]\nDEV = [\"b\"]\n");
    assert_eq!(
        e.message,
        "dependency group `dev` is defined twice (as `dev` and `DEV`)"
    );
}

#[test]
fn poetry_tables_markers_and_multiple_constraints() {
    let text = r#"[tool.poetry]
name = "svc"

[tool.poetry.dependencies]
python = ">=3.8,<3.13"
numpy = [
    { version = "^1.24", python = "<3.9" },
    { version = "^2.0", python = ">=3.9" },
]
pywin32 = { version = "306", platform = "win32" }
rich = { version = "*", markers = "sys_platform != 'emscripten'", python = "^3.10" }
anyio = { extras = ["trio"] }

[tool.poetry.dependencies.attrs]
version = "~23.2"

[tool.poetry.dev-dependencies]
pytest = "^7.0"

[tool.poetry.group.dev.dependencies]
black = "^24"
"#;
    let p = parse(text).unwrap();
    assert_eq!(
        p.requires_python.as_ref().unwrap().to_string(),
        ">=3.8, <3.13"
    );
    assert_eq!(
        reqs(&p.dependencies),
        [
            "numpy>=1.24,<2.0 ; python_full_version < '3.9'",
            "numpy>=2.0,<3.0 ; python_full_version >= '3.9'",
            "pywin32==306 ; sys_platform == 'win32'",
            "rich ; python_full_version >= '3.10' and python_full_version < '4.0' and sys_platform != 'emscripten'",
            "anyio[trio]",
            "attrs>=23.2,<23.3"
        ]
    );
    // Each constraint of a list points at its own table.
    assert_eq!(
        p.file.slice(p.dependencies[1].span),
        "{ version = \"^2.0\", python = \">=3.9\" }"
    );
    assert_eq!(
        p.file.slice(p.dependencies[5].span),
        "[tool.poetry.dependencies.attrs]"
    );
    assert_eq!(p.dependencies[4].written, Written::Poetry(String::new()));
    // Legacy dev-dependencies merge into the `dev` group.
    assert_eq!(
        reqs(group(&p, "dev")),
        ["black>=24,<25", "pytest>=7.0,<8.0"]
    );
}

#[test]
fn poetry_optional_dependencies_go_into_extras() {
    let text = r#"[tool.poetry.dependencies]
python = "^3.10"
requests = "^2.31"
psycopg = { version = "^3.2", optional = true }
redis = { version = "^5", optional = true }
orphan = { version = "^1", optional = true }

[tool.poetry.extras]
pg = ["psycopg"]
all = ["psycopg", "redis[hiredis]"]
"#;
    let p = parse(text).unwrap();
    assert_eq!(reqs(&p.dependencies), ["requests>=2.31,<3.0"]);
    assert_eq!(
        reqs(&p.extras[&"pg".parse().unwrap()]),
        ["psycopg>=3.2,<4.0"]
    );
    assert_eq!(
        reqs(&p.extras[&"all".parse().unwrap()]),
        ["psycopg>=3.2,<4.0", "redis>=5,<6"]
    );
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(
        p.warnings[0].message,
        "`orphan` is optional but no extra in `[tool.poetry.extras]` lists it; it is ignored"
    );
    assert_eq!(
        p.file.slice(p.warnings[0].span),
        "orphan = { version = \"^1\", optional = true }"
    );

    let e =
        input_err("[tool.poetry.dependencies]\na = \"^1\"\n[tool.poetry.extras]\nx = [\"b\"]\n");
    assert_eq!(
        e.message,
        "extra `x` lists `b`, which is not in `[tool.poetry.dependencies]`"
    );
}

#[test]
fn poetry_git_path_url_are_unsupported() {
    let text = "[tool.poetry.dependencies]\nmylib = { git = \"https://github.com/me/mylib.git\", branch = \"main\" }\n";
    let err = parse(text).unwrap_err();
    assert!(matches!(err, ProjectError::Unsupported(_)));
    let e = err.input_error().unwrap();
    assert_eq!(
        render(e),
        "`mylib` is a git dependency; pinctl does not support git, path or URL dependencies yet\n \
         --> pyproject.toml:2:11\n  |\n2 | mylib = { git = \"https://github.com/me/mylib.git\", branch = \"main\" }\n  |           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n\
         hint: publish `mylib` to an index and depend on a version, e.g. `mylib = \"^1.0\"`"
    );
    let e =
        input_err("[tool.poetry.dependencies]\nlocal = { path = \"../local\", develop = true }\n");
    assert!(
        e.message.starts_with("`local` is a path dependency"),
        "{}",
        e.message
    );
    let e = input_err("[tool.poetry.dependencies]\nw = { url = \"https://x/w.whl\" }\n");
    assert!(
        e.message.starts_with("`w` is a URL dependency"),
        "{}",
        e.message
    );
}

#[test]
fn poetry_constraint_errors_point_inside_the_string() {
    let e = input_err("[tool.poetry.dependencies]\nfoo = \">=1.0, <bar\"\n");
    assert_eq!(e.file.slice(e.span), "bar");
    assert!(
        e.message
            .starts_with("invalid Poetry constraint for `foo`: `bar` is not a valid version"),
        "{}",
        e.message
    );
    let e = input_err("[tool.poetry.dependencies]\npython = \"~2.7 || ^3.4\"\n");
    assert_eq!(
        e.message,
        "invalid Poetry constraint for `python`: `~2.7 || ^3.4` cannot be written as one PEP 440 specifier set: its alternatives leave a gap"
    );
    assert!(e.hint.is_some());
    let p = parse("[tool.poetry.dependencies]\nfoo = \"^1.0 || ^2.0\"\n").unwrap();
    assert_eq!(reqs(&p.dependencies), ["foo>=1.0,<3.0"]);
    let e = input_err("[tool.poetry.dependencies]\nfoo = { version = \"^1\", colour = \"red\" }\n");
    assert_eq!(
        e.message,
        "unknown key `colour` in the Poetry dependency `foo`"
    );
    let e = input_err("[tool.poetry.dependencies]\nfoo = 1\n");
    assert_eq!(
        e.message,
        "expected a string (a Poetry constraint) or a table, found an integer"
    );
    assert_eq!(e.file.slice(e.span), "1");
}

#[test]
fn project_wins_over_poetry_dependencies() {
    let text = r#"[project]
name = "both"
dependencies = ["requests>=2.31,<3"]

[tool.poetry.dependencies]
python = "^3.10"
requests = "^2.0"

[tool.poetry.group.test.dependencies]
pytest = "^8"
"#;
    let p = parse(text).unwrap();
    assert_eq!(p.layout, Layout::Pep621);
    assert_eq!(reqs(&p.dependencies), ["requests>=2.31,<3"]);
    // Poetry 2 layout: groups still come from Poetry; python fills requires-python.
    assert_eq!(reqs(group(&p, "test")), ["pytest>=8,<9"]);
    assert_eq!(
        p.requires_python.as_ref().unwrap().to_string(),
        ">=3.10, <4.0"
    );
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(
        p.warnings[0].message,
        "`[tool.poetry.dependencies]` is ignored: `[project] dependencies` is set and takes precedence"
    );
    assert_eq!(
        p.file.slice(p.warnings[0].span),
        "[tool.poetry.dependencies]"
    );

    // Only `python` in Poetry's table: no conflict, no warning.
    let p = parse("[project]\ndependencies = []\n[tool.poetry.dependencies]\npython = \"^3.10\"\n")
        .unwrap();
    assert!(p.warnings.is_empty());
}

#[test]
fn names_are_validated() {
    let e = input_err("[project]\nname = \"not a name\"\n");
    assert!(
        e.message.starts_with("invalid package name `not a name`"),
        "{}",
        e.message
    );
    let e = input_err("[project.optional-dependencies]\n\"bad extra!\" = []\n");
    assert!(
        e.message.starts_with("invalid extra name `bad extra!`"),
        "{}",
        e.message
    );
    let e = input_err("[project]\nrequires-python = \">=3.10,,\"\n");
    assert_eq!(
        e.message,
        "invalid `requires-python` `>=3.10,,`: empty clause between commas"
    );
    assert_eq!(e.file.slice(e.span), ",");
    let e = input_err("[project]\nrequires-python = \">=3.8, ^3.10\"\n");
    assert_eq!(e.file.slice(e.span), "^3.10");
}

#[test]
fn missing_pyproject_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let err = read_project(dir.path()).unwrap_err();
    assert!(matches!(err, ProjectError::NoPyproject { .. }));
    assert!(
        err.to_string()
            .starts_with("no `pyproject.toml` found in `")
    );
    let err = read_pyproject(&dir.path().join("other.toml")).unwrap_err();
    assert!(matches!(err, ProjectError::Io { .. }));
    assert!(err.to_string().contains("other.toml"));
}

#[test]
fn crlf_files_keep_exact_spans() {
    let text = "[project]\r\nname = \"x\"\r\ndependencies = [\r\n  \"flask>=3,<4\",\r\n  \"requests ^2\",\r\n]\r\n";
    let e = input_err(text);
    let lc = e.file.line_col(e.span.start);
    assert_eq!((lc.line, lc.column), (5, 13));
    assert_eq!(e.file.slice(e.span), "^");
    let p = parse(&text.replace("requests ^2", "requests>=2")).unwrap();
    assert_eq!(
        p.file.slice(p.dependencies[1].specifier_span.unwrap()),
        ">=2"
    );
}
