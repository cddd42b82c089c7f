//! Reading Poetry's tables: `[tool.poetry] name`, `[tool.poetry.dependencies]` (with
//! `python`), `[tool.poetry.extras]`, `[tool.poetry.group.<g>.dependencies]` and the
//! legacy `[tool.poetry.dev-dependencies]` (group `dev`). Constraints are translated by
//! [`poetry`](super::poetry); git, path and URL dependencies are refused with a hint.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use pep440_rs::VersionSpecifiers;
use pep508_rs::{ExtraName, MarkerTree, PackageName, Requirement, VersionOrUrl};
use toml_edit::{Item, TableLike, Value};

use super::poetry::{self, PoetryConstraintError};
use super::toml_input::{
    Entry, entries, expect_array, expect_str, expect_table, item_span, span, string_content_offset,
    value_type_error,
};
use super::toml_input::{find, package_name};
use super::{Dependency, GroupName, InputWarning, ProjectError, Scope, Written};
use crate::source::{InputError, SourceFile, Span};

/// `[tool.poetry]` of a document.
pub(crate) struct PoetryTables<'a> {
    file: Arc<SourceFile>,
    table: &'a dyn TableLike,
}

/// The main dependencies (production and the extras built from optional ones).
pub(crate) struct MainDependencies {
    pub dependencies: Vec<Dependency>,
    pub extras: BTreeMap<ExtraName, Vec<Dependency>>,
}

/// Finds `[tool.poetry]`, if any.
pub(crate) fn find_poetry<'a>(
    file: &Arc<SourceFile>,
    root: &'a dyn TableLike,
) -> Result<Option<PoetryTables<'a>>, InputError> {
    let Some(tool) = find(root, "tool") else {
        return Ok(None);
    };
    let tool = expect_table(file, tool.item, tool.key_span, "a table (`[tool]`)")?;
    let Some(poetry) = find(tool, "poetry") else {
        return Ok(None);
    };
    let table = expect_table(
        file,
        poetry.item,
        poetry.key_span,
        "a table (`[tool.poetry]`)",
    )?;
    Ok(Some(PoetryTables {
        file: Arc::clone(file),
        table,
    }))
}

/// Where an entry of one dependency came from.
struct Source<'a> {
    name: PackageName,
    key: &'a str,
    key_span: Span,
}

impl<'a> PoetryTables<'a> {
    /// `[tool.poetry.dependencies]` and the span of its header (or key), when present.
    pub(crate) fn main_dependencies(&self) -> Option<(&'a dyn TableLike, Span)> {
        let e = find(self.table, "dependencies")?;
        let t = e.item.as_table_like()?;
        Some((t, e.whole_span))
    }

    /// `[tool.poetry] name`.
    pub(crate) fn name(&self) -> Result<Option<PackageName>, InputError> {
        find(self.table, "name")
            .map(|e| package_name(&self.file, &e))
            .transpose()
    }

    /// The `python` dependency, translated to `requires-python`.
    pub(crate) fn python(&self) -> Result<Option<(VersionSpecifiers, Span)>, InputError> {
        let Some(deps) = find(self.table, "dependencies") else {
            return Ok(None);
        };
        let deps = expect_table(
            &self.file,
            deps.item,
            deps.key_span,
            "a table (`[tool.poetry.dependencies]`)",
        )?;
        let Some(python) = find(deps, "python") else {
            return Ok(None);
        };
        let (text, literal) = expect_str(
            &self.file,
            python.item,
            python.key_span,
            "a string (a Poetry constraint on the Python version)",
        )?;
        let specifiers = poetry::python_requires(text).map_err(|mut e| {
            if text.contains('|') {
                // requires-python is one range; markers cannot help here.
                e.hint = Some(
                    "`requires-python` is one range: keep the Python versions you still \
                     support, e.g. `^3.9`"
                        .to_string(),
                );
            }
            constraint_error(&self.file, literal, text, e, "python")
        })?;
        Ok(Some((specifiers, literal)))
    }

