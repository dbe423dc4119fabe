//! A report in words: what a run of a manifest's plan did, as a summary and a line per
//! step, for a tokens file or a server. Values are quoted as every message of these
//! crates quotes them ([`Quoted`]: masked, cut, escaped); secrets are never in it.

use std::collections::HashSet;
use std::fmt::{self, Write as _};
use std::path::Path;

use influxdb3_permission::Permission;
use influxdb3_text::width;
use influxdb3_token::{Quoted, Timestamp, command_line};

use crate::execute::{Action, Done, Report};
use crate::plan::Step;
use crate::store::StoreError;

/// Where a plan was carried out, as a report's words name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppliedTo<'a> {
    /// A tokens file at this path: its changes were written together, at the end.
    File(&'a Path),
    /// A server: each step took effect as it was made.
    Server,
}

/// The label before the advice to store the secrets just shown, which a terminal may
/// style ([`Emphasis::Important`](crate::Emphasis::Important)).
pub(crate) const IMPORTANT: &str = "IMPORTANT:";

/// The advice after secrets shown once: `Store {these} securely, as {they} will not be
/// shown again.` (`these` names the tokens: `this token`, `these tokens`; `they` is its
/// pronoun: `it`, `they`).
pub(crate) fn store_securely(these: &str, they: &str) -> String {
    format!("Store {these} securely, as {they} will not be shown again.")
}

/// Why a prune leaves a token that the manifest does not list.
const PROTECTED: &str = "(an admin token: --prune never deletes admin tokens)";

/// The command that deletes the token `name` from a server, to paste: the words of
/// `influxdb3 delete token --token-name NAME`, as [`command_line`] writes a command
/// (quoted for every common shell, or not written out when no shell would read it back
/// as shown). A name that starts with `-` follows `--token-name=`, where a command-line
/// parser does not take it for a flag.
///
/// ```
/// use influxdb3_provision::delete_command;
///
/// assert_eq!(delete_command("ingest"), "`influxdb3 delete token --token-name ingest`");
/// assert_eq!(delete_command("-x"), "`influxdb3 delete token --token-name=-x`");
/// ```
pub fn delete_command(name: &str) -> String {
    command_line(
        "influxdb3 delete token --token-name {}",
        &[("NAME", name.as_ref())],
    )
}

/// What to do about a token a server made whose secret nobody has (the server's answer
/// could not be used, or the secret could not be shown): delete it with
/// [`delete_command`] and create it again; the operator token `_admin`, which is never
/// deleted, is given a new secret.
///
/// ```
/// use influxdb3_provision::unheld_secret;
///
/// assert!(unheld_secret("ingest").contains("`influxdb3 delete token --token-name ingest`"));
/// assert!(unheld_secret("_admin").contains("--regenerate"));
/// ```
pub fn unheld_secret(name: &str) -> String {
    if name == crate::OPERATOR_TOKEN {
        "nobody has the operator token's secret: give it a new one with `influxdb3 create token --admin --regenerate`".to_owned()
    } else {
        format!(
            "token {} now exists on the server and nobody has its secret: delete it with {} and create it again",
            Quoted(name),
            delete_command(name)
        )
    }
}

/// Permissions in their canonical form, apart by a space.
fn spaced(list: Option<&[Permission]>) -> String {
    let list = list.unwrap_or_default();
    let mut out = String::with_capacity(list.len() * 24);
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{p}");
    }
    out
}

/// `` at token `NAME` `` for the step that failed, or nothing when the store as a whole
/// did.
fn at_token(name: Option<&str>) -> String {
    name.map(|n| format!(" at token {}", Quoted(n)))
        .unwrap_or_default()
}

