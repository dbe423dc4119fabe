//! `influxdb3 create token --offline` as a whole process, against the floor of what it
//! must do: a minimal Rust program that writes one small file durably (temporary file,
//! fsync, rename, directory fsync), compiled here with the release profile's settings
//! and run the same way, in the same run. Also reports the binary's size.

use std::path::{Path, PathBuf};
use std::process::Command;

use criterion::{BatchSize, Criterion};

const FLOOR: &str = r#"
use std::io::Write;
fn main() {
    let target = std::path::PathBuf::from(std::env::args().nth(1).expect("path"));
    let dir = target.parent().expect("dir").to_path_buf();
    let temp = dir.join(".floor.tmp");
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp).expect("temp");
    f.write_all(&[b'x'; 300]).expect("write");
    f.sync_all().expect("fsync");
    drop(f);
    std::fs::rename(&temp, &target).expect("rename");
    std::fs::File::open(&dir).expect("dir").sync_all().expect("dir fsync");
}
"#;

/// Compiles the floor program with the settings of `[profile.release]`.
fn build_floor(dir: &Path) -> PathBuf {
    let src = dir.join("floor.rs");
    std::fs::write(&src, FLOOR).expect("source");
    let exe = dir.join("floor");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let status = Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "-C",
            "opt-level=3",
            "-C",
            "codegen-units=4",
            "-C",
            "strip=debuginfo",
            "-o",
        ])
        .arg(&exe)
        .arg(&src)
        .status()
        .expect("rustc");
    assert!(status.success(), "the floor program does not compile");
    exe
}

fn offline_create(c: &mut Criterion, work: &Path, floor: &Path) {
    let ours = env!("CARGO_BIN_EXE_influxdb3");
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
    let floor = build_floor(work.path());
    let mut c = influxdb3_benches::criterion();
    offline_create(&mut c, work.path(), &floor);
    c.final_summary();
    influxdb3_benches::report(
        "cli",
        &[("offline_create", "influxdb3", "durable_write_floor", 1.5)],
    );
    if influxdb3_benches::measuring() {
        let size = std::fs::metadata(env!("CARGO_BIN_EXE_influxdb3"))
            .expect("binary")
            .len();
        println!(
            "  influxdb3 binary ({}): {:.2} MiB",
            env!("CARGO_BIN_EXE_influxdb3"),
            size as f64 / 1_048_576.0
        );
    }
}
