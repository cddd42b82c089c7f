use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::Arc;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{MarkerTree, PackageName, Requirement};

use super::render::{self, Format};
use super::*;
use crate::index::memory::MemoryIndex;
use crate::index::{DistFile, FileKind, Metadata, VersionFiles, Yanked};
use crate::project::{GroupName, Scope};
use crate::source::{SourceFile, Span};

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

fn name(s: &str) -> PackageName {
    PackageName::from_str(s).unwrap()
}

fn v(s: &str) -> Version {
    Version::from_str(s).unwrap()
}

/// `"numpy 2.3.0 py:>=3.11 yanked:reason words"`: one release with one wheel.
fn release(index: &mut MemoryIndex, line: &str) {
    let mut words = line.split(' ');
    let pkg = name(words.next().unwrap());
    let version = v(words.next().unwrap());
    let mut requires_python = None;
    let mut yanked = None;
    let mut reason_words = Vec::new();
    for word in words {
        if let Some(rp) = word.strip_prefix("py:") {
            requires_python = Some(VersionSpecifiers::from_str(rp).unwrap());
        } else if let Some(reason) = word.strip_prefix("yanked") {
            yanked = Some(());
            if let Some(first) = reason.strip_prefix(':') {
                reason_words.push(first.to_string());
            }
        } else {
            reason_words.push(word.to_string());
        }
    }
    let reason = (!reason_words.is_empty()).then(|| reason_words.join(" "));
    let file = DistFile {
        filename: format!("{pkg}-{version}-py3-none-any.whl"),
        url: format!("https://example.invalid/{pkg}-{version}-py3-none-any.whl"),
        hashes: Vec::new(),
        size: None,
        upload_time: None,
        requires_python: requires_python.clone(),
        yanked: yanked.map(|()| Yanked { reason }),
        metadata_file: None,
        kind: FileKind::Wheel {
            python_tags: vec!["py3".into()],
            abi_tags: vec!["none".into()],
            platform_tags: vec!["any".into()],
        },
    };
    index.add(
        Metadata {
            name: pkg,
            version,
            requires_dist: Vec::new(),
            requires_python,
            provides_extra: Vec::new(),
        },
        VersionFiles::new(vec![file]),
    );
}

fn index(lines: &[&str]) -> MemoryIndex {
    let mut index = MemoryIndex::new();
    for line in lines {
        release(&mut index, line);
    }
    index
}

/// A pyproject.toml whose `[project] dependencies` are `prod` and whose `dev` group is `dev`.
struct Fixture {
    input: OutdatedInput,
}

impl Fixture {
    fn new(requires_python: Option<&str>, prod: &[&str], dev: &[&str]) -> Self {
        let mut text = String::from("[project]\nname = \"app\"\nversion = \"0.1.0\"\n");
        if let Some(rp) = requires_python {
            let _ = writeln!(text, "requires-python = \"{rp}\"");
        }
        text.push_str("dependencies = [\n");
        for r in prod {
            let _ = writeln!(text, "    \"{r}\",");
        }
        text.push_str("]\n\n[dependency-groups]\ndev = [\n");
        for r in dev {
            let _ = writeln!(text, "    \"{r}\",");
        }
        text.push_str("]\n");
        let file = SourceFile::new("pyproject.toml", text);
        let mut specifiers: BTreeMap<PackageName, Vec<DirectSpec>> = BTreeMap::new();
        let mut cursor = 0;
        for (r, scope) in prod
            .iter()
            .map(|r| (r, Scope::Production))
            .chain(dev.iter().map(|r| (r, Scope::Group(GroupName::new("dev")))))
        {
            let quoted = format!("\"{r}\"");
            let start = cursor + file.text[cursor..].find(&quoted).unwrap();
            cursor = start + quoted.len();
            let requirement = Requirement::from_str(r).unwrap();
            specifiers
                .entry(requirement.name.clone())
                .or_default()
                .push(DirectSpec {
                    requirement,
                    file: Arc::clone(&file),
                    span: Span::new(start, cursor),
                    scope,
                });
        }
        Self {
            input: OutdatedInput {
                packages: Vec::new(),
                requires_python: requires_python.map(|rp| VersionSpecifiers::from_str(rp).unwrap()),
                specifiers,
            },
        }
    }

