//! `pinctl check`: [`ops::check`] on the project's (or the given files') specifiers,
//! then one of the `lint::render` formats. Human output goes to stderr; `--format json`
//! and `--format github` are data and go to stdout.

use pinctl::diagnostic::Result;
use pinctl::lint::{Finding, Level, render};
use pinctl::ops::{self, CheckOptions};

use crate::cli::args::{CheckArgs, CheckFormat, GlobalArgs};
use crate::cli::commands::ExitStatus;
use crate::cli::printer::{Printer, Verbosity};

pub fn run(global: &GlobalArgs, args: CheckArgs, printer: &Printer) -> Result<ExitStatus> {
    let CheckArgs {
        files,
        format,
        deny,
        warn,
        allow,
    } = args;
    let outcome = ops::check(&CheckOptions {
        dir: global.directory.clone(),
        files,
        deny,
        warn,
        allow,
    })?;
    let ops::CheckOutcome {
        findings,
        warnings,
        summary,
    } = &outcome;
    if printer.verbosity() >= Verbosity::Normal {
        for warning in warnings {
            printer.input_warning(warning);
        }
    }
    match format {
        CheckFormat::Human => {
            if printer.verbosity() >= Verbosity::Normal {
                printer.diagnostic(&render::human(findings));
                printer.diagnostic(&render::human_summary(summary));
            } else {
                let errors: Vec<Finding> = findings
                    .iter()
                    .filter(|f| f.level == Level::Error)
                    .cloned()
                    .collect();
                printer.diagnostic(&render::human(&errors));
            }
        }
        CheckFormat::Json => printer.data(&render::json(findings, summary))?,
        CheckFormat::Github => printer.data(&render::github(findings))?,
    }
    Ok(if summary.failed() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
