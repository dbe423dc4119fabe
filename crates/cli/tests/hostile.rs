//! The `influxdb3` binary under hostile input, as a user who wants to turn it against
//! the person running it would try: special files, permissions, links and locks; host
//! URLs and servers that echo secrets or send escape sequences; closed and full
//! streams; huge input; names that hide characters; prompts and flags that mean
//! nothing. Real child processes throughout.
//!
//! Special files are made here, in temporary directories (`mkfifo`, and `mknod` as
//! root): no test names a real `/dev` entry. Tests about ownership and modes run the
//! binary as `nobody` through `setpriv` when the suite runs as root, and say so in
//! their output when they cannot.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{bin, clean_env, influxdb3, listing, on_terminal, text};
use influxdb3_permission::Permission;
use influxdb3_testserver::{ScriptedServer, TestServer, reply};
use influxdb3_text::is_hidden;
use influxdb3_token::{Token, TokenHash};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

/// `nobody` on Debian.
const NOBODY: u32 = 65_534;

/// Runs `cmd`; a run that takes longer than `limit` is killed and fails the test (a
/// hang on a FIFO, say).
fn run_within(cmd: &mut Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{cmd:?} hung for {limit:?}; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs `cmd`, failing the test if it hangs.
fn run(cmd: &mut Command) -> Output {
    run_within(cmd, Duration::from_secs(20))
}

/// stderr of a run, checked: no raw hidden character (a newline ends a line), and no
/// panic.
fn stderr(out: &Output) -> String {
    let shown = text(&out.stderr);
    if let Some(c) = shown.chars().find(|c| *c != '\n' && is_hidden(*c)) {
        panic!("raw {c:?} on stderr: {shown:?}");
    }
    assert_ne!(out.status.code(), Some(101), "panicked: {shown}");
    shown
}

fn is_root() -> bool {
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Says, in the test's output, what could not be tested here.
#[allow(clippy::print_stderr)]
fn could_not(what: &str) {
    eprintln!("NOT TESTED here: {what}");
}

/// A temporary directory that `nobody` may use.
fn shared_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    dir
}

/// Makes a device node of our own (as root only): `c MAJOR MINOR`.
fn mknod(path: &Path, major: u32, minor: u32) -> bool {
    Command::new("mknod")
        .arg(path)
        .args(["c", &major.to_string(), &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// An offline create into `file`.
fn offline(file: &Path, name: &str) -> Command {
    influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        name,
        "--offline",
        "--output-file",
        file.to_str().unwrap(),
    ])
}

// ---- files ----

#[test]
fn special_files_are_refused_with_exit_6_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let sub = dir.path().join("a-directory");
    fs::create_dir(&sub).unwrap();
    let sock = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    let mut cases = vec![
        (fifo.clone(), "a FIFO (a pipe)"),
        (sub, "a directory"),
        (sock, "a socket"),
    ];
    let device = dir.path().join("null-device");
    if mknod(&device, 1, 3) {
        cases.push((device.clone(), "a character device"));
        let to_device = dir.path().join("link-to-device");
        symlink(&device, &to_device).unwrap();
        cases.push((to_device, "a character device"));
    } else {
        could_not("a device node as --output-file (mknod needs root)");
    }
    let to_fifo = dir.path().join("link-to-fifo");
    symlink(&fifo, &to_fifo).unwrap();
    cases.push((to_fifo, "a FIFO (a pipe)"));
    let before = listing(dir.path());
    for (path, kind) in &cases {
        let meta = fs::symlink_metadata(path).unwrap();
        for admin in [false, true] {
            let mut cmd = if admin {
                influxdb3(&[
                    "create",
                    "token",
                    "--admin",
                    "--offline",
                    "--output-file",
                    path.to_str().unwrap(),
                ])
            } else {
                offline(path, "x")
            };
            // A FIFO with no writer would block an open for reading forever.
            let out = run_within(&mut cmd, Duration::from_secs(10));
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(6), "{}: {err}", path.display());
            assert!(
                err.starts_with(&format!(
                    "error: `{}` is {kind}, not a regular file\n",
                    path.display()
                )),
                "{err}"
            );
            assert!(out.stdout.is_empty());
        }
        let after = fs::symlink_metadata(path).unwrap();
        assert_eq!((meta.ino(), meta.mode()), (after.ino(), after.mode()));
    }
    // Nothing was created beside them: no lock file, no temporary file.
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn a_pipe_behind_proc_self_fd_is_named_as_a_pipe() {
    // What `/dev/stdout` resolves to when stdout is a pipe: named for what it is, not
    // reported as a lock failure in /proc.
    let out = run(&mut offline(Path::new("/proc/self/fd/1"), "x"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.starts_with("error: `/proc/self/fd/1` is a FIFO (a pipe), not a regular file"),
        "{err}"
    );
    assert!(!err.contains("lock"), "{err}");
}

/// Runs `args` as `nobody` (through `setpriv` when root); `None` when this cannot be
/// done here.
fn as_nobody(args: &[&str]) -> Option<Output> {
    if !is_root() {
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args([
        &format!("--reuid={NOBODY}"),
        &format!("--regid={NOBODY}"),
        "--clear-groups",
        &bin(),
    ])
    .args(args);
    clean_env(&mut cmd);
    Some(run(&mut cmd))
}

#[test]
fn file_permissions_and_owners_are_honoured_for_an_unprivileged_user() {
    if !is_root() {
        could_not("ownership as another user (runs as root, through setpriv)");
        return;
    }
    let dir = shared_dir();
    let create = |file: &Path| {
        vec![
            "create".to_owned(),
            "token".to_owned(),
            "--permission".to_owned(),
            "db:db1:read".to_owned(),
            "--name".to_owned(),
            "new".to_owned(),
            "--offline".to_owned(),
            "--output-file".to_owned(),
            file.to_str().unwrap().to_owned(),
        ]
    };
    let seed = |file: &Path, uid: u32, gid: u32, mode: u32| {
        let out = run(&mut offline(file, "seed"));
        assert!(out.status.success(), "{}", text(&out.stderr));
        std::os::unix::fs::chown(file, Some(uid), Some(gid)).unwrap();
        fs::set_permissions(file, fs::Permissions::from_mode(mode)).unwrap();
        fs::read(file).unwrap()
    };
    let cases: &[(&str, u32, u32, u32, &str)] = &[
        // nobody's own file, read-only: the mode is honoured, not bypassed by rename.
        (
            "own-0400.json",
            NOBODY,
            NOBODY,
            0o400,
            "is not writable by this user",
        ),
        // root's file, readable by all: not nobody's to replace.
        (
            "root-0644.json",
            0,
            0,
            0o644,
            "is not writable by this user",
        ),
        // root's file that nobody's group may write: a rename would make it nobody's.
        (
            "root-group-0660.json",
            0,
            NOBODY,
            0o660,
            "replacing it as this user would change its owner",
        ),
    ];
    for (name, uid, gid, mode, want) in cases {
        let file = dir.path().join(name);
        let before = seed(&file, *uid, *gid, *mode);
        let args = create(&file);
        let out = as_nobody(&args.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(6), "{name}: {err}");
        assert!(err.contains(want), "{name}: {err}");
        assert_eq!(fs::read(&file).unwrap(), before, "{name} changed");
        let meta = fs::metadata(&file).unwrap();
        assert_eq!(
            (meta.uid(), meta.gid(), meta.mode() & 0o7777),
            (*uid, *gid, *mode)
        );
    }
    // nobody's own writable file: appended, and still nobody's with its mode.
    let file = dir.path().join("own-0600.json");
    seed(&file, NOBODY, NOBODY, 0o600);
    let args = create(&file);
    let out = as_nobody(&args.iter().map(String::as_str).collect::<Vec<_>>()).unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let meta = fs::metadata(&file).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o777),
        (NOBODY, NOBODY, 0o600)
    );
    assert!(text(&fs::read(&file).unwrap()).contains("\"name\": \"new\""));
}

#[test]
fn hard_links_and_dangling_links_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    assert!(run(&mut offline(&file, "a")).status.success());
    fs::hard_link(&file, dir.path().join("backup.json")).unwrap();
    let before = fs::read(&file).unwrap();
    let out = run(&mut offline(&file, "b"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains(
            "has 2 hard links: replacing it would leave the other names with the old content"
        ),
        "{err}"
    );
    assert_eq!(fs::read(&file).unwrap(), before);

    let link = dir.path().join("link.json");
    symlink(dir.path().join("elsewhere/tokens.json"), &link).unwrap();
    fs::create_dir(dir.path().join("elsewhere")).unwrap();
    let out = run(&mut offline(&link, "c"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(err.contains("is a symbolic link to"), "{err}");
    assert!(listing(&dir.path().join("elsewhere")).is_empty());
}

/// Makes something at the first path (the others: a file of someone's, a path to
/// nothing).
type MakeAt = fn(&Path, &Path, &Path);

/// `man --out-dir` writes through the safe writer: a page's path that holds a link (to
/// a file or to nothing), a FIFO, a directory or a hard-linked file is refused at once,
/// named, and left as it was.
#[test]
fn man_pages_are_written_only_as_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let man = |out: &Path| influxdb3(&["man", "--out-dir", out.to_str().unwrap()]);
    // A first run writes every page, mode 0644; a second replaces them.
    let pages = dir.path().join("pages");
    fs::create_dir(&pages).unwrap();
    for _ in 0..2 {
        let out = run_within(&mut man(&pages), Duration::from_secs(10));
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let page = pages.join("influxdb3-show-tokens.1");
    assert_eq!(fs::metadata(&page).unwrap().mode() & 0o777, 0o644);
    // Nothing but the pages: no temporary file left.
    let names = listing(&pages);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("influxdb3") && n.ends_with(".1")),
        "{names:?}"
    );

    let theirs = dir.path().join("theirs");
    fs::write(&theirs, "mine").unwrap();
    let nowhere = dir.path().join("nowhere");
    let cases: [(&str, MakeAt, &str); 5] = [
        (
            "link",
            |at, theirs, _| symlink(theirs, at).unwrap(),
            "is a symbolic link, not a regular file",
        ),
        (
            "dangling",
            |at, _, nowhere| symlink(nowhere, at).unwrap(),
            "is a symbolic link, not a regular file",
        ),
        (
            "fifo",
            |at, _, _| mkfifo(at),
            "is a FIFO (a pipe), not a regular file",
        ),
        (
            "directory",
            |at, _, _| fs::create_dir(at).unwrap(),
            "is a directory, not a regular file",
        ),
        (
            "hard link",
            |at, theirs, _| fs::hard_link(theirs, at).unwrap(),
            "has 2 hard links",
        ),
    ];
    for (what, make, says) in cases {
        let out_dir = dir.path().join(what.replace(' ', "-"));
        fs::create_dir(&out_dir).unwrap();
        let at = out_dir.join("influxdb3-show-tokens.1");
        make(&at, &theirs, &nowhere);
        let out = run_within(&mut man(&out_dir), Duration::from_secs(10));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(
            err.contains(&format!("{}` {says}", at.display())),
            "{what}: {err}"
        );
        assert!(err.contains("--out-dir"), "{what}: {err}");
        assert_eq!(fs::read_to_string(&theirs).unwrap(), "mine", "{what}");
        assert!(!nowhere.exists(), "{what}");
    }
    assert!(
        fs::symlink_metadata(dir.path().join("fifo/influxdb3-show-tokens.1"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        fs::symlink_metadata(dir.path().join("link/influxdb3-show-tokens.1"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn the_lock_file_is_never_followed_nor_created_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let elsewhere = dir.path().join("elsewhere.txt");
    symlink(&elsewhere, dir.path().join(".tokens.json.lock")).unwrap();
    let out = run(&mut offline(&file, "a"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert!(
        err.contains("symbolic link, which is never followed for a lock"),
        "{err}"
    );
    assert!(!elsewhere.exists() && !file.exists());
}

#[test]
fn a_held_lock_is_announced_and_given_up_on() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    assert!(run(&mut offline(&file, "a")).status.success());
    let held = fs::File::open(dir.path().join(".tokens.json.lock")).unwrap();
    held.lock().unwrap();
    let start = Instant::now();
    let mut cmd = offline(&file, "b");
    cmd.args(["--lock-timeout", "2s"]);
    let out = run(&mut cmd);
    let waited = start.elapsed();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(6), "{err}");
    assert_eq!(
        err.lines().next().unwrap(),
        format!(
            "warning: waiting for the lock on `{}` (held by another process)",
            file.display()
        )
    );
    assert!(err.contains("gave up waiting for the lock on"), "{err}");
    assert!(waited >= Duration::from_secs(2), "{waited:?}");

    // Released while it waits: it goes on.
    let mut cmd = offline(&file, "c");
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(held);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("waiting for the lock on"), "{err}");
    assert!(text(&fs::read(&file).unwrap()).contains("\"name\": \"c\""));
}

#[test]
fn any_name_touch_accepts_works_as_output_file() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["t".repeat(255), "数".repeat(85)] {
        let file = dir.path().join(&name);
        assert!(Command::new("touch").arg(&file).status().unwrap().success());
        let out = run(&mut offline(&file, "a"));
        assert!(out.status.success(), "{}", stderr(&out));
        let out = run(&mut offline(&file, "b"));
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

// ---- network ----

#[test]
fn bad_host_urls_are_refused_before_any_connection() {
    // The port an unparsed `:abc` used to fall back to: watched when it can be bound.
    let port_80 = TcpListener::bind("127.0.0.1:80").ok();
    if port_80.is_none() {
        could_not("that nothing connects to 127.0.0.1:80 (the port cannot be bound here)");
    }
    let cases: &[(&str, &str)] = &[
        (
            "http://127.0.0.1:abc",
            "it is not a valid URL: invalid port number",
        ),
        ("http://127.0.0.1:", "the port after `:` is empty"),
        ("http://127.0.0.1:99999", "invalid port number"),
        ("http://127.0.0.1:65536", "invalid port number"),
        ("http://[::1", "invalid IPv6 address"),
        ("http://admin:secret@127.0.0.1:8181", "it holds credentials"),
        // Without `//` the URL parser still finds the credentials, and so must the mask.
        ("http:admin:secret@127.0.0.1:8181", "it holds credentials"),
        ("http:/admin:secret@127.0.0.1:8181", "it holds credentials"),
        (
            "http:\\\\admin:secret@127.0.0.1:8181",
            "it holds credentials",
        ),
        ("admin:secret@127.0.0.1:8181", "the scheme is `admin`"),
        ("http://127.0.0.1:0", "port 0 cannot be connected to"),
        ("127.0.0.1:8181", "relative URL without a base"),
    ];
    for (host, reason) in cases {
        let token = Token::generate().unwrap();
        let out = run(&mut influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            "x",
            "--host",
            host,
            "--token",
            token.expose_secret(),
        ]));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{host}: {err}");
        assert!(err.starts_with("error: invalid --host "), "{err}");
        assert!(err.contains(reason), "{host}: {err}");
        assert!(!err.contains("secret"), "the password is repeated: {err}");
    }
    if let Some(listener) = port_80 {
        listener.set_nonblocking(true).unwrap();
        assert!(listener.accept().is_err(), "something connected to port 80");
    }
}

#[test]
fn secrets_in_server_answers_never_show() {
    // A proxy that echoes the request, headers and all, in its error.
    let echo = ScriptedServer::start(|request, stream| {
        let body = format!("you sent: {request}\u{1b}[2J\u{1b}]0;owned\u{7}");
        reply(stream, "502 Bad Gateway", Some("text/plain"), &body);
    })
    .unwrap();
    let admin = Token::generate().unwrap();
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "x",
        "--host",
        echo.url(),
        "--token",
        admin.expose_secret(),
    ]));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(echo.requests()[0].contains(admin.expose_secret()));
    assert!(!err.contains(&admin.expose_secret()[6..]), "{err}");
    assert!(
        err.contains("authorization: Bearer apiv3_***\\r\\n"),
        "{err}"
    );
    // The escape sequences it sent are shown escaped.
    assert!(err.contains("\\x1b[2J\\x1b]0;owned\\x07"), "{err}");

    // A token of someone else's in a body.
    let leak = ScriptedServer::start(|_, stream| {
        reply(
            stream,
            "500 Internal Server Error",
            None,
            "failed for apiv3_c29tZW9uZS1lbHNl",
        );
    })
    .unwrap();
    let out = run(&mut influxdb3(&[
        "delete",
        "token",
        "--token-name",
        "x",
        "--yes",
        "--host",
        leak.url(),
        "--token",
        admin.expose_secret(),
    ]));
    let err = stderr(&out);
    assert!(err.contains("failed for apiv3_***"), "{err}");
    assert!(!err.contains("c29tZW9uZS1lbHNl"), "{err}");
}

#[test]
fn help_all_hides_the_values_of_secret_variables() {
    let mut cmd = influxdb3(&["create", "token", "--help-all"]);
    cmd.env("INFLUXDB3_AUTH_TOKEN", "apiv3_very-secret")
        .env("INFLUXDB3_HOST_URL", "http://user:hunter2@db.example.com");
    let out = run(&mut cmd);
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(help.contains("[env: INFLUXDB3_AUTH_TOKEN]"), "{help}");
    assert!(help.contains("[env: INFLUXDB3_HOST_URL]"), "{help}");
    assert!(
        !help.contains("very-secret") && !help.contains("hunter2"),
        "{help}"
    );
}

/// Creates (or deletes) token `x` against `url` with a fresh admin token.
fn online(url: &str, delete: bool) -> Output {
    online_named(url, "x", delete)
}

/// Creates (or deletes) token `name` against `url` with a fresh admin token.
fn online_named(url: &str, name: &str, delete: bool) -> Output {
    let admin = Token::generate().unwrap();
    let args: Vec<&str> = if delete {
        vec!["delete", "token", "--token-name", name, "--yes"]
    } else {
        vec![
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            name,
        ]
    };
    let mut cmd = influxdb3(&args);
    cmd.args(["--host", url, "--token", admin.expose_secret()]);
    run(&mut cmd)
}

#[test]
fn hints_say_what_happened() {
    // Nothing listens: nothing was sent.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = online(&format!("http://127.0.0.1:{port}"), false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(err.contains("hint: nothing was sent."), "{err}");
    assert!(!err.contains("may or may not"), "{err}");

    // The request went out and the answer was cut: a create may have happened.
    let cut = ScriptedServer::start(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 90\r\n\r\n{\"id\"");
        let _ = stream.shutdown(std::net::Shutdown::Both);
    })
    .unwrap();
    let err = stderr(&online(cut.url(), false));
    assert!(
        err.contains("hint: the request was sent, so token `x` may or may not have been created"),
        "{err}"
    );
    let err = stderr(&online(cut.url(), true));
    assert!(
        err.contains("hint: the request was sent, so token `x` may or may not have been deleted"),
        "{err}"
    );

    // An answer that does not end: read up to a limit, and a create may have happened.
    let endless = ScriptedServer::start(|_, stream| {
        let _ = stream.write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 99999999999\r\n\r\n");
        let chunk = vec![b' '; 1 << 16];
        while stream.write_all(&chunk).is_ok() {}
    })
    .unwrap();
    let out = online(endless.url(), false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is longer than 1 MiB and was not read"),
        "{err}"
    );
    assert!(
        err.contains("hint: the request was sent, so token `x` may or may not have been created"),
        "{err}"
    );

    // TLS to a plain HTTP port: named as such.
    let plain =
        ScriptedServer::start(|_, stream| reply(stream, "400 Bad Request", None, "")).unwrap();
    let out = online(&plain.url().replace("http://", "https://"), false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        err.contains("the server does not speak TLS on this port"),
        "{err}"
    );
    assert!(err.contains("use an http:// host"), "{err}");

    // 201 with a hash that is not the token's: the token exists, unseen.
    let liar = ScriptedServer::start(|_, stream| {
        let token = Token::generate().unwrap();
        let body = format!(
            r#"{{"id":7,"name":"x","token":"{}","hash":"{}","created_at":"2026-01-01T00:00:00Z","expiry":null}}"#,
            token.expose_secret(),
            TokenHash::of("apiv3_other")
        );
        reply(stream, "201 Created", Some("json"), &body);
    })
    .unwrap();
    let out = online(liar.url(), false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the server created token `x` (201) but its answer cannot be used: the hash it holds is not the SHA-512 of its token"), "{err}");
    assert!(err.contains("hint: token `x` now exists on the server and nobody has its secret: delete it with `influxdb3 delete token --token-name x`"), "{err}");
}

/// A device of our own that fails every write with ENOSPC (`/dev/full`'s numbers).
fn full_device(dir: &Path) -> Option<fs::File> {
    let path = dir.join("full");
    if !mknod(&path, 1, 7) {
        could_not("writes to a full stream (mknod needs root)");
        return None;
    }
    Some(fs::OpenOptions::new().write(true).open(path).unwrap())
}

#[test]
fn a_secret_that_cannot_be_shown_says_where_the_token_is() {
    let dir = tempfile::tempdir().unwrap();
    let Some(full) = full_device(dir.path()) else {
        return;
    };
    let server = TestServer::builder().database("db1").start().unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "unseen",
        "--host",
        &server.url(),
        "--token",
        admin.expose_secret(),
    ]);
    cmd.stdout(full);
    let out = cmd.stderr(Stdio::piped()).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("token `unseen` was created on the server, but it could not be shown"),
        "{err}"
    );
    assert!(
        err.contains("delete it with `influxdb3 delete token --token-name unseen`"),
        "{err}"
    );
    assert!(server.has_token("unseen"));
}

