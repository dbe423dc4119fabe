//! Plans: what to do to a store, as steps, with every rule checked once, here, for
//! every command that could break it.

use std::collections::{HashMap, HashSet};

use influxdb3_permission::{Grants, Permission, PermissionSet};
use influxdb3_token::{Expiry, Lifetime, LifetimeError, Quoted, Timestamp, Token, TokenName};

use crate::change::ChangeWords;
use crate::store::{
    Capabilities, Existing, NewAdmin, NewToken, OPERATOR_TOKEN, Unsupported, expires_at,
};

/// The rules every plan keeps, whatever command made it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    max_lifetime: Option<Lifetime>,
}

impl Policy {
    /// Refuse to create or update a token that would live longer than `max`, or
    /// forever (`--max-expiry`, `INFLUXDB3_MAX_EXPIRY`).
    #[must_use]
    pub fn max_lifetime(mut self, max: Option<Lifetime>) -> Policy {
        self.max_lifetime = max;
        self
    }

    /// Checks the expiry of a token to create at `now`: not passed, not past the last
    /// instant a token can hold, within the cap.
    ///
    /// # Errors
    ///
    /// [`PlanError::Expiry`] or [`PlanError::ExpiryPolicy`].
    pub fn check_expiry(
        &self,
        name: &str,
        expiry: Expiry,
        now: Timestamp,
    ) -> Result<(), PlanError> {
        let lifetime = expiry.lifetime(now).map_err(|source| PlanError::Expiry {
            name: name.to_owned(),
            source,
        })?;
        expiry.ends(now).map_err(|source| PlanError::Expiry {
            name: name.to_owned(),
            source,
        })?;
        match (self.max_lifetime, lifetime) {
            (Some(max), None) => Err(PlanError::ExpiryPolicy {
                name: name.to_owned(),
                lifetime: None,
                max,
            }),
            (Some(max), Some(lifetime)) if lifetime > max => Err(PlanError::ExpiryPolicy {
                name: name.to_owned(),
                lifetime: Some(lifetime),
                max,
            }),
            _ => Ok(()),
        }
    }

    /// Checks only the cap: how long a token to create at `now` would live (an instant
    /// that has passed is not refused here).
    fn check_cap(&self, name: &str, expiry: Expiry, now: Timestamp) -> Result<(), PlanError> {
        match expiry {
            Expiry::At(at) if at <= now => Ok(()),
            other => self.check_expiry(name, other, now),
        }
    }

    /// Checks a token to create: its name is not the operator's, its expiry is allowed.
    fn check_new(&self, token: &NewToken) -> Result<(), PlanError> {
        if token.name.as_str() == OPERATOR_TOKEN {
            return Err(PlanError::Reserved);
        }
        self.check_expiry(token.name.as_str(), token.expiry, token.now)
    }
}

/// What to do when a token of the name exists already.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IfExists {
    /// Fail: token names are unique.
    #[default]
    Fail,
    /// Leave it as it is, and succeed (`--if-not-exists`).
    Keep,
    /// Put the new token (new secret, new grants) in its place (`--replace`; stores
    /// that change tokens in place only).
    Replace,
}

/// What a plan may do beyond creating missing tokens, when it brings a store to what a
/// list of wanted tokens says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    prune: bool,
    update: bool,
}

impl PlanOptions {
    /// Delete the tokens the list does not name (`--prune`). The operator token
    /// `_admin`, and admin tokens, are never pruned.
    #[must_use]
    pub fn prune(mut self, prune: bool) -> Self {
        self.prune = prune;
        self
    }

