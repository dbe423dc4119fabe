//! The files on disk: read without blocking or following a link to anything but a
//! regular file, and changed under the lock in one durable write.

use std::io;
use std::path::{Path, PathBuf};

use influxdb3_permission::DatabaseName;
#[cfg(feature = "manifest")]
use influxdb3_provision::{Manifest, ManifestError};
use influxdb3_token::Token;

use crate::AddError;
use crate::error::{ParseError, TokenFileError};
use crate::finding::Finding;
use crate::model::{AdminTokenFile, TokenEntry, TokenFile};
use crate::write::{self, WriteOptions};

/// What a change of [`TokenFile::update`] did to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit<T> {
    /// The file is to be written.
    Changed(T),
    /// Nothing changed: the file is not written (nor created).
    Unchanged(T),
}

/// What a write did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// The file: the given path with its symbolic links followed.
    pub path: PathBuf,
    /// Whether the file was written (not when a change left it as it was); in a dry
    /// run, whether it would have been.
    pub changed: bool,
    /// Whether the file was created (it did not exist, or was empty).
    pub created: bool,
    /// How many tokens the file holds now (1 for an admin token file).
    pub tokens: usize,
    /// Warnings about the file itself (its mode).
    pub findings: Vec<Finding>,
}

/// Where a change puts the new content of the file: written straight to the temporary
/// file (no copy of the whole document in memory), fsynced and renamed over the target.
pub(crate) struct Sink<'s> {
    target: &'s Path,
    existing: Option<&'s write::Existing>,
    pub(crate) dry_run: bool,
    changed: bool,
    replaced: Option<write::Replaced>,
}

impl Sink<'_> {
    /// Replaces the file with what `content` writes (in a dry run, notes that it would).
    pub(crate) fn write(
        &mut self,
        content: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), TokenFileError> {
        self.changed = true;
        if !self.dry_run {
            self.replaced = Some(write::replace(self.target, self.existing, content)?);
        }
        Ok(())
    }
}

