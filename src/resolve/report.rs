//! Plain-English explanations of resolution failures.
//!
//! Formats pubgrub's derivation tree without solver internals: the root is "your
//! project", version sets are PEP 440 (`a>=2,<3`, `a==1.0.0`, "any version of a"), and
//! `a[x]` stands for "a with extra x". A range that came up empty says whether no release
//! is in it at all or which releases are in it and why none can be used (yanked,
//! pre-release, Requires-Python, no installable files). Hints come from what the provider
//! passed over and from the index's release list (the nearest releases around a range
//! that holds none).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

use pep440_rs::{Operator, Version, VersionSpecifier, VersionSpecifiers};
use pep508_rs::{PackageName, Requirement};
use pubgrub::{
    DefaultStringReporter, DerivationTree, Derived, External, Map, ReportFormatter, Reporter, Term,
};

use super::provider::{Pkg, Skip};
use super::suggest::{self, Suggestion};
use crate::project::Scope;
use crate::python::python_cap;
use crate::version_range::{Range, range_to_pep440, specifier_range, specifiers_range};

/// Every release the index lists for a package, with whether it was yanked.
pub(crate) type Releases = HashMap<PackageName, BTreeMap<Version, bool>>;

/// Formats derivation trees for users.
pub(crate) struct Formatter<'a> {
    pub(crate) not_found: &'a HashMap<PackageName, Option<String>>,
    /// The releases of the packages whose ranges came up empty.
    pub(crate) releases: &'a Releases,
    /// Why versions were passed over.
    pub(crate) skipped: &'a BTreeMap<PackageName, BTreeMap<Version, Skip>>,
    /// The project's requirements (in the environments being solved), with where each
    /// is declared.
    pub(crate) root: &'a [(Scope, &'a Requirement)],
    /// Package names known to exist, for "did you mean".
    pub(crate) known: &'a [PackageName],
}

/// Whether `requirement` asks for `pkg` (for `a[x]`: names `a` with extra `x`).
fn asks_for(requirement: &Requirement, pkg: &Pkg) -> bool {
    match pkg {
        Pkg::Root => false,
        Pkg::Base(name) => requirement.name == *name,
        Pkg::Extra(name, extra) => requirement.name == *name && requirement.extras.contains(extra),
    }
}

