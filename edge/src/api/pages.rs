//! The public pages, rendered on the server by `vitrina-storefront` (the same Leptos components
//! natively and on Spin): home, category, search, product, stores, a store, information pages,
//! "not found", `/robots.txt` and `/sitemap.xml`, and the product feeds `/feeds/yandex.yml` (YML)
//! and `/feeds/google.xml` (Google Merchant). Thin: read through the storage ports, hand the data to
//! the render as props, answer with cache headers.
//!
//! The HTML is the same for every shopper (the personal parts are islands that ask the API), so
//! it is `public` with a short `max-age`, `stale-while-revalidate` and an `ETag`.

use crate::db::{catalog, stock};
use crate::error::ApiError;
use crate::pagecache::Page;
use crate::{search, site, AppState};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use vitrina_shared::api::{CategoryInfo, StoreInfo};
use vitrina_shared::art;
use vitrina_shared::availability::{Availability, LISTED_STORES};
use vitrina_shared::catalog::{Filters, ProductQuery, Sort};
use vitrina_shared::i18n::{t, Key, Locale};
use vitrina_shared::store::City;
use vitrina_shared::{CategoryId, Sku, StoreId};
use vitrina_storefront::feeds::{self, FeedProduct, Shop};
use vitrina_storefront::paths::{localized, split_locale};
use vitrina_storefront::seo::{self, SitemapEntry};
use vitrina_storefront::{Around, Assets, InfoPage, Listing, MissingThing, PageData};

/// How long a cache may serve a public page without asking, and how long after that it may serve
/// the old one while it asks.
pub const PUBLIC_CACHE: &str = "public, max-age=60, stale-while-revalidate=600";
/// How many products the home page shows.
const POPULAR: usize = 8;
/// Categories an empty search result offers.
const POPULAR_CATEGORIES: usize = 6;
/// How many in-stock products a store's page lists.
const STORE_SHELF: u32 = 24;

/// The query parameters public pages read; any other (`utm_*`, …) is ignored.
#[derive(Debug, Default)]
struct PageQuery {
    q: Option<String>,
    page: Option<String>,
    city: Option<String>,
    /// The shopper's position (the availability panel's "use my location").
    lat: Option<String>,
    lon: Option<String>,
    /// A listing's filters and order (`brand`, `price_min`, `price_max`, `in_stock`, `sort`).
    filters: Filters,
    sort: Sort,
}

impl PageQuery {
    /// Reads the parameters from the URI's query; the decoding is serde_urlencoded's (as for the
    /// API), into pairs so that a repeated or unknown parameter never refuses the page.
    fn parse(uri: &Uri) -> PageQuery {
        let mut query = PageQuery::default();
        let Ok(Query(pairs)) = Query::<Vec<(String, String)>>::try_from_uri(uri) else { return query };
        (query.filters, query.sort) = Filters::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (key, value) in pairs {
            match key.as_str() {
                "q" => query.q = Some(value),
                "page" => query.page = Some(value),
                "city" => query.city = Some(value),
                "lat" => query.lat = Some(value),
                "lon" => query.lon = Some(value),
                _ => {}
            }
        }
        query
    }
}

/// The categories, read at most once per request (the navigation and the page both show them) and
/// kept across requests until a write, where the port can tell (`PageCache::categories`).
struct Categories<'a>(&'a crate::pagecache::PageCache, Option<std::sync::Arc<Vec<CategoryInfo>>>);

impl Categories<'_> {
    async fn get(&mut self, sql: &dyn crate::ports::Sql) -> Result<&[CategoryInfo], ApiError> {
        if self.1.is_none() {
            self.1 = Some(self.0.categories(sql).await?);
        }
        Ok(self.1.as_deref().map(Vec::as_slice).unwrap_or_default())
    }
}

/// The site's absolute origin for canonical addresses: the configured public URL, else this
/// request's `Host` (development).
fn origin(app: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &app.config.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let host =
        headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| h.bytes().all(|b| b.is_ascii_graphic())).unwrap_or("localhost");
    format!("http://{host}")
}

