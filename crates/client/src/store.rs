//! A server as a [`TokenStore`]: each call one request, taking effect as it is made.

use influxdb3_permission::{DatabaseName, Grants, PermissionSet};
use influxdb3_provision::{
    Capabilities, Existing, Failure, IfExists, Minted, NewAdmin, NewToken, OPERATOR_TOKEN, Plan,
    Step, StoreError, TokenStore, Unsupported,
};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token};

use crate::client::{Client, Edition};
use crate::error::{ClientError, RequestError};
use crate::request::{PreparedRequest, TokenRequest};

impl StoreError for ClientError {
    fn failure(&self) -> Failure {
        match self {
            ClientError::NameTaken { .. } => Failure::NameTaken,
            ClientError::NoSuchToken { .. } => Failure::NotFound,
            ClientError::InvalidRequest(RequestError::Unsupported { .. }) => Failure::Unsupported,
            _ => Failure::Other,
        }
    }
}

/// The server a [`Client`] talks to, as a [`TokenStore`]: it mints the secrets, and
/// cannot change a token in place (a plan recreates it instead). An admin token named
/// `_admin` is the operator token (`POST /api/v3/configure/token/admin`), any other name
/// a named admin token.
///
/// ```no_run
/// use influxdb3_provision::{ExecuteOptions, Plan, execute};
/// use influxdb3_token::Timestamp;
/// use influxdb3_token_client::{Client, HostUrl, ServerStore};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = Client::builder(HostUrl::parse("http://127.0.0.1:8181")?).build()?;
/// let plan = Plan::delete("old-token", false, Timestamp::now())?;
/// let executed = execute(&plan, &mut ServerStore::new(&client), ExecuteOptions::default(), &mut |_| Ok(()));
/// assert!(executed.report.failed.is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ServerStore<'c> {
    client: &'c Client,
}

impl<'c> ServerStore<'c> {
    /// The server `client` talks to.
    pub fn new(client: &'c Client) -> ServerStore<'c> {
        ServerStore { client }
    }

    /// The request that carrying out `step` sends first, as a dry run shows it (a
    /// recreate: its deletion); `None` for a step that sends nothing (kept, drift,
    /// unlisted, protected). What the store refuses is refused here alike, before
    /// anything is sent: the request shown is the one the run sends.
    ///
    /// # Errors
    ///
    /// [`ClientError::InvalidRequest`]: a step a server cannot carry out (a chosen
    /// secret, a change in place, an operator token that expires, an expiry that has
    /// passed).
    pub fn request(step: &Step) -> Result<Option<TokenRequest<'_>>, ClientError> {
        refuse(step)?;
        Ok(Some(match step {
            Step::Create { token, .. } => create_request(token)?,
            Step::CreateAdmin { token, .. } => admin_request(token)?,
            Step::Regenerate => TokenRequest::Regenerate,
            Step::Delete { .. } | Step::Recreate { .. } => {
                TokenRequest::Delete { name: step.name() }
            }
            _ => return Ok(None),
        }))
    }

    /// What a dry run of `plan` shows: the request that its first step sending one
    /// would send, prepared as this store's client sends it ([`Client::prepare`]);
    /// `None` when the plan sends nothing.
    ///
    /// # Errors
    ///
    /// The first step whose request is refused before anything is sent
    /// ([`request`](Self::request), [`Client::prepare`]), and why.
    pub fn first_request<'p>(
        &self,
        plan: &'p Plan,
    ) -> Result<Option<PreparedRequest>, (&'p Step, ClientError)> {
        for step in plan.steps() {
            let request = ServerStore::request(step).map_err(|e| (step, e))?;
            if let Some(request) = request {
                return self
                    .client
                    .prepare(&request)
                    .map(Some)
                    .map_err(|e| (step, e));
            }
        }
        Ok(None)
    }
}

/// What a server cannot hold, by the one table a plan is checked against
/// (`Capabilities::holds`, `Step::needs`).
fn refuse(step: &Step) -> Result<(), ClientError> {
    match step.needs().find(|what| !Capabilities::SERVER.holds(*what)) {
        Some(what) => Err(unsupported(what)),
        None => Ok(()),
    }
}

fn unsupported(what: Unsupported) -> ClientError {
    ClientError::InvalidRequest(RequestError::Unsupported { what })
}

