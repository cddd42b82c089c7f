//! PEP 735 `[dependency-groups]`: lists of PEP 508 strings and `{include-group = "..."}`
//! tables. Includes are expanded here (a group's list is its entries in written order,
//! each include replaced by the included group's expanded list); an entry reached
//! through several include paths appears once, and an included entry keeps the scope of
//! the group it is written in, so consumers dedupe by `(file, span)`. The expansion is
//! iterative and memoised: hostile input (an include chain thousands deep, a diamond of
//! includes with exponentially many paths) takes linear time and no deep recursion.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use toml_edit::Value;

use super::pep508::pep508_dependency;
use super::toml_input::{Entry, entries, expect_array, expect_table, span, value_type_error};
use super::{Dependency, GroupName, Scope};
use crate::source::{InputError, SourceFile, Span};

/// One item of a group as written.
enum GroupItem {
    Requirement(Box<Dependency>),
    Include {
        name: GroupName,
        written: String,
        at: Span,
    },
}

/// Reads `[dependency-groups]` and expands `include-group`.
pub(crate) fn read(
    file: &Arc<SourceFile>,
    e: &Entry<'_>,
) -> Result<BTreeMap<GroupName, Vec<Dependency>>, InputError> {
    let table = expect_table(file, e.item, e.key_span, "a table (`[dependency-groups]`)")?;
    // Group name -> (as written, items).
    let mut raw: BTreeMap<GroupName, (String, Vec<GroupItem>)> = BTreeMap::new();
    for group in entries(table) {
        let name = GroupName::new(group.key);
        if name.as_str().is_empty() {
            return Err(InputError::new(
                file,
                group.key_span,
                "empty dependency group name",
            ));
        }
        if let Some((first, _)) = raw.get(&name) {
            return Err(InputError::new(
                file,
                group.key_span,
                format!(
                    "dependency group `{}` is defined twice (as `{first}` and `{}`)",
                    name, group.key
                ),
            )
            .with_hint("group names are compared after normalisation (PEP 735)"));
        }
        let array = expect_array(
            file,
            group.item,
            group.key_span,
            "an array (PEP 508 strings and `{include-group = \"...\"}` tables)",
        )?;
        let scope = Scope::Group(name.clone());
        let mut items = Vec::new();
        for value in array {
            items.push(read_item(file, value, &scope)?);
        }
        raw.insert(name, (group.key.to_string(), items));
    }

    expand_all(file, &raw, e.key_span)
}

/// The most entries all expanded groups may hold together. Each group lists every entry
/// of the groups it includes, so an include chain n deep with an entry per group holds
/// n²/2 entries: 8000 groups would take gigabytes. Real projects hold a few hundred.
const MAX_EXPANDED: usize = 100_000;

fn read_item(
    file: &Arc<SourceFile>,
    value: &Value,
    scope: &Scope,
) -> Result<GroupItem, InputError> {
    match value {
        Value::String(_) => Ok(GroupItem::Requirement(Box::new(pep508_dependency(
            file,
            value,
            scope.clone(),
        )?))),
        Value::InlineTable(t) => {
            let at = span(value.span());
            let mut include = None;
            for (key, v) in t {
                if key == "include-group" {
                    let Some(s) = v.as_str() else {
                        return Err(value_type_error(file, v, "a string (a group name)"));
                    };
                    include = Some(GroupItem::Include {
                        name: GroupName::new(s),
                        written: s.to_string(),
                        at: span(v.span()),
                    });
                } else {
                    let key_at = t.key(key).map_or(at, |k| span(k.span()));
                    return Err(InputError::new(
                        file,
                        key_at,
                        format!("unknown key `{key}` in a dependency group item"),
                    )
                    .with_hint(
                        "a table in a dependency group may only hold `include-group` (PEP 735)",
                    ));
                }
            }
            include.ok_or_else(|| {
                InputError::new(file, at, "a dependency group table needs `include-group`")
            })
        }
        other => Err(value_type_error(
            file,
            other,
            "a string (a PEP 508 requirement) or an `{include-group = \"...\"}` table",
        )),
    }
}

/// How far the expansion of a group has got.
enum State {
    /// On the include path, at this depth (for cycle messages).
    OnPath(usize),
    /// Fully expanded: its entries, each once.
    Done(Vec<Dependency>),
}

