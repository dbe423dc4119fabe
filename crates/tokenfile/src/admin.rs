//! An admin token file as a [`TokenStore`]: the one admin token that `influxdb3 serve
//! --admin-token-file` loads, replaced under the file's lock and written once, durably,
//! when the run finishes.

use std::fmt;
use std::path::Path;

use influxdb3_permission::{DatabaseName, Grants, Permission};
use influxdb3_provision::{Capabilities, Existing, Minted, NewAdmin, NewToken, TokenStore};
use influxdb3_token::{OPERATOR_TOKEN, Timestamp, Token, TokenName};

use crate::disk::{Sink, Written, invalid, locked_write};
use crate::error::TokenFileError;
use crate::model::AdminTokenFile;
use crate::store::{FileStoreError, expiry_at};
use crate::write::WriteOptions;

/// An admin token file opened for changes by [`AdminFileStore::open`]: it holds one
/// admin token, which [`create_admin`](TokenStore::create_admin) with `replace` puts in
/// the place of the one there, whatever its name. (A plan that makes again the token
/// the file holds, with its chosen secret, leaves the file as it is: the executor sees
/// that it is there.)
///
/// ```
/// use influxdb3_provision::{ExecuteOptions, IfExists, NewAdmin, Plan, Policy, execute};
/// use influxdb3_token::{Expiry, Timestamp, TokenName};
/// use influxdb3_tokenfile::{AdminFileStore, WriteOptions};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("admin.json");
/// let token = NewAdmin::new(TokenName::admin(), Expiry::Never, Timestamp::now());
/// let plan = Plan::create_admin(token, IfExists::Replace, &Policy::default())?;
/// let (executed, written) = AdminFileStore::open(&path, &WriteOptions::default(), |store| {
///     execute(&plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
/// })?;
/// assert!(executed.report.failed.is_none());
/// assert_eq!(executed.secrets.len(), 1);
/// assert!(written.created);
/// # Ok(())
/// # }
/// ```
pub struct AdminFileStore<'f, 's> {
    path: &'f Path,
    /// The token the file holds, and the one this run puts in its place.
    current: Option<AdminTokenFile<'f>>,
    pending: Option<AdminTokenFile<'static>>,
    sink: &'f mut Sink<'s>,
}

impl fmt::Debug for AdminFileStore<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminFileStore")
            .field("path", &self.path)
            .field("holds", &self.current.is_some())
            .field("replaced", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}

impl AdminFileStore<'_, '_> {
    /// Opens the admin token file at `path` (none yet when it is missing or empty)
    /// under its lock, runs `run` on it as a store, and gives back what `run` returns.
    /// A file there that is not an admin token file (a permission tokens file given by
    /// mistake) is refused before `run`, and left alone.
    ///
    /// # Errors
    ///
    /// [`TokenFileError`] when the file cannot be locked, read or loaded; the errors of
    /// the store's own operations go to `run`.
    pub fn open<T>(
        path: impl AsRef<Path>,
        options: &WriteOptions<'_>,
        run: impl FnOnce(&mut AdminFileStore<'_, '_>) -> T,
    ) -> Result<(T, Written), TokenFileError> {
        let (value, mut written) = locked_write(path.as_ref(), options, |target, text, sink| {
            let current = text
                .map(|t| AdminTokenFile::parse(t).map_err(|error| invalid(target, error)))
                .transpose()?;
            let mut store = AdminFileStore {
                path: target,
                current,
                pending: None,
                sink,
            };
            let value = run(&mut store);
            // What the file holds once the run is over: a run that did not finish wrote
            // nothing.
            Ok((value, usize::from(store.current.is_some())))
        })?;
        let (value, tokens) = value;
        written.tokens = tokens;
        Ok((value, written))
    }

    fn unsupported(&self, what: &'static str) -> FileStoreError {
        FileStoreError::Unsupported {
            path: self.path.to_path_buf(),
            what,
        }
    }

    /// Puts `file` in the place of the one there, and writes it.
    pub(crate) fn put(&mut self, file: AdminTokenFile<'static>) -> Result<(), TokenFileError> {
        self.pending = Some(file);
        self.write_pending()
    }

    /// Writes the token this run put in the file's place, if any (the store's one
    /// durable write).
    fn write_pending(&mut self) -> Result<(), TokenFileError> {
        if let Some(file) = self.pending.take() {
            self.sink
                .write(|out| out.write_all(file.to_json().as_bytes()))?;
            self.current = Some(file);
        }
        Ok(())
    }

