//! A token one run made, with its secret, in the words of `influxdb3 create token`:
//! upstream's text and JSON, and where the token was saved.

use std::fmt;
use std::path::{Path, PathBuf};

use influxdb3_text::escape;
use influxdb3_token::{Quoted, Token, command_line};
use serde::Serialize;

use crate::execute::{Action, Done, Executed};
use crate::store::StoreError;
use crate::words::{AppliedTo, IMPORTANT, store_securely, unheld_secret};

/// Why a run of one token left a token of its name as it was: what `influxdb3 create
/// token` notes instead of a new token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kept {
    /// The caller asked to keep a token that exists (`--if-not-exists`).
    IfNotExists,
    /// Made again with the chosen secret it holds: a permission token keeps its expiry
    /// (`--replace` renews it).
    SameSecret,
    /// An admin token file that holds this token, its chosen secret and expiry.
    SameToken,
}

impl Kept {
    /// The note, for the token `name` that was already in `place` (said ``in `FILE` ``
    /// or `on the server`).
    pub fn note(self, name: &str, place: AppliedTo<'_>) -> String {
        let name = Quoted(name);
        let place = match place {
            AppliedTo::File(path) => format!("in {}", Quoted::path(path)),
            AppliedTo::Server => "on the server".to_owned(),
        };
        match self {
            Kept::IfNotExists => format!(
                "token {name} already exists {place}; nothing was changed (--if-not-exists)"
            ),
            Kept::SameSecret => format!(
                "token {name} is already {place} as given, with this secret: nothing was changed (its expiry is kept; --replace renews it)"
            ),
            Kept::SameToken => format!(
                "token {name} is already {place} as given, with this secret and expiry: nothing was changed"
            ),
        }
    }
}

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
/// JSON ([`MadeToken::document`]). A secret the caller chose (a step's chosen secret,
/// which [`MadeToken::first`] knows from the run) is never in either.
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
    /// The caller chose the secret (it holds it): never shown.
    chosen: bool,
    /// Where the chosen secret was read from, as the caller names it.
    chosen_from: Option<String>,
}

impl MadeToken {
    /// The token the step `done` made, with its secret, which the store minted.
    pub fn new(done: &Done, token: Token) -> MadeToken {
        MadeToken {
            permissions: done.permissions().iter().map(ToString::to_string).collect(),
            done: done.clone(),
            token,
            saved_to: None,
            chosen: false,
            chosen_from: None,
        }
    }

    /// The token the first step of a run made, with its secret (told chosen when the
    /// step chose it); `None` when that step made none (the token was there already,
    /// or the run failed first).
    pub fn first<E: StoreError>(executed: Executed<E>) -> Option<MadeToken> {
        let done = executed.report.done.first()?;
        let chosen = executed.chosen.contains(&done.name);
        let (_, token) = executed
            .secrets
            .into_iter()
            .find(|(name, _)| *name == done.name)?;
        let mut made = MadeToken::new(done, token);
        made.chosen = chosen;
        Some(made)
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
        self.chosen = true;
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

    /// Whether the caller chose its secret (which is then never shown).
    pub fn is_chosen(&self) -> bool {
        self.chosen
    }

    /// What to say when its secret could not be shown (writing it out failed): what
    /// became of the token, and, as a hint, how to get a secret that somebody has. The
    /// secret is in neither.
    ///
    /// ```
    /// use std::path::Path;
    /// use influxdb3_provision::{Action, Done, MadeToken};
    /// use influxdb3_token::Token;
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let made = MadeToken::new(&Done::new(Action::Created, "ingest"), Token::generate()?);
    /// let (message, hint) = made.unshown();
    /// assert_eq!(message, "token `ingest` was created on the server, but it could not be shown (stdout failed)");
    /// assert!(hint.contains("delete token --token-name ingest"));
    /// let (message, _) = made.saved_to(Path::new("tokens.json")).unshown();
    /// assert!(message.starts_with("token `ingest` was saved to `tokens.json`"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn unshown(&self) -> (String, String) {
        let name = Quoted(&self.done.name);
        let Some(path) = &self.saved_to else {
            return (
                format!(
                    "token {name} was created on the server, but it could not be shown (stdout failed)"
                ),
                unheld_secret(&self.done.name),
            );
        };
        let file = Quoted::path(path);
        if self.done.action == Action::Rotated {
            let rotate = command_line(
                "influxdb3 tokens rotate {} --name {}",
                &[
                    ("FILE", path.as_os_str()),
                    ("NAME", self.done.name.as_ref()),
                ],
            );
            return (
                format!(
                    "token {name} was given a new secret in {file}, but it could not be shown (stdout failed)"
                ),
                format!("nobody has seen the new secret: run {rotate} again"),
            );
        }
        (
            format!("token {name} was saved to {file}, but it could not be shown (stdout failed)"),
            format!(
                "nobody has seen its secret: remove the entry named {name} from the file, and create it again"
            ),
        )
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
        let secret = if self.chosen {
            "apiv3_***"
        } else {
            self.token.expose_secret()
        };
        let help_msg = match (self.chosen, &self.chosen_from) {
            (true, Some(_)) => {
                "The token's secret is the one in secret_file, which is not shown.".to_owned()
            }
            (true, None) => {
                "The token's secret is the one you chose, which is not shown.".to_owned()
            }
            (false, _) => format!(
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
            secret_file: self.chosen_from.as_deref(),
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
        emphasized(self.style, what, text)
    }
}

/// `text`, the part `what` of some words, as `style` writes it (as it is without one).
pub(crate) fn emphasized(style: Option<Style<'_>>, what: Emphasis, text: &str) -> String {
    style.map_or_else(|| text.to_owned(), |style| style(what, text))
}

impl fmt::Display for MadeWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.made;
        let title = self.emphasis(Emphasis::Success, m.title());
        if let Some(saved) = &m.saved_to {
            writeln!(f, "Token saved to: {}", escape(&saved.to_string_lossy()))?;
        }
        if m.chosen {
            let did = if m.done.action == Action::Rotated {
                "now has"
            } else {
                "was written with"
            };
            let from = m.chosen_from.as_deref().map_or_else(
                || "you chose".to_owned(),
                |from| format!("from {}", Quoted(from)),
            );
            return writeln!(
                f,
                "\n{title} Token {} {did} the secret {from} (not shown: you hold it).",
                Quoted(&m.done.name),
            );
        }
        // A secret a server minted is shown as it is, its hidden characters escaped.
        let token = escape(m.token.expose_secret());
        write!(
            f,
            "\n{title}\n\nToken: {token}\nHTTP Requests Header: Authorization: Bearer {token}\n\n{} {}\n\n",
            self.emphasis(Emphasis::Important, IMPORTANT),
            store_securely("this token", "it"),
        )
    }
}

/// A [`MadeToken`] as `create token --format json` prints it, made by
/// [`MadeToken::document`]: it holds a secret the run minted, in clear (its `Debug`
/// does not show it).
#[derive(Serialize)]
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

impl fmt::Debug for MadeDocument<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MadeDocument")
            .field("name", &self.name)
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}
