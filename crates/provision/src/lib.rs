//! InfluxDB 3 token provisioning: what to do to a place that keeps tokens (a tokens
//! file, a server), and the one executor that does it.
//!
//! - [`TokenStore`] is the interface a store offers: list, create (with an optional
//!   chosen secret), replace, update, rotate, delete, finish. The tokens-file crate and
//!   the HTTP client implement it; nothing in this crate does I/O.
//! - A [`Plan`] is a list of [`Step`]s made by one of its constructors
//!   ([`Plan::create`], [`Plan::create_admin`], [`Plan::regenerate`],
//!   [`Plan::delete`], [`Plan::rotate`], [`Plan::merge`], [`Plan::reconcile`]), each
//!   of which checks the rules once: the expiry cap of a [`Policy`], the reserved name
//!   `_admin`, the operator token never deleted, pruned or recreated, a confirmation
//!   before a prune of every token. A [`TokenRequest`] is one token as `create token`
//!   asks for it, planned for a store (which decides what an admin token is there).
//! - [`execute`] carries a plan out on any store, tells an observer of each step as it
//!   happens (so that a secret is kept as soon as its token exists) and returns a
//!   [`Report`] that holds no secret, with the secrets beside it; [`Report::words`]
//!   says what it did, as a summary and a line per step, and
//!   [`ReportWords::with_secrets`] shows the new secrets beside it, once.
#![cfg_attr(
    feature = "manifest",
    doc = "- With the `manifest` feature (on by default), a [`Manifest`] (TOML) says which\n  tokens should exist, and [`Manifest::apply`] carries it out on a store."
)]
#![cfg_attr(
    not(feature = "manifest"),
    doc = "- With the `manifest` feature (on by default, off in this build), a `Manifest`\n  (TOML) says which tokens should exist, and `Manifest::apply` carries it out."
)]
//!
//! ```
//! # #[cfg(feature = "manifest")] {
//! use influxdb3_provision::{Capabilities, Manifest, PlanOptions, Policy, Step};
//! use influxdb3_token::Timestamp;
//!
//! let manifest: Manifest = r#"
//! create_databases = ["metrics"]
//! [[token]]
//! name = "telegraf"
//! permissions = ["db:metrics:write"]
//! expiry = "90d"
//! "#.parse()?;
//! let plan = manifest.plan(&[], Capabilities::FILE, Timestamp::now(), PlanOptions::default(), &Policy::default())?;
//! assert!(matches!(plan.steps(), [Step::Create { .. }]));
//! assert!(plan.changes());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "manifest")]
mod apply;
mod change;
mod execute;
#[cfg(feature = "manifest")]
mod manifest;
mod minted;
mod plan;
mod request;
mod secrets;
mod store;
mod words;

#[cfg(feature = "manifest")]
#[cfg_attr(docsrs, doc(cfg(feature = "manifest")))]
pub use apply::{Applied, ApplyError, ApplyOptions};
pub use change::ChangeWords;
pub use execute::{
    Action, Cause, Done, Event, ExecuteOptions, Executed, Failed, ObserverError, Report, execute,
};
#[cfg(feature = "manifest")]
#[cfg_attr(docsrs, doc(cfg(feature = "manifest")))]
pub use manifest::{Desired, Manifest, ManifestError, ManifestKind};
pub use minted::{Emphasis, Kept, MadeDocument, MadeToken, MadeWords, Style};
pub use plan::{
    Confirmation, Conflict, Drift, IfExists, Plan, PlanError, PlanOptions, Policy, Step,
    Uncreatable, Wanted,
};
pub use request::TokenRequest;
pub use secrets::ReportWithSecrets;
pub use store::{
    Capabilities, Existing, Failure, Minted, NewAdmin, NewToken, OPERATOR_TOKEN, StoreError,
    TokenStore, Unsupported,
};
pub use words::{AppliedTo, ReportWords, StepLine, delete_command, unheld_secret};

#[cfg(feature = "manifest")]
impl Manifest {
    /// The tokens it wants, as a plan takes them.
    pub fn wanted(&self) -> Vec<Wanted> {
        self.tokens()
            .iter()
            .map(|d| {
                let wanted = Wanted::new(d.name().clone(), d.grants().clone(), d.expiry());
                match d.secret() {
                    Some(secret) => wanted.with_secret(secret.clone()),
                    None => wanted,
                }
            })
            .collect()
    }

    /// Checks the manifest against what a store can do, before the store is read (and
    /// before any `secret_file` is): a server refuses a token with a `secret_file` or a
    /// chosen secret. [`Plan::check_wanted`] says the same of a reconciliation's tokens.
    ///
    /// # Errors
    ///
    /// [`PlanError::Unsupported`] for the first token the store cannot hold.
    pub fn check(&self, capabilities: Capabilities) -> Result<(), PlanError> {
        let chosen = self
            .tokens()
            .iter()
            .find(|d| d.secret_file().is_some() || d.secret().is_some());
        plan::refuse_chosen(chosen.map(|d| d.name().as_str()), capabilities)
    }

    /// The plan that brings a store holding `current` to what the manifest wants:
    /// [`Plan::reconcile`] with its tokens, also creating its `create_databases`.
    ///
    /// # Errors
    ///
    /// As [`Plan::reconcile`].
    pub fn plan(
        &self,
        current: &[Existing],
        capabilities: Capabilities,
        now: influxdb3_token::Timestamp,
        options: PlanOptions,
        policy: &Policy,
    ) -> Result<Plan, PlanError> {
        Plan::reconcile(&self.wanted(), current, capabilities, now, options, policy)
            .map(|plan| plan.with_databases(self.create_databases().to_vec()))
    }
}
