//! The server render of a product page (issue 12: ≤ 1 ms median): the demo catalog's first
//! product with availability in every store, categories in the navigation, as the edge renders it.
//! `cargo bench -p vitrina-storefront` (a step of `cargo xtask bench`).

use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::HashMap;
use vitrina_shared::api::{CategoryInfo, ProductDetail};
use vitrina_shared::availability::availability;
use vitrina_shared::demo;
use vitrina_shared::i18n::Locale;
use vitrina_storefront::{render, Assets, PageData};

fn product_page(c: &mut Criterion) {
    let products = demo::products();
    let stores = demo::stores();
    let stock = demo::stock(&products, &stores);
    let categories: Vec<CategoryInfo> =
        demo::categories().into_iter().map(|category| CategoryInfo { category, parent: None, product_count: 26 }).collect();
    let product = products[0].clone();
    let available: HashMap<_, _> = stock.iter().filter(|s| s.sku == product.sku).map(|s| (s.store_id.clone(), s.on_hand)).collect();
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("a time");
    let answer = availability(&product.sku, &stores, &available, None, now);
    let category = categories.iter().find(|c| c.category.id == product.category).map(|c| c.category.clone());
    let total = available.values().sum();
    let assets = Assets { css: "/styles.css".into(), islands: Some(("/pkg/i.js".into(), "/pkg/i_bg.wasm".into())), push: None };
    let pictures = vitrina_shared::art::gallery(&product.sku, &product.image);
    let data = PageData::Product {
        product: ProductDetail::from_product(product, total),
        pictures,
        category,
        availability: answer,
        city: None,
        now: now.timestamp(),
    };
    c.bench_function("render the product page", |b| {
        b.iter(|| render("https://shop.example", &assets, Locale::Ru, "/p/PHN-0001", &categories, data.clone()).html.len())
    });
}

criterion_group!(benches, product_page);
criterion_main!(benches);