    /// Locks `pkg==version` for `scopes` (`prod`, or a group name).
    fn lock(mut self, pkg: &str, version: &str, scopes: &[&str]) -> Self {
        let pkg = name(pkg);
        let scopes = scopes
            .iter()
            .map(|s| {
                if *s == "prod" {
                    Scope::Production
                } else {
                    Scope::Group(GroupName::new(s))
                }
            })
            .collect();
        let direct = self.input.is_direct(&pkg);
        self.input.packages.push(LockedPackage {
            name: pkg,
            version: v(version),
            scopes,
            direct,
            marker: MarkerTree::TRUE,
        });
        self
    }

    fn run(&self, index: &MemoryIndex) -> OutdatedReport {
        block_on(find_outdated(&self.input, index, 8)).unwrap()
    }
}

fn entry<'a>(report: &'a OutdatedReport, pkg: &str) -> &'a OutdatedEntry {
    report
        .entries
        .iter()
        .find(|e| e.name == name(pkg))
        .unwrap_or_else(|| panic!("no entry for {pkg}"))
}

#[test]
fn up_to_date_package_has_nothing_to_say() {
    let idx = index(&["idna 3.7", "idna 3.6"]);
    let report = Fixture::new(None, &["idna>=3"], &[])
        .lock("idna", "3.7", &["prod"])
        .run(&idx);
    let e = entry(&report, "idna");
    assert_eq!(e.wanted, Some(v("3.7")));
    assert_eq!(e.latest, Some(v("3.7")));
    assert_eq!(e.update, None);
    assert!(!e.is_notable());
    assert_eq!(e.severity(), None);
}

#[test]
fn yanked_locked_version_is_flagged_with_its_reason() {
    let idx = index(&["foo 1.0.0 yanked:broken wheel metadata", "foo 1.0.1"]);
    let report = Fixture::new(None, &["foo==1.0.0"], &[])
        .lock("foo", "1.0.0", &["prod"])
        .run(&idx);
    let e = entry(&report, "foo");
    assert_eq!(
        e.yanked,
        Some(Yanked {
            reason: Some("broken wheel metadata".into())
        })
    );
    // Pinned exactly, so the yanked version is still the wanted one (PEP 592).
    assert_eq!(e.wanted, Some(v("1.0.0")));
    assert_eq!(e.latest, Some(v("1.0.1")));
    assert_eq!(e.update, Some(UpdateKind::Patch));
    assert_eq!(e.severity(), Some(Severity::Yanked));
    assert!(e.is_blocked());
    assert_eq!(e.blocked_by[0].requirement, "foo==1.0.0");
}

#[test]
fn yanked_versions_are_never_wanted_or_latest_unless_pinned() {
    let idx = index(&["foo 1.0", "foo 1.1", "foo 1.2 yanked"]);
    let report = Fixture::new(None, &["foo>=1"], &[])
        .lock("foo", "1.0", &["prod"])
        .run(&idx);
    let e = entry(&report, "foo");
    assert_eq!(e.wanted, Some(v("1.1")));
    assert_eq!(e.latest, Some(v("1.1")));
    assert_eq!(e.yanked, None);
}

#[test]
fn wanted_stays_below_an_upper_bound_and_latest_is_blocked() {
    let idx = index(&["requests 1.5.0", "requests 1.9.2", "requests 2.1.0"]);
    let report = Fixture::new(Some(">=3.9"), &["requests>=1.5,<2"], &[])
        .lock("requests", "1.5.0", &["prod"])
        .run(&idx);
    let e = entry(&report, "requests");
    assert_eq!(e.current, v("1.5.0"));
    assert_eq!(e.wanted, Some(v("1.9.2")));
    assert_eq!(e.latest, Some(v("2.1.0")));
    assert_eq!(e.update, Some(UpdateKind::Major));
    assert!(e.is_major());
    assert_eq!(
        e.blocked_by,
        vec![SpecLocation {
            requirement: "requests>=1.5,<2".into(),
            file: "pyproject.toml".into(),
            line: 6,
            column: 5,
        }]
    );
}

