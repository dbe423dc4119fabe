//! A plan of one token (`create token --offline`, `tokens remove`, `tokens rotate`)
//! carried out on a tokens file in one call, with what its caller says of it: the token
//! of that name as the file held it, the entry a dry run would write, and the warnings.

use std::fmt;
use std::path::Path;

use influxdb3_provision::{
    Action, ExecuteOptions, Executed, IfExists, Plan, Step, TokenStore, execute,
};
use influxdb3_text::escape_lines;
use influxdb3_token::{Quoted, Timestamp, TokenHash};
use serde::Serialize;
use serde_json::{Value, json};

use crate::admin::AdminFileStore;
use crate::disk::Written;
use crate::error::TokenFileError;
use crate::finding::Finding;
use crate::store::{FileStore, FileStoreError};
use crate::write::WriteOptions;

/// What a plan of one token did to a tokens file (or, in a dry run, would do), made by
/// [`run_one`].
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
    /// That entry after the run (in a dry run: as it would be written), its token
    /// shown as `apiv3_***`.
    pub entry: Option<Value>,
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

/// What a one-token run's words need of its plan.
#[derive(Debug)]
struct PlanFacts {
    step: Kind,
    name: String,
    if_exists: IfExists,
    chosen: Option<TokenHash>,
    create_databases: Vec<String>,
}

impl PlanFacts {
    fn of(plan: &Plan) -> PlanFacts {
        let step = plan.steps().first();
        let if_exists = match step {
            Some(Step::Create { if_exists, .. } | Step::CreateAdmin { if_exists, .. }) => {
                *if_exists
            }
            _ => IfExists::Fail,
        };
        PlanFacts {
            step: match step {
                Some(Step::Rotate { .. } | Step::Delete { .. }) => Kind::Edit,
                _ => Kind::Create,
            },
            name: step.map(Step::name).unwrap_or_default().to_owned(),
            if_exists,
            chosen: step
                .and_then(Step::chosen_secret)
                .map(influxdb3_token::Token::hash),
            create_databases: plan
                .create_databases()
                .iter()
                .map(ToString::to_string)
                .collect(),
        }
    }
}

/// What kind of plan of one token: one that makes a token, or one that changes a token
/// of the file (a rotation, a removal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Create,
    Edit,
}

