//! The floor of `influxdb3 create token --offline` for the `offline_create` bench: the
//! least a program must do to write one small file durably (a temporary file, fsync,
//! rename, fsync of the directory), built by cargo with the same profile as the binary.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(target) = std::env::args_os().nth(1).map(std::path::PathBuf::from) else {
        return ExitCode::from(2);
    };
    let dir = target
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let temp = dir.join(".floor.tmp");
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        f.write_all(&[b'x'; 300])?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&temp, &target)?;
        std::fs::File::open(&dir)?.sync_all()
    })();
    if written.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
