-- What listings read at 100,000 products × 1,000 stores without looking at every store or every
-- product (issue 13, item 7):
-- * products.units_on_hand: the product's units on hand summed over the chain, kept by triggers on
--   every stock write, so a product card's "available" is one column less the few active holds
--   (db::stock::available_across_chain) and search ranks products in stock first by a column.
-- * catalog_version: moved on by every write that changes what a listing shows or how it ranks
--   (products' listed columns, search documents, a product going out of stock across the chain or
--   coming back), never by other stock counts, sales or carts. The native host keeps an index of
--   the catalog in memory (shared/src/listing.rs) while the version stays.
ALTER TABLE products ADD COLUMN units_on_hand INTEGER NOT NULL DEFAULT 0;
UPDATE products SET units_on_hand = COALESCE((SELECT SUM(s.on_hand) FROM stock s WHERE s.sku = products.sku), 0);
CREATE TRIGGER stock_added AFTER INSERT ON stock
BEGIN
    UPDATE products SET units_on_hand = units_on_hand + NEW.on_hand WHERE sku = NEW.sku;
END;
CREATE TRIGGER stock_changed AFTER UPDATE OF on_hand, sku ON stock
BEGIN
    UPDATE products SET units_on_hand = units_on_hand - OLD.on_hand WHERE sku = OLD.sku;
    UPDATE products SET units_on_hand = units_on_hand + NEW.on_hand WHERE sku = NEW.sku;
END;
CREATE TRIGGER stock_removed AFTER DELETE ON stock
BEGIN
    UPDATE products SET units_on_hand = units_on_hand - OLD.on_hand WHERE sku = OLD.sku;
END;

CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);
CREATE TRIGGER catalog_product_added AFTER INSERT ON products
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_product_changed AFTER UPDATE OF sku, name, brand, category_id, price_minor, price_changes_at, attributes,
    position, archived_at, rating_total, rating_count ON products
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_in_stock_changed AFTER UPDATE OF units_on_hand ON products
    WHEN (OLD.units_on_hand > 0) <> (NEW.units_on_hand > 0)
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_product_removed AFTER DELETE ON products
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_document_added AFTER INSERT ON search_documents
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_document_changed AFTER UPDATE ON search_documents
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER catalog_document_removed AFTER DELETE ON search_documents
BEGIN
    UPDATE catalog_version SET version = version + 1 WHERE id = 1;
END
