//! The token lifecycle against a server (the test server, on 127.0.0.1): `show tokens`
//! with upstream's request and formats and our filters, `tokens apply` end to end, and
//! the parity points of InfluxDB 3.10/3.11.

use std::fs;
use std::path::Path;

mod common;

use common::{influxdb3, run, text};
use influxdb3_permission::Permission;
use influxdb3_testserver::{RecordedRequest, TestServer};
use influxdb3_token::{Timestamp, Token};

fn perms(list: &[&str]) -> Vec<Permission> {
    list.iter().map(|p| p.parse().unwrap()).collect()
}

/// A server with tokens of every kind: the operator token, a named admin, an expired
/// token, a wildcard, a multi-database token and one about to expire.
fn server() -> (TestServer, Token) {
    let server = TestServer::builder()
        .database("metrics")
        .database("logs")
        .database("archive")
        .start()
        .unwrap();
    let admin = server.add_admin_token("_admin").unwrap();
    server.add_admin_token("ops").unwrap();
    let now = Timestamp::now().millis();
    server
        .add_token(
            "old-ci",
            &perms(&["db:archive:write"]),
            Some(Timestamp::from_millis(now - 86_400_000)),
        )
        .unwrap();
    server
        .add_token(
            "reader-all",
            &perms(&["db:*:read", "system:health:read"]),
            None,
        )
        .unwrap();
    server
        .add_token(
            "grafana",
            &perms(&["db:metrics,logs:read"]),
            Some(Timestamp::from_millis(now + 30 * 86_400_000)),
        )
        .unwrap();
    server
        .add_token(
            "soon",
            &perms(&["db:logs:write"]),
            Some(Timestamp::from_millis(now + 3_600_000)),
        )
        .unwrap();
    (server, admin)
}

