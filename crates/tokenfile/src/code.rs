//! What a problem of a tokens file is: one [`Code`] per kind, shared by the strict
//! loader ([`TokenFile::parse`](crate::TokenFile::parse)) and [`lint`](crate::lint).

use std::fmt;

pub use influxdb3_text::Severity;

/// What a problem of a tokens file is about; its [`as_str`](Self::as_str) form is
/// stable, for scripts and for CI rules. The strict loader stops at the first problem
/// that [`stops_load`](Self::stops_load); [`lint`](crate::lint) reports them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `not-json` (error): the text is not JSON.
    NotJson,
    /// `wrong-shape` (error): JSON, but not a tokens file: not an object, no `tokens`
    /// list, a token that is not an object or lacks a field, a field of the wrong type.
    WrongShape,
    /// `duplicate-field` (error): one object has a key twice.
    DuplicateField,
    /// `invalid-name` (error): an empty token name, or one with a control character.
    InvalidName,
    /// `unsafe-name` (error): a name that `create token` refuses (a zero-width or
    /// bidirectional character, whitespace at either end, over 256 characters): a
    /// listing would not show it as it is. The file still loads, to fix it.
    UnsafeName,
    /// `confusable-name` (warning): a name that mixes scripts as a look-alike would
    /// (a Cyrillic `е` among Latin letters), or that looks like another name of the
    /// file (one UTS #39 skeleton).
    ConfusableName,
    /// `reserved-name` (error): a permission token named `_admin`, which the server
    /// keeps for its operator admin token.
    ReservedName,
    /// `duplicate-name` (error): two tokens with one name.
    DuplicateName,
    /// `token-prefix` (error): a token value without `apiv3_`, or with whitespace or a
    /// control character.
    TokenPrefix,
    /// `token-length` (warning): a token value that is neither 64 random bytes in
    /// URL-safe base64 after `apiv3_`, as generated tokens are, nor a chosen secret
    /// ([`Token::parse_chosen`](influxdb3_token::Token::parse_chosen): 32 to 250
    /// characters of the token alphabet): written by hand, or guessable.
    TokenLength,
    /// `duplicate-token` (error): two tokens with one value.
    DuplicateToken,
    /// `invalid-permission` (error): a permission that does not parse.
    InvalidPermission,
    /// `admin-permission` (error): `*:*:*`, which makes a permission token an admin
    /// token.
    AdminPermission,
    /// `no-permissions` (warning): a token with an empty `permissions` list.
    NoPermissions,
    /// `invalid-database-name` (error): a name in `create_databases` that is not a
    /// valid database name.
    InvalidDatabaseName,
    /// `unknown-database` (warning): a permission on a database the file does not
    /// create; the server will not load the file unless it exists.
    UnknownDatabase,
    /// `wildcard-database` (warning): a `db:*` permission.
    WildcardDatabase,
    /// `expired` (warning): a token whose expiry has passed.
    Expired,
    /// `no-expiry` (warning): a token that never expires.
    NoExpiry,
    /// `readable-file` (warning): the file can be read by its group or others.
    ReadableFile,
}

impl Code {
    /// The stable name: `not-json`, `duplicate-name`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NotJson => "not-json",
            Code::WrongShape => "wrong-shape",
            Code::DuplicateField => "duplicate-field",
            Code::InvalidName => "invalid-name",
            Code::UnsafeName => "unsafe-name",
            Code::ConfusableName => "confusable-name",
            Code::ReservedName => "reserved-name",
            Code::DuplicateName => "duplicate-name",
            Code::TokenPrefix => "token-prefix",
            Code::TokenLength => "token-length",
            Code::DuplicateToken => "duplicate-token",
            Code::InvalidPermission => "invalid-permission",
            Code::AdminPermission => "admin-permission",
            Code::NoPermissions => "no-permissions",
            Code::InvalidDatabaseName => "invalid-database-name",
            Code::UnknownDatabase => "unknown-database",
            Code::WildcardDatabase => "wildcard-database",
            Code::Expired => "expired",
            Code::NoExpiry => "no-expiry",
            Code::ReadableFile => "readable-file",
        }
    }

    /// How bad it is.
    pub fn severity(self) -> Severity {
        match self {
            Code::TokenLength
            | Code::NoPermissions
            | Code::UnknownDatabase
            | Code::WildcardDatabase
            | Code::Expired
            | Code::NoExpiry
            | Code::ReadableFile
            | Code::ConfusableName => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// Whether the strict loader refuses a file with this problem. The errors that do
    /// not ([`ReservedName`](Self::ReservedName), [`UnsafeName`](Self::UnsafeName),
    /// [`AdminPermission`](Self::AdminPermission)) are about what the server or a
    /// reader does with a file that loads: the commands still read it, to fix it.
    pub fn stops_load(self) -> bool {
        self.severity() == Severity::Error
            && !matches!(
                self,
                Code::ReservedName | Code::UnsafeName | Code::AdminPermission
            )
    }
}

impl influxdb3_text::Kind for Code {
    fn code(&self) -> &'static str {
        self.as_str()
    }

    fn severity(&self) -> Severity {
        Code::severity(*self)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
