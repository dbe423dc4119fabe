//! The executor on an in-memory store: every rule of a plan, every report.

use std::collections::BTreeMap;

use influxdb3_permission::{Grants, Permission, PermissionSet};
use influxdb3_provision::{
    Action, Capabilities, Cause, Confirmation, Emphasis, ExecuteOptions, Existing, Failure,
    IfExists, Minted, NewAdmin, NewToken, Plan, PlanError, PlanOptions, Policy, Step, StoreError,
    TokenStore, Wanted, execute,
};
use influxdb3_token::{Expiry, Lifetime, Timestamp, Token, TokenName};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct MemError(Failure);

impl StoreError for MemError {
    fn failure(&self) -> Failure {
        self.0
    }
}

/// A server-like or file-like store in memory; `fail_on` makes one name's creation fail.
struct Mem {
    caps: Capabilities,
    tokens: BTreeMap<String, (PermissionSet, Option<Timestamp>)>,
    /// The secrets of the admin tokens it made, by name: listed as their hashes.
    secrets: BTreeMap<String, Token>,
    fail_on: Option<String>,
    /// Listing fails.
    fail_list: bool,
    finished: bool,
}

impl Mem {
    fn new(caps: Capabilities) -> Mem {
        Mem {
            caps,
            tokens: BTreeMap::new(),
            secrets: BTreeMap::new(),
            fail_on: None,
            fail_list: false,
            finished: false,
        }
    }
}

impl TokenStore for Mem {
    type Error = MemError;
    fn capabilities(&self) -> Capabilities {
        self.caps
    }
    fn place(&self) -> String {
        "memory".into()
    }
    fn list(&mut self) -> Result<Vec<Existing>, MemError> {
        if self.fail_list {
            return Err(MemError(Failure::Other));
        }
        Ok(self
            .tokens
            .iter()
            .map(|(n, (g, e))| {
                let existing = Existing::new(n.clone(), g.clone(), *e);
                match self.secrets.get(n) {
                    Some(secret) => existing.with_hash(secret.hash()),
                    None => existing,
                }
            })
            .collect())
    }
    fn create(&mut self, t: &NewToken) -> Result<Minted, MemError> {
        if self.fail_on.as_deref() == Some(t.name.as_str()) {
            return Err(MemError(Failure::Other));
        }
        if self.tokens.contains_key(t.name.as_str()) {
            return Err(MemError(Failure::NameTaken));
        }
        let at = t.expiry.ends(t.now).unwrap();
        self.tokens
            .insert(t.name.as_str().into(), ((&t.grants).into(), at));
        Ok(Minted::new(Token::generate().unwrap(), at))
    }
    fn replace(&mut self, t: &NewToken) -> Result<Minted, MemError> {
        self.tokens.remove(t.name.as_str());
        self.create(t)
    }
    fn update(&mut self, n: &str, g: &Grants, e: Option<Timestamp>) -> Result<(), MemError> {
        let t = self.tokens.get_mut(n).ok_or(MemError(Failure::NotFound))?;
        *t = (g.into(), e);
        Ok(())
    }
    fn rotate(&mut self, n: &str, secret: Option<&Token>) -> Result<Minted, MemError> {
        let t = self.tokens.get(n).ok_or(MemError(Failure::NotFound))?;
        let token = secret
            .cloned()
            .unwrap_or_else(|| Token::generate().unwrap());
        Ok(Minted::new(token, t.1))
    }
    fn create_admin(&mut self, t: &NewAdmin, replace: bool) -> Result<Minted, MemError> {
        if !replace && self.tokens.contains_key(t.name.as_str()) {
            return Err(MemError(Failure::NameTaken));
        }
        let at = t.expiry.ends(t.now).unwrap();
        let admin = [Permission::Admin].iter().collect();
        let replaced = self.tokens.insert(t.name.as_str().into(), (admin, at));
        let secret = t
            .secret
            .clone()
            .unwrap_or_else(|| Token::generate().unwrap());
        self.secrets.insert(t.name.as_str().into(), secret.clone());
        let minted = Minted::new(secret, at);
        Ok(if replaced.is_some() {
            minted.replacing()
        } else {
            minted
        })
    }
    fn regenerate(&mut self) -> Result<Minted, MemError> {
        let t = self
            .tokens
            .get("_admin")
            .ok_or(MemError(Failure::NotFound))?;
        Ok(Minted::new(Token::generate().unwrap(), t.1))
    }
    fn delete(&mut self, n: &str) -> Result<(), MemError> {
        self.tokens
            .remove(n)
            .map(drop)
            .ok_or(MemError(Failure::NotFound))
    }
    fn add_databases(&mut self, _: &[influxdb3_permission::DatabaseName]) -> Result<(), MemError> {
        Ok(())
    }
    fn finish(&mut self) -> Result<(), MemError> {
        self.finished = true;
        Ok(())
    }
}

fn grants(p: &str) -> Grants {
    Grants::try_from(vec![p.parse().unwrap()]).unwrap()
}

fn wanted(name: &str, p: &str) -> Wanted {
    Wanted::new(TokenName::new(name).unwrap(), grants(p), Expiry::Never)
}

const NOW: Timestamp = Timestamp::from_millis(1_756_400_061_529);

