//! Runs the real `pinctl lock` binary over every packse scenario in `tests/scenarios/`,
//! each against its own in-process [`TestIndex`], and scores it the way the shared
//! harness (`../shared/scenarios/tools/run_scenarios.sh 'pinctl lock --index-url {index}
//! --cache-dir {cache}'`) does, so the two figures can be compared:
//!
//! - scenarios with `[testgen] disable = true` are skipped (the harness runs them only
//!   with `--include-disabled`);
//! - the project is the harness's `pyproject.toml`: `name = "project"`, `version =
//!   "0.1.0"`, the root requirements, `requires-python` = the root's (default `>=3.12`),
//!   and `[tool.uv] required-environments` when the scenario has some;
//! - an unsatisfiable scenario passes when the command fails, and here, stricter than the
//!   harness, only with exit code 2 and an `error:` line on stderr (never a panic);
//! - a satisfiable one passes when the command exits 0 and every expected `name==version`
//!   is among pylock.toml's `[[packages]]`.
//!
//! Every passing lock must also be accepted by `packaging.pylock.Pylock.from_dict`
//! (one Python run for all of them).

// The pass table is the point of the scenario test.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::python::{run_ok, test_venv};
use crate::common::scenario::{Scenario, category, scenario_files};
use crate::common::server::{TestIndex, normalize};

/// Minimum passes out of the scenarios the harness runs (it gives 171/185 today).
const MIN_PASSED: usize = 171;
/// Minimum passes among the 50 universal scenarios (45 today: 4 of the 5 failures ask
/// for `resolution = "lowest"`, which `pinctl lock` has no option for).
const MIN_UNIVERSAL_PASSED: usize = 45;
/// Minimum share, in percent, of the universal scenarios that need no resolver option
/// `pinctl lock` lacks.
const MIN_UNIVERSAL_PERCENT: usize = 95;
/// The scenarios `pinctl lock` fails today, and why; any other failure fails the test.
const KNOWN_FAILURES: &[(&str, &str)] = &[
    // `resolution = "lowest"/"lowest-direct"`: pinctl lock has no such option.
    ("lowest-direct-fork-max-python", "needs --resolution"),
    ("lowest-direct-fork-min-python", "needs --resolution"),
    ("lowest-fork-max-python", "needs --resolution"),
    ("lowest-fork-min-python", "needs --resolution"),
    // uv forgets the fork on a re-run; pinctl keeps a valid forked lock.
    (
        "preferences-dependent-forking-conflicting",
        "valid forked lock",
    ),
    // Single-Python targets (`python = "3.x"`, the environment's Python): a universal
    // lock covers requires-python, not one interpreter.
    (
        "compatible-python-incompatible-override",
        "one target Python",
    ),
    ("python-greater-than-current", "one target Python"),
    ("python-greater-than-current-backtrack", "one target Python"),
    ("python-greater-than-current-excluded", "one target Python"),
    ("python-patch-override-no-patch", "one target Python"),
    // packse expects Requires-Python upper bounds to be ignored (`a` says `<=3.8`, the
    // project `>=3.12`); pinctl honours them, as pip does when it installs the lock.
    ("python-less-than-current", "honours upper bounds"),
    // `no_build` / `no_binary` / a target platform: no such option.
    (
        "no-sdist-no-wheels-with-matching-platform",
        "needs a target platform",
    ),
    ("no-wheels-no-build", "needs --no-build"),
    ("only-wheels-no-binary", "needs --no-binary"),
];
/// A scenario whose lock takes longer than this fails (the harness's own timeout).
const TIMEOUT: Duration = Duration::from_mins(1);
/// Scenarios locked at once.
const THREADS: usize = 3;

struct Outcome {
    category: String,
    name: String,
    universal: bool,
    /// The scenario asks for a resolver option `pinctl lock` has no flag for (the
    /// harness passes none either): a resolution strategy, pre-releases, no-build,
    /// no-binary or a target platform.
    needs_option: bool,
    satisfiable: bool,
    pass: bool,
    /// What the shared harness would say (exit != 0 is enough for unsatisfiable ones).
    harness_pass: bool,
    reason: String,
    /// The lock text of a passing satisfiable scenario.
    lock: Option<String>,
}

