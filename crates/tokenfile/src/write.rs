//! The safe read and the durable write: what is at the path is checked before anything
//! is opened for writing, nothing blocks, nothing but a regular file is ever read or
//! replaced, and the lock and temporary files stay in the file's directory.
//!
//! The write: resolve the path, take the lock beside the target, read what is there,
//! change it, write a temporary file, fsync, check the target is still what was read,
//! rename, fsync the directory.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::error::{FileKind, TokenFileError};

/// The mode of every file we create: the files hold secrets.
pub(crate) const PRIVATE: u32 = 0o600;
/// The lock file's mode: it holds nothing, and every user who may write the tokens
/// file must be able to open it to take the lock.
const LOCK_MODE: u32 = 0o644;
/// How many symbolic links we follow before giving up.
const MAX_LINKS: usize = 40;
/// The longest file name most file systems take (`NAME_MAX`), in bytes.
const NAME_MAX: usize = 255;
/// Room left after the base of a lock or temporary file name for its suffix
/// (`.tmp-PID-NANOS-ATTEMPT` is at most 33 bytes).
const SUFFIX_ROOM: usize = 40;
/// How long to wait for the lock before telling the caller.
const TELL_AFTER: Duration = Duration::from_secs(1);
/// Flags for every open: never block on a FIFO or a device, never follow a link that
/// appeared after the path was resolved.
pub(crate) const SAFE_FLAGS: i32 = libc::O_NONBLOCK | libc::O_NOFOLLOW | libc::O_NOCTTY;

/// The regular file `path` names, with its symbolic links followed (it need not exist
/// yet). Anything else is refused before anything is opened: a directory, a FIFO, a
/// socket, a device, a link that leads nowhere. (A file with other hard links is read,
/// and refused where it would be replaced: [`check_writable`].)
pub(crate) fn resolve(path: &Path) -> Result<PathBuf, TokenFileError> {
    // An empty path names no file (and `.{}.lock` beside it would be `..lock` here).
    if path.as_os_str().is_empty() {
        return Err(TokenFileError::Write {
            path: path.to_path_buf(),
            source: io::Error::new(io::ErrorKind::InvalidInput, "an empty path names no file"),
        });
    }
    // What the kernel finds there, magic links (`/dev/stdout`) included.
    match fs::metadata(path) {
        Ok(meta) => check_kind(path, &meta)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Ok(link) = fs::symlink_metadata(path)
                && link.file_type().is_symlink()
            {
                return Err(TokenFileError::DanglingLink {
                    path: path.to_path_buf(),
                    target: fs::read_link(path).unwrap_or_default(),
                });
            }
            return Ok(path.to_path_buf());
        }
        Err(source) => {
            return Err(TokenFileError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    }
    // A regular file: follow the links by hand to the path that holds it, so that the
    // lock and the temporary file go beside the file itself.
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = fs::symlink_metadata(&current).map_err(|source| TokenFileError::Read {
            path: current.clone(),
            source,
        })?;
        if !meta.file_type().is_symlink() {
            check_kind(path, &meta)?;
            return Ok(current);
        }
        let target = fs::read_link(&current).map_err(|source| TokenFileError::Read {
            path: current.clone(),
            source,
        })?;
        current = match current.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    Err(TokenFileError::Read {
        path: path.to_path_buf(),
        source: io::Error::other("too many levels of symbolic links"),
    })
}

/// Refuses anything but a regular file.
fn check_kind(path: &Path, meta: &Metadata) -> Result<(), TokenFileError> {
    match FileKind::of(meta) {
        Some(kind) => Err(TokenFileError::NotRegular {
            path: path.to_path_buf(),
            kind,
        }),
        None => Ok(()),
    }
}

/// Refuses a file with other hard links where it would be replaced: its other names
/// would keep the old content. (Reading one is fine.)
fn check_one_link(path: &Path, meta: &Metadata) -> Result<(), TokenFileError> {
    if meta.nlink() > 1 {
        return Err(TokenFileError::HardLinked {
            path: path.to_path_buf(),
            links: meta.nlink(),
        });
    }
    Ok(())
}

/// The directory and file name of a resolved target.
fn split(target: &Path) -> (PathBuf, OsString) {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().unwrap_or_default().to_os_string();
    (dir, name)
}

/// `.NAME`, the start of the lock and temporary file names beside `NAME`: cut, with a
/// hash of the whole name, when `NAME` is so long that a suffix would not fit in the
/// file system's limit.
fn sidecar_base(name: &OsStr) -> OsString {
    let bytes = name.as_bytes();
    let mut base = vec![b'.'];
    if 1 + bytes.len() + SUFFIX_ROOM <= NAME_MAX {
        base.extend_from_slice(bytes);
    } else {
        let keep = NAME_MAX - SUFFIX_ROOM - 1 - 17;
        // Cut on a character boundary when the name is UTF-8.
        let mut cut = keep;
        if let Ok(text) = std::str::from_utf8(bytes) {
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
        }
        base.extend_from_slice(&bytes[..cut]);
        base.extend_from_slice(format!("~{:016x}", fnv1a(bytes)).as_bytes());
    }
    OsString::from_vec(base)
}

/// FNV-1a, 64 bits: a stable hash for shortened names (not a secret).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn with_suffix(base: &OsStr, suffix: &str) -> OsString {
    let mut name = base.to_os_string();
    name.push(suffix);
    name
}