/// `the dev group`, `the api extra`, `production`.
fn scope_words(scope: &Scope) -> String {
    match scope {
        Scope::Production => "production".to_string(),
        Scope::Group(g) => format!("the {g} group"),
        Scope::Extra(e) => format!("the {e} extra"),
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// Why a range of a package has no version the resolver could use.
enum Emptiness {
    /// The package does not exist.
    NotFound,
    /// No release at all falls in the range.
    NoRelease,
    /// Releases fall in the range but none can be used; the reasons, in words.
    Unusable(Option<String>),
}

/// `a>=1,<2`, `a==1.0`, `a` (any version), `your project`.
fn pkg_range(pkg: &Pkg, range: &Range) -> String {
    if *pkg == Pkg::Root {
        return "your project".to_string();
    }
    if range == &Range::full() {
        return pkg.to_string();
    }
    let text = range_to_pep440(range);
    if text.contains(" or ") {
        format!("{pkg} ({text})")
    } else {
        format!("{pkg}{text}")
    }
}

/// The subject of "X depends on Y": `a==1.0 depends`, `every version of a depends`.
fn subject(pkg: &Pkg, range: &Range) -> String {
    match pkg {
        Pkg::Root => "your project".to_string(),
        _ if range == &Range::full() => format!("every version of {pkg}"),
        _ => pkg_range(pkg, range),
    }
}

impl Formatter<'_> {
    /// Who in the project asks for `pkg`: `your project` (production), `your project's
    /// dev group`, `your project's api extra`, or `your project (production and the dev
    /// group)` when several do.
    fn asker(&self, pkg: &Pkg) -> String {
        let scopes: BTreeSet<&Scope> = self
            .root
            .iter()
            .filter(|(_, r)| asks_for(r, pkg))
            .map(|(scope, _)| scope)
            .collect();
        match scopes.iter().collect::<Vec<_>>().as_slice() {
            [] | [Scope::Production] => "your project".to_string(),
            [Scope::Group(g)] => format!("your project's {g} group"),
            [Scope::Extra(e)] => format!("your project's {e} extra"),
            several => {
                let words: Vec<String> = several.iter().map(|s| scope_words(s)).collect();
                format!("your project ({})", and_list(&words))
            }
        }
    }

    /// The project's own requirements on `pkg` when together they allow no version:
    /// "Your project asks for versions of django that cannot all hold: ...".
    fn conflicting_requirements(
        &self,
        tree: &DerivationTree<Pkg, Range, String>,
    ) -> Option<String> {
        let pkg = root_dependency_on_nothing(tree)?;
        let asking: Vec<String> = self
            .root
            .iter()
            .filter(|(_, r)| asks_for(r, pkg))
            .map(|(scope, r)| format!("`{r}` ({})", scope_words(scope)))
            .collect();
        if asking.is_empty() {
            return None;
        }
        Some(format!(
            "Your project asks for versions of {} that cannot all hold: {}; no version is in all of these ranges.",
            base(pkg),
            and_list(&asking)
        ))
    }

    fn emptiness(&self, pkg: &Pkg, range: &Range) -> Emptiness {
        let Some(name) = pkg.name() else {
            return Emptiness::Unusable(None);
        };
        if self.not_found.contains_key(name) {
            return Emptiness::NotFound;
        }
        let Some(releases) = self.releases.get(name) else {
            return Emptiness::Unusable(None);
        };
        if !releases.keys().any(|v| range.contains(v)) {
            return Emptiness::NoRelease;
        }
        let skips: Vec<(&Version, &Skip)> = self
            .skipped
            .get(name)
            .into_iter()
            .flat_map(|skips| skips.iter().rev())
            .filter(|(v, _)| range.contains(*v))
            .collect();
        Emptiness::Unusable(skip_reasons(&skips))
    }

    /// A fact on its own: "there is no release of a>=2".
    fn no_versions(&self, pkg: &Pkg, range: &Range) -> String {
        let shown = pkg_range(pkg, range);
        match self.emptiness(pkg, range) {
            Emptiness::NotFound => format!("{} was not found in the package index", base(pkg)),
            Emptiness::NoRelease if range == &Range::full() => {
                format!("{} has no releases", base(pkg))
            }
            Emptiness::NoRelease => format!("there is no release of {shown}"),
            Emptiness::Unusable(Some(reasons)) => {
                format!("no release of {shown} can be used ({reasons})")
            }
            Emptiness::Unusable(None) => format!("there is no usable version of {shown}"),
        }
    }

    /// A dependency on a range that came up empty, said once: "a==1.0 depends on c>=5,
    /// but no release of c is in that range". `None` when the empty range does not cover
    /// the dependency's (then the two facts are told apart).
    fn depends_on_nothing(
        &self,
        dependency: &External<Pkg, Range, String>,
        empty: &External<Pkg, Range, String>,
        comma: bool,
    ) -> Option<String> {
        let (External::FromDependencyOf(p, r, d, dr), External::NoVersions(e, er)) =
            (dependency, empty)
        else {
            return None;
        };
        if d != e || !dr.subset_of(er) || matches!(d, Pkg::Extra(..)) {
            return None;
        }
        let name = base(d);
        let but = if comma { ", but" } else { " but" };
        let in_that_range = if dr == &Range::full() {
            ""
        } else {
            " in that range"
        };
        let tail = match self.emptiness(d, dr) {
            Emptiness::NotFound => format!("{name} was not found in the package index"),
            Emptiness::NoRelease if dr == &Range::full() => format!("{name} has no releases"),
            Emptiness::NoRelease => format!("no release of {name} is in that range"),
            Emptiness::Unusable(Some(reasons)) => {
                format!("no release of {name}{in_that_range} can be used ({reasons})")
            }
            Emptiness::Unusable(None) => {
                format!("no release of {name}{in_that_range} can be used")
            }
        };
        let head = match p {
            Pkg::Root => format!("{} depends on {}", self.asker(d), pkg_range(d, dr)),
            _ => format!("{} depends on {}", subject(p, r), pkg_range(d, dr)),
        };
        Some(format!("{head}{but} {tail}"))
    }
}

/// The package name without an extra.
fn base(pkg: &Pkg) -> String {
    pkg.name()
        .map_or_else(|| pkg.to_string(), ToString::to_string)
}

/// "2.0 requires Python >=3.13; 2.1.0a1 is a pre-release", newest versions first.
fn skip_reasons(skips: &[(&Version, &Skip)]) -> Option<String> {
    let mut groups: Vec<(String, Vec<&Version>)> = Vec::new();
    for (version, skip) in skips {
        let singular = match skip {
            Skip::Yanked => "is yanked".to_string(),
            Skip::Prerelease => "is a pre-release".to_string(),
            Skip::RequiresPython(rp) => format!("requires Python {rp}"),
            Skip::WheelsFrom(python) => {
                format!("has no sdist and no wheel for Python older than {python}")
            }
            Skip::NoFiles => "has no installable files".to_string(),
        };
        match groups.iter_mut().find(|(s, _)| *s == singular) {
            Some((_, versions)) => versions.push(version),
            None => groups.push((singular, vec![version])),
        }
    }
    if groups.is_empty() {
        return None;
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|(singular, versions)| {
            let shown: Vec<String> = versions.iter().take(3).map(ToString::to_string).collect();
            let mut list = shown.join(", ");
            if versions.len() > 3 {
                list = format!("{list} and {} more", versions.len() - 3);
            }
            if versions.len() == 1 {
                format!("{list} {singular}")
            } else {
                format!("{list} {}", plural_of(singular))
            }
        })
        .collect();
    Some(parts.join("; "))
}

fn plural_of(singular: &str) -> String {
    if let Some(rest) = singular.strip_prefix("requires ") {
        return format!("require {rest}");
    }
    match singular {
        "is yanked" => "are yanked".to_string(),
        "is a pre-release" => "are pre-releases".to_string(),
        other => match other.strip_prefix("has ") {
            Some(rest) => format!("have {rest}"),
            None => other.to_string(),
        },
    }
}

impl ReportFormatter<Pkg, Range, String> for Formatter<'_> {
    type Output = String;

    fn format_external(&self, external: &External<Pkg, Range, String>) -> String {
        match external {
            External::NotRoot(..) => "your project is what is being resolved".to_string(),
            External::NoVersions(pkg, range) => self.no_versions(pkg, range),
            External::FromDependencyOf(p, r, d, dr) => {
                if let (Pkg::Extra(name, extra), Pkg::Base(base)) = (p, d)
                    && name == base
                {
                    return format!("{name} with extra {extra} needs the same version of {name}");
                }
                match p {
                    Pkg::Root => format!("{} depends on {}", self.asker(d), pkg_range(d, dr)),
                    _ => format!("{} depends on {}", subject(p, r), pkg_range(d, dr)),
                }
            }
            External::Custom(p, r, reason) => format!("{} {reason}", subject(p, r)),
        }
    }

    fn format_terms(&self, terms: &Map<Pkg, Term<Range>>) -> String {
        let terms: Vec<_> = terms.iter().collect();
        match terms.as_slice() {
            [] => "no version can be chosen".to_string(),
            [(Pkg::Root, Term::Positive(_))] => {
                "your project's requirements cannot be satisfied".to_string()
            }
            [(pkg, Term::Positive(range))] => format!("{} cannot be used", pkg_range(pkg, range)),
            [(pkg, Term::Negative(range))] => format!("{} is required", pkg_range(pkg, range)),
            [(p1, Term::Positive(r1)), (p2, Term::Negative(r2))]
            | [(p2, Term::Negative(r2)), (p1, Term::Positive(r1))] => self.format_external(
                &External::FromDependencyOf((*p1).clone(), r1.clone(), (*p2).clone(), r2.clone()),
            ),
            slice => {
                let parts: Vec<String> = slice
                    .iter()
                    .map(|(p, t)| match t {
                        Term::Positive(r) => pkg_range(p, r),
                        Term::Negative(r) => format!("not {}", pkg_range(p, r)),
                    })
                    .collect();
                match parts.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last} cannot be used together", rest.join(", "))
                    }
                    _ => format!("{} cannot be used", parts.join("")),
                }
            }
        }
    }

    fn explain_both_external(
        &self,
        external1: &External<Pkg, Range, String>,
        external2: &External<Pkg, Range, String>,
        current_terms: &Map<Pkg, Term<Range>>,
    ) -> String {
        if let Some(both) = self
            .depends_on_nothing(external1, external2, false)
            .or_else(|| self.depends_on_nothing(external2, external1, false))
        {
            return format!("Because {both}, {}.", self.format_terms(current_terms));
        }
        format!(
            "Because {} and {}, {}.",
            self.format_external(external1),
            self.format_external(external2),
            self.format_terms(current_terms)
        )
    }

    fn explain_both_ref(
        &self,
        ref_id1: usize,
        derived1: &Derived<Pkg, Range, String>,
        ref_id2: usize,
        derived2: &Derived<Pkg, Range, String>,
        current_terms: &Map<Pkg, Term<Range>>,
    ) -> String {
        format!(
            "Because {} ({}) and {} ({}), {}.",
            self.format_terms(&derived1.terms),
            ref_id1,
            self.format_terms(&derived2.terms),
            ref_id2,
            self.format_terms(current_terms)
        )
    }

    fn explain_ref_and_external(
        &self,
        ref_id: usize,
        derived: &Derived<Pkg, Range, String>,
        external: &External<Pkg, Range, String>,
        current_terms: &Map<Pkg, Term<Range>>,
    ) -> String {
        format!(
            "Because {} ({}) and {}, {}.",
            self.format_terms(&derived.terms),
            ref_id,
            self.format_external(external),
            self.format_terms(current_terms)
        )
    }

    fn and_explain_external(
        &self,
        external: &External<Pkg, Range, String>,
        current_terms: &Map<Pkg, Term<Range>>,
    ) -> String {
        format!(
            "And because {}, {}.",
            self.format_external(external),
            self.format_terms(current_terms)
        )
    }

    fn and_explain_ref(
        &self,
        ref_id: usize,
        derived: &Derived<Pkg, Range, String>,
        current_terms: &Map<Pkg, Term<Range>>,
    ) -> String {
        format!(
            "And because {} ({}), {}.",
            self.format_terms(&derived.terms),
            ref_id,
            self.format_terms(current_terms)
        )
    }

    fn and_explain_prior_and_external(
        &self,
        prior_external: &External<Pkg, Range, String>,
        external: &External<Pkg, Range, String>,
        current_terms: &Map<Pkg, Term<Range>>,
    ) -> String {
        if let Some(both) = self
            .depends_on_nothing(prior_external, external, false)
            .or_else(|| self.depends_on_nothing(external, prior_external, false))
        {
            return format!("And because {both}, {}.", self.format_terms(current_terms));
        }
        format!(
            "And because {} and {}, {}.",
            self.format_external(prior_external),
            self.format_external(external),
            self.format_terms(current_terms)
        )
    }
}

