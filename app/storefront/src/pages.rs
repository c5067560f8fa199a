//! The public pages: their data, their `<head>` facts (title, description, canonical address,
//! OpenGraph, JSON-LD) and their bodies.

use crate::paths::{encode_query, localized};
use crate::seo;
use leptos::either::{Either, EitherOf3, EitherOf8};
use leptos::prelude::*;
use vitrina_shared::api::{CategoryInfo, ProductDetail, ProductSummary, StoreInfo, Suggestion};
use vitrina_shared::api::{ErrorParams, ParamValue};
use vitrina_shared::availability::{Availability, StoreAvailability};
use vitrina_shared::catalog::{Category, Filters, Page, Sort};
use vitrina_shared::charts::escape;
use vitrina_shared::i18n::{
    availability_headline, category_name, city_name, error_text, format_distance, format_money, format_pickup, page_of, product_count, t,
    units_available, Key, Locale,
};
use vitrina_shared::store::City;
use vitrina_shared::GeoPoint;

/// An information page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfoPage {
    Delivery,
    Returns,
    Contacts,
    Legal,
}

impl InfoPage {
    pub const ALL: [InfoPage; 4] = [InfoPage::Delivery, InfoPage::Returns, InfoPage::Contacts, InfoPage::Legal];

    /// Its address without a language prefix.
    pub fn path(self) -> &'static str {
        match self {
            InfoPage::Delivery => "/delivery",
            InfoPage::Returns => "/returns",
            InfoPage::Contacts => "/contacts",
            InfoPage::Legal => "/legal",
        }
    }

    pub fn from_path(path: &str) -> Option<InfoPage> {
        InfoPage::ALL.into_iter().find(|p| p.path() == path)
    }

    fn keys(self) -> (Key, Key) {
        match self {
            InfoPage::Delivery => (Key::DeliveryTitle, Key::DeliveryText),
            InfoPage::Returns => (Key::ReturnsTitle, Key::ReturnsText),
            InfoPage::Contacts => (Key::ContactsTitle, Key::ContactsText),
            InfoPage::Legal => (Key::LegalTitle, Key::LegalText),
        }
    }
}

/// What a "not found" page says was not found.
#[derive(Debug, Clone, PartialEq)]
pub enum MissingThing {
    Product(String),
    Category(String),
    Store(String),
    Page,
}

/// What a category or search listing is narrowed to and ordered by, with the brands it can be
/// narrowed to (each with its count of products under the other filters). All of it is in the
/// address, so a filtered listing can be shared and works without JavaScript (a GET form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub filters: Filters,
    pub sort: Sort,
    pub brands: Vec<(String, u32)>,
    /// Attributes with their values and counts (`attr=name:value`).
    pub attributes: Vec<(String, Vec<(String, u32)>)>,
}

impl Listing {
    /// The query string (with `?`, or empty) asking for this listing's filters and order, with
    /// `extra` pairs first (a search's `q`) and page `page` (left out for the first).
    pub fn query(&self, extra: &[(&'static str, String)], page: u32) -> String {
        let mut pairs: Vec<(&'static str, String)> = extra.to_vec();
        pairs.extend(self.filters.to_pairs(self.sort));
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode_query(v))).collect();
        format!("?{}", joined.join("&"))
    }
}

/// A public page with everything it shows.
#[derive(Debug, Clone)]
pub enum PageData {
    Home {
        categories: Vec<CategoryInfo>,
        popular: Vec<ProductSummary>,
    },
    Category {
        category: CategoryInfo,
        page: Page<ProductSummary>,
        listing: Listing,
    },
    /// `suggestions` ("did you mean") and `categories` are shown when `results` are empty.
    /// `corrected`: the query the results are for when a typo was corrected.
    Search {
        query: String,
        results: Option<Page<ProductSummary>>,
        corrected: Option<String>,
        suggestions: Vec<Suggestion>,
        categories: Vec<CategoryInfo>,
        listing: Listing,
    },
    Product {
        product: ProductDetail,
        /// The pictures to show, in order: its photos, or its generated views
        /// (`vitrina_shared::art::gallery`).
        pictures: Vec<String>,
        category: Option<Category>,
        availability: Availability,
        city: Option<City>,
        now: i64,
    },
    Stores {
        stores: Vec<StoreInfo>,
    },
    Store {
        store: StoreInfo,
        in_stock: Vec<ProductSummary>,
    },
    Info(InfoPage),
    NotFound(MissingThing),
}

/// The `<head>` facts of a page.
pub struct Meta {
    pub title: String,
    pub description: String,
    /// The canonical address without a language prefix.
    pub canonical: String,
    pub noindex: bool,
    pub og_type: &'static str,
    pub image: String,
    /// The price for OpenGraph, as a plain decimal (`1990.00`).
    pub price: Option<String>,
    pub json_ld: Vec<serde_json::Value>,
}

/// The first `max` characters of `text` on a word boundary, with "…" if cut.
fn summary(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).trim_end_matches([',', '.', ';', ':']);
    format!("{cut}…")
}

fn titled(locale: Locale, title: &str) -> String {
    format!("{title} — {}", t(locale, Key::SiteName))
}

fn page_suffix(page: u32) -> String {
    if page > 1 {
        format!("?page={page}")
    } else {
        String::new()
    }
}

