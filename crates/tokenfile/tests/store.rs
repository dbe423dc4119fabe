//! The tokens file as a store: every `TokenStore` call on a real file, what it leaves
//! in the file once the run has finished, and what it refuses.

mod common;
use common::grants;

use std::path::Path;
use std::time::Duration;

use influxdb3_permission::DatabaseName;
use influxdb3_provision::{Capabilities, Failure, NewToken, StoreError, TokenStore};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token, TokenName};
use influxdb3_tokenfile::{
    FileStore, FileStoreError, Finding, OneOutcome, TokenFile, WriteOptions,
};

const NOW: i64 = 1_756_400_061_529;

fn new(name: &str, permissions: &[&str]) -> NewToken {
    NewToken::new(
        TokenName::new(name).unwrap(),
        grants(permissions),
        Expiry::Never,
        Timestamp::from_millis(NOW),
    )
}

fn db(name: &str) -> DatabaseName {
    DatabaseName::new(name).unwrap()
}

/// The file's tokens as (name, permissions, expiry), and its databases.
/// A token as the file holds it: name, permission texts, expiry in milliseconds.
type Row = (String, Vec<String>, Option<i64>);

fn contents(path: &Path) -> (Vec<Row>, Vec<String>) {
    let mut text = String::new();
    let file = TokenFile::load(path, &mut text).unwrap();
    let tokens = file
        .tokens()
        .iter()
        .map(|t| {
            (
                t.name().to_owned(),
                t.permission_texts().map(str::to_owned).collect(),
                t.expiry().map(Timestamp::millis),
            )
        })
        .collect();
    let dbs = file
        .create_databases()
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect();
    (tokens, dbs)
}

#[test]
fn a_run_creates_adds_and_refuses_then_writes_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let chosen = Token::parse_chosen(&format!("apiv3_{}", "c".repeat(40))).unwrap();
    let ((), written) = FileStore::open(&path, &WriteOptions::default(), |store| {
        assert_eq!(store.capabilities(), Capabilities::FILE);
        assert_eq!(store.place(), path.display().to_string());
        assert!(!store.is_dry_run());
        assert!(store.list().unwrap().is_empty());
        let a = store.create(&new("a", &["db:a:read"])).unwrap();
        assert!(!a.replaced && a.expiry.is_none());
        // A name taken, by a token of this run.
        let err = store.create(&new("a", &["db:a:write"])).unwrap_err();
        assert!(matches!(err, FileStoreError::NameTaken { .. }), "{err:?}");
        assert_eq!(err.failure(), Failure::NameTaken);
        // A chosen secret is the one written.
        let b = store
            .create(&new("b", &["db:zz:write"]).with_secret(chosen.clone()))
            .unwrap();
        assert_eq!(b.token, chosen);
        // A lifetime counts from the plan's instant.
        let hour = "1h".parse::<Lifetime>().unwrap();
        let c = store
            .create(&NewToken::new(
                TokenName::new("c").unwrap(),
                grants(&["db:a:read"]),
                Expiry::After(hour),
                Timestamp::from_millis(NOW),
            ))
            .unwrap();
        assert_eq!(c.expiry, Some(Timestamp::from_millis(NOW + 3_600_000)));
        // What the run has made so far, as listed and as entries.
        let names: Vec<String> = store.list().unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(store.entry("b").unwrap().token(), &chosen);
        assert!(store.entry("nobody").is_none());
        // Databases, each once, with those the file had.
        store.add_databases(&[db("a"), db("a")]).unwrap();
        let dbs: Vec<String> = store
            .create_databases()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(dbs, ["a"]);
        // `zz` is created by nobody; `c` expired an hour after a moment long past.
        let found = store.findings(Timestamp::from_millis(NOW + 7_200_000));
        assert!(
            found
                .iter()
                .any(|f| matches!(f, Finding::UnknownDatabase { token, .. } if token == "b")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| matches!(f, Finding::Expired { token, .. } if token == "c")),
            "{found:?}"
        );
        store.finish().unwrap();
    })
    .unwrap();
    assert_eq!(written.tokens, 3);
    assert!(written.changed && written.created);
    let (tokens, dbs) = contents(&path);
    assert_eq!(
        tokens,
        [
            ("a".to_owned(), vec!["db:a:read".to_owned()], None),
            ("b".to_owned(), vec!["db:zz:write".to_owned()], None),
            (
                "c".to_owned(),
                vec!["db:a:read".to_owned()],
                Some(NOW + 3_600_000)
            ),
        ]
    );
    assert_eq!(dbs, ["a"]);
}

