//! A token one run made, with its secret, in the words of `influxdb3 create token`:
//! upstream's text and JSON, and where the token was saved.

use std::fmt;
use std::path::{Path, PathBuf};

use influxdb3_text::escape;
use influxdb3_token::{Quoted, Token};
use serde::Serialize;

use crate::execute::{Action, Done, Executed};
use crate::store::StoreError;

/// A part of [`MadeWords`] that a terminal may style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Emphasis {
    /// The line that says the token was made (`New token created successfully!`).
    Success,
    /// The `IMPORTANT:` before the advice to store the secret.
    Important,
}

/// A token one run made and its secret, as the executor reported it: what `influxdb3
/// create token` and `tokens rotate` print of it, as text ([`MadeToken::words`]) or as
/// JSON ([`MadeToken::document`]). A secret the caller chose
/// ([`chosen_from`](MadeToken::chosen_from)) is never in either.
///
/// ```
/// use std::path::Path;
/// use influxdb3_provision::{Action, Done, MadeToken};
/// use influxdb3_token::Token;
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let made = MadeToken::new(&Done::new(Action::Created, "ingest"), Token::generate()?)
///     .saved_to(Path::new("tokens.json"));
/// let text = made.words().to_string();
/// assert!(text.starts_with("Token saved to: tokens.json\n\nNew token created successfully!"));
/// assert!(text.contains(made.token().expose_secret()));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MadeToken {
    done: Done,
    token: Token,
    permissions: Vec<String>,
    saved_to: Option<PathBuf>,
    chosen_from: Option<String>,
}

impl MadeToken {
    /// The token the step `done` made, with its secret.
    pub fn new(done: &Done, token: Token) -> MadeToken {
        MadeToken {
            permissions: done.permissions().iter().map(ToString::to_string).collect(),
            done: done.clone(),
            token,
            saved_to: None,
            chosen_from: None,
        }
    }

    /// The token the first step of a run made, with its secret; `None` when that step
    /// made none (the token was there already, or the run failed first).
    pub fn first<E: StoreError>(executed: Executed<E>) -> Option<MadeToken> {
        let done = executed.report.done.first()?;
        let (_, token) = executed.secrets.into_iter().next()?;
        Some(MadeToken::new(done, token))
    }

    /// The same, saved in the file at `path` (`Token saved to:`).
    #[must_use]
    pub fn saved_to(mut self, path: &Path) -> MadeToken {
        self.saved_to = Some(path.to_path_buf());
        self
    }

    /// The same, its secret chosen by the caller and read from `from` (a file, as the
    /// caller names it): the words name it and never show the secret.
    #[must_use]
    pub fn chosen_from(mut self, from: &str) -> MadeToken {
        self.chosen_from = Some(from.to_owned());
        self
    }

    /// The same, with these permissions (in their canonical text), where the step does
    /// not say them (a rotated token keeps its own).
    #[must_use]
    pub fn with_permissions(mut self, permissions: Vec<String>) -> MadeToken {
        self.permissions = permissions;
        self
    }

    /// The step that made it.
    pub fn done(&self) -> &Done {
        &self.done
    }

    /// Its secret.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The file it was saved in, if any.
    pub fn saved(&self) -> Option<&Path> {
        self.saved_to.as_deref()
    }

    /// Where its chosen secret was read from, if the caller chose it.
    pub fn chosen(&self) -> Option<&str> {
        self.chosen_from.as_deref()
    }

