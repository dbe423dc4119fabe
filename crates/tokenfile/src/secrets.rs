//! A new file of secrets, written a secret at a time (`tokens apply --secrets-out`): a
//! JSON map of name to token, mode 0600 from the start, each secret durable as soon as
//! it is written.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use influxdb3_token::Token;

use crate::error::TokenFileError;
use crate::write::{PRIVATE, SAFE_FLAGS, check_directory, sync_directory};

/// A file of secrets being written: `{"name": "apiv3_…", …}`. Created new (whatever is
/// at the path already is refused and left alone) when the first secret comes; each
/// secret is fsynced as it is added, so that a run that fails half-way keeps the
/// secrets of the tokens it made. Until [`finish`](Self::finish) closes the map, the
/// file is not yet valid JSON (a run that died half-way leaves `{` and the entries
/// written, each on a line of its own: the secrets are all there to read).
#[derive(Debug)]
pub struct SecretsFile {
    path: PathBuf,
    file: Option<File>,
    count: usize,
}

impl SecretsFile {
    /// Checks that a file of secrets can be created at `path` (its directory exists,
    /// nothing is there), and creates nothing yet.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Exists`] or [`TokenFileError::NoDirectory`].
    pub fn new(path: impl AsRef<Path>) -> Result<SecretsFile, TokenFileError> {
        let path = path.as_ref();
        check_directory(path)?;
        if fs::symlink_metadata(path).is_ok() {
            return Err(TokenFileError::Exists {
                path: path.to_path_buf(),
            });
        }
        Ok(SecretsFile {
            path: path.to_path_buf(),
            file: None,
            count: 0,
        })
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it holds none (and was not created).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds the secret of the token `name`, durably (the file is created with the
    /// first).
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Exists`] when something appeared at the path, or
    /// [`TokenFileError::Write`].
    pub fn add(&mut self, name: &str, token: &Token) -> Result<(), TokenFileError> {
        let err = |source| TokenFileError::Write {
            path: self.path.clone(),
            source,
        };
        if self.file.is_none() {
            let file = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(PRIVATE)
                .custom_flags(SAFE_FLAGS)
                .open(&self.path)
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        TokenFileError::Exists {
                            path: self.path.clone(),
                        }
                    } else {
                        err(e)
                    }
                })?;
            sync_directory(&self.path)?;
            self.file = Some(file);
        }
        let entry = format!(
            "{}\n  {}: {}",
            if self.count == 0 { "{" } else { "," },
            serde_json::Value::from(name),
            serde_json::Value::from(token.expose_secret())
        );
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| err(std::io::ErrorKind::Other.into()))?;
        file.write_all(entry.as_bytes())
            .and_then(|()| file.sync_data())
            .map_err(err)?;
        self.count += 1;
        Ok(())
    }

    /// Closes the map (`}`) and makes it durable. A file that got no secret was never
    /// created.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Write`].
    pub fn finish(mut self) -> Result<(), TokenFileError> {
        let Some(mut file) = self.file.take() else {
            return Ok(());
        };
        file.write_all(b"\n}\n")
            .and_then(|()| file.sync_all())
            .map_err(|source| TokenFileError::Write {
                path: self.path.clone(),
                source,
            })
    }

    /// Removes the file: the tokens whose secrets it holds were not kept.
    pub fn discard(mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.path);
        }
    }
}