impl PageData {
    pub fn status(&self) -> u16 {
        match self {
            PageData::NotFound(_) => 404,
            _ => 200,
        }
    }

    /// The search text to show in the header's search box.
    pub fn search_text(&self) -> Option<String> {
        match self {
            PageData::Search { query, .. } if !query.is_empty() => Some(query.clone()),
            _ => None,
        }
    }

    pub fn meta(&self, locale: Locale, origin: &str) -> Meta {
        let site = t(locale, Key::SiteName);
        let base = |title: String, description: String, path: String| Meta {
            title,
            description,
            canonical: path,
            noindex: false,
            og_type: "website",
            image: "/icons/icon-512.png".to_owned(),
            price: None,
            json_ld: Vec::new(),
        };
        match self {
            PageData::Home { .. } => {
                let mut meta = base(format!("{site} — {}", t(locale, Key::Tagline)), t(locale, Key::HeroText).to_owned(), "/".into());
                meta.json_ld = vec![seo::organization(origin, locale), seo::website(origin, locale)];
                meta
            }
            PageData::Category { category, page, .. } => {
                let name = category_name(locale, &category.category);
                let path = format!("/c/{}", category.category.id);
                let description = format!("{name}: {} — {}", product_count(locale, category.product_count), t(locale, Key::Tagline));
                let mut meta = base(titled(locale, name), description, path.clone());
                meta.canonical = format!("{path}{}", page_suffix(page.page));
                meta.image = category.category.image.clone();
                meta.json_ld = vec![seo::breadcrumbs(origin, locale, &[(name.to_owned(), path)])];
                meta
            }
            PageData::Search { query, .. } => {
                let title = if query.is_empty() {
                    t(locale, Key::SearchHeading).to_owned()
                } else {
                    format!("{}: {query}", t(locale, Key::SearchHeading))
                };
                let path = if query.is_empty() { "/search".to_owned() } else { format!("/search?q={}", encode_query(query)) };
                let mut meta = base(titled(locale, &title), t(locale, Key::SearchPrompt).to_owned(), path);
                // Result lists are for shoppers, not for the index.
                meta.noindex = true;
                meta
            }
            PageData::Product { product, category, availability, .. } => {
                let path = format!("/p/{}", product.sku);
                let price = format_money(locale, &product.price);
                let title = titled(locale, &format!("{} — {price}", product.name));
                let mut meta = base(title, summary(&product.description, 160), path.clone());
                meta.og_type = "product";
                meta.image = product.image.clone();
                meta.price = Some(product.price.amount.to_string());
                let mut crumbs = Vec::new();
                if let Some(c) = category {
                    crumbs.push((category_name(locale, c).to_owned(), format!("/c/{}", c.id)));
                }
                crumbs.push((product.name.clone(), path));
                meta.json_ld = vec![seo::product(origin, locale, product, availability), seo::breadcrumbs(origin, locale, &crumbs)];
                meta
            }
            PageData::Stores { stores } => {
                let mut meta = base(titled(locale, t(locale, Key::StoresTitle)), t(locale, Key::StoresIntro).to_owned(), "/stores".into());
                meta.json_ld = stores.iter().map(|s| seo::store(origin, locale, s)).collect();
                meta
            }
            PageData::Store { store, .. } => {
                let path = format!("/stores/{}", store.id);
                let description = format!("{}, {}. {}", city_name(locale, store.city), store.address, t(locale, Key::StoreHours));
                let mut meta = base(titled(locale, &store.name), description, path.clone());
                meta.json_ld = vec![
                    seo::store(origin, locale, store),
                    seo::breadcrumbs(
                        origin,
                        locale,
                        &[(t(locale, Key::StoresTitle).to_owned(), "/stores".into()), (store.name.clone(), path)],
                    ),
                ];
                meta
            }
            PageData::Info(page) => {
                let (title, text) = page.keys();
                base(titled(locale, t(locale, title)), summary(t(locale, text), 160), page.path().to_owned())
            }
            PageData::NotFound(_) => {
                let mut meta = base(titled(locale, t(locale, Key::NotFoundTitle)), t(locale, Key::NotFoundText).to_owned(), String::new());
                meta.noindex = true;
                meta
            }
        }
    }

    pub fn body(self, locale: Locale) -> impl IntoView {
        // Static dispatch (`EitherOf8`), not `AnyView`: a type-erased view carries every way of
        // rendering (async resolution, hydration) into the Spin component, about 200 KB of it.
        match self {
            PageData::Home { categories, popular } => EitherOf8::A(view! { <HomeBody locale categories popular /> }),
            PageData::Category { category, page, listing } => EitherOf8::B(view! { <CategoryBody locale category page listing /> }),
            PageData::Search { query, results, corrected, suggestions, categories, listing } => {
                EitherOf8::C(view! { <SearchBody locale query results corrected suggestions categories listing /> })
            }
            PageData::Product { product, pictures, category, availability, city, now } => {
                EitherOf8::D(view! { <ProductBody locale product pictures category availability city now /> })
            }
            PageData::Stores { stores } => EitherOf8::E(view! { <StoresBody locale stores /> }),
            PageData::Store { store, in_stock } => EitherOf8::F(view! { <StoreBody locale store in_stock /> }),
            PageData::Info(page) => {
                let (title, text) = page.keys();
                EitherOf8::G(view! {
                    <article class="info-page">
                        <h1 class="page-title">{t(locale, title)}</h1>
                        <p>{t(locale, text)}</p>
                    </article>
                })
            }
            PageData::NotFound(thing) => EitherOf8::H(view! { <NotFoundBody locale thing /> }),
        }
    }
}

