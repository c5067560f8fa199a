-- One cart is paid for once: a checkout claims the cart before any payment is attempted, and a
-- second checkout of a claimed cart is refused (409 checkout_in_progress). The claim is released
-- when the payment is answered (approved: the cart is emptied; declined or expired: it stays).
ALTER TABLE carts ADD COLUMN checkout_order TEXT;
-- Stale pending payments are found by status and payment-hold end (closed lazily).
CREATE INDEX IF NOT EXISTS orders_by_status_hold ON orders(status, hold_expires_at);
-- The test payment provider's own records (what a real provider keeps on its side): one charge
-- per idempotency key, so a retried or resumed charge answers the first outcome and never
-- charges twice, across restarts.
CREATE TABLE IF NOT EXISTS test_provider_charges (
    idempotency_key  TEXT PRIMARY KEY,
    order_id         TEXT NOT NULL,
    amount_minor     INTEGER NOT NULL,
    approved         INTEGER NOT NULL CHECK (approved IN (0, 1)),
    reference        TEXT NOT NULL,
    created_at       INTEGER NOT NULL
);