    /// Give tokens whose grants or expiry drifted what the list says (`--update` on a
    /// file: same secret; `--recreate` on a server: deleted and created anew); without
    /// it, drift is reported and left alone.
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
    /// Create this token (a new secret, unless one was chosen).
    Create {
        /// The token.
        token: NewToken,
        /// What to do when one of its name exists.
        if_exists: IfExists,
    },
    /// The token exists as wanted.
    Keep {
        /// Its name.
        name: TokenName,
        /// Whether it has expired (a lifetime is not compared: rotate the token to
        /// renew it).
        expired: bool,
    },
    /// Give the token what is wanted, keeping its secret (a store that changes tokens
    /// in place).
    Update(Drift),
    /// Delete the token and create it anew with what is wanted (a server, which cannot
    /// change a token in place): a new secret, its lifetime counted from the plan's
    /// `now`.
    Recreate {
        /// How it differs.
        drift: Drift,
        /// The token to create in its place.
        token: NewToken,
    },
    /// The token differs from what is wanted; reported, left alone.
    Drift(Drift),
    /// Create an admin token (every permission): the operator token `_admin`, a named
    /// one, the token of an admin token file.
    CreateAdmin {
        /// The token.
        token: NewAdmin,
        /// What to do when one of its name exists ([`IfExists::Replace`]: an admin
        /// token file, which holds one token).
        if_exists: IfExists,
    },
    /// Give the operator token `_admin` a new secret that the store mints; the old one
    /// stops working at once.
    Regenerate,
    /// Give the token a new secret, keeping the rest.
    Rotate {
        /// Its name.
        name: String,
        /// The secret chosen for it; `None`: the store mints one.
        secret: Option<Token>,
    },
    /// Delete the token.
    Delete {
        /// Its name, as the store has it.
        name: String,
    },
    /// A token the list does not name, left alone (no prune).
    Unlisted {
        /// Its name.
        name: String,
    },
    /// An admin token a prune leaves alone: the operator token `_admin`, or another
    /// admin token (a list names permission tokens only). Only a prune has these: so
    /// that its dry run says what it will not delete.
    Protected {
        /// Its name.
        name: String,
    },
}

impl Step {
    /// What a store must be able to hold or do to carry the step out, in the order
    /// [`Plan::check`] asks.
    pub fn needs(&self) -> impl Iterator<Item = Unsupported> {
        self.needs_with(self.chosen_secret().is_some())
    }

    /// The same, `chosen` saying whether its token's secret is chosen by the caller
    /// (which may not have read it yet: [`TokenRequest::check`](crate::TokenRequest::check)).
    pub(crate) fn needs_with(&self, chosen: bool) -> impl Iterator<Item = Unsupported> {
        let (admin, operator_expires, replace) = match self {
            Step::Create { if_exists, .. } => (false, false, *if_exists == IfExists::Replace),
            Step::CreateAdmin { token, if_exists } => (
                true,
                token.name.as_str() == OPERATOR_TOKEN && token.expiry != Expiry::Never,
                *if_exists == IfExists::Replace,
            ),
            Step::Regenerate => (true, false, false),
            _ => (false, false, false),
        };
        let rotate = matches!(self, Step::Rotate { .. });
        // A recreation's chosen secret is asked of no store: no plan makes one.
        let creates = matches!(self, Step::Create { .. } | Step::CreateAdmin { .. });
        let needs = [
            (admin, Unsupported::AdminToken),
            (operator_expires, Unsupported::ExpiringOperator),
            (creates && chosen, Unsupported::ChosenSecret),
            (replace, Unsupported::ReplaceInPlace),
            (rotate && chosen, Unsupported::ChosenRotation),
            (matches!(self, Step::Update(_)), Unsupported::UpdateInPlace),
            (rotate, Unsupported::RotateInPlace),
        ];
        needs
            .into_iter()
            .filter(|(needed, _)| *needed)
            .map(|(_, what)| what)
    }

    /// The secret the step's caller chose for its token, if any (a step that creates,
    /// recreates or rotates a token): the caller holds it already.
    pub fn chosen_secret(&self) -> Option<&Token> {
        match self {
            Step::Create { token, .. } | Step::Recreate { token, .. } => token.secret.as_ref(),
            Step::CreateAdmin { token, .. } => token.secret.as_ref(),
            Step::Rotate { secret, .. } => secret.as_ref(),
            _ => None,
        }
    }

    /// The name of the token the step is about.
    pub fn name(&self) -> &str {
        match self {
            Step::Create { token, .. } => token.name.as_str(),
            Step::CreateAdmin { token, .. } => token.name.as_str(),
            Step::Regenerate => OPERATOR_TOKEN,
            Step::Keep { name, .. } => name.as_str(),
            Step::Update(d) | Step::Recreate { drift: d, .. } | Step::Drift(d) => d.name.as_str(),
            Step::Rotate { name, .. }
            | Step::Delete { name }
            | Step::Unlisted { name }
            | Step::Protected { name } => name,
        }
    }