// ---- terminal and streams ----

#[test]
fn raw_control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = "a\u{1b}[31mred\u{202e}evil\u{200b}\u{7}";
    // In a permission, a name, a path, a database: every stderr is checked by stderr().
    let missing = dir.path().join(nasty).join("tokens.json");
    for args in [
        vec!["--permission", &*format!("db:{nasty}:read"), "--name", "x"],
        vec!["--permission", "db:db1:read", "--name", nasty],
        vec!["--permission", &*format!("db:db1:{nasty}"), "--name", "x"],
        vec![
            "--permission",
            "db:db1:read",
            "--name",
            "x",
            "--create-databases",
            nasty,
        ],
    ] {
        let mut cmd = influxdb3(&["create", "token"]);
        cmd.args(&args)
            .args(["--offline", "--output-file", missing.to_str().unwrap()]);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("\\x1b[31m"), "{err}");
    }
    let out = run(&mut offline(&missing, "x"));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "`{}/a\\x1b[31mred\\u202eevil\\u200b\\x07",
            dir.path().display()
        )),
        "a path with hidden characters is shown escaped: {err}"
    );
    // An unknown command.
    let out = run(&mut influxdb3(&[nasty]));
    stderr(&out);
}

/// A value quoted for a shell (`'…'`), as the shell reads it back.
fn unquote_with_sh(quoted: &str) -> String {
    let out = Command::new("bash")
        .args(["-c", &format!("printf %s {quoted}")])
        .output()
        .unwrap();
    text(&out.stdout)
}