#[test]
fn a_run_changes_replaces_rotates_and_deletes_what_the_file_holds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    // Twenty tokens: enough that names are looked up through an index.
    FileStore::open(&path, &WriteOptions::default(), |store| {
        for i in 0..20 {
            store
                .create(&new(&format!("t{i}"), &["db:a:read"]))
                .unwrap();
        }
        store.finish().unwrap();
    })
    .unwrap();
    let mut text = String::new();
    let before: Vec<Token> = TokenFile::load(&path, &mut text)
        .unwrap()
        .tokens()
        .iter()
        .map(|t| t.token().clone())
        .collect();
    let at = Some(Timestamp::from_millis(NOW));
    let ((), written) = FileStore::open(&path, &WriteOptions::default(), |store| {
        let listed = store.list().unwrap();
        assert_eq!(listed.len(), 20);
        assert_eq!(listed[3].hash, Some(before[3].hash()));
        // Every token found by its name, the twentieth too.
        for i in 0..20 {
            store
                .update(&format!("t{i}"), &grants(&["db:b:write"]), at)
                .unwrap();
        }
        // Updated twice in one run: the last one counts.
        store.update("t4", &grants(&["db:c:write"]), None).unwrap();
        let err = store
            .update("nobody", &grants(&["db:b:write"]), None)
            .unwrap_err();
        assert_eq!(err.failure(), Failure::NotFound);
        // A new secret for one updated in this run: both stay (a manifest's token
        // with new grants and a new `secret_file` is updated, then rotated).
        let rotated = store.rotate("t1", None).unwrap();
        assert_ne!(rotated.token, before[1]);
        assert_eq!(
            store.rotate("nobody", None).unwrap_err().failure(),
            Failure::NotFound
        );
        // Replaced: a new secret; a name not there yet is created.
        let replaced = store.replace(&new("t2", &["db:c:read"])).unwrap();
        assert!(replaced.replaced);
        assert!(
            !store
                .replace(&new("fresh", &["db:c:read"]))
                .unwrap()
                .replaced
        );
        // Deleted, from the file or from this run (an update of this run with it); then
        // not found.
        store.delete("t3").unwrap();
        store.delete("fresh").unwrap();
        assert_eq!(store.delete("t3").unwrap_err().failure(), Failure::NotFound);
        assert_eq!(
            store.delete("nobody").unwrap_err().failure(),
            Failure::NotFound
        );
        assert_eq!(
            store
                .update("t3", &grants(&["db:b:write"]), None)
                .unwrap_err()
                .failure(),
            Failure::NotFound
        );
        store.finish().unwrap();
    })
    .unwrap();
    assert_eq!(written.tokens, 19);
    let mut text = String::new();
    let file = TokenFile::load(&path, &mut text).unwrap();
    let names: Vec<&str> = file.tokens().iter().map(|t| t.name()).collect();
    assert_eq!(names.len(), 19);
    assert!(!names.contains(&"t3") && !names.contains(&"fresh"));
    let t0 = file.get("t0").unwrap();
    assert_eq!(t0.permission_texts().collect::<Vec<_>>(), ["db:b:write"]);
    assert_eq!(t0.expiry(), at);
    assert_eq!(t0.token(), &before[0], "an update keeps the secret");
    let t4 = file.get("t4").unwrap();
    assert_eq!(t4.permission_texts().collect::<Vec<_>>(), ["db:c:write"]);
    assert_eq!((t4.expiry(), t4.token()), (None, &before[4]));
    let t1 = file.get("t1").unwrap();
    assert_ne!(t1.token(), &before[1]);
    assert_eq!(t1.permission_texts().collect::<Vec<_>>(), ["db:b:write"]);
    let t2 = file.get("t2").unwrap();
    assert_eq!(t2.permission_texts().collect::<Vec<_>>(), ["db:c:read"]);
    assert_ne!(t2.token(), &before[2]);
    assert_eq!(
        file.get("t19")
            .unwrap()
            .permission_texts()
            .collect::<Vec<_>>(),
        ["db:b:write"]
    );
}

