//! The `check` output formats: human (rustc/ruff style, for stderr), JSON and GitHub
//! workflow annotations (for stdout). Renderers return text; the command prints it.
//!
//! The JSON schema is documented in docs/check-json.md; bump [`JSON_SCHEMA_VERSION`]
//! on any incompatible change.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Finding, Level, Summary};
use crate::github::{escape_data, escape_property};
use crate::style::{BOLD, ERROR, GUTTER, HINT, WARNING};

/// The `schema_version` of `check --format json`.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// One finding as rustc and ruff show it:
///
/// ```text
/// warning[unpinned]: `pandas` has no version specifier
///  --> requirements.txt:1:1
///   |
/// 1 | pandas
///   | ^^^^^^
///   = help: pin it, e.g. `pandas==X.Y.Z`, or bound it: `pandas>=X.Y,<X+1`
/// ```
pub fn human_finding(finding: &Finding) -> String {
    let style = if finding.level == Level::Error {
        ERROR
    } else {
        WARNING
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}",
        finding.level.label(),
        finding.rule,
        finding.message
    );
    let _ = writeln!(
        out,
        "{}",
        finding.file.styled_snippet(finding.span, GUTTER, style)
    );
    if let Some(help) = &finding.help {
        let pad = " ".repeat(finding.start().line.to_string().len());
        let _ = writeln!(out, "{pad} {GUTTER}={GUTTER:#} {HINT}help{HINT:#}: {help}");
    }
    out
}

/// Every finding, each followed by a blank line.
pub fn human(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|finding| human_finding(finding) + "\n")
        .collect()
}

/// `Found 1 error and 2 warnings in 1 file.` or `All checks passed.`
pub fn human_summary(summary: &Summary) -> String {
    let Summary {
        errors,
        warnings,
        files_checked,
        files_with_findings,
    } = *summary;
    if errors == 0 && warnings == 0 {
        return format!("All checks passed ({}).\n", plural(files_checked, "file"));
    }
    let counts = match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{} and {}", plural(e, "error"), plural(w, "warning")),
    };
    format!(
        "Found {counts} in {}.\n",
        plural(files_with_findings, "file")
    )
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    schema_version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    level: &'a str,
    message: &'a str,
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    package: Option<&'a str>,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    content: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonSummary {
    errors: usize,
    warnings: usize,
    files_checked: usize,
    files_with_findings: usize,
}

/// The whole report as one JSON document (docs/check-json.md), with a trailing newline.
pub fn json(findings: &[Finding], summary: &Summary) -> String {
    let report = JsonReport {
        schema_version: JSON_SCHEMA_VERSION,
        findings: findings
            .iter()
            .map(|f| {
                let (start, end) = (f.start(), f.end());
                JsonFinding {
                    rule: f.rule,
                    level: f.level.label(),
                    message: &f.message,
                    file: f.file.path.display().to_string(),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    package: f.package.as_deref(),
                    help: f.help.as_deref(),
                    fix: f.fix.as_ref().map(|edit| {
                        let (from, to) = (
                            f.file.line_col(edit.span.start),
                            f.file.line_col(edit.span.end),
                        );
                        JsonFix {
                            edits: vec![JsonEdit {
                                content: &edit.content,
                                line: from.line,
                                column: from.column,
                                end_line: to.line,
                                end_column: to.column,
                            }],
                        }
                    }),
                }
            })
            .collect(),
        summary: JsonSummary {
            errors: summary.errors,
            warnings: summary.warnings,
            files_checked: summary.files_checked,
            files_with_findings: summary.files_with_findings,
        },
    };
    // Serialising plain structs of strings and integers cannot fail.
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

/// One GitHub Actions workflow command per finding:
/// `::warning file=r.txt,line=1,col=1,endLine=1,endColumn=7,title=pinctl(unpinned)::message`.
pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let (start, end) = (f.start(), f.end());
        let command = if f.level == Level::Error {
            "error"
        } else {
            "warning"
        };
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&f.file.path.display().to_string()),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("pinctl({})", f.rule)),
            escape_data(&message),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::test_support::req;
    use crate::lint::{LintContext, LintLevels, check_dependencies};
    use crate::project::Layout;

    fn findings(lines: &[&str]) -> Vec<Finding> {
        let deps: Vec<_> = lines.iter().map(|l| req(l)).collect();
        let ctx = LintContext::new(Layout::Requirements);
        check_dependencies(&deps, &ctx, &LintLevels::default())
    }

    #[test]
    fn human_block() {
        let found = findings(&["pandas"]);
        let text = human(&found);
        let plain = anstream::adapter::strip_str(&text).to_string();
        assert_eq!(
            plain,
            "warning[unpinned]: `pandas` has no version specifier\n --> requirements.txt:1:1\n  |\n1 | pandas\n  | ^^^^^^\n  = help: pin it, e.g. `pandas==X.Y.Z`, or bound it: `pandas>=X.Y,<X+1`\n\n"
        );
    }

    #[test]
    fn summaries() {
        let s = |errors, warnings, files_with_findings| {
            human_summary(&Summary {
                errors,
                warnings,
                files_checked: 2,
                files_with_findings,
            })
        };
        assert_eq!(s(0, 0, 0), "All checks passed (2 files).\n");
        assert_eq!(s(0, 3, 1), "Found 3 warnings in 1 file.\n");
        assert_eq!(s(1, 0, 1), "Found 1 error in 1 file.\n");
        assert_eq!(s(2, 1, 2), "Found 2 errors and 1 warning in 2 files.\n");
    }

    #[test]
    fn json_fields() {
        let found = findings(&["requests>=2.31"]);
        let value: serde_json::Value =
            serde_json::from_str(&json(&found, &Summary::new(&found, 1))).unwrap();
        assert_eq!(value["schema_version"], 1);
        let f = &value["findings"][0];
        assert_eq!(f["rule"], "no-upper-bound");
        assert_eq!(f["level"], "warning");
        assert_eq!(
            (f["line"].as_u64(), f["column"].as_u64()),
            (Some(1), Some(9))
        );
        assert_eq!(
            (f["end_line"].as_u64(), f["end_column"].as_u64()),
            (Some(1), Some(15))
        );
        assert_eq!(f["package"], "requests");
        assert_eq!(f["fix"]["edits"][0]["content"], ">=2.31,<3");
        assert_eq!(value["summary"]["warnings"], 1);
    }

    #[test]
    fn github_escapes() {
        let found = findings(&["pandas"]);
        assert_eq!(
            github(&found),
            "::warning file=requirements.txt,line=1,col=1,endLine=1,endColumn=7,title=pinctl(unpinned)::`pandas` has no version specifier%0Ahelp: pin it, e.g. `pandas==X.Y.Z`, or bound it: `pandas>=X.Y,<X+1`\n"
        );
    }
}
