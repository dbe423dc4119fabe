//! The `influxdb3` binary as users run it: real child processes, real files, the test
//! server on 127.0.0.1 (plain and TLS). Scenarios with pinned stdout, stderr, exit code
//! and files are case files under `tests/cmd/`, one per scenario; the rest are here.

use std::path::Path;

mod common;

use common::{influxdb3, on_terminal, text};
use influxdb3_permission::Permission;
use influxdb3_testserver::{Mode, TestServer};
use influxdb3_token::{Token, TokenHash};

/// Runs the case files matching `glob` with these environment variables.
fn run_cases(glob: &str, env: &[(&str, String)]) {
    let cases = trycmd::TestCases::new();
    cases.register_bin("influxdb3", Path::new(env!("CARGO_BIN_EXE_influxdb3")));
    for (key, value) in env {
        cases.env(*key, value.clone());
    }
    cases.case(glob).run();
}

#[test]
fn offline_cases() {
    run_cases("tests/cmd/offline/*.toml", &[]);
}

/// `show tokens` against a server holding the operator token and three permission
/// tokens (times and hashes differ from run to run: the cases match them as `[..]`).
#[test]
fn show_cases() {
    let server = TestServer::builder()
        .database("metrics")
        .database("logs")
        .start()
        .unwrap();
    let admin = server.add_admin_token("_admin").unwrap();
    let p =
        |list: &[&str]| -> Vec<Permission> { list.iter().map(|s| s.parse().unwrap()).collect() };
    server
        .add_token("telegraf", &p(&["db:metrics:write"]), None)
        .unwrap();
    server
        .add_token(
            "grafana",
            &p(&["db:metrics,logs:read"]),
            Some(influxdb3_token::Timestamp::from_millis(4_102_444_800_000)),
        )
        .unwrap();
    server
        .add_token("probe", &p(&["system:health:read"]), None)
        .unwrap();
    run_cases(
        "tests/cmd/show/*.toml",
        &[
            ("INFLUXDB3_HOST_URL", server.url()),
            ("INFLUXDB3_AUTH_TOKEN", admin.expose_secret().to_owned()),
        ],
    );
}

#[test]
fn tokens_cases() {
    // The fixtures as git checks them out under the usual umask (0644), whatever the
    // umask of this checkout: the "can be read by others" warning is part of the cases.
    use std::os::unix::fs::PermissionsExt;
    for dir in std::fs::read_dir("tests/cmd/tokens").unwrap().flatten() {
        if dir.path().extension().is_some_and(|e| e == "in") {
            for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
                std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644))
                    .unwrap();
            }
        }
    }
    run_cases("tests/cmd/tokens/*.toml", &[]);
}

/// The online cases run against one server with these tokens and databases.
fn online_server(builder: influxdb3_testserver::Builder) -> (TestServer, Token) {
    let server = builder
        .database("my_database")
        .database("database1")
        .database("database2")
        .start()
        .unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let read: Vec<Permission> = vec!["db:my_database:read".parse().unwrap()];
    server.add_token("already-taken", &read, None).unwrap();
    server.add_token("to-delete", &read, None).unwrap();
    server.add_token("to-delete-json", &read, None).unwrap();
    (server, admin)
}

#[test]
fn online_cases() {
    let (server, admin) = online_server(TestServer::builder());
    server.add_admin_token("_admin").unwrap();
    run_cases(
        "tests/cmd/online/*.toml",
        &[
            ("INFLUXDB3_HOST_URL", server.url()),
            ("INFLUXDB3_AUTH_TOKEN", admin.expose_secret().to_owned()),
        ],
    );
    // What the page's examples asked for is on the server.
    for name in [
        "Read/write token for my_database",
        "Multi-database token",
        "System health token",
        "Expiring token",
    ] {
        assert!(server.has_token(name), "{name}");
    }
    assert!(!server.has_token("to-delete"));
}

