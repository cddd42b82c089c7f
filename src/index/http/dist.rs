//! Metadata out of distribution files, for [`HttpIndex`]: the PEP 658 sidecar, range
//! requests into a wheel's zip, the whole wheel, and static sdist metadata.
//!
//! Every whole-file download is verified against the index's sha256; range reads cannot
//! be (only parts of the file are fetched), as in other resolvers. Never runs package
//! code.

use std::fs::File;

use futures::future::Either;
use pep440_rs::Version;
use pep508_rs::PackageName;
use reqwest::header::{self, HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use url::Url;

use super::{
    Fetched, HttpIndex, IndexError, MAX_DOWNLOAD, MAX_METADATA, Ordering, Request, SIDECAR_GIVE_UP,
    status_text, verify_sha256,
};
use crate::index::auth::redact;
use crate::index::core_metadata::{MetadataError, MetadataSource, parse_metadata};
use crate::index::{DistFile, FileKind, Metadata, sdist, zip};

/// Parses `Content-Range: bytes START-END/TOTAL`.
fn parse_content_range(value: &str) -> Option<(u64, u64, u64)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.split_once('-')?;
    let (start, end, total) = (start.parse().ok()?, end.parse().ok()?, total.parse().ok()?);
    (start <= end && end < total).then_some((start, end, total))
}

/// The URL of `file`, parsed.
pub(super) fn file_url(file: &DistFile) -> Result<Url, IndexError> {
    Url::parse(&file.url).map_err(|e| IndexError::InvalidUrl {
        what: "file URL",
        url: redact(&file.url),
        reason: e.to_string(),
    })
}

/// The wheel to read metadata from: `py3-none-any` preferred, else any wheel.
pub(super) fn pick_wheel(files: &[DistFile]) -> Option<&DistFile> {
    let universal = |f: &&DistFile| match &f.kind {
        FileKind::Wheel {
            python_tags,
            abi_tags,
            platform_tags,
        } => {
            python_tags.iter().any(|t| t.starts_with("py3"))
                && abi_tags.iter().any(|t| t == "none")
                && platform_tags.iter().any(|t| t == "any")
        }
        FileKind::Sdist => false,
    };
    files
        .iter()
        .find(universal)
        .or_else(|| files.iter().find(|f| f.is_wheel()))
}

impl HttpIndex {
    /// Parses the metadata file at `url` of `name` `version`; an error names the line.
    fn metadata_text(
        name: &PackageName,
        version: &Version,
        url: &Url,
        bytes: &[u8],
    ) -> Result<Metadata, IndexError> {
        let text = String::from_utf8_lossy(bytes);
        parse_metadata(&text).map_err(|e| {
            let line = match &e {
                MetadataError::Invalid { value, .. } => text
                    .lines()
                    .position(|l| l.contains(value.as_str()))
                    .map(|i| format!("line {}: ", i + 1)),
                MetadataError::Missing(_) => None,
            };
            IndexError::InvalidMetadata {
                name: name.clone(),
                version: version.clone(),
                url: redact(url.as_str()),
                reason: format!("{}{e}", line.unwrap_or_default()),
            }
        })
    }

