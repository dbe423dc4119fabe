//! The durable write: lock, read, change, write a temporary file, fsync, rename, fsync
//! the directory.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::TokenFileError;

/// The mode of every file we create: the files hold secrets.
const PRIVATE: u32 = 0o600;
/// How many symbolic links we follow before giving up.
const MAX_LINKS: usize = 40;

/// The file at the end of `path`'s chain of symbolic links (which need not exist yet).
pub(crate) fn resolve(path: &Path) -> Result<PathBuf, TokenFileError> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&current).map_err(|source| TokenFileError::Read {
                    path: current.clone(),
                    source,
                })?;
                current = match current.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            Ok(_) => return Ok(current),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(current),
            Err(source) => {
                return Err(TokenFileError::Read {
                    path: current,
                    source,
                });
            }
        }
    }
    Err(TokenFileError::Read {
        path: path.to_path_buf(),
        source: io::Error::other("too many levels of symbolic links"),
    })
}

/// The directory and file name of a resolved target.
fn split(target: &Path) -> (PathBuf, String) {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// An exclusive lock on `.NAME.lock` beside the target, held until dropped.
pub(crate) struct Locked {
    _file: File,
}

pub(crate) fn lock(target: &Path) -> Result<Locked, TokenFileError> {
    let (dir, name) = split(target);
    if !dir.is_dir() {
        return Err(TokenFileError::NoDirectory {
            path: target.to_path_buf(),
            directory: dir,
        });
    }
    let path = dir.join(format!(".{name}.lock"));
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(PRIVATE)
        .open(&path)
        .map_err(|source| TokenFileError::Lock {
            path: path.clone(),
            source,
        })?;
    file.lock()
        .map_err(|source| TokenFileError::Lock { path, source })?;
    Ok(Locked { _file: file })
}

fn temp_prefix(name: &str) -> String {
    format!(".{name}.tmp-")
}

/// Removes temporary files a killed writer left beside the target. Only called under the
/// lock, when no other writer can have one open.
pub(crate) fn remove_stale_temps(target: &Path) {
    let (dir, name) = split(target);
    let prefix = temp_prefix(&name);
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The target's text, or `None` when it does not exist or is empty (as `mktemp` leaves
/// it).
pub(crate) fn read(target: &Path) -> Result<Option<String>, TokenFileError> {
    match fs::read_to_string(target) {
        Ok(text) if text.is_empty() => Ok(None),
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(TokenFileError::Read {
            path: target.to_path_buf(),
            source,
        }),
    }
}

/// What [`replace`] did beside writing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Replaced {
    /// Whether the target did not exist before.
    pub(crate) created: bool,
    /// The mode the file has now.
    pub(crate) mode: u32,
    /// Whether the owner or group of the old file could not be kept.
    pub(crate) owner_changed: bool,
}

/// Replaces `target` (already resolved) with what `write` produces, atomically and
/// durably: a temporary file created with mode 0600 in the same directory, written,
/// fsynced, renamed over the target, then the directory fsynced. An existing target's
/// mode, owner and group carry over. On any error the temporary file is removed and the
/// target is as it was.
pub(crate) fn replace(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Replaced, TokenFileError> {
    let (dir, name) = split(target);
    let old = match fs::metadata(target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(TokenFileError::Read {
                path: target.to_path_buf(),
                source,
            });
        }
    };
    let (temp_path, file) = create_temp(&dir, &name)?;
    let result = fill(&file, &temp_path, old.as_ref(), write).and_then(|owner_changed| {
        fs::rename(&temp_path, target).map_err(|source| TokenFileError::Write {
            path: target.to_path_buf(),
            source,
        })?;
        Ok(owner_changed)
    });
    let owner_changed = match result {
        Ok(owner_changed) => owner_changed,
        Err(e) => {
            let _ = fs::remove_file(&temp_path);
            return Err(e);
        }
    };
    // The rename is durable once the directory is.
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| TokenFileError::Write {
            path: dir.clone(),
            source,
        })?;
    let mode = old
        .as_ref()
        .map_or(PRIVATE, |m| m.permissions().mode() & 0o7777);
    Ok(Replaced {
        created: old.is_none(),
        mode,
        owner_changed,
    })
}

fn create_temp(dir: &Path, name: &str) -> Result<(PathBuf, File), TokenFileError> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut attempt = 0u32;
    loop {
        let path = dir.join(format!(
            "{}{}-{nanos:x}-{attempt}",
            temp_prefix(name),
            std::process::id()
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(PRIVATE)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(source) => return Err(TokenFileError::Write { path, source }),
        }
    }
}

/// Writes, carries the old file's mode and owner over, fsyncs. Gives whether the owner
/// could not be kept.
fn fill(
    file: &File,
    temp_path: &Path,
    old: Option<&fs::Metadata>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<bool, TokenFileError> {
    let err = |source| TokenFileError::Write {
        path: temp_path.to_path_buf(),
        source,
    };
    let mut out = BufWriter::with_capacity(1 << 16, file);
    write(&mut out).map_err(err)?;
    out.flush().map_err(err)?;
    drop(out);
    let mut owner_changed = false;
    if let Some(old) = old {
        file.set_permissions(fs::Permissions::from_mode(
            old.permissions().mode() & 0o7777,
        ))
        .map_err(err)?;
        let ours = file.metadata().map_err(err)?;
        if (ours.uid(), ours.gid()) != (old.uid(), old.gid())
            && std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err()
        {
            owner_changed = true;
        }
    }
    file.sync_all().map_err(err)?;
    Ok(owner_changed)
}
