//! A token one run made, in the words of `create token`: text and JSON.

use std::path::Path;

use influxdb3_permission::Grants;
use influxdb3_provision::{Action, Done, Emphasis, MadeToken};
use influxdb3_token::{Timestamp, Token};

fn created(name: &str) -> Done {
    let mut done = Done::new(Action::Created, name);
    done.grants = Some(Grants::try_from(vec!["db:a,b:read".parse().unwrap()]).unwrap());
    done
}

#[test]
fn a_new_token_is_said_in_upstreams_words_and_saved_to_comes_first() {
    let made = MadeToken::new(&created("ingest"), Token::generate().unwrap());
    let secret = made.token().expose_secret().to_owned();
    assert_eq!(
        made.words().to_string(),
        format!(
            "\nNew token created successfully!\n\nToken: {secret}\nHTTP Requests Header: Authorization: Bearer {secret}\n\nIMPORTANT: Store this token securely, as it will not be shown again.\n\n"
        )
    );
    let saved = made.saved_to(Path::new("dir/t\u{7}.json"));
    let text = saved.words().to_string();
    assert!(
        text.starts_with("Token saved to: dir/t\\x07.json\n\nNew token"),
        "{text}"
    );
    assert_eq!(saved.saved(), Some(Path::new("dir/t\u{7}.json")));
}

#[test]
fn the_styled_parts_are_the_title_and_important() {
    let made = MadeToken::new(&Done::new(Action::Rotated, "x"), Token::generate().unwrap());
    let style = |e: Emphasis, t: &str| match e {
        Emphasis::Success => format!("<{t}>"),
        _ => format!("[{t}]"),
    };
    let text = made.words().styled(&style).to_string();
    assert!(text.contains("\n<Token rotated successfully!>\n"), "{text}");
    assert!(text.contains("[IMPORTANT:] Store this token"), "{text}");
    let replaced = MadeToken::new(
        &Done::new(Action::Replaced, "x"),
        Token::generate().unwrap(),
    );
    assert!(
        replaced
            .words()
            .to_string()
            .contains("Token replaced successfully!")
    );
}

#[test]
fn a_chosen_secret_is_named_by_its_file_and_never_shown() {
    let made = MadeToken::new(&created("ingest"), Token::generate().unwrap())
        .saved_to(Path::new("tokens.json"))
        .chosen_from("secret.txt");
    let secret = made.token().expose_secret().to_owned();
    let text = made.words().to_string();
    assert_eq!(
        text,
        "Token saved to: tokens.json\n\nNew token created successfully! Token `ingest` was written with the secret from `secret.txt` (not shown: you hold it).\n"
    );
    let json = serde_json::to_string(&made.document()).unwrap();
    assert!(!json.contains(&secret), "{json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["token"], "apiv3_***");
    assert_eq!(doc["secret_file"], "secret.txt");
    let rotated = MadeToken::new(&Done::new(Action::Rotated, "r"), Token::generate().unwrap())
        .chosen_from("-");
    assert!(
        rotated
            .words()
            .to_string()
            .contains("Token `r` now has the secret from `-`")
    );
}

#[test]
fn the_document_has_upstreams_keys_first_then_ours_in_order() {
    let mut done = created("ingest");
    done.expiry = Some("2027-01-15T08:00:00Z".parse::<Timestamp>().unwrap());
    done.id = Some(7);
    done.created_at = Some("2026-12-02T00:00:00Z".to_owned());
    let made = MadeToken::new(&done, Token::generate().unwrap());
    let secret = made.token().expose_secret().to_owned();
    let doc = serde_json::to_value(made.document()).unwrap();
    let keys: Vec<&str> = doc
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "token",
            "help_msg",
            "name",
            "hash",
            "permissions",
            "expiry",
            "id",
            "created_at"
        ]
    );
    assert_eq!(doc["token"], secret.as_str());
    assert_eq!(doc["permissions"], serde_json::json!(["db:a,b:read"]));
    assert_eq!(doc["hash"], made.token().hash().to_string());
    assert!(
        doc["help_msg"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Bearer {secret}\""))
    );
    // Only one of the server's two fields: neither is said.
    let mut half = created("h");
    half.id = Some(1);
    let doc =
        serde_json::to_value(MadeToken::new(&half, Token::generate().unwrap()).document()).unwrap();
    assert!(doc.get("id").is_none() && doc["expiry"].is_null());
    let rotated = MadeToken::new(&Done::new(Action::Rotated, "r"), Token::generate().unwrap())
        .with_permissions(vec!["db:x:write".to_owned()])
        .saved_to(Path::new("f.json"));
    let doc = serde_json::to_value(rotated.document()).unwrap();
    assert_eq!(doc["rotated"], true);
    assert_eq!(doc["output_file"], "f.json");
    assert_eq!(doc["permissions"], serde_json::json!(["db:x:write"]));
}

