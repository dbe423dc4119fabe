//! Two files compared token by token, and several files merged into one.

use std::collections::{HashMap, HashSet};

use influxdb3_permission::{DatabaseName, Permission};
use influxdb3_provision::ChangeWords;
use influxdb3_token::{Quoted, Timestamp, mask_token_shaped};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::model::{TokenEntry, TokenFile};

/// What changed from one tokens file to another, by token name. Grants are compared by
/// what they allow ([`PermissionSet::beyond`](influxdb3_permission::PermissionSet::beyond)), not by their text: `db:a,b:read` and
/// `db:a:read` + `db:b:read` are the same.
///
/// ```
/// use influxdb3_tokenfile::{FileDiff, TokenFile};
///
/// let old = TokenFile::parse(r#"{"tokens": [
///   {"token": "apiv3_a", "name": "t", "permissions": ["db:a,b:read"]}]}"#)?;
/// let new = TokenFile::parse(r#"{"tokens": [
///   {"token": "apiv3_a", "name": "t", "permissions": ["db:b:read", "db:a:read,write"]}]}"#)?;
/// let diff = FileDiff::between(&old, &new);
/// assert_eq!(diff.changed[0].widened[0].to_string(), "db:a:write");
/// assert!(diff.changed[0].narrowed.is_empty());
/// assert!(diff.widens());
/// # Ok::<(), influxdb3_tokenfile::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FileDiff {
    /// Tokens only in the new file, in its order.
    pub added: Vec<Added>,
    /// Names of tokens only in the old file, in its order.
    pub removed: Vec<String>,
    /// Tokens in both that differ, in the new file's order.
    pub changed: Vec<Changed>,
    /// Databases the new file creates and the old one did not.
    pub databases_added: Vec<DatabaseName>,
    /// Databases the old file created and the new one does not.
    pub databases_removed: Vec<DatabaseName>,
}

/// A token only in the new file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Added {
    /// Its name.
    pub name: String,
    /// Its permissions.
    pub permissions: Vec<Permission>,
    /// When it expires.
    pub expiry: Option<Timestamp>,
}

/// A token in both files that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Changed {
    /// Its name.
    pub name: String,
    /// What it may do now and could not before, by database and action.
    pub widened: Vec<Permission>,
    /// What it could do before and may not now.
    pub narrowed: Vec<Permission>,
    /// The old and new expiry, when they differ.
    pub expiry: Option<(Option<Timestamp>, Option<Timestamp>)>,
    /// Whether its secret changed (told by comparing the values; never shown).
    pub secret_rotated: bool,
}

impl Changed {
    /// Whether its expiry moved later, or went away.
    pub fn expiry_extended(&self) -> bool {
        match self.expiry {
            Some((Some(_), None)) => true,
            Some((Some(old), Some(new))) => new > old,
            _ => false,
        }
    }
}

impl std::fmt::Display for Changed {
    /// What changed: `widened …; narrowed …; expiry OLD -> NEW (later); secret rotated`,
    /// the parts that apply (no name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        ChangeWords::new(&self.widened, &self.narrowed, self.expiry)
            .later(self.expiry_extended())
            .note(self.secret_rotated.then_some("secret rotated"))
            .fmt(f)
    }
}

impl FileDiff {
    /// The differences from `old` to `new`.
    pub fn between(old: &TokenFile<'_>, new: &TokenFile<'_>) -> FileDiff {
        let olds: HashMap<&str, &TokenEntry<'_>> =
            old.tokens().iter().map(|t| (t.name(), t)).collect();
        let news: HashMap<&str, &TokenEntry<'_>> =
            new.tokens().iter().map(|t| (t.name(), t)).collect();
        let mut diff = FileDiff::default();
        for entry in new.tokens() {
            let Some(before) = olds.get(entry.name()) else {
                diff.added.push(Added {
                    name: entry.name().to_owned(),
                    permissions: entry.permissions().collect(),
                    expiry: entry.expiry(),
                });
                continue;
            };
            let (was, is) = (before.grants(), entry.grants());
            let changed = Changed {
                name: entry.name().to_owned(),
                widened: is.beyond(&was),
                narrowed: was.beyond(&is),
                expiry: (before.expiry() != entry.expiry())
                    .then(|| (before.expiry(), entry.expiry())),
                secret_rotated: before.token() != entry.token(),
            };
            if !changed.widened.is_empty()
                || !changed.narrowed.is_empty()
                || changed.expiry.is_some()
                || changed.secret_rotated
            {
                diff.changed.push(changed);
            }
        }
        diff.removed = old
            .tokens()
            .iter()
            .filter(|t| !news.contains_key(t.name()))
            .map(|t| t.name().to_owned())
            .collect();
        let (was, is) = (
            old.create_databases().unwrap_or_default(),
            new.create_databases().unwrap_or_default(),
        );
        let (was_set, is_set): (HashSet<_>, HashSet<_>) =
            (was.iter().collect(), is.iter().collect());
        diff.databases_added = is
            .iter()
            .filter(|d| !was_set.contains(d))
            .cloned()
            .collect();
        diff.databases_removed = was
            .iter()
            .filter(|d| !is_set.contains(d))
            .cloned()
            .collect();
        diff
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.databases_added.is_empty()
            && self.databases_removed.is_empty()
    }

