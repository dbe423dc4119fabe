//! A permission tokens file as a [`TokenStore`]: every change made in memory under the
//! file's lock, the file written once, durably, when the run finishes.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use influxdb3_permission::{DatabaseName, Grants};
use influxdb3_provision::{
    Capabilities, Existing, Failure, Minted, NewAdmin, NewToken, StoreError, TokenStore,
};
use influxdb3_token::{Expiry, Quoted, Timestamp, Token, TokenError, TokenName};

use crate::disk::{Sink, Written, locked_write};
use crate::error::{AddError, TokenFileError};
use crate::finding::Finding;
use crate::model::{TokenEntry, TokenFile};
use crate::write::WriteOptions;

/// Why a change to a tokens file store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileStoreError {
    /// The file: it cannot be read, locked, loaded or written.
    #[error(transparent)]
    File(#[from] TokenFileError),
    /// A token of the name is in the file already.
    #[error(
        "a token named {} is already in {}: token names are unique in a file",
        Quoted(name),
        Quoted::path(path)
    )]
    NameTaken {
        /// The file.
        path: PathBuf,
        /// The name.
        name: String,
    },
    /// No token of the name in the file.
    #[error("there is no token named {} in {}", Quoted(name), Quoted::path(path))]
    NotFound {
        /// The file.
        path: PathBuf,
        /// The name.
        name: String,
    },
    /// The entry cannot be added (the reserved name, a secret already there).
    #[error("cannot add token {} to {}", Quoted(name), Quoted::path(path))]
    Add {
        /// The file.
        path: PathBuf,
        /// The token's name.
        name: String,
        /// Why.
        #[source]
        source: AddError,
    },
    /// A token whose name today's rules refuse cannot be given new permissions (remove
    /// it and create it anew).
    #[error(
        "token {} of {} cannot be changed: its name is not valid",
        Quoted(name),
        Quoted::path(path)
    )]
    Name {
        /// The file.
        path: PathBuf,
        /// The name.
        name: String,
        /// Why.
        #[source]
        source: influxdb3_token::TokenNameError,
    },
    /// No secret could be made (the system's random source failed).
    #[error("cannot make a new token")]
    Random(#[source] TokenError),
    /// This kind of file cannot hold what was asked (an admin token in a permission
    /// tokens file, a permission token in an admin token file).
    #[error("{} cannot hold {what}", Quoted::path(path))]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What it cannot hold.
        what: &'static str,
    },
}

impl StoreError for FileStoreError {
    fn failure(&self) -> Failure {
        match self {
            FileStoreError::NameTaken { .. } => Failure::NameTaken,
            FileStoreError::NotFound { .. } => Failure::NotFound,
            FileStoreError::Unsupported { .. } => Failure::Unsupported,
            _ => Failure::Other,
        }
    }
}

