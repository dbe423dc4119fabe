//! The server a command talks to: its URL, TLS options and the admin token, from flags,
//! the environment, a file or standard input, checked before anything is sent.

use std::io::BufRead as _;
use std::path::PathBuf;

use clap::ArgMatches;
use influxdb3_provision::{ExecuteOptions, Executed, Failed, Plan, TokenStore as _, execute};
use influxdb3_token::Token;
use influxdb3_token_client::{Client, ClientError, DEFAULT_HOST, HostUrl, ServerStore};
use influxdb3_tokenfile::TokenFileError;

use crate::args::Server;
use crate::error::{Action, CliError, Kind, Request, chain};
use crate::options::{on_command_line, value};
use crate::quote::{command, quote};

/// A configured client and what to say about it.
#[derive(Debug)]
pub(crate) struct Online {
    pub(crate) client: Client,
    pub(crate) host: HostUrl,
    pub(crate) had_token: bool,
    /// Warnings to show before the request (`--tls-no-verify` on an https host, a token
    /// on the command line).
    pub(crate) warnings: Vec<String>,
}

impl Online {
    /// Carries `plan` out on the server: checked first, then `warnings` shown, then
    /// confirmed (`yes`, or asked on a terminal); a failed step is the error of its
    /// request.
    pub(crate) fn execute(
        &self,
        plan: Plan,
        yes: bool,
        warnings: &mut Vec<String>,
    ) -> Result<Executed<ClientError>, CliError> {
        let mut store = ServerStore::new(&self.client);
        // What the server cannot do is refused before anything is shown or asked.
        plan.check(store.capabilities())
            .map_err(|e| CliError::from_plan(&e))?;
        crate::output::warn_all(warnings);
        let plan = crate::confirm::confirmed(plan, yes, false)?;
        let executed = execute(
            &plan,
            &mut store,
            ExecuteOptions::default(),
            &mut |_| Ok(()),
        );
        match &executed.report.failed {
            Some(failed) => Err(self.failed(&plan, failed)),
            None => Ok(executed),
        }
    }

    /// The error of a plan's step that failed on the server: its request's, named by
    /// its token.
    pub(crate) fn failed(&self, plan: &Plan, failed: &Failed<ClientError>) -> CliError {
        let step = failed.step.and_then(|i| plan.steps().get(i));
        CliError::from_step(&failed.cause, |e| {
            let name = failed.name.as_deref().unwrap_or_default();
            self.error(e, step.map_or(Action::Create, Action::of), name)
        })
    }

    /// A failed request, with what to do about it.
    pub(crate) fn error(&self, e: &ClientError, action: Action, name: &str) -> CliError {
        CliError::from_client(
            e,
            &Request {
                action,
                name,
                host: self.host.as_str(),
                https: self.host.is_https(),
                had_token: self.had_token,
            },
        )
    }
}

/// The most read of a token given on standard input, in bytes (a minted token is 92).
const MAX_TOKEN_INPUT: u64 = 256;

/// `text` with anything between `://` and an `@` of its authority shown as `***`: a
/// host URL that holds credentials is refused, and its password is not repeated.
fn without_credentials(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***{}", &rest[at..]),
        None => text.to_owned(),
    }
}

/// `true`/`false` as a flag's value or an environment variable: `true`, `1`, `yes`,
/// `on` and their opposites, in any case; anything else is refused.
fn boolean(flag: &str, text: &str) -> Result<bool, CliError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err(CliError::usage(format!(
            "invalid value {} for {flag}: use true/false, 1/0, yes/no or on/off",
            quote(text)
        ))),
    }
}

/// Where the admin token came from.
enum Source {
    /// `--token VALUE` on the command line, where every user can read it.
    Literal(String),
    /// `--token -`.
    Stdin,
    /// `--token-file` or `INFLUXDB3_AUTH_TOKEN_FILE`.
    File(PathBuf),
    /// `INFLUXDB3_AUTH_TOKEN`.
    Environment(String),
}

/// The one source of the admin token: a flag wins over a variable; two flags, or two
/// variables, are a usage error naming both.
fn token_source(server: &Server, m: &ArgMatches) -> Result<Option<Source>, CliError> {
    let on_line = |id| on_command_line(m, id);
    let token = value(m, "token", server.token.as_deref()).map(|t| match (t, on_line("token")) {
        ("-", true) => Source::Stdin,
        (t, true) => Source::Literal(t.to_owned()),
        (t, false) => Source::Environment(t.to_owned()),
    });
    let file = server
        .token_file
        .as_ref()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| Source::File(p.clone()));
    let both = |a: &str, b: &str| {
        CliError::usage(format!(
            "the admin token is given twice, by {a} and by {b}: give it once"
        ))
        .kind(Kind::TokenTwice)
    };
    match (on_line("token"), on_line("token_file"), token, file) {
        (true, true, ..) => Err(both("--token", "--token-file")),
        (true, false, token, _) => Ok(token),
        (false, true, _, file) => Ok(file),
        (false, false, Some(_), Some(_)) => {
            Err(both("INFLUXDB3_AUTH_TOKEN", "INFLUXDB3_AUTH_TOKEN_FILE"))
        }
        (false, false, one, None) | (false, false, None, one) => Ok(one),
    }
}

