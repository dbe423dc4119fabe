//! The binary as scripts, CI jobs and container entrypoints use it: the admin token from
//! a file, standard input or the environment (and never on display), dry runs, runs that
//! can be repeated, output made for scripts, expiry policies, completion and man pages.
//! Real child processes, the test server on 127.0.0.1, real files.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;

use common::{influxdb3, run, text};
use influxdb3_permission::Permission;
use influxdb3_testserver::{ScriptedServer, TestServer, reply};
use influxdb3_token::{Timestamp, Token};

/// Arguments, environment variables, and what the error must say.
type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
/// How a test hands the admin token to the process.
type TokenSource<'a> = (&'a str, Box<dyn Fn(&mut Command) + 'a>);

/// A server with an admin token and a database `db1`.
fn server() -> (TestServer, Token) {
    let server = TestServer::builder().database("db1").start().unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    (server, admin)
}

/// A file holding `token` with `mode`.
fn token_file(dir: &Path, token: &str, mode: u32) -> std::path::PathBuf {
    let path = dir.join("admin-token");
    fs::write(&path, format!("{token}\n")).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
    path
}

fn create_online(server: &TestServer, name: &str) -> Command {
    influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        name,
        "--host",
        &server.url(),
    ])
}

// ---- the admin token, from where scripts keep it ----

#[test]
fn the_admin_token_comes_from_a_file_stdin_or_the_environment() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let secret = admin.expose_secret();
    let file = token_file(dir.path(), secret, 0o600);
    let check = |out: &Output, what: &str| {
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
        assert!(out.stderr.is_empty(), "{what}: {}", text(&out.stderr));
        // The admin token is never shown; the new token is, on stdout.
        assert!(!text(&out.stdout).contains(&secret[6..]), "{what}");
    };
    // --token-file.
    let mut cmd = create_online(&server, "from-file");
    cmd.args(["--token-file", file.to_str().unwrap()]);
    check(&run(&mut cmd), "--token-file");
    // INFLUXDB3_AUTH_TOKEN_FILE, the Docker secrets convention.
    let mut cmd = create_online(&server, "from-env-file");
    cmd.env("INFLUXDB3_AUTH_TOKEN_FILE", &file);
    check(&run(&mut cmd), "INFLUXDB3_AUTH_TOKEN_FILE");
    // --token - reads standard input.
    let mut cmd = create_online(&server, "from-stdin");
    cmd.args(["--token", "-"]).stdin(Stdio::piped());
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{secret}").unwrap();
    check(&child.wait_with_output().unwrap(), "--token -");
    // INFLUXDB3_AUTH_TOKEN.
    let mut cmd = create_online(&server, "from-env");
    cmd.env("INFLUXDB3_AUTH_TOKEN", secret);
    check(&run(&mut cmd), "INFLUXDB3_AUTH_TOKEN");
    for name in ["from-file", "from-env-file", "from-stdin", "from-env"] {
        assert!(server.has_token(name), "{name}");
    }
    // The first line only, and its line break stripped.
    fs::write(&file, format!("{secret}\r\nsomething else\n")).unwrap();
    let mut cmd = create_online(&server, "first-line");
    cmd.args(["--token-file", file.to_str().unwrap()]);
    check(&run(&mut cmd), "first line");
}

#[test]
fn a_line_too_long_on_standard_input_is_no_token() {
    // Cut at the bound, this line would be the admin token followed by its first bytes
    // again: it is refused instead, and nothing is sent.
    let (server, admin) = server();
    let before = server.requests().len();
    let secret = admin.expose_secret();
    let mut cmd = create_online(&server, "too-long");
    cmd.args(["--token", "-"]).stdin(Stdio::piped());
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // The process stops reading past the bound, and may be gone before all is written.
    let _ = writeln!(child.stdin.take().unwrap(), "{}", secret.repeat(4));
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "error: cannot read the admin token from standard input: the line read is longer than 256 bytes\n"
    );
    assert_eq!(server.requests().len(), before);
    assert!(!server.has_token("too-long"));
}

