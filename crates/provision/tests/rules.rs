//! Rules of plans and reports that mutation testing found unpinned: action names, merge
//! identity, the expiry policy's bounds, what each store capability allows, chosen
//! secrets made again.

use std::collections::BTreeMap;

use influxdb3_permission::{Grants, PermissionSet};
use influxdb3_provision::{
    Action, Capabilities, Conflict, ExecuteOptions, Existing, Failure, IfExists, Minted, NewToken,
    Plan, PlanError, Policy, StoreError, TokenStore, execute,
};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token, TokenName};

const NOW: i64 = 1_756_400_061_529;

fn now() -> Timestamp {
    Timestamp::from_millis(NOW)
}

fn grants(list: &[&str]) -> Grants {
    Grants::try_from(list.iter().map(|p| p.parse().unwrap()).collect::<Vec<_>>()).unwrap()
}

fn token(name: &str, perms: &[&str], expiry: Expiry) -> NewToken {
    NewToken::new(TokenName::new(name).unwrap(), grants(perms), expiry, now())
}

fn days(n: u64) -> Lifetime {
    format!("{n}d").parse().unwrap()
}

#[test]
fn each_action_has_its_name_and_says_what_it_did() {
    use Action::*;
    let table = [
        (Created, "create", true, true),
        (Replaced, "replace", true, true),
        (Updated, "update", true, false),
        (Recreated, "recreate", true, true),
        (Rotated, "rotate", true, true),
        (Deleted, "delete", true, false),
        (Kept, "keep", false, false),
        (Exists, "exists", false, false),
        (Drift, "drift", false, false),
        (Unlisted, "unlisted", false, false),
        (Protected, "protected", false, false),
    ];
    for (action, name, changed, minted) in table {
        assert_eq!(action.as_str(), name);
        assert_eq!(action.to_string(), name);
        assert_eq!(action.changed(), changed, "{name}");
        assert_eq!(action.minted(), minted, "{name}");
    }
    assert!(!Failure::NameTaken.to_string().is_empty());
}

#[test]
fn the_policy_caps_lifetimes_at_its_bound_exactly() {
    let policy = Policy::default().max_lifetime(Some(days(30)));
    let name = "t";
    assert!(
        policy
            .check_expiry(name, Expiry::After(days(30)), now())
            .is_ok()
    );
    assert!(matches!(
        policy.check_expiry(name, Expiry::After(days(31)), now()),
        Err(PlanError::ExpiryPolicy { .. })
    ));
    assert!(matches!(
        policy.check_expiry(name, Expiry::Never, now()),
        Err(PlanError::ExpiryPolicy { lifetime: None, .. })
    ));
    // Without a cap, anything that ends after now.
    assert!(
        Policy::default()
            .check_expiry(name, Expiry::Never, now())
            .is_ok()
    );
    // A merge copies a token whose instant has passed (it is not refused by the cap),
    // but caps one that lives too long.
    let passed = token(
        "old",
        &["db:a:read"],
        Expiry::At(Timestamp::from_millis(NOW - 1)),
    );
    let long = token(
        "long",
        &["db:a:read"],
        Expiry::At(Timestamp::from_millis(NOW + 40 * 86_400_000)),
    );
    assert!(Plan::merge(vec![vec![passed]], &[], now(), &policy).is_ok());
    assert!(matches!(
        Plan::merge(vec![vec![long]], &[], now(), &policy),
        Err(PlanError::ExpiryPolicy { .. })
    ));
    let soon = token(
        "soon",
        &["db:a:read"],
        Expiry::At(Timestamp::from_millis(NOW + 86_400_000)),
    );
    assert!(Plan::merge(vec![vec![soon]], &[], now(), &policy).is_ok());
}

