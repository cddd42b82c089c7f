//! Reading pyproject.toml: decides the layout (PEP 621 or Poetry), reads `[project]`
//! and `[dependency-groups]` itself and hands `[tool.poetry]` to
//! [`poetry_reader`](super::poetry_reader). Parses with toml_edit so every value keeps
//! its span; never writes the file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use pep440_rs::VersionSpecifiers;
use pep508_rs::ExtraName;
use toml_edit::TableLike;

use super::pep508::pep508_dependency;
use super::toml_input::{
    Entry, entries, expect_array, expect_str, expect_table, find, package_name, span_in_string,
};
use super::{
    Dependency, InputWarning, Layout, Project, ProjectError, Scope, dependency_groups,
    poetry_reader,
};
use crate::source::{InputError, SourceFile, Span};

/// Parses a pyproject.toml from its text; `file.path` is used in messages and its parent
/// becomes [`Project::root`].
pub fn parse_pyproject(file: Arc<SourceFile>) -> Result<Project, ProjectError> {
    let doc = toml_edit::Document::parse(file.text.as_str()).map_err(|e| {
        let at = e
            .span()
            .map_or_else(|| Span::new(0, 0), |r| Span::new(r.start, r.end));
        InputError::new(
            &file,
            at,
            format!("invalid TOML: {}", e.message().trim_end()),
        )
    })?;
    let root = doc.as_table();
    let mut warnings = Vec::new();

    let project_entry = find(root, "project");
    let project_table = match &project_entry {
        Some(e) => Some(expect_table(
            &file,
            e.item,
            e.key_span,
            "a table (`[project]`)",
        )?),
        None => None,
    };
    check_tool_pinctl(&file, root)?;
    let poetry = poetry_reader::find_poetry(&file, root)?;

    // Which table the production dependencies come from.
    let pep621_deps = project_table.and_then(|t| find(t, "dependencies"));
    let poetry_main = poetry
        .as_ref()
        .and_then(poetry_reader::PoetryTables::main_dependencies);
    let poetry_has_deps = poetry_main
        .as_ref()
        .is_some_and(|(table, _)| table.iter().any(|(k, _)| k != "python"));
    let use_poetry_main = poetry_has_deps && pep621_deps.is_none();
    if poetry_has_deps
        && pep621_deps.is_some()
        && let Some((_, header)) = &poetry_main
    {
        warnings.push(InputWarning {
            file: Arc::clone(&file),
            span: *header,
            message: "`[tool.poetry.dependencies]` is ignored: `[project] dependencies` is set \
                      and takes precedence"
                .to_string(),
        });
    }
    let layout = if use_poetry_main || (project_table.is_none() && poetry.is_some()) {
        Layout::Poetry
    } else {
        Layout::Pep621
    };

    let mut name = None;
    let mut requires_python = None;
    let mut requires_python_span = None;
    let mut dependencies = Vec::new();
    let mut extras = BTreeMap::new();

    if let Some(table) = project_table {
        if let Some(e) = find(table, "name") {
            name = Some(package_name(&file, &e)?);
        }
        if let Some(e) = find(table, "requires-python") {
            let (text, literal) =
                expect_str(&file, e.item, e.key_span, "a string (PEP 440 specifiers)")?;
            let specifiers = parse_requires_python(&file, text, literal)?;
            requires_python = Some(specifiers);
            requires_python_span = Some(literal);
        }
        if let Some(e) = &pep621_deps {
            dependencies = pep508_array(&file, e, &Scope::Production)?;
        }
        if let Some(e) = find(table, "optional-dependencies") {
            let t = expect_table(
                &file,
                e.item,
                e.key_span,
                "a table of extras (`[project.optional-dependencies]`)",
            )?;
            for extra in entries(t) {
                let extra_name = ExtraName::from_str(extra.key).map_err(|err| {
                    InputError::new(
                        &file,
                        extra.key_span,
                        format!("invalid extra name `{}`: {err}", extra.key),
                    )
                })?;
                let deps = pep508_array(&file, &extra, &Scope::Extra(extra_name.clone()))?;
                extras
                    .entry(extra_name)
                    .or_insert_with(Vec::new)
                    .extend(deps);
            }
        }
    }

    let mut groups = match find(root, "dependency-groups") {
        Some(e) => dependency_groups::read(&file, &e)?,
        None => BTreeMap::new(),
    };

    if let Some(poetry) = &poetry {
        if name.is_none() {
            name = poetry.name()?;
        }
        if requires_python.is_none()
            && let Some((specifiers, at)) = poetry.python()?
        {
            requires_python = Some(specifiers);
            requires_python_span = Some(at);
        }
        if use_poetry_main {
            let main = poetry.read_main(&mut warnings)?;
            dependencies = main.dependencies;
            for (extra, deps) in main.extras {
                extras.entry(extra).or_insert_with(Vec::new).extend(deps);
            }
        }
        for (group, deps) in poetry.read_groups()? {
            groups.entry(group).or_insert_with(Vec::new).extend(deps);
        }
    }

    let root_dir = file
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), std::path::Path::to_path_buf);
    Ok(Project {
        root: root_dir,
        file,
        layout,
        name,
        requires_python,
        requires_python_span,
        dependencies,
        extras,
        groups,
        warnings,
    })
}