#[test]
fn a_token_on_the_command_line_warns_and_is_never_echoed() {
    let (server, admin) = server();
    let secret = admin.expose_secret();
    let mut cmd = create_online(&server, "literal");
    cmd.args(["--token", secret]);
    let out = run(&mut cmd);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.starts_with("warning: the admin token was given on the command line, where every user of this machine can read it (`ps`): pass it with --token-file FILE, --token - (standard input) or INFLUXDB3_AUTH_TOKEN_FILE\n"),
        "{err}"
    );
    assert!(!err.contains(&secret[6..]) && !text(&out.stdout).contains(&secret[6..]));
}

#[test]
fn a_readable_token_file_and_two_sources_are_refused() {
    let (server, admin) = server();
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), admin.expose_secret(), 0o644);
    let before = server.requests().len();
    let mut cmd = create_online(&server, "x");
    cmd.args(["--token-file", file.to_str().unwrap()]);
    let out = run(&mut cmd);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot use the admin token file: `")
            && err.contains("` holds a secret and can be read by its group or others (mode 0644)"),
        "{err}"
    );
    assert!(err.contains("hint: make it private: `chmod 600 /"), "{err}");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let cases: Vec<Case<'_>> = vec![
        (
            vec!["--token", "apiv3_x", "--token-file", file.to_str().unwrap()],
            vec![],
            "by --token and by --token-file",
        ),
        (
            vec![],
            vec![
                ("INFLUXDB3_AUTH_TOKEN", "apiv3_x"),
                ("INFLUXDB3_AUTH_TOKEN_FILE", file.to_str().unwrap()),
            ],
            "by INFLUXDB3_AUTH_TOKEN and by INFLUXDB3_AUTH_TOKEN_FILE",
        ),
    ];
    for (args, env, want) in cases {
        let mut cmd = create_online(&server, "x");
        cmd.args(&args).envs(env);
        let out = run(&mut cmd);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{err}");
    }
    // A flag wins over a variable.
    let mut cmd = create_online(&server, "flag-wins");
    cmd.args(["--token-file", file.to_str().unwrap()])
        .env("INFLUXDB3_AUTH_TOKEN", "apiv3_wrong");
    assert!(run(&mut cmd).status.success());
    assert_eq!(server.requests().len(), before + 1);
}

/// The command line of a running process, as every user of the machine can read it.
fn cmdline(pid: u32) -> String {
    String::from_utf8_lossy(&fs::read(format!("/proc/{pid}/cmdline")).unwrap()).replace('\0', " ")
}

#[test]
fn the_admin_token_is_not_in_the_process_arguments() {
    // A server that holds the request for a while, so that the process can be looked at.
    let slow = ScriptedServer::start(|_, stream| {
        std::thread::sleep(Duration::from_millis(800));
        reply(stream, "503 Service Unavailable", None, "busy");
    })
    .unwrap();
    let admin = Token::generate().unwrap();
    let secret = admin.expose_secret();
    let dir = tempfile::tempdir().unwrap();
    let file = token_file(dir.path(), secret, 0o600);
    let base = [
        "delete",
        "token",
        "--token-name",
        "x",
        "--yes",
        "--host",
        slow.url(),
    ];
    let sources: Vec<TokenSource<'_>> = vec![
        (
            "file",
            Box::new(|c: &mut Command| {
                c.args(["--token-file", file.to_str().unwrap()]);
            }),
        ),
        (
            "environment",
            Box::new(|c: &mut Command| {
                c.env("INFLUXDB3_AUTH_TOKEN", secret);
            }),
        ),
        (
            "stdin",
            Box::new(|c: &mut Command| {
                c.args(["--token", "-"]).stdin(Stdio::piped());
            }),
        ),
    ];
    for (what, source) in sources {
        let mut cmd = influxdb3(&base);
        source(&mut cmd);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            writeln!(stdin, "{secret}").unwrap();
        }
        std::thread::sleep(Duration::from_millis(300));
        let seen = cmdline(child.id());
        assert!(seen.contains("--token-name x"), "{what}: {seen}");
        assert!(!seen.contains(&secret[6..]), "{what}: the token is in argv");
        let out = child.wait_with_output().unwrap();
        for stream in [&out.stdout, &out.stderr] {
            assert!(!text(stream).contains(&secret[6..]), "{what}");
        }
    }
}