/// A permission tokens file opened for changes by [`FileStore::open`]: a
/// [`TokenStore`] whose changes are made in memory, under the file's lock, and written
/// in one durable write when the executor [finishes](TokenStore::finish) it.
///
/// ```
/// use influxdb3_permission::Grants;
/// use influxdb3_provision::{ExecuteOptions, IfExists, NewToken, Plan, Policy, execute};
/// use influxdb3_token::{Expiry, Timestamp};
/// use influxdb3_tokenfile::{FileStore, WriteOptions};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("tokens.json");
/// let grants = Grants::try_from(vec!["db:sensors:write".parse()?])?;
/// let token = NewToken::new("ingest".parse()?, grants, Expiry::Never, Timestamp::now());
/// let plan = Plan::create(token, IfExists::Fail, &Policy::default())?;
/// let (executed, written) = FileStore::open(&path, &WriteOptions::default(), |store| {
///     execute(&plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
/// })?;
/// assert!(executed.report.failed.is_none());
/// assert_eq!(executed.secrets.len(), 1);
/// assert!(written.changed);
/// # Ok(())
/// # }
/// ```
pub struct FileStore<'f, 's> {
    path: &'f Path,
    file: TokenFile<'f>,
    sink: &'f mut Sink<'s>,
    /// New entries, added to the file in one pass when the run finishes.
    pending: Vec<TokenEntry<'static>>,
    /// Where each new entry is in `pending`, by name.
    pending_names: HashMap<String, usize>,
    /// Where each token of the file is, by name: made when a run looks up more than a
    /// few (a single create or remove looks the name up in the file, as an append
    /// always did). Positions stay valid during a run: changes that move tokens
    /// (updates, deletions) are made when it finishes.
    positions: Option<HashMap<String, usize>>,
    lookups: usize,
    /// Entries in place of the file's tokens of their names (`update`), by name (the
    /// last update of a name counts), and the names to remove (`delete`): made when the
    /// run finishes, each in one pass. Whatever else the run does to such a token
    /// (rotate, replace, delete) looks here first, so that the end does not undo it.
    updates: HashMap<String, TokenEntry<'static>>,
    deleted: HashSet<String>,
    /// The first entry made for each of the first few distinct grants (a manifest of
    /// thousands of tokens repeats a few grants: their texts are shared).
    alike: Vec<(Grants, usize)>,
    /// Fresh secrets, made a batch at a time.
    fresh: Vec<Token>,
    databases: Vec<DatabaseName>,
    /// The names of the tokens made or changed.
    changed: HashSet<String>,
    /// Whether anything was changed.
    dirty: bool,
}

impl fmt::Debug for FileStore<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileStore")
            .field("path", &self.path)
            .field("tokens", &(self.file.tokens().len() + self.pending.len()))
            .field("dirty", &self.dirty)
            .finish_non_exhaustive()
    }
}

impl FileStore<'_, '_> {
    /// Opens the permission tokens file at `path` (created if missing or empty) under
    /// its lock, runs `run` on it as a store, and gives back what `run` returns. The
    /// file is written when `run` [finishes](TokenStore::finish) the store (in a dry
    /// run, [`Written::changed`] says whether it would have been); otherwise it is left
    /// as it was.
    ///
    /// # Errors
    ///
    /// [`TokenFileError`] when the file cannot be locked, read or loaded; the errors of
    /// the store's own operations go to `run`.
    pub fn open<T>(
        path: impl AsRef<Path>,
        options: &WriteOptions<'_>,
        run: impl FnOnce(&mut FileStore<'_, '_>) -> T,
    ) -> Result<(T, Written), TokenFileError> {
        let (value, mut written) = locked_write(path.as_ref(), options, |target, text, sink| {
            let file = match text {
                Some(text) => TokenFile::parse(text).map_err(|error| TokenFileError::Invalid {
                    path: target.to_path_buf(),
                    error,
                })?,
                None => TokenFile::new(),
            };
            let mut store = FileStore {
                path: target,
                file,
                sink,
                pending: Vec::new(),
                pending_names: HashMap::new(),
                positions: None,
                lookups: 0,
                updates: HashMap::new(),
                deleted: HashSet::new(),
                alike: Vec::new(),
                fresh: Vec::new(),
                databases: Vec::new(),
                changed: HashSet::new(),
                dirty: false,
            };
            let value = run(&mut store);
            Ok((value, store.file.tokens().len() + store.pending.len()))
        })?;
        let (value, tokens) = value;
        written.tokens = tokens;
        Ok((value, written))
    }

