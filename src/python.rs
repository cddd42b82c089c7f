//! Python version ranges: a project's or a package's Requires-Python as a range or a
//! `python_full_version` marker, the Python versions a marker holds for, and how lower
//! bounds compare. The resolver (forks, candidates) and `outdated` (does a release
//! support the project's Python) both ask these questions; the answers live only here.
//!
//! Pure functions; no policy beyond "a package's Requires-Python upper bounds at Python
//! 4 or above are ignored" (no Python 4 exists).

use std::ops::Bound;

use pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};
use pep508_rs::{MarkerExpression, MarkerTree, MarkerTreeKind, MarkerValueVersion};
use pubgrub::Ranges;

/// `python_full_version <op> 'v'` as a marker.
fn python_marker(specifier: VersionSpecifier) -> MarkerTree {
    MarkerTree::expression(MarkerExpression::Version {
        key: MarkerValueVersion::PythonFullVersion,
        specifier,
    })
}

/// A requires-python specifier set as a marker on `python_full_version` (`true` for `None`).
pub(crate) fn requires_python_marker(requires_python: Option<&VersionSpecifiers>) -> MarkerTree {
    let mut marker = MarkerTree::TRUE;
    for specifier in requires_python.into_iter().flat_map(|s| s.iter()) {
        marker.and(python_marker(specifier.clone()));
    }
    marker
}

/// A package's Requires-Python as a marker on `python_full_version`: the Pythons a
/// version can be installed on (pip refuses it on any other).
///
/// Lower bounds, exclusions (`!=3.9.0`, `!=3.0.*`) and upper bounds below Python 4
/// (`<3.13`, `<=3.11`, `==3.12.*`, `~=3.9.1`) are kept. Upper bounds at Python 4 or above
/// (`<4`, and the `<4` implied by `~=3.8` and `==3.*`) are dropped: no Python 4 exists,
/// and honouring them would split every lock at 4 for nothing. `===` is ignored. `None`
/// when nothing is left.
pub(crate) fn requires_python_fit_marker(
    requires_python: Option<&VersionSpecifiers>,
) -> Option<MarkerTree> {
    let mut marker = MarkerTree::TRUE;
    for specifier in requires_python.into_iter().flat_map(|s| s.iter()) {
        let version = specifier.version().clone();
        let kept = match specifier.operator() {
            Operator::GreaterThanEqual
            | Operator::GreaterThan
            | Operator::NotEqual
            | Operator::NotEqualStar => specifier.clone(),
            Operator::LessThan | Operator::LessThanEqual => match python_cap(specifier) {
                Some(cap) => cap,
                None => continue,
            },
            Operator::Equal if below_python_4(&version) => specifier.clone(),
            // As two comparisons: pep508_rs reads `python_full_version ~= '3.9.0'` as
            // `~=3.9`.
            Operator::Equal | Operator::EqualStar | Operator::TildeEqual => {
                if let Some(cap) = python_cap(specifier) {
                    marker.and(python_marker(cap));
                }
                VersionSpecifier::greater_than_equal_version(version)
            }
            Operator::ExactEqual => continue,
        };
        marker.and(python_marker(kept));
    }
    (!marker.is_true()).then_some(marker)
}

/// The upper bound below Python 4 that a Requires-Python specifier puts on the Python
/// version, as a `<` or `<=` specifier: `<3.13` and `<=3.11` themselves, `==3.12.*` ->
/// `<3.13`, `~=3.9.1` -> `<3.10`. `None` for lower bounds, exclusions, `==X`, and caps at
/// Python 4 or above (`<4`, `~=3.8`, `==3.*`).
pub(crate) fn python_cap(specifier: &VersionSpecifier) -> Option<VersionSpecifier> {
    let release = specifier.version().release();
    let cap = match specifier.operator() {
        Operator::LessThan | Operator::LessThanEqual => specifier.clone(),
        Operator::EqualStar | Operator::TildeEqual => {
            let kept = match specifier.operator() {
                Operator::EqualStar => release.len(),
                _ => release.len().checked_sub(1)?,
            };
            let mut upper: Vec<u64> = release.get(..kept)?.to_vec();
            *upper.last_mut()? += 1;
            VersionSpecifier::less_than_version(Version::new(upper))
        }
        _ => return None,
    };
    below_python_4(cap.version()).then_some(cap)
}