// ---- dry runs ----

#[test]
fn an_online_dry_run_shows_the_exact_request_and_sends_nothing() {
    let (server, admin) = server();
    let before = server.requests().len();
    let mut cmd = create_online(&server, "dry");
    cmd.args(["--dry-run", "--expiry", "7d"])
        .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "Dry run: nothing was sent. The request would be:\n\nPOST {}/api/v3/enterprise/configure/token\nAccept: application/json\nUser-Agent: influxdb3-tokens/{}\nAuthorization: Bearer ***\nContent-Type: application/json\n\n{{\"token_name\":\"dry\",\"permissions\":[{{\"resource_type\":\"db\",\"resource_names\":[\"db1\"],\"actions\":[\"read\"]}}],\"expiry_secs\":604800}}\n",
            server.url(),
            env!("CARGO_PKG_VERSION")
        )
    );
    // JSON, for scripts.
    let mut cmd = create_online(&server, "dry");
    cmd.args(["--dry-run", "--format", "json"])
        .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
    let out = run(&mut cmd);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["request"]["method"], "POST");
    assert_eq!(doc["request"]["headers"]["Authorization"], "Bearer ***");
    assert_eq!(doc["request"]["body"]["token_name"], "dry");
    assert_eq!(
        doc["request"]["body"]["expiry_secs"],
        serde_json::Value::Null
    );
    // A delete, and an admin token.
    for args in [
        vec!["delete", "token", "--token-name", "x", "--dry-run"],
        vec!["create", "token", "--admin", "--name", "ops2", "--dry-run"],
        vec!["create", "token", "--admin", "--regenerate", "--dry-run"],
    ] {
        let mut cmd = influxdb3(&args);
        cmd.args(["--host", &server.url()])
            .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
        let out = run(&mut cmd);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).contains("Authorization: Bearer ***"),
            "{args:?}"
        );
        assert!(!text(&out.stdout).contains(&admin.expose_secret()[6..]));
    }
    assert_eq!(server.requests().len(), before, "a dry run sent a request");
    assert!(!server.has_token("dry") && !server.has_token("ops2"));
    // Bad input fails as a real run would.
    let mut cmd = create_online(&server, "_admin");
    cmd.arg("--dry-run");
    assert_eq!(run(&mut cmd).status.code(), Some(2));
}