    /// Whether carrying it out changes the store.
    pub fn changes(&self) -> bool {
        matches!(
            self,
            Step::Create { .. }
                | Step::CreateAdmin { .. }
                | Step::Regenerate
                | Step::Update(_)
                | Step::Recreate { .. }
                | Step::Rotate { .. }
                | Step::Delete { .. }
        )
    }
}

/// How an existing token differs from what is wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Drift {
    /// Its name.
    pub name: TokenName,
    /// The grants it should have.
    pub grants: Grants,
    /// The expiry it should have.
    pub expiry: Option<Timestamp>,
    /// What is wanted that it does not grant, by database and action.
    pub widened: Vec<Permission>,
    /// What it grants that is not wanted.
    pub narrowed: Vec<Permission>,
    /// Its expiry and the wanted one, when they differ.
    pub expiry_change: Option<(Option<Timestamp>, Option<Timestamp>)>,
    /// Its secret is not the one chosen for it (a manifest's `secret_file`).
    pub secret_changed: bool,
}

/// What needs a person's yes before a plan is carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Confirmation {
    /// Deleting one named token (`delete token`).
    Delete {
        /// Its name.
        name: String,
    },
    /// A prune that deletes every token of the store.
    PruneAll {
        /// How many it deletes.
        count: usize,
    },
    /// A new secret for the operator token `_admin`: the current one stops working.
    Regenerate,
}

/// What to do to a store, step by step, and what must be confirmed first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    steps: Vec<Step>,
    create_databases: Vec<influxdb3_permission::DatabaseName>,
    now: Timestamp,
    confirmation: Option<Confirmation>,
    confirmed: bool,
}

impl Plan {
    fn new(steps: Vec<Step>, now: Timestamp) -> Plan {
        Plan {
            steps,
            create_databases: Vec::new(),
            now,
            confirmation: None,
            confirmed: false,
        }
    }

    /// The steps, in order. A plan is made by its constructors, which check every
    /// rule; it cannot be changed afterwards.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The databases to create (a tokens file's `create_databases`).
    pub fn create_databases(&self) -> &[influxdb3_permission::DatabaseName] {
        &self.create_databases
    }

    /// The databases the plan names that a server's HTTP API refuses to create
    /// ([`DatabaseName::uncreatable`](influxdb3_permission::DatabaseName::uncreatable)),
    /// each once: its `create_databases` first, then those the permissions of the tokens
    /// it creates or changes name. A tokens file may still name them (for a server
    /// that creates them some other way): a caller warns.
    pub fn uncreatable(&self) -> Vec<Uncreatable> {
        let mut seen = HashSet::new();
        let granted = self.steps.iter().filter_map(|step| match step {
            Step::Create { token, .. } | Step::Recreate { token, .. } => Some(&token.grants),
            Step::Update(drift) => Some(&drift.grants),
            _ => None,
        });
        let named = self.create_databases.iter().map(|db| (db, true));
        named
            .chain(granted.flat_map(Grants::databases).map(|db| (db, false)))
            .filter(|(db, _)| seen.insert(*db))
            .filter_map(|(db, to_create)| {
                Some(Uncreatable {
                    reason: db.uncreatable()?,
                    database: db.clone(),
                    to_create,
                })
            })
            .collect()
    }

    /// The instant the plan was made at, from which its lifetimes count.
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// Whether carrying the plan out changes anything.
    pub fn changes(&self) -> bool {
        self.steps.iter().any(Step::changes)
    }

    /// What must be confirmed before the plan is carried out; `None` once
    /// [`confirm`](Self::confirm)ed, or when nothing must be.
    pub fn needs_confirmation(&self) -> Option<&Confirmation> {
        self.confirmation.as_ref().filter(|_| !self.confirmed)
    }

    /// Says yes to [`needs_confirmation`](Self::needs_confirmation): the executor
    /// refuses an unconfirmed plan.
    #[must_use]
    pub fn confirm(mut self) -> Plan {
        self.confirmed = true;
        self
    }

    /// Checks that a store with `capabilities` can carry the plan out.
    ///
    /// # Errors
    ///
    /// [`PlanError::Unsupported`] naming the first step it cannot.
    pub fn check(&self, capabilities: Capabilities) -> Result<(), PlanError> {
        for step in &self.steps {
            if let Some(what) = step.needs().find(|what| !capabilities.holds(*what)) {
                return Err(PlanError::Unsupported {
                    name: step.name().to_owned(),
                    what,
                });
            }
        }
        Ok(())
    }

