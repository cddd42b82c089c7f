//! Reading static metadata out of a downloaded sdist (`.tar.gz` or `.zip`).
//!
//! Owns the rule order: a trustworthy PKG-INFO (see [`pkg_info_unusable_reason`]), else
//! a static `[project]` table in pyproject.toml, else "needs a build". Only the two
//! top-level files are read, each bounded in size; nothing is extracted to disk and no
//! package code runs.

use std::io::{Read, Seek};

use pep440_rs::Version;
use pep508_rs::PackageName;

use super::Metadata;
use super::core_metadata::{
    Headers, metadata_from_headers, metadata_from_pyproject, pkg_info_unusable_reason,
};
use super::zip;

/// Largest PKG-INFO or pyproject.toml read from an sdist.
pub const MAX_SDIST_FILE: u64 = 4 * 1024 * 1024;

/// The two files pinctl looks at in an sdist.
#[derive(Debug, Default)]
pub struct SdistFiles {
    pub pkg_info: Option<String>,
    pub pyproject: Option<String>,
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
        } else if files.pyproject.is_none() && is_top_level(&path, "pyproject.toml") {
            files.pyproject = Some(read_bounded(entry, &path)?);
        }
        if files.pkg_info.is_some() && files.pyproject.is_some() {
            break;
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
    Err(format!("{pkg_info_reason}, and {pyproject_reason}"))
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