#[test]
fn odd_values_are_shown_whole_and_commands_paste_back_into_a_shell() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().join("it's a dir");
    let odd = parent.join("my \"tokens\".json");
    let out = run(&mut offline(&odd, "x"));
    let err = stderr(&out);
    let first = err.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "error: cannot write `{}`: the directory `{}` does not exist",
            odd.display(),
            parent.display()
        )
    );
    // The hint's command reads back as the directory in a shell.
    let quoted = err
        .lines()
        .find_map(|l| l.strip_prefix("hint: create it first (`mkdir -p "))
        .and_then(|rest| rest.split("`)").next())
        .unwrap();
    assert_eq!(unquote_with_sh(quoted), parent.to_str().unwrap(), "{err}");

    let file = dir.path().join("tokens.json");
    assert!(run(&mut offline(&file, "Bob's \"token\"")).status.success());
    let out = run(&mut offline(&file, "Bob's \"token\""));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.starts_with("error: a token named `Bob's \"token\"` is already in `"),
        "{err}"
    );
}

/// The arguments that `sh`, `bash`, `zsh` and `fish` each read from `line` (a command
/// line a hint printed), its program word left out; a shell that is not installed is
/// said and skipped. They run in `cwd`, so that a line that would run a command does
/// its harm there.
fn arguments_in_every_shell(line: &str, cwd: &Path) -> Vec<Vec<String>> {
    let (_, rest) = line.split_once(' ').unwrap();
    let mut seen = Vec::new();
    for shell in ["sh", "bash", "zsh", "fish"] {
        let Ok(out) = Command::new(shell)
            .args(["-c", &format!("printf '%s\\n' {rest}")])
            .current_dir(cwd)
            .output()
        else {
            could_not(&format!(
                "run {shell}: install it (`apt-get install -y fish zsh`)"
            ));
            continue;
        };
        assert!(out.status.success(), "{shell}: {line}: {}", stderr(&out));
        seen.push(text(&out.stdout).lines().map(str::to_owned).collect());
    }
    seen
}

