//! "Did you mean ...?" for a package the index does not have.
//!
//! Two causes cover most misses: a module name written for the distribution that
//! provides it (`cv2` for `opencv-python`, `yaml` for `PyYAML`), and a typo of a name
//! pinctl has seen (the project's other requirements, the packages of this resolution,
//! the pages in the cache). Nothing here asks the index: its full name list is tens of
//! megabytes.

use std::str::FromStr;

use pep508_rs::PackageName;

use strsim::osa_distance as edit_distance;

/// Module names that differ from the (normalised) name of the distribution providing
/// them, for widely used packages whose module name is not itself on PyPI.
const MODULES: &[(&str, &str)] = &[
    ("bs4", "beautifulsoup4"),
    ("crypto", "pycryptodome"),
    ("cv2", "opencv-python"),
    ("dateutil", "python-dateutil"),
    ("fitz", "pymupdf"),
    ("gi", "pygobject"),
    ("git", "gitpython"),
    ("github", "pygithub"),
    ("google-protobuf", "protobuf"),
    ("magic", "python-magic"),
    ("mysqldb", "mysqlclient"),
    ("nacl", "pynacl"),
    ("openssl", "pyopenssl"),
    ("pil", "pillow"),
    ("pkg-resources", "setuptools"),
    ("skimage", "scikit-image"),
    ("sklearn", "scikit-learn"),
    ("win32api", "pywin32"),
    ("win32con", "pywin32"),
    ("yaml", "pyyaml"),
    ("zmq", "pyzmq"),
];

/// What to suggest for a package name the index does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Suggestion {
    /// `name` is the module of this distribution.
    Module(PackageName),
    /// A known name a short edit away.
    Typo(PackageName),
}

/// The suggestion for `missing`, from the module table and then the closest of `known`
/// (one edit away for names of up to four letters, two for longer ones).
pub(crate) fn did_you_mean<'a>(
    missing: &PackageName,
    known: impl IntoIterator<Item = &'a PackageName>,
) -> Option<Suggestion> {
    let wanted = missing.as_ref();
    if let Some((_, dist)) = MODULES.iter().find(|(module, _)| *module == wanted) {
        return PackageName::from_str(dist).ok().map(Suggestion::Module);
    }
    let limit = if wanted.chars().count() <= 4 { 1 } else { 2 };
    known
        .into_iter()
        .filter(|name| *name != missing)
        .filter_map(|name| {
            let distance = edit_distance(wanted, name.as_ref());
            (distance <= limit).then_some((distance, name))
        })
        .min_by(|(d1, n1), (d2, n2)| d1.cmp(d2).then_with(|| n1.cmp(n2)))
        .map(|(_, name)| Suggestion::Typo(name.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> PackageName {
        PackageName::from_str(s).unwrap()
    }

    #[test]
    fn module_names_point_at_their_distribution() {
        assert_eq!(
            did_you_mean(&name("cv2"), &[]),
            Some(Suggestion::Module(name("opencv-python")))
        );
        assert_eq!(
            did_you_mean(&name("PyYAML"), &[]),
            None,
            "a distribution name is not a module name"
        );
        assert_eq!(
            did_you_mean(&name("YAML"), &[]),
            Some(Suggestion::Module(name("pyyaml")))
        );
    }

    #[test]
    fn typos_of_known_names() {
        let known = [name("django"), name("djangorestframework"), name("celery")];
        assert_eq!(
            did_you_mean(&name("djnago"), &known),
            Some(Suggestion::Typo(name("django")))
        );
        assert_eq!(
            did_you_mean(&name("django-rest-framework"), &known),
            Some(Suggestion::Typo(name("djangorestframework")))
        );
        assert_eq!(
            did_you_mean(&name("djangorestfrmwrk"), &known),
            None,
            "three edits away"
        );
        assert_eq!(
            did_you_mean(&name("djangorestframwork"), &known),
            Some(Suggestion::Typo(name("djangorestframework")))
        );
        assert_eq!(
            did_you_mean(&name("selery"), &known),
            Some(Suggestion::Typo(name("celery")))
        );
        // Short names allow one edit only.
        let short = [name("six"), name("attrs")];
        assert_eq!(
            did_you_mean(&name("sx"), &short),
            Some(Suggestion::Typo(name("six")))
        );
        assert_eq!(did_you_mean(&name("ax"), &short), None);
        assert_eq!(did_you_mean(&name("zzzzzz"), &known), None);
    }
}
