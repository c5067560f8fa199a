//! The catalog: categories, products and the rules for searching and paging them.

use crate::store::City;
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

/// A product attribute such as "Экран" = "6,5″". Nothing else is read with it (a merchandiser's
/// typo in a field name is refused, not dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// How a listing is ordered: `sort=` in a category's or a search's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    /// The catalog's order on a category page; the best match first in a search.
    #[default]
    Default,
    /// Most units bought first (orders that count as purchases).
    Popular,
    PriceAsc,
    PriceDesc,
    /// The products added to the catalog last first.
    New,
    /// The best rated first: the mean of buyers' ratings damped towards 3 by two ratings, so one
    /// "5" does not outrank fifty that average 4.8.
    Rating,
}

impl Sort {
    pub const ALL: [Sort; 6] = [Sort::Default, Sort::Popular, Sort::PriceAsc, Sort::PriceDesc, Sort::New, Sort::Rating];

    /// The value in the address (`""` for the default, which is left out).
    pub fn slug(self) -> &'static str {
        match self {
            Sort::Default => "",
            Sort::Popular => "popular",
            Sort::PriceAsc => "price_asc",
            Sort::PriceDesc => "price_desc",
            Sort::New => "new",
            Sort::Rating => "rating",
        }
    }

    pub fn from_slug(raw: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.slug() == raw.trim())
    }
}

/// The most brands (and, apart, attribute values) one listing can be narrowed to.
pub const MAX_BRANDS: usize = 20;
/// The highest price a filter takes, in whole roubles.
pub const MAX_FILTER_PRICE: u32 = 100_000_000;

/// What a listing is narrowed to (`brand=` repeated, `price_min=`/`price_max=` in whole roubles,
/// `in_stock=` a city): every part must hold. Parts that make no sense are dropped by
/// [`Filters::from_pairs`], never refused: a shared or hand-edited address still shows a page.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    /// Any of these brands (exactly as the catalog spells them); empty means every brand.
    pub brands: Vec<String>,
    pub price_min: Option<u32>,
    pub price_max: Option<u32>,
    /// In stock (units not held) in at least one store of this city.
    pub in_stock: Option<City>,
    /// Attribute values (name, value), `attr=Память:128 ГБ` in the address: a product has one of
    /// the values named for each attribute named.
    pub attributes: Vec<(String, String)>,
}

impl Filters {
    /// The filters and the order an address's query pairs ask for; unknown keys are ignored.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Filters, Sort) {
        let mut filters = Filters::default();
        let mut sort = Sort::Default;
        let price = |raw: &str| raw.trim().parse::<u32>().ok().filter(|p| *p <= MAX_FILTER_PRICE);
        for (key, value) in pairs {
            match key {
                "brand" => {
                    if let Some(brand) = filter_text(value) {
                        if filters.brands.len() < MAX_BRANDS && !filters.brands.iter().any(|b| b == brand) {
                            filters.brands.push(brand.to_owned());
                        }
                    }
                }
                "price_min" => filters.price_min = price(value),
                "price_max" => filters.price_max = price(value),
                "in_stock" => filters.in_stock = City::from_slug(value.trim()),
                "attr" => {
                    let pair = value.split_once(':').and_then(|(n, v)| Some((filter_text(n)?, filter_text(v)?)));
                    if let Some((name, value)) = pair {
                        if filters.attributes.len() < MAX_BRANDS && !filters.attributes.iter().any(|(n, v)| n == name && v == value) {
                            filters.attributes.push((name.to_owned(), value.to_owned()));
                        }
                    }
                }
                "sort" => sort = Sort::from_slug(value).unwrap_or_default(),
                _ => {}
            }
        }
        (filters, sort)
    }

    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// The query pairs that ask for these filters and `sort` (what [`Filters::from_pairs`] reads).
    pub fn to_pairs(&self, sort: Sort) -> Vec<(&'static str, String)> {
        let mut pairs: Vec<(&'static str, String)> = self.brands.iter().map(|b| ("brand", b.clone())).collect();
        pairs.extend(self.price_min.map(|p| ("price_min", p.to_string())));
        pairs.extend(self.price_max.map(|p| ("price_max", p.to_string())));
        pairs.extend(self.in_stock.map(|c| ("in_stock", c.slug().to_owned())));
        pairs.extend(self.attributes.iter().map(|(n, v)| ("attr", format!("{n}:{v}"))));
        if sort != Sort::Default {
            pairs.push(("sort", sort.slug().to_owned()));
        }
        pairs
    }
}