    /// `[tool.poetry.dependencies]` (without `python`) and `[tool.poetry.extras]`.
    pub(crate) fn read_main(
        &self,
        warnings: &mut Vec<InputWarning>,
    ) -> Result<MainDependencies, ProjectError> {
        let mut dependencies = Vec::new();
        let mut optional: Vec<(PackageName, Vec<Dependency>, Span)> = Vec::new();
        if let Some(e) = find(self.table, "dependencies") {
            let table = expect_table(
                &self.file,
                e.item,
                e.key_span,
                "a table (`[tool.poetry.dependencies]`)",
            )?;
            for entry in entries(table) {
                if entry.key == "python" {
                    continue;
                }
                let (deps, is_optional, name) = self.read_entry(&entry, &Scope::Production)?;
                if is_optional {
                    optional.push((name, deps, entry.whole_span));
                } else {
                    dependencies.extend(deps);
                }
            }
        }
        let mut extras: BTreeMap<ExtraName, Vec<Dependency>> = BTreeMap::new();
        let mut used = vec![false; optional.len()];
        if let Some(e) = find(self.table, "extras") {
            let table = expect_table(
                &self.file,
                e.item,
                e.key_span,
                "a table (`[tool.poetry.extras]`)",
            )?;
            for extra in entries(table) {
                let extra_name = ExtraName::from_str(extra.key).map_err(|err| {
                    InputError::new(
                        &self.file,
                        extra.key_span,
                        format!("invalid extra name `{}`: {err}", extra.key),
                    )
                })?;
                let list = expect_array(
                    &self.file,
                    extra.item,
                    extra.key_span,
                    "an array of package names",
                )?;
                let members = extras.entry(extra_name.clone()).or_default();
                for value in list {
                    let Some(text) = value.as_str() else {
                        return Err(value_type_error(
                            &self.file,
                            value,
                            "a string (a package name)",
                        )
                        .into());
                    };
                    let at = span(value.span());
                    // Poetry allows `name[extra]` here; only the name selects the dependency.
                    let bare = text.split('[').next().unwrap_or(text).trim();
                    let name = PackageName::from_str(bare).map_err(|err| {
                        InputError::new(
                            &self.file,
                            at,
                            format!("invalid package name `{text}`: {err}"),
                        )
                    })?;
                    if let Some(i) = optional.iter().position(|(n, _, _)| *n == name) {
                        used[i] = true;
                        members.extend(optional[i].1.iter().cloned().map(|mut d| {
                            d.scope = Scope::Extra(extra_name.clone());
                            d
                        }));
                    } else if let Some(d) = dependencies.iter().find(|d| d.requirement.name == name)
                    {
                        let mut d = d.clone();
                        d.scope = Scope::Extra(extra_name.clone());
                        members.push(d);
                    } else {
                        return Err(InputError::new(
                            &self.file,
                            at,
                            format!(
                                "extra `{}` lists `{text}`, which is not in `[tool.poetry.dependencies]`",
                                extra.key
                            ),
                        )
                        .with_hint(format!("add `{bare} = {{ version = \"...\", optional = true }}` to `[tool.poetry.dependencies]`"))
                        .into());
                    }
                }
            }
        }
        for ((name, _, at), used) in optional.iter().zip(used) {
            if !used {
                warnings.push(InputWarning {
                    file: Arc::clone(&self.file),
                    span: *at,
                    message: format!(
                        "`{name}` is optional but no extra in `[tool.poetry.extras]` lists it; it is ignored"
                    ),
                });
            }
        }
        Ok(MainDependencies {
            dependencies,
            extras,
        })
    }

    /// `[tool.poetry.group.<g>.dependencies]` and `[tool.poetry.dev-dependencies]` (as `dev`).
    pub(crate) fn read_groups(&self) -> Result<BTreeMap<GroupName, Vec<Dependency>>, ProjectError> {
        let mut out: BTreeMap<GroupName, Vec<Dependency>> = BTreeMap::new();
        if let Some(e) = find(self.table, "group") {
            let groups = expect_table(
                &self.file,
                e.item,
                e.key_span,
                "a table (`[tool.poetry.group.<name>]`)",
            )?;
            for group in entries(groups) {
                let name = GroupName::new(group.key);
                let gt = expect_table(
                    &self.file,
                    group.item,
                    group.key_span,
                    "a table (`[tool.poetry.group.<name>]`)",
                )?;
                let deps = match find(gt, "dependencies") {
                    Some(d) => self.read_dependency_table(&d, &Scope::Group(name.clone()))?,
                    None => Vec::new(),
                };
                out.entry(name).or_default().extend(deps);
            }
        }
        if let Some(e) = find(self.table, "dev-dependencies") {
            let name = GroupName::new("dev");
            let deps = self.read_dependency_table(&e, &Scope::Group(name.clone()))?;
            out.entry(name).or_default().extend(deps);
        }
        Ok(out)
    }

    fn read_dependency_table(
        &self,
        e: &Entry<'_>,
        scope: &Scope,
    ) -> Result<Vec<Dependency>, ProjectError> {
        let table = expect_table(&self.file, e.item, e.key_span, "a table of dependencies")?;
        let mut out = Vec::new();
        for entry in entries(table) {
            if entry.key == "python" {
                continue;
            }
            // `optional` has no meaning inside a group: the group itself is the choice.
            let (deps, _, _) = self.read_entry(&entry, scope)?;
            out.extend(deps);
        }
        Ok(out)
    }

