//! The client against real sockets on 127.0.0.1: the test server for the protocol's
//! paths, TLS with certificates made at start, and raw listeners for the failures a
//! real server cannot be asked to make (no answer, a cut answer, odd bodies).

use std::io::Write;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use influxdb3_permission::{DatabaseName, Grants, Permission};
use influxdb3_testserver::{Mode, ScriptedServer, TestServer, reply};
use influxdb3_text::chain;
use influxdb3_token::{Lifetime, Timestamp, Token, TokenHash, TokenName};
use influxdb3_token_client::{
    BodyProblem, Client, ClientError, HostUrl, Phase, QueryFormat, TlsFailure,
};
use influxdb3_tokenfile::{TokenEntry, TokenFile, WriteOptions};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

fn host(url: &str) -> HostUrl {
    url.parse().unwrap()
}

fn name(text: &str) -> TokenName {
    TokenName::new(text).unwrap()
}

fn perms(list: &[&str]) -> Grants {
    Grants::try_from(
        list.iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

fn lifetime(text: &str) -> Lifetime {
    text.parse().unwrap()
}

fn server() -> (TestServer, Token) {
    let server = TestServer::builder()
        .database("db1")
        .database("db2")
        .database("my_database")
        .start()
        .unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    (server, admin)
}

fn client(server: &TestServer, admin: &Token) -> Client {
    Client::builder(host(&server.url()))
        .admin_token(admin.clone())
        .build()
        .unwrap()
}

#[test]
fn create_sends_exactly_the_protocol_request() {
    let (server, admin) = server();
    let created = client(&server, &admin)
        .create_token(
            &name("Multi-database token"),
            &perms(&["db:db1,db2:read,write", "system:health:read"]),
            Some(lifetime("7d")),
        )
        .unwrap();
    assert_eq!(created.name, "Multi-database token");
    assert!(created.token.is_well_formed());
    assert_eq!(created.hash, TokenHash::of(created.token.expose_secret()));
    assert!(created.expiry.is_some());
    assert!(created.created_at.ends_with('Z'));

    let requests = server.requests();
    let req = requests.last().unwrap();
    assert_eq!(req.method, "POST");
    assert_eq!(req.path, "/api/v3/enterprise/configure/token");
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {}", admin.expose_secret()).as_str())
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(
        String::from_utf8(req.body.clone()).unwrap(),
        r#"{"token_name":"Multi-database token","permissions":[{"resource_type":"db","resource_names":["db1","db2"],"actions":["read","write"]},{"resource_type":"system","resource_names":["health"],"actions":["read"]}],"expiry_secs":604800}"#
    );

    // One client reuses its connection.
    let c = client(&server, &admin);
    let before = server.connections();
    for i in 0..5 {
        c.create_token(&name(&format!("reuse-{i}")), &perms(&["db:db1:read"]), None)
            .unwrap();
    }
    assert_eq!(
        server.connections() - before,
        1,
        "one connection for five requests"
    );

    // Without expiry: `null`, not absent.
    client(&server, &admin)
        .create_token(&name("forever"), &perms(&["db:*:read"]), None)
        .unwrap();
    let body = String::from_utf8(server.requests().last().unwrap().body.clone()).unwrap();
    assert_eq!(
        body,
        r#"{"token_name":"forever","permissions":[{"resource_type":"db","resource_names":["*"],"actions":["read"]}],"expiry_secs":null}"#
    );
}

#[test]
fn every_status_path_of_the_server() {
    let (server, admin) = server();
    let c = client(&server, &admin);
    let p = perms(&["db:db1:read"]);

    // 409: a name taken.
    c.create_token(&name("taken"), &p, None).unwrap();
    let err = c.create_token(&name("taken"), &p, None).unwrap_err();
    assert!(
        matches!(&err, ClientError::NameTaken { name, message: Some(m) } if name == "taken" && m == "token name already exists, taken"),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(409));

    // 500: a database that does not exist.
    let err = c
        .create_token(&name("x"), &perms(&["db:nope:read"]), None)
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::UnknownDatabase { status: 500, database, .. } if database == "nope"),
        "{err:?}"
    );

    // 401: no token, and an unknown token.
    let anonymous = Client::builder(host(&server.url())).build().unwrap();
    let err = anonymous.create_token(&name("x"), &p, None).unwrap_err();
    assert!(
        matches!(&err, ClientError::Unauthenticated { message: Some(m) } if m == "the request was not authenticated"),
        "{err:?}"
    );
    let stranger = Client::builder(host(&server.url()))
        .admin_token(Token::generate().unwrap())
        .build()
        .unwrap();
    let err = stranger.create_token(&name("x"), &p, None).unwrap_err();
    assert!(
        matches!(&err, ClientError::Unauthenticated { message: None }),
        "{err:?}"
    );

    // 401: an expired admin token.
    let expired = server
        .add_token("old", &p, Some(Timestamp::from_millis(1)))
        .unwrap();
    let err = Client::builder(host(&server.url()))
        .admin_token(expired)
        .build()
        .unwrap()
        .create_token(&name("x"), &p, None)
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Unauthenticated { .. }),
        "{err:?}"
    );

    // 403: a token that is not an admin token.
    let reader = server.add_token("reader", &p, None).unwrap();
    let err = Client::builder(host(&server.url()))
        .admin_token(reader)
        .build()
        .unwrap()
        .create_token(&name("x"), &p, None)
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Forbidden { message: Some(m) } if m == "the token is not an admin token"),
        "{err:?}"
    );

    // Admin, named admin, regenerate, delete.
    let first = c.create_admin_token().unwrap();
    assert_eq!(first.name, "_admin");
    assert!(matches!(
        c.create_admin_token().unwrap_err(),
        ClientError::NameTaken { .. }
    ));
    let named = c
        .create_named_admin_token(&name("deploy-admin"), Some(lifetime("1h")))
        .unwrap();
    assert_eq!(named.name, "deploy-admin");
    let with_first = Client::builder(host(&server.url()))
        .admin_token(first.token.clone())
        .build()
        .unwrap();
    let second = with_first.regenerate_admin_token().unwrap();
    assert_ne!(second.token, first.token);
    assert!(matches!(
        with_first.create_token(&name("y"), &p, None).unwrap_err(),
        ClientError::Unauthenticated { .. }
    ));
    c.delete_token("taken").unwrap();
    assert!(!server.has_token("taken"));
    let err = c.delete_token("taken").unwrap_err();
    assert!(
        matches!(&err, ClientError::NoSuchToken { name } if name == "taken"),
        "{err:?}"
    );
    let err = c.delete_token("_admin").unwrap_err();
    assert!(matches!(err, ClientError::NotAllowed { .. }), "{err:?}");
    // Names with spaces and slashes travel percent-encoded.
    c.create_token(&name("Read/write token for my_database"), &p, None)
        .unwrap();
    c.delete_token("Read/write token for my_database").unwrap();
    assert!(
        server
            .requests()
            .last()
            .unwrap()
            .query
            .contains("Read%2Fwrite%20token")
    );
}

