//! The `pinctl` binary: parse, run, render the error, exit.

use std::process::ExitCode;

use clap::Parser;
use pinctl::cli::Cli;
use pinctl::commands::{self, ExitStatus};
use pinctl::printer::{self, Printer};

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
    let cli = Cli::parse();
    let printer = Printer::new(&cli.global);
    printer::init_logging(printer.verbosity());
    match commands::run(cli, &printer) {
        Ok(status) => status.into(),
        Err(err) if printer::is_broken_pipe(&err) => ExitStatus::Success.into(),
        Err(err) => {
            printer.error(&err);
            ExitStatus::Error.into()
        }
    }
}
