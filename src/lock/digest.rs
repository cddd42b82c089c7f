//! The `content-digest` of a lock: sha256 of the whole file but the `content-digest`
//! line itself, so that a hand edit or a bad merge is seen on read.
//!
//! Taken over the text, as `pinctl lock` writes it: the file is canonical and byte-stable
//! (`lock --locked` compares bytes too), so any change to it, a value or the layout, is
//! an edit, including keys pinctl itself does not read but an installer does (a `marker`,
//! an added `archive`). Only CRLF line endings (a Git checkout with `core.autocrlf`) and
//! a byte-order mark are forgiven. Hashing the text costs a millisecond on a 500 kB
//! lock; canonicalising the parsed values would cost a second parse on every write.

use sha2::{Digest, Sha256};

/// The key of the digest in `[tool.pinctl]`.
pub(super) const KEY: &str = "content-digest";

/// Whether a lock's content still matches the `content-digest` pinctl recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Integrity {
    /// Built in memory, or read back exactly as `pinctl lock` wrote it.
    #[default]
    Intact,
    /// `[tool.pinctl]` has no `content-digest` (written by an older pinctl, or the line
    /// was removed): edits cannot be told apart.
    Unrecorded,
    /// The content differs from what `pinctl lock` wrote: edited by hand or by a merge.
    Edited,
}

/// sha256 (hex) of `text` without its first `content-digest = ...` line, with CRLF line
/// endings read as LF and a leading byte-order mark ignored.
pub(super) fn content_digest(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut hasher = Sha256::new();
    let mut skipped = false;
    for line in text.split_inclusive('\n') {
        if !skipped && is_digest_line(line) {
            skipped = true;
            continue;
        }
        match line.strip_suffix("\r\n") {
            Some(body) => {
                hasher.update(body.as_bytes());
                hasher.update(b"\n");
            }
            None => hasher.update(line.as_bytes()),
        }
    }
    format!("{:x}", hasher.finalize())
}

fn is_digest_line(line: &str) -> bool {
    line.strip_prefix(KEY)
        .is_some_and(|rest| rest.trim_start().starts_with('='))
}

/// `text` (a rendered lock without the digest) with its `content-digest` line inserted at
/// byte `at` (the start of a line).
pub(super) fn insert_digest(text: &mut String, at: usize) {
    let line = format!("{KEY} = \"{}\"\n", content_digest(text));
    text.insert_str(at, &line);
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "lock-version = \"1.0\"\n\n[[packages]]\nname = \"a\"\nversion = \"1\"\n\n[tool.pinctl]\nfingerprint = \"f\"\n";

    #[test]
    fn the_digest_line_is_left_out_and_crlf_is_forgiven() {
        let mut text = LOCK.to_owned();
        let at = text.find("fingerprint").unwrap();
        insert_digest(&mut text, at);
        let digest = content_digest(LOCK);
        assert!(text.contains(&format!("\ncontent-digest = \"{digest}\"\nfingerprint")));
        assert_eq!(content_digest(&text), digest);
        assert_eq!(content_digest(&text.replace('\n', "\r\n")), digest);
        assert_eq!(content_digest(&format!("\u{feff}{text}")), digest);
        assert_ne!(
            content_digest(&text.replace("version = \"1\"", "version = \"2\"")),
            digest
        );
        assert_ne!(content_digest(&format!("# reviewed\n{text}")), digest);
        assert_ne!(
            content_digest(&format!("{text}[[packages]]\nname = \"b\"\n")),
            digest
        );
    }
}
