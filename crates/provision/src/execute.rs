//! The one executor: a plan carried out on any store, each step reported as it
//! happens, a typed report at the end.

use std::collections::HashSet;
use std::fmt;

use influxdb3_permission::{Grants, Permission, PermissionSet};
use influxdb3_text::chain;
use influxdb3_token::{Timestamp, Token};
use serde::ser::{SerializeSeq, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::plan::{Drift, IfExists, Plan, PlanError, Step};
use crate::store::{
    Capabilities, Existing, Failure, Minted, OPERATOR_TOKEN, StoreError, TokenStore, expires_at,
};

/// Why an observer of [`execute`] could not keep what it was told (a secrets file
/// that could not be written): the executor stops there.
pub type ObserverError = Box<dyn std::error::Error + Send + Sync>;

/// What happened to one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Action {
    /// Created (a new secret).
    Created,
    /// A new token put in the place of one of its name (a new secret).
    Replaced,
    /// Given new grants or expiry, same secret.
    Updated,
    /// Deleted and created anew (a new secret).
    Recreated,
    /// Given a new secret.
    Rotated,
    /// The operator token `_admin` given a new secret by its store.
    Regenerated,
    /// Deleted.
    Deleted,
    /// As wanted already.
    Kept,
    /// It existed, and `--if-not-exists` left it alone.
    Exists,
    /// Differs from what is wanted, left alone.
    Drift,
    /// Not wanted, left alone (no prune).
    Unlisted,
    /// An admin token a prune leaves alone.
    Protected,
}

