//! Core metadata (METADATA / PKG-INFO, RFC 822 style) and static `[project]` tables.
//!
//! Owns turning metadata text into [`Metadata`], the PKG-INFO rules that decide whether
//! an sdist's metadata can be trusted without a build (Metadata-Version >= 2.2, nothing
//! the resolver needs marked `Dynamic`), and reading static dependencies from an sdist's
//! pyproject.toml. Never runs package code.

use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, PackageName, Requirement};
use serde::{Deserialize, Serialize};

use super::Metadata;

/// The headers of a metadata file, in order (a header may repeat).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Headers {
    pub fields: Vec<(String, String)>,
}

impl Headers {
    /// Parses the header block (everything before the first empty line; a line of only
    /// spaces or tabs is a continuation line, as in Python's `email` parser).
    pub fn parse(text: &str) -> Self {
        let mut fields: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            // Only an empty line ends the headers: a line of blanks continues the header
            // before it (the blank lines of a License text indented under its header).
            if line.is_empty() {
                break;
            }
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = fields.last_mut() {
                    value.push('\n');
                    value.push_str(line.trim());
                }
                continue;
            }
            if let Some((key, value)) = line.split_once(':') {
                fields.push((key.trim().to_owned(), value.trim().to_owned()));
            }
        }
        Self { fields }
    }

    /// The first value of header `key` (case-insensitive).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `key` (case-insensitive).
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.fields
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }
}

/// Metadata that cannot be used as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetadataError {
    #[error("metadata has no `{0}` field")]
    Missing(&'static str),
    #[error("invalid `{field}` value `{value}`: {reason}")]
    Invalid {
        field: &'static str,
        value: String,
        reason: String,
    },
}

/// A `Requires-Dist` value. One that does not parse fails the whole file: dropping it
/// would lock without one of the package's dependencies.
fn parse_requirement(raw: &str) -> Result<Requirement, MetadataError> {
    crate::requirement::parse_untrusted(raw).map_err(|e| MetadataError::Invalid {
        field: "Requires-Dist",
        value: raw.to_owned(),
        reason: e.clone(),
    })
}

/// Builds [`Metadata`] from parsed headers.
pub fn metadata_from_headers(headers: &Headers) -> Result<Metadata, MetadataError> {
    let raw_name = headers.get("Name").ok_or(MetadataError::Missing("Name"))?;
    let name = PackageName::from_str(raw_name).map_err(|e| MetadataError::Invalid {
        field: "Name",
        value: raw_name.to_owned(),
        reason: e.to_string(),
    })?;
    let raw_version = headers
        .get("Version")
        .ok_or(MetadataError::Missing("Version"))?;
    let version = Version::from_str(raw_version).map_err(|e| MetadataError::Invalid {
        field: "Version",
        value: raw_version.to_owned(),
        reason: e.to_string(),
    })?;
    let label = format!("{name} {version}");
    let requires_dist = headers
        .get_all("Requires-Dist")
        .map(parse_requirement)
        .collect::<Result<_, _>>()?;
    let requires_python = parse_requires_python(headers.get("Requires-Python"))?;
    let provides_extra = headers
        .get_all("Provides-Extra")
        .filter_map(|raw| {
            ExtraName::from_str(raw)
                .inspect_err(|e| {
                    tracing::warn!("`{label}`: ignoring invalid Provides-Extra `{raw}`: {e}");
                })
                .ok()
        })
        .collect();
    Ok(Metadata {
        name,
        version,
        requires_dist,
        requires_python,
        provides_extra,
    })
}

/// A `Requires-Python` value (blank means none). One that does not parse fails the file:
/// ignoring it would offer the version to Pythons it refuses.
fn parse_requires_python(raw: Option<&str>) -> Result<Option<VersionSpecifiers>, MetadataError> {
    let Some(raw) = raw.filter(|r| !r.trim().is_empty()) else {
        return Ok(None);
    };
    VersionSpecifiers::from_str(raw)
        .map(Some)
        .map_err(|e| MetadataError::Invalid {
            field: "Requires-Python",
            value: raw.to_owned(),
            reason: e.to_string(),
        })
}

/// Parses METADATA text.
pub fn parse_metadata(text: &str) -> Result<Metadata, MetadataError> {
    metadata_from_headers(&Headers::parse(text))
}

