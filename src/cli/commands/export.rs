//! `pinctl export`: flags to [`pinctl::ops::export`], whose text goes to stdout or to
//! the `-o` file.

use std::path::Path;
use std::str::FromStr;

use pep508_rs::ExtraName;
use pinctl::diagnostic::{Context as _, Report, Result};
use pinctl::export::SelectionRequest;
use pinctl::ops::{self, ExportOptions, ExportOutcome, Observer, Warning};
use pinctl::project::GroupName;
use pinctl::reporter::Reporter;

use crate::cli::args::{ExportArgs, ExportFormat, GlobalArgs};
use crate::cli::commands::ExitStatus;
use crate::cli::printer::Printer;

pub fn run(global: &GlobalArgs, args: ExportArgs, printer: &Printer) -> Result<ExitStatus> {
    let ExportArgs {
        prod: _,
        group,
        extra,
        only_group,
        all_groups,
        all_extras,
        format,
        output,
        no_hashes,
        no_header,
        annotate,
        frozen,
    } = args;
    let request = SelectionRequest {
        groups: group.iter().map(|g| GroupName::new(g)).collect(),
        extras: extra
            .iter()
            .map(|e| {
                ExtraName::from_str(e)
                    .map_err(|err| Report::msg(err.to_string()))
                    .with_context(|| format!("invalid extra name `{e}`"))
            })
            .collect::<Result<_>>()?,
        only_groups: only_group.iter().map(|g| GroupName::new(g)).collect(),
        all_groups,
        all_extras,
    };
    let command = command_line(&request, format, no_hashes, annotate, output.as_deref());
    let options = ExportOptions {
        dir: global.directory.clone().unwrap_or_default(),
        request,
        format: match format {
            ExportFormat::RequirementsTxt => ops::ExportFormat::RequirementsTxt,
            ExportFormat::Pylock => ops::ExportFormat::Pylock,
        },
        hashes: !no_hashes,
        annotate,
        header: (!no_header).then_some(command),
        output,
        frozen,
    };
    match ops::export(&options, &Warnings(printer))? {
        ExportOutcome::Text(text) => printer.data(&text)?,
        ExportOutcome::File {
            path,
            written,
            packages,
        } => {
            if written {
                printer.info(&format!("Wrote {} ({packages} packages)", path.display()));
            } else {
                printer.info(&format!(
                    "{} is up to date ({packages} packages)",
                    path.display()
                ));
            }
        }
    }
    Ok(ExitStatus::Success)
}

/// Shows the warnings of [`ops::export`] (it reports no progress).
struct Warnings<'a>(&'a Printer);

impl Reporter for Warnings<'_> {}

impl Observer for Warnings<'_> {
    fn on_warning(&self, warning: Warning<'_>) {
        self.0.warning(warning);
    }
}

/// The command that regenerates the export, flags in canonical order.
fn command_line(
    request: &SelectionRequest,
    format: ExportFormat,
    no_hashes: bool,
    annotate: bool,
    output: Option<&Path>,
) -> String {
    let mut parts = vec!["pinctl export".to_owned()];
    parts.extend(request.to_args());
    if format == ExportFormat::Pylock {
        parts.push("--format pylock".to_owned());
    }
    if no_hashes {
        parts.push("--no-hashes".to_owned());
    }
    if annotate {
        parts.push("--annotate".to_owned());
    }
    if let Some(path) = output {
        parts.push(format!("-o {}", path.display()));
    }
    parts.join(" ")
}
