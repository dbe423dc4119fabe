//! `tokens apply MANIFEST`: the manifest carried out on a tokens file or a server by
//! the tokens-file crate's [`ManifestRun`] (the one executor, each secret kept as soon
//! as its token exists); here flags become its options, steps are shown as they are
//! done, and what the run came to is rendered.

use std::io::{IsTerminal, Write as _};
use std::path::Path;

use clap::ArgMatches;
use influxdb3_provision::{
    ApplyError, ApplyOptions, Capabilities, Cause, Emphasis, Event, Manifest, PlanError,
    PlanOptions, StoreError,
};
use influxdb3_token::Token;
use influxdb3_token_client::{ClientError, ServerStore};
use influxdb3_tokenfile::{
    ManifestApplied, ManifestFileError, ManifestRun, SecretsFile, SecretsFormat, TokenFileError,
};

use crate::args::{ApplyArgs, Format, SecretsForm};
use crate::error::{Action, CliError, Kind};
use crate::options;
use crate::output::Outcome;
use crate::paint::Paint;
use crate::quote::{escape, quote, quote_path};

/// `tokens apply`.
pub(super) fn apply(a: &ApplyArgs, m: &ArgMatches) -> Result<Outcome, CliError> {
    let format = secrets_format(a.secrets_format, a.secrets_name.as_deref())?;
    if a.output_file.is_some() {
        let recreate: &[&str] = if a.recreate { &["--recreate"] } else { &[] };
        let online = "apply the manifest to the server at --host";
        options::offline_only(m, recreate, "--output-file", online)?;
    } else if a.update {
        return Err(CliError::usage(
            "--update changes a token in a tokens file (with --output-file): a server cannot change a token in place",
        )
        .hint("use --recreate to delete and create again the drifted tokens on the server"));
    }
    let options = ApplyOptions::default()
        .plan(
            PlanOptions::default()
                .prune(a.prune)
                .update(a.update || a.recreate),
        )
        .policy(options::policy(m, a.max_expiry.as_deref())?)
        .dry_run(a.options.dry_run);
    let lock_timeout = options::lock_timeout(&a.options.lock_timeout)?;
    if let Some(out) = &a.secrets_out {
        apart(a, out)?;
    }
    // What the target cannot hold is refused before anything else is read, written or
    // sent (a manifest's secret files included): by its capabilities, the table the
    // plan is checked against.
    let capabilities = match a.output_file {
        Some(_) => Capabilities::FILE,
        None => Capabilities::SERVER,
    };
    let manifest = read_manifest(&a.manifest, capabilities)?;
    let mut run = ManifestRun::new(&manifest, &a.manifest, options);
    if let Some(out) = &a.secrets_out {
        let secrets = SecretsFile::with_format(out, format).map_err(|e| CliError::from_file(&e))?;
        run = run.keep_secrets(secrets).map_err(|e| {
            CliError::usage(format!("--secrets-out: {e}"))
                .kind(Kind::Unsupported)
                .hint("rename the token in the manifest, or choose another --secrets-format; nothing was written or sent")
        })?;
    }
    let confirm = |asked: &_| crate::confirm::given(asked, a.yes);
    let mut steps = Steps {
        lines: false,
        progress: false,
    };
    let Some(file) = &a.output_file else {
        let online = crate::connect::online(a.server.clone(), m)?;
        for w in &online.warnings {
            crate::output::warn(w);
        }
        steps.lines = a.format == Format::Text;
        steps.progress = !a.options.dry_run && std::io::stderr().is_terminal();
        let mut store = ServerStore::new(&online.client);
        let done = run
            .on_store(&mut store, confirm, &mut |e| steps.observe(e))
            .map_err(|e| refused(e, &a.manifest, |e| online.error(e, Action::List, "")))?;
        return on_server(&done, a.format, &online);
    };
    let write = options::write_options(lock_timeout, a.options.dry_run);
    let done = run
        .on_file(file, &write, confirm, &mut |e| steps.observe(e))
        .map_err(|e| refused(e, &a.manifest, CliError::from_file_store))?;
    // The file was not written after a failure: the tokens do not exist, nor do their
    // secrets.
    done.secrets_out.as_ref().map_err(CliError::from_file)?;
    CliError::on_file(&done.executed.report)?;
    let shown = done.shown().len();
    let path = done.written.as_ref().map_or(file.as_path(), |w| &w.path);
    let unshown = (shown > 0).then(|| {
        CliError::unshown(
            format!(
                "{shown} new tokens were saved to {}, but their secrets could not be shown (stdout failed)",
                quote_path(path)
            ),
            "nobody has seen the new secrets: rotate each new token with `influxdb3 tokens rotate`, or apply with --secrets-out",
        )
    });
    Ok(Outcome {
        warnings: done.warnings(),
        unshown,
        ..Outcome::ok(render(&done, a.format))
    })
}