/// The built assets the pages link to: `assets.json` in the site directory (written by
/// `cargo xtask build`); without a site, pages have no islands.
fn assets(app: &AppState) -> Assets {
    let mut assets = Assets { css: "/styles.css".into(), islands: None, push: None };
    let Some(root) = app.config.site_dir.as_deref() else { return assets };
    let Ok(text) = std::fs::read_to_string(root.join("assets.json")) else { return assets };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(v) => {
            if let (Some(js), Some(wasm)) = (v["islands_js"].as_str(), v["islands_wasm"].as_str()) {
                assets.islands = Some((js.to_owned(), wasm.to_owned()));
            }
            if let (Some(js), Some(wasm)) = (v["push_js"].as_str(), v["push_wasm"].as_str()) {
                assets.push = Some((js.to_owned(), wasm.to_owned()));
            }
            if let Some(css) = v["css"].as_str() {
                assets.css = css.to_owned();
            }
        }
        Err(e) => tracing::warn!(error = %e, "assets.json of the site is not JSON; pages are served without islands"),
    }
    assets
}

/// A strong validator of a body.
fn etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `tag` (or `*`).
fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == tag || t == "*"))
}

/// The illustration a category's generated product pictures are drawn from: the demo categories'
/// own (`public/img/cat/`), and a parcel for any other.
fn category_art(category: &str) -> &'static str {
    match category {
        "smartphones" => include_str!("../../../public/img/cat/smartphones.svg"),
        "laptops" => include_str!("../../../public/img/cat/laptops.svg"),
        "headphones" => include_str!("../../../public/img/cat/headphones.svg"),
        "tv" => include_str!("../../../public/img/cat/tv.svg"),
        "smart-home" => include_str!("../../../public/img/cat/smart-home.svg"),
        "vacuum" => include_str!("../../../public/img/cat/vacuum.svg"),
        "kitchen" => include_str!("../../../public/img/cat/kitchen.svg"),
        "cookware" => include_str!("../../../public/img/cat/cookware.svg"),
        "bikes" => include_str!("../../../public/img/cat/bikes.svg"),
        "sport" => include_str!("../../../public/img/cat/sport.svg"),
        "home-textile" => include_str!("../../../public/img/cat/home-textile.svg"),
        "toys" => include_str!("../../../public/img/cat/toys.svg"),
        _ => PARCEL_ART,
    }
}

/// A parcel, for products of categories without an illustration of their own.
const PARCEL_ART: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 300\" width=\"400\" height=\"300\">\
    <rect width=\"400\" height=\"300\" fill=\"#f1f5f9\"/><ellipse cx=\"200\" cy=\"258\" rx=\"120\" ry=\"9\" fill=\"#0f172a\" opacity=\".1\"/>\
    <path d=\"M110 100l90-36 90 36v120l-90 36-90-36z\" fill=\"#d6a86b\"/><path d=\"M200 136v120l90-36V100z\" fill=\"#b7864a\"/>\
    <path d=\"M110 100l90 36 90-36\" fill=\"none\" stroke=\"#8a5a2b\" stroke-width=\"3\"/>\
    <path d=\"M155 82l90 36v30l-20 8v-30l-90-36z\" fill=\"#f8e7c9\"/></svg>";

/// A product's generated picture (`/img/p/{sku}.svg`, `-detail.svg`, `-box.svg`: shared/src/art.rs),
/// public and cached like a page; `None` (a 404) for a SKU the catalog does not sell.
async fn product_picture(app: &AppState, sku: &Sku, view: art::View, now: i64) -> Result<Option<Page>, ApiError> {
    let Some((product, _)) = catalog::product(app.sql.as_ref(), sku, now).await? else { return Ok(None) };
    let subject = art::Subject {
        sku,
        name: &product.name,
        brand: &product.brand,
        attributes: &product.attributes,
        art: category_art(product.category.as_str()),
    };
    Ok(Some(page(StatusCode::OK, "image/svg+xml", art::product_svg(&subject, view))))
}

/// A stored photo in the width nearest `width` (`/pictures/{id}/{width}`): cached for a year, as
/// an id is never reused for other bytes; 404 for an unknown photo.
async fn photo(app: &AppState, id: &str, width: u32, head: bool) -> Response {
    match crate::db::pictures::file(app.sql.as_ref(), id, width).await {
        Ok(Some(file)) => {
            let length = file.bytes.len();
            let mut response = if head { Response::new(Body::empty()) } else { Response::new(Body::from(file.bytes)) };
            let h = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&file.content_type) {
                h.insert(header::CONTENT_TYPE, value);
            }
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
            response
        }
        Ok(None) => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "no such picture").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// A rendered public answer with its validator.
fn page(status: StatusCode, content_type: &'static str, body: String) -> Page {
    let etag = etag(body.as_bytes());
    Page { status: status.as_u16(), content_type, body: body.into(), etag: etag.into() }
}