impl Action {
    /// The stable name, as the step's verb: `create`, `delete`, `keep`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "create",
            Action::Replaced => "replace",
            Action::Updated => "update",
            Action::Recreated => "recreate",
            Action::Rotated => "rotate",
            Action::Regenerated => "regenerate",
            Action::Deleted => "delete",
            Action::Kept => "keep",
            Action::Exists => "exists",
            Action::Drift => "drift",
            Action::Unlisted => "unlisted",
            Action::Protected => "protected",
        }
    }

    /// Whether it changed the store.
    pub fn changed(self) -> bool {
        matches!(
            self,
            Action::Created
                | Action::Replaced
                | Action::Updated
                | Action::Recreated
                | Action::Rotated
                | Action::Regenerated
                | Action::Deleted
        )
    }

    /// Whether a new secret was minted.
    pub fn minted(self) -> bool {
        matches!(
            self,
            Action::Created
                | Action::Replaced
                | Action::Recreated
                | Action::Rotated
                | Action::Regenerated
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step done (in a dry run: to be done), as the report keeps it: never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Done {
    /// What happened.
    pub action: Action,
    /// The token's name.
    pub name: String,
    /// What it grants, where the step says (created, replaced, updated, recreated).
    pub grants: Option<Grants>,
    /// It is an admin token (every permission, `*:*:*`): created, replaced or
    /// regenerated.
    pub admin: bool,
    /// When it expires, where the step says.
    pub expiry: Option<Timestamp>,
    /// How it drifted (updated, recreated, drift).
    pub drift: Option<Drift>,
    /// Whether it has expired (kept).
    pub expired: bool,
    /// The server's id for a token it made.
    pub id: Option<u64>,
    /// When the server says it made it.
    pub created_at: Option<String>,
}

impl Done {
    /// A step of `action` on the token `name`, with nothing else said.
    pub fn new(action: Action, name: &str) -> Done {
        Done {
            action,
            name: name.to_owned(),
            grants: None,
            admin: false,
            expiry: None,
            drift: None,
            expired: false,
            id: None,
            created_at: None,
        }
    }

    /// What the token may do, as far as the step says: its grants (a token created,
    /// replaced, updated or recreated), `*:*:*` for an admin token, or none.
    pub fn permissions(&self) -> &[Permission] {
        /// An admin token's one permission.
        const ADMIN: &[Permission] = &[Permission::Admin];
        match (&self.grants, self.admin) {
            (Some(grants), _) => grants,
            (None, true) => ADMIN,
            (None, false) => &[],
        }
    }

    fn minted(
        mut self,
        grants: Option<&Grants>,
        minted: Option<&Minted>,
        expiry: Option<Timestamp>,
    ) -> Done {
        self.grants = grants.cloned();
        self.admin = grants.is_none();
        self.expiry = minted.map_or(expiry, |m| m.expiry);
        if let Some(m) = minted {
            self.id = m.id;
            self.created_at.clone_from(&m.created_at);
        }
        self
    }
}

/// What the executor tells its observer, as it happens.
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A step that changes the store is about to be carried out (`index` of `of`
    /// changing steps): for a progress line.
    Starting {
        /// Which one, from 0.
        index: usize,
        /// How many steps change the store.
        of: usize,
        /// The step.
        step: &'a Step,
    },
    /// A step is done. `secret` is the token just minted: keep it now, it exists
    /// nowhere else. (For a store whose changes take effect together, the token exists
    /// once the store has finished: if it cannot, [`Event::Discarded`] follows.)
    Done {
        /// What was done.
        done: &'a Done,
        /// The secret of a token just made.
        secret: Option<&'a Token>,
    },
    /// The store could not finish: none of the tokens whose secrets were handed out
    /// exists. Throw those secrets away.
    Discarded,
}

/// Why a plan stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Cause<E: StoreError> {
    /// The store refused or failed.
    #[error(transparent)]
    Store(E),
    /// The observer could not keep what it was told (a secrets file could not be
    /// written): the executor stopped there.
    #[error("what was done could not be kept")]
    Observer(#[source] ObserverError),
    /// The plan needs a confirmation it was not given.
    #[error("the plan needs a confirmation it was not given")]
    NotConfirmed,
    /// The store cannot carry out the plan, or a step breaks a rule of the plans (the
    /// operator token): nothing was done.
    #[error(transparent)]
    Refused(PlanError),
}

impl<E: StoreError> Cause<E> {
    /// How the store classified its error ([`Failure::Other`] for the rest).
    pub fn failure(&self) -> Failure {
        match self {
            Cause::Store(e) => e.failure(),
            _ => Failure::Other,
        }
    }
}

/// The step that failed, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}", match name { Some(name) => format!("the step on token `{name}` failed"), None => "the store failed".to_owned() })]
#[non_exhaustive]
pub struct Failed<E: StoreError> {
    /// The token the step was about; `None` when the store as a whole failed (its
    /// databases, its final write) or the plan was refused.
    pub name: Option<String>,
    /// The index of the step in the plan's [`steps`](Plan::steps), when a step failed.
    pub step: Option<usize>,
    /// Why.
    #[source]
    pub cause: Cause<E>,
}

/// What carrying out a plan did: each step done, in order, and what failed. It holds
/// no secret: those travel beside it, in [`Executed::secrets`].
#[derive(Debug)]
#[non_exhaustive]
pub struct Report<E: StoreError> {
    /// The steps done (in a dry run, to be done), in order.
    pub done: Vec<Done>,
    /// The step that failed, if one did: the steps after it were not carried out.
    pub failed: Option<Failed<E>>,
    /// Whether it was a dry run.
    pub dry_run: bool,
    /// Whether the store's changes take effect together ([`Capabilities::atomic`]: a
    /// tokens file): after a failure, none of the run's changes were kept.
    pub atomic: bool,
}

impl<E: StoreError> Report<E> {
    /// How many steps did `action`.
    pub fn count(&self, action: Action) -> usize {
        self.done.iter().filter(|d| d.action == action).count()
    }

    /// Whether anything changed (or, in a dry run, would).
    pub fn changed(&self) -> bool {
        self.done.iter().any(|d| d.action.changed())
    }
}

/// The report, and the secrets of the tokens minted, in the order made.
#[derive(Debug)]
#[non_exhaustive]
#[must_use = "a failure is in the report"]
pub struct Executed<E: StoreError> {
    /// What was done.
    pub report: Report<E>,
    /// The name (as the store has it) and secret of each token minted (none in a dry
    /// run, nor for a store that could not finish).
    pub secrets: Vec<(String, Token)>,
    /// The names of `secrets` whose secret the caller chose (a step's chosen secret).
    pub(crate) chosen: HashSet<String>,
}

impl<E: StoreError> Executed<E> {
    /// The secrets the store minted, which nobody holds but this run: [`secrets`]
    /// without those the plan's steps chose (the caller holds them already). What a
    /// run shows once and then loses.
    ///
    /// [`secrets`]: Executed::secrets
    pub fn minted(&self) -> impl Iterator<Item = &(String, Token)> {
        self.secrets
            .iter()
            .filter(|(name, _)| !self.chosen.contains(name))
    }
}

/// How to carry a plan out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExecuteOptions {
    dry_run: bool,
}

impl ExecuteOptions {
    /// Report what would be done, and hand out no secret. A store whose changes take
    /// effect together is still changed in memory (so that a dry run meets every
    /// refusal the run would) but not finished; a server is not asked to change
    /// anything. A store that is itself a dry run ([`TokenStore::is_dry_run`]) makes
    /// every run a dry run.
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }
}

