//! Builds the distributions the test index serves: minimal real wheels (a DEFLATE zip
//! with METADATA, WHEEL, RECORD and an importable module) and sdists (a gzipped tar with
//! PKG-INFO and a static pyproject.toml). Output bytes are deterministic (fixed
//! timestamps, fixed entry order), so hashes are stable across runs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use flate2::Compression;
use sha2::{Digest, Sha256};

/// The upload time every file reports (the same as the shared scenario harness).
pub const UPLOAD_TIME: &str = "2024-03-24T00:00:00Z";
/// 2024-03-24T00:00:00Z as a Unix timestamp (tar mtimes).
const TAR_MTIME: u64 = 1_711_238_400;
/// 2024-03-24 as an MS-DOS date (zip entries); the time field is 00:00:00.
const DOS_DATE: u16 = (2024 - 1980) * 512 + 3 * 32 + 24;

/// PEP 503 normalisation: lowercase, runs of `-_.` become `-`.
pub fn normalize(name: &str) -> String {
    collapse(name, '-')
}

/// The name as it appears in wheel and sdist file names (`-_.` runs become `_`).
pub fn dist_name(name: &str) -> String {
    collapse(name, '_')
}

fn collapse(name: &str, sep: char) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push(sep);
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// Lowercase hex sha256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let mut out = String::with_capacity(64);
    for b in digest {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// What one version of a package declares.
pub struct VersionMeta<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub requires: &'a [String],
    pub extras: &'a BTreeMap<String, Vec<String>>,
    pub requires_python: Option<&'a str>,
}

/// `req` restricted to `extra` (a marker of its own, or `and`-ed with the existing one).
fn with_extra_marker(req: &str, extra: &str) -> String {
    let extra = normalize(extra);
    match req.split_once(';') {
        Some((spec, marker)) => {
            format!(
                "{} ; ({}) and extra == \"{extra}\"",
                spec.trim(),
                marker.trim()
            )
        }
        None => format!("{} ; extra == \"{extra}\"", req.trim()),
    }
}