#[test]
fn every_project_specifier_constrains_wanted() {
    let idx = index(&["attrs 22.1", "attrs 23.1", "attrs 23.2", "attrs 24.1"]);
    let report = Fixture::new(None, &["attrs>=22"], &["attrs<23.2"])
        .lock("attrs", "22.1", &["prod", "dev"])
        .run(&idx);
    let e = entry(&report, "attrs");
    assert_eq!(e.wanted, Some(v("23.1")));
    assert_eq!(e.latest, Some(v("24.1")));
    assert_eq!(e.specifiers.len(), 2);
    assert_eq!(e.blocked_by.len(), 1);
    assert_eq!(e.blocked_by[0].requirement, "attrs<23.2");
    assert_eq!(e.blocked_by[0].line, 10);
}

#[test]
fn a_newer_prerelease_is_neither_wanted_nor_latest() {
    let idx = index(&["foo 1.0", "foo 1.1rc1", "foo 2.0.dev3"]);
    let report = Fixture::new(None, &["foo"], &[])
        .lock("foo", "1.0", &["prod"])
        .run(&idx);
    let e = entry(&report, "foo");
    assert_eq!(e.wanted, Some(v("1.0")));
    assert_eq!(e.latest, Some(v("1.0")));
    assert!(!e.is_outdated());
    assert_eq!(e.newer_requires_python, None);
}

#[test]
fn prereleases_are_wanted_when_locked_or_named() {
    let idx = index(&["foo 1.0", "foo 1.1rc1", "foo 1.1rc2"]);
    let locked_pre = Fixture::new(None, &["foo"], &[])
        .lock("foo", "1.1rc1", &["prod"])
        .run(&idx);
    let e = entry(&locked_pre, "foo");
    assert_eq!(e.wanted, Some(v("1.1rc2")));
    assert_eq!(e.latest, Some(v("1.0")));
    assert_eq!(e.update, Some(UpdateKind::Patch));
    assert!(!e.is_blocked(), "latest is older than current");

    let named = Fixture::new(None, &["foo>=1.1rc1"], &[])
        .lock("foo", "1.0", &["prod"])
        .run(&idx);
    assert_eq!(entry(&named, "foo").wanted, Some(v("1.1rc2")));
}

#[test]
fn a_release_dropping_the_projects_python_is_a_note_not_latest() {
    let idx = index(&[
        "numpy 1.26.4 py:>=3.9",
        "numpy 2.0.2 py:>=3.9",
        "numpy 2.3.0 py:>=3.11",
    ]);
    let report = Fixture::new(Some(">=3.9"), &["numpy"], &[])
        .lock("numpy", "1.26.4", &["prod"])
        .run(&idx);
    let e = entry(&report, "numpy");
    assert_eq!(e.wanted, Some(v("2.0.2")));
    assert_eq!(e.latest, Some(v("2.0.2")));
    assert_eq!(
        e.newer_requires_python,
        Some(PythonNote {
            version: v("2.3.0"),
            requires_python: Some(VersionSpecifiers::from_str(">=3.11").unwrap()),
        })
    );
    assert!(e.is_major());

    // Without a requires-python every release counts.
    let any_python = Fixture::new(None, &["numpy"], &[])
        .lock("numpy", "1.26.4", &["prod"])
        .run(&idx);
    let e = entry(&any_python, "numpy");
    assert_eq!(e.latest, Some(v("2.3.0")));
    assert_eq!(e.newer_requires_python, None);
}

#[test]
fn requires_python_upper_bounds_do_not_exclude_a_release() {
    let idx = index(&[
        "tomli 2.0.1 py:>=3.7,<4",
        "tomli 2.1.0 py:<3.8",
        "tomli 2.2.0 py:>3.9",
    ]);
    let report = Fixture::new(Some(">=3.9"), &["tomli"], &[])
        .lock("tomli", "2.0.1", &["prod"])
        .run(&idx);
    let e = entry(&report, "tomli");
    // 2.1.0 is for old Pythons only, 2.2.0 needs more than 3.9.0.
    assert_eq!(e.latest, Some(v("2.0.1")));
    assert_eq!(
        e.newer_requires_python.as_ref().map(|n| &n.version),
        Some(&v("2.2.0"))
    );
}

