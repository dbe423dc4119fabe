//! The options of the `influxdb3` command that say how to reach a server (`--host`,
//! `--token`, `--token-file`, `--tls-ca`, `--tls-no-verify` and their environment
//! variables), turned into a client by the rules the command follows, for a program that
//! takes the same options.

use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use influxdb3_token::{Quoted, Token, TokenError};

use crate::client::Client;
use crate::error::ClientError;
use crate::host::{DEFAULT_HOST, HostUrl, HostUrlError, mask_credentials};
use crate::settings::{ClientWarning, TokenInputError, read_token_line};

/// Where an option's value was given, which decides what an admin token given twice
/// means and whether a token is warned about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// On the command line (`--token`), where every user of the machine can read it
    /// (`ps`).
    CommandLine,
    /// In an environment variable (`INFLUXDB3_AUTH_TOKEN`).
    Environment,
}

/// Where an admin token that is no token was given ([`ConnectError::NotAToken`]); a
/// file's token is read by the caller ([`ServerOptions::connect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenFrom {
    /// `--token VALUE`.
    Flag,
    /// `--token -`: the first line of standard input.
    Stdin,
    /// `INFLUXDB3_AUTH_TOKEN`.
    Variable,
}

impl fmt::Display for TokenFrom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenFrom::Flag => "given with --token",
            TokenFrom::Stdin => "read from standard input",
            TokenFrom::Variable => "in INFLUXDB3_AUTH_TOKEN",
        })
    }
}

/// Why [`ServerOptions::connect`] made no client. Nothing was sent; no secret is in it.
/// `F` is the error of the caller's reader of a token file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectError<F> {
    /// The host URL cannot be used.
    #[error("invalid --host {}", Quoted(host))]
    Host {
        /// The URL given, its credentials masked ([`mask_credentials`]).
        host: String,
        /// What is wrong with it.
        #[source]
        source: HostUrlError,
    },
    /// `--tls-no-verify` is neither yes nor no.
    #[error(
        "invalid value {} for --tls-no-verify (INFLUXDB3_TLS_NO_VERIFY): use true/false, 1/0, yes/no or on/off",
        Quoted(text)
    )]
    NoVerify {
        /// The value given.
        text: String,
    },
    /// The admin token is given by both a token and a token file of the same origin
    /// (two flags, or two variables).
    #[error("the admin token is given twice, by {}: give it once", match origin {
        Origin::CommandLine => "--token and by --token-file",
        Origin::Environment => "INFLUXDB3_AUTH_TOKEN and by INFLUXDB3_AUTH_TOKEN_FILE",
    })]
    TokenTwice {
        /// Where both were given.
        origin: Origin,
    },
    /// The admin token given is no token (it is never shown).
    #[error("the admin token {from} is not a token")]
    NotAToken {
        /// Where it was given.
        from: TokenFrom,
        /// What is wrong with it.
        #[source]
        source: TokenError,
    },
    /// No line could be read from standard input (`--token -`): it failed, or its line
    /// is too long or not UTF-8.
    #[error("cannot read the admin token from standard input")]
    Stdin(#[source] TokenInputError),
    /// The caller's reader refused the token file.
    #[error("cannot use the admin token file")]
    TokenFile {
        /// The file.
        path: PathBuf,
        /// Why the reader refused it.
        #[source]
        source: F,
    },
    /// The client cannot be built: a CA that cannot be used ([`ClientError::TlsCa`]).
    #[error(transparent)]
    Client(ClientError),
}

/// A client made by [`ServerOptions::connect`], and the risks its options take.
#[derive(Debug)]
#[non_exhaustive]
pub struct Connection {
    /// The client.
    pub client: Client,
    /// What to show before anything is sent, in this order:
    /// [`ClientWarning::TokenOnCommandLine`], then the builder's
    /// ([`ClientBuilder::warnings`](crate::ClientBuilder::warnings)).
    pub warnings: Vec<ClientWarning>,
}

