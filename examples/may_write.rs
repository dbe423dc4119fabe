//! Load a tokens file and answer "may token NAME write to database DB?", with the
//! permission that decides.
//!
//! ```text
//! cargo run -p influxdb3-examples --example may_write -- tokens.json telegraf metrics
//! ```

#![allow(clippy::print_stdout)]

use influxdb3_permission::{Action, PermissionSet, Resource};
use influxdb3_tokenfile::TokenFile;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let [file, name, database]: [String; 3] = std::env::args()
        .skip(1)
        .collect::<Vec<_>>()
        .try_into()
        .map_err(|_| "usage: may_write FILE TOKEN_NAME DATABASE")?;
    let mut text = String::new();
    let tokens = TokenFile::load(&file, &mut text)?;
    let token = tokens
        .get(&name)
        .ok_or("no token of that name in the file")?;
    let set: PermissionSet = token.grants();
    match set.granting(Resource::Database(&database), Action::Write) {
        Some(grant) => println!("allowed, by {grant}"),
        None => println!("denied"),
    }
    Ok(())
}
