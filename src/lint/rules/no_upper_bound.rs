//! `no-upper-bound`: only lower bounds (`>=`, `>`), so the next major release is accepted.

use std::ops::Bound;

use super::{
    allowed, constraint_span, lower_bound, next_breaking, replace_constraint, specifiers, suggest,
    written_constraint,
};
use crate::lint::{LintContext, Rule, Violation};
use crate::project::Dependency;

/// `requests>=2.31`.
pub struct NoUpperBound;

impl Rule for NoUpperBound {
    fn name(&self) -> &'static str {
        "no-upper-bound"
    }

    fn summary(&self) -> &'static str {
        "Only lower bounds (`requests>=2.31`)."
    }

    fn fix(&self) -> &'static str {
        "Add an upper bound at the next major version: `requests>=2.31,<3`."
    }

    fn doc(&self) -> &'static str {
        "Reports a constraint made only of lower bounds (`>=`, `>`, possibly with `!=` \
         exclusions), such as `requests>=2.31`: the next major release, which may break \
         the API, is accepted as soon as it is published. Applies to every scope and to \
         requirements files. Fix: add an upper bound at the next major version \
         (`requests>=2.31,<3`), or at the next minor version for a 0.x lower bound \
         (`>=0.4,<0.5`); with a pylock.toml, above the locked version when that is newer \
         (`psutil>=5.9,<8` with 7.2.2 locked). A 0.x lower bound is reported as \
         `zero-ver-range` instead, unless that rule is allowed."
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let specifiers = specifiers(dep)?;
        let lower = lower_bound(specifiers)?;
        let (low, high) = allowed(specifiers)
            .bounding_range()
            .map(|(l, h)| (l.cloned(), h.cloned()))?;
        if matches!(low, Bound::Unbounded) || !matches!(high, Bound::Unbounded) {
            return None;
        }
        let name = &dep.requirement.name;
        let written = written_constraint(dep);
        let mut violation = Violation::new(
            dep,
            constraint_span(dep),
            format!("`{name}` has no upper bound (`{written}`)"),
        );
        // Above what is locked, if that is newer: the bound must not undo the lock.
        let base = ctx.locked.get(name).filter(|v| *v > lower).unwrap_or(lower);
        let bounded = format!("{written},<{}", next_breaking(base));
        violation = if written.contains("||") {
            violation.with_help(format!(
                "add an upper bound to each `||` alternative, e.g. `{},<{}`",
                lower_bound_clause(specifiers),
                next_breaking(base)
            ))
        } else {
            violation
                .with_help(format!(
                    "add an upper bound: {}",
                    suggest(dep, ctx, &bounded)
                ))
                .with_fix(replace_constraint(dep, &bounded))
        };
        Some(violation)
    }
}

