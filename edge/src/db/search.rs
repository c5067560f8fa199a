//! Search beside the product index (which `catalog` keeps): the merchandisers' synonyms and the
//! index's vocabulary, for typo tolerance.

use super::{all, first, Count, FromRow, Named};
use crate::ports::{Sql, Statement, StorageError, Value};
use vitrina_shared::search::{stem, Synonym};

struct SynonymRow(Synonym);

impl FromRow for SynonymRow {
    const COLUMNS: &'static [&'static str] = &["term", "expands_to"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(SynonymRow(Synonym { term: row.text("term")?.to_owned(), expands_to: row.text("expands_to")?.to_owned() }))
    }
}

const SYNONYMS: &str = "SELECT term, expands_to FROM search_synonyms ORDER BY term, expands_to";

/// Every synonym pair, by term.
pub async fn synonyms(sql: &dyn Sql) -> Result<Vec<Synonym>, StorageError> {
    Ok(all::<SynonymRow>(sql, SYNONYMS, vec![]).await?.into_iter().map(|r| r.0).collect())
}

fn synonyms_for_select(marks: &str) -> String {
    format!("SELECT term_key AS term, expands_to FROM search_synonyms WHERE term_key IN ({marks}) ORDER BY term_key, expands_to")
}

/// The expansions of query terms (stems): pairs of (the stem, what it expands to).
pub async fn synonyms_for(sql: &dyn Sql, stems: &[String]) -> Result<Vec<(String, String)>, StorageError> {
    if stems.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; stems.len()].join(",");
    let params = stems.iter().map(|s| Value::from(s.as_str())).collect();
    Ok(all::<SynonymRow>(sql, &synonyms_for_select(&marks), params).await?.into_iter().map(|r| (r.0.term, r.0.expands_to)).collect())
}

fn insert(synonym: &Synonym) -> Statement {
    Statement::new(
        "INSERT OR IGNORE INTO search_synonyms (term, term_key, expands_to) VALUES (?, ?, ?)",
        vec![synonym.term.clone().into(), stem(&synonym.term).into(), synonym.expands_to.clone().into()],
    )
}

/// The statements that replace every synonym with `list` (validated by
/// `vitrina_shared::search::validate_synonyms`), for one batch.
pub(crate) fn replace_synonyms_statements(list: &[Synonym]) -> Vec<Statement> {
    std::iter::once(Statement::new("DELETE FROM search_synonyms", vec![])).chain(list.iter().map(insert)).collect()
}

/// The statements that insert the default synonyms (with the migration that creates the table).
pub(crate) fn default_synonym_statements() -> Vec<Statement> {
    vitrina_shared::search::DEFAULT_SYNONYMS
        .iter()
        .map(|(term, expands_to)| insert(&Synonym { term: (*term).to_owned(), expands_to: (*expands_to).to_owned() }))
        .collect()
}

const VERSION: &str = "SELECT version AS n FROM search_synonyms_version WHERE id = 1";

/// The synonym list's version (its `ETag`).
pub async fn synonyms_version(sql: &dyn Sql) -> Result<i64, StorageError> {
    Ok(first::<Count>(sql, VERSION, vec![]).await?.map_or(0, |c| c.0))
}

/// The guard of a list replacement: the version goes up, from `expected` when one is given.
pub(crate) fn bump_synonyms_version(expected: Option<i64>) -> Statement {
    Statement::new(
        "UPDATE search_synonyms_version SET version = version + 1 WHERE id = 1 AND (?1 IS NULL OR version = ?1)",
        vec![expected.map_or(Value::Null, Value::Integer)],
    )
}

struct TermRow(String);

impl FromRow for TermRow {
    const COLUMNS: &'static [&'static str] = &["term"];
    fn from_row(row: &Named<'_>) -> Result<Self, StorageError> {
        Ok(TermRow(row.text("term")?.to_owned()))
    }
}

/// The index's terms and the synonyms' words (stems) of `min..=max` characters, the most frequent
/// first: the candidates one edit away from a query term. `fts5vocab` reads the whole vocabulary
/// (`term` has no length index), so this runs only for a query that found nothing.
const TERMS_OF_LENGTH: &str = "SELECT term FROM (
         SELECT term, doc FROM product_search_vocab WHERE length(term) BETWEEN ?1 AND ?2
         UNION ALL SELECT DISTINCT term_key AS term, 0 AS doc FROM search_synonyms WHERE length(term_key) BETWEEN ?1 AND ?2)
     ORDER BY doc DESC, term LIMIT 20000";

pub async fn terms_of_length(sql: &dyn Sql, min: usize, max: usize) -> Result<Vec<String>, StorageError> {
    let (min, max) = (i64::try_from(min).unwrap_or(i64::MAX), i64::try_from(max).unwrap_or(i64::MAX));
    Ok(all::<TermRow>(sql, TERMS_OF_LENGTH, vec![min.into(), max.into()]).await?.into_iter().map(|t| t.0).collect())
}

const TERM_WITH_PREFIX: &str = "SELECT term FROM product_search_vocab WHERE term >= ?1 AND term < ?1 || char(1114111) LIMIT 1";

/// Whether some term of the index starts with `prefix` (the word being typed is not a typo).
pub async fn has_term_starting(sql: &dyn Sql, prefix: &str) -> Result<bool, StorageError> {
    Ok(!all::<TermRow>(sql, TERM_WITH_PREFIX, vec![prefix.into()]).await?.is_empty())
}

#[cfg(test)]
pub(super) fn selects() -> Vec<super::Checked> {
    use super::checked;
    vec![
        checked::<SynonymRow>(SYNONYMS),
        checked::<SynonymRow>(synonyms_for_select("?,?")),
        checked::<TermRow>(TERMS_OF_LENGTH),
        checked::<TermRow>(TERM_WITH_PREFIX),
        checked::<Count>(VERSION),
    ]
}
