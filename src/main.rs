//! The `pinctl` binary: parse, run, render the error, exit.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory as _, FromArgMatches as _};

use crate::cli::args::Cli;
use crate::cli::commands::{self, ExitStatus};
use crate::cli::printer::{self, Printer};

/// mimalloc: a lock takes hundreds of thousands of small allocations (index pages), and
/// glibc's allocator spends much of a warm run growing and trimming its arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Without transparent huge pages: each new 2 MiB huge page is zeroed when first
    // touched, and a run as short as a warm lock (tens of megabytes, milliseconds) spent
    // a sixth of its time there. mimalloc is built not to ask for them (`no_thp`); this
    // covers kernels that hand them out unasked (`enabled = always`).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    // The matches tell, for settings, a flag from its environment variable.
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let printer = Printer::new(&cli.global);
    printer::init_logging(printer.verbosity());
    match commands::run(cli, &matches, &printer) {
        Ok(status) => status.into(),
        Err(err) => {
            printer.error(&err);
            ExitStatus::Error.into()
        }
    }
}
