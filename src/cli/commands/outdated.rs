//! `pinctl outdated`: settings, [`ops::outdated`], and the report as a table, JSON,
//! Markdown or GitHub annotations on stdout.

use std::path::PathBuf;
use std::sync::Arc;

use pinctl::diagnostic::Result;
use pinctl::index::HttpIndex;
use pinctl::ops::{self, OutdatedOptions};
use pinctl::outdated::Severity;
use pinctl::outdated::render::{self, Format};
use pinctl::project::read_project;
use pinctl::reporter::Reporter;

use crate::cli::args::{FailOn, GlobalArgs, OutdatedArgs, OutdatedFormat};
use crate::cli::commands::{ExitStatus, run_interruptible, runtime};
use crate::cli::printer::Printer;
use crate::cli::progress::ProgressReporter;
use crate::cli::settings::{NetworkSettings, Sources};

/// Runs `pinctl outdated`: exit 1 only with `--exit-code`/`--fail-on` and a finding at
/// that level; errors (no lock, bad input, index failures) are returned.
pub fn run(
    global: &GlobalArgs,
    args: OutdatedArgs,
    sources: Sources<'_>,
    printer: &Printer,
) -> Result<ExitStatus> {
    let OutdatedArgs {
        format,
        prod,
        groups,
        direct,
        packages,
        all,
        exit_code,
        fail_on,
        index,
    } = args;
    let dir = global
        .directory
        .clone()
        .unwrap_or_else(|| PathBuf::from("."));
    let project = read_project(&dir)?;
    let network = NetworkSettings::resolve(&index, sources, Some(&project))?;
    tracing::debug!("{}", network.describe());
    let options = OutdatedOptions {
        index_url: network.index_url().to_owned(),
        concurrency: network.concurrency.value,
        prod,
        groups,
        direct,
        packages,
    };
    let progress = Arc::new(ProgressReporter::new(printer, "Checking"));
    let reporter: Arc<dyn Reporter> = progress.clone();
    let runtime = runtime()?;
    let report = run_interruptible(runtime, async {
        let index = HttpIndex::new(network.index_settings(), reporter.clone())?;
        ops::outdated(&project, &dir, &options, &index, progress.as_ref()).await
    });
    progress.finish();
    let Some(report) = report else {
        return Ok(ExitStatus::Interrupted);
    };
    let report = report?;
    let format = match format {
        OutdatedFormat::Table => Format::Table,
        OutdatedFormat::Json => Format::Json,
        OutdatedFormat::Markdown => Format::Markdown,
        OutdatedFormat::Github => Format::Github,
    };
    printer.data(&render::render(&report, format, all))?;
    printer.info(&render::summary(&report));

    let level = match fail_on {
        Some(FailOn::Yanked) => Some(Severity::Yanked),
        Some(FailOn::Major) => Some(Severity::Major),
        Some(FailOn::Minor) => Some(Severity::Minor),
        Some(FailOn::Patch) => Some(Severity::Patch),
        None => exit_code.then_some(Severity::Patch),
    };
    Ok(match level {
        Some(level) if report.fails(level) => ExitStatus::Failure,
        _ => ExitStatus::Success,
    })
}