/// Resolves `path`, checks this process may replace what is there, takes the lock,
/// reads the file, and runs `change` on its text (`None` when it is missing or empty).
/// `change` writes the new content through the [`Sink`], or leaves the file as it is;
/// an error of `change` leaves the file untouched.
pub(crate) fn locked_write<T>(
    path: &Path,
    options: &WriteOptions<'_>,
    change: impl FnOnce(&Path, Option<&str>, &mut Sink<'_>) -> Result<T, TokenFileError>,
) -> Result<(T, Written), TokenFileError> {
    let target = write::resolve(path)?;
    // Refused before the lock is taken, so that the user hears why (and nothing is
    // created beside a file they may not change).
    write::check_shared(path, &target)?;
    write::check_writable(&target)?;
    let _lock = if options.dry_run {
        write::check_directory(&target)?;
        None
    } else {
        let lock = write::lock(&target, options)?;
        write::remove_stale_temps(&target);
        Some(lock)
    };
    let existing = write::read_existing(&target)?;
    let text = existing
        .as_ref()
        .map(|e| e.text.as_str())
        .filter(|t| !t.is_empty());
    let mut sink = Sink {
        target: &target,
        existing: existing.as_ref(),
        dry_run: options.dry_run,
        changed: false,
        replaced: None,
    };
    let value = change(&target, text, &mut sink)?;
    let (changed, replaced) = (sink.changed, sink.replaced);
    let written = Written {
        findings: replaced.map_or_else(Vec::new, |r| file_findings(&target, r)),
        changed,
        created: text.is_none() && changed,
        tokens: 0,
        path: target,
    };
    Ok((value, written))
}

/// Reads the regular file at `path` (links followed) without blocking: a FIFO, a
/// device or a directory is refused before it is read.
///
/// # Errors
///
/// [`TokenFileError::NotRegular`], [`TokenFileError::DanglingLink`],
/// [`TokenFileError::HardLinked`] or [`TokenFileError::Read`].
pub fn read(path: impl AsRef<Path>) -> Result<String, TokenFileError> {
    write::read_regular(path.as_ref()).map(|file| file.text)
}

/// A tokens file's text from `reader` (standard input), named `origin` in errors: at
/// most [`MAX_FILE_BYTES`](crate::MAX_FILE_BYTES), as [`read`] reads a file, so that an
/// endless input ends in an error.
///
/// # Errors
///
/// [`TokenFileError::Read`] or [`TokenFileError::TooLarge`].
pub fn read_from(reader: impl std::io::Read, origin: &Path) -> Result<String, TokenFileError> {
    write::read_limited(reader, origin, crate::MAX_FILE_BYTES, 0)
}

/// The text of the tokens file `path` names, as the commands that read one take it:
/// the file, as [`read`] reads it; for `-`, standard input, what `stdin` gives, as
/// [`read_from`] reads it (`stdin` is read only then), named `<stdin>` in errors.
///
/// ```
/// use std::path::Path;
/// use influxdb3_tokenfile::read_input;
///
/// let text = read_input(Path::new("-"), &b"{\"tokens\": []}"[..])?;
/// assert_eq!(text, "{\"tokens\": []}");
/// # Ok::<(), influxdb3_tokenfile::TokenFileError>(())
/// ```
///
/// # Errors
///
/// As [`read`], or as [`read_from`] for standard input.
pub fn read_input(
    path: impl AsRef<Path>,
    stdin: impl std::io::Read,
) -> Result<String, TokenFileError> {
    let path = path.as_ref();
    if is_stdin(path) {
        read_from(stdin, Path::new(&influxdb3_text::path_origin(path)))
    } else {
        read(path)
    }
}

/// Whether `path` names standard input: `-`, as every command that reads a file takes
/// it ([`read_input`]); `./-` names a file called `-`.
///
/// ```
/// use std::path::Path;
///
/// assert!(influxdb3_tokenfile::is_stdin(Path::new("-")));
/// assert!(!influxdb3_tokenfile::is_stdin(Path::new("./-")));
/// ```
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// [`read`], and the permission bits (`mode & 0o7777`) of the very file read, not of
/// whatever the path names a moment later: to refuse a file of secrets that its group
/// or others can read.
///
/// # Errors
///
/// The refusals of [`read`].
pub fn read_with_mode(path: impl AsRef<Path>) -> Result<(String, u32), TokenFileError> {
    write::read_regular(path.as_ref()).map(|file| {
        let mode = file.mode();
        (file.text, mode)
    })
}

/// Whether `a` and `b` name one file: the same file (device and inode, links
/// followed) where both exist, the same absolute path otherwise. (`tokens merge` into
/// one of its inputs, `--secrets-out` that would overwrite the tokens file.)
pub fn same_file(a: impl AsRef<Path>, b: impl AsRef<Path>) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (a, b) = (a.as_ref(), b.as_ref());
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => std::path::absolute(a).ok() == std::path::absolute(b).ok(),
    }
}

/// [`read_with_mode`] for a file that holds one secret (`--token-file`): at most
/// [`MAX_TOKEN_FILE_BYTES`](crate::MAX_TOKEN_FILE_BYTES) are read.
///
/// # Errors
///
/// The refusals of [`read`], and [`TokenFileError::TooLarge`] past the limit.
pub fn read_token_file(path: impl AsRef<Path>) -> Result<(String, u32), TokenFileError> {
    write::read_small(path.as_ref())
}

