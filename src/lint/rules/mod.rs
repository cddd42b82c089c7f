//! The lint rules, one per file, and the specifier helpers they share.
//!
//! Each rule looks at one [`Dependency`] and returns at most one
//! [`Violation`](super::Violation); the engine in `lint/mod.rs` decides levels,
//! supersession and order. Rules never read files and never touch the network:
//! suggestions use the versions of the project's lock when the caller passes them
//! ([`LintContext::locked`](super::LintContext)), else placeholders (`X.Y.Z`).

pub mod arbitrary_equality;
pub mod no_upper_bound;
pub mod not_equal_only;
pub mod stale_lock;
pub mod unpinned;
pub mod url_without_hash;
pub mod wildcard;
pub mod zero_ver_range;

use std::fmt::Write as _;

use pep440_rs::{Operator, Version, VersionSpecifiers};
use pep508_rs::VersionOrUrl;
use pubgrub::Ranges;

use super::{Edit, LintContext};
use crate::project::{Dependency, Layout};
use crate::source::Span;

/// The dependency's version specifiers, `None` for URL requirements. An entry without
/// any constraint (PEP 508 `pandas`, Poetry `*`) has an empty set.
pub(crate) fn specifiers(dep: &Dependency) -> Option<&VersionSpecifiers> {
    match &dep.requirement.version_or_url {
        None => Some(empty_specifiers()),
        Some(VersionOrUrl::VersionSpecifier(specifiers)) => Some(specifiers),
        Some(VersionOrUrl::Url(_)) => None,
    }
}

fn empty_specifiers() -> &'static VersionSpecifiers {
    static EMPTY: std::sync::OnceLock<VersionSpecifiers> = std::sync::OnceLock::new();
    EMPTY.get_or_init(VersionSpecifiers::empty)
}

/// Where to point for a finding about the version constraint: the constraint itself
/// when known, else the whole entry.
pub(crate) fn constraint_span(dep: &Dependency) -> Span {
    dep.specifier_span.unwrap_or(dep.span)
}

/// The span of the constraint text without surrounding TOML quotes (what a fix replaces).
pub(crate) fn constraint_text_span(dep: &Dependency) -> Option<Span> {
    let span = dep.specifier_span?;
    let text = dep.file.text.get(span.start..span.end)?;
    let quoted = text.len() >= 2
        && ((text.starts_with('"') && text.ends_with('"'))
            || (text.starts_with('\'') && text.ends_with('\'')));
    Some(if quoted {
        Span::new(span.start + 1, span.end - 1)
    } else {
        span
    })
}

/// The constraint as the user wrote it (`>= 2.31`), falling back to the parsed form.
pub(crate) fn written_constraint(dep: &Dependency) -> String {
    constraint_text_span(dep)
        .map(|span| dep.file.slice(span).trim().to_string())
        .filter(|text| !text.is_empty())
        .or_else(|| specifiers(dep).map(ToString::to_string))
        .unwrap_or_default()
}

/// How to write `name` with `constraint` in the dependency's own syntax:
/// `` `celery[redis]>=5.3,<6` `` (PEP 508) or `` `celery = ">=5.3,<6"` `` (Poetry).
pub(crate) fn suggest(dep: &Dependency, ctx: &LintContext, constraint: &str) -> String {
    let name = &dep.requirement.name;
    if ctx.layout == Layout::Poetry {
        // In table form (`foo = { version = ">=1", extras = [...] }`) show the `version` key.
        let in_table = dep.specifier_span.is_some_and(|span| {
            let before = dep.file.text.get(..span.start).unwrap_or_default();
            let line = before.rsplit('\n').next().unwrap_or_default();
            line.trim_end()
                .strip_suffix('=')
                .is_some_and(|key| key.trim_end().ends_with("version"))
        });
        let key = if in_table { "version" } else { name.as_ref() };
        return format!("`{key} = \"{constraint}\"`");
    }
    let mut out = format!("`{name}");
    if !dep.requirement.extras.is_empty() {
        let extras: Vec<String> = dep
            .requirement
            .extras
            .iter()
            .map(ToString::to_string)
            .collect();
        let _ = write!(out, "[{}]", extras.join(","));
    }
    let _ = write!(out, "{constraint}`");
    out
}

/// An edit replacing the written constraint with `constraint`, when the constraint's
/// span is known.
pub(crate) fn replace_constraint(dep: &Dependency, constraint: &str) -> Option<Edit> {
    constraint_text_span(dep).map(|span| Edit {
        span,
        content: constraint.to_string(),
    })
}

/// The highest lower bound among `>=` and `>` clauses.
pub(crate) fn lower_bound(specifiers: &VersionSpecifiers) -> Option<&Version> {
    specifiers
        .iter()
        .filter(|s| {
            matches!(
                s.operator(),
                Operator::GreaterThanEqual | Operator::GreaterThan
            )
        })
        .map(pep440_rs::VersionSpecifier::version)
        .max()
}