/// A group being expanded: its name, the next item to look at, and what it has so far.
struct Frame<'a> {
    name: &'a GroupName,
    items: std::slice::Iter<'a, GroupItem>,
    deps: Vec<Dependency>,
    seen: HashSet<Span>,
}

impl<'a> Frame<'a> {
    fn new(name: &'a GroupName, items: &'a [GroupItem]) -> Self {
        Self {
            name,
            items: items.iter(),
            deps: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// Appends `dep` unless this group already holds the same entry (the same span,
    /// reached through another include path); counts what it adds in `total`.
    fn push(&mut self, dep: &Dependency, total: &mut usize) {
        if self.seen.insert(dep.span) {
            self.deps.push(dep.clone());
            *total += 1;
        }
    }
}

/// Expands every group: its entries in order, an include replaced by the included
/// group's entries. Each group is expanded once (a depth-first walk with an explicit
/// stack, so a deep include chain cannot overflow the call stack) and holds each entry
/// once, however many include paths lead to it (a diamond of includes stays linear).
fn expand_all(
    file: &Arc<SourceFile>,
    raw: &BTreeMap<GroupName, (String, Vec<GroupItem>)>,
    table_at: Span,
) -> Result<BTreeMap<GroupName, Vec<Dependency>>, InputError> {
    let mut state: HashMap<&GroupName, State> = HashMap::with_capacity(raw.len());
    // Entries held by all groups so far, expanded or on the path.
    let mut total = 0;
    let too_many = || {
        InputError::new(
            file,
            table_at,
            format!(
                "the dependency groups expand to more than {MAX_EXPANDED} requirements \
                 through `include-group`"
            ),
        )
        .with_hint(
            "each group holds every requirement of the groups it includes; \
             flatten the chain of includes or list fewer requirements",
        )
    };
    for (root, (_, root_items)) in raw {
        if state.contains_key(root) {
            continue;
        }
        state.insert(root, State::OnPath(0));
        let mut path = vec![Frame::new(root, root_items)];
        while let Some(frame) = path.last_mut() {
            if total > MAX_EXPANDED {
                return Err(too_many());
            }
            let Some(item) = frame.items.next() else {
                let Some(done) = path.pop() else { break };
                let deps = match path.last_mut() {
                    Some(parent) => {
                        for dep in &done.deps {
                            parent.push(dep, &mut total);
                        }
                        done.deps
                    }
                    None => done.deps,
                };
                state.insert(done.name, State::Done(deps));
                continue;
            };
            let (included, written, at) = match item {
                GroupItem::Requirement(dep) => {
                    frame.push(dep, &mut total);
                    if total > MAX_EXPANDED {
                        return Err(too_many());
                    }
                    continue;
                }
                GroupItem::Include { name, written, at } => (name, written, *at),
            };
            let Some((included, (_, included_items))) = raw.get_key_value(included) else {
                let defined: Vec<String> = raw.values().map(|(w, _)| format!("`{w}`")).collect();
                return Err(InputError::new(
                    file,
                    at,
                    format!(
                        "`{}` includes `{written}`, which is not a dependency group",
                        frame.name
                    ),
                )
                .with_hint(format!("defined groups: {}", defined.join(", "))));
            };
            match state.get(included) {
                Some(State::Done(deps)) => {
                    for dep in deps {
                        frame.push(dep, &mut total);
                    }
                }
                Some(State::OnPath(depth)) => {
                    let mut cycle: Vec<String> =
                        path[*depth..].iter().map(|f| f.name.to_string()).collect();
                    cycle.push(included.to_string());
                    return Err(InputError::new(
                        file,
                        at,
                        format!(
                            "dependency groups include each other: {}",
                            cycle.join(" -> ")
                        ),
                    )
                    .with_hint("remove one of these `include-group` entries"));
                }
                None => {
                    state.insert(included, State::OnPath(path.len()));
                    path.push(Frame::new(included, included_items));
                }
            }
        }
    }
    Ok(state
        .into_iter()
        .map(|(name, s)| match s {
            State::Done(deps) => (name.clone(), deps),
            // Every walk ends with its root popped, so no group is left on a path.
            State::OnPath(_) => (name.clone(), Vec::new()),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::project::parse_pyproject;

    fn groups(text: String) -> BTreeMap<GroupName, Vec<Dependency>> {
        match parse_pyproject(SourceFile::new("pyproject.toml", text)) {
            Ok(p) => p.groups,
            Err(e) => panic!("{e}"),
        }
    }

    fn reqs(deps: &[Dependency]) -> Vec<String> {
        deps.iter().map(|d| d.requirement.to_string()).collect()
    }

    /// `g0` includes `g1`, ... `g{n-1}` holds the only requirement.
    #[test]
    fn deep_include_chain_does_not_overflow() {
        let n = 8000;
        let mut text = String::from("[dependency-groups]\n");
        for i in 0..n - 1 {
            let _ = writeln!(text, "g{i} = [{{include-group = \"g{}\"}}]", i + 1);
        }
        let _ = writeln!(text, "g{} = [\"deepest>=1\"]", n - 1);
        let groups = groups(text);
        assert_eq!(groups.len(), n);
        for deps in groups.values() {
            assert_eq!(reqs(deps), ["deepest>=1"]);
        }
    }

    /// `g{i}` includes `a{i}` and `b{i}`, which both include `g{i+1}`: 2^40 include
    /// paths from `g0` to the requirement in `g40`, which `g0` holds once.
    #[test]
    fn include_diamond_is_expanded_once() {
        let n = 40;
        let mut text = String::from("[dependency-groups]\n");
        for i in 0..n {
            let next = i + 1;
            let _ = write!(
                text,
                "g{i} = [\"top{i}\", {{include-group = \"a{i}\"}}, {{include-group = \"b{i}\"}}]\n\
                 a{i} = [{{include-group = \"g{next}\"}}]\n\
                 b{i} = [{{include-group = \"g{next}\"}}, \"b-only{i}\"]\n"
            );
        }
        let _ = writeln!(text, "g{n} = [\"deepest>=1\"]");
        let groups = groups(text);
        let g0 = reqs(&groups[&GroupName::new("g0")]);
        assert_eq!(g0.iter().filter(|r| *r == "deepest>=1").count(), 1);
        // Each of the 40 levels adds `top` and `b-only` once: written order, first
        // occurrence kept.
        assert_eq!(g0.len(), 2 * n + 1);
        assert_eq!(g0[..3], ["top0", "top1", "top2"]);
        assert_eq!(g0.last().map(String::as_str), Some("b-only0"));
        assert_eq!(
            reqs(&groups[&GroupName::new("b39")]),
            ["deepest>=1", "b-only39"]
        );
    }

    /// `g{i}` holds `p{i}` and includes `g{i+1}`: 8000 groups would hold 32 million
    /// entries between them; the expansion stops with an error at the table instead.
    #[test]
    fn an_include_chain_that_expands_quadratically_is_refused() {
        let n = 8000;
        let mut text = String::from("[dependency-groups]\n");
        for i in 0..n - 1 {
            let _ = writeln!(
                text,
                "g{i} = [\"p{i}>=1\", {{include-group = \"g{}\"}}]",
                i + 1
            );
        }
        let _ = writeln!(text, "g{} = [\"last>=1\"]", n - 1);
        let Err(e) = parse_pyproject(SourceFile::new("pyproject.toml", text)) else {
            panic!("expected an expansion error");
        };
        assert_eq!(
            e.to_string(),
            format!(
                "the dependency groups expand to more than {MAX_EXPANDED} requirements \
                 through `include-group`"
            )
        );
        // 400 deep is 80,000 entries: still read.
        let mut text = String::from("[dependency-groups]\n");
        for i in 0..399 {
            let _ = writeln!(
                text,
                "g{i} = [\"p{i}>=1\", {{include-group = \"g{}\"}}]",
                i + 1
            );
        }
        text.push_str("g399 = [\"last>=1\"]\n");
        assert_eq!(groups(text)[&GroupName::new("g0")].len(), 400);
    }

    #[test]
    fn cycle_through_an_expanded_group_is_still_an_error() {
        let text = "[dependency-groups]\na = [{include-group = \"c\"}]\nb = [{include-group = \"c\"}]\nc = [{include-group = \"d\"}]\nd = [\"x\", {include-group = \"b\"}]\n";
        let Err(e) = parse_pyproject(SourceFile::new("pyproject.toml", text)) else {
            panic!("expected a cycle error");
        };
        assert_eq!(
            e.to_string(),
            "dependency groups include each other: c -> d -> b -> c"
        );
    }
}