/// The command between backticks after `before` in `err`, up to `after`.
fn printed_command<'a>(err: &'a str, before: &str, after: &str) -> &'a str {
    let start = err
        .find(before)
        .unwrap_or_else(|| panic!("{before:?} in {err}"))
        + before.len();
    let rest = &err[start..];
    &rest[..rest
        .find(after)
        .unwrap_or_else(|| panic!("{after:?} in {err}"))]
}

/// Makes the tokens file `file` (and its directory), then asks it to rotate a token it
/// does not hold: its stderr.
fn rotate_missing(file: &Path) -> String {
    fs::create_dir(file.parent().unwrap()).unwrap();
    assert!(run(&mut offline(file, "a")).status.success());
    let out = run(&mut influxdb3(&[
        "tokens",
        "rotate",
        file.to_str().unwrap(),
        "--name",
        "missing",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn command_lines_paste_the_same_into_sh_bash_zsh_and_fish() {
    let nasty = "it's a \\\\ \\' \"dir\" $(touch pwned) `touch pwned2`; #x ~ * !! é";
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join(nasty);
    let file = odd.join("t's\\.json");
    let err = rotate_missing(&file);
    let line = printed_command(&err, "hint: `", "` lists the tokens of the file");
    assert!(line.starts_with("influxdb3 tokens list "), "{err}");
    for args in arguments_in_every_shell(line, dir.path()) {
        assert_eq!(args, ["tokens", "list", file.to_str().unwrap()], "{line}");
    }

    // A name in a command: the server says it exists already.
    let name = "x'y \\z \"q\" $(id) `id`; #c";
    let taken = ScriptedServer::start(|_, stream| {
        reply(
            stream,
            "409 Conflict",
            Some("json"),
            r#"{"error":"exists"}"#,
        );
    })
    .unwrap();
    let out = online_named(taken.url(), name, false);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let line = printed_command(&err, "delete the old token with `", "`\n");
    for args in arguments_in_every_shell(line, dir.path()) {
        assert_eq!(args, ["delete", "token", "--token-name", name], "{line}");
    }

    // A name that starts with `-`: after `=`, which the command's parser takes as the
    // value, not as a flag.
    let name = "--yes it's";
    let admin = Token::generate().unwrap();
    let mut create = influxdb3(&["create", "token", "--permission", "db:db1:read"]);
    create.arg(format!("--name={name}"));
    create.args(["--host", taken.url(), "--token", admin.expose_secret()]);
    let out = run(&mut create);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let line = printed_command(&err, "delete the old token with `", "`\n");
    let flag = format!("--token-name={name}");
    for args in arguments_in_every_shell(line, dir.path()) {
        assert_eq!(args, ["delete", "token", flag.as_str()], "{line}");
    }
    let mut delete = influxdb3(&["delete", "token", &flag, "--yes"]);
    delete.args(["--host", taken.url(), "--token", admin.expose_secret()]);
    let out = run(&mut delete);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));

    // A control character: the command is not written out, and the hint says why.
    let hidden = dir.path().join("a\x1b[31mb");
    let err = rotate_missing(&hidden.join("t.json"));
    assert!(!err.contains('\x1b'), "{err}");
    assert!(
        err.contains("hint: `influxdb3 tokens list FILE` (not written out: FILE holds a control or hidden character"),
        "{err}"
    );
}

#[test]
fn a_full_or_closed_stderr_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let Some(full) = full_device(dir.path()) else {
        return;
    };
    // A usage error with nowhere to say it: still exit 2, not a panic.
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:a:reed",
        "--name",
        "x",
    ]);
    let out = cmd
        .stderr(full.try_clone().unwrap())
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A success whose warnings cannot be written: still exit 0, and the file written.
    let file = dir.path().join("tokens.json");
    let mut cmd = offline(&file, "x");
    let out = cmd.stderr(full).stdout(Stdio::piped()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("New token created successfully!"));
    assert!(file.exists());
    // A closed stderr.
    let mut cmd = offline(&dir.path().join("other.json"), "y");
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn huge_input_gives_short_messages() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    // The longest argument Linux passes (128 KiB) as a permission.
    let huge = format!("db:{}:read", "a".repeat(120_000));
    let mut cmd = influxdb3(&["create", "token", "--permission", &huge, "--name", "x"]);
    cmd.args(["--offline", "--output-file", file.to_str().unwrap()]);
    let out = run(&mut cmd);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.len() < 2048, "{} bytes", err.len());
    // A 1 MB permission and a 1 MB name in a tokens file being appended to.
    let bad = dir.path().join("bad.json");
    for (name, permission) in [
        (
            "a".to_owned(),
            format!("db:{}:reed", vec!["d"; 500_000].join(",")),
        ),
        ("n".repeat(1 << 20), "db:db1:write\u{1b}".to_owned()),
    ] {
        let file_text = serde_json::json!({
            "tokens": [{"token": "apiv3_x", "name": name, "permissions": [permission]}]
        });
        fs::write(&bad, file_text.to_string()).unwrap();
        let out = run(&mut offline(&bad, "x"));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(6), "{err}");
        assert!(err.len() < 2048, "{} bytes", err.len());
    }
    // 20,000 databases, none of them created by the file: one warning line.
    let names: Vec<String> = (0..20_000).map(|i| format!("d{i}")).collect();
    let permission = format!("db:{}:read", names.join(","));
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        &permission,
        "--name",
        "x",
    ]);
    cmd.args(["--offline", "--output-file", file.to_str().unwrap()]);
    let out = run(&mut cmd);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.len() < 2048, "{} bytes", err.len());
    assert!(
        err.contains("a permission on 20000 databases that the file does not create (`d0`, `d1`, `d2` and 19997 more)"),
        "{err}"
    );
    // A 120 KB name.
    let name = "n".repeat(120_000);
    let out = run(&mut offline(&dir.path().join("t2.json"), &name));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.len() < 2048, "{} bytes", err.len());
}