#[test]
fn a_dry_run_changes_nothing_and_a_run_that_changes_nothing_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    FileStore::open(&path, &WriteOptions::default(), |store| {
        store.create(&new("a", &["db:a:read"])).unwrap();
        store.finish().unwrap();
    })
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let dry = WriteOptions::default().dry_run(true);
    let ((), written) = FileStore::open(&path, &dry, |store| {
        assert!(store.is_dry_run());
        store.create(&new("b", &["db:a:read"])).unwrap();
        store.delete("a").unwrap();
        store.finish().unwrap();
    })
    .unwrap();
    assert!(written.changed, "it would have changed");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // A run that never finishes writes nothing, and counts the tokens it was making.
    let ((), written) = FileStore::open(&path, &WriteOptions::default(), |store| {
        store.create(&new("c", &["db:a:read"])).unwrap();
        store.create(&new("d", &["db:a:read"])).unwrap();
    })
    .unwrap();
    assert_eq!(written.tokens, 3);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // Only a database added: written.
    let ((), written) = FileStore::open(&path, &WriteOptions::default(), |store| {
        store.add_databases(&[db("new")]).unwrap();
        store.finish().unwrap();
    })
    .unwrap();
    assert!(written.changed);
    assert_eq!(contents(&path).1, ["new"]);
    // Opened, listed and finished without a change: the file is not rewritten.
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap());
    let ((), written) = FileStore::open(
        &path,
        &WriteOptions::default().lock_timeout(Duration::from_secs(1)),
        |store| {
            store.list().unwrap();
            store.finish().unwrap();
        },
    )
    .unwrap();
    assert!(!written.changed);
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&path).unwrap()),
        inode
    );
}

fn admin(name: &str) -> influxdb3_provision::NewAdmin {
    influxdb3_provision::NewAdmin::new(
        TokenName::new(name).unwrap(),
        Expiry::Never,
        Timestamp::from_millis(NOW),
    )
}

fn admin_file(path: &Path) -> (String, Token, Option<i64>) {
    let mut text = String::new();
    let file = influxdb3_tokenfile::AdminTokenFile::load(path, &mut text).unwrap();
    (
        file.name().to_owned(),
        file.token().clone(),
        file.expiry().map(Timestamp::millis),
    )
}

#[test]
fn an_admin_token_file_as_a_store_holds_one_admin_token_replaced_whole() {
    use influxdb3_tokenfile::AdminFileStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.json");
    let options = WriteOptions::default();

    // None yet: created, and listed as an admin token.
    let (first, written) = AdminFileStore::open(&path, &options, |store| {
        assert_eq!(store.capabilities(), Capabilities::ADMIN_FILE);
        assert_eq!(store.place(), path.display().to_string());
        assert!(store.list().unwrap().is_empty());
        let minted = store.create_admin(&admin("_admin"), false).unwrap();
        assert!(!minted.replaced);
        let listed = store.list().unwrap();
        assert!(listed[0].is_admin() && listed[0].is_operator());
        assert_eq!(listed[0].hash, Some(minted.token.hash()));
        store.finish().unwrap();
        minted.token
    })
    .unwrap();
    assert!(written.created && written.changed);
    assert_eq!(written.tokens, 1);
    assert_eq!(
        admin_file(&path),
        ("_admin".to_owned(), first.clone(), None)
    );

    // Without replace, the one it holds is a name taken; with it, replaced.
    let expiring = influxdb3_provision::NewAdmin::new(
        TokenName::new("ops").unwrap(),
        Expiry::After("1d".parse::<Lifetime>().unwrap()),
        Timestamp::from_millis(NOW),
    );
    let (second, written) = AdminFileStore::open(&path, &options, |store| {
        let e = store.create_admin(&admin("ops"), false).unwrap_err();
        assert_eq!(e.failure(), Failure::NameTaken);
        let minted = store.create_admin(&expiring, true).unwrap();
        assert!(minted.replaced);
        store.finish().unwrap();
        minted.token
    })
    .unwrap();
    assert!(!written.created && written.changed);
    assert_ne!(second, first);
    assert_eq!(
        admin_file(&path),
        ("ops".to_owned(), second.clone(), Some(NOW + 86_400_000))
    );

    // Only the operator token is regenerated: `ops` is not found.
    let ((), _) = AdminFileStore::open(&path, &options, |store| {
        assert_eq!(store.regenerate().unwrap_err().failure(), Failure::NotFound);
    })
    .unwrap();
    let expiring_operator = influxdb3_provision::NewAdmin::new(
        TokenName::admin(),
        Expiry::After("1d".parse::<Lifetime>().unwrap()),
        Timestamp::from_millis(NOW),
    );
    let (third, written) = AdminFileStore::open(&path, &options, |store| {
        store.create_admin(&expiring_operator, true).unwrap();
        // A new secret, the same name and expiry.
        let minted = store.regenerate().unwrap();
        assert!(minted.replaced);
        store.finish().unwrap();
        minted.token
    })
    .unwrap();
    assert_eq!(written.tokens, 1);
    assert_eq!(
        admin_file(&path),
        ("_admin".to_owned(), third, Some(NOW + 86_400_000))
    );

    // A run that does not finish writes nothing, and says the file holds what it held.
    let empty = dir.path().join("empty.json");
    let ((), written) = AdminFileStore::open(&empty, &options, |store| {
        store.create_admin(&admin("_admin"), false).unwrap();
    })
    .unwrap();
    assert_eq!((written.tokens, written.changed), (0, false));
    assert!(!empty.exists());
}

