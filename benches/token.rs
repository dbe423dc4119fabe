//! Token generation and hashing against the floor of its parts, written here: 64 bytes
//! from getrandom, base64 into a string with the prefix, SHA-512 of the string.

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::Criterion;
use influxdb3_token::{Token, TokenHash};
use sha2::{Digest, Sha512};

/// The floor: the same work with no type around it, no zeroizing, no checks.
fn floor() -> (String, [u8; 64]) {
    let mut bytes = [0u8; 64];
    getrandom::fill(&mut bytes).expect("random bytes");
    let mut text = String::with_capacity(92);
    text.push_str("apiv3_");
    URL_SAFE_NO_PAD.encode_string(bytes, &mut text);
    let hash: [u8; 64] = Sha512::digest(text.as_bytes()).into();
    (text, hash)
}

fn ours() -> (Token, TokenHash) {
    let token = Token::generate().expect("random bytes");
    let hash = token.hash();
    (token, hash)
}

fn generate_and_hash(c: &mut Criterion) {
    // Check what is timed: both make a 92-character token whose hash is its SHA-512.
    let (text, hash) = floor();
    assert_eq!(text.len(), 92);
    assert_eq!(TokenHash::of(&text).as_bytes(), &hash);
    let (token, hash) = ours();
    assert!(token.is_well_formed());
    assert_eq!(TokenHash::of(token.expose_secret()), hash);

    let mut group = c.benchmark_group("generate_and_hash");
    group.bench_function("ours", |b| b.iter(|| black_box(ours())));
    group.bench_function("floor", |b| b.iter(|| black_box(floor())));
    group.finish();
}

fn main() {
    let mut c = influxdb3_benches::criterion();
    generate_and_hash(&mut c);
    c.final_summary();
    influxdb3_benches::report("token", &[("generate_and_hash", "ours", "floor", 1.1)]);
}
