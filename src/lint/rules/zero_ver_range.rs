//! `zero-ver-range`: a 0.x package allowed to move across minor versions.
//!
//! Under semantic versioning a 0.x minor release (0.4 -> 0.5) may break the API, so an
//! experimental package should be pinned exactly or kept on one minor version
//! (`>=0.4.2,<0.5`, `~=0.4.2`, Poetry `^0.4.2` / `~0.4.2`).

use std::fmt::Write as _;
use std::ops::Bound;

use pep440_rs::{Operator, Version};
use pubgrub::Ranges;

use super::{
    allowed, constraint_span, replace_constraint, specifiers, suggest, written_constraint,
};
use crate::lint::{LintContext, Rule, Violation};
use crate::project::{Dependency, Layout};

/// `ruff>=0.4`, `ruff>=0.4,<1`, `ruff~=0.4`.
pub struct ZeroVerRange;

impl Rule for ZeroVerRange {
    fn name(&self) -> &'static str {
        "zero-ver-range"
    }

    fn summary(&self) -> &'static str {
        "A 0.x package may move minor versions (`>=0.4`, `~=0.4`)."
    }

    fn fix(&self) -> &'static str {
        "Pin it (`ruff==0.4.Z`) or stay on one minor: `ruff>=0.4,<0.5`."
    }

    fn doc(&self) -> &'static str {
        "Reports a 0.x package whose constraint accepts a later minor version than its \
         lower bound: `ruff>=0.4`, `>=0.4,<1`, `~=0.4` (which allows 0.5), Poetry `>=0.4`. \
         Under semantic versioning every 0.x minor release may break the API, so \
         experimental packages should be pinned exactly. Constraints that stay on one minor \
         version are fine: `==0.4.2`, `~=0.4.2`, `==0.4.*`, Poetry `^0.4.2` (`<0.5`). Applies \
         to every scope and to requirements files. Fix: pin it (`ruff==0.4.Z`) or keep it on \
         one minor version (`ruff>=0.4,<0.5`). Replaces `no-upper-bound` on the same \
         dependency."
    }

    fn supersedes(&self) -> &'static [&'static str] {
        &["no-upper-bound"]
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let specifiers = specifiers(dep)?;
        let range = allowed(specifiers);
        let (low, _) = range.bounding_range()?;
        let (Bound::Included(low) | Bound::Excluded(low)) = low else {
            return None;
        };
        let release = low.release();
        if low.epoch() != 0 || release.first().copied().unwrap_or(0) != 0 {
            return None;
        }
        let minor = release.get(1).copied().unwrap_or(0);
        let next = Version::new([0, minor.saturating_add(1)]);
        let beyond = Ranges::higher_than(next.clone().with_dev(Some(0)));
        if range.is_disjoint(&beyond) {
            return None;
        }
        let name = &dep.requirement.name;
        let written = written_constraint(dep);
        // Keep the user's lower clause (`>=0.4.2`, `>0.4`) and exclusions; else start at
        // the lowest allowed release.
        let lower_clause = specifiers
            .iter()
            .filter(|s| {
                matches!(
                    s.operator(),
                    Operator::GreaterThanEqual | Operator::GreaterThan
                )
            })
            .max_by(|a, b| a.version().cmp(b.version()))
            .map_or_else(|| format!(">={}", low.only_release()), ToString::to_string);
        let mut bounded = format!("{lower_clause},<{next}");
        for exclusion in specifiers
            .iter()
            .filter(|s| matches!(s.operator(), Operator::NotEqual | Operator::NotEqualStar))
        {
            let _ = write!(bounded, ",{exclusion}");
        }
        if release.len() < 2 {
            // `==0.*`, `>=0`: no minor version to suggest.
            let (pin, bounded) = if ctx.layout == Layout::Poetry {
                ("0.Y.Z", "~0.Y.Z")
            } else {
                ("==0.Y.Z", ">=0.Y.Z,<0.Y+1")
            };
            return Some(
                Violation::new(
                    dep,
                    constraint_span(dep),
                    format!(
                        "`{name}` is a 0.x package and `{written}` lets it move across minor versions"
                    ),
                )
                .with_help(format!(
                    "pin it exactly, e.g. {}, or keep it on one minor version: {}",
                    suggest(dep, ctx, pin),
                    suggest(dep, ctx, bounded)
                )),
            );
        }
        let pin = if ctx.layout == Layout::Poetry {
            format!("0.{minor}.Z")
        } else {
            format!("==0.{minor}.Z")
        };
        let mut violation = Violation::new(
            dep,
            constraint_span(dep),
            format!("`{name}` is a 0.x package and `{written}` lets it move across minor versions"),
        )
        .with_help(format!(
            "pin it exactly, e.g. {}, or keep it on one minor version: {}",
            suggest(dep, ctx, &pin),
            suggest(dep, ctx, &bounded)
        ));
        if !written.contains("||") {
            violation = violation.with_fix(replace_constraint(dep, &bounded));
        }
        Some(violation)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lint, poetry, req, rules_for};
    use crate::project::Layout;

    #[test]
    fn zero_x_ranges_that_cross_minors() {
        for line in [
            "ruff>=0.4",
            "ruff>=0.4,<1",
            "ruff~=0.4",
            "ruff>0.4",
            "ruff>=0.4,<0.5.1",
            "ruff>=0.0.3,<=0.1",
            "ruff>=0.4,!=0.4.3",
        ] {
            assert_eq!(rules_for(line), ["zero-ver-range"], "{line}");
        }
    }

    #[test]
    fn one_minor_is_fine() {
        for line in [
            "ruff==0.4.2",
            "ruff~=0.4.2",
            "ruff==0.4.*",
            "ruff>=0.4.2,<0.5",
            "ruff>=0.0.3,<0.0.4",
            "bottle==0.13.*",
            "ruff<0.5",
            "django>=4.2,<6",
        ] {
            assert!(rules_for(line).is_empty(), "{line}: {:?}", rules_for(line));
        }
    }

    #[test]
    fn help_and_fix() {
        let found = lint(&req("ruff>=0.4.2,<1"), Layout::Requirements);
        assert_eq!(
            found[0].1,
            "`ruff` is a 0.x package and `>=0.4.2,<1` lets it move across minor versions"
        );
        assert_eq!(
            found[0].2,
            "pin it exactly, e.g. `ruff==0.4.Z`, or keep it on one minor version: `ruff>=0.4.2,<0.5`"
        );
        assert_eq!(found[0].3.as_deref(), Some("ruff>=0.4.2,<0.5"));
        let found = lint(&req("ruff~=0.4"), Layout::Requirements);
        assert_eq!(found[0].3.as_deref(), Some("ruff>=0.4,<0.5"));
        let found = lint(&req("ruff>=0.4,!=0.4.3"), Layout::Requirements);
        assert_eq!(found[0].3.as_deref(), Some("ruff>=0.4,<0.5,!=0.4.3"));
        let found = lint(&req("ruff>=0"), Layout::Requirements);
        assert_eq!(
            found[0].2,
            "pin it exactly, e.g. `ruff==0.Y.Z`, or keep it on one minor version: `ruff>=0.Y.Z,<0.Y+1`"
        );
        assert_eq!(found[0].3, None);
    }

    #[test]
    fn poetry_caret_on_zero_x_is_fine() {
        let dep = poetry("fastapi", "^0.75.0", "fastapi>=0.75.0,<0.76.0");
        assert!(lint(&dep, Layout::Poetry).is_empty());
        let dep = poetry("fastapi", ">=0.75", "fastapi>=0.75");
        let found = lint(&dep, Layout::Poetry);
        assert_eq!(found[0].0, "zero-ver-range");
        assert_eq!(
            found[0].3.as_deref(),
            Some("[tool.poetry.dependencies]\nfastapi = \">=0.75,<0.76\"")
        );
    }
}
