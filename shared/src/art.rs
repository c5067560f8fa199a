//! Generated product pictures: every product without a photo of its own gets three SVG views of
//! its own (the product, a close-up, its box), drawn from its category's illustration, its colour,
//! its brand and its key attributes. Pure functions of the product: the same picture on every
//! host and every start, and a new one when the product's name, colour or brand changes.

use crate::catalog::Attribute;
use crate::charts::escape;
use crate::Sku;

/// The views drawn for a product, in gallery order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The product as a whole: the card's and the page's first picture.
    Front,
    /// A close-up of part of it.
    Detail,
    /// Its box, with the brand and the key attributes printed on it.
    Box,
}

impl View {
    pub const ALL: [View; 3] = [View::Front, View::Detail, View::Box];

    fn suffix(self) -> &'static str {
        match self {
            View::Front => "",
            View::Detail => "-detail",
            View::Box => "-box",
        }
    }
}

/// Width and height of every generated picture (CSS pixels; SVG scales to any width).
pub const SIZE: (u32, u32) = (400, 300);

/// Where a product's generated view is served: `/img/p/PHN-0001.svg`, `/img/p/PHN-0001-box.svg`.
pub fn image_path(sku: &Sku, view: View) -> String {
    format!("/img/p/{sku}{}.svg", view.suffix())
}

/// The product and view a generated picture's path names; `None` for any other path. A SKU is
/// upper-case letters, digits and dashes, so the lower-case suffix cannot be part of it.
pub fn parse_image_path(path: &str) -> Option<(Sku, View)> {
    let file = path.strip_prefix("/img/p/")?.strip_suffix(".svg")?;
    let (raw, view) = [View::Detail, View::Box]
        .into_iter()
        .find_map(|v| file.strip_suffix(v.suffix()).map(|raw| (raw, v)))
        .unwrap_or((file, View::Front));
    Sku::parse(raw).ok().map(|sku| (sku, view))
}

/// The pictures a product's page shows, in order: its generated views when its picture is the
/// generated one, else its own picture alone.
pub fn gallery(sku: &Sku, image: &str) -> Vec<String> {
    if image == image_path(sku, View::Front) {
        View::ALL.iter().map(|v| image_path(sku, *v)).collect()
    } else {
        vec![image.to_owned()]
    }
}

/// Where a stored photo is served in a width: `/pictures/F7KM3QX9P2/640`. The address never
/// changes what it serves (a new photo gets a new id), so it is cached for a year.
pub fn picture_path(id: &str, width: u32) -> String {
    format!("/pictures/{id}/{width}")
}

/// The photo id and width a `/pictures/…` path names: an id of 2–16 upper-case letters and
/// digits and a width of 1–4096.
pub fn parse_picture_path(path: &str) -> Option<(&str, u32)> {
    let (id, width) = path.strip_prefix("/pictures/")?.split_once('/')?;
    let id_ok = (2..=16).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let width: u32 = width.parse().ok().filter(|w| (1..=4096).contains(w) && !width.starts_with('0'))?;
    id_ok.then_some((id, width))
}

/// The `srcset` of a picture address: a stored photo's widths (the server answers each with the
/// nearest width it has); `None` for other pictures, which are SVG and sharp at any width.
pub fn srcset(image: &str) -> Option<String> {
    let (id, _) = parse_picture_path(image)?;
    Some(PHOTO_WIDTHS.iter().map(|w| format!("{} {w}w", picture_path(id, *w))).collect::<Vec<_>>().join(", "))
}

/// The widths stored photos are made in (`picture::WIDTHS`, which needs the `pictures` feature).
pub const PHOTO_WIDTHS: [u32; 3] = [320, 640, 1280];

/// What a picture is drawn from.
pub struct Subject<'a> {
    pub sku: &'a Sku,
    pub name: &'a str,
    pub brand: &'a str,
    pub attributes: &'a [Attribute],
    /// The category's illustration: an SVG document of [`SIZE`] whose first element after the
    /// `<svg>` tag is its background (`public/img/cat/*.svg`).
    pub art: &'a str,
}

