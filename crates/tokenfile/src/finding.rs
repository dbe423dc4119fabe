//! Warnings about a file that was written.

use std::fmt;
use std::path::{Path, PathBuf};

use influxdb3_permission::DatabaseName;
use influxdb3_token::{Quoted, Timestamp};

/// Something worth a warning; the caller decides how to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// A token has a permission on a database the file does not create: the server
    /// refuses to load the file unless the database already exists.
    UnknownDatabase {
        /// The token's name.
        token: String,
        /// The database.
        database: DatabaseName,
    },
    /// A token has a `db:*` permission; some server versions look for a database
    /// literally named `*` when they load a file.
    WildcardDatabase {
        /// The token's name.
        token: String,
    },
    /// A token in the file has expired.
    Expired {
        /// The token's name.
        token: String,
        /// When it expired.
        at: Timestamp,
    },
    /// The file can be read by its group or by others, and it holds secrets.
    Readable {
        /// The file.
        path: PathBuf,
        /// Its mode.
        mode: u32,
    },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::UnknownDatabase { token, database } => write!(
                f,
                "token {} has a permission on database `{database}`, which the file does not create: the server will not load it unless `{database}` exists",
                Quoted(token)
            ),
            Finding::WildcardDatabase { token } => write!(
                f,
                "token {} has a `db:*` permission: some server versions look for a database named `*` when they load a tokens file",
                Quoted(token)
            ),
            Finding::Expired { token, at } => write!(f, "token {} expired at {at}", Quoted(token)),
            Finding::Readable { path, mode } => write!(
                f,
                "{} can be read by its group or others (mode {mode:04o}) and holds secrets: `chmod 600` it",
                Quoted::path(path)
            ),
        }
    }
}

/// How many names a line of a summary shows before it counts the rest.
const SHOW: usize = 3;

impl Finding {
    /// Findings as warnings to show, many of one kind in one line: the databases the
    /// file does not create first (named by the first token that needs one), then each
    /// other finding, then the expired tokens.
    ///
    /// ```
    /// use influxdb3_tokenfile::Finding;
    ///
    /// let findings = [
    ///     Finding::UnknownDatabase { token: "a".into(), database: "metrics".parse()? },
    ///     Finding::UnknownDatabase { token: "b".into(), database: "logs".parse()? },
    /// ];
    /// assert_eq!(
    ///     Finding::summary(&findings),
    ///     ["token `a` has a permission on 2 databases that the file does not create (`metrics` and `logs`): the server will not load the file unless they exist; add them with --create-databases"]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn summary<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Vec<String> {
        let mut lines = Vec::new();
        let mut unknown: Vec<(&str, &DatabaseName)> = Vec::new();
        let mut expired: Vec<&str> = Vec::new();
        for f in findings {
            match f {
                Finding::UnknownDatabase { token, database } => unknown.push((token, database)),
                Finding::Expired { token, .. } => expired.push(token),
                other => lines.push(other.to_string()),
            }
        }
        if let Some((token, _)) = unknown.first() {
            let one = unknown.len() == 1;
            lines.insert(
                0,
                format!(
                    "token {} has a permission on {} {} that the file does not create ({}): the server will not load the file unless {}; add {} with --create-databases",
                    Quoted(token),
                    unknown.len(),
                    if one { "database" } else { "databases" },
                    Quoted::list(unknown.iter().map(|(_, db)| &***db), SHOW),
                    if one { "it exists" } else { "they exist" },
                    if one { "it" } else { "them" },
                ),
            );
        }
        if !expired.is_empty() {
            let one = expired.len() == 1;
            lines.push(format!(
                "{} {} in the file {} expired: {}",
                expired.len(),
                if one { "token" } else { "tokens" },
                if one { "has" } else { "have" },
                Quoted::list(expired.iter().copied(), SHOW)
            ));
        }
        lines
    }

    /// Findings about the tokens a manifest created or changed in a file, as warnings:
    /// [`summary`](Finding::summary) of all but two kinds, then the databases neither
    /// the file nor the `manifest` creates (each once). Expired tokens are left out:
    /// the manifest's own are said by name from its report.
    pub fn summary_for_manifest<'f>(
        findings: impl IntoIterator<Item = &'f Finding>,
        manifest: &Path,
    ) -> Vec<String> {
        // Each database once, in the order found.
        let mut seen = std::collections::HashSet::new();
        let mut unknown: Vec<&str> = Vec::new();
        let mut others = Vec::new();
        for f in findings {
            match f {
                Finding::UnknownDatabase { database, .. } => {
                    if seen.insert(&**database) {
                        unknown.push(database);
                    }
                }
                Finding::Expired { .. } => {}
                other => others.push(other),
            }
        }
        let mut lines = Finding::summary(others);
        if !unknown.is_empty() {
            let one = unknown.len() == 1;
            lines.push(format!(
                "new or updated tokens have permissions on {} {} that neither the file nor the manifest creates: the server will not load the file unless {} exist; add {} to `create_databases` in {}",
                if one { "database" } else { "databases" },
                Quoted::list(unknown.iter().copied(), SHOW),
                if one { "it" } else { "they" },
                if one { "it" } else { "them" },
                Quoted::path(manifest)
            ));
        }
        lines
    }
}
