//! `not-equal-only`: a constraint made only of `!=` exclusions.

use pep440_rs::Operator;

use super::{constraint_span, specifiers, suggest, written_constraint};
use crate::lint::{LintContext, Rule, Violation};
use crate::project::Dependency;

/// `foo!=1.2.3`.
pub struct NotEqualOnly;

impl Rule for NotEqualOnly {
    fn name(&self) -> &'static str {
        "not-equal-only"
    }

    fn summary(&self) -> &'static str {
        "Only `!=` exclusions (`foo!=1.2.3`)."
    }

    fn fix(&self) -> &'static str {
        "Add bounds and keep the exclusion: `foo>=X.Y,<X+1,!=1.2.3`."
    }

    fn doc(&self) -> &'static str {
        "Reports a constraint made only of `!=` clauses, such as `foo!=1.2.3`: it excludes a \
         known-bad release but otherwise accepts any version, including the next major one. \
         Applies to every scope and to requirements files. Fix: keep the exclusion and add \
         bounds (`foo>=X.Y,<X+1,!=1.2.3`)."
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let specifiers = specifiers(dep)?;
        if specifiers.is_empty()
            || !specifiers
                .iter()
                .all(|s| matches!(s.operator(), Operator::NotEqual | Operator::NotEqualStar))
        {
            return None;
        }
        let name = &dep.requirement.name;
        let written = written_constraint(dep);
        Some(
            Violation::new(
                dep,
                constraint_span(dep),
                format!("`{name}` only excludes versions (`{written}`)"),
            )
            .with_help(format!(
                "add bounds and keep the exclusion, e.g. {}",
                suggest(dep, ctx, &format!(">=X.Y,<X+1,{written}"))
            )),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lint, req, rules_for};
    use crate::project::Layout;

    #[test]
    fn exclusions_only() {
        assert_eq!(rules_for("foo!=1.2.3"), ["not-equal-only"]);
        assert_eq!(rules_for("foo!=1.2.3,!=1.4.*"), ["not-equal-only"]);
        let found = lint(&req("foo!=1.2.3"), Layout::Requirements);
        assert_eq!(found[0].1, "`foo` only excludes versions (`!=1.2.3`)");
        assert_eq!(
            found[0].2,
            "add bounds and keep the exclusion, e.g. `foo>=X.Y,<X+1,!=1.2.3`"
        );
    }

    #[test]
    fn exclusions_with_bounds_are_not_this_rule() {
        assert!(rules_for("foo>=1,<2,!=1.2.3").is_empty());
        assert_eq!(rules_for("foo>=1,!=1.2.3"), ["no-upper-bound"]);
        assert_eq!(rules_for("foo"), ["unpinned"]);
    }
}
