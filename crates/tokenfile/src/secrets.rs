//! New secrets, written a secret at a time (`tokens apply --secrets-out`), in the form
//! their readers take: a JSON map, a file `sh` sources, a directory of one file per
//! token (Docker and Kubernetes secret mounts), or a Kubernetes `Secret`. Private from
//! the start (mode 0600, a directory 0700), each secret durable as soon as it is
//! written.

use std::collections::HashMap;
use std::fs::{self, DirBuilder, File};
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use influxdb3_provision::{Event, Report, StoreError};
use influxdb3_token::Token;

use crate::error::TokenFileError;
use crate::write::{check_directory, open_new, sync_directory};

/// The mode of a directory of secrets.
const PRIVATE_DIR: u32 = 0o700;
/// The prefix of the variable of each token in the [`SecretsFormat::Env`] form.
pub const ENV_PREFIX: &str = "INFLUXDB3_TOKEN_";
/// The longest name of a Kubernetes object (a DNS subdomain), in bytes.
const MAX_OBJECT_NAME: usize = 253;

/// The form of a file of secrets.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SecretsFormat {
    /// `{"name": "apiv3_…", …}`.
    #[default]
    Json,
    /// `INFLUXDB3_TOKEN_NAME='apiv3_…'`, one line per token, for `set -a; . FILE` (and
    /// Docker Compose's `env_file`): the variable is [`SecretsFormat::variable`] of the
    /// token's name.
    Env,
    /// A new directory (mode 0700) holding one file per token, named after it, holding
    /// exactly its value (mode 0600): the layout of `/run/secrets/NAME`.
    Dir,
    /// A `v1` `Secret` of type `Opaque` as JSON (`kubectl apply -f` reads it), named
    /// `name`, one `stringData` key per token.
    Kubernetes {
        /// `metadata.name`.
        name: String,
    },
}

/// Why tokens cannot be written in a [`SecretsFormat`]; the names are the tokens'.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretsFormatError {
    /// A name that is not a safe file name (`A-Z a-z 0-9 . _ -`, not starting with `.`).
    #[error(
        "token `{}` cannot name a file of a secrets directory: a file name there is made of `A-Z a-z 0-9 . _ -` and does not start with `.`",
        influxdb3_text::escape(name)
    )]
    FileName {
        /// The token's name.
        name: String,
    },
    /// A name that is not a key of a Kubernetes `Secret` (`[-._a-zA-Z0-9]+`).
    #[error(
        "token `{}` cannot be a key of a Kubernetes Secret: a key is made of `A-Z a-z 0-9 . _ -`",
        influxdb3_text::escape(name)
    )]
    Key {
        /// The token's name.
        name: String,
    },
    /// Two names that map to one variable of the `env` form.
    #[error(
        "tokens `{}` and `{}` would both be the variable `{variable}`",
        influxdb3_text::escape(first),
        influxdb3_text::escape(second)
    )]
    SameVariable {
        /// The first token's name.
        first: String,
        /// The second token's name.
        second: String,
        /// The variable.
        variable: String,
    },
    /// A `Secret`'s name that Kubernetes refuses (a DNS subdomain: lowercase letters,
    /// digits, `-` and `.`, starting and ending with a letter or digit, at most 253).
    #[error(
        "`{}` cannot name a Kubernetes Secret: a name is lowercase letters, digits, `-` and `.`, starts and ends with a letter or digit, and has at most 253 characters",
        influxdb3_text::escape(name)
    )]
    ObjectName {
        /// The name.
        name: String,
    },
}

impl SecretsFormat {
    /// The [`Kubernetes`](Self::Kubernetes) form, its `Secret` named `name`.
    ///
    /// # Errors
    ///
    /// [`SecretsFormatError::ObjectName`].
    pub fn kubernetes(name: &str) -> Result<SecretsFormat, SecretsFormatError> {
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        let bytes = name.as_bytes();
        let valid = !bytes.is_empty()
            && bytes.len() <= MAX_OBJECT_NAME
            && bytes.iter().all(|&b| alnum(b) || b == b'-' || b == b'.')
            && bytes.first().copied().is_some_and(alnum)
            && bytes.last().copied().is_some_and(alnum);
        if valid {
            Ok(SecretsFormat::Kubernetes {
                name: name.to_owned(),
            })
        } else {
            Err(SecretsFormatError::ObjectName {
                name: name.to_owned(),
            })
        }
    }

