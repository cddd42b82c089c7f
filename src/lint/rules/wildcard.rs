//! `wildcard`: a version wildcard that lets a 0.x package move (`==0.*`, Poetry `0.*`).

use pep440_rs::Operator;

use super::{constraint_span, specifiers, suggest, written_constraint};
use crate::lint::{LintContext, Rule, Violation};
use crate::project::{Dependency, Layout, Written};

/// `foo==0.*`.
pub struct Wildcard;

impl Rule for Wildcard {
    fn name(&self) -> &'static str {
        "wildcard"
    }

    fn summary(&self) -> &'static str {
        "A 0.x wildcard (`==0.*`, Poetry `0.*`)."
    }

    fn fix(&self) -> &'static str {
        "Pin the minor version (`foo==0.Y.*`) or the exact version."
    }

    fn doc(&self) -> &'static str {
        "Reports a version wildcard on the 0.x line, `==0.*` (Poetry `0.*`): under semantic \
         versioning every 0.x minor release may break the API, so `0.*` accepts breaking \
         releases of an experimental package. Wildcards that stay on one minor or major \
         version (`==0.13.*`, `==1.*`) are not reported, and Poetry's bare `*` is reported \
         by `unpinned`, being no constraint at all. Applies to every scope and to \
         requirements files. Fix: pin the minor version (`foo==0.Y.*`) or the exact version. \
         Replaces `zero-ver-range` on the same dependency."
    }

    fn supersedes(&self) -> &'static [&'static str] {
        &["zero-ver-range"]
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let pep440 = specifiers(dep)?
            .iter()
            .any(|s| *s.operator() == Operator::EqualStar && s.version().release() == [0]);
        let poetry = matches!(&dep.written, Written::Poetry(text) if poetry_zero_wildcard(text));
        if !pep440 && !poetry {
            return None;
        }
        let name = &dep.requirement.name;
        let written = written_constraint(dep);
        let (minor, exact) = if ctx.layout == Layout::Poetry {
            ("0.Y.*", "0.Y.Z")
        } else {
            ("==0.Y.*", "==0.Y.Z")
        };
        Some(
            Violation::new(
                dep,
                constraint_span(dep),
                format!("`{name}` uses the wildcard `{written}`, which accepts every 0.x release"),
            )
            .with_help(format!(
                "pin the minor version, e.g. {}, or the exact version: {}",
                suggest(dep, ctx, minor),
                suggest(dep, ctx, exact)
            )),
        )
    }
}

/// Whether a Poetry constraint has a `0.*` clause (`0.*`, `==0.*`, `>=0.1, 0.*`, `0.* || 1.*`).
fn poetry_zero_wildcard(text: &str) -> bool {
    text.split("||")
        .flat_map(|part| part.split(','))
        .map(|clause| clause.trim().trim_start_matches('=').trim())
        .any(|clause| clause == "0.*")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lint, poetry, rules_for};
    use crate::project::Layout;

    #[test]
    fn zero_star_is_reported_once() {
        assert_eq!(rules_for("foo==0.*"), ["wildcard"]);
        assert_eq!(rules_for("foo >= 0.2, == 0.*"), ["wildcard"]);
    }

    #[test]
    fn narrow_wildcards_are_fine() {
        for line in ["bottle==0.13.*", "django==4.*", "numpy==1.26.*"] {
            assert!(rules_for(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn poetry_zero_star() {
        let dep = poetry("foo", "0.*", "foo>=0,<1");
        let found = lint(&dep, Layout::Poetry);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "wildcard");
        assert_eq!(
            found[0].1,
            "`foo` uses the wildcard `0.*`, which accepts every 0.x release"
        );
        assert_eq!(
            found[0].2,
            "pin the minor version, e.g. `foo = \"0.Y.*\"`, or the exact version: `foo = \"0.Y.Z\"`"
        );
        assert!(super::poetry_zero_wildcard("==0.*"));
        assert!(!super::poetry_zero_wildcard("0.4.*"));
        assert!(!super::poetry_zero_wildcard("*"));
    }
}