/// How the `influxdb3` command reaches a server: each option stands for a flag and its
/// environment variable, and [`connect`](ServerOptions::connect) applies the command's
/// rules to them. Each setter takes what was set, `None` for nothing: a flag's value
/// rather than its variable's; an empty variable counts as unset, so give `None` for it.
///
/// The admin token has one source: `--token VALUE` (warned about: every user of the
/// machine can read it), `--token -` (the first line of standard input), `--token-file`
/// (`INFLUXDB3_AUTH_TOKEN_FILE`) or `INFLUXDB3_AUTH_TOKEN`. A flag wins over a variable;
/// two flags, or two variables, are refused. A token file is read by the caller's
/// reader, such as `influxdb3_tokenfile::read_private_token`, which refuses a file its
/// group or others may read.
///
/// # Example
///
/// ```
/// use influxdb3_testserver::TestServer;
/// use influxdb3_token_client::{Origin, ServerOptions};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # use std::os::unix::fs::PermissionsExt as _;
/// # let server = TestServer::builder().start()?;
/// # let dir = tempfile::tempdir()?;
/// # let secret = dir.path().join("admin-token");
/// # let admin = server.add_admin_token("ops")?;
/// # std::fs::write(&secret, admin.expose_secret())?;
/// # std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600))?;
/// let connection = ServerOptions::new()
///     .host(Some(server.url())) // `--host`, or `INFLUXDB3_HOST_URL`
///     .token_file(Some(&secret), Origin::Environment) // `INFLUXDB3_AUTH_TOKEN_FILE`
///     .connect(|path| influxdb3_tokenfile::read_private_token(path))?;
/// for warning in &connection.warnings {
///     eprintln!("warning: {warning}"); // none here
/// }
/// assert!(connection.client.has_admin_token());
/// let tokens = connection.client.list_tokens()?;
/// assert!(tokens.iter().any(|t| t.name == "ops"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
pub struct ServerOptions {
    host: Option<String>,
    token: Option<(String, Origin)>,
    token_file: Option<(PathBuf, Origin)>,
    tls_ca: Option<PathBuf>,
    tls_no_verify: Option<String>,
}

impl fmt::Debug for ServerOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = self.token.as_ref().map(|(_, origin)| ("***", origin));
        f.debug_struct("ServerOptions")
            .field("host", &self.host)
            .field("token", &token)
            .field("token_file", &self.token_file)
            .field("tls_ca", &self.tls_ca)
            .field("tls_no_verify", &self.tls_no_verify)
            .finish()
    }
}