    /// The variable of the token `name` in the [`Env`](Self::Env) form:
    /// [`ENV_PREFIX`] and the name in capitals, each character other than `A-Z` and
    /// `0-9` written `_`.
    ///
    /// ```
    /// use influxdb3_tokenfile::SecretsFormat;
    ///
    /// assert_eq!(SecretsFormat::variable("grafana"), "INFLUXDB3_TOKEN_GRAFANA");
    /// assert_eq!(SecretsFormat::variable("ci-deploy.v2"), "INFLUXDB3_TOKEN_CI_DEPLOY_V2");
    /// ```
    pub fn variable(name: &str) -> String {
        let mut out = String::with_capacity(ENV_PREFIX.len() + name.len());
        out.push_str(ENV_PREFIX);
        out.extend(name.chars().map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        }));
        out
    }

    /// Checks, before any token is made, that every one of `names` can be written in
    /// this form: file names, `Secret` keys, no two names for one variable.
    ///
    /// # Errors
    ///
    /// [`SecretsFormatError`] for the first name that cannot.
    pub fn check<'a>(
        &self,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), SecretsFormatError> {
        let plain = |name: &str| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        };
        let mut variables: HashMap<String, &str> = HashMap::new();
        for name in names {
            match self {
                SecretsFormat::Dir if !plain(name) || name.starts_with('.') => {
                    return Err(SecretsFormatError::FileName {
                        name: name.to_owned(),
                    });
                }
                SecretsFormat::Kubernetes { .. } if !plain(name) => {
                    return Err(SecretsFormatError::Key {
                        name: name.to_owned(),
                    });
                }
                SecretsFormat::Env => {
                    let variable = SecretsFormat::variable(name);
                    if let Some(first) = variables.get(&variable).filter(|f| **f != name) {
                        return Err(SecretsFormatError::SameVariable {
                            first: (*first).to_owned(),
                            second: name.to_owned(),
                            variable,
                        });
                    }
                    variables.insert(variable, name);
                }
                SecretsFormat::Json | SecretsFormat::Dir | SecretsFormat::Kubernetes { .. } => {}
            }
        }
        Ok(())
    }
}

/// Secrets being written at a path, in a [`SecretsFormat`]. Created new (whatever is at
/// the path already is refused and left alone) when the first secret comes; each
/// secret is fsynced as it is added, so that a run that fails half-way keeps the
/// secrets of the tokens it made. Until [`finish`](Self::finish) closes it, a JSON
/// document is not yet valid (a run that died half-way leaves its entries each on a
/// line of its own: the secrets are all there to read).
#[derive(Debug)]
pub struct SecretsFile {
    path: PathBuf,
    format: SecretsFormat,
    /// The file (not for a directory), once created.
    file: Option<File>,
    /// Whether the directory was created (a directory).
    created: bool,
    /// The files written in the directory.
    written: Vec<PathBuf>,
    count: usize,
}

impl SecretsFile {
    /// Checks that a JSON file of secrets can be created at `path` (its directory
    /// exists, nothing is there), and creates nothing yet.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Exists`] or [`TokenFileError::NoDirectory`].
    pub fn new(path: impl AsRef<Path>) -> Result<SecretsFile, TokenFileError> {
        SecretsFile::with_format(path, SecretsFormat::Json)
    }

    /// [`new`](Self::new), in `format`.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Exists`] or [`TokenFileError::NoDirectory`].
    pub fn with_format(
        path: impl AsRef<Path>,
        format: SecretsFormat,
    ) -> Result<SecretsFile, TokenFileError> {
        let path = path.as_ref();
        check_directory(path)?;
        if fs::symlink_metadata(path).is_ok() {
            return Err(TokenFileError::Exists {
                path: path.to_path_buf(),
            });
        }
        Ok(SecretsFile {
            path: path.to_path_buf(),
            format,
            file: None,
            created: false,
            written: Vec::new(),
            count: 0,
        })
    }