#[test]
fn an_offline_dry_run_checks_the_file_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let offline = |name: &str, extra: &[&str]| {
        let mut cmd = influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            name,
            "--offline",
            "--output-file",
            file.to_str().unwrap(),
        ]);
        cmd.args(extra);
        run(&mut cmd)
    };
    assert!(
        offline("first", &["--create-databases", "db1"])
            .status
            .success()
    );
    let before = fs::read(&file).unwrap();
    let listing = || {
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let files = listing();
    let out = offline("second", &["--dry-run", "--expiry", "1d"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with(&format!(
            "Dry run: nothing was written. This entry would be appended to `{}`:\n\n{{\n  \"token\": \"apiv3_***\",\n  \"name\": \"second\",\n  \"expiry_millis\": ",
            file.display()
        )),
        "{shown}"
    );
    let out = offline("second", &["--dry-run", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["action"], "append");
    assert_eq!(doc["entry"]["token"], "apiv3_***");
    assert_eq!(doc["output_file"], file.to_str().unwrap());
    // The errors of a real run: a name taken, a directory that is not there.
    let out = offline("first", &["--dry-run"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let out = offline("first", &["--dry-run", "--if-not-exists"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("nothing would change"));
    let out = offline("first", &["--dry-run", "--replace"]);
    assert!(text(&out.stdout).contains("would replace the token of that name in"));
    // Byte for byte the same, and no lock or temporary file made.
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(listing(), files);
    let missing = dir.path().join("no/such/tokens.json");
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:a:read",
        "--name",
        "x",
        "--offline",
        "--dry-run",
        "--output-file",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(run(&mut cmd).status.code(), Some(2));
    // --format token makes no sense without a token.
    let out = offline("third", &["--dry-run", "--format", "token"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---- runs that can be repeated ----

#[test]
fn if_not_exists_makes_a_second_run_a_success_that_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let create = || {
        run(&mut influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            "telegraf",
            "--offline",
            "--create-databases",
            "db1",
            "--if-not-exists",
            "--output-file",
            file.to_str().unwrap(),
        ]))
    };
    let first = create();
    assert!(first.status.success());
    assert!(text(&first.stdout).contains("New token created successfully!"));
    let after_first = fs::read(&file).unwrap();
    let second = create();
    assert!(second.status.success());
    assert!(second.stdout.is_empty());
    assert_eq!(
        text(&second.stderr),
        format!(
            "note: token `telegraf` already exists in `{}`; nothing was changed (--if-not-exists)\n",
            file.display()
        )
    );
    assert_eq!(fs::read(&file).unwrap(), after_first);

    // Online: the server's 409 is a success too.
    let (server, admin) = server();
    for run_number in 0..2 {
        let mut cmd = create_online(&server, "telegraf");
        cmd.args(["--if-not-exists"])
            .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
        let out = run(&mut cmd);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(out.stdout.is_empty(), run_number == 1);
    }
    assert!(server.has_token("telegraf"));
    // The operator token too: a bootstrap that runs at every start.
    for _ in 0..2 {
        let mut cmd = influxdb3(&[
            "create",
            "token",
            "--admin",
            "--if-not-exists",
            "--host",
            &server.url(),
        ]);
        assert!(run(&mut cmd).status.success());
    }
}

#[test]
fn replace_gives_the_token_a_new_secret_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let create = |name: &str, permission: &str, extra: &[&str]| {
        let mut cmd = influxdb3(&[
            "create",
            "token",
            "--permission",
            permission,
            "--name",
            name,
            "--offline",
            "--format",
            "token",
            "--output-file",
            file.to_str().unwrap(),
        ]);
        cmd.args(extra);
        run(&mut cmd)
    };
    let a = text(&create("a", "db:x:read", &[]).stdout);
    create("b", "db:x:read", &[]);
    let out = create("a", "db:y:write", &["--replace", "--expiry", "30d"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let new_a = text(&out.stdout);
    assert_ne!(new_a, a);
    let doc: serde_json::Value = serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    let tokens = doc["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0]["name"], "a");
    assert_eq!(tokens[0]["token"], new_a.trim_end());
    assert_eq!(tokens[0]["permissions"][0], "db:y:write");
    assert!(tokens[0]["expiry_millis"].is_i64());
    // Without a token of that name, --replace creates it.
    let out = create("c", "db:x:read", &["--replace"]);
    assert!(out.status.success());
    // Online, a server cannot change a token in place.
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:x:read",
        "--name",
        "a",
        "--replace",
    ]);
    assert_eq!(run(&mut cmd).status.code(), Some(2));
}

// ---- output for scripts ----

#[test]
fn format_token_prints_the_secret_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:a:read",
        "--name",
        "x",
        "--offline",
        "--format",
        "token",
        "--output-file",
        file.to_str().unwrap(),
    ]));
    let secret = text(&out.stdout);
    assert_eq!(secret.len(), 93);
    assert!(secret.starts_with("apiv3_") && secret.ends_with('\n'));
    assert!(Token::parse(secret.trim_end()).is_ok());
    assert!(text(&fs::read(&file).unwrap()).contains(secret.trim_end()));
    let (server, admin) = server();
    let mut cmd = create_online(&server, "scripted");
    cmd.args(["--format", "token"])
        .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
    let out = run(&mut cmd);
    let secret = text(&out.stdout);
    assert_eq!(secret.lines().count(), 1);
    assert_eq!(
        server
            .status("GET", "/api/v3/query_sql?db=db1", secret.trim_end())
            .unwrap(),
        200
    );
}

#[test]
fn errors_are_one_json_object_with_format_json() {
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:a:reed",
        "--name",
        "x",
        "--offline",
        "--output-file",
        "t.json",
        "--format",
        "json",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        err,
        serde_json::json!({"error": {
            "code": 2,
            "kind": "invalid_permission",
            "message": "invalid --permission: unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`",
            "hint": "did you mean `read`?",
            "span": [5, 9],
            "input": "db:a:reed",
            "diagnostic": {
                "origin": "--permission",
                "line": 1,
                "column": 6,
                "span": [5, 9],
                "severity": "error",
                "code": "invalid-permission",
                "message": "unknown action `reed` for `db`: expected `create`, `describe`, `read`, `write` or `delete`",
                "hint": "did you mean `read`?",
                "input": "db:a:reed",
            },
        }})
    );
    // A server's refusal, and a command line clap refuses.
    let (server, _) = server();
    let mut cmd = create_online(&server, "x");
    cmd.args(["--format", "json"])
        .env("INFLUXDB3_AUTH_TOKEN", "apiv3_unknown");
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(4));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "unauthenticated");
    assert_eq!(err["error"]["code"], 4);
    assert!(err["error"]["span"].is_null());
    let out = run(&mut influxdb3(&[
        "create", "token", "--format", "json", "--bogus",
    ]));
    assert_eq!(out.status.code(), Some(2));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "usage");
}

