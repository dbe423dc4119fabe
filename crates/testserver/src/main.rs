//! `influxdb3-testserver`: run the token protocol's test server for local trials.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use influxdb3_testserver::{Mode, TestServer};

/// A stand-in for the token endpoints of InfluxDB 3 Enterprise, for trying
/// `influxdb3 create token` online. It is not a database: it stores token hashes and
/// database names in memory, and forgets them when it stops.
#[derive(Parser, Debug)]
#[command(name = "influxdb3-testserver", version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8181)]
    port: u16,
    /// Serve HTTPS with a certificate made now; the CA is written to a file to pass to
    /// `--tls-ca`.
    #[arg(long)]
    tls: bool,
    /// Write the CA certificate (PEM) here as well (with `--tls`).
    #[arg(long, value_name = "FILE", requires = "tls")]
    ca_out: Option<PathBuf>,
    /// Which server to be.
    #[arg(long, value_enum, default_value_t = ServerMode::Enterprise)]
    mode: ServerMode,
    /// A database that exists from the start (repeatable).
    #[arg(long = "database", value_name = "NAME")]
    databases: Vec<String>,
    /// Load a permission tokens file at start, as `influxdb3 serve
    /// --permission-tokens-file` does.
    #[arg(long, value_name = "FILE")]
    permission_tokens_file: Option<PathBuf>,
    /// Load an admin token file at start, as `influxdb3 serve --admin-token-file` does.
    #[arg(long, value_name = "FILE")]
    admin_token_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ServerMode {
    /// InfluxDB 3 Enterprise with authentication.
    Enterprise,
    /// InfluxDB 3 Core: no permission tokens (404).
    Core,
    /// Started without authentication: token endpoints answer 405.
    WithoutAuth,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = TestServer::builder()
        .port(args.port)
        .tls(args.tls)
        .mode(match args.mode {
            ServerMode::Enterprise => Mode::Enterprise,
            ServerMode::Core => Mode::Core,
            ServerMode::WithoutAuth => Mode::WithoutAuth,
        });
    for db in &args.databases {
        builder = builder.database(db);
    }
    if let Some(path) = &args.permission_tokens_file {
        builder = builder.permission_tokens_file(path);
    }
    if let Some(path) = &args.admin_token_file {
        builder = builder.admin_token_file(path);
    }
    let server = match builder.start() {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let (Some(out), Some(pem)) = (&args.ca_out, server.ca_pem())
        && let Err(e) = std::fs::write(out, pem)
    {
        eprintln!("error: cannot write `{}`: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!("influxdb3-testserver listening on {}", server.url());
    if let Some(ca) = args.ca_out.as_deref().or(server.ca_path()) {
        println!(
            "TLS CA certificate: {} (pass it with --tls-ca)",
            ca.display()
        );
    }
    println!(
        "Create the admin token with: curl -X POST {}/api/v3/configure/token/admin",
        server.url()
    );
    println!("Stop with Ctrl-C.");
    loop {
        std::thread::park();
    }
}
