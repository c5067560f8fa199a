//! Criterion benchmarks of the hot pure functions: availability for one SKU across the chain
//! (computed on every product page view) and search-text normalisation (every search).

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::HashMap;
use std::hint::black_box;
use vitrina_shared::availability::availability;
use vitrina_shared::catalog::normalize_search;
use vitrina_shared::store::City;
use vitrina_shared::{demo, StoreId};

fn bench_availability(c: &mut Criterion) {
    let stores = demo::stores();
    let products = demo::products();
    let stock = demo::stock(&products, &stores);
    let sku = products[0].sku.clone();
    let levels: HashMap<StoreId, u32> = stock.iter().filter(|l| l.sku == sku).map(|l| (l.store_id.clone(), l.on_hand)).collect();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).single().unwrap_or_default();
    let here = Some(City::Moscow.centre());
    c.bench_function("availability: one SKU, 13 stores, with position", |b| {
        b.iter(|| availability(black_box(&sku), black_box(&stores), black_box(&levels), here, now))
    });
}

fn bench_search(c: &mut Criterion) {
    c.bench_function("normalize_search: shopper query", |b| b.iter(|| normalize_search(black_box("  Смартфон  Nova X5 ЁЖИК 128 ГБ "))));
}

criterion_group!(benches, bench_availability, bench_search);
criterion_main!(benches);