/// A stable 64-bit hash of `text` (FNV-1a, then mixed), the seed of a product's variations: the
/// same on every machine and Rust release, unlike `std`'s hasher.
fn seed(text: &str, salt: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ salt;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 29)
}

/// How a colour named in the product's `Цвет` attribute tints the illustration: a hue rotation in
/// degrees and a saturation (1 keeps it, towards 0 greys it out).
fn tint(subject: &Subject<'_>) -> (i64, f32) {
    let seed = seed(subject.sku.as_str(), 0);
    let colour = subject.attributes.iter().find(|a| a.name == "Цвет").map(|a| a.value.to_lowercase());
    match colour.as_deref() {
        Some("чёрный" | "черный") => (0, 0.05),
        Some("белый") => (0, 0.12),
        Some("серый" | "стальной" | "серебристый") => (0, 0.25),
        Some("бежевый") => (150, 0.45),
        Some("красный" | "терракотовый") => (150, 1.0),
        Some("оранжевый") => (180, 1.0),
        Some("зелёный" | "зеленый") => (-80, 1.0),
        Some("синий") => (20, 1.0),
        Some("голубой") => (0, 0.8),
        // No colour named: a shade of the category's own palette, different for each product.
        _ => ((seed % 81) as i64 - 40, 1.0),
    }
}

/// The illustration without its `<svg>` wrapper and background.
fn art_body(art: &str) -> &str {
    let after_open = art.find('>').map_or(art, |i| &art[i + 1..]);
    let body = after_open.rfind("</svg>").map_or(after_open, |i| &after_open[..i]);
    let trimmed = body.trim_start();
    match trimmed.strip_prefix("<rect width=\"400\" height=\"300\"") {
        Some(rest) => rest.find("/>").map_or(trimmed, |i| &rest[i + 2..]),
        None => trimmed,
    }
}

