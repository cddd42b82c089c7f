//! Marker helpers for the universal resolver: markers simplified under the project's
//! requires-python, extras resolved out of Requires-Dist markers, and the boolean
//! operations the forks need. Version ranges are [`crate::version_range`]'s.
//!
//! Pure functions only; no policy decisions live here.

use std::ops::Bound;

use pep440_rs::Version;
use pep508_rs::{
    ExtraName, MarkerExpression, MarkerTree,
    marker::{ExtraOperator, MarkerValueExtra},
};

/// Simplifies a marker assuming the project's requires-python holds.
pub(crate) fn simplify(
    marker: MarkerTree,
    bounds: &(Bound<Version>, Bound<Version>),
) -> MarkerTree {
    marker.simplify_python_versions(bounds.0.as_ref(), bounds.1.as_ref())
}

/// A Requires-Dist marker with its `extra` clauses decided: `extra == 'x'` is true exactly
/// for the extras in `active`, false for every other extra. The result mentions no extra.
pub(crate) fn restrict_extras(marker: &MarkerTree, active: &[ExtraName]) -> MarkerTree {
    if marker.is_true() || marker.is_false() {
        return marker.clone();
    }
    let mut out = MarkerTree::FALSE;
    'conjunctions: for conjunction in marker.to_dnf() {
        let mut term = MarkerTree::TRUE;
        for expression in conjunction {
            if let MarkerExpression::Extra { operator, name } = &expression {
                let is_active = match name {
                    MarkerValueExtra::Extra(extra) => active.contains(extra),
                    MarkerValueExtra::Arbitrary(_) => false,
                };
                let holds = match operator {
                    ExtraOperator::Equal => is_active,
                    ExtraOperator::NotEqual => !is_active,
                };
                if holds {
                    continue;
                }
                continue 'conjunctions;
            }
            term.and(MarkerTree::expression(expression));
        }
        out.or(term);
    }
    out
}

/// Whether `a` and `b` can both hold.
pub(crate) fn overlaps(a: &MarkerTree, b: &MarkerTree) -> bool {
    !a.is_disjoint(b)
}

/// `a and b`.
pub(crate) fn and(a: &MarkerTree, b: &MarkerTree) -> MarkerTree {
    let mut out = a.clone();
    out.and(b.clone());
    out
}

/// `a or b`.
pub(crate) fn or(a: &MarkerTree, b: &MarkerTree) -> MarkerTree {
    let mut out = a.clone();
    out.or(b.clone());
    out
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn extras_are_decided() {
        let m = MarkerTree::from_str("sys_platform == 'linux' and extra == 'x'").unwrap();
        assert!(restrict_extras(&m, &[]).is_false());
        let x = ExtraName::from_str("x").unwrap();
        assert_eq!(
            restrict_extras(&m, &[x]),
            MarkerTree::from_str("sys_platform == 'linux'").unwrap()
        );
    }
}
