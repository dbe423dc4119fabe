//! Tokens known in advance: secrets chosen by their operator (`--secret-file`), minted
//! again without change, and handed to containers in the forms they read.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

mod common;

use common::{influxdb3, text};

/// A chosen secret: `apiv3_` and 64 hex characters, as a secret store hands them out.
fn chosen(seed: u8) -> String {
    let bytes: Vec<u8> = (0..32u8)
        .map(|i| i.wrapping_mul(7).wrapping_add(seed))
        .collect();
    bytes.iter().fold("apiv3_".to_owned(), |mut out, b| {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn run(args: &[&str], cwd: &Path, stdin: Option<&str>) -> Output {
    let mut cmd = influxdb3(args);
    cmd.current_dir(cwd);
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    }
    child.wait_with_output().unwrap()
}

fn all(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

const CREATE: [&str; 8] = [
    "create",
    "token",
    "--offline",
    "--output-file",
    "tokens.json",
    "--name",
    "grafana",
    "--create-databases=metrics",
];

fn create(dir: &Path, more: &[&str], stdin: Option<&str>) -> Output {
    let mut args = CREATE.to_vec();
    args.extend(more);
    run(&args, dir, stdin)
}

#[test]
fn a_chosen_secret_is_written_never_printed_and_minting_it_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let secret = chosen(1);
    fs::write(dir.path().join("grafana.secret"), format!("{secret}\n")).unwrap();
    let read = [
        "--permission",
        "db:metrics:read",
        "--secret-file",
        "grafana.secret",
    ];
    let out = create(dir.path(), &read, None);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(!all(&out).contains(&secret[6..]), "{}", all(&out));
    assert!(text(&out.stdout).contains("with the secret from `grafana.secret` (not shown"));
    let file = dir.path().join("tokens.json");
    let written = fs::read(&file).unwrap();
    assert!(String::from_utf8_lossy(&written).contains(&secret));
    // Again: exit 0, the file byte for byte the same, and it says so.
    let out = create(dir.path(), &read, None);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert_eq!(fs::read(&file).unwrap(), written);
    assert!(text(&out.stderr).contains("as given, with this secret: nothing was changed"));
    // From standard input, in JSON: the same, masked.
    let stdin = [
        "--permission",
        "db:metrics:read",
        "--secret-file",
        "-",
        "--format",
        "json",
    ];
    let out = create(dir.path(), &stdin, Some(&format!("{secret}\n")));
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(!all(&out).contains(&secret[6..]));
    // Another secret, or other permissions, under that name: a conflict (exit 3),
    // nothing written; --replace puts it in place.
    fs::write(dir.path().join("other.secret"), chosen(2)).unwrap();
    for more in [
        [
            "--permission",
            "db:metrics:read",
            "--secret-file",
            "other.secret",
        ],
        [
            "--permission",
            "db:metrics:write",
            "--secret-file",
            "grafana.secret",
        ],
    ] {
        let out = create(dir.path(), &more, None);
        assert_eq!(out.status.code(), Some(3), "{more:?}: {}", all(&out));
        assert_eq!(fs::read(&file).unwrap(), written);
    }
    let out = create(
        dir.path(),
        &[
            "--permission",
            "db:metrics:read",
            "--secret-file",
            "other.secret",
            "--replace",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(fs::read_to_string(&file).unwrap().contains(&chosen(2)));
}

#[test]
fn a_secret_that_breaks_the_rule_is_refused_unechoed_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let long = "k".repeat(40);
    for bad in [
        "apiv3_short".to_owned(),
        format!("apiv2_{long}"),
        format!("apiv3_{long} x"),
        format!("apiv3_{long}'"),
        format!("apiv3_{long}\\"),
        format!("apiv3_{long}\x1b[31m"),
        format!("apiv3_{long}\n\n"),
        format!("apiv3_{}", "k".repeat(251)),
        format!("apiv3_{}", "k".repeat(5000)),
    ] {
        fs::write(dir.path().join("bad.secret"), &bad).unwrap();
        let out = create(
            dir.path(),
            &[
                "--permission",
                "db:metrics:read",
                "--secret-file",
                "bad.secret",
            ],
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{}", all(&out));
        assert!(!all(&out).contains(&long), "{}", all(&out));
        assert!(!all(&out).contains('\x1b'));
        assert!(!dir.path().join("tokens.json").exists());
    }
    // Online, a server mints its own: refused before anything is sent.
    fs::write(dir.path().join("ok.secret"), chosen(3)).unwrap();
    // Refused before anything is read: neither the secret nor the admin token on
    // standard input (garbage there would be the error otherwise).
    let online: Vec<&str> = "create token --name x --permission db:a:read --secret-file - --host http://127.0.0.1:1 --token -"
        .split(' ')
        .collect();
    let out = run(&online, dir.path(), Some("garbage\n"));

    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(
        all(&out).contains("this store cannot hold a token with a chosen secret"),
        "{}",
        all(&out)
    );
    assert!(all(&out).contains("a server mints the secrets"));
    // An endless standard input ends in an error.
    let endless = "k".repeat(1 << 20);
    let out = create(
        dir.path(),
        &["--permission", "db:metrics:read", "--secret-file", "-"],
        Some(&endless),
    );
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
}

/// `create token --admin --offline --output-file admin.json ARGS` in `dir`.
fn admin_file(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec![
        "create",
        "token",
        "--admin",
        "--offline",
        "--output-file",
        "admin.json",
    ];
    all.extend_from_slice(args);
    run(&all, dir, None)
}

#[test]
fn an_admin_token_file_with_the_same_secret_is_left_alone_and_another_is_replaced_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("admin.secret"), chosen(4)).unwrap();
    fs::write(dir.path().join("other.secret"), chosen(5)).unwrap();
    let admin = |secret: &str| admin_file(dir.path(), &["--secret-file", secret]);
    let out = admin("admin.secret");
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(!all(&out).contains(&chosen(4)[6..]));
    let file = dir.path().join("admin.json");
    let written = fs::read(&file).unwrap();
    assert!(String::from_utf8_lossy(&written).contains(&chosen(4)));
    let out = admin("admin.secret");
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert_eq!(fs::read(&file).unwrap(), written);
    assert!(all(&out).contains("nothing was changed"), "{}", all(&out));
    // Its dry run says so too.
    let out = admin_file(dir.path(), &["--secret-file", "admin.secret", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(
        text(&out.stdout).contains("nothing would change"),
        "{}",
        all(&out)
    );
    let out = admin("other.secret");
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(fs::read_to_string(&file).unwrap().contains(&chosen(5)));
    assert!(
        text(&out.stderr).contains("keeps the token it loaded when it started"),
        "{}",
        all(&out)
    );
}

#[test]
fn an_admin_token_file_dry_run_shows_the_entry_it_would_write_and_if_not_exists_keeps_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let admin = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        admin_file(dir.path(), &args)
    };
    let file = dir.path().join("admin.json");
    let out = admin(&["--name", "ops", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["action"], "write");
    assert_eq!(doc["entry"]["name"], "ops");
    assert_eq!(doc["entry"]["token"], "apiv3_***");
    assert!(!file.exists());

    let out = admin(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["permissions"], serde_json::json!(["*:*:*"]));
    assert!(doc.get("replaced").is_none(), "{doc}");
    let written = fs::read(&file).unwrap();

    let out = admin(&["--if-not-exists", "--dry-run"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["action"], "nothing");
    let out = admin(&["--if-not-exists"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        all(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), written);

    // --if-not-exists with another name: the note names the token the file holds.
    let out = admin(&["--if-not-exists", "--name", "other"]);
    assert!(
        text(&out.stderr).contains("`_admin` already exists"),
        "{}",
        all(&out)
    );

    // Written again: a new secret in place of the one there, said so.
    let out = admin(&[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["replaced"], true);
    assert_ne!(fs::read(&file).unwrap(), written);
    assert!(
        text(&out.stderr).contains("held another secret for `_admin`"),
        "{}",
        all(&out)
    );

    // Another name takes the place of `_admin`: said before, in the dry run too.
    for (extra, said) in [
        (
            &["--name", "ops", "--dry-run"][..],
            "holds the admin token `_admin`, which would be replaced by `ops`",
        ),
        (
            &["--name", "ops"][..],
            "held the admin token `_admin`, which was replaced by `ops`",
        ),
    ] {
        let out = admin(extra);
        assert_eq!(out.status.code(), Some(0), "{}", all(&out));
        assert!(text(&out.stderr).contains(said), "{}", all(&out));
    }
}

#[test]
fn rotate_takes_a_chosen_secret_and_what_the_recipe_makes_passes_a_strict_lint() {
    let dir = tempfile::tempdir().unwrap();
    let secret = chosen(6);
    fs::write(dir.path().join("grafana.secret"), &secret).unwrap();
    let file = dir.path().join("tokens.json");
    assert!(
        create(dir.path(), &["--permission", "db:metrics:read"], None)
            .status
            .success()
    );
    // Rotate to a chosen secret.
    let out = run(
        &[
            "tokens",
            "rotate",
            "tokens.json",
            "--name",
            "grafana",
            "--secret-file",
            "grafana.secret",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(!all(&out).contains(&secret[6..]));
    assert!(fs::read_to_string(&file).unwrap().contains(&secret));
    // What the recipe makes passes a strict lint: a chosen secret is no finding.
    let out = run(
        &[
            "create",
            "token",
            "--offline",
            "--output-file",
            "strict.json",
            "--name",
            "app",
            "--permission",
            "db:metrics:write",
            "--create-databases=metrics",
            "--expiry",
            "30d",
            "--secret-file",
            "grafana.secret",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let out = run(
        &["tokens", "lint", "strict.json", "--strict"],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
}

#[test]
fn a_manifest_pins_secrets_applies_once_and_reports_a_changed_secret_as_drift() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("secrets")).unwrap();
    fs::write(
        dir.path().join("secrets/grafana"),
        format!("{}\n", chosen(7)),
    )
    .unwrap();
    fs::write(
        dir.path().join("tokens.toml"),
        "create_databases = [\"metrics\"]\n\n[[token]]\nname = \"grafana\"\npermissions = [\"db:metrics:read\"]\nexpiry = \"30d\"\nsecret_file = \"secrets/grafana\"\n\n[[token]]\nname = \"telegraf\"\npermissions = [\"db:metrics:write\"]\nexpiry = \"30d\"\n",
    )
    .unwrap();
    // From another directory: `secret_file` is relative to the manifest's.
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("tokens.toml");
    let file = dir.path().join("tokens.json");
    let apply = |more: &[&str]| {
        let mut args = vec![
            "tokens",
            "apply",
            manifest.to_str().unwrap(),
            "--output-file",
            file.to_str().unwrap(),
        ];
        args.extend(more);
        run(&args, elsewhere.path(), None)
    };
    let out = apply(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    // The minted one is shown once; the pinned one never.
    assert!(
        text(&out.stdout).contains("`telegraf`  apiv3_"),
        "{}",
        all(&out)
    );
    assert!(!all(&out).contains(&chosen(7)[6..]), "{}", all(&out));
    assert!(fs::read_to_string(&file).unwrap().contains(&chosen(7)));
    let written = fs::read(&file).unwrap();
    // Again: nothing changes, byte for byte.
    let out = apply(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(
        text(&out.stdout).contains("Nothing to change"),
        "{}",
        all(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), written);
    // The secret file changes: drift, reported; --update puts the new secret in.
    fs::write(dir.path().join("secrets/grafana"), chosen(8)).unwrap();
    let out = apply(&[]);
    assert!(
        text(&out.stdout).contains("secret not the one of its secret_file"),
        "{}",
        all(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), written);
    let out = apply(&["--update", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(!all(&out).contains(&chosen(8)[6..]), "{}", all(&out));
    assert!(fs::read_to_string(&file).unwrap().contains(&chosen(8)));
    // A secret file that breaks the rule: exit 2, named, nothing written.
    fs::write(dir.path().join("secrets/grafana"), "apiv3_short").unwrap();
    let before = fs::read(&file).unwrap();
    let out = apply(&["--update"]);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(
        all(&out).contains("token `grafana` of the manifest"),
        "{}",
        all(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), before);
    // Against a server: refused, a server mints its own secrets; before anything else
    // is read or written (the secret file, missing here; an existing --secrets-out; the
    // admin token on stdin).
    let _ = fs::remove_file(dir.path().join("secrets/grafana"));
    fs::write(elsewhere.path().join("exists.json"), "{}").unwrap();
    let out = run(
        &[
            "tokens",
            "apply",
            manifest.to_str().unwrap(),
            "--host",
            "http://127.0.0.1:1",
            "--token",
            "-",
            "--secrets-out",
            "exists.json",
        ],
        elsewhere.path(),
        Some("garbage\n"),
    );
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(
        all(&out).contains("a server mints the secrets"),
        "{}",
        all(&out)
    );
}

#[test]
fn secrets_out_takes_the_forms_containers_read_and_refuses_names_a_form_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("m.toml"),
        "[[token]]\nname = \"grafana\"\npermissions = [\"db:m:read\"]\n[[token]]\nname = \"telegraf\"\npermissions = [\"db:m:write\"]\n",
    )
    .unwrap();
    let apply = |out: &str, more: &[&str]| {
        let mut args = vec![
            "tokens",
            "apply",
            "m.toml",
            "--output-file",
            "tokens.json",
            "--secrets-out",
            out,
        ];
        args.extend(more);
        run(&args, dir.path(), None)
    };
    let out = apply(
        "k8s.json",
        &[
            "--secrets-format",
            "kubernetes",
            "--secrets-name",
            "grafana-tokens",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("k8s.json")).unwrap()).unwrap();
    assert_eq!(doc["metadata"]["name"], "grafana-tokens");
    assert!(
        doc["stringData"]["telegraf"]
            .as_str()
            .unwrap()
            .starts_with("apiv3_")
    );
    // Nothing on stdout holds a secret: they went to the file.
    assert!(!text(&out.stdout).contains("apiv3_"), "{}", all(&out));
    fs::remove_file(dir.path().join("tokens.json")).unwrap();
    let out = apply("secrets", &["--secrets-format", "dir"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let made = fs::read_to_string(dir.path().join("secrets/grafana")).unwrap();
    assert!(
        fs::read_to_string(dir.path().join("tokens.json"))
            .unwrap()
            .contains(&made)
    );
    // Names a form cannot hold: refused before anything is made.
    fs::write(
        dir.path().join("m.toml"),
        "[[token]]\nname = \"ci-a\"\npermissions = [\"db:m:read\"]\n[[token]]\nname = \"ci_a\"\npermissions = [\"db:m:read\"]\n[[token]]\nname = \"a b\"\npermissions = [\"db:m:read\"]\n",
    )
    .unwrap();
    for (form, says) in [
        ("env", "would both be the variable `INFLUXDB3_TOKEN_CI_A`"),
        ("dir", "cannot name a file of a secrets directory"),
        ("kubernetes", "cannot be a key of a Kubernetes Secret"),
    ] {
        let before = fs::read(dir.path().join("tokens.json")).unwrap();
        let out = apply("new", &["--secrets-format", form]);
        assert_eq!(out.status.code(), Some(2), "{form}: {}", all(&out));
        assert!(all(&out).contains(says), "{form}: {}", all(&out));
        assert_eq!(fs::read(dir.path().join("tokens.json")).unwrap(), before);
        assert!(!dir.path().join("new").exists());
    }
    let out = apply(
        "new",
        &[
            "--secrets-format",
            "kubernetes",
            "--secrets-name",
            "Bad_Name",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    let out = run(
        &[
            "tokens",
            "apply",
            "m.toml",
            "--output-file",
            "x.json",
            "--secrets-format",
            "env",
        ],
        dir.path(),
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
}

/// The compose example's files, copied where a test may write.
fn compose_example(to: &Path) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/compose");
    for name in ["make-secrets.sh", "init.sh", "tokens.toml", "compose.yaml"] {
        fs::copy(example.join(name), to.join(name)).unwrap();
    }
}

fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// The modes (and, as root, owners) the recipe relies on: each secret readable by its
/// client and the init service only.
fn secrets_are_private(at: &Path, root: bool) {
    use std::os::unix::fs::MetadataExt;
    for (name, mode, owner) in [
        ("admin", 0o400, 1500),
        ("grafana", 0o440, 472),
        ("telegraf", 0o440, 999),
    ] {
        let path = at.join("secrets").join(name);
        assert_eq!(mode_of(&path), mode, "{name}");
        let value = fs::read_to_string(&path).unwrap();
        assert!(
            influxdb3_token::Token::parse_chosen(&value).is_ok(),
            "{name}"
        );
        if root {
            let meta = fs::metadata(&path).unwrap();
            assert_eq!((meta.uid(), meta.gid()), (owner, 1500), "{name}");
        }
    }
}

#[test]
fn the_compose_recipe_runs_as_written_and_a_second_run_changes_nothing() {
    use std::os::unix::fs::{MetadataExt, symlink};
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path();
    compose_example(at);
    let sh = |script: &str, env: &[(&str, String)]| {
        let mut cmd = std::process::Command::new(at.join(script));
        cmd.current_dir(at)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{script}: {}", all(&out));
        out
    };
    sh("make-secrets.sh", &[]);
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .unwrap()
        .stdout
        == b"0\n";
    secrets_are_private(at, root);
    let bin_dir = at.join("bin");
    fs::create_dir(&bin_dir).unwrap();
    symlink(common::bin(), bin_dir.join("influxdb3")).unwrap();
    let mut env = vec![
        (
            "PATH",
            format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap()),
        ),
        ("CONFIG", at.display().to_string()),
        ("TOKENS", at.join("tokens").display().to_string()),
    ];
    if root {
        env.push(("AS", "1500:1500".to_owned()));
    } else {
        fs::create_dir(at.join("tokens")).unwrap();
    }
    sh("init.sh", &env);
    let files = ["admin-token.json", "permission-tokens.json"].map(|f| at.join("tokens").join(f));
    let first: Vec<(Vec<u8>, i64)> = files
        .iter()
        .map(|f| (fs::read(f).unwrap(), fs::metadata(f).unwrap().mtime_nsec()))
        .collect();
    let out = sh("init.sh", &env);
    assert!(
        text(&out.stdout).contains("Nothing to change"),
        "{}",
        all(&out)
    );
    for (f, (bytes, mtime)) in files.iter().zip(&first) {
        assert_eq!(&fs::read(f).unwrap(), bytes, "{}", f.display());
        assert_eq!(
            fs::metadata(f).unwrap().mtime_nsec(),
            *mtime,
            "{} was rewritten",
            f.display()
        );
        assert_eq!(mode_of(f), 0o600);
        if root {
            assert_eq!(
                fs::metadata(f).unwrap().uid(),
                1500,
                "the server's user owns it"
            );
        }
    }
    // What the server and the clients read: the admin file holds the admin secret, the
    // permission tokens file the secrets the clients mount.
    let admin: serde_json::Value = serde_json::from_slice(&first[0].0).unwrap();
    assert_eq!(admin["name"], "_admin");
    assert_eq!(
        admin["token"],
        fs::read_to_string(at.join("secrets/admin")).unwrap()
    );
    let tokens: serde_json::Value = serde_json::from_slice(&first[1].0).unwrap();
    for name in ["grafana", "telegraf"] {
        let entry = tokens["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap();
        assert_eq!(
            entry["token"],
            fs::read_to_string(at.join("secrets").join(name)).unwrap()
        );
    }
    // No secret was printed on either run.
    assert!(!all(&out).contains(&fs::read_to_string(at.join("secrets/grafana")).unwrap()[6..]));
}

/// Moves the expiry of the (first) token in `file` to 1970-01-01T00:00:01Z, as time
/// would.
fn expire(file: &Path) {
    let json = fs::read_to_string(file).unwrap();
    let at = json.find("\"expiry_millis\": ").unwrap() + "\"expiry_millis\": ".len();
    let end = at + json[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    fs::write(file, format!("{}1000{}", &json[..at], &json[end..])).unwrap();
}

#[test]
fn an_expired_admin_token_kept_by_if_not_exists_is_said_to_have_expired() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("admin.json");
    let out = admin_file(dir.path(), &["--name", "ops", "--expiry", "1d"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    expire(&file);
    let before = fs::read(&file).unwrap();
    let out = admin_file(dir.path(), &["--name", "ops", "--if-not-exists"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let err = text(&out.stderr);
    assert!(
        err.contains("warning: the admin token `ops` in `admin.json` expired at 1970-01-01T00:00:01.000Z, and --if-not-exists keeps it"),
        "{err}"
    );
    assert!(err.contains("`ops` already exists"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), before);
    // Not expired: no warning.
    let out = admin_file(dir.path(), &["--name", "ops", "--expiry", "1d"]);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let out = admin_file(dir.path(), &["--name", "ops", "--if-not-exists"]);
    assert!(!text(&out.stderr).contains("expired"), "{}", all(&out));
}

#[test]
fn a_chosen_secret_already_in_the_file_under_another_name_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("s.secret"), chosen(9)).unwrap();
    let secret = [
        "--permission",
        "db:metrics:read",
        "--secret-file",
        "s.secret",
    ];
    let out = create(dir.path(), &secret, None);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    let before = fs::read(dir.path().join("tokens.json")).unwrap();
    let mut again = CREATE.to_vec();
    again[6] = "other";
    again.extend(secret);
    let out = run(&again, dir.path(), None);
    assert_eq!(out.status.code(), Some(1), "{}", all(&out));
    assert_eq!(
        text(&out.stderr),
        "error: cannot add the token to `tokens.json`: the same token value is already in the file, as `grafana`\n"
    );
    assert_eq!(fs::read(dir.path().join("tokens.json")).unwrap(), before);
}

#[test]
fn an_expired_permission_token_kept_by_if_not_exists_is_said_to_have_expired() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tokens.json");
    let read = ["--permission", "db:metrics:read", "--expiry", "1d"];
    let out = create(dir.path(), &read, None);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    expire(&file);
    let before = fs::read(&file).unwrap();
    let keep = ["--permission", "db:metrics:read", "--if-not-exists"];
    let out = create(dir.path(), &keep, None);
    assert_eq!(out.status.code(), Some(0), "{}", all(&out));
    assert!(
        text(&out.stderr).contains("warning: token `grafana` in `tokens.json` expired at 1970-01-01T00:00:01.000Z, and --if-not-exists keeps it: --replace renews it"),
        "{}",
        all(&out)
    );
    assert_eq!(fs::read(&file).unwrap(), before);
}

#[test]
fn what_a_plan_refuses_online_is_refused_before_the_admin_token_is_read() {
    let dir = tempfile::tempdir().unwrap();
    for (more, says) in [
        (
            &["--name", "_admin", "--permission", "db:a:read"][..],
            "cannot be named `_admin`",
        ),
        (
            &[
                "--name",
                "x",
                "--permission",
                "db:a:read",
                "--max-expiry",
                "1d",
                "--expiry",
                "1y",
            ][..],
            "the expiry policy allows at most 1day",
        ),
    ] {
        let mut args = vec![
            "create",
            "token",
            "--host",
            "http://127.0.0.1:1",
            "--token",
            "-",
            "--tls-ca",
            "missing.pem",
        ];
        args.extend_from_slice(more);
        // Garbage on standard input and a CA file that does not exist: neither is the
        // error, as neither is read.
        let out = run(&args, dir.path(), Some("garbage\n"));
        assert_eq!(out.status.code(), Some(2), "{}", all(&out));
        assert!(text(&out.stderr).contains(says), "{}", all(&out));
    }
    // `delete token` alike: the operator token is refused first.
    let delete = [
        "delete",
        "token",
        "--token-name",
        "_admin",
        "--host",
        "http://127.0.0.1:1",
        "--token",
        "-",
    ];
    let out = run(&delete, dir.path(), Some("garbage\n"));
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(
        text(&out.stderr).contains("the operator token `_admin` is never deleted"),
        "{}",
        all(&out)
    );
}