#[component]
fn ProductCard(locale: Locale, product: ProductSummary, h2: bool, eager: bool) -> impl IntoView {
    let ProductSummary { sku, name, brand, price, image, total_available, .. } = product;
    // A stored photo comes in several widths; a generated picture is SVG, sharp at any width.
    let srcset = vitrina_shared::art::srcset(&image);
    let in_stock = total_available > 0;
    let name = if h2 {
        Either::Left(view! { <h2 class="product-card-name">{name}</h2> })
    } else {
        Either::Right(view! { <h3 class="product-card-name">{name}</h3> })
    };
    view! {
        <li class="product-card" data-testid="product-card">
            <a class="product-card-link" href=localized(locale, &format!("/p/{sku}"))>
                <img
                    class="product-card-image"
                    sizes=srcset.as_ref().map(|_| "(min-width: 40rem) 320px, 50vw")
                    srcset=srcset
                    src=image
                    alt=""
                    width="320"
                    height="240"
                    loading=if eager { "eager" } else { "lazy" }
                    decoding="async"
                />
                {name}
            </a>
            <p class="product-card-brand">{brand}</p>
            <p class="product-card-price" data-testid="product-price">{format_money(locale, &price)}</p>
            <p class={if in_stock { "stock-badge in-stock" } else { "stock-badge out-of-stock" }}>
                {t(locale, if in_stock { Key::InStock } else { Key::OutOfStock })}
            </p>
        </li>
    }
}

/// A grid of product cards; the first row loads its images at once (likely the largest paint).
fn product_grid(locale: Locale, products: Vec<ProductSummary>, h2: bool) -> impl IntoView {
    let cards = products.into_iter().enumerate().map(|(i, product)| view! { <ProductCard locale product h2 eager=i < 4 /> }).collect_view();
    view! { <ul class="product-grid">{cards}</ul> }
}

/// Previous / next links around "page X of Y"; `href(n)` is the address of page `n`.
fn pager(locale: Locale, page: u32, total_pages: u32, href: impl Fn(u32) -> String) -> impl IntoView {
    let prev = (page > 1).then(|| {
        view! {
            <a class="button pager-button pager-prev" data-testid="pager-prev" rel="prev" href=href(page - 1)>
                <span aria-hidden="true">"← "</span>
                {t(locale, Key::PagerPrev)}
            </a>
        }
    });
    let next = (page < total_pages).then(|| {
        view! {
            <a class="button pager-button pager-next" data-testid="pager-next" rel="next" href=href(page + 1)>
                {t(locale, Key::PagerNext)}
                <span aria-hidden="true">" →"</span>
            </a>
        }
    });
    (total_pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label=t(locale, Key::PagerLabel)>
                {prev}
                <span class="pager-status">{page_of(locale, page, total_pages)}</span>
                {next}
            </nav>
        }
    })
}

