//! The reconciliation: what a manifest wants against what exists, as steps.

use std::collections::{HashMap, HashSet};

use influxdb3_permission::{DatabaseName, Grants, Permission, PermissionSet};
use influxdb3_token::{Expiry, LifetimeError, Timestamp, TokenName};

use crate::manifest::Manifest;

/// A token that exists (in a tokens file, or on a server), as the plan sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current<'a> {
    name: &'a str,
    grants: PermissionSet,
    expiry: Option<Timestamp>,
}

impl<'a> Current<'a> {
    /// A token named `name` that grants `grants` and expires at `expiry` (`None`:
    /// never).
    pub fn new(name: &'a str, grants: PermissionSet, expiry: Option<Timestamp>) -> Current<'a> {
        Current {
            name,
            grants,
            expiry,
        }
    }
}

/// What [`plan`] may do beyond creating missing tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    prune: bool,
    update: bool,
    slack_millis: i64,
}

impl PlanOptions {
    /// Delete the tokens the manifest does not list (`--prune`).
    #[must_use]
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// Count an expiry within `slack` of an `expires_at` as that instant: a server sets
    /// a token's expiry from a number of seconds counted when it creates the token, so
    /// it never lands on the instant asked for. None by default (a tokens file holds
    /// the instant itself).
    #[must_use]
    pub fn expiry_slack(mut self, slack: std::time::Duration) -> Self {
        self.slack_millis = i64::try_from(slack.as_millis()).unwrap_or(i64::MAX);
        self
    }

    /// Give tokens whose grants or expiry drifted what the manifest says, keeping their
    /// secrets (`--update`); without it, drift is reported and left alone.
    #[must_use]
    pub fn update(mut self, update: bool) -> Self {
        self.update = update;
        self
    }
}

/// One step of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Step {
    /// Create this token (a new secret).
    Create {
        /// Its name.
        name: TokenName,
        /// Its permissions.
        grants: Grants,
        /// When it expires, counted from the plan's `now`.
        expiry: Option<Timestamp>,
    },
    /// The token exists as the manifest wants it.
    Keep {
        /// Its name.
        name: TokenName,
        /// Whether it has expired (the manifest gives a lifetime, which is not
        /// compared: rotate the token to renew it).
        expired: bool,
    },
    /// The token's grants or expiry differ from the manifest's. `apply` changes them
    /// (same secret) only when the plan was made with [`PlanOptions::update`];
    /// otherwise the step is [`Step::Drift`].
    Update(Drift),
    /// As [`Step::Update`], not to be carried out: reported only.
    Drift(Drift),
    /// Delete this token, which the manifest does not list ([`PlanOptions::prune`]).
    Delete {
        /// Its name.
        name: String,
    },
    /// A token the manifest does not list, left alone (no `--prune`).
    Unlisted {
        /// Its name.
        name: String,
    },
}

/// How an existing token differs from what the manifest wants.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Drift {
    /// Its name.
    pub name: TokenName,
    /// The grants it should have.
    pub grants: Grants,
    /// The expiry it should have.
    pub expiry: Option<Timestamp>,
    /// What the manifest grants that it does not, by database and action.
    pub widened: Vec<Permission>,
    /// What it grants that the manifest does not.
    pub narrowed: Vec<Permission>,
    /// Its expiry and the manifest's, when they differ.
    pub expiry_change: Option<(Option<Timestamp>, Option<Timestamp>)>,
}

/// What to do to bring a set of tokens to what a manifest wants: one step per token,
/// the manifest's first, in its order, then those it does not list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The steps.
    pub steps: Vec<Step>,
    /// The databases the manifest needs created (for a tokens file's
    /// `create_databases`).
    pub create_databases: Vec<DatabaseName>,
}

impl Plan {
    /// Whether carrying the plan out changes anything (a create, an update or a
    /// delete).
    pub fn changes(&self) -> bool {
        self.steps.iter().any(|s| {
            matches!(
                s,
                Step::Create { .. } | Step::Update(_) | Step::Delete { .. }
            )
        })
    }
}

