//! Renders an [`OutdatedReport`] as a table, JSON (schema version
//! [`JSON_SCHEMA_VERSION`]), Markdown or GitHub workflow annotations.
//!
//! Rendering is pure: it returns text (the table carries anstyle styles, which the
//! printer strips when colour is off) and never decides what is outdated.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::github::{escape_data, escape_property};

use super::{OutdatedEntry, OutdatedReport, Severity, SpecLocation, UpdateKind};

/// The `schema_version` of `--format json`. Bump it when a field changes meaning or is
/// removed; adding a field does not bump it.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The output formats of `pinctl outdated`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An aligned table for people.
    Table,
    /// One JSON document.
    Json,
    /// A Markdown table (pull-request or issue body).
    Markdown,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Renders the entries `all` selects (every entry, or only those with something to say).
pub fn render(report: &OutdatedReport, format: Format, all: bool) -> String {
    let entries: Vec<&OutdatedEntry> = report
        .entries
        .iter()
        .filter(|e| all || e.is_notable())
        .collect();
    match format {
        Format::Table => table(&entries),
        Format::Json => json(report, &entries),
        Format::Markdown => markdown(&entries),
        Format::Github => github(&entries),
    }
}

/// A one-line summary for stderr: `3 of 42 locked packages have updates (1 major); 1
/// locked version is yanked`. It counts what the table shows: a yanked locked version or
/// one the index no longer lists is never "up to date".
pub fn summary(report: &OutdatedReport) -> String {
    let total = report.entries.len();
    let outdated = report.entries.iter().filter(|e| e.is_outdated()).count();
    let major = report.entries.iter().filter(|e| e.is_major()).count();
    let yanked = report.entries.iter().filter(|e| e.yanked.is_some()).count();
    let missing = report.entries.iter().filter(|e| e.missing).count();
    let plural = if total == 1 { "" } else { "s" };
    let mut out = if outdated > 0 {
        let verb = if outdated == 1 { "has" } else { "have" };
        let mut s = format!("{outdated} of {total} locked package{plural} {verb} updates");
        if major > 0 {
            let _ = write!(s, " ({major} major)");
        }
        s
    } else if yanked + missing > 0 {
        match total {
            1 => "The locked package has no updates".to_string(),
            _ => format!("None of the {total} locked packages has updates"),
        }
    } else {
        match total {
            0 => "No locked packages to compare".to_string(),
            1 => "The locked package is up to date".to_string(),
            _ => format!("All {total} locked packages are up to date"),
        }
    };
    if yanked > 0 {
        let _ = write!(
            out,
            "; {yanked} locked version{} yanked",
            if yanked == 1 { " is" } else { "s are" }
        );
    }
    if missing > 0 {
        let _ = write!(
            out,
            "; {missing} locked version{} no longer on the index",
            if missing == 1 { " is" } else { "s are" }
        );
    }
    out
}

fn version_or_dash(v: Option<&pep440_rs::Version>) -> String {
    v.map_or_else(|| "-".to_string(), ToString::to_string)
}

fn groups(entry: &OutdatedEntry) -> String {
    let groups: Vec<String> = entry.scopes.iter().map(ToString::to_string).collect();
    if groups.is_empty() {
        "-".to_string()
    } else {
        groups.join(", ")
    }
}

fn kind(entry: &OutdatedEntry) -> &'static str {
    if entry.direct { "direct" } else { "transitive" }
}

fn spec_ref(spec: &SpecLocation) -> String {
    format!(
        "`{}` ({}:{})",
        spec.requirement,
        spec.file.display(),
        spec.line
    )
}

