//! The simple repository API: PEP 691 JSON and PEP 503 HTML project pages.
//!
//! Owns parsing a project page into a [`SimplePage`] (the serialisable form the cache
//! stores) and turning that into [`PackageVersions`]. URLs are resolved against the page
//! URL and stripped of credentials. Nothing here touches the network.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use pep440_rs::VersionSpecifiers;
use pep508_rs::PackageName;
use serde::{Deserialize, Serialize};
use url::Url;

use super::auth::redact;
use super::filename::{FilenameRejection, parse_filename};
use super::{DistFile, MetadataFile, PackageVersions, VersionFiles, Yanked};

/// The `Accept` header for project pages: JSON preferred, HTML accepted.
pub const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01";

/// One file as a project page lists it (before filename parsing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageFile {
    pub filename: String,
    /// Absolute URL without credentials or fragment.
    pub url: String,
    pub hashes: BTreeMap<String, String>,
    pub size: Option<u64>,
    pub upload_time: Option<String>,
    pub requires_python: Option<String>,
    pub yanked: bool,
    pub yanked_reason: Option<String>,
    /// Whether the page advertises a PEP 658 `.metadata` file.
    pub core_metadata: bool,
    /// The sha256 of the `.metadata` file, when advertised.
    pub core_metadata_sha256: Option<String>,
}

/// A parsed project page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SimplePage {
    pub files: Vec<PageFile>,
}

/// A project page that could not be parsed.
#[derive(Debug, thiserror::Error)]
#[error("invalid project page `{url}`: {reason}")]
pub struct PageError {
    pub url: String,
    pub reason: String,
}

/// A PEP 691 project page: `files` is required (a JSON body without it, such as an
/// error object from a proxy, is not a page with no releases).
#[derive(Deserialize)]
struct JsonPage {
    files: Vec<JsonFile>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrString {
    Bool(bool),
    String(String),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrHashes {
    Bool(bool),
    Hashes(BTreeMap<String, String>),
}

#[derive(Deserialize)]
struct JsonFile {
    filename: String,
    url: String,
    #[serde(default)]
    hashes: BTreeMap<String, String>,
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
    size: Option<u64>,
    #[serde(rename = "upload-time")]
    upload_time: Option<String>,
    yanked: Option<BoolOrString>,
    #[serde(rename = "core-metadata")]
    core_metadata: Option<BoolOrHashes>,
    #[serde(rename = "dist-info-metadata")]
    dist_info_metadata: Option<BoolOrHashes>,
}

/// Resolves `href` against `base`, dropping credentials and the fragment.
fn resolve(base: &Url, href: &str) -> Result<Url, String> {
    let mut url = base
        .join(href)
        .map_err(|e| format!("invalid file URL `{}`: {e}", redact(href)))?;
    if url.fragment().is_some() {
        url.set_fragment(None);
    }
    if url.has_authority() && (!url.username().is_empty() || url.password().is_some()) {
        let _ = url.set_username("");
        let _ = url.set_password(None);
    }
    Ok(url)
}

fn lower_hashes(hashes: BTreeMap<String, String>) -> BTreeMap<String, String> {
    hashes
        .into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_ascii_lowercase()))
        .collect()
}