/// "p (==1.0 or ==2.0) cannot be used because it depends on ..." plus "no other version of
/// p exists" is "no version of p can be used": widens the derived fact and the dependency
/// it comes from by `r`. Anything else is returned unchanged.
fn widen(
    inner: Derived<Pkg, Range, String>,
    p: &Pkg,
    r: &Range,
) -> DerivationTree<Pkg, Range, String> {
    let about_p_alone =
        inner.terms.len() == 1 && matches!(inner.terms.get(p), Some(Term::Positive(_)));
    if !about_p_alone {
        return DerivationTree::Derived(inner);
    }
    let widened_cause = |cause: &Arc<DerivationTree<Pkg, Range, String>>| match cause.as_ref() {
        DerivationTree::External(External::FromDependencyOf(p1, r1, p2, r2)) if p1 == p => {
            Some(Arc::new(DerivationTree::External(
                External::FromDependencyOf(p1.clone(), r1.union(r), p2.clone(), r2.clone()),
            )))
        }
        _ => None,
    };
    let mut out = inner.clone();
    if let Some(cause) = widened_cause(&inner.cause1) {
        out.cause1 = cause;
    } else if let Some(cause) = widened_cause(&inner.cause2) {
        out.cause2 = cause;
    } else {
        return DerivationTree::Derived(inner);
    }
    if let Some(Term::Positive(range)) = inner.terms.get(p) {
        out.terms.insert(p.clone(), Term::Positive(range.union(r)));
    }
    DerivationTree::Derived(out)
}

