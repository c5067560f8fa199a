-- Sessions, accounts, server-side carts, hand-off codes and rate limits. Times are Unix seconds.
CREATE TABLE IF NOT EXISTS customers (
    id               TEXT PRIMARY KEY,
    email            TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('customer', 'staff', 'marketer')),
    name             TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    city             TEXT,
    preferred_store  TEXT REFERENCES stores(id),
    language         TEXT NOT NULL DEFAULT 'ru',
    created_at       INTEGER NOT NULL
);
-- A session row exists once a session does something worth remembering (a cart, a sign-in,
-- a revocation); a validly signed cookie without a row is a fresh anonymous session.
CREATE TABLE IF NOT EXISTS sessions (
    id            TEXT PRIMARY KEY,
    customer_id   TEXT REFERENCES customers(id),
    channel       TEXT NOT NULL DEFAULT 'web',
    store_id      TEXT REFERENCES stores(id),
    user_agent    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX IF NOT EXISTS sessions_by_customer ON sessions(customer_id);
-- One open cart per owner: 'c:<customer id>' or 's:<session id>'.
CREATE TABLE IF NOT EXISTS carts (
    owner       TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cart_lines (
    owner     TEXT NOT NULL REFERENCES carts(owner),
    sku       TEXT NOT NULL REFERENCES products(sku),
    qty       INTEGER NOT NULL CHECK (qty > 0),
    position  INTEGER NOT NULL,
    PRIMARY KEY (owner, sku)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS handoffs (
    code        TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    claimed_at  INTEGER,
    claimed_by  TEXT
);
CREATE TABLE IF NOT EXISTS rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    count         INTEGER NOT NULL
);