    /// What deserves a warning, once the run has finished: about the tokens it made
    /// or changed (databases the file does not create, `db:*`), and about every token
    /// expired at `now`.
    ///
    /// In a dry run too: the new tokens not yet in the file count.
    pub fn findings(&self, now: Timestamp) -> Vec<Finding> {
        let creates: HashSet<&DatabaseName> = self
            .file
            .create_databases()
            .unwrap_or_default()
            .iter()
            .chain(&self.databases)
            .collect();
        let mut findings = Vec::new();
        let all = || self.file.tokens().iter().chain(&self.pending);
        for entry in all().filter(|e| self.changed.contains(e.name())) {
            entry.database_findings(|db| creates.contains(db), &mut findings);
        }
        for entry in all() {
            if let Some(at) = entry.expiry().filter(|_| entry.is_expired(now)) {
                findings.push(Finding::Expired {
                    token: entry.name().to_owned(),
                    at,
                });
            }
        }
        findings
    }

    /// The databases the file creates, with those this run adds.
    pub fn create_databases(&self) -> Vec<DatabaseName> {
        let mut all: Vec<DatabaseName> = self.file.create_databases().unwrap_or_default().to_vec();
        for db in &self.databases {
            if !all.contains(db) {
                all.push(db.clone());
            }
        }
        all
    }

    /// The entry named `name` as the run has made it so far (in a dry run, the entry
    /// that would be written).
    pub fn entry(&self, name: &str) -> Option<&TokenEntry<'_>> {
        self.pending
            .iter()
            .find(|e| e.name() == name)
            .or_else(|| self.file.get(name))
    }

    fn secret(&mut self, chosen: Option<&Token>) -> Result<Token, FileStoreError> {
        if let Some(token) = chosen {
            return Ok(token.clone());
        }
        if self.fresh.is_empty() {
            let batch = (self.pending.len() + 1).clamp(1, 256);
            self.fresh = Token::generate_many(batch).map_err(FileStoreError::Random)?;
        }
        self.fresh
            .pop()
            .map_or_else(|| Token::generate().map_err(FileStoreError::Random), Ok)
    }

    /// Where the file's token of this name is (not one removed by this run).
    fn position(&mut self, name: &str) -> Option<usize> {
        /// How many look-ups a run makes before names are looked up in a map.
        const INDEX_AFTER: usize = 16;
        self.lookups += 1;
        if self.positions.is_none() && self.lookups > INDEX_AFTER {
            self.positions = Some(
                self.file
                    .tokens()
                    .iter()
                    .enumerate()
                    .map(|(i, t)| (t.name().to_owned(), i))
                    .collect(),
            );
        }
        if self.deleted.contains(name) {
            return None;
        }
        match &self.positions {
            Some(positions) => positions.get(name).copied(),
            None => self.file.tokens().iter().position(|t| t.name() == name),
        }
    }

    /// Where the new token of this name is, among those of this run.
    fn pending_at(&self, name: &str) -> Option<usize> {
        self.pending_names.get(name).copied()
    }

    /// Whether a token of this name is in the file or among the new ones.
    fn has(&mut self, name: &str) -> bool {
        self.pending_at(name).is_some() || self.position(name).is_some()
    }

    fn add_error(&self, name: &str, source: AddError) -> FileStoreError {
        match source {
            AddError::NameTaken { name } => FileStoreError::NameTaken {
                path: self.path.to_path_buf(),
                name,
            },
            // At the end of a run the token that did not fit is not known by name.
            error if name.is_empty() => FileStoreError::File(TokenFileError::Conflict {
                path: self.path.to_path_buf(),
                error,
            }),
            source => FileStoreError::Add {
                path: self.path.to_path_buf(),
                name: name.to_owned(),
                source,
            },
        }
    }

    fn not_found(&self, name: &str) -> FileStoreError {
        FileStoreError::NotFound {
            path: self.path.to_path_buf(),
            name: name.to_owned(),
        }
    }

    /// A new entry, sharing its permission texts with an earlier one alike.
    fn new_entry(
        &mut self,
        token: Token,
        name: TokenName,
        expiry: Option<Timestamp>,
        grants: &Grants,
    ) -> Result<TokenEntry<'static>, AddError> {
        if let Some(like) = self
            .alike
            .iter()
            .find(|(g, _)| g == grants)
            .and_then(|(_, i)| self.pending.get(*i))
        {
            return like.alike(token, name, expiry);
        }
        if self.alike.len() < 8 {
            self.alike.push((grants.clone(), self.pending.len()));
        }
        TokenEntry::new(token, name, expiry, grants)
    }

    /// A permission tokens file holds no admin token.
    fn no_admin(&self) -> FileStoreError {
        FileStoreError::Unsupported {
            path: self.path.to_path_buf(),
            what: "an admin token",
        }
    }

    fn expiry(token: &NewToken) -> Option<Timestamp> {
        expiry_at(token.expiry, token.now)
    }
}