/// The explanation text of a derivation tree.
pub(crate) fn explain(
    tree: &DerivationTree<Pkg, Range, String>,
    formatter: &Formatter<'_>,
) -> String {
    if let Some(text) = formatter.conflicting_requirements(tree) {
        return text;
    }
    let tree = collapse(tree);
    // The most common failure, said once: the project asks for a range with nothing usable.
    if let DerivationTree::Derived(derived) = &tree
        && let (DerivationTree::External(e1), DerivationTree::External(e2)) =
            (derived.cause1.as_ref(), derived.cause2.as_ref())
        && let Some(both) = formatter
            .depends_on_nothing(e1, e2, true)
            .or_else(|| formatter.depends_on_nothing(e2, e1, true))
        && let Some(rest) = both.strip_prefix("your project")
    {
        return format!("Your project{rest}.");
    }
    DefaultStringReporter::report_with_formatter(&tree, formatter)
}

/// pubgrub's `collapse_no_versions`, except that an empty range of a *dependency* is kept
/// as its own fact: merging it would turn "a depends on c>=5 and no c>=5 exists" into a
/// bare "a depends on c>=5", dropping the reason.
fn collapse(tree: &DerivationTree<Pkg, Range, String>) -> DerivationTree<Pkg, Range, String> {
    let DerivationTree::Derived(derived) = tree else {
        return tree.clone();
    };
    let pair = match (derived.cause1.as_ref(), derived.cause2.as_ref()) {
        (DerivationTree::External(External::NoVersions(p, r)), other)
        | (other, DerivationTree::External(External::NoVersions(p, r))) => Some((p, r, other)),
        _ => None,
    };
    if let Some((p, r, other)) = pair {
        match collapse(other) {
            // "no other version of a" folds into "a depends on ...".
            DerivationTree::External(External::FromDependencyOf(p1, r1, p2, r2)) if &p1 == p => {
                return DerivationTree::External(External::FromDependencyOf(
                    p1,
                    r1.union(r),
                    p2,
                    r2,
                ));
            }
            // Facts about the dependency side (or two unrelated facts) stay apart.
            DerivationTree::External(_) => {}
            // As pubgrub does: the derived cause already explains the conflict; when it
            // is about `p` alone, "no other version of p" widens it to every version.
            DerivationTree::Derived(inner) => return widen(inner, p, r),
        }
    }
    let mut out = derived.clone();
    out.cause1 = Arc::new(collapse(&derived.cause1));
    out.cause2 = Arc::new(collapse(&derived.cause2));
    DerivationTree::Derived(out)
}