/// The token on the first line of the file at `path`, a file only its owner may read
/// (the admin token of `--token-file` or `INFLUXDB3_AUTH_TOKEN_FILE`): read as
/// [`read_token_file`] reads (a regular file, bounded), and taken as the server takes a
/// token ([`Token::parse_lenient`]).
///
/// # Errors
///
/// The refusals of [`read_token_file`]; [`TokenFileError::Readable`] when its group or
/// others may read it; [`TokenFileError::InvalidSecret`] when its first line is no
/// token.
pub fn read_private_token(path: impl AsRef<Path>) -> Result<Token, TokenFileError> {
    let path = path.as_ref();
    let (text, mode) = read_token_file(path)?;
    if mode & 0o044 != 0 {
        return Err(TokenFileError::Readable {
            path: path.to_path_buf(),
            mode,
        });
    }
    let line = text.lines().next().unwrap_or_default();
    Token::parse_lenient(line).map_err(|source| TokenFileError::InvalidSecret {
        path: path.to_path_buf(),
        source,
    })
}

/// The secret an operator chose for a token, from the file at `path`
/// (`--secret-file`): the whole file less one trailing line end, under the rule of
/// [`Token::parse_chosen`](influxdb3_token::Token::parse_chosen); read as
/// [`read_token_file`] reads (a regular file, bounded).
///
/// # Errors
///
/// The refusals of [`read_token_file`], and [`TokenFileError::InvalidSecret`].
pub fn read_chosen_secret(path: impl AsRef<Path>) -> Result<Token, TokenFileError> {
    let path = path.as_ref();
    let (text, _) = read_token_file(path)?;
    chosen_secret(&text, path)
}

/// [`read_chosen_secret`] from `reader` (standard input), named `origin` in errors: at
/// most [`MAX_TOKEN_FILE_BYTES`](crate::MAX_TOKEN_FILE_BYTES) and a line end are read,
/// so that an endless input ends in an error.
///
/// # Errors
///
/// [`TokenFileError::Read`], [`TokenFileError::TooLarge`] or
/// [`TokenFileError::InvalidSecret`].
pub fn chosen_secret_from(
    reader: impl std::io::Read,
    origin: &Path,
) -> Result<Token, TokenFileError> {
    let text = write::token_text(write::read_limited(
        reader,
        origin,
        crate::MAX_TOKEN_FILE_BYTES + 2,
        0,
    ))?;
    chosen_secret(&text, origin)
}

/// `text` less one trailing line end (`\n` or `\r\n`), as a chosen secret.
fn chosen_secret(text: &str, path: &Path) -> Result<Token, TokenFileError> {
    let value = text
        .strip_suffix('\n')
        .map_or(text, |t| t.strip_suffix('\r').unwrap_or(t));
    Token::parse_chosen(value).map_err(|source| TokenFileError::InvalidSecret {
        path: path.to_path_buf(),
        source,
    })
}

/// Creates a new file at `path` holding secrets (`tokens apply --secrets-out`): mode
/// 0600 from the start, written and fsynced with its directory. Whatever is at `path`
/// already (a file, a link, a FIFO) is refused and left alone. With `dry_run`, only
/// checks that it could.
///
/// # Errors
///
/// [`TokenFileError::Exists`], [`TokenFileError::NoDirectory`] or
/// [`TokenFileError::Write`]; a file half-written is removed.
pub fn create_private_file(
    path: impl AsRef<Path>,
    content: &[u8],
    dry_run: bool,
) -> Result<(), TokenFileError> {
    write::create_private(path.as_ref(), content, dry_run)
}

/// Writes `content` to a plain (not secret) output file, such as a manual page:
/// atomically (a temporary file beside it, fsynced, renamed over it, the directory
/// fsynced) and without a lock. An existing regular file is replaced and keeps its
/// mode, owner and group; a new one is created with `mode` (`0o644` for a page).
/// Whatever else is at `path` is refused and left alone, before anything is opened
/// for writing and without blocking: a symbolic link (dangling or not), a FIFO, a
/// socket, a device, a directory, a file with other hard links.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let dir = tempfile::tempdir()?;
/// let page = dir.path().join("influxdb3.1");
/// influxdb3_tokenfile::write_file(&page, b".TH influxdb3 1\n", 0o644)?;
/// std::os::unix::fs::symlink(&page, dir.path().join("link.1"))?;
/// assert!(influxdb3_tokenfile::write_file(dir.path().join("link.1"), b"", 0o644).is_err());
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`TokenFileError::NotRegular`], [`TokenFileError::HardLinked`],
/// [`TokenFileError::NotWritable`], [`TokenFileError::NoDirectory`],
/// [`TokenFileError::Changed`], [`TokenFileError::OwnerWouldChange`], or
/// [`TokenFileError::Write`]; the path is then as it was. A symbolic link is
/// [`NotRegular`](TokenFileError::NotRegular) of kind [`FileKind::SymbolicLink`](crate::FileKind::SymbolicLink).
pub fn write_file(path: impl AsRef<Path>, content: &[u8], mode: u32) -> Result<(), TokenFileError> {
    write::write_plain(path.as_ref(), content, mode)
}

