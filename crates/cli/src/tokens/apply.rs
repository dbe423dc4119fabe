//! `tokens apply MANIFEST`: the manifest's plan against a tokens file or a server,
//! carried out by the one executor; each secret kept as soon as its token exists.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::ArgMatches;
use influxdb3_provision::{
    Applied, AppliedTo, ApplyError, ApplyOptions, Capabilities, Emphasis, Event, Executed,
    Manifest, Plan, PlanOptions, Policy, Report, ReportWords, StoreError, TokenStore, Uncreatable,
};
use influxdb3_token::{Timestamp, Token};
use influxdb3_token_client::ServerStore;
use influxdb3_tokenfile::{FileStore, Finding, ManifestFileError, SecretsFile, SecretsFormat};

use crate::args::{Format, Server};
use crate::error::{Action, CliError, Kind};
use crate::options;
use crate::output::Outcome;
use crate::output::json_doc as json;
use crate::paint::Paint;
use crate::quote::{escape, quote, quote_path};

/// Where the manifest is applied.
pub(super) enum Target {
    File(PathBuf),
    Server(Server),
}

/// What `tokens apply` was asked.
#[allow(clippy::struct_excessive_bools)] // flags, as clap gives them
pub(super) struct Apply {
    pub(super) manifest: PathBuf,
    pub(super) target: Target,
    pub(super) prune: bool,
    /// `--update` (a file) or `--recreate` (a server).
    pub(super) update: bool,
    pub(super) yes: bool,
    pub(super) policy: Policy,
    pub(super) secrets_out: Option<PathBuf>,
    /// The form of `--secrets-out`.
    pub(super) secrets_format: SecretsFormat,
    pub(super) dry_run: bool,
    pub(super) lock_timeout: Duration,
    pub(super) format: Format,
}

/// Reads and checks a manifest, and the chosen secret of each token that names a
/// `secret_file`; an error says where, as `FILE:LINE:COLUMN: …`, or which secret file.
pub(super) fn read_manifest(path: &Path, capabilities: Capabilities) -> Result<Manifest, CliError> {
    influxdb3_tokenfile::read_manifest(path, capabilities).map_err(|e| match e {
        ManifestFileError::Refused(e) => manifest_error(&e, path),
        ManifestFileError::Read(e) => CliError::from_file(&e),
        ManifestFileError::Invalid(d) => CliError::from_diagnostic(*d)
            .kind(Kind::InvalidManifest)
            .hint("the manifest was not applied; nothing was written or sent"),
        ManifestFileError::SecretFile { name, source } => {
            let e = options::secret_file_error(&source, "its secret_file");
            let message = format!("token {} of the manifest: {}", quote(&name), e.message);
            CliError { message, ..e }
        }
        e => CliError::usage(e.to_string()),
    })
}

/// `tokens apply`.
pub(super) fn apply(a: &Apply, m: &ArgMatches) -> Result<Outcome, CliError> {
    if let Some(out) = &a.secrets_out {
        let taken = match &a.target {
            Target::File(file) if influxdb3_tokenfile::same_file(out, file) => {
                Some("--output-file")
            }
            _ if influxdb3_tokenfile::same_file(out, &a.manifest) => Some("the manifest"),
            _ => None,
        };
        if let Some(what) = taken {
            return Err(CliError::usage(format!(
                "--secrets-out {} is {what}: the secrets need a file of their own",
                quote_path(out)
            ))
            .hint("name a new file for --secrets-out; nothing was read, written or sent"));
        }
    }
    // What the target cannot hold is refused before anything else is read, written or
    // sent (a manifest's secret files included): by its capabilities, the table the
    // plan is checked against.
    let capabilities = match a.target {
        Target::File(_) => Capabilities::FILE,
        Target::Server(_) => Capabilities::SERVER,
    };
    let manifest = read_manifest(&a.manifest, capabilities)?;
    // Checked before anything is created: no secret is made that cannot be kept, in
    // the form asked for.
    if a.secrets_out.is_some() {
        a.secrets_format
            .check(manifest.tokens().iter().map(|d| d.name().as_str()))
            .map_err(|e| {
                CliError::usage(format!("--secrets-out: {e}"))
                    .kind(Kind::Unsupported)
                    .hint("rename the token in the manifest, or choose another --secrets-format; nothing was written or sent")
            })?;
    }
    let secrets = a
        .secrets_out
        .as_deref()
        .map(|path| SecretsFile::with_format(path, a.secrets_format.clone()))
        .transpose()
        .map_err(|e| CliError::from_file(&e))?;
    let mut sink = Sink {
        secrets,
        lines: a.format == Format::Text && matches!(a.target, Target::Server(_)),
        progress: false,
        show_secrets: a.secrets_out.is_none(),
    };
    match &a.target {
        Target::File(path) => to_file(a, &manifest, path, sink),
        Target::Server(server) => {
            let online = crate::connect::online(server.clone(), m)?;
            for w in &online.warnings {
                crate::output::warn(w);
            }
            sink.progress = !a.dry_run && std::io::stderr().is_terminal();
            to_server(a, &manifest, &online, sink)
        }
    }
}

