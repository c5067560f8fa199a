-- Orders from every channel, stock holds, idempotency keys, returns, refunds, the loyalty ledger
-- and NPS answers. Times are Unix seconds; money is in minor units (kopecks).
ALTER TABLE customers ADD COLUMN loyalty_card TEXT;
CREATE UNIQUE INDEX IF NOT EXISTS customers_by_card ON customers(loyalty_card);
CREATE INDEX IF NOT EXISTS customers_by_phone ON customers(phone);
-- Units reserved for an order at a store. Available = on hand − holds not yet expired; an expired
-- hold simply stops counting and is deleted by a later write.
CREATE TABLE IF NOT EXISTS holds (
    order_id    TEXT NOT NULL,
    store_id    TEXT NOT NULL,
    sku         TEXT NOT NULL,
    qty         INTEGER NOT NULL CHECK (qty > 0),
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (order_id, sku)
);
CREATE INDEX IF NOT EXISTS holds_by_stock ON holds(store_id, sku, expires_at);
CREATE INDEX IF NOT EXISTS holds_by_expiry ON holds(expires_at);
CREATE TABLE IF NOT EXISTS orders (
    id                TEXT PRIMARY KEY,
    customer_id       TEXT REFERENCES customers(id),
    session_id        TEXT,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    fulfilment        TEXT NOT NULL,
    store_id          TEXT,
    pickup_point      TEXT,
    delivery_region   TEXT,
    address           TEXT,
    contact           TEXT NOT NULL,
    payment_method    TEXT NOT NULL,
    payment_status    TEXT NOT NULL,
    card_last4        TEXT,
    subtotal_minor    INTEGER NOT NULL,
    delivery_minor    INTEGER NOT NULL,
    points_redeemed   INTEGER NOT NULL DEFAULT 0,
    total_minor       INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    points_earned     INTEGER NOT NULL DEFAULT 0,
    hold_expires_at   INTEGER,
    promised_at       INTEGER,
    receipt_id        TEXT,
    created_at        INTEGER NOT NULL,
    fulfilled_at      INTEGER
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders(customer_id, created_at);
CREATE INDEX IF NOT EXISTS orders_by_session ON orders(session_id, created_at);
CREATE INDEX IF NOT EXISTS orders_by_store ON orders(store_id, fulfilment, status);
CREATE UNIQUE INDEX IF NOT EXISTS orders_by_receipt ON orders(store_id, receipt_id) WHERE receipt_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS order_lines (
    order_id          TEXT NOT NULL REFERENCES orders(id),
    sku               TEXT NOT NULL,
    name              TEXT NOT NULL,
    qty               INTEGER NOT NULL CHECK (qty > 0),
    unit_price_minor  INTEGER NOT NULL,
    store_id          TEXT NOT NULL,
    position          INTEGER NOT NULL,
    PRIMARY KEY (order_id, sku)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS order_events (
    order_id  TEXT NOT NULL REFERENCES orders(id),
    status    TEXT NOT NULL,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_events_by_order ON order_events(order_id, at);
-- Stripe-style idempotency: the first response to a key is replayed for the same request.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope         TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    order_id      TEXT,
    status        INTEGER,
    response      TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_by_age ON idempotency_keys(created_at);
CREATE TABLE IF NOT EXISTS payments (
    id          TEXT PRIMARY KEY,
    order_id    TEXT NOT NULL REFERENCES orders(id),
    provider    TEXT NOT NULL,
    amount_minor INTEGER NOT NULL,
    status      TEXT NOT NULL,
    reference   TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS returns (
    id                TEXT PRIMARY KEY,
    order_id          TEXT NOT NULL REFERENCES orders(id),
    store_id          TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('requested', 'received')),
    reason            TEXT NOT NULL,
    refund_minor      INTEGER NOT NULL,
    points_refunded   INTEGER NOT NULL,
    points_reversed   INTEGER NOT NULL,
    created_by        TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    received_at       INTEGER
);
CREATE INDEX IF NOT EXISTS returns_by_order ON returns(order_id);
CREATE TABLE IF NOT EXISTS return_lines (
    return_id  TEXT NOT NULL REFERENCES returns(id),
    order_id   TEXT NOT NULL,
    sku        TEXT NOT NULL,
    qty        INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (return_id, sku)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS return_lines_by_order ON return_lines(order_id, sku);
CREATE TABLE IF NOT EXISTS refunds (
    id            TEXT PRIMARY KEY,
    return_id     TEXT REFERENCES returns(id),
    order_id      TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    method        TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
-- Append-only. Balances and expiry are computed from it (shared::loyalty::replay).
CREATE TABLE IF NOT EXISTS loyalty_ledger (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    kind         TEXT NOT NULL,
    points       INTEGER NOT NULL,
    order_id     TEXT,
    note         TEXT NOT NULL DEFAULT '',
    actor        TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS loyalty_by_customer ON loyalty_ledger(customer_id, id);
CREATE TABLE IF NOT EXISTS nps_answers (
    order_id     TEXT PRIMARY KEY REFERENCES orders(id),
    customer_id  TEXT,
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    reason       TEXT,
    created_at   INTEGER NOT NULL
)
