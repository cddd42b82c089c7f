//! Shared fixtures for the lock and export tests: hand-made resolutions and real
//! wheels built on the fly.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, PackageName, Requirement};
use pinctl::index::{DistFile, FileKind, VersionFiles};
use pinctl::lock::LockInputs;
use pinctl::project::{GroupName, Scope};
use pinctl::resolve::{Resolution, ResolvedDependency, ResolvedPackage};
use sha2::{Digest, Sha256};

use super::python::{run_ok, test_venv};

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

pub fn marker(s: &str) -> MarkerTree {
    MarkerTree::from_str(s).unwrap()
}

pub fn dev() -> Scope {
    Scope::Group(GroupName::new("dev"))
}

pub fn extra(name: &str) -> Scope {
    Scope::Extra(ExtraName::from_str(name).unwrap())
}

/// A file entry as an index would list it; `sha256` defaults to the hash of the name.
pub fn file(base: &str, filename: &str, sha256: Option<&str>, size: u64) -> DistFile {
    let kind = if let Some(stem) = filename.strip_suffix(".whl") {
        let parts: Vec<&str> = stem.rsplitn(4, '-').collect();
        let split = |s: &str| s.split('.').map(ToOwned::to_owned).collect::<Vec<_>>();
        FileKind::Wheel {
            python_tags: split(parts[2]),
            abi_tags: split(parts[1]),
            platform_tags: split(parts[0]),
        }
    } else {
        FileKind::Sdist
    };
    DistFile {
        filename: filename.to_owned(),
        url: format!("{base}/{filename}"),
        hashes: vec![(
            "sha256".to_owned(),
            sha256.map_or_else(|| hex(filename.as_bytes()), ToOwned::to_owned),
        )],
        size: Some(size),
        upload_time: Some("2024-11-14T12:00:00.123456Z".to_owned()),
        requires_python: None,
        yanked: None,
        metadata_file: None,
        kind,
    }
}

pub fn package(
    name: &str,
    version: &str,
    needed_by: &[(Scope, &str)],
    deps: &[(&str, &str)],
    files: Vec<DistFile>,
) -> ResolvedPackage {
    ResolvedPackage {
        name: PackageName::from_str(name).unwrap(),
        version: Version::from_str(version).unwrap(),
        needed_by: needed_by
            .iter()
            .map(|(s, m)| {
                (
                    s.clone(),
                    if m.is_empty() {
                        MarkerTree::TRUE
                    } else {
                        marker(m)
                    },
                )
            })
            .collect(),
        dependencies: deps
            .iter()
            .map(|(n, v)| ResolvedDependency {
                name: PackageName::from_str(n).unwrap(),
                version: Version::from_str(v).unwrap(),
                marker: MarkerTree::TRUE,
            })
            .collect(),
        files: VersionFiles::new(files),
        requires_python: None,
    }
}

pub fn inputs(index_url: &str) -> LockInputs {
    let reqs = |v: &[&str]| {
        v.iter()
            .map(|r| Requirement::from_str(r).unwrap())
            .collect()
    };
    LockInputs {
        requires_python: Some(VersionSpecifiers::from_str(">=3.10").unwrap()),
        scopes: BTreeMap::from([
            (
                Scope::Production,
                reqs(&[
                    "django>=5.1,<5.2",
                    "numpy>=2",
                    "rich>=13",
                    "tzdata ; sys_platform == 'win32'",
                ]),
            ),
            (dev(), reqs(&["pytest>=8", "rich>=13"])),
            (extra("socks"), reqs(&["pysocks>=1.7"])),
        ]),
        index_url: index_url.to_owned(),
        options: BTreeMap::new(),
    }
}

