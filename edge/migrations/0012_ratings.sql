-- Ratings (issue 13, sort by rating): a shopper who bought a product rates it 1 to 5, once (a new
-- rating replaces the shopper's earlier one). products keeps the running sum and count, changed
-- in the batch that records a rating, so a listing sorts by rating without reading every one. The
-- demo catalog starts with sums and counts of its own (buyers from before the shop kept who rated).
CREATE TABLE IF NOT EXISTS product_ratings (
    sku          TEXT NOT NULL REFERENCES products(sku),
    customer_id  TEXT NOT NULL REFERENCES customers(id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    rated_at     INTEGER NOT NULL,
    PRIMARY KEY (sku, customer_id)
) WITHOUT ROWID;
ALTER TABLE products ADD COLUMN rating_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0
