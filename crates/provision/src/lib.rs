//! Declarative provisioning of InfluxDB 3 permission tokens: a [`Manifest`] (TOML) says
//! which tokens should exist; [`plan`] compares it with the tokens that do (of a tokens
//! file, or of a server) and says what to create, keep, update or delete.
//!
//! Nothing here reads a file, talks to a server or makes a secret: the plan is a pure
//! function of the manifest, the current tokens and the time, so that one plan serves a
//! tokens file (`influxdb3 tokens apply --output-file`) and a server alike, and can be
//! shown before it is carried out (`--dry-run`).
//!
//! ```
//! use influxdb3_provision::{Manifest, PlanOptions, Step, plan};
//! use influxdb3_token::Timestamp;
//!
//! let manifest: Manifest = r#"
//! create_databases = ["metrics"]
//! [[token]]
//! name = "telegraf"
//! permissions = ["db:metrics:write"]
//! expiry = "90d"
//! "#.parse()?;
//! let plan = plan(&manifest, &[], Timestamp::now(), PlanOptions::default())?;
//! assert!(matches!(&plan.steps[..], [Step::Create { .. }]));
//! assert!(plan.changes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod manifest;
mod plan;

pub use manifest::{Desired, Manifest, ManifestError, ManifestKind};
pub use plan::{Current, Drift, Plan, PlanError, PlanOptions, Step, plan};
