//! Criterion benchmarks of the hot pure functions: availability for one SKU across the chain
//! (computed on every product page view) and search-text normalisation (every search).

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::collections::HashMap;
use std::hint::black_box;
use vitrina_shared::availability::{nearest, rank, Chain};
use vitrina_shared::catalog::normalize_search;
use vitrina_shared::store::City;
use vitrina_shared::{demo, GeoPoint, StoreId};

fn bench_availability(c: &mut Criterion) {
    let stores = demo::stores();
    let products = demo::products();
    let stock = demo::stock(&products, &stores);
    let sku = products[0].sku.clone();
    let levels: HashMap<StoreId, u32> = stock.iter().filter(|l| l.sku == sku).map(|l| (l.store_id.clone(), l.on_hand)).collect();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).single().unwrap_or_default();
    let here = Some(City::Moscow.centre());
    // The chain is made ready once, as the host keeps it with the stores.
    let demo_chain = Chain::new(stores.clone());
    c.bench_function("availability: one SKU, 13 stores, with position", |b| {
        b.iter(|| nearest(black_box(&sku), black_box(&demo_chain), black_box(&levels), here, now, usize::MAX))
    });
    // A chain of 1,000 stores around Moscow and Saint Petersburg (as `vitrina generate` makes),
    // two in three with the SKU: the work an availability answer does beside its one SQL read.
    let chain = Chain::new(
        (0..1_000_u32)
            .map(|n| {
                let mut store = stores[n as usize % stores.len()].clone();
                store.id = StoreId::parse(&format!("msk-gen-{n:04}")).unwrap_or_else(|_| store.id.clone());
                let jitter = |k: u32| f64::from((n * 7_919 + k * 104_729) % 50_000) / 100_000.0 - 0.25;
                store.location =
                    GeoPoint::new(store.location.lat + jitter(1), store.location.lon + jitter(2) * 1.8).unwrap_or(store.location);
                store
            })
            .collect(),
    );
    let in_stock: Vec<bool> = (0..1_000).map(|n| n % 3 != 0).collect();
    let ids: String =
        chain.stores().iter().zip(&in_stock).filter(|(_, has)| **has).map(|(s, _)| s.id.as_str()).collect::<Vec<_>>().join(",");
    c.bench_function("availability: 670 store ids found in a chain of 1,000", |b| {
        b.iter(|| black_box(&ids).split(',').filter_map(|id| chain.index_of(id)).count())
    });
    c.bench_function("availability: the first 20 of 1,000 stores ranked, 670 in stock, with position", |b| {
        b.iter(|| rank(black_box(&chain), black_box(&in_stock), here, 20))
    });
}

fn bench_search(c: &mut Criterion) {
    c.bench_function("normalize_search: shopper query", |b| b.iter(|| normalize_search(black_box("  Смартфон  Nova X5 ЁЖИК 128 ГБ "))));
    c.bench_function("search terms: shopper query stemmed", |b| {
        b.iter(|| vitrina_shared::search::query_terms(black_box("  Телефоны  Nova X5 ЧЁРНЫЙ 128 ГБ "), true))
    });
    let products = vitrina_shared::demo::products();
    let categories = vitrina_shared::demo::categories();
    c.bench_function("search terms: one product indexed", |b| {
        b.iter(|| vitrina_shared::search::index_text(black_box(&products[0]), categories.first()))
    });
    c.bench_function("search: one edit, 2,000 candidate terms", |b| {
        let vocabulary: Vec<String> = (0..2_000).map(|i| format!("термин{i}")).collect();
        b.iter(|| vocabulary.iter().find(|t| vitrina_shared::search::within_one_edit(t, black_box("смартфн"))).cloned())
    });
}

