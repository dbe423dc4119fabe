//! The nom parser and the validators it shares with the constructors.
//!
//! nom's error type stays in here: [`parse`] maps it to [`ParsePermissionError`].

use std::collections::HashSet;

use nom::bytes::complete::take_till;
use nom::character::complete::char;
use nom::combinator::opt;
use nom::error::ParseError;
use nom::{IResult, Parser};

use crate::error::{ErrorKind, ParsePermissionError, Part, hints};
use crate::resource::{MAX_DATABASE_NAME_BYTES, NameList, is_database_name_char};
use crate::{Action, Actions, Permission, ResourceNames, ResourceType, SystemResource};

/// What is wrong with one token, as a byte range within that token.
#[derive(Debug)]
pub(crate) struct Problem {
    pub(crate) start: usize,
    pub(crate) len: usize,
    pub(crate) kind: ErrorKind,
    pub(crate) hint: Option<String>,
}

impl Problem {
    fn whole(token: &str, kind: ErrorKind, hint: Option<String>) -> Problem {
        Problem {
            start: 0,
            len: token.len(),
            kind,
            hint,
        }
    }

    /// The error for `token` as the whole input (constructors and the wire form).
    pub(crate) fn into_error(self, token: &str) -> ParsePermissionError {
        ParsePermissionError::new(
            token,
            self.start..self.start + self.len,
            self.kind,
            self.hint,
        )
    }
}

/// Checks a resource type (`db`, `system`, `*`).
pub(crate) fn resource_type(token: &str) -> Result<ResourceType, Problem> {
    if token.is_empty() {
        return Err(Problem::whole(token, ErrorKind::EmptyResourceType, None));
    }
    ResourceType::from_name(token).ok_or_else(|| {
        Problem::whole(
            token,
            ErrorKind::UnknownResourceType {
                found: token.to_owned(),
            },
            hints::resource_type(token),
        )
    })
}

/// The ASCII bytes allowed in a database name: letters, digits, `/`, `_`, `-`.
const ASCII_NAME_BYTES: [bool; 128] = {
    let mut table = [false; 128];
    let mut b: u8 = 0;
    while b < 128 {
        table[b as usize] = b.is_ascii_alphanumeric() || b == b'/' || b == b'_' || b == b'-';
        b += 1;
    }
    table
};

/// Checks one database name: 1 to 511 bytes of letters, digits, `/`, `_`, `-`.
pub(crate) fn database_name(token: &str) -> Result<(), Problem> {
    if token.is_empty() {
        return Err(Problem::whole(token, ErrorKind::EmptyResourceName, None));
    }
    // ASCII bytes (the usual case) are checked with a table; the first non-ASCII byte
    // sends the rest of the name through the Unicode check.
    let bytes = token.as_bytes();
    let mut bad = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x80 {
            bad = token[i..]
                .char_indices()
                .find(|(_, c)| !is_database_name_char(*c))
                .map(|(j, c)| (i + j, c));
            break;
        }
        if !ASCII_NAME_BYTES[usize::from(b)] {
            bad = Some((i, char::from(b)));
            break;
        }
    }
    if let Some((start, found)) = bad {
        let hint = match found {
            '.' => Some(hints::SHELL_GLOB.to_owned()),
            '*' => {
                Some("`*` stands alone and means every database; names cannot hold it".to_owned())
            }
            _ => None,
        };
        return Err(Problem {
            start,
            len: found.len_utf8(),
            kind: ErrorKind::InvalidNameCharacter { found },
            hint,
        });
    }
    if token.len() > MAX_DATABASE_NAME_BYTES {
        return Err(Problem::whole(
            token,
            ErrorKind::NameTooLong { bytes: token.len() },
            None,
        ));
    }
    Ok(())
}

/// Checks one system name (case-insensitive).
pub(crate) fn system_name(token: &str) -> Result<SystemResource, Problem> {
    if token.is_empty() {
        return Err(Problem::whole(token, ErrorKind::EmptyResourceName, None));
    }
    SystemResource::from_name(token).ok_or_else(|| {
        Problem::whole(
            token,
            ErrorKind::UnknownSystemResource {
                found: token.to_owned(),
            },
            hints::system_resource(token),
        )
    })
}

/// Checks one action of a `db` or `system` permission.
pub(crate) fn action(token: &str, resource_type: ResourceType) -> Result<Action, Problem> {
    if token.is_empty() {
        return Err(Problem::whole(
            token,
            ErrorKind::EmptyAction { resource_type },
            None,
        ));
    }
    if token == "*" {
        return Err(Problem::whole(
            token,
            ErrorKind::WildcardAction { resource_type },
            None,
        ));
    }
    match Action::from_name(token) {
        Some(action) if resource_type.valid_actions().contains(action) => Ok(action),
        _ => Err(Problem::whole(
            token,
            ErrorKind::UnknownAction {
                found: token.to_owned(),
                resource_type,
            },
            hints::action(token, resource_type),
        )),
    }
}