/// Where the admin token is, once its one source is known.
enum Source<'a> {
    Literal(&'a str),
    Stdin,
    File(&'a Path),
    Environment(&'a str),
}

impl ServerOptions {
    /// No option set: the default host ([`DEFAULT_HOST`]), no admin token.
    pub fn new() -> ServerOptions {
        ServerOptions::default()
    }

    /// The server's URL (`--host`, `INFLUXDB3_HOST_URL`; `None`: [`DEFAULT_HOST`]),
    /// checked by [`connect`](ServerOptions::connect) as [`HostUrl::parse`] checks it.
    #[must_use]
    pub fn host(mut self, url: Option<impl Into<String>>) -> ServerOptions {
        self.host = url.map(Into::into);
        self
    }

    /// The admin token (`--token`, `INFLUXDB3_AUTH_TOKEN`): on the command line, `-`
    /// reads it from standard input, and any other value is warned about
    /// ([`ClientWarning::TokenOnCommandLine`]).
    #[must_use]
    pub fn token(mut self, value: Option<impl Into<String>>, origin: Origin) -> ServerOptions {
        self.token = value.map(|v| (v.into(), origin));
        self
    }

    /// A file whose first line is the admin token (`--token-file`,
    /// `INFLUXDB3_AUTH_TOKEN_FILE`). An empty path names no file, but a flag given
    /// with one still counts as given.
    #[must_use]
    pub fn token_file(mut self, path: Option<impl Into<PathBuf>>, origin: Origin) -> ServerOptions {
        self.token_file = path.map(|p| (p.into(), origin));
        self
    }

    /// A CA certificate to trust as well as the usual roots (`--tls-ca`,
    /// `INFLUXDB3_TLS_CA`), as [`ClientBuilder::tls_ca_file`](crate::ClientBuilder::tls_ca_file)
    /// takes it. An empty path names no file.
    #[must_use]
    pub fn tls_ca(mut self, path: Option<impl Into<PathBuf>>) -> ServerOptions {
        self.tls_ca = path.map(Into::into);
        self
    }

    /// Whether to skip verifying the server's certificate (`--tls-no-verify`,
    /// `INFLUXDB3_TLS_NO_VERIFY`; `None`: no): `true`, `1`, `yes`, `on` or `false`, `0`,
    /// `no`, `off`, in any case.
    #[must_use]
    pub fn tls_no_verify(mut self, value: Option<impl Into<String>>) -> ServerOptions {
        self.tls_no_verify = value.map(Into::into);
        self
    }

    /// The client these options configure, and the warnings to show before anything is
    /// sent. The host is checked first, then `--tls-no-verify`, then the admin token is
    /// taken from its one source (standard input read here, a token file read by
    /// `read_file`), then the client is built. Nothing is sent.
    ///
    /// # Errors
    ///
    /// [`ConnectError`] for the first option that cannot be used: the host, the value of
    /// `--tls-no-verify`, an admin token given twice or not a token, standard input that
    /// cannot be read, a token file `read_file` refuses, a CA that cannot be used.
    pub fn connect<F>(
        self,
        read_file: impl FnOnce(&Path) -> Result<Token, F>,
    ) -> Result<Connection, ConnectError<F>> {
        self.connect_reading(|| std::io::stdin().lock(), read_file)
    }

    /// [`connect`](ServerOptions::connect), with `stdin` for standard input.
    fn connect_reading<F, R: BufRead>(
        self,
        stdin: impl FnOnce() -> R,
        read_file: impl FnOnce(&Path) -> Result<Token, F>,
    ) -> Result<Connection, ConnectError<F>> {
        let text = self.host.as_deref().unwrap_or(DEFAULT_HOST);
        let host = HostUrl::parse(text).map_err(|source| ConnectError::Host {
            host: mask_credentials(text).into_owned(),
            source,
        })?;
        let no_verify = match &self.tls_no_verify {
            Some(text) => {
                parse_bool(text).ok_or_else(|| ConnectError::NoVerify { text: text.clone() })?
            }
            None => false,
        };
        let not_a_token = |from| move |source| ConnectError::NotAToken { from, source };
        let mut warnings = Vec::new();
        let token = match self.token_source()? {
            None => None,
            Some(Source::Literal(text)) => {
                warnings.push(ClientWarning::TokenOnCommandLine);
                Some(Token::parse_lenient(text).map_err(not_a_token(TokenFrom::Flag))?)
            }
            Some(Source::Environment(text)) => {
                Some(Token::parse_lenient(text).map_err(not_a_token(TokenFrom::Variable))?)
            }
            Some(Source::Stdin) => Some(read_token_line(stdin()).map_err(|e| match e {
                TokenInputError::NotAToken(source) => not_a_token(TokenFrom::Stdin)(source),
                e => ConnectError::Stdin(e),
            })?),
            Some(Source::File(path)) => {
                Some(read_file(path).map_err(|source| ConnectError::TokenFile {
                    path: path.to_path_buf(),
                    source,
                })?)
            }
        };
        let mut builder = Client::builder(host).no_verify(no_verify);
        if let Some(token) = token {
            builder = builder.admin_token(token);
        }
        if let Some(ca) = self.tls_ca.filter(|p| !p.as_os_str().is_empty()) {
            builder = builder.tls_ca_file(ca);
        }
        warnings.extend(builder.warnings());
        let client = builder.build().map_err(ConnectError::Client)?;
        Ok(Connection { client, warnings })
    }

    /// The one source of the admin token: a flag wins over a variable; two flags, or two
    /// variables, are refused.
    fn token_source<F>(&self) -> Result<Option<Source<'_>>, ConnectError<F>> {
        let on_line = |origin: Option<Origin>| origin == Some(Origin::CommandLine);
        let (token_origin, file_origin) = (
            self.token.as_ref().map(|(_, o)| *o),
            self.token_file.as_ref().map(|(_, o)| *o),
        );
        let token = self
            .token
            .as_ref()
            .map(|(text, origin)| match (text.as_str(), origin) {
                ("-", Origin::CommandLine) => Source::Stdin,
                (text, Origin::CommandLine) => Source::Literal(text),
                (text, Origin::Environment) => Source::Environment(text),
            });
        let file = self
            .token_file
            .as_ref()
            .filter(|(path, _)| !path.as_os_str().is_empty())
            .map(|(path, _)| Source::File(path));
        let twice = |origin| Err(ConnectError::TokenTwice { origin });
        match (on_line(token_origin), on_line(file_origin), token, file) {
            (true, true, ..) => twice(Origin::CommandLine),
            (true, false, token, _) => Ok(token),
            (false, true, _, file) => Ok(file),
            (false, false, Some(_), Some(_)) => twice(Origin::Environment),
            (false, false, one, None) | (false, false, None, one) => Ok(one),
        }
    }
}

/// A yes/no option as people write it on a command line or in an environment variable:
/// `true`, `1`, `yes`, `on` and `false`, `0`, `no`, `off`, in any case; `None` for
/// anything else.
fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token file reader that is never called.
    fn no_file(path: &Path) -> Result<Token, std::io::Error> {
        panic!("no token file should be read, not {}", path.display())
    }

    fn token(c: char) -> String {
        format!("apiv3_{}", c.to_string().repeat(86))
    }

    /// What `options` come to when standard input is empty and no file may be read.
    fn without_file(options: ServerOptions) -> Result<Connection, ConnectError<std::io::Error>> {
        options.connect_reading(|| &b""[..], no_file)
    }

    /// What `options` come to, standard input holding `stdin`, a token file holding the
    /// token of `f`.
    fn connect(
        options: ServerOptions,
        stdin: &str,
    ) -> Result<Connection, ConnectError<std::io::Error>> {
        options.connect_reading(
            || stdin.as_bytes(),
            |_| Ok(Token::parse_lenient(&token('f')).unwrap()),
        )
    }

    fn message<F: std::error::Error + 'static>(e: &ConnectError<F>) -> String {
        influxdb3_text::chain(e)
    }

    #[test]
    fn yes_and_no_are_read_as_people_write_them() {
        for yes in ["true", "1", "yes", "on", "TRUE", "Yes", "oN"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["false", "0", "no", "off", "FALSE", "No", "OFF"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        for neither in ["", "y", "2", "enable", " true"] {
            assert_eq!(parse_bool(neither), None, "{neither}");
        }
    }

    #[test]
    fn the_defaults_reach_the_default_host_without_a_token() {
        let c = connect(ServerOptions::new(), "").unwrap();
        assert_eq!(c.client.host().as_str(), DEFAULT_HOST);
        assert!(!c.client.has_admin_token());
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn a_host_is_checked_and_shown_without_its_credentials() {
        let e = connect(ServerOptions::new().host(Some("http://ops:pw@db:8181")), "").unwrap_err();
        assert!(matches!(
            &e,
            ConnectError::Host { host, source: HostUrlError::Credentials } if host == "http://***@db:8181"
        ));
        assert_eq!(
            message(&e),
            "invalid --host `http://***@db:8181`: it holds credentials: give the admin token with the token options, never in the URL"
        );
        let c = connect(
            ServerOptions::new().host(Some("https://db:8181/influx/")),
            "",
        )
        .unwrap();
        assert_eq!(c.client.host().as_str(), "https://db:8181/influx");
    }

    #[test]
    fn tls_no_verify_takes_yes_or_no_and_warns_on_https() {
        let e = connect(ServerOptions::new().tls_no_verify(Some("maybe")), "").unwrap_err();
        assert!(matches!(&e, ConnectError::NoVerify { text } if text == "maybe"));
        assert_eq!(
            message(&e),
            "invalid value `maybe` for --tls-no-verify (INFLUXDB3_TLS_NO_VERIFY): use true/false, 1/0, yes/no or on/off"
        );
        let https = ServerOptions::new().host(Some("https://db:8181"));
        let c = connect(https.clone().tls_no_verify(Some("Yes")), "").unwrap();
        assert_eq!(c.warnings, [ClientWarning::Unverified]);
        let c = connect(https.tls_no_verify(Some("off")), "").unwrap();
        assert!(c.warnings.is_empty());
        // Over plain http there is no certificate to skip.
        let c = connect(ServerOptions::new().tls_no_verify(Some("on")), "").unwrap();
        assert!(c.warnings.is_empty());
    }

    #[test]
    fn the_admin_token_has_one_source_a_flag_winning_over_a_variable() {
        use Origin::{CommandLine as Flag, Environment as Var};
        let (t, e) = (token('t'), token('e'));
        // Each source alone; a literal on the command line is warned about.
        let c = connect(ServerOptions::new().token(Some(&t), Flag), "").unwrap();
        assert_eq!(c.warnings, [ClientWarning::TokenOnCommandLine]);
        assert!(c.client.has_admin_token());
        assert_eq!(
            ClientWarning::TokenOnCommandLine.to_string(),
            "the admin token was given on the command line, where every user of this machine can read it (`ps`): pass it with --token-file FILE, --token - (standard input) or INFLUXDB3_AUTH_TOKEN_FILE"
        );
        let c = connect(ServerOptions::new().token(Some(&e), Var), "").unwrap();
        assert!(c.warnings.is_empty() && c.client.has_admin_token());
        let c = connect(
            ServerOptions::new().token(Some("-"), Flag),
            &format!("{t}\n"),
        )
        .unwrap();
        assert!(c.warnings.is_empty() && c.client.has_admin_token());
        for origin in [Flag, Var] {
            let c = connect(ServerOptions::new().token_file(Some("admin"), origin), "").unwrap();
            assert!(c.warnings.is_empty() && c.client.has_admin_token());
        }
        // A flag wins over the other variable.
        let c = without_file(
            ServerOptions::new()
                .token(Some(&t), Flag)
                .token_file(Some("f"), Var),
        )
        .unwrap();
        assert_eq!(c.warnings, [ClientWarning::TokenOnCommandLine]);
        let c = connect(
            ServerOptions::new()
                .token(Some(&e), Var)
                .token_file(Some("f"), Flag),
            "",
        )
        .unwrap();
        assert!(c.warnings.is_empty() && c.client.has_admin_token());
        // Two flags, or two variables, are refused, naming both.
        for (origin, named) in [
            (Flag, "--token and by --token-file"),
            (Var, "INFLUXDB3_AUTH_TOKEN and by INFLUXDB3_AUTH_TOKEN_FILE"),
        ] {
            let options = ServerOptions::new().token(Some(&t), origin);
            let e = without_file(options.token_file(Some("f"), origin)).unwrap_err();
            assert!(matches!(e, ConnectError::TokenTwice { origin: o } if o == origin));
            assert_eq!(
                message(&e),
                format!("the admin token is given twice, by {named}: give it once")
            );
        }
        // An empty path names no file; as a flag, it is still given.
        assert!(
            without_file(
                ServerOptions::new()
                    .token(Some(&e), Var)
                    .token_file(Some(""), Var)
            )
            .is_ok()
        );
        let e = without_file(
            ServerOptions::new()
                .token(Some(&t), Flag)
                .token_file(Some(""), Flag),
        );
        assert!(matches!(e, Err(ConnectError::TokenTwice { .. })));
        let c = without_file(ServerOptions::new().token_file(Some(""), Flag)).unwrap();
        assert!(!c.client.has_admin_token());
    }

    #[test]
    fn an_admin_token_that_is_no_token_says_where_it_came_from_and_never_shows() {
        use Origin::{CommandLine as Flag, Environment as Var};
        let secret = "apiv3_not a secret to show";
        for (options, stdin, from) in [
            (
                ServerOptions::new().token(Some(secret), Flag),
                "",
                TokenFrom::Flag,
            ),
            (
                ServerOptions::new().token(Some(secret), Var),
                "",
                TokenFrom::Variable,
            ),
            (
                ServerOptions::new().token(Some("-"), Flag),
                secret,
                TokenFrom::Stdin,
            ),
        ] {
            let e = connect(options, stdin).unwrap_err();
            assert!(matches!(e, ConnectError::NotAToken { from: f, .. } if f == from));
            let shown = message(&e);
            assert!(shown.starts_with(&format!("the admin token {from} is not a token: ")));
            assert!(!shown.contains("secret") && !format!("{e:?}").contains("secret"));
        }
        // `-` is standard input only on the command line.
        let e = connect(ServerOptions::new().token(Some("-"), Var), "").unwrap_err();
        assert!(matches!(
            e,
            ConnectError::NotAToken {
                from: TokenFrom::Variable,
                ..
            }
        ));
        // Standard input that holds no line a token could be.
        let long = "x".repeat(300);
        let e = connect(ServerOptions::new().token(Some("-"), Flag), &long).unwrap_err();
        assert_eq!(
            message(&e),
            "cannot read the admin token from standard input: the line read is longer than 256 bytes"
        );
    }

    #[test]
    fn a_token_file_is_read_by_the_callers_reader_and_its_refusal_kept() {
        let options =
            ServerOptions::new().token_file(Some("/run/secrets/admin"), Origin::Environment);
        let e = options
            .connect_reading(|| &b""[..], |_| Err(std::io::Error::other("mode 0644")))
            .unwrap_err();
        assert!(
            matches!(&e, ConnectError::TokenFile { path, .. } if path == Path::new("/run/secrets/admin"))
        );
        assert_eq!(message(&e), "cannot use the admin token file: mode 0644");
    }

    #[test]
    fn a_ca_is_read_when_the_client_is_built_and_an_empty_path_names_none() {
        assert!(connect(ServerOptions::new().tls_ca(Some("")), "").is_ok());
        let e = connect(ServerOptions::new().tls_ca(Some("/nonexistent/ca.pem")), "").unwrap_err();
        assert!(matches!(e, ConnectError::Client(ClientError::TlsCa { .. })));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let options = ServerOptions::new().token(Some(token('s')), Origin::CommandLine);
        assert!(!format!("{options:?}").contains("sss"));
    }
}