/// Parses a PEP 691 JSON project page served at `page_url`.
pub fn parse_json(body: &[u8], page_url: &Url) -> Result<SimplePage, PageError> {
    let err = |reason: String| PageError {
        url: redact(page_url.as_str()),
        reason,
    };
    let page: JsonPage = serde_json::from_slice(body).map_err(|e| err(e.to_string()))?;
    let mut files = Vec::with_capacity(page.files.len());
    for f in page.files {
        let url = match resolve(page_url, &f.url) {
            Ok(url) => url,
            Err(reason) => {
                tracing::warn!(
                    "skipping `{}` on {}: {reason}",
                    f.filename,
                    redact(page_url.as_str())
                );
                continue;
            }
        };
        let (yanked, yanked_reason) = match f.yanked {
            None | Some(BoolOrString::Bool(false)) => (false, None),
            Some(BoolOrString::Bool(true)) => (true, None),
            Some(BoolOrString::String(reason)) => (true, Some(reason).filter(|r| !r.is_empty())),
        };
        let (core_metadata, core_metadata_sha256) = match f.core_metadata.or(f.dist_info_metadata) {
            None | Some(BoolOrHashes::Bool(false)) => (false, None),
            Some(BoolOrHashes::Bool(true)) => (true, None),
            Some(BoolOrHashes::Hashes(h)) => (true, lower_hashes(h).remove("sha256")),
        };
        files.push(PageFile {
            filename: f.filename,
            url: url.into(),
            hashes: lower_hashes(f.hashes),
            size: f.size,
            upload_time: f.upload_time,
            requires_python: f.requires_python.filter(|s| !s.trim().is_empty()),
            yanked,
            yanked_reason,
            core_metadata,
            core_metadata_sha256,
        });
    }
    Ok(SimplePage { files })
}

/// Decodes the HTML character references an attribute or anchor text may hold.
pub fn html_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        // `;` is ASCII, so its byte position is a char boundary.
        let Some(semi) = rest.bytes().take(12).position(|b| b == b';') else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        if let Some(c) = decoded {
            out.push(c);
            rest = &rest[semi + 1..];
        } else {
            out.push('&');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Splits the attributes of a tag body (`a href="x" data-yanked`) into name/value pairs.
fn parse_attributes(tag: &str) -> Vec<(String, Option<String>)> {
    let mut attrs = Vec::new();
    let bytes = tag.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'='
            && bytes[i] != b'/'
        {
            i += 1;
        }
        if start == i {
            i += 1;
            continue;
        }
        let name = tag[start..i].to_ascii_lowercase();
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let value = if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let vstart = i + 1;
                let vend = tag[vstart..]
                    .bytes()
                    .position(|b| b == quote)
                    .map_or(tag.len(), |p| vstart + p);
                i = (vend + 1).min(tag.len());
                &tag[vstart..vend]
            } else {
                let vstart = i;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                &tag[vstart..i]
            };
            attrs.push((name, Some(html_unescape(value))));
        } else {
            attrs.push((name, None));
        }
    }
    attrs
}

/// The index of the `>` closing the tag opened at `open`, skipping `>` inside quoted
/// attribute values (some indexes leave `data-requires-python=">=3.8"` unescaped).
fn tag_end(text: &str, open: usize) -> Option<usize> {
    let mut quote = None;
    // Bounded, so a hostile page of unbalanced quotes cannot make parsing quadratic.
    let rest = text.as_bytes().get(open + 1..).unwrap_or_default();
    for (i, &b) in rest.iter().enumerate().take(64 * 1024) {
        match (quote, b) {
            (None, b'>') => return Some(open + 1 + i),
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            _ => {}
        }
    }
    // Unbalanced quotes: fall back to the first `>`.
    text[open..].find('>').map(|p| open + p)
}

/// Parses a `sha256=<hex>` style value (fragments, metadata attributes).
fn parse_hash(value: &str) -> Option<(String, String)> {
    let (algo, hex) = value.split_once('=')?;
    if algo.is_empty() || hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some((algo.to_ascii_lowercase(), hex.to_ascii_lowercase()))
}

