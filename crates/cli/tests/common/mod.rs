//! What the command-line test files share: the binary with a clean environment, its
//! output as text, directory listings, and runs on a pseudo-terminal.

#![allow(dead_code)] // each test file uses its own part

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The binary under test: this build's, or another one named by `INFLUXDB3_BIN` (to
/// show that an older build fails the hostile-input tests).
pub(crate) fn bin() -> String {
    std::env::var("INFLUXDB3_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_influxdb3").to_owned())
}

/// Removes the variables the binary reads, so that the test's own environment does not
/// leak in, and gives it no standard input.
pub(crate) fn clean_env(cmd: &mut Command) {
    for var in [
        "INFLUXDB3_HOST_URL",
        "INFLUXDB3_AUTH_TOKEN",
        "INFLUXDB3_AUTH_TOKEN_FILE",
        "INFLUXDB3_TLS_CA",
        "INFLUXDB3_TLS_NO_VERIFY",
        "INFLUXDB3_MAX_EXPIRY",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "CI",
        "COMPLETE",
    ] {
        cmd.env_remove(var);
    }
    cmd.stdin(Stdio::null());
}

/// `influxdb3 ARGS` with a clean environment.
pub(crate) fn influxdb3(args: &[&str]) -> Command {
    let mut cmd = Command::new(bin());
    cmd.args(args);
    clean_env(&mut cmd);
    cmd
}

pub(crate) fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The names of the files in `dir`, sorted.
pub(crate) fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `influxdb3 ARGS` on a pseudo-terminal (util-linux `script`), feeding `input`,
/// with `env` set (and a `TERM` that has colour: CI may set none).
pub(crate) fn on_terminal(args: &[&str], input: &str, env: &[(&str, &str)]) -> Output {
    let line = std::iter::once(bin())
        .chain(
            args.iter()
                .map(|a| format!("'{}'", a.replace('\'', "'\\''"))),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]);
    clean_env(&mut cmd);
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs commands on a terminal");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
