//! Credentials and transport safety for index URLs.
//!
//! Owns [`redact`] (every URL that reaches a message or a log line goes through it),
//! `~/.netrc` parsing, and the rule that plain-http index URLs are refused unless the
//! host is loopback or explicitly allowed. Credentials are only ever attached to
//! requests for the index's own host.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use url::Url;

use super::IndexError;

/// `url` with any user name and password replaced by `***` (for messages and logs).
///
/// Works on the text, so it also covers what does not parse as a URL with credentials:
/// a scheme-less `user:s3cret@host/simple` (which `url` reads as scheme `user`),
/// percent-encoded user info, a user info holding spaces or `@`.
pub fn redact(url: &str) -> String {
    match userinfo_span(url) {
        Some(span) => format!("{}***{}", &url[..span.start], &url[span.end..]),
        None => url.to_owned(),
    }
}

/// `url` without its user info (`https://u:p@host/x` -> `https://host/x`; a scheme-less
/// `u:p@host/x` -> `host/x`).
pub fn without_userinfo(url: &str) -> String {
    match userinfo_span(url) {
        Some(span) => format!("{}{}", &url[..span.start], &url[span.end + 1..]),
        None => url.to_owned(),
    }
}

/// The byte range of the user info in `url` (before the `@` that ends it), if any: the
/// authority starts after `://`, or at the start of a scheme-less URL, and ends at the
/// first `/`, `?` or `#`; the user info is everything up to its last `@`.
fn userinfo_span(url: &str) -> Option<std::ops::Range<usize>> {
    let start = match url.find("://") {
        Some(i) if !url[..i].contains(['/', '?', '#', '@']) => i + 3,
        _ => 0,
    };
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some(start..start + at)
}

/// Secrets shorter than this are not scrubbed from free text (they would blank out
/// ordinary words); [`redact`] still hides them inside URLs.
const MIN_SCRUBBED_SECRET: usize = 4;

/// The secrets in the user info of `url`, as written and percent-decoded: the password,
/// or the whole user info when it has none (a token, `https://TOKEN@host`).
pub fn secrets_in(url: &str) -> Vec<String> {
    let Some(span) = userinfo_span(url) else {
        return Vec::new();
    };
    let userinfo = &url[span];
    let secret = userinfo
        .split_once(':')
        .map_or(userinfo, |(_, password)| password);
    let mut secrets = vec![secret.to_owned()];
    if let Some(decoded) = url_decode(secret) {
        secrets.push(decoded);
    }
    secrets.retain(|s| s.len() >= MIN_SCRUBBED_SECRET);
    secrets.dedup();
    secrets
}

/// Secrets [`scrub`] removes from everything pinctl prints.
static SECRETS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Remembers the secrets in `url`'s user info so that [`scrub`] hides them wherever
/// they turn up: inside a library's error text, in a URL that reached a message
/// without going through [`redact`], or in a form `redact` does not recognise.
pub fn register_secrets(url: &str) {
    let secrets = secrets_in(url);
    if secrets.is_empty() {
        return;
    }
    let mut known = SECRETS
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for secret in secrets {
        if !known.contains(&secret) {
            known.push(secret);
        }
    }
    // The longest first, so that a secret containing another is hidden whole.
    known.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// `text` with every registered secret replaced by `***`.
pub fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    let known = SECRETS
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !known.iter().any(|secret| text.contains(secret.as_str())) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for secret in known.iter() {
        out = out.replace(secret.as_str(), "***");
    }
    std::borrow::Cow::Owned(out)
}

/// A user name and optional password for HTTP basic auth.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub password: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// Splits the credentials out of `url`, returning the clean URL and the credentials.
pub fn split_credentials(url: &Url) -> (Url, Option<Credentials>) {
    let mut clean = url.clone();
    if url.username().is_empty() && url.password().is_none() {
        return (clean, None);
    }
    let decode = |s: &str| url_decode(s).unwrap_or_else(|| s.to_owned());
    let creds = Credentials {
        username: decode(url.username()),
        password: url.password().map(decode),
    };
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    (clean, Some(creds))
}

fn url_decode(s: &str) -> Option<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// One `machine` (or `default`) entry of a netrc file.
#[derive(Clone, PartialEq, Eq)]
pub struct NetrcEntry {
    /// `None` for the `default` entry.
    pub machine: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for NetrcEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NetrcEntry({:?}, ***)", self.machine)
    }
}

