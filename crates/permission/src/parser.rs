//! The nom parser: combinators find the parts of a permission, and the checks in here
//! turn each part into validated values ([`DatabaseName`], [`SystemResource`],
//! [`Actions`]) in the order the parts are written. The wire form goes through the same
//! checks ([`check_parts`]). nom's error type stays in here; [`parse`] and
//! [`parse_joined`] map it to [`ParsePermissionError`].

use std::hash::Hash;
use std::str::FromStr;

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::combinator::{all_consuming, consumed, cut, map_res, not};
use nom::error::{FromExternalError, ParseError};
use nom::multi::{many0, separated_list1};
use nom::sequence::{preceded, terminated};
use nom::{IResult, Offset, Parser};

use crate::action::{Action, Actions};
#[cfg(feature = "serde")]
use crate::error::ParsingVisitor;
use crate::error::{ErrorKind, ParsePermissionError};
use crate::hints;
use crate::name::{DatabaseName, Names, Scope, SystemResource};
use crate::permission::Permission;

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

/// A part that the grammar's lists have split: the text it spans, and its items (slices
/// of that text).
type List<'a> = (&'a str, Vec<&'a str>);

/// Where the actions of a permission end.
#[derive(Debug, Clone, Copy)]
enum End {
    /// At the end of the input (or at a `:`, too many parts): one permission.
    Alone,
    /// Also before a `,` whose piece holds a `:`: it starts the next permission of a
    /// joined list.
    Joined,
}

/// A part that cannot hold a `,`: everything up to the next `:`.
fn part(i: &str) -> Res<'_, &str> {
    take_till(|c| c == ':').parse(i)
}

/// One item of a list: everything up to the next `,` or `:`.
fn item(i: &str) -> Res<'_, &str> {
    take_till(|c| c == ',' || c == ':').parse(i)
}

/// The names: a `,`-separated list up to the next `:`.
fn names(i: &str) -> Res<'_, List<'_>> {
    consumed(separated_list1(char(','), item)).parse(i)
}

/// The actions: a `,`-separated list up to the end (alone), or up to the `,` before
/// the next permission (joined).
fn actions<'a>(end: End) -> impl Parser<&'a str, Output = List<'a>, Error = Fail<'a>> {
    move |i: &'a str| match end {
        End::Alone => names(i),
        End::Joined => consumed(
            (
                item,
                many0(preceded(char(','), terminated(item, not(char(':'))))),
            )
                .map(|(first, mut rest)| {
                    rest.insert(0, first);
                    rest
                }),
        )
        .parse(i),
    }
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

/// The result of a check on the part that starts `input`, as nom's final error.
fn checked<T>(
    input: &str,
    checked: Result<T, ParsePermissionError>,
) -> Result<T, nom::Err<Fail<'_>>> {
    checked.map_err(|e| {
        nom::Err::Failure(Fail::from_external_error(
            input,
            nom::error::ErrorKind::MapRes,
            e,
        ))
    })
}

/// `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`, each part checked as soon as it is found.
fn permission<'a>(end: End) -> impl Parser<&'a str, Output = Permission, Error = Fail<'a>> {
    move |i: &'a str| {
        let (i, ty) = map_res(part, resource_type).parse(i)?;
        let (i, _) = colon(ErrorKind::MissingNames).parse(i)?;
        let (rest, list) = names(i)?;
        let head = checked(i, ty.names(list))?;
        let (i, _) = colon(ErrorKind::MissingActions).parse(rest)?;
        let (rest, list) = actions(end).parse(i)?;
        let permission = checked(i, head.actions(list))?;
        Ok((rest, permission))
    }
}

/// After a permission of a joined list: the end, or the `,` before the next one.
/// Anything else is a `:` after the actions: too many parts, up to the next `,`.
fn end_of_permission(i: &str) -> Res<'_, ()> {
    if i.is_empty() || i.starts_with(',') {
        return Ok((i, ()));
    }
    Err(nom::Err::Failure(Fail {
        at: i,
        len: i.find(',').unwrap_or(i.len()),
        kind: ErrorKind::TooManyParts,
        hint: Some(hints::TOO_MANY_PARTS.to_owned()),
    }))
}

/// Permissions joined by `,`.
fn joined(i: &str) -> Res<'_, Vec<Permission>> {
    separated_list1(
        char(','),
        terminated(cut(permission(End::Joined)), end_of_permission),
    )
    .parse(i)
}

/// A resource type, checked.
#[derive(Debug, Clone, Copy)]
enum Type {
    Admin,
    Database,
    System,
}

/// A resource type and its names, checked: what is left is the actions.
enum Head {
    Admin,
    Database(Scope<DatabaseName>),
    System(Scope<SystemResource>),
}

impl Type {
    /// Checks the names of a permission of this type.
    fn names(self, list: List<'_>) -> Result<Head, ParsePermissionError> {
        match self {
            Type::Admin => star(list.0).map(|()| Head::Admin),
            Type::Database => scope(list, DatabaseName::new).map(Head::Database),
            Type::System => scope(list, SystemResource::from_str).map(Head::System),
        }
    }
}

