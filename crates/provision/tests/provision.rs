//! The manifest's checks (with their places) and the plan's decisions.

mod manifest;

use influxdb3_permission::{Permission, PermissionSet};
use influxdb3_provision::{
    Capabilities, Existing, Manifest, Plan, PlanError, PlanOptions, Policy, Step,
};

/// The plan of `m` against `current`, on a tokens file.
fn plan(
    m: &Manifest,
    current: &[Existing],
    now: Timestamp,
    options: PlanOptions,
) -> Result<Plan, PlanError> {
    m.plan(
        current,
        Capabilities::FILE,
        now,
        options,
        &Policy::default(),
    )
}
use influxdb3_token::{Expiry, Timestamp};

const NOW: i64 = 1_756_400_061_529;

fn now() -> Timestamp {
    Timestamp::from_millis(NOW)
}

fn set(list: &[&str]) -> PermissionSet {
    list.iter()
        .map(|p| p.parse::<Permission>().unwrap())
        .collect()
}

const MANIFEST: &str = r#"
create_databases = ["metrics", "logs"]

[[token]]
name = "telegraf"
permissions = ["db:metrics:write"]
expiry = "90d"

[[token]]
name = "grafana"
permissions = ["db:metrics,logs:read"]
expires_at = "2027-01-01T00:00:00Z"

[[token]]
name = "probe"
permissions = ["system:health:read"]
"#;

#[test]
fn reads_the_example() {
    let m: Manifest = MANIFEST.parse().unwrap();
    let dbs: Vec<String> = m
        .create_databases()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(dbs, ["metrics", "logs"]);
    assert_eq!(m.tokens().len(), 3);
    assert_eq!(
        m.tokens()[0].expiry(),
        Expiry::After("90d".parse().unwrap())
    );
    assert_eq!(
        m.tokens()[1].expiry(),
        Expiry::At("2027-01-01T00:00:00Z".parse().unwrap())
    );
    assert_eq!(m.tokens()[2].expiry(), Expiry::Never);
}

#[test]
fn a_toml_date_time_is_an_instant_too() {
    let m: Manifest = "[[token]]\nname = \"a\"\npermissions = [\"db:a:read\"]\nexpires_at = 2027-01-01T00:00:00Z\n"
        .parse()
        .unwrap();
    assert_eq!(
        m.tokens()[0].expiry(),
        Expiry::At("2027-01-01T00:00:00Z".parse().unwrap())
    );
}

#[test]
fn an_empty_set_of_tokens_gets_everything_created() {
    let m: Manifest = MANIFEST.parse().unwrap();
    let p = plan(&m, &[], now(), PlanOptions::default()).unwrap();
    assert_eq!(p.steps().len(), 3);
    assert!(p.changes());
    let Step::Create { token, .. } = &p.steps()[0] else {
        panic!("{:?}", p.steps()[0])
    };
    assert_eq!(
        token.expiry.ends(token.now).unwrap(),
        Some(Timestamp::from_millis(NOW + 90 * 86_400_000))
    );
}

/// What the tokens are after the plan is carried out, as a file would hold them.
fn carry_out(
    p: &influxdb3_provision::Plan,
    current: &mut Vec<(String, PermissionSet, Option<Timestamp>)>,
) {
    for step in p.steps() {
        match step {
            Step::Create { token, .. } => {
                current.push((
                    token.name.as_str().to_owned(),
                    (&token.grants).into(),
                    token.expiry.ends(token.now).unwrap(),
                ));
            }
            Step::Update(d) => {
                let t = current.iter_mut().find(|t| t.0 == d.name.as_str()).unwrap();
                t.1 = (&d.grants).into();
                t.2 = d.expiry;
            }
            Step::Delete { name } => current.retain(|t| &t.0 != name),
            _ => {}
        }
    }
}

fn currents(list: &[(String, PermissionSet, Option<Timestamp>)]) -> Vec<Existing> {
    list.iter()
        .map(|(n, g, e)| Existing::new(n.clone(), g.clone(), *e))
        .collect()
}

