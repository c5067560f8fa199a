//! Where a product can be had: stores with available quantity, distance and pickup time,
//! in-stock stores first, then nearest.

use crate::geo::Place;
use crate::store::{City, Store};
use crate::{GeoPoint, Sku, StoreId};
use chrono::{DateTime, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::HashMap;

/// One store's answer for one SKU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreAvailability {
    pub store_id: StoreId,
    pub store_name: String,
    pub city: City,
    pub address: String,
    pub available: u32,
    /// Metres from the shopper; absent when the shopper's position is unknown.
    pub distance_m: Option<u32>,
    /// Earliest collection time if the item is in stock there.
    pub pickup_at: Option<DateTime<Utc>>,
    pub open_now: bool,
    /// The store's offset from UTC, to show `pickup_at` in the store's local time.
    pub utc_offset_minutes: i32,
}

/// Stores within this distance of the shopper count as "near you".
pub const NEARBY_RADIUS_M: u32 = 30_000;

/// The availability of one SKU across the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Availability {
    pub sku: Sku,
    pub in_stock_stores: u32,
    /// In-stock stores within [`NEARBY_RADIUS_M`] of the shopper; absent without a position.
    pub in_stock_nearby: Option<u32>,
    pub total_available: u32,
    /// Stores in the chain; `stores` lists the first of them (see [`nearest`]).
    pub store_count: u32,
    pub stores: Vec<StoreAvailability>,
}

/// Stores an availability answer lists unless asked for more (as many as a product page shows).
pub const LISTED_STORES: u32 = 20;
/// The most stores an answer lists when asked: every store of a chain of this size.
pub const MAX_LISTED_STORES: u32 = 1_000;

/// The order stores are listed in: in stock first, then nearest (unknown distance last),
/// then by id, so the order is total and does not depend on input order.
pub fn compare(a: &StoreAvailability, b: &StoreAvailability) -> Ordering {
    (b.available > 0)
        .cmp(&(a.available > 0))
        .then_with(|| match (a.distance_m, b.distance_m) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a.store_id.cmp(&b.store_id))
}

/// A chain's stores made ready for availability answers: each store's place on the globe worked
/// out once, a store found from its id without a search, and each store's rank among the ids (the
/// order's last key) as a number. Kept by the host while the stores do not change.
#[derive(Debug, Clone)]
pub struct Chain {
    stores: Vec<Store>,
    places: Vec<Place>,
    id_rank: Vec<u32>,
    by_id: FxHashMap<String, usize>,
}

impl Chain {
    pub fn new(stores: Vec<Store>) -> Chain {
        let places = stores.iter().map(|s| s.location.place()).collect();
        let mut by_rank: Vec<usize> = (0..stores.len()).collect();
        by_rank.sort_by(|a, b| stores[*a].id.cmp(&stores[*b].id));
        let mut id_rank = vec![0; stores.len()];
        for (rank, i) in by_rank.into_iter().enumerate() {
            id_rank[i] = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        let by_id = stores.iter().enumerate().map(|(i, s)| (s.id.as_str().to_owned(), i)).collect();
        Chain { stores, places, id_rank, by_id }
    }

    pub fn stores(&self) -> &[Store] {
        &self.stores
    }

    /// Where the store with this id is in [`Chain::stores`].
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}

/// The stores an answer lists, in [`compare`]'s order, and the counts over the whole chain that
/// need no units: what [`rank`] works out from which stores have the SKU at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub listed: Vec<Listed>,
    pub in_stock_stores: u32,
    pub in_stock_nearby: Option<u32>,
}

/// One store an answer lists: its index in the [`Chain`], its distance from the shopper and
/// whether it has the SKU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub store: usize,
    pub distance_m: Option<u32>,
    pub in_stock: bool,
}

/// The first `listed` stores of `chain` in [`compare`]'s order and the counts, from which stores
/// have the SKU (`in_stock`, by index in the chain; missing means no). Distances are measured to
/// the stores in stock, and to the others only when fewer than `listed` have it.
pub fn rank(chain: &Chain, in_stock: &[bool], shopper: Option<GeoPoint>, listed: usize) -> Ranked {
    let here = shopper.map(|p| p.place());
    let has = |i: usize| in_stock.get(i).copied().unwrap_or(false);
    let measured = |i: usize| {
        let distance_m = here.map(|h| h.distance_m(&chain.places[i]));
        // Nearest first, an unknown distance last (no distance on Earth reaches u32::MAX), then by id.
        let key = (u64::from(distance_m.unwrap_or(u32::MAX)) << 32) | u64::from(chain.id_rank[i]);
        (key, Listed { store: i, distance_m, in_stock: has(i) })
    };
    let stocked: Vec<(u64, Listed)> = (0..chain.stores.len()).filter(|i| has(*i)).map(measured).collect();
    let in_stock_stores = u32::try_from(stocked.len()).unwrap_or(u32::MAX);
    let in_stock_nearby = here.map(|_| {
        let near = stocked.iter().filter(|(_, l)| l.distance_m.is_some_and(|d| d <= NEARBY_RADIUS_M)).count();
        u32::try_from(near).unwrap_or(u32::MAX)
    });
    let mut rows = first(stocked, listed);
    if rows.len() < listed {
        let others = (0..chain.stores.len()).filter(|i| !has(*i)).map(measured).collect();
        rows.extend(first(others, listed - rows.len()));
    }
    Ranked { listed: rows.into_iter().map(|(_, l)| l).collect(), in_stock_stores, in_stock_nearby }
}