#[test]
fn transitive_packages_want_the_latest() {
    let idx = index(&["urllib3 1.26.18", "urllib3 2.2.1"]);
    let report = Fixture::new(None, &["requests"], &[])
        .lock("urllib3", "1.26.18", &["prod"])
        .run(&idx);
    let e = entry(&report, "urllib3");
    assert!(!e.direct);
    assert_eq!(e.wanted, Some(v("2.2.1")));
    assert_eq!(e.latest, Some(v("2.2.1")));
    assert!(e.specifiers.is_empty());
    assert!(!e.is_blocked());
}

#[test]
fn specifiers_for_another_fork_do_not_apply() {
    let idx = index(&["numpy 1.26.4", "numpy 2.1.0"]);
    let mut fixture = Fixture::new(
        None,
        &[
            "numpy<2; python_version < '3.10'",
            "numpy>=2; python_version >= '3.10'",
        ],
        &[],
    )
    .lock("numpy", "1.26.4", &["prod"])
    .lock("numpy", "2.1.0", &["prod"]);
    fixture.input.packages[0].marker = MarkerTree::from_str("python_version < '3.10'").unwrap();
    fixture.input.packages[1].marker = MarkerTree::from_str("python_version >= '3.10'").unwrap();
    let report = fixture.run(&idx);
    assert_eq!(report.entries.len(), 2);
    let old = &report.entries[0];
    assert_eq!(old.current, v("1.26.4"));
    assert_eq!(old.wanted, Some(v("1.26.4")));
    assert_eq!(old.blocked_by.len(), 1);
    assert_eq!(old.specifiers.len(), 1);
    let new = &report.entries[1];
    assert_eq!(new.current, v("2.1.0"));
    assert_eq!(new.wanted, Some(v("2.1.0")));
    assert!(!new.is_outdated());
}

#[test]
fn missing_packages_and_versions_are_reported() {
    let idx = index(&["foo 1.0"]);
    let report = Fixture::new(None, &["foo", "private-thing"], &[])
        .lock("foo", "0.9", &["prod"])
        .lock("private-thing", "1.0", &["prod"])
        .run(&idx);
    assert_eq!(report.not_found, vec![name("private-thing")]);
    assert_eq!(report.entries.len(), 1);
    let e = entry(&report, "foo");
    assert!(e.missing);
    assert!(e.is_notable());
    assert_eq!(e.severity(), Some(Severity::Yanked));
}

#[test]
fn update_kinds_treat_zero_x_minor_as_major() {
    let kind = |a: &str, b: &str| UpdateKind::between(&v(a), &v(b));
    assert_eq!(kind("1.2.3", "1.2.3"), None);
    assert_eq!(kind("1.2.3", "1.2.2"), None);
    assert_eq!(kind("1.2.3", "1.2.4"), Some(UpdateKind::Patch));
    assert_eq!(kind("1.2.3", "1.2.3.post1"), Some(UpdateKind::Patch));
    assert_eq!(kind("1.2.3", "1.3.0"), Some(UpdateKind::Minor));
    assert_eq!(kind("1.2", "2"), Some(UpdateKind::Major));
    assert_eq!(kind("0.4.1", "0.4.2"), Some(UpdateKind::Patch));
    assert_eq!(kind("0.4.1", "0.5.0"), Some(UpdateKind::Major));
    assert_eq!(kind("0.4.1", "1.0.0"), Some(UpdateKind::Major));
    assert_eq!(kind("2024.1", "2024.2"), Some(UpdateKind::Minor));
}

fn filter_fixture() -> Fixture {
    Fixture::new(None, &["a", "b"], &["pytest"])
        .lock("a", "1.0", &["prod"])
        .lock("b", "1.0", &["prod"])
        .lock("c", "1.0", &["prod", "dev"])
        .lock("pytest", "7.0", &["dev"])
        .lock("pluggy", "1.0", &["dev"])
}