/// `raw` trimmed, when it can be a brand, an attribute's name or a value in a filter: 1 to 80
/// characters, none of them a control character.
fn filter_text(raw: &str) -> Option<&str> {
    let text = raw.trim();
    (!text.is_empty() && text.chars().count() <= 80 && !text.chars().any(char::is_control)).then_some(text)
}

/// A validated catalog query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProductQuery {
    /// Normalised search text (see [`normalize_search`]); empty means no text filter.
    pub text: String,
    pub category: Option<CategoryId>,
    /// 1-based.
    pub page: u32,
    pub filters: Filters,
    pub sort: Sort,
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
        Ok(ProductQuery { text: normalize_search(raw), category, page, filters: Filters::default(), sort: Sort::Default })
    }

    /// This query narrowed by `filters` and ordered by `sort`.
    pub fn narrowed(self, filters: Filters, sort: Sort) -> Self {
        ProductQuery { filters, sort, ..self }
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

/// Longest product name, in characters.
pub const MAX_PRODUCT_NAME_CHARS: usize = 200;
/// Longest brand name, in characters.
pub const MAX_BRAND_CHARS: usize = 100;
/// Longest product description, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;
/// Most attributes on one product.
pub const MAX_ATTRIBUTES: usize = 50;
/// Longest attribute name and value, in characters.
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 60;
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 200;
/// Longest image path, in characters.
pub const MAX_IMAGE_CHARS: usize = 300;
/// Highest list price, in kopecks (100 million roubles).
pub const MAX_PRICE_MINOR: i64 = 10_000_000_000;

/// A field of a catalog write that does not fit: where it is (a JSON pointer into the body), a
/// stable reason code and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub reason: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: &'static str, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), reason, message: message.into() }
    }
}

/// A text field trimmed, between 1 (or 0 when it may be empty) and `max` characters, without
/// control characters (a line break is allowed where `multiline`).
pub fn check_text(field: &str, raw: &str, max: usize, may_be_empty: bool, multiline: bool) -> Result<String, FieldError> {
    let text = raw.trim();
    if text.is_empty() && !may_be_empty {
        return Err(FieldError::new(field, "required", "must not be empty"));
    }
    if text.chars().count() > max {
        return Err(FieldError::new(field, "too_long", format!("at most {max} characters")));
    }
    if text.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t'))) {
        return Err(FieldError::new(field, "control_character", "must not contain control characters"));
    }
    Ok(text.to_owned())
}

/// Attributes, each name and value checked, names unique (case-insensitively).
pub fn check_attributes(field: &str, raw: &[Attribute]) -> Result<Vec<Attribute>, FieldError> {
    if raw.len() > MAX_ATTRIBUTES {
        return Err(FieldError::new(field, "too_many", format!("at most {MAX_ATTRIBUTES} attributes")));
    }
    let mut out: Vec<Attribute> = Vec::with_capacity(raw.len());
    for (i, a) in raw.iter().enumerate() {
        let name = check_text(&format!("{field}/{i}/name"), &a.name, MAX_ATTRIBUTE_NAME_CHARS, false, false)?;
        let value = check_text(&format!("{field}/{i}/value"), &a.value, MAX_ATTRIBUTE_VALUE_CHARS, false, false)?;
        if out.iter().any(|o| o.name.to_lowercase() == name.to_lowercase()) {
            return Err(FieldError::new(format!("{field}/{i}/name"), "duplicate", format!("the attribute {name:?} is named twice")));
        }
        out.push(Attribute { name, value });
    }
    Ok(out)
}

