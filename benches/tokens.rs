//! The `tokens` commands as whole processes, each against `create token --offline`
//! measured in the same run:
//!
//! - `tokens apply` of a manifest of 10,000 new tokens into an empty file, against 10
//!   single `create token --offline` processes into an empty file (target: at most 3x,
//!   so that a token provisioned in a batch costs hundreds of times less);
//! - `tokens list` and `tokens lint` of files of 10,000 and 100,000 tokens, against one
//!   `create token --offline` appending to the same file (target: under 2x), and their
//!   time per token at both sizes (linear: about the same).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use influxdb3_token::Token;

const BIN: &str = env!("CARGO_BIN_EXE_influxdb3-measured");
/// 2100-01-01: no token of the files has expired, as in a file in use.
const LATER: i64 = 4_102_444_800_000;

fn run(args: &[&str]) {
    let out = Command::new(BIN)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("influxdb3");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tokens file of `n` tokens, two permissions and an expiry each, as the CLI writes it.
fn document(n: usize) -> String {
    let mut out = String::from(
        "{\n  \"create_databases\": [\n    \"db1\",\n    \"db2\"\n  ],\n  \"tokens\": [\n",
    );
    for (i, token) in Token::generate_many(n).expect("random").iter().enumerate() {
        let _ = write!(
            out,
            "    {{\n      \"token\": \"{}\",\n      \"name\": \"token-{i}\",\n      \"expiry_millis\": {LATER},\n      \"permissions\": [\n        \"db:db1,db2:read,write\",\n        \"system:health:read\"\n      ]\n    }}{}\n",
            token.expose_secret(),
            if i + 1 == n { "" } else { "," }
        );
    }
    out.push_str("  ]\n}\n");
    out
}

/// A manifest of `n` tokens like those of [`document`].
fn manifest(n: usize) -> String {
    let mut out = String::from("create_databases = [\"db1\", \"db2\"]\n");
    for i in 0..n {
        let _ = write!(
            out,
            "\n[[token]]\nname = \"token-{i}\"\npermissions = [\"db:db1,db2:read,write\", \"system:health:read\"]\nexpiry = \"90d\"\n"
        );
    }
    out
}

fn remove(path: &Path) {
    for p in [path.to_path_buf(), path.with_file_name(".tokens.json.lock")] {
        let _ = fs::remove_file(p);
    }
}

fn apply(c: &mut Criterion, dir: &Path) {
    let manifest_path = dir.join("tokens.toml");
    fs::write(&manifest_path, manifest(10_000)).expect("manifest");
    let out = dir.join("tokens.json");
    let (m, o) = (
        manifest_path.to_str().expect("utf-8"),
        out.to_str().expect("utf-8"),
    );
    // Check what is timed: all 10,000 tokens land in the file.
    remove(&out);
    run(&["tokens", "apply", m, "--output-file", o]);
    let text = fs::read_to_string(&out).expect("file");
    assert_eq!(text.matches("\"token\":").count(), 10_000);

    let mut group = c.benchmark_group("apply_10000");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("tokens_apply", |b| {
        b.iter_batched(
            || remove(&out),
            |()| run(&["tokens", "apply", m, "--output-file", o]),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("create_x10", |b| {
        b.iter_batched(
            || remove(&out),
            |()| {
                for i in 0..10 {
                    let name = format!("token-{i}");
                    run(&[
                        "create",
                        "token",
                        "--offline",
                        "--output-file",
                        o,
                        "--name",
                        &name,
                        "--permission",
                        "db:db1,db2:read,write",
                        "--permission",
                        "system:health:read",
                        "--create-databases",
                        "db1,db2",
                        "--expiry",
                        "90d",
                    ]);
                }
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn review(c: &mut Criterion, dir: &Path, n: usize) {
    let path = dir.join("tokens.json");
    let doc = document(n);
    let p = path.to_str().expect("utf-8");
    fs::write(&path, &doc).expect("write");
    // Check what is timed: a clean file (lint exits 0), listed in full.
    run(&["tokens", "lint", p]);
    run(&["tokens", "list", p]);

    let mut group = c.benchmark_group(format!("review_{n}"));
    if n >= 100_000 {
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
    } else {
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(3));
    }
    fs::write(&path, &doc).expect("write");
    group.bench_function("list", |b| b.iter(|| run(&["tokens", "list", p])));
    group.bench_function("lint", |b| b.iter(|| run(&["tokens", "lint", p])));
    group.bench_function("create", |b| {
        b.iter_batched(
            || fs::write(&path, &doc).expect("reset"),
            |()| {
                run(&[
                    "create",
                    "token",
                    "--offline",
                    "--output-file",
                    p,
                    "--name",
                    "the-new-one",
                    "--permission",
                    "db:db1:read",
                ]);
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

#[allow(clippy::print_stdout, clippy::cast_precision_loss)]
fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut c = influxdb3_benches::criterion();
    apply(&mut c, dir.path());
    review(&mut c, dir.path(), 10_000);
    review(&mut c, dir.path(), 100_000);
    c.final_summary();
    influxdb3_benches::report(
        "tokens",
        &[
            ("apply_10000", "tokens_apply", "create_x10", 3.0),
            ("review_10000", "list", "create", 2.0),
            ("review_10000", "lint", "create", 2.0),
            ("review_100000", "list", "create", 2.0),
            ("review_100000", "lint", "create", 2.0),
        ],
    );
    if influxdb3_benches::measuring() {
        for id in ["list", "lint"] {
            let per = |n: usize| {
                influxdb3_benches::mean_ns(&format!("review_{n}"), id).map(|ns| ns / n as f64)
            };
            if let (Some(small), Some(big)) = (per(10_000), per(100_000)) {
                println!(
                    "  {id} per token: {small:.0} ns at 10,000 tokens, {big:.0} ns at 100,000 ({:.2}x: linear is about 1)",
                    big / small
                );
            }
        }
    }
}