/// The lock file beside `target`.
pub(crate) fn lock_path(target: &Path) -> PathBuf {
    let (dir, name) = split(target);
    dir.join(with_suffix(&sidecar_base(&name), ".lock"))
}

/// An exclusive lock on the lock file beside the target, held until dropped.
pub(crate) struct Locked {
    _file: File,
}

/// Takes the lock beside `target`, waiting up to the options' timeout; tells the
/// options' callback once when it has waited about a second.
pub(crate) fn lock(target: &Path, options: &WriteOptions<'_>) -> Result<Locked, TokenFileError> {
    check_directory(target)?;
    let path = lock_path(target);
    let err = |source| TokenFileError::Lock {
        path: path.clone(),
        source,
    };
    let file = open_lock(&path).map_err(|e| {
        if e.raw_os_error() == Some(libc::ELOOP) {
            err(io::Error::other(
                "it is a symbolic link, which is never followed for a lock",
            ))
        } else {
            err(e)
        }
    })?;
    let meta = file.metadata().map_err(err)?;
    if let Some(kind) = FileKind::of(&meta) {
        return Err(err(io::Error::other(format!(
            "it is {kind}, not a regular file"
        ))));
    }
    let start = Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Locked { _file: file }),
            Err(fs::TryLockError::WouldBlock) => {
                let waited = start.elapsed();
                if waited >= options.lock_timeout {
                    return Err(TokenFileError::LockTimeout {
                        path: target.to_path_buf(),
                        waited: options.lock_timeout,
                    });
                }
                if !told && waited >= TELL_AFTER.min(options.lock_timeout) {
                    told = true;
                    if let Some(on_wait) = options.on_lock_wait {
                        on_wait(target);
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::Error(e)) => return Err(err(e)),
        }
    }
}

/// Refuses a target whose directory does not exist.
pub(crate) fn check_directory(target: &Path) -> Result<(), TokenFileError> {
    let (dir, _) = split(target);
    if dir.is_dir() {
        Ok(())
    } else {
        Err(TokenFileError::NoDirectory {
            path: target.to_path_buf(),
            directory: dir,
        })
    }
}

/// Opens the lock file for reading (`flock` needs no more), creating it when missing:
/// mode 0644, since it holds nothing and every user who may write the tokens file must
/// be able to take its lock.
fn open_lock(path: &Path) -> io::Result<File> {
    let read = || {
        OpenOptions::new()
            .read(true)
            .custom_flags(SAFE_FLAGS)
            .open(path)
    };
    match read() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(LOCK_MODE)
                .custom_flags(SAFE_FLAGS)
                .open(path)
            {
                Ok(_) => read(),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read(),
                Err(e) => Err(e),
            }
        }
        other => other,
    }
}