#[test]
fn an_admin_token_file_store_refuses_permission_tokens_and_wrong_files_and_a_dry_run_writes_nothing()
 {
    use influxdb3_tokenfile::{AdminFileStore, TokenFileError};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.json");
    let ((), _) = AdminFileStore::open(&path, &WriteOptions::default(), |store| {
        for e in [
            store.create(&new("a", &["db:x:read"])).unwrap_err(),
            store.replace(&new("a", &["db:x:read"])).unwrap_err(),
            store.rotate("a", None).unwrap_err(),
            store
                .update("a", &grants(&["db:x:read"]), None)
                .unwrap_err(),
            store.delete("a").unwrap_err(),
            store.add_databases(&[db("x")]).unwrap_err(),
        ] {
            assert_eq!(e.failure(), Failure::Unsupported, "{e}");
        }
        assert!(store.add_databases(&[]).is_ok());
        // Nothing to regenerate in an empty file.
        assert_eq!(store.regenerate().unwrap_err().failure(), Failure::NotFound);
        store.finish().unwrap();
    })
    .unwrap();
    assert!(!path.exists());

    // A dry run makes the token in memory and writes nothing.
    let dry = WriteOptions::default().dry_run(true);
    let (held, written) = AdminFileStore::open(&path, &dry, |store| {
        assert!(store.is_dry_run());
        store.create_admin(&admin("_admin"), true).unwrap();
        store.finish().unwrap();
        store.token().map(|t| t.name().to_owned())
    })
    .unwrap();
    assert_eq!(held.as_deref(), Some("_admin"));
    assert!(written.changed && !path.exists());

    // A permission tokens file is not an admin token file: refused before the run, left.
    let tokens = dir.path().join("tokens.json");
    std::fs::write(&tokens, "{\"tokens\":[]}\n").unwrap();
    let e = AdminFileStore::open(&tokens, &WriteOptions::default(), |_| ()).unwrap_err();
    assert!(matches!(e, TokenFileError::Invalid { .. }), "{e}");
    assert_eq!(
        std::fs::read_to_string(&tokens).unwrap(),
        "{\"tokens\":[]}\n"
    );

    // A permission tokens file store holds no admin token.
    let ((), _) = FileStore::open(&tokens, &WriteOptions::default(), |store| {
        let e = store.create_admin(&admin("ops"), false).unwrap_err();
        assert!(matches!(e, FileStoreError::Unsupported { .. }), "{e}");
        assert_eq!(
            store.regenerate().unwrap_err().failure(),
            Failure::Unsupported
        );
    })
    .unwrap();
}

/// What a one-token run came to, expected to be `$variant`.
macro_rules! outcome {
    ($run:expr, $variant:pat => $value:expr) => {
        match $run.outcome() {
            $variant => $value,
            other => panic!("unexpected outcome {other:?}"),
        }
    };
}

