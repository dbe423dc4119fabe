//! The server's URL, parsed by a real URL parser and checked before anything connects.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// The default host, as the `influxdb3` command has it.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:8181";

/// Why a host URL cannot be used. Nothing has connected anywhere.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HostUrlError {
    /// The URL parser refused it (an invalid or out-of-range port, a malformed IPv6
    /// literal, no host, …).
    #[error("it is not a valid URL")]
    Parse(#[source] url::ParseError),
    /// Not `http://` or `https://`.
    #[error("the scheme is `{0}`: use `http://` or `https://`")]
    Scheme(String),
    /// `host:` with nothing after the colon.
    #[error("the port after `:` is empty")]
    EmptyPort,
    /// Port 0, which no server listens on.
    #[error("port 0 cannot be connected to")]
    PortZero,
    /// `user:password@` in the URL ([`mask_credentials`] shows the URL without them).
    #[error("it holds credentials: give the admin token with the token options, never in the URL")]
    Credentials,
    /// A query (`?`) or a fragment (`#`).
    #[error("it may hold a path prefix, but no query (`?`) or fragment (`#`)")]
    QueryOrFragment,
    /// Whitespace or a control character, which the parser would silently drop.
    #[error("character {position} is whitespace or a control character")]
    Whitespace {
        /// 1-based position, in characters.
        position: usize,
    },
}

/// The base URL of a server: `http(s)://HOST[:PORT][/PREFIX]`, checked by the `url`
/// crate (WHATWG parsing) and then for what makes no sense for a server: credentials, an
/// empty port or port 0, a query or a fragment. A path prefix is kept, for servers behind
/// a reverse proxy.
///
/// ```
/// use influxdb3_token_client::{HostUrl, HostUrlError};
///
/// let host: HostUrl = "https://db.example.com:8181/influx/".parse().unwrap();
/// assert_eq!(host.as_str(), "https://db.example.com:8181/influx");
/// assert!(host.is_https());
/// assert!(matches!("http://127.0.0.1:abc".parse::<HostUrl>(), Err(HostUrlError::Parse(_))));
/// assert_eq!("http://127.0.0.1:".parse::<HostUrl>(), Err(HostUrlError::EmptyPort));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostUrl {
    /// Serialized by the parser, without a trailing `/`.
    base: String,
    https: bool,
}

