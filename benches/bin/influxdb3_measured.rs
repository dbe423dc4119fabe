//! `influxdb3`, built from the CLI's own `main` (`influxdb3_cli::main_with`) as a binary
//! of this package, so that the `offline_create` bench can run it beside its floor with
//! both built by cargo in one profile.

fn main() -> std::process::ExitCode {
    influxdb3_cli::main_with(std::env::args_os())
}
