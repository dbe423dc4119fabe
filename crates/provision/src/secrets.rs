//! The secrets a run minted, shown once beside its report. A [`Report`] never holds a
//! secret, nor do its words ([`ReportWords`]); what is here writes them in clear, and
//! only when the caller asks for it by name ([`ReportWords::with_secrets`],
//! [`Done::line_with_secret`]).

use std::collections::HashMap;
use std::fmt;

use influxdb3_text::{chain, escape, width};
use influxdb3_token::{Quoted, Token};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::execute::{Done, Report};
use crate::minted::{Emphasis, Style, emphasized};
use crate::store::StoreError;
use crate::words::{AppliedTo, IMPORTANT, ReportWords, store_securely};

/// A report in words with the secrets of the tokens its run minted beside it, to show
/// them once: as text ([`Display`](fmt::Display)), with the advice to store them, and as
/// one JSON document ([`Serialize`]), the shapes of `influxdb3 tokens apply`. **Both
/// write the secrets in clear.** Made by [`ReportWords::with_secrets`].
///
/// ```
/// use std::path::Path;
/// use influxdb3_provision::{AppliedTo, Executed, StoreError};
///
/// /// What a run on a tokens file did, and the secrets nobody else holds.
/// fn shown<E: StoreError>(executed: &Executed<E>, file: &Path) -> String {
///     let minted: Vec<_> = executed.minted().cloned().collect();
///     let words = executed.report.words(Path::new("tokens.toml"), AppliedTo::File(file));
///     words.with_secrets(&minted).to_string()
/// }
/// ```
#[must_use]
pub struct ReportWithSecrets<'a, E: StoreError> {
    words: ReportWords<'a, E>,
    secrets: &'a [(String, Token)],
    style: Option<Style<'a>>,
}

impl<E: StoreError> fmt::Debug for ReportWithSecrets<'_, E> {
    /// The words, and the names of the secrets (never the secrets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.secrets.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("ReportWithSecrets")
            .field("words", &self.words)
            .field("secrets", &names)
            .finish_non_exhaustive()
    }
}

impl<'a, E: StoreError> ReportWithSecrets<'a, E> {
    /// The same, with the parts a terminal may style given to `style` (which returns
    /// them as they should be written): the `IMPORTANT:` before the advice to store the
    /// secrets ([`Emphasis::Important`]).
    pub fn styled(mut self, style: Style<'a>) -> ReportWithSecrets<'a, E> {
        self.style = Some(style);
        self
    }
}

impl<'a, E: StoreError> ReportWords<'a, E> {
    /// These words, and `secrets` (a name and a secret each, as
    /// [`Executed::secrets`](crate::Executed::secrets) holds them: those of
    /// [`Executed::minted`](crate::Executed::minted), most often), to show once.
    pub fn with_secrets(self, secrets: &'a [(String, Token)]) -> ReportWithSecrets<'a, E> {
        ReportWithSecrets {
            words: self,
            secrets,
            style: None,
        }
    }
}

impl<E: StoreError> fmt::Display for ReportWithSecrets<'_, E> {
    /// The words of the report; then, for a tokens file, `New tokens:` and a row per
    /// secret, the token's name and its secret, aligned (a server's secrets are shown
    /// as each step is done: [`Done::line_with_secret`]); then, when there are secrets,
    /// `IMPORTANT: Store … securely, as they will not be shown again.`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.words, f)?;
        if self.secrets.is_empty() {
            return Ok(());
        }
        let important = emphasized(self.style, Emphasis::Important, IMPORTANT);
        if matches!(self.words.place, AppliedTo::Server) {
            let advice = store_securely("the new tokens", "they");
            return writeln!(f, "{important} {advice}");
        }
        f.write_str("\nNew tokens:\n\n")?;
        let names: Vec<String> = self
            .secrets
            .iter()
            .map(|(name, _)| Quoted(name).to_string())
            .collect();
        let columns = names.iter().map(|n| width(n)).max().unwrap_or(0);
        for (shown, (_, token)) in names.iter().zip(self.secrets) {
            let pad = columns.saturating_sub(width(shown));
            writeln!(f, "  {shown}{:pad$}  {}", "", escape(token.expose_secret()))?;
        }
        let advice = store_securely("these tokens", "they");
        writeln!(f, "\n{important} {advice}")
    }
}

impl<E: StoreError> Serialize for ReportWithSecrets<'_, E> {
    /// `{"manifest", "output_file" (a tokens file), "dry_run", "changed", "steps",
    /// "secrets_out", "failed" (when a step failed: its error and causes, on one
    /// line)}`: each step as [`Done`] serializes it, with `"token"`, the secret it
    /// minted, when it is among the secrets; `"secrets_out"` the file the secrets were
    /// written to ([`ReportWords::secrets_written`]), or `null`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (words, report) = (&self.words, self.words.report);
        // By name: the step that minted it.
        let secrets: HashMap<&str, &Token> = self
            .secrets
            .iter()
            .map(|(name, token)| (name.as_str(), token))
            .collect();
        let mut s = serializer.serialize_struct("ReportWithSecrets", 7)?;
        s.serialize_field("manifest", &words.manifest.display().to_string())?;
        if let AppliedTo::File(path) = words.place {
            s.serialize_field("output_file", &path.display().to_string())?;
        }
        s.serialize_field("dry_run", &report.dry_run)?;
        s.serialize_field("changed", &words.changed)?;
        s.serialize_field("steps", &Steps { report, secrets })?;
        let secrets_out = words
            .secrets_out
            .map(|(path, _)| path.display().to_string());
        s.serialize_field("secrets_out", &secrets_out)?;
        if let Some(failed) = &report.failed {
            s.serialize_field("failed", &chain(&failed.cause))?;
        }
        s.end()
    }
}

/// The steps of a report, each with the secret it minted.
struct Steps<'a, E: StoreError> {
    report: &'a Report<E>,
    secrets: HashMap<&'a str, &'a Token>,
}

impl<E: StoreError> Serialize for Steps<'_, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.report.done.iter().map(|done| {
            Step {
                done,
                secret: done
                    .action
                    .minted()
                    .then(|| self.secrets.get(done.name.as_str()).copied())
                    .flatten(),
            }
        }))
    }
}

/// A step, and the secret it minted.
struct Step<'a> {
    done: &'a Done,
    secret: Option<&'a Token>,
}

impl Serialize for Step<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Done", 9)?;
        self.done.serialize_fields(&mut s)?;
        if let Some(token) = self.secret {
            s.serialize_field("token", token.expose_secret())?;
        }
        s.end()
    }
}

impl Done {
    /// This step as a line of a server run ([`Done::line`]), then `secret`, the one it
    /// minted, indented on a line of its own: **in clear**, to show it once, as the
    /// step is done.
    pub fn line_with_secret<'a>(&'a self, secret: Option<&'a Token>) -> impl fmt::Display + 'a {
        Step { done: self, secret }
    }
}

impl fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.done.line(), f)?;
        match self.secret {
            Some(token) => writeln!(f, "      {}", escape(token.expose_secret())),
            None => Ok(()),
        }
    }
}
