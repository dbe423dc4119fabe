//! `influxdb3`: the token commands of InfluxDB 3.

fn main() -> std::process::ExitCode {
    influxdb3_cli::main_with(std::env::args_os())
}
