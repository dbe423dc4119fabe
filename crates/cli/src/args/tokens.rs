//! `influxdb3 tokens …` as clap sees it.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueHint};

use super::shared::{CreateFormat, Format, Server, written_file};

const TOKENS_EXIT: &str = "Exit codes: 0 success, 1 other failure, 2 usage or invalid input, 3 name already taken or merge conflict, 6 unusable tokens file.";

/// `influxdb3 tokens …`: commands on permission tokens files; none of them talks to a
/// server.
#[derive(Subcommand, Debug)]
pub(crate) enum TokensCommand {
    /// One row per token: name, permissions, expiry, hash prefix. Never the secret
    #[command(after_help = TOKENS_EXIT)]
    List {
        /// The permission tokens file
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
        format: Format,
    },
    /// Report what is wrong or risky in a tokens file, with the line of each finding
    #[command(
        long_about = "Report what is wrong or risky in a tokens file, with the line of each finding. Unlike `create token`, it reads files that do not load, and reports instead of refusing. Each finding has a stable code and a severity (error: the server will not load the file, or it grants what a permission file must not; warning: risky).",
        after_help = "Exit codes: 0 no error (with --strict: no finding), 1 an error was found (with --strict: any finding), 2 usage, 6 the file cannot be read."
    )]
    Lint {
        /// The permission tokens file
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// Fail on warnings too
        #[arg(long)]
        strict: bool,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
        format: Format,
    },
    /// May the token NAME do ACTION on RESOURCE? (`tokens check tokens.json telegraf write db:metrics`)
    #[command(
        after_help = "RESOURCE is `db:NAME`, `db:*` (every database), `system:NAME` (health, metrics, ping, ready) or `system:*`.\n\nExit codes: 0 allowed, 1 denied, 2 usage (an unknown token name included), 6 unusable tokens file."
    )]
    Check {
        /// The permission tokens file
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath)]
        file: PathBuf,
        /// The token's name
        #[arg(value_name = "NAME")]
        name: String,
        /// create, describe, read, write or delete
        #[arg(value_name = "ACTION")]
        action: String,
        /// `db:NAME`, `db:*`, `system:NAME` or `system:*`
        #[arg(value_name = "RESOURCE")]
        resource: String,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
        format: Format,
    },
    /// What changed from OLD to NEW: tokens added, removed, and what each token gained or lost
    #[command(
        long_about = "What changed from OLD to NEW: tokens added and removed, and for each token in both what access it gained (widened) or lost (narrowed) by database and action, expiry changes, and secrets rotated (told by comparing values, never shown). Permissions are compared by what they allow: `db:a,b:read` and `db:a:read` + `db:b:read` are the same.",
        after_help = "Exit codes: 0 success (with --fail-on-widen: nothing widened), 1 access was widened (with --fail-on-widen), 2 usage, 6 unusable tokens file."
    )]
    Diff {
        /// The tokens file before
        #[arg(value_name = "OLD", value_hint = ValueHint::FilePath)]
        old: PathBuf,
        /// The tokens file after
        #[arg(value_name = "NEW", value_hint = ValueHint::FilePath)]
        new: PathBuf,
        /// Exit 1 when a token was added, gained access, or expires later
        #[arg(long)]
        fail_on_widen: bool,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
        format: Format,
    },
    /// Combine tokens files into one (OUT may be one of the inputs)
    #[command(
        long_about = "Combine tokens files into one: `create_databases` united in first-seen order, tokens in order, a token that is the same in several files kept once. Two files that use one name for different tokens, or one token value under two names, are refused with every conflict named (exit 3). OUT may be one of the inputs; a file that holds tokens and is not an input is refused rather than overwritten.",
        after_help = TOKENS_EXIT
    )]
    Merge {
        /// The tokens files, in order
        #[arg(value_name = "FILE", required = true, num_args = 1.., value_hint = ValueHint::FilePath)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        write: FileWrite,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
        format: Format,
    },
    /// Remove the token NAME from a tokens file
    #[command(after_help = TOKENS_EXIT)]
    Remove {
        /// The permission tokens file
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath, value_parser = written_file)]
        file: PathBuf,
        /// The token's name
        #[arg(long, value_name = "NAME")]
        name: String,
        #[command(flatten)]
        options: EditOptions,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
        format: Format,
    },
    /// Give the token NAME a new secret (same permissions and expiry), printed once
    #[command(after_help = TOKENS_EXIT)]
    Rotate {
        /// The permission tokens file
        #[arg(value_name = "FILE", value_hint = ValueHint::FilePath, value_parser = written_file)]
        file: PathBuf,
        /// The token's name
        #[arg(long, value_name = "NAME")]
        name: String,
        /// The new secret, read from this file (`-`: standard input) instead of generated; never printed
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        secret_file: Option<PathBuf>,
        #[command(flatten)]
        options: EditOptions,
        /// Output format
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = CreateFormat::Text)]
        format: CreateFormat,
    },
    /// Bring a tokens file, or a server, to what a manifest (TOML) says: create missing tokens, report drift, prune
    #[command(
        long_about = "Bring a tokens file to what a manifest says, in one locked, durable write. The manifest (TOML) lists the tokens that should exist:

  create_databases = [\"metrics\", \"logs\"]
  [[token]]
  name = \"telegraf\"
  permissions = [\"db:metrics:write\"]
  expiry = \"90d\"            # or expires_at = \"2027-01-01T00:00:00Z\"; or none
  secret_file = \"secrets/telegraf\"   # optional: a chosen secret (tokens files only)

Missing tokens are created and their secrets printed once (or written to --secrets-out); a token with a `secret_file` (relative to the manifest's directory) gets the secret in that file, which is never printed, and a token whose secret is not that one is drift. Tokens already there with the same grants are left alone; tokens whose grants (or `expires_at`, or lack of expiry) differ are reported as drift and changed only with --update (same secret). --prune removes tokens the manifest does not list. Applying the same manifest again changes nothing.

Without --output-file, the manifest is applied to the server at --host: its tokens are read (as `show tokens` does), the missing ones created, drift reported and, with --recreate, the drifted tokens deleted and created again (new secrets: a server cannot change a token). --prune deletes the tokens the manifest does not list, never an admin token. Each step is printed as it is done.",
        after_help = TOKENS_EXIT
    )]
    Apply(ApplyArgs),
}

