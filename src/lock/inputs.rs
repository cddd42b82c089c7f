//! What a lock is made from, normalised, and its fingerprint: [`verify`](super::verify)
//! compares it with the `[tool.pinctl]` of pylock.toml without the network, and says
//! what changed.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pep440_rs::VersionSpecifiers;
use pep508_rs::Requirement;
use sha2::{Digest, Sha256};

use super::{Lock, LockTool, strip_credentials};
use crate::project::{Project, Scope};

/// The inputs of a resolution that decide the lock's content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockInputs {
    /// The project's `requires-python`.
    pub requires_python: Option<VersionSpecifiers>,
    /// Requirements per scope; a declared but empty group or extra has an empty list.
    pub scopes: BTreeMap<Scope, Vec<Requirement>>,
    /// The index URL (credentials are removed before it is stored or hashed).
    pub index_url: String,
    /// Resolution options that change the result (`key = value`, e.g. `prerelease = allow`).
    pub options: BTreeMap<String, String>,
}

/// Whether a lock still matches the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// The lock was made from exactly these inputs.
    Fresh,
    /// Stale, with one sentence per difference (`dependency `rich>=13` was added to group `dev``).
    Stale(Vec<String>),
}

impl LockInputs {
    /// The inputs of `project` resolved against `index_url`.
    pub fn from_project(project: &Project, index_url: &str) -> Self {
        let mut scopes: BTreeMap<Scope, Vec<Requirement>> = BTreeMap::new();
        scopes.insert(
            Scope::Production,
            project
                .dependencies
                .iter()
                .map(|d| d.requirement.clone())
                .collect(),
        );
        for (group, deps) in &project.groups {
            scopes.insert(
                Scope::Group(group.clone()),
                deps.iter().map(|d| d.requirement.clone()).collect(),
            );
        }
        for (extra, deps) in &project.extras {
            scopes.insert(
                Scope::Extra(extra.clone()),
                deps.iter().map(|d| d.requirement.clone()).collect(),
            );
        }
        Self {
            requires_python: project.requires_python.clone(),
            scopes,
            index_url: index_url.to_owned(),
            options: BTreeMap::new(),
        }
    }

    /// Requirement strings per scope: pep508_rs's canonical form, sorted, without duplicates.
    pub fn normalised_requirements(&self) -> BTreeMap<Scope, Vec<String>> {
        self.scopes
            .iter()
            .map(|(scope, reqs)| {
                let mut strings: Vec<String> = reqs.iter().map(ToString::to_string).collect();
                strings.sort();
                strings.dedup();
                (scope.clone(), strings)
            })
            .collect()
    }

    /// The index URL as the lock records it (no credentials, no trailing slash).
    pub fn index(&self) -> String {
        strip_credentials(&self.index_url)
    }

    /// sha256 (hex) of the normalised inputs.
    pub fn fingerprint(&self) -> String {
        fingerprint_of(
            self.requires_python.as_ref(),
            &self.index(),
            &self.options,
            &self.normalised_requirements(),
        )
    }

    /// The `[tool.pinctl]` table for these inputs.
    pub fn tool(&self) -> LockTool {
        LockTool {
            fingerprint: self.fingerprint(),
            index_url: self.index(),
            requirements: self.normalised_requirements(),
            options: self.options.clone(),
        }
    }
}

/// The fingerprint over the normalised parts (shared by [`LockInputs`] and a read lock).
pub(crate) fn fingerprint_of(
    requires_python: Option<&VersionSpecifiers>,
    index: &str,
    options: &BTreeMap<String, String>,
    requirements: &BTreeMap<Scope, Vec<String>>,
) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "requires-python\t{}",
        requires_python.map(ToString::to_string).unwrap_or_default()
    );
    let _ = writeln!(text, "index\t{index}");
    for (key, value) in options {
        let _ = writeln!(text, "option\t{key}\t{value}");
    }
    for (scope, reqs) in requirements {
        let _ = writeln!(text, "scope\t{}", scope_key(scope));
        for req in reqs {
            let _ = writeln!(text, "\t{req}");
        }
    }
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

/// An unambiguous key for a scope (a group may be called `prod`).
fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::Production => "prod".to_owned(),
        Scope::Group(g) => format!("group:{g}"),
        Scope::Extra(e) => format!("extra:{e}"),
    }
}

/// How a scope is named in messages.
pub(crate) fn describe_scope(scope: &Scope) -> String {
    match scope {
        Scope::Production => "the production dependencies".to_owned(),
        Scope::Group(g) => format!("group `{g}`"),
        Scope::Extra(e) => format!("extra `{e}`"),
    }
}

