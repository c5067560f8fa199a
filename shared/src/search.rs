//! Search analysis: how product text and what shoppers type become the same terms.
//!
//! Both sides go through [`terms`]: lower-case, `ё` → `е`, split on everything that is not a
//! letter or a digit, and each word stemmed by Snowball (Russian for Cyrillic words, English for
//! Latin ones; `rust-stemmers`), so "Телефоны", "телефон" and "телефонов" are one term. The edge
//! stores the terms of each product in an SQLite FTS5 table and asks it with [`match_expression`];
//! synonyms (merchandisers' `телефон` → `смартфон`) widen a query term into alternatives, and a
//! term nothing matches may be replaced by a known term one edit away ([`within_one_edit`]).

use crate::catalog::{Category, Product};
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Query words considered; the rest of a long query is ignored.
pub const MAX_QUERY_TERMS: usize = 8;
/// Synonym pairs a merchandiser may keep.
pub const MAX_SYNONYMS: usize = 500;
/// Longest synonym word, in characters.
pub const MAX_SYNONYM_CHARS: usize = 40;
/// Shortest query word that typo tolerance corrects (shorter words have too many neighbours).
pub const MIN_CORRECTED_CHARS: usize = 4;

fn russian() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Russian))
}

fn english() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The words of `raw`, lower-cased with `ё` folded to `е`, split on anything that is not a letter
/// or a digit ("Wi-Fi" → `wi`, `fi`; "SM-0001" → `sm`, `0001`).
pub fn words(raw: &str) -> Vec<String> {
    raw.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase().replace('ё', "е")).collect()
}

/// One lower-case word's stem: Snowball Russian for a word with Cyrillic letters, English for
/// an ASCII one, the word itself otherwise (numbers, mixed scripts).
pub fn stem(word: &str) -> String {
    let cyrillic = word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let stemmed = if cyrillic && word.chars().all(|c| !c.is_ascii_alphabetic()) {
        russian().stem(word)
    } else if word.chars().all(|c| c.is_ascii_alphanumeric()) && word.chars().any(|c| c.is_ascii_alphabetic()) {
        english().stem(word)
    } else {
        return word.to_owned();
    };
    // A stem is never empty: a word that is all ending keeps itself.
    if stemmed.is_empty() {
        word.to_owned()
    } else {
        stemmed.into_owned()
    }
}

/// The search terms of `raw`: its [`words`], each stemmed.
pub fn terms(raw: &str) -> Vec<String> {
    words(raw).iter().map(|w| stem(w)).collect()
}

/// What a product is indexed as: `title` (name and brand) weighs more than `body` (category
/// names, attribute values, SKU). Both are space-separated terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexText {
    /// The name, normalised as a query is ([`crate::catalog::normalize_search`]): an exact match ranks first.
    pub name: String,
    pub title: String,
    pub body: String,
}

/// The terms a product is found by.
pub fn index_text(product: &Product, category: Option<&Category>) -> IndexText {
    let title = terms(&format!("{} {}", product.name, product.brand)).join(" ");
    let mut body = vec![product.sku.as_str().to_owned()];
    if let Some(c) = category {
        body.push(c.name_ru.clone());
        body.push(c.name_en.clone());
    }
    body.extend(product.attributes.iter().map(|a| a.value.clone()));
    IndexText { name: crate::catalog::normalize_search(&product.name), title, body: terms(&body.join(" ")).join(" ") }
}

/// One query term and what else it may be: its synonyms' terms (a multi-word synonym is a phrase).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub term: String,
    /// Matched as a prefix (the word being typed).
    pub prefix: bool,
    pub alternatives: Vec<Vec<String>>,
}

/// The query's terms: at most [`MAX_QUERY_TERMS`], the last one a prefix when `typing` is set (a
/// search box's suggestions, or a query whose last word may be unfinished).
pub fn query_terms(raw: &str, last_is_prefix: bool) -> Vec<QueryTerm> {
    let all = terms(raw);
    let n = all.len().min(MAX_QUERY_TERMS);
    all.into_iter()
        .take(n)
        .enumerate()
        .map(|(i, term)| QueryTerm { term, prefix: last_is_prefix && i + 1 == n, alternatives: Vec::new() })
        .collect()
}

/// A term as an FTS5 string (quoted: no term is ever read as an operator), `*` for a prefix.
fn fts_term(term: &str, prefix: bool) -> String {
    format!("\"{}\"{}", term.replace('"', "\"\""), if prefix { "*" } else { "" })
}

/// The FTS5 `MATCH` expression: every query term (or one of its alternatives) must be present.
/// `None` for a query with no terms.
pub fn match_expression(query: &[QueryTerm]) -> Option<String> {
    if query.is_empty() {
        return None;
    }
    let groups: Vec<String> = query
        .iter()
        .map(|q| {
            let mut options = vec![fts_term(&q.term, q.prefix)];
            for alt in &q.alternatives {
                let phrase: Vec<String> = alt.iter().map(|t| fts_term(t, false)).collect();
                options.push(if phrase.len() == 1 { phrase.concat() } else { format!("({})", phrase.join(" AND ")) });
            }
            if options.len() == 1 {
                options.concat()
            } else {
                format!("({})", options.join(" OR "))
            }
        })
        .collect();
    Some(groups.join(" AND "))
}

