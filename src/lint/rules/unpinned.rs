//! `unpinned`: a dependency declared without any version constraint.

use pep440_rs::Version;

use super::{constraint_span, is_star, next_breaking, specifiers, suggest, written_constraint};
use crate::lint::{LintContext, Rule, Violation};
use crate::project::{Dependency, Layout};

/// `pandas` (PEP 508) or `pandas = "*"` (Poetry).
pub struct Unpinned;

impl Rule for Unpinned {
    fn name(&self) -> &'static str {
        "unpinned"
    }

    fn summary(&self) -> &'static str {
        "No version constraint (`pandas`, Poetry `*`)."
    }

    fn fix(&self) -> &'static str {
        "Pin it (`pandas==X.Y.Z`) or bound it (`pandas>=X.Y,<X+1`)."
    }

    fn doc(&self) -> &'static str {
        "Reports a dependency declared without a version constraint: PEP 508 `pandas` \
         (markers do not count) or Poetry `pandas = \"*\"`. Any release, including the next \
         major version, is accepted, so the next lock can change behaviour without a change \
         to the project. Applies to every scope (production, extras, dependency groups) and \
         to requirements files, at the same level. Fix: pin it (`pandas==X.Y.Z`) or bound it \
         (`pandas>=X.Y,<X+1`); with a pylock.toml the help names the locked version."
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        if !specifiers(dep)?.is_empty() {
            return None;
        }
        let name = &dep.requirement.name;
        // Poetry's `*` is spelled out: point at it rather than at the whole entry.
        let span = if is_star(&written_constraint(dep)) {
            constraint_span(dep)
        } else {
            dep.span
        };
        // With a lock, around the locked version; else placeholders.
        let (pin, bound) = match ctx.locked.get(name) {
            Some(v) => {
                let release = v.only_release();
                let major_minor = Version::new(release.release().iter().take(2).copied());
                if ctx.layout == Layout::Poetry {
                    (format!("{release}"), format!("^{major_minor}"))
                } else {
                    (
                        format!("=={v}"),
                        format!(">={major_minor},<{}", next_breaking(v)),
                    )
                }
            }
            None if ctx.layout == Layout::Poetry => ("X.Y.Z".to_owned(), "^X.Y".to_owned()),
            None => ("==X.Y.Z".to_owned(), ">=X.Y,<X+1".to_owned()),
        };
        let (pin, bound) = (pin.as_str(), bound.as_str());
        Some(
            Violation::new(dep, span, format!("`{name}` has no version specifier")).with_help(
                format!(
                    "pin it, e.g. {}, or bound it: {}",
                    suggest(dep, ctx, pin),
                    suggest(dep, ctx, bound)
                ),
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{lint, poetry, req, rules_for};
    use crate::project::Layout;

    #[test]
    fn with_a_lock_the_help_names_the_locked_version() {
        use crate::lint::{LintContext, LintLevels, check_dependencies};
        for (layout, help) in [
            (
                Layout::Requirements,
                "pin it, e.g. `pandas==2.2.3`, or bound it: `pandas>=2.2,<3`",
            ),
            (
                Layout::Poetry,
                "pin it, e.g. `pandas = \"2.2.3\"`, or bound it: `pandas = \"^2.2\"`",
            ),
        ] {
            let mut ctx = LintContext::new(layout);
            ctx.locked
                .insert("pandas".parse().unwrap(), "2.2.3".parse().unwrap());
            let dep = if layout == Layout::Poetry {
                poetry("pandas", "*", "pandas")
            } else {
                req("pandas")
            };
            let found = check_dependencies([&dep], &ctx, &LintLevels::default());
            assert_eq!(found[0].help.as_deref(), Some(help));
        }
    }

    #[test]
    fn bare_names_are_unpinned() {
        let text = "pandas\nnumpy\nscikit-learn";
        let found: Vec<_> = text.lines().flat_map(rules_for).collect();
        assert_eq!(found, ["unpinned", "unpinned", "unpinned"]);
    }

    #[test]
    fn message_and_help() {
        let found = lint(&req("pandas"), Layout::Requirements);
        assert_eq!(
            found,
            [(
                "unpinned".to_string(),
                "`pandas` has no version specifier".to_string(),
                "pin it, e.g. `pandas==X.Y.Z`, or bound it: `pandas>=X.Y,<X+1`".to_string(),
                None
            )]
        );
    }

    #[test]
    fn markers_and_extras_do_not_pin() {
        assert_eq!(rules_for("pandas ; python_version < '3.10'"), ["unpinned"]);
        let found = lint(&req("celery[redis]"), Layout::Requirements);
        assert!(found[0].2.contains("`celery[redis]==X.Y.Z`"), "{found:?}");
    }

    #[test]
    fn any_constraint_is_not_unpinned() {
        for line in [
            "flask==3.0.3",
            "requests>=2.31",
            "numpy<2",
            "foo!=1.0",
            "bar~=1.2",
        ] {
            assert!(!rules_for(line).contains(&"unpinned".to_string()), "{line}");
        }
        assert!(rules_for("foo @ https://example.com/foo-1.0.tar.gz#sha256=00").is_empty());
    }

    #[test]
    fn poetry_star_points_at_the_star() {
        let dep = poetry("pandas", "*", "pandas");
        let found = lint(&dep, Layout::Poetry);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "unpinned");
        assert_eq!(
            found[0].2,
            "pin it, e.g. `pandas = \"X.Y.Z\"`, or bound it: `pandas = \"^X.Y\"`"
        );
    }
}
