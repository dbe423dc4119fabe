//! The interface every place that keeps tokens offers the executor: a tokens file, a
//! server. Nothing here does I/O; the implementations live with the stores (the
//! tokens-file crate, the HTTP client).

use std::fmt;
use std::time::Duration;

use influxdb3_permission::{DatabaseName, Grants, PermissionSet};
use influxdb3_token::{Expiry, Timestamp, Token, TokenHash, TokenName};

/// The name the server keeps for its operator admin token: never deleted, pruned,
/// recreated or rotated by a plan, and never a permission token's (the token crate's).
pub use influxdb3_token::OPERATOR_TOKEN;

/// What a store can do beyond listing, creating and deleting tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::struct_excessive_bools)] // one per capability
pub struct Capabilities {
    /// It takes a secret chosen by the caller (a tokens file); a server mints its own.
    pub chosen_secrets: bool,
    /// It changes a token in place: new grants or expiry with the same secret, or a new
    /// secret with the same grants (a tokens file); a server can only delete and create.
    pub in_place: bool,
    /// Its changes take effect together when it [finishes](TokenStore::finish) (a
    /// tokens file: one durable write), not one by one (a server).
    pub atomic: bool,
    /// How far from the instant asked for it sets an expiry: a server counts a
    /// token's lifetime in seconds from when it creates it, so an `expires_at` is met
    /// within a few seconds; a file holds the instant itself.
    pub expiry_slack: Duration,
    /// It keeps admin tokens ([`TokenStore::create_admin`], and
    /// [`TokenStore::regenerate`] of the operator token): a server, an admin token
    /// file; not a permission tokens file.
    pub admin_tokens: bool,
    /// Its admin token named `_admin` may expire (an admin token file, which a server
    /// loads as it is); a server's operator token never expires.
    pub operator_expires: bool,
}

impl Capabilities {
    /// Whether a store with these capabilities can hold or do `what`: the one table
    /// behind [`Plan::check`](crate::Plan::check), which a caller may also ask before
    /// it has a plan (a flag that asks for a chosen secret on a server).
    pub const fn holds(&self, what: Unsupported) -> bool {
        match what {
            Unsupported::AdminToken => self.admin_tokens,
            Unsupported::ExpiringOperator => self.operator_expires,
            Unsupported::ChosenSecret | Unsupported::ChosenRotation => self.chosen_secrets,
            Unsupported::ReplaceInPlace
            | Unsupported::UpdateInPlace
            | Unsupported::RotateInPlace => self.in_place,
        }
    }

    /// A tokens file's: chosen secrets, changes in place, one write at the end.
    pub const FILE: Capabilities = Capabilities::new(true, true, true, Duration::ZERO);

    /// A server's: it mints the secrets, each request takes effect as it is made, and
    /// it keeps admin tokens.
    pub const SERVER: Capabilities =
        Capabilities::new(false, false, false, Duration::from_secs(5)).with_admin_tokens(true);

    /// An admin token file's (`influxdb3 serve --admin-token-file`): one admin token,
    /// chosen secrets, replaced in place, one write at the end.
    pub const ADMIN_FILE: Capabilities = Capabilities::FILE
        .with_admin_tokens(true)
        .with_operator_expires(true);

    /// A store's: whether it takes chosen secrets, changes tokens in place, makes its
    /// changes together, and how near it sets an expiry.
    pub const fn new(
        chosen_secrets: bool,
        in_place: bool,
        atomic: bool,
        expiry_slack: Duration,
    ) -> Capabilities {
        Capabilities {
            chosen_secrets,
            in_place,
            atomic,
            expiry_slack,
            admin_tokens: false,
            operator_expires: false,
        }
    }

    /// The same, keeping admin tokens or not.
    #[must_use]
    pub const fn with_admin_tokens(mut self, admin_tokens: bool) -> Capabilities {
        self.admin_tokens = admin_tokens;
        self
    }

    /// The same, with an admin token `_admin` that may expire or not.
    #[must_use]
    pub const fn with_operator_expires(mut self, operator_expires: bool) -> Capabilities {
        self.operator_expires = operator_expires;
        self
    }
}

/// A token a store holds, as a plan sees it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Existing {
    /// Its name, as the store has it (a server may hold names today's rules refuse).
    pub name: String,
    /// What it grants (`*:*:*` for an admin token).
    pub grants: PermissionSet,
    /// When it expires; `None` for never.
    pub expiry: Option<Timestamp>,
    /// The hash of its secret, where the store knows it (a tokens file).
    pub hash: Option<TokenHash>,
}

