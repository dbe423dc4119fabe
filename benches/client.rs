//! One create round trip on loopback through the client (one agent, reused), against
//! the same request written and read with a bare `TcpStream` (one connection, reused),
//! in the same run and against the same test server.

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::Criterion;
use influxdb3_permission::{Grants, Permission};
use influxdb3_testserver::TestServer;
use influxdb3_token::{Token, TokenName};
use influxdb3_token_client::Client;

static NEXT: AtomicU64 = AtomicU64::new(0);

fn name() -> String {
    format!("bench-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

fn token_name() -> TokenName {
    TokenName::new(&name()).expect("a valid name")
}

/// The request the client sends, by hand.
fn bare(stream: &mut BufReader<TcpStream>, admin: &Token) -> u16 {
    let body = format!(
        r#"{{"token_name":"{}","permissions":[{{"resource_type":"db","resource_names":["db1"],"actions":["read","write"]}}],"expiry_secs":null}}"#,
        name()
    );
    let request = format!(
        "POST /api/v3/enterprise/configure/token HTTP/1.1\r\nhost: 127.0.0.1\r\naccept: application/json\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        admin.expose_secret(),
        body.len()
    );
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .expect("write");
    let mut status = 0;
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        stream.read_line(&mut line).expect("read");
        if status == 0 {
            status = line[9..12].parse().expect("status");
        } else if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().expect("length");
        } else if line == "\r\n" {
            break;
        }
    }
    let mut response = vec![0; length];
    stream.read_exact(&mut response).expect("body");
    black_box(response);
    status
}

fn round_trip(c: &mut Criterion) {
    let server = TestServer::builder()
        .database("db1")
        .start()
        .expect("server");
    let admin = server.add_admin_token("bench").expect("admin");
    let client = Client::builder(server.url().parse().expect("the server's URL"))
        .admin_token(admin.clone())
        .build()
        .expect("client");
    let permissions = Grants::try_from(vec![
        "db:db1:read,write"
            .parse::<Permission>()
            .expect("permission"),
    ])
    .expect("grants");
    let mut stream = BufReader::new(TcpStream::connect(server.addr()).expect("connect"));
    stream.get_ref().set_nodelay(true).expect("nodelay");

    // Check what is timed: both create a token.
    let created = client
        .create_token(&token_name(), &permissions, None)
        .expect("create");
    assert!(created.token.is_well_formed());
    assert_eq!(bare(&mut stream, &admin), 201);

    let mut group = c.benchmark_group("create_round_trip");
    group.bench_function("client", |b| {
        b.iter(|| {
            black_box(
                client
                    .create_token(&token_name(), &permissions, None)
                    .expect("create"),
            )
        });
    });
    group.bench_function("bare_tcp", |b| {
        b.iter(|| assert_eq!(bare(&mut stream, &admin), 201));
    });
    group.finish();
}

fn main() {
    let mut c = influxdb3_benches::criterion();
    round_trip(&mut c);
    c.final_summary();
    influxdb3_benches::report(
        "client",
        &[("create_round_trip", "client", "bare_tcp", 1.3)],
    );
}