/// Removes temporary files a killed writer left beside the target. Only called under the
/// lock. Only our own are removed: a name exactly as [`create_temp`] makes them
/// (`.NAME.tmp-PID-NANOS-ATTEMPT`, so that a `.NAME.tmp-notes` of the user's stays), of
/// a regular file (or a link in its place), whose writer is no longer running (where
/// `/proc` tells: a writer that takes no lock, as [`write_plain`] does, may still be
/// filling it).
pub(crate) fn remove_stale_temps(target: &Path) {
    let (dir, name) = split(target);
    let prefix = with_suffix(&sidecar_base(&name), ".tmp-");
    let Ok(entries) = fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(suffix) = file_name.as_bytes().strip_prefix(prefix.as_bytes()) else {
            continue;
        };
        // Never a directory.
        if temp_writer(suffix).is_some_and(|pid| !running(pid))
            && entry
                .file_type()
                .is_ok_and(|t| t.is_file() || t.is_symlink())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The process id in the suffix `PID-NANOS-ATTEMPT` of a temporary file's name (decimal,
/// hexadecimal, decimal, as [`create_temp`] writes them); `None` for any other name.
fn temp_writer(suffix: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(suffix).ok()?;
    let mut parts = text.split('-');
    let (pid, nanos, attempt) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    (parts.next().is_none() && digits(pid, 10) && digits(nanos, 16) && digits(attempt, 10))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether the process `pid` is running: this one, or one `/proc` lists. Without
/// `/proc` (not Linux), none is taken to be: the lock keeps out every writer that
/// takes it.
fn running(pid: u32) -> bool {
    pid == std::process::id()
        || (Path::new("/proc/self").exists() && Path::new("/proc").join(pid.to_string()).exists())
}

/// What is at the target before a write.
pub(crate) struct Existing {
    /// Its text; empty for an empty file (as `mktemp` leaves it).
    pub(crate) text: String,
    meta: Metadata,
}

/// Reads the regular file at `path` without blocking and without following a link.
/// `None` when it does not exist.
pub(crate) fn read_existing(path: &Path) -> Result<Option<Existing>, TokenFileError> {
    let err = |source| TokenFileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = match OpenOptions::new()
        .read(true)
        .custom_flags(SAFE_FLAGS)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let meta = file.metadata().map_err(err)?;
    check_kind(path, &meta)?;
    read_bounded(path, &mut file, &meta, MAX_FILE_BYTES).map(|text| Some(Existing { text, meta }))
}

/// The text of `file`, at most `limit` bytes: a larger file (or one that grew as it was
/// read) is [`TokenFileError::TooLarge`], and no more of it is read.
fn read_bounded(
    path: &Path,
    file: &mut File,
    meta: &Metadata,
    limit: u64,
) -> Result<String, TokenFileError> {
    let too_large = || TokenFileError::TooLarge {
        path: path.to_path_buf(),
        limit,
    };
    if meta.len() > limit {
        return Err(too_large());
    }
    read_limited(file, path, limit, usize::try_from(meta.len()).unwrap_or(0))
}

/// The text of `reader` (named `path` in errors), at most `limit` bytes: more is
/// [`TokenFileError::TooLarge`], and no more of it is read.
pub(crate) fn read_limited(
    reader: impl Read,
    path: &Path,
    limit: u64,
    expected: usize,
) -> Result<String, TokenFileError> {
    let mut text = String::with_capacity(expected);
    io::Read::take(reader, limit + 1)
        .read_to_string(&mut text)
        .map_err(|source| TokenFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    if text.len() as u64 > limit {
        return Err(TokenFileError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(text)
}

/// The most read of a tokens file or a manifest, in bytes: 256 MiB, about 900,000
/// tokens.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// The longest token read from a file that holds one (`--token-file`, `--secret-file`)
/// or from standard input, in bytes, a line end not counted: a minted token is 92, a
/// chosen secret at most 256 ([`CHOSEN_MAX`](influxdb3_token::CHOSEN_MAX) after
/// `apiv3_`).
pub const MAX_TOKEN_FILE_BYTES: u64 = 256;

/// Reads the small file of one secret at `path` (links followed, without blocking), at
/// most [`MAX_TOKEN_FILE_BYTES`], with its permission bits.
pub(crate) fn read_small(path: &Path) -> Result<(String, u32), TokenFileError> {
    let target = resolve(path)?;
    let err = |source| TokenFileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .custom_flags(SAFE_FLAGS)
        .open(&target)
        .map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    check_kind(path, &meta)?;
    let text = token_text(read_bounded(
        path,
        &mut file,
        &meta,
        MAX_TOKEN_FILE_BYTES + 2,
    ))?;
    Ok((text, meta.permissions().mode() & 0o7777))
}

/// A read of a file that holds one token, given room for a line end after the longest
/// token: past that, too large for [`MAX_TOKEN_FILE_BYTES`], the limit it documents.
pub(crate) fn token_text(read: Result<String, TokenFileError>) -> Result<String, TokenFileError> {
    read.map_err(|e| match e {
        TokenFileError::TooLarge { path, .. } => TokenFileError::TooLarge {
            path,
            limit: MAX_TOKEN_FILE_BYTES,
        },
        e => e,
    })
}

impl Existing {
    /// Its permission bits (`0o7777` of its mode), of the file that was read.
    pub(crate) fn mode(&self) -> u32 {
        self.meta.permissions().mode() & 0o7777
    }
}

/// Reads the regular file at `path` (links followed) without blocking: a FIFO, a
/// device or a directory is refused before it is read.
pub(crate) fn read_regular(path: &Path) -> Result<Existing, TokenFileError> {
    let target = resolve(path)?;
    match read_existing(&target)? {
        Some(existing) => Ok(existing),
        None => Err(TokenFileError::Read {
            path: path.to_path_buf(),
            source: io::Error::from_raw_os_error(libc::ENOENT),
        }),
    }
}

/// Refuses to write through `path` (as given, and `target`, the file it resolves to)
/// where it lies in a world-writable sticky directory and belongs to neither this user
/// nor the directory's owner: another user could have put it there. (The kernel's
/// `protected_regular` and `protected_symlinks` rules; a file of a service user in a
/// private directory is written, its owner kept.)
pub(crate) fn check_shared(path: &Path, target: &Path) -> Result<(), TokenFileError> {
    // This process's effective user: the owner of its /proc entry.
    let Ok(me) = fs::metadata("/proc/self").map(|m| m.uid()) else {
        return Ok(());
    };
    for entry in [path, target] {
        let Ok(meta) = fs::symlink_metadata(entry) else {
            continue;
        };
        let (dir, _) = split(entry);
        let Ok(dir_meta) = fs::metadata(&dir) else {
            continue;
        };
        let shared = dir_meta.mode() & 0o1002 == 0o1002;
        if shared && meta.uid() != me && meta.uid() != dir_meta.uid() {
            return Err(TokenFileError::SharedDirectory {
                path: entry.to_path_buf(),
                uid: meta.uid(),
            });
        }
    }
    Ok(())
}

/// Refuses a file this process could not write in place (its permissions are honoured,
/// not bypassed by renaming a new file over it), and one with other hard links.
pub(crate) fn check_writable(target: &Path) -> Result<(), TokenFileError> {
    match OpenOptions::new()
        .write(true)
        .custom_flags(SAFE_FLAGS)
        .open(target)
    {
        Ok(file) => match file.metadata() {
            Ok(meta) => check_one_link(target, &meta),
            Err(source) => Err(TokenFileError::Read {
                path: target.to_path_buf(),
                source,
            }),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(TokenFileError::NotWritable {
            path: target.to_path_buf(),
            source,
        }),
    }
}

/// What [`replace`] did beside writing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Replaced {
    /// The mode the file has now.
    pub(crate) mode: u32,
}

/// Replaces `target` (resolved, locked, and read into `old`) with what `write`
/// produces, atomically and durably: a temporary file created with mode 0600 in the
/// same directory, written, given the old file's mode, owner and group, fsynced, renamed
/// over the target, then the directory fsynced. The owner is never changed: when it
/// cannot be kept, nothing is replaced. On any error the temporary file is removed and
/// the target is as it was.
pub(crate) fn replace(
    target: &Path,
    old: Option<&Existing>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Replaced, TokenFileError> {
    replace_with_mode(
        target,
        old.map(|o| (&o.meta, Some(o.text.as_str()))),
        PRIVATE,
        write,
    )
}

/// [`replace`], with the mode a new file gets (an existing file keeps its own). `before`
/// is what the target was when it was read: its metadata, and its text when it was read
/// whole.
fn replace_with_mode(
    target: &Path,
    before: Option<(&Metadata, Option<&str>)>,
    new_mode: u32,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<Replaced, TokenFileError> {
    let old = before.map(|(meta, _)| meta);
    let (dir, name) = split(target);
    let (temp_path, file) = create_temp(&dir, &name)?;
    let result = fill(&file, &temp_path, target, old, write)
        .and_then(|()| {
            if old.is_none() && new_mode != PRIVATE {
                file.set_permissions(fs::Permissions::from_mode(new_mode))
                    .map_err(|source| TokenFileError::Write {
                        path: temp_path.clone(),
                        source,
                    })?;
            }
            Ok(())
        })
        .and_then(|()| {
            unchanged(target, before)?;
            fs::rename(&temp_path, target).map_err(|source| TokenFileError::Write {
                path: target.to_path_buf(),
                source,
            })
        });
    if let Err(e) = result {
        let _ = fs::remove_file(&temp_path);
        return Err(e);
    }
    // The rename is durable once the directory is.
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| TokenFileError::Write {
            path: dir.clone(),
            source,
        })?;
    Ok(Replaced {
        mode: old.map_or(new_mode, |m| m.permissions().mode() & 0o7777),
    })
}

/// Writes `content` to the plain (not secret) file at `path`: atomically replaces the
/// regular file there (which keeps its mode, owner and group) or creates it with
/// `mode`. Nothing but a regular file with one name is ever replaced, and nothing is
/// opened that could block: a symbolic link (dangling or not), a FIFO, a socket, a
/// device, a directory or a hard-linked file is refused, as it stands (`lstat`), before
/// anything is written.
pub(crate) fn write_plain(path: &Path, content: &[u8], mode: u32) -> Result<(), TokenFileError> {
    check_directory(path)?;
    let old = match fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(TokenFileError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    if let Some(meta) = &old {
        // As it stands: a symbolic link is refused, not followed.
        check_kind(path, meta)?;
        check_shared(path, path)?;
        check_writable(path)?;
    }
    replace_with_mode(
        path,
        old.as_ref().map(|m| (m, None)),
        mode & 0o7777,
        |out| out.write_all(content),
    )
    .map(|_| ())
}

/// Refuses to rename over a target that is no longer what was read: someone who does
/// not take the lock replaced it, put something else there, or wrote into it in place
/// (an editor, `>>`): its size, times or content differ from what was read. The other
/// program's write is then kept, not renamed over.
fn unchanged(
    target: &Path,
    before: Option<(&Metadata, Option<&str>)>,
) -> Result<(), TokenFileError> {
    let now = match fs::symlink_metadata(target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(source) => {
            return Err(TokenFileError::Read {
                path: target.to_path_buf(),
                source,
            });
        }
    };
    let same = match (before, &now) {
        (None, None) => true,
        // The times tick coarsely: a write of the same size in the same tick shows
        // only in the content.
        (Some((a, text)), Some(b)) => {
            same_state(a, b) && text.is_none_or(|text| holds(target, text))
        }
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(TokenFileError::Changed {
            path: target.to_path_buf(),
        })
    }
}

/// Whether `a` and `b` say the same file, untouched: device, inode, size and times.
fn same_state(a: &Metadata, b: &Metadata) -> bool {
    a.dev() == b.dev()
        && a.ino() == b.ino()
        && a.len() == b.len()
        && (a.mtime(), a.mtime_nsec(), a.ctime(), a.ctime_nsec())
            == (b.mtime(), b.mtime_nsec(), b.ctime(), b.ctime_nsec())
}

/// Whether the regular file at `target` holds exactly `text` (read without following a
/// link or blocking, and no further than one byte past `text`'s length).
fn holds(target: &Path, text: &str) -> bool {
    let Ok(file) = OpenOptions::new()
        .read(true)
        .custom_flags(SAFE_FLAGS)
        .open(target)
    else {
        return false;
    };
    let mut now = Vec::with_capacity(text.len());
    io::Read::take(file, text.len() as u64 + 1)
        .read_to_end(&mut now)
        .is_ok_and(|_| now == text.as_bytes())
}

/// A new regular file at `path`, mode 0600, open for writing: never one that is there
/// already ([`TokenFileError::Exists`]), never through a link.
pub(crate) fn open_new(path: &Path) -> Result<File, TokenFileError> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(PRIVATE)
        .custom_flags(SAFE_FLAGS)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                TokenFileError::Exists {
                    path: path.to_path_buf(),
                }
            } else {
                TokenFileError::Write {
                    path: path.to_path_buf(),
                    source: e,
                }
            }
        })
}

/// Creates a new regular file at `path` with mode 0600 and `content`, durably (the
/// file, then its directory, fsynced). Never replaces anything and never follows a
/// link: whatever is at `path` is refused. In a dry run, only checks.
pub(crate) fn create_private(
    path: &Path,
    content: &[u8],
    dry_run: bool,
) -> Result<(), TokenFileError> {
    check_directory(path)?;
    if fs::symlink_metadata(path).is_ok() {
        return Err(TokenFileError::Exists {
            path: path.to_path_buf(),
        });
    }
    if dry_run {
        return Ok(());
    }
    let err = |source| TokenFileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let file = open_new(path)?;
    let written = (&file)
        .write_all(content)
        .and_then(|()| file.sync_all())
        .map_err(err);
    if let Err(e) = written {
        let _ = fs::remove_file(path);
        return Err(e);
    }
    sync_directory(path)
}

/// Makes the creation of `path` durable: its directory fsynced.
pub(crate) fn sync_directory(path: &Path) -> Result<(), TokenFileError> {
    let (dir, _) = split(path);
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| TokenFileError::Write { path: dir, source })
}

fn create_temp(dir: &Path, name: &OsStr) -> Result<(PathBuf, File), TokenFileError> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let prefix = with_suffix(&sidecar_base(name), ".tmp-");
    let mut attempt = 0u32;
    loop {
        let path = dir.join(with_suffix(
            &prefix,
            &format!("{}-{nanos:x}-{attempt}", std::process::id()),
        ));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(PRIVATE)
            .custom_flags(SAFE_FLAGS)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(source) => return Err(TokenFileError::Write { path, source }),
        }
    }
}

