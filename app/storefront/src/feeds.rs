//! The catalog as product feeds for marketplaces and ad networks: Yandex's YML (Yandex Market,
//! Yandex Direct) at `/feeds/yandex.yml` and Google Merchant Center's RSS 2.0 at
//! `/feeds/google.xml`. Pure functions of the catalog the edge reads; every text goes through
//! the project's one escaper (`vitrina_shared::charts::escape`), after dropping the characters
//! XML 1.0 cannot hold.
//!
//! Both feeds identify a product by its SKU (Yandex asks for the same identifier in every feed of
//! a shop), link to its Russian page and call it available when any store has a unit that is not
//! held.

use crate::paths::localized;
use chrono::{DateTime, FixedOffset, Utc};
use vitrina_shared::catalog::{Category, Product};
use vitrina_shared::charts::escape;
use vitrina_shared::i18n::Locale;
use vitrina_shared::CategoryId;

/// The shop a feed describes.
pub struct Shop<'a> {
    /// The short name shown on marketplaces (Yandex keeps 20 characters).
    pub name: &'a str,
    /// The company behind it.
    pub company: &'a str,
    /// The absolute origin every link starts with, e.g. `https://shop.example` (no trailing slash).
    pub origin: &'a str,
}

/// A product of a feed and the units available across the chain (on hand less active holds).
pub struct FeedProduct {
    pub product: Product,
    pub available: u32,
}

/// Yandex's limit on an offer's description, in characters.
const YANDEX_DESCRIPTION: usize = 3000;
/// Google's limits on an item's title and description, in characters.
const GOOGLE_TITLE: usize = 150;
const GOOGLE_DESCRIPTION: usize = 5000;
/// Moscow time (UTC+3, no daylight saving since 2014): the zone of the YML feed's date.
const MOSCOW_SECONDS: i32 = 3 * 3600;

/// `text` as XML character data or an attribute value: characters XML 1.0 cannot contain (most
/// control characters) dropped, the rest escaped, at most `max` characters of the original kept.
fn xml_text(text: &str, max: usize) -> String {
    let allowed = |c: &char| matches!(*c, '\t' | '\n' | '\r') || (*c >= ' ' && !matches!(*c, '\u{FFFE}' | '\u{FFFF}'));
    escape(&text.chars().filter(allowed).take(max).collect::<String>())
}

/// A product's address on the site.
fn product_url(origin: &str, product: &Product) -> String {
    format!("{origin}{}", localized(Locale::Ru, &format!("/p/{}", product.sku)))
}

/// A product's picture as an absolute address (stored images are paths of the site).
fn picture_url(origin: &str, image: &str) -> String {
    if image.starts_with("http://") || image.starts_with("https://") {
        image.to_owned()
    } else {
        format!("{origin}/{}", image.trim_start_matches('/'))
    }
}

/// The number YML names a category by (Yandex wants an integer of at most 18 digits; categories
/// here have slugs): FNV-1a of the slug, so that it stays the same when categories are reordered
/// or added, as the ad campaigns that filter on it need.
pub fn yml_category_id(id: &CategoryId) -> u32 {
    let hash = id.as_str().bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    hash.max(1)
}