/// 1,000 rules of every kind (most rejected by a condition, as in a real rule book), a 20-line cart,
/// and a customer with 200 past orders over two years.
fn bench_offers(c: &mut Criterion) {
    use rust_decimal::Decimal;
    use vitrina_shared::account::Channel;
    use vitrina_shared::offers::{
        evaluate, Condition, Effect, Item, Limits, PastOrder, Rule, RuleBook, Shopper, Stacking, Target, Tier, RULE_FORMAT,
    };
    let products = demo::products();
    let stores = demo::stores();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).single().unwrap_or_default();
    let items: Vec<Item> = products
        .iter()
        .step_by(15)
        .take(20)
        .map(|p| Item { sku: p.sku.clone(), category: p.category.clone(), qty: 1 + (p.name.len() % 3) as u32, unit_price: p.price })
        .collect();
    let history: Vec<PastOrder> = (0..200)
        .map(|i: i64| PastOrder {
            at: now - chrono::Duration::days(i * 730 / 200),
            total: products[(i as usize * 7) % products.len()].price,
            categories: vec![products[(i as usize * 13) % products.len()].category.clone()],
        })
        .collect();
    let shopper = Shopper {
        customer_id: Some("bench".into()),
        session_id: "s".into(),
        channel: Channel::Web,
        store: Some(stores[0].id.clone()),
        position: Some(stores[0].location),
        now,
        points: 1200,
        history,
    };
    let rules: Vec<Rule> = (0..1000)
        .map(|i: usize| {
            let p = &products[(i * 31) % products.len()];
            let condition = match i % 20 {
                0..=7 => Condition::Channels { channels: vec![Channel::Kiosk, Channel::Pos] },
                8..=10 => Condition::Stores { stores: vec![stores[1 + i % (stores.len() - 1)].id.clone()] },
                11 | 12 => Condition::SpendAtLeast { amount: p.price.times(100), days: 90 },
                13 => Condition::BoughtCategory { category: p.category.clone(), days: 30 },
                14 => Condition::Tiers { tiers: vec![Tier::Gold] },
                15 | 16 => Condition::ContainsSku { sku: p.sku.clone(), min_qty: 2 },
                17 => Condition::OrderCount { min: 0, max: Some(5), days: 30 },
                _ => Condition::ContainsCategory { category: p.category.clone(), min_qty: 1 },
            };
            let effect = match i % 4 {
                0 => Effect::PercentOff { target: Target::Category { category: p.category.clone() }, percent: Decimal::from(5 + i % 10) },
                1 => Effect::AmountOff { target: Target::Cart, amount: p.price.times(1) },
                2 => Effect::BuyXGetY { target: Target::Sku { sku: p.sku.clone() }, buy: 2, get: 1 },
                _ => Effect::PointsMultiplier { factor: Decimal::from(2) },
            };
            Rule {
                id: format!("rule-{i:04}"),
                format: RULE_FORMAT,
                name: format!("Offer {i}"),
                description: String::new(),
                enabled: !i.is_multiple_of(50),
                priority: (i % 7) as i32,
                stacking: if i.is_multiple_of(3) { Stacking::Exclusive { group: format!("g{}", i % 5) } } else { Stacking::Stackable },
                conditions: vec![Condition::SignedIn { signed_in: true }, condition],
                effect,
                limits: Limits::default(),
                holdout_percent: if i.is_multiple_of(10) { 20 } else { 0 },
            }
        })
        .collect();
    let usage = HashMap::new();
    let rules = RuleBook::new(rules);
    let applied = evaluate(&rules, &shopper, &items, &usage, false).applied.len();
    c.bench_function(&format!("offers: 1,000 rules, 20-line cart, 200 past orders ({applied} apply)"), |b| {
        b.iter(|| evaluate(black_box(&rules), black_box(&shopper), black_box(&items), &usage, false))
    });
    c.bench_function("offers: the same with explanations (preview)", |b| {
        b.iter(|| evaluate(black_box(&rules), black_box(&shopper), black_box(&items), &usage, true))
    });
}

criterion_group!(benches, bench_availability, bench_search, bench_offers);
criterion_main!(benches);
