//! The catalog's listings in memory: what a category or search page shows — the matching products
//! in order, their count and the brand and attribute counts beside them — answered from an index
//! of the live products instead of by SQL over every matching row.
//!
//! Why: at 100,000 products a category or a search for «телефон» matches 8,000 of them, and SQL
//! that counts brands and attribute values, ranks by bm25 and picks a page looks at each one on
//! every request (tens to hundreds of milliseconds). Here the same answers take a pass over
//! integers. The native host keeps one [`ListingIndex`] per catalog version (`edge::listing`);
//! Spin, whose instances live for one request, answers from SQL (`edge::db::catalog`), and a test
//! holds the two to the same answers.
//!
//! The index answers the same questions SQL does, the same way:
//! - text matching on the search documents' terms, as FTS5 does for the expression of
//!   [`crate::search::match_expression`] (every query term, or one of its synonyms, present;
//!   the last term as a prefix when asked), ranked by FTS5's bm25 with the title weighing 5 and the
//!   rest 1;
//! - the filters of [`Filters`] except "in stock in a city" (stock changes with every sale, so
//!   that filter stays with SQL), and every [`Sort`] except [`Sort::Popular`] (units sold come from
//!   orders): [`ListingIndex::answers`] says which queries it takes.

use crate::catalog::{Filters, Sort};
use crate::ids::Sku;
use crate::search::QueryTerm;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

/// bm25's parameters, FTS5's own.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// The weight of a term in the title (name and brand) and in the body, as the SQL asks FTS5's bm25.
const TITLE_WEIGHT: f64 = 5.0;
const BODY_WEIGHT: f64 = 1.0;
/// The most values an attribute may have to be offered as a filter (a screen size per product is
/// not a choice); the SQL (`edge::db::catalog::attribute_counts`) applies it too.
pub const MAX_FACET_VALUES: usize = 8;

/// A product's search document: its normalised name and its terms (space-separated), as
/// `search::index_text` made them.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub name: String,
    pub title: String,
    pub body: String,
}

/// A live product as listings see it.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedProduct {
    pub sku: Sku,
    /// Its row id: the order of addition ([`Sort::New`]).
    pub id: i64,
    pub category: String,
    pub brand: String,
    /// The price in force when the index was built, in kopecks.
    pub price_minor: i64,
    /// Catalog order.
    pub position: i64,
    pub rating_total: i64,
    pub rating_count: i64,
    /// Units on hand somewhere in the chain (search ranks these first).
    pub in_stock: bool,
    pub attributes: Vec<(String, String)>,
    /// `None` for a product not (yet) in the search index.
    pub document: Option<Document>,
}

/// A term's occurrence in a document: the product and how often the term is in its title and body.
#[derive(Debug, Clone, Copy)]
struct Posting {
    product: u32,
    title: u16,
    body: u16,
}

/// What a listing asks.
#[derive(Debug, Clone, Copy)]
pub struct ListingQuery<'a> {
    pub category: Option<&'a str>,
    /// The query's terms with their synonyms, and its normalised text (an exact name ranks first);
    /// `None` for a listing without text.
    pub search: Option<(&'a [QueryTerm], &'a str)>,
    pub filters: &'a Filters,
    pub sort: Sort,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// What a listing shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListingAnswer {
    /// Products matching the text, the category and every filter.
    pub total: u32,
    /// The page's products, in order.
    pub page: Vec<Sku>,
    /// Brands with their counts under every filter but the brand filter, the most first.
    pub brands: Vec<(String, u32)>,
    /// Attributes with 2 to [`MAX_FACET_VALUES`] values, each value's count under every filter but
    /// the attribute filters, by name, the most first.
    pub attributes: Vec<(String, Vec<(String, u32)>)>,
}