/// A one-token run on the file at `path` (a dry run, or not), at `now`.
fn one(
    path: &Path,
    plan: &influxdb3_provision::Plan,
    dry_run: bool,
    now: Timestamp,
) -> influxdb3_tokenfile::OneRun {
    let options = WriteOptions::default().dry_run(dry_run);
    influxdb3_tokenfile::run_one(path, plan, &options, now).unwrap()
}

/// A plan of one token, carried out in one call: the entry a dry run shows, the token
/// as it was, and the warnings of what was kept or made.
#[test]
fn a_one_token_run_says_what_it_would_write_what_was_there_and_what_to_look_at() {
    use influxdb3_provision::{Action, IfExists, Plan, Policy};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let now = Timestamp::from_millis(NOW);
    let plan = |name: &str, if_exists| {
        Plan::create(
            new(name, &["db:metrics:write"]),
            if_exists,
            &Policy::default(),
        )
        .unwrap()
        .with_databases(vec![db("logs")])
    };
    let quoted = format!("`{}`", path.display());
    // A dry run: the entry that would be appended, its token masked, and the file left.
    let run = one(&path, &plan("ingest", IfExists::Fail), true, now);
    assert_eq!(run.action(), Some(Action::Created));
    assert!(
        run.warnings().is_empty(),
        "a dry run that makes a token warns of nothing"
    );
    let words = outcome!(run, OneOutcome::DryRun(d) => d);
    let text = words.to_string();
    assert!(
        text.starts_with(&format!(
            "Dry run: nothing was written. This entry would be appended to {quoted}:\n\n{{\n"
        )),
        "{text}"
    );
    assert!(text.contains("\"token\": \"apiv3_***\""), "{text}");
    assert!(text.ends_with("}\n\nDatabases to create: logs\n"), "{text}");
    let json = serde_json::to_value(&words).unwrap();
    assert_eq!(json["action"], "append");
    assert_eq!(json["entry"]["name"], "ingest");
    assert_eq!(json["create_databases"], serde_json::json!(["logs"]));
    assert!(!path.exists());

    // Made: the token, saved in the file; the file's findings are the warnings (db
    // `metrics` is not created).
    let run = one(&path, &plan("ingest", IfExists::Fail), false, now);
    assert!(run.before.is_none());
    let warnings = run.warnings();
    assert!(
        warnings.len() == 1 && warnings[0].contains("`metrics`"),
        "{warnings:?}"
    );
    let made = outcome!(run, OneOutcome::Made(made) => made);
    assert_eq!(made.saved(), Some(path.canonicalize().unwrap().as_path()));
    assert!(!made.is_chosen());

    // Kept by --if-not-exists: what was there is said, nothing is warned.
    let run = one(&path, &plan("ingest", IfExists::Keep), true, now);
    assert_eq!(run.action(), Some(Action::Exists));
    let before = run.before.as_ref().unwrap();
    assert_eq!(before.permissions, ["db:metrics:write"]);
    assert_eq!(before.expired, None);
    assert_eq!(
        outcome!(run, OneOutcome::DryRun(d) => d).to_string(),
        format!("Dry run: a token named `ingest` is already in {quoted}: nothing would change.\n")
    );

    // An expired token that --if-not-exists keeps is warned of, in a dry run too.
    let later = Timestamp::from_millis(NOW + 1000);
    let old = NewToken::new(
        TokenName::new("old").unwrap(),
        grants(&["db:logs:read"]),
        Expiry::After("1s".parse::<Lifetime>().unwrap()),
        Timestamp::from_millis(NOW - 10_000),
    );
    let made = Plan::create(old, IfExists::Fail, &Policy::default()).unwrap();
    let _ = one(&path, &made, false, later);
    let keep = plan("old", IfExists::Keep);
    for dry_run in [false, true] {
        let run = one(&path, &keep, dry_run, later);
        let warnings = run.warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("token `old` in {quoted} expired at "))
                && warnings[0].ends_with(", and --if-not-exists keeps it: --replace renews it"),
            "{warnings:?}"
        );
    }
}

