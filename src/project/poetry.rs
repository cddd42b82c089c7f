//! Poetry version constraints translated to exact PEP 440 specifiers, and Poetry
//! `python` constraints to `requires-python` / environment markers.
//!
//! Semantics follow poetry-core:
//!
//! - `^1.2.3` = `>=1.2.3,<2.0.0`; `^0.75.0` = `>=0.75.0,<0.76.0`; `^0.0.3` =
//!   `>=0.0.3,<0.0.4`; `^0.0` = `>=0.0,<0.1`; `^0` = `>=0,<1` (bump the first non-zero
//!   of the first three components, or the last one written when they are all zero).
//! - `~1.2.3` = `>=1.2.3,<1.3.0`; `~1.2` = `>=1.2,<1.3`; `~1` = `>=1,<2`.
//! - `~=1.2` = `>=1.2,<2`; `~=1.2.3` = `>=1.2.3,<1.3.0`, and longer versions also bump
//!   the minor (poetry-core; for two or three numbers this is PEP 440's compatible
//!   release). `~=1` is rejected, as PEP 440 does: Poetry would read it as `>=1,<1.1`,
//!   which is unlikely to be what was meant.
//! - `1.2.*` / `1.2.x` = `==1.2.*`; `!=1.2.*` stays; `*` (or an empty string) = any
//!   version. (poetry-core reads only the first two numbers of a wildcard, so it takes
//!   `1.2.3.*` as `1.2.*`; pinctl keeps PEP 440's `==1.2.3.*`, the written intent.)
//! - A bare version `1.2.3` (or `=1.2.3`) = `==1.2.3`; `>=`, `>`, `<=`, `<`, `==`, `!=`
//!   keep their meaning. Pre-release and post-release suffixes are kept on the bound
//!   as written; upper bounds are computed from the release numbers.
//! - `,` or whitespace between constraints = AND; `||` (or `|`) = OR.
//!
//! **Unions.** A PEP 440 specifier set is one interval (with holes), so `A || B` is
//! translated only when the union of the arms is itself one interval: the arms are
//! turned into intervals (they may use comparisons, `^`, `~`, `~=` and exact versions,
//! not `!=` or wildcards) and merged; overlapping or touching arms such as
//! `^1.0 || ^2.0` become `>=1.0,<3.0`. A union with a gap (`~2.7 || ^3.4`) cannot be
//! written as one specifier set without changing its meaning, so it is an error whose
//! hint says so; a dependency's `python` key is different, since markers can express
//! a union: [`python_marker`] ORs the arms.

use std::cmp::Ordering;
use std::fmt::Write as _;
use std::ops::Range;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::MarkerTree;

/// A Poetry constraint pinctl cannot translate: what is wrong and where in the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct PoetryConstraintError {
    /// One line naming the offending text in backticks.
    pub message: String,
    /// Byte range of the offending part of the constraint text.
    pub range: Range<usize>,
    /// How to fix it, when known.
    pub hint: Option<String>,
}

impl PoetryConstraintError {
    fn new(message: impl Into<String>, range: Range<usize>) -> Self {
        Self {
            message: message.into(),
            range,
            hint: None,
        }
    }
}

/// A PEP 440 comparison produced by the translation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
    /// `==1.2.*` (the text holds the prefix without `.*`).
    EqStar,
    /// `!=1.2.*`.
    NeStar,
}

impl Op {
    fn as_str(&self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq | Op::EqStar => "==",
            Op::Ne | Op::NeStar => "!=",
        }
    }
}

/// One PEP 440 clause: operator, parsed version, version text for output.
#[derive(Debug, Clone)]
struct Clause {
    op: Op,
    version: Version,
    text: String,
}

impl Clause {
    fn render(&self) -> String {
        match self.op {
            Op::EqStar | Op::NeStar => format!("{}{}.*", self.op.as_str(), self.text),
            _ => format!("{}{}", self.op.as_str(), self.text),
        }
    }
}