/// `influxdb3 ARGS` against `server` with `admin`; (exit code, stdout, stderr).
fn online(server: &TestServer, admin: &Token, args: &[&str]) -> (Option<i32>, String, String) {
    let mut cmd = influxdb3(args);
    cmd.env("INFLUXDB3_HOST_URL", server.url())
        .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
    let out = run(&mut cmd);
    assert_ne!(out.status.code(), Some(101), "panicked");
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn names(json: &str) -> Vec<String> {
    let rows: Vec<serde_json::Value> = serde_json::from_str(json.trim_end()).unwrap();
    rows.iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

fn query_bodies(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r: &&RecordedRequest| r.path == "/api/v3/query_sql")
        .map(|r| String::from_utf8(r.body.clone()).unwrap())
        .collect()
}

#[test]
fn show_tokens_sends_upstreams_request_in_every_format() {
    let (server, admin) = server();
    for (flag, wire) in [
        ("pretty", "pretty"),
        ("json", "json"),
        ("jsonl", "json_lines"),
        ("csv", "csv"),
    ] {
        let (code, out, err) = online(&server, &admin, &["show", "tokens", "--format", flag]);
        assert_eq!(code, Some(0), "{err}");
        // The bytes upstream's CLI sends (CONTRACT §4, recorded from Core 3.4.0).
        let body = query_bodies(&server).pop().unwrap();
        assert_eq!(
            body,
            format!(
                r#"{{"db":"_internal","q":"select * from system.tokens","format":"{wire}","params":null}}"#
            )
        );
        // Printed as the server answered, and one line break.
        match flag {
            "json" => {
                assert!(
                    out.starts_with(r#"[{"token_id":0,"name":"_admin","hash":""#),
                    "{out}"
                );
                assert!(out.ends_with("}]\n"), "{out}");
                assert_eq!(names(&out).len(), 6);
                // Null columns are left out; admin tokens list `*:*:*`.
                assert!(!out.contains("description"));
                assert!(out.contains(r#""name":"ops","hash":""#));
                assert!(out.contains(r#""permissions":"*:*:*"}"#));
            }
            "jsonl" => {
                assert_eq!(out.lines().filter(|l| !l.is_empty()).count(), 6);
                assert!(out.ends_with("}\n\n"), "{out:?}");
            }
            "csv" => {
                let mut lines = out.lines();
                assert_eq!(
                    lines.next(),
                    Some(
                        "token_id,name,hash,created_at,description,created_by_token_id,updated_at,updated_by_token_id,expiry,permissions"
                    )
                );
                let admin_row = lines.next().unwrap();
                assert!(admin_row.starts_with("0,_admin,"), "{admin_row}");
                assert!(admin_row.ends_with(",,,,,,*:*:*"), "{admin_row}");
                // A value with a comma is quoted.
                assert!(out.contains(",\"db:metrics,logs:read\"\n"), "{out}");
            }
            _ => {
                let lines: Vec<&str> = out.lines().collect();
                assert!(lines[0].starts_with("+----------+"), "{out}");
                assert!(lines[1].starts_with("| token_id | name "), "{out}");
                assert!(lines[3].starts_with("| 0        | _admin "), "{out}");
                assert_eq!(lines.len(), 6 + 4);
            }
        }
    }
    // Never a secret, never a full hash.
    let (_, out, _) = online(&server, &admin, &["show", "tokens", "--format", "json"]);
    assert!(!out.contains("apiv3_"));
    let rows: Vec<serde_json::Value> = serde_json::from_str(out.trim_end()).unwrap();
    assert!(rows.iter().all(|r| r["hash"].as_str().unwrap().len() == 9));
}

#[test]
fn show_tokens_filters_on_the_servers_rows() {
    let (server, admin) = server();
    let show = |args: &[&str]| {
        let mut all = vec!["show", "tokens", "--format", "json"];
        all.extend_from_slice(args);
        let (code, out, err) = online(&server, &admin, &all);
        assert_eq!(code, Some(0), "{err}");
        names(&out)
    };
    assert_eq!(show(&["--name", "grafana"]), ["grafana"]);
    assert!(show(&["--name", "nobody"]).is_empty());
    // Through a name, through `db:*`, and through `*:*:*`.
    assert_eq!(
        show(&["--database", "logs"]),
        ["_admin", "ops", "reader-all", "grafana", "soon"]
    );
    assert_eq!(
        show(&["--database", "archive"]),
        ["_admin", "ops", "old-ci", "reader-all"]
    );
    assert_eq!(show(&["--expired"]), ["old-ci"]);
    assert_eq!(show(&["--expiring-within", "1d"]), ["soon"]);
    assert_eq!(show(&["--expiring-within", "60d"]), ["grafana", "soon"]);
    assert_eq!(
        show(&["--database", "logs", "--expiring-within", "60d"]),
        ["grafana", "soon"]
    );
    // Filtered rows in the other formats keep upstream's layout.
    let (_, csv, _) = online(
        &server,
        &admin,
        &["show", "tokens", "--format", "csv", "--expired"],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("token_id,name,hash,"));
    assert!(
        lines[1].contains(",old-ci,") && lines[1].ends_with(",db:archive:write"),
        "{csv}"
    );
    let (_, pretty, _) = online(&server, &admin, &["show", "tokens", "--name", "soon"]);
    assert!(pretty.contains("| soon "), "{pretty}");
    assert_eq!(pretty.lines().count(), 5);
    // A bad duration is a usage error, before anything is sent.
    let before = server.requests().len();
    let (code, _, err) = online(
        &server,
        &admin,
        &["show", "tokens", "--expiring-within", "soon"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(server.requests().len(), before);
}

/// A server whose rows hold secrets: tokens named like tokens, descriptions that hold
/// another token and the caller's admin token; one expired, one about to expire.
fn leaky_server() -> (TestServer, Token, Vec<String>) {
    let (server, admin) = server();
    let now = Timestamp::now().millis();
    let [named, soon, other] = [(); 3].map(|()| Token::generate().unwrap());
    server
        .add_token(
            named.expose_secret(),
            &perms(&["db:metrics:read"]),
            Some(Timestamp::from_millis(now - 1000)),
        )
        .unwrap();
    server
        .add_token(
            soon.expose_secret(),
            &perms(&["db:logs:read"]),
            Some(Timestamp::from_millis(now + 3_600_000)),
        )
        .unwrap();
    assert!(server.describe_token(
        named.expose_secret(),
        &format!("copy: {}", other.expose_secret())
    ));
    assert!(server.describe_token("grafana", &format!("made with {}", admin.expose_secret())));
    assert!(server.describe_token(
        "soon",
        &format!("{}|{}", other.expose_secret(), admin.expose_secret())
    ));
    let secrets = [named, soon, other].map(|t| t.expose_secret().to_owned());
    (server, admin, secrets.to_vec())
}

#[test]
fn show_tokens_never_prints_a_secret_in_any_format_filtered_or_not() {
    let (server, admin, secrets) = leaky_server();
    let filters: [&[&str]; 6] = [
        &[],
        &["--name", "grafana"],
        &["--name", "soon"],
        &["--database", "logs"],
        &["--expired"],
        &["--expiring-within", "1d"],
    ];
    for format in ["pretty", "json", "jsonl", "csv"] {
        for filter in filters {
            let mut args = vec!["show", "tokens", "--format", format];
            args.extend_from_slice(filter);
            let (code, out, err) = online(&server, &admin, &args);
            let what = format!("{args:?}:\n{out}");
            assert_eq!(code, Some(0), "{what}{err}");
            assert!(!out.contains(&admin.expose_secret()[6..]), "{what}");
            for secret in &secrets {
                assert!(!out.contains(&secret[6..]), "{what}");
            }
            assert!(
                !out.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.~+/=".contains(c)))
                    .any(|word| word.contains("apiv3_") && !word.ends_with("apiv3_")),
                "{what}"
            );
            // Every view holds a row with a masked value.
            assert!(out.contains("apiv3_***"), "{what}");
            match format {
                "json" => {
                    serde_json::from_str::<serde_json::Value>(&out).unwrap();
                }
                "jsonl" => {
                    for line in out.lines().filter(|l| !l.is_empty()) {
                        serde_json::from_str::<serde_json::Value>(line).unwrap();
                    }
                }
                "csv" => {
                    let lines: Vec<&str> = out.lines().collect();
                    assert!(lines[0].starts_with("token_id,name,hash,"), "{what}");
                }
                _ => {
                    // Every line of the table as wide as its borders.
                    let lines: Vec<&str> = out.lines().collect();
                    assert!(lines[0].starts_with("+-"), "{what}");
                    assert!(
                        lines
                            .iter()
                            .all(|l| l.chars().count() == lines[0].chars().count()),
                        "{what}"
                    );
                }
            }
        }
    }
}

/// Filtered rows are the server's rows: every column, the update of a regenerated
/// admin token included, in each format.
#[test]
fn filtered_rows_keep_every_column_of_the_servers() {
    let (server, admin) = server();
    let (code, out, err) = online(
        &server,
        &admin,
        &[
            "create",
            "token",
            "--admin",
            "--regenerate",
            "--yes",
            "--format",
            "token",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let admin = Token::parse(out.trim()).unwrap();
    let show = |args: &[&str]| {
        let (code, out, err) = online(&server, &admin, args);
        assert_eq!(code, Some(0), "{err}");
        out
    };
    // JSON: the object the server wrote for `_admin`, updated by itself.
    let all: Vec<serde_json::Value> =
        serde_json::from_str(&show(&["show", "tokens", "--format", "json"])).unwrap();
    let row = all.iter().find(|r| r["name"] == "_admin").unwrap();
    assert_eq!(row["updated_by_token_id"], row["token_id"], "{row}");
    assert!(row["updated_at"].is_string(), "{row}");
    let filtered: Vec<serde_json::Value> = serde_json::from_str(&show(&[
        "show", "tokens", "--format", "json", "--name", "_admin",
    ]))
    .unwrap();
    assert_eq!(filtered, std::slice::from_ref(row));
    // CSV: the server's line.
    let all = show(&["show", "tokens", "--format", "csv"]);
    let line = all.lines().find(|l| l.contains(",_admin,")).unwrap();
    let filtered = show(&["show", "tokens", "--format", "csv", "--name", "_admin"]);
    assert_eq!(filtered.lines().nth(1), Some(line));
    // The table: the same cells.
    let cells = |table: &str| -> Vec<String> {
        let line = table.lines().find(|l| l.contains("| _admin ")).unwrap();
        line.split('|').map(|c| c.trim().to_owned()).collect()
    };
    assert_eq!(
        cells(&show(&["show", "tokens", "--name", "_admin"])),
        cells(&show(&["show", "tokens"]))
    );
}

#[test]
fn show_tokens_refusals_say_why() {
    let (server, _) = server();
    let reader = server
        .add_token("reader", &perms(&["db:metrics:read"]), None)
        .unwrap();
    let (code, _, err) = online(&server, &reader, &["show", "tokens"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(
        err.contains(
            "hint: this token is valid but may not do this: listing tokens takes an admin token"
        ),
        "{err}"
    );
    let stranger = Token::generate().unwrap();
    let (code, _, err) = online(&server, &stranger, &["show", "tokens"]);
    assert_eq!(code, Some(4), "{err}");
    assert!(err.contains("(401)"), "{err}");
}

#[test]
fn tls_options_work_for_show_and_delete() {
    let server = TestServer::builder().tls(true).start().unwrap();
    let admin = server.add_admin_token("_admin").unwrap();
    server.add_token("gone", &[], None).unwrap();
    let ca = server.ca_path().unwrap().to_str().unwrap().to_owned();
    let (code, out, err) = online(&server, &admin, &["show", "tokens", "--tls-ca", &ca]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("| gone "), "{out}");
    // INFLUXDB3_TLS_CA, and --tls-no-verify (with its warning), for delete.
    let mut cmd = influxdb3(&["delete", "token", "--token-name", "gone", "--yes"]);
    cmd.env("INFLUXDB3_HOST_URL", server.url())
        .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret())
        .env("INFLUXDB3_TLS_CA", &ca);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (code, _, err) = online(&server, &admin, &["show", "tokens", "--tls-no-verify"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("warning:"), "{err}");
    // Without the CA: refused before anything is sent.
    let (code, _, err) = online(&server, &admin, &["show", "tokens"]);
    assert_eq!(code, Some(5), "{err}");
}

fn manifest(dir: &Path, text: &str) -> String {
    let path = dir.join("tokens.toml");
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

const MANIFEST: &str = r#"
[[token]]
name = "telegraf"
permissions = ["db:metrics:write"]
expiry = "90d"

[[token]]
name = "grafana"
permissions = ["db:logs:read", "db:metrics:read"]
"#;

#[test]
fn apply_to_a_server_creates_keeps_reports_drift_recreates_and_prunes() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(dir.path(), MANIFEST);
    // A dry run sends only the read.
    let before = server.requests().len();
    let (code, out, err) = online(
        &server,
        &admin,
        &["tokens", "apply", &m, "--dry-run", "--prune"],
    );
    assert_eq!(code, Some(0), "{err}");
    let sent: Vec<_> = server.requests()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    // Its edition (`/ping`), then its tokens.
    assert_eq!(sent, ["GET /ping", "POST /api/v3/query_sql"]);
    assert!(out.contains("  + `telegraf`"), "{out}");
    assert!(out.contains("  ! `grafana`"), "{out}");
    assert!(out.contains("  - `old-ci`"), "{out}");
    // What the prune will not delete, it says.
    for admin in ["`ops`", "`_admin`"] {
        assert!(
            out.contains(&format!(
                "  = {admin}  (an admin token: --prune never deletes"
            )),
            "{out}"
        );
    }
    assert!(!server.has_token("telegraf"));

    // Created (its secret printed once, and it works), grafana's drift reported.
    let (code, out, err) = online(&server, &admin, &["tokens", "apply", &m]);
    assert_eq!(code, Some(0), "{err}");
    assert!(server.has_token("telegraf"));
    let secret = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("apiv3_"))
        .map(|s| format!("apiv3_{s}"))
        .unwrap();
    assert_eq!(
        server
            .status("POST", "/api/v3/write_lp?db=metrics", &secret)
            .unwrap(),
        204
    );
    assert!(out.contains("drift: left as it is"), "{out}");
    assert!(out.contains("? `old-ci`"), "{out}");

    // Again: nothing to change.
    let (_, out, _) = online(&server, &admin, &["tokens", "apply", &m]);
    assert!(
        out.contains("Nothing to change: the server already has the tokens"),
        "{out}"
    );
    assert!(!out.contains("apiv3_"));

    // --recreate replaces grafana (new secret, the manifest's grants); --prune deletes
    // what the manifest does not list, never an admin token.
    let (code, out, err) = online(
        &server,
        &admin,
        &["tokens", "apply", &m, "--recreate", "--prune"],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("1 recreated, 3 deleted, 1 kept"), "{out}");
    assert_eq!(
        server.token_names(),
        ["_admin", "ops", "telegraf", "grafana"]
    );
    let (_, json, _) = online(
        &server,
        &admin,
        &["show", "tokens", "--format", "json", "--name", "grafana"],
    );
    assert!(
        json.contains(r#""permissions":"db:logs:read,db:metrics:read""#),
        "{json}"
    );
    let (_, out, _) = online(&server, &admin, &["tokens", "apply", &m, "--prune"]);
    assert!(out.contains("Nothing to change"), "{out}");
}

#[test]
fn a_failure_halfway_says_what_was_done_and_keeps_the_secrets() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(
        dir.path(),
        "[[token]]\nname = \"a\"\npermissions = [\"db:metrics:read\"]\n[[token]]\nname = \"b\"\npermissions = [\"db:metrics:read\"]\n[[token]]\nname = \"c\"\npermissions = [\"db:metrics:read\"]\n",
    );
    let secrets = dir.path().join("secrets.json");
    server.fail_token_changes_after(1);
    let (code, out, err) = online(
        &server,
        &admin,
        &[
            "tokens",
            "apply",
            &m,
            "--secrets-out",
            secrets.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("injected failure"), "{err}");
    assert!(err.contains("done before it: create `a`"), "{err}");
    assert!(err.contains("apply again to finish"), "{err}");
    assert!(out.contains("  + `a`"), "{out}");
    // The one token made has its secret kept, in a 0600 file.
    let kept: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(&secrets).unwrap()).unwrap();
    assert_eq!(kept.keys().collect::<Vec<_>>(), ["a"]);
    assert!(server.has_token("a") && !server.has_token("b"));
    // Once the server is well, applying again finishes the job.
    server.fail_token_changes_after(usize::MAX);
    fs::remove_file(&secrets).unwrap();
    let (code, out, err) = online(&server, &admin, &["tokens", "apply", &m]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("2 created, 0 recreated, 0 deleted, 1 kept"),
        "{out}"
    );
}

#[test]
fn secrets_out_is_said_only_when_it_holds_secrets() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let secrets = dir.path().join("secrets.json");
    let one = "[[token]]\nname = \"one\"\npermissions = [\"db:metrics:read\"]\n";
    let m = manifest(dir.path(), one);
    let apply = |format: &str| {
        let args = ["tokens", "apply", &m, "--format", format, "--secrets-out"];
        let mut args = args.to_vec();
        args.push(secrets.to_str().unwrap());
        online(&server, &admin, &args)
    };
    let (code, out, err) = apply("text");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("The secret of the new token was written to `"),
        "{out}"
    );
    fs::remove_file(&secrets).unwrap();
    // Nothing minted: no file, and nothing said of one.
    let (code, out, err) = apply("text");
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("Nothing to change"), "{out}");
    assert!(!out.contains("written to"), "{out}");
    assert!(!secrets.exists());
    let (code, out, err) = apply("json");
    assert_eq!(code, Some(0), "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["secrets_out"], serde_json::Value::Null, "{out}");
}

#[test]
fn apply_refuses_mixed_targets_and_admin_names() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(
        dir.path(),
        "[[token]]\nname = \"ops\"\npermissions = [\"db:metrics:read\"]\n",
    );
    let (code, _, err) = online(&server, &admin, &["tokens", "apply", &m]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("token `ops` is an admin token: a manifest lists permission tokens"),
        "{err}"
    );
    let out_file = dir.path().join("tokens.json");
    let (code, _, err) = online(
        &server,
        &admin,
        &[
            "tokens",
            "apply",
            &m,
            "--output-file",
            out_file.to_str().unwrap(),
            "--host",
            &server.url(),
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--host means nothing with --output-file"),
        "{err}"
    );
    let (code, _, err) = online(&server, &admin, &["tokens", "apply", &m, "--update"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--recreate"), "{err}");
}

#[test]
fn names_the_http_api_cannot_create_get_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--offline",
        "--output-file",
        file.to_str().unwrap(),
        "--name",
        "t",
        "--permission",
        "db:_internal,a/b/c,ok:read",
        "--create-databases",
        "données,ok",
    ]));
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("database `données` (in --create-databases) cannot be created through the server's HTTP API: it holds characters that are not ASCII"), "{err}");
    assert!(err.contains("database `_internal` (in --permission) cannot be created through the server's HTTP API: it does not start with a letter or a digit"), "{err}");
    assert!(err.contains("`a/b/c` (in --permission) cannot be created through the server's HTTP API: it holds more than one `/`"), "{err}");
    assert!(!err.contains("`ok`"), "{err}");

    // A manifest applied to a tokens file: the same rule, in the manifest's words.
    let m = manifest(
        dir.path(),
        "create_databases = [\"données\", \"ok\"]\n[[token]]\nname = \"u\"\npermissions = [\"db:_x,ok:read\"]\n",
    );
    let out = run(&mut influxdb3(&[
        "tokens",
        "apply",
        &m,
        "--output-file",
        file.to_str().unwrap(),
    ]));
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("database `données` (in the manifest's create_databases) cannot be created through the server's HTTP API"), "{err}");
    assert!(err.contains("database `_x` (in a permission of the manifest) cannot be created through the server's HTTP API: it does not start with a letter or a digit"), "{err}");
    assert!(!err.contains("`ok`"), "{err}");
}

#[test]
fn the_test_server_answers_ready_as_3_10_does() {
    let (server, admin) = server();
    let ready = server
        .add_token("ready", &perms(&["system:ready:read"]), None)
        .unwrap();
    let health = server
        .add_token("health", &perms(&["system:health:read"]), None)
        .unwrap();
    assert_eq!(
        server
            .status("GET", "/ready", ready.expose_secret())
            .unwrap(),
        200
    );
    assert_eq!(
        server
            .status("GET", "/ready", health.expose_secret())
            .unwrap(),
        403
    );
    assert_eq!(
        server
            .status("GET", "/ready", admin.expose_secret())
            .unwrap(),
        200
    );
}

#[test]
fn the_operator_token_is_never_touched_by_name() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    // Whatever its row says: an `_admin` that the server lists without permissions.
    let m = manifest(
        dir.path(),
        "[[token]]\nname = \"grafana\"\npermissions = [\"db:metrics,logs:read\"]\n",
    );
    let (code, _, err) = online(
        &server,
        &admin,
        &["tokens", "apply", &m, "--prune", "--recreate", "--yes"],
    );
    assert_eq!(code, Some(0), "{err}");
    let left = server.token_names();
    assert!(left.contains(&"_admin".to_owned()), "{left:?}");
    assert!(
        left.contains(&"ops".to_owned()),
        "admin tokens are not pruned: {left:?}"
    );
    assert!(!left.contains(&"old-ci".to_owned()), "{left:?}");
    // Deleting it by name is refused before anything is sent.
    let before = server.requests().len();
    let (code, _, err) = online(
        &server,
        &admin,
        &["delete", "token", "--token-name", "_admin", "--yes"],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("never deleted"), "{err}");
    assert_eq!(server.requests().len(), before, "nothing was sent");
}

#[test]
fn the_expiry_cap_holds_for_apply_on_a_server() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(
        dir.path(),
        "[[token]]\nname = \"forever\"\npermissions = [\"db:metrics:read\"]\n",
    );
    for args in [
        vec!["tokens", "apply", m.as_str(), "--max-expiry", "30d"],
        vec!["tokens", "apply", m.as_str()],
    ] {
        let mut cmd = influxdb3(&args);
        cmd.env("INFLUXDB3_HOST_URL", server.url())
            .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret())
            .env("INFLUXDB3_MAX_EXPIRY", "30d");
        let out = run(&mut cmd);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("would never expire"), "{err}");
        assert!(!server.has_token("forever"), "nothing was created");
    }
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_neutralised() {
    let (server, admin) = server();
    let name = "=HYPERLINK(\"http://x\")";
    server
        .add_token(name, &perms(&["db:metrics:read"]), None)
        .unwrap();
    // Filtered: our CSV, with the formula neutralised.
    let (code, out, err) = online(
        &server,
        &admin,
        &["show", "tokens", "--format", "csv", "--name", name],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{out}");
    assert!(!out.contains(",=HYPERLINK"), "{out}");
    // Unfiltered: the server's own CSV, byte for byte.
    let (_, out, _) = online(&server, &admin, &["show", "tokens", "--format", "csv"]);
    assert!(out.contains("=HYPERLINK"), "{out}");
}

#[test]
fn apply_against_core_says_permission_tokens_need_enterprise() {
    let server = TestServer::builder()
        .mode(influxdb3_testserver::Mode::Core)
        .start()
        .unwrap();
    let admin = server.add_admin_token("_admin").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let m = manifest(
        dir.path(),
        "[[token]]\nname = \"a\"\npermissions = [\"db:metrics:read\"]\n",
    );
    let other = tempfile::tempdir().unwrap();
    let empty = manifest(other.path(), "");
    let before = server.requests().len();
    // A run, its dry run, and a prune of an empty manifest: all say so, before
    // anything but the server's edition is read.
    for args in [
        vec!["tokens", "apply", &m],
        vec!["tokens", "apply", &m, "--dry-run"],
        vec!["tokens", "apply", &empty, "--prune", "--yes"],
    ] {
        let (code, out, err) = online(&server, &admin, &args);
        assert_eq!(code, Some(1), "{args:?}: {out}{err}");
        assert!(err.contains("is InfluxDB 3 Core"), "{err}");
        assert!(
            err.contains("permission tokens need InfluxDB 3 Enterprise"),
            "{err}"
        );
        assert!(!out.contains("Nothing to change"), "{out}");
        assert!(!out.contains("would create"), "{out}");
        // The failure would repeat: no advice to apply again.
        assert!(!err.contains("again"), "{err}");
    }
    assert!(
        server.requests()[before..]
            .iter()
            .all(|r| r.path == "/ping"),
        "only the edition was asked"
    );
}

#[test]
fn an_admin_token_named_admin_online_is_the_operator_token_in_the_dry_run_as_in_the_run() {
    let (server, admin) = server();
    let create = ["create", "token", "--admin", "--name", "_admin"];
    // An operator token that expires: refused alike before anything is sent (a plan
    // refuses it too, by the server's capabilities).
    let before = server.requests().len();
    for dry in [true, false] {
        let mut args = create.to_vec();
        args.extend(["--expiry", "1d"]);
        if dry {
            args.push("--dry-run");
        }
        let (code, out, err) = online(&server, &admin, &args);
        assert_eq!(code, Some(2), "{out}{err}");
        assert!(
            err.contains("this store cannot hold an operator token `_admin` that expires"),
            "{err}"
        );
    }
    assert_eq!(server.requests().len(), before, "nothing sent");
    // Without an expiry: the operator endpoint, shown and then sent.
    let mut args = create.to_vec();
    args.extend(["--dry-run", "--format", "json"]);
    let (code, out, err) = online(&server, &admin, &args);
    assert_eq!(code, Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let url = doc["request"]["url"].as_str().unwrap();
    assert!(url.ends_with("/api/v3/configure/token/admin"), "{url}");
    assert_eq!(server.requests().len(), before, "a dry run sends nothing");
    // This server has its operator token: the endpoint answers that it exists.
    let (code, out, err) = online(&server, &admin, &create);
    assert_eq!(code, Some(3), "{out}{err}");
    assert!(err.contains("--regenerate"), "{err}");
    let sent = server.requests();
    assert_eq!(sent.last().unwrap().path, "/api/v3/configure/token/admin");
}

#[test]
fn a_secret_minted_by_the_server_that_a_closed_stdout_never_took_is_an_error() {
    let (server, admin) = server();
    let mut cmd = influxdb3(&["create", "token", "--admin", "--name", "lost"]);
    cmd.env("INFLUXDB3_HOST_URL", server.url())
        .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // The reader goes away before the secret is written (a pipe closed early).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("could not be shown"), "{err}");
    assert!(
        server.has_token("lost"),
        "the token exists: the error says so"
    );
}

#[test]
fn if_not_exists_on_the_server_says_so_in_its_words() {
    let (server, admin) = server();
    let (code, out, err) = online(
        &server,
        &admin,
        &[
            "create",
            "token",
            "--admin",
            "--name",
            "ops",
            "--if-not-exists",
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("token `ops` already exists on the server; nothing was changed"),
        "{err}"
    );
}