/// Core metadata text with the given Metadata-Version.
pub fn core_metadata(meta: &VersionMeta<'_>, metadata_version: &str) -> String {
    let mut lines = vec![
        format!("Metadata-Version: {metadata_version}"),
        format!("Name: {}", meta.name),
        format!("Version: {}", meta.version),
    ];
    if let Some(rp) = meta.requires_python {
        lines.push(format!("Requires-Python: {rp}"));
    }
    for req in meta.requires {
        lines.push(format!("Requires-Dist: {req}"));
    }
    for extra in meta.extras.keys() {
        lines.push(format!("Provides-Extra: {}", normalize(extra)));
    }
    for (extra, reqs) in meta.extras {
        for req in reqs {
            lines.push(format!("Requires-Dist: {}", with_extra_marker(req, extra)));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Expands a compressed tag set (`py2.py3-none-any`) into single tags.
fn expand_tag(tag: &str) -> Vec<String> {
    let mut parts = tag.splitn(3, '-');
    let (py, abi, plat) = (
        parts.next().unwrap_or("py3"),
        parts.next().unwrap_or("none"),
        parts.next().unwrap_or("any"),
    );
    let mut out = Vec::new();
    for a in py.split('.') {
        for b in abi.split('.') {
            for c in plat.split('.') {
                out.push(format!("{a}-{b}-{c}"));
            }
        }
    }
    out
}

/// URL-safe base64 without padding (RECORD hashes).
fn base64_urlsafe_nopad(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn record_line(path: &str, data: &[u8]) -> String {
    let digest = base64_urlsafe_nopad(&Sha256::digest(data));
    format!("{path},sha256={digest},{}", data.len())
}

/// A wheel for `meta` with `tag`; `metadata` is the METADATA text.
pub fn build_wheel(meta: &VersionMeta<'_>, metadata: &str, tag: &str) -> Vec<u8> {
    let module = dist_name(meta.name);
    let dist_info = format!("{module}-{}.dist-info", meta.version);
    let mut wheel_file =
        String::from("Wheel-Version: 1.0\nGenerator: pinctl-test-index\nRoot-Is-Purelib: true\n");
    for t in expand_tag(tag) {
        let _ = writeln!(wheel_file, "Tag: {t}");
    }
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        (
            format!("{module}/__init__.py"),
            format!("__version__ = \"{}\"\n", meta.version).into_bytes(),
        ),
        (
            format!("{dist_info}/METADATA"),
            metadata.as_bytes().to_vec(),
        ),
        (format!("{dist_info}/WHEEL"), wheel_file.into_bytes()),
    ];
    let mut record: String = entries
        .iter()
        .map(|(p, d)| record_line(p, d) + "\n")
        .collect();
    let _ = writeln!(record, "{dist_info}/RECORD,,");
    entries.push((format!("{dist_info}/RECORD"), record.into_bytes()));
    zip(&entries)
}

/// A zip archive of `entries` (DEFLATE, fixed timestamps, in the given order).
pub fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        let crc = crc.sum();
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), Compression::default());
        enc.write_all(data).unwrap();
        let compressed = enc.finish().unwrap();
        let offset = u32::try_from(out.len()).unwrap();
        let name_len = u16::try_from(name.len()).unwrap();
        let csize = u32::try_from(compressed.len()).unwrap();
        let usize_ = u32::try_from(data.len()).unwrap();
        // Local file header.
        out.extend_from_slice(&0x0403_4b50_u32.to_le_bytes());
        out.extend_from_slice(&20_u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0_u16.to_le_bytes()); // flags
        out.extend_from_slice(&8_u16.to_le_bytes()); // deflate
        out.extend_from_slice(&0_u16.to_le_bytes()); // time
        out.extend_from_slice(&DOS_DATE.to_le_bytes());
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&csize.to_le_bytes());
        out.extend_from_slice(&usize_.to_le_bytes());
        out.extend_from_slice(&name_len.to_le_bytes());
        out.extend_from_slice(&0_u16.to_le_bytes()); // extra length
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&compressed);
        // Central directory header.
        central.extend_from_slice(&0x0201_4b50_u32.to_le_bytes());
        central.extend_from_slice(&0x0314_u16.to_le_bytes()); // made by: unix, zip 2.0
        central.extend_from_slice(&20_u16.to_le_bytes());
        central.extend_from_slice(&0_u16.to_le_bytes());
        central.extend_from_slice(&8_u16.to_le_bytes());
        central.extend_from_slice(&0_u16.to_le_bytes());
        central.extend_from_slice(&DOS_DATE.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&csize.to_le_bytes());
        central.extend_from_slice(&usize_.to_le_bytes());
        central.extend_from_slice(&name_len.to_le_bytes());
        central.extend_from_slice(&0_u16.to_le_bytes()); // extra
        central.extend_from_slice(&0_u16.to_le_bytes()); // comment
        central.extend_from_slice(&0_u16.to_le_bytes()); // disk
        central.extend_from_slice(&0_u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&(0o100_644_u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let cd_size = u32::try_from(central.len()).unwrap();
    let count = u16::try_from(entries.len()).unwrap();
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50_u32.to_le_bytes());
    out.extend_from_slice(&0_u16.to_le_bytes());
    out.extend_from_slice(&0_u16.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0_u16.to_le_bytes());
    out
}

/// A TOML basic string (JSON string syntax is valid TOML for printable text).
fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A tiny in-tree PEP 517 backend so the sdists build offline without build
/// dependencies: it copies PKG-INFO into the wheel's METADATA.
const SDIST_BACKEND: &str = r#""""In-tree PEP 517 backend of the pinctl test index."""
import base64, hashlib, os, re, zipfile

_HERE = os.path.dirname(os.path.abspath(__file__))


def _pkg_info():
    with open(os.path.join(_HERE, "PKG-INFO"), encoding="utf-8") as f:
        return f.read()


