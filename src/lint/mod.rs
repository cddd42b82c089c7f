//! Lint rules for version specifiers (`pinctl check`, also reported by `lock`).
//!
//! This module owns the rule registry ([`RULES`]), the [`Rule`] trait every rule in
//! `rules/` implements, levels ([`config`]), running the rules over a project or a
//! requirements file ([`check_dependencies`], [`check_project`]) and the output
//! formats ([`render`]). It never prints: the caller brings the parsed inputs and
//! writes what the renderers return. The one file it reads is the project's
//! pylock.toml, for the `stale-lock` rule and for fixes around the locked versions.

pub mod config;
pub mod render;
pub mod rules;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fmt::Write as _;
use std::sync::Arc;

use pep440_rs::Version;
use pep508_rs::PackageName;

use crate::project::{Dependency, Layout, Project};
use crate::source::{LineCol, SourceFile, Span};

pub use config::{LintConfigError, LintLevels};

/// How a rule's findings are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported; `check` still exits 0.
    Warn,
    /// Reported; `check` exits 1.
    Error,
}

impl Level {
    /// Parses `error`, `warn` or `allow`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(Self::Error),
            "warn" => Some(Self::Warn),
            "allow" => Some(Self::Allow),
            _ => None,
        }
    }

    /// The `[tool.pinctl.lint]` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }

    /// The word shown in reports: `error` or `warning`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Warn => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the rules may know besides the dependency itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintContext {
    /// The kind of file the dependency was read from (decides some default levels and
    /// the syntax of suggestions).
    pub layout: Layout,
    /// The newest version of each package in the project's lock, when there is one:
    /// suggestions then bound or pin around what is locked rather than the lower bound
    /// (`psutil>=5.9,<8` with 7.2.2 locked, not `<6`).
    pub locked: BTreeMap<PackageName, Version>,
}

impl LintContext {
    /// A context for dependencies read from a file of `layout`, with nothing locked.
    pub fn new(layout: Layout) -> Self {
        Self {
            layout,
            locked: BTreeMap::new(),
        }
    }

    /// The same context with the versions of `lock`.
    #[must_use]
    pub fn with_lock(mut self, lock: &crate::lock::Lock) -> Self {
        for package in &lock.packages {
            let newest = self
                .locked
                .entry(package.name.clone())
                .or_insert_with(|| package.version.clone());
            if package.version > *newest {
                newest.clone_from(&package.version);
            }
        }
        self
    }
}

/// A text replacement that fixes a finding: `content` replaces `span` in the finding's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The text to replace (empty for an insertion).
    pub span: Span,
    /// The replacement.
    pub content: String,
}

/// What a rule found, before the engine attaches the rule name and level.
#[derive(Debug, Clone)]
pub struct Violation {
    /// One line naming the package in backticks.
    pub message: String,
    /// The file the offending text is in.
    pub file: Arc<SourceFile>,
    /// The offending text.
    pub span: Span,
    /// The normalised package name, when the finding is about one package.
    pub package: Option<String>,
    /// The suggested fix, in words (may hold placeholders such as `X.Y.Z`).
    pub help: Option<String>,
    /// The fix as an edit, when it can be computed without the network.
    pub fix: Option<Edit>,
}

impl Violation {
    /// A violation about `dep`, pointing at `span` of its file.
    pub fn new(dep: &Dependency, span: Span, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            file: Arc::clone(&dep.file),
            span,
            package: Some(dep.requirement.name.to_string()),
            help: None,
            fix: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Option<Edit>) -> Self {
        self.fix = fix;
        self
    }
}

/// One reported finding.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule's kebab-case name.
    pub rule: &'static str,
    /// [`Level::Warn`] or [`Level::Error`] (allowed rules produce no findings).
    pub level: Level,
    /// One line naming the package in backticks.
    pub message: String,
    /// The file the offending text is in.
    pub file: Arc<SourceFile>,
    /// The offending text (the constraint when the finding is about it, else the entry).
    pub span: Span,
    /// The normalised package name, when the finding is about one package.
    pub package: Option<String>,
    /// The suggested fix, in words.
    pub help: Option<String>,
    /// The fix as an edit, when it can be computed offline.
    pub fix: Option<Edit>,
}