/// `requires-python`, with errors at the failing specifier and a hint for Poetry syntax.
fn parse_requires_python(
    file: &Arc<SourceFile>,
    text: &str,
    literal: Span,
) -> Result<VersionSpecifiers, InputError> {
    let error = |range: std::ops::Range<usize>, why: String| {
        let mut error = InputError::new(
            file,
            span_in_string(file, literal, text, range),
            format!("invalid `requires-python` `{text}`: {why}"),
        );
        let poetry_like = text.contains('^')
            || text
                .char_indices()
                .any(|(i, c)| c == '~' && !text[i + 1..].starts_with('='));
        error = match super::poetry::translate_constraint(text) {
            Ok(pep440) if poetry_like && !pep440.is_empty() => error.with_hint(format!(
                "`{}` is Poetry syntax; PEP 440 spells it `{}`",
                text.trim(),
                pep440.replace(", ", ",")
            )),
            _ => error.with_hint("write PEP 440 specifiers, e.g. `>=3.10`"),
        };
        error
    };
    let whole_error = match VersionSpecifiers::from_str(text) {
        Ok(specifiers) => return Ok(specifiers),
        Err(err) => err,
    };
    // Find the failing clause, so the error points at it with a one-line reason.
    let mut offset = 0;
    for part in text.split(',') {
        let start = offset + (part.len() - part.trim_start().len());
        let range = start..start + part.trim().len();
        offset += part.len() + 1;
        if part.trim().is_empty() {
            if text.trim().is_empty() {
                break;
            }
            return Err(error(
                range.start..range.start + 1,
                "empty clause between commas".to_string(),
            ));
        }
        if let Err(err) = pep440_rs::VersionSpecifier::from_str(part.trim()) {
            return Err(error(range, err.to_string()));
        }
    }
    let first_line = whole_error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    Err(error(0..text.len(), first_line))
}

/// Checks that `[tool]` and `[tool.pinctl]` are tables; the keys are read, with their
/// positions, by [`super::tool_pinctl::read`] when a command needs its settings.
fn check_tool_pinctl(file: &Arc<SourceFile>, root: &dyn TableLike) -> Result<(), InputError> {
    let Some(tool) = find(root, "tool") else {
        return Ok(());
    };
    let tool_table = expect_table(file, tool.item, tool.key_span, "a table (`[tool]`)")?;
    if let Some(pinctl) = find(tool_table, "pinctl") {
        expect_table(
            file,
            pinctl.item,
            pinctl.key_span,
            "a table (`[tool.pinctl]`)",
        )?;
    }
    Ok(())
}

/// An array of PEP 508 strings (`dependencies`, an extra).
fn pep508_array(
    file: &Arc<SourceFile>,
    e: &Entry<'_>,
    scope: &Scope,
) -> Result<Vec<Dependency>, InputError> {
    let array = expect_array(
        file,
        e.item,
        e.key_span,
        "an array of strings (PEP 508 requirements)",
    )?;
    array
        .iter()
        .map(|value| pep508_dependency(file, value, scope.clone()))
        .collect()
}