/// `/feeds/yandex.yml`: the catalog in Yandex's YML, dated `now` in Moscow time
/// (`YYYY-MM-DD hh:mm`). Each offer carries its price in roubles, its category, picture, brand,
/// description and attributes; `available`, and `store` (buy it in a store without ordering),
/// say whether any store has it; `pickup` (click and collect in the stores) and `delivery`
/// (courier) are what the checkout offers.
pub fn yandex_yml(shop: &Shop<'_>, now: DateTime<Utc>, categories: &[Category], products: &[FeedProduct]) -> String {
    let moscow = FixedOffset::east_opt(MOSCOW_SECONDS).map_or_else(|| now.fixed_offset(), |zone| now.with_timezone(&zone));
    let origin = shop.origin;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<yml_catalog date=\"{}\">\n<shop>\n", moscow.format("%Y-%m-%d %H:%M")));
    xml.push_str(&format!("<name>{}</name>\n", xml_text(shop.name, 20)));
    xml.push_str(&format!("<company>{}</company>\n", xml_text(shop.company, 200)));
    xml.push_str(&format!("<url>{}</url>\n", xml_text(&format!("{origin}/"), 2048)));
    xml.push_str("<currencies>\n<currency id=\"RUR\" rate=\"1\"/>\n</currencies>\n<categories>\n");
    for category in categories {
        xml.push_str(&format!("<category id=\"{}\">{}</category>\n", yml_category_id(&category.id), xml_text(&category.name_ru, 200)));
    }
    xml.push_str("</categories>\n<offers>\n");
    for FeedProduct { product, available } in products {
        let in_stock = *available > 0;
        xml.push_str(&format!("<offer id=\"{}\" available=\"{in_stock}\">\n", xml_text(product.sku.as_str(), 80)));
        xml.push_str(&format!("<url>{}</url>\n", xml_text(&product_url(origin, product), 2048)));
        xml.push_str(&format!("<price>{}</price>\n", product.price.amount.normalize()));
        xml.push_str("<currencyId>RUR</currencyId>\n");
        xml.push_str(&format!("<categoryId>{}</categoryId>\n", yml_category_id(&product.category)));
        xml.push_str(&format!("<picture>{}</picture>\n", xml_text(&picture_url(origin, &product.image), 2048)));
        xml.push_str(&format!("<store>{in_stock}</store>\n<pickup>true</pickup>\n<delivery>true</delivery>\n"));
        xml.push_str(&format!("<name>{}</name>\n", xml_text(&product.name, 256)));
        xml.push_str(&format!("<vendor>{}</vendor>\n", xml_text(&product.brand, 256)));
        xml.push_str(&format!("<description>{}</description>\n", xml_text(&product.description, YANDEX_DESCRIPTION)));
        for attribute in &product.attributes {
            xml.push_str(&format!("<param name=\"{}\">{}</param>\n", xml_text(&attribute.name, 256), xml_text(&attribute.value, 256)));
        }
        xml.push_str("</offer>\n");
    }
    xml.push_str("</offers>\n</shop>\n</yml_catalog>\n");
    xml
}

