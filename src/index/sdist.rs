//! Reading static metadata out of a downloaded sdist (`.tar.gz` or `.zip`).
//!
//! Owns the rule order: a trustworthy PKG-INFO (see [`pkg_info_unusable_reason`]), else
//! a static `[project]` table in pyproject.toml, else the setuptools egg-info the sdist
//! was made with (its `requires.txt`, with a warning: a build could compute other
//! dependencies), else "needs a build". Only these files are read, each bounded in
//! size; nothing is extracted to disk and no package code runs.

use std::io::{Read, Seek};
use std::str::FromStr;

use pep440_rs::Version;
use pep508_rs::PackageName;

use super::Metadata;
use super::core_metadata::{
    Headers, MetadataError, metadata_from_headers, metadata_from_pyproject,
    pkg_info_unusable_reason,
};
use super::zip;

/// Largest PKG-INFO or pyproject.toml read from an sdist.
pub const MAX_SDIST_FILE: u64 = 4 * 1024 * 1024;

/// The files pinctl looks at in an sdist.
#[derive(Debug, Default)]
pub struct SdistFiles {
    pub pkg_info: Option<String>,
    pub pyproject: Option<String>,
    /// The `<name>.egg-info/` directories setuptools wrote (at the top or under `src/`),
    /// read only when PKG-INFO cannot be trusted.
    pub egg_infos: Vec<EggInfo>,
}

/// A setuptools `<name>.egg-info/` directory in an sdist.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EggInfo {
    /// The directory name without `.egg-info`.
    pub name: String,
    /// Its `requires.txt`; setuptools leaves the file out when there is no requirement.
    pub requires: Option<String>,
    /// Whether it has a PKG-INFO (setuptools always writes one).
    pub has_pkg_info: bool,
}

/// `(name, file)` when `path` is `<top>/<name>.egg-info/<file>` or
/// `<top>/src/<name>.egg-info/<file>`.
fn egg_info_file(path: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = path.trim_start_matches("./").split('/').collect();
    let (dir, file) = match parts.as_slice() {
        [_, dir, file] | [_, "src", dir, file] => (*dir, *file),
        _ => return None,
    };
    Some((dir.strip_suffix(".egg-info")?, file))
}

impl SdistFiles {
    /// Records `path` if it is an egg-info file pinctl reads; `read` gives its text.
    fn note_egg_info(
        &mut self,
        path: &str,
        read: impl FnOnce() -> Result<String, SdistError>,
    ) -> Result<(), SdistError> {
        let Some((name, file)) = egg_info_file(path) else {
            return Ok(());
        };
        if file != "PKG-INFO" && file != "requires.txt" {
            return Ok(());
        }
        if !self.egg_infos.iter().any(|e| e.name == name) {
            self.egg_infos.push(EggInfo {
                name: name.to_owned(),
                ..EggInfo::default()
            });
        }
        let Some(egg) = self.egg_infos.iter_mut().find(|e| e.name == name) else {
            return Ok(());
        };
        if file == "PKG-INFO" {
            egg.has_pkg_info = true;
        } else {
            egg.requires = Some(read()?);
        }
        Ok(())
    }

    /// Whether the top-level PKG-INFO is enough (nothing else needs reading).
    fn trusted_pkg_info(&self) -> bool {
        self.pkg_info
            .as_deref()
            .is_some_and(|text| pkg_info_unusable_reason(&Headers::parse(text)).is_none())
    }
}

/// What went wrong reading an sdist.
#[derive(Debug, thiserror::Error)]
pub enum SdistError {
    #[error("cannot read the archive: {0}")]
    Archive(String),
    #[error("`{0}` is larger than {MAX_SDIST_FILE} bytes")]
    TooLarge(String),
}

/// Whether `path` is `<top>/<file>`.
fn is_top_level(path: &str, file: &str) -> bool {
    let mut parts = path.trim_start_matches("./").split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(_), Some(f), None) if f == file)
}