/// `--secrets-format` and `--secrets-name` (clap has checked that they go with
/// `--secrets-out`): the name goes with the Kubernetes form.
fn secrets_format(form: SecretsForm, name: Option<&str>) -> Result<SecretsFormat, CliError> {
    Ok(match (form, name) {
        (SecretsForm::Kubernetes, name) => {
            SecretsFormat::kubernetes(name.unwrap_or("influxdb3-tokens"))
                .map_err(|e| CliError::usage(format!("invalid --secrets-name: {e}")))?
        }
        (_, Some(_)) => {
            return Err(CliError::usage(
                "--secrets-name names a Kubernetes Secret: it goes with --secrets-format kubernetes",
            ));
        }
        (SecretsForm::Json, None) => SecretsFormat::Json,
        (SecretsForm::Env, None) => SecretsFormat::Env,
        (SecretsForm::Dir, None) => SecretsFormat::Dir,
    })
}

/// `--secrets-out` is a file of its own (not the tokens file, nor the manifest):
/// checked before anything is read, written or sent.
fn apart(a: &ApplyArgs, out: &Path) -> Result<(), CliError> {
    let file = a.output_file.as_deref();
    let others: Vec<&Path> = file.into_iter().chain([a.manifest.as_path()]).collect();
    SecretsFile::check_apart(out, &others).map_err(|e| {
        let what = match e {
            TokenFileError::SameFile { other, .. } if file != Some(&other) => "the manifest",
            _ => "--output-file",
        };
        CliError::usage(format!(
            "--secrets-out {} is {what}: the secrets need a file of their own",
            quote_path(out)
        ))
        .hint("name a new file for --secrets-out; nothing was read, written or sent")
    })
}

/// Reads and checks a manifest, and the chosen secret of each token that names a
/// `secret_file`; an error says where, as `FILE:LINE:COLUMN: …`, or which secret file.
fn read_manifest(path: &Path, capabilities: Capabilities) -> Result<Manifest, CliError> {
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

/// What stopped a run before the executor: the store's tokens could not be listed
/// (`list`), the plan was refused, or not confirmed.
fn refused<E: StoreError>(
    e: ApplyError<E, CliError>,
    manifest: &Path,
    list: impl FnOnce(&E) -> CliError,
) -> CliError {
    match e {
        ApplyError::List(e) => list(&e),
        ApplyError::Plan(e) => manifest_error(&e, manifest),
        ApplyError::NotConfirmed(e) => e,
        e => CliError::usage(e.to_string()),
    }
}

/// A manifest the plan refuses: the plan's error, in the manifest's name.
fn manifest_error(e: &PlanError, path: &Path) -> CliError {
    let err = CliError::from_plan(e);
    CliError {
        message: format!("{}: {}", quote_path(path), err.message),
        ..err
    }
}

/// What a run on a server came to; a step that failed is the error of its request,
/// after what was done and the warnings.
fn on_server(
    done: &ManifestApplied<ClientError>,
    format: Format,
    online: &crate::connect::Online,
) -> Result<Outcome, CliError> {
    // Kept after a failure too: the tokens made before it exist.
    if let Err(lost) = &done.secrets_out {
        return Err(secrets_lost(
            &done.executed.secrets,
            CliError::from_file(lost),
        ));
    }
    let stdout = render(done, format);
    let mut warnings = done.warnings();
    let Some(failed) = &done.executed.report.failed else {
        return Ok(Outcome {
            warnings,
            ..Outcome::ok(stdout)
        });
    };
    let error = online.failed(&done.plan, failed);
    let _ = crate::output::stdout(&stdout);
    // Said before the error too: a database named so may be why the server refused.
    crate::output::warn_all(&mut warnings);
    // A failure that would repeat gets no advice to apply again.
    let again = match &failed.cause {
        Cause::Store(e) => e.is_transient(),
        Cause::Observer(_) => true,
        _ => false,
    };
    let said = done.words().failed_hint(again);
    let hint = match &error.hint {
        Some(hint) => format!("{hint}; {said}"),
        None => said,
    };
    Err(error.hint(hint))
}

/// The report as `--format` asks, with the secrets for stdout beside it (in text,
/// then how to keep them, its `IMPORTANT:` styled).
fn render<E: StoreError>(done: &ManifestApplied<E>, format: Format) -> String {
    let style = |emphasis: Emphasis, text: &str| match emphasis {
        Emphasis::Important => Paint::On.important(text),
        _ => text.to_owned(),
    };
    crate::output::report(format, &done.with_secrets().styled(&style))
}

/// Each step shown as it is done, on a server: its line on stdout (text; with the new
/// secret, unless a file of secrets keeps it), a progress line on stderr (a terminal).
struct Steps {
    lines: bool,
    progress: bool,
}

impl Steps {
    #[allow(clippy::unnecessary_wraps)] // an observer of the executor
    fn observe(&mut self, event: &Event<'_>) -> Result<(), influxdb3_provision::ObserverError> {
        match event {
            Event::Starting { index, of, step } if self.progress && *of > 5 => {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K{}", step.progress(*index, *of));
                let _ = err.flush();
            }
            Event::Done { done, secret } => {
                if self.progress {
                    let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
                }
                if self.lines {
                    let mut out = std::io::stdout().lock();
                    let _ = write!(out, "{}", done.line_with_secret(*secret));
                    let _ = out.flush();
                }
            }
            _ => {}
        }
        Ok(())
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