impl TokenFile<'_> {
    /// Reads and checks the file at `path` into `text`; the file borrows from it.
    ///
    /// # Errors
    ///
    /// The refusals of [`read`], and [`TokenFileError::Invalid`] when it does not load.
    pub fn load(
        path: impl AsRef<Path>,
        text: &mut String,
    ) -> Result<TokenFile<'_>, TokenFileError> {
        load_with(path.as_ref(), text, TokenFile::parse)
    }

    /// [`load`](Self::load) of the tokens file `path` names, as [`read_input`] reads
    /// it: standard input, what `stdin` gives, for `-`.
    ///
    /// # Errors
    ///
    /// The refusals of [`read_input`], and [`TokenFileError::Invalid`] (naming `path`)
    /// when it does not load.
    pub fn load_input(
        path: impl AsRef<Path>,
        stdin: impl std::io::Read,
        text: &mut String,
    ) -> Result<TokenFile<'_>, TokenFileError> {
        let path = path.as_ref();
        *text = read_input(path, stdin)?;
        TokenFile::parse(text).map_err(|error| invalid(path, error))
    }

    /// Changes the file at `path` (created if missing or empty) with `change`, under the
    /// lock, atomically and durably. Nothing is written when `change` fails or says
    /// [`Edit::Unchanged`].
    ///
    /// # Errors
    ///
    /// As [`TokenFileError`], and [`TokenFileError::Conflict`] for an [`AddError`] of
    /// `change`; the file is then unchanged.
    pub fn update<T>(
        path: impl AsRef<Path>,
        options: &WriteOptions<'_>,
        change: impl FnOnce(&mut TokenFile<'_>) -> Result<Edit<T>, AddError>,
    ) -> Result<(T, Written), TokenFileError> {
        let ((value, tokens), mut written) =
            locked_write(path.as_ref(), options, |target, text, sink| {
                let mut file = match text {
                    Some(text) => TokenFile::parse(text).map_err(|error| invalid(target, error))?,
                    None => TokenFile::new(),
                };
                let edit = change(&mut file).map_err(|error| TokenFileError::Conflict {
                    path: target.to_path_buf(),
                    error,
                })?;
                let tokens = file.tokens().len();
                let value = match edit {
                    Edit::Unchanged(value) => value,
                    Edit::Changed(value) => {
                        sink.write(|out| file.write_json(out))?;
                        value
                    }
                };
                Ok((value, tokens))
            })?;
        written.tokens = tokens;
        Ok((value, written))
    }

    /// Appends `entry` to the file at `path` (created if missing or empty) and adds
    /// `create_databases` to its list: [`update`](Self::update) with
    /// [`add`](Self::add).
    ///
    /// # Errors
    ///
    /// As [`update`](Self::update); the file is then unchanged.
    pub fn append(
        path: impl AsRef<Path>,
        entry: TokenEntry<'static>,
        create_databases: &[DatabaseName],
        options: &WriteOptions<'_>,
    ) -> Result<Written, TokenFileError> {
        TokenFile::update(path, options, |file| {
            file.add(entry, create_databases).map(Edit::Changed)
        })
        .map(|((), w)| w)
    }
}

