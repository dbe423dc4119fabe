//! `tokens apply MANIFEST` against a server: the plan of the provision crate, against
//! the server's tokens (read as `show tokens` reads them), carried out one request at a
//! time, each step printed as it is done.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::Path;
use std::time::Duration;

use influxdb3_permission::{Grants, PermissionSet};
use influxdb3_provision::{Current, Drift, Manifest, PlanOptions, Step};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token, TokenName};
use influxdb3_token_client::TokenRow;
use serde_json::{Value, json};

use super::{Outcome, drift_detail, spaced};
use crate::error::{Action, CliError, Exit};
use crate::plan::Online;
use crate::render::{Paint, escape, quote, quote_path};

/// A server sets a token's expiry from a number of seconds counted when it creates the
/// token: an `expires_at` is met within this much.
const EXPIRY_SLACK: Duration = Duration::from_secs(5);

/// What `tokens apply --host` was asked.
#[allow(clippy::struct_excessive_bools)] // flags, as clap gives them
pub(super) struct Ask<'a> {
    pub(super) manifest_path: &'a Path,
    pub(super) manifest: Manifest,
    pub(super) prune: bool,
    pub(super) recreate: bool,
    pub(super) dry_run: bool,
    pub(super) secrets_out: Option<&'a Path>,
    pub(super) json: bool,
}

/// One step done (or, in a dry run, to do).
struct Done {
    action: &'static str,
    name: String,
    detail: String,
    token: Option<Token>,
}