impl Existing {
    /// A token named `name` that grants `grants` and expires at `expiry`.
    pub fn new(
        name: impl Into<String>,
        grants: PermissionSet,
        expiry: Option<Timestamp>,
    ) -> Existing {
        Existing {
            name: name.into(),
            grants,
            expiry,
            hash: None,
        }
    }

    /// The same, with the hash of its secret.
    #[must_use]
    pub fn with_hash(mut self, hash: TokenHash) -> Existing {
        self.hash = Some(hash);
        self
    }

    /// Whether it is an admin token (it grants `*:*:*`).
    pub fn is_admin(&self) -> bool {
        self.grants.covers(&influxdb3_permission::Permission::Admin)
    }

    /// Whether it is the operator token `_admin`, which nothing here ever deletes,
    /// prunes or recreates.
    pub fn is_operator(&self) -> bool {
        self.name == OPERATOR_TOKEN
    }
}

/// A token to create (or to put in the place of one of the same name).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewToken {
    /// Its name.
    pub name: TokenName,
    /// What it grants.
    pub grants: Grants,
    /// When it expires, as asked (a server takes a lifetime, a file an instant).
    pub expiry: Expiry,
    /// The instant the plan was made at, from which `expiry` counts.
    pub now: Timestamp,
    /// The secret chosen for it (stores with [`Capabilities::chosen_secrets`] only);
    /// `None`: the store mints one.
    pub secret: Option<Token>,
}

/// When a token made at `now` with `expiry` expires; `None` for never (or for an
/// expiry a plan has refused already).
pub(crate) fn expires_at(expiry: Expiry, now: Timestamp) -> Option<Timestamp> {
    expiry.ends(now).ok().flatten()
}

/// An admin token to create: it grants every permission (`*:*:*`). Named
/// [`OPERATOR_TOKEN`] on a server, it is the operator token, which never expires.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewAdmin {
    /// Its name.
    pub name: TokenName,
    /// When it expires, as asked.
    pub expiry: Expiry,
    /// The instant the plan was made at, from which `expiry` counts.
    pub now: Timestamp,
    /// The secret chosen for it (stores with [`Capabilities::chosen_secrets`] only);
    /// `None`: the store mints one.
    pub secret: Option<Token>,
}

/// A token a store has just made, with its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Minted {
    /// The secret: shown once, never kept by the report.
    pub token: Token,
    /// The server's id for it, when it has one.
    pub id: Option<u64>,
    /// When the server says it was created (RFC 3339), when it says.
    pub created_at: Option<String>,
    /// When it expires, as the store set it.
    pub expiry: Option<Timestamp>,
    /// Whether it took the place of a token of its name ([`TokenStore::replace`]).
    pub replaced: bool,
}

impl Minted {
    /// A token made with this secret, expiring at `expiry`.
    pub fn new(token: Token, expiry: Option<Timestamp>) -> Minted {
        Minted {
            token,
            id: None,
            created_at: None,
            expiry,
            replaced: false,
        }
    }

    /// The same, as a token that took the place of one of its name.
    #[must_use]
    pub fn replacing(mut self) -> Minted {
        self.replaced = true;
        self
    }

    /// The same, with the server's id and creation time.
    #[must_use]
    pub fn with_server_fields(mut self, id: u64, created_at: String) -> Minted {
        self.id = Some(id);
        self.created_at = Some(created_at);
        self
    }
}

/// How a store's error is to be understood by the executor: the few cases a plan
/// reacts to, everything else [`Failure::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Failure {
    /// A token of the name exists already.
    NameTaken,
    /// No token of the name.
    NotFound,
    /// The store cannot do this at all (a server asked to change a token in place).
    Unsupported,
    /// Anything else: the request, the file, the server.
    Other,
}

/// A store's error, classified for the executor by variant (never by its text).
pub trait StoreError: std::error::Error + Send + Sync + 'static {
    /// What kind of failure it is.
    fn failure(&self) -> Failure;
}

/// A place that keeps tokens: a tokens file (under its lock, written once when the run
/// [finishes](TokenStore::finish)), or a server (each call one request).
///
/// The executor ([`execute`](crate::execute)) calls these; nothing else in this crate
/// does I/O.
pub trait TokenStore {
    /// What goes wrong.
    type Error: StoreError;

    /// What it can do.
    fn capabilities(&self) -> Capabilities;

    /// Where it is, for messages: the file's path, the server's URL.
    fn place(&self) -> String;

    /// The tokens it holds.
    ///
    /// # Errors
    ///
    /// The store's.
    fn list(&mut self) -> Result<Vec<Existing>, Self::Error>;

