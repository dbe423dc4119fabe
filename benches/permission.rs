//! The grammar: parsing against a naive split (no validation) in the same run, for
//! reading only (no speed target: strings typed on a command line need none), and
//! `PermissionSet::allows` for tokens of 1, 10 and 1,000 permissions, which must not
//! grow with the number of permissions; `parse_joined` on a `system.tokens` column of
//! about 10 KB and 100 KB, valid and with an error at its very end, against a split on
//! `,` of the same text: the ratio of the two sizes shows that the cost is linear.

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::Criterion;
use influxdb3_permission::{Action, Permission, PermissionSet, Resource, Scope, parse_joined};

/// The baseline: split on `:` and `,` into owned strings, no validation at all.
fn naive(s: &str) -> Option<(String, Vec<String>, Vec<String>)> {
    let mut parts = s.split(':');
    let ty = parts.next()?.to_owned();
    let names = parts.next()?.split(',').map(str::to_owned).collect();
    let actions = parts.next()?.split(',').map(str::to_owned).collect();
    Some((ty, names, actions))
}

const INPUTS: [(&str, &str); 3] = [
    ("page_rw", "db:my_database:read,write"),
    ("system_health", "system:health:read"),
    (
        "ten_names",
        "db:sensors,logs,metrics_2024,eu-west/cpu,eu-west/mem,traces,audit,billing,events,iot_raw:read,write",
    ),
];

fn parse(c: &mut Criterion) {
    for (id, input) in INPUTS {
        // Check what is timed before timing it.
        let p: Permission = input.parse().expect("bench input parses");
        assert_eq!(p.to_string(), input, "bench inputs are canonical");
        let (_, names, _) = naive(input).expect("naive split");
        let parsed = match &p {
            Permission::Database {
                names: Scope::Only(names),
                ..
            } => names.len(),
            Permission::System(Scope::Only(names)) => names.len(),
            _ => 1,
        };
        assert_eq!(names.len(), parsed);

        let mut group = c.benchmark_group(format!("parse_{id}"));
        group.bench_function("ours", |b| {
            b.iter(|| black_box(black_box(input).parse::<Permission>()));
        });
        group.bench_function("naive_split", |b| {
            b.iter(|| black_box(naive(black_box(input))));
        });
        group.finish();
    }
}

fn token(n: usize) -> PermissionSet {
    let set: PermissionSet = (0..n)
        .map(|i| format!("db:database_{i}:read,write").parse::<Permission>())
        .collect::<Result<_, _>>()
        .expect("bench permissions parse");
    assert!(set.allows(Resource::Database("database_0"), Action::Write));
    assert!(!set.allows(Resource::Database("other"), Action::Read));
    set
}

fn allows(c: &mut Criterion) {
    let mut group = c.benchmark_group("allows");
    for n in [1usize, 10, 1000] {
        let set = token(n);
        let name = format!("database_{}", n - 1);
        group.bench_function(format!("{n}_permissions"), |b| {
            b.iter(|| black_box(set.allows(Resource::Database(black_box(&name)), Action::Write)));
        });
    }
    group.finish();
}

/// A `permissions` column of at least `bytes` bytes, and how many permissions it holds:
/// databases named `db` and `system` among them, so that the grammar, not a `:`,
/// decides where each permission ends.
fn column(bytes: usize) -> (String, usize) {
    let mut text = String::new();
    let mut count = 0;
    while text.len() < bytes {
        if count > 0 {
            text.push(',');
        }
        let i = count;
        let _ = match i % 4 {
            0 => write!(text, "db:sensors_{i},db,logs:read,write"),
            1 => write!(
                text,
                "db:system,metrics_{i}:create,describe,read,write,delete"
            ),
            2 => write!(text, "system:health,ping:read"),
            _ => write!(text, "db:eu-west/cpu_{i}:read"),
        };
        count += 1;
    }
    (text, count)
}

fn joined(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse_joined");
    for (id, bytes) in [("10KB", 10_000), ("100KB", 100_000)] {
        let (valid, count) = column(bytes);
        let invalid = format!("{valid},db:x:reed");
        // Check what is timed before timing it.
        assert_eq!(parse_joined(&valid).map(|l| l.len()), Ok(count));
        let err = parse_joined(&invalid).expect_err("the last permission is invalid");
        assert_eq!(err.span(), invalid.len() - 4..invalid.len());
        group.bench_function(format!("{id}_valid"), |b| {
            b.iter(|| black_box(parse_joined(black_box(&valid))));
        });
        group.bench_function(format!("{id}_invalid_at_end"), |b| {
            b.iter(|| black_box(parse_joined(black_box(&invalid))));
        });
        group.bench_function(format!("{id}_split_on_comma"), |b| {
            b.iter(|| black_box(black_box(&valid).split(',').count()));
        });
    }
    group.finish();
}

fn main() {
    let mut c = influxdb3_benches::criterion();
    parse(&mut c);
    joined(&mut c);
    allows(&mut c);
    c.final_summary();
    influxdb3_benches::report(
        "permission",
        &[
            ("parse_page_rw", "ours", "naive_split", 0.0),
            ("parse_system_health", "ours", "naive_split", 0.0),
            ("parse_ten_names", "ours", "naive_split", 0.0),
            ("allows", "1000_permissions", "1_permissions", 1.2),
            ("allows", "10_permissions", "1_permissions", 1.2),
            // Ten times the text, about ten times the time: linear (a cubic splitter
            // took a thousand times).
            ("parse_joined", "100KB_valid", "10KB_valid", 15.0),
            (
                "parse_joined",
                "100KB_invalid_at_end",
                "10KB_invalid_at_end",
                15.0,
            ),
            (
                "parse_joined",
                "100KB_split_on_comma",
                "10KB_split_on_comma",
                0.0,
            ),
            ("parse_joined", "100KB_valid", "100KB_split_on_comma", 0.0),
        ],
    );
}
