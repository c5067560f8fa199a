-- Offer rules (the current version of each), their history, and what each order used.
CREATE TABLE IF NOT EXISTS offer_rules (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    data        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS offer_rule_versions (
    rule_id     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    data        TEXT,
    changed_at  INTEGER NOT NULL,
    changed_by  TEXT NOT NULL,
    PRIMARY KEY (rule_id, version)
);
-- One row per rule an order used; limits count these rows (released when the order is cancelled).
CREATE TABLE IF NOT EXISTS offer_redemptions (
    rule_id       TEXT NOT NULL,
    order_id      TEXT NOT NULL REFERENCES orders(id),
    subject       TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (rule_id, order_id)
);
CREATE INDEX IF NOT EXISTS offer_redemptions_by_subject ON offer_redemptions(rule_id, subject);
ALTER TABLE orders ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN offers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE orders ADD COLUMN ab_assignments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE orders ADD COLUMN points_multiplier TEXT NOT NULL DEFAULT '1';
ALTER TABLE order_lines ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0
