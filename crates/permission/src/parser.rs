//! The nom parser: combinators find the parts, the validated types check them. nom's
//! error type stays in here; [`parse`] maps it to [`ParsePermissionError`].

use std::hash::Hash;

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::combinator::{all_consuming, consumed, cut, map_res};
use nom::error::{FromExternalError, ParseError};
use nom::multi::separated_list1;
use nom::{IResult, Offset, Parser};

use crate::error::{ErrorKind, ParsePermissionError, hints};
use crate::{Action, Actions, DatabaseName, Names, Permission, Scope, SystemResource};

/// nom's error in here: where the problem starts (the input from there on), how many
/// bytes it spans, what it is.
struct Fail<'a> {
    at: &'a str,
    len: usize,
    kind: ErrorKind,
    hint: Option<String>,
}

impl<'a> ParseError<&'a str> for Fail<'a> {
    /// The one nom error the grammar lets through: input left after the actions.
    fn from_error_kind(input: &'a str, _: nom::error::ErrorKind) -> Self {
        Fail {
            at: input,
            len: input.len(),
            kind: ErrorKind::TooManyParts,
            hint: Some(hints::TOO_MANY_PARTS.to_owned()),
        }
    }

    fn append(_: &'a str, _: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

impl<'a> FromExternalError<&'a str, ParsePermissionError> for Fail<'a> {
    /// A check that failed on the text starting at `input` (its span is relative to it).
    fn from_external_error(
        input: &'a str,
        _: nom::error::ErrorKind,
        e: ParsePermissionError,
    ) -> Self {
        let (span, kind, hint) = e.into_parts();
        Fail {
            at: &input[span.start..],
            len: span.len(),
            kind,
            hint,
        }
    }
}

type Res<'a, T> = IResult<&'a str, T, Fail<'a>>;

/// A part: everything up to the next `:`.
fn part(i: &str) -> Res<'_, &str> {
    take_till(|c| c == ':').parse(i)
}

/// A `,`-separated list, and the text it spans.
fn list(i: &str) -> Res<'_, (&str, Vec<&str>)> {
    consumed(separated_list1(
        char(','),
        take_till(|c| c == ',' || c == ':'),
    ))
    .parse(i)
}

/// The `:` before a part; its absence is `missing`, final.
fn colon<'a>(missing: ErrorKind) -> impl Parser<&'a str, Output = char, Error = Fail<'a>> {
    move |i: &'a str| {
        char(':').parse(i).map_err(|_: nom::Err<Fail<'a>>| {
            nom::Err::Failure(Fail {
                at: i,
                len: 0,
                kind: missing.clone(),
                hint: None,
            })
        })
    }
}

/// `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`.
fn permission(i: &str) -> Res<'_, Permission> {
    let (i, ty) = map_res(part, resource_type).parse(i)?;
    let names = || colon(ErrorKind::MissingNames);
    let actions = |system| {
        (
            colon(ErrorKind::MissingActions),
            cut(map_res(list, move |l| actions(l, system))),
        )
    };
    match ty {
        Type::Admin => (
            names(),
            cut(map_res(part, star)),
            colon(ErrorKind::MissingActions),
            cut(map_res(part, star)),
        )
            .map(|_| Permission::Admin)
            .parse(i),
        Type::Database => (
            names(),
            cut(map_res(list, |l| scope(l, DatabaseName::new))),
            actions(false),
        )
            .map(|(_, names, (_, actions))| Permission::Database { names, actions })
            .parse(i),
        Type::System => (
            names(),
            cut(map_res(list, |l| scope(l, str::parse::<SystemResource>))),
            actions(true),
        )
            .map(|(_, names, _)| Permission::System(names))
            .parse(i),
    }
}

enum Type {
    Admin,
    Database,
    System,
}

fn resource_type(text: &str) -> Result<Type, ParsePermissionError> {
    match text {
        "*" => Ok(Type::Admin),
        "db" => Ok(Type::Database),
        "system" => Ok(Type::System),
        _ => Err(ParsePermissionError::new(
            text,
            0..text.len(),
            ErrorKind::UnknownResourceType {
                found: text.to_owned(),
            },
            hints::resource_type(text),
        )),
    }
}

/// The names and actions of `*:*:*`, which must be `*`.
fn star(text: &str) -> Result<(), ParsePermissionError> {
    if text == "*" {
        Ok(())
    } else {
        Err(ParsePermissionError::new(
            text,
            0..text.len(),
            ErrorKind::WildcardTypeNotAdmin,
            Some(hints::ADMIN_ONLY.to_owned()),
        ))
    }
}

/// `*` (alone, or repeated), or names that `name` checks, left to right.
fn scope<T: Eq + Hash + Clone>(
    (text, items): (&str, Vec<&str>),
    name: impl Fn(&str) -> Result<T, ParsePermissionError>,
) -> Result<Scope<T>, ParsePermissionError> {
    let all = items[0] == "*";
    let mut names = Vec::with_capacity(items.len());
    for item in &items {
        let at = text.offset(item);
        if (*item == "*") != all {
            return Err(ParsePermissionError::new(
                text,
                at..at + item.len(),
                ErrorKind::MixedWildcard,
                None,
            ));
        }
        if !all {
            names.push(name(item).map_err(|e| e.within(text, at))?);
        }
    }
    if all {
        return Ok(Scope::All);
    }
    Names::new(names)
        .map(Scope::Only)
        .ok_or_else(|| ParsePermissionError::new(text, 0..0, ErrorKind::EmptyResourceName, None))
}

/// The actions of a `db` (or, with `system`, a `system`) permission.
fn actions(
    (text, items): (&str, Vec<&str>),
    system: bool,
) -> Result<Actions, ParsePermissionError> {
    let mut found = Vec::with_capacity(items.len());
    for item in &items {
        found.push(Action::for_type(item, system).map_err(|e| e.within(text, text.offset(item)))?);
    }
    Actions::new(found).ok_or_else(|| {
        ParsePermissionError::new(
            text,
            0..0,
            ErrorKind::UnknownAction {
                found: String::new(),
                resource_type: if system { "system" } else { "db" },
            },
            None,
        )
    })
}

/// Parses `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`.
pub(crate) fn parse(input: &str) -> Result<Permission, ParsePermissionError> {
    if input.is_empty() {
        return Err(ParsePermissionError::new(
            input,
            0..0,
            ErrorKind::Empty,
            None,
        ));
    }
    if let Some((at, c)) = input.char_indices().find(|(_, c)| c.is_whitespace()) {
        return Err(ParsePermissionError::new(
            input,
            at..at + c.len_utf8(),
            ErrorKind::Whitespace,
            Some(hints::WHITESPACE.to_owned()),
        ));
    }
    match all_consuming(permission).parse(input) {
        Ok((_, permission)) => Ok(permission),
        Err(nom::Err::Error(f) | nom::Err::Failure(f)) => {
            let start = input.offset(f.at);
            Err(ParsePermissionError::new(
                input,
                start..start + f.len,
                f.kind,
                f.hint,
            ))
        }
        // Complete parsers never ask for more input.
        Err(nom::Err::Incomplete(_)) => Err(ParsePermissionError::new(
            input,
            input.len()..input.len(),
            ErrorKind::MissingActions,
            None,
        )),
    }
}