/// Translates a Poetry constraint into a PEP 440 specifier string (`", "`-separated;
/// empty for "any version").
///
/// ```
/// use pinctl::project::poetry::translate_constraint;
/// assert_eq!(translate_constraint("^0.75.0").unwrap(), ">=0.75.0, <0.76.0");
/// assert_eq!(translate_constraint("*").unwrap(), "");
/// ```
pub fn translate_constraint(text: &str) -> Result<String, PoetryConstraintError> {
    let arms = parse_union(text)?;
    let clauses = single_arm(text, arms)?;
    Ok(render(&clauses))
}

/// Translates a Poetry constraint into [`VersionSpecifiers`].
pub fn translate_specifiers(text: &str) -> Result<VersionSpecifiers, PoetryConstraintError> {
    let pep440 = translate_constraint(text)?;
    VersionSpecifiers::from_str(&pep440).map_err(|e| {
        PoetryConstraintError::new(
            format!("`{text}` translates to `{pep440}`, which is not valid PEP 440: {e}"),
            0..text.len(),
        )
    })
}

/// Translates Poetry's `python` dependency (`^3.9`) into `requires-python` (`>=3.9,<4.0`).
pub fn python_requires(text: &str) -> Result<VersionSpecifiers, PoetryConstraintError> {
    translate_specifiers(text)
}

/// Translates a dependency's `python = "..."` constraint into an environment marker on
/// `python_full_version` (pep508_rs simplifies it to `python_version` where exact);
/// unions become `or`.
pub fn python_marker(text: &str) -> Result<MarkerTree, PoetryConstraintError> {
    let arms = parse_union(text)?;
    let mut marker = String::new();
    for (i, arm) in arms.iter().enumerate() {
        if arm.is_empty() {
            return Ok(MarkerTree::TRUE);
        }
        if i > 0 {
            marker.push_str(" or ");
        }
        marker.push('(');
        for (j, clause) in arm.iter().enumerate() {
            if j > 0 {
                marker.push_str(" and ");
            }
            let version = match clause.op {
                Op::EqStar | Op::NeStar => format!("{}.*", clause.text),
                _ => clause.text.clone(),
            };
            let _ = write!(
                marker,
                "python_full_version {} '{version}'",
                clause.op.as_str()
            );
        }
        marker.push(')');
    }
    MarkerTree::from_str(&marker).map_err(|e| {
        PoetryConstraintError::new(
            format!(
                "`{text}` cannot be written as a Python marker: {}",
                e.message
            ),
            0..text.len(),
        )
    })
}

fn render(clauses: &[Clause]) -> String {
    clauses
        .iter()
        .map(Clause::render)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Splits on `||` and parses each arm (AND of clauses; empty = any).
fn parse_union(text: &str) -> Result<Vec<Vec<Clause>>, PoetryConstraintError> {
    let mut arms = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        if i == bytes.len() || bytes[i] == b'|' {
            let arm = &text[start..i];
            if arm.trim().is_empty() && (i < bytes.len() || start > 0) {
                return Err(PoetryConstraintError::new(
                    format!("empty alternative in `{}`", text.trim()),
                    start..i.max(start + 1).min(text.len().max(start)),
                ));
            }
            arms.push(parse_arm(text, start, arm)?);
            if i + 1 < bytes.len() && bytes[i + 1] == b'|' {
                i += 1;
            }
            start = i + 1;
        }
        i += 1;
    }
    Ok(arms)
}