#[test]
fn a_merge_keeps_a_token_only_when_name_secret_grants_and_expiry_are_the_same() {
    let secret = Token::generate().unwrap();
    let at = Expiry::At(Timestamp::from_millis(NOW + 86_400_000));
    let base = || token("a", &["db:m:read"], at).with_secret(secret.clone());
    // The same token in two sources: kept once.
    let plan = Plan::merge(
        vec![vec![base()], vec![base()]],
        &[],
        now(),
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(plan.steps().len(), 1);
    // Anything else under that name is a conflict.
    let others = [
        token("a", &["db:m:read"], at).with_secret(Token::generate().unwrap()),
        token("a", &["db:m:write"], at).with_secret(secret.clone()),
        token("a", &["db:m:read"], Expiry::Never).with_secret(secret.clone()),
        token("a", &["db:m:read"], at),
    ];
    for other in others {
        let err = Plan::merge(
            vec![vec![base()], vec![other]],
            &[],
            now(),
            &Policy::default(),
        )
        .unwrap_err();
        assert!(
            matches!(&err, PlanError::Conflicts(c) if matches!(c[0], Conflict::Name { sources: (1, 2), .. })),
            "{err:?}"
        );
    }
    // Against the store: kept when it holds that token (its secret's hash, its grants,
    // its expiry), a conflict with source 0 otherwise.
    let held = |grants: &[&str], expiry: Option<Timestamp>, secret: &Token| {
        vec![
            Existing::new(
                "a",
                grants
                    .iter()
                    .map(|p| p.parse::<influxdb3_permission::Permission>().unwrap())
                    .collect::<PermissionSet>(),
                expiry,
            )
            .with_hash(secret.hash()),
        ]
    };
    let end = Some(Timestamp::from_millis(NOW + 86_400_000));
    let same = held(&["db:m:read"], end, &secret);
    assert!(
        Plan::merge(vec![vec![base()]], &same, now(), &Policy::default())
            .unwrap()
            .steps()
            .is_empty()
    );
    for store in [
        held(&["db:m:write"], end, &secret),
        held(&["db:m:read"], None, &secret),
        held(&["db:m:read"], end, &Token::generate().unwrap()),
    ] {
        let err = Plan::merge(vec![vec![base()]], &store, now(), &Policy::default()).unwrap_err();
        assert!(
            matches!(&err, PlanError::Conflicts(c) if matches!(c[0], Conflict::Name { sources: (0, 1), .. })),
            "{err:?}"
        );
    }
    // One secret under two names: the second source is named.
    let twin = token("b", &["db:m:read"], at).with_secret(secret.clone());
    let err = Plan::merge(
        vec![vec![base()], vec![twin]],
        &[],
        now(),
        &Policy::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PlanError::Conflicts(c) if matches!(c[0], Conflict::Secret { sources: (1, 2), .. })),
        "{err:?}"
    );
}

#[test]
fn each_capability_refuses_the_steps_it_cannot_carry_out() {
    let chosen = token("c", &["db:m:read"], Expiry::Never).with_secret(Token::generate().unwrap());
    let plain = token("p", &["db:m:read"], Expiry::Never);
    let server = Capabilities::SERVER;
    let file = Capabilities::FILE;
    let create = |t: NewToken, if_exists| Plan::create(t, if_exists, &Policy::default()).unwrap();
    assert!(
        create(chosen.clone(), IfExists::Fail)
            .check(server)
            .is_err()
    );
    assert!(create(chosen.clone(), IfExists::Fail).check(file).is_ok());
    assert!(create(plain.clone(), IfExists::Fail).check(server).is_ok());
    assert!(
        create(plain.clone(), IfExists::Replace)
            .check(server)
            .is_err()
    );
    assert!(create(plain.clone(), IfExists::Replace).check(file).is_ok());
    let rotate = |secret| Plan::rotate("r", secret, now()).unwrap();
    assert!(rotate(None).check(server).is_err());
    assert!(rotate(None).check(file).is_ok());
    assert!(rotate(Some(Token::generate().unwrap())).check(file).is_ok());
    let no_chosen = Capabilities::new(false, true, true, std::time::Duration::ZERO);
    assert!(
        rotate(Some(Token::generate().unwrap()))
            .check(no_chosen)
            .is_err()
    );
    assert!(rotate(None).check(no_chosen).is_ok());
    // The databases a plan creates are the ones it was given.
    let with_dbs = create(plain, IfExists::Fail).with_databases(vec!["m".parse().unwrap()]);
    assert_eq!(with_dbs.create_databases()[0].to_string(), "m");
}