    /// Checks what a reconciliation wants against what a store can do, before the
    /// store is read: a store that mints its own secrets (a server) refuses a wanted
    /// token with a chosen secret. [`Plan::reconcile`] checks it too.
    ///
    /// # Errors
    ///
    /// [`PlanError::Unsupported`] for the first token the store cannot hold.
    pub fn check_wanted(wanted: &[Wanted], capabilities: Capabilities) -> Result<(), PlanError> {
        let chosen = wanted.iter().find(|w| w.secret.is_some());
        refuse_chosen(chosen.map(|w| w.name.as_str()), capabilities)
    }

    /// The plan that creates one token (`create token`).
    ///
    /// ```
    /// use influxdb3_permission::Grants;
    /// use influxdb3_provision::{IfExists, NewToken, Plan, Policy, Step};
    /// use influxdb3_token::{Expiry, Timestamp};
    ///
    /// let grants = Grants::try_from(vec!["db:metrics:write".parse()?])?;
    /// let token = NewToken::new("telegraf".parse()?, grants, Expiry::Never, Timestamp::now());
    /// let plan = Plan::create(token, IfExists::Fail, &Policy::default())?;
    /// assert!(matches!(plan.steps(), [Step::Create { .. }]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`PlanError`] when the policy refuses it.
    pub fn create(
        token: NewToken,
        if_exists: IfExists,
        policy: &Policy,
    ) -> Result<Plan, PlanError> {
        policy.check_new(&token)?;
        let now = token.now;
        Ok(Plan::new(vec![Step::Create { token, if_exists }], now))
    }

    /// The plan that creates one admin token (`create token --admin`): the operator
    /// token when it is named `_admin` on a server (which never expires there:
    /// [`check`](Self::check) refuses one that does), a named admin token, or the token
    /// of an admin token file (with [`IfExists::Replace`]: the file holds one token,
    /// whatever its name).
    ///
    /// ```
    /// use influxdb3_provision::{IfExists, NewAdmin, Plan, Policy, Step};
    /// use influxdb3_token::{Expiry, Timestamp};
    ///
    /// let token = NewAdmin::new("ops".parse()?, Expiry::Never, Timestamp::now());
    /// let plan = Plan::create_admin(token, IfExists::Fail, &Policy::default())?;
    /// assert!(matches!(plan.steps(), [Step::CreateAdmin { .. }]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`PlanError`] when its expiry has passed or the policy refuses it (a cap refuses
    /// a token that never expires).
    pub fn create_admin(
        token: NewAdmin,
        if_exists: IfExists,
        policy: &Policy,
    ) -> Result<Plan, PlanError> {
        policy.check_expiry(token.name.as_str(), token.expiry, token.now)?;
        let now = token.now;
        Ok(Plan::new(vec![Step::CreateAdmin { token, if_exists }], now))
    }

    /// The plan that gives the operator token `_admin` a new secret (`create token
    /// --admin --regenerate`): it asks for confirmation, as the current secret stops
    /// working at once.
    ///
    /// # Errors
    ///
    /// [`PlanError::ExpiryPolicy`] under a cap: the operator token never expires.
    pub fn regenerate(now: Timestamp, policy: &Policy) -> Result<Plan, PlanError> {
        policy.check_expiry(OPERATOR_TOKEN, Expiry::Never, now)?;
        let mut plan = Plan::new(vec![Step::Regenerate], now);
        plan.confirmation = Some(Confirmation::Regenerate);
        Ok(plan)
    }

    /// The same plan, also creating `databases` (a tokens file's `create_databases`).
    #[must_use]
    pub fn with_databases(mut self, databases: Vec<influxdb3_permission::DatabaseName>) -> Plan {
        self.create_databases = databases;
        self
    }

    /// The plan that deletes one named token (`delete token`, `tokens remove`); it asks
    /// for confirmation when `confirm` says so.
    ///
    /// # Errors
    ///
    /// [`PlanError::Operator`] for `_admin`.
    pub fn delete(name: &str, confirm: bool, now: Timestamp) -> Result<Plan, PlanError> {
        if name == OPERATOR_TOKEN {
            return Err(PlanError::Operator { what: "deleted" });
        }
        let mut plan = Plan::new(
            vec![Step::Delete {
                name: name.to_owned(),
            }],
            now,
        );
        if confirm {
            plan.confirmation = Some(Confirmation::Delete {
                name: name.to_owned(),
            });
        }
        Ok(plan)
    }