/// A resolution of a small Django project: production, a `dev` group, a `socks` extra,
/// platform-conditional packages and a binary package with wheels for old Pythons.
pub fn sample_resolution() -> Resolution {
    let b = "https://files.example.org/packages";
    let mut numpy_old = file(
        b,
        "numpy-2.1.3-cp39-cp39-manylinux_2_17_x86_64.whl",
        None,
        9,
    );
    numpy_old.requires_python = Some(VersionSpecifiers::from_str(">=3.9").unwrap());
    let mut excluded = file(b, "numpy-2.1.3-py3-none-any.whl", None, 9);
    excluded.requires_python = Some(VersionSpecifiers::from_str("<3.10").unwrap());
    Resolution {
        requires_python: Some(VersionSpecifiers::from_str(">=3.10").unwrap()),
        packages: vec![
            package(
                "rich",
                "13.9.4",
                &[(Scope::Production, ""), (dev(), "")],
                &[("pygments", "2.18.0")],
                vec![
                    file(b, "rich-13.9.4-py3-none-any.whl", None, 242_000),
                    file(b, "rich-13.9.4.tar.gz", None, 223_000),
                ],
            ),
            package(
                "django",
                "5.1.4",
                &[(Scope::Production, "")],
                &[
                    ("sqlparse", "0.5.2"),
                    ("asgiref", "3.8.1"),
                    ("tzdata", "2024.2"),
                ],
                vec![
                    file(b, "django-5.1.4.tar.gz", None, 10_000_000),
                    file(b, "Django-5.1.4-py3-none-any.whl", None, 8_000_000),
                ],
            ),
            package(
                "asgiref",
                "3.8.1",
                &[(Scope::Production, "")],
                &[],
                vec![file(b, "asgiref-3.8.1-py3-none-any.whl", None, 23_000)],
            ),
            package(
                "sqlparse",
                "0.5.2",
                &[(Scope::Production, "")],
                &[],
                vec![file(b, "sqlparse-0.5.2-py3-none-any.whl", None, 44_000)],
            ),
            package(
                "tzdata",
                "2024.2",
                &[(Scope::Production, "sys_platform == 'win32'")],
                &[],
                vec![file(b, "tzdata-2024.2-py2.py3-none-any.whl", None, 346_000)],
            ),
            package(
                "pygments",
                "2.18.0",
                &[(Scope::Production, ""), (dev(), "")],
                &[],
                vec![file(b, "pygments-2.18.0-py3-none-any.whl", None, 1_200_000)],
            ),
            package(
                "numpy",
                "2.1.3",
                &[(Scope::Production, "")],
                &[],
                vec![
                    file(b, "numpy-2.1.3.tar.gz", None, 20_000_000),
                    file(b, "numpy-2.1.3-cp313-cp313-win_amd64.whl", None, 12_000_000),
                    file(
                        b,
                        "numpy-2.1.3-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                        None,
                        16_000_000,
                    ),
                    numpy_old,
                    excluded,
                ],
            ),
            package(
                "pytest",
                "8.3.4",
                &[(dev(), "")],
                &[("colorama", "0.4.6"), ("iniconfig", "2.0.0")],
                vec![file(b, "pytest-8.3.4-py3-none-any.whl", None, 343_000)],
            ),
            package(
                "iniconfig",
                "2.0.0",
                &[(dev(), "")],
                &[],
                vec![file(b, "iniconfig-2.0.0-py3-none-any.whl", None, 5_900)],
            ),
            package(
                "colorama",
                "0.4.6",
                &[(dev(), "sys_platform == 'win32'")],
                &[],
                vec![file(b, "colorama-0.4.6-py2.py3-none-any.whl", None, 25_000)],
            ),
            package(
                "pysocks",
                "1.7.1",
                &[(extra("socks"), "")],
                &[],
                vec![file(b, "PySocks-1.7.1-py3-none-any.whl", None, 16_000)],
            ),
        ],
        forks: vec![],
    }
}

const MAKE_WHEEL: &str = r#"
import base64, hashlib, sys, zipfile
out, name, version = sys.argv[1:4]
requires = sys.argv[4:]
dist = f"{name}-{version}"
files = {
    f"{name}/__init__.py": f"VERSION = {version!r}\n",
    f"{dist}.dist-info/METADATA": "Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s"
        % (name, version, "".join(f"Requires-Dist: {r}\n" for r in requires)),
    f"{dist}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: pinctl-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
with zipfile.ZipFile(f"{out}/{dist}-py3-none-any.whl", "w") as z:
    for path, text in files.items():
        z.writestr(zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0)), text)
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text)}")
    record.append(f"{dist}.dist-info/RECORD,,")
    z.writestr(zipfile.ZipInfo(f"{dist}.dist-info/RECORD", date_time=(2024, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
"#;

/// Builds a pure-Python wheel `name-version-py3-none-any.whl` in `dir` and returns its
/// index entry (a `file://` URL with the real sha256 and size).
pub fn real_wheel(dir: &Path, name: &str, version: &str, requires: &[&str]) -> DistFile {
    let venv = test_venv();
    run_ok(
        Command::new(venv.join("bin/python"))
            .arg("-c")
            .arg(MAKE_WHEEL)
            .arg(dir)
            .arg(name)
            .arg(version)
            .args(requires),
    );
    let filename = format!("{name}-{version}-py3-none-any.whl");
    let bytes = std::fs::read(dir.join(&filename)).unwrap();
    let mut f = file("", &filename, Some(&hex(&bytes)), bytes.len() as u64);
    f.url = format!("file://{}/{filename}", dir.display());
    f
}

/// What installs on Linux from [`scoped_resolution`]'s production scope.
pub const SCOPED_PROD: [&str; 3] = ["alpha", "linuxonly", "shared"];

/// What installs on Linux from [`scoped_resolution`]'s production and `dev` scopes.
pub const SCOPED_PROD_DEV: [&str; 6] = [
    "alpha",
    "devlinux",
    "gamma",
    "linuxonly",
    "shared",
    "winonly",
];

/// The resolution of the install tests' project, every package at `version` with the
/// files `files(name)`: production `alpha`, `shared` (also dev), `linuxonly` (Linux) and
/// `winonly` (Windows, also dev); dev `gamma` and `devlinux` (Linux); extra `socks`:
/// `delta`.
pub fn scoped_resolution(version: &str, files: impl Fn(&str) -> Vec<DistFile>) -> Resolution {
    let prod = Scope::Production;
    let pkg =
        |name: &str, needed: &[(Scope, &str)]| package(name, version, needed, &[], files(name));
    Resolution {
        requires_python: Some(VersionSpecifiers::from_str(">=3.8").unwrap()),
        packages: vec![
            pkg("alpha", &[(prod.clone(), "")]),
            pkg("shared", &[(prod.clone(), ""), (dev(), "")]),
            pkg("linuxonly", &[(prod.clone(), "sys_platform == 'linux'")]),
            pkg(
                "winonly",
                &[(prod.clone(), "sys_platform == 'win32'"), (dev(), "")],
            ),
            pkg("gamma", &[(dev(), "")]),
            pkg("devlinux", &[(dev(), "sys_platform == 'linux'")]),
            pkg("delta", &[(extra("socks"), "")]),
        ],
        forks: vec![],
    }
}
