//! The command line as clap sees it: raw strings, turned into checked options by
//! `options.rs` and nowhere else, and the flags that go together one way only
//! (`conflicts_with`, `requires`), which clap refuses. No conflict names an argument the
//! environment may set: clap counts a value from the environment as given.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum, ValueHint};
use clap_complete::engine::ArgValueCompleter;

use crate::complete::{self, Shell};

mod shared;
mod tokens;

pub(crate) use shared::{CreateFormat, Format, Server};
pub(crate) use tokens::{ApplyArgs, EditOptions, FileWrite, SecretsForm, TokensCommand};

const ABOUT: &str = "The token commands of InfluxDB 3: create permission and admin tokens, online or offline into tokens files, show and delete tokens, and review and provision tokens files and servers. This binary is not the database server.";

const LONG_ABOUT: &str = "The token commands of InfluxDB 3: create permission and admin tokens, online or offline into tokens files, show and delete tokens, and review and provision tokens files and servers.

This `influxdb3` implements only the token commands of InfluxDB 3 (`create token`, `show tokens`, `delete token`) and its own `tokens` commands. It is not the database server: `serve`, `query`, `write` and the other commands belong to the InfluxDB 3 binary itself.";

pub(crate) const EXIT_CODES: &str = "Exit codes: 0 success, 1 other failure (for `tokens check`, `lint` and `diff --fail-on-widen`: the answer is no), 2 usage or invalid input, 3 name already taken or merge conflict, 4 authentication or authorization refused, 5 connection or TLS failure, 6 unusable tokens file.";

/// `influxdb3`.
#[derive(Parser, Debug)]
#[command(
    name = "influxdb3",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXIT_CODES,
    disable_help_subcommand = true,
    arg_required_else_help = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Create a resource: a token.
    #[command(arg_required_else_help = true)]
    Create {
        #[command(subcommand)]
        resource: CreateResource,
    },
    /// Delete a resource: a token.
    #[command(arg_required_else_help = true)]
    Delete {
        #[command(subcommand)]
        resource: DeleteResource,
    },
    /// Show resources: the server's tokens.
    #[command(arg_required_else_help = true)]
    Show {
        #[command(subcommand)]
        resource: ShowResource,
    },
    /// Review and edit tokens files offline (list, lint, check, diff, merge, remove, rotate, apply).
    #[command(arg_required_else_help = true)]
    Tokens {
        #[command(subcommand)]
        command: TokensCommand,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        long_about = "Print a shell completion script. It asks this binary for candidates as you type, so that completion knows the permission grammar: resource types, `*`, system names, and actions after the second `:`.\n\n  bash:  source <(influxdb3 completions bash)\n  zsh:   source <(influxdb3 completions zsh)\n  fish:  influxdb3 completions fish | source"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff), or write every page to a directory.
    Man {
        /// The command whose page to print (`create token`); none for the main page.
        command: Vec<String>,
        /// Write every page (`influxdb3.1`, `influxdb3-create-token.1`, …) to this
        /// directory instead.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        out_dir: Option<PathBuf>,
    },
    /// Any other command (`serve`, say): not part of this binary.
    #[command(external_subcommand)]
    Other(Vec<OsString>),
}

/// What `create` creates.
#[derive(Subcommand, Debug)]
pub(crate) enum CreateResource {
    /// Create a token with fine-grained permissions, or an admin token.
    Token(Box<CreateToken>),
    /// Any other resource (`database`, say): not part of this binary.
    #[command(external_subcommand)]
    Other(Vec<OsString>),
}

/// What `show` shows.
#[derive(Subcommand, Debug)]
pub(crate) enum ShowResource {
    /// List the server's tokens, as `system.tokens` has them (never a secret).
    Tokens(ShowTokens),
    /// Any other resource (`databases`, say): not part of this binary.
    #[command(external_subcommand)]
    Other(Vec<OsString>),
}

/// Output format of `show tokens`: upstream's four.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum ShowFormat {
    /// An ASCII table.
    #[default]
    Pretty,
    /// A JSON array of objects.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header.
    Csv,
}