/// Parses the AND of constraints in `arm` (found at `offset` of `full`).
fn parse_arm(full: &str, offset: usize, arm: &str) -> Result<Vec<Clause>, PoetryConstraintError> {
    // Tokens separated by commas or whitespace; an operator alone (`>= 1.2`) joins the next.
    let mut tokens: Vec<(usize, String)> = Vec::new();
    let mut pending_op: Option<(usize, String)> = None;
    let mut pos = 0;
    for piece in arm.split(|c: char| c == ',' || c.is_ascii_whitespace()) {
        let piece_start = pos;
        pos += piece.len() + 1;
        if piece.is_empty() {
            continue;
        }
        let start = offset + piece_start;
        let is_op_only = !piece.is_empty()
            && piece
                .chars()
                .all(|c| matches!(c, '<' | '>' | '=' | '!' | '~' | '^'));
        if let Some((op_start, op)) = pending_op.take() {
            tokens.push((op_start, format!("{op}{piece}")));
        } else if is_op_only {
            pending_op = Some((start, piece.to_string()));
        } else {
            tokens.push((start, piece.to_string()));
        }
    }
    if let Some((op_start, op)) = pending_op {
        return Err(PoetryConstraintError::new(
            format!("`{op}` in `{}` is not followed by a version", full.trim()),
            op_start..op_start + op.len(),
        ));
    }
    let mut clauses = Vec::new();
    for (start, token) in tokens {
        clauses.extend(parse_atom(&token, start)?);
    }
    Ok(clauses)
}

fn parse_version(text: &str, start: usize) -> Result<Version, PoetryConstraintError> {
    let bare = text.strip_prefix(['v', 'V']).unwrap_or(text);
    Version::from_str(bare).map_err(|e| PoetryConstraintError {
        message: format!("`{text}` is not a valid version: {e}"),
        range: start..start + text.len(),
        hint: None,
    })
}

/// One constraint token, e.g. `^1.2`, `>=1.0`, `1.2.*`, `*`.
fn parse_atom(token: &str, start: usize) -> Result<Vec<Clause>, PoetryConstraintError> {
    if matches!(token, "*" | "x" | "X") {
        return Ok(Vec::new());
    }
    let (op, rest) = split_op(token);
    let vstart = start + op.len();
    // Wildcards: `1.2.*`, `==1.2.*`, `!=1.2.x`.
    if let Some(prefix) = strip_wildcard(rest) {
        let kind = match op {
            "" | "==" | "=" => Op::EqStar,
            "!=" => Op::NeStar,
            _ => {
                return Err(PoetryConstraintError::new(
                    format!("`{token}`: a wildcard version only goes with `==` or `!=`"),
                    start..start + token.len(),
                ));
            }
        };
        if prefix.is_empty() {
            return if kind == Op::EqStar {
                Ok(Vec::new())
            } else {
                Err(PoetryConstraintError::new(
                    format!("`{token}` excludes every version"),
                    start..start + token.len(),
                ))
            };
        }
        let version = parse_version(prefix, vstart)?;
        if version.any_prerelease() || version.is_post() || version.is_local() {
            return Err(PoetryConstraintError::new(
                format!("`{token}`: a wildcard only follows release numbers"),
                start..start + token.len(),
            ));
        }
        return Ok(vec![Clause {
            op: kind,
            text: prefix
                .strip_prefix(['v', 'V'])
                .unwrap_or(prefix)
                .to_string(),
            version,
        }]);
    }
    if rest.is_empty() {
        return Err(PoetryConstraintError::new(
            format!("`{token}` is not followed by a version"),
            start..start + token.len(),
        ));
    }
    let version = parse_version(rest, vstart)?;
    let text = version.to_string();
    let single = |op: Op| {
        Ok(vec![Clause {
            op,
            version: version.clone(),
            text: text.clone(),
        }])
    };
    match op {
        "" | "=" | "==" => single(Op::Eq),
        "!=" => single(Op::Ne),
        ">=" => single(Op::Ge),
        ">" => single(Op::Gt),
        "<=" => single(Op::Le),
        "<" => single(Op::Lt),
        "^" => Ok(range_clauses(&version, &text, caret_upper(&version))),
        "~" => Ok(range_clauses(&version, &text, tilde_upper(&version))),
        "~=" => {
            if version.release().len() < 2 {
                return Err(PoetryConstraintError {
                    message: format!("`{token}`: `~=` needs at least two release numbers"),
                    range: start..start + token.len(),
                    hint: Some(format!("write `~={rest}.0` or `^{rest}`")),
                });
            }
            Ok(range_clauses(&version, &text, compatible_upper(&version)))
        }
        other => Err(PoetryConstraintError::new(
            format!("`{other}` in `{token}` is not a Poetry operator"),
            start..start + other.len(),
        )),
    }
}