#[test]
fn a_second_apply_changes_nothing() {
    let m: Manifest = MANIFEST.parse().unwrap();
    let mut tokens = Vec::new();
    let first = plan(&m, &currents(&tokens), now(), PlanOptions::default()).unwrap();
    carry_out(&first, &mut tokens);
    assert_eq!(tokens.len(), 3);
    // Later: the lifetime is not compared again, the instant and "never" are.
    let later = Timestamp::from_millis(NOW + 86_400_000);
    let second = plan(
        &m,
        &currents(&tokens),
        later,
        PlanOptions::default().prune(true).update(true),
    )
    .unwrap();
    assert!(!second.changes(), "{:?}", second.steps());
    assert!(
        second
            .steps()
            .iter()
            .all(|s| matches!(s, Step::Keep { expired: false, .. }))
    );
}

#[test]
fn equivalent_grants_written_differently_are_kept() {
    let m: Manifest = MANIFEST.parse().unwrap();
    let tokens = vec![(
        "grafana".to_owned(),
        set(&["db:logs:read", "db:metrics:read", "db:logs:read"]),
        Some("2027-01-01T00:00:00Z".parse().unwrap()),
    )];
    let p = plan(&m, &currents(&tokens), now(), PlanOptions::default()).unwrap();
    assert!(matches!(&p.steps()[1], Step::Keep { name, .. } if name.as_str() == "grafana"));
}

#[test]
fn drift_is_reported_and_applied_only_with_update() {
    let m: Manifest = MANIFEST.parse().unwrap();
    let tokens = vec![
        (
            "telegraf".to_owned(),
            set(&["db:metrics:write", "db:logs:write"]),
            None,
        ),
        ("grafana".to_owned(), set(&["db:metrics:read"]), None),
    ];
    let p = plan(&m, &currents(&tokens), now(), PlanOptions::default()).unwrap();
    let Step::Drift(t) = &p.steps()[0] else {
        panic!("{:?}", p.steps()[0])
    };
    assert!(t.widened.is_empty());
    assert_eq!(t.narrowed[0].to_string(), "db:logs:write");
    // A lifetime is not compared with an expiry, but a token that never expires is
    // not what a lifetime asks for: drift, to the lifetime counted from now.
    let in_90_days = Timestamp::from_millis(NOW + 90 * 86_400_000);
    assert_eq!(t.expiry, Some(in_90_days));
    assert_eq!(t.expiry_change, Some((None, Some(in_90_days))));
    let Step::Drift(g) = &p.steps()[1] else {
        panic!("{:?}", p.steps()[1])
    };
    assert_eq!(g.widened[0].to_string(), "db:logs:read");
    assert_eq!(
        g.expiry_change,
        Some((None, Some("2027-01-01T00:00:00Z".parse().unwrap())))
    );
    // Drift alone is no change; with --update it is.
    assert_eq!(
        p.steps()
            .iter()
            .filter(|s| matches!(s, Step::Create { .. }))
            .count(),
        1
    );
    let updated = plan(
        &m,
        &currents(&tokens),
        now(),
        PlanOptions::default().update(true),
    )
    .unwrap();
    assert!(matches!(&updated.steps()[0], Step::Update(_)));
    let mut after = tokens.clone();
    carry_out(&updated, &mut after);
    let again = plan(&m, &currents(&after), now(), PlanOptions::default()).unwrap();
    assert!(!again.changes(), "{:?}", again.steps());
}

#[test]
fn prune_deletes_what_the_manifest_does_not_list() {
    let m: Manifest = MANIFEST.parse().unwrap();
    let tokens = vec![
        ("old".to_owned(), set(&["db:x:read"]), None),
        ("probe".to_owned(), set(&["system:health:read"]), None),
    ];
    let kept = plan(&m, &currents(&tokens), now(), PlanOptions::default()).unwrap();
    assert!(
        kept.steps()
            .iter()
            .any(|s| matches!(s, Step::Unlisted { name } if name == "old"))
    );
    let pruned = plan(
        &m,
        &currents(&tokens),
        now(),
        PlanOptions::default().prune(true),
    )
    .unwrap();
    assert!(
        pruned
            .steps()
            .iter()
            .any(|s| matches!(s, Step::Delete { name } if name == "old"))
    );
    let mut after = tokens.clone();
    carry_out(&pruned, &mut after);
    let names: Vec<&str> = after.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(names, ["probe", "telegraf", "grafana"]);
}