/// Compares the lock's recorded inputs with the project's current ones.
pub fn check_fresh(lock: &Lock, inputs: &LockInputs) -> Freshness {
    let current = inputs.tool();
    if lock.tool.fingerprint == current.fingerprint {
        return Freshness::Fresh;
    }
    let mut reasons = Vec::new();
    let old_python = lock.requires_python.as_ref().map(ToString::to_string);
    let new_python = inputs.requires_python.as_ref().map(ToString::to_string);
    if old_python != new_python {
        reasons.push(format!(
            "`requires-python` changed from `{}` to `{}`",
            old_python.as_deref().unwrap_or("(none)"),
            new_python.as_deref().unwrap_or("(none)")
        ));
    }
    if lock.tool.index_url != current.index_url {
        reasons.push(format!(
            "the index changed from `{}` to `{}`",
            lock.tool.index_url, current.index_url
        ));
    }
    if lock.tool.options != current.options {
        reasons.push("the resolution options changed".to_owned());
    }
    requirement_changes(&lock.tool.requirements, &current.requirements, &mut reasons);
    if reasons.is_empty() {
        reasons
            .push("the fingerprint in pylock.toml does not match the project's inputs".to_owned());
    }
    Freshness::Stale(reasons)
}

fn requirement_changes(
    old: &BTreeMap<Scope, Vec<String>>,
    new: &BTreeMap<Scope, Vec<String>>,
    reasons: &mut Vec<String>,
) {
    for scope in old.keys().filter(|s| !new.contains_key(*s)) {
        if *scope != Scope::Production {
            reasons.push(format!("{} was removed", describe_scope(scope)));
        }
    }
    for (scope, new_reqs) in new {
        let Some(old_reqs) = old.get(scope) else {
            if *scope != Scope::Production {
                reasons.push(format!("{} was added", describe_scope(scope)));
                continue;
            }
            requirement_list_changes(scope, &[], new_reqs, reasons);
            continue;
        };
        requirement_list_changes(scope, old_reqs, new_reqs, reasons);
    }
}

fn requirement_list_changes(
    scope: &Scope,
    old: &[String],
    new: &[String],
    reasons: &mut Vec<String>,
) {
    let where_ = describe_scope(scope);
    let removed: Vec<&String> = old.iter().filter(|r| !new.contains(r)).collect();
    let added: Vec<&String> = new.iter().filter(|r| !old.contains(r)).collect();
    let mut changed_from = Vec::new();
    for req in &added {
        let name = requirement_name(req);
        if let Some(before) = removed.iter().find(|r| requirement_name(r) == name) {
            reasons.push(format!(
                "dependency `{before}` was changed to `{req}` in {where_}"
            ));
            changed_from.push(*before);
        } else {
            reasons.push(format!("dependency `{req}` was added to {where_}"));
        }
    }
    for req in removed {
        if !changed_from.contains(&req) {
            reasons.push(format!("dependency `{req}` was removed from {where_}"));
        }
    }
}

/// The package name at the start of a normalised requirement string.
fn requirement_name(req: &str) -> &str {
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    &req[..end]
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::project::GroupName;

    fn inputs(prod: &[&str], dev: &[&str]) -> LockInputs {
        let reqs = |v: &[&str]| {
            v.iter()
                .map(|r| Requirement::from_str(r).unwrap())
                .collect()
        };
        LockInputs {
            requires_python: Some(VersionSpecifiers::from_str(">=3.10").unwrap()),
            scopes: BTreeMap::from([
                (Scope::Production, reqs(prod)),
                (Scope::Group(GroupName::new("dev")), reqs(dev)),
            ]),
            index_url: "https://user:pw@pypi.org/simple/".to_owned(),
            options: BTreeMap::new(),
        }
    }

    #[test]
    fn fingerprint_ignores_order_duplicates_and_credentials() {
        let a = inputs(&["django>=5", "rich"], &["pytest"]);
        let mut b = inputs(&["rich", "django>=5", "rich"], &["pytest"]);
        b.index_url = "https://pypi.org/simple".to_owned();
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.index(), "https://pypi.org/simple");
        assert_ne!(
            a.fingerprint(),
            inputs(&["django>=5"], &["pytest"]).fingerprint()
        );
    }

    #[test]
    fn stale_reasons_say_what_changed() {
        let old = inputs(&["django>=5.0", "requests"], &["pytest"]);
        let new = inputs(&["django>=5.1"], &["pytest", "rich>=13"]);
        let lock = Lock {
            requires_python: old.requires_python.clone(),
            extras: vec![],
            groups: vec![GroupName::new("dev")],
            created_by: "pinctl".to_owned(),
            packages: vec![],
            tool: old.tool(),
            integrity: crate::lock::Integrity::Intact,
        };
        assert_eq!(check_fresh(&lock, &old), Freshness::Fresh);
        let Freshness::Stale(reasons) = check_fresh(&lock, &new) else {
            panic!("expected stale");
        };
        assert_eq!(
            reasons,
            [
                "dependency `django>=5.0` was changed to `django>=5.1` in the production dependencies",
                "dependency `requests` was removed from the production dependencies",
                "dependency `rich>=13` was added to group `dev`",
            ]
        );
    }
}