fn selected(filter: &Filter) -> Vec<String> {
    filter_fixture()
        .input
        .filtered(filter)
        .packages
        .iter()
        .map(|p| p.name.to_string())
        .collect()
}

#[test]
fn filters_select_scopes_direct_and_names() {
    assert_eq!(selected(&Filter::default()).len(), 5);
    let prod = Filter {
        prod: true,
        ..Filter::default()
    };
    assert_eq!(selected(&prod), ["a", "b", "c"]);
    let dev = Filter {
        groups: vec![GroupName::new("Dev")],
        ..Filter::default()
    };
    assert_eq!(selected(&dev), ["c", "pytest", "pluggy"]);
    let direct_dev = Filter {
        direct: true,
        ..dev.clone()
    };
    assert_eq!(selected(&direct_dev), ["pytest"]);
    let prod_or_dev_named = Filter {
        prod: true,
        groups: vec![GroupName::new("dev")],
        packages: vec![name("a"), name("pluggy")],
        ..Filter::default()
    };
    assert_eq!(selected(&prod_or_dev_named), ["a", "pluggy"]);
}

#[test]
fn filtered_packages_are_not_requested() {
    // `b` is not on the index: a request for it would land in `not_found`.
    let idx = index(&["a 1.0", "a 2.0"]);
    let fixture = Fixture::new(None, &["a", "b"], &[])
        .lock("a", "1.0", &["prod"])
        .lock("b", "1.0", &["prod"]);
    let filter = Filter {
        packages: vec![name("a")],
        ..Filter::default()
    };
    let report = block_on(find_outdated(&fixture.input.filtered(&filter), &idx, 8)).unwrap();
    assert!(report.not_found.is_empty());
    assert_eq!(report.entries.len(), 1);
}

#[test]
fn fail_on_levels_narrow_what_counts() {
    let idx = index(&[
        "patchy 1.0.0",
        "patchy 1.0.1",
        "minory 1.0.0",
        "minory 1.1.0",
        "majory 1.0.0",
        "majory 2.0.0",
        "yanky 1.0.0 yanked",
        "fresh 1.0.0",
    ]);
    let only = |pkg: &str, version: &str| {
        Fixture::new(None, &[], &[])
            .lock(pkg, version, &["prod"])
            .run(&idx)
    };
    let levels = [
        Severity::Patch,
        Severity::Minor,
        Severity::Major,
        Severity::Yanked,
    ];
    let fails = |report: &OutdatedReport| levels.map(|l| report.fails(l));
    assert_eq!(fails(&only("patchy", "1.0.0")), [true, false, false, false]);
    assert_eq!(fails(&only("minory", "1.0.0")), [true, true, false, false]);
    assert_eq!(fails(&only("majory", "1.0.0")), [true, true, true, false]);
    assert_eq!(fails(&only("yanky", "1.0.0")), [true, true, true, true]);
    assert_eq!(fails(&only("fresh", "1.0.0")), [false, false, false, false]);
}

fn sample_report() -> OutdatedReport {
    let idx = index(&[
        "requests 2.28.0",
        "requests 2.32.3",
        "numpy 1.26.0 py:>=3.9",
        "numpy 1.26.4 py:>=3.9",
        "numpy 2.3.0 py:>=3.11",
        "attrs 23.1.0 yanked:bad, \"really\" bad",
        "attrs 23.2.0",
        "pytest 7.4.0",
        "pytest 8.3.2",
        "idna 3.7",
    ]);
    Fixture::new(
        Some(">=3.9"),
        &["requests==2.28.0", "numpy"],
        &["pytest>=7"],
    )
    .lock("requests", "2.28.0", &["prod"])
    .lock("numpy", "1.26.0", &["prod"])
    .lock("attrs", "23.1.0", &["prod"])
    .lock("idna", "3.7", &["prod"])
    .lock("pytest", "7.4.0", &["dev"])
    .run(&idx)
}

