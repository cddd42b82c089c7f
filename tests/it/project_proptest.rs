//! Property tests: Poetry constraint translation against an independent model of
//! Poetry's semantics, and "no panic on any input" for every parser in `project`.

use std::cmp::Ordering;
use std::str::FromStr;

use pep440_rs::Version;
use pinctl::project::poetry::{python_marker, translate_constraint, translate_specifiers};
use pinctl::project::{parse_pyproject, parse_requirement, requirements_txt};
use pinctl::source::{SourceFile, Span};
use proptest::prelude::*;

/// The case count: `default`, or `PINCTL_PROPTEST_CASES` for a longer local run.
fn cases(default: u32) -> u32 {
    std::env::var("PINCTL_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Release tuples compare with missing numbers read as zero.
fn cmp(left: &[u64], right: &[u64]) -> Ordering {
    let len = left.len().max(right.len());
    (0..len)
        .map(|i| {
            let l = left.get(i).copied().unwrap_or(0);
            let r = right.get(i).copied().unwrap_or(0);
            l.cmp(&r)
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// `w` with number `i` increased by one and everything after it dropped.
fn bumped(w: &[u64], i: usize) -> Vec<u64> {
    let mut out: Vec<u64> = w.iter().take(i).copied().collect();
    out.push(w.get(i).copied().unwrap_or(0) + 1);
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Caret,
    Tilde,
    TildeEq,
    Bare,
    Eq,
    Ne,
    Ge,
    Gt,
    Le,
    Lt,
    Wildcard,
    NotWildcard,
}

impl Kind {
    fn write(self, w: &[u64]) -> String {
        let v = w.iter().map(u64::to_string).collect::<Vec<_>>().join(".");
        match self {
            Kind::Caret => format!("^{v}"),
            Kind::Tilde => format!("~{v}"),
            Kind::TildeEq => format!("~={v}"),
            Kind::Bare => v,
            Kind::Eq => format!("=={v}"),
            Kind::Ne => format!("!={v}"),
            Kind::Ge => format!(">={v}"),
            Kind::Gt => format!("> {v}"),
            Kind::Le => format!("<={v}"),
            Kind::Lt => format!("<{v}"),
            Kind::Wildcard => format!("{v}.*"),
            Kind::NotWildcard => format!("!={v}.*"),
        }
    }
}

/// The half-open range `[w, upper)` of a caret or tilde constraint, from the rules:
/// caret bumps the first non-zero of the first three numbers (the last of them written
/// when all are zero); `~` bumps the major when only it is written, else the minor;
/// `~=` bumps the major when two numbers are written, else the minor.
fn upper(kind: Kind, w: &[u64]) -> Vec<u64> {
    match kind {
        Kind::Caret => {
            let head = &w[..w.len().min(3)];
            let i = head.iter().position(|&x| x > 0).unwrap_or(head.len() - 1);
            bumped(w, i)
        }
        Kind::Tilde => bumped(w, usize::from(w.len() > 1)),
        Kind::TildeEq => bumped(w, usize::from(w.len() != 2)),
        _ => unreachable!(),
    }
}

/// Whether Poetry's constraint `kind w` allows release `v`.
fn model(kind: Kind, w: &[u64], v: &[u64]) -> bool {
    let c = cmp(v, w);
    match kind {
        Kind::Caret | Kind::Tilde | Kind::TildeEq => {
            c != Ordering::Less && cmp(v, &upper(kind, w)) == Ordering::Less
        }
        Kind::Bare | Kind::Eq => c == Ordering::Equal,
        Kind::Ne => c != Ordering::Equal,
        Kind::Ge => c != Ordering::Less,
        Kind::Gt => c == Ordering::Greater,
        Kind::Le => c != Ordering::Greater,
        Kind::Lt => c == Ordering::Less,
        Kind::Wildcard | Kind::NotWildcard => {
            let padded: Vec<u64> = (0..w.len())
                .map(|i| v.get(i).copied().unwrap_or(0))
                .collect();
            (padded == w) == (kind == Kind::Wildcard)
        }
    }
}

fn release() -> impl Strategy<Value = Vec<u64>> {
    prop::collection::vec(0u64..4, 1..=4)
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Caret),
        Just(Kind::Tilde),
        Just(Kind::TildeEq),
        Just(Kind::Bare),
        Just(Kind::Eq),
        Just(Kind::Ne),
        Just(Kind::Ge),
        Just(Kind::Gt),
        Just(Kind::Le),
        Just(Kind::Lt),
        Just(Kind::Wildcard),
        Just(Kind::NotWildcard),
    ]
}

fn version(v: &[u64]) -> Version {
    Version::new(v.iter().copied())
}

/// `v` zero-padded to `len` numbers when a wildcard is involved: the same version for
/// PEP 440, but pep440_rs 0.7.3 compares `==1.2.*` against `1` without padding the
/// candidate (it answers `true`), an upstream bug this test is not about.
fn pad_for_wildcards(v: &[u64], kinds: &[(Kind, &[u64])]) -> Vec<u64> {
    let wild = kinds
        .iter()
        .filter(|(k, _)| matches!(k, Kind::Wildcard | Kind::NotWildcard))
        .map(|(_, w)| w.len())
        .max()
        .unwrap_or(0);
    let mut out = v.to_vec();
    while out.len() < wild {
        out.push(0);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    #[test]
    fn translation_matches_poetry_semantics(k in kind(), w in release(), v in release()) {
        let written = k.write(&w);
        if k == Kind::TildeEq && w.len() == 1 {
            prop_assert!(translate_constraint(&written).is_err());
            return Ok(());
        }
        let specifiers = translate_specifiers(&written).unwrap();
        let v = pad_for_wildcards(&v, &[(k, &w)]);
        prop_assert_eq!(
            specifiers.contains(&version(&v)),
            model(k, &w, &v),
            "`{}` -> `{}` on {:?}", written, specifiers, v
        );
    }

    #[test]
    fn and_of_two_constraints(k1 in kind(), w1 in release(), k2 in kind(), w2 in release(), v in release()) {
        // `~=1` is refused (tested above); use `~1` instead.
        let k1 = if k1 == Kind::TildeEq && w1.len() == 1 { Kind::Tilde } else { k1 };
        let k2 = if k2 == Kind::TildeEq && w2.len() == 1 { Kind::Tilde } else { k2 };
        let written = format!("{},{}", k1.write(&w1), k2.write(&w2));
        let specifiers = translate_specifiers(&written).unwrap();
        let v = pad_for_wildcards(&v, &[(k1, &w1), (k2, &w2)]);
        prop_assert_eq!(
            specifiers.contains(&version(&v)),
            model(k1, &w1, &v) && model(k2, &w2, &v),
            "`{}` -> `{}` on {:?}", written, specifiers, v
        );
    }

    #[test]
    fn unions_are_exact_or_refused(
        k1 in prop_oneof![Just(Kind::Caret), Just(Kind::Tilde)],
        w1 in release(),
        k2 in prop_oneof![Just(Kind::Caret), Just(Kind::Tilde)],
        w2 in release(),
        v in release(),
    ) {
        let written = format!("{} || {}", k1.write(&w1), k2.write(&w2));
        let (u1, u2) = (upper(k1, &w1), upper(k2, &w2));
        let touch = cmp(&w1, &u2) != Ordering::Greater && cmp(&w2, &u1) != Ordering::Greater;
        match translate_specifiers(&written) {
            Ok(specifiers) => {
                prop_assert!(touch, "`{}` has a gap but became `{}`", written, specifiers);
                prop_assert_eq!(
                    specifiers.contains(&version(&v)),
                    model(k1, &w1, &v) || model(k2, &w2, &v),
                    "`{}` -> `{}` on {:?}", written, specifiers, v
                );
            }
            Err(_) => prop_assert!(!touch, "`{}` was refused", written),
        }
    }
}

/// Strings made of the pieces parsers care about, so they get past the first check.
fn garbage() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "^",
        "~",
        "~=",
        "=",
        "==",
        "===",
        ">=",
        "<",
        ">",
        "!=",
        "*",
        ".",
        ".*",
        "1",
        "0",
        "2.31",
        "||",
        "|",
        ",",
        " ",
        "a",
        "rc1",
        "[",
        "]",
        ";",
        "@",
        "\\",
        "\n",
        "\r\n",
        "#",
        "-r ",
        "-c ",
        "-e ",
        "--hash=",
        "sha256:ab",
        "--index-url",
        "\"",
        "'",
        "{",
        "}",
        "python_version",
        "and",
        "or",
        "(",
        ")",
        "https://x/y.whl",
        "é",
        "\t",
        "v",
        "x",
        "requests",
        "[project]",
        "dependencies = [",
        "[tool.poetry.dependencies]",
        "= ",
        "include-group",
    ]);
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), garbage()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    #[test]
    fn requirement_parser_never_panics(text in any_text()) {
        let file = SourceFile::new("x", text.clone());
        let _ = parse_requirement(&text, &file, Span::new(0, text.len()));
        let _ = parse_requirement(&text, &file, Span::new(0, 0));
    }

    #[test]
    fn poetry_translator_never_panics(text in any_text()) {
        let _ = translate_constraint(&text);
        let _ = python_marker(&text);
    }

    #[test]
    fn requirements_parser_never_panics(text in any_text()) {
        // The includes of a fuzzed file point into a directory that does not exist.
        let file = SourceFile::new("/nonexistent-pinctl-fuzz/requirements.txt", text);
        let _ = requirements_txt::parse(&file);
    }

    #[test]
    fn pyproject_parser_never_panics(text in any_text(), inner in garbage()) {
        let _ = parse_pyproject(SourceFile::new("pyproject.toml", text));
        let escaped = inner.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t");
        let layouts = [
            format!("[project]\ndependencies = [\"{escaped}\"]\n"),
            format!("[project]\ndependencies = ['''{}''']\n", inner.replace('\'', "")),
            format!("[tool.poetry.dependencies]\npython = \"{escaped}\"\nfoo = \"{escaped}\"\n"),
            format!("[tool.poetry.dependencies]\nfoo = {{ version = \"{escaped}\", python = \"{escaped}\", markers = \"{escaped}\" }}\n"),
            format!("[dependency-groups]\ndev = [{{include-group = \"{escaped}\"}}, \"{escaped}\"]\n"),
        ];
        for text in layouts {
            let _ = parse_pyproject(SourceFile::new("pyproject.toml", text));
        }
    }
}

