//! The grammar: parsing against a naive split (no validation) in the same run, for
//! reading only (no speed target: strings typed on a command line need none), and
//! `PermissionSet::allows` for tokens of 1, 10 and 1,000 permissions, which must not
//! grow with the number of permissions.

use std::hint::black_box;

use criterion::Criterion;
use influxdb3_permission::{Action, Permission, PermissionSet, Resource, Scope};

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

fn main() {
    let mut c = influxdb3_benches::criterion();
    parse(&mut c);
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
        ],
    );
}