/// A product's picture in `view`: an SVG document of [`SIZE`].
pub fn product_svg(subject: &Subject<'_>, view: View) -> String {
    let seed = seed(subject.sku.as_str(), 7);
    let (hue_rotate, saturation) = tint(subject);
    let background = 190 + (seed % 140) as i64;
    let (width, height) = SIZE;
    let name = escape(subject.name);
    let brand = escape(subject.brand);
    let head = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" \
         aria-label=\"{name}\"><defs><linearGradient id=\"bg\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\">\
         <stop offset=\"0\" stop-color=\"hsl({background} 60% 97%)\"/><stop offset=\"1\" stop-color=\"hsl({} 45% 88%)\"/>\
         </linearGradient><filter id=\"tint\"><feColorMatrix type=\"hueRotate\" values=\"{hue_rotate}\"/>\
         <feColorMatrix type=\"saturate\" values=\"{saturation}\"/></filter></defs>\
         <rect width=\"{width}\" height=\"{height}\" fill=\"url(#bg)\"/>",
        background + 25
    );
    let body = art_body(subject.art);
    let drawing = match view {
        View::Front => {
            // A slight turn and shift, so that two products of one category never look the same.
            let turn = (seed % 9) as i64 - 4;
            let shift = ((seed >> 8) % 21) as i64 - 10;
            format!(
                "<g filter=\"url(#tint)\" transform=\"translate({shift} 6) rotate({turn} 200 150) scale(.92)\" \
                 transform-origin=\"200 150\">{body}</g>\
                 <text x=\"18\" y=\"30\" font-family=\"system-ui,sans-serif\" font-size=\"17\" font-weight=\"700\" \
                 fill=\"#0f172a\">{brand}</text>"
            )
        }
        View::Detail => {
            // A close-up of one quarter of the illustration, chosen per product.
            let (x, y) = [(150, 110), (250, 110), (150, 190), (250, 190)][(seed % 4) as usize];
            format!("<g filter=\"url(#tint)\" transform=\"translate({} {}) scale(2.2)\">{body}</g>", 200 - x * 22 / 10, 150 - y * 22 / 10)
        }
        View::Box => {
            let lines: String = subject
                .attributes
                .iter()
                .take(3)
                .enumerate()
                .map(|(i, a)| {
                    format!(
                        "<text x=\"118\" y=\"{}\" font-size=\"12\" fill=\"#e2e8f0\">{}: {}</text>",
                        178 + i as u32 * 18,
                        escape(&a.name),
                        escape(&a.value)
                    )
                })
                .collect();
            format!(
                "<g filter=\"url(#tint)\"><path d=\"M100 60h200l24 -18H124z\" fill=\"#60a5fa\"/>\
                 <path d=\"M300 60l24 -18v190l-24 18z\" fill=\"#1d4ed8\"/>\
                 <rect x=\"100\" y=\"60\" width=\"200\" height=\"190\" rx=\"4\" fill=\"#2563eb\"/></g>\
                 <g font-family=\"system-ui,sans-serif\"><text x=\"118\" y=\"100\" font-size=\"24\" font-weight=\"800\" \
                 fill=\"#fff\">{brand}</text><text x=\"118\" y=\"128\" font-size=\"11\" fill=\"#dbeafe\">{}</text>{lines}</g>",
                escape(&subject.name.chars().take(34).collect::<String>())
            )
        }
    };
    format!("{head}{drawing}</svg>")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ART: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 300\" width=\"400\" height=\"300\">\n  \
                       <rect width=\"400\" height=\"300\" fill=\"#e0f2fe\"/>\n  <circle cx=\"200\" cy=\"150\" r=\"112\" fill=\"#bae6fd\"/>\n</svg>";

    fn sku(raw: &str) -> Sku {
        Sku::parse(raw).expect("a SKU")
    }

    fn attrs(colour: &str) -> Vec<Attribute> {
        vec![Attribute { name: "Память".into(), value: "128 ГБ".into() }, Attribute { name: "Цвет".into(), value: colour.into() }]
    }

    #[test]
    fn a_generated_picture_path_names_its_product_and_view_and_nothing_else_parses() {
        let s = sku("PHN-0001");
        for view in View::ALL {
            assert_eq!(parse_image_path(&image_path(&s, view)), Some((s.clone(), view)));
        }
        for other in [
            "/img/p/phn-0001.svg",
            "/img/p/PHN-0001.png",
            "/img/cat/tv.svg",
            "/img/p/.svg",
            "/img/p/PHN-0001-side.svg",
            "/img/p/a/../PHN.svg",
        ] {
            assert_eq!(parse_image_path(other), None, "{other}");
        }
    }

    #[test]
    fn a_product_with_the_generated_picture_has_three_views_and_a_photo_stays_alone() {
        let s = sku("PHN-0001");
        assert_eq!(
            gallery(&s, "/img/p/PHN-0001.svg"),
            vec!["/img/p/PHN-0001.svg", "/img/p/PHN-0001-detail.svg", "/img/p/PHN-0001-box.svg"]
        );
        assert_eq!(gallery(&s, "https://cdn.example/phone.jpg"), vec!["https://cdn.example/phone.jpg"]);
    }

    #[test]
    fn two_products_of_one_category_get_different_pictures_and_one_product_always_the_same() {
        let (a, b) = (sku("PHN-0001"), sku("PHN-0002"));
        let blue = attrs("синий");
        let subject = |s| Subject { sku: s, name: "Смартфон Nova X5 <Lite> & co", brand: "Nova", attributes: &blue, art: ART };
        for view in View::ALL {
            let first = product_svg(&subject(&a), view);
            assert_eq!(first, product_svg(&subject(&a), view), "deterministic");
            assert!(first.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\"") && first.ends_with("</svg>"));
            assert!(!first.contains("#e0f2fe"), "the category's own background is replaced");
            assert!(first.contains("&lt;Lite&gt; &amp; co"), "text is escaped: {first}");
            if view != View::Detail {
                assert_ne!(first, product_svg(&subject(&b), view), "{view:?}");
            }
        }
        let black = attrs("чёрный");
        let dark = Subject { sku: &a, name: "x", brand: "Nova", attributes: &black, art: ART };
        assert!(product_svg(&dark, View::Front).contains("type=\"saturate\" values=\"0.05\""), "a black product is greyed out");
    }
}
