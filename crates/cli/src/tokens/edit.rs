//! The commands that write a tokens file, each in one locked, durable write: `merge`,
//! `remove`, `rotate`, `apply`.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use influxdb3_permission::{Grants, Permission, Scope};
use influxdb3_provision::{Current, Drift, Manifest, PlanOptions, Step};
use influxdb3_token::{Timestamp, Token, TokenName};
use influxdb3_tokenfile::{
    Conflict, Edit, TokenEntry, TokenFile, TokenFileError, Written, create_private_file,
};
use serde::Serialize;
use serde_json::{Value, json};

use super::{
    Outcome, counted, drift_detail, expiry_text, json, lock_timeout, no_token, spaced, unusable,
};
use crate::args::{CreateFormat, EditOptions, FileWrite, Format};
use crate::error::{CliError, Exit};
use crate::render::{Paint, escape, quote, quote_list, quote_path};
use crate::run::{self, Minted, Report};

/// The file's findings (its mode) as warnings.
fn file_warnings(written: &Written) -> Vec<String> {
    run::found(&written.findings)
}

fn identity(path: &Path) -> Option<(u64, u64)> {
    fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// `tokens merge FILE... --output-file OUT`.
pub(super) fn merge(
    files: &[PathBuf],
    write: &FileWrite,
    format: Format,
) -> Result<Outcome, CliError> {
    let timeout = lock_timeout(&write.options.lock_timeout)?;
    let out = &write.output_file;
    let out_id = identity(out);
    let is_out = |p: &Path| out_id.is_some() && identity(p) == out_id;
    // The inputs other than the output, read and checked before the lock is taken; the
    // output is read under the lock.
    let mut inputs: Vec<Option<TokenFile<'static>>> = Vec::with_capacity(files.len());
    for path in files {
        if is_out(path) {
            inputs.push(None);
            continue;
        }
        let text = influxdb3_tokenfile::read(path).map_err(|e| unusable(&e))?;
        let file = TokenFile::parse(&text)
            .map_err(|error| {
                unusable(&TokenFileError::Invalid {
                    path: path.clone(),
                    error,
                })
            })?
            .into_owned();
        inputs.push(Some(file));
    }
    let out_is_input = inputs.iter().any(Option::is_none);
    let options = run::write_options(timeout, write.options.dry_run);
    let (merged, written) = TokenFile::update(out, &options, |file| {
        if !out_is_input && !file.tokens().is_empty() {
            return Ok(Edit::Unchanged(Err(CliError::usage(format!(
                "{} holds tokens and is not one of the files to merge: it would be overwritten",
                quote_path(out)
            ))
            .kind("output_not_an_input")
            .hint(
                "name it among the files to merge them into it, or choose a new --output-file",
            ))));
        }
        let mut taken = Some(std::mem::take(file));
        let mut all = Vec::with_capacity(inputs.len());
        for input in inputs.drain(..) {
            all.push(match input {
                Some(f) => f,
                None => taken.take().unwrap_or_default(),
            });
        }
        match TokenFile::merge(all) {
            Ok(merged) => {
                let summary = (
                    merged.tokens().len(),
                    merged
                        .create_databases()
                        .map(<[_]>::to_vec)
                        .unwrap_or_default(),
                );
                *file = merged;
                Ok(Edit::Changed(Ok(summary)))
            }
            Err(e) => Ok(Edit::Unchanged(Err(conflicts(files, &e.conflicts)))),
        }
    })
    .map_err(|e| CliError::from_file(&e))?;
    let (tokens, databases) = merged?;
    let databases: Vec<String> = databases.iter().map(ToString::to_string).collect();
    let stdout = if format == Format::Json {
        json(&json!({
            "output_file": written.path.display().to_string(),
            "files": files.len(),
            "tokens": tokens,
            "create_databases": databases,
            "dry_run": write.options.dry_run,
        }))
    } else if write.options.dry_run {
        format!(
            "Dry run: nothing was written. Merging {} files would write {tokens} tokens to {}.\n",
            files.len(),
            quote_path(&written.path)
        )
    } else {
        format!(
            "Merged {} files into {}: {}, {} to create.\n",
            files.len(),
            quote_path(&written.path),
            counted(tokens, "token", "tokens"),
            counted(databases.len(), "database", "databases")
        )
    };
    Ok(Outcome {
        warnings: file_warnings(&written),
        ..Outcome::ok(stdout)
    })
}

/// Every conflict of a merge, in one error.
fn conflicts(files: &[PathBuf], conflicts: &[Conflict]) -> CliError {
    let file = |i: usize| files.get(i).map_or_else(String::new, |p| quote_path(p));
    let lines: Vec<String> = conflicts
        .iter()
        .map(|c| match c {
            Conflict::Name {
                name,
                files: (a, b),
            } => format!(
                "token {} differs between {} and {}",
                quote(name),
                file(*a),
                file(*b)
            ),
            Conflict::Value {
                first,
                second,
                files: (a, b),
            } => format!(
                "one token value is {} in {} and {} in {}",
                quote(first),
                file(*a),
                quote(second),
                file(*b)
            ),
            _ => "the files disagree about a token".to_owned(),
        })
        .collect();
    CliError::new(
        Exit::NameTaken,
        "merge_conflict",
        format!(
            "cannot merge: {} {}: {}",
            lines.len(),
            if lines.len() == 1 { "conflict" } else { "conflicts" },
            lines.join("; ")
        ),
    )
    .hint("names and token values are unique in a file: rename or remove one of each pair (`influxdb3 tokens remove`), then merge again; nothing was written")
}

/// `tokens remove FILE --name NAME`.
pub(super) fn remove(
    path: &Path,
    name: &str,
    options: &EditOptions,
    format: Format,
) -> Result<Outcome, CliError> {
    let timeout = lock_timeout(&options.lock_timeout)?;
    let (removed, written) = TokenFile::update(
        path,
        &run::write_options(timeout, options.dry_run),
        |file| {
            Ok(match file.remove(name) {
                Some(_) => Edit::Changed(true),
                None => Edit::Unchanged(false),
            })
        },
    )
    .map_err(|e| CliError::from_file(&e))?;
    if !removed {
        return Err(no_token(path, name, Exit::Failure));
    }
    let stdout = if format == Format::Json {
        json(&json!({
            "token_name": name,
            "removed": true,
            "output_file": written.path.display().to_string(),
            "dry_run": options.dry_run,
        }))
    } else if options.dry_run {
        format!(
            "Dry run: nothing was written. Token {} would be removed from {}.\n",
            quote(name),
            quote_path(&written.path)
        )
    } else {
        format!(
            "Token {} removed from {}.\n",
            quote(name),
            quote_path(&written.path)
        )
    };
    Ok(Outcome {
        warnings: file_warnings(&written),
        ..Outcome::ok(stdout)
    })
}

/// `tokens rotate FILE --name NAME`.
pub(super) fn rotate(
    path: &Path,
    name: &str,
    options: &EditOptions,
    format: CreateFormat,
) -> Result<Outcome, CliError> {
    let timeout = lock_timeout(&options.lock_timeout)?;
    let token = run::new_token()?;
    let (found, written) = TokenFile::update(
        path,
        &run::write_options(timeout, options.dry_run),
        |file| {
            if file.rotate(name, token.clone())?.is_none() {
                return Ok(Edit::Unchanged(None));
            }
            Ok(Edit::Changed(file.get(name).map(|e| {
                (
                    e.permissions().map(|p| p.to_string()).collect::<Vec<_>>(),
                    e.expiry(),
                )
            })))
        },
    )
    .map_err(|e| CliError::from_file(&e))?;
    let Some((permissions, expiry)) = found else {
        return Err(no_token(path, name, Exit::Failure));
    };
    let mut warnings = file_warnings(&written);
    if let Some(at) = expiry.filter(|at| *at <= Timestamp::now()) {
        warnings.push(format!(
            "token {} expired at {at}, and its expiry is kept: the new secret is expired too; remove the token and create it again to renew it",
            quote(name)
        ));
    }
    if options.dry_run {
        let stdout = match format {
            CreateFormat::Json => json(&json!({
                "dry_run": true,
                "token_name": name,
                "output_file": written.path.display().to_string(),
                "action": "rotate",
            })),
            _ => format!(
                "Dry run: nothing was written. Token {} in {} would get a new secret.\n",
                quote(name),
                quote_path(&written.path)
            ),
        };
        return Ok(Outcome {
            warnings,
            ..Outcome::ok(stdout)
        });
    }
    let report = Report::Minted(Minted::rotated(
        token,
        name,
        permissions,
        expiry,
        &written.path,
    ));
    let stdout = run::stdout(&report, format, Paint::On).unwrap_or_default();
    Ok(Outcome {
        warnings,
        unshown: Some(
            CliError::new(
                Exit::Failure,
                "stdout",
                format!(
                    "token {} was given a new secret in {}, but it could not be shown (stdout failed)",
                    quote(name),
                    quote_path(&written.path)
                ),
            )
            .hint(format!(
                "nobody has seen the new secret: run `influxdb3 tokens rotate {} --name {}` again",
                quote_path(&written.path),
                quote(name)
            )),
        ),
        ..Outcome::ok(stdout)
    })
}

/// `tokens apply`'s flags.
pub(super) struct Apply<'a> {
    pub(super) manifest: &'a Path,
    pub(super) output_file: &'a Path,
    pub(super) prune: bool,
    pub(super) update: bool,
    pub(super) secrets_out: Option<&'a Path>,
    pub(super) options: &'a EditOptions,
    pub(super) format: Format,
}