/// The instant a new token made at `now` with `expiry` expires, as a file holds it:
/// the plan's (which checked it against its `now`); an instant given is kept as it is
/// (a token copied from another file may have expired).
pub(crate) fn expiry_at(expiry: Expiry, now: Timestamp) -> Option<Timestamp> {
    match expiry {
        Expiry::At(at) => Some(at),
        other => other.ends(now).ok().flatten(),
    }
}

impl TokenStore for FileStore<'_, '_> {
    type Error = FileStoreError;

    fn is_dry_run(&self) -> bool {
        self.sink.dry_run
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::FILE
    }

    fn place(&self) -> String {
        self.path.display().to_string()
    }

    fn list(&mut self) -> Result<Vec<Existing>, FileStoreError> {
        Ok(self
            .file
            .tokens()
            .iter()
            .chain(&self.pending)
            .map(|t| Existing::new(t.name(), t.grants(), t.expiry()).with_hash(t.token().hash()))
            .collect())
    }

    fn create(&mut self, token: &NewToken) -> Result<Minted, FileStoreError> {
        let name = token.name.as_str();
        if self.has(name) {
            return Err(FileStoreError::NameTaken {
                path: self.path.to_path_buf(),
                name: name.to_owned(),
            });
        }
        // A secret made here is new; a chosen one already in the file is refused when
        // the file is written (`add_many` checks every value), before anything is.
        let secret = self.secret(token.secret.as_ref())?;
        let expiry = Self::expiry(token);
        let entry = self
            .new_entry(secret.clone(), token.name.clone(), expiry, &token.grants)
            .map_err(|e| self.add_error(name, e))?;
        self.changed.insert(name.to_owned());
        self.dirty = true;
        self.pending_names
            .insert(name.to_owned(), self.pending.len());
        self.pending.push(entry);
        Ok(Minted::new(secret, expiry))
    }

    fn replace(&mut self, token: &NewToken) -> Result<Minted, FileStoreError> {
        let name = token.name.as_str();
        if !self.has(name) {
            return self.create(token);
        }
        let secret = self.secret(token.secret.as_ref())?;
        let expiry = Self::expiry(token);
        let entry = TokenEntry::new(secret.clone(), token.name.clone(), expiry, &token.grants)
            .map_err(|e| self.add_error(name, e))?;
        if let Some(at) = self.pending_at(name) {
            self.pending[at] = entry;
        } else {
            self.file
                .replace(entry, &[])
                .map_err(|e| self.add_error(name, e))?;
            // An update of this run, written at the end, would undo the replacement.
            self.updates.remove(name);
        }
        self.changed.insert(name.to_owned());
        self.dirty = true;
        Ok(Minted::new(secret, expiry).replacing())
    }

    fn update(
        &mut self,
        name: &str,
        grants: &Grants,
        expiry: Option<Timestamp>,
    ) -> Result<(), FileStoreError> {
        let token_name = TokenName::new(name).map_err(|source| FileStoreError::Name {
            path: self.path.to_path_buf(),
            name: name.to_owned(),
            source,
        })?;
        let (secret, new) = if let Some(at) = self.pending_at(name) {
            (self.pending[at].token().clone(), Some(at))
        } else if let Some(at) = self.position(name) {
            (self.file.tokens()[at].token().clone(), None)
        } else {
            return Err(self.not_found(name));
        };
        let entry = TokenEntry::new(secret, token_name, expiry, grants)
            .map_err(|e| self.add_error(name, e))?;
        match new {
            Some(at) => self.pending[at] = entry,
            None => {
                self.updates.insert(name.to_owned(), entry);
            }
        }
        self.changed.insert(name.to_owned());
        self.dirty = true;
        Ok(())
    }