#[test]
fn cases_without_an_admin_token() {
    let (server, _admin) = online_server(TestServer::builder());
    run_cases(
        "tests/cmd/anonymous/*.toml",
        &[("INFLUXDB3_HOST_URL", server.url())],
    );
}

#[test]
fn tls_cases_without_the_ca() {
    let (server, admin) = online_server(TestServer::builder().tls(true));
    run_cases(
        "tests/cmd/tls-no-ca/*.toml",
        &[
            ("INFLUXDB3_HOST_URL", server.url()),
            ("INFLUXDB3_AUTH_TOKEN", admin.expose_secret().to_owned()),
        ],
    );
    assert!(!server.has_token("no ca"));
}

#[test]
fn core_cases() {
    let (server, admin) = online_server(TestServer::builder().mode(Mode::Core));
    run_cases(
        "tests/cmd/core/*.toml",
        &[
            ("INFLUXDB3_HOST_URL", server.url()),
            ("INFLUXDB3_AUTH_TOKEN", admin.expose_secret().to_owned()),
        ],
    );
}

#[test]
fn tls_cases() {
    let (server, admin) = online_server(TestServer::builder().tls(true));
    run_cases(
        "tests/cmd/tls/*.toml",
        &[
            ("INFLUXDB3_HOST_URL", server.url()),
            ("INFLUXDB3_AUTH_TOKEN", admin.expose_secret().to_owned()),
            (
                "INFLUXDB3_TLS_CA",
                server.ca_path().unwrap().display().to_string(),
            ),
        ],
    );
    assert!(server.has_token("over tls"));
}

// ---- behaviour beyond pinned output ----

use std::os::unix::fs::PermissionsExt;
use std::process::{Output, Stdio};

#[test]
fn a_token_minted_offline_works_once_the_server_loads_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let out = influxdb3(&[
        "create",
        "token",
        "--name",
        "health-check",
        "--permission",
        "system:health:read",
        "--permission",
        "db:metrics:write",
        "--expiry",
        "1y",
        "--offline",
        "--create-databases",
        "metrics",
        "--output-file",
        file.to_str().unwrap(),
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // stdout holds one JSON document and nothing else.
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let token = doc["token"].as_str().unwrap().to_owned();
    assert_eq!(
        doc["permissions"],
        serde_json::json!(["system:health:read", "db:metrics:write"])
    );
    assert_eq!(doc["output_file"], file.to_str().unwrap());
    assert_eq!(doc["hash"], TokenHash::of(&token).to_string());
    assert!(
        doc["help_msg"]
            .as_str()
            .unwrap()
            .ends_with(&format!("\"Authorization: Bearer {token}\""))
    );
    assert!(doc["expiry"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let server = TestServer::builder()
        .permission_tokens_file(&file)
        .start()
        .unwrap();
    assert_eq!(server.status("GET", "/health", &token).unwrap(), 200);
    assert_eq!(server.status("GET", "/ping", &token).unwrap(), 403);
    assert_eq!(
        server
            .status("GET", "/health", "apiv3_someone_else")
            .unwrap(),
        401
    );
}

#[test]
fn an_admin_token_minted_offline_administers_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("admin.json");
    let out = influxdb3(&[
        "create",
        "token",
        "--admin",
        "--offline",
        "--output-file",
        file.to_str().unwrap(),
        "--format",
        "json",
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let admin: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let admin = admin["token"].as_str().unwrap().to_owned();
    let server = TestServer::builder()
        .admin_token_file(&file)
        .database("db1")
        .start()
        .unwrap();
    let out = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "r",
        "--host",
        &server.url(),
        "--token",
        &admin,
    ])
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(server.has_token("r"));
}

#[test]
fn bad_input_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    for bad in [
        vec!["--permission", "db:a:reed", "--name", "x"],
        vec!["--permission", "*:*:*", "--name", "x"],
        vec!["--permission", "db:a:read", "--name", "x", "--expiry", "0s"],
        vec![
            "--permission",
            "db:a:read",
            "--name",
            "x",
            "--create-databases",
            "a b",
        ],
        vec!["--permission", "db:a:read"],
    ] {
        let mut args = vec!["create", "token"];
        args.extend(bad);
        args.extend(["--offline", "--output-file", file.to_str().unwrap()]);
        let out = influxdb3(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: ") || err.starts_with("error["),
            "{err}"
        );
        assert!(!file.exists(), "{args:?} wrote the file");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} left a file"
        );
    }
}

