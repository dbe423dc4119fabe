//! A manifest carried out on a tokens file or on another store (a server), as `tokens
//! apply` does it: the one executor's run ([`Manifest::apply`]), each new secret kept
//! in a file of secrets as soon as its token exists, and what the run came to, in the
//! words of its report.

use std::path::{Path, PathBuf};

use influxdb3_provision::{
    Applied, AppliedTo, ApplyError, ApplyOptions, Confirmation, Event, Executed, Manifest,
    ObserverError, Plan, ReportWithSecrets, ReportWords, StoreError, TokenStore, Uncreatable,
};
use influxdb3_token::Token;

use crate::disk::Written;
use crate::finding::Finding;
use crate::secrets::{SecretsFile, SecretsFormatError};
use crate::store::{FileStore, FileStoreError};
use crate::write::WriteOptions;

/// A manifest to carry out, and where its new secrets go: shown by the caller, or kept
/// in a [`SecretsFile`] ([`keep_secrets`](Self::keep_secrets)). Carried out by
/// [`on_file`](Self::on_file) or [`on_store`](Self::on_store).
///
/// ```
/// use std::convert::Infallible;
/// use std::path::Path;
/// use influxdb3_provision::{ApplyOptions, Capabilities};
/// use influxdb3_tokenfile::{ManifestRun, WriteOptions};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// let manifest = "[[token]]\nname = \"ingest\"\npermissions = [\"db:sensors:write\"]\n".parse()?;
/// let tokens = dir.path().join("tokens.json");
/// let run = ManifestRun::new(&manifest, Path::new("tokens.toml"), ApplyOptions::default());
/// let applied = run.on_file(&tokens, &WriteOptions::default(), |_| Ok::<_, Infallible>(()), &mut |_| Ok(()))?;
/// assert!(applied.executed.report.failed.is_none());
/// assert_eq!(applied.shown().len(), 1);
/// assert!(applied.with_secrets().to_string().contains("1 created"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[must_use]
pub struct ManifestRun<'m> {
    manifest: &'m Manifest,
    path: &'m Path,
    options: ApplyOptions,
    secrets: Option<SecretsFile>,
}

impl<'m> ManifestRun<'m> {
    /// The `manifest` read from `path` (as the run's words name it), to carry out as
    /// `options` say.
    pub fn new(manifest: &'m Manifest, path: &'m Path, options: ApplyOptions) -> Self {
        ManifestRun {
            manifest,
            path,
            options,
            secrets: None,
        }
    }

    /// Keeps each new secret in `secrets` as soon as its token exists
    /// ([`SecretsFile::observe`]) instead of handing it over to be shown: the run's
    /// observer is then told of each step without its secret.
    ///
    /// # Errors
    ///
    /// [`SecretsFormatError`] for a token of the manifest whose name the file's form
    /// cannot hold: checked now, before anything is made.
    pub fn keep_secrets(mut self, secrets: SecretsFile) -> Result<Self, SecretsFormatError> {
        let names = self.manifest.tokens().iter().map(|d| d.name().as_str());
        secrets.format().check(names)?;
        self.secrets = Some(secrets);
        Ok(self)
    }

    /// Carries the manifest out on the permission tokens file at `file` (created if
    /// missing), in one locked write, telling `observe` of each step once the secrets
    /// file has kept it; `confirm` as [`Manifest::apply`] takes it.
    ///
    /// # Errors
    ///
    /// As [`Manifest::apply`]; a file that cannot be locked, read or loaded is
    /// [`ApplyError::List`] of [`FileStoreError::File`]. A step that failed is in the
    /// report: nothing was written then.
    pub fn on_file<C: std::error::Error + 'static>(
        self,
        file: impl AsRef<Path>,
        write: &WriteOptions<'_>,
        confirm: impl FnOnce(&Confirmation) -> Result<(), C>,
        observe: &mut dyn FnMut(&Event<'_>) -> Result<(), ObserverError>,
    ) -> Result<ManifestApplied<FileStoreError>, ApplyError<FileStoreError, C>> {
        let ManifestRun {
            manifest,
            path,
            options,
            mut secrets,
        } = self;
        let opened = FileStore::open(file, write, |store| {
            let kept = &mut |e: &Event<'_>| keep(secrets.as_mut(), observe, e);
            let applied = manifest.apply(store, options, confirm, kept)?;
            let findings = store.findings(applied.plan.now());
            Ok((applied, findings))
        });
        let (ran, written) = match opened {
            Ok(opened) => opened,
            // The file was not written (not loaded, or its write failed after the
            // run): the tokens do not exist, nor should the secrets kept for them.
            Err(e) => {
                if let Some(secrets) = secrets {
                    secrets.discard();
                }
                return Err(ApplyError::List(FileStoreError::File(e)));
            }
        };
        let (applied, findings) = ran?;
        Ok(ManifestApplied::new(
            applied,
            path,
            secrets,
            Some(written),
            findings,
        ))
    }

