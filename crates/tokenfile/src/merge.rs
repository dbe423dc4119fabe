//! `tokens merge`: the tokens of several files copied into one, as a plan carried out
//! by the executor on the output file.

use std::path::{Path, PathBuf};

use influxdb3_permission::{DatabaseName, Grants};
use influxdb3_provision::{
    Conflict, ExecuteOptions, Executed, NewToken, Plan, PlanError, Policy, TokenStore, execute,
};
use influxdb3_token::{Expiry, Timestamp, TokenName};

use crate::disk::{Written, read, same_file};
use crate::error::{AddError, TokenFileError};
use crate::model::TokenFile;
use crate::store::{FileStore, FileStoreError};
use crate::write::WriteOptions;
use influxdb3_token::Quoted;

/// What merging files did. As text (`Display`) and JSON (`Serialize`), what `tokens
/// merge` says of it.
#[derive(Debug)]
#[non_exhaustive]
pub struct Merged {
    /// How many files were merged (the output among them when it is an input).
    pub files: usize,
    /// What carrying the plan out did (tokens copied), and what failed.
    pub executed: Executed<FileStoreError>,
    /// The databases the output file creates now.
    pub create_databases: Vec<DatabaseName>,
    /// The write of the output file.
    pub written: Written,
}

/// Why files could not be merged; the output file is as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// An input or the output cannot be read or does not load, or the output cannot
    /// be written.
    #[error(transparent)]
    File(#[from] TokenFileError),
    /// A token of an input cannot be copied: its name, or its permissions (none, or
    /// `*:*:*`), are not a permission token's.
    #[error("token {} of {} cannot be copied", Quoted(name), Quoted::path(path))]
    NotCopyable {
        /// The input.
        path: PathBuf,
        /// The token.
        name: String,
        /// Why.
        #[source]
        source: AddError,
    },
    /// The output holds tokens and is not one of the inputs: it would be overwritten.
    #[error(
        "{} holds tokens and is not one of the files to merge: it would be overwritten",
        Quoted::path(path)
    )]
    OutputNotAnInput {
        /// The output.
        path: PathBuf,
    },
    /// The files disagree: each conflict's sources are numbered as
    /// [`MergeError::source_path`] says. The message names the first few, each with
    /// its files.
    #[error("{}", conflicts_text(output, inputs, conflicts))]
    Conflicts {
        /// The output, source 0 of the conflicts.
        output: PathBuf,
        /// The other inputs, sources 1, 2, … of the conflicts.
        inputs: Vec<PathBuf>,
        /// Every conflict.
        conflicts: Vec<Conflict>,
    },
    /// The plan refuses a token (the policy's expiry cap).
    #[error("the files cannot be merged")]
    Plan {
        /// Why.
        #[source]
        source: Box<PlanError>,
    },
    /// The output's tokens cannot be listed.
    #[error(transparent)]
    Store(FileStoreError),
}

impl MergeError {
    /// The file a conflict's source number stands for (0: the output).
    pub fn source_path(&self, source: usize) -> Option<&Path> {
        match self {
            MergeError::Conflicts { output, inputs, .. } => source_path(output, inputs, source),
            _ => None,
        }
    }
}

fn source_path<'p>(output: &'p Path, inputs: &'p [PathBuf], source: usize) -> Option<&'p Path> {
    match source {
        0 => Some(output),
        n => inputs.get(n - 1).map(PathBuf::as_path),
    }
}

/// How many conflicts a merge's message names before it counts the rest.
const SHOW_CONFLICTS: usize = 5;

/// `cannot merge: 2 conflicts: token `a` differs between `x` and `y`; …`, the first
/// [`SHOW_CONFLICTS`] with their files, then how many more.
fn conflicts_text(output: &Path, inputs: &[PathBuf], conflicts: &[Conflict]) -> String {
    let file = |i: usize| {
        source_path(output, inputs, i).map_or_else(String::new, |p| Quoted::path(p).to_string())
    };
    let mut lines: Vec<String> = conflicts
        .iter()
        .take(SHOW_CONFLICTS)
        .map(|c| match c {
            Conflict::Name {
                name,
                sources: (a, b),
            } => format!(
                "token {} differs between {} and {}",
                Quoted(name),
                file(*a),
                file(*b)
            ),
            Conflict::Secret {
                first,
                second,
                sources: (a, b),
            } => format!(
                "one token value is {} in {} and {} in {}",
                Quoted(first),
                file(*a),
                Quoted(second),
                file(*b)
            ),
            _ => "the files disagree about a token".to_owned(),
        })
        .collect();
    if conflicts.len() > SHOW_CONFLICTS {
        lines.push(format!("and {} more", conflicts.len() - SHOW_CONFLICTS));
    }
    format!(
        "cannot merge: {} {}: {}",
        conflicts.len(),
        if conflicts.len() == 1 {
            "conflict"
        } else {
            "conflicts"
        },
        lines.join("; ")
    )
}

/// One input of [`merge_files`]: a tokens file, or the text of one already read (from
/// standard input, say), named by `origin` in errors.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MergeInput {
    /// The tokens file at this path.
    File(PathBuf),
    /// A tokens file's text.
    Text {
        /// What errors call it (`<stdin>`).
        origin: PathBuf,
        /// The text.
        text: String,
    },
}

impl MergeInput {
    /// The input `path` names: the file; for `-`, standard input, the text `stdin`
    /// gives, read now as [`read_input`](crate::read_input) reads it, named `<stdin>`.
    ///
    /// # Errors
    ///
    /// As [`read_from`](crate::read_from), for standard input.
    pub fn read(path: &Path, stdin: impl std::io::Read) -> Result<MergeInput, TokenFileError> {
        if path.as_os_str() != "-" {
            return Ok(MergeInput::File(path.to_path_buf()));
        }
        Ok(MergeInput::Text {
            origin: PathBuf::from(influxdb3_text::path_origin(path)),
            text: crate::disk::read_input(path, stdin)?,
        })
    }
}

