//! The document around every public page: `<head>` (title, description, canonical, language
//! alternates, OpenGraph, JSON-LD, styles, the islands bundle), the header, the footer.

use crate::pages::{Meta, PageData};
use crate::paths::{encode_query, localized};
use leptos::prelude::*;
use vitrina_shared::api::CategoryInfo;
use vitrina_shared::charts::escape;
use vitrina_shared::i18n::{category_name, t, Key, Locale};

/// The built files a page links to; the edge reads their content-hashed names from the site's
/// `assets.json` (written by `cargo xtask build`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assets {
    /// The stylesheet, e.g. `/styles.css`.
    pub css: String,
    /// The islands bundle's JS glue and WebAssembly; `None` renders pages without islands (the
    /// API-only host, and tests that need no browser).
    pub islands: Option<(String, String)>,
    /// The notifications' islands bundle (JS glue, WebAssembly), which `boot.js` loads only when a
    /// page has one of its islands: named on the boot script, never fetched up front.
    pub push: Option<(String, String)>,
}

/// A rendered page: its HTTP status and the whole document.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub status: u16,
    pub html: String,
}

/// Renders `page` in `locale` as a whole HTML document. `origin` (`https://shop.example`) makes
/// canonical and OpenGraph addresses absolute; `here` is the requested path and query without the
/// language prefix (the language switch and "sign in" lead back to it); `categories` fill the
/// navigation.
pub fn render(origin: &str, assets: &Assets, locale: Locale, here: &str, categories: &[CategoryInfo], page: PageData) -> Rendered {
    let meta = page.meta(locale, origin);
    let status = page.status();
    let query = page.search_text();
    let head = head(origin, assets, locale, &meta);
    let body = leptos::prelude::Owner::new().with(|| {
        let body = page.body(locale);
        view! {
            <Header locale categories=categories.to_vec() here=here.to_owned() query />
            <div data-island="cart-notice"></div>
            <main id="main" class="site-main">
                {body}
            </main>
            <Footer locale />
        }
        .to_html()
    });
    let html = format!(
        "<!doctype html>\n<html lang=\"{lang}\" dir=\"ltr\">\n<head>\n{head}</head>\n<body>\n<div data-island=\"offline\"></div>\n{body}\n</body>\n</html>\n",
        lang = locale.code()
    );
    Rendered { status, html }
}

/// JSON for a `<script type="application/ld+json">`: `</` cannot end the element early.
fn json_in_script(value: &serde_json::Value) -> String {
    value.to_string().replace("</", "<\\/")
}

/// The `<head>`: plain text, since it is all attributes and small.
fn head(origin: &str, assets: &Assets, locale: Locale, meta: &Meta) -> String {
    let mut h = String::new();
    let line = |h: &mut String, s: String| {
        h.push_str("  ");
        h.push_str(&s);
        h.push('\n');
    };
    line(&mut h, "<meta charset=\"utf-8\">".into());
    line(&mut h, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">".into());
    line(&mut h, format!("<title>{}</title>", escape(&meta.title)));
    line(&mut h, format!("<meta name=\"description\" content=\"{}\">", escape(&meta.description)));
    if meta.noindex {
        line(&mut h, "<meta name=\"robots\" content=\"noindex, follow\">".into());
    } else {
        let canonical = format!("{origin}{}", localized(locale, &meta.canonical));
        line(&mut h, format!("<link rel=\"canonical\" href=\"{}\">", escape(&canonical)));
        for (alt, code) in [(Locale::Ru, "ru"), (Locale::En, "en")] {
            let href = format!("{origin}{}", localized(alt, &meta.canonical));
            line(&mut h, format!("<link rel=\"alternate\" hreflang=\"{code}\" href=\"{}\">", escape(&href)));
        }
        let default = format!("{origin}{}", localized(Locale::Ru, &meta.canonical));
        line(&mut h, format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\">", escape(&default)));
        line(&mut h, format!("<meta property=\"og:url\" content=\"{}\">", escape(&canonical)));
    }
    line(&mut h, format!("<meta property=\"og:site_name\" content=\"{}\">", t(locale, Key::SiteName)));
    line(&mut h, format!("<meta property=\"og:locale\" content=\"{}\">", if locale == Locale::Ru { "ru_RU" } else { "en_US" }));
    line(&mut h, format!("<meta property=\"og:type\" content=\"{}\">", meta.og_type));
    line(&mut h, format!("<meta property=\"og:title\" content=\"{}\">", escape(&meta.title)));
    line(&mut h, format!("<meta property=\"og:description\" content=\"{}\">", escape(&meta.description)));
    line(&mut h, format!("<meta property=\"og:image\" content=\"{}\">", escape(&format!("{origin}{}", meta.image))));
    if let Some(price) = &meta.price {
        line(&mut h, format!("<meta property=\"product:price:amount\" content=\"{price}\">"));
        line(&mut h, "<meta property=\"product:price:currency\" content=\"RUB\">".into());
        line(&mut h, format!("<meta property=\"og:price:amount\" content=\"{price}\">"));
        line(&mut h, "<meta property=\"og:price:currency\" content=\"RUB\">".into());
    }
    line(&mut h, "<meta name=\"theme-color\" content=\"#0f766e\">".into());
    line(&mut h, "<link rel=\"manifest\" href=\"/manifest.webmanifest\">".into());
    line(&mut h, "<link rel=\"icon\" href=\"/icons/icon.svg\" type=\"image/svg+xml\">".into());
    line(&mut h, "<link rel=\"apple-touch-icon\" href=\"/icons/apple-touch-icon.png\" sizes=\"180x180\">".into());
    line(&mut h, format!("<link rel=\"stylesheet\" href=\"{}\">", escape(&assets.css)));
    if let Some((js, wasm)) = &assets.islands {
        // boot.js starts the islands once the page has loaded: the page is readable without them,
        // so their WebAssembly is fetched after the stylesheet and the images and the largest
        // paint never waits for it (it still counts in the first-load budget).
        line(&mut h, format!("<link id=\"app-js\" rel=\"modulepreload\" href=\"{}\">", escape(js)));
        let push = assets
            .push
            .as_ref()
            .map(|(js, wasm)| format!(" data-push-js=\"{}\" data-push-wasm=\"{}\"", escape(js), escape(wasm)))
            .unwrap_or_default();
        line(
            &mut h,
            format!("<script type=\"module\" src=\"/boot.js\" id=\"boot\" data-wasm=\"{}\"{push} data-after-load></script>", escape(wasm)),
        );
    }
    for value in &meta.json_ld {
        line(&mut h, format!("<script type=\"application/ld+json\">{}</script>", json_in_script(value)));
    }
    h
}