#[test]
fn carets_line_up_under_wide_characters() {
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:数据库:reed",
        "--name",
        "x",
        "--offline",
        "--output-file",
        "t.json",
    ]));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[1], " --> --permission:1:8");
    assert_eq!(lines[3], "1 | db:数据库:reed");
    assert_eq!(lines[4], "  |           ^^^^");
}

#[test]
fn colour_follows_no_color_clicolor_and_term() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    let path = file.to_str().unwrap();
    let args = [
        "create",
        "token",
        "--permission",
        "db:a:reed",
        "--name",
        "c",
        "--offline",
        "--output-file",
        path,
    ];
    let coloured = |out: &Output| text(&out.stdout).contains("\u{1b}[");
    assert!(
        coloured(&on_terminal(&args, "", &[])),
        "a terminal shows colour"
    );
    for env in [("NO_COLOR", "1"), ("CLICOLOR", "0"), ("TERM", "dumb")] {
        assert!(!coloured(&on_terminal(&args, "", &[env])), "{env:?}");
    }
    // Not a terminal: no colour, unless CLICOLOR_FORCE asks for it.
    let out = run(&mut influxdb3(&args));
    assert!(!text(&out.stderr).contains('\u{1b}'));
    let mut cmd = influxdb3(&args);
    cmd.env("CLICOLOR_FORCE", "1");
    let out = cmd.output().unwrap();
    assert!(text(&out.stderr).contains("\u{1b}["), "CLICOLOR_FORCE");
}

// ---- inputs ----

#[test]
fn regenerate_asks_like_delete_and_takes_only_yes() {
    let server = TestServer::builder().start().unwrap();
    let admin = server.add_admin_token("_admin").unwrap();
    let url = server.url();
    let args = [
        "create",
        "token",
        "--admin",
        "--regenerate",
        "--host",
        &url,
        "--token",
        admin.expose_secret(),
    ];
    // No terminal, no --yes: refused, nothing sent.
    let before = server.requests().len();
    let out = run(&mut influxdb3(&args));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(server.requests().len(), before);
    // `y` is not `yes`.
    let out = on_terminal(&args, "y\n", &[("NO_COLOR", "1")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("Enter 'yes' to confirm"));
    assert!(text(&out.stdout).contains("the `_admin` token was not regenerated"));
    assert_eq!(server.requests().len(), before);
    // `yes` goes ahead; so does --yes.
    let out = on_terminal(&args, "yes\n", &[("NO_COLOR", "1")]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    assert_eq!(server.requests().len(), before + 1);
    let new_admin = text(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Token: "))
        .unwrap()
        .trim()
        .to_owned();
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--admin",
        "--regenerate",
        "--yes",
        "--host",
        &url,
        "--token",
        &new_admin,
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn delete_takes_only_yes() {
    let server = TestServer::builder().database("db1").start().unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let read: Vec<Permission> = vec!["db:db1:read".parse().unwrap()];
    server.add_token("keep", &read, None).unwrap();
    let url = server.url();
    let args = [
        "delete",
        "token",
        "--token-name",
        "keep",
        "--host",
        &url,
        "--token",
        admin.expose_secret(),
    ];
    for answer in ["y\n", "YES\n", "\n"] {
        let out = on_terminal(&args, answer, &[("NO_COLOR", "1")]);
        assert_eq!(out.status.code(), Some(1), "{answer:?}");
        assert!(server.has_token("keep"), "{answer:?}");
    }
}

#[test]
fn admin_is_reserved_for_permission_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let out = run(&mut offline(&file, "_admin"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("a permission token cannot be named `_admin`"),
        "{err}"
    );
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));

    let server = TestServer::builder().database("db1").start().unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let before = server.requests().len();
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "_admin",
        "--host",
        &server.url(),
        "--token",
        admin.expose_secret(),
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(server.requests().len(), before, "a request was sent");
}

#[test]
fn token_names_are_checked_with_the_offending_position() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let long = "n".repeat(257);
    let cases: &[(&str, &str)] = &[
        ("", "a token name cannot be empty"),
        ("   ", "a token name cannot be only whitespace"),
        (" lead", "cannot start or end with whitespace (character 1)"),
        (
            "trail ",
            "cannot start or end with whitespace (character 6)",
        ),
        (
            "ab\u{1b}c",
            "character 3 of the token name is a control character (U+001B)",
        ),
        (
            "ab\u{202e}c",
            "character 3 of the token name is a bidirectional control (U+202E)",
        ),
        (
            "ab\u{200b}c",
            "character 3 of the token name is a zero-width character (U+200B)",
        ),
        (
            &long,
            "a token name is at most 256 characters; this one has 257",
        ),
    ];
    for (name, want) in cases {
        let out = run(&mut offline(&file, name));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name:?}: {err}");
        assert!(err.contains(want), "{name:?}: {err}");
    }
    assert!(!file.exists());
}

#[test]
fn boolean_variables_are_strict_and_empty_means_unset() {
    let server = TestServer::builder()
        .tls(true)
        .database("db1")
        .start()
        .unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let create = |name: &str, value: Option<&str>| {
        let mut cmd = influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            name,
            "--host",
            &server.url(),
        ]);
        cmd.env("INFLUXDB3_AUTH_TOKEN", admin.expose_secret());
        if let Some(v) = value {
            cmd.env("INFLUXDB3_TLS_NO_VERIFY", v);
        }
        run(&mut cmd)
    };
    let out = create("a", Some("maybe"));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("use true/false, 1/0, yes/no or on/off"),
        "{err}"
    );
    for yes in ["yes", "ON", "1", "true"] {
        let out = create(&format!("b-{yes}"), Some(yes));
        let err = stderr(&out);
        assert!(out.status.success(), "{yes}: {err}");
        assert!(err.starts_with("warning: --tls-no-verify"), "{err}");
    }
    // No: verified (and this CA is unknown), in any case; anything else is refused.
    for no in ["no", "OFF", "0", "False"] {
        let out = create(&format!("n-{no}"), Some(no));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(5), "{no}: {err}");
        assert!(!err.contains("warning"), "{no}: {err}");
    }
    for neither in ["y", "2", "truee", " true"] {
        assert_eq!(
            create("e", Some(neither)).status.code(),
            Some(2),
            "{neither}"
        );
    }
    // Empty: unset, so verification is on (and this CA is unknown).
    let out = create("c", Some(""));
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(!err.contains("warning"), "{err}");
    // An empty INFLUXDB3_AUTH_TOKEN or INFLUXDB3_HOST_URL is unset too.
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "d",
    ]);
    cmd.env("INFLUXDB3_AUTH_TOKEN", "")
        .env("INFLUXDB3_HOST_URL", "");
    let out = run(&mut cmd);
    let err = stderr(&out);
    assert!(
        err.contains("http://127.0.0.1:8181"),
        "the default host: {err}"
    );
    assert!(!err.contains("not a token"), "{err}");

    // On an http:// host, --tls-no-verify has nothing to turn off: no warning.
    let plain = TestServer::builder().database("db1").start().unwrap();
    let plain_admin = plain.add_admin_token("ops").unwrap();
    let mut cmd = influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "e",
        "--host",
        &plain.url(),
        "--tls-no-verify",
    ]);
    cmd.env("INFLUXDB3_AUTH_TOKEN", plain_admin.expose_secret());
    let out = run(&mut cmd);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.is_empty(), "{err}");
}