    /// Creates `token`; a token of its name already there is an error of
    /// [`Failure::NameTaken`].
    ///
    /// # Errors
    ///
    /// The store's.
    fn create(&mut self, token: &NewToken) -> Result<Minted, Self::Error>;

    /// Puts `token` (a new secret) in the place of the token of its name, or creates it
    /// when there is none ([`Capabilities::in_place`] stores only).
    ///
    /// # Errors
    ///
    /// The store's; [`Failure::Unsupported`] where it cannot.
    fn replace(&mut self, token: &NewToken) -> Result<Minted, Self::Error>;

    /// Gives the token named `name` new grants and expiry, keeping its secret
    /// ([`Capabilities::in_place`] stores only).
    ///
    /// # Errors
    ///
    /// The store's; [`Failure::NotFound`] without such a token.
    fn update(
        &mut self,
        name: &str,
        grants: &Grants,
        expiry: Option<Timestamp>,
    ) -> Result<(), Self::Error>;

    /// Gives the token named `name` a new secret, keeping the rest
    /// ([`Capabilities::in_place`] stores only): `secret` when one is chosen
    /// ([`Capabilities::chosen_secrets`] stores only), else one it mints.
    ///
    /// # Errors
    ///
    /// The store's; [`Failure::NotFound`] without such a token.
    fn rotate(&mut self, name: &str, secret: Option<&Token>) -> Result<Minted, Self::Error>;

    /// Creates the admin token `token` ([`Capabilities::admin_tokens`] stores only);
    /// with `replace`, in the place of the admin token there
    /// ([`Capabilities::in_place`] stores only: an admin token file, which holds one
    /// token, whatever its name). A token of its name already there, without
    /// `replace`, is an error of [`Failure::NameTaken`].
    ///
    /// # Errors
    ///
    /// The store's; [`Failure::Unsupported`] where it cannot.
    fn create_admin(&mut self, token: &NewAdmin, replace: bool) -> Result<Minted, Self::Error>;

    /// Gives the operator token [`OPERATOR_TOKEN`] a new secret that the store mints
    /// ([`Capabilities::admin_tokens`] stores only): the old one stops working. A store
    /// without an operator token answers [`Failure::NotFound`].
    ///
    /// # Errors
    ///
    /// The store's; [`Failure::Unsupported`] where it cannot.
    fn regenerate(&mut self) -> Result<Minted, Self::Error>;

    /// Deletes the token named `name`.
    ///
    /// # Errors
    ///
    /// The store's; [`Failure::NotFound`] without such a token.
    fn delete(&mut self, name: &str) -> Result<(), Self::Error>;

    /// Adds databases for the server to create (a tokens file's `create_databases`,
    /// set union). A server's databases are made by other means: there it does
    /// nothing.
    ///
    /// # Errors
    ///
    /// The store's.
    fn add_databases(&mut self, databases: &[DatabaseName]) -> Result<(), Self::Error>;

    /// Whether it only pretends (a tokens file opened for a dry run: every change is
    /// made in memory and checked, and [`finish`](Self::finish) writes nothing). The
    /// executor then hands out no secret.
    fn is_dry_run(&self) -> bool {
        false
    }

    /// Makes what was done last (a tokens file: its one durable write). A store whose
    /// changes take effect one by one does nothing.
    ///
    /// # Errors
    ///
    /// The store's; nothing was changed then.
    fn finish(&mut self) -> Result<(), Self::Error>;
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Failure::NameTaken => "name taken",
            Failure::NotFound => "not found",
            Failure::Unsupported => "unsupported",
            Failure::Other => "failed",
        })
    }
}

/// What a store cannot hold or do ([`PlanError::Unsupported`](crate::PlanError::Unsupported)), as its
/// [`Capabilities`] say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// An admin token (a permission tokens file).
    AdminToken,
    /// An operator token `_admin` that expires (a server).
    ExpiringOperator,
    /// A token with a chosen secret (a server, which mints its own).
    ChosenSecret,
    /// A chosen secret given to a token that exists.
    ChosenRotation,
    /// A token replaced in place.
    ReplaceInPlace,
    /// A token whose permissions or expiry change in place.
    UpdateInPlace,
    /// A token given a new secret in place.
    RotateInPlace,
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unsupported::AdminToken => "an admin token",
            Unsupported::ExpiringOperator => "an operator token `_admin` that expires",
            Unsupported::ChosenSecret => "a token with a chosen secret",
            Unsupported::ChosenRotation => "a token given a chosen secret",
            Unsupported::ReplaceInPlace => "a token replaced in place",
            Unsupported::UpdateInPlace => "a token changed in place",
            Unsupported::RotateInPlace => "a token given a new secret",
        })
    }
}
