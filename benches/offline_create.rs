//! `influxdb3 create token --offline` as a whole process, against the floor of what it
//! must do: a minimal program that writes one small file durably (temporary file,
//! fsync, rename, directory fsync). Both are binaries of this package, built by cargo
//! with the bench profile (the release settings), and run the same way in the same run.
//! Also reports the binary's size.

use std::path::Path;
use std::process::Command;

use criterion::{BatchSize, Criterion};

fn offline_create(c: &mut Criterion, work: &Path) {
    let ours = env!("CARGO_BIN_EXE_influxdb3-measured");
    let floor = env!("CARGO_BIN_EXE_durable-write-floor");
    let tokens = work.join("tokens.json");
    let floor_out = work.join("floor.json");
    let run_ours = || {
        let out = Command::new(ours)
            .args([
                "create",
                "token",
                "--permission",
                "db:my_database:read,write",
                "--name",
                "bench",
                "--offline",
                "--output-file",
            ])
            .arg(&tokens)
            .output()
            .expect("influxdb3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let run_floor = || {
        let status = Command::new(floor).arg(&floor_out).status().expect("floor");
        assert!(status.success());
    };
    // Check what is timed: both leave their file.
    let _ = std::fs::remove_file(&tokens);
    run_ours();
    assert!(
        std::fs::read_to_string(&tokens)
            .expect("tokens")
            .contains("\"name\": \"bench\"")
    );
    run_floor();
    assert_eq!(std::fs::read(&floor_out).expect("floor file").len(), 300);

    let mut group = c.benchmark_group("offline_create");
    group.sample_size(30);
    group.bench_function("influxdb3", |b| {
        b.iter_batched(
            || {
                let _ = std::fs::remove_file(&tokens);
            },
            |()| run_ours(),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("durable_write_floor", |b| {
        b.iter_batched(|| (), |()| run_floor(), BatchSize::PerIteration);
    });
    group.finish();
}

#[allow(clippy::print_stdout, clippy::cast_precision_loss)]
fn main() {
    let work = tempfile::tempdir().expect("temp dir");
    let mut c = influxdb3_benches::criterion();
    offline_create(&mut c, work.path());
    c.final_summary();
    influxdb3_benches::report(
        "cli",
        &[("offline_create", "influxdb3", "durable_write_floor", 1.5)],
    );
    if influxdb3_benches::measuring() {
        let binary = env!("CARGO_BIN_EXE_influxdb3-measured");
        let size = std::fs::metadata(binary).expect("binary").len();
        println!(
            "  influxdb3 binary (as {binary}): {:.2} MiB",
            size as f64 / 1_048_576.0
        );
    }
}
