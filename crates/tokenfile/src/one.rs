//! A plan of one token (`create token --offline`, `tokens remove`, `tokens rotate`)
//! carried out on a tokens file in one call, with what its caller says of it: the token
//! of that name as the file held it, the token made, the entry a dry run would write,
//! why a token was left as it was, and the warnings.

use std::fmt;
use std::path::{Path, PathBuf};

use influxdb3_provision::{
    Action, ExecuteOptions, Executed, IfExists, Kept, MadeToken, Plan, Report, Step, TokenStore,
    execute,
};
use influxdb3_text::escape_lines;
use influxdb3_token::{Quoted, Timestamp, TokenHash, mask_token_shaped};
use serde::Serialize;
use serde_json::Value;

use crate::admin::AdminFileStore;
use crate::disk::Written;
use crate::error::TokenFileError;
use crate::finding::Finding;
use crate::model::TokenRecord;
use crate::store::{FileStore, FileStoreError};
use crate::write::WriteOptions;

/// What a plan of one token did to a tokens file (or, in a dry run, would do), made by
/// [`run_one`]. Its words name the file as [`Written::path`] does.
#[derive(Debug)]
#[non_exhaustive]
#[must_use = "a failure is in the report"]
pub struct OneRun {
    /// What the executor did, with the secret it made.
    pub executed: Executed<FileStoreError>,
    /// What was written.
    pub written: Written,
    /// The store's findings once the run was over ([`FileStore::findings`]; none for an
    /// admin token file).
    pub findings: Vec<Finding>,
    /// The token of the plan's name (for an admin token file: the token it held,
    /// whatever its name) before the run.
    pub before: Option<Before>,
    /// That entry after the run (in a dry run: as it would be written), every
    /// token-shaped value in it masked.
    entry: Option<Value>,
    plan: PlanFacts,
    admin_file: bool,
    dry_run: bool,
    now: Timestamp,
}

/// A token of a tokens file as it was before a run: never its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Before {
    /// Its name.
    pub name: String,
    /// Its permissions, in their canonical text.
    pub permissions: Vec<String>,
    /// The hash of its secret.
    pub hash: TokenHash,
    /// When it expired, if it had at the time of the run.
    pub expired: Option<Timestamp>,
}

impl Before {
    /// The token of `record`, with these permissions, as it was at `now`.
    fn of(record: &TokenRecord<'_>, permissions: Vec<String>, now: Timestamp) -> Before {
        Before {
            name: record.name().to_owned(),
            permissions,
            hash: record.token().hash(),
            expired: record.expiry().filter(|_| record.is_expired(now)),
        }
    }
}

/// What a one-token run's words need of its plan.
#[derive(Debug)]
struct PlanFacts {
    step: Kind,
    name: String,
    if_exists: IfExists,
    chosen: Option<TokenHash>,
    create_databases: Vec<String>,
}

/// What kind of plan of one token: one that makes a token, or one that changes a token
/// of the file (a rotation, a removal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Create,
    Edit,
}