    /// The plan that gives one named token a new secret (`tokens rotate`): `secret`
    /// when one is chosen, else one the store mints.
    ///
    /// # Errors
    ///
    /// [`PlanError::Operator`] for `_admin`.
    pub fn rotate(name: &str, secret: Option<Token>, now: Timestamp) -> Result<Plan, PlanError> {
        if name == OPERATOR_TOKEN {
            return Err(PlanError::Operator { what: "rotated" });
        }
        Ok(Plan::new(
            vec![Step::Rotate {
                name: name.to_owned(),
                secret,
            }],
            now,
        ))
    }

    /// The plan that copies `tokens` (with their secrets) into a store that holds
    /// `current` (`tokens merge`): a token the store has already, with the same secret,
    /// grants and expiry, is kept; every other name or secret used twice is a
    /// [`Conflict`], all of them reported together.
    ///
    /// The expiry cap of `policy` holds for the tokens it copies (one that has expired
    /// is copied as it is: the cap is about how long a token may live).
    ///
    /// # Errors
    ///
    /// [`PlanError::Conflicts`], or [`PlanError::ExpiryPolicy`] for a token the cap
    /// refuses.
    pub fn merge(
        sources: Vec<Vec<NewToken>>,
        current: &[Existing],
        now: Timestamp,
        policy: &Policy,
    ) -> Result<Plan, PlanError> {
        // Where each name and secret was first seen: the source (0 is the store), the
        // step.
        let mut names: HashMap<String, (usize, Option<usize>)> = HashMap::new();
        let mut hashes: HashMap<[u8; 64], (usize, String)> = HashMap::new();
        for c in current {
            names.insert(c.name.clone(), (0, None));
            if let Some(h) = &c.hash {
                hashes.insert(*h.as_bytes(), (0, c.name.clone()));
            }
        }
        let by_name: HashMap<&str, &Existing> =
            current.iter().map(|c| (c.name.as_str(), c)).collect();
        let mut steps: Vec<Step> = Vec::new();
        let mut conflicts = Vec::new();
        for (source, tokens) in sources.into_iter().enumerate() {
            let source = source + 1;
            for token in tokens {
                let hash = token.secret.as_ref().map(|t| *t.hash().as_bytes());
                let name = token.name.as_str();
                if let Some(&(first, at)) = names.get(name) {
                    {
                        let same = match at {
                            Some(i) => {
                                matches!(&steps[i], Step::Create { token: t, .. } if t.same_as(&token))
                            }
                            None => by_name
                                .get(name)
                                .is_some_and(|e| token.matches(e, hash.as_ref())),
                        };
                        if !same {
                            conflicts.push(Conflict::Name {
                                name: name.to_owned(),
                                sources: (first, source),
                            });
                        }
                        continue;
                    }
                }
                if let Some((first, holder)) = hash.as_ref().and_then(|h| hashes.get(h)) {
                    conflicts.push(Conflict::Secret {
                        first: holder.clone(),
                        second: name.to_owned(),
                        sources: (*first, source),
                    });
                    continue;
                }
                policy.check_cap(name, token.expiry, now)?;
                names.insert(name.to_owned(), (source, Some(steps.len())));
                if let Some(h) = hash {
                    hashes.insert(h, (source, name.to_owned()));
                }
                steps.push(Step::Create {
                    token,
                    if_exists: IfExists::Fail,
                });
            }
        }
        if !conflicts.is_empty() {
            return Err(PlanError::Conflicts(conflicts));
        }
        Ok(Plan::new(steps, now))
    }

