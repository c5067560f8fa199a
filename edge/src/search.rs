//! Search: what a shopper types → products (synonyms, prefix of the last word, one typo
//! forgiven), suggestions while typing, and what an empty result offers instead. The terms come
//! from `vitrina_shared::search`; the SQL from `db::catalog` (the index) and `db::search`.

use crate::db::{catalog, search as db};
use crate::ports::{Sql, StorageError};
use vitrina_shared::api::{CategoryInfo, ProductSummary, Suggestion};
use vitrina_shared::catalog::{Page, ProductQuery, PER_PAGE};
use vitrina_shared::listing::{ListingIndex, ListingQuery};
use vitrina_shared::search::{match_expression, query_terms, terms, within_one_edit, words, QueryTerm, MIN_CORRECTED_CHARS};
use vitrina_shared::CategoryId;

/// Suggestions while typing, at most.
pub const MAX_SUGGESTIONS: usize = 8;

/// A page of products for a query: by text when it has any (ranked: exact name, then in stock,
/// then relevance), else the category's or the catalog's listing. From the listing `index` when
/// one is given and takes the query, else from SQL.
pub async fn products(
    sql: &dyn Sql,
    index: Option<&ListingIndex>,
    q: &ProductQuery,
    now: i64,
) -> Result<Page<ProductSummary>, StorageError> {
    Ok(find(sql, index, q, now).await?.page)
}

/// The brands and attribute values a listing offers, with their counts (see
/// `vitrina_shared::listing::ListingAnswer`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub brands: Vec<(String, u32)>,
    pub attributes: Vec<(String, Vec<(String, u32)>)>,
}

/// What a search found, and the query it was read as when a typo was corrected.
pub struct Found {
    pub page: Page<ProductSummary>,
    /// The query with its corrected words, e.g. "смартфон" for "смартфн"; `None` when read as typed.
    pub corrected: Option<String>,
    /// The FTS5 expression the page was found by (`None` for a listing without text), for the
    /// brands offered beside the results (`catalog::brand_counts`).
    pub expression: Option<String>,
    /// The facets, when the index answered (it counts them on the way); SQL counts them apart.
    facets: Option<Facets>,
}

/// A listing page and its facets: what category and search pages show.
pub async fn listing(sql: &dyn Sql, index: Option<&ListingIndex>, q: &ProductQuery, now: i64) -> Result<(Found, Facets), StorageError> {
    let mut found = find(sql, index, q, now).await?;
    let facets = match (found.facets.take(), &found.expression) {
        (Some(facets), _) => facets,
        (None, expression) if q.text.is_empty() || expression.is_some() => Facets {
            brands: catalog::brand_counts(sql, q, expression.as_deref(), now).await?,
            attributes: catalog::attribute_counts(sql, q, expression.as_deref(), now).await?,
        },
        (None, _) => Facets::default(),
    };
    Ok((found, facets))
}

/// Where a listing's products come from.
#[derive(Clone, Copy)]
enum Source<'a> {
    Sql,
    Index(&'a ListingIndex),
}

/// The products `query` (its terms, read as the FTS5 `expression`) finds under `q`'s category,
/// filters and order, with the facets when the index counted them.
async fn matching(
    sql: &dyn Sql,
    source: Source<'_>,
    query: &[QueryTerm],
    expression: &str,
    q: &ProductQuery,
    now: i64,
) -> Result<(Page<ProductSummary>, Option<Facets>), StorageError> {
    match source {
        Source::Sql => {
            Ok((catalog::search_matching(sql, expression, &q.text, q.category.as_ref(), &q.filters, q.sort, q.page, now).await?, None))
        }
        Source::Index(index) => from_index(sql, index, Some((query, &q.text)), q, now).await,
    }
}

