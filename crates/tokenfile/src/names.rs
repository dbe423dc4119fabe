//! Token names to look at twice, by Unicode's own rules (UTS #39): names that mix
//! scripts as a look-alike would, and names that look like another.

use std::collections::HashMap;

use influxdb3_token::{TokenName, TokenNameError};
use unicode_security::mixed_script::AugmentedScriptSet;
use unicode_security::{RestrictionLevel, RestrictionLevelDetection};

use crate::code::Code;
use crate::model::TokenFile;

/// What is wrong with a name by itself.
pub(crate) enum Concern {
    /// `create token` refuses it; `at` is the byte of the offending character, if one is.
    Unsafe {
        at: Option<usize>,
        error: TokenNameError,
    },
    /// It mixes scripts; `at` is the byte of its first letter of another script.
    Mixed { at: usize },
}

/// What is wrong with `name` by itself (a lint reports an empty name or a control
/// character as [`Code::InvalidName`] first).
pub(crate) fn concern(name: &str) -> Option<Concern> {
    if let Err(error) = TokenName::new(name) {
        let at = match error {
            TokenNameError::OuterWhitespace { position }
            | TokenNameError::Invisible { position, .. } => {
                name.char_indices().nth(position - 1).map(|(i, _)| i)
            }
            _ => None,
        };
        return Some(Concern::Unsafe { at, error });
    }
    mixed_script_at(name).map(|at| Concern::Mixed { at })
}

impl TokenFile<'_> {
    /// The tokens whose names deserve a second look, by their place in
    /// [`tokens`](Self::tokens): a name that `create token` refuses
    /// ([`Code::UnsafeName`]), or
    /// one that mixes scripts or looks like another name of the file
    /// ([`Code::ConfusableName`]). [`lint`](crate::lint) says why, with the place.
    pub fn names_to_review(&self) -> Vec<(usize, Code)> {
        let mut skeletons: HashMap<String, &str> = HashMap::new();
        let mut found = Vec::new();
        for (i, entry) in self.tokens().iter().enumerate() {
            let name = entry.name();
            // A loaded file holds no name with a control character (that does not
            // load): what `create token` refuses here is an unsafe name.
            let code = match concern(name) {
                Some(Concern::Unsafe { .. }) => Some(Code::UnsafeName),
                Some(Concern::Mixed { .. }) => Some(Code::ConfusableName),
                None => {
                    let first = *skeletons.entry(skeleton(name)).or_insert(name);
                    (first != name).then_some(Code::ConfusableName)
                }
            };
            found.extend(code.map(|c| (i, c)));
        }
        found
    }
}

/// Where `name` mixes letters of scripts that no language writes together (Latin with
/// Cyrillic or Greek, …): the byte offset of its first letter of another script than
/// the letters before it. Latin with Han, Japanese kana or Hangul is a script mix that
/// languages use (UTS #39 "highly restrictive") and is none; digits, punctuation and
/// spaces belong to every script.
pub(crate) fn mixed_script_at(name: &str) -> Option<usize> {
    if name.is_ascii() {
        return None;
    }
    let letters: String = name.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.as_str().detect_restriction_level() <= RestrictionLevel::HighlyRestrictive {
        return None;
    }
    let mut scripts = AugmentedScriptSet::default();
    let mut first_other = None;
    for (at, c) in name.char_indices().filter(|(_, c)| c.is_alphabetic()) {
        let mut next = scripts;
        next.intersect_with(AugmentedScriptSet::for_char(c));
        if next.is_empty() {
            return Some(at);
        }
        if !c.is_ascii() && first_other.is_none() {
            first_other = Some(at);
        }
        scripts = next;
    }
    // One script set all along, but not one a language writes (a letter of no
    // identifier): its first letter that is not ASCII.
    first_other.or(Some(0))
}

/// `name`'s UTS #39 skeleton: two names with one skeleton look alike (`telеgraf` with
/// a Cyrillic `е`, and `telegraf`; `rn` and `m`).
pub(crate) fn skeleton(name: &str) -> String {
    unicode_security::skeleton(name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_that_languages_mix_are_no_finding() {
        assert_eq!(mixed_script_at("telegraf"), None);
        assert_eq!(mixed_script_at("grafana reader-1"), None);
        assert_eq!(mixed_script_at("数据-reader"), None);
        assert_eq!(mixed_script_at("データ読み取り"), None);
        assert_eq!(mixed_script_at("écriture-données"), None);
        assert_eq!(mixed_script_at("телеграф"), None);
        // A Cyrillic `е` (U+0435) among Latin letters: at its byte.
        assert_eq!(mixed_script_at("tel\u{435}graf"), Some(3));
        // A Greek omicron.
        assert_eq!(mixed_script_at("m\u{3bf}nitor"), Some(1));
        // One script all along, but one no language writes identifiers in (Gothic): its
        // first letter.
        assert_eq!(mixed_script_at("1\u{10330}\u{10331}"), Some(1));
    }

    #[test]
    fn look_alikes_share_a_skeleton() {
        assert_eq!(skeleton("tel\u{435}graf"), skeleton("telegraf"));
        assert_eq!(skeleton("adrnin"), skeleton("admin"));
        assert_ne!(skeleton("reader"), skeleton("writer"));
    }
}