/// Whether a Python version is below 4.
fn below_python_4(version: &Version) -> bool {
    version.release().first().is_some_and(|major| *major < 4)
}

/// The lowest Python a marker can hold for (`Unbounded` when it holds for every old Python
/// or does not mention the Python version). Orders forks: the highest Python goes first.
pub(crate) fn python_lower_bound(marker: &MarkerTree) -> Bound<Version> {
    match marker_pythons(marker).bounding_range() {
        Some((lower, _)) => lower.cloned(),
        None => Bound::Unbounded,
    }
}

/// Orders lower bounds: `Unbounded` lowest, then by version, `Excluded(v)` above `Included(v)`.
pub(crate) fn cmp_lower_bounds(a: Bound<&Version>, b: Bound<&Version>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Bound::Unbounded, Bound::Unbounded) => Ordering::Equal,
        (Bound::Unbounded, _) => Ordering::Less,
        (_, Bound::Unbounded) => Ordering::Greater,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            x.cmp(y).then_with(|| {
                let rank = |b: Bound<&Version>| u8::from(matches!(b, Bound::Excluded(_)));
                rank(a).cmp(&rank(b))
            })
        }
    }
}

/// The bounds of a requires-python specifier set, for `simplify_python_versions`, read
/// as Python releases (`==3.13.*` is `[3.13, 3.14)`, as the markers read it, so a marker
/// that restates requires-python simplifies away).
pub(crate) fn python_bounds(
    requires_python: Option<&VersionSpecifiers>,
) -> (Bound<Version>, Bound<Version>) {
    let range = requires_python.map_or_else(Ranges::full, |s| {
        pep440_rs::release_specifiers_to_ranges(s.clone())
    });
    match range.bounding_range() {
        Some((lower, upper)) => (lower.cloned(), upper.cloned()),
        None => (Bound::Unbounded, Bound::Unbounded),
    }
}

/// The project's Python range, for testing a version's Requires-Python.
///
/// A version supports the project when its Requires-Python admits the project's lowest
/// Python (its lower bound is not above the project's) and overlaps the project's range.
/// Upper bounds such as `<4` are otherwise ignored, as uv and pip do, so a package
/// declaring `>=3.8,<4` still counts for a project declaring `>=3.9`.
#[derive(Debug, Clone)]
pub(crate) struct PythonRange {
    range: Option<Ranges<Version>>,
}

impl PythonRange {
    pub(crate) fn new(requires_python: Option<&VersionSpecifiers>) -> Self {
        Self {
            range: requires_python.map(|s| pep440_rs::release_specifiers_to_ranges(s.clone())),
        }
    }

    /// The range for a locked version whose lock marker is `marker`: a lock forked on
    /// Python holds each version only for part of the project's range.
    pub(crate) fn narrowed(&self, marker: &MarkerTree) -> Self {
        let pythons = marker_pythons(marker);
        if pythons == Ranges::full() {
            return self.clone();
        }
        let range = match &self.range {
            Some(project) => project.intersection(&pythons),
            None => pythons,
        };
        if range.is_empty() {
            // A marker no Python of the project satisfies: compare against the whole range.
            return self.clone();
        }
        Self { range: Some(range) }
    }