impl AdminTokenFile<'_> {
    /// Reads the admin token file at `path` into `text`; the file borrows from it.
    ///
    /// # Errors
    ///
    /// The refusals of [`read`], and [`TokenFileError::Invalid`] when it does not load.
    pub fn load(
        path: impl AsRef<Path>,
        text: &mut String,
    ) -> Result<AdminTokenFile<'_>, TokenFileError> {
        load_with(path.as_ref(), text, AdminTokenFile::parse)
    }
}

/// Reads `path` into `text` and parses it with `parse`, naming the file in the error.
fn load_with<'t, T>(
    path: &Path,
    text: &'t mut String,
    parse: fn(&'t str) -> Result<T, ParseError>,
) -> Result<T, TokenFileError> {
    *text = read(path)?;
    parse(text).map_err(|error| invalid(path, error))
}

/// The file at `path` does not load: the error's diagnostic names the file.
pub(crate) fn invalid(path: &Path, error: ParseError) -> TokenFileError {
    TokenFileError::Invalid {
        path: path.to_path_buf(),
        error: error.with_origin(path.to_string_lossy()),
    }
}

fn file_findings(target: &Path, replaced: write::Replaced) -> Vec<Finding> {
    let mut findings = Vec::new();
    if replaced.mode & 0o044 != 0 {
        findings.push(Finding::Readable {
            path: target.to_path_buf(),
            mode: replaced.mode,
        });
    }
    findings
}

/// Why a manifest file could not be read into a [`Manifest`].
#[cfg(feature = "manifest")]
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestFileError {
    /// The manifest itself could not be read (missing, not a regular file, too large).
    #[error(transparent)]
    Read(TokenFileError),
    /// It is not a valid manifest: the diagnostic points at the offending character,
    /// in the file named as the caller named it.
    #[error(transparent)]
    Invalid(Box<ManifestError>),
    /// The `secret_file` of token `name` could not be read, or holds no chosen secret.
    #[error("token {name} of the manifest: its secret_file: {source}")]
    SecretFile {
        /// The token whose `secret_file` it is.
        name: String,
        /// Why it could not be used.
        #[source]
        source: TokenFileError,
    },
    /// The store it is for cannot hold what it asks ([`Manifest::check`]): a server and
    /// a `secret_file`. No secret file was read.
    #[error(transparent)]
    Refused(influxdb3_provision::PlanError),
}

/// Reads the manifest at `path` as [`read`] reads (a regular file, bounded), parses it,
/// checks it against what a store with `capabilities` can hold ([`Manifest::check`]),
/// and only then gives each token that names a `secret_file` its chosen secret, read
/// from that file (relative to the manifest's directory) as [`read_chosen_secret`]
/// reads.
///
/// # Errors
///
/// [`ManifestFileError`]: the file, the manifest's first problem, what the store
/// cannot hold, or the first `secret_file` that could not be used.
#[cfg(feature = "manifest")]
pub fn read_manifest(
    path: impl AsRef<Path>,
    capabilities: influxdb3_provision::Capabilities,
) -> Result<Manifest, ManifestFileError> {
    let path = path.as_ref();
    let text = read(path).map_err(ManifestFileError::Read)?;
    let mut manifest = Manifest::parse(&text)
        .map_err(|e| ManifestFileError::Invalid(Box::new(e.with_origin(path.to_string_lossy()))))?;
    manifest
        .check(capabilities)
        .map_err(ManifestFileError::Refused)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let pinned: Vec<(String, PathBuf)> = manifest
        .tokens()
        .iter()
        .filter_map(|d| Some((d.name().as_str().to_owned(), dir.join(d.secret_file()?))))
        .collect();
    for (name, file) in pinned {
        match read_chosen_secret(&file) {
            Ok(secret) => {
                manifest.set_secret(&name, secret);
            }
            Err(source) => return Err(ManifestFileError::SecretFile { name, source }),
        }
    }
    Ok(manifest)
}