/// Why an sdist's PKG-INFO cannot be used; `None` when it can.
pub fn pkg_info_unusable_reason(headers: &Headers) -> Option<String> {
    let Some(raw) = headers.get("Metadata-Version") else {
        return Some("PKG-INFO has no Metadata-Version".to_owned());
    };
    let min = Version::new([2, 2]);
    match Version::from_str(raw) {
        Ok(v) if v >= min => {}
        _ => {
            return Some(format!(
                "PKG-INFO has Metadata-Version {raw} (2.2 or later is needed to trust it)"
            ));
        }
    }
    let dynamic: Vec<&str> = headers
        .get_all("Dynamic")
        .filter(|d| {
            d.eq_ignore_ascii_case("Requires-Dist") || d.eq_ignore_ascii_case("Requires-Python")
        })
        .collect();
    if dynamic.is_empty() {
        None
    } else {
        Some(format!(
            "PKG-INFO marks {} as Dynamic",
            dynamic.join(" and ")
        ))
    }
}

/// Reads static metadata from a pyproject.toml `[project]` table: `Ok(Err(reason))` when
/// the table is missing or declares the fields pinctl needs as dynamic.
pub fn metadata_from_pyproject(
    text: &str,
    name: &PackageName,
    version: &Version,
) -> Result<Metadata, String> {
    #[derive(Deserialize)]
    struct Doc {
        project: Option<Project>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    struct Project {
        #[serde(default)]
        dynamic: Vec<String>,
        #[serde(default)]
        dependencies: Vec<String>,
        #[serde(default)]
        optional_dependencies: std::collections::BTreeMap<String, Vec<String>>,
        requires_python: Option<String>,
    }
    let doc: Doc =
        toml::from_str(text).map_err(|e| format!("its pyproject.toml is invalid: {e}"))?;
    let project = doc
        .project
        .ok_or_else(|| "its pyproject.toml has no [project] table".to_owned())?;
    let dynamic: Vec<&str> = project
        .dynamic
        .iter()
        .map(String::as_str)
        .filter(|d| {
            matches!(
                *d,
                "dependencies" | "optional-dependencies" | "requires-python"
            )
        })
        .collect();
    if !dynamic.is_empty() {
        return Err(format!(
            "its pyproject.toml lists {} in `project.dynamic`",
            dynamic.join(", ")
        ));
    }
    let label = format!("{name} {version}");
    let invalid = |e: MetadataError| format!("its pyproject.toml has an {e}");
    let mut requires_dist: Vec<Requirement> = project
        .dependencies
        .iter()
        .map(|raw| parse_requirement(raw))
        .collect::<Result<_, _>>()
        .map_err(invalid)?;
    let mut provides_extra = Vec::new();
    for (extra, reqs) in &project.optional_dependencies {
        let Ok(extra) = ExtraName::from_str(extra) else {
            tracing::warn!("`{label}`: ignoring invalid extra name `{extra}`");
            continue;
        };
        let Ok(marker) = MarkerTree::from_str(&format!("extra == '{extra}'")) else {
            continue;
        };
        for raw in reqs {
            let mut req = parse_requirement(raw).map_err(invalid)?;
            req.marker.and(marker.clone());
            requires_dist.push(req);
        }
        provides_extra.push(extra);
    }
    Ok(Metadata {
        name: name.clone(),
        version: version.clone(),
        requires_dist,
        requires_python: parse_requires_python(project.requires_python.as_deref())
            .map_err(invalid)?,
        provides_extra,
    })
}

/// Where a version's core metadata was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataSource {
    /// A PEP 658 `.metadata` file the index advertised (checked against its hash).
    Sidecar,
    /// A `.metadata` file the index did not advertise: a hint until it is compared with
    /// the wheel's own METADATA.
    UnadvertisedSidecar,
    /// An unadvertised `.metadata` file found equal to the wheel's own METADATA.
    ConfirmedSidecar,
    /// The wheel's own METADATA (range requests or the whole file).
    Wheel,
    /// An sdist's static metadata.
    Sdist,
}

impl MetadataSource {
    /// Whether the metadata still has to be compared with the wheel before a lock uses it.
    pub fn needs_confirmation(self) -> bool {
        self == MetadataSource::UnadvertisedSidecar
    }
}

