//! Parse, format and check InfluxDB 3 token permissions.
//!
//! A permission is written `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`, as in
//! `db:db1,db2:read,write` or `system:health:read`. This crate accepts exactly what an
//! InfluxDB 3 Enterprise server accepts, into a [`Permission`] shaped as the grammar is
//! (admin, database, system) that cannot hold a wrong value; writes it back in canonical
//! form; carries it to and from the HTTP wire object; and answers "may this token do
//! that?" with a [`PermissionSet`].
//!
//! # Example
//!
//! Parse a request and check it against a token's permissions:
//!
//! ```
//! use influxdb3_permission::{Action, Permission, PermissionSet, Resource};
//!
//! let token: PermissionSet = ["db:sensors:read,write", "db:*:read"]
//!     .iter()
//!     .map(|p| p.parse::<Permission>())
//!     .collect::<Result<_, _>>()?;
//! assert!(token.allows(Resource::Database("sensors"), Action::Write));
//! assert!(token.allows(Resource::Database("anything"), Action::Read));
//! assert!(!token.allows(Resource::Database("anything"), Action::Write));
//! assert!(token.covers(&"db:sensors:write".parse()?));
//! # Ok::<(), influxdb3_permission::ParsePermissionError>(())
//! ```
//!
//! Canonical form and (with the `serde` feature) the wire form:
//!
//! ```
//! use influxdb3_permission::Permission;
//!
//! let p: Permission = "db:db1,db2:write,read".parse()?;
//! assert_eq!(p.to_string(), "db:db1,db2:read,write");
//! # #[cfg(feature = "serde")]
//! assert_eq!(
//!     serde_json::to_string(&p.wire())?,
//!     r#"{"resource_type":"db","resource_names":["db1","db2"],"actions":["read","write"]}"#
//! );
//! assert_eq!("system:HEALTH:read".parse::<Permission>()?.to_string(), "system:health:read");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! [`ParsePermissionError`] says what is wrong ([`ErrorKind`]), where (a byte span of the
//! input) and, where it can, what to do; its `Display` shows the input with a caret
//! under the span:
//!
//! ```
//! use influxdb3_permission::{ErrorKind, Permission};
//!
//! let err = "db:a,*:read".parse::<Permission>().unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::MixedWildcard);
//! assert_eq!(err.span(), 5..6);
//! assert_eq!(err.to_string(), "mixed wildcard (*) and resource name\n  db:a,*:read\n       ^");
//!
//! // `*:*:*` is the admin permission: it parses; a permission token's grants refuse it.
//! assert_eq!("*:*:*".parse::<Permission>()?, Permission::Admin);
//! # Ok::<(), influxdb3_permission::ParsePermissionError>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod action;
mod complete;
mod error;
mod hints;
mod name;
mod parser;
mod permission;
mod set;
#[cfg(feature = "serde")]
mod wire;

pub use action::{Action, Actions};
pub use complete::completions;
pub use error::{ErrorKind, ParsePermissionError};
pub use name::{DatabaseName, Names, Scope, SystemResource};
pub use parser::parse_joined;
pub use permission::Permission;
pub use set::{Grants, GrantsError, PermissionSet, Resource};