/// Splits a leading operator off a token.
fn split_op(token: &str) -> (&str, &str) {
    let end = token
        .find(|c: char| !matches!(c, '<' | '>' | '=' | '!' | '~' | '^'))
        .unwrap_or(token.len());
    (&token[..end], &token[end..])
}

/// `1.2.*` -> `1.2`; `1.x.x` style repeats are accepted (`1.*.*` -> `1`).
fn strip_wildcard(text: &str) -> Option<&str> {
    let mut s = text;
    let mut found = false;
    while let Some(stripped) = s
        .strip_suffix(".*")
        .or_else(|| s.strip_suffix(".x"))
        .or_else(|| s.strip_suffix(".X"))
    {
        s = stripped;
        found = true;
    }
    if !found && matches!(text, "*" | "x" | "X") {
        return Some("");
    }
    found.then_some(s)
}

fn range_clauses(lower: &Version, lower_text: &str, upper: Version) -> Vec<Clause> {
    vec![
        Clause {
            op: Op::Ge,
            version: lower.clone(),
            text: lower_text.to_string(),
        },
        Clause {
            op: Op::Lt,
            text: upper.to_string(),
            version: upper,
        },
    ]
}

/// The release numbers bumped at `index`, later ones zeroed, same length as written.
fn bump(version: &Version, index: usize) -> Version {
    let release = version.release();
    let len = release.len().max(index + 1);
    let parts: Vec<u64> = (0..len)
        .map(|i| match i.cmp(&index) {
            Ordering::Less => release.get(i).copied().unwrap_or(0),
            Ordering::Equal => release.get(i).copied().unwrap_or(0).saturating_add(1),
            Ordering::Greater => 0,
        })
        .collect();
    Version::new(parts).with_epoch(version.epoch())
}

/// poetry-core `next_breaking`: major when it is non-zero or alone, else minor when it
/// is non-zero or the last written, else patch.
fn caret_upper(version: &Version) -> Version {
    let release = version.release();
    let major = release.first().copied().unwrap_or(0);
    let minor = release.get(1).copied();
    let patch = release.get(2);
    if major > 0 || minor.is_none() {
        bump(version, 0)
    } else if minor.is_some_and(|m| m > 0) || patch.is_none() {
        bump(version, 1)
    } else {
        bump(version, 2)
    }
}

/// `~1` bumps the major, `~1.2` and longer bump the minor.
fn tilde_upper(version: &Version) -> Version {
    if version.release().len() == 1 {
        bump(version, 0)
    } else {
        bump(version, 1)
    }
}

/// Poetry's `~=`: `~=1.2` bumps the major, `~=1.2.3` and longer bump the minor (for
/// two or three numbers this is PEP 440's compatible release).
fn compatible_upper(version: &Version) -> Version {
    if version.release().len() == 2 {
        bump(version, 0)
    } else {
        bump(version, 1)
    }
}

/// The clauses of a one-arm constraint, or of a union that merges into one interval.
fn single_arm(
    text: &str,
    mut arms: Vec<Vec<Clause>>,
) -> Result<Vec<Clause>, PoetryConstraintError> {
    if arms.len() <= 1 {
        return Ok(arms.pop().unwrap_or_default());
    }
    let mut intervals = Vec::new();
    for arm in &arms {
        let Some(interval) = Interval::of(arm) else {
            return Err(union_error(text, "an alternative uses `!=` or a wildcard"));
        };
        if !interval.is_empty() {
            intervals.push(interval);
        }
    }
    intervals.sort_by(|a, b| cmp_lower(a.lower.as_ref(), b.lower.as_ref()));
    let mut merged: Option<Interval> = None;
    for interval in intervals {
        merged = Some(match merged {
            None => interval,
            Some(current) => {
                if !current.touches(&interval) {
                    return Err(union_error(text, "its alternatives leave a gap"));
                }
                current.hull(interval)
            }
        });
    }
    Ok(merged.map(Interval::clauses).unwrap_or_default())
}