impl HostUrl {
    /// Parses and checks `text`.
    ///
    /// # Errors
    ///
    /// [`HostUrlError`] saying what is wrong.
    pub fn parse(text: &str) -> Result<HostUrl, HostUrlError> {
        if let Some(i) = text
            .chars()
            .position(|c| c.is_whitespace() || c.is_control())
        {
            return Err(HostUrlError::Whitespace { position: i + 1 });
        }
        let url = url::Url::parse(text).map_err(HostUrlError::Parse)?;
        let https = match url.scheme() {
            "http" => false,
            "https" => true,
            other => return Err(HostUrlError::Scheme(other.to_owned())),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(HostUrlError::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(HostUrlError::QueryOrFragment);
        }
        // WHATWG parsing takes `host:` as the default port; a person who typed the colon
        // meant a port.
        if text[authority(text)].ends_with(':') {
            return Err(HostUrlError::EmptyPort);
        }
        if url.port() == Some(0) {
            return Err(HostUrlError::PortZero);
        }
        Ok(HostUrl {
            base: url.as_str().trim_end_matches('/').to_owned(),
            https,
        })
    }

    /// The URL, path prefix included, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// Whether the URL is `https://`.
    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl FromStr for HostUrl {
    type Err = HostUrlError;

    fn from_str(s: &str) -> Result<HostUrl, HostUrlError> {
        HostUrl::parse(s)
    }
}

impl fmt::Display for HostUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

/// `text`, a host URL as given, as a message may show it: everything up to the last `@`
/// of its authority (of the whole text, when it is no `http`/`https` URL) is shown as
/// `***`, so that a URL refused for holding credentials
/// ([`HostUrlError::Credentials`]), or for a scheme that was left out
/// ([`HostUrlError::Scheme`], as in `ops:pw@db:8181`), does not repeat its password. The
/// authority is found as a URL parser finds it: after `scheme:` and any `/` or `\` (so
/// `http:u:p@h` and `http:\\u:p@h` hold credentials too), or, in a text without a scheme,
/// before the first `/`. Text without credentials, or that is no URL, is borrowed as it
/// is.
///
/// ```
/// use influxdb3_token_client::mask_credentials;
///
/// assert_eq!(mask_credentials("https://ops:pw@db:8181/x"), "https://***@db:8181/x");
/// assert_eq!(mask_credentials("http:ops:pw@db"), "http:***@db");
/// assert_eq!(mask_credentials("ops:pw@db:8181"), "***@db:8181");
/// assert_eq!(mask_credentials("http://db:8181/a@b"), "http://db:8181/a@b");
/// ```
pub fn mask_credentials(text: &str) -> Cow<'_, str> {
    let authority = authority(text);
    // A text no HTTP URL parser reads has no authority to trust: everything up to its
    // last `@` is masked (a path shown masked in a message costs nothing).
    let http = url::Url::parse(text).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    let end = if http { authority.end } else { text.len() };
    match text[authority.start..end].rfind('@') {
        Some(at) => {
            let at = authority.start + at;
            Cow::Owned(format!("{}***{}", &text[..authority.start], &text[at..]))
        }
        None => Cow::Borrowed(text),
    }
}

/// Where the authority (`user:password@host:port`) of `text` lies, as a WHATWG parser
/// finds it: after `scheme:` and any run of `/` or `\` for the special schemes (`http`,
/// `https`, …), after `scheme://` for the others, up to the first `/`, `?` or `#` (or
/// `\` in a special scheme); in a text with no scheme (or a scheme-like word with no
/// `//` after it, as in `ops:pw@db`, where a scheme was left out), before the first `/`.
fn authority(text: &str) -> std::ops::Range<usize> {
    const SPECIAL: [&str; 6] = ["http", "https", "ws", "wss", "ftp", "file"];
    let scheme = text.split_once(':').map(|(s, _)| s).filter(|s| {
        let mut chars = s.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    let special = scheme.is_some_and(|s| SPECIAL.iter().any(|k| s.eq_ignore_ascii_case(k)));
    let (start, ends): (usize, &[char]) = match scheme {
        Some(s) if special => {
            let rest = &text[s.len() + 1..];
            let slashes = rest.len() - rest.trim_start_matches(['/', '\\']).len();
            (s.len() + 1 + slashes, &['/', '\\', '?', '#'])
        }
        Some(s) if text[s.len() + 1..].starts_with("//") => (s.len() + 3, &['/', '?', '#']),
        _ => (0, &['/']),
    };
    let end = text[start..].find(ends).map_or(text.len(), |i| start + i);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_checked_before_anything_connects() {
        for (text, want) in [
            ("http://127.0.0.1:8181", "http://127.0.0.1:8181"),
            ("http://127.0.0.1:8181/", "http://127.0.0.1:8181"),
            ("https://h/prefix/", "https://h/prefix"),
            ("http://[::1]:8181", "http://[::1]:8181"),
            ("HTTP://Example.COM:80/A", "http://example.com/A"),
        ] {
            assert_eq!(HostUrl::parse(text).unwrap().as_str(), want, "{text}");
        }
        let parse = |t: &str| HostUrl::parse(t).unwrap_err();
        for bad in [
            "http://127.0.0.1:abc",
            "http://127.0.0.1:99999",
            "http://127.0.0.1:65536",
            "http://[::1",
            "http://",
            "127.0.0.1:8181",
        ] {
            assert!(matches!(parse(bad), HostUrlError::Parse(_)), "{bad}");
        }
        assert_eq!(parse("http://127.0.0.1:"), HostUrlError::EmptyPort);
        assert_eq!(parse("http://127.0.0.1:/x"), HostUrlError::EmptyPort);
        assert_eq!(parse("http:127.0.0.1:"), HostUrlError::EmptyPort);
        assert_eq!(parse("http://h:0"), HostUrlError::PortZero);
        assert_eq!(parse("http://u:p@h"), HostUrlError::Credentials);
        assert_eq!(parse("http://u@h"), HostUrlError::Credentials);
        for text in ["http:u:p@h", "http:/u:p@h", "http:\\\\u:p@h"] {
            assert_eq!(parse(text), HostUrlError::Credentials, "{text}");
        }
        assert_eq!(parse("ops:pw@db:8181"), HostUrlError::Scheme("ops".into()));
        assert_eq!(parse("http://h/?q"), HostUrlError::QueryOrFragment);
        assert_eq!(parse("http://h/#f"), HostUrlError::QueryOrFragment);
        assert_eq!(
            parse("http://h\t:80"),
            HostUrlError::Whitespace { position: 9 }
        );
        assert_eq!(parse("ftp://h"), HostUrlError::Scheme("ftp".into()));
        assert_eq!(
            parse("http://127.0.0.1:abc").to_string(),
            "it is not a valid URL"
        );
        assert_eq!(
            std::error::Error::source(&parse("http://127.0.0.1:abc"))
                .unwrap()
                .to_string(),
            "invalid port number"
        );
    }

    #[test]
    fn credentials_are_masked_and_nothing_else() {
        assert_eq!(mask_credentials("http://u:p@h:1/x"), "http://***@h:1/x");
        // The last `@` of the authority ends the credentials; one in a path does not.
        assert_eq!(mask_credentials("http://a@b:p@w@h"), "http://***@h");
        assert_eq!(mask_credentials("http://h/p?q=a@b"), "http://h/p?q=a@b");
        assert_eq!(mask_credentials("http://h#a@b"), "http://h#a@b");
        assert_eq!(mask_credentials("ftp://@h"), "ftp://***@h");
        // A special scheme needs no `//` before its authority, and takes `\` for `/`.
        for (text, masked) in [
            ("http:u:p@h", "http:***@h"),
            ("http:/u:p@h", "http:/***@h"),
            ("http:\\\\u:p@h/x", "http:\\\\***@h/x"),
            ("HTTPS:///u:p@h", "HTTPS:///***@h"),
            ("http:\\u:p@h\\a@b", "http:\\***@h\\a@b"),
            // A scheme left out: what looks like one is the user name.
            ("ops:pw@db:8181", "***@db:8181"),
            ("u:p@h", "***@h"),
            ("foo:u:p@h", "***@h"),
            // A text no HTTP URL parser reads: up to its last `@`, whatever it is.
            ("u:p@h/a@b", "***@b"),
            ("foo://u:p@h/a@b", "foo://***@b"),
            ("http://u:p#w@h", "http://***@h"),
            ("http//u:p@h", "***@h"),
            ("u:p/x@h", "***@h"),
            ("h/a@b", "***@b"),
        ] {
            assert_eq!(mask_credentials(text), masked, "{text}");
            if HostUrl::parse(text) == Err(HostUrlError::Credentials) {
                assert!(!masked.contains("p@"), "{text}");
            }
        }
        for text in ["http:h", "http:/h/a@b", "ftp:", ":", ""] {
            assert!(matches!(mask_credentials(text), Cow::Borrowed(_)), "{text}");
        }
        assert!(matches!(mask_credentials("http://h:1"), Cow::Borrowed(_)));
    }
}