/// An image path on this site (`/img/…`): no scheme or host, no `..`, no spaces or controls.
pub fn check_image(field: &str, raw: &str) -> Result<String, FieldError> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && raw.chars().count() <= MAX_IMAGE_CHARS
        && !raw.split('/').any(|part| part == "..")
        && raw.chars().all(|c| c.is_ascii_graphic() && c != '\\' && c != '"' && c != '<' && c != '>');
    if ok {
        Ok(raw.to_owned())
    } else {
        Err(FieldError::new(
            field,
            "invalid_image",
            format!("must be a path on this site such as /img/p/1.webp, at most {MAX_IMAGE_CHARS} characters"),
        ))
    }
}

/// A list price: roubles, not negative, whole kopecks, at most [`MAX_PRICE_MINOR`].
pub fn check_price(field: &str, price: &Money) -> Result<Money, FieldError> {
    if price.currency != crate::Currency::Rub {
        return Err(FieldError::new(format!("{field}/currency"), "unsupported_currency", "prices are in RUB"));
    }
    if price.amount.is_sign_negative() && !price.amount.is_zero() {
        return Err(FieldError::new(format!("{field}/amount"), "negative", "a price cannot be negative"));
    }
    if price.amount.normalize().scale() > price.currency.minor_digits() {
        return Err(FieldError::new(format!("{field}/amount"), "fraction_of_kopeck", "a price is in whole kopecks (two decimals at most)"));
    }
    let money = Money::new(price.amount, price.currency);
    if money.minor_units() > MAX_PRICE_MINOR {
        return Err(FieldError::new(format!("{field}/amount"), "too_large", "at most 100000000.00"));
    }
    Ok(money)
}

/// A product family (the model its variants share, e.g. `nova-x5`): 2–40 characters a–z, 0–9
/// and `-`, not at either end.
pub fn check_family(field: &str, raw: &str) -> Result<String, FieldError> {
    let family = raw.trim();
    let ok = (2..=40).contains(&family.len())
        && family.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !family.starts_with('-')
        && !family.ends_with('-');
    if ok {
        Ok(family.to_owned())
    } else {
        Err(FieldError::new(field, "invalid_family", "2–40 characters a–z, 0–9 and '-', such as nova-x5"))
    }
}