impl Finding {
    /// Where the finding starts.
    pub fn start(&self) -> LineCol {
        self.file.line_col(self.span.start)
    }

    /// Where the finding ends (exclusive).
    pub fn end(&self) -> LineCol {
        self.file.line_col(self.span.end.max(self.span.start))
    }

    /// The stable report order: file, line, column, rule.
    fn sort_key(&self) -> (&std::path::Path, usize, usize, &'static str) {
        (&self.file.path, self.span.start, self.span.end, self.rule)
    }
}

/// A lint rule. Each rule lives in its own file under `rules/` and is listed in [`RULES`].
///
/// Rules about one declared dependency implement [`Rule::check`]; rules about the
/// project as a whole (the coming `stale-lock`) implement [`Rule::check_project`].
pub trait Rule: Sync {
    /// The kebab-case name used in reports, `[tool.pinctl.lint]` and `--deny/--warn/--allow`.
    fn name(&self) -> &'static str;

    /// The level when neither `[tool.pinctl.lint]` nor a flag sets one.
    fn default_level(&self, layout: Layout) -> Level {
        let _ = layout;
        Level::Warn
    }

    /// One line: what the rule reports (for tables).
    fn summary(&self) -> &'static str;

    /// One line: the suggested fix (for tables).
    fn fix(&self) -> &'static str;

    /// One paragraph: what the rule reports, why, which scopes it applies to, and the fix.
    fn doc(&self) -> &'static str;

    /// Rules whose finding on the same dependency this rule's finding replaces (for
    /// example `zero-ver-range` replaces `no-upper-bound` on `ruff>=0.4`). A replaced
    /// rule is reported again when this one is allowed.
    fn supersedes(&self) -> &'static [&'static str] {
        &[]
    }

    /// Checks one declared dependency.
    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let _ = (dep, ctx);
        None
    }

    /// Checks the project as a whole.
    fn check_project(&self, project: &Project, ctx: &LintContext) -> Vec<Violation> {
        let _ = (project, ctx);
        Vec::new()
    }
}

/// Every rule, in documentation order.
pub static RULES: &[&dyn Rule] = &[
    &rules::unpinned::Unpinned,
    &rules::no_upper_bound::NoUpperBound,
    &rules::wildcard::Wildcard,
    &rules::zero_ver_range::ZeroVerRange,
    &rules::not_equal_only::NotEqualOnly,
    &rules::arbitrary_equality::ArbitraryEquality,
    &rules::url_without_hash::UrlWithoutHash,
    &rules::stale_lock::StaleLock,
];

/// The names of every rule, in documentation order (for `--deny` and friends).
pub fn rule_names() -> Vec<&'static str> {
    RULES.iter().map(|rule| rule.name()).collect()
}

/// The rule called `name`.
pub fn find_rule(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| rule.name() == name)
}

/// A rule's default level in words: `warn`, or `error in requirements files, warn in
/// pyproject.toml` for rules whose default depends on the file.
pub fn default_level_text(rule: &dyn Rule) -> String {
    let requirements = rule.default_level(Layout::Requirements);
    let pyproject = rule.default_level(Layout::Pep621);
    if requirements == pyproject {
        pyproject.to_string()
    } else {
        format!("{requirements} in requirements files, {pyproject} in pyproject.toml")
    }
}

/// The rules table shown after `pinctl check -h`.
pub fn rules_help() -> String {
    let mut out = String::from(
        "Rules (set levels in [tool.pinctl.lint] or with --deny/--warn/--allow; see --help):\n",
    );
    for rule in RULES {
        let requirements = rule.default_level(Layout::Requirements);
        let pyproject = rule.default_level(Layout::Pep621);
        let level = if requirements == pyproject {
            pyproject.to_string()
        } else {
            format!("{requirements}/{pyproject}")
        };
        let _ = writeln!(out, "  {:<20}{level:<11}{}", rule.name(), rule.summary());
    }
    out
}