/// The `n` entries with the least keys, in order (keys are unique: the id rank is their end).
fn first(mut entries: Vec<(u64, Listed)>, n: usize) -> Vec<(u64, Listed)> {
    if n < entries.len() {
        entries.select_nth_unstable_by_key(n, |e| e.0);
        entries.truncate(n);
    }
    entries.sort_unstable_by_key(|e| e.0);
    entries
}

/// The answer for `sku` from a [`rank`]ing: `units(i)` is what the store at index `i` has
/// available (asked only of the listed stores in stock), `total_available` the units across
/// the chain.
fn answer(
    sku: &Sku,
    chain: &Chain,
    ranked: Ranked,
    units: impl Fn(usize) -> u32,
    total_available: u32,
    now: DateTime<Utc>,
) -> Availability {
    let stores = ranked
        .listed
        .into_iter()
        .map(|l| {
            let store = &chain.stores[l.store];
            let available = if l.in_stock { units(l.store) } else { 0 };
            StoreAvailability {
                store_id: store.id.clone(),
                store_name: store.name.clone(),
                city: store.city,
                address: store.address.clone(),
                available,
                distance_m: l.distance_m,
                pickup_at: if available > 0 { store.pickup_time(now) } else { None },
                open_now: store.is_open_at(now),
                utc_offset_minutes: store.utc_offset_minutes,
            }
        })
        .collect();
    Availability {
        sku: sku.clone(),
        in_stock_stores: ranked.in_stock_stores,
        in_stock_nearby: ranked.in_stock_nearby,
        total_available,
        store_count: u32::try_from(chain.stores.len()).unwrap_or(u32::MAX),
        stores,
    }
}

/// Computes availability of `sku` from every store's units on hand (`available` per store id;
/// stores missing from the map have none), the shopper's position if known, and the time: every
/// store, in [`compare`]'s order.
pub fn availability(
    sku: &Sku,
    stores: &[Store],
    available: &HashMap<StoreId, u32>,
    shopper: Option<GeoPoint>,
    now: DateTime<Utc>,
) -> Availability {
    nearest(sku, &Chain::new(stores.to_vec()), available, shopper, now, usize::MAX)
}

/// [`availability`] listing only the first `listed` stores (the counts still cover every store).
pub fn nearest(
    sku: &Sku,
    chain: &Chain,
    available: &HashMap<StoreId, u32>,
    shopper: Option<GeoPoint>,
    now: DateTime<Utc>,
    listed: usize,
) -> Availability {
    let units: Vec<u32> = chain.stores.iter().map(|s| available.get(&s.id).copied().unwrap_or(0)).collect();
    from_units(sku, chain, &units, shopper, now, listed)
}

