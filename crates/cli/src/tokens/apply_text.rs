//! What `tokens apply` prints: the executor's report as text or JSON, for a tokens file
//! (a summary, then a line per step) and for a server (a line per step as it is done,
//! then a summary).

use std::fmt::Write as _;
use std::path::Path;

use influxdb3_provision::{Action, Done, Report, StoreError};
use influxdb3_token::Token;
use influxdb3_tokenfile::Finding;
use serde_json::{Value, json};

use super::words::{counted, expiry_text, json, spaced};
use crate::error::CliError;
use crate::paint::Paint;
use crate::quote::{escape, quote, quote_list, quote_path, width};

/// What the report is about, and the secrets made.
pub(super) struct Shown<'a> {
    pub(super) manifest: &'a Path,
    /// The tokens file (unused for a server).
    pub(super) place: &'a Path,
    /// The secrets for stdout (none when they went to `--secrets-out`).
    pub(super) secrets: &'a [(String, Token)],
    /// The file that holds the secrets, when it was written.
    pub(super) secrets_out: Option<&'a Path>,
    pub(super) dry_run: bool,
    pub(super) changed: bool,
    /// How many secrets were made.
    pub(super) made: usize,
}

/// How many steps of each kind: created, kept, updated, drifted, deleted, unlisted.
fn counts<E: StoreError>(report: &Report<E>) -> [usize; 6] {
    [
        report.count(Action::Created) + report.count(Action::Recreated),
        report.count(Action::Kept),
        // A token whose grants and secret both changed is one token updated.
        report
            .done
            .iter()
            .filter(|d| matches!(d.action, Action::Updated | Action::Rotated))
            .map(|d| d.name.as_str())
            .collect::<std::collections::HashSet<_>>()
            .len(),
        report.count(Action::Drift),
        report.count(Action::Deleted),
        report.count(Action::Unlisted),
    ]
}

/// Warnings about the tokens a file run made or changed (`findings`, the store's):
/// databases neither the file nor the manifest creates, in the manifest's words; the
/// rest as every command words them; tokens of the manifest that have expired.
pub(super) fn file_warnings<E: StoreError>(
    report: &Report<E>,
    findings: &[Finding],
    manifest: &Path,
) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    let mut others = Vec::new();
    for f in findings {
        match f {
            Finding::UnknownDatabase { database, .. } => {
                let db = database.to_string();
                if !unknown.contains(&db) {
                    unknown.push(db);
                }
            }
            // The manifest's expired tokens are said below, by name.
            Finding::Expired { .. } => {}
            other => others.push(other.clone()),
        }
    }
    let mut warnings = crate::report::found(&others);
    if !unknown.is_empty() {
        let one = unknown.len() == 1;
        warnings.push(format!(
            "new or updated tokens have permissions on {} {} that neither the file nor the manifest creates: the server will not load the file unless {} exist; add {} to `create_databases` in {}",
            if one { "database" } else { "databases" },
            quote_list(unknown.iter().map(String::as_str), 3),
            if one { "it" } else { "they" },
            if one { "it" } else { "them" },
            quote_path(manifest)
        ));
    }
    let expired: Vec<&str> = report
        .done
        .iter()
        .filter(|d| d.action == Action::Kept && d.expired)
        .map(|d| d.name.as_str())
        .collect();
    if !expired.is_empty() {
        let them = if expired.len() == 1 { "it" } else { "them" };
        warnings.push(format!(
            "{} of the manifest {} expired ({}): remove {them} with `influxdb3 tokens remove` and apply again to create {them} anew",
            counted(expired.len(), "token", "tokens"),
            if expired.len() == 1 { "has" } else { "have" },
            quote_list(expired.iter().copied(), 3),
        ));
    }
    warnings
}

/// The widest of `names`, in terminal columns.
fn widest<'n>(names: impl Iterator<Item = &'n String>) -> usize {
    names.map(|q| width(q)).max().unwrap_or(0)
}