/// What applying did.
struct Applied {
    steps: Vec<Step>,
    /// The new tokens' secrets, one per [`Step::Create`] of `steps`, in their order.
    secrets: Vec<Token>,
    /// Databases named by permissions of created or updated tokens that the file does
    /// not create.
    unknown: Vec<String>,
}

/// `tokens apply MANIFEST --output-file FILE`.
/// Reads and checks a manifest; an error says where, as `FILE:LINE:COLUMN: …`.
pub(super) fn read_manifest(path: &Path) -> Result<Manifest, CliError> {
    let text = influxdb3_tokenfile::read(path).map_err(|e| CliError::from_file(&e))?;
    Manifest::parse(&text).map_err(|e| {
        // `FILE:LINE:COLUMN: message`, the diagnostic's hint after it until the CLI
        // renders diagnostics.
        let e = e.with_origin(path.to_string_lossy());
        let hint = e
            .hint()
            .map(|h| format!(" (hint: {})", escape(h)))
            .unwrap_or_default();
        CliError::usage(format!("{e}{hint}"))
            .kind("invalid_manifest")
            .hint("the manifest was not applied; nothing was written or sent")
    })
}

pub(super) fn apply(a: &Apply<'_>) -> Result<Outcome, CliError> {
    let timeout = lock_timeout(&a.options.lock_timeout)?;
    let manifest = read_manifest(a.manifest)?;
    let dry_run = a.options.dry_run;
    let mut secrets_written = false;
    let result = TokenFile::update(
        a.output_file,
        &run::write_options(timeout, dry_run),
        |file| carry_out(file, &manifest, a, &mut secrets_written),
    );
    let (applied, written) = match result {
        Ok(done) => done,
        Err(e) => {
            // The tokens do not exist: neither should a file of their secrets.
            if let (true, Some(path)) = (secrets_written, a.secrets_out) {
                let _ = fs::remove_file(path);
            }
            return Err(CliError::from_file(&e));
        }
    };
    let applied = applied?;
    let mut warnings = file_warnings(&written);
    warnings.extend(apply_warnings(&applied, a));
    let stdout = if a.format == Format::Json {
        apply_json(&applied, &written, a)
    } else {
        apply_text(&applied, &written, a)
    };
    let unshown = (!applied.secrets.is_empty() && a.secrets_out.is_none() && !dry_run).then(|| {
        CliError::new(
            Exit::Failure,
            "stdout",
            format!(
                "{} new tokens were saved to {}, but their secrets could not be shown (stdout failed)",
                applied.secrets.len(),
                quote_path(&written.path)
            ),
        )
        .hint("nobody has seen the new secrets: rotate each new token with `influxdb3 tokens rotate`, or apply with --secrets-out")
    });
    Ok(Outcome {
        warnings,
        unshown,
        ..Outcome::ok(stdout)
    })
}