/// Every rule's documentation, shown after `pinctl check --help`.
pub fn rules_long_help() -> String {
    let mut out = String::from(
        "Rules (set levels in [tool.pinctl.lint], e.g. `unpinned = \"error\"`, or with\n\
         --deny/--warn/--allow; flags win, and --deny wins over --warn over --allow):\n",
    );
    for rule in RULES {
        let _ = writeln!(
            out,
            "\n  {} (default: {})",
            rule.name(),
            default_level_text(*rule)
        );
        for line in wrap(rule.doc(), 74) {
            let _ = writeln!(out, "      {line}");
        }
    }
    out
}

/// The rules table of docs/check.md (Markdown), generated so the docs cannot go stale.
pub fn rules_markdown() -> String {
    let mut out = String::from("| Rule | Default level | Reports | Fix |\n|---|---|---|---|\n");
    for rule in RULES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            rule.name(),
            default_level_text(*rule),
            rule.summary(),
            rule.fix()
        );
    }
    out
}

/// Greedy word wrap for help text.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Lints declared dependencies read from a file of kind `ctx.layout`.
///
/// Findings are deduplicated by (rule, file, span), since expanded dependency groups
/// hold copies of included entries, and sorted by file, position and rule.
pub fn check_dependencies<'a>(
    deps: impl IntoIterator<Item = &'a Dependency>,
    ctx: &LintContext,
    levels: &LintLevels,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for dep in deps {
        let mut found: Vec<(&'static dyn Rule, Level, Violation)> = Vec::new();
        for &rule in RULES {
            let level = levels.level(rule, ctx.layout);
            if level == Level::Allow {
                continue;
            }
            if let Some(violation) = rule.check(dep, ctx) {
                found.push((rule, level, violation));
            }
        }
        let superseded: BTreeSet<&str> = found
            .iter()
            .flat_map(|(rule, _, _)| rule.supersedes().iter().copied())
            .collect();
        findings.extend(
            found
                .into_iter()
                .filter(|(rule, _, _)| !superseded.contains(rule.name()))
                .map(|(rule, level, violation)| finding(rule, level, violation)),
        );
    }
    sort_findings(findings)
}

/// Lints every dependency of a project (production, groups, extras) and runs the
/// project-wide rules.
pub fn check_project(project: &Project, levels: &LintLevels) -> Vec<Finding> {
    let path = project.root.join(crate::lock::LOCK_FILE_NAME);
    let lock = fs_err::read_to_string(&path)
        .ok()
        .and_then(|text| crate::lock::Lock::from_toml(&text, &path).ok());
    check_project_locked(project, levels, lock.as_ref())
}

/// [`check_project`] with the versions of `lock` (the one just written, for `lock`).
pub fn check_project_locked(
    project: &Project,
    levels: &LintLevels,
    lock: Option<&crate::lock::Lock>,
) -> Vec<Finding> {
    let mut ctx = LintContext::new(project.layout);
    if let Some(lock) = lock {
        ctx = ctx.with_lock(lock);
    }
    let mut findings = check_dependencies(project.all_dependencies(), &ctx, levels);
    for &rule in RULES {
        let level = levels.level(rule, ctx.layout);
        if level == Level::Allow {
            continue;
        }
        findings.extend(
            rule.check_project(project, &ctx)
                .into_iter()
                .map(|violation| finding(rule, level, violation)),
        );
    }
    sort_findings(findings)
}

fn finding(rule: &dyn Rule, level: Level, violation: Violation) -> Finding {
    let Violation {
        message,
        file,
        span,
        package,
        help,
        fix,
    } = violation;
    Finding {
        rule: rule.name(),
        level,
        message,
        file,
        span,
        package,
        help,
        fix,
    }
}

/// Sorts findings by file, position and rule, and drops duplicates (same rule, file and
/// span), for reports that merge several inputs.
pub fn sort_findings(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    findings
}

