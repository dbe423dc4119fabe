//! A failed request, as the user reads it: the client's message, with the exit code,
//! kind and hint chosen here by variant.

use influxdb3_provision::delete_command;
use influxdb3_token_client::{Client, ClientError, HostUrl, Phase, RequestError, TlsFailure};

use super::{Action, CliError, Exit, Kind, chain};
use crate::quote::quote;

impl CliError {
    /// A failed request, with what to do about it. `action` says what was asked, for
    /// the hints about a request that may or may not have been carried out.
    #[allow(clippy::too_many_lines)] // one table: an exit code, kind and hint per variant
    pub(crate) fn from_client(
        e: &ClientError,
        action: Action,
        name: &str,
        client: Option<&Client>,
    ) -> CliError {
        let message = chain(e);
        let host = client.map(Client::host);
        let sent_hint = || {
            let (what, check) = match action {
                Action::Create => ("created", "check for it on the server"),
                Action::Delete => ("deleted", "check for it on the server"),
                Action::Regenerate => ("regenerated", "try the old token"),
                Action::List => {
                    return "listing tokens changes nothing: try again".to_owned();
                }
            };
            format!(
                "the request was sent, so token {} may or may not have been {what}: {check} before you try again",
                quote(name)
            )
        };
        match e {
            ClientError::TlsCa { .. } => CliError::usage(message).kind(Kind::InvalidCa),
            ClientError::InvalidRequest(RequestError::ReservedName) => CliError::usage(message)
                .kind(Kind::ReservedName)
                .hint(super::file::RESERVED),
            ClientError::InvalidRequest(_) => CliError::usage(message).kind(Kind::InvalidRequest),
            ClientError::Connect { .. } => CliError::new(Exit::Connection, Kind::Connect, message)
                .hint(format!(
                    "nothing was sent. Is the server running at {}? Set the URL with --host or INFLUXDB3_HOST_URL",
                    host.map_or("", HostUrl::as_str)
                )),
            ClientError::Tls { kind, .. } => {
                let hint = match kind {
                    TlsFailure::UnknownIssuer => "pass the CA that signed the server's certificate with --tls-ca FILE (or INFLUXDB3_TLS_CA)",
                    TlsFailure::WrongName => "connect with the host name the certificate was made for",
                    TlsFailure::Expired => "the server needs a new certificate (or the clock here is wrong)",
                    TlsFailure::NotTls => "this port speaks plain HTTP: use an http:// host, or the server's TLS port",
                    _ => "check that the server speaks TLS on this port",
                };
                CliError::new(Exit::Connection, Kind::Tls, message).hint(format!("nothing was sent; {hint}"))
            }
            ClientError::Timeout { phase: Phase::Connect, .. } => {
                CliError::new(Exit::Connection, Kind::Timeout, message)
                    .hint("nothing was sent: check --host and the network")
            }
            ClientError::Timeout { .. } | ClientError::Connection { .. } => {
                let not_http = matches!(e, ClientError::Connection { not_http: true, .. });
                let hint = if not_http && !host.is_some_and(HostUrl::is_https) {
                    format!(
                        "if the server speaks TLS on this port, use an https:// host. {}",
                        sent_hint()
                    )
                } else if e.request_sent() {
                    sent_hint()
                } else {
                    "the request was not sent completely, so nothing was done".to_owned()
                };
                CliError::new(Exit::Connection, Kind::Connection, message).hint(hint)
            }
            ClientError::Unauthenticated { .. } => {
                let hint = if client.is_some_and(Client::has_admin_token) {
                    "the admin token given is not valid on this server: check the token options"
                } else {
                    "no admin token was given: pass it with --token or INFLUXDB3_AUTH_TOKEN"
                };
                CliError::new(Exit::Refused, Kind::Unauthenticated, message).hint(hint)
            }
            ClientError::Forbidden { .. } => CliError::new(Exit::Refused, Kind::Forbidden, message)
                .hint(if action == Action::List {
                    "this token is valid but may not do this: listing tokens takes an admin token"
                } else {
                    "this token is valid but may not do this: creating and deleting tokens takes an admin token"
                }),
            ClientError::NotFound { .. } => CliError::new(Exit::Failure, Kind::NotFound, message).hint(
                "permission tokens need InfluxDB 3 Enterprise; check --host and its path prefix",
            ),
            ClientError::CoreServer { .. } => CliError::new(Exit::Failure, Kind::NotFound, message)
                .hint("permission tokens need InfluxDB 3 Enterprise; only the server's edition was read, and nothing was changed"),
            ClientError::WithoutAuth { .. } => CliError::new(Exit::Failure, Kind::WithoutAuth, message)
                .hint("the server was started without authentication, so it has no tokens"),
            ClientError::NameTaken { name, .. } => {
                let hint = if name == influxdb3_provision::OPERATOR_TOKEN {
                    "the operator token exists already: replace it with `influxdb3 create token --admin --regenerate`, or add a named admin token with `--admin --name NAME`".to_owned()
                } else {
                    format!(
                        "choose another --name, or delete the old token with {}",
                        delete_command(name)
                    )
                };
                CliError::new(Exit::NameTaken, Kind::NameTaken, message).hint(hint)
            }
            ClientError::NoSuchToken { .. } => {
                CliError::new(Exit::Failure, Kind::NoSuchToken, message)
            }
            ClientError::UnknownDatabase { database, .. } => {
                CliError::new(Exit::Failure, Kind::UnknownDatabase, message).hint(format!(
                    "every database a permission names must exist: create {} first, or check the name",
                    quote(database)
                ))
            }
            ClientError::CreatedButUnreadable { name, .. } => {
                CliError::new(Exit::Failure, Kind::CreatedButUnreadable, message)
                    .hint(influxdb3_provision::unheld_secret(name))
            }
            ClientError::TooLarge { .. } => {
                let hint = if action == Action::List {
                    "no InfluxDB 3 server lists that many tokens: check that --host is one".to_owned()
                } else {
                    sent_hint()
                };
                CliError::new(Exit::Failure, Kind::AnswerTooLarge, message).hint(hint)
            }
            _ => CliError::new(Exit::Failure, Kind::Server, message),
        }
    }
}