/// The notes of an entry, most severe first.
fn notes(entry: &OutdatedEntry) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(yanked) = &entry.yanked {
        notes.push(match &yanked.reason {
            Some(reason) if !reason.trim().is_empty() => {
                format!("yanked: {}", reason.trim())
            }
            _ => "yanked".to_string(),
        });
    }
    if entry.missing {
        notes.push("locked version no longer on the index".to_string());
    }
    if entry.is_major() {
        notes.push("major".to_string());
    }
    if entry.is_blocked() {
        let specs: Vec<String> = entry.blocked_by.iter().map(spec_ref).collect();
        notes.push(format!("blocked by {}", specs.join(", ")));
    }
    if let Some(note) = &entry.newer_requires_python {
        notes.push(match &note.requires_python {
            Some(rp) => format!("newest {} requires Python {rp}", note.version),
            None => format!(
                "newest {} does not support the project's Python",
                note.version
            ),
        });
    }
    notes
}

fn severity_style(severity: Option<Severity>) -> Style {
    match severity {
        Some(Severity::Yanked) => AnsiColor::Red.on_default().bold(),
        Some(Severity::Major) => AnsiColor::Red.on_default(),
        Some(Severity::Minor) => AnsiColor::Yellow.on_default(),
        Some(Severity::Patch) => AnsiColor::Green.on_default(),
        None => Style::new(),
    }
}

