//! The canonical TOML text of a [`Lock`]: fixed key order (the order of PEP 751's
//! specification), sorted packages and files, one file per line. Same lock, same bytes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use pep508_rs::MarkerTree;

use super::{Lock, LockedFile, LockedPackage};
use crate::project::{GroupName, Scope};

/// A TOML string literal (toml_edit's encoding: escapes what must be escaped).
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_quoted(&mut out, s);
    out
}

/// Appends `s` as a TOML string literal. Names, versions, URLs and hashes need no
/// escaping and are written as they are (a lock writes thousands of them); anything else
/// takes toml_edit's encoding.
fn push_quoted(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        let _ = write!(out, "{}", toml_edit::Value::from(s));
    }
}

/// A TOML key: bare when it can be, quoted otherwise.
pub(crate) fn key(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        s.to_owned()
    } else {
        quote(s)
    }
}

/// `["a", "b"]`
fn inline_list<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    let quoted: Vec<String> = items.into_iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

/// A multi-line array: one element per line, trailing comma; `[]` when empty.
fn block_list(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".to_owned();
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "    {item},");
    }
    out.push(']');
    out
}

/// Appends a file's inline table.
fn push_file_table(out: &mut String, file: &LockedFile) {
    out.push_str("{ name = ");
    push_quoted(out, &file.name);
    out.push_str(", url = ");
    push_quoted(out, &file.url);
    if let Some(size) = file.size {
        let _ = write!(out, ", size = {size}");
    }
    if let Some(time) = file
        .upload_time
        .as_deref()
        .and_then(|t| toml_edit::Datetime::from_str(t).ok())
    {
        let _ = write!(out, ", upload-time = {time}");
    }
    out.push_str(", hashes = { sha256 = ");
    push_quoted(out, &file.sha256);
    out.push_str(" } }");
}

/// `true`, or the marker's canonical text.
fn condition(marker: &MarkerTree) -> String {
    marker
        .try_to_string()
        .map_or_else(|| "true".to_owned(), |m| quote(&m))
}

fn render_package(out: &mut String, package: &LockedPackage, tool: bool) {
    out.push_str("[[packages]]\n");
    let _ = writeln!(out, "name = {}", quote(package.name.as_ref()));
    let _ = writeln!(out, "version = {}", quote(&package.version.to_string()));
    if let Some(marker) = package.marker() {
        let _ = writeln!(out, "marker = {}", quote(&marker));
    }
    if let Some(requires) = &package.requires_python {
        let _ = writeln!(out, "requires-python = {}", quote(&requires.to_string()));
    }
    if !package.dependencies.is_empty() {
        out.push_str("dependencies = [\n");
        for d in &package.dependencies {
            out.push_str("    { name = ");
            push_quoted(out, d.name.as_ref());
            out.push_str(", version = ");
            push_quoted(out, &d.version.to_string());
            out.push_str(" },\n");
        }
        out.push_str("]\n");
    }
    if let Some(index) = &package.index {
        let _ = writeln!(out, "index = {}", quote(index));
    }
    if let Some(sdist) = &package.sdist {
        out.push_str("sdist = ");
        push_file_table(out, sdist);
        out.push('\n');
    }
    if !package.wheels.is_empty() {
        out.push_str("wheels = [\n");
        for wheel in &package.wheels {
            out.push_str("    ");
            push_file_table(out, wheel);
            out.push_str(",\n");
        }
        out.push_str("]\n");
    }
    if !tool {
        out.push('\n');
        return;
    }
    out.push_str("\n[packages.tool.pinctl]\n");
    let mut groups = Vec::new();
    let mut extras = Vec::new();
    for (scope, marker) in &package.needed_by {
        match scope {
            Scope::Production => {
                let _ = writeln!(out, "prod = {}", condition(marker));
            }
            Scope::Group(g) => groups.push(format!("{} = {}", key(g.as_str()), condition(marker))),
            Scope::Extra(e) => extras.push(format!("{} = {}", key(e.as_ref()), condition(marker))),
        }
    }
    if !groups.is_empty() {
        let _ = writeln!(out, "groups = {{ {} }}", groups.join(", "));
    }
    if !extras.is_empty() {
        let _ = writeln!(out, "extras = {{ {} }}", extras.join(", "));
    }
    out.push('\n');
}

fn render_requirements(out: &mut String, key: &str, reqs: &[String]) {
    let quoted: Vec<String> = reqs.iter().map(|r| quote(r)).collect();
    let _ = writeln!(out, "{key} = {}", block_list(&quoted));
}

impl Lock {
    /// The canonical pylock.toml text.
    pub fn to_toml(&self) -> String {
        self.render(true)
    }

    /// The text of a single-use lock: like [`Lock::to_toml`] without pinctl's tool tables
    /// (an export is not a lock pinctl re-reads).
    pub fn to_toml_single_use(&self) -> String {
        let mut text = self.render(false);
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    }

    fn render(&self, tool_tables: bool) -> String {
        let files: usize = self
            .packages
            .iter()
            .map(|p| p.wheels.len() + usize::from(p.sdist.is_some()))
            .sum();
        let mut out = String::with_capacity(4096 + 512 * self.packages.len() + 400 * files);
        let _ = writeln!(out, "lock-version = {}", quote(super::LOCK_VERSION));
        if let Some(requires) = &self.requires_python {
            let _ = writeln!(out, "requires-python = {}", quote(&requires.to_string()));
        }
        let _ = writeln!(
            out,
            "extras = {}",
            inline_list(self.extras.iter().map(AsRef::<str>::as_ref))
        );
        let _ = writeln!(
            out,
            "dependency-groups = {}",
            inline_list(self.groups.iter().map(GroupName::as_str))
        );
        let _ = writeln!(out, "created-by = {}", quote(&self.created_by));
        if self.packages.is_empty() {
            // PEP 751 requires the key; an array of tables with no entry has no text.
            out.push_str("packages = []\n");
        }
        out.push('\n');
        for package in &self.packages {
            render_package(&mut out, package, tool_tables);
        }
        if !tool_tables {
            return out;
        }
        let tool = &self.tool;
        out.push_str("[tool.pinctl]\n");
        let _ = writeln!(out, "fingerprint = {}", quote(&tool.fingerprint));
        let digest_at = out.len();
        let _ = writeln!(out, "index-url = {}", quote(&tool.index_url));
        if !tool.options.is_empty() {
            let options: Vec<String> = tool
                .options
                .iter()
                .map(|(k, v)| format!("{} = {}", key(k), quote(v)))
                .collect();
            let _ = writeln!(out, "options = {{ {} }}", options.join(", "));
        }
        let empty = Vec::new();
        render_requirements(
            &mut out,
            "dependencies",
            tool.requirements.get(&Scope::Production).unwrap_or(&empty),
        );
        let mut groups = BTreeMap::new();
        let mut extras = BTreeMap::new();
        for (scope, reqs) in &tool.requirements {
            match scope {
                Scope::Production => {}
                Scope::Group(g) => {
                    groups.insert(g.as_str(), reqs);
                }
                Scope::Extra(e) => {
                    extras.insert(e.as_ref(), reqs);
                }
            }
        }
        for (title, table) in [
            ("dependency-groups", groups),
            ("optional-dependencies", extras),
        ] {
            if table.is_empty() {
                continue;
            }
            let _ = write!(out, "\n[tool.pinctl.{title}]\n");
            for (name, reqs) in table {
                render_requirements(&mut out, &key(name), reqs);
            }
        }
        // Over the finished text, so that reading it back gives the same digest.
        super::digest::insert_digest(&mut out, digest_at);
        out
    }
}
