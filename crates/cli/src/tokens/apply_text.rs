//! What `tokens apply` prints: the executor's report as text or JSON, for a tokens file
//! (a summary, then a line per step) and for a server (a line per step as it is done,
//! then a summary).

use std::fmt::Write as _;
use std::path::Path;

use influxdb3_provision::{Action, AppliedTo, Done, Report, StoreError};
use influxdb3_token::Token;
use influxdb3_tokenfile::Finding;
use serde_json::{Value, json};

use super::words::{counted, json};
use crate::error::CliError;
use crate::paint::Paint;
use influxdb3_text::width;

use crate::quote::{escape, quote, quote_list, quote_path};

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

/// Warnings about the tokens a file run made or changed (`findings`, the store's), in
/// the manifest's words, and the tokens of the manifest that have expired.
pub(super) fn file_warnings<E: StoreError>(
    report: &Report<E>,
    findings: &[Finding],
    manifest: &Path,
) -> Vec<String> {
    let mut warnings = Finding::summary_for_manifest(findings, manifest);
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

/// A tokens file's report: its words (the summary, a line per step), then the new
/// secrets.
pub(super) fn file_text<E: StoreError>(report: &Report<E>, s: &Shown<'_>) -> String {
    let mut out = report
        .words(s.manifest, AppliedTo::File(s.place))
        .changed(s.changed)
        .to_string();
    secrets_text(s, &mut out);
    out
}

/// The new secrets, or where they went.
fn secrets_text(s: &Shown<'_>, out: &mut String) {
    if s.dry_run {
        return;
    }
    if let Some(path) = s.secrets_out {
        let _ = write!(out, "\n{}", secrets_written(s.made, path));
        return;
    }
    if s.secrets.is_empty() {
        return;
    }
    out.push_str("\nNew tokens:\n\n");
    let names: Vec<String> = s.secrets.iter().map(|(n, _)| quote(n)).collect();
    let columns = names.iter().map(|n| width(n)).max().unwrap_or(0);
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

/// A server step as it is done, with the secret it minted.
pub(super) fn server_line(d: &Done, secret: Option<&Token>) -> String {
    let mut out = d.line().to_string();
    if let Some(token) = secret {
        let _ = writeln!(out, "      {}", escape(token.expose_secret()));
    }
    out
}

/// A server run's summary, after its lines, and where the secrets went.
pub(super) fn server_summary<E: StoreError>(report: &Report<E>, s: &Shown<'_>) -> String {
    let mut out = report.words(s.manifest, AppliedTo::Server).to_string();
    if let (Some(path), false) = (s.secrets_out, s.dry_run) {
        out.push_str(&secrets_written(s.made, path));
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
        .map(|d| format!("{} {}", d.action, quote(&d.name)))
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

/// Where `made` new secrets were written, as a line.
fn secrets_written(made: usize, path: &Path) -> String {
    format!(
        "The secrets of the {made} new tokens were written to {} (mode 0600).\n",
        quote_path(path)
    )
}
