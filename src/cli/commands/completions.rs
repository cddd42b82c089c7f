//! `pinctl completions <shell>`: print a completion script generated from the CLI definition.

use clap::CommandFactory;
use pinctl::diagnostic::Result;

use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::commands::ExitStatus;
use crate::cli::printer::Printer;

pub fn run(args: &CompletionsArgs, printer: &Printer) -> Result<ExitStatus> {
    let script = script(args.shell);
    printer.data(&script)?;
    Ok(ExitStatus::Success)
}

/// The completion script for `shell`, as committed under `completions/`.
fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pinctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