fn union_error(text: &str, why: &str) -> PoetryConstraintError {
    PoetryConstraintError {
        message: format!(
            "`{}` cannot be written as one PEP 440 specifier set: {why}",
            text.trim()
        ),
        range: 0..text.len(),
        hint: Some(
            "pinctl translates `A || B` only when the alternatives overlap or touch; \
             write one range (e.g. `>=1.0,<3.0`), or use a list of constraints with `python`/`markers`"
                .to_string(),
        ),
    }
}

/// A bound of an interval: version, text, inclusive.
#[derive(Debug, Clone)]
struct Bound {
    version: Version,
    text: String,
    inclusive: bool,
}

/// A contiguous set of versions; `None` bounds are unbounded.
#[derive(Debug, Clone)]
struct Interval {
    lower: Option<Bound>,
    upper: Option<Bound>,
}

fn cmp_lower(a: Option<&Bound>, b: Option<&Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a
            .version
            .cmp(&b.version)
            .then_with(|| b.inclusive.cmp(&a.inclusive)),
    }
}

fn cmp_upper(a: Option<&Bound>, b: Option<&Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => a
            .version
            .cmp(&b.version)
            .then_with(|| a.inclusive.cmp(&b.inclusive)),
    }
}

impl Interval {
    /// The intersection of an arm's clauses, when they are all bounds.
    fn of(arm: &[Clause]) -> Option<Interval> {
        let mut interval = Interval {
            lower: None,
            upper: None,
        };
        for clause in arm {
            let bound = |inclusive| Bound {
                version: clause.version.clone(),
                text: clause.text.clone(),
                inclusive,
            };
            let (lower, upper) = match clause.op {
                Op::Ge => (Some(bound(true)), None),
                Op::Gt => (Some(bound(false)), None),
                Op::Le => (None, Some(bound(true))),
                Op::Lt => (None, Some(bound(false))),
                Op::Eq if !clause.version.is_local() => (Some(bound(true)), Some(bound(true))),
                _ => return None,
            };
            if let Some(lower) = lower
                && cmp_lower(Some(&lower), interval.lower.as_ref()) == Ordering::Greater
            {
                interval.lower = Some(lower);
            }
            if let Some(upper) = upper
                && cmp_upper(Some(&upper), interval.upper.as_ref()) == Ordering::Less
            {
                interval.upper = Some(upper);
            }
        }
        Some(interval)
    }