    /// One `name = constraint` entry: its dependencies (several for a list of
    /// constraints), whether it is `optional`, its name.
    fn read_entry(
        &self,
        entry: &Entry<'_>,
        scope: &Scope,
    ) -> Result<(Vec<Dependency>, bool, PackageName), ProjectError> {
        let name = PackageName::from_str(entry.key).map_err(|err| {
            InputError::new(
                &self.file,
                entry.key_span,
                format!("invalid package name `{}`: {err}", entry.key),
            )
        })?;
        let source = Source {
            name: name.clone(),
            key: entry.key,
            key_span: entry.key_span,
        };
        match entry.item {
            Item::Value(Value::String(_)) => {
                let (text, literal) =
                    expect_str(&self.file, entry.item, entry.key_span, "a string")?;
                let dep =
                    self.constraint_dependency(&source, text, literal, entry.whole_span, scope)?;
                Ok((vec![dep], false, name))
            }
            Item::Value(Value::Array(array)) => {
                let mut deps = Vec::new();
                let mut any_optional = false;
                for value in array {
                    let Some(t) = value.as_inline_table() else {
                        return Err(value_type_error(
                            &self.file,
                            value,
                            "an inline table (`{ version = \"...\", python = \"...\" }`)",
                        )
                        .into());
                    };
                    let (dep, optional) =
                        self.table_dependency(&source, t, span(value.span()), scope)?;
                    any_optional |= optional;
                    deps.push(dep);
                }
                Ok((deps, any_optional, name))
            }
            Item::ArrayOfTables(array) => {
                let mut deps = Vec::new();
                let mut any_optional = false;
                for t in array {
                    let at = t
                        .span()
                        .map_or(entry.key_span, |r| Span::new(r.start, r.end));
                    let (dep, optional) = self.table_dependency(&source, t, at, scope)?;
                    any_optional |= optional;
                    deps.push(dep);
                }
                Ok((deps, any_optional, name))
            }
            item => {
                let Some(t) = item.as_table_like() else {
                    return Err(InputError::new(
                        &self.file,
                        item_span(item, entry.key_span),
                        format!(
                            "expected a string (a Poetry constraint) or a table, found {}",
                            super::toml_input::type_name(item)
                        ),
                    )
                    .into());
                };
                let (dep, optional) = self.table_dependency(&source, t, entry.whole_span, scope)?;
                Ok((vec![dep], optional, name))
            }
        }
    }