    /// Carries the manifest out on `store`, a server (as the words name it), each step
    /// taking effect as it is made, telling `observe` of each once the secrets file has
    /// kept it; `confirm` as [`Manifest::apply`] takes it.
    ///
    /// # Errors
    ///
    /// As [`Manifest::apply`]. A step that failed is in the report: what was done
    /// before it is kept, and so are its secrets.
    pub fn on_store<S, C>(
        self,
        store: &mut S,
        confirm: impl FnOnce(&Confirmation) -> Result<(), C>,
        observe: &mut dyn FnMut(&Event<'_>) -> Result<(), ObserverError>,
    ) -> Result<ManifestApplied<S::Error>, ApplyError<S::Error, C>>
    where
        S: TokenStore + ?Sized,
        C: std::error::Error + 'static,
    {
        let ManifestRun {
            manifest,
            path,
            options,
            mut secrets,
        } = self;
        let kept = &mut |e: &Event<'_>| keep(secrets.as_mut(), observe, e);
        let applied = manifest.apply(store, options, confirm, kept)?;
        Ok(ManifestApplied::new(
            applied,
            path,
            secrets,
            None,
            Vec::new(),
        ))
    }
}

/// Tells `secrets` of `event` first (the secret kept before anything else happens),
/// then `observe`, without the secret when the file keeps it.
fn keep(
    secrets: Option<&mut SecretsFile>,
    observe: &mut dyn FnMut(&Event<'_>) -> Result<(), ObserverError>,
    event: &Event<'_>,
) -> Result<(), ObserverError> {
    let Some(file) = secrets else {
        return observe(event);
    };
    file.observe(event)?;
    match event {
        Event::Done { done, .. } => observe(&Event::Done { done, secret: None }),
        other => observe(other),
    }
}

/// What a manifest's run came to, from [`ManifestRun`]: the plan, what the executor did,
/// the tokens file written, where the secrets were kept; in words with
/// [`with_secrets`](Self::with_secrets) and [`warnings`](Self::warnings).
#[derive(Debug)]
#[non_exhaustive]
#[must_use = "a failure is in the report"]
pub struct ManifestApplied<E: StoreError> {
    /// The plan carried out (a failed step's index points into its steps).
    pub plan: Plan,
    /// What the executor did, and every secret minted.
    pub executed: Executed<E>,
    /// The write of the tokens file ([`ManifestRun::on_file`]); `None` for a server.
    pub written: Option<Written>,
    /// The file of secrets, ended as the report says ([`SecretsFile::end_run`]): its
    /// path when it holds secrets; or why it could not be closed, when the secrets it
    /// should hold are those of [`Executed::secrets`] (show them rather than lose them).
    pub secrets_out: Result<Option<PathBuf>, crate::TokenFileError>,
    /// The tokens file's findings once the run was over ([`FileStore::findings`]).
    findings: Vec<Finding>,
    manifest: PathBuf,
    /// The secrets to show: those minted, unless a file of secrets keeps them.
    shown: Vec<(String, Token)>,
}

impl<E: StoreError> ManifestApplied<E> {
    fn new(
        applied: Applied<E>,
        manifest: &Path,
        secrets: Option<SecretsFile>,
        written: Option<Written>,
        findings: Vec<Finding>,
    ) -> Self {
        let Applied { plan, executed, .. } = applied;
        let shown = match secrets {
            Some(_) => Vec::new(),
            None => executed.minted().cloned().collect(),
        };
        let secrets_out = secrets
            .map(|file| file.end_run(&executed.report))
            .transpose()
            .map(Option::flatten);
        ManifestApplied {
            plan,
            executed,
            written,
            secrets_out,
            findings,
            manifest: manifest.to_path_buf(),
            shown,
        }
    }

    /// The secrets the caller shows, once: those the store minted (not those the
    /// manifest chose), none when a file of secrets keeps them.
    pub fn shown(&self) -> &[(String, Token)] {
        &self.shown
    }

    /// The report in words: for a tokens file, whether it changed (or in a dry run
    /// would); where the secrets were written, when they were.
    pub fn words(&self) -> ReportWords<'_, E> {
        let report = &self.executed.report;
        let words = match &self.written {
            Some(written) => report
                .words(&self.manifest, AppliedTo::File(&written.path))
                .changed(written.changed || (report.dry_run && report.changed())),
            None => report.words(&self.manifest, AppliedTo::Server),
        };
        let out = self.secrets_out.as_ref().ok().and_then(Option::as_deref);
        words.secrets_written(out, self.executed.secrets.len())
    }

    /// [`words`](Self::words) with the [`shown`](Self::shown) secrets beside them.
    pub fn with_secrets(&self) -> ReportWithSecrets<'_, E> {
        self.words().with_secrets(&self.shown)
    }

    /// The warnings of the run: each database the plan names that a server's HTTP API
    /// cannot create ([`Plan::uncreatable`]); unless a step failed, the tokens file's
    /// findings and the report's own ([`ReportWords::warnings`]).
    pub fn warnings(&self) -> Vec<String> {
        let warning = |u: &Uncreatable| {
            u.warning(
                "the manifest's create_databases",
                "a permission of the manifest",
            )
        };
        let mut warnings: Vec<String> = self.plan.uncreatable().iter().map(warning).collect();
        if self.executed.report.failed.is_some() {
            return warnings;
        }
        if let Some(written) = &self.written {
            warnings.extend(Finding::summary(&written.findings));
        }
        warnings.extend(Finding::summary_for_manifest(
            &self.findings,
            &self.manifest,
        ));
        warnings.extend(self.words().warnings());
        warnings
    }
}
