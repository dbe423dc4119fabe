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
    AppliedTo, ApplyOptions, Confirmation, Event, Manifest, PlanOptions, Policy,
};
use influxdb3_testserver::TestServer;
use influxdb3_token_client::{Client, HostUrl, ServerStore};
use influxdb3_tokenfile::{FileStore, SecretsFile, WriteOptions};

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
    let options =
        ApplyOptions::default().policy(Policy::default().max_lifetime(Some("1y".parse()?)));
    // A plan that would delete every token asks for a confirmation: none is given here.
    let unconfirmed = |_: &Confirmation| Err(std::io::Error::other("not confirmed"));

    // 1. A tokens file: one durable write under its lock; each secret is kept in a
    //    file of secrets as soon as its token exists (and removed again if the run
    //    fails: the tokens file is then not written).
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("tokens.json");
    let mut secrets = SecretsFile::new(dir.path().join("secrets.json"))?;
    let (applied, written) = FileStore::open(&path, &WriteOptions::default(), |store| {
        manifest.apply(store, options, unconfirmed, &mut |event| {
            Ok(secrets.observe(event)?)
        })
    })?;
    let executed = applied?.executed;
    let kept = secrets.end_run(&executed.report)?;
    if let Some(failed) = executed.report.failed {
        return Err(failed.into());
    }
    // The report in words (as `influxdb3 tokens apply` prints it), then as JSON.
    let manifest_name = Path::new("manifest.toml");
    let words = executed
        .report
        .words(manifest_name, AppliedTo::File(&written.path))
        .changed(written.changed)
        .secrets_written(kept.as_deref(), executed.secrets.len());
    print!("{words}");
    println!("{}", serde_json::to_string_pretty(&executed.report)?);
    let in_file = executed.secrets.len();

    // 2. A server: each step one request, taking effect as it is made. Each secret is
    //    handed over as soon as its token exists; here it is only counted.
    let server = TestServer::builder().database("metrics").start()?;
    let admin = server.add_admin_token("_admin")?;
    let client = Client::builder(HostUrl::parse(&server.url())?)
        .admin_token(admin)
        .build()?;
    let mut store = ServerStore::new(&client);
    let mut minted = 0;
    let prune = options.plan(PlanOptions::default().prune(true));
    let executed = manifest
        .apply(&mut store, prune, unconfirmed, &mut |event| {
            if let Event::Done {
                secret: Some(_), ..
            } = event
            {
                minted += 1;
            }
            Ok(())
        })?
        .executed;
    for done in &executed.report.done {
        print!("{}", done.line());
    }
    print!(
        "{}",
        executed.report.words(manifest_name, AppliedTo::Server)
    );
    println!("{}", serde_json::to_string_pretty(&executed.report)?);
    assert!(executed.report.failed.is_none());
    println!(
        "{in_file} secrets kept in a file of secrets, {minted} minted on the server: none of them in the reports above"
    );
    Ok(())
}
