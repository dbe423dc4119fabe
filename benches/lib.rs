//! Helpers shared by the benchmarks, which are the `[[bench]]` targets of this package.
//!
//! Run them with `cargo bench -p influxdb3-benches`; run each once as a smoke test with
//! `cargo test -p influxdb3-benches --benches`. Every figure is measured beside a
//! baseline in the same run, and the ratio is printed at the end: on a noisy machine the
//! ratio is what counts.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;

/// A criterion configured for short, repeatable runs on a small machine.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
        .configure_from_args()
}

/// Whether this run measures (`cargo bench`) rather than only smoke-tests.
pub fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test")
}

/// The mean time of one benchmark in this run, from criterion's estimates, in ns.
pub fn mean_ns(group: &str, id: &str) -> Option<f64> {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(workspace_target, PathBuf::from)
        .join("criterion")
        .join(group)
        .join(id)
        .join("new")
        .join("estimates.json");
    let text = std::fs::read_to_string(dir).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

fn workspace_target() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target")
}

/// Prints `ours / baseline` for each pair measured in this run, with the target
/// (`0.0`: no target, the figure is for reading).
pub fn report(title: &str, pairs: &[(&str, &str, &str, f64)]) {
    if !measuring() {
        return;
    }
    println!("\n{title}: ratio = ours / baseline (mean times, this run)");
    for (group, ours, baseline, target) in pairs {
        match (mean_ns(group, ours), mean_ns(group, baseline)) {
            (Some(a), Some(b)) => {
                let ratio = a / b;
                let verdict = if *target == 0.0 {
                    "(no target)".to_owned()
                } else if ratio <= *target {
                    format!("(target <= {target}) ok")
                } else {
                    format!("(target <= {target}) OVER TARGET")
                };
                println!(
                    "  {group}: {ours} {a:.1} ns / {baseline} {b:.1} ns = {ratio:.3} {verdict}"
                );
            }
            _ => println!("  {group}: {ours} / {baseline}: not measured in this run"),
        }
    }
}