    /// Checks that `path` can be a file of secrets of a run that reads or writes the
    /// files `others` (its manifest, its tokens file): a file of secrets is a file of
    /// its own. Nothing is read or created.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::SameFile`] naming the first of `others` that `path` names
    /// ([`same_file`](crate::same_file)).
    pub fn check_apart(path: impl AsRef<Path>, others: &[&Path]) -> Result<(), TokenFileError> {
        let path = path.as_ref();
        match others.iter().find(|o| crate::same_file(path, o)) {
            Some(other) => Err(TokenFileError::SameFile {
                path: path.to_path_buf(),
                other: other.to_path_buf(),
            }),
            None => Ok(()),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The form it is written in.
    pub fn format(&self) -> &SecretsFormat {
        &self.format
    }

    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether it holds none (and was not created).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Adds the secret of the token `name`, durably (the file or directory is created
    /// with the first). The name must pass the format's
    /// [`check`](SecretsFormat::check).
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Exists`] when something appeared at the path, or
    /// [`TokenFileError::Write`].
    pub fn add(&mut self, name: &str, token: &Token) -> Result<(), TokenFileError> {
        let value = token.expose_secret();
        let entry = match &self.format {
            SecretsFormat::Dir => return self.add_file(name, value),
            SecretsFormat::Json => format!(
                "{}\n  {}: {}",
                if self.count == 0 { "{" } else { "," },
                serde_json::Value::from(name),
                serde_json::Value::from(value)
            ),
            SecretsFormat::Kubernetes { name: secret } => format!(
                "{}\n    {}: {}",
                if self.count == 0 {
                    format!(
                        "{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Secret\",\n  \"metadata\": {{\"name\": {}}},\n  \"type\": \"Opaque\",\n  \"stringData\": {{",
                        serde_json::Value::from(secret.as_str())
                    )
                } else {
                    ",".to_owned()
                },
                serde_json::Value::from(name),
                serde_json::Value::from(value)
            ),
            // The token alphabet holds no quote: a value between single quotes is read
            // as it is by every shell.
            SecretsFormat::Env => format!("{}='{value}'\n", SecretsFormat::variable(name)),
        };
        if self.file.is_none() {
            self.file = Some(SecretsFile::create(&self.path)?);
        }
        let err = |source| TokenFileError::Write {
            path: self.path.clone(),
            source,
        };
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

    /// A new private file at `path`, its directory fsynced.
    fn create(path: &Path) -> Result<File, TokenFileError> {
        let file = open_new(path)?;
        sync_directory(path)?;
        Ok(file)
    }

    /// The [`Dir`](SecretsFormat::Dir) form: the file `name` in the directory, holding
    /// exactly `value`.
    fn add_file(&mut self, name: &str, value: &str) -> Result<(), TokenFileError> {
        if !self.created {
            DirBuilder::new()
                .mode(PRIVATE_DIR)
                .create(&self.path)
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::AlreadyExists {
                        TokenFileError::Exists {
                            path: self.path.clone(),
                        }
                    } else {
                        TokenFileError::Write {
                            path: self.path.clone(),
                            source: e,
                        }
                    }
                })?;
            sync_directory(&self.path)?;
            self.created = true;
        }
        let path = self.path.join(name);
        let mut file = SecretsFile::create(&path)?;
        self.written.push(path.clone());
        file.write_all(value.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| TokenFileError::Write { path, source })?;
        self.count += 1;
        Ok(())
    }

    /// Closes the document (JSON, Kubernetes) and makes it durable. Nothing was created
    /// for no secret.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Write`].
    pub fn finish(mut self) -> Result<(), TokenFileError> {
        let Some(mut file) = self.file.take() else {
            return Ok(());
        };
        let end: &[u8] = match self.format {
            SecretsFormat::Json => b"\n}\n",
            SecretsFormat::Kubernetes { .. } => b"\n  }\n}\n",
            SecretsFormat::Env | SecretsFormat::Dir => b"",
        };
        file.write_all(end)
            .and_then(|()| file.sync_all())
            .map_err(|source| TokenFileError::Write {
                path: self.path.clone(),
                source,
            })
    }

    /// Removes what was written: the tokens whose secrets it holds were not kept.
    pub fn discard(mut self) {
        self.clear();
    }

    /// Keeps what the executor reports as it happens (an observer's work, see
    /// [`execute`](influxdb3_provision::execute)): the secret of each token made, as
    /// soon as it exists; and removes them all again when the executor discards its
    /// changes (an atomic store that was not written: the tokens do not exist, nor
    /// should their secrets).
    ///
    /// # Errors
    ///
    /// As [`add`](Self::add).
    pub fn observe(&mut self, event: &Event<'_>) -> Result<(), TokenFileError> {
        match event {
            Event::Done {
                done,
                secret: Some(token),
            } => self.add(&done.name, token),
            Event::Discarded => {
                self.clear();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// [`finish`](Self::finish)es it, and says where it is: `None` when it holds no
    /// secret (nothing was created).
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Write`].
    pub fn close(self) -> Result<Option<PathBuf>, TokenFileError> {
        if self.is_empty() {
            return Ok(None);
        }
        let path = self.path.clone();
        self.finish().map(|()| Some(path))
    }

    /// Ends a run of the executor that this file [observed](Self::observe), as the
    /// run's `report` says:
    ///
    /// - a run that failed on a store whose changes take effect together (a tokens
    ///   file: nothing of the run was written) made no token: the secrets written here
    ///   are removed, and `Ok(None)`;
    /// - otherwise the file is [closed](Self::close) and kept (a server keeps the
    ///   tokens made before a step that failed, and here are their secrets): its path,
    ///   or `None` when it holds no secret.
    ///
    /// A run that stopped before its first token (its plan refused or not confirmed)
    /// wrote nothing here, as nothing is created before the first secret: dropping the
    /// file then leaves nothing behind either.
    ///
    /// # Errors
    ///
    /// [`TokenFileError::Write`] when it cannot be closed. The secrets it should hold
    /// are those of [`Executed::secrets`](influxdb3_provision::Executed::secrets): a
    /// server's exist nowhere else, so show them rather than lose them.
    pub fn end_run<E: StoreError>(
        self,
        report: &Report<E>,
    ) -> Result<Option<PathBuf>, TokenFileError> {
        if report.failed.is_some() && report.atomic {
            self.discard();
            return Ok(None);
        }
        self.close()
    }

    /// Removes what was written, and holds nothing again.
    fn clear(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.path);
        }
        for path in self.written.drain(..) {
            let _ = fs::remove_file(path);
        }
        if self.created {
            let _ = fs::remove_dir(&self.path);
            self.created = false;
        }
        self.count = 0;
    }
}