/// A package the project itself asks for with requirements no version meets together.
fn root_dependency_on_nothing(tree: &DerivationTree<Pkg, Range, String>) -> Option<&Pkg> {
    match tree {
        DerivationTree::External(External::FromDependencyOf(Pkg::Root, _, dep, range))
            if *range == Range::empty() =>
        {
            Some(dep)
        }
        DerivationTree::External(_) => None,
        DerivationTree::Derived(derived) => root_dependency_on_nothing(&derived.cause1)
            .or_else(|| root_dependency_on_nothing(&derived.cause2)),
    }
}

/// Every `NoVersions` leaf of a tree: the ranges that came up empty.
pub(crate) fn empty_ranges(tree: &DerivationTree<Pkg, Range, String>, out: &mut Vec<(Pkg, Range)>) {
    match tree {
        DerivationTree::External(External::NoVersions(pkg, range)) => {
            out.push((pkg.clone(), range.clone()));
        }
        DerivationTree::External(_) => {}
        DerivationTree::Derived(derived) => {
            empty_ranges(&derived.cause1, out);
            empty_ranges(&derived.cause2, out);
        }
    }
}

/// Every range some package (or the project) requires of `pkg`.
fn required_ranges(tree: &DerivationTree<Pkg, Range, String>, pkg: &Pkg, out: &mut Vec<Range>) {
    match tree {
        DerivationTree::External(External::FromDependencyOf(_, _, dep, range)) if dep == pkg => {
            out.push(range.clone());
        }
        DerivationTree::External(_) => {}
        DerivationTree::Derived(derived) => {
            required_ranges(&derived.cause1, pkg, out);
            required_ranges(&derived.cause2, pkg, out);
        }
    }
}