/// The live catalog, indexed for listings. Kept as columns, one entry per product in catalog
/// order, so that a pass over thousands of matches reads a few compact arrays (at 100,000
/// products, whole structures scattered on the heap made each pass wait on memory).
#[derive(Debug, Default)]
pub struct ListingIndex {
    skus: Vec<Sku>,
    category_of: Vec<u32>,
    categories: Vec<String>,
    price: Vec<i64>,
    /// The product's row id (the order of addition, for [`Sort::New`]).
    id: Vec<i64>,
    position: Vec<i64>,
    /// The mean rating damped towards 3 (what [`Sort::Rating`] orders by).
    rating: Vec<f64>,
    in_stock: Vec<bool>,
    /// The normalised name of each product's search document (empty without one).
    search_names: Vec<String>,
    /// Each product's brand and attribute values as numbers (into `brands`, `pairs`); a product's
    /// values are `pair_list[pair_start[n]..pair_start[n + 1]]`.
    brand_of: Vec<u32>,
    brands: Vec<String>,
    pair_start: Vec<u32>,
    pair_list: Vec<u32>,
    /// Attribute values: the attribute's number (into `names`) and the value.
    pairs: Vec<(u32, String)>,
    names: Vec<String>,
    by_category: HashMap<String, Vec<u32>>,
    terms: BTreeMap<String, Vec<Posting>>,
    /// Terms in each product's document (title and body).
    length: Vec<u32>,
    /// The first eight bytes of each product's normalised name (see [`head`]): most names are
    /// told from the search text's without comparing strings.
    heads: Vec<u64>,
    documents: u32,
    average_length: f64,
}

/// A product's place in a ranked listing: compared field by field.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    product: u32,
    /// The sort's key: kopecks (negated for the dearest first) or the row id (negated); the
    /// damped rating (negated) is apart, as the one key that is not a whole number.
    key: i64,
    rating: f64,
    name_rank: u8,
    in_stock: bool,
    relevance: f64,
    position: i64,
}

impl ListingIndex {
    /// Indexes `products` (the live ones).
    pub fn new(products: Vec<ListedProduct>) -> Self {
        let mut index = ListingIndex::default();
        let mut brand_ids: HashMap<String, u32> = HashMap::new();
        let mut pair_ids: HashMap<(String, String), u32> = HashMap::new();
        let mut name_ids: HashMap<String, u32> = HashMap::new();
        let mut category_ids: HashMap<String, u32> = HashMap::new();
        let mut tokens = 0_u64;
        index.pair_start.push(0);
        for (i, p) in products.into_iter().enumerate() {
            let n = u32::try_from(i).unwrap_or(u32::MAX);
            let next = u32::try_from(index.brands.len()).unwrap_or(u32::MAX);
            let brand = *brand_ids.entry(p.brand.clone()).or_insert_with(|| {
                index.brands.push(p.brand.clone());
                next
            });
            index.brand_of.push(brand);
            for pair in &p.attributes {
                let next = u32::try_from(index.pairs.len()).unwrap_or(u32::MAX);
                let id = match pair_ids.get(pair) {
                    Some(id) => *id,
                    None => {
                        let next_name = u32::try_from(index.names.len()).unwrap_or(u32::MAX);
                        let name = *name_ids.entry(pair.0.clone()).or_insert_with(|| {
                            index.names.push(pair.0.clone());
                            next_name
                        });
                        index.pairs.push((name, pair.1.clone()));
                        pair_ids.insert(pair.clone(), next);
                        next
                    }
                };
                index.pair_list.push(id);
            }
            index.pair_start.push(u32::try_from(index.pair_list.len()).unwrap_or(u32::MAX));
            let next = u32::try_from(index.categories.len()).unwrap_or(u32::MAX);
            let category = *category_ids.entry(p.category.clone()).or_insert_with(|| {
                index.categories.push(p.category.clone());
                next
            });
            index.category_of.push(category);
            index.by_category.entry(p.category.clone()).or_default().push(n);
            let mut length = 0_u32;
            if let Some(d) = &p.document {
                index.documents += 1;
                let mut counts: BTreeMap<&str, (u16, u16)> = BTreeMap::new();
                for t in d.title.split_whitespace() {
                    counts.entry(t).or_default().0 += 1;
                    length += 1;
                }
                for t in d.body.split_whitespace() {
                    counts.entry(t).or_default().1 += 1;
                    length += 1;
                }
                for (term, (title, body)) in counts {
                    index.terms.entry(term.to_owned()).or_default().push(Posting { product: n, title, body });
                }
            }
            tokens += u64::from(length);
            index.length.push(length);
            index.heads.push(p.document.as_ref().map_or(0, |d| head(&d.name)));
            index.search_names.push(p.document.map(|d| d.name).unwrap_or_default());
            index.price.push(p.price_minor);
            index.id.push(p.id);
            index.position.push(p.position);
            index.rating.push((p.rating_total as f64 + 6.0) / (p.rating_count as f64 + 2.0));
            index.in_stock.push(p.in_stock);
            index.skus.push(p.sku);
        }
        index.average_length = if index.documents == 0 { 1.0 } else { tokens as f64 / f64::from(index.documents) };
        index
    }

