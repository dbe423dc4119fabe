//! The server a command talks to: the flags and variables of [`Server`] given to the
//! client's [`ServerOptions`], which checks them and reads the admin token before
//! anything is sent; here, its errors become the command's.

use clap::ArgMatches;
use influxdb3_provision::{ExecuteOptions, Executed, Failed, Plan, TokenStore as _, execute};
use influxdb3_token_client::{
    Client, ClientError, ClientWarning, ConnectError, Origin, ServerOptions, ServerStore,
};
use influxdb3_tokenfile::TokenFileError;

use crate::args::Server;
use crate::error::{Action, CliError, Kind, chain};
use crate::options::{on_command_line, value};
use crate::quote::command;

/// A configured client and what to say about it.
#[derive(Debug)]
pub(crate) struct Online {
    pub(crate) client: Client,
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
        CliError::from_client(e, action, name, Some(&self.client))
    }
}

/// The client the options of `server` configure, the admin token read from its one
/// source (a token file by `influxdb3_tokenfile`, which refuses one others may read).
pub(crate) fn online(server: Server, m: &ArgMatches) -> Result<Online, CliError> {
    let origin = |id| {
        if on_command_line(m, id) {
            Origin::CommandLine
        } else {
            Origin::Environment
        }
    };
    let options = ServerOptions::new()
        .host(value(m, "host", Some(&server.host)))
        .token(value(m, "token", server.token.as_deref()), origin("token"))
        .token_file(server.token_file, origin("token_file"))
        .tls_ca(server.tls_ca)
        .tls_no_verify(value(m, "tls_no_verify", server.tls_no_verify.as_deref()));
    let connection = options
        .connect(|path| influxdb3_tokenfile::read_private_token(path))
        .map_err(|e| refused(&e))?;
    let warnings = connection.warnings.iter().map(|w| match w {
        ClientWarning::Unverified => format!("--tls-no-verify: {w}"),
        _ => w.to_string(),
    });
    Ok(Online {
        warnings: warnings.collect(),
        client: connection.client,
    })
}

/// Options that configure no client, with what to do about them.
fn refused(e: &ConnectError<TokenFileError>) -> CliError {
    let usage = CliError::usage(chain(e));
    match e {
        ConnectError::Host { .. } => usage.kind(Kind::InvalidHost).hint(
            "the host is `http(s)://HOST:PORT`, as in `http://127.0.0.1:8181`, with an optional path prefix",
        ),
        ConnectError::TokenTwice { .. } => usage.kind(Kind::TokenTwice),
        ConnectError::NotAToken { .. } => usage.kind(Kind::InvalidToken),
        ConnectError::TokenFile {
            path,
            source: TokenFileError::Readable { .. },
        } => usage.kind(Kind::TokenFile).hint(format!(
            "make it private: {}",
            command("chmod 600 {}", &[("FILE", path.as_os_str())])
        )),
        ConnectError::TokenFile { .. } => usage.kind(Kind::TokenFile),
        // Only a CA that cannot be used fails here: no request was made.
        ConnectError::Client(e) => CliError::from_client(e, Action::Create, "", None),
        _ => usage,
    }
}
