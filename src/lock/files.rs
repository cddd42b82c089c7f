//! Which of a version's files go into the lock: every file that can be installed on
//! some Python the project supports (PEP 425 python tags, the file's Requires-Python).

use pep440_rs::{Version, VersionSpecifiers};
use pubgrub::Ranges;

use crate::index::{DistFile, FileKind};

/// The Python versions a `requires-python` admits (everything when absent).
pub(crate) fn python_range(requires_python: Option<&VersionSpecifiers>) -> Ranges<Version> {
    requires_python.map_or_else(Ranges::full, |s| Ranges::from(s.clone()))
}

/// Whether a wheel with these tags can run on some Python in `project`.
///
/// `py3`/`py2.py3` run on every Python 3; `py38` on 3.8 and later 3.x (installers accept
/// older generic minor tags); `cp38` with the `abi3` ABI on CPython 3.8 and later;
/// any other `cpXY`/`ppXY` only on X.Y. Tags pinctl does not know are kept.
pub fn python_tag_compatible(
    python_tags: &[String],
    abi_tags: &[String],
    project: &Ranges<Version>,
) -> bool {
    let abi3 = abi_tags.iter().any(|a| a == "abi3");
    python_tags.iter().any(|tag| {
        let Some(range) = tag_range(tag, abi3) else {
            return true;
        };
        !range.intersection(project).is_empty()
    })
}

/// The Python versions one python tag runs on, `None` when the tag is not understood.
fn tag_range(tag: &str, abi3: bool) -> Option<Ranges<Version>> {
    let digits_at = tag.find(|c: char| c.is_ascii_digit())?;
    let (implementation, digits) = tag.split_at(digits_at);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let major = u64::from(digits.as_bytes()[0] - b'0');
    let next_major = Version::new([major + 1]);
    if digits.len() == 1 {
        return Some(Ranges::between(Version::new([major]), next_major));
    }
    let minor: u64 = digits[1..].parse().ok()?;
    let low = Version::new([major, minor]);
    if implementation == "py" || abi3 {
        Some(Ranges::between(low, next_major))
    } else {
        Some(Ranges::between(
            low,
            Version::new([major, minor.checked_add(1)?]),
        ))
    }
}

/// Whether a file belongs in a lock for a project supporting `project` Pythons.
pub(crate) fn file_compatible(file: &DistFile, project: &Ranges<Version>) -> bool {
    compatible(file, project, false)
}

/// [`file_compatible`] reading only the lower bound of the file's Requires-Python, as
/// the resolver does: for a chosen version whose every file claims an upper bound below
/// the project's Pythons (the lock must still say where to get it).
pub(crate) fn file_compatible_lower_bound(file: &DistFile, project: &Ranges<Version>) -> bool {
    compatible(file, project, true)
}

fn compatible(file: &DistFile, project: &Ranges<Version>, lower_bound_only: bool) -> bool {
    if file.sha256().is_none() {
        return false;
    }
    if let Some(requires) = &file.requires_python {
        let mut range = python_range(Some(requires));
        if lower_bound_only && let Some((lower, _)) = range.bounding_range() {
            range = Ranges::from_range_bounds((lower.cloned(), std::ops::Bound::Unbounded));
        }
        if range.intersection(project).is_empty() {
            return false;
        }
    }
    match &file.kind {
        FileKind::Wheel {
            python_tags,
            abi_tags,
            ..
        } => python_tag_compatible(python_tags, abi_tags, project),
        FileKind::Sdist => true,
    }
}

/// `url` without `user:password@` and without a trailing slash: what a lock or an
/// exported requirements file may show.
pub fn strip_credentials(url: &str) -> String {
    crate::index::auth::without_userinfo(url.trim().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn tags(s: &[&str]) -> Vec<String> {
        s.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn python_tags_against_project_range() {
        let project = python_range(Some(&VersionSpecifiers::from_str(">=3.10").unwrap()));
        let ok = |py: &[&str], abi: &[&str]| python_tag_compatible(&tags(py), &tags(abi), &project);
        assert!(ok(&["py3"], &["none"]));
        assert!(ok(&["py2", "py3"], &["none"]));
        assert!(!ok(&["py2"], &["none"]));
        assert!(!ok(&["cp38"], &["cp38"]));
        assert!(!ok(&["cp39"], &["cp39"]));
        assert!(ok(&["cp310"], &["cp310"]));
        assert!(ok(&["cp313"], &["cp313t"]));
        assert!(ok(&["cp38"], &["abi3"]));
        assert!(ok(&["py38"], &["none"]));
        assert!(!ok(&["pp39"], &["pypy39_pp73"]));
        assert!(ok(&["graalpy"], &["none"]));
        assert!(ok(&["cp318446744073709551615"], &["none"]));
        let old = python_range(Some(&VersionSpecifiers::from_str(">=3.8,<3.10").unwrap()));
        assert!(!python_tag_compatible(
            &tags(&["cp310"]),
            &tags(&["cp310"]),
            &old
        ));
        assert!(python_tag_compatible(
            &tags(&["cp39"]),
            &tags(&["cp39"]),
            &old
        ));
    }

    #[test]
    fn credentials_are_stripped() {
        assert_eq!(
            strip_credentials("https://user:secret@example.com/simple/"),
            "https://example.com/simple"
        );
        assert_eq!(
            strip_credentials("https://pypi.org/simple"),
            "https://pypi.org/simple"
        );
        assert_eq!(
            strip_credentials("https://example.com/a@b/simple"),
            "https://example.com/a@b/simple"
        );
    }
}
