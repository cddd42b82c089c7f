//! The library's `ops` layer called directly, as a library user or a future command
//! would: no binary, no printing, warnings through a [`Reporter`], failures as
//! [`Report`](pinctl::diagnostic::Report)s that keep their hints.

use std::path::Path;
use std::sync::{Arc, Mutex};

use pinctl::diagnostic::Report;
use pinctl::index::{HttpIndex, IndexSettings, PackageIndex};
use pinctl::ops::{self, LockCheck, LockMode, LockOptions, Observer, Warning};
use pinctl::project::read_project;
use pinctl::reporter::Reporter;
use pinctl::resolve::Upgrade;

use crate::common::server::{PackageSpec, TestIndex};

/// Keeps every warning, as text, in the order reported.
#[derive(Debug, Default)]
struct Recorder {
    warnings: Mutex<Vec<String>>,
}

impl Reporter for Recorder {}

impl Observer for Recorder {
    fn on_warning(&self, warning: Warning<'_>) {
        let text = match warning {
            Warning::Input(w) => format!("input: {}", w.message),
            Warning::Findings(findings) => {
                let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
                format!("lint: {}", rules.join(","))
            }
            Warning::Message(text) => format!("message: {text}"),
        };
        self.warnings.lock().unwrap().push(text);
    }
}

fn index() -> TestIndex {
    TestIndex::builder()
        .package(
            "webframe",
            "1.0.0",
            PackageSpec::new().requires(["routes>=2,<3"]),
        )
        .package("routes", "2.0.0", PackageSpec::new())
        .package("routes", "2.1.0", PackageSpec::new())
        .build()
}

fn options(index: &TestIndex, mode: LockMode) -> LockOptions {
    LockOptions {
        index_url: index.url(),
        upgrade: Upgrade::None,
        mode,
        concurrency: 4,
        cache_dir: None,
    }
}

async fn lock(
    dir: &Path,
    index: &TestIndex,
    cache: &Path,
    mode: LockMode,
    reporter: &Arc<Recorder>,
) -> Result<ops::LockOutcome, Report> {
    let project = read_project(dir).unwrap();
    let client: Arc<dyn PackageIndex> = Arc::new(
        HttpIndex::new(
            IndexSettings::new(index.url(), cache.to_path_buf()),
            reporter.clone(),
        )
        .unwrap(),
    );
    ops::lock(
        &project,
        dir,
        &options(index, mode),
        client,
        reporter.clone(),
    )
    .await
}

#[tokio::test]
async fn lock_then_check_through_the_ops_layer() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    // `routes` without an upper bound: a lint warning, reported, not fatal.
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=1,<2\", \"routes>=2\"]\n",
    )
    .unwrap();
    let recorder = Arc::new(Recorder::default());

    let dry = lock(
        dir.path(),
        &index,
        cache.path(),
        LockMode::DryRun,
        &recorder,
    )
    .await
    .unwrap();
    assert!(!dry.existed);
    assert!(!dir.path().join("pylock.toml").exists(), "a dry run wrote");
    let pins: Vec<String> = dry
        .lock
        .packages
        .iter()
        .map(|p| format!("{}=={}", p.name, p.version))
        .collect();
    assert_eq!(pins, ["routes==2.1.0", "webframe==1.0.0"]);

    let written = lock(dir.path(), &index, cache.path(), LockMode::Write, &recorder)
        .await
        .unwrap();
    assert_eq!(written.path, dir.path().join("pylock.toml"));
    assert_eq!(
        std::fs::read_to_string(&written.path).unwrap(),
        written.lock.to_toml()
    );
    let warnings = recorder.warnings.lock().unwrap().clone();
    assert_eq!(
        warnings,
        ["lint: no-upper-bound", "lint: no-upper-bound"],
        "one lint report per lock"
    );

    let project = read_project(dir.path()).unwrap();
    assert_eq!(
        ops::check_lock(&project, dir.path(), &index.url()).unwrap(),
        LockCheck::Fresh
    );
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=1,<2\"]\n",
    )
    .unwrap();
    let project = read_project(dir.path()).unwrap();
    assert!(matches!(
        ops::check_lock(&project, dir.path(), &index.url()).unwrap(),
        LockCheck::Stale(_)
    ));
}

#[tokio::test]
async fn failures_come_back_as_reports_with_their_hint() {
    let index = index();
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.9\"\n\
         dependencies = [\"webframe>=2\"]\n",
    )
    .unwrap();
    let recorder = Arc::new(Recorder::default());
    let err = lock(dir.path(), &index, cache.path(), LockMode::Write, &recorder)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("no set of versions satisfies the requirements"),
        "{err:?}"
    );
    assert!(!dir.path().join("pylock.toml").exists());

    // A missing lock, for export: the report carries the fix.
    let err = ops::export(
        &ops::ExportOptions {
            dir: dir.path().to_path_buf(),
            request: pinctl::export::SelectionRequest::default(),
            format: ops::ExportFormat::RequirementsTxt,
            hashes: true,
            annotate: false,
            header: None,
            output: None,
            frozen: false,
        },
        recorder.as_ref(),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("no lock file:"), "{err:?}");
    assert_eq!(
        err.hint().as_deref(),
        Some("run `pinctl lock` to create it")
    );
}