    /// The metadata of a wheel: sidecar, then range requests, then the whole file; with
    /// where it came from. A sidecar that does not parse is not used: the wheel's own
    /// METADATA is read instead.
    pub(super) async fn wheel_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        wheel: &DistFile,
    ) -> Result<(Metadata, MetadataSource), IndexError> {
        let hint = wheel.metadata_file.as_ref();
        let wheel_url = file_url(wheel)?;
        // PEP 658: tried even when not advertised (the reachable PyPI omits the key),
        // until unadvertised sidecars have proved absent on this index.
        let advertised = hint.is_some();
        let inner = &self.inner;
        let try_sidecar = advertised
            || inner.sidecar_hits.load(Ordering::Relaxed) > 0
            || inner.sidecar_misses.load(Ordering::Relaxed) < SIDECAR_GIVE_UP;
        // An unadvertised sidecar may or may not exist (the reachable PyPI serves them for
        // older uploads only), so the range read starts alongside it: waiting for a 404
        // cost a round trip, often on the critical path. The range read is dropped as
        // soon as the sidecar answers 200.
        let race = !advertised && try_sidecar;
        let mut by_range = None;
        if try_sidecar {
            let sidecar = Url::parse(&format!("{}.metadata", wheel.url)).map_err(|e| {
                IndexError::InvalidUrl {
                    what: "file URL",
                    url: redact(&wheel.url),
                    reason: e.to_string(),
                }
            })?;
            let what = format!("{}.metadata", wheel.filename);
            let expected = hint.and_then(|h| h.sha256.clone());
            let request = Request {
                url: &sidecar,
                what: &what,
                headers: HeaderMap::new(),
                limit: MAX_METADATA,
                range: false,
                to_file: false,
            };
            // An advertised sidecar whose bytes do not match the advertised hash is
            // fetched again (a proxy may have mangled it), then refused.
            let verify = |fetched: &Fetched| {
                if fetched.status != 200 {
                    return Ok(());
                }
                let actual = format!("{:x}", Sha256::digest(&fetched.body));
                verify_sha256(&sidecar, expected.as_deref(), &actual)
            };
            let fetched = if race {
                let sidecar_read = std::pin::pin!(self.fetch_checked(&request, &verify));
                let range_read =
                    std::pin::pin!(self.metadata_by_range(name, &wheel_url, &wheel.filename));
                match futures::future::select(sidecar_read, range_read).await {
                    Either::Left((fetched, range_read)) => {
                        let fetched = fetched?;
                        if fetched.status != 200 {
                            by_range = Some(range_read.await);
                        }
                        fetched
                    }
                    Either::Right((range, sidecar_read)) => {
                        by_range = Some(range);
                        sidecar_read.await?
                    }
                }
            } else {
                self.fetch_checked(&request, &verify).await?
            };
            if fetched.status == 200 {
                if !advertised {
                    inner.sidecar_hits.fetch_add(1, Ordering::Relaxed);
                }
                match Self::metadata_text(name, version, &sidecar, &fetched.body) {
                    Ok(metadata) => {
                        let source = if advertised {
                            MetadataSource::Sidecar
                        } else {
                            MetadataSource::UnadvertisedSidecar
                        };
                        return Ok((metadata, source));
                    }
                    Err(e) => {
                        tracing::warn!("{e}; reading the wheel's own METADATA instead");
                    }
                }
            } else {
                if !advertised {
                    inner.sidecar_misses.fetch_add(1, Ordering::Relaxed);
                }
                tracing::debug!(
                    "{} answered {}; trying range requests",
                    redact(sidecar.as_str()),
                    status_text(fetched.status)
                );
            }
        }
        let metadata = self
            .wheel_own_metadata(name, version, wheel, &wheel_url, by_range)
            .await?;
        Ok((metadata, MetadataSource::Wheel))
    }

    /// The METADATA inside the wheel: range requests (their outcome in `by_range` when
    /// already made), else the whole file.
    pub(super) async fn wheel_own_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        wheel: &DistFile,
        wheel_url: &Url,
        by_range: Option<Result<Option<Vec<u8>>, IndexError>>,
    ) -> Result<Metadata, IndexError> {
        let by_range = match by_range {
            Some(done) => done,
            None => {
                self.metadata_by_range(name, wheel_url, &wheel.filename)
                    .await
            }
        };
        if let Some(bytes) = by_range? {
            return Self::metadata_text(name, version, wheel_url, &bytes);
        }
        tracing::debug!("reading {} in full", redact(wheel_url.as_str()));
        let (file, len) = self.download(wheel_url, &wheel.filename, wheel).await?;
        let project = name.to_string();
        let bytes = tokio::task::spawn_blocking(move || {
            let mut file = file;
            let entries = zip::read_entries(&mut file, len)?;
            let entry = zip::find_wheel_metadata(&entries, &project)
                .ok_or_else(|| zip::ZipError::EntryNotFound("*.dist-info/METADATA".into()))?;
            zip::read_entry(&mut file, entry)
        })
        .await
        .map_err(|e| IndexError::Internal(format!("reading a wheel failed: {e}")))?
        .map_err(|e| IndexError::BadArchive {
            url: redact(wheel_url.as_str()),
            message: format!("cannot read the wheel {}: {e}", redact(wheel_url.as_str())),
        })?;
        Self::metadata_text(name, version, wheel_url, &bytes)
    }

    /// Fetches bytes `start..=end` of `url`; `None` when the server does not answer with
    /// exactly that range.
    async fn fetch_range(
        &self,
        url: &Url,
        what: &str,
        range: &str,
        limit: u64,
    ) -> Result<Option<(Vec<u8>, u64, u64)>, IndexError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("identity"),
        );
        if let Ok(v) = HeaderValue::from_str(range) {
            headers.insert(header::RANGE, v);
        }
        let fetched = self
            .fetch(&Request {
                url,
                what,
                headers,
                limit,
                range: true,
                to_file: false,
            })
            .await?;
        if fetched.status != 206 {
            tracing::debug!(
                "{} answered {} to `{range}`",
                redact(url.as_str()),
                status_text(fetched.status)
            );
            return Ok(None);
        }
        let Some((start, end, total)) = fetched
            .headers
            .get(header::CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_content_range)
        else {
            return Ok(None);
        };
        if fetched.body.len() as u64 != end - start + 1 {
            return Ok(None);
        }
        Ok(Some((fetched.body, start, total)))
    }

    /// Reads a wheel's METADATA with range requests; `None` means "download it whole".
    async fn metadata_by_range(
        &self,
        name: &PackageName,
        url: &Url,
        filename: &str,
    ) -> Result<Option<Vec<u8>>, IndexError> {
        let what = filename;
        let Some((tail, tail_start, total)) = self
            .fetch_range(
                url,
                what,
                &format!("bytes=-{}", zip::TAIL_SIZE),
                zip::TAIL_SIZE,
            )
            .await?
        else {
            return Ok(None);
        };
        if tail_start + tail.len() as u64 != total {
            return Ok(None);
        }
        let fallback = |e: zip::ZipError| {
            tracing::debug!("range read of {} failed: {e}", redact(url.as_str()));
        };
        let cd = match zip::locate_central_directory(&tail, tail_start, total) {
            Ok(cd) => cd,
            Err(e) => {
                fallback(e);
                return Ok(None);
            }
        };
        if cd.size == 0 {
            return Err(IndexError::BadArchive {
                url: redact(url.as_str()),
                message: format!("the wheel {} is an empty zip archive", redact(url.as_str())),
            });
        }
        let cd_bytes = if cd.offset >= tail_start {
            let from = usize::try_from(cd.offset - tail_start).unwrap_or(usize::MAX);
            let to = usize::try_from(cd.offset - tail_start + cd.size).unwrap_or(usize::MAX);
            match tail.get(from..to) {
                Some(b) => b.to_vec(),
                None => return Ok(None),
            }
        } else {
            let end = cd.offset + cd.size - 1;
            match self
                .fetch_range(
                    url,
                    what,
                    &format!("bytes={}-{end}", cd.offset),
                    zip::MAX_CENTRAL_DIRECTORY,
                )
                .await?
            {
                Some((b, _, _)) => b,
                None => return Ok(None),
            }
        };
        let entries = match zip::parse_central_directory(&cd_bytes, total) {
            Ok(e) => e,
            Err(e) => {
                fallback(e);
                return Ok(None);
            }
        };
        let Some(entry) = zip::find_wheel_metadata(&entries, name.as_ref()) else {
            return Err(IndexError::BadArchive {
                url: redact(url.as_str()),
                message: format!(
                    "the wheel {} has no `.dist-info/METADATA`",
                    redact(url.as_str())
                ),
            });
        };
        if entry.compressed_size > zip::MAX_ENTRY {
            fallback(zip::ZipError::TooLarge {
                what: entry.name.clone(),
                size: entry.compressed_size,
                limit: zip::MAX_ENTRY,
            });
            return Ok(None);
        }
        // The local header's name and extra field usually match the central directory's;
        // ask for some slack so one request nearly always suffices.
        let slack = 30 + entry.name.len() as u64 + 1024;
        let start = entry.local_header_offset;
        let end = (start + slack + entry.compressed_size).min(total) - 1;
        // The `.dist-info` is usually written last, so the tail often holds it already.
        let in_tail = start
            .checked_sub(tail_start)
            .and_then(|rel| usize::try_from(rel).ok())
            .and_then(|rel| tail.get(rel..));
        let chunk = if let Some(chunk) = in_tail {
            chunk.to_vec()
        } else {
            let Some((chunk, _, _)) = self
                .fetch_range(
                    url,
                    what,
                    &format!("bytes={start}-{end}"),
                    zip::MAX_ENTRY + slack,
                )
                .await?
            else {
                return Ok(None);
            };
            chunk
        };
        let data_offset = match zip::local_data_offset(&chunk, entry) {
            Ok(o) => o,
            Err(e) => {
                fallback(e);
                return Ok(None);
            }
        };
        let rel = usize::try_from(data_offset - start).unwrap_or(usize::MAX);
        let data = if let Some(data) = chunk.get(rel..) {
            if data.len() as u64 >= entry.compressed_size {
                data.to_vec()
            } else {
                let end = data_offset + entry.compressed_size - 1;
                match self
                    .fetch_range(
                        url,
                        what,
                        &format!("bytes={data_offset}-{end}"),
                        zip::MAX_ENTRY,
                    )
                    .await?
                {
                    Some((b, _, _)) => b,
                    None => return Ok(None),
                }
            }
        } else {
            return Ok(None);
        };
        match zip::extract(entry, &data) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) => {
                fallback(e);
                Ok(None)
            }
        }
    }

    /// Downloads a file to an anonymous temp file, verifying its sha256.
    async fn download(
        &self,
        url: &Url,
        what: &str,
        file: &DistFile,
    ) -> Result<(File, u64), IndexError> {
        if let Some(size) = file.size.filter(|&s| s > MAX_DOWNLOAD) {
            return Err(IndexError::TooLarge {
                filename: file.filename.clone(),
                size,
                limit: MAX_DOWNLOAD,
            });
        }
        let fetched = self
            .fetch(&Request {
                url,
                what,
                headers: HeaderMap::new(),
                limit: MAX_DOWNLOAD,
                range: false,
                to_file: true,
            })
            .await?;
        let Some((handle, actual)) = fetched.file else {
            return Err(Self::status_error(url, fetched.status));
        };
        verify_sha256(url, file.sha256(), &actual)?;
        Ok((handle, fetched.len))
    }

    /// The static metadata of an sdist, or [`IndexError::NeedsBuild`] saying why not.
    pub(super) async fn sdist_metadata(
        &self,
        name: &PackageName,
        version: &Version,
        sdist: &DistFile,
    ) -> Result<Metadata, IndexError> {
        let url = Url::parse(&sdist.url).map_err(|e| IndexError::InvalidUrl {
            what: "file URL",
            url: redact(&sdist.url),
            reason: e.to_string(),
        })?;
        let (file, len) = self.download(&url, &sdist.filename, sdist).await?;
        let is_zip = sdist.filename.to_ascii_lowercase().ends_with(".zip");
        let files = tokio::task::spawn_blocking(move || {
            let mut file = file;
            if is_zip {
                sdist::read_zip(&mut file, len)
            } else {
                sdist::read_tar_gz(std::io::BufReader::new(file))
            }
        })
        .await
        .map_err(|e| IndexError::Internal(format!("reading an sdist failed: {e}")))?
        .map_err(|e| IndexError::BadArchive {
            url: redact(url.as_str()),
            message: format!("cannot read the sdist {}: {e}", redact(url.as_str())),
        })?;
        sdist::static_metadata(&files, name, version).map_err(|reason| IndexError::NeedsBuild {
            name: name.clone(),
            version: version.clone(),
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range() {
        assert_eq!(parse_content_range("bytes 10-19/100"), Some((10, 19, 100)));
        assert_eq!(parse_content_range("bytes 10-19/*"), None);
        assert_eq!(parse_content_range("bytes 20-10/100"), None);
        assert_eq!(parse_content_range("bytes 0-100/100"), None);
    }

    #[test]
    fn wheel_choice() {
        let file = |name: &str, kind: FileKind| DistFile {
            filename: name.into(),
            url: String::new(),
            hashes: Vec::new(),
            size: None,
            upload_time: None,
            requires_python: None,
            yanked: None,
            metadata_file: None,
            kind,
        };
        let wheel = |p: &str, a: &str, pl: &str| FileKind::Wheel {
            python_tags: vec![p.into()],
            abi_tags: vec![a.into()],
            platform_tags: vec![pl.into()],
        };
        let files = vec![
            file("a.tar.gz", FileKind::Sdist),
            file("b.whl", wheel("cp312", "cp312", "manylinux_2_17_x86_64")),
            file("c.whl", wheel("py3", "none", "any")),
        ];
        assert_eq!(pick_wheel(&files).unwrap().filename, "c.whl");
        assert_eq!(pick_wheel(&files[..2]).unwrap().filename, "b.whl");
        assert!(pick_wheel(&files[..1]).is_none());
    }
}
