//! The scenario TOML format of ../shared/scenarios (uv's packse suite), read with serde.
//! Shared by the in-process test index and the resolver tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub root: Root,
    #[serde(default)]
    pub packages: BTreeMap<String, ScenarioPackage>,
    #[serde(default)]
    pub expected: Expected,
    #[serde(default)]
    pub resolver_options: ResolverOptions,
    #[serde(default)]
    pub environment: Environment,
    #[serde(default)]
    pub testgen: Testgen,
}

/// The `[testgen]` table: how uv's test generator uses the scenario.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Testgen {
    /// `disable = true`: the harness skips it by default.
    #[serde(default)]
    pub disable: bool,
    /// e.g. `"compile"` (`uv pip compile`) or `"lock"`.
    #[serde(default)]
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Root {
    #[serde(default)]
    pub requires: Vec<String>,
    /// Defaults to `>=3.12` when absent.
    #[serde(default)]
    pub requires_python: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScenarioPackage {
    #[serde(default)]
    pub versions: BTreeMap<String, ScenarioVersion>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScenarioVersion {
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default)]
    pub extras: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub requires_python: Option<String>,
    #[serde(default = "yes")]
    pub sdist: bool,
    #[serde(default = "yes")]
    pub wheel: bool,
    #[serde(default)]
    pub yanked: bool,
    #[serde(default)]
    pub wheel_tags: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Expected {
    #[serde(default)]
    pub satisfiable: bool,
    #[serde(default)]
    pub packages: BTreeMap<String, String>,
    #[serde(default)]
    pub explanation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResolverOptions {
    #[serde(default)]
    pub universal: bool,
    #[serde(default)]
    pub python: Option<String>,
    #[serde(default)]
    pub prereleases: bool,
    #[serde(default)]
    pub no_build: Vec<String>,
    #[serde(default)]
    pub no_binary: Vec<String>,
    #[serde(default)]
    pub python_platform: Option<String>,
    #[serde(default)]
    pub required_environments: Vec<String>,
    #[serde(default)]
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Environment {
    #[serde(default)]
    pub python: Option<String>,
}

/// The scenario format's Requires-Python where a scenario or version gives none.
pub const DEFAULT_REQUIRES_PYTHON: &str = ">=3.12";

impl ScenarioVersion {
    /// This version's Requires-Python (the format's default is `>=3.12`).
    pub fn requires_python(&self) -> &str {
        self.requires_python
            .as_deref()
            .unwrap_or(DEFAULT_REQUIRES_PYTHON)
    }
}

impl Scenario {
    pub fn load(path: &Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
    }

    /// The root requires-python (the scenario format's default is `>=3.12`).
    pub fn requires_python(&self) -> &str {
        self.root
            .requires_python
            .as_deref()
            .unwrap_or(DEFAULT_REQUIRES_PYTHON)
    }
}

/// Every scenario file of the repository (`tests/scenarios/<category>/<name>.toml`), sorted.
pub fn scenario_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "toml") {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

/// The category of a scenario file: the name of its directory.
pub fn category(path: &Path) -> String {
    path.parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}