#[test]
fn an_instant_that_has_passed_cannot_be_created() {
    let m: Manifest = "[[token]]\nname = \"a\"\npermissions = [\"db:a:read\"]\nexpires_at = \"2020-01-01T00:00:00Z\"\n"
        .parse()
        .unwrap();
    let e = plan(&m, &[], now(), PlanOptions::default()).unwrap_err();
    assert!(
        matches!(&e, PlanError::Expiry { name, .. } if name == "a"),
        "{e:?}"
    );
    let cause = std::error::Error::source(&e).map(ToString::to_string);
    assert!(cause.is_some_and(|c| c.contains("has passed")), "{e:?}");
}

#[test]
fn expired_tokens_are_kept_and_flagged() {
    let m: Manifest = "[[token]]\nname = \"a\"\npermissions = [\"db:a:read\"]\nexpiry = \"1d\"\n"
        .parse()
        .unwrap();
    let tokens = vec![(
        "a".to_owned(),
        set(&["db:a:read"]),
        Some(Timestamp::from_millis(NOW - 1)),
    )];
    let p = plan(&m, &currents(&tokens), now(), PlanOptions::default()).unwrap();
    assert!(matches!(&p.steps()[0], Step::Keep { expired: true, .. }));
}

#[test]
fn a_pinned_secret_is_created_kept_and_its_drift_rotated_only_with_update() {
    use influxdb3_token::Token;
    let text = "[[token]]\nname = \"grafana\"\npermissions = [\"db:m:read\"]\nsecret_file = \"secrets/grafana\"\n";
    let mut m: Manifest = text.parse().unwrap();
    assert_eq!(m.tokens()[0].secret_file(), Some("secrets/grafana"));
    let pinned = Token::parse_chosen(&format!("apiv3_{}", "ab".repeat(32))).unwrap();
    assert!(m.set_secret("grafana", pinned.clone()));
    assert!(!m.set_secret("nobody", pinned.clone()));
    // Missing: created with the chosen secret.
    let p = plan(&m, &[], now(), PlanOptions::default()).unwrap();
    let Step::Create { token, .. } = &p.steps()[0] else {
        panic!("{:?}", p.steps())
    };
    assert_eq!(token.secret.as_ref(), Some(&pinned));
    // There with that secret: kept.
    let there = |secret: &Token| {
        vec![Existing::new("grafana", set(&["db:m:read"]), None).with_hash(secret.hash())]
    };
    let p = plan(&m, &there(&pinned), now(), PlanOptions::default()).unwrap();
    assert!(!p.changes(), "{:?}", p.steps());
    // There with another secret: drift, rotated to the pinned one with --update.
    let other = Token::generate().unwrap();
    let p = plan(&m, &there(&other), now(), PlanOptions::default()).unwrap();
    let Step::Drift(d) = &p.steps()[0] else {
        panic!("{:?}", p.steps())
    };
    assert!(d.secret_changed);
    let p = plan(
        &m,
        &there(&other),
        now(),
        PlanOptions::default().update(true),
    )
    .unwrap();
    assert!(
        matches!(p.steps(), [Step::Rotate { secret: Some(s), .. }] if *s == pinned),
        "{:?}",
        p.steps()
    );
    // A server mints its own secrets: refused before anything is planned.
    let err = m
        .plan(
            &[],
            Capabilities::SERVER,
            now(),
            PlanOptions::default(),
            &Policy::default(),
        )
        .unwrap_err();
    assert!(matches!(err, PlanError::Unsupported { .. }), "{err}");
    // An empty `secret_file` is named as such.
    let err = "[[token]]\nname = \"a\"\npermissions = [\"db:m:read\"]\nsecret_file = \"\"\n"
        .parse::<Manifest>()
        .unwrap_err();
    assert!(err.to_string().contains("secret_file"), "{err}");
}