/// Hints for a failed resolution: pre-releases, yanked versions, Requires-Python and
/// missing packages that explain why a range came up empty.
pub(crate) fn hints(
    tree: &DerivationTree<Pkg, Range, String>,
    formatter: &Formatter<'_>,
    requires_python: Option<&VersionSpecifiers>,
) -> Vec<String> {
    let Formatter {
        not_found,
        releases,
        skipped,
        root,
        known,
    } = formatter;
    let mut hints = BTreeSet::new();
    if let Some(pkg) = root_dependency_on_nothing(tree) {
        let scopes: BTreeSet<&Scope> = root
            .iter()
            .filter(|(_, r)| asks_for(r, pkg))
            .map(|(scope, _)| scope)
            .collect();
        let name = base(pkg);
        if scopes.len() > 1 {
            hints.insert(format!(
                "production, every dependency group and every extra are locked together and share one version of each package: change the requirements on {name} so that their ranges overlap"
            ));
        } else {
            hints.insert(format!(
                "keep one requirement on {name}, with the range you mean"
            ));
        }
    }
    let mut ranges = Vec::new();
    empty_ranges(tree, &mut ranges);
    for (pkg, range) in ranges {
        let Some(name) = pkg.name() else { continue };
        if let Some(url) = not_found.get(name) {
            let at = url
                .as_ref()
                .map(|u| format!(" (`{u}` answered 404 Not Found)"))
                .unwrap_or_default();
            let candidates = known
                .iter()
                .chain(root.iter().map(|(_, r)| &r.name))
                .filter(|n| !not_found.contains_key(*n));
            hints.insert(match suggest::did_you_mean(name, candidates) {
                Some(Suggestion::Module(dist)) => format!(
                    "`{name}` is not on the package index; it is the name of a module, and the package that provides it is `{dist}`"
                ),
                Some(Suggestion::Typo(other)) => format!(
                    "`{name}` does not exist on the package index{at}; did you mean `{other}`?"
                ),
                None => format!(
                    "`{name}` does not exist on the package index{at}; check the spelling and the index URL"
                ),
            });
            continue;
        }
        // A leaf can be what is left of a range after the solver tried its versions;
        // "no release in range" is only news for a range something actually required.
        if let Some(releases) = releases.get(name) {
            let mut required = Vec::new();
            required_ranges(tree, &pkg, &mut required);
            let empty = required
                .iter()
                .find(|r| !releases.keys().any(|v| r.contains(v)));
            if let Some(hint) = empty.and_then(|r| nearest_releases(name, r, releases)) {
                hints.insert(hint);
                continue;
            }
        }
        let Some(skips) = skipped.get(name) else {
            continue;
        };
        let in_range: Vec<(&Version, &Skip)> = skips
            .iter()
            .rev()
            .filter(|(v, _)| range.contains(*v))
            .collect();
        if let Some((v, _)) = in_range.iter().find(|(_, s)| **s == Skip::Prerelease) {
            hints.insert(format!(
                "{name}=={v} is a pre-release; ask for it explicitly ({name}>={v})"
            ));
        }
        if let Some((v, _)) = in_range.iter().find(|(_, s)| **s == Skip::Yanked) {
            hints.insert(format!(
                "{name}=={v} matches but was yanked; pin it exactly ({name}=={v}) to use it anyway"
            ));
        }
        if let Some((v, Skip::RequiresPython(rp))) = in_range
            .iter()
            .find(|(_, s)| matches!(s, Skip::RequiresPython(_)))
        {
            let project =
                requires_python.map_or_else(|| "any Python".to_string(), |s| format!("{s}"));
            hints.insert(match suggested_requires_python(requires_python, rp) {
                Some(suggested) => format!(
                    "{name} {v} requires Python {rp} but the project supports {project}: narrow requires-python (for example `{suggested}`) or require an older {name}"
                ),
                None => format!(
                    "{name} {v} requires Python {rp}, which no Python of the project's requires-python ({project}) satisfies: require a release of {name} that supports it, or change requires-python"
                ),
            });
        }
    }
    hints.into_iter().collect()
}

