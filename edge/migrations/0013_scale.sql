-- Reads that stay quick at a retailer's scale (issue 13: 100,000 products × 1,000 stores).
-- Counting a category's products on sale reads this index alone (it also serves brand facets).
CREATE INDEX IF NOT EXISTS products_live_by_category ON products(category_id, brand) WHERE archived_at IS NULL;
-- A product's units on hand across the chain are summed from the index alone.
DROP INDEX IF EXISTS stock_by_sku;
CREATE INDEX IF NOT EXISTS stock_by_sku ON stock(sku, on_hand);
-- The stores where a product has holds, to take them off its units on hand.
CREATE INDEX IF NOT EXISTS holds_by_sku ON holds(sku, store_id)