    pub(crate) fn admits(&self, requires_python: Option<&VersionSpecifiers>) -> bool {
        let (Some(project), Some(requires_python)) = (&self.range, requires_python) else {
            return true;
        };
        let package = pep440_rs::release_specifiers_to_ranges(requires_python.clone());
        let (Some((project_lower, _)), Some((package_lower, _))) =
            (project.bounding_range(), package.bounding_range())
        else {
            return false;
        };
        cmp_lower_bounds(package_lower, project_lower).is_le() && !package.is_disjoint(project)
    }
}

/// The Python versions under which `marker` can hold (every other variable free).
pub(crate) fn marker_pythons(marker: &MarkerTree) -> Ranges<Version> {
    let union = |children: &mut dyn Iterator<Item = MarkerTree>| {
        children.fold(Ranges::empty(), |acc, child| {
            acc.union(&marker_pythons(&child))
        })
    };
    match marker.kind() {
        MarkerTreeKind::True => Ranges::full(),
        MarkerTreeKind::False => Ranges::empty(),
        MarkerTreeKind::Version(node) => {
            let python = matches!(
                node.key(),
                MarkerValueVersion::PythonFullVersion | MarkerValueVersion::PythonVersion
            );
            node.edges().fold(Ranges::empty(), |acc, (range, child)| {
                let below = marker_pythons(&child);
                let edge = if python {
                    range.intersection(&below)
                } else {
                    below
                };
                acc.union(&edge)
            })
        }
        MarkerTreeKind::String(node) => union(&mut node.children().map(|(_, child)| child)),
        MarkerTreeKind::In(node) => union(&mut node.children().map(|(_, child)| child)),
        MarkerTreeKind::Contains(node) => union(&mut node.children().map(|(_, child)| child)),
        MarkerTreeKind::Extra(node) => union(&mut node.children().map(|(_, child)| child)),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn v(s: &str) -> Version {
        Version::from_str(s).unwrap()
    }

    fn specs(s: &str) -> VersionSpecifiers {
        VersionSpecifiers::from_str(s).unwrap()
    }

    fn overlaps(a: &MarkerTree, b: &MarkerTree) -> bool {
        !a.is_disjoint(b)
    }

    #[test]
    fn requires_python_keeps_upper_bounds_below_python_4() {
        let fit = |s: &str| requires_python_fit_marker(Some(&specs(s)));
        let marker = |s: &str| MarkerTree::from_str(s).unwrap();
        assert_eq!(
            fit(">=3.10,<3.13").unwrap(),
            marker("python_full_version >= '3.10' and python_full_version < '3.13'")
        );
        assert_eq!(
            fit("<=3.8").unwrap(),
            marker("python_full_version <= '3.8'")
        );
        assert_eq!(
            fit("==3.12.*").unwrap(),
            marker("python_full_version >= '3.12' and python_full_version < '3.13'")
        );
        assert_eq!(
            fit("~=3.9.0").unwrap(),
            marker("python_full_version >= '3.9' and python_full_version < '3.10'")
        );
        assert_eq!(
            fit("~=3.9.1").unwrap(),
            marker("python_full_version >= '3.9.1' and python_full_version < '3.10'")
        );
        // `<4` and the `<4` of `~=3.8` / `==3.*` split nothing: there is no Python 4.
        assert_eq!(
            fit(">=3.8,<4").unwrap(),
            marker("python_full_version >= '3.8'")
        );
        assert_eq!(
            fit("~=3.8").unwrap(),
            marker("python_full_version >= '3.8'")
        );
        assert_eq!(fit("==3.*").unwrap(), marker("python_full_version >= '3'"));
        assert!(fit("<4.0").is_none());
        // Exclusions stay: cryptography 50 cannot install on 3.9.0 or 3.9.1.
        let m = fit(">=3.9, !=3.9.0, !=3.9.1").unwrap();
        let full =
            |py: &str| MarkerTree::from_str(&format!("python_full_version == '{py}'")).unwrap();
        for (py, ok) in [
            ("3.8.10", false),
            ("3.9.0", false),
            ("3.9.1", false),
            ("3.9.2", true),
            ("3.14.0", true),
        ] {
            assert_eq!(overlaps(&m, &full(py)), ok, "{py}");
        }
    }

    #[test]
    fn markers_restating_requires_python_simplify_away() {
        let bounds = python_bounds(Some(&specs("==3.13.*")));
        let marker = MarkerTree::from_str("python_full_version == '3.13.*'").unwrap();
        assert!(
            marker
                .simplify_python_versions(bounds.0.as_ref(), bounds.1.as_ref())
                .is_true()
        );
        let bounds = python_bounds(Some(&specs(">=3.9,<3.14")));
        let marker = MarkerTree::from_str("python_full_version < '3.12'").unwrap();
        assert_eq!(
            marker
                .clone()
                .simplify_python_versions(bounds.0.as_ref(), bounds.1.as_ref()),
            marker
        );
    }

    #[test]
    fn python_lower_bounds_order_forks() {
        let lower = |m: &str| python_lower_bound(&MarkerTree::from_str(m).unwrap());
        assert_eq!(
            lower("python_full_version >= '3.15'"),
            Bound::Included(v("3.15"))
        );
        assert_eq!(
            lower("python_full_version >= '3.11' and python_full_version < '3.15'"),
            Bound::Included(v("3.11"))
        );
        assert_eq!(lower("python_full_version < '3.11'"), Bound::Unbounded);
        assert_eq!(lower("sys_platform == 'linux'"), Bound::Unbounded);
        assert_eq!(
            lower("python_full_version >= '3.12' or python_full_version == '3.10.1'"),
            Bound::Included(v("3.10.1"))
        );
        assert!(cmp_lower_bounds(Bound::Excluded(&v("3.9")), Bound::Included(&v("3.9"))).is_gt());
        assert!(cmp_lower_bounds(Bound::Unbounded, Bound::Included(&v("3.0"))).is_lt());
    }

    #[test]
    fn marker_python_ranges() {
        let pythons = |m: &str| marker_pythons(&MarkerTree::from_str(m).unwrap());
        let range = |s: &str| {
            pep440_rs::release_specifiers_to_ranges(VersionSpecifiers::from_str(s).unwrap())
        };
        assert_eq!(pythons("python_version >= '3.10'"), range(">=3.10"));
        assert_eq!(
            pythons("sys_platform == 'win32' and python_full_version < '3.11'"),
            range("<3.11")
        );
        assert_eq!(
            pythons("python_version < '3.10' or python_version >= '3.12'"),
            range("<3.10").union(&range(">=3.12"))
        );
        assert_eq!(pythons("sys_platform == 'linux'"), Ranges::full());
    }

    #[test]
    fn python_support_compares_lower_bounds() {
        let project = |s: &str| PythonRange::new(Some(&VersionSpecifiers::from_str(s).unwrap()));
        let admits =
            |p: &PythonRange, s: &str| p.admits(Some(&VersionSpecifiers::from_str(s).unwrap()));
        let from_39 = project(">=3.9");
        assert!(admits(&from_39, ">=3.9"));
        assert!(admits(&from_39, ">=3.8,<4"));
        assert!(admits(&from_39, ">=3.6,!=3.7.*"));
        assert!(admits(&from_39, "~=3.9"));
        assert!(!admits(&from_39, ">=3.9.1"));
        assert!(!admits(&from_39, ">3.9"));
        assert!(!admits(&from_39, ">=3.10"));
        assert!(!admits(&from_39, "<3.9"));
        assert!(from_39.admits(None));
        let above_39 = project(">3.9");
        assert!(admits(&above_39, ">3.9"));
        assert!(admits(&above_39, ">=3.9"));
        assert!(!admits(&above_39, ">=3.9.1"));
        assert!(
            PythonRange::new(None).admits(Some(&VersionSpecifiers::from_str(">=3.13").unwrap()))
        );
    }
}