/// Applies the manifest to the server.
#[allow(clippy::too_many_lines)] // the steps, one after the other, each reported
pub(super) fn apply(online: &Online, ask: &Ask<'_>) -> Result<Outcome, CliError> {
    if let Some(path) = ask.secrets_out {
        // Checked before anything is created: no secret is made that cannot be kept.
        influxdb3_tokenfile::create_private_file(path, b"", true)
            .map_err(|e| CliError::from_file(&e))?;
    }
    let rows = online
        .client
        .list_tokens()
        .map_err(|e| online.error(&e, Action::List, ""))?;
    // Admin tokens are never the manifest's: not pruned, not recreated.
    let admins: Vec<&TokenRow> = rows.iter().filter(|r| r.is_admin()).collect();
    if let Some(clash) = ask
        .manifest
        .tokens()
        .iter()
        .find(|d| admins.iter().any(|a| a.name == d.name().as_str()))
    {
        return Err(CliError::usage(format!(
            "token {} is an admin token on the server: a manifest lists permission tokens and cannot manage it",
            quote(clash.name().as_str())
        ))
        .kind("admin_token_in_manifest")
        .hint("rename the token in the manifest"));
    }
    let current: Vec<Current<'_>> = rows
        .iter()
        .filter(|r| !r.is_admin())
        .map(|r| {
            Current::new(
                &r.name,
                r.permissions.iter().collect::<PermissionSet>(),
                r.expiry,
            )
        })
        .collect();
    let options = PlanOptions::default()
        .prune(ask.prune)
        .update(ask.recreate)
        .expiry_slack(EXPIRY_SLACK);
    let now = Timestamp::now();
    let plan = influxdb3_provision::plan(&ask.manifest, &current, now, options).map_err(|e| {
        CliError::usage(format!("{}: {e}", quote_path(ask.manifest_path))).kind("invalid_expiry")
    })?;
    let mut report = Report::new(ask, plan.steps.iter().filter(|s| changes(s)).count());
    let mut warnings = online.warnings.clone();
    for step in &plan.steps {
        let result = match step {
            Step::Create {
                name,
                grants,
                expiry,
            } => report.create(online, ask, name, grants, *expiry, "create"),
            Step::Update(Drift {
                name,
                grants,
                expiry,
                ..
            }) => report.recreate(online, ask, name, grants, *expiry),
            Step::Delete { name } => report.delete(online, ask, name),
            Step::Keep { name, expired } => {
                if *expired {
                    warnings.push(format!(
                        "token {} has expired on the server: --recreate does not renew it; delete it (`influxdb3 delete token --token-name {}`) and apply again",
                        quote(name.as_str()),
                        quote(name.as_str())
                    ));
                }
                report.note("keep", name.as_str(), String::new());
                Ok(())
            }
            Step::Drift(d) => {
                report.note("drift", d.name.as_str(), drift_detail(d));
                Ok(())
            }
            Step::Unlisted { name } => {
                report.note("unlisted", name, String::new());
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            return Err(report.failed(ask, e));
        }
    }
    report.finish(ask, warnings)
}

fn changes(step: &Step) -> bool {
    matches!(
        step,
        Step::Create { .. } | Step::Update(_) | Step::Delete { .. }
    )
}

/// The lifetime a server needs for a token to expire at `at`: the token crate's rule
/// (whole seconds from now, rounded up), as `create token --expires-at` uses it.
fn lifetime(at: Option<Timestamp>) -> Result<Option<Lifetime>, CliError> {
    at.map_or(Ok(None), |at| crate::run::lifetime(Expiry::At(at)))
}

/// The steps done so far, shown as they are done.
struct Report {
    done: Vec<Done>,
    /// Steps that change the server, and how many are done.
    total: usize,
    count: usize,
    /// A progress line on stderr (a terminal, and more than a few steps).
    progress: bool,
    json: bool,
    /// Secrets go to stdout, as each token is made (not to `--secrets-out`).
    show_secrets: bool,
}

impl Report {
    fn new(ask: &Ask<'_>, total: usize) -> Report {
        Report {
            done: Vec::new(),
            total,
            count: 0,
            progress: !ask.dry_run && total > 5 && std::io::stderr().is_terminal(),
            json: ask.json,
            show_secrets: ask.secrets_out.is_none(),
        }
    }

    /// `[3/40] deleting 'x'` on stderr, replaced by the next one.
    fn tell(&self, what: &str, name: &str) {
        if self.progress {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[2K[{}/{}] {what} {}",
                self.count + 1,
                self.total,
                quote(name)
            );
            let _ = err.flush();
        }
    }

    /// Records a step, and prints its line (text) at once.
    fn record(&mut self, step: Done) {
        if !self.json {
            if self.progress {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            }
            let line = line(&step, self.show_secrets);
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
        self.done.push(step);
    }

    fn note(&mut self, action: &'static str, name: &str, detail: String) {
        self.record(Done {
            action,
            name: name.to_owned(),
            detail,
            token: None,
        });
    }

    fn create(
        &mut self,
        online: &Online,
        ask: &Ask<'_>,
        name: &TokenName,
        grants: &Grants,
        expiry: Option<Timestamp>,
        action: &'static str,
    ) -> Result<(), CliError> {
        let detail = spaced(grants);
        if ask.dry_run {
            self.note(action, name.as_str(), detail);
            return Ok(());
        }
        self.tell("creating", name.as_str());
        let created = online
            .client
            .create_token(name, grants, lifetime(expiry)?)
            .map_err(|e| online.error(&e, Action::Create, name.as_str()))?;
        self.count += 1;
        self.record(Done {
            action,
            name: name.as_str().to_owned(),
            detail,
            token: Some(created.token),
        });
        Ok(())
    }

    fn recreate(
        &mut self,
        online: &Online,
        ask: &Ask<'_>,
        name: &TokenName,
        grants: &Grants,
        expiry: Option<Timestamp>,
    ) -> Result<(), CliError> {
        if !ask.dry_run {
            self.tell("deleting", name.as_str());
            online
                .client
                .delete_token(name)
                .map_err(|e| online.error(&e, Action::Delete, name.as_str()))?;
            self.count += 1;
            self.note("deleted", name.as_str(), "to recreate it".to_owned());
        }
        self.create(online, ask, name, grants, expiry, "recreate")
    }

    fn delete(&mut self, online: &Online, ask: &Ask<'_>, name: &str) -> Result<(), CliError> {
        if !ask.dry_run {
            let token_name = TokenName::new(name).map_err(|e| {
                CliError::new(
                    Exit::Failure,
                    "invalid_name",
                    format!(
                        "the server's token {} cannot be named in a request: {e}",
                        quote(name)
                    ),
                )
            })?;
            self.tell("deleting", name);
            online
                .client
                .delete_token(&token_name)
                .map_err(|e| online.error(&e, Action::Delete, name))?;
            self.count += 1;
        }
        self.note("delete", name, String::new());
        Ok(())
    }

    /// The secrets made, as the `--secrets-out` map.
    fn secrets(&self) -> Vec<(&str, &Token)> {
        self.done
            .iter()
            .filter_map(|d| d.token.as_ref().map(|t| (d.name.as_str(), t)))
            .collect()
    }

    /// Writes the secrets made to `--secrets-out`; `false` when it could not.
    fn keep_secrets(&self, ask: &Ask<'_>) -> Result<(), CliError> {
        let (Some(path), false) = (ask.secrets_out, self.secrets().is_empty()) else {
            return Ok(());
        };
        let map: serde_json::Map<String, Value> = self
            .secrets()
            .into_iter()
            .map(|(n, t)| (n.to_owned(), json!(t.expose_secret())))
            .collect();
        let mut content = serde_json::to_string_pretty(&map).unwrap_or_default();
        content.push('\n');
        influxdb3_tokenfile::create_private_file(path, content.as_bytes(), false)
            .map_err(|e| CliError::from_file(&e))
    }

    fn summary(&self, ask: &Ask<'_>) -> String {
        let count = |a: &str| self.done.iter().filter(|d| d.action == a).count();
        let (created, recreated, deleted, kept, drifted, unlisted) = (
            count("create"),
            count("recreate"),
            count("delete"),
            count("keep"),
            count("drift"),
            count("unlisted"),
        );
        let mut out = String::new();
        if ask.dry_run {
            let _ = writeln!(
                out,
                "Dry run: only the server's tokens were read. Applying {} would create {created}, recreate {recreated}, delete {deleted} and keep {kept} tokens.",
                quote_path(ask.manifest_path)
            );
        } else if created + recreated + deleted == 0 {
            let _ = writeln!(
                out,
                "Nothing to change: the server already has the tokens of {} ({kept} kept).",
                quote_path(ask.manifest_path)
            );
        } else {
            let _ = writeln!(
                out,
                "Applied {} to the server: {created} created, {recreated} recreated, {deleted} deleted, {kept} kept.",
                quote_path(ask.manifest_path)
            );
        }
        if drifted + unlisted > 0 {
            let _ = writeln!(
                out,
                "Left alone: {drifted} drifted (--recreate replaces them), {unlisted} not in the manifest (--prune deletes them)."
            );
        }
        if let (Some(path), false) = (ask.secrets_out, self.secrets().is_empty()) {
            let _ = writeln!(
                out,
                "The secrets of the {} new tokens were written to {} (mode 0600).",
                self.secrets().len(),
                quote_path(path)
            );
        } else if !self.secrets().is_empty() {
            let _ = writeln!(
                out,
                "{} Store the new tokens securely, as they will not be shown again.",
                Paint::On.important("IMPORTANT:")
            );
        }
        out
    }

    fn document(&self, ask: &Ask<'_>, error: Option<&CliError>) -> String {
        let steps: Vec<Value> = self
            .done
            .iter()
            .map(|d| {
                let mut v = json!({"action": d.action, "name": d.name});
                if !d.detail.is_empty() {
                    v["detail"] = json!(d.detail);
                }
                if let (Some(t), None) = (&d.token, ask.secrets_out) {
                    v["token"] = json!(t.expose_secret());
                }
                v
            })
            .collect();
        let mut doc = json!({
            "manifest": ask.manifest_path.display().to_string(),
            "dry_run": ask.dry_run,
            "steps": steps,
            "secrets_out": ask.secrets_out.map(|p| p.display().to_string()),
        });
        if let Some(e) = error {
            doc["failed"] = json!(e.message);
        }
        let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
        crate::render::escape_json(&out)
    }

    fn finish(self, ask: &Ask<'_>, warnings: Vec<String>) -> Result<Outcome, CliError> {
        if let Err(e) = self.keep_secrets(ask) {
            return Err(self.secrets_lost(e));
        }
        let stdout = if self.json {
            self.document(ask, None)
        } else {
            self.summary(ask)
        };
        Ok(Outcome {
            warnings,
            ..Outcome::ok(stdout)
        })
    }

    /// A step failed: what was done is said (and its secrets kept).
    fn failed(self, ask: &Ask<'_>, e: CliError) -> CliError {
        if let Err(lost) = self.keep_secrets(ask) {
            return self.secrets_lost(lost);
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(
            if self.json {
                self.document(ask, Some(&e))
            } else {
                self.summary(ask)
            }
            .as_bytes(),
        );
        let _ = out.flush();
        let done: Vec<String> = self
            .done
            .iter()
            .filter(|d| matches!(d.action, "create" | "recreate" | "delete" | "deleted"))
            .map(|d| format!("{} {}", d.action, quote(&d.name)))
            .collect();
        let said = if done.is_empty() {
            "nothing was changed before it".to_owned()
        } else {
            format!("done before it: {}", done.join(", "))
        };
        let hint = e.hint.clone().map_or_else(
            || format!("{said}; apply again to finish (what was done is kept)"),
            |h| format!("{h}; {said}; apply again to finish"),
        );
        e.hint(hint)
    }

    /// The secrets file could not be written: they are shown rather than lost.
    fn secrets_lost(&self, e: CliError) -> CliError {
        let mut out = std::io::stdout().lock();
        for (name, token) in self.secrets() {
            let _ = writeln!(out, "{}  {}", quote(name), escape(token.expose_secret()));
        }
        let _ = out.flush();
        e.hint("the new tokens' secrets were printed on stdout instead: store them now")
    }
}

/// A step as a line of text.
fn line(step: &Done, show_secret: bool) -> String {
    let mark = match step.action {
        "create" => "+",
        "recreate" => "~",
        "delete" | "deleted" => "-",
        "keep" => "=",
        "drift" => "!",
        _ => "?",
    };
    let mut out = format!("  {mark} {}", quote(&step.name));
    match step.action {
        "keep" => out.push_str("  (unchanged)"),
        "drift" => {
            let _ = write!(
                out,
                "  {}  (drift: left as it is; --recreate replaces it)",
                step.detail
            );
        }
        "unlisted" => out.push_str("  (not in the manifest: kept; --prune deletes it)"),
        "deleted" => out.push_str("  (deleted, to be created again)"),
        "delete" => out.push_str("  (not in the manifest: deleted)"),
        _ => {
            let _ = write!(out, "  {}", step.detail);
        }
    }
    if let Some(token) = step.token.as_ref().filter(|_| show_secret) {
        let _ = write!(out, "\n      {}", escape(token.expose_secret()));
    }
    out.push('\n');
    out
}