#[test]
fn nothing_shows_a_secret_it_should_not_nor_a_hidden_character() {
    let made = MadeToken::new(&created("ingest"), Token::generate().unwrap());
    let secret = made.token().expose_secret().to_owned();
    let debug = format!("{:?} {:?}", made.document(), made.words());
    assert!(!debug.contains(&secret), "{debug}");
    // A server's token with a hidden character in it is shown escaped.
    let odd = Token::parse_lenient(&format!("apiv3_{}\u{202e}x", "a".repeat(40))).unwrap();
    let text = MadeToken::new(&created("x"), odd).words().to_string();
    assert!(
        !text.contains('\u{202e}') && text.contains("\\u202e"),
        "{text}"
    );
    // A chosen secret without a file: no `Token saved to:` line, and where it came from
    // said plainly.
    let text = MadeToken::new(&created("x"), Token::generate().unwrap())
        .chosen_from("-")
        .words()
        .to_string();
    assert_eq!(
        text,
        "\nNew token created successfully! Token `x` was written with the secret from `-` (not shown: you hold it).\n"
    );
}

#[test]
fn a_secret_that_could_not_be_shown_says_how_to_get_one_somebody_has() {
    let token = Token::generate().unwrap();
    let secret = token.expose_secret().to_owned();
    let made = MadeToken::new(&created("ingest"), token.clone());
    let (message, hint) = made.unshown();
    assert_eq!(
        message,
        "token `ingest` was created on the server, but it could not be shown (stdout failed)"
    );
    assert_eq!(hint, influxdb3_provision::unheld_secret("ingest"));
    assert_eq!(
        hint,
        "token `ingest` now exists on the server and nobody has its secret: delete it with `influxdb3 delete token --token-name ingest` and create it again"
    );
    let (message, hint) = made.clone().saved_to(Path::new("t.json")).unshown();
    assert_eq!(
        message,
        "token `ingest` was saved to `t.json`, but it could not be shown (stdout failed)"
    );
    assert_eq!(
        hint,
        "nobody has seen its secret: remove the entry named `ingest` from the file, and create it again"
    );
    let rotated =
        MadeToken::new(&Done::new(Action::Rotated, "ingest"), token).saved_to(Path::new("t.json"));
    let (message, hint) = rotated.unshown();
    assert_eq!(
        message,
        "token `ingest` was given a new secret in `t.json`, but it could not be shown (stdout failed)"
    );
    assert_eq!(
        hint,
        "nobody has seen the new secret: run `influxdb3 tokens rotate t.json --name ingest` again"
    );
    // The operator token is never deleted: it gets a new secret.
    let operator = MadeToken::new(
        &Done::new(Action::Regenerated, "_admin"),
        Token::generate().unwrap(),
    );
    assert!(operator.unshown().1.contains("--regenerate"));
    for words in [message, hint] {
        assert!(!words.contains(&secret));
    }
}