// ---- expiry policy ----

#[test]
fn expires_at_and_max_expiry_offline() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let offline = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:a:read",
            "--name",
            "x",
            "--offline",
            "--format",
            "json",
            "--output-file",
            file.to_str().unwrap(),
        ]);
        cmd.args(extra).envs(env.iter().copied());
        let _ = fs::remove_file(&file);
        run(&mut cmd)
    };
    let out = offline(&["--expires-at", "2099-01-01T00:00:00Z"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["expiry"], "2099-01-01T00:00:00.000Z");
    assert!(text(&fs::read(&file).unwrap()).contains("\"expiry_millis\": 4070908800000"));
    let refused: Vec<Case<'_>> = vec![
        (
            vec!["--expires-at", "2020-01-01T00:00:00Z"],
            vec![],
            "has passed",
        ),
        (
            vec!["--expires-at", "tomorrow"],
            vec![],
            "is not an RFC 3339 instant",
        ),
        (
            vec!["--expires-at", "2099-01-01T00:00:00Z", "--expiry", "1d"],
            vec![],
            "argument `--expires-at <RFC3339>` with `--expiry <DURATION>`",
        ),
        (
            vec!["--max-expiry", "90d"],
            vec![],
            "`x` would never expire",
        ),
        (
            vec!["--max-expiry", "90d", "--expiry", "1y"],
            vec![],
            "`x` would live 1year",
        ),
        (
            vec!["--expiry", "1y"],
            vec![("INFLUXDB3_MAX_EXPIRY", "30d")],
            "allows at most 30days",
        ),
        (
            vec!["--expires-at", "2099-01-01T00:00:00Z"],
            vec![("INFLUXDB3_MAX_EXPIRY", "30d")],
            "allows at most 30days",
        ),
    ];
    for (args, env, want) in refused {
        let out = offline(&args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
        assert!(
            err["error"]["message"].as_str().unwrap().contains(want),
            "{args:?}: {err}"
        );
        assert!(!file.exists());
    }
    let out = offline(&["--max-expiry", "90d", "--expiry", "30d"], &[]);
    assert!(out.status.success());
    // An empty INFLUXDB3_MAX_EXPIRY is unset.
    let out = offline(&[], &[("INFLUXDB3_MAX_EXPIRY", "")]);
    assert!(out.status.success());
}