/// `/feeds/google.xml`: the catalog as a Google Merchant Center RSS 2.0 feed. Each item has its
/// SKU as `g:id`, title, description, link, picture, price (`8690.00 RUB`), availability
/// (`in_stock`/`out_of_stock`), brand, condition `new`, and its category as `g:product_type`
/// (the shop's own categories, not Google's taxonomy numbers). Products have no GTIN or
/// manufacturer part number here, which `g:identifier_exists` says.
pub fn google_merchant(shop: &Shop<'_>, categories: &[Category], products: &[FeedProduct]) -> String {
    let origin = shop.origin;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str("<rss version=\"2.0\" xmlns:g=\"http://base.google.com/ns/1.0\">\n<channel>\n");
    xml.push_str(&format!("<title>{}</title>\n", xml_text(shop.name, 150)));
    xml.push_str(&format!("<link>{}</link>\n", xml_text(&format!("{origin}/"), 2048)));
    xml.push_str(&format!("<description>{}</description>\n", xml_text(shop.company, 500)));
    for FeedProduct { product, available } in products {
        let category = categories.iter().find(|c| c.id == product.category).map_or(product.category.as_str(), |c| c.name_ru.as_str());
        xml.push_str("<item>\n");
        xml.push_str(&format!("<g:id>{}</g:id>\n", xml_text(product.sku.as_str(), 50)));
        xml.push_str(&format!("<title>{}</title>\n", xml_text(&product.name, GOOGLE_TITLE)));
        xml.push_str(&format!("<description>{}</description>\n", xml_text(&product.description, GOOGLE_DESCRIPTION)));
        xml.push_str(&format!("<link>{}</link>\n", xml_text(&product_url(origin, product), 2000)));
        xml.push_str(&format!("<g:image_link>{}</g:image_link>\n", xml_text(&picture_url(origin, &product.image), 2000)));
        xml.push_str(&format!("<g:price>{} {}</g:price>\n", product.price.amount, product.price.currency.code()));
        xml.push_str(&format!("<g:availability>{}</g:availability>\n", if *available > 0 { "in_stock" } else { "out_of_stock" }));
        xml.push_str(&format!("<g:brand>{}</g:brand>\n", xml_text(&product.brand, 70)));
        xml.push_str("<g:condition>new</g:condition>\n<g:identifier_exists>no</g:identifier_exists>\n");
        xml.push_str(&format!("<g:product_type>{}</g:product_type>\n", xml_text(category, 750)));
        xml.push_str("</item>\n");
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use vitrina_shared::catalog::Attribute;
    use vitrina_shared::{Money, Sku};

    const G: &str = "http://base.google.com/ns/1.0";

    fn shop() -> Shop<'static> {
        Shop { name: "Витрина", company: "Витрина", origin: "https://shop.example" }
    }

    fn category(id: &str, name: &str) -> Category {
        Category { id: CategoryId::parse(id).expect("a category id"), name_ru: name.into(), name_en: name.into(), image: String::new() }
    }

    fn product(sku: &str, name: &str, kopecks: i64, available: u32) -> FeedProduct {
        FeedProduct {
            product: Product {
                sku: Sku::parse(sku).expect("a SKU"),
                name: name.into(),
                brand: "Nova".into(),
                category: CategoryId::parse("smartphones").expect("a category id"),
                description: "Экран 6,5″, 64 ГБ".into(),
                price: Money::from_minor_units(kopecks, vitrina_shared::Currency::Rub),
                attributes: vec![Attribute { name: "Память".into(), value: "64 ГБ".into() }],
                image: "/img/p/PHN-0001.svg".into(),
            },
            available,
        }
    }

    fn fixture() -> (Vec<Category>, Vec<FeedProduct>) {
        (
            vec![category("smartphones", "Смартфоны"), category("laptops", "Ноутбуки")],
            vec![
                product("PHN-0001", "Смартфон Nova X5, 64 ГБ", 869_000, 3),
                product("PHN-0002", "Nova \"Mini\" <Kids> & Co", 1_299_050, 0),
            ],
        )
    }

    fn at_noon_in_moscow() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).single().expect("a time")
    }

    fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: (&str, &str)) -> Option<&'a str> {
        node.children().find(|c| c.tag_name().namespace().unwrap_or("") == name.0 && c.tag_name().name() == name.1).and_then(|c| c.text())
    }

    #[test]
    fn the_yml_feed_is_well_formed_and_each_offer_has_what_yandex_requires() {
        let (categories, products) = fixture();
        let xml = yandex_yml(&shop(), at_noon_in_moscow(), &categories, &products);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "yml_catalog");
        assert_eq!(root.attribute("date"), Some("2026-11-25 12:00"), "Moscow time, YYYY-MM-DD hh:mm");
        let shop_node = root.children().find(|n| n.has_tag_name("shop")).expect("<shop>");
        assert_eq!(child_text(shop_node, ("", "name")), Some("Витрина"));
        assert_eq!(child_text(shop_node, ("", "url")), Some("https://shop.example/"));
        let currency = doc.descendants().find(|n| n.has_tag_name("currency")).expect("a currency");
        assert_eq!((currency.attribute("id"), currency.attribute("rate")), (Some("RUR"), Some("1")));
        let category_ids: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("category")).filter_map(|n| n.attribute("id")).collect();
        assert_eq!(category_ids.len(), 2);
        assert!(category_ids.iter().all(|id| id.parse::<u64>().is_ok() && id.len() <= 18), "integer ids: {category_ids:?}");
        let offers: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("offer")).collect();
        assert_eq!(offers.len(), 2);
        let first = offers[0];
        assert_eq!(first.attribute("id"), Some("PHN-0001"));
        assert_eq!(first.attribute("available"), Some("true"));
        assert_eq!(child_text(first, ("", "url")), Some("https://shop.example/p/PHN-0001"));
        assert_eq!(child_text(first, ("", "price")), Some("8690"));
        assert_eq!(child_text(first, ("", "currencyId")), Some("RUR"));
        assert_eq!(child_text(first, ("", "categoryId")), Some(category_ids[0]), "the offer's category is listed");
        assert_eq!(child_text(first, ("", "picture")), Some("https://shop.example/img/p/PHN-0001.svg"));
        assert_eq!(child_text(first, ("", "vendor")), Some("Nova"));
        assert_eq!(child_text(first, ("", "store")), Some("true"));
        assert_eq!(child_text(first, ("", "pickup")), Some("true"));
        assert_eq!(child_text(first, ("", "delivery")), Some("true"));
        let param = first.children().find(|n| n.has_tag_name("param")).expect("a param");
        assert_eq!((param.attribute("name"), param.text()), (Some("Память"), Some("64 ГБ")));
        let second = offers[1];
        assert_eq!(second.attribute("available"), Some("false"), "no unit in any store");
        assert_eq!(child_text(second, ("", "store")), Some("false"));
        assert_eq!(child_text(second, ("", "price")), Some("12990.5"));
    }

    #[test]
    fn the_google_feed_is_rss_with_the_merchant_namespace_and_each_item_has_the_required_attributes() {
        let (categories, products) = fixture();
        let xml = google_merchant(&shop(), &categories, &products);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!((root.tag_name().name(), root.attribute("version")), ("rss", Some("2.0")));
        assert_eq!(root.lookup_namespace_uri(Some("g")), Some(G));
        let items: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("item")).collect();
        assert_eq!(items.len(), 2);
        let first = items[0];
        assert_eq!(child_text(first, (G, "id")), Some("PHN-0001"));
        assert_eq!(child_text(first, ("", "title")), Some("Смартфон Nova X5, 64 ГБ"));
        assert_eq!(child_text(first, ("", "description")), Some("Экран 6,5″, 64 ГБ"));
        assert_eq!(child_text(first, ("", "link")), Some("https://shop.example/p/PHN-0001"));
        assert_eq!(child_text(first, (G, "image_link")), Some("https://shop.example/img/p/PHN-0001.svg"));
        assert_eq!(child_text(first, (G, "price")), Some("8690.00 RUB"));
        assert_eq!(child_text(first, (G, "availability")), Some("in_stock"));
        assert_eq!(child_text(first, (G, "brand")), Some("Nova"));
        assert_eq!(child_text(first, (G, "condition")), Some("new"));
        assert_eq!(child_text(first, (G, "product_type")), Some("Смартфоны"));
        assert_eq!(child_text(items[1], (G, "availability")), Some("out_of_stock"));
        assert_eq!(child_text(items[1], (G, "price")), Some("12990.50 RUB"));
    }

    #[test]
    fn names_with_markup_characters_come_back_unchanged_from_both_feeds() {
        let (categories, products) = fixture();
        let name = "Nova \"Mini\" <Kids> & Co";
        for xml in [yandex_yml(&shop(), at_noon_in_moscow(), &categories, &products), google_merchant(&shop(), &categories, &products)] {
            assert!(!xml.contains(name), "escaped in the source");
            let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
            let names: Vec<&str> =
                doc.descendants().filter(|n| n.has_tag_name("name") || n.has_tag_name("title")).filter_map(|n| n.text()).collect();
            assert!(names.contains(&name), "{names:?}");
        }
    }

    #[test]
    fn control_characters_that_xml_cannot_hold_are_dropped_instead_of_breaking_the_feed() {
        let (categories, mut products) = fixture();
        products[0].product.name = "Nova\u{0}X5\u{1b}\u{ffff}".into();
        products[0].product.attributes = vec![Attribute { name: "Цвет\u{8}".into(), value: "чёрный\tматовый".into() }];
        let xml = yandex_yml(&shop(), at_noon_in_moscow(), &categories, &products);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let offer = doc.descendants().find(|n| n.has_tag_name("offer")).expect("an offer");
        assert_eq!(child_text(offer, ("", "name")), Some("NovaX5"));
        let param = offer.children().find(|n| n.has_tag_name("param")).expect("a param");
        assert_eq!((param.attribute("name"), param.text()), (Some("Цвет"), Some("чёрный\tматовый")));
        roxmltree::Document::parse(&google_merchant(&shop(), &categories, &products)).expect("well-formed XML");
    }

    #[test]
    fn a_long_description_is_cut_to_each_feeds_limit() {
        let (categories, mut products) = fixture();
        products[0].product.description = "я".repeat(6000);
        let yml = yandex_yml(&shop(), at_noon_in_moscow(), &categories, &products);
        let google = google_merchant(&shop(), &categories, &products);
        let longest = |xml: &str| {
            let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
            let longest =
                doc.descendants().filter(|n| n.has_tag_name("description")).filter_map(|n| n.text()).map(|t| t.chars().count()).max();
            longest.unwrap_or(0)
        };
        assert_eq!(longest(&yml), YANDEX_DESCRIPTION);
        assert_eq!(longest(&google), GOOGLE_DESCRIPTION);
    }

    #[test]
    fn a_category_keeps_its_yml_number_when_categories_are_reordered_or_added() {
        let (mut categories, products) = fixture();
        let number = |categories: &[Category]| {
            let xml = yandex_yml(&shop(), at_noon_in_moscow(), categories, &products);
            let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
            let phones = doc.descendants().find(|n| n.has_tag_name("category") && n.text() == Some("Смартфоны")).expect("the category");
            phones.attribute("id").map(str::to_owned)
        };
        let before = number(&categories);
        categories.reverse();
        categories.insert(0, category("bikes", "Велосипеды"));
        assert_eq!(number(&categories), before);
        let ids: Vec<u32> = categories.iter().map(|c| yml_category_id(&c.id)).collect();
        assert!(ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id)), "distinct: {ids:?}");
    }

    #[test]
    fn an_absolute_picture_address_is_kept_and_a_site_path_gets_the_origin() {
        assert_eq!(picture_url("https://shop.example", "/img/a.png"), "https://shop.example/img/a.png");
        assert_eq!(picture_url("https://shop.example", "https://cdn.example/a.png"), "https://cdn.example/a.png");
    }
}