#[test]
fn core_and_without_auth_servers() {
    let core = TestServer::builder()
        .mode(Mode::Core)
        .database("db1")
        .start()
        .unwrap();
    let admin = core.add_admin_token("ops").unwrap();
    let err = client(&core, &admin)
        .create_token(&name("x"), &perms(&["db:db1:read"]), None)
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::NotFound { message: Some(m), .. } if m == "not found"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("it may be InfluxDB 3 Core"),
        "{err}"
    );

    let open = TestServer::builder()
        .mode(Mode::WithoutAuth)
        .start()
        .unwrap();
    let err = Client::builder(host(&open.url()))
        .build()
        .unwrap()
        .create_token(&name("x"), &perms(&["db:*:read"]), None)
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::WithoutAuth { message: Some(m) } if m == "endpoint disabled, started without auth"),
        "{err:?}"
    );
}

#[test]
fn invalid_requests_are_refused_before_anything_is_sent() {
    let (server, admin) = server();
    let c = client(&server, &admin);
    let before = server.requests().len();
    // A permission token cannot take the operator's name.
    assert!(matches!(
        c.create_token(&TokenName::admin(), &perms(&["db:db1:read"]), None),
        Err(ClientError::InvalidRequest(
            influxdb3_token_client::RequestError::ReservedName
        ))
    ));
    assert_eq!(server.requests().len(), before);
}

