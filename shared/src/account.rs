//! Accounts: e-mail addresses, password policy, roles and sales channels.

use crate::DomainError;
use serde::{Deserialize, Serialize};
#[cfg(feature = "unicode-email")]
use unicode_normalization::UnicodeNormalization;
#[cfg(feature = "unicode-email")]
use unicode_security::mixed_script::AugmentedScriptSet;
#[cfg(feature = "unicode-email")]
use unicode_security::MixedScript;

/// Shortest password accepted (NIST SP 800-63B: at least 8).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, so hashing cost stays bounded.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A normalised e-mail address: NFKC, trimmed, lower-cased, the domain in its ASCII (IDNA,
/// punycode) form. Addresses a person could not tell apart from another one are refused: invisible
/// characters, a name or domain label mixing alphabets (`ѕtaff`, `vitrinа`), and Latin look-alikes
/// of plain letters (`ıvan`). So one mailbox is one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// The part of an e-mail address a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPart {
    /// Before the `@`.
    Name,
    /// After the `@`.
    Domain,
}

impl std::fmt::Display for EmailPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EmailPart::Name => "name before the @",
            EmailPart::Domain => "domain after the @",
        })
    }
}

/// Why an e-mail address was refused, in words the person typing it can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailProblem {
    /// Not of the form `name@example.ru`, too long, or a domain IDNA refuses.
    #[error("this is not an e-mail address of the form name@example.ru")]
    Malformed,
    /// A zero-width, bidi-control or other invisible character (`U+200B`).
    #[error("the e-mail address contains an invisible character ({0}); type the address again instead of pasting it")]
    Invisible(String),
    /// Letters of two alphabets in one name or domain label, e.g. a Cyrillic `а` among Latin letters.
    #[error("the {part} mixes {scripts} letters; write it in one alphabet")]
    MixedScripts { part: EmailPart, scripts: String },
    /// Non-ASCII Latin letters that look exactly like plain ones (`ı` for `i`, `ɑ` for `a`).
    #[error("the {part} uses the look-alike letters {letters:?}; type them as plain Latin letters")]
    LookAlike { part: EmailPart, letters: String },
}