/// How long a token made now lives: a server takes a lifetime in whole seconds, counted
/// from when it creates the token.
fn lifetime(expiry: Expiry) -> Result<Option<Lifetime>, ClientError> {
    expiry
        .lifetime(Timestamp::now())
        .map_err(|_| ClientError::InvalidRequest(RequestError::Expired))
}

/// The request that creates the permission token `token` (what a server cannot hold
/// refused already: [`refuse`]).
fn create_request(token: &NewToken) -> Result<TokenRequest<'_>, ClientError> {
    Ok(TokenRequest::Create {
        name: &token.name,
        grants: &token.grants,
        lifetime: lifetime(token.expiry)?,
    })
}

/// The request that creates the admin token `token`: named `_admin`, the operator
/// token (which never expires); any other name, a named admin token (what a server
/// cannot hold refused already: [`refuse`]).
fn admin_request(token: &NewAdmin) -> Result<TokenRequest<'_>, ClientError> {
    match (token.name.as_str(), lifetime(token.expiry)?) {
        (OPERATOR_TOKEN, None) => Ok(TokenRequest::Admin),
        (OPERATOR_TOKEN, Some(_)) => Err(unsupported(Unsupported::ExpiringOperator)),
        (_, lifetime) => Ok(TokenRequest::NamedAdmin {
            name: &token.name,
            lifetime,
        }),
    }
}

impl TokenStore for ServerStore<'_> {
    type Error = ClientError;

    fn capabilities(&self) -> Capabilities {
        Capabilities::SERVER
    }

    fn place(&self) -> String {
        self.client.base_url().to_owned()
    }

    fn list(&mut self) -> Result<Vec<Existing>, ClientError> {
        // A server that says it is Core holds no permission tokens: nothing to plan
        // against (and no empty listing that a dry run would take for "nothing to do").
        if self.client.edition()? == Some(Edition::Core) {
            return Err(ClientError::CoreServer {
                url: self.client.base_url().to_owned(),
            });
        }
        Ok(self
            .client
            .list_tokens()?
            .into_iter()
            .map(|row| {
                let grants: PermissionSet = row.permissions.iter().collect();
                Existing::new(row.name, grants, row.expiry)
            })
            .collect())
    }

    fn create(&mut self, token: &NewToken) -> Result<Minted, ClientError> {
        refuse(&Step::Create {
            token: token.clone(),
            if_exists: IfExists::Fail,
        })?;
        Ok(minted(self.client.created(&create_request(token)?)?))
    }

    fn create_admin(&mut self, token: &NewAdmin, replace: bool) -> Result<Minted, ClientError> {
        refuse(&Step::CreateAdmin {
            token: token.clone(),
            if_exists: if replace {
                IfExists::Replace
            } else {
                IfExists::Fail
            },
        })?;
        Ok(minted(self.client.created(&admin_request(token)?)?))
    }

    fn regenerate(&mut self) -> Result<Minted, ClientError> {
        Ok(minted(self.client.created(&TokenRequest::Regenerate)?))
    }

    fn replace(&mut self, _: &NewToken) -> Result<Minted, ClientError> {
        Err(unsupported(Unsupported::ReplaceInPlace))
    }

    fn update(&mut self, _: &str, _: &Grants, _: Option<Timestamp>) -> Result<(), ClientError> {
        Err(unsupported(Unsupported::UpdateInPlace))
    }

    fn rotate(&mut self, _: &str, _: Option<&Token>) -> Result<Minted, ClientError> {
        Err(unsupported(Unsupported::RotateInPlace))
    }

    fn delete(&mut self, name: &str) -> Result<(), ClientError> {
        // By the name the server holds, whatever today's rules say of it.
        self.client.delete_token(name)
    }

    fn add_databases(&mut self, _: &[DatabaseName]) -> Result<(), ClientError> {
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ClientError> {
        Ok(())
    }
}

/// A token the server made, as the executor takes it.
fn minted(created: crate::CreatedToken) -> Minted {
    let expiry = created
        .expiry
        .as_deref()
        .and_then(|t| t.parse::<Timestamp>().ok());
    Minted::new(created.token, expiry).with_server_fields(created.id, created.created_at)
}
