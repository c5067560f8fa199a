-- Which stores have each product on the shelf, kept beside the stock table so that availability
-- across 1,000 stores reads one row instead of scanning the product's stock rows (issue 13,
-- item 7). `shelves.stores` lists every store with units on hand as ",store:units,…,store:units,"
-- (the commas at both ends let one entry be found and cut whole); triggers on every stock write
-- edit that one entry, so the list is always the stock table's, in the same transaction.
-- Holds are not in it: an answer takes them off at read time (db::stock::availability).
CREATE TABLE shelves (
    sku    TEXT PRIMARY KEY,
    stores TEXT NOT NULL
);
INSERT INTO shelves (sku, stores)
    SELECT sku, ',' || group_concat(store_id || ':' || on_hand, ',') || ',' FROM stock WHERE on_hand > 0 GROUP BY sku;
CREATE TRIGGER shelf_added AFTER INSERT ON stock WHEN NEW.on_hand > 0
BEGIN
    INSERT INTO shelves (sku, stores) VALUES (NEW.sku, ',' || NEW.store_id || ':' || NEW.on_hand || ',')
        ON CONFLICT (sku) DO UPDATE SET stores = stores || NEW.store_id || ':' || NEW.on_hand || ',';
END;
CREATE TRIGGER shelf_changed AFTER UPDATE OF on_hand, sku, store_id ON stock
    WHEN OLD.on_hand <> NEW.on_hand OR OLD.sku <> NEW.sku OR OLD.store_id <> NEW.store_id
BEGIN
    UPDATE shelves SET stores = replace(stores, ',' || OLD.store_id || ':' || OLD.on_hand || ',', ',')
        WHERE sku = OLD.sku AND OLD.on_hand > 0;
    INSERT INTO shelves (sku, stores) SELECT NEW.sku, ',' || NEW.store_id || ':' || NEW.on_hand || ',' WHERE NEW.on_hand > 0
        ON CONFLICT (sku) DO UPDATE SET stores = stores || NEW.store_id || ':' || NEW.on_hand || ',';
END;
CREATE TRIGGER shelf_removed AFTER DELETE ON stock WHEN OLD.on_hand > 0
BEGIN
    UPDATE shelves SET stores = replace(stores, ',' || OLD.store_id || ':' || OLD.on_hand || ',', ',') WHERE sku = OLD.sku;
END;

-- The stores' version, moved by every write to the stores table: a host keeps the chain's stores
-- (made ready for availability answers) while it stays, instead of reading 1,000 stores again
-- after every cart, session or stock write.
CREATE TABLE stores_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO stores_version (id, version) VALUES (1, 1);
CREATE TRIGGER stores_added AFTER INSERT ON stores
BEGIN
    UPDATE stores_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER stores_changed AFTER UPDATE ON stores
BEGIN
    UPDATE stores_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER stores_removed AFTER DELETE ON stores
BEGIN
    UPDATE stores_version SET version = version + 1 WHERE id = 1;
END