/// The next release that may break `version` under semantic versioning: the next major,
/// or for a 0.x version the next minor (`2.31` -> `3`, `0.4.2` -> `0.5`).
pub(crate) fn next_breaking(version: &Version) -> Version {
    let release = version.release();
    let major = release.first().copied().unwrap_or(0);
    if major > 0 {
        Version::new([major.saturating_add(1)])
    } else {
        let minor = release.get(1).copied().unwrap_or(0);
        Version::new([0, minor.saturating_add(1)])
    }
}

/// The set of versions the specifiers allow (PEP 440 semantics).
pub(crate) fn allowed(specifiers: &VersionSpecifiers) -> Ranges<Version> {
    Ranges::from(specifiers.clone())
}

/// Whether the constraint text contains `*` as a version wildcard.
pub(crate) fn is_star(text: &str) -> bool {
    text.trim() == "*"
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Hand-built dependencies for the rule tests.

    use std::str::FromStr;

    use pep508_rs::Requirement;

    use crate::lint::{LintContext, LintLevels, check_dependencies};
    use crate::project::{Dependency, Layout, Scope, Written};
    use crate::source::{SourceFile, Span};

    /// One line of a requirements file, as the project reader would give it.
    pub fn req(line: &str) -> Dependency {
        let file = SourceFile::new("requirements.txt", format!("{line}\n"));
        let requirement_text = line.split(" --hash").next().unwrap_or(line).trim_end();
        let requirement = Requirement::from_str(requirement_text).unwrap();
        let text = requirement_text;
        let mut start = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(text.len());
        start += text[start..].len() - text[start..].trim_start().len();
        if text[start..].starts_with('[') {
            start += text[start..].find(']').unwrap() + 1;
            start += text[start..].len() - text[start..].trim_start().len();
        }
        let end = text.find(';').unwrap_or(text.len());
        let end = start.max(text[..end].trim_end().len());
        let specifier_span =
            (end > start && !text[start..].starts_with('@')).then(|| Span::new(start, end));
        Dependency {
            requirement,
            written: Written::Pep508(requirement_text.to_string()),
            file,
            span: Span::new(0, requirement_text.len()),
            specifier_span,
            scope: Scope::Production,
            hashes: line
                .split_whitespace()
                .filter_map(|word| word.strip_prefix("--hash="))
                .map(str::to_string)
                .collect(),
        }
    }

    /// A Poetry `name = "constraint"` entry, translated by hand as `pep508`.
    pub fn poetry(name: &str, constraint: &str, pep508: &str) -> Dependency {
        let line = format!("{name} = \"{constraint}\"");
        let file = SourceFile::new(
            "pyproject.toml",
            format!("[tool.poetry.dependencies]\n{line}\n"),
        );
        let start = "[tool.poetry.dependencies]\n".len();
        let value = start + name.len() + 3;
        Dependency {
            requirement: Requirement::from_str(pep508).unwrap(),
            written: Written::Poetry(constraint.to_string()),
            file,
            span: Span::new(start, start + line.len()),
            specifier_span: Some(Span::new(value, value + constraint.len() + 2)),
            scope: Scope::Production,
            hashes: Vec::new(),
        }
    }

    /// A Poetry `name = { version = "constraint", extras = ["standard"] }` entry.
    pub fn poetry_table(name: &str, constraint: &str, pep508: &str) -> Dependency {
        let mut dep = poetry(name, constraint, pep508);
        let header = "[tool.poetry.dependencies]\n";
        let line = format!("{name} = {{ version = \"{constraint}\", extras = [\"standard\"] }}");
        dep.file = SourceFile::new("pyproject.toml", format!("{header}{line}\n"));
        let value = header.len() + line.find('"').unwrap();
        dep.span = Span::new(header.len(), header.len() + line.len());
        dep.specifier_span = Some(Span::new(value, value + constraint.len() + 2));
        dep
    }

    /// The rules' findings for one dependency: `(rule, message, help, fixed text)`.
    pub fn lint(dep: &Dependency, layout: Layout) -> Vec<(String, String, String, Option<String>)> {
        let ctx = LintContext::new(layout);
        check_dependencies([dep], &ctx, &LintLevels::default())
            .into_iter()
            .map(|f| {
                let fixed = f.fix.as_ref().map(|edit| {
                    let mut text = f.file.text.clone();
                    text.replace_range(edit.span.start..edit.span.end, &edit.content);
                    text.trim_end().to_string()
                });
                (
                    f.rule.to_string(),
                    f.message,
                    f.help.unwrap_or_default(),
                    fixed,
                )
            })
            .collect()
    }

    /// Just the rule names reported for a requirements line.
    pub fn rules_for(line: &str) -> Vec<String> {
        lint(&req(line), Layout::Requirements)
            .into_iter()
            .map(|(rule, ..)| rule)
            .collect()
    }
}