#[test]
fn tls_with_the_right_ca_only() {
    let server = TestServer::builder()
        .tls(true)
        .database("db1")
        .start()
        .unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let p = perms(&["db:db1:read"]);
    assert!(server.url().starts_with("https://127.0.0.1:"));

    // The right CA, as PEM file.
    let ok = Client::builder(host(&server.url()))
        .admin_token(admin.clone())
        .tls_ca_file(server.ca_path().unwrap())
        .build()
        .unwrap();
    ok.create_token(&name("a"), &p, None).unwrap();

    // The same CA as DER, told apart by its content, whatever the file is called.
    let dir = tempfile::tempdir().unwrap();
    let der = CertificateDer::from_pem_slice(server.ca_pem().unwrap().as_bytes()).unwrap();
    let der_path = dir.path().join("ca.pem");
    std::fs::write(&der_path, der.as_ref()).unwrap();
    Client::builder(host(&server.url()))
        .admin_token(admin.clone())
        .tls_ca_file(&der_path)
        .build()
        .unwrap()
        .create_token(&name("b"), &p, None)
        .unwrap();

    // No CA: Mozilla's roots do not know it.
    let err = Client::builder(host(&server.url()))
        .admin_token(admin.clone())
        .build()
        .unwrap()
        .create_token(&name("c"), &p, None)
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::Tls {
                kind: TlsFailure::UnknownIssuer,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains(admin.expose_secret()));

    // Another server's CA.
    let other = TestServer::builder().tls(true).start().unwrap();
    let err = Client::builder(host(&server.url()))
        .admin_token(admin.clone())
        .tls_ca_file(other.ca_path().unwrap())
        .build()
        .unwrap()
        .create_token(&name("d"), &p, None)
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::Tls {
                kind: TlsFailure::UnknownIssuer,
                ..
            }
        ),
        "{err:?}"
    );

    // No verification at all, on request.
    Client::builder(host(&server.url()))
        .admin_token(admin.clone())
        .no_verify(true)
        .build()
        .unwrap()
        .create_token(&name("e"), &p, None)
        .unwrap();

    // A CA file that is not a certificate.
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "hello").unwrap();
    let err = Client::builder(host(&server.url()))
        .tls_ca_file(&junk)
        .build()
        .unwrap_err();
    assert_eq!(
        chain(&err),
        format!(
            "cannot use `{}` as a CA certificate: it holds no certificate: neither a PEM `BEGIN CERTIFICATE` block nor a DER certificate",
            junk.display()
        )
    );
    // A directory (or a FIFO) is refused before it is read.
    let err = Client::builder(host(&server.url()))
        .tls_ca_file(dir.path())
        .build()
        .unwrap_err();
    assert!(
        chain(&err).ends_with("it cannot be read: it is not a regular file"),
        "{}",
        chain(&err)
    );
    let err = Client::builder(host(&server.url()))
        .tls_ca_file(dir.path().join("missing.pem"))
        .build()
        .unwrap_err();
    assert!(matches!(err, ClientError::TlsCa { .. }));
}

/// How a raw server answers a request.
type Respond = influxdb3_testserver::Script;
/// What the client must make of it.
type Expect = fn(&ClientError) -> bool;

fn raw(respond: Respond) -> ScriptedServer {
    ScriptedServer::start(respond).unwrap()
}

fn admin_client(url: &str) -> Client {
    Client::builder(host(url))
        .admin_token(Token::generate().unwrap())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

#[test]
fn odd_answers_map_to_their_class() {
    let p = perms(&["db:db1:read"]);
    let cases: [(Respond, Expect); 5] = [
        (
            |_, s| {
                reply(
                    s,
                    "400 Bad Request",
                    Some("text/plain"),
                    "serde json error: unknown field `resource_identifier`",
                );
            },
            |e| matches!(e, ClientError::BadRequest { message: Some(m) } if m.starts_with("serde json error")),
        ),
        (
            |_, s| {
                reply(
                    s,
                    "415 Unsupported Media Type",
                    None,
                    "unacceptable content-type, expected: application/json",
                );
            },
            |e| matches!(e, ClientError::UnsupportedMediaType { message: Some(_) }),
        ),
        (
            |_, s| {
                reply(
                    s,
                    "503 Service Unavailable",
                    Some("application/json"),
                    r#"{"error": "catalog busy"}"#,
                );
            },
            |e| matches!(e, ClientError::Server { status: 503, message: Some(m) } if m == "catalog busy"),
        ),
        (
            |_, s| reply(s, "302 Found", None, ""),
            |e| {
                matches!(
                    e,
                    ClientError::UnexpectedStatus {
                        status: 302,
                        message: None
                    }
                )
            },
        ),
        (
            |_, s| reply(s, "201 Created", Some("json"), "<html>proxy</html>"),
            |e| matches!(e, ClientError::CreatedButUnreadable { status: 201, name, problem: BodyProblem::Json(_) } if name == "x"),
        ),
    ];
    for (respond, check) in cases {
        let server = raw(respond);
        let err = admin_client(server.url())
            .create_token(&name("x"), &p, None)
            .unwrap_err();
        assert!(check(&err), "{err:?}");
    }

    // A hash that is not the token's: refused.
    let server = raw(|_, s| {
        let token = Token::generate().unwrap();
        let body = format!(
            r#"{{"id":1,"name":"x","token":"{}","hash":"{}","created_at":"2025-01-01T00:00:00Z","expiry":null}}"#,
            token.expose_secret(),
            TokenHash::of("apiv3_something_else")
        );
        reply(s, "201 Created", Some("json"), &body);
    });
    let err = admin_client(server.url())
        .create_token(&name("x"), &p, None)
        .unwrap_err();
    assert!(
        matches!(
            &err,
            ClientError::CreatedButUnreadable {
                problem: BodyProblem::HashMismatch,
                ..
            }
        ),
        "{err:?}"
    );

    // A host with a path prefix keeps it (for reverse proxies).
    let server = raw(|_, s| reply(s, "404 Not Found", None, "nope"));
    let url = format!("{}/influx/", server.url());
    let _ = admin_client(&url).create_token(&name("x"), &p, None);
    let request = server.requests()[0].clone();
    assert!(
        request.starts_with("POST /influx/api/v3/enterprise/configure/token HTTP/1.1\r\n"),
        "{request}"
    );
}

#[test]
fn a_server_that_never_answers_hits_the_timeout() {
    let server = raw(|_, s| {
        std::thread::sleep(Duration::from_secs(10));
        let _ = s.flush();
    });
    let client = Client::builder(host(server.url()))
        .admin_token(Token::generate().unwrap())
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = client
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(
            err,
            ClientError::Timeout {
                phase: Phase::Receive,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.request_sent());
    assert_eq!(
        err.to_string(),
        format!(
            "no answer from {}/api/v3/enterprise/configure/token within 0.8s while waiting for the answer",
            server.url()
        )
    );
}

#[test]
fn a_cut_answer_is_an_error_and_the_create_is_not_retried() {
    let server = raw(|_, s| {
        let _ = s.write_all(
            b"HTTP/1.1 201 Created\r\ncontent-type: json\r\ncontent-length: 400\r\n\r\n{\"id\":1,",
        );
        let _ = s.shutdown(std::net::Shutdown::Both);
    });
    let err = admin_client(server.url())
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(
        matches!(err, ClientError::Connection { sent: true, .. }),
        "{err:?}"
    );
    assert!(err.request_sent());
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.requests().len(), 1, "the create was sent again");

    // A closed port: no connection.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = admin_client(&format!("http://127.0.0.1:{port}"))
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(matches!(err, ClientError::Connect { .. }), "{err:?}");
    assert!(!err.request_sent());
}

/// Writes a 200 or 201 answer of `len` bytes of `fill`, a megabyte at a time (the
/// client stops reading at its limit and closes).
fn endless(s: &mut std::net::TcpStream, status: &str, len: usize, fill: u8) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n"
    );
    let chunk = vec![fill; 1 << 20];
    for _ in 0..len.div_ceil(chunk.len()) {
        if s.write_all(&chunk).is_err() {
            return;
        }
    }
}