#[test]
fn the_expiry_cap_holds_for_every_plan_that_creates() {
    let policy = Policy::default().max_lifetime(Some("30d".parse::<Lifetime>().unwrap()));
    let never = NewToken::new(
        "a".parse().unwrap(),
        grants("db:x:read"),
        Expiry::Never,
        NOW,
    );
    assert!(matches!(
        Plan::create(never, IfExists::Fail, &policy),
        Err(PlanError::ExpiryPolicy { lifetime: None, .. })
    ));
    let long = Wanted::new(
        "a".parse().unwrap(),
        grants("db:x:read"),
        Expiry::After("1y".parse().unwrap()),
    );
    let e = Plan::reconcile(
        &[long],
        &[],
        Capabilities::FILE,
        NOW,
        PlanOptions::default(),
        &policy,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            PlanError::ExpiryPolicy {
                lifetime: Some(_),
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn the_operator_token_is_never_touched_by_name() {
    assert!(matches!(
        Plan::delete("_admin", false, NOW),
        Err(PlanError::Operator { .. })
    ));
    assert!(matches!(
        Plan::rotate("_admin", None, NOW),
        Err(PlanError::Operator { .. })
    ));
    // Whatever its row says, a prune leaves it alone.
    let current = [
        Existing::new("_admin", PermissionSet::default(), None),
        Existing::new(
            "other-admin",
            [influxdb3_permission::Permission::Admin]
                .into_iter()
                .collect(),
            None,
        ),
        Existing::new("old", (&grants("db:x:read")).into(), None),
    ];
    let plan = Plan::reconcile(
        &[wanted("new", "db:x:read")],
        &current,
        Capabilities::SERVER,
        NOW,
        PlanOptions::default().prune(true).update(true),
        &Policy::default(),
    )
    .unwrap();
    let deleted: Vec<&str> = plan
        .steps()
        .iter()
        .filter(|s| matches!(s, Step::Delete { .. }))
        .map(Step::name)
        .collect();
    assert_eq!(deleted, ["old"]);
    assert!(
        plan.steps()
            .iter()
            .any(|s| matches!(s, Step::Protected { name } if name == "_admin"))
    );
    // A manifest cannot list it either.
    let e = Plan::reconcile(
        &[wanted("other-admin", "db:x:read")],
        &current,
        Capabilities::SERVER,
        NOW,
        PlanOptions::default(),
        &Policy::default(),
    )
    .unwrap_err();
    assert!(matches!(e, PlanError::AdminListed { .. }));
}

#[test]
fn a_prune_of_every_token_needs_confirmation() {
    let current = [Existing::new("old", (&grants("db:x:read")).into(), None)];
    let plan = Plan::reconcile(
        &[],
        &current,
        Capabilities::FILE,
        NOW,
        PlanOptions::default().prune(true),
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(
        plan.needs_confirmation(),
        Some(&Confirmation::PruneAll { count: 1 })
    );
    let asked = plan.needs_confirmation().unwrap();
    assert_eq!(asked.question(), "--prune would remove every token (1).");
    assert_eq!(asked.declined(), "nothing was removed");
    assert!(asked.unasked().starts_with("removing every token asks"));
    let mut store = Mem::new(Capabilities::FILE);
    store
        .tokens
        .insert("old".into(), ((&grants("db:x:read")).into(), None));
    let done = execute(
        &plan,
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert!(matches!(
        done.report.failed.as_ref().map(|f| &f.cause),
        Some(Cause::NotConfirmed)
    ));
    assert!(store.tokens.contains_key("old"));
    let done = execute(
        &plan.confirm(),
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert!(done.report.failed.is_none());
    assert!(store.tokens.is_empty());
}

#[test]
fn drift_is_recreated_on_a_server_and_updated_in_a_file() {
    let current = [Existing::new("a", (&grants("db:x:read")).into(), None)];
    let options = PlanOptions::default().update(true);
    let want = [wanted("a", "db:x:write")];
    let on_server = Plan::reconcile(
        &want,
        &current,
        Capabilities::SERVER,
        NOW,
        options,
        &Policy::default(),
    )
    .unwrap();
    assert!(matches!(on_server.steps(), [Step::Recreate { .. }]));
    on_server.check(Capabilities::SERVER).unwrap();
    let in_file = Plan::reconcile(
        &want,
        &current,
        Capabilities::FILE,
        NOW,
        options,
        &Policy::default(),
    )
    .unwrap();
    assert!(matches!(in_file.steps(), [Step::Update(_)]));
    let [Step::Update(drift)] = in_file.steps() else {
        unreachable!()
    };
    assert_eq!(drift.to_string(), "widened db:x:write; narrowed db:x:read");
    assert!(matches!(
        in_file.check(Capabilities::SERVER),
        Err(PlanError::Unsupported { .. })
    ));
    let mut store = Mem::new(Capabilities::SERVER);
    store
        .tokens
        .insert("a".into(), ((&grants("db:x:read")).into(), None));
    let done = execute(
        &on_server,
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert_eq!(done.report.count(Action::Recreated), 1);
    assert_eq!(done.secrets.len(), 1);
}

#[test]
fn a_failure_half_way_keeps_the_secrets_made_before_it() {
    let want = [
        wanted("a", "db:x:read"),
        wanted("b", "db:x:read"),
        wanted("c", "db:x:read"),
    ];
    let plan = Plan::reconcile(
        &want,
        &[],
        Capabilities::SERVER,
        NOW,
        PlanOptions::default(),
        &Policy::default(),
    )
    .unwrap();
    let mut store = Mem::new(Capabilities::SERVER);
    store.fail_on = Some("b".into());
    let mut seen = Vec::new();
    let done = execute(&plan, &mut store, ExecuteOptions::default(), &mut |e| {
        if let influxdb3_provision::Event::Done {
            secret: Some(_),
            done,
        } = e
        {
            seen.push(done.name.clone());
        }
        Ok(())
    });
    assert_eq!(seen, ["a"]);
    assert_eq!(done.secrets.len(), 1);
    let failed = done.report.failed.unwrap();
    assert_eq!(failed.name.as_deref(), Some("b"));
    assert_eq!(failed.step, Some(1));
    assert!(!store.finished, "a store is not finished after a failure");
    // The report holds no secret.
    let json = serde_json::to_string(&done.report.done).unwrap();
    assert!(!json.contains("apiv3_"), "{json}");
}

#[test]
fn a_dry_run_on_a_server_changes_nothing_and_mints_nothing() {
    let plan = Plan::create(
        NewToken::new(
            "a".parse().unwrap(),
            grants("db:x:read"),
            Expiry::Never,
            NOW,
        ),
        IfExists::Fail,
        &Policy::default(),
    )
    .unwrap();
    let mut store = Mem::new(Capabilities::SERVER);
    let done = execute(
        &plan,
        &mut store,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    assert_eq!(done.report.count(Action::Created), 1);
    assert!(done.secrets.is_empty() && store.tokens.is_empty());
}

#[test]
fn if_not_exists_keeps_a_token_of_the_name() {
    let plan = Plan::create(
        NewToken::new(
            "a".parse().unwrap(),
            grants("db:x:read"),
            Expiry::Never,
            NOW,
        ),
        IfExists::Keep,
        &Policy::default(),
    )
    .unwrap();
    let mut store = Mem::new(Capabilities::SERVER);
    store
        .tokens
        .insert("a".into(), ((&grants("db:x:write")).into(), None));
    let done = execute(
        &plan,
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert_eq!(done.report.count(Action::Exists), 1);
    assert!(done.report.failed.is_none());
}

#[test]
fn admin_tokens_are_plans_too_the_operator_token_made_and_regenerated_only_so() {
    let mut server = Mem::new(Capabilities::SERVER);
    let operator = NewAdmin::new(TokenName::admin(), Expiry::Never, NOW);
    let plan = Plan::create_admin(operator.clone(), IfExists::Fail, &Policy::default()).unwrap();
    let ran = execute(&plan, &mut server, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    assert!(ran.report.failed.is_none());
    let done = &ran.report.done[0];
    assert_eq!(
        (done.action, done.name.as_str(), done.admin),
        (Action::Created, "_admin", true)
    );
    assert_eq!(ran.secrets.len(), 1);
    let json = serde_json::to_value(done).unwrap();
    assert_eq!(json["permissions"], serde_json::json!(["*:*:*"]));

    // Made again: the name is taken, unless --if-not-exists keeps it.
    let again = execute(&plan, &mut server, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    assert_eq!(
        again.report.failed.unwrap().cause.failure(),
        Failure::NameTaken
    );
    let keep = Plan::create_admin(operator, IfExists::Keep, &Policy::default()).unwrap();
    let kept = execute(&keep, &mut server, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    assert_eq!(kept.report.done[0].action, Action::Exists);
    assert!(kept.secrets.is_empty());

    // Regenerating asks for confirmation: refused whole without it.
    let regenerate = Plan::regenerate(NOW, &Policy::default()).unwrap();
    assert_eq!(
        regenerate.needs_confirmation(),
        Some(&Confirmation::Regenerate)
    );
    let asked = regenerate.needs_confirmation().unwrap();
    assert!(
        asked
            .question()
            .contains("regenerate the operator token `_admin`?")
    );
    assert_eq!(asked.declined(), "the `_admin` token was not regenerated");
    assert!(asked.unasked().ends_with("nothing was sent"));
    let delete = Plan::delete("keep", true, NOW).unwrap();
    let asked = delete.needs_confirmation().unwrap();
    assert_eq!(
        asked.question(),
        "Are you sure you want to delete token `keep`?"
    );
    assert_eq!(asked.declined(), "token `keep` was not deleted");
    let refused = execute(
        &regenerate,
        &mut server,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert!(matches!(
        refused.report.failed.unwrap().cause,
        Cause::NotConfirmed
    ));
    let done = execute(
        &regenerate.confirm(),
        &mut server,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert_eq!(done.report.done[0].action, Action::Regenerated);
    assert_eq!(done.secrets[0].0, "_admin");

    // A store that keeps no admin tokens refuses the plan before any step.
    let mut file = Mem::new(Capabilities::FILE);
    let named = NewAdmin::new("ops".parse().unwrap(), Expiry::Never, NOW);
    let plan = Plan::create_admin(named, IfExists::Fail, &Policy::default()).unwrap();
    let ran = execute(&plan, &mut file, ExecuteOptions::default(), &mut |_| Ok(()));
    assert!(matches!(
        ran.report.failed.unwrap().cause,
        Cause::Refused(PlanError::Unsupported {
            what: influxdb3_provision::Unsupported::AdminToken,
            ..
        })
    ));
    assert!(file.tokens.is_empty());
}

#[test]
fn an_admin_token_keeps_the_expiry_cap_and_a_dry_run_mints_nothing() {
    let policy = Policy::default().max_lifetime(Some("30d".parse::<Lifetime>().unwrap()));
    let never = NewAdmin::new(TokenName::admin(), Expiry::Never, NOW);
    assert!(matches!(
        Plan::create_admin(never, IfExists::Fail, &policy),
        Err(PlanError::ExpiryPolicy { lifetime: None, .. })
    ));
    assert!(matches!(
        Plan::regenerate(NOW, &policy),
        Err(PlanError::ExpiryPolicy { lifetime: None, .. })
    ));
    let week = NewAdmin::new(
        "ops".parse().unwrap(),
        Expiry::After("7d".parse().unwrap()),
        NOW,
    );
    let plan = Plan::create_admin(week, IfExists::Replace, &policy).unwrap();
    let mut file = Mem::new(Capabilities::ADMIN_FILE);
    let ran = execute(
        &plan,
        &mut file,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    // Nothing to replace in an empty store: created, in memory only.
    assert_eq!(ran.report.done[0].action, Action::Created);
    assert!(ran.report.done[0].admin);
    assert!(ran.secrets.is_empty());
    assert!(!file.finished);
    // A server cannot replace an admin token in place.
    assert!(matches!(
        plan.check(Capabilities::SERVER),
        Err(PlanError::Unsupported {
            what: influxdb3_provision::Unsupported::ReplaceInPlace,
            ..
        })
    ));
}

#[test]
fn what_a_store_cannot_do_with_admin_tokens_is_refused_before_any_step() {
    let refused = |plan: &Plan, caps: Capabilities| match plan.check(caps) {
        Err(PlanError::Unsupported { what, .. }) => Some(what),
        _ => None,
    };
    let regenerate = Plan::regenerate(NOW, &Policy::default()).unwrap();
    assert_eq!(
        refused(&regenerate, Capabilities::FILE),
        Some(influxdb3_provision::Unsupported::AdminToken)
    );
    assert_eq!(refused(&regenerate, Capabilities::SERVER), None);
    // The operator token may expire in an admin token file, never on a server.
    let expiring = NewAdmin::new(
        TokenName::admin(),
        Expiry::After("1d".parse().unwrap()),
        NOW,
    );
    let plan = Plan::create_admin(expiring, IfExists::Fail, &Policy::default()).unwrap();
    assert_eq!(
        refused(&plan, Capabilities::SERVER),
        Some(influxdb3_provision::Unsupported::ExpiringOperator)
    );
    assert_eq!(refused(&plan, Capabilities::ADMIN_FILE), None);
    // A named admin token may expire anywhere that keeps admin tokens.
    let named = NewAdmin::new(
        "ops".parse().unwrap(),
        Expiry::After("1d".parse().unwrap()),
        NOW,
    );
    let plan = Plan::create_admin(named.clone(), IfExists::Fail, &Policy::default()).unwrap();
    assert_eq!(refused(&plan, Capabilities::SERVER), None);
    // A server mints its own secrets.
    let chosen = named.with_secret(Token::generate().unwrap());
    let plan = Plan::create_admin(chosen, IfExists::Fail, &Policy::default()).unwrap();
    assert_eq!(
        refused(&plan, Capabilities::SERVER),
        Some(influxdb3_provision::Unsupported::ChosenSecret)
    );
    assert_eq!(refused(&plan, Capabilities::ADMIN_FILE), None);
    // Refused by the executor too, whole: nothing asked of the store.
    let mut server = Mem::new(Capabilities::SERVER);
    let ran = execute(&plan, &mut server, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    assert!(matches!(
        ran.report.failed.unwrap().cause,
        Cause::Refused(PlanError::Unsupported { .. })
    ));
    assert!(server.tokens.is_empty());
}

#[test]
fn an_admin_token_there_with_its_chosen_secret_is_no_change_and_a_server_dry_run_creates() {
    let secret = Token::generate().unwrap();
    let token = NewAdmin::new("ops".parse().unwrap(), Expiry::Never, NOW).with_secret(secret);
    let plan = Plan::create_admin(token, IfExists::Replace, &Policy::default()).unwrap();
    let mut file = Mem::new(Capabilities::ADMIN_FILE);
    let first = execute(&plan, &mut file, ExecuteOptions::default(), &mut |_| Ok(()));
    assert_eq!(first.report.done[0].action, Action::Created);
    assert_eq!(first.secrets.len(), 1);
    // Again: there already, with this secret: nothing minted, nothing changed.
    let again = execute(&plan, &mut file, ExecuteOptions::default(), &mut |_| Ok(()));
    assert_eq!(again.report.done[0].action, Action::Exists);
    assert!(again.secrets.is_empty() && !again.report.changed());

    // A server's dry run reports the creation it would ask for.
    let named = NewAdmin::new("ops".parse().unwrap(), Expiry::Never, NOW);
    let plan = Plan::create_admin(named, IfExists::Fail, &Policy::default()).unwrap();
    let mut server = Mem::new(Capabilities::SERVER);
    let dry = execute(
        &plan,
        &mut server,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    assert_eq!(dry.report.done[0].action, Action::Created);
    assert!(dry.report.done[0].admin && server.tokens.is_empty());
    let regenerate = Plan::regenerate(NOW, &Policy::default()).unwrap().confirm();
    let dry = execute(
        &regenerate,
        &mut server,
        ExecuteOptions::default().dry_run(true),
        &mut |_| Ok(()),
    );
    assert_eq!(dry.report.done[0].action, Action::Regenerated);
    assert!(dry.secrets.is_empty());
}

#[test]
fn minted_leaves_out_the_secrets_the_caller_chose() {
    let chosen = Token::generate().unwrap();
    let want = [
        wanted("a", "db:x:read"),
        wanted("b", "db:x:read").with_secret(chosen.clone()),
        wanted("c", "db:x:read"),
    ];
    let plan = reconcile(&want, &[], Capabilities::FILE, PlanOptions::default());
    let mut store = Mem::new(Capabilities::FILE);
    let done = execute(
        &plan,
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert!(done.report.failed.is_none());
    let all: Vec<&str> = done.secrets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(all, ["a", "b", "c"]);
    let minted: Vec<&str> = done.minted().map(|(n, _)| n.as_str()).collect();
    assert_eq!(minted, ["a", "c"]);
    // A chosen rotation is the caller's too; a minted one is not.
    for (secret, shown) in [(Some(chosen), 0), (None, 1)] {
        let plan = Plan::rotate("a", secret, NOW).unwrap();
        let done = execute(
            &plan,
            &mut store,
            ExecuteOptions::default(),
            &mut |_| Ok(()),
        );
        assert_eq!(done.secrets.len(), 1);
        assert_eq!(done.minted().count(), shown);
    }
}

#[test]
fn what_a_store_holds_is_one_table_asked_before_a_plan_too() {
    use influxdb3_provision::Unsupported as U;
    let server = Capabilities::SERVER;
    for (what, holds) in [
        (U::AdminToken, true),
        (U::ExpiringOperator, false),
        (U::ChosenSecret, false),
        (U::ChosenRotation, false),
        (U::ReplaceInPlace, false),
        (U::UpdateInPlace, false),
        (U::RotateInPlace, false),
    ] {
        assert_eq!(server.holds(what), holds, "{what}");
        assert!(Capabilities::ADMIN_FILE.holds(what), "{what}");
    }
    assert!(!Capabilities::FILE.holds(U::AdminToken));
    // A wanted token with a chosen secret, refused before the store is read.
    let want = [
        wanted("a", "db:x:read"),
        wanted("b", "db:x:read").with_secret(Token::generate().unwrap()),
    ];
    assert_eq!(
        Plan::check_wanted(&want, server),
        Err(PlanError::Unsupported {
            name: "b".into(),
            what: U::ChosenSecret
        })
    );
    assert_eq!(Plan::check_wanted(&want, Capabilities::FILE), Ok(()));
}

#[test]
fn a_report_in_words_says_what_each_step_did_for_a_file_and_a_server() {
    use influxdb3_provision::AppliedTo;
    use std::path::Path;
    let current = [
        Existing::new("kept", (&grants("db:x:read")).into(), None),
        Existing::new("old", (&grants("db:x:read")).into(), None),
        Existing::new("drifted", (&grants("db:x:read")).into(), None),
    ];
    let want = [
        wanted("kept", "db:x:read"),
        wanted("drifted", "db:x:write"),
        wanted("new", "db:x,y:read"),
    ];
    let manifest = Path::new("m.toml");
    // A file: a summary, what was left alone, then a line per step, names aligned.
    let plan = reconcile(&want, &current, Capabilities::FILE, PlanOptions::default());
    let mut file = Mem::new(Capabilities::FILE);
    for t in &current {
        file.tokens.insert(t.name.clone(), (t.grants.clone(), None));
    }
    let done = execute(&plan, &mut file, ExecuteOptions::default(), &mut |_| Ok(()));
    assert_eq!(
        done.report
            .words(manifest, AppliedTo::File(Path::new("t.json")))
            .to_string(),
        "Applied `m.toml` to `t.json`: 1 created, 0 updated, 0 removed, 1 kept.\n\
         Left alone: 1 drifted, 1 not in the manifest.\n\
         \x20 ~ `drifted`  widened db:x:write; narrowed db:x:read  (drift: left as it is; --update changes it)\n\
         \x20 + `new`      db:x,y:read  (expires never)\n\
         \x20 ? `old`      (not in the manifest: kept; --prune removes it)\n"
    );
    // A server: each step a line as it is done, then the summary.
    let plan = reconcile(
        &want,
        &current,
        Capabilities::SERVER,
        PlanOptions::default().prune(true).update(true),
    );
    let mut server = Mem::new(Capabilities::SERVER);
    for t in &current {
        server
            .tokens
            .insert(t.name.clone(), (t.grants.clone(), None));
    }
    let done = execute(&plan, &mut server, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    let lines: String = done
        .report
        .done
        .iter()
        .map(|d| d.line().to_string())
        .collect();
    assert!(lines.contains("  = `kept`  (unchanged)\n"), "{lines}");
    assert!(
        lines
            .contains("  - `drifted`  (deleted, to be created again)\n  ~ `drifted`  db:x:write\n"),
        "{lines}"
    );
    assert!(
        lines.contains("  - `old`  (not in the manifest: deleted)\n"),
        "{lines}"
    );
    assert!(lines.contains("  + `new`  db:x,y:read\n"), "{lines}");
    assert_eq!(
        done.report.words(manifest, AppliedTo::Server).to_string(),
        "Applied `m.toml` to the server: 1 created, 1 recreated, 1 deleted, 1 kept.\n"
    );
    // A file run that failed wrote nothing, and says so.
    let plan = reconcile(&want, &[], Capabilities::FILE, PlanOptions::default());
    let mut file = Mem::new(Capabilities::FILE);
    file.fail_on = Some("new".into());
    let done = execute(&plan, &mut file, ExecuteOptions::default(), &mut |_| Ok(()));
    assert_eq!(
        done.report
            .words(manifest, AppliedTo::File(Path::new("t.json")))
            .to_string(),
        "Applying `m.toml` to `t.json` stopped at token `new`: nothing was written.\n"
    );
}

#[test]
fn a_manifest_is_listed_planned_confirmed_and_executed_in_one_call() {
    use influxdb3_provision::{ApplyError, ApplyOptions, Manifest};
    use std::cell::Cell;
    #[derive(Debug, thiserror::Error)]
    #[error("not now")]
    struct NotNow;
    let manifest: Manifest =
        "[[token]]\nname = \"new\"\npermissions = [\"db:x:read\"]\nexpiry = \"30d\"\n"
            .parse()
            .unwrap();
    let mut store = Mem::new(Capabilities::SERVER);
    store
        .tokens
        .insert("old".into(), ((&grants("db:x:read")).into(), None));
    let asked = Cell::new(0);
    let confirm = |what: &Confirmation| {
        assert_eq!(*what, Confirmation::PruneAll { count: 2 });
        asked.set(asked.get() + 1);
        Ok::<_, NotNow>(())
    };
    // A dry run: the plan, and nothing minted or changed.
    let options = ApplyOptions::default().now(NOW);
    let mut seen = 0;
    let dry = manifest
        .apply(&mut store, options.dry_run(true), confirm, &mut |_| {
            seen += 1;
            Ok(())
        })
        .unwrap();
    assert!(dry.executed.report.dry_run && dry.executed.secrets.is_empty());
    assert!(!store.tokens.contains_key("new") && seen == 3, "{seen}");
    // The run: listed, planned at `now` (its expiry counted from it), executed; a plan
    // that needs no confirmation is not handed to `confirm`.
    let applied = manifest
        .apply(&mut store, options, confirm, &mut |_| Ok(()))
        .unwrap();
    assert_eq!(asked.get(), 0);
    assert!(applied.executed.report.failed.is_none());
    assert!(matches!(
        applied.plan.steps(),
        [Step::Create { .. }, Step::Unlisted { .. }]
    ));
    let (name, _) = &applied.executed.secrets[0];
    assert_eq!(name, "new");
    let thirty_days = 30 * 24 * 3600 * 1000;
    assert_eq!(
        store.tokens["new"].1,
        Some(Timestamp::from_millis(NOW.millis() + thirty_days))
    );
    // A prune of every token asks `confirm`: a no is its error, and nothing changes.
    let empty: Manifest = "".parse().unwrap();
    let prune = options.plan(PlanOptions::default().prune(true));
    let refused = empty.apply(&mut store, prune, |_| Err(NotNow), &mut |_| Ok(()));
    assert!(matches!(refused, Err(ApplyError::NotConfirmed(NotNow))));
    assert_eq!(store.tokens.len(), 2);
    // A dry run does nothing, so it asks nothing: it says what the prune would do.
    let dry = empty
        .apply(
            &mut store,
            prune.dry_run(true),
            |_| Err(NotNow),
            &mut |_| Ok(()),
        )
        .unwrap();
    assert_eq!(dry.executed.report.count(Action::Deleted), 2);
    assert!(dry.executed.report.failed.is_none());
    assert_eq!((asked.get(), store.tokens.len()), (0, 2));
    let pruned = empty
        .apply(&mut store, prune, confirm, &mut |_| Ok(()))
        .unwrap();
    assert_eq!(asked.get(), 1);
    assert_eq!(pruned.executed.report.count(Action::Deleted), 2);
    assert!(store.tokens.is_empty());
    // The rules refuse a plan (the expiry cap), and a store that cannot list stops it.
    let week = Policy::default().max_lifetime(Some("7d".parse().unwrap()));
    let capped = manifest.apply(&mut store, options.policy(week), confirm, &mut |_| Ok(()));
    assert!(matches!(
        capped,
        Err(ApplyError::Plan(PlanError::ExpiryPolicy { .. }))
    ));
    store.fail_list = true;
    let unlisted = manifest.apply(&mut store, options, confirm, &mut |_| Ok(()));
    assert!(matches!(unlisted, Err(ApplyError::List(_))));
    assert!(store.tokens.is_empty());
}

#[test]
fn a_report_warns_of_the_tokens_kept_that_have_expired() {
    use influxdb3_provision::AppliedTo;
    use std::path::Path;
    let (manifest, file) = (Path::new("m.toml"), AppliedTo::File(Path::new("t.json")));
    let lifetime = |name: &str| {
        Wanted::new(
            TokenName::new(name).unwrap(),
            grants("db:x:read"),
            Expiry::After("30d".parse().unwrap()),
        )
    };
    // Tokens kept that have expired: one sentence for a file, one warning each (with
    // the command that deletes it) for a server.
    let past = Some(Timestamp::from_millis(NOW.millis() - 1));
    let mut store = holding(Capabilities::FILE, &["a", "b"], past);
    let want = [lifetime("a"), lifetime("b")];
    let current = store.list().unwrap();
    let plan = reconcile(&want, &current, Capabilities::FILE, PlanOptions::default());
    let done = run(&plan, &mut store);
    assert_eq!(
        done.report.words(manifest, file).warnings(),
        [
            "2 tokens of the manifest have expired (`a` and `b`): remove them with `influxdb3 tokens remove` and apply again to create them anew"
        ]
    );
    assert_eq!(
        done.report.words(manifest, AppliedTo::Server).warnings(),
        [
            "token `a` has expired on the server: --recreate does not renew it; delete it (`influxdb3 delete token --token-name a`) and apply again",
            "token `b` has expired on the server: --recreate does not renew it; delete it (`influxdb3 delete token --token-name b`) and apply again",
        ]
    );
    let plan = reconcile(
        &want[..1],
        &current[..1],
        Capabilities::FILE,
        PlanOptions::default(),
    );
    let done = execute(
        &plan,
        &mut store,
        ExecuteOptions::default(),
        &mut |_| Ok(()),
    );
    assert_eq!(
        done.report.words(manifest, file).warnings(),
        [
            "1 token of the manifest has expired (`a`): remove it with `influxdb3 tokens remove` and apply again to create it anew"
        ]
    );
}

#[test]
fn the_delete_command_reads_back_as_the_name() {
    use influxdb3_provision::delete_command;
    assert_eq!(
        delete_command("x'y"),
        "`influxdb3 delete token --token-name 'x'\"'\"'y'`"
    );
    // A name that starts with `-` is no flag after `=`.
    assert_eq!(
        delete_command("-x"),
        "`influxdb3 delete token --token-name=-x`"
    );
    assert_eq!(
        delete_command("--yes it's"),
        "`influxdb3 delete token --token-name='--yes it'\"'\"'s'`"
    );
    assert_eq!(
        delete_command("a\x1bb"),
        "`influxdb3 delete token --token-name NAME` (not written out: NAME holds a control or hidden character, which a terminal would not show as it is)"
    );
}

#[test]
fn a_report_says_what_a_failure_left_and_where_the_secrets_went() {
    use influxdb3_provision::AppliedTo;
    use std::path::Path;
    let (manifest, file) = (Path::new("m.toml"), AppliedTo::File(Path::new("t.json")));
    // A run that stopped half-way: what it did before, and whether to apply again.
    let mut server = Mem::new(Capabilities::SERVER);
    server.fail_on = Some("new".into());
    let made_new = [wanted("made", "db:x:read"), wanted("new", "db:x:read")];
    let plan = reconcile(&made_new, &[], Capabilities::SERVER, PlanOptions::default());
    let done = execute(&plan, &mut server, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    let words = done.report.words(manifest, AppliedTo::Server);
    assert_eq!(
        words.failed_hint(true),
        "done before it: create `made`; apply again to finish (what was done is kept)"
    );
    let nothing = execute(
        &plan,
        &mut Mem::new(Capabilities::SERVER),
        ExecuteOptions::default(),
        &mut |_| Err("full".into()),
    );
    assert_eq!(
        nothing
            .report
            .words(manifest, AppliedTo::Server)
            .failed_hint(false),
        "nothing was changed before it; what was done is kept"
    );
    // Many steps done: the first names of each action, and how many more.
    let many: Vec<Wanted> = (0..7)
        .map(|i| wanted(&format!("t{i}"), "db:x:read"))
        .collect();
    let mut server = holding(Capabilities::SERVER, &["old", "t0"], None);
    let current = server.list().unwrap();
    let prune = PlanOptions::default().prune(true);
    let pruned = reconcile(&many, &current, Capabilities::SERVER, prune);
    // (Whatever failed after these: deletions come last, and only a creation fails here.)
    let done = run(&pruned, &mut server);
    assert_eq!(
        done.report
            .words(manifest, AppliedTo::Server)
            .failed_hint(false),
        "done before it: create `t1`, `t2`, `t3` and 3 more; delete `old`; what was done is kept"
    );
    // A tokens file's run that failed wrote nothing at all.
    let mut store = Mem::new(Capabilities::FILE);
    store.fail_on = Some("new".into());
    let plan = reconcile(&made_new, &[], Capabilities::FILE, PlanOptions::default());
    let done = run(&plan, &mut store);
    let file_words = done.report.words(manifest, file);
    assert_eq!(
        file_words.failed_hint(true),
        "nothing was written (a tokens file's changes are written together); apply again"
    );
    assert_eq!(
        file_words.failed_hint(false),
        "nothing was written (a tokens file's changes are written together)"
    );
    // Where the secrets went, said last: after a blank line for a file; not in a dry
    // run, which writes none.
    let secrets = Some(Path::new("s.json"));
    let said = "The secret of the new token was written to `s.json` (mode 0600).\n";
    let server_words = words.secrets_written(secrets, 1).to_string();
    assert!(
        server_words.ends_with(&format!(".\n{said}")),
        "{server_words}"
    );
    let two = words.secrets_written(secrets, 2).to_string();
    assert!(
        two.ends_with(".\nThe secrets of the 2 new tokens were written to `s.json` (mode 0600).\n"),
        "{two}"
    );
    // None made: nothing to say.
    assert_eq!(
        words.secrets_written(secrets, 0).to_string(),
        words.to_string()
    );
    let json = serde_json::to_value(words.secrets_written(secrets, 0).with_secrets(&[])).unwrap();
    assert_eq!(json["secrets_out"], serde_json::Value::Null);
    let plan = reconcile(
        &[wanted("c", "db:x:read")],
        &[],
        Capabilities::FILE,
        PlanOptions::default(),
    );
    let mut store = Mem::new(Capabilities::FILE);
    for dry_run in [false, true] {
        let options = ExecuteOptions::default().dry_run(dry_run);
        let done = execute(&plan, &mut store, options, &mut |_| Ok(()));
        let words = done
            .report
            .words(manifest, file)
            .secrets_written(secrets, 1);
        let words = words.to_string();
        let blank_then_said = format!("(expires never)\n\n{said}");
        assert_eq!(words.ends_with(&blank_then_said), !dry_run, "{words}");
    }
}

#[test]
fn the_secrets_beside_a_report_are_shown_only_where_asked_for_by_name() {
    use influxdb3_provision::AppliedTo;
    use std::path::Path;
    let manifest = Path::new("m.toml");
    let want = [
        wanted("a", "db:x:read"),
        wanted("long-name", "db:x:read"),
        wanted("kept", "db:x:read"),
    ];
    let mut store = holding(Capabilities::FILE, &["kept"], None);
    let current = store.list().unwrap();
    let plan = reconcile(&want, &current, Capabilities::FILE, PlanOptions::default());
    let done = run(&plan, &mut store);
    let secrets: Vec<(String, Token)> = done.minted().cloned().collect();
    let [(_, a), (_, long)] = &secrets[..] else {
        panic!("two secrets: {secrets:?}");
    };
    let (a, long) = (a.expose_secret(), long.expose_secret());
    let words = done
        .report
        .words(manifest, AppliedTo::File(Path::new("t.json")));
    // The report and its words hold no secret.
    let report = format!("{words}{}", serde_json::to_string(&done.report).unwrap());
    assert!(!report.contains(a) && !report.contains(long), "{report}");
    // Beside them, for a tokens file: a table, aligned, and the advice to store them.
    let advice = "Store these tokens securely, as they will not be shown again.\n";
    let shown = words.with_secrets(&secrets).to_string();
    assert_eq!(
        shown,
        format!(
            "{words}\nNew tokens:\n\n  `a`          {a}\n  `long-name`  {long}\n\nIMPORTANT: {advice}"
        )
    );
    // Its `IMPORTANT:` as a terminal styles it.
    let styled = words
        .with_secrets(&secrets)
        .styled(&|emphasis, text| match emphasis {
            Emphasis::Important => format!("<b>{text}</b>"),
            _ => text.to_owned(),
        })
        .to_string();
    assert!(
        styled.ends_with(&format!("\n<b>IMPORTANT:</b> {advice}")),
        "{styled}"
    );
    assert!(!format!("{:?}", words.with_secrets(&secrets)).contains(a));
    // As JSON: each minted step holds its secret; a server's has no `output_file`.
    let json = serde_json::to_value(words.with_secrets(&secrets)).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "manifest",
            "output_file",
            "dry_run",
            "changed",
            "steps",
            "secrets_out"
        ]
    );
    assert_eq!(json["steps"][0]["token"], a);
    assert_eq!(json["steps"][1]["token"], long);
    assert_eq!(json["steps"][2]["action"], "keep");
    assert!(json["steps"][2].get("token").is_none());
    // A server's secrets are shown as each step is done: after its words, the advice.
    let server = done.report.words(manifest, AppliedTo::Server);
    assert_eq!(
        server.with_secrets(&secrets).to_string(),
        format!(
            "{server}IMPORTANT: Store the new tokens securely, as they will not be shown again.\n"
        )
    );
    assert_eq!(server.with_secrets(&[]).to_string(), server.to_string());
    assert_eq!(words.with_secrets(&[]).to_string(), words.to_string());
    let json = serde_json::to_value(server.with_secrets(&[])).unwrap();
    assert!(json.get("output_file").is_none());
    assert!(json["steps"][0].get("token").is_none());
    // A failure is said in JSON as its error and causes.
    let mut failing = Mem::new(Capabilities::FILE);
    failing.fail_on = Some("a".into());
    let failed = execute(&plan, &mut failing, ExecuteOptions::default(), &mut |_| {
        Ok(())
    });
    let json = serde_json::to_value(
        failed
            .report
            .words(manifest, AppliedTo::Server)
            .with_secrets(&[]),
    )
    .unwrap();
    assert_eq!(json["failed"], MemError(Failure::Other).to_string());
    // A step as a server's line, and the secret it minted under it.
    let step = &done.report.done[0];
    assert_eq!(
        step.line_with_secret(Some(&secrets[0].1)).to_string(),
        format!("{}      {a}\n", step.line())
    );
    assert_eq!(
        step.line_with_secret(None).to_string(),
        step.line().to_string()
    );
}

/// A store holding tokens of these `names` (each granted `db:x:read`) and `expiry`.
fn holding(caps: Capabilities, names: &[&str], expiry: Option<Timestamp>) -> Mem {
    let mut store = Mem::new(caps);
    for name in names {
        let held = ((&grants("db:x:read")).into(), expiry);
        store.tokens.insert((*name).into(), held);
    }
    store
}

/// `plan` executed on `store`, unobserved.
fn run(plan: &Plan, store: &mut Mem) -> influxdb3_provision::Executed<MemError> {
    execute(plan, store, ExecuteOptions::default(), &mut |_| Ok(()))
}

/// The plan that brings a store holding `current` to `want`, with no policy.
fn reconcile(
    want: &[Wanted],
    current: &[Existing],
    capabilities: Capabilities,
    options: PlanOptions,
) -> Plan {
    Plan::reconcile(
        want,
        current,
        capabilities,
        NOW,
        options,
        &Policy::default(),
    )
    .unwrap()
}