/// [`nearest`] from the units available in each store of `chain`, by index (a store past the
/// end has none).
pub fn from_units(sku: &Sku, chain: &Chain, units: &[u32], shopper: Option<GeoPoint>, now: DateTime<Utc>, listed: usize) -> Availability {
    let in_stock: Vec<bool> = units.iter().map(|u| *u > 0).collect();
    let total = units.iter().fold(0_u32, |sum, u| sum.saturating_add(*u));
    answer(sku, chain, rank(chain, &in_stock, shopper, listed), |i| units.get(i).copied().unwrap_or(0), total, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn in_stock_stores_come_first_then_the_nearest() {
        let stores = demo::stores();
        let sku = Sku::parse("PHN-0001").unwrap();
        let far = stores.iter().find(|s| s.city == City::SaintPetersburg).unwrap().id.clone();
        let near = stores.iter().find(|s| s.city == City::Moscow).unwrap().id.clone();
        let stock = HashMap::from([(far.clone(), 2), (near.clone(), 0)]);
        let result = availability(&sku, &stores, &stock, Some(City::Moscow.centre()), now());
        assert_eq!(result.stores[0].store_id, far, "the only store with stock leads even though it is far");
        assert_eq!(result.in_stock_stores, 1);
        assert_eq!(result.in_stock_nearby, Some(0), "the one store with stock is in another city");
        assert_eq!(result.total_available, 2);
        let rest: Vec<u32> = result.stores[1..].iter().map(|s| s.distance_m.unwrap()).collect();
        assert!(rest.windows(2).all(|w| w[0] <= w[1]), "out-of-stock stores are ordered by distance: {rest:?}");
        assert!(result.stores[0].pickup_at.is_some());
        assert!(result.stores[1].pickup_at.is_none(), "no pickup time where there is no stock");
    }

    #[test]
    fn without_a_position_there_are_no_distances() {
        let stores = demo::stores();
        let result = availability(&Sku::parse("PHN-0001").unwrap(), &stores, &HashMap::new(), None, now());
        assert!(result.stores.iter().all(|s| s.distance_m.is_none()));
        assert_eq!(result.in_stock_nearby, None);
        assert_eq!(result.stores.len(), stores.len());
    }

    /// Every store worked out the plain way and sorted by [`compare`]: what [`rank`] and
    /// [`answer`] must agree with.
    fn every_store_sorted(stores: &[Store], stock: &HashMap<StoreId, u32>, shopper: Option<GeoPoint>) -> Vec<StoreAvailability> {
        let mut rows: Vec<StoreAvailability> = stores
            .iter()
            .map(|s| {
                let available = stock.get(&s.id).copied().unwrap_or(0);
                StoreAvailability {
                    store_id: s.id.clone(),
                    store_name: s.name.clone(),
                    city: s.city,
                    address: s.address.clone(),
                    available,
                    distance_m: shopper.map(|p| p.distance_m(&s.location)),
                    pickup_at: if available > 0 { s.pickup_time(now()) } else { None },
                    open_now: s.is_open_at(now()),
                    utc_offset_minutes: s.utc_offset_minutes,
                }
            })
            .collect();
        rows.sort_by(compare);
        rows
    }

    proptest! {
        #[test]
        fn ordering_is_total_and_independent_of_input_order(
            units in proptest::collection::vec(0_u32..4, 14),
            lat in 55.0..61.0_f64, lon in 29.0..39.0_f64, rotate in 0_usize..14,
        ) {
            let mut stores = demo::stores();
            let sku = Sku::parse("PHN-0001").unwrap();
            let stock: HashMap<StoreId, u32> = stores.iter().zip(units).map(|(s, u)| (s.id.clone(), u)).collect();
            let pos = Some(GeoPoint::new(lat, lon).unwrap());
            let a = availability(&sku, &stores, &stock, pos, now());
            let r = rotate % stores.len();
            stores.rotate_left(r);
            let b = availability(&sku, &stores, &stock, pos, now());
            prop_assert_eq!(&a, &b);
            for w in a.stores.windows(2) {
                prop_assert!(compare(&w[0], &w[1]) != Ordering::Greater);
            }
        }

        #[test]
        fn the_first_stores_listed_are_the_first_of_all_and_the_counts_are_the_same(
            units in proptest::collection::vec(0_u32..4, 14),
            lat in 55.0..61.0_f64, lon in 29.0..39.0_f64, listed in 0_usize..16,
        ) {
            let stores = demo::stores();
            let sku = Sku::parse("PHN-0001").unwrap();
            let stock: HashMap<StoreId, u32> = stores.iter().zip(units).map(|(s, u)| (s.id.clone(), u)).collect();
            let pos = Some(GeoPoint::new(lat, lon).unwrap());
            let all = availability(&sku, &stores, &stock, pos, now());
            let first = nearest(&sku, &Chain::new(stores.clone()), &stock, pos, now(), listed);
            prop_assert_eq!(&first.stores[..], &all.stores[..listed.min(all.stores.len())]);
            prop_assert_eq!(Availability { stores: Vec::new(), ..first }, Availability { stores: Vec::new(), ..all });
        }

        #[test]
        fn the_stores_listed_are_every_store_sorted_the_plain_way_cut_at_the_limit(
            units in proptest::collection::vec(0_u32..3, 14),
            position in proptest::option::of((55.0..61.0_f64, 29.0..39.0_f64)),
            listed in 0_usize..16,
        ) {
            let stores = demo::stores();
            let sku = Sku::parse("PHN-0001").unwrap();
            let stock: HashMap<StoreId, u32> = stores.iter().zip(units).map(|(s, u)| (s.id.clone(), u)).collect();
            let shopper = position.map(|(lat, lon)| GeoPoint::new(lat, lon).unwrap());
            let answer = nearest(&sku, &Chain::new(stores.clone()), &stock, shopper, now(), listed);
            let plain = every_store_sorted(&stores, &stock, shopper);
            prop_assert_eq!(&answer.stores[..], &plain[..listed.min(plain.len())]);
            prop_assert_eq!(answer.in_stock_stores as usize, plain.iter().filter(|s| s.available > 0).count());
            prop_assert_eq!(answer.total_available, plain.iter().map(|s| s.available).sum::<u32>());
            let near = plain.iter().filter(|s| s.available > 0 && s.distance_m.is_some_and(|d| d <= NEARBY_RADIUS_M)).count() as u32;
            prop_assert_eq!(answer.in_stock_nearby, shopper.map(|_| near));
        }
    }
}
