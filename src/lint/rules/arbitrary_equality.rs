//! `arbitrary-equality`: the `===` operator, which PEP 440 discourages.

use pep440_rs::Operator;

use super::{constraint_span, constraint_text_span, specifiers, suggest};
use crate::lint::{Edit, LintContext, Rule, Violation};
use crate::project::Dependency;
use crate::source::Span;

/// `foo===1.0`.
pub struct ArbitraryEquality;

impl Rule for ArbitraryEquality {
    fn name(&self) -> &'static str {
        "arbitrary-equality"
    }

    fn summary(&self) -> &'static str {
        "Arbitrary equality `===` (a string comparison)."
    }

    fn fix(&self) -> &'static str {
        "Use `==`: `foo==1.0`."
    }

    fn doc(&self) -> &'static str {
        "Reports the `===` operator (PEP 440 \"arbitrary equality\"): it compares version \
         strings without normalisation, so `foo===1.0` does not match a release published as \
         `1.0.0`, and PEP 440 says its use is heavily discouraged. Applies to every scope and \
         to requirements files. Fix: use `==` (`foo==1.0`)."
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let clause = specifiers(dep)?
            .iter()
            .find(|s| *s.operator() == Operator::ExactEqual)?;
        let name = &dep.requirement.name;
        let version = clause.version();
        let fix = constraint_text_span(dep).and_then(|span| {
            let at = dep.file.slice(span).find("===")?;
            Some(Edit {
                span: Span::new(span.start + at, span.start + at + 3),
                content: "==".to_string(),
            })
        });
        Some(
            Violation::new(
                dep,
                constraint_span(dep),
                format!("`{name}` uses arbitrary equality `==={version}`"),
            )
            .with_help(format!(
                "use `==`, which compares versions, not strings: {}",
                suggest(dep, ctx, &format!("=={version}"))
            ))
            .with_fix(fix),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lint, req, rules_for};
    use crate::project::Layout;

    #[test]
    fn triple_equals() {
        let found = lint(&req("foo===1.0"), Layout::Requirements);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "arbitrary-equality");
        assert_eq!(found[0].1, "`foo` uses arbitrary equality `===1.0`");
        assert_eq!(
            found[0].2,
            "use `==`, which compares versions, not strings: `foo==1.0`"
        );
        assert_eq!(found[0].3.as_deref(), Some("foo==1.0"));
    }

    #[test]
    fn double_equals_is_fine() {
        assert!(rules_for("foo==1.0").is_empty());
    }
}