#[test]
fn server_flags_mean_nothing_offline_but_their_variables_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    for flags in [
        vec!["--token", "apiv3_x"],
        vec!["--host", "http://127.0.0.1:8181"],
        vec!["--tls-ca", "ca.pem"],
        vec!["--tls-no-verify"],
    ] {
        let mut cmd = offline(&file, "x");
        cmd.args(&flags);
        let out = run(&mut cmd);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {err}");
        assert!(
            err.contains(&format!("{} means nothing with --offline", flags[0])),
            "{err}"
        );
        assert!(!file.exists());
    }
    let mut cmd = offline(&file, "x");
    cmd.env("INFLUXDB3_AUTH_TOKEN", "apiv3_x")
        .env("INFLUXDB3_HOST_URL", "not a url")
        .env("INFLUXDB3_TLS_CA", "missing.pem")
        .env("INFLUXDB3_TLS_NO_VERIFY", "maybe");
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_der_ca_is_told_by_its_content_not_its_name() {
    let server = TestServer::builder()
        .tls(true)
        .database("db1")
        .start()
        .unwrap();
    let admin = server.add_admin_token("ops").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let der = CertificateDer::from_pem_slice(server.ca_pem().unwrap().as_bytes()).unwrap();
    let ca = dir.path().join("ca.pem"); // DER, whatever the name says
    fs::write(&ca, der.as_ref()).unwrap();
    let out = run(&mut influxdb3(&[
        "create",
        "token",
        "--permission",
        "db:db1:read",
        "--name",
        "der",
        "--host",
        &server.url(),
        "--token",
        admin.expose_secret(),
        "--tls-ca",
        ca.to_str().unwrap(),
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    // A FIFO as CA: refused before it is read, no hang.
    let fifo = dir.path().join("ca-fifo");
    mkfifo(&fifo);
    let out = run_within(
        &mut influxdb3(&[
            "create",
            "token",
            "--permission",
            "db:db1:read",
            "--name",
            "fifo",
            "--host",
            &server.url(),
            "--token",
            admin.expose_secret(),
            "--tls-ca",
            fifo.to_str().unwrap(),
        ]),
        Duration::from_secs(10),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn a_negative_expiry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    for expiry in [vec!["--expiry", "-1s"], vec!["--expiry=-1s"]] {
        let mut cmd = offline(&file, "x");
        cmd.args(&expiry);
        let out = run(&mut cmd);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("a lifetime cannot be negative"), "{err}");
    }
    assert!(!file.exists());
}

// ---- the `tokens` commands ----

#[test]
fn tokens_commands_refuse_special_files_and_never_replace_them() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "[[token]]\nname = \"a\"\npermissions = [\"db:a:read\"]\n",
    )
    .unwrap();
    let good = dir.path().join("good.json");
    assert!(run(&mut offline(&good, "g")).status.success());
    let fifo_s = fifo.to_str().unwrap();
    let good_s = good.to_str().unwrap();
    let manifest_s = manifest.to_str().unwrap();
    // Read from (list, lint, check, diff, a manifest) or written to (the rest): each
    // refused with exit 6, without blocking on the FIFO.
    for args in [
        vec!["tokens", "list", fifo_s],
        vec!["tokens", "lint", fifo_s],
        vec!["tokens", "check", fifo_s, "g", "read", "db:a"],
        vec!["tokens", "diff", good_s, fifo_s],
        vec!["tokens", "merge", good_s, "--output-file", fifo_s],
        vec!["tokens", "remove", fifo_s, "--name", "g"],
        vec!["tokens", "rotate", fifo_s, "--name", "g"],
        vec!["tokens", "apply", manifest_s, "--output-file", fifo_s],
        vec!["tokens", "apply", fifo_s, "--output-file", good_s],
    ] {
        let out = run(&mut influxdb3(&args));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(6), "{args:?}: {err}");
        assert!(err.contains("FIFO"), "{args:?}: {err}");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
    if is_root() {
        let device = dir.path().join("null");
        assert!(mknod(&device, 1, 3));
        let link = dir.path().join("link.json");
        symlink(&device, &link).unwrap();
        for target in [&device, &link] {
            let t = target.to_str().unwrap();
            let out = run(&mut influxdb3(&[
                "tokens",
                "apply",
                manifest_s,
                "--output-file",
                t,
            ]));
            assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
            let out = run(&mut influxdb3(&[
                "tokens",
                "merge",
                good_s,
                "--output-file",
                t,
            ]));
            assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
        }
        assert!(fs::metadata(&device).unwrap().file_type().is_char_device());
    } else {
        could_not("device nodes as output files (mknod needs root)");
    }
}

#[test]
fn secrets_out_never_writes_through_anything_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("tokens.toml");
    fs::write(
        &manifest,
        "[[token]]\nname = \"a\"\npermissions = [\"db:a:read\"]\n[[token]]\nname = \"b\"\npermissions = [\"db:b:write\"]\n",
    )
    .unwrap();
    let tokens = dir.path().join("tokens.json");
    let precious = dir.path().join("precious");
    fs::write(&precious, "keep me").unwrap();
    let link = dir.path().join("secrets-link.json");
    symlink(&precious, &link).unwrap();
    let fifo = dir.path().join("secrets-fifo");
    mkfifo(&fifo);
    let dangling = dir.path().join("dangling.json");
    symlink(dir.path().join("nowhere"), &dangling).unwrap();
    let apply = |secrets_out: &Path| {
        run(&mut influxdb3(&[
            "tokens",
            "apply",
            manifest.to_str().unwrap(),
            "--output-file",
            tokens.to_str().unwrap(),
            "--secrets-out",
            secrets_out.to_str().unwrap(),
        ]))
    };
    for target in [&link, &fifo, &dangling, &precious] {
        let out = apply(target);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(6), "{err}");
        assert!(err.contains("already exists"), "{err}");
        // Nothing was created: no token exists whose secret nobody has.
        assert!(!tokens.exists(), "{err}");
    }
    assert_eq!(fs::read_to_string(&precious).unwrap(), "keep me");
    assert!(!dir.path().join("nowhere").exists());

    let secrets = dir.path().join("secrets.json");
    let out = apply(&secrets);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // No secret on stdout; the file is 0600 and holds exactly the file's new tokens.
    assert!(
        !text(&out.stdout).contains("apiv3_"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(fs::metadata(&secrets).unwrap().mode() & 0o777, 0o600);
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&fs::read_to_string(&secrets).unwrap()).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&tokens).unwrap()).unwrap();
    for entry in file["tokens"].as_array().unwrap() {
        assert_eq!(map[entry["name"].as_str().unwrap()], entry["token"]);
    }
    assert_eq!(map.len(), 2);
}

