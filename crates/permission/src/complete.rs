//! What may follow a permission being typed: completion candidates from the grammar.

use crate::{Action, Permission, SystemResource};

/// The completions of `typed`, a permission being typed (a shell's completion of
/// `--permission`): the resource type, then `*` or (for `system`) the endpoints, then
/// the actions the type takes, each completing the last item of a `,` list. Database
/// names are the user's: none is offered.
///
/// ```
/// use influxdb3_permission::completions;
///
/// assert_eq!(completions("s"), ["system:"]);
/// assert_eq!(completions("system:health,p"), ["system:health,ping:"]);
/// assert_eq!(completions("db:sensors:read,w"), ["db:sensors:read,write"]);
/// ```
pub fn completions(typed: &str) -> Vec<String> {
    let parts: Vec<&str> = typed.split(':').collect();
    match parts.as_slice() {
        [ty] => ["db:", "system:"]
            .iter()
            .filter(|w| w.starts_with(ty))
            .map(|w| (*w).to_owned())
            .collect(),
        [ty, names] => {
            let choices: Vec<&str> = match *ty {
                "db" if names.is_empty() => vec!["*"],
                "system" => std::iter::once("*")
                    .chain(SystemResource::ALL.map(SystemResource::as_str))
                    .collect(),
                // Database names are the user's: nothing to offer.
                _ => vec![],
            };
            let mut words = last_item(&format!("{ty}:"), names, &choices, ":");
            // A database name the user typed: move on to the actions.
            if *ty == "db" && !names.is_empty() && !names.ends_with(',') {
                words.push(format!("{typed}:"));
            }
            words
        }
        [ty, names, actions] => {
            // The actions the grammar takes for this type, as it words them.
            let choices: Vec<&str> = crate::action::ALL
                .map(Action::as_str)
                .into_iter()
                .filter(|a| format!("{ty}:*:{a}").parse::<Permission>().is_ok())
                .collect();
            last_item(&format!("{ty}:{names}:"), actions, &choices, "")
        }
        _ => Vec::new(),
    }
}

/// `prefix` + the list `typed` with its last item completed from `choices` (items
/// already in the list left out), each followed by `then`.
fn last_item(prefix: &str, typed: &str, choices: &[&str], then: &str) -> Vec<String> {
    let (done, last) = typed.rsplit_once(',').map_or(("", typed), |(d, l)| (d, l));
    let done_items: Vec<&str> = done.split(',').filter(|i| !i.is_empty()).collect();
    let head = if done.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}{done},")
    };
    choices
        .iter()
        .filter(|c| c.starts_with(last) && !done_items.contains(c))
        // `*` stands alone.
        .filter(|c| **c != "*" || done.is_empty())
        .map(|c| format!("{head}{c}{then}"))
        .collect()
}