/// Whether making `parent` the parent of `id` would close a loop in the tree (`parent_of` gives
/// each category's current parent).
pub fn closes_a_loop(id: &CategoryId, parent: &CategoryId, parent_of: &dyn Fn(&CategoryId) -> Option<CategoryId>) -> bool {
    let mut at = Some(parent.clone());
    // A tree of n categories has paths of at most n steps; the bound also stops on a stored loop.
    for _ in 0..10_000 {
        match at {
            Some(c) if &c == id => return true,
            Some(c) => at = parent_of(&c),
            None => return false,
        }
    }
    true
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
    fn filters_and_the_order_are_read_from_an_address_and_written_back_the_same() {
        let pairs = [
            ("brand", "Nova"),
            ("brand", " Orbit "),
            ("brand", "Nova"),
            ("price_min", "1000"),
            ("price_max", "20000"),
            ("in_stock", "moscow"),
            ("attr", "Память: 128 ГБ"),
            ("attr", "Цвет:синий"),
            ("attr", "no colon"),
            ("sort", "price_asc"),
            ("utm_source", "x"),
        ];
        let (filters, sort) = Filters::from_pairs(pairs);
        assert_eq!(filters.brands, ["Nova", "Orbit"], "trimmed, each once");
        assert_eq!(filters.attributes, [("Память".to_owned(), "128 ГБ".to_owned()), ("Цвет".to_owned(), "синий".to_owned())]);
        assert_eq!(
            (filters.price_min, filters.price_max, filters.in_stock, sort),
            (Some(1000), Some(20000), Some(City::Moscow), Sort::PriceAsc)
        );
        let written = filters.to_pairs(sort);
        let (again, sort_again) = Filters::from_pairs(written.iter().map(|(k, v)| (*k, v.as_str())));
        assert_eq!((again, sort_again), (filters, sort));
    }

    #[test]
    fn nonsense_in_a_filter_drops_that_part_and_never_refuses_the_page() {
        let long = "x".repeat(81);
        let pairs = [
            ("brand", ""),
            ("brand", long.as_str()),
            ("price_min", "-5"),
            ("price_max", "abc"),
            ("in_stock", "paris"),
            ("sort", "cheapest"),
        ];
        let (filters, sort) = Filters::from_pairs(pairs);
        assert!(filters.is_empty(), "{filters:?}");
        assert_eq!(sort, Sort::Default);
        assert!(Filters::default().to_pairs(Sort::Default).is_empty(), "the default listing has a bare address");
        let many: Vec<String> = (0..30).map(|i| format!("B{i}")).collect();
        let (filters, _) = Filters::from_pairs(many.iter().map(|b| ("brand", b.as_str())));
        assert_eq!(filters.brands.len(), MAX_BRANDS);
    }

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
    fn catalog_fields_are_refused_at_their_pointer_with_a_reason() {
        assert_eq!(check_text("/name", "  Телефон ", 10, false, false), Ok("Телефон".into()));
        assert_eq!(check_text("/name", "   ", 10, false, false).unwrap_err().reason, "required");
        assert_eq!(check_text("/name", "a\u{0}b", 10, false, false).unwrap_err().reason, "control_character");
        assert!(check_text("/description", "line\nline", 100, true, true).is_ok());
        let twice = [Attribute { name: "Цвет".into(), value: "a".into() }, Attribute { name: "цвет".into(), value: "b".into() }];
        assert_eq!(check_attributes("/attributes", &twice).unwrap_err().field, "/attributes/1/name");
        assert!(check_image("/image", "/img/p/1.webp").is_ok());
        for bad in ["https://x.ru/a.png", "//x.ru/a.png", "/img/../secret", "/a b.png", ""] {
            assert!(check_image("/image", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_price_is_whole_kopecks_of_roubles_not_negative_and_bounded() {
        use rust_decimal::Decimal;
        use std::str::FromStr;
        let rub = |s: &str| Money { amount: Decimal::from_str(s).unwrap(), currency: crate::Currency::Rub };
        assert_eq!(check_price("/price", &rub("1990")).unwrap().minor_units(), 199_000);
        assert_eq!(check_price("/price", &rub("0")).unwrap().minor_units(), 0);
        assert_eq!(check_price("/price", &rub("-1")).unwrap_err().field, "/price/amount");
        assert_eq!(check_price("/price", &rub("1.005")).unwrap_err().reason, "fraction_of_kopeck");
        assert_eq!(check_price("/price", &rub("1.50")).unwrap().minor_units(), 150);
        assert_eq!(check_price("/price", &rub("100000000.01")).unwrap_err().reason, "too_large");
    }

    #[test]
    fn a_family_is_a_lowercase_slug() {
        assert_eq!(check_family("/family", " nova-x5 "), Ok("nova-x5".into()));
        for bad in ["Nova", "x", "-nova", "nova-", "нова", &"a".repeat(41)] {
            assert_eq!(check_family("/family", bad).unwrap_err().reason, "invalid_family", "{bad:?}");
        }
    }

    #[test]
    fn a_category_cannot_become_its_own_ancestor() {
        let id = |s: &str| CategoryId::parse(s).unwrap();
        // phones ⊂ electronics ⊂ catalog
        let parent_of = |c: &CategoryId| match c.as_str() {
            "phones" => Some(id("electronics")),
            "electronics" => Some(id("catalog")),
            _ => None,
        };
        assert!(closes_a_loop(&id("catalog"), &id("phones"), &parent_of));
        assert!(closes_a_loop(&id("phones"), &id("phones"), &parent_of));
        assert!(!closes_a_loop(&id("phones"), &id("catalog"), &parent_of));
        assert!(!closes_a_loop(&id("tv"), &id("electronics"), &parent_of));
    }

    #[test]
    fn page_counts_round_up() {
        assert_eq!(Page::<u8>::new(vec![], 1, 25).total_pages, 2);
        assert_eq!(Page::<u8>::new(vec![], 1, 0).total_pages, 0);
    }
}