#[test]
fn answers_longer_than_a_request_needs_are_not_read() {
    // A create: a megabyte at most; the request was sent.
    let server = raw(|_, s| endless(s, "201 Created", 2 << 20, b' '));
    let err = admin_client(server.url())
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(
        matches!(err, ClientError::TooLarge { limit, .. } if limit == 1 << 20),
        "{err:?}"
    );
    assert!(err.request_sent());
    assert_eq!(
        err.to_string(),
        format!(
            "the answer from {}/api/v3/enterprise/configure/token is longer than 1 MiB and was not read",
            server.url()
        )
    );
    // The listing: 64 megabytes at most.
    let server = raw(|_, s| endless(s, "200 OK", 65 << 20, b' '));
    let err = admin_client(server.url()).list_tokens().unwrap_err();
    assert!(
        matches!(err, ClientError::TooLarge { limit, .. } if limit == 64 << 20),
        "{err:?}"
    );
    // A listing larger than ureq's default limit (10 MB), as a server with 100,000
    // tokens answers, is read.
    let server = raw(|_, s| {
        let row = r#"{"token_id":1,"name":"n","hash":"fd23bcc1a","created_at":"2026-11-29T17:41:51.914","permissions":"db:metrics,logs:read,write"}"#;
        let mut body = String::from("[");
        for i in 0..100_000 {
            if i > 0 {
                body.push(',');
            }
            body.push_str(row);
        }
        body.push(']');
        assert!(body.len() > 10 << 20);
        reply(s, "200 OK", Some("application/json"), &body);
    });
    let rows = admin_client(server.url()).list_tokens().unwrap();
    assert_eq!(rows.len(), 100_000);
}

#[test]
fn tokens_in_server_answers_are_scrubbed() {
    // A server (or a proxy) that echoes the request in its error body.
    let server = raw(|request, s| {
        let body = format!(
            "{{\"error\": \"bad request: {}\"}}",
            request.replace(['\r', '\n', '"'], " ")
        );
        reply(s, "400 Bad Request", Some("application/json"), &body);
    });
    let admin = Token::generate().unwrap();
    let err = Client::builder(host(server.url()))
        .admin_token(admin.clone())
        .build()
        .unwrap()
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    let shown = chain(&err);
    assert!(shown.contains("Bearer apiv3_***"), "{shown}");
    assert!(!shown.contains(&admin.expose_secret()[6..]), "{shown}");
    assert!(!format!("{err:?}").contains(&admin.expose_secret()[6..]));

    // Any other token in an answer too.
    let server = raw(|_, s| {
        reply(
            s,
            "500 Internal Server Error",
            None,
            "leaked apiv3_c2VjcmV0LXRva2Vu here",
        );
    });
    let err = admin_client(server.url())
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(
        matches!(&err, ClientError::Server { message: Some(m), .. } if m == "leaked apiv3_*** here"),
        "{err:?}"
    );
}

