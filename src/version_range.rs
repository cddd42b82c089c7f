//! PEP 440 specifiers as pubgrub ranges and back: the version sets the resolver, the
//! Python-range logic and the conflict report share, with the PEP 440 cases a plain
//! conversion gets wrong (local versions under `==`, post-releases).
//!
//! Pure functions only; no policy decisions live here.

use std::ops::Bound;

use pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};
use pubgrub::Ranges;

/// The version-set type the solver works with.
pub(crate) type Range = Ranges<Version>;

/// The smallest version above every version that `==v` matches (`v` and `v+local`):
/// `v.post0.dev0`, or `v.post(N+1).dev0` for a post-release. `None` for dev or local
/// versions, where only the exact version matches.
pub(crate) fn exact_upper(version: &Version) -> Option<Version> {
    if !version.local().is_empty() || version.is_dev() {
        return None;
    }
    Some(match version.post() {
        Some(post) => version.clone().with_post(Some(post + 1)).with_dev(Some(0)),
        None => version.clone().with_post(Some(0)).with_dev(Some(0)),
    })
}

/// The range of one specifier, fixing three PEP 440 cases the plain conversion gets
/// wrong: `==X` becomes `[X, X.post0.dev0)` so that local versions such as `X+cpu` match;
/// `<=X` also admits `X+local`; `>X.postN` admits `X.post(N+1).devM`; `<X.postN` admits X's pre-releases.
pub(crate) fn specifier_range(specifier: &VersionSpecifier) -> Range {
    let version = specifier.version();
    match (specifier.operator(), exact_upper(version)) {
        (Operator::Equal, Some(upper)) => Range::from_range_bounds(version.clone()..upper),
        (Operator::NotEqual, Some(upper)) => {
            Range::from_range_bounds(version.clone()..upper).complement()
        }
        (Operator::LessThanEqual, Some(upper)) => Range::strictly_lower_than(upper),
        (Operator::GreaterThan, Some(upper)) if version.post().is_some() => {
            Range::higher_than(upper)
        }
        // `<X.postN` excludes only X.postN's own dev releases (pep440_rs's `min` marker
        // would also drop X's pre-releases).
        (Operator::LessThan, Some(_)) if version.post().is_some() && !version.any_prerelease() => {
            Range::strictly_lower_than(version.clone().with_dev(Some(0)))
        }
        _ => Range::from(specifier.clone()),
    }
}

/// The range allowed by a whole specifier set (`None`: any version).
pub(crate) fn specifiers_range(specifiers: Option<&VersionSpecifiers>) -> Range {
    let mut range = Range::full();
    for specifier in specifiers.into_iter().flat_map(|s| s.iter()) {
        range = range.intersection(&specifier_range(specifier));
    }
    range
}

/// Whether a specifier set names a pre-release (the user's opt-in to pre-releases).
pub(crate) fn mentions_prerelease(specifiers: Option<&VersionSpecifiers>) -> bool {
    specifiers
        .into_iter()
        .flat_map(|s| s.iter())
        .any(|s| s.version().any_prerelease())
}

/// The exact version a specifier set pins with `==` / `===`, if any.
pub(crate) fn exact_pins(specifiers: Option<&VersionSpecifiers>) -> Vec<Range> {
    specifiers
        .into_iter()
        .flat_map(|s| s.iter())
        .filter(|s| matches!(s.operator(), Operator::Equal | Operator::ExactEqual))
        .map(specifier_range)
        .collect()
}

/// A range written as PEP 440 for messages: `>=1.0,<2.0`, `==1.0.0`, `` (any version);
/// a union of intervals is joined with ` or `.
pub(crate) fn range_to_pep440(range: &Range) -> String {
    // Holes of exactly one version (`!=X`) keep the whole range on one line.
    let segments: Vec<_> = range.iter().collect();
    let mut excluded = Vec::new();
    for pair in segments.windows(2) {
        match (pair[0].1, pair[1].0) {
            (Bound::Excluded(x), Bound::Included(y)) if exact_upper(x).as_ref() == Some(y) => {
                excluded.push(format!("!={x}"));
            }
            // The hole left by a single version taken out (`<x or >x`).
            (Bound::Excluded(x), Bound::Excluded(y)) if x == y => {
                excluded.push(format!("!={x}"));
            }
            _ => {
                excluded.clear();
                break;
            }
        }
    }
    if let (Some(first), Some(last)) = (segments.first(), segments.last())
        && segments.len() > 1
        && excluded.len() == segments.len() - 1
    {
        let outer = interval_to_pep440(first.0, last.1);
        let mut clauses: Vec<String> = Vec::new();
        if !outer.is_empty() {
            clauses.push(outer);
        }
        clauses.extend(excluded);
        return clauses.join(",");
    }
    let mut parts = Vec::new();
    for (lower, upper) in range.iter() {
        parts.push(interval_to_pep440(lower, upper));
    }
    parts.join(" or ")
}