/// A drift as shown, or nothing.
fn drift_text(d: &Done) -> String {
    d.drift
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// The words of a report: a summary, then (for a tokens file) a line per step that
/// changed or was left alone, aligned; its warnings and the hint of a run that failed
/// beside it. They are the words of `influxdb3 tokens apply`, which name its flags
/// (`--prune`, `--update`, `--recreate`). Made by [`Report::words`].
///
/// ```
/// use std::path::Path;
/// use influxdb3_provision::{AppliedTo, Report, StoreError};
///
/// fn summary<E: StoreError>(report: &Report<E>) -> String {
///     report.words(Path::new("tokens.toml"), AppliedTo::Server).to_string()
/// }
/// ```
#[derive(Debug)]
#[must_use]
pub struct ReportWords<'a, E: StoreError> {
    pub(crate) report: &'a Report<E>,
    pub(crate) manifest: &'a Path,
    pub(crate) place: AppliedTo<'a>,
    pub(crate) changed: bool,
    /// Where the new secrets were written, and how many.
    pub(crate) secrets_out: Option<(&'a Path, usize)>,
}

// A view of the report: copied freely, whatever the store's error (a derive would ask
// the error to be `Copy`).
impl<E: StoreError> Clone for ReportWords<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E: StoreError> Copy for ReportWords<'_, E> {}

impl<E: StoreError> Report<E> {
    /// This report in words, for the manifest at `manifest` applied to `place`.
    pub fn words<'a>(&'a self, manifest: &'a Path, place: AppliedTo<'a>) -> ReportWords<'a, E> {
        ReportWords {
            report: self,
            manifest,
            place,
            changed: self.changed(),
            secrets_out: None,
        }
    }
}

impl<'a, E: StoreError> ReportWords<'a, E> {
    /// Whether the store changed (or, in a dry run, would), when more than the steps
    /// say: a tokens file that gained a database and no token changed.
    pub fn changed(mut self, changed: bool) -> Self {
        self.changed = changed;
        self
    }

    /// The file the new secrets were written to (`--secrets-out`), and how many: said
    /// last, unless it was a dry run; none written (`made` 0) is no file, said nowhere
    /// (nor in JSON). Give the path of a file that exists: `None` when the run wrote
    /// none.
    pub fn secrets_written(mut self, path: Option<&'a Path>, made: usize) -> Self {
        self.secrets_out = path.filter(|_| made > 0).map(|path| (path, made));
        self
    }

    /// The warnings of the run: for a tokens file, the tokens of the manifest that
    /// have expired (a run keeps them as they are); for a server, each token kept that
    /// has expired there, with the command that deletes it ([`delete_command`]).
    pub fn warnings(&self) -> Vec<String> {
        let expired = self
            .report
            .done
            .iter()
            .filter(|d| d.action == Action::Kept && d.expired)
            .map(|d| d.name.as_str());
        if let AppliedTo::Server = self.place {
            return expired
                .map(|name| {
                    format!(
                        "token {} has expired on the server: --recreate does not renew it; delete it ({}) and apply again",
                        Quoted(name),
                        delete_command(name)
                    )
                })
                .collect();
        }
        let expired: Vec<&str> = expired.collect();
        if expired.is_empty() {
            return Vec::new();
        }
        let (count, has, them) = if expired.len() == 1 {
            ("1 token".to_owned(), "has", "it")
        } else {
            (format!("{} tokens", expired.len()), "have", "them")
        };
        vec![format!(
            "{count} of the manifest {has} expired ({}): remove {them} with `influxdb3 tokens remove` and apply again to create {them} anew",
            Quoted::list(expired, 3),
        )]
    }

