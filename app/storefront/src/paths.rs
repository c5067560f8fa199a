//! The public addresses: Russian at `/…`, English under `/en/…`.

use vitrina_shared::i18n::Locale;

/// The address of `path` (starting with `/`, without a language prefix) in `locale`.
pub fn localized(locale: Locale, path: &str) -> String {
    match locale {
        Locale::Ru => path.to_owned(),
        Locale::En if path == "/" => "/en/".to_owned(),
        Locale::En => format!("/en{path}"),
    }
}

/// Splits a request path into its language and the path without the prefix: `/en/p/X` →
/// (English, `/p/X`); `/en` → (English, `/`); anything else is Russian as it is.
pub fn split_locale(path: &str) -> (Locale, &str) {
    match path.strip_prefix("/en") {
        Some("") => (Locale::En, "/"),
        Some(rest) if rest.starts_with('/') => (Locale::En, rest),
        _ => (Locale::Ru, path),
    }
}

/// `text` percent-encoded for a query string value (UTF-8, unreserved characters kept).
pub fn encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_lives_under_en_and_russian_at_the_root() {
        assert_eq!(localized(Locale::Ru, "/p/PHN-0001"), "/p/PHN-0001");
        assert_eq!(localized(Locale::En, "/p/PHN-0001"), "/en/p/PHN-0001");
        assert_eq!(localized(Locale::En, "/"), "/en/");
        assert_eq!(split_locale("/en/p/PHN-0001"), (Locale::En, "/p/PHN-0001"));
        assert_eq!(split_locale("/en"), (Locale::En, "/"));
        assert_eq!(split_locale("/en/"), (Locale::En, "/"));
        assert_eq!(split_locale("/english"), (Locale::Ru, "/english"));
        assert_eq!(split_locale("/c/phones"), (Locale::Ru, "/c/phones"));
    }

    #[test]
    fn a_query_is_encoded_byte_by_byte() {
        assert_eq!(encode_query("смарт nova"), "%D1%81%D0%BC%D0%B0%D1%80%D1%82+nova");
        assert_eq!(encode_query("a&b=c"), "a%26b%3Dc");
    }
}
