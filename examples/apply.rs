//! Applies a small manifest twice with the library crates alone (no CLI, no child
//! process): to a tokens file, then to a server (the in-process test server), and
//! prints both reports, in words and as JSON. The same plan and the same executor serve
//! both stores.
//!
//! ```sh
//! cargo run -p influxdb3-examples --example apply
//! ```

#![allow(clippy::print_stdout)]

use std::path::Path;

use influxdb3_provision::{
    AppliedTo, Event, ExecuteOptions, Manifest, PlanOptions, Policy, TokenStore, execute,
};
use influxdb3_testserver::TestServer;
use influxdb3_token::Timestamp;
use influxdb3_token_client::{Client, HostUrl, ServerStore};
use influxdb3_tokenfile::{FileStore, WriteOptions};

const MANIFEST: &str = r#"
create_databases = ["metrics"]

[[token]]
name = "telegraf"
permissions = ["db:metrics:write"]
expiry = "90d"

[[token]]
name = "grafana"
permissions = ["db:metrics:read", "system:health:read"]
expiry = "30d"
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest: Manifest = MANIFEST.parse()?;
    let policy = Policy::default().max_lifetime(Some("1y".parse()?));
    // Each secret is handed over as soon as its token exists; here it is only counted
    // (a real program writes it where it belongs).
    let mut minted = 0;
    let mut observe = |event: &Event<'_>| {
        if let Event::Done {
            secret: Some(_), ..
        } = event
        {
            minted += 1;
        }
        Ok(())
    };

    // 1. A tokens file: one durable write under its lock.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("tokens.json");
    let (executed, written) = FileStore::open(&path, &WriteOptions::default(), |store| {
        let current = store.list()?;
        let plan = manifest.plan(
            &current,
            store.capabilities(),
            Timestamp::now(),
            PlanOptions::default(),
            &policy,
        )?;
        Ok::<_, Box<dyn std::error::Error>>(execute(
            &plan,
            store,
            ExecuteOptions::default(),
            &mut observe,
        ))
    })?;
    let executed = executed?;
    // The report in words (as `influxdb3 tokens apply` prints it), then as JSON.
    let manifest_name = Path::new("manifest.toml");
    print!(
        "{}",
        executed
            .report
            .words(manifest_name, AppliedTo::File(&written.path))
            .changed(written.changed)
    );
    println!("{}", serde_json::to_string_pretty(&executed.report)?);

    // 2. A server: each step one request, taking effect as it is made.
    let server = TestServer::builder().database("metrics").start()?;
    let admin = server.add_admin_token("_admin")?;
    let client = Client::builder(HostUrl::parse(&server.url())?)
        .admin_token(admin)
        .build()?;
    let mut store = ServerStore::new(&client);
    let current = store.list()?;
    let plan = manifest.plan(
        &current,
        store.capabilities(),
        Timestamp::now(),
        PlanOptions::default().prune(true),
        &policy,
    )?;
    let executed = execute(&plan, &mut store, ExecuteOptions::default(), &mut observe);
    for done in &executed.report.done {
        print!("{}", done.line());
    }
    print!(
        "{}",
        executed.report.words(manifest_name, AppliedTo::Server)
    );
    println!("{}", serde_json::to_string_pretty(&executed.report)?);
    assert!(executed.report.failed.is_none());
    println!("{minted} secrets minted, none of them in the reports above");
    Ok(())
}