#[test]
fn tls_to_a_plain_http_port_is_named_as_such() {
    // A plain HTTP server answers a TLS hello with an HTTP 400, as hyper does.
    let server = raw(|_, s| reply(s, "400 Bad Request", None, ""));
    let url = server.url().replace("http://", "https://");
    let err = admin_client(&url)
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(
        matches!(
            err,
            ClientError::Tls {
                kind: TlsFailure::NotTls,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.request_sent());
    assert!(
        err.to_string()
            .ends_with("the server does not speak TLS on this port"),
        "{err}"
    );
}

/// A server whose rows hold secrets: a token named like a token, descriptions that
/// hold another token and the caller's own admin token.
fn leaky_server() -> (TestServer, Token, [String; 2]) {
    let (server, admin) = server();
    let named = Token::generate().unwrap();
    let other = Token::generate().unwrap();
    server
        .add_token(named.expose_secret(), &perms(&["db:db1:read"]), None)
        .unwrap();
    assert!(server.describe_token(
        named.expose_secret(),
        &format!("see {}", other.expose_secret())
    ));
    server
        .add_token("plain", &perms(&["db:db2:write"]), None)
        .unwrap();
    assert!(server.describe_token("plain", &format!("admin is {}!", admin.expose_secret())));
    server
        .add_token(admin.expose_secret(), &perms(&["db:db2:read"]), None)
        .unwrap();
    let secrets = [
        named.expose_secret().to_owned(),
        other.expose_secret().to_owned(),
    ];
    (server, admin, secrets)
}

#[test]
fn listings_mask_every_secret_a_server_row_holds() {
    let (server, admin, secrets) = leaky_server();
    let client = client(&server, &admin);
    let hidden = |shown: &str| {
        assert_eq!(
            influxdb3_token::token_shaped_runs(shown).count(),
            0,
            "{shown}"
        );
        assert!(!shown.contains(&admin.expose_secret()[6..]), "{shown}");
        for secret in &secrets {
            assert!(!shown.contains(&secret[6..]), "{shown}");
        }
    };
    for format in [
        QueryFormat::Json,
        QueryFormat::JsonLines,
        QueryFormat::Csv,
        QueryFormat::Pretty,
    ] {
        let body = client.show_tokens(format).unwrap();
        hidden(&body);
        assert!(body.contains("apiv3_***"), "{body}");
        match format {
            QueryFormat::Json => {
                let rows: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
                assert_eq!(rows.len(), 4);
                assert_eq!(rows[1]["name"], "apiv3_***");
                assert_eq!(rows[1]["description"], "see apiv3_***");
                assert_eq!(rows[2]["description"], "admin is apiv3_***!");
            }
            QueryFormat::JsonLines => {
                for line in body.lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap();
                }
            }
            QueryFormat::Csv => {
                assert!(body.contains(",plain,"), "{body}");
                assert!(body.contains(",admin is apiv3_***!,"), "{body}");
                assert_eq!(body.lines().count(), 5);
            }
            _ => {
                // Drawn again: every line as wide as the borders.
                let lines: Vec<&str> = body.lines().collect();
                assert_eq!(lines.len(), 4 + 4);
                assert!(lines.iter().all(|l| l.len() == lines[0].len()), "{body}");
                assert!(body.contains("| apiv3_*** "), "{body}");
            }
        }
    }
    // The rows are data: names as the server holds them (a plan deletes a token by its
    // name; whoever shows a name masks it), descriptions masked.
    let rows = client.list_tokens().unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows[1].name.starts_with("apiv3_") && rows[1].name.len() > 20);
    let descriptions: Vec<String> = rows.iter().filter_map(|r| r.description.clone()).collect();
    hidden(&descriptions.join(" "));
}