/// "the nearest releases of mypy are 0.961 and 0.971": the releases just below and just
/// above a range that holds none (stable, not yanked ones when there are such).
fn nearest_releases(
    name: &PackageName,
    range: &Range,
    releases: &BTreeMap<Version, bool>,
) -> Option<String> {
    let (lower, upper) = range.bounding_range()?;
    let good: Vec<&Version> = releases
        .iter()
        .filter(|(v, yanked)| !**yanked && !v.any_prerelease())
        .map(|(v, _)| v)
        .collect();
    let candidates: Vec<&Version> = if good.is_empty() {
        releases.keys().collect()
    } else {
        good
    };
    let below = candidates
        .iter()
        .rev()
        .find(|v| match lower {
            Bound::Included(l) => **v < l,
            Bound::Excluded(l) => **v <= l,
            Bound::Unbounded => false,
        })
        .copied();
    let above = candidates
        .iter()
        .find(|v| match upper {
            Bound::Included(u) => **v > u,
            Bound::Excluded(u) => **v >= u,
            Bound::Unbounded => false,
        })
        .copied();
    match (below, above) {
        (Some(b), Some(a)) => Some(format!("the nearest releases of {name} are {b} and {a}")),
        (Some(b), None) => Some(format!("the newest release of {name} is {b}")),
        (None, Some(a)) => Some(format!("the oldest release of {name} is {a}")),
        (None, None) => None,
    }
}