/// nom's error inside this module: where the offending token starts, and what is
/// wrong with it (`None` only for nom's own errors, which the grammar never lets out).
#[derive(Debug)]
struct Failure<'a> {
    at: &'a str,
    problem: Option<Problem>,
}

impl<'a> ParseError<&'a str> for Failure<'a> {
    fn from_error_kind(input: &'a str, _kind: nom::error::ErrorKind) -> Self {
        Failure {
            at: input,
            problem: None,
        }
    }

    fn append(_input: &'a str, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }
}

type Res<'a, T> = IResult<&'a str, T, Failure<'a>>;

fn fail<T>(at: &str, problem: Problem) -> Res<'_, T> {
    Err(nom::Err::Failure(Failure {
        at,
        problem: Some(problem),
    }))
}

/// A token runs up to the next `,` or `:` (found by byte: both are ASCII, so the split
/// falls on a character boundary). It cannot fail, but keeps the parsers' signature.
#[allow(clippy::unnecessary_wraps)]
fn item(input: &str) -> Res<'_, &str> {
    let end = input
        .as_bytes()
        .iter()
        .position(|&b| b == b',' || b == b':')
        .unwrap_or(input.len());
    Ok((&input[end..], &input[..end]))
}

/// A part runs up to the next `:`.
fn part(input: &str) -> Res<'_, &str> {
    take_till(|c| c == ':').parse(input)
}

/// The `:` before `part`.
fn separator(input: &str, missing: Part) -> Res<'_, ()> {
    match char::<&str, Failure<'_>>(':').parse(input) {
        Ok((rest, _)) => Ok((rest, ())),
        Err(_) => fail(
            input,
            Problem::whole("", ErrorKind::MissingPart { part: missing }, None),
        ),
    }
}

/// `,` and the next item, or the end of the list.
fn comma(input: &str) -> Res<'_, Option<char>> {
    opt(char(',')).parse(input)
}

/// A names part: `*` (alone, or repeated), or names, each handed to `name` to check and
/// record. Gives whether it was `*`.
fn names_part<'a>(
    input: &'a str,
    mut name: impl FnMut(&'a str) -> Result<(), Problem>,
) -> Res<'a, bool> {
    let mut all = false;
    let mut named = false;
    let mut rest = input;
    loop {
        let (after, token) = item(rest)?;
        if (token == "*" && named) || (token != "*" && all) {
            return fail(rest, Problem::whole(token, ErrorKind::MixedWildcard, None));
        }
        if token == "*" {
            all = true;
        } else {
            named = true;
            if let Err(problem) = name(token) {
                return fail(rest, problem);
            }
        }
        match comma(after)? {
            (next, Some(_)) => rest = next,
            (end, None) => return Ok((end, all)),
        }
    }
}

/// Names of a `db` permission: `*`, or names folded in first-seen order.
fn database_names(input: &str) -> Res<'_, ResourceNames> {
    /// Past this many names, duplicates are found with a hash set.
    const LINEAR_DEDUP: usize = 32;
    // One allocation for the whole list: at most the length of this part.
    let part_len = input.find(':').unwrap_or(input.len());
    let mut names = NameList::with_capacity(part_len);
    // The first names, kept as slices of the input to find duplicates without
    // allocating; past them, a hash set.
    let mut first: [&str; LINEAR_DEDUP] = [""; LINEAR_DEDUP];
    let mut seen: Option<HashSet<&str>> = None;
    let (end, all) = names_part(input, |token| {
        database_name(token)?;
        let count = names.len();
        let new = match &mut seen {
            Some(seen) => seen.insert(token),
            None => !first[..count].contains(&token),
        };
        if new {
            names.push_new(token);
            if count < LINEAR_DEDUP {
                first[count] = token;
            } else if seen.is_none() {
                let mut set: HashSet<&str> = first.iter().copied().collect();
                set.insert(token);
                seen = Some(set);
            }
        }
        Ok(())
    })?;
    let names = if all {
        ResourceNames::All
    } else {
        ResourceNames::Names(names)
    };
    Ok((end, names))
}

