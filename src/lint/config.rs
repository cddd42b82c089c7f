//! Lint levels: each rule's default, then `[tool.pinctl.lint]`, then `--deny`, `--warn`
//! and `--allow`.
//!
//! `[tool.pinctl.lint]` is read from the pyproject's text with `toml_edit` so that an
//! unknown rule or level is reported at its exact line and column.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{Level, RULES, Rule, find_rule, rule_names};
use crate::project::Layout;
use crate::source::{InputError, SourceFile, Span};
use strsim::osa_distance as edit_distance;

/// The level of every rule, where set explicitly (the rest use their defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintLevels {
    levels: BTreeMap<&'static str, Level>,
}

/// A rule name on the command line that no rule has.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown lint rule `{name}`")]
pub struct LintConfigError {
    pub name: String,
}

impl crate::diagnostic::Diagnostic for LintConfigError {
    fn hint(&self) -> Option<String> {
        Some(LintConfigError::hint(self))
    }
}

impl LintConfigError {
    /// The valid names, for the `hint:` line.
    pub fn hint(&self) -> String {
        format!("valid rules: {}", rule_names().join(", "))
    }
}

impl LintLevels {
    /// The level `rule` is reported at for a dependency read from a `layout` file.
    pub fn level(&self, rule: &dyn Rule, layout: Layout) -> Level {
        self.levels
            .get(rule.name())
            .copied()
            .unwrap_or_else(|| rule.default_level(layout))
    }

    /// The explicitly set level of the rule called `name`, if any.
    pub fn explicit(&self, name: &str) -> Option<Level> {
        self.levels.get(name).copied()
    }

    /// Reads `[tool.pinctl.lint]` from a pyproject.toml's text. A missing table gives the
    /// defaults; an unknown rule, a non-string value or an unknown level is an error at
    /// that key or value.
    pub fn from_pyproject(file: &Arc<SourceFile>) -> Result<Self, InputError> {
        let doc = toml_edit::Document::parse(file.text.as_str()).map_err(|err| {
            let span = err
                .span()
                .map_or(Span::default(), |r| Span::new(r.start, r.end));
            InputError::new(
                file,
                span,
                format!("invalid TOML: {}", err.message().trim()),
            )
        })?;
        let mut levels = Self::default();
        let Some(lint) = doc
            .get("tool")
            .and_then(|tool| tool.as_table_like()?.get("pinctl"))
            .and_then(|pinctl| pinctl.as_table_like()?.get_key_value("lint"))
        else {
            return Ok(levels);
        };
        let (lint_key, lint) = lint;
        let Some(table) = lint.as_table_like() else {
            return Err(InputError::new(
                file,
                span_of(lint.span().or_else(|| lint_key.span())),
                format!(
                    "`tool.pinctl.lint` must be a table, found {}",
                    lint.type_name()
                ),
            )
            .with_hint("write `[tool.pinctl.lint]` with lines such as `unpinned = \"error\"`"));
        };
        for (name, item) in table.iter() {
            let key_span = span_of(table.get_key_value(name).and_then(|(key, _)| key.span()));
            let Some(rule) = find_rule(name) else {
                return Err(InputError::new(
                    file,
                    key_span,
                    format!("unknown lint rule `{name}` in `[tool.pinctl.lint]`"),
                )
                .with_hint(unknown_rule_hint(name)));
            };
            let value_span = item.span().map_or(key_span, |r| Span::new(r.start, r.end));
            let level = item.as_str().and_then(Level::parse).ok_or_else(|| {
                let found = item
                    .as_str()
                    .map_or_else(|| item.type_name().to_string(), |s| format!("`{s}`"));
                InputError::new(
                    file,
                    value_span,
                    format!("invalid level {found} for lint rule `{name}`"),
                )
                .with_hint("use one of \"error\", \"warn\", \"allow\"")
            })?;
            levels.levels.insert(rule.name(), level);
        }
        Ok(levels)
    }

    /// Applies `--allow`, then `--warn`, then `--deny` (so `--deny` wins when a rule is
    /// named twice).
    pub fn with_overrides<'a>(
        mut self,
        deny: impl IntoIterator<Item = &'a str>,
        warn: impl IntoIterator<Item = &'a str>,
        allow: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, LintConfigError> {
        let deny: Vec<&str> = deny.into_iter().collect();
        let warn: Vec<&str> = warn.into_iter().collect();
        let allow: Vec<&str> = allow.into_iter().collect();
        for (names, level) in [
            (allow, Level::Allow),
            (warn, Level::Warn),
            (deny, Level::Error),
        ] {
            for name in names {
                let rule = find_rule(name).ok_or_else(|| LintConfigError {
                    name: name.to_string(),
                })?;
                self.levels.insert(rule.name(), level);
            }
        }
        Ok(self)
    }
}

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