    fn rotate(&mut self, name: &str, secret: Option<&Token>) -> Result<Minted, FileStoreError> {
        let Some(expiry) = self
            .position(name)
            .map(|at| self.file.tokens()[at].expiry())
        else {
            return Err(self.not_found(name));
        };
        let secret = self.secret(secret)?;
        self.file
            .rotate(name, secret.clone())
            .map_err(|e| self.add_error(name, e))?;
        // An update of this run, written at the end, carries the new secret too (a
        // manifest's token with new grants and a new `secret_file` is both).
        if let Some(update) = self.updates.get(name) {
            let token_name = TokenName::new(name).map_err(|source| FileStoreError::Name {
                path: self.path.to_path_buf(),
                name: name.to_owned(),
                source,
            })?;
            let entry = update
                .alike(secret.clone(), token_name, update.expiry())
                .map_err(|e| self.add_error(name, e))?;
            self.updates.insert(name.to_owned(), entry);
        }
        self.dirty = true;
        Ok(Minted::new(secret, expiry))
    }

    fn create_admin(&mut self, _: &NewAdmin, _: bool) -> Result<Minted, FileStoreError> {
        Err(self.no_admin())
    }

    fn regenerate(&mut self) -> Result<Minted, FileStoreError> {
        Err(self.no_admin())
    }

    fn delete(&mut self, name: &str) -> Result<(), FileStoreError> {
        if let Some(at) = self.pending_at(name) {
            self.pending.remove(at);
            self.pending_names = self
                .pending
                .iter()
                .enumerate()
                .map(|(i, e)| (e.name().to_owned(), i))
                .collect();
        } else if self.position(name).is_some() {
            self.deleted.insert(name.to_owned());
            // An update of this run would bring it back at the end.
            self.updates.remove(name);
        } else {
            return Err(self.not_found(name));
        }
        self.changed.remove(name);
        self.dirty = true;
        Ok(())
    }

    fn add_databases(&mut self, databases: &[DatabaseName]) -> Result<(), FileStoreError> {
        self.databases.extend_from_slice(databases);
        Ok(())
    }

    fn finish(&mut self) -> Result<(), FileStoreError> {
        if !self.deleted.is_empty() {
            let deleted: HashSet<&str> = self.deleted.iter().map(String::as_str).collect();
            drop(self.file.remove_many(&deleted));
        }
        // Each update replaces its token where it stands: their order does not matter.
        let updates: Vec<TokenEntry<'static>> =
            std::mem::take(&mut self.updates).into_values().collect();
        if !updates.is_empty() {
            self.file
                .replace_many(updates)
                .map_err(|e| self.add_error("", e))?;
        }
        let pending = std::mem::take(&mut self.pending);
        self.pending_names.clear();
        let databases = std::mem::take(&mut self.databases);
        let before = self.file.create_databases().map_or(0, <[_]>::len);
        // A few new tokens are added one by one (a linear look at the file each, as an
        // append always did); many, in one pass with sets.
        let added = if pending.len() <= 16 {
            self.file.add_databases(&databases);
            pending
                .into_iter()
                .try_for_each(|entry| self.file.add(entry, &[]))
        } else {
            self.file.add_many(pending, &databases)
        };
        added.map_err(|e| self.add_error("", e))?;
        let after = self.file.create_databases().map_or(0, <[_]>::len);
        if self.dirty || after != before {
            let file = &self.file;
            self.sink.write(|out| file.write_json(out))?;
        }
        Ok(())
    }
}