/// Where the secrets go as each token is made: `--secrets-out`; without it, stdout
/// shows the executor's (`Executed::minted`, see [`for_stdout`]).
struct Sink {
    secrets: Option<SecretsFile>,
    /// Print each step's line as it is done (text, against a server).
    lines: bool,
    /// A progress line on stderr.
    progress: bool,
    show_secrets: bool,
}

impl Sink {
    fn observe(&mut self, event: &Event<'_>) -> Result<(), influxdb3_provision::ObserverError> {
        // The secret kept first (the file is removed again if the run is discarded).
        if let Some(file) = self.secrets.as_mut() {
            file.observe(event)?;
        }
        match event {
            Event::Starting { index, of, step } if self.progress && *of > 5 => {
                let mut err = std::io::stderr().lock();
                let _ = write!(
                    err,
                    "\r\x1b[2K[{}/{of}] {} {}",
                    index + 1,
                    if step.changes() && matches!(step, influxdb3_provision::Step::Delete { .. }) {
                        "deleting"
                    } else {
                        "creating"
                    },
                    quote(step.name())
                );
                let _ = err.flush();
            }
            Event::Done { done, secret } => {
                if self.progress {
                    let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
                }
                if self.lines {
                    let secret = secret.filter(|_| self.show_secrets);
                    let mut out = std::io::stdout().lock();
                    let _ = write!(out, "{}", done.line_with_secret(secret));
                    let _ = out.flush();
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends `--secrets-out` as the run's report says (kept; removed after a tokens
    /// file's run that failed); the path when it holds secrets.
    fn end<E: StoreError>(&mut self, report: &Report<E>) -> Result<Option<PathBuf>, CliError> {
        let ended = self.secrets.take().map(|file| file.end_run(report));
        ended
            .transpose()
            .map(Option::flatten)
            .map_err(|e| CliError::from_file(&e))
    }
}

/// Lists, plans, confirms and carries the plan out on `store`.
fn run<S: TokenStore>(
    store: &mut S,
    manifest: &Manifest,
    a: &Apply,
    sink: &mut Sink,
    list_error: impl Fn(&S::Error) -> CliError,
) -> Result<Applied<S::Error>, CliError> {
    let options = ApplyOptions::default()
        .plan(PlanOptions::default().prune(a.prune).update(a.update))
        .policy(a.policy)
        .dry_run(a.dry_run);
    let confirm = |asked: &_| crate::confirm::given(asked, a.yes);
    manifest
        .apply(store, options, confirm, &mut |e| sink.observe(e))
        .map_err(|e| match e {
            ApplyError::List(e) => list_error(&e),
            ApplyError::Plan(e) => manifest_error(&e, &a.manifest),
            ApplyError::NotConfirmed(e) => e,
            e => CliError::usage(e.to_string()),
        })
}

/// A manifest the plan refuses: the plan's error, in the manifest's name.
fn manifest_error(e: &influxdb3_provision::PlanError, path: &Path) -> CliError {
    let err = CliError::from_plan(e);
    CliError {
        message: format!("{}: {}", quote_path(path), err.message),
        ..err
    }
}

fn to_file(
    a: &Apply,
    manifest: &Manifest,
    path: &Path,
    mut sink: Sink,
) -> Result<Outcome, CliError> {
    let options = options::write_options(a.lock_timeout, a.dry_run);
    // A run that stops before its first token has written no secret to remove.
    let (ran, written) = FileStore::open(path, &options, |store| {
        run(store, manifest, a, &mut sink, CliError::from_file_store)
            .map(|applied| (applied, store.findings(Timestamp::now())))
    })
    .map_err(|e| CliError::from_file(&e))?;
    let (Applied { plan, executed, .. }, findings) = ran?;
    // The file was not written after a failure: the tokens do not exist, nor should
    // their secrets.
    let secrets_out = sink.end(&executed.report)?;
    CliError::on_file(&executed.report)?;
    let words = executed
        .report
        .words(&a.manifest, AppliedTo::File(&written.path))
        // A dry run writes nothing: what would change is the report's.
        .changed(written.changed || (a.dry_run && executed.report.changed()))
        .secrets_written(secrets_out.as_deref(), executed.secrets.len());
    let mut warnings = uncreatable(&plan);
    warnings.extend(Finding::summary(&written.findings));
    warnings.extend(Finding::summary_for_manifest(&findings, &a.manifest));
    warnings.extend(words.warnings());
    let secrets = for_stdout(a, &executed);
    let stdout = render(a, words, &secrets);
    let unshown = (!secrets.is_empty()).then(|| {
        CliError::unshown(
            format!(
                "{} new tokens were saved to {}, but their secrets could not be shown (stdout failed)",
                secrets.len(),
                quote_path(&written.path)
            ),
            "nobody has seen the new secrets: rotate each new token with `influxdb3 tokens rotate`, or apply with --secrets-out",
        )
    });
    Ok(Outcome {
        warnings,
        unshown,
        ..Outcome::ok(stdout)
    })
}

fn to_server(
    a: &Apply,
    manifest: &Manifest,
    online: &crate::connect::Online,
    mut sink: Sink,
) -> Result<Outcome, CliError> {
    let mut store = ServerStore::new(&online.client);
    let Applied { plan, executed, .. } = run(&mut store, manifest, a, &mut sink, |e| {
        online.error(e, Action::List, "")
    })?;
    // Kept after a failure too: the tokens made before it exist.
    let secrets_out = sink
        .end(&executed.report)
        .map_err(|lost| secrets_lost(&executed.secrets, lost))?;
    let words = executed
        .report
        .words(&a.manifest, AppliedTo::Server)
        .secrets_written(secrets_out.as_deref(), executed.secrets.len());
    let stdout = render(a, words, &for_stdout(a, &executed));
    let mut warnings = uncreatable(&plan);
    if let Some(failed) = &executed.report.failed {
        let error = online.failed(&plan, failed);
        let _ = crate::output::stdout(&stdout);
        // Said before the error too: a database named so may be why the server refused.
        crate::output::warn_all(&mut warnings);
        // A failure that would repeat gets no advice to apply again.
        let again = match &failed.cause {
            influxdb3_provision::Cause::Store(e) => e.is_transient(),
            influxdb3_provision::Cause::Observer(_) => true,
            _ => false,
        };
        let done = words.failed_hint(again);
        let hint = match &error.hint {
            Some(hint) => format!("{hint}; {done}"),
            None => done,
        };
        return Err(error.hint(hint));
    }
    warnings.extend(words.warnings());
    Ok(Outcome {
        warnings,
        ..Outcome::ok(stdout)
    })
}

/// A warning for each database the manifest names that a server's HTTP API would
/// refuse to create.
fn uncreatable(plan: &Plan) -> Vec<String> {
    let warning = |u: &Uncreatable| {
        u.warning(
            "the manifest's create_databases",
            "a permission of the manifest",
        )
    };
    plan.uncreatable().iter().map(warning).collect()
}

/// The report as `--format` asks, with the secrets for stdout beside it (in text,
/// then how to keep them, its `IMPORTANT:` styled).
fn render<E: StoreError>(
    a: &Apply,
    words: ReportWords<'_, E>,
    secrets: &[(String, Token)],
) -> String {
    let shown = words.with_secrets(secrets);
    if a.format == Format::Json {
        return json(&shown);
    }
    shown
        .styled(&|emphasis, text| match emphasis {
            Emphasis::Important => Paint::On.important(text),
            _ => text.to_owned(),
        })
        .to_string()
}

/// The secrets stdout shows: every one the store minted, unless `--secrets-out` keeps
/// them (a chosen one, a manifest's `secret_file`, its operator holds).
fn for_stdout<E: StoreError>(a: &Apply, executed: &Executed<E>) -> Vec<(String, Token)> {
    match a.secrets_out {
        Some(_) => Vec::new(),
        None => executed.minted().cloned().collect(),
    }
}

/// The secrets file could not be written: the secrets are shown rather than lost.
fn secrets_lost(secrets: &[(String, Token)], e: CliError) -> CliError {
    let mut out = std::io::stdout().lock();
    for (name, token) in secrets {
        let _ = writeln!(out, "{}  {}", quote(name), escape(token.expose_secret()));
    }
    let _ = out.flush();
    e.hint("the new tokens' secrets were printed on stdout instead: store them now")
}