impl Email {
    /// Parses an address; see [`Email::parse_explained`] for why one is refused.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::parse_explained(raw).map_err(|_| DomainError::InvalidEmail(raw.chars().take(64).collect()))
    }

    /// Without the `unicode-email` feature (the browser app): the syntax only — trimmed,
    /// lower-cased, `name@domain.tld`. The server, built with the feature, decides.
    #[cfg(not(feature = "unicode-email"))]
    pub fn parse_explained(raw: &str) -> Result<Self, EmailProblem> {
        let email = raw.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else { return Err(EmailProblem::Malformed) };
        let domain_ok = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..");
        if local.is_empty() || local.len() > 64 || domain.contains('@') || !domain_ok || email.len() > 254 {
            return Err(EmailProblem::Malformed);
        }
        if let Some(c) = email.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(EmailProblem::Invisible(format!("U+{:04X}", u32::from(c))));
        }
        Ok(Email(email))
    }

    /// Parses and normalises an address the way both registration and sign-in must, so that the
    /// same mailbox typed differently finds the same account.
    #[cfg(feature = "unicode-email")]
    pub fn parse_explained(raw: &str) -> Result<Self, EmailProblem> {
        let trimmed = raw.trim();
        // Long enough for any valid address even before normalisation shortens it; bounds the work.
        if trimmed.len() > 1024 {
            return Err(EmailProblem::Malformed);
        }
        if let Some(c) = trimmed.chars().find(|&c| is_invisible(c)) {
            return Err(EmailProblem::Invisible(format!("U+{:04X}", u32::from(c))));
        }
        let nfkc: String = trimmed.nfkc().collect();
        if nfkc.chars().any(char::is_whitespace) {
            return Err(EmailProblem::Malformed);
        }
        let (local, domain) = nfkc.split_once('@').ok_or(EmailProblem::Malformed)?;
        // Lower-casing can leave a string that is no longer in NFKC, so normalise once more.
        let local: String = local.to_lowercase().nfkc().collect();
        if local.is_empty() || local.len() > 64 || domain.contains('@') {
            return Err(EmailProblem::Malformed);
        }
        // UTS 46 maps the domain (case, width, compatibility forms) and encodes it as punycode.
        let domain = idna::domain_to_ascii_cow(domain.as_bytes(), idna::AsciiDenyList::URL).map_err(|_| EmailProblem::Malformed)?;
        let domain_ok = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..");
        if !domain_ok {
            return Err(EmailProblem::Malformed);
        }
        check_readable(EmailPart::Name, &local)?;
        if domain.contains("xn--") {
            let (unicode, decoded) = idna::domain_to_unicode(&domain);
            decoded.map_err(|_| EmailProblem::Malformed)?;
            unicode.split('.').try_for_each(|label| check_readable(EmailPart::Domain, label))?;
        }
        let email = format!("{local}@{domain}");
        if email.len() > 254 {
            return Err(EmailProblem::Malformed);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether `c` shows nothing: a control character or a Default_Ignorable_Code_Point (zero-width
/// spaces and joiners, bidi controls, soft hyphen, variation selectors, tags). UTS 39's skeleton
/// drops exactly the default-ignorable code points and maps every other character to one or more.
#[cfg(feature = "unicode-email")]
fn is_invisible(c: char) -> bool {
    let mut buf = [0_u8; 4];
    (c.is_control() && !c.is_whitespace()) || unicode_security::skeleton(c.encode_utf8(&mut buf)).next().is_none()
}

/// Refuses a name or domain label a reader could take for another one (UTS 39): letters of two
/// scripts, or Latin letters that only imitate plain ASCII ones. Whole words in one other script
/// (`егор`) are someone's real address and stay allowed.
#[cfg(feature = "unicode-email")]
fn check_readable(part: EmailPart, text: &str) -> Result<(), EmailProblem> {
    if text.is_ascii() {
        return Ok(());
    }
    if !text.is_single_script() {
        return Err(EmailProblem::MixedScripts { part, scripts: script_names(text) });
    }
    let mut latin = AugmentedScriptSet::for_str(text);
    latin.intersect_with(AugmentedScriptSet::for_char('a'));
    if !latin.is_empty() && unicode_security::skeleton(text).all(|c| c.is_ascii()) {
        return Err(EmailProblem::LookAlike { part, letters: text.chars().filter(|c| !c.is_ascii()).collect() });
    }
    Ok(())
}

/// The scripts of the letters in `text`, in order of first use: "Latin and Cyrillic".
#[cfg(feature = "unicode-email")]
fn script_names(text: &str) -> String {
    let mut names: Vec<&'static str> = Vec::new();
    for c in text.chars() {
        let set = AugmentedScriptSet::for_char(c);
        if let Some(script) = set.base.iter().next().filter(|_| !set.is_all()) {
            if !names.contains(&script.full_name()) {
                names.push(script.full_name());
            }
        }
    }
    names.join(" and ")
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(raw: String) -> Result<Self, DomainError> {
        Email::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// Checks a new password against the policy: length only, as NIST advises (no composition rules).
pub fn check_password_policy(password: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        Ok(())
    } else {
        Err(DomainError::PasswordPolicy)
    }
}

/// Longest display name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A display name: trimmed, at most [`MAX_NAME_CHARS`] characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(DomainError::InvalidName);
    }
    Ok(name.to_owned())
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Staff,
    Marketer,
    /// Manages the catalog: products, their prices and archiving (staff may be granted it too).
    Merchandiser,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Staff => "staff",
            Role::Marketer => "marketer",
            Role::Merchandiser => "merchandiser",
        }
    }
    pub fn parse(raw: &str) -> Option<Role> {
        [Role::Customer, Role::Staff, Role::Marketer, Role::Merchandiser].into_iter().find(|r| r.as_str() == raw)
    }
}