/// Parses a PEP 503 HTML project page served at `page_url`.
pub fn parse_html(body: &[u8], page_url: &Url) -> Result<SimplePage, PageError> {
    let text = std::str::from_utf8(body).map_err(|e| PageError {
        url: redact(page_url.as_str()),
        reason: format!("not UTF-8: {e}"),
    })?;
    // A `<base href>` changes what relative links resolve against.
    let mut base = page_url.clone();
    let mut files = Vec::new();
    let lower = text.to_ascii_lowercase();
    let mut pos = 0;
    while let Some(open) = lower[pos..].find('<').map(|p| pos + p) {
        let Some(close) = tag_end(&lower, open) else {
            break;
        };
        let tag = &text[open + 1..close];
        pos = close + 1;
        let tag_lower = &lower[open + 1..close];
        let tag_name = tag_lower
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next();
        match tag_name {
            Some("base") => {
                if let Some(Some(href)) = parse_attributes(tag)
                    .into_iter()
                    .find(|(n, _)| n == "href")
                    .map(|(_, v)| v)
                    && let Ok(b) = page_url.join(&href)
                {
                    base = b;
                }
            }
            Some("a") => {
                let end = lower[pos..].find("</a").map_or(lower.len(), |p| pos + p);
                let anchor_text = html_unescape(text[pos..end].trim());
                pos = end;
                let attrs = parse_attributes(&tag[1..]);
                let get = |name: &str| attrs.iter().find(|(n, _)| n == name).map(|(_, v)| v);
                let Some(Some(href)) = get("href") else {
                    continue;
                };
                let full = match base.join(href) {
                    Ok(u) => u,
                    Err(e) => {
                        tracing::warn!(
                            "skipping link `{}` on {}: {e}",
                            redact(href),
                            redact(page_url.as_str())
                        );
                        continue;
                    }
                };
                let mut hashes = BTreeMap::new();
                if let Some((algo, hex)) = full.fragment().and_then(parse_hash) {
                    hashes.insert(algo, hex);
                }
                let Ok(url) = resolve(&base, href) else {
                    continue;
                };
                let filename = if anchor_text.is_empty() {
                    url.path_segments()
                        .and_then(|mut s| s.next_back())
                        .map(str::to_owned)
                        .unwrap_or_default()
                } else {
                    anchor_text
                };
                let yanked_attr = get("data-yanked");
                let metadata_attr =
                    get("data-core-metadata").or_else(|| get("data-dist-info-metadata"));
                let (core_metadata, core_metadata_sha256) = match metadata_attr {
                    None => (false, None),
                    Some(None) => (true, None),
                    Some(Some(v)) if v.eq_ignore_ascii_case("false") => (false, None),
                    Some(Some(v)) => (
                        true,
                        parse_hash(v).filter(|(a, _)| a == "sha256").map(|(_, h)| h),
                    ),
                };
                files.push(PageFile {
                    filename,
                    url: url.into(),
                    hashes,
                    size: None,
                    upload_time: None,
                    requires_python: get("data-requires-python")
                        .cloned()
                        .flatten()
                        .filter(|s| !s.trim().is_empty()),
                    yanked: yanked_attr.is_some(),
                    yanked_reason: yanked_attr.cloned().flatten().filter(|r| !r.is_empty()),
                    core_metadata,
                    core_metadata_sha256,
                });
            }
            _ => {}
        }
    }
    Ok(SimplePage { files })
}

/// Parses a file's requires-python, tolerating empty clauses (`>=3.6,`) as pip does;
/// an unparsable one is dropped with a warning (the file is kept).
fn parse_requires_python(
    raw: &str,
    name: &PackageName,
    filename: &str,
) -> Option<VersionSpecifiers> {
    let cleaned: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    VersionSpecifiers::from_str(&cleaned.join(", "))
        .inspect_err(|e| {
            tracing::warn!(
                "`{name}`: ignoring invalid requires-python `{raw}` (first seen on `{filename}`): {e}"
            );
        })
        .ok()
}

/// Turns a parsed page into the version map, skipping (and logging) files that do not
/// belong to `name` or whose version is not PEP 440.
pub fn to_versions(name: &PackageName, page: &SimplePage) -> PackageVersions {
    into_versions(name, page.clone())
}

