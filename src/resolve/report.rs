//! Plain-English explanations of resolution failures.
//!
//! Formats pubgrub's derivation tree without solver internals: the root is "your
//! project", version sets are PEP 440 (`a>=2,<3`, `a==1.0.0`, "any version of a"), and
//! `a[x]` stands for "a with extra x". Hints come from what the provider passed over
//! (pre-releases, yanked versions, Requires-Python, missing packages).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::PackageName;
use pubgrub::{
    DefaultStringReporter, DerivationTree, Derived, External, Map, ReportFormatter, Reporter, Term,
};

use super::markers::{Range, range_to_pep440};
use super::provider::{Pkg, Skip};

/// Formats derivation trees for users.
pub(crate) struct Formatter<'a> {
    pub(crate) not_found: &'a HashSet<PackageName>,
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
    fn no_versions(&self, pkg: &Pkg, range: &Range) -> String {
        if let Some(name) = pkg.name()
            && self.not_found.contains(name)
        {
            return format!("{name} was not found in the package index");
        }
        if range == &Range::full() {
            format!("there is no usable version of {pkg}")
        } else {
            format!("there is no usable version of {}", pkg_range(pkg, range))
        }
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
                    Pkg::Root => format!("your project depends on {}", pkg_range(d, dr)),
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
        format!(
            "And because {} and {}, {}.",
            self.format_external(prior_external),
            self.format_external(external),
            self.format_terms(current_terms)
        )
    }
}

/// The explanation text of a derivation tree.
pub(crate) fn explain(
    tree: &DerivationTree<Pkg, Range, String>,
    formatter: &Formatter<'_>,
) -> String {
    let mut collapsed = tree.clone();
    collapsed.collapse_no_versions();
    // Collapsing a two-step tree leaves one bare fact ("your project depends on a>1")
    // without the reason; keep the full tree then.
    let tree = match collapsed {
        DerivationTree::External(_) => tree,
        DerivationTree::Derived(_) => &collapsed,
    };
    DefaultStringReporter::report_with_formatter(tree, formatter)
}

/// Every `NoVersions` leaf of a tree: the ranges that came up empty.
fn empty_ranges(tree: &DerivationTree<Pkg, Range, String>, out: &mut Vec<(Pkg, Range)>) {
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

/// Hints for a failed resolution: pre-releases, yanked versions, Requires-Python and
/// missing packages that explain why a range came up empty.
pub(crate) fn hints(
    tree: &DerivationTree<Pkg, Range, String>,
    skipped: &BTreeMap<PackageName, BTreeMap<Version, Skip>>,
    not_found: &HashSet<PackageName>,
    requires_python: Option<&VersionSpecifiers>,
) -> Vec<String> {
    let mut ranges = Vec::new();
    empty_ranges(tree, &mut ranges);
    let mut hints = BTreeSet::new();
    for (pkg, range) in ranges {
        let Some(name) = pkg.name() else { continue };
        if not_found.contains(name) {
            hints.insert(format!(
                "`{name}` does not exist on the package index; check the spelling"
            ));
            continue;
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
            hints.insert(format!(
                "{name} {v} requires Python {rp} but the project supports {project}: narrow requires-python (for example `{}`) or require an older {name}",
                lower_bound_spec(rp)
            ));
        }
    }
    hints.into_iter().collect()
}

fn lower_bound_spec(rp: &VersionSpecifiers) -> String {
    rp.iter()
        .find(|s| s.has_lower_bound() || s.operator().to_string().starts_with('>'))
        .map_or_else(|| rp.to_string(), |s| format!("requires-python = \"{s}\""))
}
