//! Fetches the version lists and the newest version's metadata of ~60 packages (the
//! closure of the webapp corpus) from the real PyPI, all at once, and prints the wall
//! time, the HTTP requests made and the bytes received. A benchmark, not a test:
//!
//! `cargo run --release --example index_bench -- [-v] [--cache-dir DIR] [--index-url URL] [names...]`
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::cast_precision_loss
)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use pinctl::index::http::package_name;
use pinctl::index::{HttpIndex, IndexSettings, PackageIndex};
use pinctl::reporter::NoReporter;

const WEBAPP: &[&str] = &[
    "django",
    "asgiref",
    "sqlparse",
    "celery",
    "kombu",
    "billiard",
    "vine",
    "click",
    "click-didyoumean",
    "click-repl",
    "click-plugins",
    "prompt-toolkit",
    "wcwidth",
    "python-dateutil",
    "six",
    "tzdata",
    "redis",
    "async-timeout",
    "psycopg",
    "psycopg-binary",
    "typing-extensions",
    "gunicorn",
    "packaging",
    "structlog",
    "requests",
    "charset-normalizer",
    "idna",
    "urllib3",
    "certifi",
    "boto3",
    "botocore",
    "jmespath",
    "s3transfer",
    "pydantic",
    "pydantic-core",
    "annotated-types",
    "typing-inspection",
    "pytest",
    "iniconfig",
    "pluggy",
    "pygments",
    "pytest-django",
    "mypy",
    "mypy-extensions",
    "pathspec",
    "ruff",
    "hypothesis",
    "attrs",
    "sortedcontainers",
    "coverage",
    "tomli",
    "exceptiongroup",
    "amqp",
    "colorama",
    "backports-zoneinfo",
    "importlib-metadata",
    "zipp",
    "tomli-w",
    "setuptools",
    "wheel",
];

#[tokio::main]
async fn main() -> pinctl::diagnostic::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut cache_dir = None;
    let mut url = pinctl::index::settings::DEFAULT_INDEX_URL.to_owned();
    let mut names = Vec::new();
    let mut level = tracing::Level::WARN;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-v" => level = tracing::Level::DEBUG,
            "--cache-dir" => cache_dir = args.next().map(PathBuf::from),
            "--index-url" => url = args.next().unwrap_or(url),
            _ => names.push(arg),
        }
    }
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();
    if names.is_empty() {
        names = WEBAPP.iter().map(|s| (*s).to_owned()).collect();
    }
    let mut settings = IndexSettings::new(
        url,
        cache_dir.unwrap_or_else(IndexSettings::default_cache_dir),
    );
    if let Ok(value) = std::env::var("PINCTL_HTTP_TIMEOUT") {
        settings.timeout =
            IndexSettings::parse_timeout(&value).map_err(pinctl::diagnostic::Report::msg)?;
    }
    let index = HttpIndex::new(settings, Arc::new(NoReporter))?;
    let started = Instant::now();
    let results = futures::future::join_all(names.iter().map(|raw| {
        let index = index.clone();
        async move {
            let name = package_name(raw)?;
            let versions = index.versions(&name).await?;
            // The newest non-yanked final release, else the newest of all.
            let newest = versions
                .versions
                .iter()
                .rev()
                .find(|(v, files)| !v.any_prerelease() && files.yanked().is_none())
                .or_else(|| versions.versions.iter().next_back())
                .map(|(v, _)| v.clone());
            let Some(version) = newest else {
                return Ok::<_, pinctl::diagnostic::Report>(format!("{name}: no versions"));
            };
            let metadata = index.metadata(&name, &version).await?;
            Ok(format!(
                "{name} {version}: {} versions, {} requirements",
                versions.versions.len(),
                metadata.requires_dist.len()
            ))
        }
    }))
    .await;
    let elapsed = started.elapsed();
    let mut failures = 0;
    for result in results {
        match result {
            Ok(line) => eprintln!("{line}"),
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let stats = index.stats();
    println!(
        "{} packages in {:.2}s: {} HTTP requests, {:.1} MiB received, {} cache hits, {failures} failures",
        names.len(),
        elapsed.as_secs_f64(),
        stats.requests,
        stats.bytes as f64 / (1024.0 * 1024.0),
        stats.cache_hits,
    );
    Ok(())
}
