-- The list price in force kept on the product (issue 13, at 100,000 products): products.price_minor
-- is the price in force from the product's last price write until price_changes_at, the time of
-- its next scheduled price (NULL: none). Every write to product_prices settles both in its batch
-- (db::catalog::settle_price), so a listing filtered or sorted by price reads a column, and looks
-- up the history only for a product whose scheduled price has come since (until it is settled).
-- The products' prices are settled by this migration's transaction (db::schema), and those whose
-- scheduled price has come by the dispatcher's tick (pricing::settle_due_prices).
ALTER TABLE products ADD COLUMN price_changes_at INTEGER;
CREATE INDEX IF NOT EXISTS products_by_price_change ON products(price_changes_at) WHERE price_changes_at IS NOT NULL