    /// What a run that stopped half-way did before the step that failed, and what to
    /// do next: `again` when applying again can finish the job (a connection that
    /// broke, a server error), not when the failure would repeat (a refusal). For a
    /// hint. On a server each step took effect as it was made: what was done is kept,
    /// named by action, the first few names of each and how many more. A tokens file's
    /// changes are written together, so a run that failed wrote nothing.
    pub fn failed_hint(&self, again: bool) -> String {
        if self.report.atomic {
            let said = "nothing was written (a tokens file's changes are written together)";
            return if again {
                format!("{said}; apply again")
            } else {
                said.to_owned()
            };
        }
        // The names changed, by action, in the order each action was first done.
        let mut by_action: Vec<(Action, Vec<&str>)> = Vec::new();
        for d in self.report.done.iter().filter(|d| d.action.changed()) {
            match by_action.iter_mut().find(|(a, _)| *a == d.action) {
                Some((_, names)) => names.push(&d.name),
                None => by_action.push((d.action, vec![&d.name])),
            }
        }
        let said = if by_action.is_empty() {
            "nothing was changed before it".to_owned()
        } else {
            let done: Vec<String> = by_action
                .iter()
                .map(|(action, names)| {
                    format!("{action} {}", Quoted::list(names.iter().copied(), 3))
                })
                .collect();
            format!("done before it: {}", done.join("; "))
        };
        if again {
            format!("{said}; apply again to finish (what was done is kept)")
        } else {
            format!("{said}; what was done is kept")
        }
    }

    /// `The secrets of the N new tokens were written to PATH (mode 0600).` (or `The
    /// secret of the new token was …`), when there were some (not in a dry run).
    fn secrets_out(&self, f: &mut fmt::Formatter<'_>, blank: &str) -> fmt::Result {
        let Some((path, made)) = self.secrets_out.filter(|_| !self.report.dry_run) else {
            return Ok(());
        };
        let path = Quoted::path(path);
        match made {
            1 => writeln!(
                f,
                "{blank}The secret of the new token was written to {path} (mode 0600)."
            ),
            _ => writeln!(
                f,
                "{blank}The secrets of the {made} new tokens were written to {path} (mode 0600)."
            ),
        }
    }

    fn file(&self, f: &mut fmt::Formatter<'_>, file: &Path) -> fmt::Result {
        let report = self.report;
        // A token whose grants and secret both changed is one token updated.
        let updated = report
            .done
            .iter()
            .filter(|d| matches!(d.action, Action::Updated | Action::Rotated))
            .map(|d| d.name.as_str())
            .collect::<HashSet<_>>()
            .len();
        let created = report.count(Action::Created) + report.count(Action::Recreated);
        let (kept, deleted) = (report.count(Action::Kept), report.count(Action::Deleted));
        let (file, manifest) = (Quoted::path(file), Quoted::path(self.manifest));
        // A file's changes are written together: a run that failed wrote none.
        if let Some(failed) = &report.failed {
            let (dry, would) = if report.dry_run {
                ("Dry run: ", "would stop")
            } else {
                ("", "stopped")
            };
            return writeln!(
                f,
                "{dry}Applying {manifest} to {file} {would}{}: nothing was written.",
                at_token(failed.name.as_deref())
            );
        }
        if report.dry_run {
            writeln!(f, "Dry run: nothing was written.")?;
        }
        if self.changed && report.dry_run {
            writeln!(
                f,
                "Applying {manifest} to {file} would create {created}, update {updated}, remove {deleted} and keep {kept} tokens."
            )?;
        } else if self.changed {
            writeln!(
                f,
                "Applied {manifest} to {file}: {created} created, {updated} updated, {deleted} removed, {kept} kept."
            )?;
        } else {
            writeln!(
                f,
                "Nothing to change: {file} already has the tokens of {manifest} ({kept} kept)."
            )?;
        }
        let mut alone = Vec::new();
        let (drifted, unlisted) = (report.count(Action::Drift), report.count(Action::Unlisted));
        if drifted > 0 {
            alone.push(format!("{drifted} drifted"));
        }
        if unlisted > 0 {
            alone.push(format!("{unlisted} not in the manifest"));
        }
        if !alone.is_empty() {
            writeln!(f, "Left alone: {}.", alone.join(", "))?;
        }
        self.file_lines(f)?;
        self.secrets_out(f, "\n")
    }

