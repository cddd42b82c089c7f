//! PEP 735 `[dependency-groups]`: lists of PEP 508 strings and `{include-group = "..."}`
//! tables. Includes are expanded here (a group's list is its own entries followed by
//! those of the groups it includes, recursively); an included entry keeps the scope of
//! the group it is written in, so consumers dedupe by `(file, span)`.

use std::collections::BTreeMap;
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

    let mut out = BTreeMap::new();
    for name in raw.keys() {
        let mut deps = Vec::new();
        let mut stack = vec![name.clone()];
        expand(file, &raw, name, &mut stack, &mut deps)?;
        out.insert(name.clone(), deps);
    }
    Ok(out)
}

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

/// Appends `name`'s entries and those of the groups it includes; `stack` is the include
/// path so far, for cycle messages.
fn expand(
    file: &Arc<SourceFile>,
    raw: &BTreeMap<GroupName, (String, Vec<GroupItem>)>,
    name: &GroupName,
    stack: &mut Vec<GroupName>,
    out: &mut Vec<Dependency>,
) -> Result<(), InputError> {
    let Some((_, items)) = raw.get(name) else {
        return Ok(());
    };
    for item in items {
        match item {
            GroupItem::Requirement(dep) => out.push((**dep).clone()),
            GroupItem::Include {
                name: included,
                written,
                at,
            } => {
                if !raw.contains_key(included) {
                    let defined: Vec<String> =
                        raw.values().map(|(w, _)| format!("`{w}`")).collect();
                    return Err(InputError::new(
                        file,
                        *at,
                        format!("`{name}` includes `{written}`, which is not a dependency group"),
                    )
                    .with_hint(format!("defined groups: {}", defined.join(", "))));
                }
                if let Some(pos) = stack.iter().position(|g| g == included) {
                    let mut cycle: Vec<String> =
                        stack[pos..].iter().map(ToString::to_string).collect();
                    cycle.push(included.to_string());
                    return Err(InputError::new(
                        file,
                        *at,
                        format!(
                            "dependency groups include each other: {}",
                            cycle.join(" -> ")
                        ),
                    )
                    .with_hint("remove one of these `include-group` entries"));
                }
                stack.push(included.clone());
                expand(file, raw, included, stack, out)?;
                stack.pop();
            }
        }
    }
    Ok(())
}
