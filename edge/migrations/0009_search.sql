-- Search (issue 13): an FTS5 index of stemmed product terms, computed in Rust
-- (vitrina_shared::search; FTS5 has no Russian stemmer), and the merchandisers' synonyms.
-- search_documents gives each indexed product a stable FTS rowid and its normalised name (an
-- exact name match ranks first); db::catalog::reindex_product_statements keeps both current.
CREATE TABLE IF NOT EXISTS search_documents (
    id    INTEGER PRIMARY KEY,
    sku   TEXT NOT NULL UNIQUE REFERENCES products(sku),
    name  TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS product_search USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0');
-- The index's vocabulary (one row per term): typo tolerance looks for a known term one edit away.
CREATE VIRTUAL TABLE IF NOT EXISTS product_search_vocab USING fts5vocab(product_search, 'row');
-- term: one normalised word as shoppers type it; term_key: its stem, which queries look up;
-- expands_to: what the catalog calls it (one to three words). The defaults are inserted with
-- this migration by db::schema (their stems are computed in Rust).
CREATE TABLE IF NOT EXISTS search_synonyms (
    term        TEXT NOT NULL,
    term_key    TEXT NOT NULL,
    expands_to  TEXT NOT NULL,
    PRIMARY KEY (term, expands_to)
);
CREATE INDEX IF NOT EXISTS search_synonyms_by_key ON search_synonyms(term_key);
-- One version for the whole list: GET sends it as the ETag; a PUT with If-Match replaces the list
-- only from that version (guarded in the same batch).
CREATE TABLE IF NOT EXISTS search_synonyms_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT OR IGNORE INTO search_synonyms_version (id, version) VALUES (1, 1);
