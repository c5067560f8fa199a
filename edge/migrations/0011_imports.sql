-- Catalog imports (issue 13): a merchandiser's files, kept until the import has run, its progress
-- and outcome, and why each refused row was refused. An import runs once its files are uploaded;
-- its accepted rows are applied in one transaction with its outcome, so it is never half applied
-- (the files' content is dropped then, their names kept),
-- and one found `running` whose worker stopped reporting (heartbeat_at stale) runs again from its
-- files under a new claim (claimed_at), which the old worker's last write no longer matches.
CREATE TABLE IF NOT EXISTS imports (
    id             TEXT PRIMARY KEY,
    format         TEXT NOT NULL CHECK (format IN ('jsonl', 'csv', 'commerceml')),
    status         TEXT NOT NULL CHECK (status IN ('uploading', 'queued', 'running', 'done', 'failed')),
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    started_at     INTEGER,
    finished_at    INTEGER,
    claimed_at     INTEGER,
    heartbeat_at   INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 0,
    total_rows     INTEGER NOT NULL DEFAULT 0,
    checked_rows   INTEGER NOT NULL DEFAULT 0,
    created        INTEGER NOT NULL DEFAULT 0,
    updated        INTEGER NOT NULL DEFAULT 0,
    unchanged      INTEGER NOT NULL DEFAULT 0,
    refused        INTEGER NOT NULL DEFAULT 0,
    error_code     TEXT,
    error_message  TEXT
);
CREATE INDEX IF NOT EXISTS imports_by_status ON imports(status, heartbeat_at);
CREATE TABLE IF NOT EXISTS import_files (
    import_id  TEXT NOT NULL REFERENCES imports(id),
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL,
    content    BLOB NOT NULL,
    PRIMARY KEY (import_id, name)
);
CREATE TABLE IF NOT EXISTS import_refusals (
    import_id  TEXT NOT NULL REFERENCES imports(id),
    position   INTEGER NOT NULL,
    at         TEXT NOT NULL,
    sku        TEXT,
    field      TEXT,
    reason     TEXT NOT NULL,
    message    TEXT NOT NULL,
    PRIMARY KEY (import_id, position)
) WITHOUT ROWID;
-- What 1C's identifiers (Ид) of groups, products and warehouses are here: a category id, a SKU,
-- a store id. Kept across imports, so a renamed group stays the same category.
CREATE TABLE IF NOT EXISTS import_keys (
    kind         TEXT NOT NULL CHECK (kind IN ('group', 'product', 'warehouse')),
    external_id  TEXT NOT NULL,
    local_id     TEXT NOT NULL,
    PRIMARY KEY (kind, external_id)
) WITHOUT ROWID