/// A public answer: cacheable, validated by its ETag, `304` when the client has it.
fn public(page: &Page, headers: &HeaderMap, head: bool) -> Response {
    let status = StatusCode::from_u16(page.status).unwrap_or(StatusCode::OK);
    let fresh = status == StatusCode::OK && not_modified(headers, &page.etag);
    let mut response = if fresh || head { Response::new(Body::empty()) } else { Response::new(Body::from(page.body.to_string())) };
    *response.status_mut() = if fresh { StatusCode::NOT_MODIFIED } else { status };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(page.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC_CACHE));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if let Ok(value) = HeaderValue::from_str(&page.etag) {
        h.insert(header::ETAG, value);
    }
    response
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    response
}

/// Where an address that moved lives now (`/product/X` → `/p/X`, a trailing slash dropped,
/// a lower-case SKU), without the language prefix.
fn moved(path: &str) -> Option<String> {
    if path.len() > 1 && path.ends_with('/') {
        return Some(path.trim_end_matches('/').to_owned()).filter(|p| !p.is_empty()).or(Some("/".into()));
    }
    if let Some(sku) = path.strip_prefix("/product/") {
        return Some(format!("/p/{}", sku.to_ascii_uppercase()));
    }
    if let Some(id) = path.strip_prefix("/catalog/") {
        return Some(format!("/c/{id}"));
    }
    if let Some(sku) = path.strip_prefix("/p/") {
        let upper = sku.to_ascii_uppercase();
        if upper != sku && Sku::parse(&upper).is_ok() {
            return Some(format!("/p/{upper}"));
        }
    }
    None
}

/// The public page at `path` (without the language prefix), or `None` for a path that is not a
/// public page.
async fn page_at(app: &AppState, path: &str, query: &PageQuery, categories: &mut Categories<'_>) -> Result<Option<PageData>, ApiError> {
    let sql = app.sql.as_ref();
    let now = app.clock.now();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let page_number = match query.page.as_deref() {
        None => Some(1),
        Some(raw) => raw.parse::<u32>().ok(),
    };
    let data = match segments.as_slice() {
        [""] => {
            let categories = categories.get(sql).await?.to_vec();
            let first = ProductQuery::parse(None, None, Some(1))?;
            let popular = catalog::search_products(sql, &first, now.timestamp()).await?.items;
            let popular = popular.into_iter().filter(|p| p.total_available > 0).take(POPULAR).collect();
            PageData::Home { categories, popular }
        }
        ["c", id] => {
            let found = categories.get(sql).await?.iter().find(|c| c.category.id.as_str() == *id).cloned();
            let (Some(category), Some(n)) = (found, page_number) else {
                return Ok(Some(PageData::NotFound(MissingThing::Category(id.chars().take(64).collect()))));
            };
            let Ok(q) = ProductQuery::parse(None, Some(id), Some(n)) else {
                return Ok(Some(PageData::NotFound(MissingThing::Page)));
            };
            let q = q.narrowed(query.filters.clone(), query.sort);
            let index = crate::listing::current(app).await?;
            let (found, facets) = search::listing(sql, index.as_deref(), &q, now.timestamp()).await?;
            let page = found.page;
            if n > 1 && n > page.total_pages {
                return Ok(Some(PageData::NotFound(MissingThing::Page)));
            }
            let listing = Listing { filters: q.filters, sort: q.sort, brands: facets.brands, attributes: facets.attributes };
            PageData::Category { category, page, listing }
        }
        ["search"] => {
            let text = query.q.clone().unwrap_or_default().trim().to_owned();
            let mut listing = Listing { filters: query.filters.clone(), sort: query.sort, brands: Vec::new(), attributes: Vec::new() };
            let (results, corrected) = match ProductQuery::parse(Some(&text), None, page_number) {
                Ok(q) if !q.text.is_empty() => {
                    let q = q.narrowed(listing.filters.clone(), listing.sort);
                    let index = crate::listing::current(app).await?;
                    let (found, facets) = search::listing(sql, index.as_deref(), &q, now.timestamp()).await?;
                    (listing.brands, listing.attributes) = (facets.brands, facets.attributes);
                    (Some(found.page), found.corrected)
                }
                _ => (None, None),
            };
            // An empty result suggests instead: what the start of the query finds, and categories.
            let (suggestions, popular) = match &results {
                Some(page) if page.items.is_empty() => {
                    let all = categories.get(sql).await?.to_vec();
                    (search::did_you_mean(sql, &text, &all).await?, all.into_iter().take(POPULAR_CATEGORIES).collect())
                }
                _ => (Vec::new(), Vec::new()),
            };
            let query = text.chars().take(vitrina_shared::catalog::MAX_QUERY_CHARS).collect();
            PageData::Search { query, results, corrected, suggestions, categories: popular, listing }
        }
        ["p", raw] => {
            let Ok(sku) = Sku::parse(raw) else {
                return Ok(Some(PageData::NotFound(MissingThing::Product(raw.chars().take(64).collect()))));
            };
            let Some(product) = catalog::product_detail(sql, &sku, now.timestamp()).await? else {
                return Ok(Some(PageData::NotFound(MissingThing::Product(sku.to_string()))));
            };
            let category = categories.get(sql).await?.iter().find(|c| c.category.id == product.category).map(|c| c.category.clone());
            let city = query.city.as_deref().and_then(City::from_slug);
            let availability = panel_availability(app, &sku, city.map_or(Around::Anywhere, Around::City), now).await?;
            let photos = crate::db::pictures::of_product(sql, &sku).await?;
            let pictures = if photos.is_empty() { art::gallery(&sku, &product.image) } else { photos.into_iter().map(|p| p.url).collect() };
            PageData::Product { product, pictures, category, availability, city, now: now.timestamp() }
        }
        ["stores"] => PageData::Stores { stores: catalog::stores(sql).await?.into_iter().map(StoreInfo::from).collect() },
        ["stores", raw] => {
            let id = StoreId::parse(raw).ok();
            let store = catalog::stores(sql).await?.into_iter().find(|s| Some(&s.id) == id.as_ref());
            let Some(store) = store else {
                return Ok(Some(PageData::NotFound(MissingThing::Store(raw.chars().take(64).collect()))));
            };
            let in_stock = catalog::in_stock_at(sql, &store.id, now.timestamp(), STORE_SHELF).await?;
            PageData::Store { store: StoreInfo::from(store), in_stock }
        }
        _ => match InfoPage::from_path(path) {
            Some(info) => PageData::Info(info),
            None => return Ok(None),
        },
    };
    Ok(Some(data))
}