fn read_bounded(r: impl Read, name: &str) -> Result<String, SdistError> {
    let mut buf = Vec::new();
    r.take(MAX_SDIST_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(|e| SdistError::Archive(e.to_string()))?;
    if buf.len() as u64 > MAX_SDIST_FILE {
        return Err(SdistError::TooLarge(name.to_owned()));
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Reads PKG-INFO and pyproject.toml from a `.tar.gz` sdist.
pub fn read_tar_gz(reader: impl Read) -> Result<SdistFiles, SdistError> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    let mut files = SdistFiles::default();
    let entries = archive
        .entries()
        .map_err(|e| SdistError::Archive(e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| SdistError::Archive(e.to_string()))?;
        let path = entry
            .path()
            .map_err(|e| SdistError::Archive(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if files.pkg_info.is_none() && is_top_level(&path, "PKG-INFO") {
            files.pkg_info = Some(read_bounded(entry, &path)?);
            if files.trusted_pkg_info() {
                break;
            }
        } else if files.pyproject.is_none() && is_top_level(&path, "pyproject.toml") {
            files.pyproject = Some(read_bounded(entry, &path)?);
        } else {
            files.note_egg_info(&path, || read_bounded(entry, &path))?;
        }
    }
    Ok(files)
}

/// Reads PKG-INFO and pyproject.toml from a `.zip` sdist of `total` bytes.
pub fn read_zip<R: Read + Seek>(reader: &mut R, total: u64) -> Result<SdistFiles, SdistError> {
    let entries =
        zip::read_entries(reader, total).map_err(|e| SdistError::Archive(e.to_string()))?;
    let mut files = SdistFiles::default();
    for (file, slot) in [
        ("PKG-INFO", &mut files.pkg_info),
        ("pyproject.toml", &mut files.pyproject),
    ] {
        if let Some(entry) = entries.iter().find(|e| is_top_level(&e.name, file)) {
            if entry.uncompressed_size > MAX_SDIST_FILE {
                return Err(SdistError::TooLarge(entry.name.clone()));
            }
            let data =
                zip::read_entry(reader, entry).map_err(|e| SdistError::Archive(e.to_string()))?;
            *slot = Some(String::from_utf8_lossy(&data).into_owned());
        }
    }
    if files.trusted_pkg_info() {
        return Ok(files);
    }
    for entry in &entries {
        files.note_egg_info(&entry.name, || {
            if entry.uncompressed_size > MAX_SDIST_FILE {
                return Err(SdistError::TooLarge(entry.name.clone()));
            }
            let data =
                zip::read_entry(reader, entry).map_err(|e| SdistError::Archive(e.to_string()))?;
            Ok(String::from_utf8_lossy(&data).into_owned())
        })?;
    }
    Ok(files)
}

/// Static metadata from an sdist's files, or why a build would be needed.
pub fn static_metadata(
    files: &SdistFiles,
    name: &PackageName,
    version: &Version,
) -> Result<Metadata, String> {
    let pkg_info_reason = match &files.pkg_info {
        Some(text) => {
            let headers = Headers::parse(text);
            match pkg_info_unusable_reason(&headers) {
                None => match metadata_from_headers(&headers) {
                    Ok(m) => return Ok(m),
                    Err(e) => format!("its PKG-INFO is invalid: {e}"),
                },
                Some(reason) => reason,
            }
        }
        None => "it has no PKG-INFO".to_owned(),
    };
    let pyproject_reason = match &files.pyproject {
        Some(text) => match metadata_from_pyproject(text, name, version) {
            Ok(m) => return Ok(m),
            Err(reason) => reason,
        },
        None => "it has no pyproject.toml".to_owned(),
    };
    if let Some(metadata) = egg_info_metadata(files, name) {
        tracing::warn!(
            "`{name}` {version}: dependencies read from the egg-info in its sdist ({pkg_info_reason}); a build could compute others"
        );
        return metadata.map_err(|e| format!("its egg-info is invalid: {e}"));
    }
    Err(format!("{pkg_info_reason}, and {pyproject_reason}"))
}

/// Metadata from the sdist's PKG-INFO with the requirements of the egg-info of package
/// `name` (`None` when the sdist has none).
fn egg_info_metadata(
    files: &SdistFiles,
    name: &PackageName,
) -> Option<Result<Metadata, MetadataError>> {
    let egg = files
        .egg_infos
        .iter()
        .find(|e| e.has_pkg_info && PackageName::from_str(&e.name).is_ok_and(|n| n == *name))?;
    let mut headers = Headers::parse(files.pkg_info.as_deref()?);
    headers.fields.retain(|(key, _)| {
        !key.eq_ignore_ascii_case("Requires-Dist") && !key.eq_ignore_ascii_case("Provides-Extra")
    });
    let (requires, extras) = requires_txt(egg.requires.as_deref().unwrap_or(""));
    headers
        .fields
        .extend(extras.into_iter().map(|e| ("Provides-Extra".to_owned(), e)));
    headers.fields.extend(
        requires
            .into_iter()
            .map(|r| ("Requires-Dist".to_owned(), r)),
    );
    Some(metadata_from_headers(&headers))
}

/// The requirements of a setuptools `requires.txt` as `Requires-Dist` values, and the
/// extras it names. Sections are `[extra]`, `[:marker]` or `[extra:marker]`.
fn requires_txt(text: &str) -> (Vec<String>, Vec<String>) {
    let mut requires = Vec::new();
    let mut extras: Vec<String> = Vec::new();
    let (mut extra, mut marker) = (String::new(), String::new());
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let (e, m) = section.split_once(':').unwrap_or((section, ""));
            e.trim().clone_into(&mut extra);
            m.trim().clone_into(&mut marker);
            if !extra.is_empty() && !extras.contains(&extra) {
                extras.push(extra.clone());
            }
            continue;
        }
        let (requirement, own) = match line.split_once(';') {
            Some((r, m)) => (r.trim(), m.trim()),
            None => (line, ""),
        };
        let mut clauses: Vec<String> = [own, marker.as_str()]
            .into_iter()
            .filter(|m| !m.is_empty())
            .map(|m| format!("({m})"))
            .collect();
        if !extra.is_empty() {
            clauses.push(format!("extra == \"{extra}\""));
        }
        if clauses.is_empty() {
            requires.push(requirement.to_owned());
        } else {
            requires.push(format!("{requirement} ; {}", clauses.join(" and ")));
        }
    }
    (requires, extras)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use std::str::FromStr;

    fn tar_gz(files: &[(&str, &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, text) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(text.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder
                .append_data(&mut header, path, text.as_bytes())
                .unwrap();
        }
        let mut gz = builder.into_inner().unwrap();
        gz.flush().unwrap();
        gz.finish().unwrap()
    }

    fn id() -> (PackageName, Version) {
        (
            PackageName::from_str("foo").unwrap(),
            Version::from_str("1.0").unwrap(),
        )
    }

    #[test]
    fn static_pkg_info_wins() {
        let data = tar_gz(&[
            ("foo-1.0/src/PKG-INFO", "junk"),
            (
                "foo-1.0/PKG-INFO",
                "Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nRequires-Dist: bar\n",
            ),
            (
                "foo-1.0/pyproject.toml",
                "[project]\ndynamic=['dependencies']\n",
            ),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        let (n, v) = id();
        let m = static_metadata(&files, &n, &v).unwrap();
        assert_eq!(m.requires_dist[0].name.to_string(), "bar");
    }

    #[test]
    fn falls_back_to_pyproject_then_errors() {
        let (n, v) = id();
        let data = tar_gz(&[
            (
                "foo-1.0/PKG-INFO",
                "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\n",
            ),
            (
                "foo-1.0/pyproject.toml",
                "[project]\nname='foo'\ndependencies=['baz']\n",
            ),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        let m = static_metadata(&files, &n, &v).unwrap();
        assert_eq!(m.requires_dist[0].name.to_string(), "baz");

        let data = tar_gz(&[
            (
                "foo-1.0/PKG-INFO",
                "Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nDynamic: Requires-Dist\n",
            ),
            ("foo-1.0/setup.py", "import os"),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        let err = static_metadata(&files, &n, &v).unwrap_err();
        assert!(
            err.contains("Dynamic") && err.contains("no pyproject.toml"),
            "{err}"
        );
    }

    #[test]
    fn egg_info_requirements_when_pkg_info_is_too_old() {
        // PyPyDispatcher 2.1.2: Metadata-Version 1.1, an egg-info without requires.txt.
        let old = "Metadata-Version: 1.1\nName: foo\nVersion: 1.0\n";
        let (n, v) = id();
        let data = tar_gz(&[
            ("foo-1.0/PKG-INFO", old),
            ("foo-1.0/foo.egg-info/PKG-INFO", old),
            ("foo-1.0/foo.egg-info/SOURCES.txt", "setup.py\n"),
            ("foo-1.0/setup.py", "from setuptools import setup"),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        let m = static_metadata(&files, &n, &v).unwrap();
        assert!(m.requires_dist.is_empty());
        // A requires.txt with extras and markers, under src/.
        let requires = "six>=1.10\n\n[:python_version < \"3.8\"]\nimportlib-metadata\n\n\
                        [socks]\nPySocks!=1.5.7,>=1.5.6\n\n[win:sys_platform == \"win32\"]\n\
                        pywin32; platform_machine == \"AMD64\"\n";
        let data = tar_gz(&[
            ("foo-1.0/PKG-INFO", old),
            ("foo-1.0/src/foo.egg-info/PKG-INFO", old),
            ("foo-1.0/src/foo.egg-info/requires.txt", requires),
            ("foo-1.0/src/vendored.egg-info/requires.txt", "evil\n"),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        let m = static_metadata(&files, &n, &v).unwrap();
        let deps: Vec<String> = m.requires_dist.iter().map(ToString::to_string).collect();
        assert_eq!(
            deps,
            [
                "six>=1.10",
                "importlib-metadata ; python_full_version < '3.8'",
                "pysocks>=1.5.6,!=1.5.7 ; extra == 'socks'",
                "pywin32 ; platform_machine == 'AMD64' and sys_platform == 'win32' and extra == 'win'",
            ]
        );
        let extras: Vec<String> = m.provides_extra.iter().map(ToString::to_string).collect();
        assert_eq!(extras, ["socks", "win"]);
        // Without an egg-info of this package there is nothing static to go by.
        let data = tar_gz(&[
            ("foo-1.0/PKG-INFO", old),
            ("foo-1.0/bar.egg-info/PKG-INFO", old),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        let err = static_metadata(&files, &n, &v).unwrap_err();
        assert!(err.contains("Metadata-Version 1.1"), "{err}");
        // A trusted PKG-INFO stops the reading before any egg-info.
        let data = tar_gz(&[
            (
                "foo-1.0/PKG-INFO",
                "Metadata-Version: 2.2\nName: foo\nVersion: 1.0\nRequires-Dist: bar\n",
            ),
            ("foo-1.0/foo.egg-info/requires.txt", "baz\n"),
        ]);
        let files = read_tar_gz(Cursor::new(data)).unwrap();
        assert!(files.egg_infos.is_empty());
        assert_eq!(
            static_metadata(&files, &n, &v).unwrap().requires_dist.len(),
            1
        );
    }

    #[test]
    fn requires_txt_sections() {
        let (requires, extras) =
            requires_txt("a\n# note\n[x]\nb ; os_name == \"nt\"\n[:os_name == \"posix\"]\nc\n");
        assert_eq!(
            requires,
            [
                "a",
                "b ; (os_name == \"nt\") and extra == \"x\"",
                "c ; (os_name == \"posix\")"
            ]
        );
        assert_eq!(extras, ["x"]);
    }

    #[test]
    fn zip_sdists() {
        let zip = crate::index::zip::tests::build_zip(
            &[(
                "foo-1.0/PKG-INFO",
                b"Metadata-Version: 2.4\nName: foo\nVersion: 1.0\n",
            )],
            true,
        );
        let total = zip.len() as u64;
        let files = read_zip(&mut Cursor::new(zip), total).unwrap();
        assert!(files.pkg_info.is_some() && files.pyproject.is_none());
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(read_tar_gz(Cursor::new(b"not gzip".to_vec())).is_err());
        assert!(read_zip(&mut Cursor::new(b"not zip".to_vec()), 7).is_err());
    }
}