/// A listing answered by the index: its page's products read by SKU.
async fn from_index(
    sql: &dyn Sql,
    index: &ListingIndex,
    search: Option<(&[QueryTerm], &str)>,
    q: &ProductQuery,
    now: i64,
) -> Result<(Page<ProductSummary>, Option<Facets>), StorageError> {
    let answer = index.query(&ListingQuery {
        category: q.category.as_ref().map(CategoryId::as_str),
        search,
        filters: &q.filters,
        sort: q.sort,
        page: q.page,
        per_page: PER_PAGE,
    });
    let items = catalog::summaries(sql, &answer.page, now).await?;
    Ok((Page::new(items, q.page, answer.total), Some(Facets { brands: answer.brands, attributes: answer.attributes })))
}

/// [`products`], saying whether the query was corrected.
pub async fn find(sql: &dyn Sql, index: Option<&ListingIndex>, q: &ProductQuery, now: i64) -> Result<Found, StorageError> {
    let source = match index {
        Some(index) if ListingIndex::answers(&q.filters, q.sort) => Source::Index(index),
        _ => Source::Sql,
    };
    let as_typed = |(page, facets), expression| Ok(Found { page, corrected: None, expression, facets });
    if q.text.is_empty() {
        return match source {
            Source::Index(index) => as_typed(from_index(sql, index, None, q, now).await?, None),
            Source::Sql => as_typed((catalog::search_products(sql, q, now).await?, None), None),
        };
    }
    let mut query = query_terms(&q.text, true);
    expand(sql, &mut query).await?;
    // Text without a letter or a digit ("!!!") finds nothing.
    let Some(expression) = match_expression(&query) else {
        return as_typed((Page::new(Vec::new(), q.page, 0), Some(Facets::default())), None);
    };
    let found = matching(sql, source, &query, &expression, q, now).await?;
    if found.0.total > 0 || !q.filters.is_empty() {
        // Filters that leave nothing are the shopper's choice, not a typo to correct.
        return as_typed(found, Some(expression));
    }
    // Nothing found: forgive one typo per word, if a known term is one edit away.
    let Some(mut corrected) = correct(sql, &query).await? else { return as_typed(found, Some(expression)) };
    expand(sql, &mut corrected).await?;
    let Some(fixed) = match_expression(&corrected) else { return as_typed(found, Some(expression)) };
    let (page_fixed, facets_fixed) = matching(sql, source, &corrected, &fixed, q, now).await?;
    if page_fixed.total == 0 {
        return as_typed(found, Some(expression));
    }
    let text = readable(&q.text, &query, &corrected, &page_fixed.items);
    Ok(Found { page: page_fixed, corrected: Some(text), expression: Some(fixed), facets: facets_fixed })
}