impl PlanFacts {
    fn of(step: &Step, plan: &Plan) -> PlanFacts {
        let if_exists = match step {
            Step::Create { if_exists, .. } | Step::CreateAdmin { if_exists, .. } => *if_exists,
            _ => IfExists::Fail,
        };
        PlanFacts {
            step: match step {
                Step::Rotate { .. } | Step::Delete { .. } => Kind::Edit,
                _ => Kind::Create,
            },
            name: step.name().to_owned(),
            if_exists,
            chosen: step.chosen_secret().map(influxdb3_token::Token::hash),
            create_databases: plan
                .create_databases()
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

/// A record as a dry run shows it: every token-shaped value in it (its token, and any
/// other field the file keeps) masked.
fn redacted(record: &impl Serialize) -> Value {
    fn mask(value: &mut Value) {
        match value {
            Value::String(text) => {
                if let std::borrow::Cow::Owned(masked) = mask_token_shaped(text) {
                    *text = masked;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(mask),
            Value::Object(fields) => fields.values_mut().for_each(mask),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    mask(&mut value);
    // The token whatever its shape (a file's token is read as leniently as the server
    // reads it, and may not look like one).
    if let Some(token) = value.get_mut("token") {
        *token = Value::from("apiv3_***");
    }
    value
}

/// Carries `plan`, of one token, out on the tokens file at `path` in one call, as
/// [`FileStore::open`] (or, for an admin token's plan, [`AdminFileStore::open`]) and
/// [`execute`](influxdb3_provision::execute) do, and keeps what its caller says of it:
/// a create, a rotation or a deletion on a permission tokens file; an admin token on an
/// admin token file. `now` judges expiry.
///
/// # Errors
///
/// [`TokenFileError::NotOneToken`] for a plan of more or fewer than one step; otherwise
/// when the file cannot be locked, read or loaded. A step that failed is in
/// [`OneRun::executed`].
pub fn run_one(
    path: impl AsRef<Path>,
    plan: &Plan,
    options: &WriteOptions<'_>,
    now: Timestamp,
) -> Result<OneRun, TokenFileError> {
    let [step] = plan.steps() else {
        return Err(TokenFileError::NotOneToken {
            path: path.as_ref().to_path_buf(),
            steps: plan.steps().len(),
        });
    };
    let facts = PlanFacts::of(step, plan);
    let run = |store: &mut dyn TokenStore<Error = FileStoreError>| {
        execute(plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
    };
    let admin_file = matches!(step, Step::CreateAdmin { .. });
    let ((executed, findings, before, entry), written) = if admin_file {
        AdminFileStore::open(path, options, |store| {
            let before = store
                .token()
                .map(|t| Before::of(t, vec!["*:*:*".to_owned()], now));
            let executed = run(store);
            (executed, Vec::new(), before, store.token().map(redacted))
        })?
    } else {
        FileStore::open(path, options, |store| {
            let before = store
                .entry(&facts.name)
                .map(|e| Before::of(e, e.permissions().map(|p| p.to_string()).collect(), now));
            let executed = run(store);
            let entry = store.entry(&facts.name).map(redacted);
            (executed, store.findings(now), before, entry)
        })?
    };
    Ok(OneRun {
        executed,
        written,
        findings,
        before,
        entry,
        plan: facts,
        admin_file,
        dry_run: options.dry_run,
        now,
    })
}

impl OneRun {
    /// What the run's one step did ([`Action::Exists`]: the token was there already);
    /// `None` when it failed.
    pub fn action(&self) -> Option<Action> {
        if self.executed.report.failed.is_some() {
            return None;
        }
        Some(
            self.executed
                .report
                .done
                .first()
                .map_or(Action::Exists, |d| d.action),
        )
    }

    /// What the run came to: the token made, the token left as it was, what a dry run
    /// would write, what a removal did, or the step that failed. Its
    /// [`warnings`](Self::warnings) are asked first.
    pub fn outcome(self) -> OneOutcome {
        let Some(action) = self.action() else {
            return OneOutcome::Failed(Box::new(self.executed.report));
        };
        let path = self.written.path;
        let edit = self.plan.step == Kind::Edit;
        match action {
            Action::Deleted => OneOutcome::Edited(Edited {
                name: self.plan.name,
                path,
                rotate: false,
                dry_run: self.dry_run,
            }),
            Action::Rotated if self.dry_run => OneOutcome::Edited(Edited {
                name: self.plan.name,
                path,
                rotate: true,
                dry_run: true,
            }),
            _ if self.dry_run && !edit => {
                let action = match (action, self.admin_file) {
                    (Action::Exists, _) => DryAction::Nothing,
                    (_, true) => DryAction::Write,
                    (Action::Replaced, false) => DryAction::Replace,
                    _ => DryAction::Append,
                };
                // The entry the file holds: an admin token file's may have another name.
                let entry = self.entry.unwrap_or(Value::Null);
                let name = entry["name"].as_str().map_or(self.plan.name, str::to_owned);
                OneOutcome::DryRun(FileDryRun {
                    name,
                    dry_run: true,
                    path,
                    action,
                    entry,
                    create_databases: self.plan.create_databases,
                })
            }
            Action::Exists => {
                let keep = self.plan.if_exists == IfExists::Keep;
                let (name, why) = match (self.before, self.admin_file) {
                    (Some(before), true) if keep => (before.name, Kept::IfNotExists),
                    (_, true) => (self.plan.name, Kept::SameToken),
                    (_, false) if self.plan.chosen.is_some() && !keep => {
                        (self.plan.name, Kept::SameSecret)
                    }
                    (_, false) => (self.plan.name, Kept::IfNotExists),
                };
                OneOutcome::Kept { name, why, path }
            }
            _ => {
                let rotated = action == Action::Rotated;
                let permissions = self.before.map(|b| b.permissions);
                match MadeToken::first(self.executed) {
                    Some(made) => {
                        let made = made.saved_to(&path);
                        OneOutcome::Made(Box::new(match permissions {
                            Some(permissions) if rotated => made.with_permissions(permissions),
                            _ => made,
                        }))
                    }
                    // A step that says it made a token always hands its secret over.
                    None => OneOutcome::Kept {
                        name: self.plan.name,
                        why: Kept::SameToken,
                        path,
                    },
                }
            }
        }
    }

    /// The warnings of the run, in the words of `influxdb3 create token --offline` and
    /// `tokens rotate`: the file's findings once a token was made or changed; an
    /// expired token that `--if-not-exists` kept, or that a rotation keeps expired;
    /// for an admin token file, the token it held that the run replaces (a server that
    /// is running keeps the one it loaded).
    pub fn warnings(&self) -> Vec<String> {
        let file = Quoted::path(&self.written.path);
        let new = Quoted(&self.plan.name);
        let mut warnings = Vec::new();
        let Some(action) = self.action() else {
            return warnings;
        };
        let kept = action == Action::Exists;
        if self.plan.step == Kind::Edit {
            // A removal or rotation warns of the file alone; a rotation that keeps an
            // expiry that has passed, of that.
            warnings.extend(Finding::summary(&self.written.findings));
            let done = self.executed.report.done.first();
            if let Some(at) = done.and_then(|d| d.expiry).filter(|at| *at <= self.now) {
                let is = if self.dry_run { "would be" } else { "is" };
                warnings.push(format!(
                    "token {new} expired at {at}, and its expiry is kept: the new secret {is} expired too; remove the token and create it again to renew it"
                ));
            }
            return warnings;
        }
        let (holds, replaced) = if self.dry_run {
            ("holds", "would be replaced")
        } else {
            ("held", "was replaced")
        };
        match (&self.before, self.admin_file) {
            (
                Some(Before {
                    expired: Some(at),
                    name: old,
                    ..
                }),
                admin,
            ) if kept && self.plan.if_exists == IfExists::Keep => {
                warnings.push(if admin {
                    format!(
                        "the admin token {} in {file} expired at {at}, and --if-not-exists keeps it: write the file again without --if-not-exists to renew it",
                        Quoted(old)
                    )
                } else {
                    format!(
                        "token {new} in {file} expired at {at}, and --if-not-exists keeps it: --replace renews it"
                    )
                });
            }
            (Some(before), true) if !kept => {
                if before.name != self.plan.name {
                    warnings.push(format!(
                        "the admin token file {file} {holds} the admin token {}, which {replaced} by {new}: a server that is running keeps the token it loaded when it started, until it restarts",
                        Quoted(&before.name)
                    ));
                } else if self.plan.chosen.as_ref() != Some(&before.hash) {
                    warnings.push(format!(
                        "the admin token file {file} {holds} another secret for {new}, which {replaced}: a server that is running keeps the token it loaded when it started, until it restarts"
                    ));
                }
            }
            _ => {}
        }
        if !kept && !self.dry_run {
            warnings.extend(Finding::summary(
                self.findings.iter().chain(&self.written.findings),
            ));
        }
        warnings
    }
}

/// What a run of one token came to, from [`OneRun::outcome`].
#[derive(Debug)]
#[non_exhaustive]
pub enum OneOutcome {
    /// A token made (or given a new secret), with its secret, saved in the file.
    Made(Box<MadeToken>),
    /// The token of that name was left as it was: its name (an admin token file's own
    /// token, whatever its name), why, and the file it is in.
    Kept {
        /// The token's name.
        name: String,
        /// Why it was left.
        why: Kept,
        /// The file.
        path: PathBuf,
    },
    /// A dry run of a create: what would be written.
    DryRun(FileDryRun),
    /// A removal (done or a dry run), or a rotation's dry run.
    Edited(Edited),
    /// The step failed: its cause is in the report, and nothing was written.
    Failed(Box<Report<FileStoreError>>),
}

/// How a dry run's entry would be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum DryAction {
    /// Appended to a permission tokens file.
    Append,
    /// In the place of the token of its name.
    Replace,
    /// As the admin token file's one token.
    Write,
    /// Not at all: the token is there.
    Nothing,
}

/// What a dry run of one token on a tokens file would write, made by
/// [`OneRun::outcome`]: `Display` writes it as `create token --dry-run --offline`
/// does, `Serialize` as its JSON (every token-shaped value masked).
#[derive(Debug, Serialize)]
pub struct FileDryRun {
    #[serde(skip)]
    name: String,
    dry_run: bool,
    #[serde(rename = "output_file", serialize_with = "shown_path")]
    path: PathBuf,
    action: DryAction,
    entry: Value,
    create_databases: Vec<String>,
}

impl fmt::Display for FileDryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = Quoted::path(&self.path);
        let what = match self.action {
            DryAction::Nothing => {
                return writeln!(
                    f,
                    "Dry run: a token named {} is already in {path}: nothing would change.",
                    Quoted(&self.name)
                );
            }
            DryAction::Replace => "would replace the token of that name in",
            DryAction::Write => "would be written to",
            DryAction::Append => "would be appended to",
        };
        writeln!(
            f,
            "Dry run: nothing was written. This entry {what} {path}:\n"
        )?;
        let entry = serde_json::to_string_pretty(&self.entry).unwrap_or_default();
        writeln!(f, "{}", escape_lines(&entry))?;
        if !self.create_databases.is_empty() {
            writeln!(
                f,
                "\nDatabases to create: {}",
                self.create_databases.join(", ")
            )?;
        }
        Ok(())
    }
}

/// A path as a JSON document names it (lossily for bytes that are not UTF-8).
fn shown_path<S: serde::Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&path.display())
}

/// What `tokens remove` says of its run (or dry run), and a dry run of `tokens rotate`,
/// made by [`OneRun::outcome`]: `Display` writes the sentence, `Serialize` its JSON.
#[derive(Debug)]
pub struct Edited {
    name: String,
    path: PathBuf,
    rotate: bool,
    dry_run: bool,
}

impl fmt::Display for Edited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, path) = (Quoted(&self.name), Quoted::path(&self.path));
        match (self.rotate, self.dry_run) {
            (true, _) => writeln!(
                f,
                "Dry run: nothing was written. Token {name} in {path} would get a new secret."
            ),
            (false, true) => writeln!(
                f,
                "Dry run: nothing was written. Token {name} would be removed from {path}."
            ),
            (false, false) => writeln!(f, "Token {name} removed from {path}."),
        }
    }
}

impl Serialize for Edited {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let path = self.path.display().to_string();
        let mut map = serializer.serialize_map(Some(4))?;
        if self.rotate {
            map.serialize_entry("dry_run", &true)?;
            map.serialize_entry("token_name", &self.name)?;
            map.serialize_entry("output_file", &path)?;
            map.serialize_entry("action", "rotate")?;
        } else {
            map.serialize_entry("token_name", &self.name)?;
            map.serialize_entry("removed", &true)?;
            map.serialize_entry("output_file", &path)?;
            map.serialize_entry("dry_run", &self.dry_run)?;
        }
        map.end()
    }
}