/// A requires-python that avoids what `rp` rules out: the higher of the two lower bounds,
/// the project's other clauses, `rp`'s upper bound (below Python 4) when it is lower than
/// the project's, and `rp`'s exclusions that fall in the project's range. `None` when
/// that leaves no Python `rp` admits (`rp` and the project's range do not meet).
fn suggested_requires_python(
    project: Option<&VersionSpecifiers>,
    rp: &VersionSpecifiers,
) -> Option<String> {
    let is_lower = |s: &VersionSpecifier| {
        matches!(
            s.operator(),
            Operator::GreaterThanEqual | Operator::GreaterThan | Operator::TildeEqual
        )
    };
    let project_specs: Vec<&VersionSpecifier> =
        project.into_iter().flat_map(|p| p.iter()).collect();
    let project_lower = project_specs.iter().find(|s| is_lower(s)).copied();
    let package_lower = rp.iter().find(|s| is_lower(s));
    let lower = match (project_lower, package_lower) {
        (Some(p), Some(q)) if q.version() > p.version() => Some(q),
        (Some(p), _) => Some(p),
        (None, q) => q,
    };
    let project_range = specifiers_range(project);
    // `<3.12` for `>=3.9,<3.12` or `~=3.9.0` (`<3.10`), when it cuts the project's range.
    let cap = rp
        .iter()
        .filter_map(python_cap)
        .filter(|cap| !project_range.subset_of(&specifier_range(cap)))
        .min_by_key(|cap| {
            (
                cap.version().clone(),
                matches!(cap.operator(), Operator::LessThanEqual),
            )
        });
    let is_upper =
        |s: &VersionSpecifier| matches!(s.operator(), Operator::LessThan | Operator::LessThanEqual);
    // `~=3.9.0` as a lower bound with its cap written next to it: `>=3.9.0, <3.10`.
    let lower = lower.map(|s| match (s.operator(), &cap) {
        (Operator::TildeEqual, Some(_)) => {
            VersionSpecifier::greater_than_equal_version(s.version().clone())
        }
        _ => s.clone(),
    });
    let mut clauses: Vec<String> = lower.iter().map(ToString::to_string).collect();
    clauses.extend(
        project_specs
            .iter()
            .filter(|s| !(is_lower(s) || cap.is_some() && is_upper(s)))
            .map(ToString::to_string),
    );
    clauses.extend(cap.iter().map(ToString::to_string));
    clauses.extend(
        rp.iter()
            .filter(|s| matches!(s.operator(), Operator::NotEqual | Operator::NotEqualStar))
            .filter(|s| !specifier_range(s).complement().is_disjoint(&project_range))
            .map(ToString::to_string),
    );
    clauses.dedup();
    let suggested: VersionSpecifiers = clauses.join(", ").parse().ok()?;
    if specifiers_range(Some(&suggested)).is_disjoint(&specifiers_range(Some(rp))) {
        return None;
    }
    Some(format!("requires-python = \"{}\"", clauses.join(", ")))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn specs(s: &str) -> VersionSpecifiers {
        VersionSpecifiers::from_str(s).unwrap()
    }

    #[test]
    fn suggested_requires_python_keeps_the_project_and_adds_what_is_missing() {
        let suggest = |project: &str, rp: &str| {
            suggested_requires_python(Some(&specs(project)), &specs(rp)).unwrap_or_default()
        };
        assert_eq!(suggest(">=3.12", ">=3.13"), "requires-python = \">=3.13\"");
        assert_eq!(
            suggest(">=3.9,<3.14", ">=3.10, !=3.0.*, !=3.1.*"),
            "requires-python = \">=3.10, <3.14\""
        );
        assert_eq!(
            suggest(">=3.9", ">=3.7, !=3.9.0, !=3.9.1"),
            "requires-python = \">=3.9, !=3.9.0, !=3.9.1\""
        );
        // Upper bounds below Python 4 are kept; the project's own looser one gives way.
        assert_eq!(
            suggest(">=3.9", ">=3.9,<3.12"),
            "requires-python = \">=3.9, <3.12\""
        );
        assert_eq!(
            suggest(">=3.9,<3.14", ">=3.8,<3.12"),
            "requires-python = \">=3.9, <3.12\""
        );
        assert_eq!(
            suggest(">=3.9", "~=3.10.0"),
            "requires-python = \">=3.10.0, <3.11\""
        );
        assert_eq!(
            suggest(">=3.9", ">=3.10,<4"),
            "requires-python = \">=3.10\""
        );
        // Nothing to narrow to: the package supports none of the project's Pythons.
        assert_eq!(suggest("==3.13.*", "<3.13"), "");
        assert_eq!(suggest(">=3.9,<3.11", ">=3.12"), "");
    }
}
