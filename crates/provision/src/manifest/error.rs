//! What can be wrong with a manifest: a [`Diagnostic`] of a [`ManifestKind`].

use influxdb3_text::{Diagnostic, Kind};

/// What is wrong with a manifest, where (the byte span of the offending characters in
/// the manifest's text, with its line and column) and what to do about it.
///
/// Its origin is `<manifest>` until the caller, who knows the file, sets it with
/// [`Diagnostic::with_origin`]; `Display` gives `ORIGIN:LINE:COLUMN: MESSAGE`.
///
/// ```
/// use influxdb3_provision::{Manifest, ManifestKind};
///
/// let text = "[[token]]\nname = \"x\"\npermissions = [\"db:a,*:read\"]\n";
/// let err = Manifest::parse(text).unwrap_err().with_origin("m.toml");
/// assert_eq!(*err.kind(), ManifestKind::InvalidPermission);
/// let at = err.location().unwrap();
/// assert_eq!((at.line, at.column), (3, 22)); // the `*`
/// assert_eq!(&text[err.span().unwrap()], "*");
/// assert!(err.to_string().starts_with("m.toml:3:22: invalid permission `db:a,*:read`: "));
/// ```
pub type ManifestError = Diagnostic<ManifestKind>;

/// The kinds of problem a manifest can have; [`Kind::code`] gives each a stable name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ManifestKind {
    /// Not TOML (`invalid-toml`): `toml`'s own message.
    InvalidToml,
    /// A key a manifest or a `[[token]]` does not take (`unknown-key`).
    UnknownKey,
    /// A `[[token]]` without its `name` or `permissions` (`missing-key`).
    MissingKey,
    /// A value of the wrong type: a number for a name, a string for a list
    /// (`wrong-type`).
    WrongType,
    /// A token name that `create token --name` refuses (`invalid-name`).
    InvalidName,
    /// `_admin`, the operator admin token's name (`reserved-name`).
    ReservedName,
    /// A second token with a name already in the manifest (`duplicate-name`).
    DuplicateName,
    /// A permission that does not parse (`invalid-permission`).
    InvalidPermission,
    /// `*:*:*`, which only an admin token has (`admin-permission`).
    AdminPermission,
    /// An empty list of permissions (`no-permissions`).
    NoPermissions,
    /// An `expiry` that is not a lifetime, an `expires_at` that is not an instant
    /// (`invalid-expiry`).
    InvalidExpiry,
    /// Both `expiry` and `expires_at` (`conflicting-expiry`).
    ConflictingExpiry,
    /// A database of `create_databases` whose name is not valid
    /// (`invalid-database-name`).
    InvalidDatabaseName,
}

impl Kind for ManifestKind {
    fn code(&self) -> &'static str {
        match self {
            ManifestKind::InvalidToml => "invalid-toml",
            ManifestKind::UnknownKey => "unknown-key",
            ManifestKind::MissingKey => "missing-key",
            ManifestKind::WrongType => "wrong-type",
            ManifestKind::InvalidName => "invalid-name",
            ManifestKind::ReservedName => "reserved-name",
            ManifestKind::DuplicateName => "duplicate-name",
            ManifestKind::InvalidPermission => "invalid-permission",
            ManifestKind::AdminPermission => "admin-permission",
            ManifestKind::NoPermissions => "no-permissions",
            ManifestKind::InvalidExpiry => "invalid-expiry",
            ManifestKind::ConflictingExpiry => "conflicting-expiry",
            ManifestKind::InvalidDatabaseName => "invalid-database-name",
        }
    }
}

/// The origin of a manifest's diagnostics until the caller sets the file's path.
pub(super) const ORIGIN: &str = "<manifest>";