/// `/p/{sku}/availability`: the changing part of a product's availability panel for a city
/// (`?city=`) or a point (`?lat=…&lon=…`), which the panel's island swaps in. `None` for any
/// other path; an unknown product or a bad point is "not found" / refused like the API would.
async fn availability_fragment(app: &AppState, locale: Locale, path: &str, query: &PageQuery) -> Result<Option<Page>, ApiError> {
    let Some(raw) = path.strip_prefix("/p/").and_then(|rest| rest.strip_suffix("/availability")) else { return Ok(None) };
    let sql = app.sql.as_ref();
    let now = app.clock.now();
    let sku = Sku::parse(raw).map_err(|e| ApiError::not_found("unknown_sku", e.to_string()))?;
    let coordinate = |v: &str| v.trim().parse::<f64>().ok();
    let near = match (query.lat.as_deref(), query.lon.as_deref()) {
        (None, None) => None,
        (Some(lat), Some(lon)) => match (coordinate(lat), coordinate(lon)) {
            (Some(lat), Some(lon)) => Some(vitrina_shared::GeoPoint::new(lat, lon)?),
            _ => return Err(bad_position("lat and lon must be numbers")),
        },
        _ => return Err(bad_position("send both lat and lon, or neither")),
    };
    let around = match (near, query.city.as_deref().and_then(City::from_slug)) {
        (Some(point), _) => Around::Point(point),
        (None, Some(city)) => Around::City(city),
        (None, None) => Around::Anywhere,
    };
    if catalog::product(sql, &sku, now.timestamp()).await?.is_none() {
        return Err(ApiError::not_found("unknown_sku", format!("there is no product {sku}")).with("sku", &sku));
    }
    let availability = panel_availability(app, &sku, around, now).await?;
    let html = vitrina_storefront::availability_results(locale, availability, around, now.timestamp());
    Ok(Some(page(StatusCode::OK, "text/html; charset=utf-8", html)))
}