    /// The plan that brings a store holding `current` to `wanted` (`tokens apply`): the
    /// wanted tokens' steps first, in their order, then those of the tokens it does not
    /// name. On a store that cannot change a token in place, drift is fixed by
    /// recreating the token.
    ///
    /// A token is kept when it grants the same as wanted (compared by what is allowed,
    /// not by text) and its expiry matches: an instant must be its expiry, no expiry
    /// must be none; a lifetime counts from creation and is not compared.
    ///
    /// The operator token `_admin` and admin tokens are never pruned or recreated; a
    /// wanted token of an admin token's name is refused.
    ///
    /// # Errors
    ///
    /// [`PlanError`]: an expiry the policy refuses, a wanted admin token's name.
    pub fn reconcile(
        wanted: &[Wanted],
        current: &[Existing],
        capabilities: Capabilities,
        now: Timestamp,
        options: PlanOptions,
        policy: &Policy,
    ) -> Result<Plan, PlanError> {
        let mut steps = Vec::with_capacity(wanted.len() + current.len());
        let by_name: HashMap<&str, &Existing> =
            current.iter().map(|c| (c.name.as_str(), c)).collect();
        let listed: HashSet<&str> = wanted.iter().map(|d| d.name.as_str()).collect();
        Plan::check_wanted(wanted, capabilities)?;
        for desired in wanted {
            let Some(existing) = by_name.get(desired.name.as_str()) else {
                let mut token = NewToken::new(
                    desired.name.clone(),
                    desired.grants.clone(),
                    desired.expiry,
                    now,
                );
                if let Some(secret) = &desired.secret {
                    token = token.with_secret(secret.clone());
                }
                policy.check_new(&token)?;
                steps.push(Step::Create {
                    token,
                    if_exists: IfExists::Fail,
                });
                continue;
            };
            Plan::against(
                desired,
                existing,
                capabilities,
                now,
                options,
                policy,
                &mut steps,
            )?;
        }
        let mut deletes = 0;
        for existing in current {
            if listed.contains(existing.name.as_str()) {
                continue;
            }
            let name = existing.name.clone();
            // An admin token is not the manifest's: only a prune says it leaves it.
            match (existing.is_operator() || existing.is_admin(), options.prune) {
                (true, false) => {}
                (true, true) => steps.push(Step::Protected { name }),
                (false, true) => {
                    deletes += 1;
                    steps.push(Step::Delete { name });
                }
                (false, false) => steps.push(Step::Unlisted { name }),
            }
        }
        let mut plan = Plan::new(steps, now);
        let permission_tokens = current
            .iter()
            .filter(|c| !c.is_admin() && !c.is_operator())
            .count();
        if deletes > 0 && deletes == permission_tokens {
            plan.confirmation = Some(Confirmation::PruneAll { count: deletes });
        }
        Ok(plan)
    }

    /// The steps for the wanted token `desired` that the store holds as `existing`:
    /// kept, or its drift reported, updated or recreated (and its secret rotated to a
    /// chosen one that differs, on a store that holds the secrets' hashes).
    fn against(
        desired: &Wanted,
        existing: &Existing,
        capabilities: Capabilities,
        now: Timestamp,
        options: PlanOptions,
        policy: &Policy,
        steps: &mut Vec<Step>,
    ) -> Result<(), PlanError> {
        let name = desired.name.clone();
        let slack = u64::try_from(capabilities.expiry_slack.as_millis()).unwrap_or(u64::MAX);
        if existing.is_admin() || existing.is_operator() {
            return Err(PlanError::AdminListed {
                name: name.as_str().to_owned(),
            });
        }
        let wanted_set = PermissionSet::from(&desired.grants);
        let (expiry, expiry_change) = match desired.expiry {
            Expiry::At(at)
                if existing
                    .expiry
                    .is_none_or(|e| e.millis().abs_diff(at.millis()) > slack) =>
            {
                (Some(at), Some((existing.expiry, Some(at))))
            }
            Expiry::Never if existing.expiry.is_some() => (None, Some((existing.expiry, None))),
            // A lifetime is not compared with an expiry (it counts from creation),
            // but a token that never expires is not what a lifetime asks for.
            Expiry::After(lifetime) if existing.expiry.is_none() => {
                let at = lifetime.ends(now).map_err(|source| PlanError::Expiry {
                    name: name.as_str().to_owned(),
                    source,
                })?;
                (Some(at), Some((None, Some(at))))
            }
            _ => (existing.expiry, None),
        };
        // A chosen secret that differs from the one the store holds (where it knows it).
        let new_secret = desired
            .secret
            .as_ref()
            .filter(|s| existing.hash.as_ref().is_some_and(|h| *h != s.hash()));
        let same = wanted_set == existing.grants && expiry_change.is_none();
        if same && new_secret.is_none() {
            steps.push(Step::Keep {
                name,
                expired: existing.expiry.is_some_and(|at| at <= now),
            });
            return Ok(());
        }
        let drift = Drift {
            widened: wanted_set.beyond(&existing.grants),
            narrowed: existing.grants.beyond(&wanted_set),
            name,
            grants: desired.grants.clone(),
            expiry,
            expiry_change,
            secret_changed: new_secret.is_some(),
        };
        let rotate = new_secret.map(|secret| Step::Rotate {
            name: drift.name.as_str().to_owned(),
            secret: Some(secret.clone()),
        });
        match (options.update, capabilities.in_place) {
            (false, _) => steps.push(Step::Drift(drift)),
            (true, true) => {
                if !same {
                    let at = drift.expiry.map_or(Expiry::Never, Expiry::At);
                    policy.check_expiry(drift.name.as_str(), at, now)?;
                    steps.push(Step::Update(drift));
                }
                steps.extend(rotate);
            }
            (true, false) => {
                // A new token: a lifetime counts from now, an instant is kept.
                let expiry = match desired.expiry {
                    Expiry::After(lifetime) => Expiry::After(lifetime),
                    _ => drift.expiry.map_or(Expiry::Never, Expiry::At),
                };
                let token = NewToken::new(drift.name.clone(), drift.grants.clone(), expiry, now);
                policy.check_new(&token)?;
                steps.push(Step::Recreate { drift, token });
            }
        }
        Ok(())
    }
}