/// Whether `a` becomes `b` by at most one edit: a letter inserted, removed, replaced, or two
/// neighbours swapped (the typos a keyboard makes). Compared by characters, so Cyrillic counts right.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (la, lb) = (a.chars().count(), b.chars().count());
    let (short, long, n) = if la <= lb { (a, b, la) } else { (b, a, lb) };
    if la.abs_diff(lb) > 1 {
        return false;
    }
    // Equal leading and trailing characters; what is left between them is the edit.
    let head = short.chars().zip(long.chars()).take_while(|(x, y)| x == y).count();
    let tail = short.chars().rev().zip(long.chars().rev()).take_while(|(x, y)| x == y).count().min(n - head);
    if la != lb {
        // One inserted into the shorter.
        return head + tail == n;
    }
    if head + tail + 1 >= n {
        // Equal, or one replaced.
        return true;
    }
    // Two neighbours swapped.
    head + tail + 2 == n && {
        let mut s = short.chars().skip(head);
        let mut l = long.chars().skip(head);
        let (s0, s1, l0, l1) = (s.next(), s.next(), l.next(), l.next());
        s0 == l1 && s1 == l0
    }
}

/// A synonym pair as a merchandiser typed it, refused with the reason when it cannot work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Synonym {
    /// One word, normalised (lower case, `ё` → `е`).
    pub term: String,
    /// One or more words, normalised.
    pub expands_to: String,
}

/// Why a synonym list is refused: `index` is the pair's position in the list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynonymError {
    #[error("at most {MAX_SYNONYMS} synonym pairs")]
    TooMany,
    #[error("pair {index}: the term must be one word of letters or digits, at most {MAX_SYNONYM_CHARS} characters")]
    BadTerm { index: usize },
    #[error("pair {index}: expands_to must be one to three words of letters or digits, at most {MAX_SYNONYM_CHARS} characters")]
    BadExpansion { index: usize },
    #[error("pair {index}: a word cannot expand to itself")]
    ExpandsToItself { index: usize },
    #[error("pair {index}: the same pair twice")]
    Duplicate { index: usize },
}

impl SynonymError {
    pub fn index(&self) -> Option<usize> {
        match self {
            SynonymError::TooMany => None,
            SynonymError::BadTerm { index }
            | SynonymError::BadExpansion { index }
            | SynonymError::ExpandsToItself { index }
            | SynonymError::Duplicate { index } => Some(*index),
        }
    }
}

/// Validates and normalises a whole synonym list (it replaces the stored one).
pub fn validate_synonyms(pairs: &[(String, String)]) -> Result<Vec<Synonym>, SynonymError> {
    if pairs.len() > MAX_SYNONYMS {
        return Err(SynonymError::TooMany);
    }
    let mut out: Vec<Synonym> = Vec::with_capacity(pairs.len());
    for (index, (term, expands_to)) in pairs.iter().enumerate() {
        let term_words = words(term);
        // At most so many characters as typed and as stored (lower case may be longer: "İ" → "i̇").
        let is_clean = |raw: &str, ws: &[String]| {
            let stored = ws.join(" ");
            raw.chars().count() <= MAX_SYNONYM_CHARS
                && stored.chars().count() <= MAX_SYNONYM_CHARS
                && stored == crate::catalog::normalize_search(raw)
        };
        if term_words.len() != 1 || !is_clean(term, &term_words) {
            return Err(SynonymError::BadTerm { index });
        }
        let to_words = words(expands_to);
        if !(1..=3).contains(&to_words.len()) || !is_clean(expands_to, &to_words) {
            return Err(SynonymError::BadExpansion { index });
        }
        let synonym = Synonym { term: term_words.join(" "), expands_to: to_words.join(" ") };
        if terms(&synonym.term) == terms(&synonym.expands_to) {
            return Err(SynonymError::ExpandsToItself { index });
        }
        if out.contains(&synonym) {
            return Err(SynonymError::Duplicate { index });
        }
        out.push(synonym);
    }
    Ok(out)
}

