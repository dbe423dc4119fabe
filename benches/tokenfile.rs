//! Appending one token to files of 1,000, 10,000 and 100,000 tokens, against the floor
//! measured in the same run: read the file, parse it with `serde_json`, serialize it
//! again and write it with one `fs::write` (no checks, no lock, no fsync, no rename).
//! Also prints the peak heap of one append to the largest file, as a multiple of its
//! size.

#![allow(unsafe_code)] // the counting allocator below, and nothing else

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use influxdb3_permission::{DatabaseName, Grants};
use influxdb3_token::{Token, TokenName};
use influxdb3_tokenfile::{TokenEntry, TokenFile, WriteOptions};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the counters are
// only atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = LIVE.fetch_add(grow, Ordering::Relaxed) + grow;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const NOW: i64 = 1_756_400_061_529;

/// A tokens file of `n` realistic tokens, as the CLI writes it.
fn document(n: usize) -> String {
    let mut out = String::from(
        "{\n  \"create_databases\": [\n    \"db1\",\n    \"db2\"\n  ],\n  \"tokens\": [\n",
    );
    for i in 0..n {
        let token = Token::generate().expect("random bytes");
        let _ = write!(
            out,
            "    {{\n      \"token\": \"{}\",\n      \"name\": \"token-{i}\",\n      \"expiry_millis\": {},\n      \"permissions\": [\n        \"db:db1,db2:read,write\",\n        \"system:health:read\"\n      ]\n    }}{}\n",
            token.expose_secret(),
            NOW + 86_400_000,
            if i + 1 == n { "" } else { "," }
        );
    }
    out.push_str("  ]\n}\n");
    out
}

fn new_entry() -> TokenEntry<'static> {
    TokenEntry::new(
        Token::generate().expect("random bytes"),
        TokenName::new("the-new-one").expect("a valid name"),
        None,
        Grants::try_from(vec!["db:db1:read".parse().expect("permission")]).expect("grants"),
    )
    .expect("entry")
}

fn db1() -> [DatabaseName; 1] {
    [DatabaseName::new("db1").expect("a valid name")]
}

/// How many tokens the file at `path` holds (and it loads).
fn tokens_in(path: &Path) -> usize {
    let mut text = String::new();
    TokenFile::load(path, &mut text)
        .expect("load")
        .tokens()
        .len()
}

fn ours(path: &Path) {
    let done =
        TokenFile::append(path, new_entry(), &db1(), &WriteOptions::default()).expect("append");
    black_box(done);
}

fn floor(path: &Path) {
    let text = fs::read_to_string(path).expect("read");
    let value: serde_json::Value = serde_json::from_str(&text).expect("parse");
    let out = serde_json::to_vec_pretty(&value).expect("serialize");
    fs::write(path, out).expect("write");
}

fn append(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    for n in [1_000usize, 10_000, 100_000] {
        let doc = document(n);
        let path = dir.path().join(format!("tokens-{n}.json"));
        // Check what is timed: both leave a file that loads, ours with one more token.
        fs::write(&path, &doc).expect("write");
        ours(&path);
        assert_eq!(tokens_in(&path), n + 1);
        fs::write(&path, &doc).expect("write");
        floor(&path);
        assert_eq!(tokens_in(&path), n);

        let mut group = c.benchmark_group(format!("append_{n}"));
        if n >= 100_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(20));
        } else if n >= 10_000 {
            group
                .sample_size(20)
                .measurement_time(Duration::from_secs(5));
        }
        group.bench_function("ours", |b| {
            b.iter_batched(
                || fs::write(&path, &doc).expect("reset"),
                |()| ours(&path),
                BatchSize::PerIteration,
            );
        });
        group.bench_function("floor", |b| {
            b.iter_batched(
                || fs::write(&path, &doc).expect("reset"),
                |()| floor(&path),
                BatchSize::PerIteration,
            );
        });
        group.finish();
    }
}

/// Peak heap of one append to a file of `n` tokens, over the file's size.
fn peak_memory(n: usize) -> (usize, usize) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tokens.json");
    let doc = document(n);
    fs::write(&path, &doc).expect("write");
    let size = doc.len();
    drop(doc);
    let entry = new_entry();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    TokenFile::append(&path, entry, &db1(), &WriteOptions::default()).expect("append");
    (PEAK.load(Ordering::Relaxed) - before, size)
}

#[allow(clippy::print_stdout, clippy::cast_precision_loss)]
fn main() {
    let mut c = influxdb3_benches::criterion();
    append(&mut c);
    c.final_summary();
    influxdb3_benches::report(
        "tokenfile",
        &[
            // The target is at 100,000 tokens; smaller files are dominated by the two
            // fsyncs (file and directory) that the floor does not do.
            ("append_1000", "ours", "floor", 0.0),
            ("append_10000", "ours", "floor", 0.0),
            ("append_100000", "ours", "floor", 1.5),
        ],
    );
    if influxdb3_benches::measuring() {
        for n in [1_000, 10_000, 100_000] {
            let (peak, size) = peak_memory(n);
            println!(
                "  peak heap of one append to {n} tokens: {:.1} MiB for a {:.1} MiB file = {:.2}x (target < 4x)",
                peak as f64 / 1_048_576.0,
                size as f64 / 1_048_576.0,
                peak as f64 / size as f64
            );
        }
        for n in ["1000", "10000", "100000"] {
            if let Some(ns) = influxdb3_benches::mean_ns(&format!("append_{n}"), "ours") {
                println!(
                    "  append_{n}/ours per token: {:.1} ns",
                    ns / n.parse::<f64>().unwrap_or(1.0)
                );
            }
        }
    }
}