/// What `update` gets back from [`carry_out`]: the change, or an error that leaves the
/// file alone.
type Carried = Result<Edit<Result<Applied, CliError>>, influxdb3_tokenfile::AddError>;

/// Plans against the file as it is under the lock, and carries the plan out on it;
/// the secrets file, if any, is written before the tokens file is.
fn carry_out(
    file: &mut TokenFile<'_>,
    manifest: &Manifest,
    a: &Apply<'_>,
    secrets_written: &mut bool,
) -> Carried {
    let options = PlanOptions::default().prune(a.prune).update(a.update);
    let current: Vec<Current<'_>> = file
        .tokens()
        .iter()
        .map(|t| Current::new(t.name(), t.grants(), t.expiry()))
        .collect();
    let plan = match influxdb3_provision::plan(manifest, &current, Timestamp::now(), options) {
        Ok(plan) => plan,
        Err(e) => {
            return Ok(Edit::Unchanged(Err(CliError::usage(format!(
                "{}: {e}",
                quote_path(a.manifest)
            ))
            .kind("invalid_expiry"))));
        }
    };
    drop(current);
    let databases_before = file.create_databases().map_or(0, <[_]>::len);
    let creates = plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Create { .. }))
        .count();
    let mut secrets = Vec::with_capacity(creates);
    let mut entries = NewEntries {
        entries: Vec::with_capacity(creates),
        made: Vec::new(),
    };
    let mut fresh = match Token::generate_many(creates) {
        Ok(tokens) => tokens.into_iter(),
        Err(e) => {
            return Ok(Edit::Unchanged(Err(CliError::new(
                Exit::Failure,
                "random",
                crate::error::chain(&e),
            ))));
        }
    };
    for step in &plan.steps {
        if let Step::Create {
            name,
            grants,
            expiry,
        } = step
            && let Some(token) = fresh.next()
        {
            secrets.push(token.clone());
            entries.push(token, name.clone(), *expiry, grants)?;
        }
    }
    // Updates and removals in one pass each: a plan may change thousands of tokens.
    let (updates, removed) = changes(file, &plan.steps)?;
    file.replace_many(updates)?;
    if !removed.is_empty() {
        file.remove_many(&removed);
    }
    file.add_many(entries.entries, &plan.create_databases)?;
    let touched = plan.steps.iter().filter_map(|s| match s {
        Step::Create { grants, .. } | Step::Update(Drift { grants, .. }) => Some(grants),
        _ => None,
    });
    let unknown = unknown_databases(file.create_databases().unwrap_or_default(), touched);
    let changed =
        plan.changes() || file.create_databases().map_or(0, <[_]>::len) != databases_before;
    if let (true, false, Some(path)) = (changed, secrets.is_empty(), a.secrets_out) {
        let map: serde_json::Map<String, Value> = created(&plan.steps)
            .zip(&secrets)
            .map(|(n, t)| (n.as_str().to_owned(), json!(t.expose_secret())))
            .collect();
        let mut content = serde_json::to_string_pretty(&map).unwrap_or_default();
        content.push('\n');
        if let Err(e) = create_private_file(path, content.as_bytes(), a.options.dry_run) {
            return Ok(Edit::Unchanged(Err(CliError::from_file(&e))));
        }
        *secrets_written = !a.options.dry_run;
    }
    let applied = Applied {
        steps: plan.steps,
        secrets,
        unknown,
    };
    Ok(if changed {
        Edit::Changed(Ok(applied))
    } else {
        Edit::Unchanged(Ok(applied))
    })
}