fn interval_to_pep440(lower: &Bound<Version>, upper: &Bound<Version>) -> String {
    if let (Bound::Included(l), Bound::Excluded(u)) = (lower, upper)
        && exact_upper(l).as_ref() == Some(u)
    {
        return format!("=={l}");
    }
    if let (Bound::Included(l), Bound::Included(u)) = (lower, upper)
        && l == u
    {
        return format!("=={l}");
    }
    let mut clauses = Vec::new();
    match lower {
        Bound::Included(v) => clauses.push(format!(">={v}")),
        Bound::Excluded(v) => clauses.push(format!(">{}", display_bound_version(v))),
        Bound::Unbounded => {}
    }
    match upper {
        Bound::Included(v) => clauses.push(format!("<={v}")),
        Bound::Excluded(v) => match exact_upper_inverse(v) {
            Some(base) => clauses.push(format!("<={base}")),
            None => clauses.push(format!("<{}", display_bound_version(v))),
        },
        Bound::Unbounded => {}
    }
    if clauses.is_empty() {
        return String::new();
    }
    clauses.join(",")
}

/// `X` when `v` is `X.post0.dev0` (the upper end of `<=X`).
fn exact_upper_inverse(v: &Version) -> Option<Version> {
    if v.post() == Some(0) && v.dev() == Some(0) && v.local().is_empty() {
        return Some(v.clone().with_post(None).with_dev(None));
    }
    None
}

/// pep440_rs encodes `<2` as `< 2.min0` and `>2` as `> 2.max0`; print the plain version.
fn display_bound_version(v: &Version) -> String {
    let mut plain = v.clone();
    if Version::min(&plain).is_some() {
        plain = plain.with_min(None);
    }
    if Version::max(&plain).is_some() {
        plain = plain.with_max(None);
    }
    plain.to_string()
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn specs(s: &str) -> VersionSpecifiers {
        VersionSpecifiers::from_str(s).unwrap()
    }

    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    #[test]
    fn exact_pin_matches_local_versions() {
        let range = specifiers_range(Some(&specs("==1.0")));
        assert!(range.contains(&v("1.0")));
        assert!(range.contains(&v("1.0.0")));
        assert!(range.contains(&v("1.0+cpu")));
        assert!(!range.contains(&v("1.0.post0")));
        assert!(!range.contains(&v("1.0.1")));
        assert!(!range.contains(&v("1.0a1")));
        assert_eq!(range_to_pep440(&range), "==1.0");
    }

    #[test]
    fn ranges_print_as_pep440() {
        assert_eq!(
            range_to_pep440(&specifiers_range(Some(&specs(">=1,<2")))),
            ">=1,<2"
        );
        assert_eq!(range_to_pep440(&specifiers_range(Some(&specs(">1")))), ">1");
        assert_eq!(range_to_pep440(&specifiers_range(None)), "");
        assert_eq!(
            range_to_pep440(&specifiers_range(Some(&specs("!=1.5")))),
            "!=1.5"
        );
        // Single versions the solver took out of a range (`Range::singleton`).
        let holes = specifiers_range(Some(&specs(">=3.16")))
            .intersection(&Range::singleton(v("3.18.0")).complement())
            .intersection(&Range::singleton(v("3.18.1")).complement());
        assert_eq!(range_to_pep440(&holes), ">=3.16,!=3.18.0,!=3.18.1");
        let gap = Range::strictly_lower_than(v("1")).union(&Range::strictly_higher_than(v("2")));
        assert_eq!(range_to_pep440(&gap), "<1 or >2");
    }
}