    /// A line per step of a file run, names aligned; tokens kept are only counted.
    fn file_lines(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<(&Done, String)> = self
            .report
            .done
            .iter()
            .filter(|d| d.action != Action::Kept)
            .map(|d| (d, Quoted(&d.name).to_string()))
            .collect();
        let columns = shown.iter().map(|(_, n)| width(n)).max().unwrap_or(0);
        // Tokens created together mostly expire together and share grants: each text is
        // made once per run of tokens alike.
        let mut last: Option<(&Done, String, String)> = None;
        for (done, name) in &shown {
            let pad = columns.saturating_sub(width(name));
            let pad = format_args!("{:pad$}", "");
            match done.action {
                Action::Created => {
                    let (grants, expiry) = match &last {
                        Some((d, g, e)) if d.grants == done.grants && d.expiry == done.expiry => {
                            (g.clone(), e.clone())
                        }
                        _ => {
                            let g = spaced(done.grants.as_deref());
                            let e = Timestamp::or_never(done.expiry);
                            last = Some((done, g.clone(), e.clone()));
                            (g, e)
                        }
                    };
                    writeln!(f, "  + {name}{pad}  {grants}  (expires {expiry})")?;
                }
                Action::Updated => {
                    writeln!(
                        f,
                        "  ~ {name}{pad}  {}  (updated, same secret)",
                        drift_text(done)
                    )?;
                }
                Action::Drift => writeln!(
                    f,
                    "  ~ {name}{pad}  {}  (drift: left as it is; --update changes it)",
                    drift_text(done)
                )?,
                Action::Deleted => writeln!(f, "  - {name}{pad}  (not in the manifest: removed)")?,
                Action::Unlisted => writeln!(
                    f,
                    "  ? {name}{pad}  (not in the manifest: kept; --prune removes it)"
                )?,
                Action::Protected => writeln!(f, "  = {name}{pad}  {PROTECTED}")?,
                Action::Rotated => writeln!(
                    f,
                    "  ~ {name}{pad}  (secret set to the one of its secret_file)"
                )?,
                _ => {}
            }
        }
        Ok(())
    }

    fn server(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let report = self.report;
        let [created, recreated, deleted, kept, drifted, unlisted] = [
            Action::Created,
            Action::Recreated,
            Action::Deleted,
            Action::Kept,
            Action::Drift,
            Action::Unlisted,
        ]
        .map(|a| report.count(a));
        let manifest = Quoted::path(self.manifest);
        if report.dry_run {
            writeln!(
                f,
                "Dry run: only the server's edition and tokens were read. Applying {manifest} would create {created}, recreate {recreated}, delete {deleted} and keep {kept} tokens."
            )?;
        } else if let Some(failed) = &report.failed {
            writeln!(
                f,
                "Applying {manifest} to the server stopped{}: {created} created, {recreated} recreated, {deleted} deleted, {kept} kept.",
                at_token(failed.name.as_deref())
            )?;
        } else if created + recreated + deleted == 0 {
            writeln!(
                f,
                "Nothing to change: the server already has the tokens of {manifest} ({kept} kept)."
            )?;
        } else {
            writeln!(
                f,
                "Applied {manifest} to the server: {created} created, {recreated} recreated, {deleted} deleted, {kept} kept."
            )?;
        }
        if drifted + unlisted > 0 {
            writeln!(
                f,
                "Left alone: {drifted} drifted (--recreate replaces them), {unlisted} not in the manifest (--prune deletes them)."
            )?;
        }
        self.secrets_out(f, "")
    }
}

impl<E: StoreError> fmt::Display for ReportWords<'_, E> {
    /// For a tokens file: a dry run said first, the summary, what was left alone, then
    /// a line per step (tokens kept only counted). For a server, whose steps are shown
    /// as they are done ([`Done::line`]): the summary, and what was left alone. Then
    /// where the new secrets were written, if [said](Self::secrets_written).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            AppliedTo::File(path) => self.file(f, path),
            AppliedTo::Server => self.server(f),
        }
    }
}