    /// Whether any access was gained: a token added, a token that may do more, or one
    /// whose expiry moved later or went away.
    pub fn widens(&self) -> bool {
        !self.added.is_empty()
            || self
                .changed
                .iter()
                .any(|c| !c.widened.is_empty() || c.expiry_extended())
    }
}

/// A value as JSON shows it: its text, token-shaped runs masked (a name or a database
/// that looks like a secret is not shown as one).
struct Masked<'a, T: ?Sized>(&'a T);

impl<T: std::fmt::Display + ?Sized> Serialize for Masked<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&mask_token_shaped(&self.0.to_string()))
    }
}

/// A list of values as [`Masked`] shows each.
struct MaskedAll<'a, T>(&'a [T]);

impl<T: std::fmt::Display> Serialize for MaskedAll<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Masked))
    }
}

/// An expiry as JSON: RFC 3339, or `null` for never.
fn at(t: Option<Timestamp>) -> Option<String> {
    t.map(|t| t.to_string())
}

impl Serialize for Added {
    /// `{"name", "permissions", "expiry"}`: canonical permissions, RFC 3339 or `null`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Added", 3)?;
        s.serialize_field("name", &Masked(&self.name))?;
        s.serialize_field("permissions", &MaskedAll(&self.permissions))?;
        s.serialize_field("expiry", &at(self.expiry))?;
        s.end()
    }
}

impl Serialize for Changed {
    /// `{"name", "widened", "narrowed", "expiry": {"old", "new"} | null,
    /// "expiry_extended", "secret_rotated"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Change {
            old: Option<String>,
            new: Option<String>,
        }
        let mut s = serializer.serialize_struct("Changed", 6)?;
        s.serialize_field("name", &Masked(&self.name))?;
        s.serialize_field("widened", &MaskedAll(&self.widened))?;
        s.serialize_field("narrowed", &MaskedAll(&self.narrowed))?;
        let change = self.expiry.map(|(old, new)| Change {
            old: at(old),
            new: at(new),
        });
        s.serialize_field("expiry", &change)?;
        s.serialize_field("expiry_extended", &self.expiry_extended())?;
        s.serialize_field("secret_rotated", &self.secret_rotated)?;
        s.end()
    }
}

impl Serialize for FileDiff {
    /// `{"added", "removed", "changed", "databases_added", "databases_removed",
    /// "widens"}`: the shape of `influxdb3 tokens diff --format json`. No secret: a
    /// rotation is a flag.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("FileDiff", 6)?;
        s.serialize_field("added", &self.added)?;
        s.serialize_field("removed", &MaskedAll(&self.removed))?;
        s.serialize_field("changed", &self.changed)?;
        s.serialize_field("databases_added", &MaskedAll(&self.databases_added))?;
        s.serialize_field("databases_removed", &MaskedAll(&self.databases_removed))?;
        s.serialize_field("widens", &self.widens())?;
        s.end()
    }
}

impl std::fmt::Display for FileDiff {
    /// A line per token added (`+`), removed (`-`) or changed (`~`), then per database
    /// added or removed, then the counts and whether access widened; or `No
    /// differences.`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Database names in permissions may look like a secret too: the whole text is
        // masked (names are quoted, and masked, already).
        f.write_str(&mask_token_shaped(&self.text()))
    }
}

impl FileDiff {
    /// The lines `Display` shows, before masking.
    fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut f = String::new();
        if self.is_empty() {
            return "No differences.\n".to_owned();
        }
        for a in &self.added {
            let permissions: Vec<String> = a.permissions.iter().map(ToString::to_string).collect();
            let expiry = Timestamp::or_never(a.expiry);
            let _ = writeln!(
                f,
                "+ {}: {} (expires {expiry})",
                Quoted(&a.name),
                permissions.join(", ")
            );
        }
        for name in &self.removed {
            let _ = writeln!(f, "- {}", Quoted(name));
        }
        for c in &self.changed {
            let _ = writeln!(f, "~ {}: {c}", Quoted(&c.name));
        }
        for db in &self.databases_added {
            let _ = writeln!(f, "+ database {db}");
        }
        for db in &self.databases_removed {
            let _ = writeln!(f, "- database {db}");
        }
        let _ = writeln!(
            f,
            "{} added, {} removed, {} changed; {}",
            self.added.len(),
            self.removed.len(),
            self.changed.len(),
            if self.widens() {
                "access widened"
            } else {
                "no access widened"
            }
        );
        f
    }
}