/// Writes, carries the old file's mode, owner and group over, fsyncs.
fn fill(
    file: &File,
    temp_path: &Path,
    target: &Path,
    old: Option<&Metadata>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), TokenFileError> {
    let err = |source| TokenFileError::Write {
        path: temp_path.to_path_buf(),
        source,
    };
    let mut out = BufWriter::with_capacity(1 << 16, file);
    write(&mut out).map_err(err)?;
    out.flush().map_err(err)?;
    drop(out);
    if let Some(old) = old {
        let ours = file.metadata().map_err(err)?;
        if (ours.uid(), ours.gid()) != (old.uid(), old.gid())
            && std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid())).is_err()
        {
            return Err(TokenFileError::OwnerWouldChange {
                path: target.to_path_buf(),
                uid: old.uid(),
                gid: old.gid(),
            });
        }
        // After the owner: a change of owner clears the set-id bits.
        file.set_permissions(fs::Permissions::from_mode(
            old.permissions().mode() & 0o7777,
        ))
        .map_err(err)?;
    }
    file.sync_all().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    #[test]
    fn sidecar_names_fit_the_limit() {
        let short = OsStr::new("tokens.json");
        assert_eq!(sidecar_base(short), ".tokens.json");
        let long = "é".repeat(127); // 254 bytes: `touch` takes it
        let base = sidecar_base(OsStr::new(&long));
        assert!(base.len() + SUFFIX_ROOM <= NAME_MAX);
        assert!(std::str::from_utf8(base.as_bytes()).is_ok());
        // Two long names that share their start get different bases.
        let other = format!("{}x", "é".repeat(126));
        assert_ne!(base, sidecar_base(OsStr::new(&other)));
        // The longest name kept whole, and one byte more: cut.
        let whole = "a".repeat(NAME_MAX - SUFFIX_ROOM - 1);
        assert_eq!(
            sidecar_base(OsStr::new(&whole)),
            format!(".{whole}").as_str()
        );
        let cut = format!("{whole}a");
        assert_ne!(sidecar_base(OsStr::new(&cut)), format!(".{cut}").as_str());
    }

    fn mkfifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status();
        assert!(made.unwrap().success());
    }

    #[test]
    fn plain_files_are_created_with_their_mode_and_replaced_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("page.1");
        write_plain(&page, b"one", 0o644).unwrap();
        assert_eq!(fs::read(&page).unwrap(), b"one");
        let meta = fs::metadata(&page).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o644);
        // Replaced: a new inode, the old mode kept.
        fs::set_permissions(&page, fs::Permissions::from_mode(0o640)).unwrap();
        write_plain(&page, b"two", 0o644).unwrap();
        let now = fs::metadata(&page).unwrap();
        assert_eq!(fs::read(&page).unwrap(), b"two");
        assert_ne!(now.ino(), meta.ino());
        assert_eq!(now.permissions().mode() & 0o7777, 0o640);
        // Nothing left beside it.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn plain_files_refuse_what_is_not_a_regular_file_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other");
        fs::write(&other, "mine").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&other, &link).unwrap();
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        let fifo = dir.path().join("fifo");
        mkfifo(&fifo);
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        let hard = dir.path().join("hard");
        fs::hard_link(&other, &hard).unwrap();
        for (path, kind) in [
            (&link, Some(FileKind::SymbolicLink)),
            (&dangling, Some(FileKind::SymbolicLink)),
            (&fifo, Some(FileKind::Fifo)),
            (&sub, Some(FileKind::Directory)),
            (&hard, None),
        ] {
            let start = Instant::now();
            let err = write_plain(path, b"page", 0o644).unwrap_err();
            assert!(start.elapsed() < Duration::from_secs(5), "{path:?}");
            match (&err, kind) {
                (TokenFileError::NotRegular { path: p, kind: k }, Some(kind)) => {
                    assert_eq!((p, *k), (path, kind));
                }
                (TokenFileError::HardLinked { links: 2, .. }, None) => {}
                _ => panic!("{path:?}: {err:?}"),
            }
        }
        assert_eq!(fs::read_to_string(&other).unwrap(), "mine");
        assert!(!dir.path().join("nowhere").exists());
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        // Nothing but what the test made.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 6);
        // A directory that is not there.
        let err = write_plain(&dir.path().join("no/page.1"), b"", 0o644).unwrap_err();
        assert!(matches!(err, TokenFileError::NoDirectory { .. }), "{err:?}");
    }
}

