//! `influxdb3 show tokens`: the server's tokens, as upstream lists them, with filters.
//!
//! What the server wrote comes masked from the client (`Client::show_tokens` and
//! `list_tokens`): every token-shaped value and the admin token are `apiv3_***`, and a
//! `pretty` table with masked cells is drawn again there, so that its borders line up.
//! Filtered rows are written from those masked rows too (`Client::show_tokens_where`).

use clap::ArgMatches;
use influxdb3_token::{Lifetime, Timestamp};
use influxdb3_token_client::{QueryFormat, TokenFilter};

use crate::args::{ShowFormat, ShowTokens};
use crate::error::{Action, CliError, Kind};
use crate::output::Outcome;
use crate::quote::quote;

fn wire(format: ShowFormat) -> QueryFormat {
    match format {
        ShowFormat::Pretty => QueryFormat::Pretty,
        ShowFormat::Json => QueryFormat::Json,
        ShowFormat::Jsonl => QueryFormat::JsonLines,
        ShowFormat::Csv => QueryFormat::Csv,
    }
}

/// `influxdb3 show tokens`.
pub(crate) fn run(args: ShowTokens, m: &ArgMatches) -> Result<Outcome, CliError> {
    let within = args
        .expiring_within
        .as_deref()
        .map(|text| {
            text.parse::<Lifetime>().map_err(|e| {
                CliError::usage(format!("invalid --expiring-within {}: {e}", quote(text)))
                    .kind(Kind::InvalidDuration)
            })
        })
        .transpose()?;
    let mut filter = TokenFilter::default().expired(args.expired);
    if let Some(name) = &args.name {
        filter = filter.name(name);
    }
    if let Some(database) = &args.database {
        filter = filter.database(database);
    }
    if let Some(within) = within {
        filter = filter.expiring_within(within);
    }
    let format = wire(args.format);
    let online = crate::connect::online(args.server, m)?;
    // Before the request, which may take a while or fail.
    for w in &online.warnings {
        crate::output::warn(w);
    }
    let body = online
        .client
        .show_tokens_where(format, &filter, Timestamp::now())
        .map_err(|e| online.error(&e, Action::List, ""))?;
    // The body and one line break, as upstream prints it (hidden characters escaped).
    let mut stdout = format.shown(&body).into_owned();
    stdout.push('\n');
    Ok(Outcome::ok(stdout))
}
