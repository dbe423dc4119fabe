//! Parse a token's permissions and check requests against them.
//!
//! ```text
//! cargo run -p influxdb3-examples --example check_request -- \
//!     'db:sensors:read,write' 'system:health:read' -- db:sensors:write db:logs:read
//! ```
//!
//! Arguments before `--` are the token's permissions; after it, requests written as
//! permissions (`db:NAME:ACTION`, `system:NAME:read`): each is allowed when the token's
//! permissions cover it.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use influxdb3_permission::{Permission, PermissionSet};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (grants, requests) =
        args.split_at(args.iter().position(|a| a == "--").unwrap_or(args.len()));
    let parse = |text: &String| {
        text.parse::<Permission>()
            .map_err(|e| eprintln!("error: {}", e.render(Some(text))))
    };
    let Ok(token) = grants
        .iter()
        .map(parse)
        .collect::<Result<PermissionSet, ()>>()
    else {
        return ExitCode::from(2);
    };
    for request in requests.iter().skip(1) {
        let Ok(request) = parse(request) else {
            return ExitCode::from(2);
        };
        let verdict = if token.covers(&request) {
            "allowed"
        } else {
            "denied"
        };
        println!("{request}: {verdict}");
    }
    ExitCode::SUCCESS
}
