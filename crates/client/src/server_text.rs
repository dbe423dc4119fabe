//! What the server's words mean: the message of an error answer as the client reports
//! it, and upstream's texts that carry a meaning no status code does.

use influxdb3_token::Token;

use crate::mask;

/// The longest server message kept in an error, in characters.
const MAX_MESSAGE: usize = 500;

/// A text of upstream's server that has no status or code of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upstream<'a> {
    /// `endpoint disabled, started without auth` (405): the server runs without
    /// authentication.
    WithoutAuth,
    /// `cannot parse token permission, invalid resource name DB` (500): a permission
    /// names a database that does not exist.
    InvalidResource(&'a str),
    /// `not found` (404): the route does not exist (InfluxDB 3 Core), as opposed to
    /// `the requested resource was not found` for a token that does not.
    RouteNotFound,
}

/// The one place where the server's words are read: upstream's texts that carry a
/// meaning no status code does, recognised as they are written (CONTRACT §5).
pub(crate) fn upstream_text(message: Option<&str>) -> Option<Upstream<'_>> {
    let message = message?.trim();
    if message.ends_with("started without auth") {
        return Some(Upstream::WithoutAuth);
    }
    if let Some((_, db)) = message.split_once("invalid resource name ") {
        return Some(Upstream::InvalidResource(db.trim()));
    }
    message
        .eq_ignore_ascii_case("not found")
        .then_some(Upstream::RouteNotFound)
}

/// The message of an error answer as this client reports it: the `error` of a JSON
/// object, or the trimmed text; with `admin` and every token-shaped value
/// ([`influxdb3_token::token_shaped_runs`]) replaced by `apiv3_***`, and cut to 500
/// characters with `…`. `None` for an empty body.
///
/// ```
/// use influxdb3_token_client::server_message;
///
/// assert_eq!(
///     server_message(r#"{"error": "bad token apiv3_c2VjcmV0"}"#, None).as_deref(),
///     Some("bad token apiv3_***")
/// );
/// assert_eq!(server_message("  ", None), None);
/// ```
pub fn server_message(body: &str, admin: Option<&Token>) -> Option<String> {
    let text = body.trim();
    if text.is_empty() {
        return None;
    }
    let raw = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => match map.get("error") {
            Some(serde_json::Value::String(message)) => message.clone(),
            _ => text.to_owned(),
        },
        _ => text.to_owned(),
    };
    let clean = mask::masked(&raw, admin, mask::Encoding::Plain);
    let mut message: String = clean.chars().take(MAX_MESSAGE).collect();
    if message.len() < clean.len() {
        message.push('…');
    }
    Some(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstreams_words_are_recognised_as_it_writes_them() {
        assert_eq!(
            upstream_text(Some("endpoint disabled, started without auth")),
            Some(Upstream::WithoutAuth)
        );
        assert_eq!(
            upstream_text(Some(
                "cannot parse token permission, invalid resource name nope"
            )),
            Some(Upstream::InvalidResource("nope"))
        );
        assert_eq!(
            upstream_text(Some("not found")),
            Some(Upstream::RouteNotFound)
        );
        assert_eq!(
            upstream_text(Some("Not found")),
            Some(Upstream::RouteNotFound)
        );
        assert_eq!(
            upstream_text(Some("the requested resource was not found")),
            None
        );
        assert_eq!(upstream_text(Some("token name already exists, x")), None);
        assert_eq!(upstream_text(None), None);
    }
}
