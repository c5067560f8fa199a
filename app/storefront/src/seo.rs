//! What search engines and link previews read: schema.org JSON-LD, `/sitemap.xml`, `/robots.txt`.

use crate::paths::localized;
use serde_json::{json, Value};
use vitrina_shared::api::{ProductDetail, StoreInfo};
use vitrina_shared::availability::Availability;
use vitrina_shared::charts::escape;
use vitrina_shared::i18n::{city_name, t, Key, Locale};

/// Minutes after midnight as `HH:MM` (1440 is `24:00`).
pub fn hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// `Organization` of the shop (home page).
pub fn organization(origin: &str, locale: Locale) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": t(locale, Key::SiteName),
        "url": format!("{origin}{}", localized(locale, "/")),
        "logo": format!("{origin}/icons/icon-512.png"),
    })
}

/// `WebSite` with a `SearchAction` (home page): search engines may offer a search box.
pub fn website(origin: &str, locale: Locale) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": t(locale, Key::SiteName),
        "url": format!("{origin}{}", localized(locale, "/")),
        "inLanguage": locale.code(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": format!("{origin}{}?q={{search_term_string}}", localized(locale, "/search"))},
            "query-input": "required name=search_term_string",
        },
    })
}

/// `BreadcrumbList`: home, then `crumbs` (name, path without a language prefix).
pub fn breadcrumbs(origin: &str, locale: Locale, crumbs: &[(String, String)]) -> Value {
    let home = (t(locale, Key::Home).to_owned(), "/".to_owned());
    let items: Vec<Value> = std::iter::once(&home)
        .chain(crumbs)
        .enumerate()
        .map(|(i, (name, path))| json!({"@type": "ListItem", "position": i + 1, "name": name, "item": format!("{origin}{}", localized(locale, path))}))
        .collect();
    json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items})
}

/// `Product` with its `Offer`: price in roubles and whether any store has it.
pub fn product(origin: &str, locale: Locale, product: &ProductDetail, availability: &Availability) -> Value {
    let in_stock = availability.total_available > 0;
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku.as_str(),
        "description": product.description,
        "image": format!("{origin}{}", product.image),
        "brand": {"@type": "Brand", "name": product.brand},
        "offers": {
            "@type": "Offer",
            "url": format!("{origin}{}", localized(locale, &format!("/p/{}", product.sku))),
            "price": product.price.amount.to_string(),
            "priceCurrency": "RUB",
            "availability": if in_stock { "https://schema.org/InStock" } else { "https://schema.org/OutOfStock" },
            "itemCondition": "https://schema.org/NewCondition",
        },
    });
    if let Some(r) = &product.rating {
        value["aggregateRating"] = json!({"@type": "AggregateRating", "ratingValue": r.average, "ratingCount": r.count, "bestRating": 5});
    }
    value
}

/// A store as `Store` (a `LocalBusiness`) with address, position, phone and opening hours.
pub fn store(origin: &str, locale: Locale, store: &StoreInfo) -> Value {
    const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    let hours: Vec<Value> = store
        .opening_hours
        .iter()
        .filter(|h| (1..=7).contains(&h.weekday))
        .map(|h| {
            json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": format!("https://schema.org/{}", DAYS[usize::from(h.weekday - 1)]),
                "opens": hhmm(h.opens_min),
                "closes": hhmm(h.closes_min.min(1439)),
            })
        })
        .collect();
    json!({
        "@context": "https://schema.org",
        "@type": "Store",
        "name": store.name,
        "url": format!("{origin}{}", localized(locale, &format!("/stores/{}", store.id))),
        "telephone": store.phone,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": store.address,
            "addressLocality": city_name(locale, store.city),
            "addressCountry": "RU",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": store.location.lat, "longitude": store.location.lon},
        "openingHoursSpecification": hours,
    })
}

/// One `<url>` of the sitemap: a path without a language prefix and its last change.
pub struct SitemapEntry {
    pub path: String,
    /// `YYYY-MM-DD`.
    pub lastmod: String,
}

/// `/sitemap.xml`: each page in Russian and English, each with both language alternates.
pub fn sitemap(origin: &str, entries: &[SitemapEntry]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for entry in entries {
        for locale in [Locale::Ru, Locale::En] {
            xml.push_str("  <url>\n");
            xml.push_str(&format!("    <loc>{}</loc>\n", escape(&format!("{origin}{}", localized(locale, &entry.path)))));
            xml.push_str(&format!("    <lastmod>{}</lastmod>\n", entry.lastmod));
            for alt in [Locale::Ru, Locale::En] {
                xml.push_str(&format!(
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                    alt.code(),
                    escape(&format!("{origin}{}", localized(alt, &entry.path)))
                ));
            }
            xml.push_str("  </url>\n");
        }
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The paths crawlers must stay out of: the API and every personal or staff page.
pub const PRIVATE_PATHS: [&str; 11] =
    ["/api/", "/cart", "/checkout", "/orders/", "/account", "/signin", "/handoff", "/showroom/", "/staff", "/admin", "/kiosk"];

/// `/robots.txt`.
pub fn robots(origin: &str) -> String {
    let mut text = String::from("User-agent: *\n");
    for path in PRIVATE_PATHS {
        text.push_str(&format!("Disallow: {path}\n"));
        if path != "/api/" {
            text.push_str(&format!("Disallow: /en{path}\n"));
        }
    }
    text.push_str("Allow: /\n\n");
    text.push_str(&format!("Sitemap: {origin}/sitemap.xml\n"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_keeps_crawlers_out_of_the_api_and_personal_pages_and_names_the_sitemap() {
        let text = robots("https://shop.example");
        for path in ["/api/", "/cart", "/checkout", "/account", "/showroom/", "/staff", "/admin", "/en/cart"] {
            assert!(text.lines().any(|l| l == format!("Disallow: {path}")), "{path}");
        }
        assert!(text.contains("Sitemap: https://shop.example/sitemap.xml"));
        assert!(!text.lines().any(|l| l == "Disallow: /"), "the shop itself stays open");
    }

    #[test]
    fn the_sitemap_lists_each_page_in_both_languages_with_alternates() {
        let xml = sitemap("https://shop.example", &[SitemapEntry { path: "/p/PHN-0001".into(), lastmod: "2026-12-01".into() }]);
        assert!(xml.contains("<loc>https://shop.example/p/PHN-0001</loc>"));
        assert!(xml.contains("<loc>https://shop.example/en/p/PHN-0001</loc>"));
        assert_eq!(xml.matches("<lastmod>2026-12-01</lastmod>").count(), 2);
        assert_eq!(xml.matches("hreflang=\"en\"").count(), 2);
    }

    #[test]
    fn opening_hours_read_as_clock_times() {
        assert_eq!(hhmm(600), "10:00");
        assert_eq!(hhmm(1320), "22:00");
        assert_eq!(hhmm(1439), "23:59");
    }
}