/// Carries `plan` out on `store`, step by step, telling `observe` of each as it
/// happens, then [finishes](TokenStore::finish) the store. Stops at the first failure
/// (of the store, or of `observe`): the report says what was done before it, and the
/// secrets of the tokens made before it are kept. A store whose changes take effect
/// together is not finished after a failure: nothing of the plan is kept there.
///
/// Refused whole, before any step: a plan that [needs
/// confirmation](Plan::needs_confirmation), one the store [cannot carry
/// out](Plan::check), a step of a permission token (create, update, recreate, rotate,
/// delete) on the operator token `_admin`. Only the admin steps touch `_admin`: made
/// by [`Plan::create_admin`], given a new secret by [`Plan::regenerate`] (which asks
/// for confirmation).
#[must_use = "a failure is in the report"]
pub fn execute<S: TokenStore + ?Sized>(
    plan: &Plan,
    store: &mut S,
    options: ExecuteOptions,
    observe: &mut dyn FnMut(&Event<'_>) -> Result<(), ObserverError>,
) -> Executed<S::Error> {
    let capabilities = store.capabilities();
    let dry_run = options.dry_run || store.is_dry_run();
    // A dry run on a server only reports; on an atomic store it runs in memory.
    let call = !dry_run || capabilities.atomic;
    let mut run = Run {
        report: Report {
            done: Vec::with_capacity(plan.steps().len()),
            failed: None,
            dry_run,
            atomic: capabilities.atomic,
        },
        secrets: Vec::new(),
        chosen: HashSet::new(),
        keep_secrets: !dry_run,
    };
    if let Some(cause) = refusal(plan, capabilities) {
        run.fail(None, None, cause);
        return run.into_executed();
    }
    if call
        && !plan.create_databases().is_empty()
        && let Err(e) = store.add_databases(plan.create_databases())
    {
        run.fail(None, None, Cause::Store(e));
        return run.into_executed();
    }
    let of = plan.steps().iter().filter(|s| s.changes()).count();
    let mut index = 0;
    for (at, step) in plan.steps().iter().enumerate() {
        let name = Some(step.name());
        if step.changes() {
            if let Err(e) = observe(&Event::Starting { index, of, step }) {
                run.fail(name, Some(at), Cause::Observer(e));
                return run.into_executed();
            }
            index += 1;
        }
        let (dones, error) = if call {
            carry_out(step, store)
        } else {
            (preview(step), None)
        };
        for (done, minted) in dones {
            let secret = minted.as_ref().map(|m| &m.token).filter(|_| !dry_run);
            let told = observe(&Event::Done {
                done: &done,
                secret,
            });
            run.keep(step, &done, minted);
            run.report.done.push(done);
            if let Err(e) = told {
                run.fail(name, Some(at), Cause::Observer(e));
                return run.into_executed();
            }
        }
        if let Some(e) = error {
            run.fail(name, Some(at), Cause::Store(e));
            return run.into_executed();
        }
    }
    // An atomic store is finished unless the dry run is the executor's alone (the
    // store would really write); a store that is itself a dry run only pretends.
    let finish = !dry_run || (capabilities.atomic && store.is_dry_run());
    if finish && let Err(e) = store.finish() {
        // Nothing of an atomic store's changes is kept: no secret of it either.
        if capabilities.atomic {
            if !run.secrets.is_empty() {
                let _ = observe(&Event::Discarded);
            }
            run.secrets.clear();
            run.chosen.clear();
            run.report.done.retain(|d| !d.action.changed());
        }
        run.fail(None, None, Cause::Store(e));
    }
    run.into_executed()
}

/// Why a plan is refused before any step: not confirmed, a step the store cannot
/// carry out, a permission token's step on the operator token (a last line of defence:
/// the constructors make none; the admin steps are its own).
fn refusal<E: StoreError>(plan: &Plan, capabilities: Capabilities) -> Option<Cause<E>> {
    if plan.needs_confirmation().is_some() {
        return Some(Cause::NotConfirmed);
    }
    if let Err(e) = plan.check(capabilities) {
        return Some(Cause::Refused(e));
    }
    plan.steps()
        .iter()
        .filter(|s| s.changes() && s.name() == OPERATOR_TOKEN)
        .filter(|s| !matches!(s, Step::CreateAdmin { .. } | Step::Regenerate))
        .map(|s| {
            let what = match s {
                Step::Create { .. } => return Cause::Refused(PlanError::Reserved),
                Step::Rotate { .. } => "rotated",
                Step::Recreate { .. } => "recreated",
                Step::Update(_) => "changed",
                _ => "deleted",
            };
            Cause::Refused(PlanError::Operator { what })
        })
        .next()
}

/// What the executor has so far.
struct Run<E: StoreError> {
    report: Report<E>,
    secrets: Vec<(String, Token)>,
    chosen: HashSet<String>,
    keep_secrets: bool,
}

impl<E: StoreError> Run<E> {
    /// Keeps the secret `minted` for `done`, a step of `step`.
    fn keep(&mut self, step: &Step, done: &Done, minted: Option<Minted>) {
        if let (true, Some(m)) = (self.keep_secrets, minted) {
            if step.chosen_secret().is_some() {
                self.chosen.insert(done.name.clone());
            }
            self.secrets.push((done.name.clone(), m.token));
        }
    }

    fn fail(&mut self, name: Option<&str>, step: Option<usize>, cause: Cause<E>) {
        self.report.failed = Some(Failed {
            name: name.map(str::to_owned),
            step,
            cause,
        });
    }

    fn into_executed(self) -> Executed<E> {
        Executed {
            report: self.report,
            secrets: self.secrets,
            chosen: self.chosen,
        }
    }
}

/// What a step would do, without a store.
fn preview(step: &Step) -> Vec<(Done, Option<Minted>)> {
    let done = match step {
        Step::Create { token, if_exists } => {
            Done::new(made(*if_exists == IfExists::Replace), token.name.as_str()).minted(
                Some(&token.grants),
                None,
                expires_at(token.expiry, token.now),
            )
        }
        Step::CreateAdmin { token, if_exists } => Done::new(
            made(*if_exists == IfExists::Replace),
            token.name.as_str(),
        )
        .minted(None, None, expires_at(token.expiry, token.now)),
        Step::Regenerate => Done::new(Action::Regenerated, OPERATOR_TOKEN).minted(None, None, None),
        other => return quiet(other).into_iter().map(|d| (d, None)).collect(),
    };
    vec![(done, None)]
}

/// A token made: in the place of one of its name, or not.
fn made(replaced: bool) -> Action {
    if replaced {
        Action::Replaced
    } else {
        Action::Created
    }
}

/// The steps that change nothing, and the rest as a dry run reports them.
fn quiet(step: &Step) -> Option<Done> {
    Some(match step {
        Step::Keep { name, expired } => {
            let mut d = Done::new(Action::Kept, name.as_str());
            d.expired = *expired;
            d
        }
        Step::Drift(drift) => drifted(Action::Drift, drift),
        Step::Update(drift) => drifted(Action::Updated, drift),
        Step::Recreate { drift, token } => {
            let mut d = drifted(Action::Recreated, drift);
            d.expiry = expires_at(token.expiry, token.now);
            d
        }
        Step::Unlisted { name } => Done::new(Action::Unlisted, name),
        Step::Protected { name } => Done::new(Action::Protected, name),
        Step::Delete { name } => Done::new(Action::Deleted, name),
        Step::Rotate { name, .. } => Done::new(Action::Rotated, name),
        Step::Create { .. } | Step::CreateAdmin { .. } | Step::Regenerate => return None,
    })
}

fn drifted(action: Action, drift: &Drift) -> Done {
    let mut d = Done::new(action, drift.name.as_str());
    d.grants = Some(drift.grants.clone());
    d.expiry = drift.expiry;
    d.drift = Some(drift.clone());
    d
}

/// What carrying out a step did (each done, with the token it minted), and the store's
/// error, if any.
type Carried<E> = (Vec<(Done, Option<Minted>)>, Option<E>);

/// Whether `store` holds the token named `name` with this chosen `secret` and these
/// `grants` already (and whatever else `also` asks of it): a chosen secret made again.
/// Idempotent by construction: the step changes nothing and succeeds.
fn holds<S: TokenStore + ?Sized>(
    store: &mut S,
    name: &str,
    secret: Option<&Token>,
    grants: &PermissionSet,
    also: impl Fn(&Existing) -> bool,
) -> bool {
    let Some(secret) = secret else {
        return false;
    };
    store.list().is_ok_and(|current| {
        current.iter().any(|t| {
            t.name == name
                && t.hash.as_ref() == Some(&secret.hash())
                && t.grants == *grants
                && also(t)
        })
    })
}

/// Carries one step out on the store: what was done (a recreate whose creation failed
/// did delete), and the store's error, if any.
fn carry_out<S: TokenStore + ?Sized>(step: &Step, store: &mut S) -> Carried<S::Error> {
    let name = step.name();
    let one = |result: Result<(Done, Option<Minted>), S::Error>| match result {
        Ok(done) => (vec![done], None),
        Err(e) => (Vec::new(), Some(e)),
    };
    match step {
        Step::Create { token, if_exists } => one(if *if_exists == IfExists::Replace {
            store.replace(token)
        } else {
            store.create(token)
        }
        .map(|m| {
            (
                Done::new(made(m.replaced), name).minted(Some(&token.grants), Some(&m), None),
                Some(m),
            )
        })
        .or_else(|e| match e.failure() {
            Failure::NameTaken
                if *if_exists == IfExists::Keep
                    // Its expiry is kept (`--replace` renews it).
                    || holds(
                        store,
                        name,
                        token.secret.as_ref(),
                        &PermissionSet::from(&token.grants),
                        |_| true,
                    ) =>
            {
                Ok((Done::new(Action::Exists, name), None))
            }
            _ => Err(e),
        })),
        // The admin token is there with this chosen secret and expiry already: nothing
        // to write (an admin token is written whole: another expiry replaces it).
        Step::CreateAdmin { token, .. }
            if holds(
                store,
                name,
                token.secret.as_ref(),
                &[Permission::Admin].iter().collect(),
                |t| t.expiry == expires_at(token.expiry, token.now),
            ) =>
        {
            (vec![(Done::new(Action::Exists, name), None)], None)
        }
        Step::CreateAdmin { token, if_exists } => one(store
            .create_admin(token, *if_exists == IfExists::Replace)
            .map(|m| {
                (
                    Done::new(made(m.replaced), name).minted(None, Some(&m), None),
                    Some(m),
                )
            })
            .or_else(|e| match e.failure() {
                Failure::NameTaken if *if_exists == IfExists::Keep => {
                    Ok((Done::new(Action::Exists, name), None))
                }
                _ => Err(e),
            })),
        Step::Regenerate => one(store.regenerate().map(|m| {
            (
                Done::new(Action::Regenerated, name).minted(None, Some(&m), None),
                Some(m),
            )
        })),
        Step::Update(drift) => one(store
            .update(name, &drift.grants, drift.expiry)
            .map(|()| (drifted(Action::Updated, drift), None))),
        Step::Recreate { drift, token } => {
            if let Err(e) = store.delete(name) {
                return (Vec::new(), Some(e));
            }
            match store.create(token) {
                Ok(minted) => {
                    let mut done = drifted(Action::Recreated, drift);
                    done.expiry = minted.expiry;
                    done.id = minted.id;
                    done.created_at.clone_from(&minted.created_at);
                    (vec![(done, Some(minted))], None)
                }
                // Deleted, not created: the report says so.
                Err(e) => (vec![(Done::new(Action::Deleted, name), None)], Some(e)),
            }
        }
        Step::Rotate { secret, .. } => one(store.rotate(name, secret.as_ref()).map(|minted| {
            let mut done = Done::new(Action::Rotated, name);
            done.expiry = minted.expiry;
            (done, Some(minted))
        })),
        Step::Delete { .. } => one(store
            .delete(name)
            .map(|()| (Done::new(Action::Deleted, name), None))),
        other => (quiet(other).into_iter().map(|d| (d, None)).collect(), None),
    }
}

// ---- serialization: the report as JSON, secrets never in it ----

/// Writes a value as its `Display` text.
struct Shown<'a, T: ?Sized>(&'a T);