/// The `>=`/`>` clause giving the lower bound (for a Poetry union's help text).
fn lower_bound_clause(specifiers: &pep440_rs::VersionSpecifiers) -> String {
    specifiers
        .iter()
        .filter(|s| {
            matches!(
                s.operator(),
                pep440_rs::Operator::GreaterThanEqual | pep440_rs::Operator::GreaterThan
            )
        })
        .max_by(|a, b| a.version().cmp(b.version()))
        .map(ToString::to_string)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lint, poetry, poetry_table, req, rules_for};
    use crate::lint::{LintContext, LintLevels, check_dependencies};
    use crate::project::Layout;

    #[test]
    fn lower_bound_only() {
        let found = lint(&req("requests>=2.31"), Layout::Requirements);
        assert_eq!(
            found,
            [(
                "no-upper-bound".to_string(),
                "`requests` has no upper bound (`>=2.31`)".to_string(),
                "add an upper bound: `requests>=2.31,<3`".to_string(),
                Some("requests>=2.31,<3".to_string())
            )]
        );
    }

    #[test]
    fn keeps_extras_markers_and_spacing() {
        let found = lint(
            &req("celery[redis] >= 5.3, != 5.3.1 ; python_version >= '3.9'"),
            Layout::Requirements,
        );
        assert_eq!(
            found[0].2,
            "add an upper bound: `celery[redis]>= 5.3, != 5.3.1,<6`"
        );
        assert_eq!(
            found[0].3.as_deref(),
            Some("celery[redis] >= 5.3, != 5.3.1,<6 ; python_version >= '3.9'")
        );
        assert_eq!(rules_for("gunicorn>21"), ["no-upper-bound"]);
    }

    #[test]
    fn bounded_or_pinned_is_fine() {
        for line in [
            "flask==3.0.3",
            "django>=4.2,<6",
            "numpy~=1.26",
            "numpy<2",
            "numpy<=2",
            "bottle==0.13.*",
            "celery>=5.3,<=5.9",
            "foo===1.0",
        ] {
            assert!(
                !rules_for(line).contains(&"no-upper-bound".to_string()),
                "{line}"
            );
        }
    }

    #[test]
    fn zero_x_lower_bound_is_zero_ver_range_unless_allowed() {
        assert_eq!(rules_for("ruff>=0.4"), ["zero-ver-range"]);
        let levels = LintLevels::default()
            .with_overrides([], [], ["zero-ver-range"])
            .unwrap();
        let ctx = LintContext::new(Layout::Requirements);
        let found = check_dependencies([&req("ruff>=0.4")], &ctx, &levels);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "no-upper-bound");
        assert_eq!(
            found[0].help.as_deref(),
            Some("add an upper bound: `ruff>=0.4,<0.5`")
        );
    }

    #[test]
    fn the_bound_goes_above_the_locked_version() {
        let locked = |version: &str| {
            let mut ctx = LintContext::new(Layout::Requirements);
            ctx.locked.insert(
                "psutil".parse().unwrap(),
                version.parse::<pep440_rs::Version>().unwrap(),
            );
            ctx
        };
        let help = |ctx: &LintContext| {
            check_dependencies([&req("psutil>=5.9")], ctx, &LintLevels::default())[0]
                .help
                .clone()
                .unwrap()
        };
        assert_eq!(
            help(&locked("7.2.2")),
            "add an upper bound: `psutil>=5.9,<8`"
        );
        // A lock older than the lower bound (stale) does not lower it.
        assert_eq!(help(&locked("5.0")), "add an upper bound: `psutil>=5.9,<6`");
        assert_eq!(
            help(&LintContext::new(Layout::Requirements)),
            "add an upper bound: `psutil>=5.9,<6`"
        );
    }

    #[test]
    fn poetry_table_form_and_unions() {
        let dep = poetry_table("uvicorn", ">=1.17", "uvicorn>=1.17");
        let found = lint(&dep, Layout::Poetry);
        assert_eq!(found[0].2, "add an upper bound: `version = \">=1.17,<2\"`");
        assert_eq!(
            found[0].3.as_deref(),
            Some(
                "[tool.poetry.dependencies]\nuvicorn = { version = \">=1.17,<2\", extras = [\"standard\"] }"
            )
        );
        let dep = poetry("a", ">=1 || >=2", "a>=1");
        let found = lint(&dep, Layout::Poetry);
        assert_eq!(
            found[0].2,
            "add an upper bound to each `||` alternative, e.g. `>=1,<2`"
        );
        assert_eq!(found[0].3, None);
    }

    #[test]
    fn poetry_suggestion_uses_poetry_syntax() {
        let dep = poetry("requests", ">=2.31", "requests>=2.31");
        let found = lint(&dep, Layout::Poetry);
        assert_eq!(found[0].2, "add an upper bound: `requests = \">=2.31,<3\"`");
        assert_eq!(
            found[0].3.as_deref(),
            Some("[tool.poetry.dependencies]\nrequests = \">=2.31,<3\"")
        );
    }
}