    fn constraint_dependency(
        &self,
        source: &Source<'_>,
        text: &str,
        literal: Span,
        at: Span,
        scope: &Scope,
    ) -> Result<Dependency, InputError> {
        let specifiers = poetry::translate_specifiers(text)
            .map_err(|e| constraint_error(&self.file, literal, text, e, source.key))?;
        Ok(self.dependency(
            source,
            specifiers,
            Vec::new(),
            MarkerTree::TRUE,
            text,
            Some(literal),
            at,
            scope,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn dependency(
        &self,
        source: &Source<'_>,
        specifiers: VersionSpecifiers,
        extras: Vec<ExtraName>,
        marker: MarkerTree,
        written: &str,
        specifier_span: Option<Span>,
        at: Span,
        scope: &Scope,
    ) -> Dependency {
        let version_or_url = if specifiers.is_empty() {
            None
        } else {
            Some(VersionOrUrl::VersionSpecifier(specifiers))
        };
        Dependency {
            requirement: Requirement {
                name: source.name.clone(),
                extras,
                version_or_url,
                marker,
                origin: None,
            },
            written: Written::Poetry(written.to_string()),
            file: Arc::clone(&self.file),
            span: at,
            specifier_span,
            scope: scope.clone(),
            hashes: Vec::new(),
        }
    }

    /// `{ version, extras, markers, python, platform, optional, allow-prereleases, source }`.
    fn table_dependency(
        &self,
        source: &Source<'_>,
        table: &dyn TableLike,
        at: Span,
        scope: &Scope,
    ) -> Result<(Dependency, bool), ProjectError> {
        let file = &self.file;
        for kind in ["git", "path", "url", "file", "develop"] {
            if let Some(e) = find(table, kind) {
                let what = match kind {
                    "git" => "a git",
                    "url" | "file" => "a URL",
                    _ => "a path",
                };
                return Err(ProjectError::Unsupported(
                    InputError::new(
                        file,
                        e.whole_span,
                        format!(
                            "`{}` is {what} dependency; pinctl does not support git, path or URL dependencies yet",
                            source.key
                        ),
                    )
                    .with_hint(format!(
                        "publish `{}` to an index and depend on a version, e.g. `{} = \"^1.0\"`",
                        source.key, source.key
                    )),
                ));
            }
        }
        let mut specifiers = VersionSpecifiers::empty();
        let mut written = String::new();
        let mut specifier_span = None;
        let mut extras = Vec::new();
        let mut marker = MarkerTree::TRUE;
        let mut optional = false;
        for e in entries(table) {
            match e.key {
                "version" => {
                    let (text, literal) =
                        expect_str(file, e.item, e.key_span, "a string (a Poetry constraint)")?;
                    specifiers = poetry::translate_specifiers(text)
                        .map_err(|err| constraint_error(file, literal, text, err, source.key))?;
                    written = text.to_string();
                    specifier_span = Some(literal);
                }
                "extras" => {
                    let array = expect_array(file, e.item, e.key_span, "an array of extra names")?;
                    for value in array {
                        let Some(text) = value.as_str() else {
                            return Err(
                                value_type_error(file, value, "a string (an extra name)").into()
                            );
                        };
                        extras.push(ExtraName::from_str(text).map_err(|err| {
                            InputError::new(
                                file,
                                span(value.span()),
                                format!("invalid extra name `{text}`: {err}"),
                            )
                        })?);
                    }
                }
                "markers" => {
                    let (text, literal) =
                        expect_str(file, e.item, e.key_span, "a string (an environment marker)")?;
                    let m = MarkerTree::from_str(text).map_err(|err| {
                        let at = string_content_offset(file, literal)
                            .filter(|_| err.start + err.len <= text.len())
                            .map_or(literal, |o| {
                                Span::new(
                                    o + err.start,
                                    o + (err.start + err.len).max(err.start + 1),
                                )
                            });
                        InputError::new(
                            file,
                            at,
                            format!("invalid marker `{text}`: {}", err.message),
                        )
                    })?;
                    marker.and(m);
                }
                "python" => {
                    let (text, literal) = expect_str(
                        file,
                        e.item,
                        e.key_span,
                        "a string (a Poetry constraint on the Python version)",
                    )?;
                    let m = poetry::python_marker(text)
                        .map_err(|err| constraint_error(file, literal, text, err, "python"))?;
                    marker.and(m);
                }
                "platform" => {
                    let (text, literal) = expect_str(
                        file,
                        e.item,
                        e.key_span,
                        "a string (a `sys_platform` value)",
                    )?;
                    let m = MarkerTree::from_str(&format!("sys_platform == '{text}'")).map_err(
                        |err| {
                            InputError::new(
                                file,
                                literal,
                                format!("invalid platform `{text}`: {}", err.message),
                            )
                        },
                    )?;
                    marker.and(m);
                }
                "optional" => {
                    optional = e.item.as_bool().ok_or_else(|| {
                        super::toml_input::type_error(
                            file,
                            item_span(e.item, e.key_span),
                            "a boolean",
                            e.item,
                        )
                    })?;
                }
                // Index choice and pre-release policy do not change the requirement.
                "allow-prereleases" | "allows-prereleases" | "source" => {}
                other => {
                    return Err(InputError::new(
                        file,
                        e.key_span,
                        format!("unknown key `{other}` in the Poetry dependency `{}`", source.key),
                    )
                    .with_hint(
                        "known keys: `version`, `extras`, `markers`, `python`, `platform`, `optional`, \
                         `allow-prereleases`, `source`",
                    )
                    .into());
                }
            }
        }
        let _ = source.key_span;
        Ok((
            self.dependency(
                source,
                specifiers,
                extras,
                marker,
                &written,
                specifier_span,
                at,
                scope,
            ),
            optional,
        ))
    }
}

/// A Poetry constraint error at its place inside the string literal.
fn constraint_error(
    file: &Arc<SourceFile>,
    literal: Span,
    text: &str,
    err: PoetryConstraintError,
    key: &str,
) -> InputError {
    let at = match string_content_offset(file, literal) {
        Some(offset) if err.range.end <= text.len() && err.range.start < err.range.end => {
            Span::new(err.range.start, err.range.end).offset(offset)
        }
        _ => literal,
    };
    let mut error = InputError::new(
        file,
        at,
        format!("invalid Poetry constraint for `{key}`: {}", err.message),
    );
    if let Some(hint) = err.hint {
        error = error.with_hint(hint);
    }
    error
}