/// The form of `--secrets-out`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretsForm {
    /// A JSON map of name to token.
    Json,
    /// Variables for `sh` and Docker Compose.
    Env,
    /// One file per token in a new directory.
    Dir,
    /// A Kubernetes Secret.
    Kubernetes,
}

/// `tokens apply`'s flags. (clap checks those that go with another flag; it does not
/// count a default value as given.)
#[derive(Args, Debug)]
#[allow(clippy::struct_excessive_bools)] // flags, as clap gives them
#[command(mut_arg("lock_timeout", |a| a.requires("output_file")))]
pub(crate) struct ApplyArgs {
    /// The manifest (TOML)
    #[arg(value_name = "MANIFEST", value_hint = ValueHint::FilePath)]
    pub(crate) manifest: PathBuf,
    /// The permission tokens file to bring in line (created if missing); without it, the server at --host
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, value_parser = written_file)]
    pub(crate) output_file: Option<PathBuf>,
    /// Remove tokens the manifest does not list
    #[arg(long)]
    pub(crate) prune: bool,
    /// Give drifted tokens the manifest's grants and expiry (same secret; with --output-file)
    #[arg(long)]
    pub(crate) update: bool,
    /// Online: delete and create again the drifted tokens (new secrets)
    #[arg(long)]
    pub(crate) recreate: bool,
    /// With --prune: go ahead when every token would be removed, without asking
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// Refuse to create or update a token that lives longer than this, or never expires (a CI policy)
    #[arg(long, value_name = "DURATION", env = "INFLUXDB3_MAX_EXPIRY")]
    pub(crate) max_expiry: Option<String>,
    #[command(flatten)]
    pub(crate) server: Server,
    /// Write the new tokens' secrets to this new file (mode 0600, a JSON map name → token) instead of stdout
    #[arg(long, value_name = "PATH", value_hint = ValueHint::FilePath, value_parser = written_file)]
    pub(crate) secrets_out: Option<PathBuf>,
    /// The form of --secrets-out
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        default_value_t = SecretsForm::Json,
        requires = "secrets_out",
        long_help = "The form of --secrets-out, for the program that reads it:\n  json        a JSON map, token name → token\n  env         a file `sh` sources (`set -a; . FILE`) and Docker Compose's `env_file` reads: INFLUXDB3_TOKEN_NAME='apiv3_…', the name in capitals with every character other than A-Z and 0-9 written `_`\n  dir         a new directory (mode 0700) with one file per token, named after it, holding exactly its value: the layout of /run/secrets/NAME\n  kubernetes  a v1 Secret as JSON for `kubectl apply -f`, named by --secrets-name, one stringData key per token\nNames that the form cannot hold are refused before anything is made"
    )]
    pub(crate) secrets_format: SecretsForm,
    /// The Secret's metadata.name (with --secrets-format kubernetes)
    #[arg(long, value_name = "NAME", requires = "secrets_out")]
    pub(crate) secrets_name: Option<String>,
    #[command(flatten)]
    pub(crate) options: EditOptions,
    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = Format::Text)]
    pub(crate) format: Format,
}

/// The options of every command that writes a tokens file.
#[derive(Args, Debug)]
pub(crate) struct EditOptions {
    /// Show what would change, and write nothing
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// How long to wait for another writer's lock on the file
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub(crate) lock_timeout: String,
}

/// `merge`'s output.
#[derive(Args, Debug)]
pub(crate) struct FileWrite {
    /// The file to write the merged tokens to
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, value_parser = written_file)]
    pub(crate) output_file: PathBuf,
    #[command(flatten)]
    pub(crate) options: EditOptions,
}