    /// The admin token the file holds, as this run leaves it (its secret too: a dry
    /// run's caller shows it masked).
    pub fn token(&self) -> Option<&AdminTokenFile<'_>> {
        self.pending.as_ref().or(self.current.as_ref())
    }
}

impl AdminTokenFile<'_> {
    /// Writes this admin token to `path`, replacing the admin token file there, with the
    /// same lock and durable write as [`TokenFile::update`](crate::TokenFile::update). A file at `path` that is not
    /// an admin token file (a permission tokens file given by mistake, say) is left
    /// alone. (A plan on an [`AdminFileStore`] also leaves a file that holds the token
    /// asked for already as it is.)
    ///
    /// # Errors
    ///
    /// As [`TokenFileError`]; the file is then unchanged.
    pub fn write(
        &self,
        path: impl AsRef<Path>,
        options: &WriteOptions<'_>,
    ) -> Result<Written, TokenFileError> {
        let file = self.clone().into_owned();
        let (put, written) = AdminFileStore::open(path, options, |store| store.put(file))?;
        put.map(|()| written)
    }
}

impl TokenStore for AdminFileStore<'_, '_> {
    type Error = FileStoreError;

    fn is_dry_run(&self) -> bool {
        self.sink.dry_run
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::ADMIN_FILE
    }

    fn place(&self) -> String {
        self.path.display().to_string()
    }

    fn list(&mut self) -> Result<Vec<Existing>, FileStoreError> {
        Ok(self
            .token()
            .map(|t| {
                Existing::new(t.name(), [Permission::Admin].iter().collect(), t.expiry())
                    .with_hash(t.token().hash())
            })
            .into_iter()
            .collect())
    }

    fn create_admin(&mut self, token: &NewAdmin, replace: bool) -> Result<Minted, FileStoreError> {
        if let (Some(held), false) = (self.token(), replace) {
            return Err(FileStoreError::NameTaken {
                path: self.path.to_path_buf(),
                name: held.name().to_owned(),
            });
        }
        let replacing = self.token().is_some();
        let secret = match &token.secret {
            Some(secret) => secret.clone(),
            None => Token::generate().map_err(FileStoreError::Random)?,
        };
        let expiry = expiry_at(token.expiry, token.now);
        self.pending = Some(AdminTokenFile::new(
            secret.clone(),
            token.name.clone(),
            expiry,
        ));
        let minted = Minted::new(secret, expiry);
        Ok(if replacing {
            minted.replacing()
        } else {
            minted
        })
    }

    /// A new secret for the token of the file when it is the operator token `_admin`
    /// (its expiry kept); [`FileStoreError::NotFound`] for any other.
    fn regenerate(&mut self) -> Result<Minted, FileStoreError> {
        let Some(held) = self.token().filter(|t| t.name() == OPERATOR_TOKEN) else {
            return Err(FileStoreError::NotFound {
                path: self.path.to_path_buf(),
                name: OPERATOR_TOKEN.to_owned(),
            });
        };
        let expiry = held.expiry();
        let secret = Token::generate().map_err(FileStoreError::Random)?;
        self.pending = Some(AdminTokenFile::new(
            secret.clone(),
            TokenName::admin(),
            expiry,
        ));
        Ok(Minted::new(secret, expiry).replacing())
    }

    fn create(&mut self, _: &NewToken) -> Result<Minted, FileStoreError> {
        Err(self.unsupported("a permission token"))
    }

    fn replace(&mut self, _: &NewToken) -> Result<Minted, FileStoreError> {
        Err(self.unsupported("a permission token"))
    }

    fn update(&mut self, _: &str, _: &Grants, _: Option<Timestamp>) -> Result<(), FileStoreError> {
        Err(self.unsupported("a permission token"))
    }

    fn rotate(&mut self, _: &str, _: Option<&Token>) -> Result<Minted, FileStoreError> {
        Err(self.unsupported("a permission token"))
    }

    fn delete(&mut self, _: &str) -> Result<(), FileStoreError> {
        Err(self.unsupported("fewer than one admin token"))
    }

    fn add_databases(&mut self, databases: &[DatabaseName]) -> Result<(), FileStoreError> {
        if databases.is_empty() {
            Ok(())
        } else {
            Err(self.unsupported("databases to create"))
        }
    }

    fn finish(&mut self) -> Result<(), FileStoreError> {
        self.write_pending().map_err(FileStoreError::File)
    }
}
