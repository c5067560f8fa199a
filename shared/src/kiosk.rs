//! Showroom kiosks: a tablet becomes a store's kiosk only when that store's staff enrol it, with a
//! one-time enrolment code issued at the staff desk and typed on the tablet.

use crate::handoff::{grouped, random_code, typed_code};
use serde::{Deserialize, Serialize};

/// Characters in an enrolment code (31^8 ≈ 852 billion codes): longer than a hand-off code,
/// because a kiosk is worth more to a guesser than a cart.
pub const ENROLMENT_CODE_LEN: usize = 8;
/// Minutes an enrolment code stays valid.
pub const ENROLMENT_VALID_MINUTES: i64 = 10;

/// Text that cannot be an enrolment code. The edge answers it as an unknown code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an enrolment code is {ENROLMENT_CODE_LEN} letters and digits, as shown at the staff desk")]
pub struct InvalidEnrolmentCode;

/// A well-formed enrolment code: [`ENROLMENT_CODE_LEN`] characters of the hand-off alphabet
/// (digits and capitals without the ambiguous 0/O, 1/I/L).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EnrolmentCode(String);

impl EnrolmentCode {
    /// Parses what staff typed: case, spaces and dashes do not matter.
    pub fn parse(raw: &str) -> Result<Self, InvalidEnrolmentCode> {
        typed_code(raw, ENROLMENT_CODE_LEN).map(EnrolmentCode).ok_or(InvalidEnrolmentCode)
    }

    /// Makes a code from random words (one per character); the bias of `% 31` on a u32 is < 1e-8.
    pub fn from_random(words: [u32; ENROLMENT_CODE_LEN]) -> Self {
        EnrolmentCode(random_code(&words))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code as shown to people, in two groups of four: "AB3K 79XY".
    pub fn grouped(&self) -> String {
        grouped(&self.0)
    }
}

impl TryFrom<String> for EnrolmentCode {
    type Error = InvalidEnrolmentCode;
    fn try_from(raw: String) -> Result<Self, InvalidEnrolmentCode> {
        EnrolmentCode::parse(&raw)
    }
}

impl From<EnrolmentCode> for String {
    fn from(c: EnrolmentCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typed_enrolment_codes_ignore_case_spaces_and_dashes() {
        assert_eq!(EnrolmentCode::parse("ab3k-79 xy").unwrap().as_str(), "AB3K79XY");
    }

    #[test]
    fn enrolment_codes_are_shown_in_two_groups_of_four() {
        assert_eq!(EnrolmentCode::parse("ab3k79xy").unwrap().grouped(), "AB3K 79XY");
    }

    #[test]
    fn ambiguous_or_wrong_length_enrolment_codes_are_rejected() {
        for bad in ["AB3K79X", "AB3K79XYZ", "AB3K79XO", "AB3K79X1", "ЖЖЖЖЖЖЖЖ", ""] {
            assert!(EnrolmentCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn generated_enrolment_codes_always_parse(words in any::<[u32; ENROLMENT_CODE_LEN]>()) {
            let code = EnrolmentCode::from_random(words);
            prop_assert_eq!(EnrolmentCode::parse(code.as_str()), Ok(code.clone()));
        }
    }
}
