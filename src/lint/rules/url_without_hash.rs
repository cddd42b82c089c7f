//! `url-without-hash`: a direct URL requirement whose archive is not pinned by a hash.

use pep508_rs::VersionOrUrl;

use crate::lint::{Level, LintContext, Rule, Violation};
use crate::project::{Dependency, Layout};
use crate::source::Span;

/// The hash algorithms pip accepts in hash-checking mode.
const HASHES: [&str; 3] = ["sha256", "sha384", "sha512"];

/// `foo @ https://example.com/foo-1.0.tar.gz` without `#sha256=...` or `--hash`.
pub struct UrlWithoutHash;

impl Rule for UrlWithoutHash {
    fn name(&self) -> &'static str {
        "url-without-hash"
    }

    fn default_level(&self, layout: Layout) -> Level {
        if layout == Layout::Requirements {
            Level::Error
        } else {
            Level::Warn
        }
    }

    fn summary(&self) -> &'static str {
        "A remote URL requirement without a sha256 hash."
    }

    fn fix(&self) -> &'static str {
        "Add `#sha256=<hex>` to the URL or `--hash=sha256:<hex>` to the line."
    }

    fn doc(&self) -> &'static str {
        "Reports a direct URL requirement (`foo @ https://example.com/foo-1.0.tar.gz`) whose \
         URL has no `#sha256=` (or `sha384`, `sha512`) fragment and, in a requirements file, \
         no `--hash` option: whatever the server returns is installed, and it can change \
         without notice. Only remote archives (`http`, `https`) are checked, not VCS \
         (`git+https://...`) or local paths. Default level: error in requirements files, \
         which are installed as written, and warn in pyproject.toml. Fix: add the archive's \
         hash, `#sha256=<hex>` at the end of the URL or `--hash=sha256:<hex>` on the line."
    }

    fn check(&self, dep: &Dependency, ctx: &LintContext) -> Option<Violation> {
        let Some(VersionOrUrl::Url(url)) = &dep.requirement.version_or_url else {
            return None;
        };
        let parsed = url.to_url();
        if !matches!(parsed.scheme(), "http" | "https") {
            return None;
        }
        let hashed_fragment = parsed.fragment().is_some_and(|fragment| {
            fragment
                .split('&')
                .filter_map(|part| part.split_once('='))
                .any(|(key, value)| HASHES.contains(&key) && !value.is_empty())
        });
        if hashed_fragment || !dep.hashes.is_empty() {
            return None;
        }
        // Point at the URL itself when it can be found in the entry.
        let entry = dep.file.slice(dep.span);
        let given = url.given().unwrap_or_default();
        let span = match entry.find(given) {
            Some(at) if !given.is_empty() => {
                Span::new(dep.span.start + at, dep.span.start + at + given.len())
            }
            _ => dep.span,
        };
        let name = &dep.requirement.name;
        let help = if ctx.layout == Layout::Requirements {
            "add the archive's hash: `--hash=sha256:<hex>` on the same line, or `#sha256=<hex>` \
             at the end of the URL"
        } else {
            "add the archive's hash at the end of the URL: `#sha256=<hex>`"
        };
        Some(
            Violation::new(
                dep,
                span,
                format!("`{name}` is installed from a URL without a hash"),
            )
            .with_help(help),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{req, rules_for};
    use crate::lint::{LintContext, LintLevels, check_dependencies};
    use crate::project::Layout;

    #[test]
    fn url_without_hash_is_an_error_in_requirements() {
        let dep = req("foo @ https://example.com/foo-1.0.tar.gz");
        let ctx = LintContext::new(Layout::Requirements);
        let found = check_dependencies([&dep], &ctx, &LintLevels::default());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, "url-without-hash");
        assert_eq!(found[0].level, crate::lint::Level::Error);
        assert_eq!(
            dep.file.slice(found[0].span),
            "https://example.com/foo-1.0.tar.gz"
        );
        assert_eq!(
            found[0].message,
            "`foo` is installed from a URL without a hash"
        );
        let ctx = LintContext::new(Layout::Pep621);
        let found = check_dependencies([&dep], &ctx, &LintLevels::default());
        assert_eq!(found[0].level, crate::lint::Level::Warn);
    }

    #[test]
    fn hashed_urls_vcs_and_paths_are_fine() {
        for line in [
            "foo @ https://example.com/foo-1.0.tar.gz#sha256=abc123",
            "foo @ https://example.com/foo-1.0.tar.gz#egg=foo&sha512=abc",
            "foo @ https://example.com/foo-1.0.tar.gz --hash=sha256:abc123",
            "foo @ git+https://github.com/org/foo@v1.0",
            "foo @ file:///opt/foo",
        ] {
            assert!(rules_for(line).is_empty(), "{line}: {:?}", rules_for(line));
        }
        assert_eq!(
            rules_for("foo @ https://example.com/foo-1.0.tar.gz#md5=abc"),
            ["url-without-hash"]
        );
    }
}