/// The query as typed with each corrected word replaced by a word of the results' names that has
/// the corrected stem (the stem itself if none has).
fn readable(typed: &str, query: &[QueryTerm], corrected: &[QueryTerm], found: &[ProductSummary]) -> String {
    let named: Vec<String> = found.iter().flat_map(|p| words(&p.name)).collect();
    words(typed)
        .into_iter()
        .enumerate()
        .map(|(i, word)| match (query.get(i), corrected.get(i)) {
            (Some(was), Some(now)) if was.term != now.term => {
                named.iter().find(|w| vitrina_shared::search::stem(w) == now.term).cloned().unwrap_or_else(|| now.term.clone())
            }
            _ => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Adds each term's synonyms (looked up by stem) as alternatives.
async fn expand(sql: &dyn Sql, query: &mut [QueryTerm]) -> Result<(), StorageError> {
    let stems: Vec<String> = query.iter().map(|t| t.term.clone()).collect();
    let pairs = db::synonyms_for(sql, &stems).await?;
    for term in query.iter_mut() {
        term.alternatives = pairs.iter().filter(|(key, _)| *key == term.term).map(|(_, to)| terms(to)).filter(|t| !t.is_empty()).collect();
    }
    Ok(())
}

/// The query with each unknown term of at least [`MIN_CORRECTED_CHARS`] letters replaced by the
/// most frequent known term one edit away (a term of the index or a synonym's word); `None` when
/// nothing could be corrected.
///
/// Why this way: FTS5 has no fuzzy matching, and a trigram index would triple the index's size
/// for a fallback; the vocabulary (`fts5vocab`) of a catalog's stems is small (a few thousand
/// terms at 100,000 products) and is read only when a query found nothing.
async fn correct(sql: &dyn Sql, query: &[QueryTerm]) -> Result<Option<Vec<QueryTerm>>, StorageError> {
    let lengths: Vec<usize> = query.iter().map(|t| t.term.chars().count()).filter(|n| *n >= MIN_CORRECTED_CHARS).collect();
    let (Some(min), Some(max)) = (lengths.iter().min(), lengths.iter().max()) else { return Ok(None) };
    let known = db::terms_of_length(sql, min - 1, max + 1).await?;
    let mut changed = false;
    let mut out = query.to_vec();
    for term in &mut out {
        if term.term.chars().count() < MIN_CORRECTED_CHARS || known.contains(&term.term) {
            continue;
        }
        if term.prefix && db::has_term_starting(sql, &term.term).await? {
            continue;
        }
        if let Some(fix) = known.iter().find(|k| within_one_edit(k, &term.term)) {
            *term = QueryTerm { term: fix.clone(), prefix: false, alternatives: Vec::new() };
            changed = true;
        }
    }
    Ok(changed.then_some(out))
}

/// Whether the query's terms all occur among `names` (the last as a prefix, or through a synonym).
fn names_match(query: &[QueryTerm], names: &[String]) -> bool {
    query.iter().all(|q| {
        let own = if q.prefix { names.iter().any(|n| n.starts_with(&q.term)) } else { names.contains(&q.term) };
        own || q.alternatives.iter().any(|alt| alt.iter().all(|t| names.contains(t)))
    })
}

/// At most [`MAX_SUGGESTIONS`] suggestions for what is typed so far: the categories whose names
/// match, then product names (FTS5 prefix match on the last word).
pub async fn suggest(sql: &dyn Sql, text: &str, categories: &[CategoryInfo]) -> Result<Vec<Suggestion>, StorageError> {
    let mut query = query_terms(text, true);
    if query.is_empty() {
        return Ok(Vec::new());
    }
    expand(sql, &mut query).await?;
    let mut out: Vec<Suggestion> = categories
        .iter()
        .filter(|c| names_match(&query, &terms(&format!("{} {}", c.category.name_ru, c.category.name_en))))
        .take(MAX_SUGGESTIONS / 2)
        .map(|c| Suggestion::Category {
            id: c.category.id.clone(),
            name_ru: c.category.name_ru.clone(),
            name_en: c.category.name_en.clone(),
        })
        .collect();
    if let Some(expression) = match_expression(&query) {
        let room = u32::try_from(MAX_SUGGESTIONS - out.len()).unwrap_or(0);
        out.extend(catalog::matching_names(sql, &expression, room).await?.into_iter().map(|(sku, name)| Suggestion::Product { sku, name }));
    }
    Ok(out)
}

/// What an empty result suggests instead ("did you mean"): the suggestions for the longest start
/// of the query's first word (at least three letters) that has any.
pub async fn did_you_mean(sql: &dyn Sql, text: &str, categories: &[CategoryInfo]) -> Result<Vec<Suggestion>, StorageError> {
    let Some(word) = words(text).into_iter().find(|w| w.chars().count() >= 3) else { return Ok(Vec::new()) };
    let chars: Vec<char> = word.chars().collect();
    for n in (3..=chars.len()).rev().take(6) {
        let found = suggest(sql, &chars[..n].iter().collect::<String>(), categories).await?;
        if !found.is_empty() {
            return Ok(found);
        }
    }
    Ok(Vec::new())
}