#[component]
fn HomeBody(locale: Locale, categories: Vec<CategoryInfo>, popular: Vec<ProductSummary>) -> impl IntoView {
    let tiles = categories
        .into_iter()
        .map(|info| {
            let href = localized(locale, &format!("/c/{}", info.category.id));
            view! {
                <li class="category-tile" data-testid="category-tile">
                    <a class="category-tile-link" href=href>
                        <img class="category-tile-image" src=info.category.image.clone() alt="" width="160" height="120" loading="lazy" />
                        <span class="category-tile-name">{category_name(locale, &info.category).to_owned()}</span>
                        <span class="category-tile-count">{product_count(locale, info.product_count)}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    // Products first: on a phone the shopper sees what is popular and in stock before 12 tiles.
    view! {
        <section class="hero">
            <h1 class="hero-title">{t(locale, Key::HeroTitle)}</h1>
            <p class="hero-text">{t(locale, Key::HeroText)}</p>
        </section>
        <section class="home-section" aria-labelledby="home-featured">
            <h2 id="home-featured" class="section-title">{t(locale, Key::PopularHeading)}</h2>
            <div class="featured-results">{product_grid(locale, popular, false)}</div>
        </section>
        <section class="home-section" aria-labelledby="home-categories">
            <h2 id="home-categories" class="section-title">{t(locale, Key::CategoriesHeading)}</h2>
            <ul class="category-grid">{tiles}</ul>
        </section>
    }
}

#[component]
fn CategoryBody(locale: Locale, category: CategoryInfo, page: Page<ProductSummary>, listing: Listing) -> impl IntoView {
    let name = category_name(locale, &category.category).to_owned();
    let path = localized(locale, &format!("/c/{}", category.category.id));
    let empty = page.items.is_empty();
    let (current, total_pages, total) = (page.page, page.total_pages, page.total);
    let filtered = !listing.filters.is_empty();
    let count = if filtered { total } else { category.product_count };
    let form = filter_form(locale, &path, &[], &listing, Key::SortDefault);
    let empty_text = if filtered { Key::EmptyFiltered } else { Key::EmptyCategory };
    view! {
        <nav class="breadcrumbs" aria-label=t(locale, Key::BreadcrumbLabel)>
            <ol class="breadcrumbs-list">
                <li>
                    <a href=localized(locale, "/")>{t(locale, Key::Home)}</a>
                </li>
            </ol>
        </nav>
        <h1 class="page-title">{name}</h1>
        <p class="result-count">{product_count(locale, count)}</p>
        {form}
        {if empty { Either::Left(view! { <p class="empty-state">{t(locale, empty_text)}</p> }) } else { Either::Right(product_grid(locale, page.items, true)) }}
        {pager(locale, current, total_pages, move |n| format!("{path}{}", listing.query(&[], n)))}
    }
}

/// The listing's filters and order as a GET form (it works without JavaScript): brands with their
/// counts, a price range, "in stock in a city", the order, and a link back to the unfiltered
/// listing. `hidden` pairs ride along (a search's `q`); `default_order` names the order by default.
/// The form's inside is written as text (every value escaped): as views it made the renderer, and
/// so the Spin component, 600 KB larger.
fn filter_form(locale: Locale, path: &str, hidden: &[(&'static str, String)], listing: &Listing, default_order: Key) -> impl IntoView {
    let mut html = String::new();
    for (name, value) in hidden {
        html.push_str(&format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">", escape(value)));
    }
    if !listing.brands.is_empty() {
        html.push_str(&format!("<fieldset class=\"filter-group\"><legend>{}</legend>", escape(t(locale, Key::FilterBrand))));
        for (brand, count) in &listing.brands {
            let checked = if listing.filters.brands.contains(brand) { " checked" } else { "" };
            html.push_str(&format!(
                "<label class=\"filter-choice\"><input type=\"checkbox\" name=\"brand\" value=\"{b}\"{checked} data-testid=\"filter-brand\"> {b} ({count})</label>",
                b = escape(brand)
            ));
        }
        html.push_str("</fieldset>");
    }
    for (name, values) in &listing.attributes {
        html.push_str(&format!("<fieldset class=\"filter-group\"><legend>{}</legend>", escape(name)));
        for (value, count) in values {
            let ticked = listing.filters.attributes.iter().any(|(n, v)| n == name && v == value);
            html.push_str(&format!(
                "<label class=\"filter-choice\"><input type=\"checkbox\" name=\"attr\" value=\"{}\"{} data-testid=\"filter-attr\"> {} ({count})</label>",
                escape(&format!("{name}:{value}")),
                if ticked { " checked" } else { "" },
                escape(value)
            ));
        }
        html.push_str("</fieldset>");
    }
    html.push_str(&format!("<fieldset class=\"filter-group\"><legend>{}</legend>", escape(t(locale, Key::FilterPrice))));
    for (name, value, label) in
        [("price_min", listing.filters.price_min, Key::FilterPriceFrom), ("price_max", listing.filters.price_max, Key::FilterPriceTo)]
    {
        let value = value.map(|v| format!(" value=\"{v}\"")).unwrap_or_default();
        html.push_str(&format!(
            "<label class=\"filter-choice\">{} <input type=\"number\" name=\"{name}\" min=\"0\" step=\"1\" inputmode=\"numeric\"{value} class=\"filter-price\" data-testid=\"filter-{name}\"></label>",
            escape(t(locale, label))
        ));
    }
    html.push_str("</fieldset>");
    let option = |value: &str, selected: bool, text: &str| {
        format!("<option value=\"{value}\"{}>{}</option>", if selected { " selected" } else { "" }, escape(text))
    };
    html.push_str(&format!(
        "<label class=\"filter-group\">{} <select name=\"in_stock\" data-testid=\"filter-in-stock\">{}",
        escape(t(locale, Key::FilterInStock)),
        option("", listing.filters.in_stock.is_none(), t(locale, Key::FilterAnyCity))
    ));
    for city in City::ALL {
        html.push_str(&option(city.slug(), listing.filters.in_stock == Some(city), city_name(locale, city)));
    }
    html.push_str(&format!(
        "</select></label><label class=\"filter-group\">{} <select name=\"sort\" data-testid=\"filter-sort\">",
        escape(t(locale, Key::SortLabel))
    ));
    for sort in Sort::ALL {
        let text = match sort {
            Sort::Default => default_order,
            Sort::Popular => Key::SortPopular,
            Sort::PriceAsc => Key::SortPriceAsc,
            Sort::PriceDesc => Key::SortPriceDesc,
            Sort::New => Key::SortNew,
            Sort::Rating => Key::SortRating,
        };
        html.push_str(&option(sort.slug(), listing.sort == sort, t(locale, text)));
    }
    html.push_str(&format!(
        "</select></label><button type=\"submit\" class=\"button button-secondary\" data-testid=\"filter-apply\">{}</button>",
        escape(t(locale, Key::FiltersApply))
    ));
    if !listing.filters.is_empty() || listing.sort != Sort::Default {
        let href = format!("{path}{}", Listing::default().query(hidden, 1));
        html.push_str(&format!(
            "<a class=\"filter-reset\" href=\"{}\" data-testid=\"filter-reset\">{}</a>",
            escape(&href),
            escape(t(locale, Key::FiltersReset))
        ));
    }
    view! {
        <form
            method="get"
            action=path.to_owned()
            class="listing-filters"
            data-testid="listing-filters"
            aria-label=t(locale, Key::FiltersLabel)
            inner_html=html
        ></form>
    }
}

#[component]
fn SearchBody(
    locale: Locale,
    query: String,
    results: Option<Page<ProductSummary>>,
    corrected: Option<String>,
    suggestions: Vec<Suggestion>,
    categories: Vec<CategoryInfo>,
    listing: Listing,
) -> impl IntoView {
    let path = localized(locale, "/search");
    let q = [("q", query.clone())];
    let heading = if query.is_empty() {
        t(locale, Key::SearchHeading).to_owned()
    } else {
        format!("{}: «{query}»", t(locale, Key::SearchResultsFor))
    };
    let listing = match results {
        None => EitherOf3::A(view! { <p class="empty-state">{t(locale, Key::SearchPrompt)}</p> }),
        Some(page) if page.items.is_empty() && listing.filters.is_empty() => EitherOf3::B(view! {
            <p class="empty-state">{t(locale, Key::NoResults)}</p>
            {nothing_found(locale, suggestions, categories)}
        }),
        Some(page) => {
            let (current, total_pages, total) = (page.page, page.total_pages, page.total);
            let form = filter_form(locale, &path, &q, &listing, Key::SortBestMatch);
            let found = if page.items.is_empty() {
                Either::Left(view! { <p class="empty-state">{t(locale, Key::EmptyFiltered)}</p> })
            } else {
                Either::Right(product_grid(locale, page.items, true))
            };
            EitherOf3::C(view! {
                <p class="result-count">{product_count(locale, total)}</p>
                {form}
                {found}
                {pager(locale, current, total_pages, move |n| format!("{path}{}", listing.query(&q, n)))}
            })
        }
    };
    let corrected = corrected.map(|text| {
        view! { <p class="search-corrected" data-testid="search-corrected">{format!("{} «{text}»", t(locale, Key::SearchCorrected))}</p> }
    });
    view! {
        <h1 class="page-title">{heading}</h1>
        {corrected}
        {listing}
    }
}

/// What an empty search result offers instead: "did you mean" links and popular categories.
fn nothing_found(locale: Locale, suggestions: Vec<Suggestion>, categories: Vec<CategoryInfo>) -> impl IntoView {
    let (no_suggestions, no_categories) = (suggestions.is_empty(), categories.is_empty());
    let links = suggestions
        .into_iter()
        .map(|s| {
            let (href, text) = match s {
                Suggestion::Category { id, name_ru, name_en } => {
                    (localized(locale, &format!("/c/{id}")), if locale == Locale::En { name_en } else { name_ru })
                }
                Suggestion::Product { sku, name } => (localized(locale, &format!("/p/{sku}")), name),
            };
            view! {
                <li>
                    <a href=href>{text}</a>
                </li>
            }
        })
        .collect_view();
    let tiles = categories
        .into_iter()
        .map(|info| {
            let href = localized(locale, &format!("/c/{}", info.category.id));
            view! {
                <li>
                    <a href=href>{category_name(locale, &info.category).to_owned()}</a>
                </li>
            }
        })
        .collect_view();
    let did_you_mean = (!no_suggestions).then(|| {
        view! {
            <section class="search-suggestions" aria-labelledby="search-did-you-mean" data-testid="search-did-you-mean">
                <h2 id="search-did-you-mean" class="section-title">{t(locale, Key::SearchDidYouMean)}</h2>
                <ul class="link-list">{links}</ul>
            </section>
        }
    });
    let popular = (!no_categories).then(|| {
        view! {
            <section class="search-suggestions" aria-labelledby="search-popular-categories" data-testid="search-popular-categories">
                <h2 id="search-popular-categories" class="section-title">{t(locale, Key::SearchPopularCategories)}</h2>
                <ul class="link-list">{tiles}</ul>
            </section>
        }
    });
    view! {
        {did_you_mean}
        {popular}
    }
}

/// A product description as paragraphs: blank lines separate them.
fn paragraphs(description: &str) -> impl IntoView {
    description.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(|p| view! { <p>{p.to_owned()}</p> }).collect_view()
}

#[component]
fn ProductBody(
    locale: Locale,
    product: ProductDetail,
    pictures: Vec<String>,
    category: Option<Category>,
    availability: Availability,
    city: Option<City>,
    now: i64,
) -> impl IntoView {
    let ProductDetail { sku, name, brand, description, price, attributes, image, total_available, rating, .. } = product;
    // The first picture large; the others (photos, or the generated views of shared/src/art.rs)
    // as thumbnails, each a link to itself at full size, loaded only when scrolled to.
    let image = pictures.first().cloned().unwrap_or(image);
    let srcset = vitrina_shared::art::srcset(&image);
    let more_pictures = (pictures.len() > 1).then(|| {
        let items = pictures
            .into_iter()
            .skip(1)
            .map(|src| {
                let thumb = vitrina_shared::art::srcset(&src);
                let href = src.clone();
                view! {
                    <li>
                        <a href=href>
                            <img
                                src=src
                                sizes=thumb.as_ref().map(|_| "120px")
                                srcset=thumb
                                alt=""
                                width="120"
                                height="90"
                                loading="lazy"
                                decoding="async"
                            />
                        </a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="product-gallery">{items}</ul> }
    });
    // "4,6 ★ (оценок: 23)": buyers' ratings, the decimal as the language writes it.
    let rating = rating.map(|r| {
        let average = if locale == Locale::Ru { r.average.replace('.', ",") } else { r.average };
        view! {
            <dt>{t(locale, Key::Rating)}</dt>
            <dd data-testid="product-rating">{format!("{average} ★ ({}: {})", t(locale, Key::RatingOf), r.count)}</dd>
        }
    });
    // The personal price names the offers that lower it; an offer on a category can only be on
    // this product's, so its island gets that category's names here instead of loading them all.
    let (offer_category, offer_category_ru, offer_category_en) =
        category.as_ref().map(|c| (c.id.to_string(), c.name_ru.clone(), c.name_en.clone())).unwrap_or_default();
    let crumb = category.map(|c| {
        view! {
            <li>
                <a href=localized(locale, &format!("/c/{}", c.id))>{category_name(locale, &c).to_owned()}</a>
            </li>
        }
    });
    let rows = attributes
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <th scope="row">{a.name}</th>
                    <td>{a.value}</td>
                </tr>
            }
        })
        .collect_view();
    let has_rows = !rows.is_empty();
    let sku_text = sku.to_string();
    let city_slug = city.map(City::slug);
    view! {
        <article class="product-detail">
            <nav class="breadcrumbs" aria-label=t(locale, Key::BreadcrumbLabel)>
                <ol class="breadcrumbs-list">
                    <li>
                        <a href=localized(locale, "/")>{t(locale, Key::Home)}</a>
                    </li>
                    {crumb}
                </ol>
            </nav>
            <div class="product-detail-main">
                <div class="product-detail-media">
                    <img
                        class="product-detail-image"
                        src=image
                        sizes=srcset.as_ref().map(|_| "(min-width: 60rem) 40vw, 100vw")
                        srcset=srcset
                        alt=name.clone()
                        width="640"
                        height="480"
                        fetchpriority="high"
                    />
                    {more_pictures}
                </div>
                <div class="product-detail-info">
                    <h1 class="product-title" data-testid="product-name">{name}</h1>
                    <dl class="product-facts">
                        <dt>{t(locale, Key::Brand)}</dt>
                        <dd class="product-brand">{brand}</dd>
                        <dt>{t(locale, Key::Sku)}</dt>
                        <dd class="product-sku">{sku_text.clone()}</dd>
                        {rating}
                    </dl>
                    <p class="product-price" data-testid="product-price">{format_money(locale, &price)}</p>
                    <div
                        data-island="personal-price"
                        data-sku=sku_text.clone()
                        data-category=offer_category
                        data-category-ru=offer_category_ru
                        data-category-en=offer_category_en
                    ></div>
                    <div data-island="add-to-cart" data-sku=sku_text.clone() data-available=total_available>
                        // The cart and checkout are client apps, so adding needs JavaScript: the
                        // button waits for its island (same size, so nothing moves when it comes).
                        <div class="add-to-cart">
                            <button type="button" class="button add-to-cart-button" disabled=true>
                                {t(locale, Key::AddToCartNoScript)}
                            </button>
                        </div>
                    </div>
                    <div data-island="availability" data-sku=sku_text data-city=city_slug>
                        <AvailabilityPanel locale availability city now />
                    </div>
                </div>
            </div>
            <section class="product-description" aria-labelledby="product-description-title">
                <h2 id="product-description-title" class="section-title">{t(locale, Key::Description)}</h2>
                {paragraphs(&description)}
            </section>
            {has_rows.then(|| view! {
                <section class="product-specs" aria-labelledby="product-specs-title">
                    <h2 id="product-specs-title" class="section-title">{t(locale, Key::Specifications)}</h2>
                    <table class="spec-table"><tbody>{rows}</tbody></table>
                </section>
            })}
        </article>
    }
}

/// Where the availability shown is measured from: nowhere in particular, a city's centre (its
/// stores only), or the shopper's shared location (every store, nearest first).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Around {
    Anywhere,
    City(City),
    Point(GeoPoint),
}

impl Around {
    /// The point distances are measured from.
    pub fn point(self) -> Option<GeoPoint> {
        match self {
            Around::Anywhere => None,
            Around::City(city) => Some(city.centre()),
            Around::Point(point) => Some(point),
        }
    }

    /// The city "notify me when it is back" watches: the chosen one, or the one nearest the shopper.
    fn watched_city(self) -> Option<City> {
        match self {
            Around::Anywhere => None,
            Around::City(city) => Some(city),
            Around::Point(point) => City::ALL.into_iter().min_by_key(|c| c.centre().distance_m(&point)),
        }
    }
}

/// Stock by store. Without JavaScript the city is chosen with the form (`?city=`); the island
/// (`app/src/components/availability.rs`) adds "use my location" and, on a choice, swaps in
/// [`AvailabilityResults`] from `/p/{sku}/availability` — rendered here, so the store list has one
/// renderer. The status messages the island shows are in the panel's `data-msg-*` attributes.
#[component]
fn AvailabilityPanel(locale: Locale, availability: Availability, city: Option<City>, now: i64) -> impl IntoView {
    let around = city.map_or(Around::Anywhere, Around::City);
    let options = City::ALL
        .into_iter()
        .map(|c| view! { <option value=c.slug() selected=city == Some(c)>{city_name(locale, c)}</option> })
        .collect_view();
    let status = t(locale, if city.is_some() { Key::GeoUsingCity } else { Key::GeoNoPosition });
    view! {
        <section
            class="avail-panel"
            data-testid="availability-panel"
            aria-labelledby="avail-title"
            data-msg-locating=t(locale, Key::Locating)
            data-msg-denied=t(locale, Key::GeoDenied)
            data-msg-unavailable=t(locale, Key::GeoUnavailable)
            data-msg-timeout=t(locale, Key::GeoTimeout)
            data-msg-unsupported=t(locale, Key::GeoUnsupported)
            data-msg-location=t(locale, Key::GeoUsingLocation)
            data-msg-city=t(locale, Key::GeoUsingCity)
            data-msg-failed=t(locale, Key::AvailabilityNotUpdated)
        >
            <h2 id="avail-title" class="avail-title">{t(locale, Key::AvailabilityHeading)}</h2>
            <form class="avail-controls" method="get">
                // Needs the browser's geolocation: enabled by the island.
                <button type="button" class="button use-location" data-testid="use-location" aria-pressed="false" disabled=true>
                    {t(locale, Key::UseMyLocation)}
                </button>
                <div class="city-picker">
                    <label class="city-label" for="city-select">{t(locale, Key::CityLabel)}</label>
                    <select id="city-select" name="city" class="city-select" data-testid="city-select">
                        <option value="" disabled=true selected=city.is_none()>{t(locale, Key::CityPlaceholder)}</option>
                        {options}
                    </select>
                    <button type="submit" class="button button-secondary city-submit">{t(locale, Key::ShowCity)}</button>
                </div>
            </form>
            <p class="avail-status" aria-live="polite" data-testid="avail-status">{status}</p>
            // The same string `/p/{sku}/availability` answers: one rendering of the results.
            <div class="avail-results" inner_html=availability_results(locale, availability, around, now)></div>
        </section>
    }
}

/// The headline, "notify me when it is back" where nothing is in stock near the shopper, and the
/// stores: the part of the panel that changes with the shopper's city or location.
#[component]
fn AvailabilityResults(locale: Locale, availability: Availability, around: Around, now: i64) -> impl IntoView {
    let Availability { sku, in_stock_stores, in_stock_nearby, store_count, stores, .. } = availability;
    // A chain of a thousand stores lists the first ones (in stock first, then nearest) and says how
    // to see others. Around a city the answer holds every store and the city's are picked here;
    // otherwise it may hold only the first stores, and its counts cover the chain.
    let (shown, listed, in_stock_listed): (Vec<StoreAvailability>, usize, u32) = match around {
        Around::City(c) => {
            let here: Vec<StoreAvailability> = stores.into_iter().filter(|s| s.city == c).collect();
            let in_stock = here.iter().filter(|s| s.available > 0).count() as u32;
            let n = here.len();
            (here, n, in_stock)
        }
        _ => (stores, store_count as usize, in_stock_stores),
    };
    let (count, near_you, offer_alert) = match around {
        Around::Point(_) => match in_stock_nearby {
            Some(nearby) if nearby > 0 => (nearby, true, false),
            nearby => (in_stock_stores, false, in_stock_stores == 0 || nearby == Some(0)),
        },
        _ => (in_stock_listed, false, in_stock_listed == 0),
    };
    let watched = around.watched_city().map(City::slug);
    let more = (listed > MAX_STORES_LISTED).then(|| {
        let text = format!(
            "{}: {MAX_STORES_LISTED} {} {listed}; {}",
            t(locale, Key::StoresShown),
            t(locale, Key::StoresShownOf),
            t(locale, Key::StoresShownHint)
        );
        view! { <p class="avail-more" data-testid="availability-more">{text}</p> }
    });
    let rows = shown
        .into_iter()
        .take(MAX_STORES_LISTED)
        .map(|store| {
            let in_stock = store.available > 0;
            let pickup = store.pickup_at.map(|at| format!("{} {}", t(locale, Key::Pickup), format_pickup(locale, at.timestamp(), now, store.utc_offset_minutes)));
            let distance =
                store.distance_m.map(|m| view! { <span class="avail-distance" data-testid="store-distance">{format_distance(locale, m)}</span> });
            view! {
                <li class={if in_stock { "avail-store" } else { "avail-store out-of-stock" }} data-testid="availability-store" data-available=store.available>
                    <div class="avail-store-head">
                        <h3 class="avail-store-name">
                            <a href=localized(locale, &format!("/stores/{}", store.store_id))>{store.store_name}</a>
                        </h3>
                        {distance}
                    </div>
                    <p class="avail-store-address">{city_name(locale, store.city)} ", " {store.address}</p>
                    <p class="avail-store-meta">
                        <span class="avail-qty">{if in_stock { units_available(locale, store.available) } else { t(locale, Key::OutOfStock).to_owned() }}</span>
                        <span class={if store.open_now { "avail-open is-open" } else { "avail-open is-closed" }}>
                            {t(locale, if store.open_now { Key::OpenNow } else { Key::ClosedNow })}
                        </span>
                    </p>
                    {pickup.map(|text| view! { <p class="avail-pickup">{text}</p> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <p class={if count > 0 { "avail-headline" } else { "avail-headline out-of-stock" }} data-testid="availability-headline">
            {availability_headline(locale, count, near_you)}
        </p>
        {offer_alert.then(|| view! { <div data-island="notify-back" data-sku=sku.to_string() data-city=watched></div> })}
        <ul class="avail-list">{rows}</ul>
        {more}
    }
}

/// Most stores the availability panel lists: as many as an availability answer lists unless
/// asked for more, so the edge fills in only those.
const MAX_STORES_LISTED: usize = vitrina_shared::availability::LISTED_STORES as usize;

/// The changing part of the availability panel on its own (`/p/{sku}/availability`), for the
/// island to swap in when the shopper picks a city or shares their location.
pub fn availability_results(locale: Locale, availability: Availability, around: Around, now: i64) -> String {
    Owner::new().with(|| view! { <AvailabilityResults locale availability around now /> }.to_html())
}

/// Opening hours as lines: "Пн 10:00–22:00".
fn hours_lines(locale: Locale, store: &StoreInfo) -> Vec<String> {
    const RU: [&str; 7] = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];
    const EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let names = if locale == Locale::Ru { RU } else { EN };
    (1..=7u8)
        .map(|day| {
            let name = names[usize::from(day - 1)];
            match store.opening_hours.iter().find(|h| h.weekday == day) {
                Some(h) => format!("{name} {}–{}", seo::hhmm(h.opens_min), seo::hhmm(h.closes_min)),
                None => format!("{name} {}", t(locale, Key::StoreClosedDay)),
            }
        })
        .collect()
}

fn map_link(store: &StoreInfo) -> String {
    format!("https://yandex.ru/maps/?pt={:.6},{:.6}&z=16&l=map", store.location.lon, store.location.lat)
}

#[component]
fn StoresBody(locale: Locale, stores: Vec<StoreInfo>) -> impl IntoView {
    let by_city = City::ALL
        .into_iter()
        .map(|city| {
            let items = stores
                .iter()
                .filter(|s| s.city == city)
                .map(|s| {
                    view! {
                        <li class="store-item" data-testid="store-item">
                            <a class="store-item-name" href=localized(locale, &format!("/stores/{}", s.id))>{s.name.clone()}</a>
                            <p class="store-item-address">{s.address.clone()}</p>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="store-city">
                    <h2 class="section-title">{city_name(locale, city)}</h2>
                    <ul class="store-list">{items}</ul>
                </section>
            }
        })
        .collect_view();
    view! {
        <h1 class="page-title">{t(locale, Key::StoresTitle)}</h1>
        <p>{t(locale, Key::StoresIntro)}</p>
        {by_city}
    }
}

#[component]
fn StoreBody(locale: Locale, store: StoreInfo, in_stock: Vec<ProductSummary>) -> impl IntoView {
    let hours = hours_lines(locale, &store).into_iter().map(|line| view! { <li>{line}</li> }).collect_view();
    let map = map_link(&store);
    let phone_href = format!("tel:{}", store.phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>());
    view! {
        <nav class="breadcrumbs" aria-label=t(locale, Key::BreadcrumbLabel)>
            <ol class="breadcrumbs-list">
                <li>
                    <a href=localized(locale, "/stores")>{t(locale, Key::StoresTitle)}</a>
                </li>
            </ol>
        </nav>
        <h1 class="page-title" data-testid="store-name">{store.name.clone()}</h1>
        <div class="store-facts">
            <p class="store-address" data-testid="store-address">{city_name(locale, store.city)} ", " {store.address.clone()}</p>
            <p>
                {t(locale, Key::Phone)} ": " <a href=phone_href>{store.phone.clone()}</a>
            </p>
            <p>
                <a href=map rel="noopener" target="_blank">{t(locale, Key::StoreOnMap)}</a>
            </p>
            <h2 class="section-title">{t(locale, Key::StoreHours)}</h2>
            <ul class="store-hours">{hours}</ul>
        </div>
        <section class="home-section">
            <h2 class="section-title">{t(locale, Key::StoreInStockHeading)}</h2>
            {product_grid(locale, in_stock, false)}
        </section>
    }
}

#[component]
fn NotFoundBody(locale: Locale, thing: MissingThing) -> impl IntoView {
    let mut params = ErrorParams::new();
    let mut name = |key: &str, value: &str| {
        params.insert(key.to_owned(), ParamValue::Text(value.to_owned()));
    };
    let (title, code) = match &thing {
        MissingThing::Product(sku) => {
            name("sku", sku);
            (Key::ErrProductNotFound, Some("unknown_sku"))
        }
        MissingThing::Category(id) => {
            name("category", id);
            (Key::ErrCategoryNotFound, Some("unknown_category"))
        }
        MissingThing::Store(id) => {
            name("store", id);
            (Key::ErrStoreNotFound, Some("unknown_store"))
        }
        MissingThing::Page => (Key::NotFoundTitle, None),
    };
    let detail = code.map_or_else(|| t(locale, Key::NotFoundText).to_owned(), |code| error_text(locale, code, &params));
    view! {
        <section class="error-view not-found" data-testid="error-view">
            <h1 class="error-title">{t(locale, title)}</h1>
            <ul class="error-details">
                <li class="error-detail">{detail}</li>
            </ul>
            <p>{t(locale, Key::NotFoundText)}</p>
            <div class="error-actions">
                <a class="button" href=localized(locale, "/")>{t(locale, Key::ToHome)}</a>
                <a class="button button-secondary" href=localized(locale, "/search")>{t(locale, Key::SearchSubmit)}</a>
            </div>
        </section>
    }
}
