//! The options several commands share: how to reach the server, the output formats.

use std::path::PathBuf;

use clap::{Args, ValueEnum, ValueHint};

/// A file this binary writes: any path but `-`, which stands for standard input where a
/// command only reads a tokens file, and so names no file to write (`./-` names a file
/// called `-`).
pub(crate) fn written_file(value: &str) -> Result<PathBuf, String> {
    if value.is_empty() {
        return Err("an empty path names no file: name the file to write".to_owned());
    }
    if value == "-" {
        return Err("`-` is standard input, which a command only reads: name a file to write (`./-` for one named `-`)".to_owned());
    }
    Ok(PathBuf::from(value))
}

const BOOL_HELP: &str = "Do not verify the server's TLS certificate. Anyone on the network path can then read the admin token: use it only against a test server. Takes true/false, 1/0, yes/no or on/off from the environment";

const TOKEN_HELP: &str = "The admin token, or `-` to read it from standard input. A token given on the command line can be read by every user of the machine (`ps`): prefer --token -, --token-file or INFLUXDB3_AUTH_TOKEN_FILE";

const TOKEN_FILE_HELP: &str = "A file whose first line is the admin token (a Docker secret, say); it must not be readable by its group or others";

/// Output format of commands that report.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document on stdout, and nothing else; errors as one JSON object on
    /// stderr.
    Json,
}

/// Output format of `create token`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum CreateFormat {
    /// Human-readable text.
    #[default]
    Text,
    /// One JSON document on stdout, and nothing else; errors as one JSON object on
    /// stderr.
    Json,
    /// The token and a newline, and nothing else.
    Token,
}

/// How to reach the server.
#[derive(Args, Debug, Clone)]
pub(crate) struct Server {
    /// The host URL of the running InfluxDB 3 Enterprise server
    #[arg(
        short = 'H',
        long = "host",
        value_name = "HOST_URL",
        env = "INFLUXDB3_HOST_URL",
        hide_env_values = true,
        default_value = "http://127.0.0.1:8181",
        value_hint = ValueHint::Url
    )]
    pub(crate) host: String,

    /// The admin token
    #[arg(
        long = "token",
        value_name = "AUTH_TOKEN",
        env = "INFLUXDB3_AUTH_TOKEN",
        hide_env_values = true,
        long_help = TOKEN_HELP
    )]
    pub(crate) token: Option<String>,

    /// A file holding the admin token (first line)
    #[arg(
        long = "token-file",
        value_name = "FILE",
        env = "INFLUXDB3_AUTH_TOKEN_FILE",
        long_help = TOKEN_FILE_HELP,
        value_hint = ValueHint::FilePath
    )]
    pub(crate) token_file: Option<PathBuf>,

    /// An optional arg to use a custom CA for testing with self-signed certs
    #[arg(
        long = "tls-ca",
        value_name = "CA_CERT",
        env = "INFLUXDB3_TLS_CA",
        long_help = "A CA certificate (PEM or DER, told apart by the content) to trust as well as the usual roots, for servers with self-signed or private certificates",
        value_hint = ValueHint::FilePath
    )]
    pub(crate) tls_ca: Option<PathBuf>,

    /// Do not verify the server's TLS certificate (dangerous)
    #[arg(
        long = "tls-no-verify",
        env = "INFLUXDB3_TLS_NO_VERIFY",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        hide_short_help = true,
        long_help = BOOL_HELP
    )]
    pub(crate) tls_no_verify: Option<String>,
}