impl Head {
    /// Checks the actions, and assembles the permission.
    fn actions(self, list: List<'_>) -> Result<Permission, ParsePermissionError> {
        match self {
            Head::Admin => star(list.0).map(|()| Permission::Admin),
            Head::Database(names) => {
                action_set(list, false).map(|actions| Permission::Database { names, actions })
            }
            Head::System(names) => action_set(list, true).map(|_| Permission::System(names)),
        }
    }
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
    (text, items): List<'_>,
    name: impl Fn(&str) -> Result<T, ParsePermissionError>,
) -> Result<Scope<T>, ParsePermissionError> {
    let all = items.first() == Some(&"*");
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
fn action_set((text, items): List<'_>, system: bool) -> Result<Actions, ParsePermissionError> {
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

/// The checks of [`parse`], in the same order, on parts found by other means (the
/// fields of the wire form): `ty` and the lists are slices of `text`, the permission
/// string they spell, and errors point into it.
#[cfg(feature = "serde")]
pub(crate) fn check_parts(
    text: &str,
    ty: &str,
    names: List<'_>,
    actions: List<'_>,
) -> Result<Permission, ParsePermissionError> {
    let within = |part: &str| {
        let at = text.offset(part);
        move |e: ParsePermissionError| e.within(text, at)
    };
    let names_at = within(names.0);
    let actions_at = within(actions.0);
    let ty = resource_type(ty).map_err(within(ty))?;
    let head = ty.names(names).map_err(names_at)?;
    head.actions(actions).map_err(actions_at)
}

/// What [`parse`] and [`parse_joined`] check before the grammar: something to parse,
/// and no whitespace anywhere.
fn precheck(input: &str) -> Result<(), ParsePermissionError> {
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
    Ok(())
}

/// nom's error, as the public one: its span within `input`.
fn public(input: &str, e: nom::Err<Fail<'_>>) -> ParsePermissionError {
    match e {
        nom::Err::Error(f) | nom::Err::Failure(f) => {
            let start = input.offset(f.at);
            ParsePermissionError::new(input, start..start + f.len, f.kind, f.hint)
        }
        // Complete parsers never ask for more input.
        nom::Err::Incomplete(_) => ParsePermissionError::new(
            input,
            input.len()..input.len(),
            ErrorKind::MissingActions,
            None,
        ),
    }
}

/// Parses `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`.
pub(crate) fn parse(input: &str) -> Result<Permission, ParsePermissionError> {
    precheck(input)?;
    all_consuming(permission(End::Alone))
        .parse(input)
        .map(|(_, permission)| permission)
        .map_err(|e| public(input, e))
}

/// Parses permissions joined by `,`, as the `permissions` column of `system.tokens`
/// lists a token's (`db:a,b:read,write,system:health:read`; `*:*:*` for an admin
/// token), in one pass over the text.
///
/// A permission holds commas of its own, so the grammar decides where one ends. Names
/// run up to the `:` before the actions, and a database may be named `db` or
/// `system`: `db:x,db:read` is one permission, on the databases `x` and `db`. Once the
/// actions have begun, a piece between commas that holds a `:` starts the next
/// permission: `db:x,db:read,db:read:write` is `db:x,db:read` then `db:read:write`.
/// Every list of permissions, joined by `,`, parses back to itself.
///
/// # Errors
///
/// The first problem, as [`str::parse::<Permission>`](Permission#impl-FromStr-for-Permission)
/// would report it for that permission, in a [`ParsePermissionError`] whose input is the
/// whole of `joined` and whose span points into it. An empty text is
/// [`ErrorKind::Empty`].
///
/// # Example
///
/// ```
/// use influxdb3_permission::{ErrorKind, parse_joined};
///
/// let list = parse_joined("db:x,db:read,db:read:write,system:health:read")?;
/// let shown: Vec<String> = list.iter().map(ToString::to_string).collect();
/// assert_eq!(shown, ["db:x,db:read", "db:read:write", "system:health:read"]);
///
/// let err = parse_joined("db:a:read,db:b:reed").unwrap_err();
/// assert_eq!((err.kind(), err.span()), (&ErrorKind::UnknownAction { found: "reed".into(), resource_type: "db" }, 15..19));
/// # Ok::<(), influxdb3_permission::ParsePermissionError>(())
/// ```
pub fn parse_joined(joined: &str) -> Result<Vec<Permission>, ParsePermissionError> {
    precheck(joined)?;
    all_consuming(self::joined)
        .parse(joined)
        .map(|(_, list)| list)
        .map_err(|e| public(joined, e))
}

impl FromStr for Permission {
    type Err = ParsePermissionError;

    /// Parses `RESOURCE_TYPE:RESOURCE_NAMES:ACTIONS`.
    fn from_str(s: &str) -> Result<Permission, ParsePermissionError> {
        parse(s)
    }
}

#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> serde::Deserialize<'de> for Permission {
    /// From the grammar string; the error names the value, the byte span and what is
    /// wrong.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParsingVisitor::new(
            "a permission string such as `db:db1:read,write`",
            |text: &str| parse(text).map_err(|e| format!("{e:#}")),
        ))
    }
}