/// `influxdb3 show tokens`.
#[derive(Args, Debug)]
#[command(
    long_about = "List the server's tokens: the request upstream's `show tokens` sends (`select * from system.tokens` on `_internal`), printed as the server answers it. The filters (--name, --database, --expired, --expiring-within) are applied here, to the server's rows, and the result printed in the same format. The server lists the first 9 characters of each token's hash, never a secret.",
    after_help = "Exit codes: 0 success, 1 other failure, 2 usage, 4 authentication or authorization refused, 5 connection or TLS failure."
)]
pub(crate) struct ShowTokens {
    #[command(flatten)]
    pub(crate) server: Server,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = ShowFormat::Pretty)]
    pub(crate) format: ShowFormat,

    /// Only the token of this name
    #[arg(long, value_name = "NAME")]
    pub(crate) name: Option<String>,

    /// Only tokens that grant some action on this database (through `*` too)
    #[arg(long, value_name = "DATABASE")]
    pub(crate) database: Option<String>,

    /// Only tokens that have expired
    #[arg(long)]
    pub(crate) expired: bool,

    /// Only tokens that expire within this duration from now (not those expired already)
    #[arg(long, value_name = "DURATION", conflicts_with = "expired")]
    pub(crate) expiring_within: Option<String>,
}

/// What `delete` deletes.
#[derive(Subcommand, Debug)]
pub(crate) enum DeleteResource {
    /// Delete a token by name.
    Token(DeleteToken),
    /// Any other resource: not part of this binary.
    #[command(external_subcommand)]
    Other(Vec<OsString>),
}

/// `influxdb3 create token`.
#[allow(clippy::struct_excessive_bools)] // flags, as clap gives them
#[derive(Args, Debug)]
#[command(
    disable_help_flag = true,
    override_usage = "influxdb3 create token --permission <PERMISSION> --name <NAME> [OPTIONS]\n       influxdb3 create token --admin [--name <NAME>] [--regenerate] [OPTIONS]",
    after_help = "Permissions are RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS, for example `db:db1,db2:read,write` or `system:health:read`. Quote them: the shell expands `*`.",
    after_long_help = "Permissions are RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS, for example `db:db1,db2:read,write` or `system:health:read`. Quote them: the shell expands `*`.
  db      names: `*` or database names; actions: create, describe, read, write, delete
  system  names: `*` or health, metrics, ping, ready; actions: read