/// A database a plan names that a server's HTTP API refuses to create, from
/// [`Plan::uncreatable`]; [`Uncreatable::warning`] says so.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Uncreatable {
    /// The database.
    pub database: influxdb3_permission::DatabaseName,
    /// Whether the plan's `create_databases` names it (otherwise only a permission
    /// does).
    pub to_create: bool,
    /// Why the API refuses it.
    pub reason: &'static str,
}

impl Uncreatable {
    /// The warning, naming where the caller took the database from: `to_create` (the
    /// plan's databases to create: `--create-databases`, a manifest's
    /// `create_databases`) or `granted` (a permission: `--permission`, a manifest's).
    pub fn warning(&self, to_create: &str, granted: &str) -> String {
        format!(
            "database {} (in {}) cannot be created through the server's HTTP API: {}",
            Quoted(&self.database),
            if self.to_create { to_create } else { granted },
            self.reason
        )
    }
}

/// A token a list (a manifest) wants to exist.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wanted {
    /// Its name.
    pub name: TokenName,
    /// What it grants.
    pub grants: Grants,
    /// When it expires.
    pub expiry: Expiry,
    /// The secret chosen for it (stores with [`Capabilities::chosen_secrets`] only):
    /// created with it, and rotated to it when the store holds another.
    pub secret: Option<Token>,
}

impl Wanted {
    /// A token named `name`, granting `grants`, expiring as `expiry` says, whose secret
    /// the store mints.
    pub fn new(name: TokenName, grants: Grants, expiry: Expiry) -> Wanted {
        Wanted {
            name,
            grants,
            expiry,
            secret: None,
        }
    }

    /// The same, with a chosen secret.
    #[must_use]
    pub fn with_secret(mut self, secret: Token) -> Wanted {
        self.secret = Some(secret);
        self
    }
}

impl NewAdmin {
    /// An admin token to create at `now`, whose secret the store mints.
    pub fn new(name: TokenName, expiry: Expiry, now: Timestamp) -> NewAdmin {
        NewAdmin {
            name,
            expiry,
            now,
            secret: None,
        }
    }

    /// The same token, with a chosen secret.
    #[must_use]
    pub fn with_secret(mut self, secret: Token) -> NewAdmin {
        self.secret = Some(secret);
        self
    }
}

impl NewToken {
    /// A token to create at `now`, whose secret the store mints.
    pub fn new(name: TokenName, grants: Grants, expiry: Expiry, now: Timestamp) -> NewToken {
        NewToken {
            name,
            grants,
            expiry,
            now,
            secret: None,
        }
    }

    /// The same token, with a chosen secret.
    #[must_use]
    pub fn with_secret(mut self, secret: influxdb3_token::Token) -> NewToken {
        self.secret = Some(secret);
        self
    }

