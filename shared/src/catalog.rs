//! The catalog: categories, products and the rules for searching and paging them.

use crate::{CategoryId, DomainError, Money, Sku};
use serde::{Deserialize, Serialize};

/// Products per page in listings.
pub const PER_PAGE: u32 = 24;
/// Highest page number accepted.
pub const MAX_PAGE: u32 = 10_000;
/// Longest search text accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub name_ru: String,
    pub name_en: String,
    /// Self-hosted illustration, e.g. `/img/cat/smartphones.svg`.
    pub image: String,
}

/// A product attribute such as "Экран" = "6,5″".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub sku: Sku,
    pub name: String,
    pub brand: String,
    pub category: CategoryId,
    pub description: String,
    pub price: Money,
    pub attributes: Vec<Attribute>,
    pub image: String,
}

/// A validated catalog query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductQuery {
    /// Normalised search text (see [`normalize_search`]); empty means no text filter.
    pub text: String,
    pub category: Option<CategoryId>,
    /// 1-based.
    pub page: u32,
}

impl ProductQuery {
    /// Builds a query from raw parameters, rejecting out-of-range pages, over-long text and
    /// malformed category ids.
    pub fn parse(q: Option<&str>, category: Option<&str>, page: Option<u32>) -> Result<Self, DomainError> {
        let raw = q.unwrap_or("");
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(DomainError::QueryTooLong);
        }
        let page = page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(DomainError::InvalidPage);
        }
        let category = match category.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => Some(CategoryId::parse(c)?),
            None => None,
        };
        Ok(ProductQuery { text: normalize_search(raw), category, page })
    }

    pub fn offset(&self) -> u32 {
        (self.page - 1) * PER_PAGE
    }
}

/// Lower-cases (Unicode-aware, so Cyrillic too), folds `ё` to `е` and collapses whitespace,
/// so that "Ёлка  LED" matches "елка led". Applied both to stored search text and to queries.
pub fn normalize_search(raw: &str) -> String {
    raw.split_whitespace().map(|w| w.to_lowercase().replace('ё', "е")).collect::<Vec<_>>().join(" ")
}

/// The text a product is found by: name, brand, category names and attribute values.
pub fn search_text(product: &Product, category: Option<&Category>) -> String {
    let mut parts = vec![product.name.as_str(), product.brand.as_str(), product.sku.as_str()];
    if let Some(c) = category {
        parts.push(&c.name_ru);
        parts.push(&c.name_en);
    }
    parts.extend(product.attributes.iter().map(|a| a.value.as_str()));
    normalize_search(&parts.join(" "))
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u32,
    pub total_pages: u32,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, page: u32, total: u32) -> Self {
        Page { items, page, per_page: PER_PAGE, total, total_pages: total.div_ceil(PER_PAGE) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_normalisation_folds_case_yo_and_spaces() {
        assert_eq!(normalize_search("  Ёлка   LED Гирлянда "), "елка led гирлянда");
    }

    #[test]
    fn query_rejects_page_zero_long_text_and_bad_category() {
        assert_eq!(ProductQuery::parse(None, None, Some(0)).unwrap_err().code(), "invalid_page");
        assert_eq!(ProductQuery::parse(Some(&"a".repeat(101)), None, None).unwrap_err().code(), "query_too_long");
        assert_eq!(ProductQuery::parse(None, Some("Bad Cat"), None).unwrap_err().code(), "invalid_category");
        let ok = ProductQuery::parse(Some("Наушники"), Some("audio"), Some(2)).unwrap();
        assert_eq!((ok.text.as_str(), ok.offset()), ("наушники", PER_PAGE));
    }

    #[test]
    fn page_counts_round_up() {
        assert_eq!(Page::<u8>::new(vec![], 1, 25).total_pages, 2);
        assert_eq!(Page::<u8>::new(vec![], 1, 0).total_pages, 0);
    }
}