/// A TOML basic string (as the harness writes it, via JSON).
fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The pyproject.toml `build_index.py` writes for a scenario (without the name prefixes:
/// the test index serves the bare names).
fn pyproject(s: &Scenario) -> String {
    let mut text =
        String::from("[project]\nname = \"project\"\nversion = \"0.1.0\"\ndependencies = [\n");
    for r in &s.root.requires {
        let _ = writeln!(text, "  {},", toml_str(r));
    }
    text.push_str("]\n");
    let _ = writeln!(text, "requires-python = {}", toml_str(s.requires_python()));
    let envs = &s.resolver_options.required_environments;
    if !envs.is_empty() {
        text.push_str("\n[tool.uv]\nrequired-environments = [\n");
        for e in envs {
            let _ = writeln!(text, "  {},", toml_str(e));
        }
        text.push_str("]\n");
    }
    text
}

fn needs_option(s: &Scenario) -> bool {
    let o = &s.resolver_options;
    o.resolution.is_some()
        || o.prereleases
        || !o.no_build.is_empty()
        || !o.no_binary.is_empty()
        || o.python_platform.is_some()
}

struct Run {
    code: Option<i32>,
    stderr: String,
    timed_out: bool,
}

/// Runs `pinctl lock` in `dir`, killing it after [`TIMEOUT`].
fn lock(dir: &Path, index: &TestIndex) -> Run {
    let mut child = crate::common::cli::pinctl()
        .args(["lock", "--no-progress", "--index-url"])
        .arg(index.url())
        .arg("--cache-dir")
        .arg(dir.join(".cache"))
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let started = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Run {
        code: status.code(),
        stderr: reader.join().unwrap(),
        timed_out,
    }
}

/// name -> every version in the lock's `[[packages]]`.
fn locked_versions(text: &str) -> BTreeMap<String, Vec<String>> {
    let doc: toml::Table = toml::from_str(text).unwrap();
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in doc
        .get("packages")
        .and_then(toml::Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(name), Some(version)) = (
            p.get("name").and_then(toml::Value::as_str),
            p.get("version").and_then(toml::Value::as_str),
        ) {
            map.entry(normalize(name))
                .or_default()
                .push(version.to_string());
        }
    }
    map
}

fn run_scenario(path: &Path) -> Outcome {
    let scenario = Scenario::load(path);
    let category = category(path);
    let index = TestIndex::from_scenario(&scenario);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pyproject.toml"), pyproject(&scenario)).unwrap();
    let run = lock(dir.path(), &index);
    let lock_path = dir.path().join("pylock.toml");
    let lock_text = std::fs::read_to_string(&lock_path).ok();
    let satisfiable = scenario.expected.satisfiable;
    let first_line = || {
        run.stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("")
            .to_string()
    };
    let (pass, harness_pass, reason, lock) = if run.timed_out {
        (false, false, "timed out".to_string(), None)
    } else if run.stderr.contains("panicked") || run.code == Some(101) {
        let pass = !satisfiable && run.code != Some(0);
        (
            false,
            pass,
            format!("panicked: {}", run.stderr.replace('\n', " / ")),
            None,
        )
    } else if !satisfiable {
        match run.code {
            Some(0) => {
                let got = lock_text
                    .as_deref()
                    .map(locked_versions)
                    .unwrap_or_default();
                (
                    false,
                    false,
                    format!("resolved, but expected no solution: {got:?}"),
                    None,
                )
            }
            Some(2) if run.stderr.lines().any(|l| l.starts_with("error:")) => {
                (true, true, String::new(), None)
            }
            code => (
                false,
                true,
                format!(
                    "failed with {code:?} and no `error:` line: {}",
                    run.stderr.replace('\n', " / ")
                ),
                None,
            ),
        }
    } else if run.code != Some(0) {
        (
            false,
            false,
            format!(
                "exit {:?}, but expected a solution: {}",
                run.code,
                first_line()
            ),
            None,
        )
    } else if let Some(text) = lock_text {
        let got = locked_versions(&text);
        let wrong: Vec<String> = scenario
            .expected
            .packages
            .iter()
            .filter_map(|(name, version)| {
                let have = got.get(&normalize(name)).cloned().unwrap_or_default();
                (!have.contains(version)).then(|| {
                    format!(
                        "{name}: want {version}, got {}",
                        if have.is_empty() {
                            "none".to_string()
                        } else {
                            have.join(",")
                        }
                    )
                })
            })
            .collect();
        if wrong.is_empty() {
            (true, true, String::new(), Some(text))
        } else {
            (false, false, wrong.join("; "), None)
        }
    } else {
        (false, false, "exit 0 but no pylock.toml".to_string(), None)
    };
    Outcome {
        category,
        name: scenario.name.clone(),
        universal: scenario.resolver_options.universal,
        needs_option: needs_option(&scenario),
        satisfiable,
        pass,
        harness_pass,
        reason,
        lock,
    }
}

/// Checks every lock with `packaging.pylock.Pylock.from_dict` in one Python run; returns
/// `name: error` for each rejected one.
fn rejected_by_packaging(locks: &[(String, String)]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in locks {
        std::fs::write(dir.path().join(format!("{name}.toml")), text).unwrap();
    }
    let script = "import pathlib, sys, tomllib\n\
        from packaging.pylock import Pylock\n\
        for path in sorted(pathlib.Path(sys.argv[1]).glob('*.toml')):\n\
        \x20   try:\n\
        \x20       Pylock.from_dict(tomllib.loads(path.read_text()))\n\
        \x20   except Exception as e:\n\
        \x20       print(f'{path.stem}: {e!r}')\n\
        print('checked', len(list(pathlib.Path(sys.argv[1]).glob('*.toml'))))\n";
    let stdout = run_ok(
        Command::new(test_venv().join("bin/python"))
            .arg("-c")
            .arg(script)
            .arg(dir.path()),
    );
    let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    assert_eq!(
        lines.pop().as_deref(),
        Some(format!("checked {}", locks.len()).as_str())
    );
    lines
}