/// Names of a `system` permission: `*`, or system names (lowercased, folded).
fn system_names(input: &str) -> Res<'_, ResourceNames> {
    let mut names: Vec<SystemResource> = Vec::new();
    let (end, all) = names_part(input, |token| {
        let name = system_name(token)?;
        if !names.contains(&name) {
            names.push(name);
        }
        Ok(())
    })?;
    let names = if all {
        ResourceNames::All
    } else {
        ResourceNames::Names(system_list(&names))
    };
    Ok((end, names))
}

/// The list of distinct system resources, lowercase.
pub(crate) fn system_list(resources: &[SystemResource]) -> NameList {
    let mut list = NameList::with_capacity(resources.len() * 8);
    for r in resources {
        list.push_new(r.as_str());
    }
    list
}

/// The actions of a `db` or `system` permission.
fn actions(input: &str, resource_type: ResourceType) -> Res<'_, Actions> {
    let mut set = Actions::EMPTY;
    let mut rest = input;
    loop {
        let (after, token) = item(rest)?;
        match action(token, resource_type) {
            Ok(action) => set.insert(action),
            Err(problem) => return fail(rest, problem),
        }
        match comma(after)? {
            (next, Some(_)) => rest = next,
            (end, None) => return Ok((end, set)),
        }
    }
}

/// After the type `*`: the names and actions must both be `*`.
fn admin(input: &str) -> Res<'_, Permission> {
    const HINT: &str = "`*:*:*` is the admin permission; for every database, write `db:*:ACTIONS`";
    let (rest, names) = part(input)?;
    if names != "*" {
        let problem = Problem::whole(names, ErrorKind::WildcardTypeNotAdmin, Some(HINT.into()));
        return fail(input, problem);
    }
    let (rest, ()) = separator(rest, Part::Actions)?;
    let (end, actions) = part(rest)?;
    if actions != "*" {
        let problem = Problem::whole(actions, ErrorKind::WildcardTypeNotAdmin, Some(HINT.into()));
        return fail(rest, problem);
    }
    Ok((end, Permission::admin()))
}

fn permission(input: &str) -> Res<'_, Permission> {
    let (rest, type_token) = part(input)?;
    let resource_type = match resource_type(type_token) {
        Ok(t) => t,
        Err(problem) => return fail(input, problem),
    };
    let (rest, ()) = separator(rest, Part::ResourceNames)?;
    let (rest, permission) = match resource_type {
        ResourceType::Wildcard => admin(rest)?,
        ResourceType::Database | ResourceType::System => {
            let (rest, names) = if resource_type == ResourceType::Database {
                database_names(rest)?
            } else {
                system_names(rest)?
            };
            let (rest, ()) = separator(rest, Part::Actions)?;
            let (rest, actions) = actions(rest, resource_type)?;
            (rest, Permission::from_parts(resource_type, names, actions))
        }
    };
    if !rest.is_empty() {
        let hint =
            "a permission has three parts; to grant several permissions, give each one separately";
        return fail(
            rest,
            Problem::whole(rest, ErrorKind::TooManyParts, Some(hint.into())),
        );
    }
    Ok((rest, permission))
}

/// The first whitespace character (as `char::is_whitespace` has it) and where it is.
fn find_whitespace(input: &str) -> Option<(usize, char)> {
    if input.is_ascii() {
        // ASCII whitespace is `\t \n \x0b \x0c \r` and space: all at or below b' '.
        input
            .bytes()
            .position(|b| b <= b' ' && (b == b' ' || (b'\t'..=b'\r').contains(&b)))
            .map(|i| (i, char::from(input.as_bytes()[i])))
    } else {
        input.char_indices().find(|(_, c)| c.is_whitespace())
    }
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
    if let Some((at, c)) = find_whitespace(input) {
        let hint = "remove it: names and actions are separated by `,` alone";
        return Err(ParsePermissionError::new(
            input,
            at..at + c.len_utf8(),
            ErrorKind::Whitespace,
            Some(hint.into()),
        ));
    }
    match permission(input) {
        Ok((_, permission)) => Ok(permission),
        Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
            let offset = input.len() - failure.at.len();
            let problem = failure.problem.unwrap_or(Problem {
                start: 0,
                len: 0,
                kind: ErrorKind::TooManyParts,
                hint: None,
            });
            let start = offset + problem.start;
            Err(ParsePermissionError::new(
                input,
                start..start + problem.len,
                problem.kind,
                problem.hint,
            ))
        }
        // Complete parsers never ask for more input; treat it as a missing part.
        Err(nom::Err::Incomplete(_)) => Err(ParsePermissionError::new(
            input,
            input.len()..input.len(),
            ErrorKind::MissingPart {
                part: Part::Actions,
            },
            None,
        )),
    }
}