impl Step {
    /// The progress of a run as this step, `index` (from 0) of the `of` steps that
    /// change the store, starts ([`Event::Starting`](crate::Event::Starting)):
    /// `[3/12] creating` and the quoted name, or `deleting`.
    ///
    /// ```
    /// use influxdb3_provision::Plan;
    /// use influxdb3_token::Timestamp;
    ///
    /// let plan = Plan::delete("old", false, Timestamp::now())?;
    /// assert_eq!(plan.steps()[0].progress(2, 12), "[3/12] deleting `old`");
    /// # Ok::<(), influxdb3_provision::PlanError>(())
    /// ```
    pub fn progress(&self, index: usize, of: usize) -> String {
        let doing = match self {
            Step::Delete { .. } => "deleting",
            _ => "creating",
        };
        format!("[{}/{of}] {doing} {}", index + 1, Quoted(self.name()))
    }
}

/// A step of a server run as a line, shown as it is done. Made by [`Done::line`].
#[derive(Debug)]
#[must_use]
pub struct StepLine<'a>(&'a Done);

impl Done {
    /// This step as a line of a server run (a recreated token: its deletion, then its
    /// creation), with its line break.
    pub fn line(&self) -> StepLine<'_> {
        StepLine(self)
    }
}

impl fmt::Display for StepLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let name = Quoted(&d.name);
        let grants = || spaced(d.grants.as_deref());
        match d.action {
            Action::Created => writeln!(f, "  + {name}  {}", grants()),
            Action::Recreated => {
                writeln!(f, "  - {name}  (deleted, to be created again)")?;
                writeln!(f, "  ~ {name}  {}", grants())
            }
            Action::Kept => writeln!(f, "  = {name}  (unchanged)"),
            Action::Drift => writeln!(
                f,
                "  ! {name}  {}  (drift: left as it is; --recreate replaces it)",
                drift_text(d)
            ),
            Action::Unlisted => writeln!(
                f,
                "  ? {name}  (not in the manifest: kept; --prune deletes it)"
            ),
            Action::Deleted => writeln!(f, "  - {name}  (not in the manifest: deleted)"),
            Action::Protected => writeln!(f, "  = {name}  {PROTECTED}"),
            _ => writeln!(f, "  ? {name}"),
        }
    }
}

impl crate::Confirmation {
    /// The question a terminal is asked, as `delete token` and `--regenerate` ask it.
    pub fn question(&self) -> String {
        match self {
            crate::Confirmation::Delete { name } => format!(
                "Are you sure you want to delete token {}?",
                Quoted(name)
            ),
            crate::Confirmation::Regenerate => "Are you sure you want to regenerate the operator token `_admin`? The current one stops working at once.".to_owned(),
            crate::Confirmation::PruneAll { count } => {
                format!("--prune would remove every token ({count}).")
            }
        }
    }

    /// What was left undone when the answer was not yes.
    pub fn declined(&self) -> String {
        match self {
            crate::Confirmation::Delete { name } => {
                format!("token {} was not deleted", Quoted(name))
            }
            crate::Confirmation::Regenerate => "the `_admin` token was not regenerated".to_owned(),
            crate::Confirmation::PruneAll { .. } => "nothing was removed".to_owned(),
        }
    }

    /// Why nothing was done when nobody could be asked (no terminal, no yes given).
    pub fn unasked(&self) -> &'static str {
        match self {
            crate::Confirmation::Delete { .. } => {
                "deleting a token asks for confirmation, and stdin is not a terminal: nothing was sent"
            }
            crate::Confirmation::Regenerate => {
                "regenerating the `_admin` token asks for confirmation, and stdin is not a terminal: nothing was sent"
            }
            crate::Confirmation::PruneAll { .. } => {
                "removing every token asks for confirmation, and stdin is not a terminal: nothing was done"
            }
        }
    }
}
