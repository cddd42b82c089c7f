//! PEP 751 package markers: environment markers combined with the lock-file variables
//! `dependency_groups` and `extras`.
//!
//! pep508_rs cannot parse `'dev' in dependency_groups`, so the scope clauses are composed
//! here as text around environment markers printed by pep508_rs (its canonical form).

use std::collections::BTreeMap;

use pep508_rs::MarkerTree;

use crate::project::Scope;

/// The PEP 751 `marker` for a package needed by these scopes, or `None` when it is
/// installed unconditionally.
///
/// Production needs are written without a scope clause, so an installer that selects no
/// group and no extra (`pip install -r pylock.toml`) installs exactly the production set;
/// a group's need becomes `'g' in dependency_groups`, an extra's `'e' in extras`, each
/// `and`-ed with the environment marker of that need. A package production needs on every
/// environment has no marker at all.
pub fn pep751_marker(needed_by: &BTreeMap<Scope, MarkerTree>) -> Option<String> {
    if needed_by
        .get(&Scope::Production)
        .is_some_and(MarkerTree::is_true)
    {
        return None;
    }
    let production = needed_by.get(&Scope::Production);
    let mut terms = Vec::new();
    for (scope, env) in needed_by {
        if env.is_false() {
            continue;
        }
        // Production is always installed: a group or extra term whose environment marker
        // implies production's adds nothing (the exact condition stays in the tool table).
        if let Some(production) = production.filter(|_| *scope != Scope::Production) {
            let mut beyond = env.clone();
            beyond.and(production.negate());
            if beyond.is_false() {
                continue;
            }
        }
        let env_text = env.try_to_string();
        let term = match scope {
            Scope::Production => env_text,
            Scope::Group(group) => Some(clause(
                &format!("'{group}' in dependency_groups"),
                env_text.as_deref(),
            )),
            Scope::Extra(extra) => {
                Some(clause(&format!("'{extra}' in extras"), env_text.as_deref()))
            }
        };
        terms.extend(term);
    }
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" or "))
    }
}

/// `scope_clause and (env)`, with parentheses only where `or` would bind wrongly.
fn clause(scope_clause: &str, env: Option<&str>) -> String {
    match env {
        None => scope_clause.to_owned(),
        Some(env) if has_top_level_or(env) => format!("{scope_clause} and ({env})"),
        Some(env) => format!("{scope_clause} and {env}"),
    }
}

/// Whether a marker's text has an `or` outside parentheses and quotes.
fn has_top_level_or(marker: &str) -> bool {
    let mut depth = 0usize;
    let mut quote = None;
    let bytes = marker.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'(') => depth += 1,
            (None, b')') => depth = depth.saturating_sub(1),
            (None, b' ') if depth == 0 && marker[i..].starts_with(" or ") => return true,
            _ => {}
        }
    }
    false
}

/// The environment marker under which a selection of scopes needs a package: the
/// disjunction of the selected scopes' markers, or `None` when the selection does not
/// need it. The scope clauses are resolved away: what remains is a plain environment
/// marker (`true` when unconditional).
pub fn selection_marker(
    needed_by: &BTreeMap<Scope, MarkerTree>,
    scopes: &[Scope],
) -> Option<MarkerTree> {
    let mut marker = MarkerTree::FALSE;
    let mut any = false;
    for scope in scopes {
        if let Some(env) = needed_by.get(scope) {
            marker.or(env.clone());
            any = true;
        }
    }
    (any && !marker.is_false()).then_some(marker)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use pep508_rs::ExtraName;

    use super::*;
    use crate::project::GroupName;

    fn m(s: &str) -> MarkerTree {
        MarkerTree::from_str(s).unwrap()
    }

    #[test]
    fn production_unconditional_has_no_marker() {
        let needed = BTreeMap::from([
            (Scope::Production, MarkerTree::TRUE),
            (
                Scope::Group(GroupName::new("dev")),
                m("sys_platform == 'win32'"),
            ),
        ]);
        assert_eq!(pep751_marker(&needed), None);
    }

    #[test]
    fn scopes_are_or_ed_with_their_clauses() {
        let needed = BTreeMap::from([
            (Scope::Production, m("sys_platform == 'win32'")),
            (Scope::Group(GroupName::new("Dev")), MarkerTree::TRUE),
            (
                Scope::Extra(ExtraName::from_str("socks").unwrap()),
                m("python_version < '3.11' or os_name == 'nt'"),
            ),
        ]);
        assert_eq!(
            pep751_marker(&needed).unwrap(),
            "sys_platform == 'win32' or 'dev' in dependency_groups or 'socks' in extras and \
             (python_full_version < '3.11' or os_name == 'nt')"
        );
    }

    #[test]
    fn terms_implied_by_production_are_left_out() {
        let needed = BTreeMap::from([
            (Scope::Production, m("python_version < '3.11'")),
            (
                Scope::Group(GroupName::new("dev")),
                m("python_version < '3.11' and sys_platform == 'linux'"),
            ),
            (
                Scope::Extra(ExtraName::from_str("x").unwrap()),
                m("python_version < '3.12'"),
            ),
        ]);
        assert_eq!(
            pep751_marker(&needed).unwrap(),
            "python_full_version < '3.11' or 'x' in extras and python_full_version < '3.12'"
        );
    }

    #[test]
    fn group_with_conjunction_needs_no_parentheses() {
        let needed = BTreeMap::from([(
            Scope::Group(GroupName::new("test")),
            m("sys_platform == 'linux' and python_version >= '3.12'"),
        )]);
        assert_eq!(
            pep751_marker(&needed).unwrap(),
            "'test' in dependency_groups and python_full_version >= '3.12' and sys_platform == 'linux'"
        );
    }

    #[test]
    fn selection_resolves_scope_clauses() {
        let dev = Scope::Group(GroupName::new("dev"));
        let needed = BTreeMap::from([
            (Scope::Production, m("sys_platform == 'win32'")),
            (dev.clone(), MarkerTree::TRUE),
        ]);
        assert_eq!(
            selection_marker(&needed, &[Scope::Production]).unwrap(),
            m("sys_platform == 'win32'")
        );
        assert!(
            selection_marker(&needed, &[Scope::Production, dev.clone()])
                .unwrap()
                .is_true()
        );
        assert_eq!(
            selection_marker(&needed, &[Scope::Extra(ExtraName::from_str("x").unwrap())]),
            None
        );
    }
}