#[test]
fn version_strings_round_trip_in_the_model() {
    // The model's writer and pep440 agree on what was written.
    assert_eq!(Version::from_str("0.0.3").unwrap(), version(&[0, 0, 3]));
    assert!(model(Kind::Caret, &[0, 0], &[0, 0, 9]));
    assert!(!model(Kind::Caret, &[0, 0], &[0, 1]));
}

/// Requirements whose whitespace-separated pieces may be split over continuation lines.
const REQUIREMENTS: &[(&str, &str)] = &[
    ("requests >=2.31", ">=2.31"),
    ("flask[async] ==3.0.3 ; python_version >= '3.10'", "==3.0.3"),
    ("numpy", ""),
    ("pandas >=2.2, <3 ; sys_platform != 'win32'", ">=2.2, <3"),
    (
        "attrs @ https://example.com/attrs-23.2.0.tar.gz",
        "https://example.com/attrs-23.2.0.tar.gz",
    ),
];

fn normalise(text: &str) -> String {
    text.replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(256)))]

    /// Spans of requirements spread over `\` continuations cover exactly what was written.
    #[test]
    fn continuation_spans_cover_the_requirement(
        picks in prop::collection::vec((0..REQUIREMENTS.len(), prop::collection::vec(any::<bool>(), 12), 0usize..4, any::<bool>()), 1..6),
    ) {
        let mut text = String::new();
        for (i, breaks, indent, comment) in &picks {
            let (req, _) = REQUIREMENTS[*i];
            for (n, word) in req.split(' ').enumerate() {
                if n > 0 {
                    if breaks[n % breaks.len()] {
                        text.push_str(" \\\n");
                        text.push_str(&" ".repeat(*indent));
                    } else {
                        text.push(' ');
                    }
                }
                text.push_str(word);
            }
            if *comment {
                text.push_str("  # pinned for reasons");
            }
            text.push('\n');
        }
        let file = SourceFile::new("/nonexistent-pinctl/requirements.txt", text);
        let parsed = requirements_txt::parse(&file).unwrap();
        prop_assert_eq!(parsed.dependencies.len(), picks.len());
        for (dep, (i, ..)) in parsed.dependencies.iter().zip(&picks) {
            let (req, spec) = REQUIREMENTS[*i];
            prop_assert_eq!(normalise(file.slice(dep.span)), normalise(req));
            let written = dep.specifier_span.map(|s| normalise(file.slice(s)));
            prop_assert_eq!(written.unwrap_or_default(), normalise(spec));
        }
    }
}
