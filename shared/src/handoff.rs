//! Hand-off codes: short, human-typable codes that move a cart from one device to another.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// Characters a code is made of: digits and capitals without the ambiguous 0/O, 1/I/L.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Characters in a code (31^6 ≈ 887 million codes).
pub const CODE_LEN: usize = 6;
/// Minutes a code stays valid.
pub const VALID_MINUTES: i64 = 10;

/// A well-formed hand-off code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HandoffCode(String);

impl HandoffCode {
    /// Parses what a shopper typed: case, spaces and dashes do not matter.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        typed_code(raw, CODE_LEN).map(HandoffCode).ok_or(DomainError::InvalidHandoffCode)
    }

    /// Makes a code from random words (one per character); the bias of `% 31` on a u32 is < 1e-8.
    pub fn from_random(words: [u32; CODE_LEN]) -> Self {
        HandoffCode(random_code(&words))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as shown to people, in two groups of three: "AB3 K79".
    pub fn grouped(&self) -> String {
        grouped(&self.0)
    }
}

/// A code of `len` characters of [`ALPHABET`] as a person typed it (case, spaces and dashes do not
/// matter), or `None`. Shared by hand-off and kiosk enrolment codes.
pub(crate) fn typed_code(raw: &str, len: usize) -> Option<String> {
    let code: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect();
    (code.len() == len && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// A code from random words, one per character; the bias of `% 31` on a u32 is < 1e-8.
pub(crate) fn random_code(words: &[u32]) -> String {
    words.iter().map(|w| char::from(ALPHABET[(*w as usize) % ALPHABET.len()])).collect()
}

/// A code as shown to people, in two halves: "AB3 K79".
pub(crate) fn grouped(code: &str) -> String {
    let (head, tail) = code.split_at(code.len() / 2);
    format!("{head} {tail}")
}

impl TryFrom<String> for HandoffCode {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        HandoffCode::parse(&raw)
    }
}

impl From<HandoffCode> for String {
    fn from(c: HandoffCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typed_codes_ignore_case_spaces_and_dashes() {
        assert_eq!(HandoffCode::parse("ab3-k7 9").unwrap().as_str(), "AB3K79");
    }

    #[test]
    fn codes_are_shown_in_two_groups_of_three() {
        assert_eq!(HandoffCode::parse("ab3k79").unwrap().grouped(), "AB3 K79");
    }

    #[test]
    fn ambiguous_or_wrong_length_codes_are_rejected() {
        for bad in ["AB3K7", "AB3K790", "AB3K7O", "AB3K7I", "AB3K71", "ЖЖЖЖЖЖ"] {
            assert!(HandoffCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn generated_codes_always_parse(words in any::<[u32; CODE_LEN]>()) {
            let code = HandoffCode::from_random(words);
            prop_assert_eq!(HandoffCode::parse(code.as_str()), Ok(code.clone()));
        }
    }
}