/// The cache form of [`Metadata`] (strings re-parsed on load), with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedMetadata {
    pub name: String,
    pub version: String,
    pub requires_dist: Vec<String>,
    pub requires_python: Option<String>,
    pub provides_extra: Vec<String>,
    pub source: MetadataSource,
}

impl CachedMetadata {
    pub fn new(m: &Metadata, source: MetadataSource) -> Self {
        Self {
            name: m.name.to_string(),
            version: m.version.to_string(),
            requires_dist: m.requires_dist.iter().map(ToString::to_string).collect(),
            requires_python: m.requires_python.as_ref().map(ToString::to_string),
            provides_extra: m.provides_extra.iter().map(ToString::to_string).collect(),
            source,
        }
    }

    /// Re-parses the cached strings; any failure means the entry is corrupt.
    pub fn to_metadata(&self) -> Result<Metadata, String> {
        let bad = |what: &str, e: &dyn std::fmt::Display| format!("invalid cached {what}: {e}");
        Ok(Metadata {
            name: PackageName::from_str(&self.name).map_err(|e| bad("name", &e))?,
            version: Version::from_str(&self.version).map_err(|e| bad("version", &e))?,
            requires_dist: self
                .requires_dist
                .iter()
                .map(|r| crate::requirement::parse_untrusted(r).map_err(|e| bad("requirement", &e)))
                .collect::<Result<_, _>>()?,
            requires_python: self
                .requires_python
                .as_deref()
                .map(|r| VersionSpecifiers::from_str(r).map_err(|e| bad("requires-python", &e)))
                .transpose()?,
            provides_extra: self
                .provides_extra
                .iter()
                .map(|e| ExtraName::from_str(e).map_err(|err| bad("extra", &err)))
                .collect::<Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = "Metadata-Version: 2.1\nName: Foo_Bar\nVersion: 1.0.post1\n\
Summary: a thing\n  continued\nRequires-Python: >=3.8\nProvides-Extra: Socks\n\
Requires-Dist: idna<4,>=2.5\nRequires-Dist: PySocks!=1.5.7,>=1.5.6; extra == \"socks\"\n\
Description-Content-Type: text/markdown\n\n\
Requires-Dist: not-a-header-this-is-the-body\n";

    #[test]
    fn parses_metadata() {
        let m = parse_metadata(METADATA).unwrap();
        assert_eq!(m.name.to_string(), "foo-bar");
        assert_eq!(m.version.to_string(), "1.0.post1");
        assert_eq!(m.requires_python.unwrap().to_string(), ">=3.8");
        assert_eq!(
            m.provides_extra,
            vec![ExtraName::from_str("socks").unwrap()]
        );
        let reqs: Vec<String> = m.requires_dist.iter().map(ToString::to_string).collect();
        assert_eq!(reqs.len(), 2, "{reqs:?}");
        assert!(reqs[0].starts_with("idna"));
        assert!(reqs[1].contains("extra == 'socks'"), "{reqs:?}");
    }

    #[test]
    fn a_requires_dist_that_does_not_parse_fails_the_file_not_a_panic() {
        // pep508_rs 0.9 panics on names ending in punctuation before a specifier; and a
        // dependency dropped from the list would be missing from the lock.
        let err = parse_metadata("Name: x\nVersion: 1\nRequires-Dist: a-==1\nRequires-Dist: b\n")
            .unwrap_err();
        assert!(
            matches!(&err, MetadataError::Invalid { field: "Requires-Dist", value, .. } if value == "a-==1"),
            "{err}"
        );
        let err = parse_metadata("Name: x\nVersion: 1\nRequires-Python: >=3.8,,<4\n").unwrap_err();
        assert!(
            matches!(
                &err,
                MetadataError::Invalid {
                    field: "Requires-Python",
                    ..
                }
            ),
            "{err}"
        );
        let err = metadata_from_pyproject(
            "[project]\nname = 'x'\ndependencies = ['idna', 'b>=<1']\n",
            &PackageName::from_str("x").unwrap(),
            &Version::from_str("1").unwrap(),
        )
        .unwrap_err();
        assert!(err.contains("`b>=<1`"), "{err}");
    }

    #[test]
    fn blank_continuation_lines_do_not_end_the_headers() {
        // matplotlib 3.9.4's METADATA: a License text whose blank lines are indented.
        let text = "Metadata-Version: 2.1\nName: matplotlib\nVersion: 3.9.4\n\
                    License: License agreement\n         ====\n         \n\
                    \t\n         1. This LICENSE AGREEMENT\n\
                    Requires-Dist: contourpy>=1.0.1\nRequires-Dist: numpy>=1.23\n\
                    Requires-Python: >=3.9\n\nThe description: body, not headers\n";
        let m = parse_metadata(text).unwrap();
        let deps: Vec<String> = m.requires_dist.iter().map(ToString::to_string).collect();
        assert_eq!(deps, ["contourpy>=1.0.1", "numpy>=1.23"]);
        assert_eq!(m.requires_python.unwrap().to_string(), ">=3.9");
        let h = Headers::parse(text);
        assert_eq!(
            h.get("license"),
            Some("License agreement\n====\n\n\n1. This LICENSE AGREEMENT")
        );
        assert_eq!(h.get("the description"), None);
    }

    #[test]
    fn continuation_lines_and_missing_fields() {
        let h = Headers::parse("Name: x\nSummary: one\n two\n\tthree\n");
        assert_eq!(h.get("summary"), Some("one\ntwo\nthree"));
        assert_eq!(
            parse_metadata("Name: x\n"),
            Err(MetadataError::Missing("Version"))
        );
        assert!(matches!(
            parse_metadata("Name: x\nVersion: latest\n"),
            Err(MetadataError::Invalid {
                field: "Version",
                ..
            })
        ));
    }

    #[test]
    fn pkg_info_rules() {
        let reason = |text: &str| pkg_info_unusable_reason(&Headers::parse(text));
        assert_eq!(reason("Metadata-Version: 2.2\nName: a\nVersion: 1\n"), None);
        assert_eq!(
            reason("Metadata-Version: 2.4\nDynamic: Summary\nDynamic: License\n"),
            None
        );
        assert!(reason("Metadata-Version: 2.1\n").unwrap().contains("2.1"));
        assert!(reason("Name: a\n").unwrap().contains("no Metadata-Version"));
        assert!(
            reason("Metadata-Version: 2.3\nDynamic: requires-dist\n")
                .unwrap()
                .contains("requires-dist")
        );
        assert!(
            reason("Metadata-Version: 2.3\nDynamic: Requires-Python\n")
                .unwrap()
                .contains("Requires-Python")
        );
    }

    #[test]
    fn pyproject_static_and_dynamic() {
        let name = PackageName::from_str("foo").unwrap();
        let version = Version::from_str("1.0").unwrap();
        let m = metadata_from_pyproject(
            "[project]\nname='foo'\ndynamic=['version']\nrequires-python='>=3.9'\n\
             dependencies=['a>=1', 'b; python_version<\"3.11\"']\n\
             [project.optional-dependencies]\nTest=['pytest; os_name == \"posix\"']\n",
            &name,
            &version,
        )
        .unwrap();
        let reqs: Vec<String> = m.requires_dist.iter().map(ToString::to_string).collect();
        assert_eq!(reqs.len(), 3);
        assert!(reqs[2].contains("extra == 'test'"), "{reqs:?}");
        assert!(reqs[2].contains("os_name"), "{reqs:?}");
        assert_eq!(m.provides_extra, vec![ExtraName::from_str("test").unwrap()]);
        assert_eq!(m.requires_python.unwrap().to_string(), ">=3.9");

        let err = metadata_from_pyproject("[project]\ndynamic=['dependencies']\n", &name, &version)
            .unwrap_err();
        assert!(err.contains("dependencies"), "{err}");
        let err = metadata_from_pyproject("[build-system]\n", &name, &version).unwrap_err();
        assert!(err.contains("no [project]"), "{err}");
    }

    #[test]
    fn cache_form_round_trips() {
        let m = parse_metadata(METADATA).unwrap();
        let cached = CachedMetadata::new(&m, MetadataSource::Wheel);
        assert_eq!(cached.to_metadata().unwrap(), m);
        let mut bad = cached;
        bad.requires_dist.push("???".into());
        assert!(bad.to_metadata().is_err());
    }
}