Exit codes: 0 success, 1 other failure, 2 usage or invalid input, 3 name already taken, 4 authentication or authorization refused, 5 connection or TLS failure, 6 unusable tokens file."
)]
pub(crate) struct CreateToken {
    /// Permissions in `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS` format--for example, `db:*:read,write`, `system:*:read`. `--permission` may be specified multiple times
    #[arg(
        long = "permission",
        visible_alias = "permissions",
        value_name = "PERMISSION",
        action = ArgAction::Append,
        add = ArgValueCompleter::new(complete::permission),
        required_unless_present_any = ["admin", "regenerate"],
        conflicts_with = "admin"
    )]
    pub(crate) permissions: Vec<String>,

    /// Name of the token
    #[arg(long, value_name = "NAME", required_unless_present_any = ["admin", "regenerate"])]
    pub(crate) name: Option<String>,

    /// Create an admin token instead of a permission token
    #[arg(long)]
    pub(crate) admin: bool,

    /// Replace the operator admin token `_admin` with a new one (with --admin); asks first
    #[arg(
        long,
        requires = "admin",
        // The flags of the other kinds of token, and every flag --admin conflicts
        // with: clap takes the --admin it requires as not missing when one of those
        // is given.
        conflicts_with_all = [
            "permissions", "name", "expiry", "expires_at", "if_not_exists", "replace",
            "offline", "secret_file", "create_databases", "output_file", "lock_timeout",
        ]
    )]
    pub(crate) regenerate: bool,

    /// With --regenerate: do not ask for confirmation
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,

    #[command(flatten)]
    pub(crate) server: Server,

    /// The token expiration time as a duration (for example, 1h, 7d, 1y). If not set, the token does not expire until revoked
    #[arg(
        long,
        value_name = "DURATION",
        allow_hyphen_values = true,
        conflicts_with = "expires_at"
    )]
    pub(crate) expiry: Option<String>,

    /// When the token expires, as an RFC 3339 instant in UTC (instead of --expiry)
    #[arg(long, value_name = "RFC3339")]
    pub(crate) expires_at: Option<String>,

    /// Refuse a token that lives longer than this, or never expires (a CI policy)
    #[arg(long, value_name = "DURATION", env = "INFLUXDB3_MAX_EXPIRY")]
    pub(crate) max_expiry: Option<String>,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CreateFormat::Text)]
    pub(crate) format: CreateFormat,

    /// Show what would be sent or written, and do nothing
    #[arg(
        long,
        long_help = "Show what would be done, and do nothing: online, the exact request (method, URL, headers with the admin token as `Bearer ***`, body); offline, the entry that would be written (its token as `apiv3_***`) and the file, after loading and checking the file as a real run would. Nothing is sent, written or locked"
    )]
    pub(crate) dry_run: bool,

    /// When a token of this name exists, change nothing and succeed
    #[arg(
        long,
        conflicts_with = "replace",
        long_help = "When a token of this name exists already (in the file offline; on the server online), change nothing, print nothing on stdout, say so on stderr, and exit 0: a provisioning script can run again"
    )]
    pub(crate) if_not_exists: bool,

    /// Offline: give the token of this name a new secret and these permissions and expiry
    #[arg(
        long,
        conflicts_with = "admin",
        long_help = "Offline: the token of this name gets a new secret and the given permissions and expiry, in the same place in the file (its unknown fields kept); the new secret is printed as for a create. Without a token of that name it is created"
    )]
    pub(crate) replace: bool,

    /// Write the token to --output-file instead of asking a server
    #[arg(
        long,
        requires = "output_file",
        long_help = "Write the token to --output-file instead of asking a server: a permission tokens file for `influxdb3 serve --permission-tokens-file` (the token is appended), or with --admin an admin token file for `--admin-token-file` (replaced)"
    )]
    pub(crate) offline: bool,

    /// Offline: the new token's value, read from this file (`-`: standard input) instead of generated
    #[arg(
        long,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        long_help = "Offline: the new token's value is read from FILE (`-`: standard input), one trailing newline trimmed, instead of being generated: a secret kept in a secret store, known to the clients before the server starts. It is `apiv3_` and 32 to 250 characters of `A-Z a-z 0-9 - _ . ~ + / =`. It is never printed (you hold it), and never taken from the command line. Writing the same name, secret and permissions again changes nothing"
    )]
    pub(crate) secret_file: Option<PathBuf>,

    /// Comma-separated list of database names to create when starting the server with the tokens file (with --offline)
    #[arg(
        long,
        value_name = "DATABASE_LIST",
        value_delimiter = ',',
        action = ArgAction::Append,
        requires = "offline",
        conflicts_with = "admin"
    )]
    pub(crate) create_databases: Vec<String>,

    /// File path to use for the generated tokens file (with --offline)
    #[arg(
        long,
        value_name = "FILE",
        value_hint = ValueHint::FilePath,
        value_parser = shared::written_file,
        requires = "offline"
    )]
    pub(crate) output_file: Option<PathBuf>,

    /// How long to wait for another writer's lock on --output-file (with --offline)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "30s",
        requires = "offline",
        long_help = "How long to wait for another writer to release the lock on --output-file (`.FILE.lock` beside it) before giving up with exit code 6"
    )]
    pub(crate) lock_timeout: String,

    /// Print help information
    #[arg(short = 'h', long = "help", action = ArgAction::HelpShort)]
    pub(crate) help: Option<bool>,

    /// Print detailed help information
    #[arg(long = "help-all", action = ArgAction::HelpLong)]
    pub(crate) help_all: Option<bool>,
}

/// `influxdb3 delete token`.
#[derive(Args, Debug)]
#[command(disable_help_flag = true)]
pub(crate) struct DeleteToken {
    /// Name of the token to delete
    #[arg(long = "token-name", value_name = "TOKEN_NAME")]
    pub(crate) token_name: String,

    /// Delete without asking for confirmation
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,

    /// Show the request that would be sent, and send nothing
    #[arg(long)]
    pub(crate) dry_run: bool,

    #[command(flatten)]
    pub(crate) server: Server,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
    pub(crate) format: Format,

    /// Print help information
    #[arg(short = 'h', long = "help", action = ArgAction::HelpShort)]
    pub(crate) help: Option<bool>,

    /// Print detailed help information
    #[arg(long = "help-all", action = ArgAction::HelpLong)]
    pub(crate) help_all: Option<bool>,
}