/// The flags that go together one way only are clap's to refuse: before the admin token
/// is read (from standard input here, which holds no token), before anything is sent or
/// written; a value from the environment is never taken for a flag given.
#[test]
fn flag_combinations_are_refused_before_anything_is_read_or_sent() {
    let server = TestServer::builder().database("db1").start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let garbage = dir.path().join("stdin");
    std::fs::write(&garbage, "garbage\n").unwrap();
    let conflict = "cannot be used with";
    let missing = "the following required arguments were not provided";
    // `P`: a permission token's flags; `FILE`: the file an offline run would write.
    let cases = [
        ("--admin --permission db:db1:read", conflict),
        ("--admin --replace", conflict),
        (
            "--admin --create-databases db1 --offline --output-file FILE",
            conflict,
        ),
        ("P --expiry 1d --expires-at 2099-01-01T00:00:00Z", conflict),
        ("P --if-not-exists --replace", conflict),
        ("--admin --regenerate --if-not-exists", conflict),
        (
            "--admin --regenerate --offline --output-file FILE",
            conflict,
        ),
        ("--admin --regenerate --name x", conflict),
        ("--admin --regenerate --expiry 1d", conflict),
        (
            "--admin --regenerate --expires-at 2099-01-01T00:00:00Z",
            conflict,
        ),
        ("--admin --regenerate --secret-file -", conflict),
        ("--admin --regenerate --lock-timeout 1s", conflict),
        ("--regenerate --permission db:db1:read", conflict),
        ("--regenerate", missing),
        ("--name x", missing),
        ("--permission db:db1:read", missing),
        ("P --output-file FILE", missing),
        ("P --create-databases db1", missing),
        ("P --lock-timeout 1s", missing),
        ("P --offline", missing),
    ];
    for (flags, want) in cases {
        let flags = flags.replace('P', "--name x --permission db:db1:read");
        let mut cmd = influxdb3(&["create", "token", "--host", &server.url(), "--token", "-"]);
        for flag in flags.split(' ') {
            cmd.arg(if flag == "FILE" {
                file.as_os_str()
            } else {
                flag.as_ref()
            });
        }
        cmd.env("INFLUXDB3_MAX_EXPIRY", "1d")
            .stdin(std::fs::File::open(&garbage).unwrap());
        let out = cmd.output().unwrap();
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains(want),
            "{flags}: {err}"
        );
        assert!(
            !err.contains("not a token"),
            "{flags} read the admin token: {err}"
        );
        assert!(!file.exists(), "{flags} wrote the file");
    }
    assert!(server.requests().is_empty(), "nothing sent");
    // From the environment, the server options and the policy are no flags given: an
    // offline run takes them, and --lock-timeout's default is no flag either.
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--name",
        "x",
        "--permission",
        "db:db1:read",
    ]);
    cmd.args(["--expiry", "1h", "--offline", "--output-file"])
        .arg(&file)
        .env("INFLUXDB3_HOST_URL", server.url())
        .env("INFLUXDB3_MAX_EXPIRY", "1d");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(server.requests().is_empty(), "nothing sent");
}