fn table(entries: &[&OutdatedEntry]) -> String {
    if entries.is_empty() {
        return String::new();
    }
    let header = [
        "Package", "Current", "Wanted", "Latest", "Group", "Type", "Notes",
    ];
    let rows: Vec<(Option<Severity>, [String; 7])> = entries
        .iter()
        .map(|e| {
            (
                e.severity(),
                [
                    e.name.to_string(),
                    e.current.to_string(),
                    version_or_dash(e.wanted.as_ref()),
                    version_or_dash(e.latest.as_ref()),
                    groups(e),
                    kind(e).to_string(),
                    notes(e).join("; "),
                ],
            )
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for (_, row) in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let bold = Style::new().bold().underline();
    let line = |out: &mut String, cells: &[String], styles: &[Style]| {
        let last = cells.len() - 1;
        for (i, cell) in cells.iter().enumerate() {
            let style = styles.get(i).copied().unwrap_or_default();
            if i == last {
                let _ = write!(out, "{style}{cell}{style:#}");
            } else {
                let pad = widths[i] - cell.chars().count() + 2;
                let _ = write!(out, "{style}{cell}{style:#}{}", " ".repeat(pad));
            }
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(&mut out, &header.map(str::to_string), &[bold; 7]);
    for (severity, row) in &rows {
        let name = severity_style(*severity);
        let wanted = if row[2] == row[1] {
            Style::new()
        } else {
            AnsiColor::Green.on_default()
        };
        let latest = if row[3] == row[1] {
            Style::new()
        } else {
            severity_style(
                severity
                    .filter(|s| *s != Severity::Yanked)
                    .or(Some(Severity::Patch)),
            )
        };
        let notes = if *severity == Some(Severity::Yanked) {
            AnsiColor::Red.on_default().bold()
        } else {
            Style::new()
        };
        let styles = [
            name,
            Style::new(),
            wanted,
            latest,
            Style::new(),
            Style::new().dimmed(),
            notes,
        ];
        line(&mut out, row, &styles);
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    requires_python: Option<String>,
    packages: Vec<JsonEntry<'a>>,
    not_found: Vec<String>,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    name: String,
    current: String,
    wanted: Option<String>,
    latest: Option<String>,
    groups: Vec<String>,
    direct: bool,
    outdated: bool,
    update: Option<&'static str>,
    major: bool,
    yanked: bool,
    yanked_reason: Option<&'a str>,
    missing: bool,
    blocked: bool,
    blocked_by: Vec<JsonSpec<'a>>,
    newer_requires_python: Option<JsonPythonNote>,
    specifiers: Vec<JsonSpec<'a>>,
}

#[derive(Serialize)]
struct JsonSpec<'a> {
    requirement: &'a str,
    file: String,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonPythonNote {
    version: String,
    requires_python: Option<String>,
}

fn json_spec(spec: &SpecLocation) -> JsonSpec<'_> {
    JsonSpec {
        requirement: &spec.requirement,
        file: spec.file.display().to_string(),
        line: spec.line,
        column: spec.column,
    }
}

fn json(report: &OutdatedReport, entries: &[&OutdatedEntry]) -> String {
    let doc = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        requires_python: report.requires_python.as_ref().map(ToString::to_string),
        packages: entries
            .iter()
            .map(|e| JsonEntry {
                name: e.name.to_string(),
                current: e.current.to_string(),
                wanted: e.wanted.as_ref().map(ToString::to_string),
                latest: e.latest.as_ref().map(ToString::to_string),
                groups: e.scopes.iter().map(ToString::to_string).collect(),
                direct: e.direct,
                outdated: e.is_outdated(),
                update: e.update.map(UpdateKind::as_str),
                major: e.is_major(),
                yanked: e.yanked.is_some(),
                yanked_reason: e.yanked.as_ref().and_then(|y| y.reason.as_deref()),
                missing: e.missing,
                blocked: e.is_blocked(),
                blocked_by: e.blocked_by.iter().map(json_spec).collect(),
                newer_requires_python: e.newer_requires_python.as_ref().map(|n| JsonPythonNote {
                    version: n.version.to_string(),
                    requires_python: n.requires_python.as_ref().map(ToString::to_string),
                }),
                specifiers: e.specifiers.iter().map(json_spec).collect(),
            })
            .collect(),
        not_found: report.not_found.iter().map(ToString::to_string).collect(),
    };
    // Serialising plain strings, numbers and booleans cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn markdown(entries: &[&OutdatedEntry]) -> String {
    if entries.is_empty() {
        return "All locked packages are up to date.\n".to_string();
    }
    let mut out = String::from(
        "| Package | Current | Wanted | Latest | Group | Type | Notes |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for e in entries {
        let notes: Vec<String> = notes(e)
            .into_iter()
            .map(|n| {
                if n.starts_with("yanked") || n == "major" {
                    format!("**{n}**")
                } else {
                    n
                }
            })
            .collect();
        let cells = [
            format!("`{}`", e.name),
            e.current.to_string(),
            version_or_dash(e.wanted.as_ref()),
            version_or_dash(e.latest.as_ref()),
            groups(e),
            kind(e).to_string(),
            notes.join("; "),
        ];
        out.push('|');
        for cell in cells {
            let _ = write!(out, " {} |", markdown_cell(&cell));
        }
        out.push('\n');
    }
    out
}

fn github(entries: &[&OutdatedEntry]) -> String {
    let mut out = String::new();
    for e in entries {
        let level = if e.yanked.is_some() || e.missing {
            "error"
        } else if e.is_outdated() {
            "warning"
        } else {
            "notice"
        };
        let mut message = format!("{} {}", e.name, e.current);
        match e.update {
            Some(update) => {
                let _ = write!(
                    message,
                    " is outdated ({}): wanted {}, latest {}",
                    update.as_str(),
                    version_or_dash(e.wanted.as_ref()),
                    version_or_dash(e.latest.as_ref())
                );
            }
            None => message.push_str(" is the newest release for the project's Python"),
        }
        let notes: Vec<String> = notes(e).into_iter().filter(|n| n != "major").collect();
        if !notes.is_empty() {
            let _ = write!(message, "; {}", notes.join("; "));
        }
        let title = if e.yanked.is_some() {
            format!("{} {} is yanked", e.name, e.current)
        } else if e.is_outdated() {
            format!("{} is outdated", e.name)
        } else {
            format!("{} has a release for newer Pythons", e.name)
        };
        let mut properties = Vec::new();
        // Direct dependencies point at the line that declares them (the blocking one if any).
        if let Some(spec) = e.blocked_by.first().or_else(|| e.specifiers.first()) {
            properties.push(format!(
                "file={},line={},col={}",
                escape_property(&spec.file.display().to_string()),
                spec.line,
                spec.column
            ));
        }
        properties.push(format!("title={}", escape_property(&title)));
        let _ = writeln!(
            out,
            "::{level} {}::{}",
            properties.join(","),
            escape_data(&message)
        );
    }
    out
}