/// A product's availability as its page's panel shows it: around a city every store (the panel
/// lists the city's), else only the first stores the panel lists are filled in; the counts cover
/// the chain either way.
async fn panel_availability(
    app: &AppState,
    sku: &Sku,
    around: Around,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Availability, crate::ports::StorageError> {
    let listed = match around {
        Around::City(_) => usize::MAX,
        Around::Anywhere | Around::Point(_) => LISTED_STORES as usize,
    };
    let chain = app.pages.stores(app.sql.as_ref()).await?;
    stock::availability(app.sql.as_ref(), &chain, sku, around.point(), now, listed).await
}

fn bad_position(message: &str) -> ApiError {
    ApiError::BadRequest { status: StatusCode::BAD_REQUEST, code: "invalid_coordinates", message: message.into() }
}

/// Renders `data` in `locale`.
async fn render(
    app: &AppState,
    origin: &str,
    locale: Locale,
    here: &str,
    data: PageData,
    categories: &mut Categories<'_>,
) -> Result<Page, ApiError> {
    let categories = categories.get(app.sql.as_ref()).await?;
    let rendered = vitrina_storefront::render(origin, &assets(app), locale, here, categories, data);
    let status = StatusCode::from_u16(rendered.status).unwrap_or(StatusCode::OK);
    Ok(page(status, "text/html; charset=utf-8", rendered.html))
}

/// `/sitemap.xml`: home, stores, information pages, categories and products, in both languages.
async fn sitemap(app: &AppState, origin: &str) -> Result<Page, ApiError> {
    let sql = app.sql.as_ref();
    let changes = catalog::catalog_changes(sql).await?;
    let day = |stamp: Option<&String>| stamp.and_then(|s| s.get(..10)).map(str::to_owned);
    let latest = changes.iter().filter_map(|(_, _, at)| at.as_ref()).max().cloned();
    let fallback = "2026-01-01".to_owned();
    let site_day = day(latest.as_ref()).unwrap_or_else(|| fallback.clone());
    let mut entries = vec![
        SitemapEntry { path: "/".into(), lastmod: site_day.clone() },
        SitemapEntry { path: "/stores".into(), lastmod: site_day.clone() },
    ];
    for store in catalog::stores(sql).await? {
        entries.push(SitemapEntry { path: format!("/stores/{}", store.id), lastmod: site_day.clone() });
    }
    for info in InfoPage::ALL {
        entries.push(SitemapEntry { path: info.path().into(), lastmod: fallback.clone() });
    }
    for category in catalog::categories(sql).await? {
        let id: &CategoryId = &category.category.id;
        let last = changes.iter().filter(|(_, c, _)| c == id).filter_map(|(_, _, at)| at.as_ref()).max();
        entries.push(SitemapEntry { path: format!("/c/{id}"), lastmod: day(last).unwrap_or_else(|| fallback.clone()) });
    }
    for (sku, _, at) in &changes {
        entries.push(SitemapEntry { path: format!("/p/{sku}"), lastmod: day(at.as_ref()).unwrap_or_else(|| fallback.clone()) });
    }
    Ok(page(StatusCode::OK, "application/xml; charset=utf-8", seo::sitemap(origin, &entries)))
}

/// The product feeds, by address: Yandex's YML and Google Merchant's RSS.
const FEEDS: [&str; 2] = ["/feeds/yandex.yml", "/feeds/google.xml"];

/// A product feed (one of [`FEEDS`]): every product with its price and whether any store has it
/// now. Kept in the page cache like a page, so the next write to the catalog or the stock renders
/// it again.
async fn feed(app: &AppState, origin: &str, path: &str) -> Result<Page, ApiError> {
    let sql = app.sql.as_ref();
    let now = app.clock.now();
    let categories: Vec<_> = catalog::categories(sql).await?.into_iter().map(|c| c.category).collect();
    let products: Vec<FeedProduct> = catalog::all_products(sql, now.timestamp())
        .await?
        .into_iter()
        .map(|(product, available)| FeedProduct { product, available })
        .collect();
    let name = t(Locale::Ru, Key::SiteName);
    let shop = Shop { name, company: name, origin };
    Ok(if path == FEEDS[0] {
        page(StatusCode::OK, "application/xml; charset=utf-8", feeds::yandex_yml(&shop, now, &categories, &products))
    } else {
        page(StatusCode::OK, "application/rss+xml; charset=utf-8", feeds::google_merchant(&shop, &categories, &products))
    })
}

/// What a public address answers: a page (kept in the page cache) or a redirect.
enum Answer {
    Page(Page),
    Moved(Response),
}

/// The fallback of every path outside `/api`: public pages, robots, sitemap and feeds, moved
/// addresses, then the site's files and the apps' shells (`site::serve`), else "not found".
/// Pages come from this instance's page cache while nothing was written since they were rendered.
pub async fn serve(State(app): State<AppState>, method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return site::serve(State(app), method, uri, headers).await;
    }
    let head = method == Method::HEAD;
    let full = uri.path();
    if let Some((id, width)) = art::parse_picture_path(full) {
        return photo(&app, id, width, head).await;
    }
    let origin = origin(&app, &headers);
    let key = format!("{origin}{}", uri.path_and_query().map(|p| p.as_str()).unwrap_or(full));
    let now = app.clock.now();
    if let Some(page) = app.pages.get(app.sql.as_ref(), &key, now) {
        return public(&page, &headers, head);
    }
    // Read before the data, so that a write during the render leaves the entry stale, never wrong.
    let generation = app.sql.generation();
    let mut categories = Categories(&app.pages, None);
    let result = async {
        match full {
            "/robots.txt" => return Ok(Some(Answer::Page(page(StatusCode::OK, "text/plain; charset=utf-8", seo::robots(&origin))))),
            "/sitemap.xml" => return sitemap(&app, &origin).await.map(|p| Some(Answer::Page(p))),
            path if FEEDS.contains(&path) => return feed(&app, &origin, path).await.map(|p| Some(Answer::Page(p))),
            _ => {}
        }
        if let Some((sku, view)) = art::parse_image_path(full) {
            return product_picture(&app, &sku, view, now.timestamp()).await.map(|p| p.map(Answer::Page));
        }
        let (locale, path) = split_locale(full);
        if let Some(to) = moved(path) {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            return Ok(Some(Answer::Moved(redirect(&format!("{}{query}", localized(locale, &to))))));
        }
        let query = PageQuery::parse(&uri);
        if let Some(fragment) = availability_fragment(&app, locale, path, &query).await? {
            return Ok(Some(Answer::Page(fragment)));
        }
        let here = format!("{path}{}", uri.query().map(|q| format!("?{q}")).unwrap_or_default());
        match page_at(&app, path, &query, &mut categories).await? {
            Some(data) => render(&app, &origin, locale, &here, data, &mut categories).await.map(|p| Some(Answer::Page(p))),
            None => Ok(None),
        }
    }
    .await;
    match result {
        Ok(Some(Answer::Page(page))) => {
            let response = public(&page, &headers, head);
            app.pages.put(generation, key, now, page);
            response
        }
        Ok(Some(Answer::Moved(response))) => response,
        Err(e) => e.into_response(),
        Ok(None) => {
            let (locale, path) = split_locale(full);
            // A file of the site, or a page of one of the apps: the site serves it.
            let last = path.rsplit('/').next().unwrap_or("");
            if app.config.site_dir.is_some() && (last.contains('.') || vitrina_shared::app_path(full)) {
                return site::serve(State(app), method, uri, headers).await;
            }
            match render(&app, &origin, locale, path, PageData::NotFound(MissingThing::Page), &mut categories).await {
                Ok(page) => public(&page, &headers, head),
                Err(e) => e.into_response(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_addresses_lead_to_where_the_page_lives_now() {
        assert_eq!(moved("/product/phn-0001").as_deref(), Some("/p/PHN-0001"));
        assert_eq!(moved("/p/phn-0001").as_deref(), Some("/p/PHN-0001"));
        assert_eq!(moved("/catalog/laptops").as_deref(), Some("/c/laptops"));
        assert_eq!(moved("/c/laptops/").as_deref(), Some("/c/laptops"));
        assert_eq!(moved("/p/PHN-0001"), None);
        assert_eq!(moved("/"), None);
    }

    #[test]
    fn query_parameters_are_decoded_and_unknown_ones_ignored() {
        let parse = |query: &str| PageQuery::parse(&format!("/search?{query}").parse::<Uri>().expect("a URI"));
        let q = parse("q=%D1%82%D0%B2+lg&utm_source=x&page=2&city=moscow");
        assert_eq!(q.q.as_deref(), Some("тв lg"));
        assert_eq!(q.page.as_deref(), Some("2"));
        assert_eq!(q.city.as_deref(), Some("moscow"));
        assert_eq!(parse("q=100%").q.as_deref(), Some("100%"));
        assert_eq!(parse("q=%zz").q.as_deref(), Some("%zz"));
    }

    #[test]
    fn an_etag_matches_itself_in_if_none_match_and_nothing_else() {
        let tag = etag(b"<html>");
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"x\", {tag}")).expect("header"));
        assert!(not_modified(&headers, &tag));
        assert!(!not_modified(&headers, &etag(b"<html >")));
        assert!(!not_modified(&HeaderMap::new(), &tag));
    }
}
