//! Reading pylock.toml back into a [`Lock`]. Every problem is an
//! [`InputError`](crate::source::InputError) pointing at the offending spot.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use pep440_rs::{Version, VersionSpecifiers};
use pep508_rs::{ExtraName, MarkerTree, PackageName};
use toml_edit::{Item, TableLike};

use super::digest::{Integrity, KEY, content_digest};
use super::{Lock, LockError, LockTool, LockedDependency, LockedFile, LockedPackage};
use crate::project::{GroupName, Scope};
use crate::source::{InputError, SourceFile, Span};

const RELOCK: &str = "run `pinctl lock` to write a fresh pylock.toml";

/// A table (standard or inline) with the span of the item that holds it.
type Located<'a> = (&'a dyn TableLike, Option<Span>);

fn sp(range: Option<Range<usize>>) -> Option<Span> {
    range.map(|r| Span::new(r.start, r.end))
}

struct Reader {
    file: Arc<SourceFile>,
}

impl Reader {
    fn error(&self, span: Option<Span>, message: impl Into<String>) -> InputError {
        InputError::new(&self.file, span.unwrap_or_default(), message).with_hint(RELOCK)
    }

    fn str<'a>(
        &self,
        table: Located<'a>,
        key: &str,
        required: bool,
    ) -> Result<Option<(&'a str, Option<Span>)>, InputError> {
        match table.0.get(key) {
            None if required => Err(self.error(table.1, format!("missing key `{key}`"))),
            None => Ok(None),
            Some(item) => item
                .as_str()
                .map(|s| Some((s, sp(item.span()))))
                .ok_or_else(|| self.error(sp(item.span()), format!("`{key}` must be a string"))),
        }
    }

    fn parsed<T: FromStr>(
        &self,
        table: Located<'_>,
        key: &str,
        required: bool,
    ) -> Result<Option<T>, InputError>
    where
        T::Err: std::fmt::Display,
    {
        let Some((text, span)) = self.str(table, key, required)? else {
            return Ok(None);
        };
        T::from_str(text)
            .map(Some)
            .map_err(|e| self.error(span, format!("invalid `{key}` `{text}`: {e}")))
    }

    fn required<T: FromStr>(&self, table: Located<'_>, key: &str) -> Result<T, InputError>
    where
        T::Err: std::fmt::Display,
    {
        self.parsed(table, key, true)?
            .ok_or_else(|| self.error(table.1, format!("missing key `{key}`")))
    }

    fn strings(&self, item: &Item, key: &str) -> Result<Vec<(String, Option<Span>)>, InputError> {
        let array = item.as_array().ok_or_else(|| {
            self.error(
                sp(item.span()),
                format!("`{key}` must be an array of strings"),
            )
        })?;
        array
            .iter()
            .map(|v| {
                v.as_str()
                    .map(|s| (s.to_owned(), sp(v.span())))
                    .ok_or_else(|| {
                        self.error(sp(v.span()), format!("`{key}` must hold only strings"))
                    })
            })
            .collect()
    }

    /// An array of tables, inline (`[{..}]`) or standard (`[[..]]`).
    fn tables<'a>(&self, item: &'a Item, key: &str) -> Result<Vec<Located<'a>>, InputError> {
        if let Some(array) = item.as_array_of_tables() {
            return Ok(array
                .iter()
                .map(|t| (t as &dyn TableLike, sp(t.span())))
                .collect());
        }
        let array = item.as_array().ok_or_else(|| {
            self.error(
                sp(item.span()),
                format!("`{key}` must be an array of tables"),
            )
        })?;
        array
            .iter()
            .map(|v| {
                v.as_inline_table()
                    .map(|t| (t as &dyn TableLike, sp(v.span())))
                    .ok_or_else(|| {
                        self.error(sp(v.span()), format!("`{key}` must hold only tables"))
                    })
            })
            .collect()
    }

    fn table<'a>(&self, parent: Located<'a>, key: &str) -> Result<Option<Located<'a>>, InputError> {
        match parent.0.get(key) {
            None => Ok(None),
            Some(item) => item
                .as_table_like()
                .map(|t| Some((t, sp(item.span()))))
                .ok_or_else(|| self.error(sp(item.span()), format!("`{key}` must be a table"))),
        }
    }

    fn file(&self, table: Located<'_>) -> Result<LockedFile, InputError> {
        let (url, _) = self.str(table, "url", false)?.ok_or_else(|| {
            self.error(
                table.1,
                "file entry without `url`: pinctl locks only files from an index",
            )
        })?;
        let name = match self.str(table, "name", false)? {
            Some((name, _)) => name.to_owned(),
            None => url.rsplit('/').next().unwrap_or(url).to_owned(),
        };
        let size = match table.0.get("size") {
            None => None,
            Some(item) => Some(
                item.as_integer()
                    .and_then(|i| u64::try_from(i).ok())
                    .ok_or_else(|| {
                        self.error(sp(item.span()), "`size` must be a non-negative integer")
                    })?,
            ),
        };
        let upload_time = match table.0.get("upload-time") {
            None => None,
            Some(item) => Some(
                item.as_datetime()
                    .map(ToString::to_string)
                    .or_else(|| item.as_str().map(ToOwned::to_owned))
                    .ok_or_else(|| {
                        self.error(sp(item.span()), "`upload-time` must be a datetime")
                    })?,
            ),
        };
        let hashes = self
            .table(table, "hashes")?
            .ok_or_else(|| self.error(table.1, format!("file `{name}` has no `hashes`")))?;
        let (sha256, span) = self
            .str(hashes, "sha256", false)?
            .ok_or_else(|| self.error(hashes.1, format!("file `{name}` has no sha256 hash")))?;
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error(span, format!("`{sha256}` is not a sha256 hex digest")));
        }
        Ok(LockedFile {
            name,
            url: url.to_owned(),
            size,
            upload_time,
            sha256: sha256.to_ascii_lowercase(),
        })
    }

    fn condition(&self, item: &Item) -> Result<MarkerTree, InputError> {
        if item.as_bool() == Some(true) {
            return Ok(MarkerTree::TRUE);
        }
        let text = item.as_str().ok_or_else(|| {
            self.error(
                sp(item.span()),
                "a scope condition must be `true` or a marker string",
            )
        })?;
        MarkerTree::from_str(text)
            .map_err(|e| self.error(sp(item.span()), format!("invalid marker `{text}`: {e}")))
    }

    fn needed_by(
        &self,
        package: Located<'_>,
        name: &PackageName,
    ) -> Result<BTreeMap<Scope, MarkerTree>, InputError> {
        let mut needed = BTreeMap::new();
        let tool = match self.table(package, "tool")? {
            Some(tool) => self.table(tool, "pinctl")?,
            None => None,
        };
        let Some(tool) = tool else {
            // Not written by pinctl: the marker must then be a plain environment marker.
            let marker = match self.str(package, "marker", false)? {
                None => MarkerTree::TRUE,
                Some((text, span)) => MarkerTree::from_str(text).map_err(|_| {
                    self.error(
                        span,
                        format!("package `{name}` has a marker pinctl cannot read without `[packages.tool.pinctl]`"),
                    )
                })?,
            };
            needed.insert(Scope::Production, marker);
            return Ok(needed);
        };
        if let Some(item) = tool.0.get("prod") {
            needed.insert(Scope::Production, self.condition(item)?);
        }
        if let Some(groups) = self.table(tool, "groups")? {
            for (key, item) in groups.0.iter() {
                needed.insert(Scope::Group(GroupName::new(key)), self.condition(item)?);
            }
        }
        if let Some(extras) = self.table(tool, "extras")? {
            for (key, item) in extras.0.iter() {
                let extra = ExtraName::from_str(key).map_err(|e| {
                    self.error(sp(item.span()), format!("invalid extra `{key}`: {e}"))
                })?;
                needed.insert(Scope::Extra(extra), self.condition(item)?);
            }
        }
        Ok(needed)
    }

    fn package(&self, table: Located<'_>) -> Result<LockedPackage, InputError> {
        let name: PackageName = self.required(table, "name")?;
        let version: Version = self
            .parsed(table, "version", false)?
            .ok_or_else(|| self.error(table.1, format!("package `{name}` has no `version`")))?;
        let mut dependencies = Vec::new();
        if let Some(item) = table.0.get("dependencies") {
            for dep in self.tables(item, "dependencies")? {
                let dep_name: PackageName = self.required(dep, "name")?;
                // `version` is optional in PEP 751 (informational); pinctl always writes it.
                if let Some(dep_version) = self.parsed::<Version>(dep, "version", false)? {
                    dependencies.push(LockedDependency {
                        name: dep_name,
                        version: dep_version,
                    });
                }
            }
        }
        let sdist = match self.table(table, "sdist")? {
            Some(sdist) => Some(self.file(sdist)?),
            None => None,
        };
        let mut wheels = Vec::new();
        if let Some(item) = table.0.get("wheels") {
            for wheel in self.tables(item, "wheels")? {
                wheels.push(self.file(wheel)?);
            }
        }
        if sdist.is_none() && wheels.is_empty() {
            return Err(self.error(
                table.1,
                format!("package `{name}` {version} has neither `sdist` nor `wheels`"),
            ));
        }
        Ok(LockedPackage {
            needed_by: self.needed_by(table, &name)?,
            requires_python: self.parsed::<VersionSpecifiers>(table, "requires-python", false)?,
            index: self.str(table, "index", false)?.map(|(s, _)| s.to_owned()),
            name,
            version,
            sdist,
            wheels,
            dependencies,
        })
    }

    /// `[tool.pinctl] content-digest`, if recorded.
    fn content_digest(&self, root: Located<'_>) -> Result<Option<String>, InputError> {
        let tool = match self.table(root, "tool")? {
            Some(tool) => self.table(tool, "pinctl")?,
            None => None,
        };
        match tool {
            Some(tool) => Ok(self.str(tool, KEY, false)?.map(|(s, _)| s.to_owned())),
            None => Ok(None),
        }
    }

    fn tool(&self, root: Located<'_>) -> Result<LockTool, InputError> {
        let tool = match self.table(root, "tool")? {
            Some(tool) => self.table(tool, "pinctl")?,
            None => None,
        };
        let Some(tool) = tool else {
            return Err(self.error(
                None,
                "pylock.toml has no `[tool.pinctl]` table: it was not written by pinctl, or it was cut short",
            ));
        };
        let mut requirements = BTreeMap::new();
        let prod = match tool.0.get("dependencies") {
            Some(item) => self.strings(item, "dependencies")?,
            None => Vec::new(),
        };
        requirements.insert(
            Scope::Production,
            prod.into_iter().map(|(s, _)| s).collect(),
        );
        for (key, scope_of) in [
            ("dependency-groups", None),
            ("optional-dependencies", Some(())),
        ] {
            let Some(table) = self.table(tool, key)? else {
                continue;
            };
            for (name, item) in table.0.iter() {
                let scope = if scope_of.is_none() {
                    Scope::Group(GroupName::new(name))
                } else {
                    Scope::Extra(ExtraName::from_str(name).map_err(|e| {
                        self.error(sp(item.span()), format!("invalid extra `{name}`: {e}"))
                    })?)
                };
                let reqs = self
                    .strings(item, name)?
                    .into_iter()
                    .map(|(s, _)| s)
                    .collect();
                requirements.insert(scope, reqs);
            }
        }
        let mut options = BTreeMap::new();
        if let Some(table) = self.table(tool, "options")? {
            for (key, item) in table.0.iter() {
                let value = item.as_str().ok_or_else(|| {
                    self.error(sp(item.span()), format!("option `{key}` must be a string"))
                })?;
                options.insert(key.to_owned(), value.to_owned());
            }
        }
        Ok(LockTool {
            fingerprint: self.required::<String>(tool, "fingerprint")?,
            index_url: self
                .str(tool, "index-url", false)?
                .map(|(s, _)| s.to_owned())
                .unwrap_or_default(),
            requirements,
            options,
        })
    }
}