/// A tokens file's report: the summary, a line per step (kept tokens only counted),
/// the new secrets.
pub(super) fn file_text<E: StoreError>(report: &Report<E>, s: &Shown<'_>) -> String {
    let [created, kept, updated, drifted, deleted, unlisted] = counts(report);
    let file = quote_path(s.place);
    let manifest = quote_path(s.manifest);
    let shown: Vec<(&Done, String)> = report
        .done
        .iter()
        .filter(|d| d.action != Action::Kept)
        .map(|d| (d, quote(&d.name)))
        .collect();
    let mut out = String::with_capacity(shown.len() * 100 + s.secrets.len() * 130 + 512);
    if s.dry_run {
        out.push_str("Dry run: nothing was written.\n");
    }
    if s.changed && s.dry_run {
        let _ = writeln!(
            out,
            "Applying {manifest} to {file} would create {created}, update {updated}, remove {deleted} and keep {kept} tokens."
        );
    } else if s.changed {
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
    let columns = widest(shown.iter().map(|(_, n)| n));
    // Tokens created together mostly expire together and share grants: each text is
    // made once per run of tokens alike.
    let mut last: Option<(&Done, String, String)> = None;
    for (done, name) in &shown {
        let pad = columns.saturating_sub(width(name));
        let pad = format_args!("{:pad$}", "");
        match done.action {
            Action::Created => {
                let texts = match &last {
                    Some((d, g, e)) if d.grants == done.grants && d.expiry == done.expiry => {
                        (g.clone(), e.clone())
                    }
                    _ => {
                        let g = done.grants.as_deref().map(spaced).unwrap_or_default();
                        let e = expiry_text(done.expiry);
                        last = Some((done, g.clone(), e.clone()));
                        (g, e)
                    }
                };
                let _ = writeln!(out, "  + {name}{pad}  {}  (expires {})", texts.0, texts.1);
            }
            Action::Updated | Action::Drift => {
                let _ = writeln!(
                    out,
                    "  ~ {name}{pad}  {}  ({})",
                    done.drift
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    if done.action == Action::Updated {
                        "updated, same secret"
                    } else {
                        "drift: left as it is; --update changes it"
                    }
                );
            }
            Action::Deleted => {
                let _ = writeln!(out, "  - {name}{pad}  (not in the manifest: removed)");
            }
            Action::Unlisted => {
                let _ = writeln!(
                    out,
                    "  ? {name}{pad}  (not in the manifest: kept; --prune removes it)"
                );
            }
            Action::Protected => {
                let _ = writeln!(out, "  = {name}{pad}  {PROTECTED}");
            }
            Action::Rotated => {
                let _ = writeln!(
                    out,
                    "  ~ {name}{pad}  (secret set to the one of its secret_file)"
                );
            }
            _ => {}
        }
    }
    secrets_text(s, &mut out);
    out
}

/// Why a prune leaves a token that the manifest does not list.
const PROTECTED: &str = "(an admin token: --prune never deletes admin tokens)";

/// The new secrets, or where they went.
fn secrets_text(s: &Shown<'_>, out: &mut String) {
    if s.dry_run {
        return;
    }
    if let Some(path) = s.secrets_out {
        let _ = writeln!(
            out,
            "\nThe secrets of the {} new tokens were written to {} (mode 0600).",
            s.made,
            quote_path(path)
        );
        return;
    }
    if s.secrets.is_empty() {
        return;
    }
    out.push_str("\nNew tokens:\n\n");
    let names: Vec<String> = s.secrets.iter().map(|(n, _)| quote(n)).collect();
    let columns = widest(names.iter());
    for (shown, (_, token)) in names.iter().zip(s.secrets) {
        let pad = columns.saturating_sub(width(shown));
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
        Paint::On.important()
    );
}

/// The report as one JSON document, the same for a tokens file and a server: the
/// executor's steps (names masked; in a prune, the admin tokens it leaves as `protected`), each new token's secret in
/// its step unless they went to `--secrets-out`, and where it was applied.
pub(super) fn report_json<E: StoreError>(
    report: &Report<E>,
    s: &Shown<'_>,
    output_file: Option<&Path>,
) -> String {
    // By name: a chosen secret (`secret_file`) is not among them.
    let secrets: std::collections::HashMap<&str, &Token> =
        s.secrets.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let steps: Vec<Value> = report
        .done
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
            if d.action.minted()
                && let Some(token) = secrets.get(d.name.as_str())
            {
                v["token"] = json!(token.expose_secret());
            }
            v
        })
        .collect();
    let mut doc = json!({ "manifest": s.manifest.display().to_string() });
    if let Some(path) = output_file {
        doc["output_file"] = json!(path.display().to_string());
    }
    doc["dry_run"] = json!(s.dry_run);
    doc["changed"] = json!(s.changed);
    doc["steps"] = json!(steps);
    doc["secrets_out"] = json!(s.secrets_out.map(|p| p.display().to_string()));
    if let Some(f) = &report.failed {
        doc["failed"] = json!(crate::error::chain(&f.cause));
    }
    json(&doc)
}

/// A server step's action as the server report names it.
fn server_action(d: &Done) -> &'static str {
    match d.action {
        Action::Created => "create",
        Action::Recreated => "recreate",
        Action::Deleted => "delete",
        Action::Kept => "keep",
        Action::Drift => "drift",
        Action::Unlisted => "unlisted",
        Action::Protected => "protected",
        other => other.as_str(),
    }
}