/// The plan that brings `current` to what `manifest` wants, at `now`. Pure: no I/O,
/// no randomness (the secrets of new tokens are made by whoever carries it out).
///
/// A token is kept when it grants the same as the manifest says (compared by what is
/// allowed, not by text) and its expiry matches: an `expires_at` must be its expiry, no
/// expiry must be none; an `expiry` lifetime counts from creation and is not compared.
///
/// ```
/// use influxdb3_permission::{Permission, PermissionSet};
/// use influxdb3_provision::{Current, Manifest, PlanOptions, Step, plan};
/// use influxdb3_token::Timestamp;
///
/// let manifest: Manifest = r#"
/// [[token]]
/// name = "telegraf"
/// permissions = ["db:metrics:write"]
/// [[token]]
/// name = "grafana"
/// permissions = ["db:metrics,logs:read"]
/// "#.parse()?;
/// let now = Timestamp::from_millis(1_756_400_061_529);
/// let grafana: PermissionSet = ["db:logs:read", "db:metrics:read"]
///     .iter()
///     .map(|p| p.parse::<Permission>())
///     .collect::<Result<_, _>>()?;
/// let current = [Current::new("grafana", grafana, None), Current::new("old", PermissionSet::default(), None)];
/// let plan = plan(&manifest, &current, now, PlanOptions::default().prune(true))?;
/// assert!(matches!(&plan.steps[0], Step::Create { name, .. } if name.as_str() == "telegraf"));
/// assert!(matches!(&plan.steps[1], Step::Keep { .. }));
/// assert!(matches!(&plan.steps[2], Step::Delete { name } if name == "old"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`LifetimeError`] when a token to create would expire before `now` (an
/// `expires_at` that has passed) or past the last instant a token can hold.
pub fn plan(
    manifest: &Manifest,
    current: &[Current<'_>],
    now: Timestamp,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    let mut steps = Vec::with_capacity(manifest.tokens().len() + current.len());
    let by_name: HashMap<&str, &Current<'_>> = current.iter().map(|c| (c.name, c)).collect();
    let listed: HashSet<&str> = manifest
        .tokens()
        .iter()
        .map(|d| d.name().as_str())
        .collect();
    for desired in manifest.tokens() {
        let name = desired.name().clone();
        let Some(existing) = by_name.get(name.as_str()) else {
            let expiry = desired.expiry().ends(now).map_err(|source| PlanError {
                name: name.clone(),
                source,
            })?;
            steps.push(Step::Create {
                name,
                grants: desired.grants().clone(),
                expiry,
            });
            continue;
        };
        let wanted = PermissionSet::from(desired.grants());
        let (expiry, expiry_change) = match desired.expiry() {
            Expiry::At(at)
                if !existing.expiry.is_some_and(|e| {
                    e.millis().abs_diff(at.millis()) <= options.slack_millis.unsigned_abs()
                }) =>
            {
                (Some(at), Some((existing.expiry, Some(at))))
            }
            Expiry::Never if existing.expiry.is_some() => (None, Some((existing.expiry, None))),
            _ => (existing.expiry, None),
        };
        if wanted == existing.grants && expiry_change.is_none() {
            steps.push(Step::Keep {
                name,
                expired: existing.expiry.is_some_and(|at| at <= now),
            });
            continue;
        }
        let drift = Drift {
            widened: wanted.beyond(&existing.grants),
            narrowed: existing.grants.beyond(&wanted),
            name,
            grants: desired.grants().clone(),
            expiry,
            expiry_change,
        };
        steps.push(if options.update {
            Step::Update(drift)
        } else {
            Step::Drift(drift)
        });
    }
    for existing in current {
        if listed.contains(existing.name) {
            continue;
        }
        let name = existing.name.to_owned();
        steps.push(if options.prune {
            Step::Delete { name }
        } else {
            Step::Unlisted { name }
        });
    }
    Ok(Plan {
        steps,
        create_databases: manifest.create_databases().to_vec(),
    })
}

/// A token of the manifest that cannot be created now.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("token `{}`: {source}", name.as_str())]
pub struct PlanError {
    /// The token.
    pub name: TokenName,
    /// Why its expiry does not work.
    #[source]
    pub source: LifetimeError,
}