/// A record as a dry run shows it: its token as `apiv3_***`.
fn redacted(record: &impl Serialize) -> Value {
    let mut value = serde_json::to_value(record).unwrap_or(Value::Null);
    if let Some(token) = value.get_mut("token") {
        *token = json!("apiv3_***");
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
/// When the file cannot be locked, read or loaded; a step that failed is in
/// [`OneRun::executed`].
pub fn run_one(
    path: impl AsRef<Path>,
    plan: &Plan,
    options: &WriteOptions<'_>,
    now: Timestamp,
) -> Result<OneRun, TokenFileError> {
    let facts = PlanFacts::of(plan);
    let run = |store: &mut dyn TokenStore<Error = FileStoreError>| {
        execute(plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
    };
    let admin_file = matches!(plan.steps().first(), Some(Step::CreateAdmin { .. }));
    let ((executed, findings, before, entry), written) = if admin_file {
        AdminFileStore::open(path, options, |store| {
            let before = store.token().map(|t| Before {
                name: t.name().to_owned(),
                permissions: vec!["*:*:*".to_owned()],
                hash: t.token().hash(),
                expired: t.expiry().filter(|_| t.is_expired(now)),
            });
            let executed = run(store);
            (executed, Vec::new(), before, store.token().map(redacted))
        })?
    } else {
        FileStore::open(path, options, |store| {
            let before = store.entry(&facts.name).map(|e| Before {
                name: e.name().to_owned(),
                permissions: e.permissions().map(|p| p.to_string()).collect(),
                hash: e.token().hash(),
                expired: e.expiry().filter(|_| e.is_expired(now)),
            });
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
    /// What the run's one step did: [`Action::Exists`] when it made nothing (the token
    /// was there already).
    pub fn action(&self) -> Action {
        self.executed
            .report
            .done
            .first()
            .map_or(Action::Exists, |d| d.action)
    }

    /// What a dry run shows: the entry that would be written to the file named `path`,
    /// and how (text and JSON).
    pub fn dry_run<'a>(&'a self, path: &'a Path) -> FileDryRun<'a> {
        let action = match (self.action(), self.admin_file) {
            (Action::Exists, _) => "nothing",
            (_, true) => "write",
            (Action::Replaced, false) => "replace",
            _ => "append",
        };
        FileDryRun {
            path,
            dry_run: true,
            output_file: path.display().to_string(),
            action,
            entry: self.entry.as_ref().unwrap_or(&Value::Null),
            create_databases: &self.plan.create_databases,
        }
    }

    /// The warnings of a run that made or kept a token, in the words of `influxdb3
    /// create token --offline`: the file's findings once a token was made; an expired
    /// token that `--if-not-exists` kept; for an admin token file, the token it held
    /// that the run replaces (a server that is running keeps the one it loaded). `name`
    /// is the file as the words name it.
    pub fn warnings(&self, name: &Path) -> Vec<String> {
        let file = Quoted::path(name);
        let kept = self.action() == Action::Exists;
        let keep = self.plan.if_exists == IfExists::Keep;
        let new = Quoted(&self.plan.name);
        let mut warnings = Vec::new();
        match (&self.before, self.admin_file) {
            (
                Some(Before {
                    expired: Some(at),
                    name: old,
                    ..
                }),
                admin,
            ) if kept && keep && (admin || !self.dry_run) => {
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
                let would = if self.dry_run { "would be" } else { "is" };
                if before.name != self.plan.name {
                    warnings.push(format!(
                        "the admin token file {file} holds the admin token {}, which {would} replaced by {new}: a server that is running keeps the token it loaded when it started, until it restarts",
                        Quoted(&before.name)
                    ));
                } else if self.plan.chosen.as_ref() != Some(&before.hash) {
                    warnings.push(format!(
                        "the admin token file {file} held another secret for {new}, which {would} replaced: a server that is running keeps the token it loaded when it started, until it restarts"
                    ));
                }
            }
            _ => {}
        }
        match self.plan.step {
            // A removal or rotation warns of the file alone; a rotation that keeps an
            // expiry that has passed, of that.
            Kind::Edit => {
                warnings.extend(Finding::summary(&self.written.findings));
                let done = self.executed.report.done.first();
                if let Some(at) = done.and_then(|d| d.expiry).filter(|at| *at <= self.now) {
                    warnings.push(format!(
                        "token {new} expired at {at}, and its expiry is kept: the new secret is expired too; remove the token and create it again to renew it"
                    ));
                }
            }
            Kind::Create if !kept && !self.dry_run => warnings.extend(Finding::summary(
                self.findings.iter().chain(&self.written.findings),
            )),
            Kind::Create => {}
        }
        warnings
    }

    /// What `tokens remove` says of its run (or dry run), and a dry run of `tokens
    /// rotate`: text and JSON, the file named `path`.
    pub fn edited<'a>(&'a self, path: &'a Path) -> Edited<'a> {
        Edited {
            name: &self.plan.name,
            path,
            rotate: self.action() == Action::Rotated,
            dry_run: self.dry_run,
        }
    }
}

/// What a dry run of one token on a tokens file would write, made by
/// [`OneRun::dry_run`]: `Display` writes it as `create token --dry-run --offline`
/// does, `Serialize` as its JSON (the token always `apiv3_***`).
#[derive(Debug, Serialize)]
pub struct FileDryRun<'a> {
    #[serde(skip)]
    path: &'a Path,
    dry_run: bool,
    output_file: String,
    /// `append`, `replace`, `write` (an admin token file), or `nothing`.
    action: &'static str,
    entry: &'a Value,
    create_databases: &'a [String],
}

impl fmt::Display for FileDryRun<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = Quoted::path(self.path);
        let what = match self.action {
            "nothing" => {
                let name = self.entry["name"].as_str().unwrap_or_default();
                return writeln!(
                    f,
                    "Dry run: a token named {} is already in {path}: nothing would change.",
                    Quoted(name)
                );
            }
            "replace" => "would replace the token of that name in",
            "write" => "would be written to",
            _ => "would be appended to",
        };
        writeln!(
            f,
            "Dry run: nothing was written. This entry {what} {path}:\n"
        )?;
        let entry = serde_json::to_string_pretty(self.entry).unwrap_or_default();
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

/// What `tokens remove` says of its run (or dry run), and a dry run of `tokens rotate`,
/// made by [`OneRun::edited`]: `Display` writes the sentence, `Serialize` its JSON.
#[derive(Debug)]
pub struct Edited<'a> {
    name: &'a str,
    path: &'a Path,
    rotate: bool,
    dry_run: bool,
}

impl fmt::Display for Edited<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, path) = (Quoted(self.name), Quoted::path(self.path));
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

impl Serialize for Edited<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let path = self.path.display().to_string();
        let mut map = serializer.serialize_map(Some(4))?;
        if self.rotate {
            map.serialize_entry("dry_run", &true)?;
            map.serialize_entry("token_name", self.name)?;
            map.serialize_entry("output_file", &path)?;
            map.serialize_entry("action", "rotate")?;
        } else {
            map.serialize_entry("token_name", self.name)?;
            map.serialize_entry("removed", &true)?;
            map.serialize_entry("output_file", &path)?;
            map.serialize_entry("dry_run", &self.dry_run)?;
        }
        map.end()
    }
}
