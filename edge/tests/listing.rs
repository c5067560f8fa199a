//! The listing index (issue 13, item 7): the native host answers category and search pages from an
//! index of the catalog in memory, Spin from SQL. These tests hold the two to the same answers on
//! the demo catalog, and show when the index is set aside for SQL.

mod common;

use common::TestApp;
use vitrina_edge::ports::Statement;
use vitrina_edge::search::{self, Facets};
use vitrina_shared::catalog::{Filters, ProductQuery, Sort};
use vitrina_shared::listing::ListingIndex;

/// What a listing shows: the page's SKUs, the total, the facets and the corrected query.
async fn shown(app: &TestApp, index: Option<&ListingIndex>, q: &ProductQuery) -> (Vec<String>, u32, Facets, Option<String>) {
    let (found, facets) = search::listing(app.state.sql.as_ref(), index, q, app.clock.now_ts()).await.expect("a listing");
    (found.page.items.iter().map(|p| p.sku.to_string()).collect(), found.page.total, facets, found.corrected)
}

async fn same_answers(app: &TestApp, index: &ListingIndex, q: &ProductQuery) {
    let from_sql = shown(app, None, q).await;
    let from_index = shown(app, Some(index), q).await;
    assert_eq!(
        from_index, from_sql,
        "text {:?}, category {:?}, filters {:?}, sort {:?}, page {}",
        q.text, q.category, q.filters, q.sort, q.page
    );
}

const SORTS: [Sort; 5] = [Sort::Default, Sort::PriceAsc, Sort::PriceDesc, Sort::New, Sort::Rating];

#[tokio::test]
async fn category_pages_from_the_index_match_sql_in_every_order_with_every_kind_of_filter() {
    let app = TestApp::new().await;
    let index = vitrina_edge::listing::build(&app.state).await.expect("an index");
    assert_eq!(index.len(), 312);
    let categories = app.state.pages.categories(app.state.sql.as_ref()).await.expect("categories");
    for category in categories.iter().map(|c| c.category.id.as_str()) {
        let plain = ProductQuery::parse(None, Some(category), Some(1)).expect("a query");
        let (_, _, facets, _) = shown(&app, None, &plain).await;
        let brand = facets.brands.first().map(|(b, _)| b.clone());
        let attribute = facets.attributes.first().map(|(name, values)| (name.clone(), values[0].0.clone()));
        let filters = [
            Filters::default(),
            Filters { brands: brand.clone().into_iter().collect(), ..Filters::default() },
            Filters { price_min: Some(5_000), price_max: Some(50_000), ..Filters::default() },
            Filters { attributes: attribute.clone().into_iter().collect(), brands: brand.into_iter().collect(), ..Filters::default() },
        ];
        for f in &filters {
            for sort in SORTS {
                for page in [1, 2] {
                    let q = ProductQuery::parse(None, Some(category), Some(page)).expect("a query").narrowed(f.clone(), sort);
                    same_answers(&app, &index, &q).await;
                }
            }
        }
    }
}

#[tokio::test]
async fn searches_from_the_index_match_sql_word_forms_synonyms_prefixes_typos_and_filters_included() {
    let app = TestApp::new().await;
    let index = vitrina_edge::listing::build(&app.state).await.expect("an index");
    let texts = [
        "телефон",
        "смартфоны",
        "samsung",
        "черный",
        "тел",
        "смартфн",
        "ноутбук 16",
        "наушники беспроводные",
        "iphone",
        "!!!",
        "нетакогослова",
    ];
    for text in texts {
        for (category, filters) in [
            (None, Filters::default()),
            (Some("smartphones"), Filters::default()),
            (None, Filters { price_max: Some(40_000), ..Filters::default() }),
            (None, Filters { brands: vec!["Nova".into(), "Helio".into()], ..Filters::default() }),
        ] {
            for sort in [Sort::Default, Sort::PriceAsc, Sort::Rating] {
                let q = ProductQuery::parse(Some(text), category, Some(1)).expect("a query").narrowed(filters.clone(), sort);
                same_answers(&app, &index, &q).await;
            }
        }
    }
    let (skus, total, _, _) = shown(&app, Some(&index), &ProductQuery::parse(Some("телефон"), None, Some(1)).expect("a query")).await;
    assert!(total >= 20 && skus.iter().all(|s| s.starts_with("PHN-")), "{total}: {skus:?}");
}

/// The index the instance answers with once the build a listing started has ended.
async fn index_now(app: &TestApp) -> Option<std::sync::Arc<ListingIndex>> {
    vitrina_edge::listing::settled(&app.state).await.expect("the index")
}

/// Runs one statement as its own write.
async fn write(app: &TestApp, sql: &str) {
    app.state.sql.batch(vec![Statement::new(sql, vec![])]).await.expect(sql);
}

#[tokio::test]
async fn a_catalog_write_sets_the_index_aside_at_once_while_a_stock_write_does_not() {
    let app = TestApp::new().await;
    assert!(index_now(&app).await.is_some(), "a build starts with the first listing and finishes");
    write(&app, "UPDATE stock SET on_hand = on_hand + 1 WHERE sku = 'PHN-0001'").await;
    let after_stock = vitrina_edge::listing::current(&app.state).await.expect("the index");
    assert!(after_stock.is_some(), "a stock count that leaves the product in stock leaves the catalog as it was");
    write(&app, "UPDATE stock SET on_hand = 0 WHERE sku = 'PHN-0002'").await;
    assert!(
        vitrina_edge::listing::current(&app.state).await.expect("the index").is_none(),
        "a product sold out across the chain ranks lower at once"
    );
    assert!(index_now(&app).await.is_some(), "rebuilt");
    write(&app, "UPDATE products SET price_minor = 100 WHERE sku = 'PHN-0001'").await;
    assert!(vitrina_edge::listing::current(&app.state).await.expect("the index").is_none(), "SQL answers until the index is rebuilt");
    let cheapest = ProductQuery::parse(None, Some("smartphones"), Some(1)).expect("a query").narrowed(Filters::default(), Sort::PriceAsc);
    let rebuilt = index_now(&app).await.expect("rebuilt");
    let (skus, _, _, _) = shown(&app, Some(&rebuilt), &cheapest).await;
    assert_eq!(skus.first().map(String::as_str), Some("PHN-0001"), "the new price orders the rebuilt index");
}