/// What `steps` change in `file` besides new tokens: the entries to put in place of
/// the tokens of their names (new grants, same secret), and the names to remove.
fn changes<'p>(
    file: &TokenFile<'_>,
    steps: &'p [Step],
) -> Result<(Vec<TokenEntry<'static>>, HashSet<&'p str>), influxdb3_tokenfile::AddError> {
    let mut updates = Vec::new();
    let mut removed = HashSet::new();
    if !steps
        .iter()
        .any(|s| matches!(s, Step::Update(_) | Step::Delete { .. }))
    {
        return Ok((updates, removed));
    }
    let secrets: HashMap<&str, &Token> = file
        .tokens()
        .iter()
        .map(|t| (t.name(), t.token()))
        .collect();
    for step in steps {
        match step {
            Step::Update(Drift {
                name,
                grants,
                expiry,
                ..
            }) => {
                if let Some(token) = secrets.get(name.as_str()) {
                    updates.push(TokenEntry::new(
                        (*token).clone(),
                        name.clone(),
                        *expiry,
                        grants,
                    )?);
                }
            }
            Step::Delete { name } => {
                removed.insert(name.as_str());
            }
            _ => {}
        }
    }
    Ok((updates, removed))
}

/// The entries of new tokens; those with grants alike share their permission texts (a
/// manifest of thousands of tokens repeats a few grants).
struct NewEntries<'p> {
    entries: Vec<TokenEntry<'static>>,
    /// The first entry made for each of the first few distinct grants.
    made: Vec<(&'p Grants, usize)>,
}