def _dist():
    text = _pkg_info()
    name = re.search(r"^Name: (.*)$", text, re.M).group(1).strip()
    version = re.search(r"^Version: (.*)$", text, re.M).group(1).strip()
    return re.sub(r"[-_.]+", "_", name).lower(), version


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist, version = _dist()
    info = f"{dist}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, info), exist_ok=True)
    with open(os.path.join(metadata_directory, info, "METADATA"), "w", encoding="utf-8") as f:
        f.write(_pkg_info())
    return info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist, version = _dist()
    info = f"{dist}-{version}.dist-info"
    entries = [
        (f"{dist}/__init__.py", f'__version__ = "{version}"\n'.encode()),
        (f"{info}/METADATA", _pkg_info().encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: pinctl-test-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = ""
    for path, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record += f"{path},sha256={digest},{len(data)}\n"
    record += f"{info}/RECORD,,\n"
    entries.append((f"{info}/RECORD", record.encode()))
    filename = f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as zf:
        for path, data in entries:
            zf.writestr(path, data)
    return filename
"#;

/// An sdist for `meta`: `<dist>-<ver>/PKG-INFO` (Metadata-Version 2.2, nothing dynamic),
/// a pyproject.toml with a static `[project]` table, and an in-tree build backend.
pub fn build_sdist(meta: &VersionMeta<'_>) -> Vec<u8> {
    let dn = dist_name(meta.name);
    let top = format!("{dn}-{}", meta.version);
    let pkg_info = core_metadata(meta, "2.2");
    let mut pyproject = String::from(
        "[build-system]\nrequires = []\nbuild-backend = \"pinctl_test_backend\"\nbackend-path = [\".\"]\n\n[project]\n",
    );
    let _ = writeln!(pyproject, "name = {}", toml_str(meta.name));
    let _ = writeln!(pyproject, "version = {}", toml_str(meta.version));
    let deps: Vec<String> = meta.requires.iter().map(|r| toml_str(r)).collect();
    let _ = writeln!(pyproject, "dependencies = [{}]", deps.join(", "));
    if let Some(rp) = meta.requires_python {
        let _ = writeln!(pyproject, "requires-python = {}", toml_str(rp));
    }
    if !meta.extras.is_empty() {
        pyproject.push_str("\n[project.optional-dependencies]\n");
        for (extra, reqs) in meta.extras {
            let items: Vec<String> = reqs.iter().map(|r| toml_str(r)).collect();
            let _ = writeln!(pyproject, "{} = [{}]", normalize(extra), items.join(", "));
        }
    }
    let files: Vec<(String, Vec<u8>)> = vec![
        (format!("{top}/PKG-INFO"), pkg_info.into_bytes()),
        (
            format!("{top}/pinctl_test_backend.py"),
            SDIST_BACKEND.as_bytes().to_vec(),
        ),
        (format!("{top}/pyproject.toml"), pyproject.into_bytes()),
    ];
    let mut tar = tar::Builder::new(Vec::new());
    let mut dir = tar::Header::new_ustar();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_path(format!("{top}/")).unwrap();
    dir.set_mode(0o755);
    dir.set_mtime(TAR_MTIME);
    dir.set_size(0);
    dir.set_cksum();
    tar.append(&dir, std::io::empty()).unwrap();
    for (path, data) in &files {
        let mut h = tar::Header::new_ustar();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_path(path).unwrap();
        h.set_mode(0o644);
        h.set_mtime(TAR_MTIME);
        h.set_size(data.len() as u64);
        h.set_cksum();
        tar.append(&h, data.as_slice()).unwrap();
    }
    let raw = tar.into_inner().unwrap();
    let mut gz = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::default());
    gz.write_all(&raw).unwrap();
    gz.finish().unwrap()
}

/// Different bytes of the same kind and size (a wrong-hash fault): still a valid
/// archive where possible, so only a hash check can tell.
#[allow(clippy::case_sensitive_file_extension_comparisons)] // our own lowercase names
pub fn tamper(filename: &str, data: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    if filename.ends_with(".whl") && out.len() > 12 {
        // The time field of the first local header (readers use the central directory).
        out[10] ^= 0x01;
    } else if filename.ends_with(".tar.gz") && out.len() > 8 {
        // The gzip header's mtime.
        out[4] ^= 0x01;
    } else if filename.ends_with(".metadata") {
        out.extend_from_slice(b"Summary: tampered\n");
    } else if let Some(last) = out.last_mut() {
        *last ^= 0x01;
    } else {
        out.push(b'x');
    }
    out
}