    /// The attribute values of product `n`.
    fn pairs_of(&self, n: usize) -> &[u32] {
        &self.pair_list[self.pair_start[n] as usize..self.pair_start[n + 1] as usize]
    }

    /// How many products it holds.
    pub fn len(&self) -> usize {
        self.skus.len()
    }

    pub fn is_empty(&self) -> bool {
        self.skus.is_empty()
    }

    /// Whether the index answers listings with these filters and this order: all but "in stock in
    /// a city" and "popular".
    pub fn answers(filters: &Filters, sort: Sort) -> bool {
        filters.in_stock.is_none() && sort != Sort::Popular
    }

    /// The products of one phrase (a term, or a prefix), each with its weighted frequency.
    fn phrase(&self, term: &str, prefix: bool) -> Vec<(u32, f64)> {
        let weigh = |p: &Posting| f64::from(p.title) * TITLE_WEIGHT + f64::from(p.body) * BODY_WEIGHT;
        if !prefix {
            return self.terms.get(term).map(|ps| ps.iter().map(|p| (p.product, weigh(p))).collect()).unwrap_or_default();
        }
        let mut all: Vec<(u32, f64)> = Vec::new();
        for (_, ps) in self.terms.range::<str, _>((Bound::Included(term), Bound::Unbounded)).take_while(|(t, _)| t.starts_with(term)) {
            all.extend(ps.iter().map(|p| (p.product, weigh(p))));
        }
        all.sort_by_key(|(n, _)| *n);
        all.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                kept.1 += later.1;
                true
            } else {
                false
            }
        });
        all
    }

    /// The products the terms match, each with its bm25 (negative: lower is more relevant), in
    /// product order.
    fn matching(&self, query: &[QueryTerm]) -> Vec<(u32, f64)> {
        // Each phrase in the expression's order, with its products and idf.
        let mut phrases: Vec<Vec<(u32, f64)>> = Vec::new();
        let mut matched: Option<Vec<u32>> = None;
        for q in query {
            let own = self.phrase(&q.term, q.prefix);
            let mut group: Vec<u32> = own.iter().map(|(n, _)| *n).collect();
            phrases.push(own);
            for alternative in &q.alternatives {
                let mut all: Option<Vec<u32>> = None;
                for term in alternative {
                    let found = self.phrase(term, false);
                    let these: Vec<u32> = found.iter().map(|(n, _)| *n).collect();
                    all = Some(match all {
                        None => these,
                        Some(before) => intersect(&before, &these),
                    });
                    phrases.push(found);
                }
                group = union(&group, &all.unwrap_or_default());
            }
            matched = Some(match matched {
                None => group,
                Some(before) => intersect(&before, &group),
            });
        }
        let matched = matched.unwrap_or_default();
        let rows = f64::from(self.documents);
        let idf: Vec<f64> = phrases
            .iter()
            .map(|p| {
                let hits = p.len() as f64;
                let idf = ((rows - hits + 0.5) / (hits + 0.5)).ln();
                if idf <= 0.0 {
                    1e-6
                } else {
                    idf
                }
            })
            .collect();
        let mut cursors = vec![0_usize; phrases.len()];
        matched
            .into_iter()
            .map(|n| {
                let d = f64::from(self.length[n as usize]);
                let mut score = 0.0;
                for (i, p) in phrases.iter().enumerate() {
                    while cursors[i] < p.len() && p[cursors[i]].0 < n {
                        cursors[i] += 1;
                    }
                    let freq = p.get(cursors[i]).filter(|(m, _)| *m == n).map_or(0.0, |(_, f)| *f);
                    score += idf[i] * ((freq * (K1 + 1.0)) / (freq + K1 * (1.0 - B + B * d / self.average_length)));
                }
                (n, -score)
            })
            .collect()
    }

    /// A listing: see [`ListingAnswer`]. Call only for a query [`ListingIndex::answers`] takes.
    pub fn query(&self, q: &ListingQuery<'_>) -> ListingAnswer {
        // The products the text and the category allow, with their relevance.
        let base: Vec<(u32, f64)> = match (q.search, q.category) {
            (Some((terms, _)), category) => {
                let found = self.matching(terms);
                match category {
                    Some(c) => match self.categories.iter().position(|x| x == c) {
                        Some(c) => found.into_iter().filter(|(n, _)| self.category_of[*n as usize] as usize == c).collect(),
                        None => Vec::new(),
                    },
                    None => found,
                }
            }
            (None, Some(c)) => self.by_category.get(c).map(|ns| ns.iter().map(|n| (*n, 0.0)).collect()).unwrap_or_default(),
            (None, None) => (0..self.skus.len()).map(|n| (u32::try_from(n).unwrap_or(u32::MAX), 0.0)).collect(),
        };
        let f = q.filters;
        let brands: Vec<u32> = f.brands.iter().filter_map(|b| self.brands.iter().position(|x| x == b)).map(|i| i as u32).collect();
        let (low, high) = (f.price_min.map(|r| i64::from(r) * 100), f.price_max.map(|r| i64::from(r) * 100));
        // Each attribute named, with the values it may have (as numbers: a value no product has
        // matches nothing).
        let mut wanted: Vec<(&str, Vec<u32>)> = Vec::new();
        for (name, value) in &f.attributes {
            let id = self.pairs.iter().position(|(n, v)| self.names[*n as usize] == *name && v == value).map(|i| i as u32);
            match wanted.iter_mut().find(|(n, _)| n == name) {
                Some((_, values)) => values.extend(id),
                None => wanted.push((name, id.into_iter().collect())),
            }
        }
        let mut brand_counts = vec![0_u32; self.brands.len()];
        let mut pair_counts = vec![0_u32; self.pairs.len()];
        let mut counted: Vec<u32> = Vec::new();
        let mut shown: Vec<(u32, f64)> = Vec::new();
        for (n, relevance) in base {
            let i = n as usize;
            let price = self.price[i];
            let brand_ok = f.brands.is_empty() || brands.contains(&self.brand_of[i]);
            let price_ok = low.is_none_or(|l| price >= l) && high.is_none_or(|h| price <= h);
            let attributes_ok = wanted.iter().all(|(_, values)| self.pairs_of(i).iter().any(|k| values.contains(k)));
            if price_ok && attributes_ok {
                brand_counts[self.brand_of[i] as usize] += 1;
            }
            if price_ok && brand_ok {
                for &k in self.pairs_of(i) {
                    if pair_counts[k as usize] == 0 {
                        counted.push(k);
                    }
                    pair_counts[k as usize] += 1;
                }
            }
            if brand_ok && price_ok && attributes_ok {
                shown.push((n, relevance));
            }
        }
        let total = u32::try_from(shown.len()).unwrap_or(u32::MAX);
        let page = self.page(&shown, q);
        let mut brands: Vec<(String, u32)> =
            brand_counts.into_iter().enumerate().filter(|(_, c)| *c > 0).map(|(b, c)| (self.brands[b].clone(), c)).collect();
        brands.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        // Only attributes with few enough values are offered: the others are dropped before sorting.
        let mut values_of = vec![0_usize; self.names.len()];
        for &k in &counted {
            values_of[self.pairs[k as usize].0 as usize] += 1;
        }
        let mut values: Vec<(&str, &str, u32)> = counted
            .into_iter()
            .filter(|&k| (2..=MAX_FACET_VALUES).contains(&values_of[self.pairs[k as usize].0 as usize]))
            .map(|k| {
                let (name, value) = &self.pairs[k as usize];
                (self.names[*name as usize].as_str(), value.as_str(), pair_counts[k as usize])
            })
            .collect();
        values.sort_by(|a, b| a.0.cmp(b.0).then_with(|| b.2.cmp(&a.2)).then_with(|| a.1.cmp(b.1)));
        let mut attributes: Vec<(String, Vec<(String, u32)>)> = Vec::new();
        for (name, value, c) in values {
            match attributes.last_mut() {
                Some((last, vs)) if last == name => vs.push((value.to_owned(), c)),
                _ => attributes.push((name.to_owned(), vec![(value.to_owned(), c)])),
            }
        }
        ListingAnswer { total, page, brands, attributes }
    }

    /// The page `q` asks for of the `shown` products: by the sort's key (if any), then — for a
    /// search — the exact name, a name that starts with the text, in stock, relevance; then catalog
    /// order. Only the page's products are put in full order.
    fn page(&self, shown: &[(u32, f64)], q: &ListingQuery<'_>) -> Vec<Sku> {
        let text = q.search.map(|(_, text)| text);
        let (text_head, mask) = text.map_or((0, 0), |t| (head(t), u64::MAX.checked_shl(8 * (8 - t.len().min(8)) as u32).unwrap_or(0)));
        let mut ranked: Vec<Ranked> = shown
            .iter()
            .map(|&(n, relevance)| {
                let i = n as usize;
                let (key, rating) = match q.sort {
                    Sort::Default | Sort::Popular => (0, 0.0),
                    Sort::PriceAsc => (self.price[i], 0.0),
                    Sort::PriceDesc => (-self.price[i], 0.0),
                    Sort::New => (-self.id[i], 0.0),
                    Sort::Rating => (0, -self.rating[i]),
                };
                let name_rank = match text {
                    Some(_) if self.heads[i] & mask != text_head => 2,
                    Some(t) if self.search_names[i] == t => 0,
                    Some(t) if self.search_names[i].starts_with(t) => 1,
                    _ => 2,
                };
                Ranked { product: n, key, rating, name_rank, in_stock: self.in_stock[i], relevance, position: self.position[i] }
            })
            .collect();
        let searching = text.is_some();
        let order = |a: &Ranked, b: &Ranked| -> Ordering {
            let by_key = a.key.cmp(&b.key).then_with(|| a.rating.partial_cmp(&b.rating).unwrap_or(Ordering::Equal));
            let ranked = if searching {
                a.name_rank
                    .cmp(&b.name_rank)
                    .then_with(|| b.in_stock.cmp(&a.in_stock))
                    .then_with(|| a.relevance.partial_cmp(&b.relevance).unwrap_or(Ordering::Equal))
            } else {
                Ordering::Equal
            };
            by_key.then(ranked).then_with(|| a.position.cmp(&b.position))
        };
        let from = ((q.page.max(1) - 1) * q.per_page) as usize;
        let to = (from + q.per_page as usize).min(ranked.len());
        if from >= ranked.len() {
            return Vec::new();
        }
        if to < ranked.len() {
            ranked.select_nth_unstable_by(to, order);
            ranked.truncate(to);
        }
        ranked.sort_unstable_by(order);
        ranked[from..to].iter().map(|r| self.skus[r.product as usize].clone()).collect()
    }
}

