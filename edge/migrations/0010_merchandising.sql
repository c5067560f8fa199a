-- Catalog management (role merchandiser): a version per product for If-Match, archiving (an
-- archived product leaves listings and pages; orders keep their own copy of its name and price),
-- and list prices with history and schedule. The price in force at a time is the latest entry of
-- product_prices whose effective_at is not after it, else products.price_minor (the seeded price),
-- read at request time, so a scheduled price needs no timer on either host.
ALTER TABLE products ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE products ADD COLUMN archived_at INTEGER;
-- Variants: products of one family are the same model in another size, colour or memory.
ALTER TABLE products ADD COLUMN family TEXT;
CREATE INDEX IF NOT EXISTS products_by_family ON products(family, position);
CREATE TABLE IF NOT EXISTS product_prices (
    id            INTEGER PRIMARY KEY,
    sku           TEXT NOT NULL REFERENCES products(sku),
    price_minor   INTEGER NOT NULL CHECK (price_minor >= 0),
    effective_at  INTEGER NOT NULL,
    recorded_at   INTEGER NOT NULL,
    recorded_by   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS product_prices_by_sku ON product_prices(sku, effective_at);
-- The unit price a cart line had when the cart was last written, so a read can tell the shopper
-- which lines a price change re-priced since (NULL for lines written before this migration).
ALTER TABLE cart_lines ADD COLUMN priced_minor INTEGER;
-- Categories form a tree (parent_id NULL at the top) and carry a version for If-Match.
ALTER TABLE categories ADD COLUMN parent_id TEXT REFERENCES categories(id);
ALTER TABLE categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- The role merchandiser: SQLite cannot change a CHECK constraint, so the accounts table is
-- rebuilt under its own name. Foreign keys cannot be switched off inside the migration's
-- transaction, so they are deferred to its commit: dropping `customers` counts the rows that
-- reference it (sessions, orders, the ledger, kiosks) as violations, and inserting the same ids
-- into the new `customers` settles them before the commit checks. (Renaming a copy into place
-- would not: the counter only moves on writes to the table the references name.)
PRAGMA defer_foreign_keys = ON;
CREATE TABLE customers_0010 AS SELECT * FROM customers;
DROP TABLE customers;
CREATE TABLE customers (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('customer', 'staff', 'marketer', 'merchandiser')),
    name             TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    city             TEXT,
    preferred_store  TEXT REFERENCES stores(id),
    language         TEXT NOT NULL DEFAULT 'ru',
    created_at       INTEGER NOT NULL,
    loyalty_card     TEXT
);
INSERT INTO customers (id, email, password_hash, role, name, phone, city, preferred_store, language, created_at, loyalty_card)
    SELECT id, email, password_hash, role, name, phone, city, preferred_store, language, created_at, loyalty_card
    FROM customers_0010;
DROP TABLE customers_0010;
CREATE UNIQUE INDEX IF NOT EXISTS customers_by_card ON customers(loyalty_card);
CREATE INDEX IF NOT EXISTS customers_by_phone ON customers(phone)