    /// Whether `other` is the same token: name, secret, grants and expiry.
    fn same_as(&self, other: &NewToken) -> bool {
        self.name == other.name
            && self.secret == other.secret
            && PermissionSet::from(&self.grants) == PermissionSet::from(&other.grants)
            && self.expiry.ends(self.now).ok() == other.expiry.ends(other.now).ok()
    }

    /// Whether `existing` is this token (its secret's hash `hash`).
    fn matches(&self, existing: &Existing, hash: Option<&[u8; 64]>) -> bool {
        existing
            .hash
            .as_ref()
            .map(influxdb3_token::TokenHash::as_bytes)
            == hash
            && PermissionSet::from(&self.grants) == existing.grants
            && expires_at(self.expiry, self.now) == existing.expiry
    }
}

/// Two tokens that cannot both be in one store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Conflict {
    /// One name, two different tokens: in sources `sources.0` and `sources.1` (0 is the
    /// store itself, 1 the first source).
    Name {
        /// The name.
        name: String,
        /// Where the two were found.
        sources: (usize, usize),
    },
    /// One secret under two names.
    Secret {
        /// The name it was first seen under.
        first: String,
        /// The other name.
        second: String,
        /// Where the two were found.
        sources: (usize, usize),
    },
}

/// Refuses the first wanted token with a chosen secret, `chosen` (by name), on a store
/// that mints its own secrets: the one rule behind [`Plan::check_wanted`] and
/// [`Manifest::check`](crate::Manifest::check).
pub(crate) fn refuse_chosen(
    chosen: Option<&str>,
    capabilities: Capabilities,
) -> Result<(), PlanError> {
    match chosen {
        Some(name) if !capabilities.holds(Unsupported::ChosenSecret) => {
            Err(PlanError::Unsupported {
                name: name.to_owned(),
                what: Unsupported::ChosenSecret,
            })
        }
        _ => Ok(()),
    }
}

impl std::fmt::Display for Drift {
    /// How the token differs from what is wanted: `widened …; narrowed …; expiry OLD ->
    /// NEW; secret not the one of its secret_file`, the parts that apply (no name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        ChangeWords::new(&self.widened, &self.narrowed, self.expiry_change)
            .note(
                self.secret_changed
                    .then_some("secret not the one of its secret_file"),
            )
            .fmt(f)
    }
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A token's expiry does not work (passed, or too far).
    #[error("token {}", Quoted(name))]
    Expiry {
        /// The token.
        name: String,
        /// Why.
        #[source]
        source: LifetimeError,
    },
    /// The expiry cap refuses a token that lives longer, or forever.
    #[error("token {} would {}, and the expiry policy allows at most {max}", Quoted(name), match lifetime { Some(l) => format!("live {l}"), None => "never expire".to_owned() })]
    ExpiryPolicy {
        /// The token.
        name: String,
        /// How long it would live; `None`: forever.
        lifetime: Option<Lifetime>,
        /// The cap.
        max: Lifetime,
    },
    /// A permission token named `_admin`.
    #[error(
        "a permission token cannot be named `_admin`: the server keeps that name for its operator admin token"
    )]
    Reserved,
    /// The operator token `_admin` asked to be deleted or rotated.
    #[error("the operator token `_admin` is never {what} by this tool")]
    Operator {
        /// `deleted`, `rotated`.
        what: &'static str,
    },
    /// A wanted token has the name of an admin token of the store.
    #[error(
        "token {} is an admin token: a manifest lists permission tokens and cannot manage it",
        Quoted(name)
    )]
    AdminListed {
        /// Its name.
        name: String,
    },
    /// The store cannot carry out a step.
    #[error("token {}: this store cannot hold {what}", Quoted(name))]
    Unsupported {
        /// The token.
        name: String,
        /// What it cannot do.
        what: Unsupported,
    },
    /// Tokens that cannot all be in one store.
    #[error("{} {}", .0.len(), if .0.len() == 1 { "conflict" } else { "conflicts" })]
    Conflicts(Vec<Conflict>),
    /// A [`TokenRequest`](crate::TokenRequest) asks for what its kind of token cannot
    /// have (an expiry, a chosen secret, a choice for a name that exists, or databases
    /// beside the operator token's new secret; databases beside an admin token).
    #[error("token {}: {kind} takes no {what}", Quoted(name))]
    NotForKind {
        /// The token.
        name: String,
        /// What was asked.
        what: &'static str,
        /// The kind of token.
        kind: &'static str,
    },
}