#[test]
fn online_an_instant_becomes_seconds_and_the_policy_holds() {
    // An instant becomes the seconds from now.
    let (server, admin) = server();
    let at = Timestamp::from_millis(Timestamp::now().millis() + 3_600_000 + 500);
    let mut cmd = create_online(&server, "hourly");
    cmd.args([
        "--expires-at",
        &at.to_string(),
        "--dry-run",
        "--format",
        "json",
    ])
    .env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
    let doc: serde_json::Value = serde_json::from_slice(&run(&mut cmd).stdout).unwrap();
    let secs = doc["request"]["body"]["expiry_secs"].as_u64().unwrap();
    assert!((3599..=3601).contains(&secs), "{secs}");
    // The operator token never expires: a policy refuses it.
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--admin",
        "--max-expiry",
        "1d",
        "--host",
        &server.url(),
    ]);
    assert_eq!(run(&mut cmd).status.code(), Some(2));
    let read: Vec<Permission> = vec!["db:db1:read".parse().unwrap()];
    let _ = server.add_token("unused", &read, None);
}

// ---- shell integration ----

#[test]
fn completion_scripts_and_grammar_aware_candidates() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = run(&mut influxdb3(&["completions", shell]));
        assert!(out.status.success(), "{shell}");
        assert!(text(&out.stdout).contains("influxdb3"), "{shell}");
        assert!(text(&out.stdout).contains("COMPLETE"), "{shell}");
    }
    let complete = |words: &[&str]| {
        let mut cmd = influxdb3(&["--", "influxdb3"]);
        cmd.args(words).env("COMPLETE", "fish");
        let out = run(&mut cmd);
        text(&out.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        complete(&["create", "token", "--permission", "db:sensors:r"]),
        ["db:sensors:read"]
    );
    assert_eq!(
        complete(&["create", "token", "--permission", "sys"]),
        ["system:"]
    );
    assert_eq!(
        complete(&["create", "token", "--permission", "system:he"]),
        ["system:health:"]
    );
    assert!(complete(&["create", "token", "--output-f"]).contains(&"--output-file".to_owned()));
    // --output-file completes paths.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("tokens-prod.json"), "").unwrap();
    let prefix = dir.path().join("tokens-p");
    let got = complete(&["create", "token", "--output-file", prefix.to_str().unwrap()]);
    assert!(
        got.iter().any(|c| c.ends_with("tokens-prod.json")),
        "{got:?}"
    );
}

#[test]
fn man_pages_are_printed_and_the_committed_ones_are_current() {
    let out = run(&mut influxdb3(&["man"]));
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(".TH influxdb3 1"));
    let out = run(&mut influxdb3(&["man", "create", "token"]));
    assert!(text(&out.stdout).contains("\\-\\-permission"));
    assert_eq!(
        run(&mut influxdb3(&["man", "no", "such"])).status.code(),
        Some(2)
    );
    // doc/man holds what `influxdb3 man --out-dir doc/man` writes.
    let dir = tempfile::tempdir().unwrap();
    assert!(
        run(&mut influxdb3(&[
            "man",
            "--out-dir",
            dir.path().to_str().unwrap()
        ]))
        .status
        .success()
    );
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../doc/man");
    let mut generated: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    generated.sort();
    let mut on_disk: Vec<String> = fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, generated,
        "run `cargo run -p influxdb3-cli -- man --out-dir doc/man`"
    );
    for name in generated {
        assert_eq!(
            fs::read(committed.join(&name)).unwrap(),
            fs::read(dir.path().join(&name)).unwrap(),
            "doc/man/{name} is stale: run `cargo run -p influxdb3-cli -- man --out-dir doc/man`"
        );
    }
}
