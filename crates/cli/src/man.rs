//! `influxdb3 man`: manual pages made by `clap_mangen` from the same definitions as
//! `--help`, printed or written to a directory (`doc/man` holds them, and a test keeps
//! them current).

use std::path::Path;

use clap::{Command, CommandFactory};

use influxdb3_tokenfile::TokenFileError;

use crate::args::Cli;
use crate::error::{CliError, Exit};
use crate::output::Outcome;
use crate::quote::{command, quote};

/// Every page: the command path and the command, `influxdb3` first.
fn pages() -> Vec<(Vec<String>, Command)> {
    fn walk(path: &[String], cmd: &Command, out: &mut Vec<(Vec<String>, Command)>) {
        out.push((path.to_vec(), cmd.clone()));
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            let mut next = path.to_vec();
            next.push(sub.get_name().to_owned());
            walk(&next, sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&[], &Cli::command(), &mut out);
    out
}

/// The file name of a page: `influxdb3-create-token.1`.
fn file_name(path: &[String]) -> String {
    std::iter::once("influxdb3")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("-")
        + ".1"
}

/// The page of the command at `path`, in roff.
fn render(path: &[String], cmd: Command) -> Vec<u8> {
    let title = file_name(path).trim_end_matches(".1").to_owned();
    let bin = std::iter::once("influxdb3")
        .chain(path.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let cmd = cmd
        .name(title)
        .bin_name(bin)
        .version(env!("CARGO_PKG_VERSION"));
    let mut out = Vec::new();
    // Rendering to memory cannot fail.
    let _ = clap_mangen::Man::new(cmd).render(&mut out);
    out
}

/// `influxdb3 man [COMMAND…] [--out-dir DIR]`: a page on stdout, or every page written
/// to `out_dir`.
pub(crate) fn run(command: &[String], out_dir: Option<&Path>) -> Result<Outcome, CliError> {
    if let Some(dir) = out_dir {
        return write_all(dir).map(|()| Outcome::ok(String::new()));
    }
    let Some((path, cmd)) = pages().into_iter().find(|(p, _)| p == command) else {
        return Err(CliError::usage(format!(
            "there is no command {}",
            quote(&command.join(" "))
        ))
        .hint("`influxdb3 man` prints the main page; `influxdb3 man create token` that of `create token`"));
    };
    Ok(Outcome::ok(
        String::from_utf8_lossy(&render(&path, cmd)).into_owned(),
    ))
}

/// The mode of a new page: anyone may read a manual.
const PAGE_MODE: u32 = 0o644;

/// Writes every page into `dir` through the safe writer: each replaced atomically, and
/// whatever is not a regular file at a page's path (a symbolic link, a FIFO, a
/// device…) refused and left alone.
fn write_all(dir: &Path) -> Result<(), CliError> {
    for (path, cmd) in pages() {
        let file = dir.join(file_name(&path));
        influxdb3_tokenfile::write_file(&file, &render(&path, cmd), PAGE_MODE).map_err(|e| {
            // The tokens files' table words every refusal; a page is no tokens file, so
            // its exit code is 1 and the hints name `--out-dir`.
            let mut err = CliError::from_file(&e);
            if err.code == Exit::TokensFile {
                err.code = Exit::Failure;
            }
            match e {
                TokenFileError::NotRegular { .. } | TokenFileError::HardLinked { .. } => err.hint(
                    "a page is only written as a regular file of its own, and what is there was left as it was: remove it, or choose another --out-dir",
                ),
                TokenFileError::NoDirectory { directory, .. } => err.hint(format!(
                    "create it first ({}), or choose another --out-dir",
                    command("mkdir -p {}", &[("DIR", directory.as_os_str())])
                )),
                _ => err,
            }
        })?;
    }
    Ok(())
}
