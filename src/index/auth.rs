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
pub fn redact(url: &str) -> String {
    if let Ok(mut parsed) = Url::parse(url) {
        if parsed.username().is_empty() && parsed.password().is_none() {
            return url.to_owned();
        }
        let _ = parsed.set_username("***");
        let _ = parsed.set_password(None);
        return parsed.to_string();
    }
    // Not a URL we can parse: hide anything between `://` and the last `@` of the
    // authority.
    if let Some(start) = url.find("://").map(|i| i + 3) {
        let rest = &url[start..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}***{}", &url[..start], &rest[at..]);
        }
    }
    url.to_owned()
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