/// [`to_versions`], consuming the page (its strings move into the version map).
pub fn into_versions(name: &PackageName, page: SimplePage) -> PackageVersions {
    let mut versions: BTreeMap<_, Vec<DistFile>> = BTreeMap::new();
    // Pages repeat the same requires-python on many files: parse (and warn) once each.
    let mut requires_python_cache: HashMap<String, Option<VersionSpecifiers>> = HashMap::new();
    for f in page.files {
        let parsed = match parse_filename(&f.filename, name) {
            Ok(p) => p,
            Err(FilenameRejection::UnsupportedFormat) => continue,
            Err(FilenameRejection::OtherProject) => {
                tracing::warn!(
                    "skipping `{}` listed for `{name}`: it belongs to another project",
                    f.filename
                );
                continue;
            }
            Err(FilenameRejection::Invalid(reason)) => {
                tracing::debug!("skipping `{}` listed for `{name}`: {reason}", f.filename);
                continue;
            }
        };
        let requires_python = f.requires_python.and_then(|rp| {
            if let Some(parsed) = requires_python_cache.get(&rp) {
                return parsed.clone();
            }
            let parsed = parse_requires_python(&rp, name, &f.filename);
            requires_python_cache.insert(rp, parsed.clone());
            parsed
        });
        versions.entry(parsed.version).or_default().push(DistFile {
            filename: f.filename,
            url: f.url,
            hashes: f.hashes.into_iter().collect(),
            size: f.size,
            upload_time: f.upload_time,
            requires_python,
            yanked: f.yanked.then_some(Yanked {
                reason: f.yanked_reason,
            }),
            kind: parsed.kind,
            metadata_file: f.core_metadata.then_some(MetadataFile {
                sha256: f.core_metadata_sha256,
            }),
        });
    }
    PackageVersions {
        name: name.clone(),
        versions: versions
            .into_iter()
            .map(|(v, files)| (v, VersionFiles::new(files)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::FileKind;
    use pep440_rs::Version;

    fn page_url() -> Url {
        Url::parse("https://user:pw@example.com/simple/foo/").unwrap()
    }

    #[test]
    fn json_page() {
        let body = br#"{
          "meta": {"api-version": "1.1"}, "name": "foo", "versions": ["1.0", "2.0"],
          "files": [
            {"filename": "foo-1.0.tar.gz", "url": "../../files/foo-1.0.tar.gz",
             "hashes": {"sha256": "ABCD"}, "requires-python": ">=3.8", "size": 10,
             "upload-time": "2024-01-01T00:00:00.000000Z", "yanked": "broken build"},
            {"filename": "foo-2.0-py3-none-any.whl", "url": "https://files.example.org/foo-2.0-py3-none-any.whl",
             "hashes": {"sha256": "ef01"}, "requires-python": "", "core-metadata": {"sha256": "99"},
             "yanked": false},
            {"filename": "foo-3.0-py3-none-any.whl", "url": "x.whl", "hashes": {},
             "requires-python": ">=3.bad", "dist-info-metadata": true, "yanked": true},
            {"filename": "foo-4.0.tar.gz", "url": "y.tar.gz", "hashes": {}, "requires-python": ">=3.6, !=3.7.*,"},
            {"filename": "bar-1.0.tar.gz", "url": "bar-1.0.tar.gz", "hashes": {}},
            {"filename": "foo-nope.tar.gz", "url": "n.tar.gz", "hashes": {}},
            {"filename": "foo-0.1.egg", "url": "n.egg", "hashes": {}}
          ]}"#;
        let page = parse_json(body, &page_url()).unwrap();
        assert_eq!(page.files.len(), 7);
        let f0 = &page.files[0];
        assert_eq!(f0.url, "https://example.com/files/foo-1.0.tar.gz");
        assert_eq!(f0.hashes["sha256"], "abcd");
        assert!(f0.yanked);
        assert_eq!(f0.yanked_reason.as_deref(), Some("broken build"));
        let f1 = &page.files[1];
        assert_eq!(f1.requires_python, None);
        assert!(f1.core_metadata);
        assert_eq!(f1.core_metadata_sha256.as_deref(), Some("99"));
        assert!(page.files[2].core_metadata && page.files[2].yanked);

        let versions = to_versions(&"foo".parse().unwrap(), &page);
        let keys: Vec<String> = versions.versions.keys().map(ToString::to_string).collect();
        assert_eq!(keys, ["1.0", "2.0", "3.0", "4.0"]);
        let v4 = &versions.versions[&Version::from_str("4.0").unwrap()];
        assert_eq!(v4.requires_python().unwrap().to_string(), ">=3.6, !=3.7.*");
        let v1 = &versions.versions[&Version::from_str("1.0").unwrap()];
        assert_eq!(v1.yanked().unwrap().reason.as_deref(), Some("broken build"));
        assert_eq!(v1.requires_python().unwrap().to_string(), ">=3.8");
        assert_eq!(v1.files()[0].kind, FileKind::Sdist);
        // An unparsable requires-python keeps the file but drops the constraint.
        let v3 = &versions.versions[&Version::from_str("3.0").unwrap()];
        assert_eq!(v3.files().len(), 1);
        assert!(v3.requires_python().is_none());
    }

    #[test]
    fn malformed_json_is_an_error_naming_the_page() {
        let err = parse_json(b"{\"files\": [", &page_url()).unwrap_err();
        assert!(
            err.to_string()
                .contains("https://***@example.com/simple/foo/"),
            "{err}"
        );
        assert!(!err.to_string().contains("pw"));
    }

    #[test]
    fn html_page() {
        let body = br#"<!DOCTYPE html><html><body>
<h1>Links for foo</h1>
<a href="../../packages/foo-1.0.tar.gz#sha256=AbCd" data-requires-python="&gt;=3.7,&lt;4">foo-1.0.tar.gz</a><br/>
<A HREF='https://files.example.org/foo-2.0-py3-none-any.whl#sha256=ef01' data-yanked="bad &amp; sad" data-dist-info-metadata="sha256=77">foo-2.0-py3-none-any.whl</A>
<a href="foo-2.0.zip" data-yanked data-core-metadata="true"></a>
<a href="foo-3.0.tar.gz#md5=123">foo-3.0.tar.gz</a>
<a href="foo-4.0.tar.gz" data-requires-python=">=3.8">foo-4.0.tar.gz</a>
<a name="no-href">x</a>
</body></html>"#;
        let page = parse_html(body, &page_url()).unwrap();
        assert_eq!(page.files.len(), 5);
        assert_eq!(page.files[4].requires_python.as_deref(), Some(">=3.8"));
        let f0 = &page.files[0];
        assert_eq!(f0.url, "https://example.com/packages/foo-1.0.tar.gz");
        assert_eq!(f0.hashes["sha256"], "abcd");
        assert_eq!(f0.requires_python.as_deref(), Some(">=3.7,<4"));
        assert!(!f0.yanked && !f0.core_metadata);
        let f1 = &page.files[1];
        assert_eq!(f1.url, "https://files.example.org/foo-2.0-py3-none-any.whl");
        assert_eq!(f1.yanked_reason.as_deref(), Some("bad & sad"));
        assert_eq!(f1.core_metadata_sha256.as_deref(), Some("77"));
        let f2 = &page.files[2];
        assert_eq!(f2.filename, "foo-2.0.zip");
        assert_eq!(f2.url, "https://example.com/simple/foo/foo-2.0.zip");
        assert!(f2.yanked && f2.yanked_reason.is_none() && f2.core_metadata);
        assert_eq!(page.files[3].hashes["md5"], "123");
        let versions = to_versions(&"foo".parse().unwrap(), &page);
        assert_eq!(versions.versions.len(), 4);
    }

    #[test]
    fn unescape() {
        assert_eq!(
            html_unescape("a &amp; b &lt;&#62;&#x3D;&#X3d; &bogus; & x"),
            "a & b <>== &bogus; & x"
        );
        assert_eq!(html_unescape("&#xFFFFFFFF;"), "&#xFFFFFFFF;");
        assert_eq!(html_unescape("&ééééééé;"), "&ééééééé;");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_html_never_panics(text in "(<a href=\"[a-z./#=&;é]{0,12}\"( data-yanked)?>[a-zé&#;x0-9]{0,10}</a>|[<>&;#é\"' a-z=]){0,40}") {
            let _ = parse_html(text.as_bytes(), &page_url());
            let _ = html_unescape(&text);
        }
    }
}