impl<T: fmt::Display + ?Sized> Serialize for Shown<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

/// Writes a list of values as their `Display` texts.
struct ShownAll<'a, T>(&'a [T]);

impl<T: fmt::Display> Serialize for ShownAll<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&Shown(item))?;
        }
        seq.end()
    }
}

impl Serialize for Done {
    /// `{"action", "name"}` (a name that looks like a token's secret masked, as
    /// everything this crate reports), then what the action says: `"permissions"` and
    /// `"expiry"` of a token minted (`["*:*:*"]` for an admin token); `"expired"` of
    /// one kept; `"widened"`, `"narrowed"` (and, for an update or a drift, `"expiry": {"old", "new"} | null`, and `"secret_changed":
    /// true` when its secret is not the chosen one) of one that drifted;
    /// `"id"` and `"created_at"` where a server gave them.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Done", 8)?;
        self.serialize_fields(&mut s)?;
        s.end()
    }
}

impl Done {
    /// The fields of its [`Serialize`], written into `s` (which may take more after
    /// them).
    pub(crate) fn serialize_fields<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        #[derive(Serialize)]
        struct Change<'a> {
            old: Option<Shown<'a, Timestamp>>,
            new: Option<Shown<'a, Timestamp>>,
        }
        s.serialize_field("action", self.action.as_str())?;
        s.serialize_field("name", &influxdb3_token::mask_token_shaped(&self.name))?;
        if self.action.minted() {
            if self.grants.is_some() || self.admin {
                s.serialize_field("permissions", &ShownAll(self.permissions()))?;
            }
            s.serialize_field("expiry", &self.expiry.as_ref().map(Shown))?;
        }
        if self.action == Action::Kept {
            s.serialize_field("expired", &self.expired)?;
        }
        if let Some(d) = &self.drift {
            s.serialize_field("widened", &ShownAll(&d.widened))?;
            s.serialize_field("narrowed", &ShownAll(&d.narrowed))?;
            if !self.action.minted() {
                let change = d.expiry_change.as_ref().map(|(old, new)| Change {
                    old: old.as_ref().map(Shown),
                    new: new.as_ref().map(Shown),
                });
                s.serialize_field("expiry", &change)?;
            }
            if d.secret_changed {
                s.serialize_field("secret_changed", &true)?;
            }
        }
        if let Some(id) = self.id {
            s.serialize_field("id", &id)?;
        }
        if let Some(at) = &self.created_at {
            s.serialize_field("created_at", at)?;
        }
        Ok(())
    }
}

impl<E: StoreError> Serialize for Report<E> {
    /// `{"dry_run", "changed", "steps": [...], "failed": {"name", "error"} | null}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct FailedJson<'a> {
            name: Option<&'a str>,
            error: String,
        }
        let mut s = serializer.serialize_struct("Report", 4)?;
        s.serialize_field("dry_run", &self.dry_run)?;
        s.serialize_field("changed", &self.changed())?;
        s.serialize_field("steps", &self.done)?;
        s.serialize_field(
            "failed",
            &self.failed.as_ref().map(|f| FailedJson {
                name: f.name.as_deref(),
                error: chain(&f.cause),
            }),
        )?;
        s.end()
    }
}