#[test]
fn table_is_aligned_and_lists_only_notable_packages() {
    let table = render::render(&sample_report(), Format::Table, false);
    let plain = anstream::adapter::strip_str(&table).to_string();
    insta::with_settings!({snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("outdated_unit_table", plain);
    });
    assert!(!plain.contains("idna"));
    assert!(render::render(&sample_report(), Format::Table, true).contains("idna"));
}

#[test]
fn json_has_a_schema_version_and_every_field() {
    let text = render::render(&sample_report(), Format::Json, false);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["requires_python"], ">=3.9");
    let packages = doc["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 4);
    let attrs = &packages[0];
    assert_eq!(attrs["name"], "attrs");
    assert_eq!(attrs["yanked"], true);
    assert_eq!(attrs["yanked_reason"], "bad, \"really\" bad");
    assert_eq!(attrs["direct"], false);
    let requests = packages.iter().find(|p| p["name"] == "requests").unwrap();
    assert_eq!(requests["blocked"], true);
    assert_eq!(requests["blocked_by"][0]["line"], 6);
    assert_eq!(requests["groups"], serde_json::json!(["prod"]));
    let numpy = packages.iter().find(|p| p["name"] == "numpy").unwrap();
    assert_eq!(numpy["newer_requires_python"]["requires_python"], ">=3.11");
    insta::with_settings!({snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("outdated_unit_json", text);
    });
}

#[test]
fn markdown_and_github_formats() {
    let report = sample_report();
    let markdown = render::render(&report, Format::Markdown, false);
    let github = render::render(&report, Format::Github, false);
    insta::with_settings!({snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("outdated_unit_markdown", markdown);
        insta::assert_snapshot!("outdated_unit_github", github);
    });
    assert!(
        github.contains("::warning file=pyproject.toml,line=6,col=5,title=requests is outdated::")
    );
    assert!(github.contains("::error title=attrs 23.1.0 is yanked::"));
    assert_eq!(
        render::render(&OutdatedReport::default(), Format::Markdown, false),
        "All locked packages are up to date.\n"
    );
}

#[test]
fn summary_counts() {
    let report = sample_report();
    assert_eq!(
        render::summary(&report),
        "4 of 5 locked packages have updates (1 major); 1 locked version is yanked"
    );
}

#[test]
fn a_lock_forked_on_python_compares_each_fork_with_its_pythons() {
    let idx = index(&[
        "numpy 1.26.4 py:>=3.9",
        "numpy 2.0.2 py:>=3.9",
        "numpy 2.2.6 py:>=3.10",
        "numpy 2.3.0 py:>=3.11",
    ]);
    let mut fixture = Fixture::new(Some(">=3.9"), &["numpy"], &[])
        .lock("numpy", "2.0.2", &["prod"])
        .lock("numpy", "2.2.6", &["prod"])
        .lock("numpy", "2.3.0", &["prod"]);
    let markers = [
        "python_full_version < '3.10'",
        "python_full_version == '3.10.*'",
        "python_full_version >= '3.11'",
    ];
    for (package, marker) in fixture.input.packages.iter_mut().zip(markers) {
        package.marker = MarkerTree::from_str(marker).unwrap();
    }
    let report = fixture.run(&idx);
    let latest: Vec<_> = report
        .entries
        .iter()
        .map(|e| e.latest.clone().unwrap())
        .collect();
    assert_eq!(latest, [v("2.0.2"), v("2.2.6"), v("2.3.0")]);
    for e in &report.entries {
        assert!(!e.is_notable(), "{e:?}");
        // The lock already holds 2.3.0 for the Pythons that can have it.
        assert_eq!(e.newer_requires_python, None);
    }

    // Only the old fork locked: its note stays, and the entry is outdated within its range.
    let mut old_only =
        Fixture::new(Some(">=3.9"), &["numpy"], &[]).lock("numpy", "1.26.4", &["prod"]);
    old_only.input.packages[0].marker =
        MarkerTree::from_str("python_full_version < '3.10'").unwrap();
    let e = &old_only.run(&idx).entries[0];
    assert_eq!(e.latest, Some(v("2.0.2")));
    assert_eq!(
        e.newer_requires_python.as_ref().map(|n| n.version.clone()),
        Some(v("2.3.0"))
    );
}