#[component]
fn Header(locale: Locale, categories: Vec<CategoryInfo>, here: String, query: Option<String>) -> impl IntoView {
    let other = locale.other();
    let path = here.split('?').next().unwrap_or("/").to_owned();
    let signin = format!("/signin?next={}", encode_query(&localized(locale, &here)));
    let nav = categories
        .into_iter()
        .map(|info| {
            let href = localized(locale, &format!("/c/{}", info.category.id));
            let current = (path == format!("/c/{}", info.category.id)).then_some("page");
            view! {
                <li class="category-nav-item">
                    <a class="category-nav-link" data-testid="category-link" href=href aria-current=current>
                        {category_name(locale, &info.category).to_owned()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="site-header">
            <div class="site-header-inner">
                <a class="site-logo" href=localized(locale, "/")>
                    {t(locale, Key::SiteName)}
                </a>
                <form class="search-form" role="search" action=localized(locale, "/search") method="get">
                    <label class="visually-hidden" for="site-search">
                        {t(locale, Key::SearchLabel)}
                    </label>
                    <input
                        id="site-search"
                        class="search-input"
                        type="search"
                        name="q"
                        data-testid="search-input"
                        autocomplete="off"
                        enterkeyhint="search"
                        maxlength=vitrina_shared::catalog::MAX_QUERY_CHARS
                        placeholder=t(locale, Key::SearchPlaceholder)
                        value=query
                    />
                    <button class="button search-submit" type="submit" data-testid="search-submit">
                        {t(locale, Key::SearchSubmit)}
                    </button>
                </form>
                <div class="header-links" data-island="header">
                    <a class="header-link signin-link" href=signin>
                        {t(locale, Key::SignIn)}
                    </a>
                    <a class="header-link cart-link" href="/cart">
                        <span class="cart-link-text">{t(locale, Key::CartLink)}</span>
                    </a>
                </div>
                <a
                    class="lang-switch"
                    data-testid="lang-switch"
                    href=localized(other, &here)
                    hreflang=other.code()
                    lang=other.code()
                    aria-label=format!("{} — {}", t(locale, Key::LangSwitchText), t(locale, Key::LangSwitchLabel))
                >
                    {t(locale, Key::LangSwitchText)}
                </a>
            </div>
            <nav class="category-nav" aria-label=t(locale, Key::CategoryNavLabel)>
                <ul class="category-nav-list">{nav}</ul>
            </nav>
        </header>
    }
}

#[component]
fn Footer(locale: Locale) -> impl IntoView {
    let link = move |path: &str, key: Key| {
        view! {
            <li>
                <a href=localized(locale, path)>{t(locale, key)}</a>
            </li>
        }
    };
    view! {
        <footer class="site-footer">
            <div class="site-footer-columns">
                <nav aria-label=t(locale, Key::FooterShop)>
                    <h2 class="site-footer-heading">{t(locale, Key::FooterShop)}</h2>
                    <ul class="site-footer-links">
                        {link("/stores", Key::StoresTitle)} {link("/contacts", Key::ContactsTitle)}
                    </ul>
                </nav>
                <nav aria-label=t(locale, Key::FooterHelp)>
                    <h2 class="site-footer-heading">{t(locale, Key::FooterHelp)}</h2>
                    <ul class="site-footer-links">
                        {link("/delivery", Key::DeliveryTitle)} {link("/returns", Key::ReturnsTitle)}
                        {link("/legal", Key::LegalTitle)}
                    </ul>
                </nav>
            </div>
            <p class="site-footer-tagline">{t(locale, Key::Tagline)}</p>
            <p class="site-footer-note">{t(locale, Key::FooterNote)}</p>
        </footer>
    }
}