impl<'p> NewEntries<'p> {
    fn push(
        &mut self,
        token: Token,
        name: TokenName,
        expiry: Option<Timestamp>,
        grants: &'p Grants,
    ) -> Result<(), influxdb3_tokenfile::AddError> {
        let like = self
            .made
            .iter()
            .find(|(g, _)| *g == grants)
            .and_then(|(_, i)| self.entries.get(*i));
        let entry = if let Some(like) = like {
            like.alike(token, name, expiry)?
        } else {
            if self.made.len() < 8 {
                self.made.push((grants, self.entries.len()));
            }
            TokenEntry::new(token, name, expiry, grants)?
        };
        self.entries.push(entry);
        Ok(())
    }
}

/// The names of the tokens `steps` creates, in order.
fn created(steps: &[Step]) -> impl Iterator<Item = &TokenName> {
    steps.iter().filter_map(|s| match s {
        Step::Create { name, .. } => Some(name),
        _ => None,
    })
}

/// Databases in `grants` that `creates` does not list, in order, once each.
fn unknown_databases<'g>(
    creates: &[influxdb3_permission::DatabaseName],
    grants: impl Iterator<Item = &'g Grants>,
) -> Vec<String> {
    let creates: HashSet<&str> = creates.iter().map(|d| &**d).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for set in grants {
        for p in set {
            if let Permission::Database {
                names: Scope::Only(names),
                ..
            } = p
            {
                for db in names {
                    if !creates.contains(&**db) && seen.insert(db.to_string()) {
                        out.push(db.to_string());
                    }
                }
            }
        }
    }
    out
}

fn apply_warnings(applied: &Applied, a: &Apply<'_>) -> Vec<String> {
    let mut warnings = Vec::new();
    if !applied.unknown.is_empty() {
        let one = applied.unknown.len() == 1;
        warnings.push(format!(
            "new or updated tokens have permissions on {} {} that neither the file nor the manifest creates: the server will not load the file unless {} exist; add {} to `create_databases` in {}",
            if one { "database" } else { "databases" },
            quote_list(applied.unknown.iter().map(String::as_str), 3),
            if one { "it" } else { "they" },
            if one { "it" } else { "them" },
            quote_path(a.manifest)
        ));
    }
    let expired: Vec<&str> = applied
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::Keep {
                name,
                expired: true,
            } => Some(name.as_str()),
            _ => None,
        })
        .collect();
    if !expired.is_empty() {
        warnings.push(format!(
            "{} of the manifest {} expired ({}): remove {} with `influxdb3 tokens remove` and apply again to create {} anew",
            counted(expired.len(), "token", "tokens"),
            if expired.len() == 1 { "has" } else { "have" },
            quote_list(expired.iter().copied(), 3),
            if expired.len() == 1 { "it" } else { "them" },
            if expired.len() == 1 { "it" } else { "them" },
        ));
    }
    warnings
}

/// `tokens apply --format json`: the report, written field by field (no value tree:
/// a manifest may have tens of thousands of tokens).
#[derive(Serialize)]
struct ApplyReport<'a> {
    manifest: String,
    output_file: String,
    dry_run: bool,
    changed: bool,
    steps: Vec<StepReport<'a>>,
    secrets_out: Option<String>,
}

