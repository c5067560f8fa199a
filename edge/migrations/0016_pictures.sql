-- Photos merchandisers upload for a product (shared/src/picture.rs): each in the widths the pages
-- ask for, as WebP or JPEG, whichever was smaller. The product's `image` is its first photo's
-- address (/pictures/{id}/640) while it has any, its generated picture otherwise.
CREATE TABLE product_pictures (
    id         TEXT PRIMARY KEY,
    sku        TEXT NOT NULL REFERENCES products (sku),
    position   INTEGER NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX product_pictures_by_sku ON product_pictures (sku, position);

CREATE TABLE picture_files (
    picture_id   TEXT NOT NULL REFERENCES product_pictures (id) ON DELETE CASCADE,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    PRIMARY KEY (picture_id, width)
);
