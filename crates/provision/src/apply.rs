//! A manifest carried out on a store, as `tokens apply` does it and any embedder may:
//! the store's tokens listed, the plan made and confirmed, then executed. What stops it
//! before the executor is typed ([`ApplyError`]); what stops the executor is in its
//! report.

use influxdb3_token::Timestamp;

use crate::execute::{Event, ExecuteOptions, Executed, ObserverError, execute};
use crate::manifest::Manifest;
use crate::plan::{Confirmation, Plan, PlanError, PlanOptions, Policy};
use crate::store::{StoreError, TokenStore};

/// How [`Manifest::apply`] carries a manifest out: what its plan may do beyond
/// creating (prune, update), the rules it keeps, the instant it is made at (expiries
/// are counted from it), and whether it is a dry run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct ApplyOptions {
    plan: PlanOptions,
    policy: Policy,
    now: Option<Timestamp>,
    dry_run: bool,
}

impl ApplyOptions {
    /// What the plan may do beyond creating the missing tokens.
    pub fn plan(mut self, plan: PlanOptions) -> Self {
        self.plan = plan;
        self
    }

    /// The rules the plan keeps (the expiry cap).
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The instant the plan is made at; by default, when [`Manifest::apply`] is called.
    pub fn now(mut self, now: Timestamp) -> Self {
        self.now = Some(now);
        self
    }

    /// Report what would be done, and mint nothing ([`ExecuteOptions::dry_run`]); a
    /// dry run asks no confirmation, as it does nothing.
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// A manifest carried out: the plan, and what executing it did (a step that failed
/// included: see [`Report::failed`](crate::Report::failed)).
#[derive(Debug)]
#[non_exhaustive]
#[must_use = "a failure is in the report"]
pub struct Applied<E: StoreError> {
    /// The plan that was executed (a failed step's index points into its steps).
    pub plan: Plan,
    /// What executing it did, and the secrets minted.
    pub executed: Executed<E>,
}

/// Why [`Manifest::apply`] stopped before the executor: nothing was changed, no secret
/// was minted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError<E: StoreError, C: std::error::Error + 'static> {
    /// The store's tokens could not be listed.
    #[error("cannot list the tokens of the store")]
    List(#[source] E),
    /// The rules refuse the manifest's plan (the expiry cap, a name the store keeps).
    #[error("the plan of the manifest is refused")]
    Plan(#[source] PlanError),
    /// The plan needs a confirmation, and the callback gave none: its error.
    #[error("the plan was not confirmed")]
    NotConfirmed(#[source] C),
}

impl Manifest {
    /// Carries the manifest out on `store`: lists the tokens it holds, makes the plan
    /// ([`Manifest::plan`]), and [`execute`]s it, telling `observe` of each step as it
    /// happens (so that each new secret is kept as soon as its token exists). What a
    /// plan [needs confirmed](Plan::needs_confirmation) (a prune of every token) is
    /// handed to `confirm` first, which says yes (`Ok`) or why not; `confirm` is not
    /// called for a plan that needs none, nor in a [dry run](ApplyOptions::dry_run),
    /// which does nothing.
    ///
    /// ```
    /// use std::convert::Infallible;
    /// use influxdb3_provision::{ApplyOptions, Manifest, TokenStore};
    ///
    /// /// Applies `manifest` to `store`, confirming whatever it asks.
    /// fn apply<S: TokenStore>(manifest: &Manifest, store: &mut S) -> Result<usize, Box<dyn std::error::Error>> {
    ///     let applied = manifest.apply(
    ///         store,
    ///         ApplyOptions::default(),
    ///         |_| Ok::<_, Infallible>(()),
    ///         &mut |_| Ok(()),
    ///     )?;
    ///     match applied.executed.report.failed {
    ///         Some(failed) => Err(failed.into()),
    ///         None => Ok(applied.executed.secrets.len()),
    ///     }
    /// }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ApplyError`] when it stops before the executor: the store's tokens cannot be
    /// listed, the plan is refused, or `confirm` says no. A step that fails is in the
    /// report ([`Report::failed`](crate::Report::failed)), with what was done before it.
    pub fn apply<S, C>(
        &self,
        store: &mut S,
        options: ApplyOptions,
        confirm: impl FnOnce(&Confirmation) -> Result<(), C>,
        observe: &mut dyn FnMut(&Event<'_>) -> Result<(), ObserverError>,
    ) -> Result<Applied<S::Error>, ApplyError<S::Error, C>>
    where
        S: TokenStore + ?Sized,
        C: std::error::Error + 'static,
    {
        let current = store.list().map_err(ApplyError::List)?;
        let now = options.now.unwrap_or_else(Timestamp::now);
        let plan = self
            .plan(
                &current,
                store.capabilities(),
                now,
                options.plan,
                &options.policy,
            )
            .map_err(ApplyError::Plan)?;
        if let Some(asked) = plan.needs_confirmation().filter(|_| !options.dry_run) {
            confirm(asked).map_err(ApplyError::NotConfirmed)?;
        }
        let plan = plan.confirm();
        let executed = execute(
            &plan,
            store,
            ExecuteOptions::default().dry_run(options.dry_run),
            observe,
        );
        Ok(Applied { plan, executed })
    }
}