/// One step of [`ApplyReport`], tagged by its `action`.
#[derive(Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
enum StepReport<'a> {
    Create {
        name: &'a str,
        permissions: Shown<'a, [Permission]>,
        expiry: Option<Shown<'a, Timestamp>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        token: Option<&'a str>,
    },
    Keep {
        name: &'a str,
        expired: bool,
    },
    Update(DriftReport<'a>),
    Drift(DriftReport<'a>),
    Delete {
        name: &'a str,
    },
    Unlisted {
        name: &'a str,
    },
    Other {},
}

/// A drifted or updated token, in [`StepReport`].
#[derive(Serialize)]
struct DriftReport<'a> {
    name: &'a str,
    widened: Shown<'a, [Permission]>,
    narrowed: Shown<'a, [Permission]>,
    expiry: Option<ExpiryChange<'a>>,
}

/// An expiry that changes, in [`DriftReport`].
#[derive(Serialize)]
struct ExpiryChange<'a> {
    old: Option<Shown<'a, Timestamp>>,
    new: Option<Shown<'a, Timestamp>>,
}

/// A value written as it displays (permissions in their canonical form, instants in
/// RFC 3339), or a list of them.
struct Shown<'a, T: ?Sized>(&'a T);

impl<T: fmt::Display> Serialize for Shown<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}

impl<T: fmt::Display> Serialize for Shown<'_, [T]> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Shown))
    }
}

fn apply_json(applied: &Applied, written: &Written, a: &Apply<'_>) -> String {
    let mut secrets = applied.secrets.iter();
    let shown = a.secrets_out.is_none() && !a.options.dry_run;
    let steps = applied
        .steps
        .iter()
        .map(|s| match s {
            Step::Create {
                name,
                grants,
                expiry,
            } => StepReport::Create {
                name: name.as_str(),
                permissions: Shown(&**grants),
                expiry: expiry.as_ref().map(Shown),
                token: secrets.next().filter(|_| shown).map(Token::expose_secret),
            },
            Step::Keep { name, expired } => StepReport::Keep {
                name: name.as_str(),
                expired: *expired,
            },
            Step::Update(d) | Step::Drift(d) => {
                let d2 = DriftReport {
                    name: d.name.as_str(),
                    widened: Shown(&d.widened[..]),
                    narrowed: Shown(&d.narrowed[..]),
                    expiry: d.expiry_change.as_ref().map(|(old, new)| ExpiryChange {
                        old: old.as_ref().map(Shown),
                        new: new.as_ref().map(Shown),
                    }),
                };
                if matches!(s, Step::Update(_)) {
                    StepReport::Update(d2)
                } else {
                    StepReport::Drift(d2)
                }
            }
            Step::Delete { name } => StepReport::Delete { name },
            Step::Unlisted { name } => StepReport::Unlisted { name },
            _ => StepReport::Other {},
        })
        .collect();
    json(&ApplyReport {
        manifest: a.manifest.display().to_string(),
        output_file: written.path.display().to_string(),
        dry_run: a.options.dry_run,
        changed: written.changed,
        steps,
        secrets_out: a.secrets_out.map(|p| p.display().to_string()),
    })
}

/// How many steps of each kind: created, kept, updated, drifted, deleted, unlisted.
fn counts(steps: &[Step]) -> [usize; 6] {
    let mut n = [0usize; 6];
    for step in steps {
        n[match step {
            Step::Create { .. } => 0,
            Step::Update(_) => 2,
            Step::Drift(_) => 3,
            Step::Delete { .. } => 4,
            Step::Unlisted { .. } => 5,
            _ => 1,
        }] += 1;
    }
    n
}

/// Each step's token name as shown (`None` for kept tokens, which are only counted).
fn shown_names(steps: &[Step]) -> Vec<Option<String>> {
    steps
        .iter()
        .map(|s| match s {
            Step::Create { name, .. } => Some(quote(name.as_str())),
            Step::Update(d) | Step::Drift(d) => Some(quote(d.name.as_str())),
            Step::Delete { name } | Step::Unlisted { name } => Some(quote(name)),
            _ => None,
        })
        .collect()
}

/// The widest of `names`, in characters.
fn widest<'n>(names: impl Iterator<Item = &'n String>) -> usize {
    names.map(|q| q.chars().count()).max().unwrap_or(0)
}