#[test]
fn a_chosen_secret_made_again_is_kept_and_a_plan_of_two_steps_refused() {
    use influxdb3_provision::{IfExists, Kept, Plan, Policy};
    use influxdb3_tokenfile::run_one;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let now = Timestamp::from_millis(NOW);
    // A chosen secret made again: kept, and said so.
    let chosen = Token::parse_chosen(&format!("apiv3_{}", "c".repeat(40))).unwrap();
    let same = |if_exists| {
        Plan::create(
            new("mine", &["db:logs:read"]).with_secret(chosen.clone()),
            if_exists,
            &Policy::default(),
        )
        .unwrap()
    };
    let run = one(&path, &same(IfExists::Fail), false, now);
    let made = outcome!(run, OneOutcome::Made(made) => made);
    assert!(made.is_chosen() && !made.words().to_string().contains(chosen.expose_secret()));
    let kept = |run: influxdb3_tokenfile::OneRun| outcome!(run, OneOutcome::Kept { name, why, .. } => (name, why));
    let run = one(&path, &same(IfExists::Fail), false, now);
    assert_eq!(kept(run), ("mine".to_owned(), Kept::SameSecret));
    let run = one(&path, &same(IfExists::Keep), false, now);
    assert_eq!(kept(run), ("mine".to_owned(), Kept::IfNotExists));
    let run = one(&path, &same(IfExists::Keep), true, now);
    assert_eq!(
        outcome!(run, OneOutcome::DryRun(d) => d).to_string(),
        format!(
            "Dry run: a token named `mine` is already in `{}`: nothing would change.\n",
            path.display()
        )
    );

    // A plan of two steps is refused before the file is read.
    let two = Plan::merge(
        vec![vec![new("a", &["db:a:read"]), new("b", &["db:b:read"])]],
        &[],
        now,
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(two.steps().len(), 2);
    let refused = run_one(
        dir.path().join("none.json"),
        &two,
        &WriteOptions::default(),
        now,
    );
    assert!(matches!(
        refused,
        Err(influxdb3_tokenfile::TokenFileError::NotOneToken { steps: 2, .. })
    ));
    assert!(!dir.path().join("none.json").exists());
}

#[test]
fn a_dry_run_masks_every_token_shaped_value_of_the_entry() {
    use influxdb3_provision::{IfExists, Plan, Policy};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let secret = format!("apiv3_{}", "s".repeat(60));
    let token = Token::generate().unwrap();
    std::fs::write(
        &path,
        format!(
            r#"{{"tokens": [{{"token": "{}", "name": "t", "permissions": ["db:a:read"], "note": "{secret}"}}]}}"#,
            token.expose_secret()
        ),
    )
    .unwrap();
    let plan = Plan::create(
        new("t", &["db:a:write"]),
        IfExists::Replace,
        &Policy::default(),
    )
    .unwrap();
    let run = one(&path, &plan, true, Timestamp::from_millis(NOW));
    let words = outcome!(run, OneOutcome::DryRun(d) => d);
    let (text, json) = (words.to_string(), serde_json::to_string(&words).unwrap());
    for shown in [&text, &json] {
        assert!(
            !shown.contains(&secret) && !shown.contains(token.expose_secret()),
            "{shown}"
        );
    }
    assert!(
        text.contains("would replace the token of that name in"),
        "{text}"
    );
}

#[test]
fn a_one_token_run_on_an_admin_token_file_says_which_token_it_replaces() {
    use influxdb3_provision::{IfExists, Kept, Plan, Policy};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("admin.json");
    let now = Timestamp::from_millis(NOW);
    let quoted = format!("`{}`", path.display());
    let plan = |name: &str, if_exists| {
        Plan::create_admin(admin(name), if_exists, &Policy::default()).unwrap()
    };
    let run = one(&path, &plan("_admin", IfExists::Replace), false, now);
    assert!(run.before.is_none() && run.warnings().is_empty());
    // Another name: the token it held is named, as replaced (a dry run: would be).
    let run = one(&path, &plan("ops", IfExists::Replace), true, now);
    assert_eq!(run.before.as_ref().unwrap().name, "_admin");
    assert_eq!(
        run.warnings(),
        [format!(
            "the admin token file {quoted} holds the admin token `_admin`, which would be replaced by `ops`: a server that is running keeps the token it loaded when it started, until it restarts"
        )]
    );
    let json = serde_json::to_value(outcome!(run, OneOutcome::DryRun(d) => d)).unwrap();
    assert_eq!(
        (json["action"].as_str(), json["entry"]["name"].as_str()),
        (Some("write"), Some("ops"))
    );
    // The same name, a new secret: the old secret is said to have gone.
    let run = one(&path, &plan("_admin", IfExists::Replace), false, now);
    assert_eq!(
        run.warnings(),
        [format!(
            "the admin token file {quoted} held another secret for `_admin`, which was replaced: a server that is running keeps the token it loaded when it started, until it restarts"
        )]
    );
    // Kept by --if-not-exists under another name: the token it holds is the one named.
    let run = one(&path, &plan("other", IfExists::Keep), false, now);
    let (name, why) = outcome!(run, OneOutcome::Kept { name, why, .. } => (name, why));
    assert_eq!((name.as_str(), why), ("_admin", Kept::IfNotExists));
    let run = one(&path, &plan("other", IfExists::Keep), true, now);
    assert!(
        outcome!(run, OneOutcome::DryRun(d) => d)
            .to_string()
            .starts_with("Dry run: a token named `_admin` is already in ")
    );
}

#[test]
fn a_removal_and_a_rotation_say_what_they_did_to_the_file() {
    use influxdb3_provision::{IfExists, Plan, Policy};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens.json");
    let now = Timestamp::from_millis(NOW);
    let short = NewToken::new(
        TokenName::new("short").unwrap(),
        grants(&["db:logs:read"]),
        Expiry::After("1s".parse::<Lifetime>().unwrap()),
        Timestamp::from_millis(NOW - 10_000),
    );
    let create = Plan::create(short, IfExists::Fail, &Policy::default()).unwrap();
    let _ = one(&path, &create, false, now);
    let quoted = format!("`{}`", path.canonicalize().unwrap().display());

    let rotate = Plan::rotate("short", None, now).unwrap();
    let run = one(&path, &rotate, true, now);
    let warnings = run.warnings();
    assert!(
        warnings.len() == 1
            && warnings[0].starts_with("token `short` expired at ")
            && warnings[0].ends_with(
                "the new secret would be expired too; remove the token and create it again to renew it"
            ),
        "{warnings:?}"
    );
    let edited = outcome!(run, OneOutcome::Edited(e) => e);
    assert_eq!(
        edited.to_string(),
        format!(
            "Dry run: nothing was written. Token `short` in {quoted} would get a new secret.\n"
        )
    );
    let json: serde_json::Value = serde_json::to_value(&edited).unwrap();
    assert_eq!(
        json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["dry_run", "token_name", "output_file", "action"]
    );
    // Rotated: the new token keeps the permissions it had; the words are the token's.
    let run = one(&path, &rotate, false, now);
    assert!(run.warnings()[0].contains("the new secret is expired too"));
    let made = outcome!(run, OneOutcome::Made(made) => made);
    assert_eq!(
        serde_json::to_value(made.document()).unwrap()["permissions"],
        serde_json::json!(["db:logs:read"])
    );

    let remove = Plan::delete("short", false, now).unwrap();
    let run = one(&path, &remove, true, now);
    assert_eq!(
        outcome!(run, OneOutcome::Edited(e) => e).to_string(),
        format!("Dry run: nothing was written. Token `short` would be removed from {quoted}.\n")
    );
    let run = one(&path, &remove, false, now);
    assert!(run.warnings().is_empty());
    let edited = outcome!(run, OneOutcome::Edited(e) => e);
    assert_eq!(
        edited.to_string(),
        format!("Token `short` removed from {quoted}.\n")
    );
    let json: serde_json::Value = serde_json::to_value(&edited).unwrap();
    assert_eq!(
        (json["removed"].as_bool(), json["dry_run"].as_bool()),
        (Some(true), Some(false))
    );
    assert!(contents(&path).0.is_empty());
    // A removal that fails (no such token) says nothing of itself: its error is the
    // report's.
    let run = one(&path, &remove, false, now);
    assert!(run.action().is_none() && run.warnings().is_empty());
    let failed = outcome!(run, OneOutcome::Failed(report) => report);
    assert!(failed.failed.is_some());
}