/// Where a session shops from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Pwa,
    Kiosk,
    Pos,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Pwa => "pwa",
            Channel::Kiosk => "kiosk",
            Channel::Pos => "pos",
        }
    }
    pub fn parse(raw: &str) -> Option<Channel> {
        [Channel::Web, Channel::Pwa, Channel::Kiosk, Channel::Pos].into_iter().find(|c| c.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problem(raw: &str) -> EmailProblem {
        match Email::parse_explained(raw) {
            Ok(email) => panic!("{raw:?} was accepted as {:?}", email.as_str()),
            Err(problem) => problem,
        }
    }

    #[test]
    fn a_cyrillic_look_alike_in_the_domain_is_refused() {
        // Regression (issue 10): staff@vitrinа.local with a Cyrillic а registered as a new account.
        let refused = problem("staff@vitrin\u{430}.local");
        assert_eq!(refused, EmailProblem::MixedScripts { part: EmailPart::Domain, scripts: "Latin and Cyrillic".into() });
        assert_eq!(refused.to_string(), "the domain after the @ mixes Latin and Cyrillic letters; write it in one alphabet");
        // The same label already in punycode is decoded and refused the same way.
        let punycode = idna::domain_to_ascii("vitrin\u{430}.local").unwrap_or_default();
        assert!(matches!(problem(&format!("staff@{punycode}")), EmailProblem::MixedScripts { part: EmailPart::Domain, .. }));
    }

    #[test]
    fn a_cyrillic_look_alike_in_the_name_is_refused() {
        // Regression (issue 10): ѕtaff@… with a Cyrillic ѕ registered as a new account.
        let refused = problem("\u{455}taff@vitrina.local");
        assert_eq!(refused, EmailProblem::MixedScripts { part: EmailPart::Name, scripts: "Cyrillic and Latin".into() });
        assert!(refused.to_string().starts_with("the name before the @ mixes Cyrillic and Latin letters"), "{refused}");
        assert!(matches!(problem("\u{430}nna@example.ru"), EmailProblem::MixedScripts { .. }), "Cyrillic а in Latin anna");
        assert!(matches!(problem("j\u{3bf}hn@example.ru"), EmailProblem::MixedScripts { .. }), "Greek ο in Latin john");
    }

    #[test]
    fn a_zero_width_space_is_refused_as_invisible() {
        // Regression (issue 10): an address with a zero-width space registered as a new account.
        assert_eq!(problem("sta\u{200B}ff@vitrina.local"), EmailProblem::Invisible("U+200B".into()));
        assert!(problem("staff@vitrina.local\u{200B}").to_string().contains("invisible character (U+200B)"));
    }

    #[test]
    fn bidi_controls_and_other_invisible_characters_are_refused() {
        // Zero-width non-joiner and joiner, LRM, RLM, RLO, LRI, PDI, word joiner, BOM, soft hyphen,
        // combining grapheme joiner, a variation selector, a tag letter, NUL and BEL.
        let invisible =
            "\u{200C}\u{200D}\u{200E}\u{200F}\u{202E}\u{2066}\u{2069}\u{2060}\u{FEFF}\u{00AD}\u{034F}\u{FE0F}\u{E0041}\u{0}\u{7}";
        for c in invisible.chars() {
            let raw = format!("an{c}na@example.ru");
            assert_eq!(problem(&raw), EmailProblem::Invisible(format!("U+{:04X}", u32::from(c))), "{raw:?}");
            let raw = format!("anna@exam{c}ple.ru");
            assert!(matches!(problem(&raw), EmailProblem::Invisible(_)), "{raw:?}");
        }
    }

    #[test]
    fn latin_look_alikes_of_plain_letters_are_refused() {
        assert_eq!(problem("\u{131}van@example.ru"), EmailProblem::LookAlike { part: EmailPart::Name, letters: "\u{131}".into() });
        assert!(matches!(problem("st\u{251}ff@vitrina.local"), EmailProblem::LookAlike { part: EmailPart::Name, .. }), "Latin alpha ɑ");
        assert!(matches!(problem("staff@v\u{131}trina.local"), EmailProblem::LookAlike { part: EmailPart::Domain, .. }));
    }

    #[test]
    fn compatibility_forms_normalise_to_the_plain_address() {
        let fullwidth = "\u{FF33}\u{FF34}\u{FF21}\u{FF26}\u{FF26}\u{FF20}\u{FF56}\u{FF49}\u{FF54}\u{FF52}\u{FF49}\u{FF4E}\u{FF41}.local";
        assert_eq!(Email::parse(fullwidth).map(String::from), Ok("staff@vitrina.local".into()), "fullwidth letters and @");
        assert_eq!(Email::parse("\u{17F}taff@vitrina.local").map(String::from), Ok("staff@vitrina.local".into()), "long s ſ is s");
        assert_eq!(Email::parse("\u{FB01}nance@example.ru").map(String::from), Ok("finance@example.ru".into()), "the ﬁ ligature");
    }

    #[test]
    fn international_domains_are_stored_in_punycode_and_found_either_way() {
        let typed = Email::parse("\u{410}\u{43D}\u{43D}\u{430}@\u{41F}\u{43E}\u{447}\u{442}\u{430}.\u{420}\u{424}").map(String::from);
        assert_eq!(typed, Ok("\u{430}\u{43D}\u{43D}\u{430}@xn--80a1acny.xn--p1ai".into()));
        assert_eq!(Email::parse("\u{430}\u{43D}\u{43D}\u{430}@XN--80A1ACNY.xn--p1ai").map(String::from), typed);
    }

    #[test]
    fn a_whole_name_in_one_other_alphabet_is_allowed() {
        // егор: every letter looks Latin, but it is one alphabet and a real person's address.
        assert_eq!(
            Email::parse("\u{415}\u{433}\u{43E}\u{440}@mail.ru").map(String::from),
            Ok("\u{435}\u{433}\u{43E}\u{440}@mail.ru".into())
        );
        assert!(Email::parse("jos\u{E9}@example.es").is_ok(), "accented Latin letters are not look-alikes");
        assert!(Email::parse("\u{7530}\u{4E2D}\u{3055}\u{3093}@example.jp").is_ok(), "Han and Hiragana are one Japanese script");
    }

    #[test]
    fn existing_ascii_addresses_keep_their_stored_form() {
        for stored in ["staff@vitrina.local", "marketer@vitrina.local", "anna.petrova+shop@example.ru", "o'brien_2@mail.example.co.uk"] {
            assert_eq!(Email::parse(stored).map(String::from), Ok(stored.to_owned()));
        }
    }

    #[test]
    fn a_malformed_address_is_not_mistaken_for_a_trust_problem() {
        for bad in ["anna", "an na@example.ru", "anna@exa%mple.ru", "anna@xn--zz.ru", "anna@example.ru."] {
            assert_eq!(problem(bad), EmailProblem::Malformed, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn an_accepted_address_parses_to_itself(raw in "[a-zA-Z\u{430}-\u{44F}\u{410}-\u{42F}0-9\u{FF21}-\u{FF3A}\u{131}\u{17F}\u{E9}._+-]{1,12}@[a-zA-Z\u{430}-\u{44F}0-9\u{FF41}-\u{FF5A}-]{1,10}\\.(ru|com|\u{440}\u{444}|\u{420}\u{424})") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                prop_assert!(email.as_str().split_once('@').is_some_and(|(_, domain)| domain.is_ascii()), "the domain is stored in ASCII");
            }
        }

        #[test]
        fn any_text_that_parses_is_a_fixed_point(raw in "[^@\\s]{1,10}@[^@\\s.]{1,10}\\.(ru|\\PC{1,4})") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn an_invisible_character_anywhere_is_refused(
            local in "[a-z0-9.]{1,10}",
            domain in "[a-z0-9]{1,10}\\.ru",
            at in 0_usize..32,
            invisible in prop::sample::select(vec!['\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{202A}', '\u{202E}', '\u{2067}', '\u{2060}', '\u{FEFF}', '\u{AD}']),
        ) {
            let mut chars: Vec<char> = format!("{local}@{domain}").chars().collect();
            chars.insert(at.min(chars.len()), invisible);
            let raw: String = chars.into_iter().collect();
            prop_assert_eq!(Email::parse_explained(&raw), Err(EmailProblem::Invisible(format!("U+{:04X}", u32::from(invisible)))));
        }

        #[test]
        fn one_cyrillic_look_alike_in_a_latin_word_is_refused(word in "[a-z]{3,10}", at in 0_usize..10) {
            // а е о р с у х: Cyrillic letters drawn like Latin a e o p c y x.
            let swaps = [('a', '\u{430}'), ('e', '\u{435}'), ('o', '\u{43E}'), ('p', '\u{440}'), ('c', '\u{441}'), ('y', '\u{443}'), ('x', '\u{445}')];
            let mut chars: Vec<char> = word.chars().collect();
            let i = at % chars.len();
            chars[i] = swaps.iter().find(|(l, _)| *l == chars[i]).map_or('\u{430}', |(_, c)| *c);
            let spoof: String = chars.into_iter().collect();
            let has_latin = spoof.chars().any(|c| c.is_ascii_lowercase());
            prop_assume!(has_latin);
            prop_assert!(matches!(Email::parse_explained(&format!("{spoof}@example.ru")), Err(EmailProblem::MixedScripts { part: EmailPart::Name, .. })), "name {:?}", spoof);
            prop_assert!(matches!(Email::parse_explained(&format!("anna@{spoof}.ru")), Err(EmailProblem::MixedScripts { part: EmailPart::Domain, .. })), "domain {:?}", spoof);
        }
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Anna.Petrova@Example.RU ").unwrap().as_str(), "anna.petrova@example.ru");
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in
            ["", "anna", "anna@", "@example.ru", "anna@example", "an na@example.ru", "anna@@example.ru", "anna@.ru", "anna@example..ru"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn passwords_need_8_to_128_characters() {
        assert!(check_password_policy("1234567").is_err());
        assert!(check_password_policy("пароль12").is_ok(), "counted in characters, not bytes");
        assert!(check_password_policy(&"x".repeat(129)).is_err());
    }

    #[test]
    fn names_are_trimmed_and_limited() {
        assert_eq!(parse_name("  Анна ").unwrap(), "Анна");
        assert!(parse_name(&"я".repeat(101)).is_err());
        assert!(parse_name("Anna\u{0}").is_err());
    }

    #[test]
    fn roles_and_channels_round_trip_through_their_names() {
        for r in [Role::Customer, Role::Staff, Role::Marketer, Role::Merchandiser] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for c in [Channel::Web, Channel::Pwa, Channel::Kiosk, Channel::Pos] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }
}

/// Where to go back to after signing in: `next` if it is a path on this site (`/p/PHN-0001`,
/// `/en/c/tv?page=2`), never another origin (`//evil.example`, `https://…`, `/\\evil`), a
/// control character or the sign-in page itself.
pub fn safe_return_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 512
        && !next.chars().any(char::is_control)
        && !next.starts_with("/signin");
    ok.then_some(next)
}

#[cfg(test)]
mod return_path_tests {
    use super::safe_return_path;

    #[test]
    fn sign_in_returns_only_to_paths_on_this_site() {
        assert_eq!(safe_return_path("/p/PHN-0001"), Some("/p/PHN-0001"));
        assert_eq!(safe_return_path("/en/c/tv?page=2"), Some("/en/c/tv?page=2"));
        for bad in ["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "", "/signin?next=/x", "/a\nb"] {
            assert_eq!(safe_return_path(bad), None, "{bad:?}");
        }
    }
}