impl Lock {
    /// Parses pylock.toml text; `path` is used in error messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Lock, LockError> {
        let reader = Reader {
            file: SourceFile::new(path, text),
        };
        let doc = toml_edit::Document::parse(text).map_err(|e| {
            reader.error(
                sp(e.span()),
                format!("invalid TOML: {}", e.message().trim()),
            )
        })?;
        let root: Located<'_> = (doc.as_table() as &dyn TableLike, None);
        let (lock_version, span) = reader
            .str(root, "lock-version", true)?
            .ok_or_else(|| reader.error(None, "missing key `lock-version`"))?;
        if lock_version.split('.').next() != Some("1") {
            return Err(reader
                .error(
                    span,
                    format!("unsupported `lock-version` `{lock_version}` (pinctl reads 1.x)"),
                )
                .into());
        }
        let extras = match doc.get("extras") {
            Some(item) => reader
                .strings(item, "extras")?
                .into_iter()
                .map(|(s, span)| {
                    ExtraName::from_str(&s)
                        .map_err(|e| reader.error(span, format!("invalid extra `{s}`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?,
            None => Vec::new(),
        };
        let groups = match doc.get("dependency-groups") {
            Some(item) => reader
                .strings(item, "dependency-groups")?
                .into_iter()
                .map(|(s, _)| GroupName::new(&s))
                .collect(),
            None => Vec::new(),
        };
        let mut packages = Vec::new();
        if let Some(item) = doc.get("packages") {
            for table in reader.tables(item, "packages")? {
                packages.push(reader.package(table)?);
            }
        }
        packages.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
        let tool = reader.tool(root)?;
        let integrity = match reader.content_digest(root)? {
            None => Integrity::Unrecorded,
            Some(recorded) if recorded == content_digest(text) => Integrity::Intact,
            Some(_) => Integrity::Edited,
        };
        Ok(Lock {
            requires_python: reader.parsed(root, "requires-python", false)?,
            extras,
            groups,
            created_by: reader
                .str(root, "created-by", false)?
                .map(|(s, _)| s.to_owned())
                .unwrap_or_default(),
            packages,
            tool,
            integrity,
        })
    }
}