#[test]
fn environment_variables_configure_the_connection() {
    let server = TestServer::builder()
        .tls(true)
        .database("db1")
        .start()
        .unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let base = ["create", "token", "--permission", "db:db1:read"];
    let run = |name: &str, env: &[(&str, &str)]| -> Output {
        let mut args = base.to_vec();
        args.extend(["--name", name]);
        let mut cmd = influxdb3(&args);
        cmd.env("INFLUXDB3_HOST_URL", server.url())
            .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    // INFLUXDB3_TLS_CA trusts the server's CA.
    let out = run(
        "with-ca",
        &[(
            "INFLUXDB3_TLS_CA",
            server.ca_path().unwrap().to_str().unwrap(),
        )],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).is_empty());
    // INFLUXDB3_TLS_NO_VERIFY skips verification, with a warning.
    let out = run("no-verify", &[("INFLUXDB3_TLS_NO_VERIFY", "true")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).starts_with("warning: --tls-no-verify: "));
    // A falsey value keeps verification on.
    let out = run("verify", &[("INFLUXDB3_TLS_NO_VERIFY", "false")]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("UnknownIssuer"));
    // Flags win over the environment.
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "flag",
        "--host",
        "http://127.0.0.1:9",
    ]);
    cmd.env("INFLUXDB3_HOST_URL", server.url());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("127.0.0.1:9"));
}

#[test]
fn refusals_never_show_the_admin_token() {
    let server = TestServer::builder().database("db1").start().unwrap();
    let reader: Vec<Permission> = vec!["db:db1:read".parse().unwrap()];
    let not_admin = server.add_token("reader", &reader, None).unwrap();
    let unknown = Token::generate().unwrap();
    for (token, code) in [(&not_admin, 4), (&unknown, 4)] {
        let out = influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            "x",
            "--host",
            &server.url(),
            "--token",
            token.expose_secret(),
        ])
        .output()
        .unwrap();
        assert_eq!(out.status.code(), Some(code));
        let stderr = text(&out.stderr);
        assert!(!stderr.contains(&token.expose_secret()[6..]), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_reader_that_goes_away_is_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let mut child = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:a:read",
        "--name",
        "x",
        "--offline",
        "--output-file",
        file.to_str().unwrap(),
    ])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    drop(child.stdout.take()); // the reader goes away before anything is written
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    // The token is in the file all the same.
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("\"name\": \"x\"")
    );
}

#[test]
fn colour_only_on_a_terminal_without_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    let path = file.to_str().unwrap();
    let args = [
        "create",
        "token",
        "--permission",
        "system:ping:read",
        "--name",
        "c",
        "--offline",
        "--output-file",
        path,
    ];
    let out = on_terminal(&args, "", &[]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("\x1b[") && shown.contains("New token created successfully!\x1b[0m"),
        "{shown:?}"
    );
    std::fs::remove_file(&file).unwrap();
    let out = on_terminal(&args, "", &[("NO_COLOR", "1")]);
    assert!(out.status.success());
    assert!(!text(&out.stdout).contains('\x1b'), "NO_COLOR is set");
    // Not a terminal: no colour either.
    std::fs::remove_file(&file).unwrap();
    let out = influxdb3(&args).env_remove("NO_COLOR").output().unwrap();
    assert!(!text(&out.stdout).contains('\x1b'));
}

#[test]
fn delete_asks_on_a_terminal() {
    let server = TestServer::builder().database("db1").start().unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let read: Vec<Permission> = vec!["db:db1:read".parse().unwrap()];
    server.add_token("keep", &read, None).unwrap();
    server.add_token("drop", &read, None).unwrap();
    let url = server.url();
    let args = |name: &'static str| {
        [
            "delete",
            "token",
            "--token-name",
            name,
            "--host",
            &url,
            "--token",
            admin.expose_secret(),
        ]
        .map(str::to_owned)
    };

    let a = args("keep");
    let out = on_terminal(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        "no\n",
        &[("NO_COLOR", "1")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Are you sure you want to delete token `keep`?"));
    assert!(text(&out.stdout).contains("token `keep` was not deleted"));
    assert!(server.has_token("keep"));

    let a = args("drop");
    let out = on_terminal(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        "yes\n",
        &[("NO_COLOR", "1")],
    );
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Token `drop` deleted successfully."));
    assert!(!server.has_token("drop"));
}
