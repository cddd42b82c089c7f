//! The PEP 751 lock file: canonical bytes, round trip, atomic writes, validation by
//! `packaging.pylock`, and what `pip install -r pylock.toml` / `uv pip install` install.

use std::path::Path;
use std::process::Command;

use crate::common::fixtures::*;
use crate::common::python::{self, run_ok, test_venv};
use crate::common::snapshot;
use pinctl::index::VersionFiles;
use pinctl::lock::{Change, Freshness, Lock, build_lock, check_fresh, diff, write_if_changed};
use pinctl::project::Scope;
use pinctl::resolve::Resolution;

fn snapshot(name: &str, text: &str) {
    snapshot!(name, text);
}

fn sample_lock() -> Lock {
    build_lock(
        &sample_resolution(),
        &inputs("https://token:secret@pypi.example.org/simple/"),
    )
}

#[test]
fn lock_text_is_canonical() {
    let lock = sample_lock();
    let text = lock.to_toml();
    assert!(!text.contains("secret"), "credentials leaked into the lock");
    // Input order does not matter: same resolution in another order, same bytes.
    let mut shuffled = sample_resolution();
    shuffled.packages.reverse();
    for p in &mut shuffled.packages {
        let mut files = std::mem::take(&mut p.files).into_files();
        files.reverse();
        p.files = VersionFiles::new(files);
    }
    let again = build_lock(
        &shuffled,
        &inputs("https://token:secret@pypi.example.org/simple/"),
    );
    assert_eq!(again.to_toml(), text);
    snapshot("lock_sample_pylock", &text);
}

#[test]
fn packages_no_scope_needs_are_left_out() {
    let mut resolution = sample_resolution();
    resolution.packages.push(package(
        "orphan",
        "1.0",
        &[],
        &[],
        vec![file("https://x", "orphan-1.0.tar.gz", None, 1)],
    ));
    let lock = build_lock(&resolution, &inputs("https://pypi.example.org/simple"));
    assert!(lock.packages.iter().all(|p| p.name.as_ref() != "orphan"));
}

#[test]
fn files_for_unsupported_pythons_are_dropped() {
    let lock = sample_lock();
    let numpy = lock
        .packages
        .iter()
        .find(|p| p.name.as_ref() == "numpy")
        .unwrap();
    let wheels: Vec<&str> = numpy.wheels.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(
        wheels,
        [
            "numpy-2.1.3-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "numpy-2.1.3-cp313-cp313-win_amd64.whl",
        ]
    );
    assert_eq!(numpy.sdist.as_ref().unwrap().name, "numpy-2.1.3.tar.gz");
}

#[test]
fn round_trip() {
    let lock = sample_lock();
    let text = lock.to_toml();
    let back = Lock::from_toml(&text, Path::new("pylock.toml")).unwrap();
    assert_eq!(back, lock);
    assert_eq!(back.to_toml(), text);
}

#[test]
fn reader_points_at_the_problem() {
    let text = sample_lock()
        .to_toml()
        .replace("version = \"0.5.2\"", "version = \"0.5.x\"");
    let err = Lock::from_toml(&text, Path::new("pylock.toml")).unwrap_err();
    let pinctl::lock::LockError::Input(input) = err else {
        panic!("{err}")
    };
    let (line, column) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("\"0.5.x\"").map(|c| (i + 1, c + 1)))
        .unwrap();
    assert_eq!(input.location(), format!("pylock.toml:{line}:{column}"));
    assert!(input.message.contains("`0.5.x`"), "{}", input.message);

    let err = Lock::from_toml(
        "lock-version = \"1.0\"\n[[packages]\n",
        Path::new("p/pylock.toml"),
    )
    .unwrap_err();
    let pinctl::lock::LockError::Input(input) = err else {
        panic!("{err}")
    };
    assert!(
        input.location().starts_with("p/pylock.toml:2:"),
        "{}",
        input.location()
    );

    let err = Lock::from_toml("lock-version = \"2.0\"\n", Path::new("pylock.toml")).unwrap_err();
    assert!(err.to_string().contains("`2.0`"), "{err}");
}

#[test]
fn packaging_accepts_the_lock() {
    let venv = test_venv();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pylock.toml");
    std::fs::write(&path, sample_lock().to_toml()).unwrap();
    let out = run_ok(
        Command::new(venv.join("bin/python"))
            .arg("-c")
            .arg(
                "import sys, tomllib\nfrom packaging.pylock import Pylock\n\
         lock = Pylock.from_dict(tomllib.load(open(sys.argv[1], 'rb')))\n\
         print(len(lock.packages), lock.dependency_groups, lock.extras, lock.default_groups)",
            )
            .arg(&path),
    );
    assert_eq!(out.trim(), "11 ['dev'] ['socks'] None");
}