/// "did you mean `unpinned`?" when a rule name is close, else the list of rules.
fn unknown_rule_hint(name: &str) -> String {
    let close = RULES
        .iter()
        .map(|rule| (edit_distance(name, rule.name()), rule.name()))
        .min()
        .filter(|(distance, _)| *distance <= 3);
    match close {
        Some((_, rule)) => format!(
            "did you mean `{rule}`? valid rules: {}",
            rule_names().join(", ")
        ),
        None => format!("valid rules: {}", rule_names().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::{unpinned::Unpinned, url_without_hash::UrlWithoutHash};

    fn pyproject(text: &str) -> Arc<SourceFile> {
        SourceFile::new("pyproject.toml", text)
    }

    #[test]
    fn defaults_depend_on_the_file_kind() {
        let levels = LintLevels::default();
        assert_eq!(levels.level(&Unpinned, Layout::Pep621), Level::Warn);
        assert_eq!(
            levels.level(&UrlWithoutHash, Layout::Requirements),
            Level::Error
        );
        assert_eq!(levels.level(&UrlWithoutHash, Layout::Poetry), Level::Warn);
    }

    #[test]
    fn reads_the_table_and_flags_win() {
        let file = pyproject(
            "[project]\nname = \"x\"\n[tool.pinctl.lint]\nunpinned = \"error\"\nwildcard = \"allow\"\n",
        );
        let levels = LintLevels::from_pyproject(&file).unwrap();
        assert_eq!(levels.level(&Unpinned, Layout::Pep621), Level::Error);
        assert_eq!(levels.explicit("wildcard"), Some(Level::Allow));
        let levels = levels
            .with_overrides(["wildcard"], ["unpinned"], ["unpinned"])
            .unwrap();
        assert_eq!(levels.explicit("unpinned"), Some(Level::Warn));
        assert_eq!(levels.explicit("wildcard"), Some(Level::Error));
        let inline = pyproject("[tool.pinctl]\nlint = { url-without-hash = \"allow\" }\n");
        let levels = LintLevels::from_pyproject(&inline).unwrap();
        assert_eq!(
            levels.level(&UrlWithoutHash, Layout::Requirements),
            Level::Allow
        );
        assert_eq!(
            LintLevels::from_pyproject(&pyproject("[project]\n")).unwrap(),
            LintLevels::default()
        );
    }

    #[test]
    fn unknown_rule_points_at_the_key() {
        let file = pyproject("[tool.pinctl.lint]\nunpined = \"error\"\n");
        let err = LintLevels::from_pyproject(&file).unwrap_err();
        assert_eq!(
            err.message,
            "unknown lint rule `unpined` in `[tool.pinctl.lint]`"
        );
        assert_eq!(file.slice(err.span), "unpined");
        assert!(
            err.hint
                .unwrap()
                .starts_with("did you mean `unpinned`? valid rules: unpinned, no-upper-bound")
        );
    }

    #[test]
    fn bad_levels_point_at_the_value() {
        let file = pyproject("[tool.pinctl.lint]\nunpinned = \"deny\"\n");
        let err = LintLevels::from_pyproject(&file).unwrap_err();
        assert_eq!(err.message, "invalid level `deny` for lint rule `unpinned`");
        assert_eq!(file.slice(err.span), "\"deny\"");
        let file = pyproject("[tool.pinctl.lint]\nunpinned = 2\n");
        let err = LintLevels::from_pyproject(&file).unwrap_err();
        assert_eq!(
            err.message,
            "invalid level integer for lint rule `unpinned`"
        );
        let file = pyproject("[tool.pinctl]\nlint = \"strict\"\n");
        let err = LintLevels::from_pyproject(&file).unwrap_err();
        assert_eq!(
            err.message,
            "`tool.pinctl.lint` must be a table, found string"
        );
    }

    #[test]
    fn unknown_rule_on_the_command_line() {
        let err = LintLevels::default()
            .with_overrides(["nope"], [], [])
            .unwrap_err();
        assert_eq!(err.to_string(), "unknown lint rule `nope`");
        assert!(err.hint().starts_with("valid rules: unpinned, "));
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("unpined", "unpinned"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