/// Parses netrc text (`machine`, `default`, `login`, `password`, `account`, `macdef`).
pub fn parse_netrc(text: &str) -> Vec<NetrcEntry> {
    let mut entries: Vec<NetrcEntry> = Vec::new();
    let mut lines = text.lines();
    let mut pending: Vec<String> = Vec::new();
    loop {
        if pending.is_empty() {
            let Some(line) = lines.next() else { break };
            let line = line.trim_start();
            if line.starts_with('#') {
                continue;
            }
            pending = line.split_whitespace().rev().map(str::to_owned).collect();
            continue;
        }
        let Some(token) = pending.pop() else { continue };
        let mut value = |pending: &mut Vec<String>| -> Option<String> {
            if let Some(v) = pending.pop() {
                return Some(v);
            }
            for line in lines.by_ref() {
                let mut words: Vec<String> =
                    line.split_whitespace().rev().map(str::to_owned).collect();
                if let Some(v) = words.pop() {
                    *pending = words;
                    return Some(v);
                }
            }
            None
        };
        match token.as_str() {
            "machine" => entries.push(NetrcEntry {
                machine: value(&mut pending),
                login: None,
                password: None,
            }),
            "default" => entries.push(NetrcEntry {
                machine: None,
                login: None,
                password: None,
            }),
            "login" => {
                let v = value(&mut pending);
                if let Some(e) = entries.last_mut() {
                    e.login = v;
                }
            }
            "password" => {
                let v = value(&mut pending);
                if let Some(e) = entries.last_mut() {
                    e.password = v;
                }
            }
            "account" => {
                let _ = value(&mut pending);
            }
            "macdef" => {
                // A macro body runs until the next empty line.
                pending.clear();
                for line in lines.by_ref() {
                    if line.trim().is_empty() {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    entries
}

/// The credentials netrc gives for `host` (an exact `machine` wins over `default`).
pub fn netrc_lookup(entries: &[NetrcEntry], host: &str) -> Option<Credentials> {
    let entry = entries
        .iter()
        .find(|e| {
            e.machine
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(host))
        })
        .or_else(|| entries.iter().find(|e| e.machine.is_none()))?;
    Some(Credentials {
        username: entry.login.clone()?,
        password: entry.password.clone(),
    })
}

/// The netrc file to read: `$NETRC`, else `~/.netrc`.
pub fn netrc_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("NETRC") {
        return Some(PathBuf::from(path));
    }
    dirs::home_dir().map(|home| home.join(".netrc"))
}

/// Reads the netrc credentials for `host`; a missing or unreadable file gives none.
pub fn netrc_credentials(path: &Path, host: &str) -> Option<Credentials> {
    let text = fs_err::read_to_string(path).ok()?;
    netrc_lookup(&parse_netrc(&text), host)
}

/// Whether `host` is loopback (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.eq_ignore_ascii_case("localhost") {
        return true;
    }
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses plain-http URLs unless the host is loopback or in `allowed`.
pub fn check_transport(url: &Url, allowed: &[String]) -> Result<(), IndexError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" => {
            let host = url.host_str().unwrap_or_default();
            let port_host = url.port().map(|p| format!("{host}:{p}"));
            if is_loopback_host(host)
                || allowed.iter().any(|a| {
                    a.eq_ignore_ascii_case(host)
                        || port_host
                            .as_deref()
                            .is_some_and(|ph| a.eq_ignore_ascii_case(ph))
                })
            {
                Ok(())
            } else {
                Err(IndexError::Refused {
                    message: format!(
                        "refusing plain-http URL `{}`: credentials and packages could be read \
                         or altered in transit",
                        redact(url.as_str())
                    ),
                    hint: format!(
                        "use https, or pass `--allow-insecure-host {host}` if you trust the network"
                    ),
                })
            }
        }
        // `user:s3cret@host/simple` parses with the scheme `user`: a URL without one.
        _ if !url.as_str()[url.scheme().len()..].starts_with("://") => Err(IndexError::Refused {
            message: format!("the index URL `{}` has no scheme", redact(url.as_str())),
            hint: format!("write it as `https://{}`", redact(url.as_str())),
        }),
        other => Err(IndexError::Refused {
            message: format!(
                "unsupported URL scheme `{other}` in `{}`",
                redact(url.as_str())
            ),
            hint: "index URLs start with `https://` (or `http://` for a loopback host)".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction() {
        assert_eq!(
            redact("https://user:s3cret@example.com/simple/"),
            "https://***@example.com/simple/"
        );
        assert_eq!(
            redact("https://token@example.com/x"),
            "https://***@example.com/x"
        );
        assert_eq!(
            redact("https://pypi.org/simple/"),
            "https://pypi.org/simple/"
        );
        assert_eq!(redact("weird://us er:p@ss@host/x"), "weird://***@host/x");
        assert!(!redact("https://u:pw@h/").contains("pw"));
        // Scheme-less, which `url` parses as the scheme `user`.
        assert_eq!(redact("user:s3cret@host/simple"), "***@host/simple");
        assert_eq!(redact("user:s3cret@host"), "***@host");
        assert_eq!(
            redact("https://u%40x:s%33cret@host/simple"),
            "https://***@host/simple"
        );
        // An `@` in the path is not user info.
        assert_eq!(
            redact("https://example.com/a@b/simple"),
            "https://example.com/a@b/simple"
        );
        assert_eq!(without_userinfo("user:s3cret@host/simple"), "host/simple");
        assert_eq!(
            without_userinfo("https://t0ken@host/simple"),
            "https://host/simple"
        );
    }

    #[test]
    fn secrets_are_found_and_scrubbed_in_every_form() {
        assert_eq!(
            secrets_in("https://user:s%33cret@h/"),
            ["s%33cret", "s3cret"]
        );
        assert_eq!(secrets_in("tok3nvalue@h/simple"), ["tok3nvalue"]);
        assert!(
            secrets_in("https://u:pw@h/").is_empty(),
            "too short to scrub"
        );
        assert!(secrets_in("https://pypi.org/simple").is_empty());
        register_secrets("user:hunter2pass@host/simple");
        assert_eq!(
            scrub("error: bad thing at user:hunter2pass@host (hunter2pass)"),
            "error: bad thing at user:***@host (***)"
        );
        assert_eq!(scrub("nothing here"), "nothing here");
    }

    #[test]
    fn credentials_are_split_and_decoded() {
        let url = Url::parse("https://us%40r:p%3Ass@example.com/simple").unwrap();
        let (clean, creds) = split_credentials(&url);
        assert_eq!(clean.as_str(), "https://example.com/simple");
        let creds = creds.unwrap();
        assert_eq!(creds.username, "us@r");
        assert_eq!(creds.password.as_deref(), Some("p:ss"));
        assert_eq!(format!("{creds:?}"), "Credentials(***)");
    }

    #[test]
    fn netrc() {
        let text = "# comment\nmachine example.com login alice password wonder\n\
                    macdef init\ncd /pub\n\nmachine other.org\n  login bob\n  password\n  builder\n\
                    default login anon password guest\n";
        let entries = parse_netrc(text);
        assert_eq!(entries.len(), 3);
        let alice = netrc_lookup(&entries, "EXAMPLE.com").unwrap();
        assert_eq!(
            (alice.username.as_str(), alice.password.as_deref()),
            ("alice", Some("wonder"))
        );
        let bob = netrc_lookup(&entries, "other.org").unwrap();
        assert_eq!(
            (bob.username.as_str(), bob.password.as_deref()),
            ("bob", Some("builder"))
        );
        let anon = netrc_lookup(&entries, "files.pythonhosted.org").unwrap();
        assert_eq!(anon.username, "anon");
        assert!(netrc_lookup(&parse_netrc("machine a login x"), "b").is_none());
    }

    #[test]
    fn transport_rules() {
        let ok = |u: &str, allowed: &[&str]| {
            let allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
            check_transport(&Url::parse(u).unwrap(), &allowed)
        };
        assert!(ok("https://pypi.org/simple", &[]).is_ok());
        assert!(ok("http://127.0.0.1:8080/simple", &[]).is_ok());
        assert!(ok("http://127.1.2.3/simple", &[]).is_ok());
        assert!(ok("http://[::1]:3141/simple", &[]).is_ok());
        assert!(ok("http://localhost/simple", &[]).is_ok());
        assert!(ok("http://intranet:8080/simple", &["intranet"]).is_ok());
        assert!(ok("http://intranet:8080/simple", &["intranet:8080"]).is_ok());
        let Err(IndexError::Refused { message, hint }) = ok("http://u:pw@intranet/simple", &[])
        else {
            panic!("plain http to a remote host was not refused");
        };
        assert!(hint.contains("--allow-insecure-host intranet"), "{hint}");
        assert!(
            !message.contains("pw") && !hint.contains("pw"),
            "{message} {hint}"
        );
        assert!(ok("ftp://example.com/simple", &[]).is_err());
    }
}