#[test]
fn write_is_atomic_and_skipped_when_unchanged() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pylock.toml");
    let text = sample_lock().to_toml();
    assert!(write_if_changed(&path, &text).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    let inode = std::fs::metadata(&path).unwrap().ino();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert!(
        !write_if_changed(&path, &text).unwrap(),
        "an identical lock was rewritten"
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.ino(), meta.modified().unwrap()), (inode, mtime));
    // A change replaces the file by rename (a new inode), never in place.
    assert!(write_if_changed(&path, "lock-version = \"1.0\"\n").unwrap());
    assert_ne!(std::fs::metadata(&path).unwrap().ino(), inode);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("pylock.toml")]);
    // A directory that cannot hold the temp file: an error naming the path, old file intact.
    let missing = dir.path().join("no/such/dir/pylock.toml");
    let err = write_if_changed(&missing, &text).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("`pylock.toml`") && message.contains("no/such/dir"),
        "{message}"
    );
    assert!(
        !message.contains(".pinctl-"),
        "the temp file is not the user's business: {message}"
    );
}

#[test]
fn a_symlinked_lock_is_written_through_and_stale_temp_files_go() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(shared.join("real.toml"), "old").unwrap();
    let link = dir.path().join("pylock.toml");
    std::os::unix::fs::symlink(shared.join("real.toml"), &link).unwrap();
    assert!(write_if_changed(&link, "new").unwrap());
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read_to_string(shared.join("real.toml")).unwrap(),
        "new"
    );
    // A dangling link is an error naming it, not a file in its place.
    let dangling = dir.path().join("dangling.toml");
    std::os::unix::fs::symlink(dir.path().join("nowhere/x.toml"), &dangling).unwrap();
    let err = write_if_changed(&dangling, "x").unwrap_err();
    assert!(err.to_string().contains("symlink to nowhere"), "{err}");
    // A temp file a killed run left an hour ago is removed; a fresh one (another run
    // writing right now) is not.
    let stale = dir.path().join(".pinctl-AbC123.tmp");
    let fresh = dir.path().join(".pinctl-XyZ789.tmp");
    std::fs::write(&stale, "half").unwrap();
    std::fs::write(&fresh, "half").unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(1);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    assert!(write_if_changed(&dir.path().join("other.toml"), "x").unwrap());
    assert!(!stale.exists());
    assert!(fresh.exists());
}

#[test]
fn dry_run_changes() {
    let old = sample_lock();
    let mut resolution = sample_resolution();
    resolution.packages.retain(|p| p.name.as_ref() != "pysocks");
    for p in &mut resolution.packages {
        if p.name.as_ref() == "django" {
            p.version = "5.1.5".parse().unwrap();
        }
        // Production now needs iniconfig too (same version): export --prod gains it.
        if p.name.as_ref() == "iniconfig" {
            p.needed_by
                .insert(Scope::Production, pep508_rs::MarkerTree::TRUE);
        }
    }
    resolution.packages.push(package(
        "typing-extensions",
        "4.12.2",
        &[(Scope::Production, "")],
        &[],
        vec![file(
            "https://x",
            "typing_extensions-4.12.2-py3-none-any.whl",
            None,
            1,
        )],
    ));
    let new = build_lock(&resolution, &inputs("https://pypi.example.org/simple"));
    let changes: Vec<String> = diff(&old, &new).iter().map(ToString::to_string).collect();
    assert_eq!(
        changes,
        [
            "Update django 5.1.4 -> 5.1.5",
            "Move iniconfig 2.0.0 into production",
            "Remove pysocks 1.7.1",
            "Add typing-extensions 4.12.2"
        ]
    );
    let back: Vec<String> = diff(&new, &old)
        .iter()
        .filter(|c| matches!(c, Change::Production { .. }))
        .map(ToString::to_string)
        .collect();
    assert_eq!(back, ["Move iniconfig 2.0.0 out of production"]);
    assert!(diff(&old, &old).is_empty());
    assert!(matches!(diff(&old, &new)[0], Change::Update { .. }));
}

#[test]
fn staleness_from_the_written_lock() {
    let text = sample_lock().to_toml();
    let lock = Lock::from_toml(&text, Path::new("pylock.toml")).unwrap();
    let mut current = inputs("https://pypi.example.org/simple");
    assert_eq!(check_fresh(&lock, &current), Freshness::Fresh);
    current
        .scopes
        .get_mut(&dev())
        .unwrap()
        .push("ruff>=0.8".parse().unwrap());
    assert_eq!(
        check_fresh(&lock, &current),
        Freshness::Stale(vec![
            "dependency `ruff>=0.8` was added to group `dev`".to_owned()
        ])
    );
}

