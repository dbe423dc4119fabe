//! Parse permissions given on the command line and say what they allow.
//!
//! ```text
//! cargo run -p influxdb3-examples --example check_permission -- \
//!     'db:sensors:read,write' 'system:health:read' -- db:sensors:write db:logs:read
//! ```
//!
//! Arguments before `--` are a token's permissions; after it, `TYPE:NAME:ACTION`
//! requests to check against them.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use influxdb3_permission::{Permission, PermissionSet, Resource, ResourceType, SystemResource};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (grants, requests) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (&args[..], &[][..]),
    };
    let mut set = PermissionSet::new();
    for grant in grants {
        match grant.parse::<Permission>() {
            Ok(p) => {
                println!("{grant} -> {p}");
                set.insert(&p);
            }
            Err(e) => {
                eprintln!("error: invalid permission:\n{e}");
                return ExitCode::from(2);
            }
        }
    }
    let normal: Vec<String> = set.normalize().iter().map(ToString::to_string).collect();
    println!("normalized: {}", normal.join(" "));
    for request in requests {
        // A request is a one-name, one-action permission; the grammar checks it.
        let p = match request.parse::<Permission>() {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: invalid request:\n{e}");
                return ExitCode::from(2);
            }
        };
        let name = p
            .resource_names()
            .as_list()
            .and_then(|n| n.first())
            .unwrap_or_default()
            .to_owned();
        let resource = match SystemResource::from_name(&name) {
            Some(r) if p.resource_type() == ResourceType::System => Resource::System(r),
            _ => Resource::Database(&name),
        };
        let verdict = if set.allows(resource, p.actions()) {
            "allowed"
        } else {
            "denied"
        };
        println!("{request}: {verdict}");
    }
    ExitCode::SUCCESS
}
