//! Build a permission token's grants in code, and see them as the server's API carries
//! them.
//!
//! ```text
//! cargo run -p influxdb3-examples --example build_in_code
//! ```

#![allow(clippy::print_stdout)]

use influxdb3_permission::{
    Action, Actions, DatabaseName, Grants, Names, Permission, Scope, SystemResource,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Validated values: a name that could not be a database name fails here, not later.
    let databases = Names::new([DatabaseName::new("sensors")?, DatabaseName::new("logs")?])
        .ok_or("no databases")?;
    let write = Permission::Database {
        names: Scope::Only(databases),
        actions: Actions::new([Action::Read, Action::Write]).ok_or("no actions")?,
    };
    let health = Permission::System(Scope::Only(
        Names::new([SystemResource::Health]).ok_or("no endpoints")?,
    ));
    // What a permission token may hold: at least one permission, never `*:*:*`.
    let grants = Grants::try_from(vec![write, health])?;
    for p in &grants {
        println!("{p}  {}", serde_json::to_string(&p.wire())?);
    }
    Ok(())
}