#[test]
fn pinctl_lock_over_packse_scenarios() {
    let files = scenario_files();
    assert_eq!(files.len(), 189, "scenarios went missing or were added");
    let (disabled, selected): (Vec<PathBuf>, Vec<PathBuf>) = files
        .into_iter()
        .partition(|p| Scenario::load(p).testgen.disable);
    let next = AtomicUsize::new(0);
    let outcomes = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(path) = selected.get(i) else { break };
                    let outcome = run_scenario(path);
                    outcomes.lock().unwrap().push(outcome);
                }
            });
        }
    });
    let mut outcomes = outcomes.into_inner().unwrap();
    outcomes.sort_by(|a, b| (&a.category, &a.name).cmp(&(&b.category, &b.name)));

    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for o in &outcomes {
        let entry = table.entry(&o.category).or_default();
        entry.1 += 1;
        entry.0 += usize::from(o.pass);
    }
    eprintln!("{:<24} {:>5} {:>5}", "category", "pass", "total");
    for (category, (pass, total)) in &table {
        eprintln!("{category:<24} {pass:>5} {total:>5}");
    }
    let passed = outcomes.iter().filter(|o| o.pass).count();
    let harness_passed = outcomes.iter().filter(|o| o.harness_pass).count();
    let universal = outcomes.iter().filter(|o| o.universal).count();
    let universal_passed = outcomes.iter().filter(|o| o.universal && o.pass).count();
    eprintln!("{:<24} {passed:>5} {:>5}", "TOTAL", outcomes.len());
    eprintln!(
        "{:<24} {harness_passed:>5} {:>5}",
        "harness rule",
        outcomes.len()
    );
    let plain = outcomes
        .iter()
        .filter(|o| o.universal && !o.needs_option)
        .count();
    let plain_passed = outcomes
        .iter()
        .filter(|o| o.universal && !o.needs_option && o.pass)
        .count();
    eprintln!("{:<24} {universal_passed:>5} {universal:>5}", "universal");
    eprintln!(
        "{:<24} {plain_passed:>5} {plain:>5}",
        "universal, no options"
    );
    eprintln!(
        "skipped ([testgen] disable): {}",
        disabled
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for o in outcomes.iter().filter(|o| !o.pass) {
        eprintln!("FAIL {}/{}: {}", o.category, o.name, o.reason);
    }

    // Failing on an unsatisfiable scenario is an error report, never a crash.
    let crashed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.reason.starts_with("panicked") || o.reason.contains("no `error:` line"))
        .collect();
    assert!(
        crashed.is_empty(),
        "crashes or unexplained failures: {:?}",
        crashed.iter().map(|o| &o.name).collect::<Vec<_>>()
    );
    let unexpected: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.pass && !KNOWN_FAILURES.iter().any(|(n, _)| *n == o.name))
        .map(|o| o.name.as_str())
        .collect();
    assert!(unexpected.is_empty(), "new failures: {unexpected:?}");
    let fixed: Vec<&str> = KNOWN_FAILURES
        .iter()
        .filter(|(n, _)| outcomes.iter().any(|o| o.pass && o.name == *n))
        .map(|(n, _)| *n)
        .collect();
    if !fixed.is_empty() {
        eprintln!("now passing, drop from KNOWN_FAILURES: {fixed:?}");
    }
    assert_eq!(disabled.len(), 4, "the harness skips 4 disabled scenarios");
    assert_eq!(outcomes.len(), 185);
    assert!(
        passed >= MIN_PASSED,
        "{passed}/{} scenarios passed, want at least {MIN_PASSED}",
        outcomes.len()
    );
    assert!(
        universal_passed >= MIN_UNIVERSAL_PASSED,
        "{universal_passed}/{universal} universal scenarios passed"
    );
    assert!(
        plain_passed * 100 >= plain * MIN_UNIVERSAL_PERCENT,
        "{plain_passed}/{plain} universal scenarios without resolver options passed"
    );
    let unsat_checked = outcomes.iter().filter(|o| !o.satisfiable).count();
    assert!(unsat_checked > 20, "too few unsatisfiable scenarios");

    let locks: Vec<(String, String)> = outcomes
        .iter()
        .filter_map(|o| o.lock.clone().map(|l| (o.name.clone(), l)))
        .collect();
    assert!(locks.len() > 100, "only {} locks to check", locks.len());
    let rejected = rejected_by_packaging(&locks);
    assert!(
        rejected.is_empty(),
        "packaging.pylock rejects these locks:\n{}",
        rejected.join("\n")
    );
}