/// The first eight bytes of `text`, big-endian, zeros after its end: a text that starts with
/// another has the other's head under the other's length's mask.
fn head(text: &str) -> u64 {
    let mut bytes = [0_u8; 8];
    let n = text.len().min(8);
    bytes[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(bytes)
}

fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn union(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len().max(b.len())));
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x < y => {
                out.push(*x);
                i += 1;
            }
            (Some(x), Some(y)) if x > y => {
                out.push(*y);
                j += 1;
            }
            (Some(x), Some(_)) => {
                out.push(*x);
                i += 1;
                j += 1;
            }
            (Some(x), None) => {
                out.push(*x);
                i += 1;
            }
            (None, Some(y)) => {
                out.push(*y);
                j += 1;
            }
            (None, None) => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query_terms;

    fn product(n: i64, sku: &str, category: &str, brand: &str, roubles: i64, name: &str, attributes: &[(&str, &str)]) -> ListedProduct {
        let text = crate::search::terms(&format!("{name} {brand}")).join(" ");
        ListedProduct {
            sku: Sku::parse(sku).expect("sku"),
            id: n,
            category: category.into(),
            brand: brand.into(),
            price_minor: roubles * 100,
            position: n,
            rating_total: 0,
            rating_count: 0,
            in_stock: n % 2 == 1,
            attributes: attributes.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect(),
            document: Some(Document {
                name: crate::catalog::normalize_search(name),
                title: text,
                body: crate::search::terms(&format!("{sku} {category}")).join(" "),
            }),
        }
    }

    fn catalog() -> ListingIndex {
        ListingIndex::new(vec![
            product(1, "PHN-0001", "phones", "Nova", 30_000, "Смартфон Nova 5", &[("Память", "128 ГБ"), ("Цвет", "чёрный")]),
            product(2, "PHN-0002", "phones", "Orion", 60_000, "Смартфон Orion X", &[("Память", "256 ГБ"), ("Цвет", "белый")]),
            product(3, "PHN-0003", "phones", "Nova", 45_000, "Смартфон Nova 6", &[("Память", "256 ГБ"), ("Цвет", "чёрный")]),
            product(4, "TV-0001", "tv", "Nova", 50_000, "Телевизор Nova", &[("Диагональ", "55")]),
        ])
    }

    fn ask(index: &ListingIndex, category: Option<&str>, text: Option<&str>, filters: &Filters, sort: Sort) -> ListingAnswer {
        let terms = text.map(|t| query_terms(t, true));
        let normalised = text.map(crate::catalog::normalize_search);
        let search = terms.as_deref().zip(normalised.as_deref());
        index.query(&ListingQuery { category, search, filters, sort, page: 1, per_page: 24 })
    }

    fn skus(answer: &ListingAnswer) -> Vec<&str> {
        answer.page.iter().map(Sku::as_str).collect()
    }

    #[test]
    fn a_category_lists_its_products_filtered_with_brand_counts_that_ignore_the_brand_filter() {
        let filters = Filters { brands: vec!["Nova".into()], price_max: Some(50_000), ..Filters::default() };
        let answer = ask(&catalog(), Some("phones"), None, &filters, Sort::PriceDesc);
        assert_eq!(skus(&answer), ["PHN-0003", "PHN-0001"]);
        assert_eq!(answer.total, 2);
        assert_eq!(answer.brands, [("Nova".to_owned(), 2)], "Orion is over the price limit");
        assert_eq!(
            answer.attributes,
            [("Память".to_owned(), vec![("128 ГБ".to_owned(), 1), ("256 ГБ".to_owned(), 1)])],
            "one colour is no choice"
        );
    }

    #[test]
    fn attribute_filters_keep_any_named_value_and_their_own_counts_ignore_them() {
        let filters = Filters { attributes: vec![("Память".into(), "256 ГБ".into())], ..Filters::default() };
        let answer = ask(&catalog(), Some("phones"), None, &filters, Sort::Default);
        assert_eq!(skus(&answer), ["PHN-0002", "PHN-0003"]);
        assert_eq!(answer.attributes[0].1, [("256 ГБ".to_owned(), 2), ("128 ГБ".to_owned(), 1)]);
        assert_eq!(answer.brands, [("Nova".to_owned(), 1), ("Orion".to_owned(), 1)]);
    }

    #[test]
    fn a_search_matches_every_term_with_the_last_as_a_prefix_and_ranks_the_exact_name_first() {
        let index = catalog();
        let answer = ask(&index, None, Some("смартфон nova"), &Filters::default(), Sort::Default);
        assert_eq!(skus(&answer), ["PHN-0001", "PHN-0003"], "in stock first, then catalog order");
        let answer = ask(&index, None, Some("Смартфон Nova 6"), &Filters::default(), Sort::Default);
        assert_eq!(skus(&answer), ["PHN-0003"]);
        assert_eq!(ask(&index, None, Some("nov"), &Filters::default(), Sort::Default).total, 3);
        assert_eq!(ask(&index, Some("tv"), Some("nova"), &Filters::default(), Sort::Default).total, 1);
    }

    #[test]
    fn a_synonym_widens_a_term_and_ranks_by_bm25_when_names_tie() {
        let mut terms = query_terms("телефон", true);
        terms[0].alternatives = vec![vec!["смартфон".into()]];
        let filters = Filters::default();
        let answer = catalog().query(&ListingQuery {
            category: None,
            search: Some((&terms, "телефон")),
            filters: &filters,
            sort: Sort::Default,
            page: 1,
            per_page: 2,
        });
        assert_eq!(answer.total, 3);
        assert_eq!(skus(&answer), ["PHN-0001", "PHN-0003"], "a page of two, in-stock first");
    }

    #[test]
    fn pages_past_the_end_are_empty_and_the_in_stock_city_filter_and_popular_order_stay_with_sql() {
        let index = catalog();
        let filters = Filters::default();
        let answer =
            index.query(&ListingQuery { category: Some("phones"), search: None, filters: &filters, sort: Sort::New, page: 2, per_page: 2 });
        assert_eq!(skus(&answer), ["PHN-0001"]);
        let far =
            index.query(&ListingQuery { category: Some("phones"), search: None, filters: &filters, sort: Sort::New, page: 3, per_page: 2 });
        assert!(far.page.is_empty());
        assert!(!ListingIndex::answers(&filters, Sort::Popular));
        assert!(!ListingIndex::answers(&Filters { in_stock: Some(crate::store::City::Moscow), ..Filters::default() }, Sort::Default));
    }
}