impl From<PathBuf> for MergeInput {
    fn from(path: PathBuf) -> MergeInput {
        MergeInput::File(path)
    }
}

impl From<&Path> for MergeInput {
    fn from(path: &Path) -> MergeInput {
        MergeInput::File(path.to_path_buf())
    }
}

/// Copies the tokens of `inputs` into the tokens file `output` (created if missing or
/// empty), which may be one of them: `create_databases` united in first-seen order,
/// the output's own tokens first, then the others in order, a token the same in
/// several files (name, secret, grants, expiry) kept once. Two tokens of one name, or
/// one secret under two names, are refused together, before anything is written.
/// Fields this library does not know are not copied from the other files.
///
/// # Errors
///
/// [`MergeError`]; the output is then as it was.
pub fn merge_files<I: Clone + Into<MergeInput>>(
    inputs: &[I],
    output: &Path,
    options: &WriteOptions<'_>,
    policy: &Policy,
) -> Result<Merged, MergeError> {
    let output_exists = output.exists();
    let now = Timestamp::now();
    // The inputs other than the output, read and checked before the lock is taken; the
    // output is the store, read under the lock.
    let mut sources = Vec::new();
    let mut paths = Vec::new();
    let mut output_is_input = false;
    let mut databases: Vec<DatabaseName> = Vec::new();
    for input in inputs {
        let (path, text) = match input.clone().into() {
            MergeInput::File(path) if output_exists && same_file(&path, output) => {
                output_is_input = true;
                continue;
            }
            MergeInput::File(path) => {
                let text = read(&path)?;
                (path, text)
            }
            MergeInput::Text { origin, text } => (origin, text),
        };
        let path = &path;
        let file = TokenFile::parse(&text).map_err(|error| TokenFileError::Invalid {
            path: path.clone(),
            error: error.with_origin(path.to_string_lossy()),
        })?;
        for db in file.create_databases().unwrap_or_default() {
            if !databases.contains(db) {
                databases.push(db.clone());
            }
        }
        sources.push(
            copies(&file, now).map_err(|(name, source)| MergeError::NotCopyable {
                path: path.clone(),
                name,
                source,
            })?,
        );
        paths.push(path.clone());
    }
    let (merged, written) = FileStore::open(output, options, |store| {
        let current = store.list().map_err(MergeError::Store)?;
        if !output_is_input && !current.is_empty() {
            return Err(MergeError::OutputNotAnInput {
                path: output.to_path_buf(),
            });
        }
        let plan = Plan::merge(sources, &current, now, policy)
            .map_err(|source| match source {
                PlanError::Conflicts(conflicts) => MergeError::Conflicts {
                    output: output.to_path_buf(),
                    inputs: paths,
                    conflicts,
                },
                source => MergeError::Plan {
                    source: Box::new(source),
                },
            })?
            .with_databases(databases);
        let executed = execute(&plan, store, ExecuteOptions::default(), &mut |_| Ok(()));
        Ok((executed, store.create_databases()))
    })?;
    let (executed, create_databases) = merged?;
    Ok(Merged {
        files: inputs.len(),
        executed,
        create_databases,
        written,
    })
}

impl std::fmt::Display for Merged {
    /// `Merged 2 files into `OUT`: 3 tokens, 1 database to create.`, what a dry run
    /// would write, or where the run stopped (nothing written).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
        let out = Quoted::path(&self.written.path);
        let files = format!("{} {}", self.files, plural(self.files, "file", "files"));
        let tokens = self.written.tokens;
        let tokens = format!("{tokens} {}", plural(tokens, "token", "tokens"));
        if self.executed.report.failed.is_some() {
            return writeln!(
                f,
                "Merging {files} into {out} stopped: nothing was written."
            );
        }
        if self.executed.report.dry_run {
            return writeln!(
                f,
                "Dry run: nothing was written. Merging {files} would write {tokens} to {out}."
            );
        }
        let databases = self.create_databases.len();
        writeln!(
            f,
            "Merged {files} into {out}: {tokens}, {databases} {} to create.",
            plural(databases, "database", "databases"),
        )
    }
}

impl serde::Serialize for Merged {
    /// `{"output_file", "files", "tokens", "create_databases", "dry_run"}`, and
    /// `"failed"` (the error, in words) when the run stopped.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Merged", 5)?;
        s.serialize_field("output_file", &self.written.path.display().to_string())?;
        s.serialize_field("files", &self.files)?;
        s.serialize_field("tokens", &self.written.tokens)?;
        s.serialize_field("create_databases", &self.create_databases)?;
        s.serialize_field("dry_run", &self.executed.report.dry_run)?;
        if let Some(failed) = &self.executed.report.failed {
            s.serialize_field("failed", &influxdb3_text::chain(failed))?;
        }
        s.end()
    }
}

/// The tokens of `file`, each with its secret, to copy into another store.
fn copies(file: &TokenFile<'_>, now: Timestamp) -> Result<Vec<NewToken>, (String, AddError)> {
    file.tokens()
        .iter()
        .map(|t| {
            let fail = |e| (t.name().to_owned(), e);
            let name = TokenName::new(t.name()).map_err(|e| fail(AddError::InvalidName(e)))?;
            let grants = Grants::try_from(t.permissions().collect::<Vec<_>>())
                .map_err(|e| fail(AddError::NotGrants(e)))?;
            let expiry = t.expiry().map_or(Expiry::Never, Expiry::At);
            Ok(NewToken::new(name, grants, expiry, now).with_secret(t.token().clone()))
        })
        .collect()
}
