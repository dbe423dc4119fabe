//! Parse, format and check InfluxDB 3 token permissions.
//!
//! A permission is written `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`, as in
//! `db:db1,db2:read,write` or `system:health:read`. This crate accepts exactly what an
//! InfluxDB 3 Enterprise server accepts, writes it back in canonical form, converts it to
//! and from the HTTP wire object, and answers "may this token do that?".
//!
//! # Example
//!
//! Parse, display and convert to the wire form:
//!
//! ```
//! use influxdb3_permission::{Action, Permission, ResourceType};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let p: Permission = "db:db1,db2:write,read".parse()?;
//! assert_eq!(p.resource_type(), ResourceType::Database);
//! assert_eq!(p.database_names().collect::<Vec<_>>(), ["db1", "db2"]);
//! assert_eq!(p.to_string(), "db:db1,db2:read,write");
//!
//! let wire = serde_json::to_string(&p.to_wire())?;
//! assert_eq!(
//!     wire,
//!     r#"{"resource_type":"db","resource_names":["db1","db2"],"actions":["read","write"]}"#
//! );
//!
//! let health: Permission = "system:HEALTH:read".parse()?;
//! assert_eq!(health.to_string(), "system:health:read");
//! assert_eq!(health.resource_names().as_list().unwrap().as_str(), "health");
//! # Ok(())
//! # }
//! ```
//!
//! Check what a token may do:
//!
//! ```
//! use influxdb3_permission::{Action, PermissionSet, Resource};
//!
//! # fn main() -> Result<(), influxdb3_permission::ParsePermissionError> {
//! let token = PermissionSet::parse(["db:sensors:read,write", "db:*:read"])?;
//! assert!(token.allows(Resource::Database("sensors"), Action::Write));
//! assert!(token.allows(Resource::Database("anything"), Action::Read));
//! assert!(!token.allows(Resource::Database("anything"), Action::Write));
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! [`ParsePermissionError`] says what is wrong ([`ErrorKind`]), where (a byte span of the
//! input) and, where it can, what to do:
//!
//! ```
//! use influxdb3_permission::{ErrorKind, Permission};
//!
//! let err = "db:a,*:read".parse::<Permission>().unwrap_err();
//! assert_eq!(err.kind(), &ErrorKind::MixedWildcard);
//! assert_eq!(err.span(), 5..6);
//! assert_eq!(err.to_string(), "mixed wildcard (*) and resource name\n  db:a,*:read\n       ^");
//!
//! // `*:*:*` is the admin permission: it parses, and callers decide whether to refuse it.
//! assert!("*:*:*".parse::<Permission>().unwrap().is_admin());
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod action;
mod error;
mod parser;
mod permission;
mod resource;
mod set;

pub use action::{Action, Actions};
pub use error::{ErrorKind, ParsePermissionError, Part, Snippet, escape, is_hidden};
pub use permission::{Permission, WirePermission};
pub use resource::{
    MAX_DATABASE_NAME_BYTES, NameList, Names, Resource, ResourceNames, ResourceType,
    SystemResource, check_database_name, is_database_name_char,
};
pub use set::PermissionSet;
