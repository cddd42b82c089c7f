//! Wheel and sdist filename parsing (PEP 427 / PEP 491 wheels, PEP 625 sdists).
//!
//! Owns the rules that decide which index entries pinctl considers at all: `.whl`,
//! `.tar.gz` and `.zip` files whose project part normalises to the project asked for.
//! Legacy formats (`.egg`, `.tar.bz2`, `.exe`, ...) are ignored.

use std::str::FromStr;

use pep440_rs::Version;
use pep508_rs::PackageName;

use super::FileKind;

/// A distribution filename split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFilename {
    pub name: PackageName,
    pub version: Version,
    pub kind: FileKind,
}

/// Why a filename was not accepted for a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilenameRejection {
    /// Not a wheel or a supported sdist archive (silently ignored).
    UnsupportedFormat,
    /// The name part does not normalise to the project.
    OtherProject,
    /// The shape is wrong or the version is not PEP 440.
    Invalid(String),
}

/// Parses `filename` as a distribution of `project`.
pub fn parse_filename(
    filename: &str,
    project: &PackageName,
) -> Result<ParsedFilename, FilenameRejection> {
    if let Some(stem) = strip_suffix_ci(filename, ".whl") {
        parse_wheel(stem, project)
    } else if let Some(stem) =
        strip_suffix_ci(filename, ".tar.gz").or_else(|| strip_suffix_ci(filename, ".zip"))
    {
        parse_sdist(stem, project)
    } else {
        Err(FilenameRejection::UnsupportedFormat)
    }
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let split = s.len().checked_sub(suffix.len())?;
    if s.is_char_boundary(split) && s[split..].eq_ignore_ascii_case(suffix) {
        Some(&s[..split])
    } else {
        None
    }
}

fn parse_wheel(stem: &str, project: &PackageName) -> Result<ParsedFilename, FilenameRejection> {
    // {name}-{version}(-{build})?-{python}-{abi}-{platform}; wheel names escape `-` as `_`.
    let parts: Vec<&str> = stem.split('-').collect();
    let (name, version, tags) = match parts.as_slice() {
        [name, version, python, abi, platform] | [name, version, _, python, abi, platform] => {
            (*name, *version, [*python, *abi, *platform])
        }
        _ => {
            return Err(FilenameRejection::Invalid(format!(
                "expected 5 or 6 dash-separated parts in wheel name `{stem}.whl`"
            )));
        }
    };
    let parsed_name = PackageName::from_str(name)
        .map_err(|e| FilenameRejection::Invalid(format!("invalid project name `{name}`: {e}")))?;
    if &parsed_name != project {
        return Err(FilenameRejection::OtherProject);
    }
    let version = Version::from_str(version)
        .map_err(|e| FilenameRejection::Invalid(format!("invalid version `{version}`: {e}")))?;
    if tags.iter().any(|t| t.is_empty()) {
        return Err(FilenameRejection::Invalid(format!(
            "empty compatibility tag in `{stem}.whl`"
        )));
    }
    let split = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
    Ok(ParsedFilename {
        name: parsed_name,
        version,
        kind: FileKind::Wheel {
            python_tags: split(tags[0]),
            abi_tags: split(tags[1]),
            platform_tags: split(tags[2]),
        },
    })
}

fn parse_sdist(stem: &str, project: &PackageName) -> Result<ParsedFilename, FilenameRejection> {
    // Legacy sdist names may keep dashes in the project part (`python-dateutil-2.9.0`),
    // so try every dash: the project part must normalise to `project` and the rest must
    // be a version.
    let mut name_matched = false;
    let mut last_error = None;
    for (i, _) in stem.match_indices('-') {
        let (name, version) = (&stem[..i], &stem[i + 1..]);
        if PackageName::from_str(name).ok().as_ref() != Some(project) {
            continue;
        }
        name_matched = true;
        match Version::from_str(version) {
            Ok(version) => {
                return Ok(ParsedFilename {
                    name: project.clone(),
                    version,
                    kind: FileKind::Sdist,
                });
            }
            Err(e) => last_error = Some(format!("invalid version `{version}`: {e}")),
        }
    }
    if name_matched {
        Err(FilenameRejection::Invalid(last_error.unwrap_or_default()))
    } else {
        Err(FilenameRejection::OtherProject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(s: &str) -> PackageName {
        PackageName::from_str(s).unwrap()
    }

    #[test]
    fn wheel_with_tags() {
        let p = parse_filename(
            "pydantic_core-2.33.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            &name("pydantic-core"),
        )
        .unwrap();
        assert_eq!(p.version, Version::from_str("2.33.2").unwrap());
        assert_eq!(
            p.kind,
            FileKind::Wheel {
                python_tags: vec!["cp312".into()],
                abi_tags: vec!["cp312".into()],
                platform_tags: vec![
                    "manylinux_2_17_x86_64".into(),
                    "manylinux2014_x86_64".into()
                ],
            }
        );
    }

    #[test]
    fn wheel_with_build_tag_and_compressed_python_tags() {
        let p = parse_filename("Foo.Bar-1.0-1-py2.py3-none-any.whl", &name("foo-bar")).unwrap();
        assert_eq!(p.name, name("foo-bar"));
        let FileKind::Wheel { python_tags, .. } = p.kind else {
            panic!("not a wheel")
        };
        assert_eq!(python_tags, vec!["py2", "py3"]);
    }

    #[test]
    fn sdists_with_dashes_in_name() {
        let p = parse_filename(
            "python-dateutil-2.9.0.post0.tar.gz",
            &name("python_dateutil"),
        )
        .unwrap();
        assert_eq!(p.version, Version::from_str("2.9.0.post0").unwrap());
        assert_eq!(p.kind, FileKind::Sdist);
        let p = parse_filename("Django-5.2.ZIP", &name("django")).unwrap();
        assert_eq!(p.version, Version::from_str("5.2").unwrap());
    }

    #[test]
    fn rejections() {
        let django = name("django");
        assert_eq!(
            parse_filename("Django-1.0.tar.bz2", &django),
            Err(FilenameRejection::UnsupportedFormat)
        );
        assert_eq!(
            parse_filename("Django-1.0-py2.7.egg", &django),
            Err(FilenameRejection::UnsupportedFormat)
        );
        assert_eq!(
            parse_filename("flask-1.0-py3-none-any.whl", &django),
            Err(FilenameRejection::OtherProject)
        );
        assert_eq!(
            parse_filename("djangox-1.0.tar.gz", &django),
            Err(FilenameRejection::OtherProject)
        );
        assert!(matches!(
            parse_filename("django-not.a.version-py3-none-any.whl", &django),
            Err(FilenameRejection::Invalid(_))
        ));
        assert!(matches!(
            parse_filename("django-1.0-py3-none.whl", &django),
            Err(FilenameRejection::Invalid(_))
        ));
        assert!(matches!(
            parse_filename("django-latest.tar.gz", &django),
            Err(FilenameRejection::Invalid(_))
        ));
    }
}