/// A project of real (tiny) wheels served from `file://` URLs:
/// production `alpha`, `shared` (also dev), `linuxonly` (Linux), `winonly` (Windows);
/// dev `gamma`, `devlinux` (Linux); extra `socks`: `delta`.
pub fn installable_resolution(dir: &Path) -> Resolution {
    scoped_resolution("1.0", |name| vec![real_wheel(dir, name, "1.0", &[])])
}

fn install(tool: &str, dir: &Path, args: &[&str]) -> Vec<String> {
    python::install(tool, dir, args, true)
}

#[test]
fn pip_and_uv_install_exactly_the_selected_scopes() {
    assert_eq!(
        std::env::consts::OS,
        "linux",
        "the expected sets assume Linux"
    );
    let dir = tempfile::tempdir().unwrap();
    let wheels = dir.path().join("wheels");
    std::fs::create_dir(&wheels).unwrap();
    let resolution = installable_resolution(&wheels);
    let mut lock_inputs = inputs("https://pypi.example.org/simple");
    lock_inputs.requires_python = Some(">=3.8".parse().unwrap());
    let lock = build_lock(&resolution, &lock_inputs);
    std::fs::write(dir.path().join("pylock.toml"), lock.to_toml()).unwrap();
    let d = dir.path();

    let (prod, prod_dev) = (SCOPED_PROD, SCOPED_PROD_DEV);
    assert_eq!(install("pip", d, &["-r", "pylock.toml"]), prod);
    assert_eq!(
        install(
            "pip",
            d,
            &["-r", "pylock.toml", "--group", "pylock.toml:dev"]
        ),
        prod_dev
    );
    assert_eq!(install("pip", d, &["--group", "pylock.toml:dev"]), prod_dev);
    assert_eq!(
        install("pip", d, &["-r", "pylock.toml[socks]"]),
        ["alpha", "delta", "linuxonly", "shared"]
    );
    assert_eq!(install("uv", d, &["-r", "pylock.toml"]), prod);
    assert_eq!(
        install("uv", d, &["-r", "pylock.toml", "--group", "dev"]),
        prod_dev
    );
    assert_eq!(
        install("uv", d, &["-r", "pylock.toml", "--extra", "socks"]),
        ["alpha", "delta", "linuxonly", "shared"]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

    /// Damaged lock files give an error (or, when the damage is harmless, a lock), never a panic.
    #[test]
    fn reader_never_panics(edits in proptest::collection::vec((0usize..100_000, 0usize..12), 1..4)) {
        let mut text = sample_lock().to_toml().into_bytes();
        let alphabet = b"\"'=[]{},a1\n.";
        for (at, what) in edits {
            let at = at % text.len();
            if what == 11 {
                text.remove(at);
            } else {
                text.insert(at, alphabet[what % alphabet.len()]);
            }
        }
        let text = String::from_utf8_lossy(&text);
        let _ = Lock::from_toml(&text, Path::new("pylock.toml"));
    }
}

/// The marker pinctl writes selects, under `packaging`'s PEP 751 evaluation, exactly what
/// the per-scope conditions say, for every combination of scope conditions, selection
/// and environment.
#[test]
fn written_markers_mean_what_the_scopes_say() {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;

    use pep508_rs::{MarkerEnvironment, MarkerEnvironmentBuilder, MarkerTree};
    use pinctl::lock::{pep751_marker, selection_marker};

    let prod_conditions = [
        None,
        Some(""),
        Some("sys_platform == 'win32'"),
        Some("python_version < '3.11' or sys_platform == 'linux'"),
    ];
    let dev_conditions = [
        None,
        Some(""),
        Some("sys_platform == 'linux'"),
        Some("sys_platform == 'win32' or python_version >= '3.12'"),
    ];
    let socks_conditions = [
        None,
        Some(""),
        Some("sys_platform == 'win32' and python_version >= '3.11'"),
    ];
    let envs = [
        ("linux", "3.10.4"),
        ("win32", "3.12.1"),
        ("darwin", "3.11.0"),
    ];
    let selections: [&[Scope]; 4] = [
        &[Scope::Production],
        &[Scope::Production, dev()],
        &[Scope::Production, extra("socks")],
        &[dev()],
    ];

    let env = |platform: &str, python: &str| -> MarkerEnvironment {
        MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
            implementation_name: "cpython",
            implementation_version: python,
            os_name: "posix",
            platform_machine: "x86_64",
            platform_python_implementation: "CPython",
            platform_release: "",
            platform_system: "",
            platform_version: "",
            python_full_version: python,
            python_version: &python[..python.rfind('.').unwrap()],
            sys_platform: platform,
        })
        .unwrap()
    };
    // One line per case for Python: marker \t platform \t python \t groups \t extras \t expected
    let mut cases = String::new();
    for prod in prod_conditions {
        for dev_c in dev_conditions {
            for socks in socks_conditions {
                let mut needed = BTreeMap::new();
                for (scope, cond) in [
                    (Scope::Production, prod),
                    (dev(), dev_c),
                    (extra("socks"), socks),
                ] {
                    if let Some(c) = cond {
                        needed.insert(
                            scope,
                            if c.is_empty() {
                                MarkerTree::TRUE
                            } else {
                                marker(c)
                            },
                        );
                    }
                }
                if needed.is_empty() {
                    continue;
                }
                let written = pep751_marker(&needed).unwrap_or_default();
                for selection in selections {
                    // Installers install production always (it has no clause): `--only-group`
                    // is an export-only selection.
                    if !selection.contains(&Scope::Production) {
                        continue;
                    }
                    let groups = if selection.contains(&dev()) {
                        "dev"
                    } else {
                        ""
                    };
                    let extras = if selection.contains(&extra("socks")) {
                        "socks"
                    } else {
                        ""
                    };
                    for (platform, python) in envs {
                        let expected = selection_marker(&needed, selection)
                            .is_some_and(|m| m.evaluate(&env(platform, python), &[]));
                        let _ = writeln!(
                            cases,
                            "{written}\t{platform}\t{python}\t{groups}\t{extras}\t{expected}"
                        );
                    }
                }
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cases.tsv");
    std::fs::write(&path, &cases).unwrap();
    let out = run_ok(Command::new(test_venv().join("bin/python")).arg("-c").arg(
        "import sys\nfrom packaging.markers import Marker\nbad = 0\nn = 0\n\
         for line in open(sys.argv[1]):\n\
         \x20   m, plat, py, groups, extras, expected = line.rstrip('\\n').split('\\t')\n\
         \x20   env = {'sys_platform': plat, 'python_full_version': py, 'python_version': py.rsplit('.', 1)[0],\n\
         \x20          'dependency_groups': frozenset(filter(None, [groups])), 'extras': frozenset(filter(None, [extras]))}\n\
         \x20   got = (not m) or Marker(m).evaluate(env, context='lock_file')\n\
         \x20   n += 1\n\
         \x20   if str(got).lower() != expected:\n\
         \x20       bad += 1\n\
         \x20       print('MISMATCH', repr(m), plat, py, groups, extras, 'packaging:', got, 'pinctl:', expected)\n\
         print(n, 'cases', bad, 'mismatches')",
    ).arg(&path));
    assert!(out.trim_end().ends_with(" 0 mismatches"), "{out}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// Any combination of scope conditions survives writing and reading back, and the
    /// bytes are a fixed point.
    #[test]
    fn scope_conditions_round_trip(
        picks in proptest::collection::vec((0usize..5, 0usize..3, proptest::collection::vec((0usize..4, 0usize..6), 1..4)), 1..8)
    ) {
        const MARKERS: [&str; 6] = [
            "",
            "sys_platform == 'win32'",
            "python_version < '3.11' or platform_machine == 'arm64'",
            "(os_name == 'nt' or sys_platform == 'darwin') and python_version >= '3.12'",
            "implementation_name != 'pypy'",
            "platform_release == '5.10\"x'",
        ];
        let scopes = [Scope::Production, dev(), extra("socks"), Scope::Group(pinctl::project::GroupName::new("Docs.Build"))];
        let names = ["alpha", "beta", "gamma-delta", "e_f", "zz"];
        let versions = ["1.0", "2.0.post1", "3.0a1"];
        let mut resolution = sample_resolution();
        resolution.packages.clear();
        for (name, version, needs) in picks {
            let needed: Vec<(Scope, &str)> = needs.iter().map(|(s, m)| (scopes[*s].clone(), MARKERS[*m])).collect();
            let filename = format!("{}-{}.tar.gz", names[name], versions[version]);
            resolution.packages.push(package(names[name], versions[version], &needed, &[], vec![file("https://x", &filename, None, 1)]));
        }
        resolution.packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        resolution.packages.dedup_by(|a, b| a.name == b.name && a.version == b.version);
        let lock = build_lock(&resolution, &inputs("https://pypi.org/simple"));
        let text = lock.to_toml();
        let back = Lock::from_toml(&text, Path::new("pylock.toml")).unwrap();
        proptest::prop_assert_eq!(&back, &lock);
        proptest::prop_assert_eq!(back.to_toml(), text);
    }
}
