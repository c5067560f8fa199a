//! Where a product can be had: stores with available quantity, distance and pickup time,
//! in-stock stores first, then nearest.

use crate::store::{City, Store};
use crate::{GeoPoint, Sku, StoreId};
use chrono::{DateTime, Utc};
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
    order_of(a.available, a.distance_m, &a.store_id, b.available, b.distance_m, &b.store_id)
}

fn order_of(a_units: u32, a_distance: Option<u32>, a_id: &StoreId, b_units: u32, b_distance: Option<u32>, b_id: &StoreId) -> Ordering {
    (b_units > 0)
        .cmp(&(a_units > 0))
        .then_with(|| match (a_distance, b_distance) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        })
        .then_with(|| a_id.cmp(b_id))
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
    nearest(sku, stores, available, shopper, now, usize::MAX)
}

/// [`availability`] listing only the first `listed` stores (the counts still cover every store):
/// the stores are ordered by what [`compare`] reads, and only those listed are filled in.
pub fn nearest(
    sku: &Sku,
    stores: &[Store],
    available: &HashMap<StoreId, u32>,
    shopper: Option<GeoPoint>,
    now: DateTime<Utc>,
    listed: usize,
) -> Availability {
    // (units, distance, store) for every store: what the order and the counts need.
    let mut order: Vec<(u32, Option<u32>, &Store)> = stores
        .iter()
        .map(|store| (available.get(&store.id).copied().unwrap_or(0), shopper.map(|p| p.distance_m(&store.location)), store))
        .collect();
    let in_stock_stores = order.iter().filter(|r| r.0 > 0).count() as u32;
    let in_stock_nearby = shopper.map(|_| order.iter().filter(|r| r.0 > 0 && r.1.is_some_and(|d| d <= NEARBY_RADIUS_M)).count() as u32);
    let total_available = order.iter().map(|r| r.0).sum();
    let by = |a: &(u32, Option<u32>, &Store), b: &(u32, Option<u32>, &Store)| order_of(a.0, a.1, &a.2.id, b.0, b.1, &b.2.id);
    if listed < order.len() {
        order.select_nth_unstable_by(listed, by);
        order.truncate(listed);
    }
    order.sort_by(by);
    let rows = order
        .into_iter()
        .map(|(units, distance_m, store)| StoreAvailability {
            store_id: store.id.clone(),
            store_name: store.name.clone(),
            city: store.city,
            address: store.address.clone(),
            available: units,
            distance_m,
            pickup_at: if units > 0 { store.pickup_time(now) } else { None },
            open_now: store.is_open_at(now),
            utc_offset_minutes: store.utc_offset_minutes,
        })
        .collect();
    Availability { sku: sku.clone(), in_stock_stores, in_stock_nearby, total_available, store_count: stores.len() as u32, stores: rows }
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
            let first = nearest(&sku, &stores, &stock, pos, now(), listed);
            prop_assert_eq!(&first.stores[..], &all.stores[..listed.min(all.stores.len())]);
            prop_assert_eq!(Availability { stores: Vec::new(), ..first }, Availability { stores: Vec::new(), ..all });
        }
    }
}
