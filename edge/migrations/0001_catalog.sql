-- Catalog, stores and stock. Money is stored in minor units (kopecks); JSON columns hold
-- serde-serialised shared types.
CREATE TABLE IF NOT EXISTS categories (
    id        TEXT PRIMARY KEY,
    name_ru   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    image     TEXT NOT NULL,
    position  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS products (
    sku          TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    brand        TEXT NOT NULL,
    category_id  TEXT NOT NULL REFERENCES categories(id),
    description  TEXT NOT NULL,
    price_minor  INTEGER NOT NULL CHECK (price_minor >= 0),
    currency     TEXT NOT NULL,
    attributes   TEXT NOT NULL,
    image        TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    position     INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS products_by_category ON products(category_id, position);
CREATE INDEX IF NOT EXISTS products_by_position ON products(position);
CREATE TABLE IF NOT EXISTS stores (
    id        TEXT PRIMARY KEY,
    data      TEXT NOT NULL,
    position  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stock (
    store_id    TEXT NOT NULL REFERENCES stores(id),
    sku         TEXT NOT NULL REFERENCES products(sku),
    on_hand     INTEGER NOT NULL CHECK (on_hand >= 0),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (store_id, sku)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stock_by_sku ON stock(sku);
