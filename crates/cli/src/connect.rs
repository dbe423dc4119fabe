//! The server a command talks to: its URL, TLS options and the admin token, from flags,
//! the environment, a file or standard input, checked before anything is sent.

use std::path::PathBuf;

use clap::ArgMatches;
use influxdb3_provision::{ExecuteOptions, Executed, Failed, Plan, TokenStore as _, execute};
use influxdb3_token::Token;
use influxdb3_token_client::{
    Client, ClientError, ClientWarning, DEFAULT_HOST, HostUrl, ServerStore, TokenInputError,
    mask_credentials, read_token_line,
};
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
        let plan = crate::confirm::confirmed(plan, yes)?;
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
        request_error(&self.host, self.had_token, e, action, name)
    }
}

/// A failed request to `host`, with what to do about it.
fn request_error(
    host: &HostUrl,
    had_token: bool,
    e: &ClientError,
    action: Action,
    name: &str,
) -> CliError {
    let https = host.is_https();
    let host = host.as_str();
    CliError::from_client(
        e,
        &Request {
            action,
            name,
            host,
            https,
            had_token,
        },
    )
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
            let unread = |cause: &dyn std::fmt::Display| {
                CliError::usage(format!("cannot read the admin token from standard input: {cause}"))
            };
            let token = read_token_line(std::io::stdin().lock()).map_err(|e| match e {
                TokenInputError::NotAToken(e) => not_a_token("read from standard input", e),
                TokenInputError::Read(e) => unread(&e),
                e => unread(&chain(&e)),
            })?;
            (Some(token), None)
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

/// A yes/no setting as people write it on a command line or in an environment variable
/// (`INFLUXDB3_TLS_NO_VERIFY`): `true`, `1`, `yes`, `on` and `false`, `0`, `no`, `off`, in
/// any case; `None` for anything else.
fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

pub(crate) fn online(server: Server, m: &ArgMatches) -> Result<Online, CliError> {
    let host_text = value(m, "host", Some(&server.host)).unwrap_or(DEFAULT_HOST);
    let host = HostUrl::parse(host_text).map_err(|e| {
        CliError::usage(format!(
            "invalid --host {}: {}",
            quote(&mask_credentials(host_text)),
            chain(&e)
        ))
        .kind(Kind::InvalidHost)
        .hint("the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix")
    })?;
    let no_verify = match value(m, "tls_no_verify", server.tls_no_verify.as_deref()) {
        Some(text) => parse_bool(text).ok_or_else(|| {
            CliError::usage(format!(
                "invalid value {} for --tls-no-verify (INFLUXDB3_TLS_NO_VERIFY): use true/false, 1/0, yes/no or on/off",
                quote(text)
            ))
        })?,
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
    let mut warnings: Vec<String> = token_warning.into_iter().collect();
    warnings.extend(builder.warnings().iter().map(|w| match w {
        ClientWarning::Unverified => format!("--tls-no-verify: {w}"),
        _ => w.to_string(),
    }));
    let client = builder
        .build()
        .map_err(|e| request_error(&host, had_token, &e, Action::Create, ""))?;
    Ok(Online {
        client,
        host,
        had_token,
        warnings,
    })
}