/// How a write waits for the lock on a file (`.NAME.lock` beside it).
///
/// ```
/// use std::time::Duration;
/// use influxdb3_tokenfile::WriteOptions;
///
/// let tell = |path: &std::path::Path| eprintln!("waiting for the lock on {}", path.display());
/// let options = WriteOptions::default()
///     .lock_timeout(Duration::from_secs(5))
///     .on_lock_wait(&tell);
/// # let _ = options;
/// ```
#[derive(Clone, Copy)]
pub struct WriteOptions<'a> {
    pub(crate) lock_timeout: Duration,
    pub(crate) on_lock_wait: Option<&'a dyn Fn(&Path)>,
    pub(crate) dry_run: bool,
}

impl Default for WriteOptions<'_> {
    /// Wait up to 30 seconds, silently.
    fn default() -> Self {
        WriteOptions {
            lock_timeout: Duration::from_secs(30),
            on_lock_wait: None,
            dry_run: false,
        }
    }
}

impl fmt::Debug for WriteOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteOptions")
            .field("lock_timeout", &self.lock_timeout)
            .field("on_lock_wait", &self.on_lock_wait.is_some())
            .field("dry_run", &self.dry_run)
            .finish()
    }
}

impl<'a> WriteOptions<'a> {
    /// How long to wait for another writer to release the lock before giving up with
    /// [`TokenFileError::LockTimeout`].
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// Do everything a write does (resolve the path, check what is there and that it may
    /// be replaced, read and parse it, apply the change) but take no lock and write
    /// nothing; [`Written::changed`](crate::Written::changed) then says whether the file would have been written.
    #[must_use]
    pub fn dry_run(mut self, dry_run: bool) -> Self {
        self.dry_run = dry_run;
        self
    }

    /// Called once, with the file's path, when the lock has been held by another process
    /// for about a second.
    #[must_use]
    pub fn on_lock_wait(mut self, on_wait: &'a dyn Fn(&Path)) -> Self {
        self.on_lock_wait = Some(on_wait);
        self
    }
}