/// The admin token from its source, and a warning when it was on the command line.
fn admin_token(
    server: &Server,
    m: &ArgMatches,
) -> Result<(Option<Token>, Option<String>), CliError> {
    let not_a_token = |from: &str, e: influxdb3_token::TokenError| {
        CliError::usage(format!("the admin token {from} is not a token: {e}"))
            .kind(Kind::InvalidToken)
    };
    Ok(match token_source(server, m)? {
        None => (None, None),
        Some(Source::Literal(text)) => (
            Some(Token::parse_lenient(&text).map_err(|e| not_a_token("given with --token", e))?),
            Some("the admin token was given on the command line, where every user of this machine can read it (`ps`): pass it with --token-file FILE, --token - (standard input) or INFLUXDB3_AUTH_TOKEN_FILE".to_owned()),
        ),
        Some(Source::Environment(text)) => (
            Some(Token::parse_lenient(&text).map_err(|e| not_a_token("in INFLUXDB3_AUTH_TOKEN", e))?),
            None,
        ),
        Some(Source::Stdin) => {
            // A token is short: at most a line of `MAX_TOKEN_INPUT` bytes is read.
            let mut line = String::new();
            std::io::Read::take(std::io::stdin().lock(), MAX_TOKEN_INPUT)
                .read_line(&mut line)
                .map_err(|e| {
                    CliError::usage(format!(
                        "cannot read the admin token from standard input: {e}"
                    ))
                })?;
            let line = line.trim_end_matches(['\n', '\r']);
            (
                Some(Token::parse_lenient(line).map_err(|e| not_a_token("read from standard input", e))?),
                None,
            )
        }
        Some(Source::File(path)) => (Some(token_from_file(&path)?), None),
    })
}

/// The first line of a token file that only its owner may read.
fn token_from_file(path: &std::path::Path) -> Result<Token, CliError> {
    influxdb3_tokenfile::read_private_token(path).map_err(|e| {
        let err = CliError::usage(format!("cannot use the admin token file: {}", chain(&e)))
            .kind(Kind::TokenFile);
        match e {
            TokenFileError::Readable { .. } => err.hint(format!(
                "make it private: {}",
                command("chmod 600 {}", &[("FILE", path.as_os_str())])
            )),
            _ => err,
        }
    })
}

pub(crate) fn online(server: Server, m: &ArgMatches) -> Result<Online, CliError> {
    let host_text = value(m, "host", Some(&server.host)).unwrap_or(DEFAULT_HOST);
    let host = HostUrl::parse(host_text).map_err(|e| {
        CliError::usage(format!(
            "invalid --host {}: {}",
            quote(&without_credentials(host_text)),
            chain(&e)
        ))
        .kind(Kind::InvalidHost)
        .hint("the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix")
    })?;
    let no_verify = match value(m, "tls_no_verify", server.tls_no_verify.as_deref()) {
        Some(text) => boolean("--tls-no-verify (INFLUXDB3_TLS_NO_VERIFY)", text)?,
        None => false,
    };
    let (token, token_warning) = admin_token(&server, m)?;
    let had_token = token.is_some();
    let mut builder = Client::builder(host.clone()).no_verify(no_verify);
    if let Some(token) = token {
        builder = builder.admin_token(token);
    }
    if let Some(ca) = server.tls_ca.filter(|p| !(p.as_os_str().is_empty())) {
        builder = builder.tls_ca_file(ca);
    }
    let client = builder.build().map_err(|e| {
        CliError::from_client(
            &e,
            &Request {
                action: Action::Create,
                name: "",
                host: host.as_str(),
                https: host.is_https(),
                had_token,
            },
        )
    })?;
    let mut warnings: Vec<String> = token_warning.into_iter().collect();
    if no_verify && host.is_https() {
        warnings.push("--tls-no-verify: the server's certificate is not checked, so anyone on the network path can read the admin token".to_owned());
    }
    Ok(Online {
        client,
        host,
        had_token,
        warnings,
    })
}