#[test]
fn another_users_file_in_a_shared_sticky_directory_is_refused() {
    if !is_root() {
        could_not("files of another user (runs as root)");
        return;
    }
    // A directory everyone may write to, sticky, as /tmp: `nobody` leaves a file there
    // (and a link to it) for root to fill with secrets.
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o1777)).unwrap();
    let planted = dir.path().join("tokens.json");
    let out = run(&mut offline(&planted, "seed"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::os::unix::fs::chown(&planted, Some(NOBODY), Some(NOBODY)).unwrap();
    let before = fs::read(&planted).unwrap();
    let link = dir.path().join("link.json");
    symlink(&planted, &link).unwrap();
    std::os::unix::fs::lchown(&link, Some(NOBODY), Some(NOBODY)).unwrap();
    for target in [&planted, &link] {
        let out = run(&mut offline(target, "secret"));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(6), "{}: {err}", target.display());
        assert!(err.contains("belongs to user 65534"), "{err}");
        assert!(err.contains("everyone may write to"), "{err}");
        assert_eq!(fs::read(&planted).unwrap(), before, "nothing was written");
    }
    // A service user's file in a private directory: written, its owner kept.
    let private = tempfile::tempdir().unwrap();
    let file = private.path().join("tokens.json");
    let out = run(&mut offline(&file, "seed"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::os::unix::fs::chown(&file, Some(NOBODY), Some(NOBODY)).unwrap();
    let out = run(&mut offline(&file, "more"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::metadata(&file).unwrap().uid(), NOBODY);
}

#[test]
fn bash_completion_inserts_file_names_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    fs::create_dir(&files).unwrap();
    let names = [
        "my tokens.json",
        "it's \"q\" \\.json",
        "$(touch pwned).json",
        "`touch pwned2`.json",
        "a;b #c & d|e.json",
        "*.json",
        "~x.json",
    ];
    for name in names {
        fs::write(files.join(name), "").unwrap();
    }
    let bin_dir = dir.path().join("bin");
    fs::create_dir(&bin_dir).unwrap();
    symlink(bin(), bin_dir.join("influxdb3")).unwrap();
    let out = run(&mut influxdb3(&["completions", "bash"]));
    let script = dir.path().join("complete.bash");
    fs::write(&script, &out.stdout).unwrap();
    // As bash's completion calls it for `influxdb3 tokens list <TAB>`; then each
    // candidate is read back as the shell reads the word it inserts.
    let test = format!(
        r#"source {}
COMP_WORDS=(influxdb3 tokens list "")
COMP_CWORD=3
COMP_TYPE=9
_clap_complete_influxdb3 influxdb3 "" list
for c in "${{COMPREPLY[@]}}"; do eval "printf '%s\n' $c"; done"#,
        script.display()
    );
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let out = Command::new("bash")
        .args(["-c", &test])
        .current_dir(&files)
        .env("PATH", path)
        .output()
        .unwrap();
    let words = text(&out.stdout);
    let words: Vec<&str> = words.lines().collect();
    for name in names {
        assert!(
            words.contains(&name),
            "{name:?} not in {words:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(listing(&files).len(), names.len(), "a name ran a command");
}

#[test]
fn lint_and_list_point_out_names_that_deceive() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    let names = ["telegraf", "tel\u{435}graf", "\u{200b}admin", "reader "];
    let tokens: Vec<String> = names
        .iter()
        .map(|name| {
            format!(
                r#"{{"token": "{}", "name": {}, "expiry_millis": 4102444800000, "permissions": ["db:m:read"]}}"#,
                Token::generate().unwrap().expose_secret(),
                serde_json::to_string(name).unwrap()
            )
        })
        .collect();
    fs::write(
        &file,
        format!(
            r#"{{"create_databases": ["m"], "tokens": [{}]}}"#,
            tokens.join(",\n")
        ),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = run(&mut influxdb3(&[
        "tokens", "lint", path, "--format", "json",
    ]));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["token"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (code, token) in [
        ("confusable-name", "tel\u{435}graf"),
        ("unsafe-name", "\u{200b}admin"),
        ("unsafe-name", "reader "),
    ] {
        assert!(
            found.contains(&(code.to_owned(), token.to_owned())),
            "{code} {token:?} in {found:?}"
        );
    }
    assert_eq!(out.status.code(), Some(1), "errors fail the lint");
    // Warnings alone fail with --strict.
    let only_mixed = file.with_file_name("mixed.json");
    let text = fs::read_to_string(&file).unwrap();
    let kept: Vec<&str> = text.lines().take(2).collect();
    fs::write(
        &only_mixed,
        format!("{}]}}", kept.join("\n").trim_end_matches(',')),
    )
    .unwrap();
    fs::set_permissions(&only_mixed, fs::Permissions::from_mode(0o600)).unwrap();
    let mixed = only_mixed.to_str().unwrap();
    assert_eq!(
        run(&mut influxdb3(&["tokens", "lint", mixed]))
            .status
            .code(),
        Some(0)
    );
    let out = run(&mut influxdb3(&["tokens", "lint", mixed, "--strict"]));
    assert_eq!(out.status.code(), Some(1), "{}", text_of(&out));
    assert!(
        text_of(&out).contains("0 errors, 2 warnings"),
        "{}",
        text_of(&out)
    );
    // `list` marks them, and never shows the hidden character raw.
    let out = run(&mut influxdb3(&["tokens", "list", path]));
    let listed = text_of(&out);
    assert!(listed.contains("tel\u{435}graf (!)"), "{listed}");
    assert!(listed.contains("\\u200badmin (!)"), "{listed}");
    assert!(!listed.contains("telegraf (!)"), "{listed}");
    assert!(listed.contains("(!) a name to look at twice"), "{listed}");
}

fn text_of(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_file_written_in_place_while_we_ask_is_not_renamed_over() {
    use std::io::Read as _;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    assert!(run(&mut offline(&file, "a")).status.success());
    let manifest = dir.path().join("m.toml");
    fs::write(&manifest, "").unwrap();
    // `tokens apply --prune` of an empty manifest asks on a terminal, holding what it
    // read; meanwhile an editor that takes no lock rewrites the file in place.
    let line = format!(
        "{} tokens apply '{}' --output-file '{}' --prune",
        bin(),
        manifest.display(),
        file.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"]);
    clean_env(&mut cmd);
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut chunk = [0u8; 256];
    while !String::from_utf8_lossy(&seen).contains("to confirm") {
        let n = stdout.read(&mut chunk).unwrap();
        assert!(n > 0, "no question: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&chunk[..n]);
    }
    let theirs = fs::read_to_string(&file)
        .unwrap()
        .replacen("\"a\"", "\"b\"", 1);
    fs::OpenOptions::new()
        .write(true)
        .open(&file)
        .unwrap()
        .write_all(theirs.as_bytes())
        .unwrap();
    child.stdin.take().unwrap().write_all(b"yes\n").unwrap();
    stdout.read_to_end(&mut seen).unwrap();
    let status = child.wait().unwrap();
    let said = String::from_utf8_lossy(&seen);
    assert_eq!(status.code(), Some(6), "{said}");
    assert!(said.contains("was changed by another program"), "{said}");
    assert_eq!(fs::read_to_string(&file).unwrap(), theirs, "{said}");
}

/// A command line's arguments and its environment.
type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>);

#[test]
fn a_secret_in_any_argument_path_or_variable_is_never_echoed() {
    let secret = Token::generate().unwrap();
    let t = secret.expose_secret();
    let dir = tempfile::tempdir().unwrap();
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let host = format!("http://127.0.0.1:{closed}/{t}");
    let missing = format!("/nonexistent-{closed}/{t}/t.json");
    let file = dir.path().join("t.json");
    let file = file.to_str().unwrap();
    let create = |more: &[&str]| -> Vec<String> {
        [
            "create",
            "token",
            "--permission",
            "db:a:read",
            "--name",
            "y",
        ]
        .iter()
        .chain(more)
        .map(|s| (*s).to_owned())
        .collect()
    };
    let cases: Vec<Case<'_>> = vec![
        (vec![t.to_owned()], vec![]),
        (vec!["create".into(), t.to_owned()], vec![]),
        (create(&[&format!("--bogus={t}")]), vec![]),
        (create(&["--offline", "--output-file", &missing]), vec![]),
        (
            create(&["--offline", "--output-file", file, "--expiry", t]),
            vec![],
        ),
        (
            create(&["--offline", "--output-file", file]),
            vec![("INFLUXDB3_MAX_EXPIRY", t)],
        ),
        (create(&["--host", &host, "--token", "apiv3_x"]), vec![]),
        (
            vec![
                "show".into(),
                "tokens".into(),
                "--token".into(),
                "apiv3_x".into(),
            ],
            vec![("INFLUXDB3_HOST_URL", &host)],
        ),
        (
            vec![
                "create".into(),
                "token".into(),
                "--permission".into(),
                format!("db:{t}:reed"),
                "--name".into(),
                "y".into(),
                "--offline".into(),
                "--output-file".into(),
                file.to_owned(),
            ],
            vec![],
        ),
        (vec!["tokens".into(), "lint".into(), t.to_owned()], vec![]),
        (
            vec!["tokens".into(), "list".into(), missing.clone()],
            vec![],
        ),
    ];
    // No piece of the secret shows: its start, its middle, or its end.
    let pieces = [&t[6..18], &t[40..52], &t[t.len() - 12..]];
    for (args, env) in cases {
        for json in [false, true] {
            let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
            if json {
                args.extend(["--format", "json"]);
            }
            let mut cmd = influxdb3(&args);
            cmd.envs(env.iter().copied());
            let out = run_within(&mut cmd, Duration::from_secs(20));
            let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
            assert!(!out.status.success(), "{args:?}: {shown}");
            for piece in pieces {
                assert!(
                    !shown.contains(piece),
                    "{args:?} {env:?} shows {piece:?}: {shown}"
                );
            }
        }
    }
}

#[test]
fn only_our_own_stale_temporary_files_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    assert!(run(&mut offline(&file, "a")).status.success());
    let mut gone = Command::new("true").spawn().unwrap();
    gone.wait().unwrap();
    let dead = format!(".t.json.tmp-{}-1f-0", gone.id());
    let running = format!(".t.json.tmp-{}-1f-0", std::process::id());
    for name in [
        &dead,
        &running,
        ".t.json.tmp-notes",
        ".t.json.tmp-1-2-3-backup",
    ] {
        fs::write(dir.path().join(name), "x").unwrap();
    }
    assert!(run(&mut offline(&file, "b")).status.success());
    let left = listing(dir.path());
    assert!(!left.contains(&dead), "{left:?}");
    for name in [&running, ".t.json.tmp-notes", ".t.json.tmp-1-2-3-backup"] {
        assert!(left.iter().any(|l| l == name), "{name} removed: {left:?}");
    }
}

#[test]
fn dash_is_standard_input_wherever_a_tokens_file_is_read_and_never_a_file_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    assert!(run(&mut offline(&file, "a")).status.success());
    let text = fs::read(&file).unwrap();
    let with_stdin = |args: &[&str]| {
        let mut cmd = influxdb3(args);
        cmd.current_dir(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // A command that refuses before it reads closes its end: that is fine.
        let _ = child.stdin.take().unwrap().write_all(&text);
        child.wait_with_output().unwrap()
    };
    // Every command that reads a tokens file reads `-` from standard input.
    for args in [
        vec!["tokens", "list", "-"],
        vec!["tokens", "lint", "-"],
        vec!["tokens", "check", "-", "a", "read", "db:db1"],
        vec!["tokens", "diff", "-", "t.json"],
        vec!["tokens", "merge", "-", "--output-file", "merged.json"],
    ] {
        let out = with_stdin(&args);
        assert!(
            out.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("cannot read"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(
        fs::read_to_string(dir.path().join("merged.json"))
            .unwrap()
            .contains("\"a\"")
    );
    // No command writes a file named `-`: it is refused up front, exit 2.
    fs::write(dir.path().join("m.toml"), "").unwrap();
    for args in [
        vec!["tokens", "remove", "-", "--name", "a"],
        vec!["tokens", "rotate", "-", "--name", "a"],
        vec!["tokens", "merge", "t.json", "--output-file", "-"],
        vec!["tokens", "apply", "m.toml", "--output-file", "-"],
        vec![
            "tokens",
            "apply",
            "m.toml",
            "--output-file",
            "x.json",
            "--secrets-out",
            "-",
        ],
        vec![
            "create",
            "token",
            "--permission",
            "db:a:read",
            "--name",
            "q",
            "--offline",
            "--output-file",
            "-",
        ],
    ] {
        let out = with_stdin(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("`-` is standard input"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(
            !dir.path().join("-").exists(),
            "{args:?} wrote a file named -"
        );
    }
}

#[test]
fn a_secret_file_that_is_a_fifo_is_refused_without_blocking_and_named_as_a_secret_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("secret");
    mkfifo(&fifo);
    let out = run_within(
        influxdb3(&[
            "create",
            "token",
            "--offline",
            "--output-file",
            dir.path().join("tokens.json").to_str().unwrap(),
            "--name",
            "a",
            "--permission",
            "db:x:read",
            "--secret-file",
            fifo.to_str().unwrap(),
        ])
        .stdin(Stdio::null()),
        Duration::from_secs(10),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--secret-file is read from a regular file"),
        "{err}"
    );
    assert!(!dir.path().join("tokens.json").exists());
}

#[test]
fn a_value_s_own_backtick_and_backslash_neither_end_it_nor_escape_and_it_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    for name in [
        format!("a`{}", "L".repeat(200)),
        "\\".repeat(101),
        format!("{}`", "q".repeat(10)),
    ] {
        assert!(run(&mut offline(&file, &name)).status.success(), "{name}");
        // Taken: the library's message names it, as every message does.
        let out = run(&mut offline(&file, &name));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{err}");
        let first = err.lines().next().unwrap();
        let value = first
            .strip_prefix("error: a token named `")
            .and_then(|rest| rest.split("` is already in `").next())
            .unwrap_or_else(|| panic!("{first}"));
        // Inside the backticks: no bare backtick, every backslash paired, at most 120
        // characters of the name (each shown in at most two).
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            assert_ne!(c, '`', "{first}");
            if c == '\\' {
                assert!(matches!(chars.next(), Some('\\' | '`')), "{first}");
            }
        }
        assert!(value.chars().count() <= 2 * 120, "{first}");
        if name.chars().count() > 120 {
            assert!(value.contains('…'), "{first}");
        }
    }
}