/// The plan's lines, kept tokens left out, written to `out`.
fn step_lines(steps: &[Step], names: &[Option<String>], out: &mut String) {
    let width = widest(names.iter().flatten());
    // Tokens created together mostly expire together: the last instant shown is kept.
    let mut last_expiry: Option<(Option<Timestamp>, String)> = None;
    let mut last_grants: Option<(&Grants, String)> = None;
    for (step, name) in steps.iter().zip(names) {
        let Some(name) = name else {
            continue;
        };
        let pad = width.saturating_sub(name.chars().count());
        let pad = format_args!("{:pad$}", "");
        match step {
            Step::Create { grants, expiry, .. } => {
                let shown = match &last_grants {
                    Some((g, text)) if *g == grants => text,
                    _ => &last_grants.insert((grants, spaced(grants))).1,
                };
                let _ = write!(out, "  + {name}{pad}  {shown}");
                let shown = match &last_expiry {
                    Some((at, text)) if at == expiry => text,
                    _ => &last_expiry.insert((*expiry, expiry_text(*expiry))).1,
                };
                let _ = writeln!(out, "  (expires {shown})");
            }
            Step::Update(d) | Step::Drift(d) => {
                let _ = writeln!(
                    out,
                    "  ~ {name}{pad}  {}  ({})",
                    drift_detail(d),
                    if matches!(step, Step::Update(_)) {
                        "updated, same secret"
                    } else {
                        "drift: left as it is; --update changes it"
                    }
                );
            }
            Step::Delete { .. } => {
                let _ = writeln!(out, "  - {name}{pad}  (not in the manifest: removed)");
            }
            Step::Unlisted { .. } => {
                let _ = writeln!(
                    out,
                    "  ? {name}{pad}  (not in the manifest: kept; --prune removes it)"
                );
            }
            _ => {}
        }
    }
}

fn apply_text(applied: &Applied, written: &Written, a: &Apply<'_>) -> String {
    let dry = a.options.dry_run;
    let [created, kept, updated, drifted, deleted, unlisted] = counts(&applied.steps);
    let names = shown_names(&applied.steps);
    let file = quote_path(&written.path);
    let manifest = quote_path(a.manifest);
    // About a line per step shown, and one per secret.
    let shown = applied.steps.len() - kept;
    let mut out = String::with_capacity(shown * 100 + applied.secrets.len() * 130 + 512);
    if dry {
        out.push_str("Dry run: nothing was written.\n");
    }
    if written.changed && dry {
        let _ = writeln!(
            out,
            "Applying {manifest} to {file} would create {created}, update {updated}, remove {deleted} and keep {kept} tokens."
        );
    } else if written.changed {
        let _ = writeln!(
            out,
            "Applied {manifest} to {file}: {created} created, {updated} updated, {deleted} removed, {kept} kept."
        );
    } else {
        let _ = writeln!(
            out,
            "Nothing to change: {file} already has the tokens of {manifest} ({kept} kept)."
        );
    }
    let mut alone = Vec::new();
    if drifted > 0 {
        alone.push(format!("{drifted} drifted"));
    }
    if unlisted > 0 {
        alone.push(format!("{unlisted} not in the manifest"));
    }
    if !alone.is_empty() {
        let _ = writeln!(out, "Left alone: {}.", alone.join(", "));
    }
    step_lines(&applied.steps, &names, &mut out);
    if applied.secrets.is_empty() || dry {
        return out;
    }
    if let Some(path) = a.secrets_out {
        let _ = writeln!(
            out,
            "\nThe secrets of the {} new tokens were written to {} (mode 0600).",
            applied.secrets.len(),
            quote_path(path)
        );
        return out;
    }
    out.push_str("\nNew tokens:\n\n");
    let created: Vec<&String> = applied
        .steps
        .iter()
        .zip(&names)
        .filter_map(|(step, name)| match (step, name) {
            (Step::Create { .. }, Some(name)) => Some(name),
            _ => None,
        })
        .collect();
    let width = widest(created.iter().copied());
    for (shown, token) in created.iter().zip(&applied.secrets) {
        let pad = width.saturating_sub(shown.chars().count());
        // A token is printable ASCII (a generated one, always).
        let _ = writeln!(
            out,
            "  {shown}{:pad$}  {}",
            "",
            escape(token.expose_secret())
        );
    }
    let _ = writeln!(
        out,
        "\n{} Store these tokens securely, as they will not be shown again.",
        Paint::On.important("IMPORTANT:")
    );
    out
}
