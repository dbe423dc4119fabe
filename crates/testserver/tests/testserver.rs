//! The server's own behaviour: loading files as `influxdb3 serve` does, and the binary.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use influxdb3_permission::{DatabaseName, Grants, Permission};
use influxdb3_testserver::{StartError, TestServer};
use influxdb3_token::{Token, TokenName};
use influxdb3_tokenfile::{AdminTokenFile, TokenEntry, TokenFile, WriteOptions};

fn grants(list: &[&str]) -> Grants {
    Grants::try_from(
        list.iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

#[test]
fn files_load_databases_first_then_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.json");
    let admin_file = dir.path().join("admin.json");
    let token = Token::generate().unwrap();
    let entry = TokenEntry::new(
        token.clone(),
        TokenName::new("health").unwrap(),
        None,
        &grants(&["db:made_by_file:read", "system:*:read"]),
    )
    .unwrap();
    let created = [DatabaseName::new("made_by_file").unwrap()];
    TokenFile::append(&tokens, entry, &created, &WriteOptions::default()).unwrap();
    let admin = Token::generate().unwrap();
    AdminTokenFile::new(admin.clone(), TokenName::admin(), None)
        .write(&admin_file, &WriteOptions::default())
        .unwrap();

    let server = TestServer::builder()
        .permission_tokens_file(&tokens)
        .admin_token_file(&admin_file)
        .start()
        .unwrap();
    assert!(
        server
            .call("GET", "/health", token.expose_secret())
            .unwrap()
            .starts_with("HTTP/1.1 200 OK\r\n")
    );
    assert!(
        server
            .call("GET", "/ping", admin.expose_secret())
            .unwrap()
            .starts_with("HTTP/1.1 200 OK\r\n")
    );
    assert!(
        server
            .call(
                "GET",
                "/api/v3/query_sql?db=made_by_file&q=x",
                token.expose_secret()
            )
            .unwrap()
            .starts_with("HTTP/1.1 200 OK\r\n")
    );
    assert!(server.has_token("health") && server.has_token("_admin"));
}

#[test]
fn a_token_on_a_database_the_file_does_not_create_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens.json");
    let entry = TokenEntry::new(
        Token::generate().unwrap(),
        TokenName::new("orphan").unwrap(),
        None,
        &grants(&["db:nowhere:read"]),
    )
    .unwrap();
    TokenFile::append(&tokens, entry, &[], &WriteOptions::default()).unwrap();
    let err = TestServer::builder()
        .permission_tokens_file(&tokens)
        .start()
        .unwrap_err();
    assert!(
        matches!(&err, StartError::UnknownDatabase { token, database } if token == "orphan" && database == "nowhere")
    );
    assert_eq!(
        err.to_string(),
        "token `orphan` from the tokens file has a permission on database `nowhere`, which does not exist"
    );
}

#[test]
fn responses_carry_upstream_quirks() {
    let server = TestServer::builder().start().unwrap();
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.write_all(b"POST /api/v3/configure/token/admin HTTP/1.1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(
        out.starts_with("HTTP/1.1 201 Created\r\ncontent-type: json\r\n"),
        "{out}"
    );
    let body = &out[out.find("\r\n\r\n").unwrap() + 4..];
    let keys: Vec<&str> = [
        "\"id\"",
        "\"name\"",
        "\"token\"",
        "\"hash\"",
        "\"created_at\"",
        "\"expiry\"",
    ]
    .into_iter()
    .filter(|k| body.contains(k))
    .collect();
    assert_eq!(keys.len(), 6, "{body}");
    assert!(body.find("\"id\"") < body.find("\"expiry\""));
}

#[test]
fn the_binary_explains_itself() {
    let out = Command::new(env!("CARGO_BIN_EXE_influxdb3-testserver"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("It is not a database"), "{help}");
    assert!(help.contains("--tls"));
    assert!(help.contains("--permission-tokens-file <FILE>"));
}
