-- Every product that showed its category's clip-art shows a picture of its own, generated from
-- the product itself (shared/src/art.rs, served at /img/p/{sku}.svg). A picture given by a
-- merchandiser or an import (any other address) stays.
UPDATE products SET image = '/img/p/' || sku || '.svg' WHERE image LIKE '/img/cat/%';