    /// The first line of its text, as upstream words it.
    fn title(&self) -> &'static str {
        match self.done.action {
            Action::Rotated => "Token rotated successfully!",
            Action::Replaced => "Token replaced successfully!",
            _ => "New token created successfully!",
        }
    }

    /// What `create token` prints of it, in upstream's words: `Token saved to:` first
    /// when it was saved in a file, then the token and the header that carries it (or,
    /// for a chosen secret, where the secret came from).
    pub fn words(&self) -> MadeWords<'_> {
        MadeWords {
            made: self,
            style: None,
        }
    }

    /// What `create token --format json` prints of it: upstream's `token` and
    /// `help_msg`, then `name`, `hash`, `permissions`, `expiry`, and what applies of
    /// `secret_file`, `id`, `created_at`, `output_file`, `rotated`, `replaced`.
    ///
    /// It holds the secret in clear, unless the caller chose it (then `apiv3_***`): a
    /// document to show once, not to keep.
    pub fn document(&self) -> MadeDocument<'_> {
        let chosen = self.chosen_from.as_deref();
        let secret = match chosen {
            Some(_) => "apiv3_***",
            None => self.token.expose_secret(),
        };
        let help_msg = match chosen {
            Some(_) => {
                "The token's secret is the one in secret_file, which is not shown.".to_owned()
            }
            None => format!(
                "Store this token securely, as it will not be shown again. HTTP requests require the following header: \"Authorization: Bearer {secret}\""
            ),
        };
        let (id, created_at) = match (self.done.id, &self.done.created_at) {
            (Some(id), Some(at)) => (Some(id), Some(at.as_str())),
            _ => (None, None),
        };
        MadeDocument {
            token: secret,
            help_msg,
            name: &self.done.name,
            hash: self.token.hash().to_string(),
            permissions: &self.permissions,
            expiry: self.done.expiry.map(|at| at.to_string()),
            secret_file: chosen,
            id,
            created_at,
            output_file: self.saved_to.as_ref().map(|p| p.display().to_string()),
            rotated: (self.done.action == Action::Rotated).then_some(true),
            replaced: (self.done.action == Action::Replaced).then_some(true),
        }
    }
}

/// How a terminal writes a part of [`MadeWords`] (given the part and its plain text).
pub type Style<'a> = &'a dyn Fn(Emphasis, &str) -> String;

/// A [`MadeToken`] in upstream's words, made by [`MadeToken::words`]; `Display` writes
/// it.
#[must_use]
pub struct MadeWords<'a> {
    made: &'a MadeToken,
    style: Option<Style<'a>>,
}

impl fmt::Debug for MadeWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MadeWords")
            .field("name", &self.made.done.name)
            .finish_non_exhaustive()
    }
}

impl<'a> MadeWords<'a> {
    /// The same, with the parts a terminal may style given to `style` (which returns
    /// them as they should be written).
    pub fn styled(mut self, style: Style<'a>) -> MadeWords<'a> {
        self.style = Some(style);
        self
    }

    fn emphasis(&self, what: Emphasis, text: &str) -> String {
        self.style
            .map_or_else(|| text.to_owned(), |style| style(what, text))
    }
}

impl fmt::Display for MadeWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.made;
        let title = self.emphasis(Emphasis::Success, m.title());
        let saved = m
            .saved_to
            .as_deref()
            .map(|p| escape(&p.to_string_lossy()).into_owned());
        if let Some(from) = &m.chosen_from {
            let did = if m.done.action == Action::Rotated {
                "now has"
            } else {
                "was written with"
            };
            return writeln!(
                f,
                "Token saved to: {}\n\n{title} Token {} {did} the secret from {} (not shown: you hold it).",
                saved.unwrap_or_default(),
                Quoted(&m.done.name),
                Quoted(from)
            );
        }
        if let Some(saved) = saved {
            writeln!(f, "Token saved to: {saved}")?;
        }
        let token = m.token.expose_secret();
        write!(
            f,
            "\n{title}\n\nToken: {token}\nHTTP Requests Header: Authorization: Bearer {token}\n\n{} Store this token securely, as it will not be shown again.\n\n",
            self.emphasis(Emphasis::Important, "IMPORTANT:")
        )
    }
}

/// A [`MadeToken`] as `create token --format json` prints it, made by
/// [`MadeToken::document`]: it holds a secret the run minted, in clear.
#[derive(Debug, Serialize)]
pub struct MadeDocument<'a> {
    token: &'a str,
    help_msg: String,
    name: &'a str,
    hash: String,
    permissions: &'a [String],
    expiry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rotated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaced: Option<bool>,
}