    fn is_empty(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Some(l), Some(u)) => match l.version.cmp(&u.version) {
                Ordering::Greater => true,
                Ordering::Equal => !(l.inclusive && u.inclusive),
                Ordering::Less => false,
            },
            _ => false,
        }
    }

    /// Whether `next` (whose lower bound is not below ours) overlaps or touches us.
    fn touches(&self, next: &Interval) -> bool {
        match (&self.upper, &next.lower) {
            (None, _) | (_, None) => true,
            (Some(u), Some(l)) => match u.version.cmp(&l.version) {
                Ordering::Greater => true,
                Ordering::Equal => u.inclusive || l.inclusive,
                Ordering::Less => false,
            },
        }
    }

    fn hull(self, other: Interval) -> Interval {
        let lower = if cmp_lower(self.lower.as_ref(), other.lower.as_ref()) == Ordering::Greater {
            other.lower
        } else {
            self.lower
        };
        let upper = if cmp_upper(self.upper.as_ref(), other.upper.as_ref()) == Ordering::Less {
            other.upper
        } else {
            self.upper
        };
        Interval { lower, upper }
    }

    fn clauses(self) -> Vec<Clause> {
        if let (Some(l), Some(u)) = (&self.lower, &self.upper)
            && l.inclusive
            && u.inclusive
            && l.version == u.version
        {
            return vec![Clause {
                op: Op::Eq,
                version: l.version.clone(),
                text: l.text.clone(),
            }];
        }
        let mut out = Vec::new();
        if let Some(l) = self.lower {
            out.push(Clause {
                op: if l.inclusive { Op::Ge } else { Op::Gt },
                version: l.version,
                text: l.text,
            });
        }
        if let Some(u) = self.upper {
            out.push(Clause {
                op: if u.inclusive { Op::Le } else { Op::Lt },
                version: u.version,
                text: u.text,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn t(poetry: &str, pep440: &str) {
        assert_eq!(translate_constraint(poetry).unwrap(), pep440, "{poetry}");
    }

    #[test]
    fn caret_and_tilde_follow_poetry() {
        t("^1.2.3", ">=1.2.3, <2.0.0");
        t("^0.75.0", ">=0.75.0, <0.76.0");
        t("^0.0.3", ">=0.0.3, <0.0.4");
        t("^0.0", ">=0.0, <0.1");
        t("^0", ">=0, <1");
        t("^0.0.0", ">=0.0.0, <0.0.1");
        t("^1.2.3b1", ">=1.2.3b1, <2.0.0");
        t("~1.2.3", ">=1.2.3, <1.3.0");
        t("~1.2", ">=1.2, <1.3");
        t("~1", ">=1, <2");
        t("~=1.2", ">=1.2, <2.0");
        t("~=1.2.3", ">=1.2.3, <1.3.0");
        t("~=1.2.3.4", ">=1.2.3.4, <1.3.0.0");
        t("^3.9", ">=3.9, <4.0");
    }

    #[test]
    fn wildcards_bare_versions_and_comparisons() {
        t("*", "");
        t("", "");
        t("1.2.*", "==1.2.*");
        t("1.2.x", "==1.2.*");
        t("!=1.2.*", "!=1.2.*");
        t("1.2.3", "==1.2.3");
        t("=1.2.3", "==1.2.3");
        t(">=1,<2", ">=1, <2");
        t(">= 1.0 < 2.0", ">=1.0, <2.0");
        t(">=1.0, !=1.5", ">=1.0, !=1.5");
    }

    #[test]
    fn unions_merge_when_they_touch() {
        t("^1.0 || ^2.0", ">=1.0, <3.0");
        t("1.0 || >=1.0,<2", ">=1.0, <2");
        t(">=1 || <2", "");
        assert!(translate_constraint(">=2 || <1").is_err());
        t("1.0 || 1.0", "==1.0");
        let e = translate_constraint("~2.7 || ^3.4").unwrap_err();
        assert_eq!(
            e.message,
            "`~2.7 || ^3.4` cannot be written as one PEP 440 specifier set: its alternatives leave a gap"
        );
        assert!(e.hint.is_some());
        assert!(translate_constraint("1.* || 2.*").is_err());
    }

    #[test]
    fn errors_point_at_the_bad_part() {
        let e = translate_constraint(">=1.0, <foo").unwrap_err();
        assert_eq!(e.range, 8..11);
        assert!(
            e.message.starts_with("`foo` is not a valid version"),
            "{}",
            e.message
        );
        let e = translate_constraint("~=1").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("write `~=1.0` or `^1`"));
        let e = translate_constraint(">=1 ||").unwrap_err();
        assert!(e.message.starts_with("empty alternative"), "{}", e.message);
    }

    #[test]
    fn python_constraints() {
        assert_eq!(python_requires("^3.9").unwrap().to_string(), ">=3.9, <4.0");
        assert_eq!(
            python_marker("<3.9").unwrap().try_to_string().unwrap(),
            "python_full_version < '3.9'"
        );
        let m = python_marker("~2.7 || ^3.4").unwrap();
        assert!(m.try_to_string().unwrap().contains(" or "));
        assert!(python_marker("*").unwrap().is_true());
        assert_eq!(
            python_marker("3.8.*").unwrap().try_to_string().unwrap(),
            "python_full_version == '3.8.*'"
        );
        assert_eq!(
            python_marker(">=3.8,!=3.9.1")
                .unwrap()
                .try_to_string()
                .unwrap(),
            "(python_full_version >= '3.8' and python_full_version < '3.9.1') or python_full_version > '3.9.1'"
        );
    }
}