/// A store that knows its secrets' hashes: file-like unless `server`; `finished` counts
/// its finishes, `fail_finish` makes them fail.
#[derive(Default)]
struct Hashed {
    tokens: BTreeMap<String, (PermissionSet, Option<Timestamp>, Token)>,
    server: bool,
    finished: usize,
    fail_finish: bool,
    databases: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct HashedError(Failure);

impl StoreError for HashedError {
    fn failure(&self) -> Failure {
        self.0
    }
}

impl TokenStore for Hashed {
    type Error = HashedError;
    fn capabilities(&self) -> Capabilities {
        if self.server {
            Capabilities::SERVER
        } else {
            Capabilities::FILE
        }
    }
    fn place(&self) -> String {
        "memory".into()
    }
    fn list(&mut self) -> Result<Vec<Existing>, HashedError> {
        Ok(self
            .tokens
            .iter()
            .map(|(n, (g, e, t))| Existing::new(n.clone(), g.clone(), *e).with_hash(t.hash()))
            .collect())
    }
    fn create(&mut self, t: &NewToken) -> Result<Minted, HashedError> {
        if self.tokens.contains_key(t.name.as_str()) {
            return Err(HashedError(Failure::NameTaken));
        }
        let secret = t
            .secret
            .clone()
            .unwrap_or_else(|| Token::generate().unwrap());
        let at = t.expiry.ends(t.now).unwrap();
        self.tokens.insert(
            t.name.as_str().into(),
            ((&t.grants).into(), at, secret.clone()),
        );
        Ok(Minted::new(secret, at))
    }
    fn replace(&mut self, t: &NewToken) -> Result<Minted, HashedError> {
        self.tokens.remove(t.name.as_str());
        self.create(t)
    }
    fn update(&mut self, _: &str, _: &Grants, _: Option<Timestamp>) -> Result<(), HashedError> {
        Err(HashedError(Failure::Unsupported))
    }
    fn rotate(&mut self, _: &str, _: Option<&Token>) -> Result<Minted, HashedError> {
        Err(HashedError(Failure::Unsupported))
    }
    fn create_admin(
        &mut self,
        _: &influxdb3_provision::NewAdmin,
        _: bool,
    ) -> Result<Minted, HashedError> {
        Err(HashedError(Failure::Unsupported))
    }
    fn regenerate(&mut self) -> Result<Minted, HashedError> {
        Err(HashedError(Failure::Unsupported))
    }
    fn delete(&mut self, n: &str) -> Result<(), HashedError> {
        self.tokens
            .remove(n)
            .map(drop)
            .ok_or(HashedError(Failure::NotFound))
    }
    fn add_databases(
        &mut self,
        dbs: &[influxdb3_permission::DatabaseName],
    ) -> Result<(), HashedError> {
        self.databases.extend(dbs.iter().map(ToString::to_string));
        Ok(())
    }
    fn finish(&mut self) -> Result<(), HashedError> {
        self.finished += 1;
        if self.fail_finish {
            Err(HashedError(Failure::Other))
        } else {
            Ok(())
        }
    }
}

#[test]
fn a_chosen_secret_made_again_is_no_change_and_anything_else_is_a_conflict() {
    let secret = Token::generate().unwrap();
    let made = || token("g", &["db:m:read"], Expiry::Never).with_secret(secret.clone());
    let run = |store: &mut Hashed, t: NewToken| {
        let plan = Plan::create(t, IfExists::Fail, &Policy::default()).unwrap();
        execute(&plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
    };
    let mut store = Hashed::default();
    let first = run(&mut store, made());
    assert_eq!(first.report.done[0].action, Action::Created);
    assert!(first.report.changed());
    let again = run(&mut store, made());
    assert!(again.report.failed.is_none());
    assert_eq!(again.report.done[0].action, Action::Exists);
    assert!(!again.report.changed());
    assert_eq!(again.report.count(Action::Exists), 1);
    assert_eq!(again.report.count(Action::Created), 0);
    for other in [
        token("g", &["db:m:read"], Expiry::Never).with_secret(Token::generate().unwrap()),
        token("g", &["db:m:write"], Expiry::Never).with_secret(secret.clone()),
        token("g", &["db:m:read"], Expiry::Never),
    ] {
        let out = run(&mut store, other);
        assert!(!out.report.changed());
        let failed = out.report.failed.expect("a conflict");
        assert_eq!(failed.cause.failure(), Failure::NameTaken);
    }
    // Another name holding the same grants and secret is not "this token".
    let twin = token("h", &["db:m:read"], Expiry::Never).with_secret(secret.clone());
    assert_eq!(run(&mut store, twin).report.done[0].action, Action::Created);
}

fn two_tokens() -> Plan {
    let list = vec![
        token("a", &["db:m:read"], Expiry::Never),
        token("b", &["db:m:read"], Expiry::Never),
    ];
    Plan::merge(vec![list], &[], now(), &Policy::default()).unwrap()
}

#[test]
fn a_dry_run_calls_no_server_and_a_run_finishes_once() {
    use influxdb3_provision::Event;
    // A dry run on a server: reported, not done, not finished.
    let mut server = Hashed {
        server: true,
        ..Hashed::default()
    };
    let out = execute(
        &two_tokens(),
        &mut server,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    assert_eq!(out.report.count(Action::Created), 2);
    assert!(out.report.dry_run && out.secrets.is_empty());
    assert!(server.tokens.is_empty());
    assert_eq!(server.finished, 0);
    // A run: done, each step announced with its index, finished once.
    let mut indices = Vec::new();
    let out = execute(
        &two_tokens(),
        &mut server,
        ExecuteOptions::default(),
        &mut |e| {
            if let Event::Starting { index, of, .. } = e {
                indices.push((*index, *of));
            }
            Ok(())
        },
    );
    assert!(out.report.failed.is_none());
    assert_eq!(indices, [(0, 2), (1, 2)]);
    assert_eq!(server.tokens.len(), 2);
    assert_eq!(server.finished, 1);
    assert_eq!(out.secrets.len(), 2);
}

#[test]
fn an_atomic_store_that_cannot_finish_keeps_nothing_and_says_so() {
    use influxdb3_provision::Event;
    let mut file = Hashed {
        fail_finish: true,
        ..Hashed::default()
    };
    let mut discarded = 0;
    let out = execute(
        &two_tokens(),
        &mut file,
        ExecuteOptions::default(),
        &mut |e| {
            if matches!(e, Event::Discarded) {
                discarded += 1;
            }
            Ok(())
        },
    );
    assert!(out.report.failed.is_some());
    assert_eq!(discarded, 1);
    assert!(out.secrets.is_empty());
    assert!(!out.report.changed(), "{:?}", out.report.done);
    // Nothing minted, nothing to discard: no such event.
    let plan = Plan::merge(vec![vec![]], &[], now(), &Policy::default()).unwrap();
    let mut discarded = 0;
    let _ = execute(&plan, &mut file, ExecuteOptions::default(), &mut |e| {
        if matches!(e, Event::Discarded) {
            discarded += 1;
        }
        Ok(())
    });
    assert_eq!(discarded, 0);
}

#[test]
fn a_report_serializes_what_each_step_did() {
    let mut store = Hashed::default();
    let out = execute(
        &two_tokens(),
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    let json = serde_json::to_value(&out.report).unwrap();
    let step = &json["steps"][0];
    assert_eq!(step["action"], "create");
    assert_eq!(step["name"], "a");
    assert_eq!(step["permissions"][0], "db:m:read");
    assert!(step.get("expiry").is_some());
    assert!(step.get("expired").is_none());
}

#[test]
fn databases_are_added_only_when_a_plan_has_some_and_a_dry_run_finishes_nothing() {
    let mut file = Hashed::default();
    let without = two_tokens();
    let _ = execute(&without, &mut file, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    assert!(file.databases.is_empty());
    let with = two_tokens().with_databases(vec!["m".parse().unwrap()]);
    let mut file = Hashed::default();
    let _ = execute(&with, &mut file, ExecuteOptions::default(), &mut |_| Ok(()));
    assert_eq!(file.databases, ["m"]);
    // The executor's dry run on an atomic store runs in memory and finishes nothing.
    let mut file = Hashed::default();
    let out = execute(
        &two_tokens(),
        &mut file,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    assert_eq!(out.report.count(Action::Created), 2);
    assert_eq!(file.finished, 0);
    // A dry run of a deletion on a server reports it.
    let mut server = Hashed {
        server: true,
        ..Hashed::default()
    };
    let plan = Plan::delete("gone", false, now()).unwrap();
    let out = execute(
        &plan,
        &mut server,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    assert_eq!(out.report.done[0].action, Action::Deleted);
}

fn existing(name: &str, perms: &[&str], expiry: Option<Timestamp>) -> Existing {
    Existing::new(
        name,
        perms
            .iter()
            .map(|p| p.parse::<influxdb3_permission::Permission>().unwrap())
            .collect::<PermissionSet>(),
        expiry,
    )
}

#[test]
fn reconcile_compares_expiries_as_the_store_keeps_them() {
    use influxdb3_provision::{PlanOptions, Step, Wanted};
    let want = |expiry| {
        vec![Wanted::new(
            TokenName::new("a").unwrap(),
            grants(&["db:m:read"]),
            expiry,
        )]
    };
    let at = Timestamp::from_millis(NOW + 86_400_000);
    let plan = |wanted: &[Wanted], current: &[Existing], caps, update: bool| {
        Plan::reconcile(
            wanted,
            current,
            caps,
            now(),
            PlanOptions::default().update(update),
            &Policy::default(),
        )
        .unwrap()
    };
    // A server sets an expiry within seconds: kept within its slack, drift past it.
    let near = [existing(
        "a",
        &["db:m:read"],
        Some(Timestamp::from_millis(NOW + 86_400_000 + 2_000)),
    )];
    assert!(!plan(&want(Expiry::At(at)), &near, Capabilities::SERVER, false).changes());
    let far = [existing(
        "a",
        &["db:m:read"],
        Some(Timestamp::from_millis(NOW + 86_400_000 + 60_000)),
    )];
    assert!(matches!(
        plan(&want(Expiry::At(at)), &far, Capabilities::SERVER, false).steps()[0],
        Step::Drift(_)
    ));
    // Never expiring wanted, an expiry held: drift.
    let expiring = [existing("a", &["db:m:read"], Some(at))];
    assert!(matches!(
        plan(&want(Expiry::Never), &expiring, Capabilities::FILE, false).steps()[0],
        Step::Drift(_)
    ));
    // Recreated on a server with a lifetime: the lifetime counts from the new creation.
    let never = [existing("a", &["db:m:write"], None)];
    let life = Expiry::After(days(30));
    let recreated = plan(&want(life), &never, Capabilities::SERVER, true);
    assert!(
        matches!(&recreated.steps()[0], Step::Recreate { token, .. } if token.expiry == life),
        "{:?}",
        recreated.steps()
    );
    // On a file, an update is a step the file can carry out.
    let updated = plan(&want(Expiry::Never), &never, Capabilities::FILE, true);
    assert!(matches!(updated.steps()[0], Step::Update(_)));
    assert!(updated.check(Capabilities::FILE).is_ok());
    assert!(updated.check(Capabilities::SERVER).is_err());
}

#[test]
fn only_a_prune_of_every_token_asks_first() {
    use influxdb3_provision::{PlanOptions, Wanted};
    // An admin token is neither pruned nor counted among the tokens a prune removes.
    let current = [
        existing("a", &["db:m:read"], None),
        existing("b", &["db:m:read"], None),
        existing("ops", &["*:*:*"], None),
    ];
    let keep_a = [Wanted::new(
        TokenName::new("a").unwrap(),
        grants(&["db:m:read"]),
        Expiry::Never,
    )];
    let prune = |wanted: &[Wanted]| {
        Plan::reconcile(
            wanted,
            &current,
            Capabilities::FILE,
            now(),
            PlanOptions::default().prune(true),
            &Policy::default(),
        )
        .unwrap()
    };
    assert!(prune(&keep_a).needs_confirmation().is_none());
    let all = prune(&[]);
    assert!(all.needs_confirmation().is_some());
}

#[test]
fn a_drift_serializes_its_expiry_change_and_a_creation_its_expiry() {
    use influxdb3_provision::{PlanOptions, Wanted};
    let at = Timestamp::from_millis(NOW + 86_400_000);
    let wanted = [
        Wanted::new(
            TokenName::new("a").unwrap(),
            grants(&["db:m:read"]),
            Expiry::At(at),
        ),
        Wanted::new(
            TokenName::new("b").unwrap(),
            grants(&["db:m:read"]),
            Expiry::At(at),
        ),
    ];
    let current = [existing("a", &["db:m:read"], None)];
    let plan = Plan::reconcile(
        &wanted,
        &current,
        Capabilities::FILE,
        now(),
        PlanOptions::default(),
        &Policy::default(),
    )
    .unwrap();
    let mut store = Hashed::default();
    let out = execute(
        &plan,
        &mut store,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    let json = serde_json::to_value(&out.report).unwrap();
    let drift = &json["steps"][0];
    assert_eq!(drift["action"], "drift");
    assert!(drift["expiry"]["old"].is_null(), "{drift}");
    assert_eq!(drift["expiry"]["new"], at.to_string());
    let created = &json["steps"][1];
    assert_eq!(created["action"], "create");
    assert_eq!(created["expiry"], at.to_string());
}

#[test]
fn a_name_that_looks_like_a_secret_is_masked_when_serialized() {
    use influxdb3_provision::{Action, Done};
    let name = format!("apiv3_{}", "x".repeat(40));
    let json = serde_json::to_value(Done::new(Action::Deleted, &name)).unwrap();
    assert_eq!(json["name"], "apiv3_***");
    let json = serde_json::to_value(Done::new(Action::Deleted, "plain")).unwrap();
    assert_eq!(json["name"], "plain");
}

#[test]
fn a_plan_names_each_database_the_http_api_cannot_create_once_with_why() {
    use influxdb3_permission::DatabaseName;
    let creates: Vec<DatabaseName> = ["_x", "ok", "données"]
        .iter()
        .map(|d| DatabaseName::new(d).unwrap())
        .collect();
    let plan = Plan::create(
        token(
            "t",
            &["db:_x,fine,a/b/c:read", "db:données:write"],
            Expiry::Never,
        ),
        IfExists::Fail,
        &Policy::default(),
    )
    .unwrap()
    .with_databases(creates);
    let found: Vec<(String, bool, &str)> = plan
        .uncreatable()
        .into_iter()
        .map(|u| (u.database.to_string(), u.to_create, u.reason))
        .collect();
    assert_eq!(
        found,
        [
            (
                "_x".to_owned(),
                true,
                "it does not start with a letter or a digit"
            ),
            (
                "données".to_owned(),
                true,
                "it holds characters that are not ASCII"
            ),
            ("a/b/c".to_owned(), false, "it holds more than one `/`"),
        ]
    );
    assert_eq!(
        plan.uncreatable()[2].warning("--create-databases", "--permission"),
        "database `a/b/c` (in --permission) cannot be created through the server's HTTP API: it holds more than one `/`"
    );
    // A deletion names no database.
    assert!(
        Plan::delete("t", false, now())
            .unwrap()
            .uncreatable()
            .is_empty()
    );
}
