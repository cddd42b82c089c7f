//! Progress on a terminal: an indicatif spinner fed by the library's
//! [`Reporter`] events. Hidden unless [`Printer::show_progress`] allows it
//! (a terminal, no `-q`, `-v` or `--no-progress`).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pep440_rs::Version;
use pep508_rs::PackageName;

use crate::printer::Printer;
use crate::reporter::Reporter;

/// Counts resolved packages and requests in flight on one spinner line.
#[derive(Debug)]
pub struct ProgressReporter {
    bar: ProgressBar,
    verb: &'static str,
    resolved: AtomicUsize,
    in_flight: AtomicUsize,
    requests: AtomicUsize,
}

impl ProgressReporter {
    /// A spinner labelled `verb` ("Resolving", "Checking"); hidden when progress is off.
    pub fn new(printer: &Printer, verb: &'static str) -> Self {
        let bar = if printer.show_progress() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self {
            bar,
            verb,
            resolved: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            requests: AtomicUsize::new(0),
        }
    }

    /// Number of HTTP requests reported so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn redraw(&self) {
        if self.bar.is_hidden() {
            return;
        }
        // The resolver settles versions only at the end of a solve, so the request
        // counters are what moves while it works.
        let in_flight = self.in_flight.load(Ordering::Relaxed);
        let done = self
            .requests
            .load(Ordering::Relaxed)
            .saturating_sub(in_flight);
        let resolved = self.resolved.load(Ordering::Relaxed);
        let mut message = format!("{}: {done} requests done, {in_flight} in flight", self.verb);
        if resolved > 0 {
            let _ = write!(message, ", {resolved} packages resolved");
        }
        self.bar.set_message(message);
    }

    /// Removes the spinner from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for ProgressReporter {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

impl Reporter for ProgressReporter {
    fn on_request_start(&self, _what: &str) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    fn on_request_done(&self, _what: &str) {
        let _ = self
            .in_flight
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(1))
            });
        self.redraw();
    }

    fn on_package_resolved(&self, _name: &PackageName, _version: &Version) {
        self.resolved.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }
}