/// The synonyms a new shop starts with: what people type → what the catalog calls it.
pub const DEFAULT_SYNONYMS: &[(&str, &str)] = &[
    ("телефон", "смартфон"),
    ("мобильник", "смартфон"),
    ("сотовый", "смартфон"),
    ("phone", "смартфон"),
    ("smartphone", "смартфон"),
    ("айфон", "iphone"),
    ("айфон", "смартфон"),
    ("iphone", "смартфон"),
    ("самсунг", "samsung"),
    ("самсунг", "смартфон"),
    ("samsung", "смартфон"),
    ("galaxy", "смартфон"),
    ("xiaomi", "смартфон"),
    ("сяоми", "смартфон"),
    ("ноут", "ноутбук"),
    ("laptop", "ноутбук"),
    ("notebook", "ноутбук"),
    ("макбук", "ноутбук"),
    ("гарнитура", "наушники"),
    ("наушники", "гарнитура"),
    ("headphones", "наушники"),
    ("earbuds", "наушники"),
    ("airpods", "наушники"),
    ("телек", "телевизор"),
    ("тв", "телевизор"),
    ("tv", "телевизор"),
    ("пылесосик", "пылесос"),
    ("vacuum", "пылесос"),
    ("самокат", "электросамокат"),
    ("велик", "велосипед"),
    ("bike", "велосипед"),
    ("кофеварка", "кофемашина"),
    ("алиса", "умная колонка"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_forms_and_yo_share_one_term() {
        assert_eq!(terms("Телефоны"), terms("телефон"));
        assert_eq!(terms("смартфонов"), terms("Смартфон"));
        assert_eq!(terms("Ёлка"), terms("елка"));
        assert_eq!(terms("iPhones"), terms("iphone"));
        assert_eq!(words("SM-0001 Wi-Fi, 64 ГБ"), vec!["sm", "0001", "wi", "fi", "64", "гб"]);
    }

    #[test]
    fn the_match_expression_quotes_terms_and_ors_alternatives() {
        let mut q = query_terms("телефоны nova", true);
        q[0].alternatives.push(vec!["смартфон".into()]);
        q[0].alternatives.push(vec!["умн".into(), "колонк".into()]);
        assert_eq!(match_expression(&q).as_deref(), Some("(\"телефон\" OR \"смартфон\" OR (\"умн\" AND \"колонк\")) AND \"nova\"*"));
        assert_eq!(match_expression(&query_terms("  ,;  ", true)), None);
        assert_eq!(match_expression(&query_terms("a\"b OR c", false)).as_deref(), Some("\"a\" AND \"b\" AND \"or\" AND \"c\""));
    }

    #[test]
    fn one_edit_is_a_letter_inserted_removed_replaced_or_swapped() {
        assert!(within_one_edit("смартфн", "смартфон"));
        assert!(within_one_edit("смартфоон", "смартфон"));
        assert!(within_one_edit("смартфан", "смартфон"));
        assert!(within_one_edit("смартофн", "смартфон"));
        assert!(within_one_edit("смартфон", "смартфон"));
        assert!(!within_one_edit("смртфн", "смартфон"));
        assert!(!within_one_edit("смартфано", "смартфон"));
        assert!(!within_one_edit("ab", "ba "));
        assert!(within_one_edit("ab", "ba") && within_one_edit("", "a") && within_one_edit("aaa", "aa"));
        assert!(!within_one_edit("abc", "cba") && !within_one_edit("ab", "cd") && !within_one_edit("", "ab"));
    }

    /// Optimal string alignment distance (Levenshtein plus swapping neighbours), by the table.
    fn distance(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut d = vec![vec![0; b.len() + 1]; a.len() + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in d[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
                }
            }
        }
        d[a.len()][b.len()]
    }

    proptest::proptest! {
        #[test]
        fn one_edit_agrees_with_the_edit_distance_table(a in "[абв]{0,6}", b in "[абв]{0,6}") {
            proptest::prop_assert_eq!(within_one_edit(&a, &b), distance(&a, &b) <= 1, "{} {}", a, b);
        }
    }

    #[test]
    fn synonyms_are_one_word_to_a_few_words_normalised_and_never_to_themselves() {
        let ok = validate_synonyms(&[("Телефон".into(), "Смартфон".into()), ("Ёлка".into(), "новогодняя ель".into())]).expect("valid");
        assert_eq!(ok[1], Synonym { term: "елка".into(), expands_to: "новогодняя ель".into() });
        let err = |pairs: &[(&str, &str)]| {
            validate_synonyms(&pairs.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>()).unwrap_err()
        };
        assert_eq!(err(&[("два слова", "x")]), SynonymError::BadTerm { index: 0 });
        assert_eq!(err(&[("a", "b"), ("", "b")]), SynonymError::BadTerm { index: 1 });
        assert_eq!(err(&[("a", "b*")]), SynonymError::BadExpansion { index: 0 });
        assert_eq!(err(&[(&"İ".repeat(40), "b")]), SynonymError::BadTerm { index: 0 }, "40 characters typed, 80 stored");
        assert_eq!(err(&[("телефоны", "телефон")]), SynonymError::ExpandsToItself { index: 0 });
        assert_eq!(err(&[("a", "b"), ("A", "B")]), SynonymError::Duplicate { index: 1 });
        assert!(validate_synonyms(&DEFAULT_SYNONYMS.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect::<Vec<_>>()).is_ok());
    }
}