#[test]
fn listings_without_secrets_keep_the_servers_text() {
    let (server, admin) = server();
    server
        .add_token("reader", &perms(&["db:db1,db2:read"]), None)
        .unwrap();
    assert!(server.describe_token("reader", "see `apiv3_` and apiv3_… in the docs"));
    let client = client(&server, &admin);
    let pretty = client.show_tokens(QueryFormat::Pretty).unwrap();
    assert!(
        pretty.contains("| see `apiv3_` and apiv3_… in the docs "),
        "{pretty}"
    );
    let json = client.show_tokens(QueryFormat::Json).unwrap();
    assert!(json.contains(r#""description":"see `apiv3_` and apiv3_… in the docs""#));
}

#[test]
fn the_admin_token_never_shows() {
    let admin = Token::generate().unwrap();
    let secret = admin.expose_secret().to_owned();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let builder = Client::builder(host(&format!("http://127.0.0.1:{port}"))).admin_token(admin);
    assert!(!format!("{builder:?}").contains(&secret[8..]));
    let client = builder.build().unwrap();
    assert!(!format!("{client:?}").contains(&secret[8..]));
    let err = client
        .create_token(&name("x"), &perms(&["db:a:read"]), None)
        .unwrap_err();
    assert!(!err.to_string().contains(&secret[8..]));
    assert!(!format!("{err:?}").contains(&secret[8..]));
}

#[test]
fn a_token_from_a_file_is_authorized_exactly_as_its_permissions_say() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let token = Token::generate().unwrap();
    let entry = TokenEntry::new(
        token.clone(),
        TokenName::new("ingest").unwrap(),
        None,
        &perms(&["db:sensors:write", "system:health:read"]),
    )
    .unwrap();
    let dbs = ["sensors", "logs"].map(|d| DatabaseName::new(d).unwrap());
    TokenFile::append(&path, entry, &dbs, &WriteOptions::default()).unwrap();
    let server = TestServer::builder()
        .permission_tokens_file(&path)
        .start()
        .unwrap();

    assert_eq!(
        server
            .status("GET", "/health", token.expose_secret())
            .unwrap(),
        200
    );
    assert_eq!(
        server
            .status("GET", "/ping", token.expose_secret())
            .unwrap(),
        403
    );
    assert_eq!(
        server
            .status("GET", "/metrics", token.expose_secret())
            .unwrap(),
        403
    );
    assert_eq!(
        server
            .status("POST", "/api/v3/write_lp?db=sensors", token.expose_secret())
            .unwrap(),
        204
    );
    assert_eq!(
        server
            .status("POST", "/api/v3/write_lp?db=logs", token.expose_secret())
            .unwrap(),
        403
    );
    assert_eq!(
        server
            .status(
                "GET",
                "/api/v3/query_sql?db=sensors&q=select%201",
                token.expose_secret()
            )
            .unwrap(),
        403
    );
    assert_eq!(
        server
            .status("GET", "/health", Token::generate().unwrap().expose_secret())
            .unwrap(),
        401
    );
    // It is not an admin token.
    let err = Client::builder(host(&server.url()))
        .admin_token(token)
        .build()
        .unwrap()
        .create_token(&name("x"), &perms(&["db:logs:read"]), None)
        .unwrap_err();
    assert!(matches!(err, ClientError::Forbidden { .. }));
}

#[test]
fn admin_tokens_through_the_server_store_named_operator_and_regenerated() {
    use influxdb3_provision::{
        Action, ExecuteOptions, Failure, IfExists, NewAdmin, Plan, Policy, StoreError, TokenStore,
        execute,
    };
    use influxdb3_token::Expiry;
    use influxdb3_token_client::ServerStore;

    let (server, admin) = server();
    let client = client(&server, &admin);
    let mut store = ServerStore::new(&client);
    let now = Timestamp::now();
    let run = |plan: &Plan, store: &mut ServerStore<'_>| {
        execute(plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
    };

    // A named admin token that expires: the named admin endpoint.
    let named = NewAdmin::new(name("deploy"), Expiry::After(lifetime("1d")), now);
    let plan = Plan::create_admin(named, IfExists::Fail, &Policy::default()).unwrap();
    let ran = run(&plan, &mut store);
    assert!(ran.report.failed.is_none());
    let done = &ran.report.done[0];
    assert!(done.admin && done.action == Action::Created && done.id.is_some());
    assert!(done.expiry.is_some());
    assert!(server.has_token("deploy"));
    let listed = store.list().unwrap();
    assert!(listed.iter().any(|t| t.name == "deploy" && t.is_admin()));

    // The operator token never expires: a server cannot make one that does.
    let expiring = NewAdmin::new(TokenName::admin(), Expiry::After(lifetime("1d")), now);
    let e = store.create_admin(&expiring, false).unwrap_err();
    assert_eq!(e.failure(), Failure::Unsupported, "{e}");
    assert_eq!(
        store.create_admin(&expiring, true).unwrap_err().failure(),
        Failure::Unsupported
    );

    // A server changes no token in place.
    for e in [
        store
            .update("deploy", &perms(&["db:db1:read"]), None)
            .unwrap_err(),
        store.rotate("deploy", None).map(drop).unwrap_err(),
        store
            .replace(&influxdb3_provision::NewToken::new(
                name("deploy"),
                perms(&["db:db1:read"]),
                Expiry::Never,
                now,
            ))
            .map(drop)
            .unwrap_err(),
    ] {
        assert_eq!(e.failure(), Failure::Unsupported, "{e}");
    }
    assert!(server.has_token("deploy"));

    // The operator token, then a new secret for it.
    let operator = NewAdmin::new(TokenName::admin(), Expiry::Never, now);
    let plan = Plan::create_admin(operator, IfExists::Fail, &Policy::default()).unwrap();
    let first = run(&plan, &mut store);
    assert!(first.report.failed.is_none(), "{:?}", first.report.failed);
    let regenerate = Plan::regenerate(now, &Policy::default()).unwrap().confirm();
    let second = run(&regenerate, &mut store);
    assert!(second.report.failed.is_none(), "{:?}", second.report.failed);
    assert_eq!(second.report.done[0].action, Action::Regenerated);
    assert_ne!(first.secrets[0].1, second.secrets[0].1);
}

#[test]
fn the_request_a_dry_run_shows_is_the_one_the_step_sends() {
    use influxdb3_provision::{IfExists, NewAdmin, NewToken, Plan, Policy, Step};
    use influxdb3_token::Expiry;
    use influxdb3_token_client::{ServerStore, TokenRequest};

    let now = Timestamp::now();
    let first = |plan: &Plan| plan.steps()[0].clone();
    let operator = first(
        &Plan::create_admin(
            NewAdmin::new(TokenName::admin(), Expiry::Never, now),
            IfExists::Fail,
            &Policy::default(),
        )
        .unwrap(),
    );
    assert!(matches!(
        ServerStore::request(&operator),
        Ok(Some(TokenRequest::Admin))
    ));
    let named = first(
        &Plan::create_admin(
            NewAdmin::new(name("ops"), Expiry::After(lifetime("1d")), now),
            IfExists::Fail,
            &Policy::default(),
        )
        .unwrap(),
    );
    assert!(matches!(
        ServerStore::request(&named),
        Ok(Some(TokenRequest::NamedAdmin {
            lifetime: Some(_),
            ..
        }))
    ));
    let expiring_operator = Step::CreateAdmin {
        token: NewAdmin::new(TokenName::admin(), Expiry::After(lifetime("1d")), now),
        if_exists: IfExists::Fail,
    };
    assert!(matches!(
        ServerStore::request(&expiring_operator),
        Err(ClientError::InvalidRequest(_))
    ));
    let create = first(
        &Plan::create(
            NewToken::new(name("t"), perms(&["db:db1:read"]), Expiry::Never, now),
            IfExists::Fail,
            &Policy::default(),
        )
        .unwrap(),
    );
    assert!(matches!(
        ServerStore::request(&create),
        Ok(Some(TokenRequest::Create { lifetime: None, .. }))
    ));
    let delete = first(&Plan::delete("t", false, now).unwrap());
    assert!(matches!(
        ServerStore::request(&delete),
        Ok(Some(TokenRequest::Delete { name: "t" }))
    ));
    assert!(matches!(
        ServerStore::request(&first(&Plan::regenerate(now, &Policy::default()).unwrap())),
        Ok(Some(TokenRequest::Regenerate))
    ));
    assert!(matches!(
        ServerStore::request(&Step::Keep {
            name: name("t"),
            expired: false
        }),
        Ok(None)
    ));
    // A drift that a file would update in place.
    let wanted =
        influxdb3_provision::Wanted::new(name("t"), perms(&["db:db1:write"]), Expiry::Never);
    let existing =
        influxdb3_provision::Existing::new("t", perms(&["db:db1:read"]).iter().collect(), None);
    let update = first(
        &Plan::reconcile(
            &[wanted],
            &[existing],
            influxdb3_provision::Capabilities::FILE,
            now,
            influxdb3_provision::PlanOptions::default().update(true),
            &Policy::default(),
        )
        .unwrap(),
    );
    assert!(matches!(update, Step::Update(_)), "{update:?}");
    for refused in [
        update,
        first(&Plan::rotate("t", None, now).unwrap()),
        Step::Create {
            token: NewToken::new(name("t"), perms(&["db:db1:read"]), Expiry::Never, now),
            if_exists: IfExists::Replace,
        },
    ] {
        assert!(
            matches!(
                ServerStore::request(&refused),
                Err(ClientError::InvalidRequest(_))
            ),
            "{refused:?}"
        );
    }
}

#[test]
fn an_answer_that_echoes_the_admin_token_is_no_new_token() {
    // An answer whose "new" token is the admin token the request was sent with: refused,
    // and the admin token is in no error.
    let server = raw(|request, s| {
        let admin = request
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("authorization: bearer "))
            .map(|l| l["authorization: bearer ".len()..].trim().to_owned())
            .unwrap_or_default();
        let body = format!(
            r#"{{"id":1,"name":"ops","token":"{admin}","hash":"{}","created_at":"2025-01-01T00:00:00Z","expiry":null}}"#,
            TokenHash::of(&admin)
        );
        reply(s, "201 Created", Some("json"), &body);
    });
    let admin = Token::generate().unwrap();
    let client = Client::builder(host(server.url()))
        .admin_token(admin.clone())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    for err in [
        client
            .create_named_admin_token(&name("ops"), None)
            .unwrap_err(),
        client.regenerate_admin_token().unwrap_err(),
    ] {
        assert!(
            matches!(
                &err,
                ClientError::CreatedButUnreadable {
                    problem: BodyProblem::AdminToken,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(!chain(&err).contains(&admin.expose_secret()[6..]));
    }
}

#[test]
fn a_store_called_directly_refuses_what_a_server_cannot_hold_and_sends_nothing() {
    use influxdb3_provision::{NewAdmin, NewToken, TokenStore as _, Unsupported};
    use influxdb3_token::Expiry;
    use influxdb3_token_client::{RequestError, ServerStore};

    let (server, admin) = server();
    let client = client(&server, &admin);
    let mut store = ServerStore::new(&client);
    let now = Timestamp::now();
    let before = server.requests().len();
    let refused = |e: ClientError| match e {
        ClientError::InvalidRequest(RequestError::Unsupported { what }) => Some(what),
        _ => None,
    };
    let chosen = NewToken::new(name("t"), perms(&["db:db1:read"]), Expiry::Never, now)
        .with_secret(Token::generate().unwrap());
    assert_eq!(
        store.create(&chosen).map(|_| ()).map_err(refused),
        Err(Some(Unsupported::ChosenSecret))
    );
    let operator = NewAdmin::new(TokenName::admin(), Expiry::After(lifetime("1d")), now);
    assert_eq!(
        store
            .create_admin(&operator, false)
            .map(|_| ())
            .map_err(refused),
        Err(Some(Unsupported::ExpiringOperator))
    );
    let named = NewAdmin::new(name("ops2"), Expiry::Never, now);
    assert_eq!(
        store
            .create_admin(&named, true)
            .map(|_| ())
            .map_err(refused),
        Err(Some(Unsupported::ReplaceInPlace))
    );
    assert_eq!(server.requests().len(), before, "nothing sent");
}

#[test]
fn a_filtered_listing_and_the_request_a_dry_run_shows() {
    use influxdb3_provision::{IfExists, NewToken, Plan, Policy};
    use influxdb3_token::Expiry;
    use influxdb3_token_client::{ServerStore, TokenFilter};
    let (server, admin) = server();
    let c = client(&server, &admin);
    c.create_token(&name("reader"), &perms(&["db:db1:read"]), None)
        .unwrap();
    c.create_token(&name("writer"), &perms(&["db:db2:write"]), None)
        .unwrap();
    let now = Timestamp::now();
    // No filter: the body as the server wrote it.
    assert_eq!(
        c.show_tokens_where(QueryFormat::Json, &TokenFilter::default(), now)
            .unwrap(),
        c.show_tokens(QueryFormat::Json).unwrap()
    );
    let db2 = TokenFilter::default().database("db2");
    let csv = c.show_tokens_where(QueryFormat::Csv, &db2, now).unwrap();
    assert!(csv.contains("writer") && !csv.contains("reader"), "{csv}");
    // The dry run of a plan shows its first request, prepared as it would be sent.
    let token = NewToken::new(name("new"), perms(&["db:db1:read"]), Expiry::Never, now);
    let plan = Plan::create(token, IfExists::Fail, &Policy::default()).unwrap();
    let request = ServerStore::new(&c).first_request(&plan).unwrap().unwrap();
    assert_eq!(request.method(), "POST");
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(json["headers"]["Authorization"], "Bearer ***");
    assert_eq!(json["body"]["token_name"], "new");
    assert!(!json.to_string().contains("apiv3_"), "{json}");
    let keep = Plan::delete("nothing-here", false, now).unwrap();
    assert_eq!(
        ServerStore::new(&c)
            .first_request(&keep)
            .unwrap()
            .map(|r| r.method().to_owned()),
        Some("DELETE".to_owned())
    );
}

#[test]
fn a_configuration_says_what_it_risks() {
    use influxdb3_token_client::ClientWarning;
    let https = Client::builder(host("https://db.example.com:8181"));
    assert!(https.warnings().is_empty());
    assert_eq!(
        https.clone().no_verify(true).warnings(),
        [ClientWarning::Unverified]
    );
    // Over plain http there is no certificate to skip.
    let http = Client::builder(host("http://127.0.0.1:8181")).no_verify(true);
    assert!(http.warnings().is_empty());
    assert_eq!(
        ClientWarning::Unverified.to_string(),
        "the server's certificate is not checked, so anyone on the network path can read the admin token"
    );
}

#[test]
fn a_listing_is_shown_with_its_hidden_characters_escaped_as_its_format_reads_them() {
    let json = "[{\"name\":\"a\u{1b}[2Jb\"},\n{\"name\":\"\u{202e}\"}]";
    for format in [QueryFormat::Json, QueryFormat::JsonLines] {
        assert_eq!(
            format.shown(json),
            "[{\"name\":\"a\\u001b[2Jb\"},\n{\"name\":\"\\u202e\"}]"
        );
    }
    let table = "+------+\n| a\u{1b}b |\n+------+\n";
    assert_eq!(
        QueryFormat::Pretty.shown(table),
        "+------+\n| a\\x1bb |\n+------+\n"
    );
    assert_eq!(QueryFormat::Csv.shown("name\r\nx\t\n"), "name\\r\nx\\t\n");
    assert!(matches!(
        QueryFormat::Csv.shown("name\nplain\n"),
        std::borrow::Cow::Borrowed(_)
    ));
}
