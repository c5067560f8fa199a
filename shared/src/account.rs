//! Accounts: e-mail addresses, password policy, roles and sales channels.

use crate::DomainError;
use serde::{Deserialize, Serialize};

/// Shortest password accepted (NIST SP 800-63B: at least 8).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted, so hashing cost stays bounded.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A normalised (trimmed, lower-cased) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let email = raw.trim().to_lowercase();
        let invalid = || DomainError::InvalidEmail(raw.chars().take(64).collect());
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok =
            domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.contains("..") && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Email(email))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
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
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Staff => "staff",
            Role::Marketer => "marketer",
        }
    }
    pub fn parse(raw: &str) -> Option<Role> {
        [Role::Customer, Role::Staff, Role::Marketer].into_iter().find(|r| r.as_str() == raw)
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
        for r in [Role::Customer, Role::Staff, Role::Marketer] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for c in [Channel::Web, Channel::Pwa, Channel::Kiosk, Channel::Pos] {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        assert_eq!(Channel::parse("fax"), None);
    }
}