/// A server step's detail: the grants created, or the drift.
fn detail(d: &Done) -> String {
    match d.action {
        Action::Drift => d
            .drift
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        Action::Created | Action::Recreated => d.grants.as_deref().map(spaced).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A server step as a line of text, printed as it is done (a recreated token: its
/// deletion, then its creation).
pub(super) fn server_line(d: &Done, secret: Option<&Token>) -> String {
    let name = quote(&d.name);
    let mut out = String::new();
    if d.action == Action::Recreated {
        let _ = writeln!(out, "  - {name}  (deleted, to be created again)");
    }
    let _ = match d.action {
        Action::Created => write!(out, "  + {name}  {}", detail(d)),
        Action::Recreated => write!(out, "  ~ {name}  {}", detail(d)),
        Action::Kept => write!(out, "  = {name}  (unchanged)"),
        Action::Drift => write!(
            out,
            "  ! {name}  {}  (drift: left as it is; --recreate replaces it)",
            detail(d)
        ),
        Action::Unlisted => write!(
            out,
            "  ? {name}  (not in the manifest: kept; --prune deletes it)"
        ),
        Action::Deleted => write!(out, "  - {name}  (not in the manifest: deleted)"),
        Action::Protected => write!(out, "  = {name}  {PROTECTED}"),
        _ => write!(out, "  ? {name}"),
    };
    if let Some(token) = secret {
        let _ = write!(out, "\n      {}", escape(token.expose_secret()));
    }
    out.push('\n');
    out
}

/// A server run's summary, after its lines.
pub(super) fn server_summary<E: StoreError>(report: &Report<E>, s: &Shown<'_>) -> String {
    let created = report.count(Action::Created);
    let recreated = report.count(Action::Recreated);
    let deleted = report.count(Action::Deleted);
    let kept = report.count(Action::Kept);
    let drifted = report.count(Action::Drift);
    let unlisted = report.count(Action::Unlisted);
    let manifest = quote_path(s.manifest);
    let mut out = String::new();
    if s.dry_run {
        let _ = writeln!(
            out,
            "Dry run: only the server's edition and tokens were read. Applying {manifest} would create {created}, recreate {recreated}, delete {deleted} and keep {kept} tokens."
        );
    } else if let Some(failed) = &report.failed {
        let _ = writeln!(
            out,
            "Applying {manifest} to the server stopped{}: {created} created, {recreated} recreated, {deleted} deleted, {kept} kept.",
            failed
                .name
                .as_deref()
                .map(|n| format!(" at token {}", quote(n)))
                .unwrap_or_default()
        );
    } else if created + recreated + deleted == 0 {
        let _ = writeln!(
            out,
            "Nothing to change: the server already has the tokens of {manifest} ({kept} kept)."
        );
    } else {
        let _ = writeln!(
            out,
            "Applied {manifest} to the server: {created} created, {recreated} recreated, {deleted} deleted, {kept} kept."
        );
    }
    if drifted + unlisted > 0 {
        let _ = writeln!(
            out,
            "Left alone: {drifted} drifted (--recreate replaces them), {unlisted} not in the manifest (--prune deletes them)."
        );
    }
    if let (Some(path), false) = (s.secrets_out, s.dry_run) {
        let _ = writeln!(
            out,
            "The secrets of the {} new tokens were written to {} (mode 0600).",
            s.made,
            quote_path(path)
        );
    } else if !s.secrets.is_empty() {
        let _ = writeln!(
            out,
            "{} Store the new tokens securely, as they will not be shown again.",
            Paint::On.important()
        );
    }
    out
}

/// A step failed half-way: what was done before it is said (and its secrets kept).
///
/// `again`: whether applying again can finish the job (a connection that broke, a
/// server error), or whether the failure would repeat (a server without permission
/// tokens, a refusal).
pub(super) fn failed_hint<E: StoreError>(report: &Report<E>, e: CliError, again: bool) -> CliError {
    let done: Vec<String> = report
        .done
        .iter()
        .filter(|d| d.action.changed())
        .map(|d| format!("{} {}", server_action(d), quote(&d.name)))
        .collect();
    let said = if done.is_empty() {
        "nothing was changed before it".to_owned()
    } else {
        format!("done before it: {}", done.join(", "))
    };
    let next = if again {
        "apply again to finish (what was done is kept)"
    } else {
        "what was done is kept"
    };
    let hint = e.hint.clone().map_or_else(
        || format!("{said}; {next}"),
        |h| format!("{h}; {said}; {next}"),
    );
    e.hint(hint)
}