/// Counts for the summary line and the JSON `summary`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    /// Files that were linted.
    pub files_checked: usize,
    /// Files with at least one finding.
    pub files_with_findings: usize,
}

impl Summary {
    /// Counts `findings` from `files_checked` linted files.
    pub fn new(findings: &[Finding], files_checked: usize) -> Self {
        let files: BTreeSet<&std::path::Path> =
            findings.iter().map(|f| f.file.path.as_path()).collect();
        Self {
            errors: findings.iter().filter(|f| f.level == Level::Error).count(),
            warnings: findings.iter().filter(|f| f.level == Level::Warn).count(),
            files_checked,
            files_with_findings: files.len(),
        }
    }

    /// Whether `check` should exit 1.
    pub fn failed(&self) -> bool {
        self.errors > 0
    }
}

#[cfg(test)]
mod tests {
    use super::rules::test_support::req;
    use super::*;

    #[test]
    fn registry_names_are_unique_kebab_case_and_documented() {
        let names = rule_names();
        let unique: BTreeSet<_> = names.iter().collect();
        assert_eq!(unique.len(), names.len());
        for rule in RULES {
            let name = rule.name();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
            assert!(
                rule.doc().len() > 80 && rule.summary().ends_with('.'),
                "{name}"
            );
            for other in rule.supersedes() {
                assert!(
                    find_rule(other).is_some(),
                    "{name} supersedes unknown {other}"
                );
            }
        }
    }

    #[test]
    fn group_copies_are_reported_once() {
        let dep = req("pandas");
        let copy = dep.clone();
        let ctx = LintContext::new(Layout::Pep621);
        let found = check_dependencies([&dep, &copy], &ctx, &LintLevels::default());
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn allowed_rules_report_nothing_and_summary_counts() {
        let deps = [req("pandas"), req("foo @ https://example.com/foo.tar.gz")];
        let ctx = LintContext::new(Layout::Requirements);
        let found = check_dependencies(&deps, &ctx, &LintLevels::default());
        let summary = Summary::new(&found, 1);
        assert_eq!((summary.errors, summary.warnings), (1, 1));
        assert!(summary.failed());
        let levels = LintLevels::default()
            .with_overrides([], [], ["url-without-hash"])
            .unwrap();
        let found = check_dependencies(&deps, &ctx, &levels);
        assert_eq!(found.len(), 1);
        assert!(!Summary::new(&found, 1).failed());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// No rule panics on any requirement pep508 accepts, and every span is in the file.
        /// Names end alphanumeric: pep508_rs 0.9.2 panics on `a-==1`, which the project
        /// reader has to catch before parsing.
        #[test]
        fn rules_never_panic(
            name in "[a-z]([a-z0-9-]{0,6}[a-z0-9])?",
            clauses in proptest::collection::vec(
                ("(==|!=|<=|>=|<|>|~=|===)", "[0-9]{1,3}(\\.[0-9]{1,3}){0,3}(\\.\\*)?"),
                0..4,
            ),
        ) {
            let spec: Vec<String> = clauses.iter().map(|(op, v)| format!("{op}{v}")).collect();
            let line = format!("{name}{}", spec.join(","));
            if line.parse::<pep508_rs::Requirement>().is_ok() {
                let dep = req(&line);
                for layout in [Layout::Requirements, Layout::Pep621, Layout::Poetry] {
                    let ctx = LintContext::new(layout);
                    for f in check_dependencies([&dep], &ctx, &LintLevels::default()) {
                        proptest::prop_assert!(f.span.end <= dep.file.text.len());
                        let _ = render::human(std::slice::from_ref(&f));
                    }
                }
            }
        }

        /// Reading `[tool.pinctl.lint]` never panics, whatever the file holds.
        #[test]
        fn lint_config_never_panics(body in "[ -~\\n]{0,80}") {
            let file = SourceFile::new("pyproject.toml", format!("[tool.pinctl.lint]\n{body}"));
            let _ = LintLevels::from_pyproject(&file);
        }
    }
}
